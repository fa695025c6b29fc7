/* Secure Boot keys into a variable store: certificates and signature-list files become the
 * EFI_SIGNATURE_LIST data of PK, KEK, db and dbx, stored as time-based authenticated
 * variables, with SecureBootEnable and CustomMode as OVMF's own enrolled templates hold them. */
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/buf.h"
#include "trustlaunch/limits.h"
#include "trustlaunch/nvram.h"
#include "trustlaunch/varstore.h"
#include "trustlaunch/x509.h"

#define MAX_KEY_VAR (64u * 1024u)

/* One key file appended to esl: signature lists as they are, or a certificate as a list. */
static int key_file(struct tl_buf *esl, struct tl_bytes file, const struct tl_guid *owner)
{
	struct tl_bytes lists;
	uint8_t *der = NULL;
	size_t len;
	if (tl_x509_der(file, &der, &len) == TL_OK) {
		tl_esl_put_cert(esl, owner, (struct tl_bytes){ der, len });
		free(der);
		return TL_OK;
	}
	if (tl_esl_file(file, &lists) != TL_OK || lists.len == 0)
		return TL_E_VARSTORE_KEY;
	tl_buf_put(esl, (const char *)lists.ptr, lists.len);
	return TL_OK;
}

static int key_lists(struct tl_buf *esl, const struct tl_sb_key_files *files,
		     const struct tl_guid *owner)
{
	size_t n;
	int err = TL_OK;
	if (files->n > TL_SB_MAX_KEY_FILES)
		return TL_E_ARG;
	for (size_t i = 0; i < files->n && err == TL_OK; i++)
		err = key_file(esl, files->file[i], owner);
	if (err == TL_OK && esl->err)
		err = esl->err == TL_E_ARG ? TL_E_VARSTORE_KEY : esl->err;
	/* what was put together must read back as one store */
	if (err == TL_OK && tl_esl_count((struct tl_bytes){ (const uint8_t *)esl->s, esl->len },
					 &n) != TL_OK)
		err = TL_E_VARSTORE_KEY;
	return err;
}

struct pk_check {
	size_t certs, others;
};

static int pk_entry(const struct tl_esl_entry *e, void *arg)
{
	struct pk_check *c = arg;
	if (tl_guid_eq(&e->type, &TL_GUID_CERT_X509))
		c->certs++;
	else
		c->others++;
	return TL_OK;
}

/* UEFI 32.3.1: PK holds exactly one X.509 certificate. */
static int pk_ok(const struct tl_buf *pk)
{
	struct pk_check c = { 0, 0 };
	int err = tl_esl_walk((struct tl_bytes){ (const uint8_t *)pk->s, pk->len }, pk_entry, &c);
	return err == TL_OK && c.certs == 1 && c.others == 0 ? TL_OK : TL_E_VARSTORE_KEY;
}

static struct tl_bytes view(const struct tl_buf *b)
{
	return (struct tl_bytes){ (const uint8_t *)b->s, b->len };
}

int tl_varstore_set_keys_mem(struct tl_bytes template, const struct tl_sb_keys *keys,
			     uint8_t **out, size_t *out_len)
{
	static const uint8_t one = 1, zero = 0;
	struct tl_buf pk, kek, db, dbx;
	struct tl_var_new v[6];
	size_t n = 0;
	uint8_t ts[16];
	int err;

	*out = NULL;
	*out_len = 0;
	tl_efi_time(keys->time, ts);
	tl_buf_init(&pk, MAX_KEY_VAR);
	tl_buf_init(&kek, MAX_KEY_VAR);
	tl_buf_init(&db, MAX_KEY_VAR);
	tl_buf_init(&dbx, MAX_KEY_VAR);
	err = key_lists(&pk, &keys->pk, &keys->owner);
	if (err == TL_OK)
		err = key_lists(&kek, &keys->kek, &keys->owner);
	if (err == TL_OK)
		err = key_lists(&db, &keys->db, &keys->owner);
	if (err == TL_OK)
		err = key_lists(&dbx, &keys->dbx, &keys->owner);
	if (err == TL_OK && (pk_ok(&pk) != TL_OK || !kek.len || !db.len))
		err = TL_E_VARSTORE_KEY;
	if (err == TL_OK) {
		/* as OVMF's enrolled templates: keys from the platform vendor's side first */
		v[n++] = (struct tl_var_new){ &TL_GUID_IMAGE_SECURITY_DB, "db", TL_VAR_ATTRS_SB_KEYS,
					      { 0 }, view(&db) };
		if (dbx.len)
			v[n++] = (struct tl_var_new){ &TL_GUID_IMAGE_SECURITY_DB, "dbx",
						      TL_VAR_ATTRS_SB_KEYS, { 0 }, view(&dbx) };
		v[n++] = (struct tl_var_new){ &TL_GUID_GLOBAL_VARIABLE, "KEK", TL_VAR_ATTRS_SB_KEYS,
					      { 0 }, view(&kek) };
		v[n++] = (struct tl_var_new){ &TL_GUID_GLOBAL_VARIABLE, "PK", TL_VAR_ATTRS_SB_KEYS,
					      { 0 }, view(&pk) };
		for (size_t i = 0; i < n; i++)
			memcpy(v[i].timestamp, ts, sizeof(ts));
		v[n++] = (struct tl_var_new){ &TL_GUID_SECURE_BOOT_ENABLE, "SecureBootEnable",
					      TL_VAR_ATTRS_NV_BS, { 0 }, { &one, 1 } };
		v[n++] = (struct tl_var_new){ &TL_GUID_CUSTOM_MODE, "CustomMode",
					      TL_VAR_ATTRS_NV_BS, { 0 }, { &zero, 1 } };
		err = tl_varstore_set(template, v, n, out, out_len);
	}
	tl_buf_free(&pk);
	tl_buf_free(&kek);
	tl_buf_free(&db);
	tl_buf_free(&dbx);
	return err;
}
