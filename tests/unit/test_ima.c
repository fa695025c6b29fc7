/* The IMA measurement list: the real lists of the vectors' Secure Boot boots replay to the
 * PCR 10 their guests read, their boot_aggregate is the hash of PCRs 0-9; every malformed
 * list is refused with its own code; the quote's IMA check (quote_ima.c) on real values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tpm2/quote_ima.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/ima.h"

#define MAX_FILE 4096

struct boot {
	uint8_t ima[MAX_FILE];
	size_t len;
	uint8_t pcr[TL_NUM_PCRS][TL_SHA256_LEN];
};

static void read_vector(const char *rel, uint8_t *buf, size_t *len)
{
	const char *root = getenv("TL_VECTORS");
	char path[1024];
	FILE *fp;
	if (!root)
		fail_msg("TL_VECTORS is not set");
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (!(fp = fopen(path, "rb")))
		fail_msg("%s is missing", path);
	*len = fread(buf, 1, MAX_FILE - 1, fp);
	buf[*len] = 0;
	fclose(fp);
}

/* ima.bin and pcrs-sha256.txt ("INDEX HEX" lines) of a boot of the vectors */
static void load(const char *scenario, struct boot *b)
{
	char rel[128], text[MAX_FILE], *line;
	size_t len;
	snprintf(rel, sizeof(rel), "boot/%s/ima.bin", scenario);
	read_vector(rel, b->ima, &b->len);
	snprintf(rel, sizeof(rel), "boot/%s/pcrs-sha256.txt", scenario);
	read_vector(rel, (uint8_t *)text, &len);
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned i;
		char hex[65];
		assert_int_equal(sscanf(line, "%u %64[0-9a-f]", &i, hex), 2);
		assert_true(i < TL_NUM_PCRS);
		assert_int_equal(tl_unhex(hex, b->pcr[i], TL_SHA256_LEN), TL_OK);
	}
}

static struct tl_bytes list(const struct boot *b)
{
	return (struct tl_bytes){ b->ima, b->len };
}

static void ima_replay_reproduces_pcr10_of_real_boots(void **state)
{
	static const char *const scenarios[] = { "sb-on", "cmdline" };
	(void)state;
	for (size_t s = 0; s < 2; s++) {
		struct boot b;
		struct tl_ima_replay r;
		uint8_t agg[TL_MAX_DIGEST];
		load(scenarios[s], &b);
		assert_int_equal(tl_ima_replay(list(&b), &r, NULL), TL_OK);
		assert_int_equal(r.nentries, 1);
		assert_int_equal(r.mask, 1u << 10);
		assert_memory_equal(tl_ima_pcr(&r, TL_ALG_SHA256, 10), b.pcr[10], TL_SHA256_LEN);
		/* the boot_aggregate (Linux 6.1, TPM 2.0): SHA-256 of PCRs 0-9 */
		assert_int_equal(r.aggregate_alg, TL_ALG_SHA256);
		assert_int_equal(tl_hash(TL_ALG_SHA256, b.pcr, 10 * TL_SHA256_LEN, agg), TL_OK);
		assert_memory_equal(r.aggregate, agg, TL_SHA256_LEN);
		assert_null(tl_ima_pcr(&r, TL_ALG_SHA256, 11));
		assert_null(tl_ima_pcr(&r, TL_ALG_SHA384, 10));
		assert_non_null(tl_ima_pcr(&r, TL_ALG_SHA1, 10));
	}
}

/* The SHA-1 template hash shown is not what the SHA-256 bank was extended with. */
static void ima_replay_extends_sha256_with_template_data(void **state)
{
	struct boot b;
	struct tl_ima_replay r;
	uint8_t pcr[TL_MAX_DIGEST] = { 0 }, d[TL_MAX_DIGEST] = { 0 };
	(void)state;
	load("sb-on", &b);
	assert_int_equal(tl_ima_replay(list(&b), &r, NULL), TL_OK);
	memcpy(d, b.ima + 4, TL_SHA1_LEN); /* the logged SHA-1, zero-padded */
	assert_int_equal(tl_extend(TL_ALG_SHA256, pcr, d), TL_OK);
	assert_memory_not_equal(pcr, b.pcr[10], TL_SHA256_LEN);
}

static void expect(const uint8_t *buf, size_t len, int err, size_t entry)
{
	struct tl_ima_replay r;
	struct tl_ima_diag diag = { 99, 99 };
	assert_int_equal(tl_ima_replay((struct tl_bytes){ buf, len }, &r, &diag), err);
	assert_int_equal(diag.entry, entry);
	assert_int_equal(r.mask, 0);
}

static void ima_replay_rejects_truncated_lists(void **state)
{
	struct boot b;
	uint8_t two[2 * MAX_FILE];
	(void)state;
	load("sb-on", &b);
	for (size_t n = 1; n < b.len; n++)
		expect(b.ima, n, TL_E_IMA_TRUNCATED, 0);
	memcpy(two, b.ima, b.len);
	memcpy(two + b.len, b.ima, b.len);
	expect(two, 2 * b.len - 1, TL_E_IMA_TRUNCATED, 1);
}

static void ima_replay_rejects_hostile_entries(void **state)
{
	struct boot b, m;
	(void)state;
	load("sb-on", &b);
	m = b;
	m.ima[0] = 24; /* PCR 24 */
	expect(m.ima, m.len, TL_E_IMA_PCR, 0);
	m = b;
	m.ima[24] = 0; /* template name of length 0 */
	expect(m.ima, m.len, TL_E_IMA_TEMPLATE, 0);
	m = b;
	m.ima[24] = 3; /* "ima": the legacy template, whose data has no length */
	memcpy(m.ima + 28, "ima", 3);
	expect(m.ima, m.len, TL_E_IMA_TEMPLATE, 0);
	m = b;
	m.ima[25] = 1; /* a name of 263 bytes */
	expect(m.ima, m.len, TL_E_IMA_TEMPLATE, 0);
	m = b;
	m.ima[35 + 2] = 0x20; /* template data of 2 MiB */
	expect(m.ima, m.len, TL_E_IMA_TOO_LARGE, 0);
	m = b;
	m.ima[39] = 0x29; /* d-ng's length one more than it has: the fields do not end exactly */
	expect(m.ima, m.len, TL_E_IMA_FIELD, 0);
	m = b;
	m.ima[m.len - 10] ^= 1; /* "boot_aggregate" changed: not the logged hash */
	expect(m.ima, m.len, TL_E_IMA_DIGEST, 0);
}

static size_t read_corpus(const char *name, uint8_t *buf)
{
	const char *root = getenv("TL_SOURCE");
	char path[1024];
	size_t len;
	FILE *fp;
	if (!root)
		fail_msg("TL_SOURCE is not set");
	snprintf(path, sizeof(path), "%s/fuzz/corpus/ima/%s", root, name);
	if (!(fp = fopen(path, "rb")))
		fail_msg("%s is missing", path);
	len = fread(buf, 1, MAX_FILE, fp);
	fclose(fp);
	return len;
}

/* The fuzz seeds: ima-ng, ima-sig, ima-buf (into PCR 11), a violation, a SHA-1 aggregate. */
static void ima_replay_reads_every_template_and_pcr(void **state)
{
	uint8_t b[MAX_FILE];
	size_t len = read_corpus("ima-ng-files.bin", b);
	struct tl_ima_replay r;
	(void)state;
	assert_int_equal(tl_ima_replay((struct tl_bytes){ b, len }, &r, NULL), TL_OK);
	assert_int_equal(r.nentries, 5);
	assert_int_equal(r.mask, (1u << 10) | (1u << 11));
	assert_int_equal(r.aggregate_alg, TL_ALG_SHA256);
	len = read_corpus("sha1-aggregate.bin", b);
	assert_int_equal(tl_ima_replay((struct tl_bytes){ b, len }, &r, NULL), TL_OK);
	assert_int_equal(r.aggregate_alg, TL_ALG_SHA1);
	/* boot_aggregate only counts as the first entry */
	assert_int_equal(tl_ima_replay((struct tl_bytes){ b + 87, len - 87 }, &r, NULL), TL_OK);
	assert_int_equal(r.aggregate_alg, 0);
}

/* A violation: logged hash all zeros, every bank extended with all ones. */
static void ima_replay_extends_ones_for_a_violation(void **state)
{
	struct boot b;
	struct tl_ima_replay r;
	uint8_t pcr[TL_MAX_DIGEST] = { 0 }, ones[TL_MAX_DIGEST];
	(void)state;
	load("sb-on", &b);
	memset(b.ima + 4, 0, TL_SHA1_LEN);
	assert_int_equal(tl_ima_replay(list(&b), &r, NULL), TL_OK);
	memset(ones, 0xFF, sizeof(ones));
	assert_int_equal(tl_extend(TL_ALG_SHA256, pcr, ones), TL_OK);
	assert_memory_equal(tl_ima_pcr(&r, TL_ALG_SHA256, 10), pcr, TL_SHA256_LEN);
}

/* The quote's selection and values (sha256:0-10) of a boot, checked against a list. */
static int check(const struct boot *values, const struct tl_ima_replay *ima,
		 struct tl_quote_result *out, uint32_t mask)
{
	struct tl_tpm2_attest a;
	struct tl_pcr_values v;
	memset(&a, 0, sizeof(a));
	memset(&v, 0, sizeof(v));
	memset(out, 0, sizeof(*out));
	a.pcr_select.count = 1;
	a.pcr_select.bank[0].alg = TL_ALG_SHA256;
	a.pcr_select.bank[0].mask = mask;
	for (unsigned i = 0; i < TL_NUM_PCRS; i++)
		if (mask & (1u << i))
			assert_int_equal(tl_pcr_values_set(&v, TL_ALG_SHA256, i, values->pcr[i],
							   TL_SHA256_LEN), TL_OK);
	assert_int_equal(tl_quote_check_ima(&a, &v, ima, out), ima ? 1u << 10 : 0);
	return out->ima_err;
}

static void quote_check_ima_on_real_values(void **state)
{
	struct boot on, cmd, m;
	struct tl_ima_replay r, rcmd;
	struct tl_quote_result out;
	(void)state;
	load("sb-on", &on);
	load("cmdline", &cmd);
	assert_int_equal(tl_ima_replay(list(&on), &r, NULL), TL_OK);
	assert_int_equal(tl_ima_replay(list(&cmd), &rcmd, NULL), TL_OK);
	assert_int_equal(check(&on, &r, &out, 0x7FFu), TL_OK);
	assert_true(out.ima_aggregate_checked);
	/* PCR 10 not quoted: the list is not looked at */
	assert_int_equal(check(&on, NULL, &out, 0x3FFu), TL_OK);
	/* no list: nothing here, the TCG log answers for PCR 10 (quote.c, below) */
	assert_int_equal(check(&on, NULL, &out, 0x7FFu), TL_OK);
	/* another boot's list */
	assert_int_equal(check(&on, &rcmd, &out, 0x7FFu), TL_E_QUOTE_IMA_REPLAY);
	assert_int_equal(out.ima_bad_pcr, 10);
	assert_int_equal(out.ima_bad_bank, TL_ALG_SHA256);
	/* PCR 10 as quoted, but PCR 8 not the one the boot_aggregate was made of */
	m = on;
	m.pcr[8][0] ^= 1;
	assert_int_equal(check(&m, &r, &out, 0x7FFu), TL_E_QUOTE_IMA_AGGREGATE);
	/* PCRs 0-9 not all quoted: the boot_aggregate is not checked */
	assert_int_equal(check(&m, &r, &out, 0x4FFu), TL_OK);
	assert_false(out.ima_aggregate_checked);
}

/* Without a list, a PCR 10 the TCG log does not replay to is IMA's only when the log has no
 * events there (Windows and IMA-less Linux quote PCR 10 at its reset value: the log's). */
static void quote_ima_missing_only_for_a_pcr10_without_events(void **state)
{
	struct tl_pcr_bank bank = { .alg = TL_ALG_SHA256, .size = TL_SHA256_LEN };
	struct tl_quote_result out;
	(void)state;
	memset(&out, 0, sizeof(out));
	assert_false(tl_quote_ima_missing(&bank, 9, &out));
	assert_false(tl_quote_ima_missing(NULL, 10, &out));
	bank.extended = 1u << 10;
	assert_false(tl_quote_ima_missing(&bank, 10, &out));
	assert_int_equal(out.ima_err, TL_OK);
	bank.extended = 0x3FFu;
	assert_true(tl_quote_ima_missing(&bank, 10, &out));
	assert_int_equal(out.ima_err, TL_E_QUOTE_IMA_MISSING);
	assert_int_equal(out.ima_bad_pcr, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ima_replay_reproduces_pcr10_of_real_boots),
		cmocka_unit_test(ima_replay_extends_sha256_with_template_data),
		cmocka_unit_test(ima_replay_rejects_truncated_lists),
		cmocka_unit_test(ima_replay_rejects_hostile_entries),
		cmocka_unit_test(ima_replay_extends_ones_for_a_violation),
		cmocka_unit_test(ima_replay_reads_every_template_and_pcr),
		cmocka_unit_test(quote_check_ima_on_real_values),
		cmocka_unit_test(quote_ima_missing_only_for_a_pcr10_without_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
