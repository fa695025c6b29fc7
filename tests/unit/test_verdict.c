/* The verdict pipeline on a real quote: bench/data's swtpm ECC AK quoted PCRs 0-9 and 14 of
 * the sb-on boot (the vectors' event log); tl_quote_verify on it and on its forgeries, the
 * baseline comparison, every check of tl_verdict_run, and every token claim true and false. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/verdict.h"

struct file {
	uint8_t *b;
	size_t len;
};

static struct {
	struct file ak, other_ak, rsa_ak, attest, sig, pcrs, log, cmd_log;
	uint8_t nonce[32];
	struct tl_tpm2_public pub, other, rsa;
	struct tl_tpm2_attest at;
	struct tl_pcr_values values;
	struct tl_log *sbon, *cmdline;
} q;

static struct file slurp(const char *root_env, const char *rel)
{
	const char *root = getenv(root_env);
	char path[1024];
	struct file f = { NULL, 0 };
	FILE *fp;
	long n;
	if (!root)
		fail_msg("%s is not set", root_env);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (!(fp = fopen(path, "rb")))
		fail_msg("%s is missing", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	f.b = malloc((size_t)n + 1);
	assert_non_null(f.b);
	assert_int_equal(fread(f.b, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	f.len = (size_t)n;
	return f;
}

static struct tl_bytes B(struct file f)
{
	return (struct tl_bytes){ f.b, f.len };
}

static int setup(void **state)
{
	struct file n = slurp("TL_SOURCE", "bench/data/nonce.hex");
	struct tl_diag diag;
	char hex[65];
	(void)state;
	q.ak = slurp("TL_SOURCE", "bench/data/ak-ecc.pub");
	q.other_ak = slurp("TL_SOURCE", "fuzz/corpus/tpm2/ak-ecc.pub");
	q.rsa_ak = slurp("TL_SOURCE", "bench/data/ak-rsa.pub");
	q.attest = slurp("TL_SOURCE", "bench/data/ecc.attest");
	q.sig = slurp("TL_SOURCE", "bench/data/ecc.sig");
	q.pcrs = slurp("TL_SOURCE", "bench/data/sbon.pcrs");
	q.log = slurp("TL_VECTORS", "boot/sb-on/eventlog.bin");
	q.cmd_log = slurp("TL_VECTORS", "boot/cmdline/eventlog.bin");
	memcpy(hex, n.b, 64);
	hex[64] = '\0';
	free(n.b);
	assert_int_equal(tl_unhex(hex, q.nonce, sizeof(q.nonce)), TL_OK);
	assert_int_equal(tl_tpm2_public_parse(B(q.ak), &q.pub), TL_OK);
	assert_int_equal(tl_tpm2_public_parse(B(q.other_ak), &q.other), TL_OK);
	assert_int_equal(tl_tpm2_public_parse(B(q.rsa_ak), &q.rsa), TL_OK);
	assert_int_equal(tl_tpm2_attest_parse(B(q.attest), &q.at), TL_OK);
	assert_int_equal(tl_pcr_values_from_raw(&q.values, &q.at.pcr_select, B(q.pcrs)), TL_OK);
	assert_int_equal(tl_log_parse(q.log.b, q.log.len, &q.sbon, &diag), TL_OK);
	assert_int_equal(tl_log_parse(q.cmd_log.b, q.cmd_log.len, &q.cmdline, &diag), TL_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tl_log_free(q.sbon);
	tl_log_free(q.cmdline);
	struct file *fs[] = { &q.ak, &q.other_ak, &q.rsa_ak, &q.attest, &q.sig, &q.pcrs, &q.log,
			      &q.cmd_log };
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		free(fs[i]->b);
	return 0;
}

static int verify(const struct tl_tpm2_public *ak, struct tl_bytes attest, struct tl_bytes sig,
		  struct tl_bytes nonce, const struct tl_pcr_values *pcrs, const struct tl_log *log,
		  const struct tl_quote_opts *opts, struct tl_quote_result *r)
{
	return tl_quote_verify(ak, NULL, attest, sig, nonce, pcrs, log, opts, r);
}

#define NONCE ((struct tl_bytes){ q.nonce, sizeof(q.nonce) })

/* ---- tl_quote_verify */

static void quote_verify_accepts_genuine(void **state)
{
	struct tl_quote_result r;
	(void)state;
	assert_int_equal(verify(&q.pub, B(q.attest), B(q.sig), NONCE, &q.values, q.sbon, NULL, &r),
			 TL_OK);
	assert_true(tl_bytes_eq(r.attest.extra_data, q.nonce, sizeof(q.nonce)));
	assert_int_equal(r.log_trusted, 0x43FFu); /* 0-9 and 14, every one replayed */
	assert_false(r.rebooted);
}

static void quote_verify_refuses_wrong_nonce(void **state)
{
	struct tl_quote_result r;
	uint8_t other[32];
	(void)state;
	memcpy(other, q.nonce, sizeof(other));
	other[31] ^= 1;
	assert_int_equal(verify(&q.pub, B(q.attest), B(q.sig), (struct tl_bytes){ other, 32 },
				&q.values, NULL, NULL, &r),
			 TL_E_QUOTE_NONCE);
	/* a prefix of the nonce, and no nonce, are not the nonce */
	assert_int_equal(verify(&q.pub, B(q.attest), B(q.sig), (struct tl_bytes){ q.nonce, 31 },
				NULL, NULL, NULL, &r),
			 TL_E_QUOTE_NONCE);
	assert_int_equal(verify(&q.pub, B(q.attest), B(q.sig), (struct tl_bytes){ q.nonce, 0 },
				NULL, NULL, NULL, &r),
			 TL_E_QUOTE_NONCE);
}

static void quote_verify_refuses_wrong_key(void **state)
{
	struct tl_quote_result r;
	uint8_t attest[512];
	(void)state;
	/* another ECC AK of the same scheme: the signature is not its */
	assert_int_equal(verify(&q.other, B(q.attest), B(q.sig), NONCE, NULL, NULL, NULL, &r),
			 TL_E_QUOTE_SIGNATURE);
	/* an RSA AK: its scheme is not the signature's */
	assert_int_equal(verify(&q.rsa, B(q.attest), B(q.sig), NONCE, NULL, NULL, NULL, &r),
			 TL_E_QUOTE_SCHEME);
	/* the right key over altered bytes (the clock) */
	assert_true(q.attest.len <= sizeof(attest));
	memcpy(attest, q.attest.b, q.attest.len);
	attest[q.attest.len - 40] ^= 1;
	assert_int_equal(verify(&q.pub, (struct tl_bytes){ attest, q.attest.len }, B(q.sig), NONCE,
				NULL, NULL, NULL, &r),
			 TL_E_QUOTE_SIGNATURE);
}

static void quote_verify_refuses_pcr_digest_mismatch(void **state)
{
	struct tl_quote_result r;
	struct tl_pcr_values v = q.values;
	(void)state;
	v.bank[0].v[7][0] ^= 1;
	assert_int_equal(verify(&q.pub, B(q.attest), B(q.sig), NONCE, &v, NULL, NULL, &r),
			 TL_E_QUOTE_PCR_DIGEST);
	v = q.values;
	v.bank[0].mask &= ~(1u << 14); /* fewer PCRs than quoted */
	assert_int_equal(verify(&q.pub, B(q.attest), B(q.sig), NONCE, &v, NULL, NULL, &r),
			 TL_E_QUOTE_PCR_SET);
}

static void quote_verify_refuses_clock_backwards(void **state)
{
	struct tl_quote_result r;
	struct tl_clock_info prev = { q.at.clock + 1, q.at.reset_count, q.at.restart_count };
	struct tl_quote_opts o = { .previous = &prev };
	(void)state;
	assert_int_equal(verify(&q.pub, B(q.attest), B(q.sig), NONCE, NULL, NULL, &o, &r),
			 TL_E_QUOTE_CLOCK);
	prev = (struct tl_clock_info){ 0, q.at.reset_count, q.at.restart_count + 1 };
	assert_int_equal(verify(&q.pub, B(q.attest), B(q.sig), NONCE, NULL, NULL, &o, &r),
			 TL_E_QUOTE_CLOCK);
	/* an earlier boot with a larger clock: a reboot, not a rollback */
	prev = (struct tl_clock_info){ q.at.clock + 1000, q.at.reset_count - 1, 0 };
	assert_int_equal(verify(&q.pub, B(q.attest), B(q.sig), NONCE, NULL, NULL, &o, &r), TL_OK);
	assert_true(r.rebooted);
}

static void quote_verify_refuses_sha1_signature(void **state)
{
	struct tl_quote_result r;
	struct tl_quote_opts o = { .allow_sha1 = true };
	uint8_t sig[128];
	(void)state;
	assert_true(q.sig.len <= sizeof(sig));
	memcpy(sig, q.sig.b, q.sig.len);
	sig[2] = 0x00; /* TPMT_SIGNATURE: sigAlg (ECDSA), then hashAlg: SHA-1 (0x0004) */
	sig[3] = 0x04;
	assert_int_equal(verify(&q.pub, B(q.attest), (struct tl_bytes){ sig, q.sig.len }, NONCE,
				NULL, NULL, NULL, &r),
			 TL_E_QUOTE_SHA1);
	/* allowed, SHA-1 is still not the AK's own scheme */
	assert_int_equal(verify(&q.pub, B(q.attest), (struct tl_bytes){ sig, q.sig.len }, NONCE,
				NULL, NULL, &o, &r),
			 TL_E_QUOTE_SCHEME);
}

static void quote_verify_names_log_mismatch(void **state)
{
	struct tl_quote_result r;
	(void)state;
	assert_int_equal(verify(&q.pub, B(q.attest), B(q.sig), NONCE, &q.values, q.cmdline, NULL,
				&r),
			 TL_E_QUOTE_LOG_REPLAY);
	assert_int_equal(r.bad_pcr, 8);
	assert_int_equal(r.bad_bank, TL_ALG_SHA256);
	assert_false(r.log_trusted & (1u << 8));
}

/* ---- baseline comparison */

static json_t *sbon_facts(void)
{
	json_t *f = NULL;
	assert_int_equal(tl_facts_extract(q.sbon, 0x43FFu, &f), TL_OK);
	return f;
}

static void baseline_compare_names_each_component_exactly(void **state)
{
	json_t *facts = sbon_facts(), *b = tl_baseline_from_facts(facts), *d;
	enum tl_component c;
	(void)state;
	d = tl_baseline_compare(b, facts);
	assert_int_equal(json_array_size(d), 0);
	json_decref(d);
	/* dbx emptied: one difference, dbx's, although "secureboot.db" begins its name */
	json_object_set_new(json_object_get(b, "secureboot"), "dbx", json_array());
	d = tl_baseline_compare(b, facts);
	assert_int_equal(json_array_size(d), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "component")),
			    "secureboot.dbx");
	json_decref(d);
	for (unsigned i = 0; i < TL_COMP_COUNT; i++) {
		assert_true(tl_component_from_path(tl_component_path((enum tl_component)i), &c));
		assert_int_equal(c, i);
	}
	assert_true(tl_component_from_path("secureboot.db", &c) && c == TL_COMP_SB_DB);
	assert_true(tl_component_from_path("secureboot.dbx", &c) && c == TL_COMP_SB_DBX);
	assert_false(tl_component_from_path("secureboot.d", &c));
	assert_false(tl_component_from_path("secureboot", &c));
	assert_null(tl_component_path(TL_COMP_COUNT));
	json_decref(b);
	json_decref(facts);
}

/* ---- the verdict */

/* Facts as the log gives them, then edited: a seam like the service's log cache. */
struct edit {
	int err;
	void (*fn)(json_t *facts);
};

static int edited_facts(void *ctx, const struct tl_log *log, uint32_t trusted, json_t **out)
{
	const struct edit *e = ctx;
	if (e->err != TL_OK)
		return e->err;
	assert_int_equal(tl_facts_extract(log, trusted, out), TL_OK);
	if (e->fn)
		e->fn(*out);
	return TL_OK;
}

static struct tl_verdict_in genuine(void)
{
	return (struct tl_verdict_in){ .ak = &q.pub, .attest = B(q.attest), .sig = B(q.sig),
				       .nonce = NONCE, .pcrs = &q.values, .log = q.sbon,
				       .secure_boot = true, .learn = true };
}

static void run(const struct tl_verdict_in *in, struct tl_verdict *v)
{
	assert_int_equal(tl_verdict_run(in, v), TL_OK);
}

/* The rendered codes, comma-separated, and the typed result agrees with them. */
static void assert_codes(const struct tl_verdict *v, const char *want)
{
	json_t *reasons = tl_verdict_reasons(v), *r;
	char got[1024] = "";
	size_t i;
	assert_non_null(reasons);
	assert_int_equal(json_array_size(reasons), v->nfindings);
	json_array_foreach(reasons, i, r) {
		char code[128];
		assert_string_equal(json_string_value(json_object_get(r, "code")),
				    tl_finding_code(&v->findings[i], code, sizeof(code)));
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? "," : "",
			 json_string_value(json_object_get(r, "code")));
	}
	assert_string_equal(got, want);
	json_decref(reasons);
}

static void verdict_run_healthy_learns_a_baseline(void **state)
{
	struct tl_verdict_in in = genuine();
	struct tl_verdict v;
	(void)state;
	run(&in, &v);
	assert_true(v.healthy && v.quote_verified);
	assert_false(v.clock_backwards);
	assert_int_equal(v.failed, 0);
	assert_int_equal(v.differs, 0);
	assert_int_equal(v.quoted_pcrs, 0x43FFu);
	assert_non_null(v.facts);
	assert_non_null(v.learn);
	assert_codes(&v, "");
	tl_verdict_free(&v);
	in.learn = false;
	run(&in, &v);
	assert_true(v.healthy);
	assert_null(v.learn);
	tl_verdict_free(&v);
}

static void verdict_run_refuses_quote_origin(void **state)
{
	struct tl_verdict_in in = genuine();
	struct tl_verdict v;
	json_t *r;
	(void)state;
	in.ak = NULL; /* the enrolled AK could not be read */
	run(&in, &v);
	assert_false(v.healthy || v.quote_verified);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_IDENTITY_ORIGIN));
	assert_int_equal(v.findings[0].err, TL_E_AK_KEY);
	assert_codes(&v, "identity.quote_origin");
	tl_verdict_free(&v);
	in.ak = &q.other; /* another TPM's AK */
	run(&in, &v);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_IDENTITY_ORIGIN));
	assert_int_equal(v.quote_err, TL_E_QUOTE_SIGNATURE);
	assert_null(v.facts);
	r = tl_verdict_reasons(&v);
	assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "detail")),
			    "quote.signature_invalid: the quote's signature does not verify with "
			    "the attestation key");
	json_decref(r);
	tl_verdict_free(&v);
}

static void verdict_run_refuses_quote_checks(void **state)
{
	struct tl_verdict_in in = genuine();
	struct tl_pcr_values vals = q.values;
	struct tl_clock_info prev = { q.at.clock + 1, q.at.reset_count, q.at.restart_count };
	uint8_t other[32] = { 0 };
	struct tl_verdict v;
	(void)state;
	in.nonce = (struct tl_bytes){ other, sizeof(other) };
	run(&in, &v);
	assert_false(v.quote_verified);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_QUOTE_NONCE));
	assert_codes(&v, "quote.nonce");
	tl_verdict_free(&v);

	in = genuine();
	in.quote.previous = &prev;
	run(&in, &v);
	assert_true(v.quote_verified && v.clock_backwards && !v.healthy);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_QUOTE_CLOCK));
	assert_null(v.facts); /* nothing believed of the log */
	assert_codes(&v, "quote.clock");
	tl_verdict_free(&v);

	in = genuine();
	vals.bank[0].v[0][0] ^= 1;
	in.pcrs = &vals;
	run(&in, &v);
	assert_true(v.quote_verified && !v.clock_backwards);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_QUOTE_PCRS));
	assert_codes(&v, "quote.pcrs");
	tl_verdict_free(&v);
}

static void verdict_run_refuses_log_checks(void **state)
{
	struct tl_verdict_in in = genuine();
	struct tl_verdict v;
	char buf[256];
	(void)state;
	in.log = NULL;
	run(&in, &v);
	assert_true(v.quote_verified && !v.healthy);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_LOG_MISSING) |
					   TL_CHECK_BIT(TL_CHECK_LOG_INCOMPLETE));
	assert_codes(&v, "log.missing,log.replay");
	tl_verdict_free(&v);

	in = genuine();
	in.log = q.cmdline;
	run(&in, &v);
	assert_true(tl_verdict_failed(&v, TL_CHECK_LOG_REPLAY));
	assert_int_equal(v.findings[0].pcr, 8);
	assert_string_equal(tl_finding_message(&v.findings[0], buf, sizeof(buf)),
			    "the event log does not replay to the quoted PCR 8 (sha256): the log is "
			    "not the one of this boot, or it was altered");
	assert_non_null(v.facts); /* from the PCRs that do replay */
	assert_false(v.quote.log_trusted & (1u << 8));
	tl_verdict_free(&v);
}

static void add_rule(json_t *facts)
{
	json_array_append_new(json_object_get(facts, "reasons"),
			      json_pack("{s:s,s:s,s:i}", "code", "tcglog.separator_data", "message",
					"a separator event holds data", "event", 3));
}

static void sb_off(json_t *facts)
{
	json_object_set_new(json_object_get(facts, "secureboot"), "enabled", json_false());
}

static void verdict_run_refuses_meaning_checks(void **state)
{
	struct edit rule = { TL_OK, add_rule }, off = { TL_OK, sb_off }, nomem = { TL_E_NOMEM, NULL };
	struct tl_verdict_in in = genuine();
	struct tl_verdict v;
	json_t *r;
	(void)state;
	in.facts = edited_facts;
	in.facts_ctx = &rule;
	run(&in, &v);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_LOG_RULE));
	assert_int_equal(v.findings[0].err, TL_E_SEP_DATA);
	r = tl_verdict_reasons(&v);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "event")), 3);
	json_decref(r);
	assert_codes(&v, "log.tcglog.separator_data");
	tl_verdict_free(&v);

	in.facts_ctx = &nomem;
	run(&in, &v);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_LOG_FACTS));
	assert_null(v.facts);
	assert_codes(&v, "log.facts");
	tl_verdict_free(&v);

	in.facts_ctx = &off;
	run(&in, &v);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_SECUREBOOT_DISABLED));
	assert_codes(&v, "secureboot.disabled");
	tl_verdict_free(&v);
	in.secure_boot = false; /* registered without Secure Boot: no finding */
	run(&in, &v);
	assert_true(v.healthy);
	tl_verdict_free(&v);
}

static void verdict_run_compares_the_baseline(void **state)
{
	struct tl_verdict_in in = genuine();
	json_t *facts = sbon_facts(), *b = tl_baseline_from_facts(facts);
	struct tl_verdict v;
	(void)state;
	in.has_baseline = true; /* stored, but not readable */
	run(&in, &v);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_BASELINE_UNREADABLE));
	assert_codes(&v, "baseline.unreadable");
	tl_verdict_free(&v);

	in.baseline = b;
	run(&in, &v);
	assert_true(v.healthy);
	assert_null(v.learn); /* a baseline is there */
	tl_verdict_free(&v);

	json_object_set_new(json_object_get(b, "secureboot"), "dbx", json_array());
	json_object_set_new(b, "kernel_cmdline", json_string("/vmlinuz"));
	run(&in, &v);
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_BASELINE_DIFFERS));
	assert_int_equal(v.differs, TL_COMP_BIT(TL_COMP_SB_DBX) | TL_COMP_BIT(TL_COMP_KERNEL_CMDLINE));
	assert_false(tl_verdict_differs(&v, TL_COMP_SB_DB));
	assert_string_equal(json_string_value(tl_finding_expected(&v.findings[1])), "/vmlinuz");
	assert_non_null(tl_finding_actual(&v.findings[0]));
	assert_codes(&v, "baseline.secureboot.dbx,baseline.kernel_cmdline");
	tl_verdict_free(&v);
	json_decref(b);
	json_decref(facts);
}

/* ---- the token claims: each true and false at least once */

struct claims {
	const char *verdict;
	bool secure_boot, db, dbx, cmdline;
};

static void assert_claims(const struct tl_verdict *v, struct claims want)
{
	json_t *c = tl_verdict_claims(v);
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), want.verdict);
	assert_int_equal(json_is_true(json_object_get(c, "secure_boot")), want.secure_boot);
	assert_int_equal(json_is_true(json_object_get(c, "db_validated")), want.db);
	assert_int_equal(json_is_true(json_object_get(c, "dbx_validated")), want.dbx);
	assert_int_equal(json_is_string(json_object_get(c, "kernel_cmdline_sha256")), want.cmdline);
	assert_true(json_is_boolean(json_object_get(c, "db_validated")));
	assert_int_equal(json_array_size(json_object_get(c, "pcrs")),
			 (size_t)__builtin_popcount(v->quoted_pcrs));
	json_decref(c);
}

static void claims_with_baseline(void (*edit)(json_t *baseline), struct claims want)
{
	struct tl_verdict_in in = genuine();
	json_t *facts = sbon_facts(), *b = tl_baseline_from_facts(facts);
	struct tl_verdict v;
	if (edit)
		edit(b);
	in.has_baseline = true;
	in.baseline = b;
	run(&in, &v);
	assert_claims(&v, want);
	tl_verdict_free(&v);
	json_decref(b);
	json_decref(facts);
}

static void dbx_changed(json_t *b)
{
	json_object_set_new(json_object_get(b, "secureboot"), "dbx", json_array());
}

static void db_changed(json_t *b)
{
	json_object_set_new(json_object_get(b, "secureboot"), "db", json_array());
}

static void verdict_claims_all_true(void **state)
{
	(void)state;
	claims_with_baseline(NULL, (struct claims){ "healthy", true, true, true, true });
}

static void verdict_claims_dbx_only_change(void **state)
{
	(void)state;
	/* issue 13, defect 1: "baseline.secureboot.db" prefix-matched "…dbx" */
	claims_with_baseline(dbx_changed, (struct claims){ "unhealthy", true, true, false, true });
}

static void verdict_claims_db_only_change(void **state)
{
	(void)state;
	claims_with_baseline(db_changed, (struct claims){ "unhealthy", true, false, true, true });
}

static void verdict_claims_false_without_trusted_facts(void **state)
{
	struct edit rule = { TL_OK, add_rule }, off = { TL_OK, sb_off };
	struct tl_clock_info prev = { q.at.clock + 1, q.at.reset_count, q.at.restart_count };
	struct tl_verdict_in in = genuine();
	struct tl_verdict v;
	(void)state;
	/* a rule of the log broken: the key stores' values are not believed */
	in.facts = edited_facts;
	in.facts_ctx = &rule;
	run(&in, &v);
	assert_claims(&v, (struct claims){ "unhealthy", true, false, false, true });
	tl_verdict_free(&v);
	/* Secure Boot off (a VM registered without it): healthy, secure_boot false */
	in.facts_ctx = &off;
	in.secure_boot = false;
	run(&in, &v);
	assert_claims(&v, (struct claims){ "healthy", false, true, true, true });
	tl_verdict_free(&v);
	/* no facts at all (the clock went backwards): nothing validated, no command line */
	in = genuine();
	in.quote.previous = &prev;
	run(&in, &v);
	assert_claims(&v, (struct claims){ "unhealthy", false, false, false, false });
	tl_verdict_free(&v);
	/* no log: measured nothing */
	in = genuine();
	in.log = NULL;
	run(&in, &v);
	assert_claims(&v, (struct claims){ "unhealthy", false, false, false, false });
	tl_verdict_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quote_verify_accepts_genuine),
		cmocka_unit_test(quote_verify_refuses_wrong_nonce),
		cmocka_unit_test(quote_verify_refuses_wrong_key),
		cmocka_unit_test(quote_verify_refuses_pcr_digest_mismatch),
		cmocka_unit_test(quote_verify_refuses_clock_backwards),
		cmocka_unit_test(quote_verify_refuses_sha1_signature),
		cmocka_unit_test(quote_verify_names_log_mismatch),
		cmocka_unit_test(baseline_compare_names_each_component_exactly),
		cmocka_unit_test(verdict_run_healthy_learns_a_baseline),
		cmocka_unit_test(verdict_run_refuses_quote_origin),
		cmocka_unit_test(verdict_run_refuses_quote_checks),
		cmocka_unit_test(verdict_run_refuses_log_checks),
		cmocka_unit_test(verdict_run_refuses_meaning_checks),
		cmocka_unit_test(verdict_run_compares_the_baseline),
		cmocka_unit_test(verdict_claims_all_true),
		cmocka_unit_test(verdict_claims_dbx_only_change),
		cmocka_unit_test(verdict_claims_db_only_change),
		cmocka_unit_test(verdict_claims_false_without_trusted_facts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
