/* The agent's endpoints: a challenge, and the attestation over it. Neither needs a bearer
 * token: the VM must be enrolled, and the quote's signature by its enrolled AK is the proof.
 * Malformed evidence is refused (400) and changes nothing; evidence that is well-formed but
 * untrue is a verdict ("unhealthy", with reasons), recorded like any other. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jwtkeys.h"
#include "trustlaunch/hash.h"
#include "alert_plan.h"
#include "metrics.h"
#include "verdict.h"

/* The answer for a VM without a bound TPM: one answer whether the VM is unknown or not
 * enrolled (these endpoints take no token: nobody learns here which ids exist). */
static struct tl_resp not_enrolled(int err)
{
	if (err == TL_E_STORE_NOT_FOUND)
		return tl_api_not_enrolled();
	return tl_api_store_error(err, "VM");
}

struct tl_resp tl_api_challenge(struct tl_req *r, const char *vm_id)
{
	struct tl_vm vm;
	struct tl_vm_tpm t;
	uint8_t nonce[TL_NONCE_LEN];
	char hex[2 * TL_NONCE_LEN + 1];
	int64_t now = (int64_t)time(NULL);
	int err = tl_store_attest_context(r->srv->store, vm_id, &vm, &t, NULL);

	if (err != TL_OK || !vm.enrolled)
		return not_enrolled(err == TL_OK ? TL_E_STORE_NOT_FOUND : err);
	if (tl_nonce_make(r->srv->nonce_key, vm_id, now, nonce) != TL_OK)
		return tl_http_error(500, "server.internal", "no randomness", NULL);
	tl_hex(nonce, sizeof(nonce), hex);
	return tl_http_json(200, json_pack("{s:s,s:I}", "nonce", hex, "expires_at",
					   (json_int_t)(now + TL_NONCE_TTL)));
}

static json_t *pcr_list(uint32_t mask)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < TL_NUM_PCRS; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_integer(i));
	return a;
}

struct revoc_ctx {
	const struct tl_server *srv;
	json_t *facts;
};

static json_t *revoc_make(void *ctx)
{
	const struct revoc_ctx *c = ctx;
	return tl_api_revocations_evaluate(c->srv, c->facts);
}

/* revocations-current of this boot, decided once per event log and trusted PCRs. */
static json_t *revocations(const struct tl_server *srv, const struct tl_attest_verdict *av)
{
	struct revoc_ctx c = { srv, av->typed.facts };
	if (!av->has_log)
		return revoc_make(&c);
	return tl_revoc_summary_cached(av->log_sha256, av->typed.quote.log_trusted, revoc_make,
				       &c);
}

/* The record kept (*revoc: its revocations-current status, as the posture reads it back in
 * api_posture.c): every reason; the facts when there is something to look at (unhealthy, or
 * learned), else their digest (they equal the baseline's). Records of quotes the enrolled TPM
 * did not make are kept too (someone tried to speak for this VM), with nothing else the
 * sender claimed. */
static char *record(const struct tl_server *srv, const struct tl_evidence *ev,
		    const struct tl_attest_verdict *av, enum tl_status *revoc)
{
	struct tl_rec_revocations rs;
	json_t *summary = NULL;
	const struct tl_verdict *v = &av->typed;
	json_t *o = json_pack("{s:s,s:O,s:b}", "verdict", v->healthy ? "healthy" : "unhealthy",
			      "reasons", av->reasons, "quote_verified", v->quote_verified);
	if (v->quote_verified)
		json_object_set_new(o, "quote",
				    json_pack("{s:I,s:I,s:I,s:b,s:o}", "clock",
					      (json_int_t)v->quote.attest.clock, "reset_count",
					      (json_int_t)v->quote.attest.reset_count, "restart_count",
					      (json_int_t)v->quote.attest.restart_count, "rebooted",
					      v->quote.rebooted, "pcrs", pcr_list(v->quoted_pcrs)));
	if (v->facts && (!v->healthy || v->learn)) {
		json_object_set(o, "facts", v->facts);
	} else if (v->facts && av->has_log) {
		/* the facts equal the baseline's; the log they came from identifies them */
		char hex[65];
		tl_hex(av->log_sha256, sizeof(av->log_sha256), hex);
		json_object_set_new(o, "event_log_sha256", json_string(hex));
	}
	/* what the guest says beside the quote counts only when the TPM vouched for the quote:
	 * nobody else may put module reports or an OS on this VM's record */
	if (v->quote_verified && ev->kernel_events)
		json_object_set(o, "kernel_events", ev->kernel_events);
	if (v->quote_verified && ev->os)
		json_object_set(o, "os", ev->os);
	/* revocations-current: this boot's dbx, SbatLevel and boot applications against the
	 * current revocation data, kept for the posture (docs/posture.md) */
	if (v->quote_verified && v->facts && srv->revocations) {
		summary = revocations(srv, av);
		json_object_set_new(o, "revocations", summary);
	}
	tl_rec_revocations_status(summary, srv->revocations != NULL, &rs);
	*revoc = rs.status;
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static struct tl_resp nonce_refused(int err)
{
	return err == TL_E_NONCE_EXPIRED
		       ? tl_http_error(409, "nonce.expired",
				       "the challenge expired; ask for a new one", "nonce")
		       : tl_http_error(409, "nonce.invalid",
				       "this nonce was not issued by this service for this VM",
				       "nonce");
}

/* A quote over a nonce issued before the one of the VM's last verified attestation came late
 * (an agent's quotes sent out of order): no verdict on the TPM's clock, nothing recorded. */
static struct tl_resp stale(void)
{
	return tl_http_error(409, "attestation.stale",
			     "a quote over a later challenge of this VM was recorded first; ask for "
			     "a new challenge",
			     "nonce");
}

/* One attestation between its verdict and its answer, which waits for the group commit. */
struct job {
	struct tl_later later; /* first: the job is its own continuation */
	struct tl_server *srv;
	struct tl_evidence ev;
	struct tl_attest_verdict v;
	struct tl_attest_write w;
	char *learn;
	int64_t now;
	char enrolled_by[16]; /* how the VM's TPM was bound: the token's "enrollment" claim */
	struct tl_alerts_job alerts;
	struct timespec t0;     /* the request began: the latency histogram */
};

static void job_free(struct job *j)
{
	tl_alerts_job_free(&j->alerts);
	free(j->learn);
	free(j->w.att.result);
	tl_attest_verdict_free(&j->v);
	tl_evidence_free(&j->ev);
	free(j);
}

/* The answer once the write is durable (or refused). */
/* The metrics of an attestation's end: a verdict (with its latency) or why none. */
static void count(const struct job *j, int err)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (err == TL_OK)
		tl_metrics_attestation(j->v.typed.healthy,
				       (uint64_t)((now.tv_sec - j->t0.tv_sec) * 1000000 +
						  (now.tv_nsec - j->t0.tv_nsec) / 1000));
	else
		tl_metrics_refused(err == TL_E_STORE_CONFLICT ? TL_REFUSED_NONCE
				   : err == TL_E_STORE_STALE  ? TL_REFUSED_STALE
							      : TL_REFUSED_STORE);
}

static struct tl_resp finish(struct tl_later *l)
{
	struct job *j = (struct job *)l;
	struct tl_resp resp;
	const struct tl_alert_plan *ap = &j->alerts.plan;
	if (j->w.result == TL_OK && ap->created + ap->updated + ap->resolved > 0)
		tl_api_webhooks_kick(j->srv); /* events were written: deliver them now */
	int err = j->w.result;
	char *token = NULL;

	count(j, err);
	if (err == TL_E_STORE_CONFLICT) {
		resp = tl_http_error(409, "nonce.used",
				     "this nonce was used before; ask for a new challenge", "nonce");
	} else if (err == TL_E_STORE_STALE && j->w.superseded) {
		resp = stale();
	} else if (err == TL_E_STORE_STALE) {
		resp = tl_http_error(409, "vm.changed",
				     "the VM's enrolled TPM changed while this attestation was "
				     "verified; ask for a new challenge",
				     NULL);
	} else if (err != TL_OK) {
		resp = tl_http_error(503, "store.unavailable", "the attestation was not recorded", NULL);
	} else {
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)j->w.att.id); /* a string: JavaScript */
		json_t *o = json_pack("{s:s,s:s,s:O}", "attestation_id", id, "verdict",
				      j->v.typed.healthy ? "healthy" : "unhealthy", "reasons",
				      j->v.reasons);
		if (j->w.learned)
			json_object_set_new(o, "baseline", json_string("learned"));
		/* a token only for what the enrolled TPM said over this challenge */
		if (j->v.typed.quote_verified) {
			json_t *c = tl_attest_claims(j->srv->issuer, j->srv->token_ttl, j->w.att.vm_id,
						     &j->ev, &j->v.typed, j->w.att.id, j->now);
			/* how the VM enrolled: by EK certificate (a TPM proved) or by token */
			json_object_set_new(c, "enrollment", json_string(j->enrolled_by));
			if (c && tl_jwtkeys_sign(j->srv->keys, c, &token) == TL_OK)
				json_object_set_new(o, "token", json_string(token));
			json_decref(c);
			free(token);
		}
		resp = tl_http_json(200, o);
		/* the facts as the log cache serialized them, not again (the largest part) */
		if (j->v.facts_text) {
			char *head = json_dumps(o, JSON_COMPACT);
			size_t hl = head ? strlen(head) : 0, fl = strlen(j->v.facts_text);
			/* head ends with "}"; the facts go before it */
			if (hl > 2 && (resp.text = malloc(hl + fl + 12))) {
				memcpy(resp.text, head, hl - 1);
				memcpy(resp.text + hl - 1, ",\"facts\":", 9);
				memcpy(resp.text + hl + 8, j->v.facts_text, fl);
				memcpy(resp.text + hl + 8 + fl, "}", 2);
			}
			free(head);
		}
		if (!resp.text)
			json_object_set(o, "facts", j->v.typed.facts ? j->v.typed.facts : json_null());
	}
	job_free(j);
	return resp;
}

static void committed(struct tl_attest_write *w)
{
	struct job *j = (struct job *)((char *)w - offsetof(struct job, w));
	tl_http_resume(&j->later);
}

/* The write of this attestation: its nonce, its record, the TPM clock, a learned baseline. */
static int prepare_write(struct job *j, const char *vm_id, const struct tl_vm_tpm *t)
{
	struct tl_attest_write *w = &j->w;
	const struct tl_verdict *v = &j->v.typed;
	memcpy(w->nonce, j->ev.nonce, sizeof(w->nonce));
	snprintf(w->att.vm_id, sizeof(w->att.vm_id), "%s", vm_id);
	w->att.time = j->now;
	snprintf(w->att.verdict, sizeof(w->att.verdict), "%s", v->healthy ? "healthy" : "unhealthy");
	w->verified = v->quote_verified;
	if (v->quote_verified)
		snprintf(w->clock.ak_name, sizeof(w->clock.ak_name), "%s", t->ak_name);
	w->clock.nonce_issued = tl_nonce_issued_us(j->ev.nonce);
	/* a clock that went backwards is not kept: the floor stays where it was */
	if (v->quote_verified && !v->clock_backwards) {
		w->update_clock = true;
		w->clock.clock = v->quote.attest.clock;
		w->clock.reset_count = v->quote.attest.reset_count;
		w->clock.restart_count = v->quote.attest.restart_count;
	}
	if (v->learn && !(w->learn = j->learn = json_dumps(v->learn, JSON_COMPACT)))
		return TL_E_NOMEM;
	if (!j->srv->posture) /* --posture off: no alerts, no posture on this path */
		return (w->att.result = record(j->srv, &j->ev, &j->v, &w->revocations)) ? TL_OK
										     : TL_E_NOMEM;
	/* kernel events count only when the TPM vouched for the quote they came with */
	if (tl_alerts_plan(&j->alerts, v, j->v.reasons, v->quote_verified ? j->ev.kernel_events
									 : NULL) != TL_OK)
		return TL_E_NOMEM;
	w->alerts = &j->alerts.plan;
	/* the VM's posture: what the TPM vouched for only; Secure Boot as the facts show it */
	json_t *sb = json_object_get(json_object_get(v->facts, "secureboot"), "enabled");
	w->posture = v->quote_verified;
	w->attested_sb = json_is_boolean(sb) ? json_is_true(sb) : -1;
	return (w->att.result = record(j->srv, &j->ev, &j->v, &w->revocations)) ? TL_OK
									     : TL_E_NOMEM;
}

struct tl_resp tl_api_attest(struct tl_req *r, const char *vm_id)
{
	struct tl_vm vm;
	struct tl_vm_tpm t;
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	char *baseline = NULL;
	struct job *j = calloc(1, sizeof(*j));
	int err;

	if (!j)
		return tl_http_error(503, "server.busy", "out of memory", NULL);
	j->srv = r->srv;
	j->later.finish = finish;
	j->now = (int64_t)time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	if (r->prefetch.valid) { /* read when the head was admitted */
		vm = r->prefetch.vm;
		t = r->prefetch.tpm;
		baseline = r->prefetch.baseline;
		r->prefetch.baseline = NULL;
		r->prefetch.valid = false;
		err = TL_OK;
	} else {
		err = tl_store_attest_context(r->srv->store, vm_id, &vm, &t, &baseline);
	}
	if (err != TL_OK || !vm.enrolled) {
		free(baseline);
		free(j);
		return not_enrolled(err == TL_OK ? TL_E_STORE_NOT_FOUND : err);
	}
	if (!tl_evidence_parse(r, &j->ev, &resp)) {
		free(baseline);
		free(j);
		tl_metrics_refused(TL_REFUSED_MALFORMED);
		return resp;
	}
	err = tl_nonce_check(r->srv->nonce_key, vm_id, j->ev.nonce, j->now, TL_NONCE_TTL);
	if (err != TL_OK) {
		resp = nonce_refused(err);
	} else if (tl_nonce_issued_us(j->ev.nonce) < t.nonce_issued) {
		err = TL_E_STORE_STALE;
		resp = stale();
	} else {
		err = tl_attest_verdict_make(r->srv, &vm, &t, baseline, &j->ev, &j->v, &resp);
	}
	free(baseline);
	if (err != TL_OK) {
		tl_metrics_refused(err == TL_E_STORE_STALE ? TL_REFUSED_STALE
				   : resp.status == 400	   ? TL_REFUSED_MALFORMED
							   : TL_REFUSED_NONCE);
		tl_evidence_free(&j->ev);
		free(j);
		return resp;
	}
	snprintf(j->enrolled_by, sizeof(j->enrolled_by), "%s", t.enrolled_by);
	if (prepare_write(j, vm_id, &t) != TL_OK) {
		j->w.result = TL_E_NOMEM;
		return finish(&j->later);
	}
	if (!r->later) { /* no waiting here: this thread waits */
		j->w.result = tl_store_attest_commit(r->srv->store, &j->w);
		return finish(&j->later);
	}
	/* suspended first, so that the writer's resume cannot come before */
	resp = tl_http_later(r, &j->later);
	if (tl_store_attest_submit(r->srv->store, &j->w, committed) != TL_OK) {
		j->w.result = TL_E_STORE;
		tl_http_resume(&j->later);
	}
	return resp;
}
