/* The schema, as migrations: append, never edit a released step. The SQL is the common
 * subset of SQLite 3.40 and PostgreSQL 15; ids of attestations are made by the service
 * (identity columns differ between the two). */
#include "store_backend.h"

const char *const tl_store_migrations[] = {
	/* 1: inventory */
	"CREATE TABLE vms (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, "
	"size TEXT NOT NULL, os TEXT NOT NULL, security_type TEXT NOT NULL, "
	"secure_boot INTEGER NOT NULL, vtpm INTEGER NOT NULL, scale_set TEXT NOT NULL, "
	"created BIGINT NOT NULL)",
	/* 2: single-use nonces */
	"CREATE TABLE nonces (nonce TEXT PRIMARY KEY, expires BIGINT NOT NULL)",
	/* 3: attestation records */
	"CREATE TABLE attestations (id BIGINT PRIMARY KEY, vm_id TEXT NOT NULL, time BIGINT NOT "
	"NULL, verdict TEXT NOT NULL, result TEXT NOT NULL)",
	"CREATE INDEX attestations_vm ON attestations (vm_id, id)",
	/* 5: API tokens, by hash */
	"CREATE TABLE tokens (hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, "
	"tenant TEXT NOT NULL, created BIGINT NOT NULL)",
	/* 6: the TPM each VM is bound to, with its last accepted clock */
	"CREATE TABLE vm_tpm (vm_id TEXT PRIMARY KEY, ek_public TEXT NOT NULL, ak_public TEXT NOT "
	"NULL, ak_name TEXT NOT NULL, enrolled BIGINT NOT NULL, clock BIGINT NOT NULL, reset_count "
	"BIGINT NOT NULL, restart_count BIGINT NOT NULL)",
	/* 7: enrolments awaiting their one activation attempt */
	"CREATE TABLE enrollments (id TEXT PRIMARY KEY, vm_id TEXT NOT NULL, ek_public TEXT NOT "
	"NULL, ak_public TEXT NOT NULL, ak_name TEXT NOT NULL, secret_hash TEXT NOT NULL, expires "
	"BIGINT NOT NULL, by_token INTEGER NOT NULL, used INTEGER NOT NULL)",
	/* 8: one-time enrollment tokens, by hash */
	"CREATE TABLE enroll_tokens (vm_id TEXT PRIMARY KEY, hash TEXT NOT NULL, created BIGINT "
	"NOT NULL)",
	/* 9: baselines by component */
	"CREATE TABLE baselines (vm_id TEXT PRIMARY KEY, source TEXT NOT NULL, attestation_id "
	"BIGINT NOT NULL, created BIGINT NOT NULL, components TEXT NOT NULL)",
	/* 10: expired nonces are purged */
	"CREATE INDEX nonces_expires ON nonces (expires)",
	/* 11: the enrollment token an enrolment was authorised by (its hash; '' for an EK
	 * certificate): activation needs it still current */
	"ALTER TABLE enrollments ADD COLUMN token_hash TEXT NOT NULL DEFAULT ''",
	/* 12: attestations the enrolled TPM vouched for, found without reading the others */
	"ALTER TABLE attestations ADD COLUMN verified INTEGER NOT NULL DEFAULT 0",
	"CREATE INDEX attestations_verified ON attestations (vm_id, verified, id)",
	/* 14: the nonce an attestation spent, unique: one B-tree insert instead of the nonces
	 * table's three and their purge (that table stays for nonces spent before) */
	"ALTER TABLE attestations ADD COLUMN nonce TEXT",
	"CREATE UNIQUE INDEX attestations_nonce ON attestations (nonce)",
	/* 16: the VM's latest verified attestation is named on its TPM row, which every verified
	 * attestation writes anyway (its clock), instead of a second index of attestations by
	 * VM: each attestation then dirties one random page fewer */
	"ALTER TABLE vm_tpm ADD COLUMN last_verified BIGINT NOT NULL DEFAULT 0",
	"UPDATE vm_tpm SET last_verified = COALESCE((SELECT max(a.id) FROM attestations a WHERE "
	"a.vm_id = vm_tpm.vm_id AND a.verified = 1), 0)",
	"DROP INDEX attestations_verified",
	/* 19: when the nonce of the VM's last verified attestation was issued (microseconds): a
	 * quote over an older nonce arrived late (stale), it is no rollback of the TPM */
	"ALTER TABLE vm_tpm ADD COLUMN nonce_issued BIGINT NOT NULL DEFAULT 0",
	/* 20: who may enrol a VM: 'any' (its enrollment token or an EK certificate naming it)
	 * or 'ek-certificate-required' */
	"ALTER TABLE vms ADD COLUMN enrollment TEXT NOT NULL DEFAULT 'any'",
	/* 21: how the VM's TPM was bound: 'token' or 'ek_certificate' ('unknown' before) */
	"ALTER TABLE vm_tpm ADD COLUMN enrolled_by TEXT NOT NULL DEFAULT 'unknown'",
	/* 22: quotes the VM's enrolled TPM did not vouch for (anyone may send them), apart from
	 * the VM's own history: the newest of each VM kept, all of them counted */
	"CREATE TABLE forgeries (id BIGINT PRIMARY KEY, vm_id TEXT NOT NULL, time BIGINT NOT NULL, "
	"verdict TEXT NOT NULL, result TEXT NOT NULL, nonce TEXT)",
	"CREATE INDEX forgeries_vm ON forgeries (vm_id, id)",
	"CREATE TABLE forgery_counts (vm_id TEXT PRIMARY KEY, total BIGINT NOT NULL)",
	/* 25: those recorded before move there; their nonces stay spent */
	"INSERT INTO forgeries (id, vm_id, time, verdict, result, nonce) SELECT id, vm_id, time, "
	"verdict, result, nonce FROM attestations WHERE verified = 0",
	"INSERT INTO forgery_counts (vm_id, total) SELECT vm_id, count(*) FROM forgeries WHERE "
	"vm_id IS NOT NULL GROUP BY vm_id",
	"INSERT INTO nonces (nonce, expires) SELECT nonce, time + 600 FROM attestations WHERE "
	"verified = 0 AND nonce IS NOT NULL ON CONFLICT (nonce) DO NOTHING",
	"DELETE FROM attestations WHERE verified = 0",
	/* alerts (docs/posture.md): at most one open alert of a VM, type and cause; "open" while
	 * its condition persists (active, or dismissed by a suppression rule); seq orders them */
	"CREATE TABLE alerts (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, vm_id TEXT NOT NULL, "
	"vm_name TEXT NOT NULL, type TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL, "
	"open INTEGER NOT NULL, cause TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT "
	"NULL, reasons TEXT NOT NULL, module TEXT, remediation TEXT NOT NULL, count BIGINT NOT "
	"NULL, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL, suppressed_by TEXT, "
	"updated BIGINT NOT NULL, seq BIGINT NOT NULL)",
	"CREATE UNIQUE INDEX alerts_open ON alerts (vm_id, type, cause) WHERE open = 1",
	"CREATE INDEX alerts_seq ON alerts (tenant, seq)",
	"CREATE TABLE alert_events (alert_id TEXT NOT NULL, time BIGINT NOT NULL, actor TEXT NOT "
	"NULL, action TEXT NOT NULL, comment TEXT NOT NULL)",
	"CREATE INDEX alert_events_alert ON alert_events (alert_id, time)",
	"CREATE TABLE suppression_rules (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, alert_type "
	"TEXT NOT NULL, vm_ids TEXT NOT NULL, reason_codes TEXT NOT NULL, reason TEXT NOT NULL, "
	"comment TEXT NOT NULL, created BIGINT NOT NULL, created_by TEXT NOT NULL, expires BIGINT "
	"NOT NULL)",
	/* webhooks and their durable outbox (docs/posture.md): an event is written in the same
	 * transaction as what caused it, once per subscribed webhook; a node leases due rows */
	"CREATE TABLE webhooks (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, url TEXT NOT NULL, "
	"events TEXT NOT NULL, secret TEXT NOT NULL, created BIGINT NOT NULL, created_by TEXT NOT "
	"NULL)",
	"CREATE TABLE outbox (event_id TEXT NOT NULL, webhook_id TEXT NOT NULL, type TEXT NOT "
	"NULL, payload TEXT NOT NULL, created BIGINT NOT NULL, attempts INTEGER NOT NULL, "
	"next_attempt BIGINT NOT NULL, state TEXT NOT NULL, lease_until BIGINT NOT NULL, "
	"PRIMARY KEY (event_id, webhook_id))",
	"CREATE INDEX outbox_due ON outbox (state, next_attempt)",
	"CREATE TABLE deliveries (id BIGINT PRIMARY KEY, webhook_id TEXT NOT NULL, event_id TEXT "
	"NOT NULL, type TEXT NOT NULL, time BIGINT NOT NULL, attempt INTEGER NOT NULL, status "
	"INTEGER NOT NULL, error TEXT NOT NULL, duration_ms BIGINT NOT NULL)",
	"CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id)",
	/* hosts (docs/hostd.md): what each host daemon reported of its libvirt domains: the
	 * domain's real security profile (JSON), and its host state (running, stopped,
	 * boot_failed with a typed reason and the last console lines, JSON) */
	"CREATE TABLE vm_host (vm_id TEXT PRIMARY KEY, host TEXT NOT NULL, domain TEXT NOT NULL, "
	"profile TEXT NOT NULL, trustlaunch INTEGER NOT NULL, seen BIGINT NOT NULL, state TEXT NOT "
	"NULL, reason TEXT NOT NULL, console TEXT NOT NULL, state_at BIGINT NOT NULL)",
	"CREATE TABLE hosts (host TEXT NOT NULL, tenant TEXT NOT NULL, domains BIGINT NOT NULL, "
	"seen BIGINT NOT NULL, PRIMARY KEY (host))",
	/* each VM's posture (docs/posture.md), written when it changes: what it is decided from
	 * (its profile with the catalog's word at the time, enrolled, the latest verified
	 * verdict: attested -1 none, 0 unhealthy, 1 healthy; attested_sb -1 unknown, 0, 1;
	 * stale: the staleness job found the agent silent) and the statuses (enum tl_status)
	 * with the assessment's cause, and all five as one number (counts_key); version orders
	 * the writes of several nodes */
	"CREATE TABLE vm_posture (vm_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, created BIGINT NOT "
	"NULL, sectype INTEGER NOT NULL, secure_boot INTEGER NOT NULL, vtpm INTEGER NOT NULL, "
	"size_support INTEGER NOT NULL, os_supported INTEGER NOT NULL, enrolled INTEGER NOT NULL, "
	"attested INTEGER NOT NULL, attested_sb INTEGER NOT NULL, stale INTEGER NOT NULL, "
	"rec_secure_boot INTEGER NOT NULL, rec_vtpm INTEGER NOT NULL, rec_guest_attestation "
	"INTEGER NOT NULL, assessment INTEGER NOT NULL, assessment_cause TEXT NOT NULL, version "
	"BIGINT NOT NULL, updated BIGINT NOT NULL, counts_key INTEGER NOT NULL)",
	/* the fleet's counts: one pass over an index of one small integer, the statuses and
	 * the cause together (store_posture.c; a GROUP BY over five columns took twice as long) */
	"CREATE INDEX vm_posture_counts ON vm_posture (tenant, counts_key)",
	"CREATE INDEX vm_posture_all_counts ON vm_posture (counts_key)",
	/* a recommendation's VMs with a status, in the VMs' order: a tenant's, and every
	 * tenant's */
	"CREATE INDEX vm_posture_sb ON vm_posture (tenant, rec_secure_boot, created, vm_id)",
	"CREATE INDEX vm_posture_vtpm ON vm_posture (tenant, rec_vtpm, created, vm_id)",
	"CREATE INDEX vm_posture_ga ON vm_posture (tenant, rec_guest_attestation, created, vm_id)",
	"CREATE INDEX vm_posture_all_sb ON vm_posture (rec_secure_boot, created, vm_id)",
	"CREATE INDEX vm_posture_all_vtpm ON vm_posture (rec_vtpm, created, vm_id)",
	"CREATE INDEX vm_posture_all_ga ON vm_posture (rec_guest_attestation, created, vm_id)",
	"CREATE INDEX vm_posture_order ON vm_posture (tenant, created, vm_id)",
	"CREATE INDEX vm_posture_all_order ON vm_posture (created, vm_id)",
	/* when the agent last attested (Unix seconds), on the row every verified attestation
	 * writes anyway: the staleness job reads it */
	"ALTER TABLE vm_tpm ADD COLUMN last_attested BIGINT NOT NULL DEFAULT 0",
	"UPDATE vm_tpm SET last_attested = COALESCE((SELECT a.time FROM attestations a WHERE a.id "
	"= vm_tpm.last_verified), 0)",
	/* a job one node of several runs at a time (the staleness job): its holder until */
	"CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until BIGINT NOT NULL)",
	/* the VM list's first page, by (created, id), without sorting the fleet */
	"CREATE INDEX vms_order ON vms (created, id)",
	"CREATE INDEX vms_tenant_order ON vms (tenant, created, id)",
	/* the alerts' first page of every tenant, newest first, and their counts: an index
	 * walked, not the alerts sorted or read */
	"CREATE INDEX alerts_all_seq ON alerts (seq)",
	"CREATE INDEX alerts_counts ON alerts (tenant, type, severity, status)",
	"CREATE INDEX alerts_all_counts ON alerts (type, severity, status)",
	/* revocations-current, stored like the other recommendations (docs/posture.md): the
	 * revocation status of the latest attested boot (enum tl_status, as decided at that
	 * attestation against the service's revocation data) and the recommendation's status */
	"ALTER TABLE vm_posture ADD COLUMN attested_revoc INTEGER NOT NULL DEFAULT 0",
	"ALTER TABLE vm_posture ADD COLUMN rec_revocations INTEGER NOT NULL DEFAULT 0",
	/* counts_key gains its status (base 3) before the assessment's: the stored rows
	 * (revocations-current not_applicable) re-keyed, the low three statuses kept */
	"UPDATE vm_posture SET counts_key = counts_key % 27 + 3 * (counts_key - counts_key % 27)",
	"CREATE INDEX vm_posture_revoc ON vm_posture (tenant, rec_revocations, created, vm_id)",
	"CREATE INDEX vm_posture_all_revoc ON vm_posture (rec_revocations, created, vm_id)",
	/* GET /v1/vms?host=: a host's VMs (docs/hostd.md) */
	"CREATE INDEX vm_host_host ON vm_host (host)",
	/* the inventory that last listed the domain (its stamp, a store id): a later inventory
	 * of the same host that does not list it takes the host off it (docs/hostd.md) */
	"ALTER TABLE vm_host ADD COLUMN inv BIGINT NOT NULL DEFAULT 0",
	/* the fleet's failed boots and stopped VMs (GET /v1/recommendations' host_states): two
	 * ranges of this index, grouped in its order, without reading the rows */
	"CREATE INDEX vm_host_state ON vm_host (state, reason, vm_id)",
};
const size_t tl_store_nmigrations = sizeof(tl_store_migrations) / sizeof(tl_store_migrations[0]);
