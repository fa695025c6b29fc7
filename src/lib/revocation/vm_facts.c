/* A VM's revocation state from facts (docs/facts.md): secureboot.enabled, secureboot.dbx
 * ({type: "sha256", hash} and {type: "x509", subject, issuer}), secureboot.sbat_level (with
 * facts' "\xNN" escapes) and efi_apps[].digests.sha256. */
#include <stdlib.h>
#include <string.h>

#include "revocation_internal.h"

static int dbx_list(struct tl_revoc_vm *vm, json_t *dbx)
{
	size_t i;
	json_t *e;
	if (!json_is_array(dbx))
		return TL_E_REVOC_FACTS;
	json_array_foreach(dbx, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		json_t *h = json_object_get(e, "hash");
		uint8_t d[TL_SHA256_LEN];
		int err = TL_OK;
		if (!type)
			return TL_E_REVOC_FACTS;
		if (strcmp(type, "sha256") == 0 && json_is_string(h) &&
		    json_string_length(h) == 2 * TL_SHA256_LEN &&
		    tl_unhex(json_string_value(h), d, TL_SHA256_LEN) == TL_OK)
			err = tl_revoc_vm_add_hash(vm, d);
		else if (strcmp(type, "x509") == 0)
			err = tl_revoc_vm_add_cert(
				vm, json_string_value(json_object_get(e, "subject")),
				json_string_value(json_object_get(e, "issuer")), NULL);
		else
			vm->nother++;
		if (err != TL_OK)
			return err;
	}
	return TL_OK;
}

/* facts write control bytes (and bytes that are not UTF-8) as "\xNN": undo that. */
static int unescape(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = 0;
	while (*s) {
		uint8_t b = (uint8_t)*s;
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3] && tl_unhex((char[]){ s[2], s[3], 0 }, &b, 1) == TL_OK)
			s += 4;
		else
			s++;
		if (n == cap)
			return TL_E_REVOC_VM_SBAT_MALFORMED;
		out[n++] = b;
	}
	*len = n;
	return TL_OK;
}

static int sbat(struct tl_revoc_vm *vm, json_t *v)
{
	uint8_t raw[1024];
	size_t n;
	int err;
	if (!v || json_is_null(v))
		return TL_OK;
	if (!json_is_string(v))
		return TL_E_REVOC_FACTS;
	if ((err = unescape(json_string_value(v), raw, sizeof(raw), &n)) != TL_OK ||
	    (err = tl_sbat_level_parse((struct tl_bytes){ raw, n }, &vm->sbat)) != TL_OK)
		return err;
	vm->sbat_known = true;
	return TL_OK;
}

static int apps(struct tl_revoc_vm *vm, json_t *arr)
{
	size_t i;
	json_t *a;
	if (!arr)
		return TL_OK;
	if (!json_is_array(arr))
		return TL_E_REVOC_FACTS;
	json_array_foreach(arr, i, a) {
		json_t *d = json_object_get(json_object_get(a, "digests"), "sha256");
		json_t *p = json_object_get(a, "path");
		uint8_t digest[TL_SHA256_LEN];
		int err;
		if (!json_is_object(a))
			return TL_E_REVOC_FACTS;
		if (!d)
			continue; /* a log without a SHA-256 bank: nothing to compare */
		if (!json_is_string(d) || json_string_length(d) != 2 * TL_SHA256_LEN ||
		    tl_unhex(json_string_value(d), digest, TL_SHA256_LEN) != TL_OK)
			return TL_E_REVOC_FACTS;
		if (vm->napps == TL_REVOC_MAX_APPS)
			return TL_E_REVOC_TOO_MANY;
		if ((err = tl_revoc_vm_add_app(vm, json_is_string(p) ? json_string_value(p) : "",
					       digest)) != TL_OK)
			return err;
	}
	return TL_OK;
}

int tl_revoc_vm_from_facts(json_t *facts, struct tl_revoc_vm *out)
{
	struct tl_revoc_vm vm;
	json_t *sb = json_object_get(facts, "secureboot"), *dbx;
	int err = TL_E_REVOC_FACTS;

	memset(out, 0, sizeof(*out));
	memset(&vm, 0, sizeof(vm));
	vm.from_log = true;
	vm.kek_accepts_update = -1;
	if (!json_is_object(facts) || (sb && !json_is_object(sb)))
		goto out;
	vm.secure_boot = json_is_true(json_object_get(sb, "enabled"));
	dbx = json_object_get(sb, "dbx");
	if (dbx && !json_is_null(dbx)) {
		if ((err = dbx_list(&vm, dbx)) != TL_OK)
			goto out;
		vm.dbx_known = true;
	}
	if ((err = sbat(&vm, json_object_get(sb, "sbat_level"))) != TL_OK ||
	    (err = apps(&vm, json_object_get(facts, "efi_apps"))) != TL_OK)
		goto out;
	*out = vm;
	memset(&vm, 0, sizeof(vm));
out:
	tl_revoc_vm_clear(&vm);
	return err;
}
