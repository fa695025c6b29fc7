/* One attestation through the pipeline: each failure a finding with a check, the error
 * behind it and what it concerns; the reasons of the API are rendered from them last. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/verdict.h"

/* What a quote lets us believe about the event log. */
enum trust { NOTHING, LOG_REPLAYS, LOG_PARTLY };

#define MAX_FINDINGS 4096u /* facts keep at most TL_FACTS_MAX_REASONS, baselines 17 */

static const struct {
	const char *code; /* NULL: from the finding's data */
	const char *message;
} checks[TL_CHECK_COUNT] = {
	[TL_CHECK_IDENTITY_ORIGIN] = { "identity.quote_origin",
				       "quote origin could not be verified" },
	[TL_CHECK_QUOTE_NOT_QUOTE] = { "quote.not_quote",
				       "the attestation key signed something that is not a quote" },
	[TL_CHECK_QUOTE_NONCE] = { "quote.nonce", "the quote is not over this challenge's nonce "
						  "(an old quote replayed?)" },
	[TL_CHECK_QUOTE_CLOCK] = { "quote.clock",
				   "the TPM's clock or reset counters went backwards since the last "
				   "attestation (TPM state rolled back?)" },
	[TL_CHECK_QUOTE_PCRS] = { "quote.pcrs",
				  "the PCR values sent are not the ones the TPM quoted" },
	[TL_CHECK_QUOTE_PCR_SELECTION] = { "quote.pcr_selection",
					   "the quote does not cover PCRs 0-7 (firmware, boot "
					   "applications, Secure Boot): it says nothing about how "
					   "this VM booted" },
	[TL_CHECK_LOG_MISSING] = { "log.missing", "no event log was sent: the boot chain cannot "
						  "be explained or compared" },
	[TL_CHECK_LOG_REPLAY] = { "log.replay", NULL },
	[TL_CHECK_LOG_INCOMPLETE] = { "log.replay",
				      "the event log does not account for all of PCRs 0-7" },
	[TL_CHECK_LOG_FACTS] = { "log.facts",
				 "the event log could not be explained (out of memory?)" },
	[TL_CHECK_LOG_RULE] = { NULL, NULL },
	[TL_CHECK_SECUREBOOT_DISABLED] = { "secureboot.disabled",
					   "Secure Boot is disabled, but this VM is registered "
					   "with Secure Boot on" },
	[TL_CHECK_BASELINE_UNREADABLE] = { "baseline.unreadable",
					   "the stored baseline could not be read" },
	[TL_CHECK_BASELINE_DIFFERS] = { NULL, NULL },
	[TL_CHECK_SNP_EVIDENCE] = { "snp.evidence",
				    "the confidential VM's hardware evidence (HCL report, VCEK) is "
				    "missing, unreadable or cannot be verified here" },
	[TL_CHECK_SNP_CHAIN] = { "snp.chain", "the VCEK does not chain to the configured AMD "
					      "roots: the report's signer is not a genuine AMD CPU" },
	[TL_CHECK_SNP_SIGNATURE] = { "snp.signature",
				     "the SEV-SNP report is not signed by the VCEK sent with it, or "
				     "not for this chip" },
	[TL_CHECK_SNP_DEBUG] = { "snp.debug", "the guest policy allows debugging: the host can "
					      "read and change the confidential VM's memory" },
	[TL_CHECK_SNP_MIGRATION] = { "snp.migration_agent",
				     "the guest policy allows a migration agent" },
	[TL_CHECK_SNP_SMT] = { "snp.smt", "the guest policy allows SMT, which this service "
					  "forbids" },
	[TL_CHECK_SNP_VMPL] = { "snp.vmpl", "the SEV-SNP report was not requested at VMPL 0 "
					    "(the paravisor's level)" },
	[TL_CHECK_SNP_TCB] = { "snp.tcb", "the platform's reported TCB is below the configured "
					  "minimum, or not the one the VCEK was issued for" },
	[TL_CHECK_SNP_BINDING] = { "snp.binding",
				   "the vTPM is not bound to the SEV-SNP report: the runtime data "
				   "does not hash to report_data, or does not name the AK that "
				   "signed the quote" },
	[TL_CHECK_IMA_MISSING] = { "ima.missing", "the quote covers PCR 10, which IMA extended, but "
						  "no IMA log was sent to explain it" },
	[TL_CHECK_IMA_REPLAY] = { "ima.replay", NULL },
	[TL_CHECK_IMA_AGGREGATE] = { "ima.boot_aggregate",
				     "the IMA log's boot_aggregate is not the hash of the quoted "
				     "PCRs 0-9: the IMA log is not the one of this boot" },
};

const char *tl_check_code(enum tl_check c)
{
	return (unsigned)c < TL_CHECK_COUNT && checks[c].code ? checks[c].code : "unknown";
}

const char *tl_check_message(enum tl_check c)
{
	return (unsigned)c < TL_CHECK_COUNT && checks[c].message ? checks[c].message : "";
}

const char *tl_finding_code(const struct tl_finding *f, char *buf, size_t size)
{
	const char *rule = json_string_value(json_object_get(f->data, "code"));
	const char *comp = tl_component_path(f->component);
	if (f->check == TL_CHECK_LOG_RULE)
		snprintf(buf, size, "log.%s", rule ? rule : "rule");
	else if (f->check == TL_CHECK_BASELINE_DIFFERS)
		snprintf(buf, size, "baseline.%s", comp ? comp : "component");
	else
		snprintf(buf, size, "%s", (unsigned)f->check < TL_CHECK_COUNT && checks[f->check].code
						  ? checks[f->check].code : "unknown");
	return buf;
}

const char *tl_finding_message(const struct tl_finding *f, char *buf, size_t size)
{
	const char *m;
	if (f->check == TL_CHECK_LOG_REPLAY) {
		snprintf(buf, size,
			 "the event log does not replay to the quoted PCR %u (%s): the log is not "
			 "the one of this boot, or it was altered",
			 f->pcr, tl_alg_name(f->bank));
		return buf;
	}
	if (f->check == TL_CHECK_IMA_REPLAY) {
		snprintf(buf, size,
			 "the IMA log does not replay to the quoted PCR %u (%s): the IMA log is not "
			 "the one of this boot, or it was altered",
			 f->pcr, f->bank ? tl_alg_name(f->bank) : "bank");
		return buf;
	}
	if ((m = json_string_value(json_object_get(f->data, "message"))))
		return m;
	m = (unsigned)f->check < TL_CHECK_COUNT ? checks[f->check].message : NULL;
	return m ? m : "";
}

json_t *tl_finding_expected(const struct tl_finding *f)
{
	return f->check == TL_CHECK_BASELINE_DIFFERS ? json_object_get(f->data, "expected") : NULL;
}

json_t *tl_finding_actual(const struct tl_finding *f)
{
	return f->check == TL_CHECK_BASELINE_DIFFERS ? json_object_get(f->data, "actual") : NULL;
}

void tl_verdict_free(struct tl_verdict *v)
{
	json_decref(v->facts);
	json_decref(v->learn);
	json_decref(v->diff);
	json_decref(v->cvm_detail);
	free(v->cvm);
	free(v->findings);
	memset(v, 0, sizeof(*v));
}

/* Records a failed check; false when out of memory (the verdict is then not made). */
static bool add(struct tl_verdict *v, size_t *cap, struct tl_finding f)
{
	if (v->nfindings == *cap) {
		size_t n = *cap ? 2 * *cap : 8;
		struct tl_finding *p;
		if (n > MAX_FINDINGS || !(p = realloc(v->findings, n * sizeof(*p))))
			return false;
		v->findings = p;
		*cap = n;
	}
	v->findings[v->nfindings++] = f;
	v->failed |= TL_CHECK_BIT(f.check);
	if (f.check == TL_CHECK_BASELINE_DIFFERS)
		v->differs |= TL_COMP_BIT(f.component);
	return true;
}

static struct tl_finding finding(enum tl_check c, int err)
{
	return (struct tl_finding){ .check = c, .err = err };
}

/* The IMA PCRs' failure (the quote result's ima_err) as a finding. */
static struct tl_finding ima_finding(const struct tl_verdict *v)
{
	int err = v->quote.ima_err;
	struct tl_finding f = finding(err == TL_E_QUOTE_IMA_MISSING ? TL_CHECK_IMA_MISSING
				      : err == TL_E_QUOTE_IMA_REPLAY ? TL_CHECK_IMA_REPLAY
								     : TL_CHECK_IMA_AGGREGATE,
				      err);
	f.pcr = v->quote.ima_bad_pcr;
	f.bank = v->quote.ima_bad_bank;
	return f;
}

/* The quote's error as a finding; the trust it leaves in the log. */
static enum trust quote_finding(struct tl_verdict *v, int err, struct tl_finding *f)
{
	switch (err) {
	case TL_OK:
		v->quote_verified = true;
		return LOG_REPLAYS;
	case TL_E_QUOTE_MAGIC:
	case TL_E_QUOTE_TYPE:
		*f = finding(TL_CHECK_QUOTE_NOT_QUOTE, err);
		return NOTHING;
	case TL_E_QUOTE_NONCE:
		*f = finding(TL_CHECK_QUOTE_NONCE, err);
		return NOTHING;
	case TL_E_QUOTE_CLOCK:
		v->quote_verified = v->clock_backwards = true;
		*f = finding(TL_CHECK_QUOTE_CLOCK, err);
		return NOTHING;
	case TL_E_QUOTE_PCR_DIGEST:
	case TL_E_QUOTE_PCR_SET:
		v->quote_verified = true;
		*f = finding(TL_CHECK_QUOTE_PCRS, err);
		return NOTHING;
	case TL_E_QUOTE_LOG_REPLAY:
		v->quote_verified = true;
		*f = finding(TL_CHECK_LOG_REPLAY, err);
		f->pcr = v->quote.bad_pcr;
		f->bank = v->quote.bad_bank;
		return LOG_PARTLY;
	case TL_E_QUOTE_IMA_MISSING:
	case TL_E_QUOTE_IMA_REPLAY:
	case TL_E_QUOTE_IMA_AGGREGATE:
		/* the TCG log replays: its facts stand; the IMA list is a finding of its own */
		v->quote_verified = true;
		*f = ima_finding(v);
		return LOG_REPLAYS;
	default:
		/* not signed by the enrolled AK, with its scheme: another TPM, or a forgery */
		*f = finding(TL_CHECK_IDENTITY_ORIGIN, err);
		return NOTHING;
	}
}

/* Who signed the quote, over what, and which PCR values it vouches for. */
static enum trust check_quote(const struct tl_verdict_in *in, struct tl_verdict *v,
			      size_t *cap, bool *ok)
{
	struct tl_finding f = finding(TL_CHECK_COUNT, TL_OK);
	enum trust trust;

	if (!in->ak) {
		*ok = add(v, cap, finding(TL_CHECK_IDENTITY_ORIGIN, TL_E_AK_KEY));
		v->quote_err = TL_E_AK_KEY;
		return NOTHING;
	}
	v->quote_err = tl_quote_verify(in->ak, in->key, in->attest, in->sig, in->nonce, in->pcrs,
				       in->log, &in->quote, &v->quote);
	for (size_t b = 0; b < v->quote.attest.pcr_select.count; b++)
		v->quoted_pcrs |= v->quote.attest.pcr_select.bank[b].mask;
	trust = quote_finding(v, v->quote_err, &f);
	*ok = f.check == TL_CHECK_COUNT || add(v, cap, f);
	/* a log that does not replay hides no IMA failure: both are reported */
	if (*ok && v->quote_err == TL_E_QUOTE_LOG_REPLAY && v->quote.ima_err != TL_OK)
		*ok = add(v, cap, ima_finding(v));
	return trust;
}

static int facts_of(const struct tl_verdict_in *in, uint32_t trusted, json_t **out)
{
	if (in->facts)
		return in->facts(in->facts_ctx, in->log, trusted, out);
	return tl_facts_extract(in->log, trusted, out);
}

/* Facts from the PCRs the quote vouches for, and the rules they break. */
static bool check_facts(const struct tl_verdict_in *in, struct tl_verdict *v, size_t *cap)
{
	json_t *r, *sb;
	size_t i;
	int err = facts_of(in, v->quote.log_trusted, &v->facts);
	if (err != TL_OK) {
		v->facts = NULL; /* fail closed: no facts, no healthy verdict */
		return add(v, cap, finding(TL_CHECK_LOG_FACTS, err));
	}
	json_array_foreach(json_object_get(v->facts, "reasons"), i, r) {
		struct tl_finding f = finding(TL_CHECK_LOG_RULE, TL_OK);
		const char *code = json_string_value(json_object_get(r, "code"));
		if (!code || !tl_err_from_name(code, &f.err))
			f.err = TL_E_ARG; /* not a rule of ours: still a broken one */
		/* a posture rule names what it is about (windows.test_signing) */
		f.has_component = tl_component_from_path(
			json_string_value(json_object_get(r, "component")), &f.component);
		f.data = r;
		if (!add(v, cap, f))
			return false;
	}
	sb = json_object_get(v->facts, "secureboot");
	if (in->secure_boot && !json_is_true(json_object_get(sb, "enabled")))
		return add(v, cap, finding(TL_CHECK_SECUREBOOT_DISABLED, TL_OK));
	return true;
}

static bool check_baseline(const struct tl_verdict_in *in, struct tl_verdict *v, size_t *cap)
{
	json_t *d;
	size_t i;
	if (!in->baseline)
		return add(v, cap, finding(TL_CHECK_BASELINE_UNREADABLE, TL_OK));
	if (!(v->diff = tl_baseline_compare(in->baseline, v->facts)))
		return false;
	json_array_foreach(v->diff, i, d) {
		struct tl_finding f = finding(TL_CHECK_BASELINE_DIFFERS, TL_OK);
		/* every difference names a component of the table it was compared by */
		if (!tl_component_from_path(json_string_value(json_object_get(d, "component")),
					    &f.component))
			return false;
		f.has_component = true;
		f.data = d;
		if (!add(v, cap, f))
			return false;
	}
	return true;
}

/* The boot PCRs: quoted, and (when the quote verified with the log) accounted for by it. */
static bool check_coverage(struct tl_verdict *v, enum trust trust, size_t *cap)
{
	if (!v->quote_verified)
		return true;
	if ((v->quoted_pcrs & TL_VERDICT_BOOT_PCRS) != TL_VERDICT_BOOT_PCRS)
		return add(v, cap, finding(TL_CHECK_QUOTE_PCR_SELECTION, TL_OK));
	if (trust == LOG_REPLAYS &&
	    (v->quote.log_trusted & TL_VERDICT_BOOT_PCRS) != TL_VERDICT_BOOT_PCRS)
		return add(v, cap, finding(TL_CHECK_LOG_INCOMPLETE, TL_OK));
	return true;
}

int tl_verdict_run(const struct tl_verdict_in *in, struct tl_verdict *out)
{
	size_t cap = 0;
	bool ok = true;
	enum trust trust;

	memset(out, 0, sizeof(*out));
	/* a confidential VM: its hardware must vouch for the AK the quote is checked with; the
	 * quote is still checked, so that what the TPM said is recorded and alerted on */
	if (in->cvm)
		ok = tl_verdict_check_cvm(in, out, add, &cap);
	trust = ok ? check_quote(in, out, &cap, &ok) : NOTHING;
	if (ok && !in->log && out->quote_verified)
		ok = add(out, &cap, finding(TL_CHECK_LOG_MISSING, TL_OK));
	ok = ok && check_coverage(out, trust, &cap);
	/* meaning only from PCRs whose quoted values the log replays to */
	if (ok && in->log && trust != NOTHING)
		ok = check_facts(in, out, &cap);
	if (ok && out->facts && in->has_baseline)
		ok = check_baseline(in, out, &cap);
	out->healthy = ok && out->quote_verified && out->nfindings == 0;
	if (ok && out->healthy && !in->has_baseline && in->learn)
		ok = (out->learn = tl_baseline_from_facts(out->facts)) != NULL;
	if (!ok) {
		tl_verdict_free(out);
		return TL_E_NOMEM;
	}
	return TL_OK;
}

static bool is_ima(enum tl_check c)
{
	return c == TL_CHECK_IMA_MISSING || c == TL_CHECK_IMA_REPLAY || c == TL_CHECK_IMA_AGGREGATE;
}

static json_t *reason(const struct tl_finding *f)
{
	char code[128], buf[256];
	json_t *r;
	if (f->data && (f->check == TL_CHECK_LOG_RULE || f->check == TL_CHECK_BASELINE_DIFFERS)) {
		/* the rule's or the comparison's own object, under the API's code */
		r = f->check == TL_CHECK_LOG_RULE ? json_deep_copy(f->data) : json_copy(f->data);
		if (r && json_object_set_new(r, "code", json_string(tl_finding_code(f, code,
										    sizeof(code)))))
			json_decref(r), r = NULL;
		return r;
	}
	r = json_pack("{s:s,s:s}", "code", tl_finding_code(f, code, sizeof(code)), "message",
		      tl_finding_message(f, buf, sizeof(buf)));
	if (r && is_ima(f->check) &&
	    (json_object_set_new(r, "component", json_string("ima")) != 0 ||
	     json_object_set_new(r, "pcr", json_integer(f->pcr)) != 0)) {
		json_decref(r);
		return NULL;
	}
	if (r && f->data) { /* an SNP check's own words: which value or certificate */
		if (json_object_set(r, "detail", json_object_get(f->data, "detail")) != 0)
			json_decref(r), r = NULL;
		return r;
	}
	if (r && f->err != TL_OK &&
	    json_object_set_new(r, "detail", json_sprintf("%s: %s", tl_err_name(f->err),
							  tl_err_msg(f->err))) != 0) {
		json_decref(r);
		r = NULL;
	}
	return r;
}

json_t *tl_verdict_reasons(const struct tl_verdict *v)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < v->nfindings; i++)
		if (json_array_append_new(a, reason(&v->findings[i])) != 0) {
			json_decref(a);
			a = NULL;
		}
	return a;
}
