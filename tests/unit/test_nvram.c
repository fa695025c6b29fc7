/* Writing OVMF variable stores (nvram.h): keys enrolled into Debian's empty template read back
 * with the reader as they were given; a store without room, a broken template, unusable keys
 * are refused with their own error; Microsoft's real signed dbx update applied to Debian's
 * Microsoft-enrolled store adds exactly its new entries, once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/nvram.h"
#include "trustlaunch/revocation.h"
#include "trustlaunch/varstore.h"
#include "trustlaunch/x509.h"

#define EMPTY_VARS "/usr/share/OVMF/OVMF_VARS_4M.fd"
#define MS_VARS "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;
	if (!f)
		fail_msg("%s is missing", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static uint8_t *vector(const char *rel, size_t *len)
{
	char path[1024];
	const char *v = getenv("TL_VECTORS");
	snprintf(path, sizeof(path), "%s/%s", v ? v : "../shared/vectors", rel);
	return slurp(path, len);
}

struct keys {
	uint8_t *pk, *kek, *db, *tpl;
	size_t pkl, kekl, dbl, tpll;
	struct tl_sb_keys k;
};

static void keys_load(struct keys *s, const char *tpl)
{
	memset(s, 0, sizeof(*s));
	s->pk = vector("certs/secure-boot/GcePk.crt", &s->pkl);
	s->kek = vector("certs/secure-boot/MicCorKEKCA2011_2011-06-24.crt", &s->kekl);
	s->db = vector("certs/secure-boot/MicCorUEFCA2011_2011-06-27.crt", &s->dbl);
	s->tpl = slurp(tpl, &s->tpll);
	s->k.pk = (struct tl_sb_key_files){ { { s->pk, s->pkl } }, 1 };
	s->k.kek = (struct tl_sb_key_files){ { { s->kek, s->kekl } }, 1 };
	s->k.db = (struct tl_sb_key_files){ { { s->db, s->dbl } }, 1 };
	s->k.owner = TL_GUID_TRUSTLAUNCH_OWNER;
	s->k.time = 1767225600; /* 2026-01-01T00:00:00Z */
}

static void keys_free(struct keys *s)
{
	free(s->pk);
	free(s->kek);
	free(s->db);
	free(s->tpl);
}

struct one {
	struct tl_guid type, owner;
	struct tl_bytes data;
	size_t n;
};

static int take(const struct tl_esl_entry *e, void *arg)
{
	struct one *o = arg;
	o->type = e->type;
	o->owner = e->owner;
	o->data = e->data;
	o->n++;
	return TL_OK;
}

/* The variable holds exactly the certificate cert (PEM or DER), owned by trustlaunch. */
static void holds_cert(struct tl_bytes fd, const struct tl_guid *vendor, const char *name,
		       const uint8_t *cert, size_t len)
{
	struct tl_var_entry v;
	struct one o = { 0 };
	uint8_t *der;
	size_t dl;
	assert_int_equal(tl_varstore_find(fd, vendor, name, &v), TL_OK);
	assert_int_equal(v.attributes, TL_VAR_ATTRS_SB_KEYS);
	static const uint8_t y2026[16] = { 0xea, 0x07, 1, 1 }; /* 2026-01-01T00:00:00, zone 0 */
	assert_true(tl_bytes_eq(v.timestamp, y2026, sizeof(y2026)));
	assert_int_equal(tl_esl_walk(v.data, take, &o), TL_OK);
	assert_int_equal(o.n, 1);
	assert_true(tl_guid_eq(&o.type, &TL_GUID_CERT_X509));
	assert_true(tl_guid_eq(&o.owner, &TL_GUID_TRUSTLAUNCH_OWNER));
	assert_int_equal(tl_x509_der((struct tl_bytes){ cert, len }, &der, &dl), TL_OK);
	assert_true(o.data.len == dl && tl_bytes_eq(o.data, der, dl));
	free(der);
}

static void nvram_set_keys_reads_back(void **state)
{
	struct keys s;
	uint8_t *out;
	size_t len;
	struct tl_bytes d;
	(void)state;
	keys_load(&s, EMPTY_VARS);
	assert_int_equal(tl_varstore_set_keys_mem((struct tl_bytes){ s.tpl, s.tpll }, &s.k, &out,
						  &len), TL_OK);
	assert_int_equal(len, s.tpll);
	struct tl_bytes fd = { out, len };
	holds_cert(fd, &TL_GUID_GLOBAL_VARIABLE, "PK", s.pk, s.pkl);
	holds_cert(fd, &TL_GUID_GLOBAL_VARIABLE, "KEK", s.kek, s.kekl);
	holds_cert(fd, &TL_GUID_IMAGE_SECURITY_DB, "db", s.db, s.dbl);
	assert_int_equal(tl_varstore_get(fd, &TL_GUID_IMAGE_SECURITY_DB, "dbx", &d),
			 TL_E_VARSTORE_MISSING);
	assert_int_equal(tl_varstore_get(fd, &TL_GUID_SECURE_BOOT_ENABLE, "SecureBootEnable", &d),
			 TL_OK);
	assert_true(d.len == 1 && tl_bytes_eq(d, "\1", 1));
	assert_int_equal(tl_varstore_get(fd, &TL_GUID_CUSTOM_MODE, "CustomMode", &d), TL_OK);
	assert_true(d.len == 1 && tl_bytes_eq(d, "\0", 1));
	/* everything outside the variable area is the template's */
	size_t off, alen;
	assert_int_equal(tl_varstore_area(fd, &off, &alen), TL_OK);
	assert_memory_equal(out, s.tpl, off);
	assert_memory_equal(out + off + alen, s.tpl + off + alen, len - off - alen);
	free(out);
	keys_free(&s);
}

/* Over Microsoft's enrolled store: our keys replace theirs, one live copy each, the store's
 * other variables kept. */
static void nvram_set_keys_replaces_enrolled_keys(void **state)
{
	struct keys s;
	uint8_t *out;
	size_t len;
	struct tl_bytes d, before;
	(void)state;
	keys_load(&s, MS_VARS);
	assert_int_equal(tl_varstore_set_keys_mem((struct tl_bytes){ s.tpl, s.tpll }, &s.k, &out,
						  &len), TL_OK);
	struct tl_bytes fd = { out, len };
	holds_cert(fd, &TL_GUID_GLOBAL_VARIABLE, "PK", s.pk, s.pkl);
	holds_cert(fd, &TL_GUID_IMAGE_SECURITY_DB, "db", s.db, s.dbl);
	/* dbx not given: the template's */
	assert_int_equal(tl_varstore_get((struct tl_bytes){ s.tpl, s.tpll },
					 &TL_GUID_IMAGE_SECURITY_DB, "dbx", &before), TL_OK);
	assert_int_equal(tl_varstore_get(fd, &TL_GUID_IMAGE_SECURITY_DB, "dbx", &d), TL_OK);
	assert_true(d.len == before.len && tl_bytes_eq(d, before.ptr, before.len));
	assert_int_equal(tl_varstore_get(fd, &TL_GUID_GLOBAL_VARIABLE, "Boot0000", &d), TL_OK);
	free(out);
	keys_free(&s);
}

static void nvram_set_keys_refuses_store_without_room(void **state)
{
	struct keys s;
	uint8_t *out = (uint8_t *)"x";
	size_t len, off, alen;
	(void)state;
	keys_load(&s, EMPTY_VARS);
	assert_int_equal(tl_varstore_area((struct tl_bytes){ s.tpl, s.tpll }, &off, &alen), TL_OK);
	/* VARIABLE_STORE_HEADER.Size: the header and 2 KiB */
	uint32_t small = 28 + 2048;
	memcpy(s.tpl + off - 28 + 16, &small, 4);
	assert_int_equal(tl_varstore_set_keys_mem((struct tl_bytes){ s.tpl, s.tpll }, &s.k, &out,
						  &len), TL_E_VARSTORE_FULL);
	assert_null(out);
	/* a size past the file, a firmware volume header whose checksum fails */
	uint32_t big = (uint32_t)s.tpll;
	memcpy(s.tpl + off - 28 + 16, &big, 4);
	assert_int_equal(tl_varstore_set_keys_mem((struct tl_bytes){ s.tpl, s.tpll }, &s.k, &out,
						  &len), TL_E_VARSTORE);
	keys_free(&s);
	keys_load(&s, EMPTY_VARS);
	s.tpl[32] ^= 1; /* FvLength */
	assert_int_equal(tl_varstore_set_keys_mem((struct tl_bytes){ s.tpl, s.tpll }, &s.k, &out,
						  &len), TL_E_VARSTORE);
	assert_int_equal(tl_varstore_set_keys_mem((struct tl_bytes){ s.tpl, 100 }, &s.k, &out,
						  &len), TL_E_VARSTORE);
	keys_free(&s);
}

static void nvram_set_keys_refuses_unusable_keys(void **state)
{
	struct keys s;
	uint8_t *out = NULL, junk[64];
	size_t len;
	(void)state;
	keys_load(&s, EMPTY_VARS);
	/* PK of two certificates */
	s.k.pk.file[1] = s.k.kek.file[0];
	s.k.pk.n = 2;
	assert_int_equal(tl_varstore_set_keys_mem((struct tl_bytes){ s.tpl, s.tpll }, &s.k, &out,
						  &len), TL_E_VARSTORE_KEY);
	s.k.pk.n = 1;
	/* a db file that is neither a certificate nor a signature list */
	memset(junk, 'A', sizeof(junk));
	s.k.db.file[0] = (struct tl_bytes){ junk, sizeof(junk) };
	assert_int_equal(tl_varstore_set_keys_mem((struct tl_bytes){ s.tpl, s.tpll }, &s.k, &out,
						  &len), TL_E_VARSTORE_KEY);
	/* a truncated certificate */
	s.k.db.file[0] = (struct tl_bytes){ s.db, s.dbl - 1 };
	assert_int_equal(tl_varstore_set_keys_mem((struct tl_bytes){ s.tpl, s.tpll }, &s.k, &out,
						  &len), TL_E_VARSTORE_KEY);
	/* no KEK */
	s.k.db.file[0] = (struct tl_bytes){ s.db, s.dbl };
	s.k.kek.n = 0;
	assert_int_equal(tl_varstore_set_keys_mem((struct tl_bytes){ s.tpl, s.tpll }, &s.k, &out,
						  &len), TL_E_VARSTORE_KEY);
	assert_null(out);
	keys_free(&s);
}

static void nvram_apply_dbx_adds_new_entries_once(void **state)
{
	size_t fl, ul, ol, ol2, before, after, n;
	uint8_t *fd = slurp(MS_VARS, &fl), *up = vector("revocations/DBXUpdate-amd64.bin", &ul);
	uint8_t *out, *out2;
	struct tl_dbx_apply r;
	struct tl_dbx_update parsed;
	struct tl_bytes d;
	(void)state;
	assert_int_equal(tl_varstore_get((struct tl_bytes){ fd, fl }, &TL_GUID_IMAGE_SECURITY_DB,
					 "dbx", &d), TL_OK);
	assert_int_equal(tl_esl_count(d, &before), TL_OK);
	assert_int_equal(tl_dbx_update_parse((struct tl_bytes){ up, ul }, &parsed), TL_OK);
	assert_int_equal(tl_varstore_apply_dbx((struct tl_bytes){ fd, fl },
					       (struct tl_bytes){ up, ul }, &out, &ol, &r), TL_OK);
	assert_true(r.appended && !r.by_pk && r.changed);
	assert_int_equal(r.before, before);
	/* the template's one entry (a SHA-256 of 2013) is not among the update's: all are new */
	assert_int_equal(r.added, parsed.count);
	assert_int_equal(tl_varstore_get((struct tl_bytes){ out, ol }, &TL_GUID_IMAGE_SECURITY_DB,
					 "dbx", &d), TL_OK);
	assert_int_equal(tl_esl_count(d, &after), TL_OK);
	assert_int_equal(after, before + r.added);
	assert_int_equal(r.after, after);
	/* the rest of the store is still there */
	assert_int_equal(tl_varstore_get((struct tl_bytes){ out, ol }, &TL_GUID_GLOBAL_VARIABLE,
					 "KEK", &d), TL_OK);
	assert_int_equal(tl_esl_count(d, &n), TL_OK);
	/* a second time: nothing new, the store unchanged */
	assert_int_equal(tl_varstore_apply_dbx((struct tl_bytes){ out, ol },
					       (struct tl_bytes){ up, ul }, &out2, &ol2, &r), TL_OK);
	assert_false(r.changed);
	assert_int_equal(r.added, 0);
	assert_int_equal(r.after, after);
	assert_true(ol2 == ol && memcmp(out, out2, ol) == 0);
	free(out);
	free(out2);
	free(fd);
	free(up);
}

static void nvram_apply_dbx_refuses_tampered_update(void **state)
{
	size_t fl, ul, el, ol;
	uint8_t *fd = slurp(MS_VARS, &fl), *up = vector("revocations/DBXUpdate-amd64.bin", &ul);
	uint8_t *empty = slurp(EMPTY_VARS, &el), *out = NULL;
	struct tl_dbx_apply r;
	(void)state;
	up[ul - 1] ^= 1; /* the last hash of the last list */
	assert_int_equal(tl_varstore_apply_dbx((struct tl_bytes){ fd, fl },
					       (struct tl_bytes){ up, ul }, &out, &ol, &r),
			 TL_E_REVOC_UPDATE_SIGNATURE);
	assert_null(out);
	up[ul - 1] ^= 1;
	up[0] ^= 0x40; /* the timestamp's year: signed too */
	assert_int_equal(tl_varstore_apply_dbx((struct tl_bytes){ fd, fl },
					       (struct tl_bytes){ up, ul }, &out, &ol, &r),
			 TL_E_REVOC_UPDATE_SIGNATURE);
	up[0] ^= 0x40;
	/* a store without KEK or PK: nothing could verify it */
	assert_int_equal(tl_varstore_apply_dbx((struct tl_bytes){ empty, el },
					       (struct tl_bytes){ up, ul }, &out, &ol, &r),
			 TL_E_VARSTORE_MISSING);
	/* cut inside the signature lists */
	assert_int_equal(tl_varstore_apply_dbx((struct tl_bytes){ fd, fl },
					       (struct tl_bytes){ up, ul - 7 }, &out, &ol, &r),
			 TL_E_REVOC_UPDATE_LISTS);
	assert_null(out);
	free(fd);
	free(up);
	free(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nvram_set_keys_reads_back),
		cmocka_unit_test(nvram_set_keys_replaces_enrolled_keys),
		cmocka_unit_test(nvram_set_keys_refuses_store_without_room),
		cmocka_unit_test(nvram_set_keys_refuses_unusable_keys),
		cmocka_unit_test(nvram_apply_dbx_adds_new_entries_once),
		cmocka_unit_test(nvram_apply_dbx_refuses_tampered_update),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
