/* The revocation data parsers on the real files in ../shared/vectors/revocations (Microsoft's
 * dbx_info JSON and signed DBXUpdate, shim's SbatLevel_Variable.txt), and on hostile and
 * truncated variants of them: each refused with its own code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/limits.h"
#include "trustlaunch/revocation.h"

static uint8_t *slurp(const char *name, size_t *len)
{
	const char *v = getenv("TL_VECTORS");
	char path[4096];
	FILE *f;
	uint8_t *b;
	long n;
	snprintf(path, sizeof(path), "%s/revocations/%s", v ? v : "../shared/vectors", name);
	if (!(f = fopen(path, "rb")))
		fail_msg("%s is missing (the shared vectors)", path);
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

static struct tl_bytes text(const char *s)
{
	return (struct tl_bytes){ (const uint8_t *)s, strlen(s) };
}

static const struct tl_revoc_entry *find_hex(const struct tl_revoc_list *l, const char *hex)
{
	uint8_t v[TL_SHA256_LEN];
	assert_int_equal(tl_unhex(hex, v, sizeof(v)), TL_OK);
	for (size_t i = 0; i < l->count; i++)
		if (l->e[i].kind != TL_REVOC_CERT && memcmp(l->e[i].value, v, sizeof(v)) == 0)
			return &l->e[i];
	return NULL;
}

static void revocation_dbx_info_parse_reads_real_file(void **state)
{
	size_t len, hashes = 0, certs = 0, svns = 0, optional = 0, boothole = 0;
	uint8_t *buf = slurp("dbx_info_msft_latest.json", &len);
	struct tl_revoc_list l;
	const struct tl_revoc_entry *e;
	(void)state;
	assert_int_equal(tl_dbx_info_parse((struct tl_bytes){ buf, len }, "x64", &l), TL_OK);
	for (size_t i = 0; i < l.count; i++) {
		hashes += l.e[i].kind == TL_REVOC_HASH;
		certs += l.e[i].kind == TL_REVOC_CERT;
		svns += l.e[i].kind == TL_REVOC_SVN;
		optional += l.e[i].optional;
		boothole += strcmp(l.e[i].date, "2020-07-01") == 0;
	}
	/* counted by hand in the file: 443 x64 images (154 isOptional, 151 of 2020-07-01),
	 * Windows Production PCA 2011, three SVNs */
	assert_int_equal(hashes, 443);
	assert_int_equal(certs, 1);
	assert_int_equal(svns, 3);
	assert_int_equal(optional, 154);
	assert_int_equal(boothole, 151);
	e = find_hex(&l, "80B4D96931BF0D02FD91A61E19D14F1DA452E66DB2408CA8604D411F92659F0A");
	assert_non_null(e);
	assert_string_equal(e->file, "shim.efi");
	assert_string_equal(e->date, "2018-04-01");
	assert_string_equal(e->authority, "CN = Microsoft Corporation UEFI CA 2011");
	for (size_t i = 0; i < l.count; i++)
		if (l.e[i].kind == TL_REVOC_CERT) {
			assert_string_equal(l.e[i].authority, "CN = Microsoft Windows Production PCA 2011");
			assert_true(l.e[i].staged);
			assert_int_equal(l.e[i].thumbprint[0], 0x58);
		}
	tl_revoc_list_clear(&l);
	/* another architecture: its own images, the same certificate and SVNs */
	assert_int_equal(tl_dbx_info_parse((struct tl_bytes){ buf, len }, "aarch64", &l), TL_OK);
	assert_int_equal(l.count, 26 + 1 + 3);
	tl_revoc_list_clear(&l);
	free(buf);
}

static void revocation_dbx_info_parse_rejects_hostile_json(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"images\":{\"x64\":[]},\"extra\":1}",
		"{\"certificates\":[]}",
		"{\"images\":{\"x64\":{}}}",
		"{\"images\":{\"x64\":[],\"x64\":[]}}",
		"{\"images\":{\"x64\":[{\"authenticodeHash\":\"00\",\"hashType\":\"SHA256\","
		"\"filename\":\"\",\"description\":\"\",\"dateOfAddition\":\"2020-07-01\"}]}}",
		"{\"images\":{\"x64\":[{\"authenticodeHash\":\"" /* SHA-1 type */
		"0000000000000000000000000000000000000000000000000000000000000000\",\"hashType\":"
		"\"SHA1\",\"filename\":\"\",\"description\":\"\",\"dateOfAddition\":\"2020-07-01\"}]}}",
		"{\"images\":{\"x64\":[{\"authenticodeHash\":\""
		"0000000000000000000000000000000000000000000000000000000000000000\",\"hashType\":"
		"\"SHA256\",\"filename\":\"\",\"description\":\"\",\"dateOfAddition\":\"2020-7-1\"}]}}",
		"{\"images\":{\"x64\":[{\"authenticodeHash\":\""
		"0000000000000000000000000000000000000000000000000000000000000000\",\"hashType\":"
		"\"SHA256\",\"filename\":\"\",\"description\":\"\",\"dateOfAddition\":\"2020-07-01\","
		"\"isOptional\":\"maybe\"}]}}",
		"{\"images\":{\"x64\":[{\"authenticodeHash\":\""
		"0000000000000000000000000000000000000000000000000000000000000000\",\"hashType\":"
		"\"SHA256\",\"filename\":\"\",\"description\":\"\",\"dateOfAddition\":\"2020-07-01\","
		"\"unknownMember\":1}]}}",
		"{\"images\":{},\"certificates\":[{\"value\":\"a.der\",\"subjectName\":\"CN = x\","
		"\"issuerName\":\"CN = y\",\"thumbprint\":\"zz\",\"description\":\"\","
		"\"dateOfAddition\":\"2024-02-01\"}]}",
		"{\"images\":{},\"svns\":[{\"value\":\"01\"}]}",
		"{\"images\":{\"x64\":[]}} trailing",
	};
	struct tl_revoc_list l;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = tl_dbx_info_parse(text(bad[i]), "x64", &l);
		if (err != TL_E_REVOC_INFO_MALFORMED)
			fail_msg("case %zu: %d", i, err);
		assert_int_equal(l.count, 0);
		assert_null(l.e);
	}
	/* an image of another architecture is checked as strictly as the ones kept */
	assert_int_equal(tl_dbx_info_parse(text("{\"images\":{\"arm\":[{\"hashType\":1}]}}"), "x64",
					   &l), TL_E_REVOC_INFO_MALFORMED);
	assert_int_equal(tl_dbx_info_parse(text("{\"images\":{\"x64\":[]}}"), "x64", &l), TL_OK);
	assert_int_equal(l.count, 0);
	tl_revoc_list_clear(&l);
	/* no images of the architecture asked for: not an empty list that every dbx satisfies */
	assert_int_equal(tl_dbx_info_parse(text("{\"images\":{\"arm\":[]}}"), "x64", &l), TL_E_ARG);
	assert_int_equal(tl_dbx_info_parse(text("{\"images\":{}}"), "x64", &l), TL_E_ARG);
	uint8_t *big = calloc(1, TL_MAX_DBX_INFO + 1);
	assert_non_null(big);
	assert_int_equal(tl_dbx_info_parse((struct tl_bytes){ big, TL_MAX_DBX_INFO + 1 }, "x64", &l),
			 TL_E_REVOC_INFO_TOO_LARGE);
	free(big);
}

static void revocation_dbx_info_parse_truncated_real_file(void **state)
{
	size_t len;
	uint8_t *buf = slurp("dbx_info_msft_latest.json", &len);
	struct tl_revoc_list l;
	(void)state;
	for (size_t cut = 0; cut < len; cut += 9973) {
		assert_int_equal(tl_dbx_info_parse((struct tl_bytes){ buf, cut }, "x64", &l),
				 TL_E_REVOC_INFO_MALFORMED);
		assert_null(l.e);
	}
	free(buf);
}

#define UPDATE_LISTS_AT 3337u /* 16 (EFI_TIME) + dwLength 3321 */

static void revocation_dbx_update_parse_reads_real_file(void **state)
{
	size_t len, in_update = 0;
	uint8_t *buf = slurp("DBXUpdate-amd64.bin", &len), *jb;
	size_t jl;
	struct tl_dbx_update up;
	struct tl_revoc_list l;
	(void)state;
	assert_int_equal(tl_dbx_update_parse((struct tl_bytes){ buf, len }, &up), TL_OK);
	assert_string_equal(up.time, "2010-03-06T19:17:21");
	assert_int_equal(up.count, 443);
	assert_int_equal(up.pkcs7.len, 3321 - 24);
	assert_int_equal(up.lists.len, len - UPDATE_LISTS_AT);
	/* every signature of the update is an x64 image named in dbx_info */
	jb = slurp("dbx_info_msft_latest.json", &jl);
	assert_int_equal(tl_dbx_info_parse((struct tl_bytes){ jb, jl }, "x64", &l), TL_OK);
	assert_int_equal(tl_revoc_list_add_update(&l, &up), TL_OK);
	assert_int_equal(l.count, 447);
	for (size_t i = 0; i < l.count; i++) {
		in_update += l.e[i].in_update;
		assert_int_equal(l.e[i].in_update, l.e[i].kind == TL_REVOC_HASH);
	}
	assert_int_equal(in_update, 443);
	assert_string_equal(l.update_time, "2010-03-06T19:17:21");
	tl_revoc_list_clear(&l);
	/* the update alone: 443 unnamed entries */
	memset(&l, 0, sizeof(l));
	assert_int_equal(tl_revoc_list_add_update(&l, &up), TL_OK);
	assert_int_equal(l.count, 443);
	assert_string_equal(l.e[0].date, "");
	tl_revoc_list_clear(&l);
	free(jb);
	free(buf);
}

static void revocation_dbx_update_parse_rejects_truncation(void **state)
{
	size_t len;
	uint8_t *buf = slurp("DBXUpdate-amd64.bin", &len);
	struct tl_dbx_update up;
	(void)state;
	for (size_t cut = 0; cut < len; cut++) {
		int want = cut <= UPDATE_LISTS_AT - 1 ? TL_E_REVOC_UPDATE_MALFORMED
						      : TL_E_REVOC_UPDATE_LISTS;
		int err = tl_dbx_update_parse((struct tl_bytes){ buf, cut }, &up);
		if (err != want)
			fail_msg("cut at %zu: %d, want %d", cut, err, want);
		assert_int_equal(up.count, 0);
		assert_null(up.lists.ptr);
	}
	free(buf);
}

/* One byte of the header changed: each field the header check reads. */
static void revocation_dbx_update_parse_rejects_bad_header(void **state)
{
	static const struct {
		size_t at;
		uint8_t value;
	} flips[] = {
		{ 2, 13 },     /* month 13 */
		{ 3, 0 },      /* day 0 */
		{ 4, 24 },     /* hour 24 */
		{ 7, 1 },      /* Pad1 */
		{ 8, 1 },      /* Nanosecond */
		{ 12, 1 },     /* TimeZone */
		{ 14, 1 },     /* Daylight */
		{ 15, 1 },     /* Pad2 */
		{ 19, 0x7f },  /* dwLength beyond the file */
		{ 21, 0x01 },  /* wRevision 0x0100 */
		{ 22, 0x02 },  /* wCertificateType 0x0EF2 */
		{ 24, 0x9e },  /* CertType not PKCS7 */
	};
	size_t len;
	uint8_t *buf = slurp("DBXUpdate-amd64.bin", &len);
	struct tl_dbx_update up;
	(void)state;
	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		uint8_t old = buf[flips[i].at];
		buf[flips[i].at] = flips[i].value;
		if (tl_dbx_update_parse((struct tl_bytes){ buf, len }, &up) !=
		    TL_E_REVOC_UPDATE_MALFORMED)
			fail_msg("byte %zu = %u was accepted", flips[i].at, flips[i].value);
		buf[flips[i].at] = old;
	}
	/* dwLength smaller than WIN_CERTIFICATE_UEFI_GUID's own header */
	buf[16] = 23;
	buf[17] = buf[18] = buf[19] = 0;
	assert_int_equal(tl_dbx_update_parse((struct tl_bytes){ buf, len }, &up),
			 TL_E_REVOC_UPDATE_MALFORMED);
	free(buf);
}

static uint8_t *cert(const char *name, size_t *len)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "../certs/secure-boot/%s", name);
	return slurp(rel, len);
}

/* Microsoft's update verifies under Microsoft Corporation KEK CA 2011 with APPEND_WRITE in the
 * signed attributes, as firmware checks it; not under another CA, nor with a byte changed in
 * what the signature covers. */
static void revocation_dbx_update_verify_real_signature(void **state)
{
	size_t len, kl, ul;
	uint8_t *buf = slurp("DBXUpdate-amd64.bin", &len);
	uint8_t *kek = cert("MicCorKEKCA2011_2011-06-24.crt", &kl);
	uint8_t *uefi = cert("MicCorUEFCA2011_2011-06-27.crt", &ul);
	struct tl_dbx_update up;
	bool appended = false;
	(void)state;
	assert_int_equal(tl_dbx_update_parse((struct tl_bytes){ buf, len }, &up), TL_OK);
	assert_int_equal(tl_dbx_update_verify(&up, (struct tl_bytes){ kek, kl }, &appended), TL_OK);
	assert_true(appended);
	assert_int_equal(tl_dbx_update_verify(&up, (struct tl_bytes){ uefi, ul }, &appended),
			 TL_E_REVOC_UPDATE_SIGNATURE);
	assert_int_equal(tl_dbx_update_verify(&up, (struct tl_bytes){ buf, 64 }, &appended), TL_E_ARG);
	/* a revoked hash changed: the lists still parse, the signature no longer covers them */
	buf[len - 1] ^= 1;
	assert_int_equal(tl_dbx_update_parse((struct tl_bytes){ buf, len }, &up), TL_OK);
	assert_int_equal(tl_dbx_update_verify(&up, (struct tl_bytes){ kek, kl }, &appended),
			 TL_E_REVOC_UPDATE_SIGNATURE);
	buf[len - 1] ^= 1;
	/* the time stamp (a valid one) changed */
	buf[6] ^= 1;
	assert_int_equal(tl_dbx_update_parse((struct tl_bytes){ buf, len }, &up), TL_OK);
	assert_int_equal(tl_dbx_update_verify(&up, (struct tl_bytes){ kek, kl }, &appended),
			 TL_E_REVOC_UPDATE_SIGNATURE);
	buf[6] ^= 1;
	/* a byte of the SignedData changed */
	buf[UPDATE_LISTS_AT - 100] ^= 0x55;
	assert_int_equal(tl_dbx_update_parse((struct tl_bytes){ buf, len }, &up), TL_OK);
	assert_int_equal(tl_dbx_update_verify(&up, (struct tl_bytes){ kek, kl }, &appended),
			 TL_E_REVOC_UPDATE_SIGNATURE);
	assert_false(appended);
	free(uefi);
	free(kek);
	free(buf);
}

static void revocation_sbat_levels_parse_reads_real_file(void **state)
{
	size_t len;
	uint8_t *buf = slurp("SbatLevel_Variable.txt", &len);
	struct tl_sbat_levels lv;
	const struct tl_sbat_generation *g;
	(void)state;
	assert_int_equal(tl_sbat_levels_parse((struct tl_bytes){ buf, len }, &lv), TL_OK);
	assert_int_equal(lv.count, 11);
	assert_string_equal(lv.gen[0].level.stamp, "2021030218");
	assert_int_equal(lv.gen[0].level.ncomp, 0);
	g = &lv.gen[lv.newest];
	assert_int_equal(lv.newest, 10);
	assert_string_equal(g->level.stamp, "2025051000");
	assert_int_equal(g->level.ncomp, 3);
	assert_string_equal(g->level.comp[2].name, "grub.proxmox");
	assert_int_equal(g->level.comp[2].gen, 2);
	/* January 2024's shim CVEs */
	g = &lv.gen[7];
	assert_string_equal(g->level.stamp, "2024010900");
	assert_string_equal(g->cves, "CVE-2023-40547, CVE-2023-40546, CVE-2023-40548, "
				     "CVE-2023-40549, CVE-2023-40550, CVE-2023-40551");
	assert_non_null(strstr(g->description, "To Revoke shim binaries impacted by"));
	/* the two generations of 2022052400, with and without shim,2 */
	assert_string_equal(lv.gen[1].level.stamp, "2022052400");
	assert_string_equal(lv.gen[2].level.stamp, "2022052400");
	assert_string_equal(lv.gen[2].cves, "CVE-2022-28737");
	tl_sbat_levels_clear(&lv);
	free(buf);
}

static void revocation_sbat_levels_parse_rejects_hostile_text(void **state)
{
	static const char *const bad[] = {
		"",                                  /* no generation */
		"prose only\n",
		"sbat,1,20210302\n",                 /* datestamp of 8 digits */
		"sbat,2,2021030218\n",
		"sbat,1,2021030218\ngrub\n",         /* a row without a generation */
		"sbat,1,2021030218\ngrub,x\n",
		"sbat,1,2021030218\ngrub,2\ngrub,3\n", /* a component twice */
		"sbat,1,2021030218\ngr ub,2\n",
		"sbat,1,2021030218\nsbat,2\n",
		"sbat,1,2021030218\ngrub,1234567890\n", /* more than 9 digits */
	};
	struct tl_sbat_levels lv;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = tl_sbat_levels_parse(text(bad[i]), &lv);
		if (err != TL_E_REVOC_SBAT_MALFORMED)
			fail_msg("case %zu: %d", i, err);
		assert_int_equal(lv.count, 0);
		assert_null(lv.gen);
	}
	/* a NUL byte in the text */
	assert_int_equal(tl_sbat_levels_parse((struct tl_bytes){ (const uint8_t *)"sbat,1,2021030218\n"
								       "grub\0,2\n", 26 }, &lv),
			 TL_E_REVOC_SBAT_MALFORMED);
	/* more components than a level holds */
	char many[2048] = "sbat,1,2021030218\n";
	for (unsigned i = 0; i <= TL_SBAT_MAX_COMPONENTS; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "c%u,1\n", i);
	assert_int_equal(tl_sbat_levels_parse(text(many), &lv), TL_E_REVOC_SBAT_MALFORMED);
}

static void revocation_sbat_levels_parse_truncated_real_file(void **state)
{
	size_t len;
	uint8_t *buf = slurp("SbatLevel_Variable.txt", &len);
	struct tl_sbat_levels lv;
	(void)state;
	/* every prefix either parses (cut between lines) or is refused; never more than 11 */
	for (size_t cut = 0; cut <= len; cut++) {
		int err = tl_sbat_levels_parse((struct tl_bytes){ buf, cut }, &lv);
		assert_true(err == TL_OK || err == TL_E_REVOC_SBAT_MALFORMED);
		assert_true(lv.count <= 11);
		tl_sbat_levels_clear(&lv);
	}
	free(buf);
}

static void revocation_sbat_level_parse_vm_levels(void **state)
{
	struct tl_sbat_level v, want;
	(void)state;
	assert_int_equal(tl_sbat_level_parse(text("sbat,1,2025021800\nshim,4\ngrub,5\n"), &v), TL_OK);
	assert_string_equal(v.stamp, "2025021800");
	assert_int_equal(v.ncomp, 2);
	/* as shim stores it: a trailing NUL; and CRLF */
	assert_int_equal(tl_sbat_level_parse((struct tl_bytes){ (const uint8_t *)"sbat,1,2021030218\n\0",
								 19 }, &v), TL_OK);
	assert_int_equal(tl_sbat_level_parse(text("sbat,1,2021030218\r\ngrub,2\r\n"), &v), TL_OK);
	assert_int_equal(v.comp[0].gen, 2);
	assert_int_equal(tl_sbat_level_parse(text(""), &v), TL_E_REVOC_VM_SBAT_MALFORMED);
	assert_int_equal(tl_sbat_level_parse(text("shim,4\n"), &v), TL_E_REVOC_VM_SBAT_MALFORMED);
	assert_int_equal(tl_sbat_level_parse(text("sbat,1,2025021800\n\nshim,4\n"), &v),
			 TL_E_REVOC_VM_SBAT_MALFORMED);
	assert_int_equal(tl_sbat_level_parse(text("sbat,1,2025021800\nshim,-4\n"), &v),
			 TL_E_REVOC_VM_SBAT_MALFORMED);
	/* covers: every component at no lower generation */
	assert_int_equal(tl_sbat_level_parse(text("sbat,1,2025021800\nshim,4\ngrub,5\n"), &v), TL_OK);
	assert_int_equal(tl_sbat_level_parse(text("sbat,1,2024040900\nshim,4\ngrub,4\n"), &want),
			 TL_OK);
	assert_true(tl_sbat_level_covers(&v, &want));
	assert_int_equal(tl_sbat_level_parse(text("sbat,1,2025051000\nshim,4\ngrub,5\n"
						  "grub.proxmox,2\n"), &want), TL_OK);
	assert_false(tl_sbat_level_covers(&v, &want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(revocation_dbx_info_parse_reads_real_file),
		cmocka_unit_test(revocation_dbx_info_parse_rejects_hostile_json),
		cmocka_unit_test(revocation_dbx_info_parse_truncated_real_file),
		cmocka_unit_test(revocation_dbx_update_parse_reads_real_file),
		cmocka_unit_test(revocation_dbx_update_parse_rejects_truncation),
		cmocka_unit_test(revocation_dbx_update_parse_rejects_bad_header),
		cmocka_unit_test(revocation_dbx_update_verify_real_signature),
		cmocka_unit_test(revocation_sbat_levels_parse_reads_real_file),
		cmocka_unit_test(revocation_sbat_levels_parse_rejects_hostile_text),
		cmocka_unit_test(revocation_sbat_levels_parse_truncated_real_file),
		cmocka_unit_test(revocation_sbat_level_parse_vm_levels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
