/* The service's storage: one interface, two back ends (SQLite, embedded default; PostgreSQL,
 * for many service nodes). Every call returns when the write is durable. Versioned schema
 * migrations run at open. */
#ifndef TL_SERVER_STORE_H
#define TL_SERVER_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"
#include "trustlaunch/posture.h"

/* Its errors, TL_E_STORE_*, are in trustlaunch/err.h with every other code. */

#define TL_ID_LEN 37
#define TL_HOST_NAME_LEN 64
#define TL_HOST_STATE_LEN 16

struct tl_vm {
	char id[TL_ID_LEN];
	char tenant[64];
	char name[128];
	char size[64];
	char os[64];
	char security_type[16]; /* standard | trustedlaunch | confidential */
	bool secure_boot, vtpm;
	char scale_set[64];
	int64_t created;        /* unix seconds */
	/* who may enrol it: TL_ENROLL_ANY (its enrollment token or an EK certificate naming it)
	 * or TL_ENROLL_EK_CERT (an EK certificate only) */
	char enrollment[24];
	bool enrolled;          /* a TPM is bound (read only) */
	char enrolled_by[16];   /* how: TL_BY_TOKEN, TL_BY_EK_CERT, "unknown" (read only) */
	/* what a host daemon reported (read only; tl_store_vm_list only, "" until reported):
	 * the host and libvirt domain of its last inventory, the host state and its reason */
	char host[TL_HOST_NAME_LEN], domain[128];
	char host_state[TL_HOST_STATE_LEN], host_reason[32];
};

#define TL_ENROLL_ANY "any"
#define TL_ENROLL_EK_CERT "ek-certificate-required"
#define TL_BY_TOKEN "token"
#define TL_BY_EK_CERT "ek_certificate"
bool tl_vm_enrollment_valid(const char *policy);

struct tl_attestation {
	int64_t id;
	char vm_id[TL_ID_LEN];
	int64_t time;
	char verdict[16];       /* healthy | unhealthy */
	char *result;           /* the verdict document (JSON), malloc'd */
};

struct tl_token {
	char hash[65];          /* SHA-256 of the bearer token, hex */
	char name[64];
	char role[16];          /* reader | operator | admin */
	char tenant[64];        /* "*" for every tenant */
	int64_t created;
};

/* The TPM a VM is bound to, after a successful credential activation. Blobs are hex. */
#define TL_HEX_PUBLIC (2 * 1024 + 1)
struct tl_vm_tpm {
	char vm_id[TL_ID_LEN];
	char ek_public[TL_HEX_PUBLIC], ak_public[TL_HEX_PUBLIC];
	char ak_name[2 * 66 + 1];
	int64_t enrolled;
	char enrolled_by[16];   /* TL_BY_TOKEN | TL_BY_EK_CERT ("unknown": bound before this was
				 * kept); tl_store_tpm_bind sets it */
	/* the last accepted quote: a later one may not go backwards */
	uint64_t clock;
	uint32_t reset_count, restart_count;
	/* when the nonce of the last verified attestation was issued (microseconds; 0: none):
	 * a quote over an older nonce is stale, not a rollback */
	int64_t nonce_issued;
};

/* An enrolment waiting for its one activation attempt. */
struct tl_enrollment {
	char id[TL_ID_LEN];
	char vm_id[TL_ID_LEN];
	char ek_public[TL_HEX_PUBLIC], ak_public[TL_HEX_PUBLIC];
	char ak_name[2 * 66 + 1];
	char secret_hash[65];   /* SHA-256 of the credential's secret, hex */
	int64_t expires;
	bool by_token;          /* authorised by the VM's enrollment token (else: EK certificate) */
	char token_hash[65];    /* that token's SHA-256, hex ("" for a certificate) */
};

/* A VM's trusted baseline: boot facts by component (JSON, docs/facts.md). */
struct tl_baseline {
	char vm_id[TL_ID_LEN];
	char source[16];        /* learned | manifest */
	int64_t attestation_id; /* learned from; 0 for a manifest */
	int64_t created;
	char *components;       /* JSON, malloc'd */
};

struct tl_store;

/* url: "sqlite:PATH" or "postgresql://..." (libpq URI). err receives a sentence. */
TL_MUST_CHECK int tl_store_open(const char *url, struct tl_store **out, char *err, size_t errlen);
void tl_store_close(struct tl_store *s);
/* The schema version after migrations. */
int tl_store_schema_version(struct tl_store *s);
/* The last database error, for logs. */
const char *tl_store_error(const struct tl_store *s);
/* Whether this node can serve (readiness, GET /healthz): the writer thread runs, its
 * connection and a connection of its own answer a cheap query within a short timeout. The
 * answer is kept for TL_STORE_READY_CACHE_MS, so that asking often does not reach the
 * database more than once in that time. TL_OK, or TL_E_STORE with why set to a sentence. */
#define TL_STORE_READY_CACHE_MS 1000
#define TL_STORE_READY_TIMEOUT_MS 1000
TL_MUST_CHECK int tl_store_ready(struct tl_store *s, char *why, size_t whylen);
/* Keeps what attestations need of each VM in memory (store_cache.c), for an SQLite database
 * this process alone uses from now on: TL_E_STORE_BUSY when another process has it,
 * TL_E_UNSUPPORTED for PostgreSQL (several nodes may write it). */
TL_MUST_CHECK int tl_store_cache_start(struct tl_store *s, const char *url);

TL_MUST_CHECK int tl_store_vm_put(struct tl_store *s, const struct tl_vm *vm);
/* A VM of that tenant (a VM of another tenant is not found); tenant "*" means any. */
TL_MUST_CHECK int tl_store_vm_get(struct tl_store *s, const char *tenant, const char *id,
				  struct tl_vm *out);
/* policy: TL_ENROLL_ANY or TL_ENROLL_EK_CERT (TL_E_ARG otherwise) */
TL_MUST_CHECK int tl_store_vm_set_enrollment(struct tl_store *s, const char *tenant,
					     const char *id, const char *policy);
TL_MUST_CHECK int tl_store_vm_delete(struct tl_store *s, const char *tenant, const char *id);
/* Lists are paged by cursor: at most limit items after the last one of the page before
 * (its key), in an order new items cannot disturb. */
/* VMs of a tenant ("*": all) by (created, id), after (after_created, after_id) (after_id
 * NULL: from the first), with what their host reported; host non-NULL: only the VMs the
 * last inventory of that host listed; host_state non-NULL (running, stopped, boot_failed):
 * only the VMs whose host last reported that state. */
TL_MUST_CHECK int tl_store_vm_list(struct tl_store *s, const char *tenant, const char *host,
				   const char *host_state, int64_t after_created,
				   const char *after_id, size_t limit,
				   int (*fn)(const struct tl_vm *vm, void *arg), void *arg);

/* Single use: TL_OK the first time a nonce is presented, TL_E_STORE_CONFLICT after. */
TL_MUST_CHECK int tl_store_nonce_use(struct tl_store *s, const uint8_t nonce[32], int64_t expires);

TL_MUST_CHECK int tl_store_attestation_add(struct tl_store *s, struct tl_attestation *a);
/* Quotes the VM's enrolled TPM did not make ("forgeries": anyone may send one) are kept apart
 * from its attestations, at most TL_FORGERIES_KEPT a VM (the newest); total counts all. */
#define TL_FORGERIES_KEPT 100
/* Newest first, ids below before_id (0: from the newest), at most limit. */
TL_MUST_CHECK int tl_store_attestation_list(struct tl_store *s, const char *vm_id,
					    int64_t before_id, size_t limit,
					    int (*fn)(const struct tl_attestation *a, void *arg),
					    void *arg);
/* The VM's forgeries alike (verdict and result as recorded), and how many were ever recorded
 * (those kept and those dropped). */
TL_MUST_CHECK int tl_store_forgery_list(struct tl_store *s, const char *vm_id, int64_t before_id,
					size_t limit,
					int (*fn)(const struct tl_attestation *a, void *arg),
					void *arg);
TL_MUST_CHECK int tl_store_forgery_total(struct tl_store *s, const char *vm_id, int64_t *total);

TL_MUST_CHECK int tl_store_token_add(struct tl_store *s, const struct tl_token *t);
TL_MUST_CHECK int tl_store_token_find(struct tl_store *s, const char *hash, struct tl_token *out);
/* Tokens of a tenant ("*": all), oldest first: by (created, hash), after (after_created,
 * after_id) where after_id is a token's id (its hash's first 12 hex digits; NULL: from the
 * first). */
TL_MUST_CHECK int tl_store_token_list(struct tl_store *s, const char *tenant,
				      int64_t after_created, const char *after_id, size_t limit,
				      int (*fn)(const struct tl_token *t, void *arg), void *arg);
/* Deletes the token(s) whose hash starts with prefix (hex, the caller checks its length). */
TL_MUST_CHECK int tl_store_token_revoke(struct tl_store *s, const char *tenant,
					const char *prefix);

/* ---- enrolment (store_tpm.c) */

/* Replaces the VM's one-time enrollment token (its SHA-256, hex); enrolments pending under
 * the old one end. */
TL_MUST_CHECK int tl_store_enroll_token_set(struct tl_store *s, const char *vm_id,
					    const char *hash);
/* TL_OK when hash is the VM's current enrollment token; TL_E_STORE_NOT_FOUND otherwise. */
TL_MUST_CHECK int tl_store_enroll_token_check(struct tl_store *s, const char *vm_id,
					      const char *hash);
TL_MUST_CHECK int tl_store_enrollment_add(struct tl_store *s, const struct tl_enrollment *e);
/* The one activation attempt: returns the pending enrolment and marks it used, atomically;
 * TL_E_STORE_NOT_FOUND when there is none (unknown, used before, or another VM's). */
TL_MUST_CHECK int tl_store_enrollment_take(struct tl_store *s, const char *vm_id, const char *id,
					   struct tl_enrollment *out);
/* Binds the VM to the TPM, in one transaction, when the enrolment's authority still holds:
 * token_hash (an enrolment by enrollment token) must still be the VM's current token, and
 * an enrolment by EK certificate (token_hash NULL or "") may not replace another TPM's
 * binding. Then ends the enrollment token and every other pending enrolment of the VM:
 * moving the VM later needs a fresh token from an operator. TL_E_STORE_CONFLICT when the
 * authority no longer holds. */
TL_MUST_CHECK int tl_store_tpm_bind(struct tl_store *s, const struct tl_vm_tpm *t,
				    const char *token_hash);
TL_MUST_CHECK int tl_store_tpm_get(struct tl_store *s, const char *vm_id, struct tl_vm_tpm *out);
/* What an attestation needs, in one query or from the cache: of the VM (any tenant) its id,
 * secure_boot and enrolled (nothing else); of its TPM vm_id, ak_public, ak_name and the clock
 * (t->vm_id empty and vm->enrolled false when none is bound); its baseline components
 * (malloc'd, or NULL; baseline may be NULL when they are not wanted). */
TL_MUST_CHECK int tl_store_attest_context(struct tl_store *s, const char *vm_id,
					  struct tl_vm *vm, struct tl_vm_tpm *t, char **baseline);

/* ---- baselines (store_baseline.c) */

/* b->components is malloc'd on TL_OK; free with tl_baseline_clear. */
TL_MUST_CHECK int tl_store_baseline_get(struct tl_store *s, const char *vm_id,
					struct tl_baseline *out);
TL_MUST_CHECK int tl_store_baseline_put(struct tl_store *s, const struct tl_baseline *b);
void tl_baseline_clear(struct tl_baseline *b);
/* The newest attestation of a VM that its enrolled TPM vouched for (result malloc'd). */
TL_MUST_CHECK int tl_store_attestation_latest_verified(struct tl_store *s, const char *vm_id,
						       struct tl_attestation *out);
/* One attestation of a VM (result malloc'd; free it). */
TL_MUST_CHECK int tl_store_attestation_get(struct tl_store *s, const char *vm_id, int64_t id,
					   struct tl_attestation *out);

/* ---- alerts and suppression rules (store_alerts.c; docs/posture.md) */

/* An alert an attestation raises (or adds to: the same VM, type and cause while open). */
struct tl_alert_new {
	char id[TL_ID_LEN];      /* the id it gets if it opens a new alert */
	const char *type;        /* attestation_failure | untrusted_kernel_module */
	const char *severity;    /* medium | low */
	const char *cause;       /* the de-duplication key: sorted reason codes, or the module */
	const char *title, *description, *remediation;
	const char *reasons;     /* JSON array text [{code, message, component?, ...}] */
	const char *module;      /* untrusted_kernel_module: the module, else NULL */
	const char *codes[16];   /* the reason codes, for suppression rules; NULL-terminated */
};

/* What one attestation does to its VM's alerts, inside its write's transaction. */
#define TL_ALERTS_PER_ATTESTATION 9
struct tl_alert_plan {
	bool resolve_failure;    /* a healthy verdict: open attestation failures resolve */
	size_t n;
	struct tl_alert_new add[TL_ALERTS_PER_ATTESTATION];
	/* out: what happened, for webhooks and metrics */
	size_t created, updated, resolved, suppressed;
};

struct tl_alert {
	char id[TL_ID_LEN];
	char tenant[64], vm_id[TL_ID_LEN], vm_name[128];
	char type[32], severity[16], status[16]; /* active | resolved | dismissed */
	bool open;               /* its condition persists (an active or suppressed alert) */
	char *cause, *title, *description, *reasons, *module, *remediation; /* malloc'd */
	char suppressed_by[TL_ID_LEN];
	int64_t count, first_seen, last_seen, updated, seq;
};
void tl_alert_clear(struct tl_alert *a);

struct tl_alert_filter {
	const char *tenant;      /* "*": every tenant */
	const char *status, *type, *severity, *vm_id; /* NULL: any */
	int64_t since;           /* last_seen at or after; 0: any */
	int64_t before_seq;      /* paging: only older than this (0: from the newest) */
	size_t limit;
};
/* Newest first (by when they were opened), at most f->limit. */
TL_MUST_CHECK int tl_store_alert_list(struct tl_store *s, const struct tl_alert_filter *f,
				      int (*fn)(const struct tl_alert *a, void *arg), void *arg);
TL_MUST_CHECK int tl_store_alert_get(struct tl_store *s, const char *tenant, const char *id,
				     struct tl_alert *out);
/* dismiss or resolve, by a person, with a comment; the audit trail keeps who and when.
 * TL_E_STORE_CONFLICT when the alert is already in that status. */
TL_MUST_CHECK int tl_store_alert_act(struct tl_store *s, const char *tenant, const char *id,
				     const char *action, const char *actor, const char *comment,
				     int64_t now);
/* The audit trail of an alert, oldest first: fn(time, actor, action, comment). */
TL_MUST_CHECK int tl_store_alert_events(struct tl_store *s, const char *id,
					int (*fn)(int64_t time, const char *actor,
						  const char *action, const char *comment, void *arg),
					void *arg);
/* A tenant's alerts ("*": every tenant's) counted by type, severity and status:
 * fn(cols = type, severity, status, count). */
TL_MUST_CHECK int tl_store_alert_counts(struct tl_store *s, const char *tenant,
					int (*fn)(const char *const *cols, int ncols, void *arg),
					void *arg);
/* The writer's part: inside the attestation's transaction (conn is the writer's). */
TL_MUST_CHECK int tl_store_alerts_apply(struct tl_store *conn, const char *vm_id,
					struct tl_alert_plan *p, int64_t now);

struct tl_suppression {
	char id[TL_ID_LEN];
	char tenant[64], alert_type[32];
	char *vm_ids, *reason_codes; /* JSON arrays text; "[]": any (malloc'd) */
	char reason[128], comment[512], created_by[64];
	int64_t created, expires;    /* expires 0: never */
};
void tl_suppression_clear(struct tl_suppression *r);
TL_MUST_CHECK int tl_store_suppression_add(struct tl_store *s, const struct tl_suppression *r);
/* A page of the rules by (created, id) after (after_created, after_id) (after_id NULL: from
 * the first), at most limit. */
TL_MUST_CHECK int tl_store_suppression_list(struct tl_store *s, const char *tenant,
					    int64_t after_created, const char *after_id,
					    size_t limit,
					    int (*fn)(const struct tl_suppression *r, void *arg),
					    void *arg);
TL_MUST_CHECK int tl_store_suppression_get(struct tl_store *s, const char *tenant,
					   const char *id, struct tl_suppression *out);
TL_MUST_CHECK int tl_store_suppression_delete(struct tl_store *s, const char *tenant,
					      const char *id);
/* Would rule r match an alert of this VM with these codes (now)? */
bool tl_suppression_matches(const struct tl_suppression *r, const char *type,
			    const char *vm_id, const char *const *codes, int64_t now);

/* ---- webhooks and their outbox (store_webhooks.c; docs/posture.md) */
struct tl_webhook {
	char id[TL_ID_LEN];
	char tenant[64], url[512], created_by[64];
	char events[512];       /* JSON array text of event types */
	char secret[96];        /* whsec_...: the signing key, shown once when created */
	int64_t created;
};
TL_MUST_CHECK int tl_store_webhook_add(struct tl_store *s, const struct tl_webhook *w);
/* A page of the webhooks, as tl_store_suppression_list. */
TL_MUST_CHECK int tl_store_webhook_list(struct tl_store *s, const char *tenant,
					int64_t after_created, const char *after_id, size_t limit,
					int (*fn)(const struct tl_webhook *w, void *arg), void *arg);
TL_MUST_CHECK int tl_store_webhook_get(struct tl_store *s, const char *tenant, const char *id,
				       struct tl_webhook *out);
/* The webhook and its undelivered events go. */
TL_MUST_CHECK int tl_store_webhook_delete(struct tl_store *s, const char *tenant,
					  const char *id);
/* One event for every webhook of the tenant subscribed to its type (only: that webhook
 * alone, whatever it subscribed to), inside the caller's transaction on conn. */
TL_MUST_CHECK int tl_store_outbox_add(struct tl_store *conn, const char *tenant,
				      const char *type, const char *payload, int64_t now,
				      const char *only);
struct tl_outbox_item {
	char event_id[48], webhook_id[TL_ID_LEN], type[40];
	char url[512], secret[96];
	char *payload;          /* malloc'd */
	int attempts;
	int64_t created;
};
/* Leases up to max due events (one node delivers an event at a time: a lease of lease_s
 * seconds); fn sees each with its webhook's URL and secret. */
TL_MUST_CHECK int tl_store_outbox_claim(struct tl_store *s, int64_t now, int64_t lease_s,
					size_t max,
					int (*fn)(const struct tl_outbox_item *it, void *arg),
					void *arg);
/* An attempt's outcome: recorded as a delivery; delivered, or due again at next_attempt
 * (0: given up, failed). */
TL_MUST_CHECK int tl_store_outbox_done(struct tl_store *s, const struct tl_outbox_item *it,
				       int status, const char *error, int64_t duration_ms,
				       int64_t now, bool delivered, int64_t next_attempt);
struct tl_delivery {
	int64_t id, time, duration_ms;
	char event_id[48], type[40];
	int attempt, status;
	char error[256];
};
/* Newest first, older than before_id (0: the newest), at most limit. */
TL_MUST_CHECK int tl_store_delivery_list(struct tl_store *s, const char *webhook_id,
					 int64_t before_id, size_t limit,
					 int (*fn)(const struct tl_delivery *d, void *arg),
					 void *arg);
/* A webhook.test event for one webhook. */
TL_MUST_CHECK int tl_store_webhook_test(struct tl_store *s, const char *webhook_id,
					const char *payload, int64_t now);
/* Pending events (for metrics and tests). */
TL_MUST_CHECK int tl_store_outbox_pending(struct tl_store *s, int64_t *out);

/* ---- hosts (store_host.c; docs/hostd.md): what host daemons report of libvirt domains */

struct tl_vm_host {
	char vm_id[TL_ID_LEN];
	char host[TL_HOST_NAME_LEN];  /* "" until an inventory names it */
	char domain[128];             /* the libvirt domain's name */
	char *profile;                /* JSON object, malloc'd ("{}" before an inventory) */
	bool trustlaunch;             /* the domain carries trustlaunch's metadata */
	int64_t seen;                 /* the last inventory that listed it (unix seconds) */
	int64_t inv;                  /* that inventory's stamp, a store id (written, not read) */
	char state[TL_HOST_STATE_LEN]; /* running | stopped | boot_failed | "" (none yet) */
	char reason[32];              /* boot_failed: secure_boot_refused | boot_deadline */
	char *console;                /* JSON array of the last console lines, malloc'd */
	int64_t state_at;
};
void tl_vm_host_clear(struct tl_vm_host *h);
/* The domain's profile as the host saw it (vm_id, host, domain, profile, trustlaunch, seen);
 * the host state stays. */
TL_MUST_CHECK int tl_store_vm_host_profile(struct tl_store *s, const struct tl_vm_host *h);
/* Ids that grow with time on every node, unique within this process (microseconds, then a
 * counter): attestation ids, and an inventory's stamp. */
int64_t tl_store_next_id(void);
/* After an inventory of host stamped inv: the host and domain taken off every VM whose
 * domain that host listed before but not in this inventory (undefined, moved away). */
TL_MUST_CHECK int tl_store_vm_host_forget(struct tl_store *s, const char *host, int64_t inv);
/* The host state (vm_id, state, reason, console, state_at); the profile stays. */
TL_MUST_CHECK int tl_store_vm_host_state(struct tl_store *s, const struct tl_vm_host *h);
/* The VMs of a tenant ("*": all) whose host last reported them boot_failed (also by its
 * reason) or stopped (GET /v1/recommendations' host_states): two ranges of the index
 * vm_host_state, each row's tenant from vms by its key. Not running: the bulk of a fleet,
 * it would make every summary read every VM. */
struct tl_host_state_counts {
	int64_t boot_failed, stopped;
	int64_t secure_boot_refused, boot_deadline; /* boot_failed by reason */
};
TL_MUST_CHECK int tl_store_vm_host_counts(struct tl_store *s, const char *tenant,
					  struct tl_host_state_counts *out);
/* TL_E_STORE_NOT_FOUND when no host reported the VM; free with tl_vm_host_clear. */
TL_MUST_CHECK int tl_store_vm_host_get(struct tl_store *s, const char *vm_id,
				       struct tl_vm_host *out);
struct tl_host {
	char host[TL_HOST_NAME_LEN];
	char tenant[64];
	int64_t domains, seen;
};
TL_MUST_CHECK int tl_store_host_put(struct tl_store *s, const struct tl_host *h);
/* Hosts of a tenant ("*": all) by name, after after_host (NULL: from the first). */
TL_MUST_CHECK int tl_store_host_list(struct tl_store *s, const char *tenant,
				     const char *after_host, size_t limit,
				     int (*fn)(const struct tl_host *h, void *arg), void *arg);
/* ---- each VM's posture, stored when it changes (store_posture.c; docs/posture.md) */

struct tl_posture_row {
	char vm_id[TL_ID_LEN], tenant[64];
	int64_t created;
	/* what it is decided from (the times in it are not kept) */
	struct tl_posture_vm in;
	bool stale;              /* the staleness job found the agent silent */
	/* the decision (tl_posture_decide) */
	enum tl_status rec[TL_REC_COUNT];
	enum tl_status assess;
	char cause[24];          /* tl_assess_cause_name */
	int64_t version;         /* read: the stored row's; bumped by every write */
};
/* The row's decision from its inputs and stale. */
void tl_posture_row_decide(struct tl_posture_row *row);
/* TL_E_STORE_NOT_FOUND when the VM has no row yet. */
TL_MUST_CHECK int tl_store_posture_get(struct tl_store *s, const char *vm_id,
				       struct tl_posture_row *out);
/* Writes each of the n rows that differs from the stored one (no row: inserted, no event),
 * in one transaction; for each recommendation whose status changed, a
 * recommendation.changed event to the tenant's webhooks, in it. A concurrent write of
 * another node wins (that row not written). *changed: a row was (may be NULL). */
TL_MUST_CHECK int tl_store_posture_put(struct tl_store *s, const struct tl_posture_row *rows,
				       size_t n, int64_t now, bool *changed);
/* The writer's part, inside an attestation's transaction (conn is the writer's): the VM
 * attested now, verified by its TPM, with that verdict, Secure Boot as its log showed it
 * (-1 unknown) and the revocation status of that boot (tl_rec_revocations_status of the
 * summary kept with the record: not_applicable without revocation data); written only when
 * that changes its row. */
TL_MUST_CHECK int tl_store_posture_attested(struct tl_store *conn, const char *vm_id,
					    bool healthy, int attested_sb,
					    enum tl_status revocations, int64_t now);
/* The tenant's ("*": all) VMs counted by their statuses and cause, a group at a time. */
struct tl_posture_count {
	enum tl_status rec[TL_REC_COUNT], assess;
	enum tl_assess_cause cause;
	int64_t vms;
};
TL_MUST_CHECK int tl_store_posture_counts(struct tl_store *s, const char *tenant,
					  int (*fn)(const struct tl_posture_count *c, void *arg),
					  void *arg);
/* A page of the tenant's VMs by (created, id) after (after_created, after_id) (NULL: from
 * the first) whose recommendation rec has the status (-1: any): fn(row, vm name). */
TL_MUST_CHECK int tl_store_posture_page(struct tl_store *s, const char *tenant,
					enum tl_rec_id rec, int status, int64_t after_created,
					const char *after_id, size_t limit,
					int (*fn)(const struct tl_posture_row *row, const char *name,
						  void *arg),
					void *arg);
/* Up to limit enrolled VMs not yet found stale whose agent's last sign (attestation, or
 * enrolment) is older than cut: fn(vm_id). */
TL_MUST_CHECK int tl_store_posture_stale(struct tl_store *s, int64_t cut, size_t limit,
					 int (*fn)(const char *vm_id, void *arg), void *arg);
/* Up to limit VMs without a posture row (registered before it was kept): fn(vm_id). */
TL_MUST_CHECK int tl_store_posture_missing(struct tl_store *s, size_t limit,
					   int (*fn)(const char *vm_id, void *arg), void *arg);
/* A lease on a job one node runs at a time: *held when holder has it until now + ttl (it
 * was free, expired, or holder's already). */
TL_MUST_CHECK int tl_store_lease(struct tl_store *s, const char *name, const char *holder,
				 int64_t now, int64_t ttl, bool *held);
/* Gives the lease up, if holder has it (a node stopping: another need not wait it out). */
TL_MUST_CHECK int tl_store_lease_release(struct tl_store *s, const char *name,
					 const char *holder);

/* ---- the attestation write (store_batch.c): everything one attestation changes, made
 * durable together with other attestations' writes in one transaction (group commit). */
struct tl_attest_write {
	uint8_t nonce[32];
	struct tl_attestation att;        /* id assigned here */
	bool verified;                    /* the enrolled TPM made the quote */
	bool update_clock;                /* remember its clock (for that AK; only if verified) */
	/* vm_id, ak_name, clock, reset_count, restart_count, nonce_issued */
	struct tl_vm_tpm clock;
	const char *learn;                /* components to learn when the VM has no baseline */
	struct tl_alert_plan *alerts;     /* what it does to the VM's alerts, or NULL */
	/* its VM's stored posture (verified quotes only): whether to, Secure Boot as the
	 * verdict's facts show it (-1 unknown) */
	bool posture;
	int attested_sb;
	enum tl_status revocations;       /* revocations-current of this boot */
	/* out */
	bool learned;
	bool superseded;                  /* TL_E_STORE_STALE: a later quote of the same TPM
					   * committed first (not a re-enrolment) */
	/* TL_OK; TL_E_STORE_CONFLICT: the nonce was used; TL_E_STORE_STALE: the VM's AK or its
	 * stored clock is no longer the one verified against (nothing written);
	 * TL_E_STORE */
	int result;
	/* queue */
	struct tl_attest_write *next;
	void (*on_done)(struct tl_attest_write *w); /* submit's */
	bool done;
	pthread_cond_t wake;              /* commit's: the writer wakes only this request */
};
/* Returns when the write is durable (or refused): w->result. */
TL_MUST_CHECK int tl_store_attest_commit(struct tl_store *s, struct tl_attest_write *w);
/* Queues the write and returns at once; the writer thread calls on_done(w) once it is
 * durable or refused (w->result), and never touches w after. TL_E_STORE (and no call) when
 * the store is stopping. */
TL_MUST_CHECK int tl_store_attest_submit(struct tl_store *s, struct tl_attest_write *w,
					 void (*on_done)(struct tl_attest_write *w));

#endif
