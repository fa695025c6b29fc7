/* One attestation through the pipeline, each failure a reason with a stable code and a
 * sentence a person can act on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/compare.h"
#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "verdict.h"

void tl_verdict_free(struct tl_verdict *v)
{
	json_decref(v->reasons);
	json_decref(v->facts);
	json_decref(v->learn);
	free(v->facts_text);
	memset(v, 0, sizeof(*v));
}

static void reason(struct tl_verdict *v, const char *code, const char *message, int err)
{
	json_t *r = json_pack("{s:s,s:s}", "code", code, "message", message);
	if (err != TL_OK)
		json_object_set_new(r, "detail", json_sprintf("%s: %s", tl_err_name(err),
							      tl_err_msg(err)));
	json_array_append_new(v->reasons, r);
}

/* The quote: who signed it, over what, and which PCR values it vouches for. */
#define TL_BOOT_PCRS 0xFFu

/* What a quote lets us believe about the event log. */
enum trust { NOTHING, LOG_REPLAYS, LOG_PARTLY };

static enum trust check_quote(const struct tl_vm_tpm *tpm, const struct tl_evidence *ev,
			      const struct tl_log_entry *le, struct tl_verdict *v)
{
	const struct tl_log *log = le ? tl_log_entry_log(le) : NULL;
	uint8_t ak_raw[TL_TPM2_MAX_PUBLIC + 2];
	size_t ak_len = strlen(tpm->ak_public) / 2;
	struct tl_tpm2_public ak;
	struct tl_clock_info prev = { tpm->clock, tpm->reset_count, tpm->restart_count };
	struct tl_quote_opts opts = { .previous = tpm->clock || tpm->reset_count ? &prev : NULL,
				      .replayed = le ? tl_log_entry_replayed(le) : NULL };
	struct tl_bytes attest = { ev->attest, ev->attest_len }, sig = { ev->sig, ev->sig_len },
			nonce = { ev->nonce, sizeof(ev->nonce) };
	char msg[160];
	int err;

	if (ak_len > sizeof(ak_raw) || tl_unhex(tpm->ak_public, ak_raw, ak_len) != TL_OK ||
	    tl_tpm2_public_parse((struct tl_bytes){ ak_raw, ak_len }, &ak) != TL_OK) {
		reason(v, "identity.quote_origin", "quote origin could not be verified",
		       TL_E_AK_KEY);
		return NOTHING;
	}
	err = tl_quote_verify(&ak, NULL, attest, sig, nonce, &ev->pcrs, log, &opts, &v->quote);
	for (size_t b = 0; b < v->quote.attest.pcr_select.count; b++)
		v->quoted_pcrs |= v->quote.attest.pcr_select.bank[b].mask;
	switch (err) {
	case TL_OK:
		v->quote_verified = true;
		return LOG_REPLAYS;
	case TL_E_QUOTE_MAGIC:
	case TL_E_QUOTE_TYPE:
		reason(v, "quote.not_quote", "the attestation key signed something that is not a quote",
		       err);
		return NOTHING;
	case TL_E_QUOTE_NONCE:
		reason(v, "quote.nonce",
		       "the quote is not over this challenge's nonce (an old quote replayed?)", err);
		return NOTHING;
	case TL_E_QUOTE_CLOCK:
		v->quote_verified = true;
		reason(v, "quote.clock",
		       "the TPM's clock or reset counters went backwards since the last attestation "
		       "(TPM state rolled back?)",
		       err);
		return NOTHING;
	case TL_E_QUOTE_PCR_DIGEST:
	case TL_E_QUOTE_PCR_SET:
		v->quote_verified = true;
		reason(v, "quote.pcrs", "the PCR values sent are not the ones the TPM quoted", err);
		return NOTHING;
	case TL_E_QUOTE_LOG_REPLAY:
		v->quote_verified = true;
		snprintf(msg, sizeof(msg),
			 "the event log does not replay to the quoted PCR %u (%s): the log is not "
			 "the one of this boot, or it was altered",
			 v->quote.bad_pcr, tl_alg_name(v->quote.bad_bank));
		reason(v, "log.replay", msg, err);
		return LOG_PARTLY;
	default:
		/* not signed by the enrolled AK, with its scheme: another TPM, or a forgery */
		reason(v, "identity.quote_origin", "quote origin could not be verified", err);
		return NOTHING;
	}
}

/* Facts from the PCRs the quote vouches for, and the rules they break. */
static void check_facts(const struct tl_vm *vm, struct tl_log_entry *le, struct tl_verdict *v)
{
	json_t *r;
	size_t i;
	if (tl_log_entry_facts(le, v->quote.log_trusted, &v->facts, &v->facts_text) != TL_OK) {
		reason(v, "log.facts", "the event log could not be explained (out of memory?)",
		       TL_E_NOMEM); /* fail closed: no facts, no healthy verdict */
		return;
	}
	json_array_foreach(json_object_get(v->facts, "reasons"), i, r) {
		json_t *c = json_deep_copy(r);
		const char *code = json_string_value(json_object_get(r, "code"));
		json_object_set_new(c, "code", json_sprintf("log.%s", code ? code : "rule"));
		json_array_append_new(v->reasons, c);
	}
	json_t *sb = json_object_get(v->facts, "secureboot");
	if (vm->secure_boot && !json_is_true(json_object_get(sb, "enabled")))
		reason(v, "secureboot.disabled",
		       "Secure Boot is disabled, but this VM is registered with Secure Boot on",
		       TL_OK);
}

static void check_baseline(const char *baseline, struct tl_verdict *v)
{
	json_t *b = tl_baseline_parsed(baseline), *diff, *d;
	size_t i;
	if (!b) {
		reason(v, "baseline.unreadable", "the stored baseline could not be read", TL_OK);
		return;
	}
	diff = tl_baseline_compare(b, v->facts);
	json_array_foreach(diff, i, d) {
		const char *comp = json_string_value(json_object_get(d, "component"));
		json_t *c = json_deep_copy(d);
		json_object_set_new(c, "code", json_sprintf("baseline.%s", comp ? comp : "component"));
		json_array_append_new(v->reasons, c);
	}
	json_decref(diff);
	json_decref(b);
}

int tl_verdict_make(const struct tl_vm *vm, const struct tl_vm_tpm *tpm, const char *baseline,
		    const struct tl_evidence *ev, struct tl_verdict *out, struct tl_resp *resp)
{
	struct tl_log_entry *log = NULL;
	struct tl_diag diag;
	int err;

	memset(out, 0, sizeof(*out));
	if (ev->log_entry)
		log = tl_log_entry_ref(ev->log_entry);
	else if (ev->log && (err = tl_log_entry_get(ev->log, ev->log_len,
						    ev->has_log_text_key ? ev->log_text_key : NULL,
						    &log, &diag)) != TL_OK) {
		char msg[200];
		snprintf(msg, sizeof(msg), "event_log does not parse: %s at byte %zu (event %u)",
			 tl_err_msg(err), diag.offset, diag.event);
		*resp = tl_http_error(400, "request.field", msg, "event_log");
		return err;
	}
	out->reasons = json_array();
	if (log) {
		out->has_log = true;
		memcpy(out->log_sha256, tl_log_entry_sha256(log), sizeof(out->log_sha256));
	}
	enum trust trust = check_quote(tpm, ev, log, out);
	if (!log && out->quote_verified)
		reason(out, "log.missing",
		       "no event log was sent: the boot chain cannot be explained or compared", TL_OK);
	/* a quote vouches for a boot only if it covers the boot's PCRs: firmware, its
	 * configuration, boot applications and Secure Boot (0-7); a guest can quote PCR 16 or
	 * 23 of its own making */
	if (out->quote_verified && (out->quoted_pcrs & TL_BOOT_PCRS) != TL_BOOT_PCRS)
		reason(out, "quote.pcr_selection",
		       "the quote does not cover PCRs 0-7 (firmware, boot applications, Secure "
		       "Boot): it says nothing about how this VM booted",
		       TL_OK);
	else if (out->quote_verified && trust == LOG_REPLAYS &&
		 (out->quote.log_trusted & TL_BOOT_PCRS) != TL_BOOT_PCRS)
		reason(out, "log.replay", "the event log does not account for all of PCRs 0-7",
		       TL_OK);
	/* meaning only from PCRs whose quoted values the log replays to */
	if (log && trust != NOTHING)
		check_facts(vm, log, out);
	if (out->facts && baseline)
		check_baseline(baseline, out);
	out->healthy = out->quote_verified && json_array_size(out->reasons) == 0;
	if (out->healthy && !baseline)
		out->learn = tl_baseline_from_facts(out->facts);
	tl_log_entry_put(log);
	return TL_OK;
}
