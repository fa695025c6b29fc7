/* What a VM has: Secure Boot on or off, its dbx, its SbatLevel and the boot applications of
 * this boot, from attested facts (tl_facts_extract) or from an OVMF variable store. */
#include <stdlib.h>
#include <string.h>

#include "revocation_internal.h"
#include "trustlaunch/varstore.h"
#include "trustlaunch/x509.h"

int tl_revoc_vm_add_hash(struct tl_revoc_vm *vm, const uint8_t *h)
{
	if (vm->nhash >= TL_MAX_REVOC_ENTRIES)
		return TL_E_REVOC_TOO_MANY;
	if (vm->nhash % 64 == 0) {
		void *g = realloc(vm->hash, (vm->nhash + 64) * sizeof(*vm->hash));
		if (!g)
			return TL_E_NOMEM;
		vm->hash = g;
	}
	memcpy(vm->hash[vm->nhash++], h, TL_SHA256_LEN);
	return TL_OK;
}

/* A certificate of dbx by its subject and issuer names (RFC 2253) and, when the DER is at
 * hand, its SHA-1 thumbprint (NULL: not known). */
int tl_revoc_vm_add_cert(struct tl_revoc_vm *vm, const char *subject, const char *issuer,
		    const uint8_t *thumbprint)
{
	struct tl_revoc_vm_cert c = { NULL, NULL, thumbprint != NULL, { 0 } };
	if (vm->ncert >= TL_MAX_REVOC_ENTRIES)
		return TL_E_REVOC_TOO_MANY;
	if (vm->ncert % 16 == 0) {
		void *g = realloc(vm->cert, (vm->ncert + 16) * sizeof(*vm->cert));
		if (!g)
			return TL_E_NOMEM;
		vm->cert = g;
	}
	if (thumbprint)
		memcpy(c.thumbprint, thumbprint, TL_SHA1_LEN);
	c.subject_cn = tl_revoc_cn(subject ? subject : "");
	c.issuer_cn = tl_revoc_cn(issuer ? issuer : "");
	if (!c.subject_cn || !c.issuer_cn) {
		free(c.subject_cn);
		free(c.issuer_cn);
		return TL_E_NOMEM;
	}
	vm->cert[vm->ncert++] = c;
	return TL_OK;
}

int tl_revoc_vm_add_app(struct tl_revoc_vm *vm, const char *path,
			const uint8_t digest[static TL_SHA256_LEN])
{
	struct tl_revoc_app *a;
	if (vm->napps >= TL_REVOC_MAX_APPS)
		return TL_E_ARG;
	a = &vm->app[vm->napps];
	if (!(a->path = strdup(path ? path : "")))
		return TL_E_NOMEM;
	memcpy(a->digest, digest, TL_SHA256_LEN);
	vm->napps++;
	return TL_OK;
}

void tl_revoc_vm_clear(struct tl_revoc_vm *vm)
{
	if (!vm)
		return;
	for (size_t i = 0; i < vm->ncert; i++) {
		free(vm->cert[i].subject_cn);
		free(vm->cert[i].issuer_cn);
	}
	for (size_t i = 0; i < vm->napps; i++)
		free(vm->app[i].path);
	free(vm->cert);
	free(vm->hash);
	memset(vm, 0, sizeof(*vm));
}

/* ---- from a variable store ---- */

static int store_entry(const struct tl_esl_entry *e, void *arg)
{
	struct tl_revoc_vm *vm = arg;
	struct tl_x509_info info;
	uint8_t d[TL_MAX_DIGEST];
	int err;
	if (tl_guid_eq(&e->type, &TL_GUID_CERT_SHA256) && e->data.len == TL_SHA256_LEN) {
		struct tl_rd rd;
		tl_rd_from(&rd, e->data);
		if (tl_rd_copy(&rd, d, TL_SHA256_LEN) != TL_OK)
			return TL_E_ESL_MALFORMED;
		return tl_revoc_vm_add_hash(vm, d);
	}
	if (!tl_guid_eq(&e->type, &TL_GUID_CERT_X509)) {
		vm->nother++;
		return TL_OK;
	}
	if ((err = tl_hash(TL_ALG_SHA1, e->data.ptr, e->data.len, d)) != TL_OK)
		return err;
	if (tl_x509_info(e->data, &info) != TL_OK)
		return tl_revoc_vm_add_cert(vm, "", "", d); /* matched by thumbprint alone */
	err = tl_revoc_vm_add_cert(vm, info.subject, info.issuer, d);
	tl_x509_info_clear(&info);
	return err;
}

static int store_sbat(struct tl_bytes fd, struct tl_revoc_vm *vm)
{
	struct tl_bytes data;
	int err = tl_varstore_get(fd, &TL_GUID_SHIM_LOCK, "SbatLevel", &data);
	if (err == TL_E_VARSTORE_MISSING)
		return TL_OK; /* shim writes it on its first boot */
	if (err != TL_OK)
		return err;
	if ((err = tl_sbat_level_parse(data, &vm->sbat)) != TL_OK)
		return err;
	vm->sbat_known = true;
	return TL_OK;
}

int tl_revoc_vm_from_varstore(struct tl_bytes fd, struct tl_revoc_vm *out)
{
	struct tl_revoc_vm vm;
	struct tl_bytes pk, dbx = { NULL, 0 };
	int err;

	memset(out, 0, sizeof(*out));
	memset(&vm, 0, sizeof(vm));
	vm.kek_accepts_update = -1;
	err = tl_varstore_get(fd, &TL_GUID_GLOBAL_VARIABLE, "PK", &pk);
	if (err != TL_OK && err != TL_E_VARSTORE_MISSING)
		goto out;
	vm.secure_boot = err == TL_OK && pk.len > 0; /* OVMF enforces when a PK is enrolled */
	err = tl_varstore_get(fd, &TL_GUID_IMAGE_SECURITY_DB, "dbx", &dbx);
	if (err != TL_OK && err != TL_E_VARSTORE_MISSING)
		goto out;
	vm.dbx_known = true; /* absent: the firmware has an empty dbx */
	if ((err = tl_esl_walk(dbx, store_entry, &vm)) != TL_OK ||
	    (err = store_sbat(fd, &vm)) != TL_OK)
		goto out;
	*out = vm;
	memset(&vm, 0, sizeof(vm));
out:
	tl_revoc_vm_clear(&vm);
	return err;
}
