/* Benchmark: trustlaunchd under load, on loopback. N enrolled VMs are simulated in software:
 * their AKs are ordinary ECC P-256 keys (a pool of K, VM i uses key i % K) that sign
 * TPMS_ATTEST quotes over the PCR values the real sb-on event log (15 KB) replays to.
 *
 *  1. seeds N VMs with a bound TPM (and, with --baselines, a learned baseline each) straight
 *     into the store (SQLite file, or the PostgreSQL of TL_STORE_URL), in a few transactions;
 *  2. measures in-process the verification the service does per attestation (log parse,
 *     quote verify with the key built from the AK as the service does, replay, facts) on one
 *     core: the ceiling the service is compared with;
 *  3. for each --threads T and --clients C: starts trustlaunchd (TL_DAEMON, or the one built
 *     beside this bench), then C client threads, one keep-alive HTTP/1.1 connection each,
 *     loop on POST /v1/vms/{id}/challenge + POST /v1/vms/{id}/attest (each client owns the VMs
 *     i % C == c, so one VM's quotes never race and its TPM clock only grows); after a warm-up
 *     it counts the pairs completed in --seconds and their latency, the daemon's RSS, and
 *     where the CPU went (daemon, this generator, PostgreSQL, I/O wait).
 * --posture on,off,...: the runs alternate between the daemon's --posture on and off (each
 * --threads/--clients run once per word): what the posture layer (alerts, the stored posture
 * read and, when the verdict changes it, written by the group commit) costs the attestation
 * path. The seeded VMs have their posture stored as a fleet in its steady state has it: the
 * verdict they will attest with (healthy, or unhealthy with --unhealthy), fresh.
 * --unhealthy: every VM's baseline expects another kernel command line, so every attestation
 * is unhealthy (the baseline-deviation class): an alert per VM, de-duplicated at every next
 * one, its webhook events thinned (docs/posture.md): the flood of failures an operator gets.
 * Every answer is checked: 200 with verdict "healthy" ("unhealthy" with --unhealthy). Any other
 * answer is an error: printed,
 * counted in the JSON line, and the exit status is 1. One JSON line per figure; meets_target
 * is the goal on a 2-core machine: >= 3,000 attestations/s, p99 < 50 ms, RSS < 300 MB.
 *
 *   bench_service [--vms N] [--keys K] [--clients C[,C..]] [--threads T[,T..]] [--seconds S]
 *                 [--warmup S] [--store sqlite|postgresql] [--baselines] [--unhealthy]
 *                 [--posture on|off[,on|off..]] [--vectors DIR]
 * Defaults: 100 000 VMs, 1 000 keys, 48 clients, 2 request threads (the daemon's default
 * on 2 CPUs; 0 is a thread per connection), 20 s after 3 s of warm-up.
 * Several --threads/--clients run one after the other on the same database (VMs attested in
 * an earlier run already have their baseline). The daemon's state (and the SQLite database)
 * goes in a new directory under TMPDIR (/tmp); PostgreSQL's tables are emptied first.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "store_backend.h"
#include "trustlaunch/b64.h"
#include "trustlaunch/compare.h"
#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/quote.h"

#ifndef TL_DAEMON_PATH
#define TL_DAEMON_PATH "trustlaunchd"
#endif
#define PCR_MASK 0x43FFu /* PCRs 0-9 and 14, as the agent quotes them */
#define NPCRS 11

static __attribute__((noreturn)) void die(const char *what)
{
	fprintf(stderr, "bench_service: %s\n", what);
	exit(2);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void put16(uint8_t **p, unsigned v) { *(*p)++ = (uint8_t)(v >> 8); *(*p)++ = (uint8_t)v; }
static void put32(uint8_t **p, uint32_t v) { put16(p, v >> 16); put16(p, v & 0xFFFF); }
static void put64(uint8_t **p, uint64_t v) { put32(p, (uint32_t)(v >> 32)); put32(p, (uint32_t)v); }
static void putb(uint8_t **p, const void *b, size_t n) { memcpy(*p, b, n); *p += n; }

/* ---- the simulated TPMs */

struct ak {
	EVP_PKEY *key;
	uint8_t pub[128], name[34];
	size_t pub_len;
	char pub_hex[257], name_hex[69];
};

/* A P-256 key and its TPM2B_PUBLIC as a TPM would make the AK (tpm2_createak -G ecc). */
static void ak_make(struct ak *a)
{
	uint8_t x[32], y[32], tpmt[120], *p = tpmt, *q = a->pub, h[TL_MAX_DIGEST];
	BIGNUM *bx = NULL, *by = NULL;
	struct tl_tpm2_public parsed;
	size_t nlen;

	if (!(a->key = EVP_EC_gen("P-256")) ||
	    !EVP_PKEY_get_bn_param(a->key, OSSL_PKEY_PARAM_EC_PUB_X, &bx) ||
	    !EVP_PKEY_get_bn_param(a->key, OSSL_PKEY_PARAM_EC_PUB_Y, &by) ||
	    BN_bn2binpad(bx, x, 32) != 32 || BN_bn2binpad(by, y, 32) != 32)
		die("cannot make an ECC key");
	BN_free(bx);
	BN_free(by);
	put16(&p, TL_ALG_ECC);
	put16(&p, TL_ALG_SHA256);
	/* fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign: 0x00050072 */
	put32(&p, TL_AK_REQUIRED | 0x40);
	put16(&p, 0);                     /* authPolicy: empty */
	put16(&p, TL_ALG_NULL);           /* symmetric */
	put16(&p, TL_ALG_ECDSA);
	put16(&p, TL_ALG_SHA256);
	put16(&p, TL_ECC_NIST_P256);
	put16(&p, TL_ALG_NULL);           /* kdf */
	put16(&p, 32);
	putb(&p, x, 32);
	put16(&p, 32);
	putb(&p, y, 32);
	put16(&q, (unsigned)(p - tpmt));
	putb(&q, tpmt, (size_t)(p - tpmt));
	a->pub_len = (size_t)(q - a->pub);
	tl_hex(a->pub, a->pub_len, a->pub_hex);
	/* name = nameAlg || SHA256(TPMT_PUBLIC), checked against the library's parser */
	a->name[0] = 0x00;
	a->name[1] = 0x0B;
	if (tl_hash(TL_ALG_SHA256, tpmt, (size_t)(p - tpmt), h) != TL_OK)
		die("sha256");
	memcpy(a->name + 2, h, 32);
	tl_hex(a->name, 34, a->name_hex);
	uint8_t lib_name[TL_TPM2_MAX_NAME];
	if (tl_tpm2_public_parse((struct tl_bytes){ a->pub, a->pub_len }, &parsed) != TL_OK ||
	    parsed.attributes != 0x00050072 || parsed.scheme != TL_ALG_ECDSA ||
	    tl_tpm2_public_name(&parsed, lib_name, &nlen) != TL_OK || nlen != 34 ||
	    memcmp(lib_name, a->name, 34) != 0)
		die("the AK's TPM2B_PUBLIC does not parse as an AK");
}

/* What every quote shares: the PCR values the log replays to and their digest. */
static uint8_t pcr_val[NPCRS][32], pcr_digest[TL_MAX_DIGEST];
static atomic_uint_fast64_t tpm_clock = 1; /* one clock for all TPMs: it only grows */

/* TPMS_ATTEST of a quote over nonce, and its TPMT_SIGNATURE (ECDSA-SHA256). */
static void quote(const struct ak *a, const uint8_t nonce[32], uint8_t *att, size_t *att_len,
		  uint8_t *sig, size_t *sig_len)
{
	uint8_t *p = att, der[80], r[32], s[32];
	const uint8_t *d = der;
	size_t dlen = sizeof(der);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ECDSA_SIG *es;

	put32(&p, TL_TPM_GENERATED);
	put16(&p, TL_ST_ATTEST_QUOTE);
	put16(&p, 34);
	putb(&p, a->name, 34);            /* qualifiedSigner */
	put16(&p, 32);
	putb(&p, nonce, 32);              /* extraData */
	put64(&p, atomic_fetch_add(&tpm_clock, 1));
	put32(&p, 0);                     /* resetCount */
	put32(&p, 0);                     /* restartCount */
	*p++ = 1;                         /* safe */
	put64(&p, 0x2020000000000ull);    /* firmwareVersion */
	put32(&p, 1);                     /* TPML_PCR_SELECTION: one bank */
	put16(&p, TL_ALG_SHA256);
	*p++ = 3;
	*p++ = PCR_MASK & 0xFF;
	*p++ = (PCR_MASK >> 8) & 0xFF;
	*p++ = (PCR_MASK >> 16) & 0xFF;
	put16(&p, 32);
	putb(&p, pcr_digest, 32);
	*att_len = (size_t)(p - att);
	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, a->key) != 1 ||
	    EVP_DigestSign(md, der, &dlen, att, *att_len) != 1 ||
	    !(es = d2i_ECDSA_SIG(NULL, &d, (long)dlen)))
		die("ECDSA signing failed");
	EVP_MD_CTX_free(md);
	if (BN_bn2binpad(ECDSA_SIG_get0_r(es), r, 32) != 32 ||
	    BN_bn2binpad(ECDSA_SIG_get0_s(es), s, 32) != 32)
		die("ECDSA signature size");
	ECDSA_SIG_free(es);
	p = sig;
	put16(&p, TL_ALG_ECDSA);
	put16(&p, TL_ALG_SHA256);
	put16(&p, 32);
	putb(&p, r, 32);
	put16(&p, 32);
	putb(&p, s, 32);
	*sig_len = (size_t)(p - sig);
}

static void vm_id(size_t i, char out[TL_ID_LEN])
{
	snprintf(out, TL_ID_LEN, "%08x-0000-4000-8000-%012x", (unsigned)(i >> 20), (unsigned)i);
}

/* ---- seeding, through the store (its internal interface: raw multi-row INSERTs) */

static struct {
	size_t vms, keys, seconds, warmup;
	unsigned clients[8], threads[8];
	size_t nclients, nthreads;
	const char *store, *vectors, *url;
	bool baselines, unhealthy;
	const char *posture[8];
	size_t nposture;
} o = { 100000, 1000, 20, 3, { 48 }, { 2 }, 1, 1, "sqlite", NULL, NULL, false, false, { "on" }, 1 };
static const char *posture_now = "on"; /* the run's --posture */

static struct ak *aks;
static uint8_t *log_buf;
static size_t log_len;
static char *body_tail;  /* "},\"pcrs\":{...},\"event_log\":\"...\"}": the same for every quote */
static size_t tail_len;
static char *baseline_json;
static double reference_per_s;

static void run_sql(struct tl_store *s, const char *sql, const char *const *p, int n)
{
	if (s->ops->exec(s, sql, p, n, NULL, NULL) != TL_OK) {
		fprintf(stderr, "bench_service: seeding failed: %s\n", tl_store_error(s));
		exit(2);
	}
}

/* The posture rows of VMs [from, to): as the verdict they attest with left them, fresh. */
static void seed_posture(struct tl_store *s, size_t from, size_t to, const char *now_s)
{
	struct tl_posture_row r;
	char id[TL_ID_LEN], *sql = malloc((to - from) * 200 + 512);
	size_t n;
	if (!sql)
		die("out of memory");
	memset(&r, 0, sizeof(r));
	r.in = (struct tl_posture_vm){ .type = TL_SECTYPE_TRUSTED_LAUNCH, .secure_boot = true,
				       .vtpm = true, .size = TL_CAT_SUPPORTED, .os_supported = true,
				       .enrolled = true, .attested = true,
				       .attested_healthy = !o.unhealthy,
				       .attested_secure_boot = 1 };
	tl_posture_row_decide(&r);
	n = (size_t)sprintf(sql, "INSERT INTO vm_posture (vm_id, tenant, created, sectype, "
			    "secure_boot, vtpm, size_support, os_supported, enrolled, attested, "
			    "attested_sb, stale, rec_secure_boot, rec_vtpm, rec_guest_attestation, "
			    "assessment, assessment_cause, version, updated, counts_key) VALUES ");
	for (size_t j = from; j < to; j++) {
		vm_id(j, id);
		n += (size_t)sprintf(sql + n, "%s('%s','default',%s,%d,1,1,%d,1,1,%d,1,0,%d,%d,%d,%d,"
				     "'%s',1,%s,%d)", j > from ? "," : "", id, now_s, (int)r.in.type,
				     (int)r.in.size, o.unhealthy ? 0 : 1, (int)r.rec[0],
				     (int)r.rec[1], (int)r.rec[2], (int)r.assess, r.cause, now_s,
				     tl_store_posture_counts_key(&r));
	}
	run_sql(s, sql, NULL, 0);
	free(sql);
}

static void seed(const char *url)
{
	struct tl_store *s;
	char err[256], id[TL_ID_LEN], now_s[24];
	const size_t rows = 500;
	size_t cap = rows * 700 + 256;
	char *vms = malloc(cap), *tpm = malloc(cap), *bl = malloc(rows * 80 + 256);
	const char *p1[1] = { baseline_json };
	double t0 = now();

	if (!vms || !tpm || !bl)
		die("out of memory");
	if (tl_store_open(url, &s, err, sizeof(err)) != TL_OK) {
		fprintf(stderr, "bench_service: %s: %s\n", url, err);
		exit(2);
	}
	/* a database used before starts empty */
	static const char *const tables[] = { "vms", "vm_tpm", "baselines", "attestations",
					      "nonces", "enrollments", "enroll_tokens", "vm_posture",
					      "alerts", "alert_events", "outbox", "leases" };
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		char sql[64];
		snprintf(sql, sizeof(sql), "DELETE FROM %s", tables[t]);
		run_sql(s, sql, NULL, 0);
	}
	snprintf(now_s, sizeof(now_s), "%lld", (long long)time(NULL));
	if (s->ops->begin(s) != TL_OK)
		die("seeding: BEGIN failed");
	for (size_t i = 0; i < o.vms; i += rows) {
		size_t nv = 0, nt = 0, nb = 0;
		nv += (size_t)sprintf(vms, "INSERT INTO vms (id, tenant, name, size, os, security_type, "
				      "secure_boot, vtpm, scale_set, created) VALUES ");
		nt += (size_t)sprintf(tpm, "INSERT INTO vm_tpm (vm_id, ek_public, ak_public, ak_name, "
				      "enrolled, clock, reset_count, restart_count) VALUES ");
		nb += (size_t)sprintf(bl, "INSERT INTO baselines (vm_id, source, attestation_id, "
				      "created, components) VALUES ");
		for (size_t j = i; j < i + rows && j < o.vms; j++) {
			const struct ak *a = &aks[j % o.keys];
			const char *sep = j > i ? "," : "";
			vm_id(j, id);
			nv += (size_t)sprintf(vms + nv, "%s('%s','default','bench-%zu','Standard_D2s_v5',"
					      "'debian-12','trustedlaunch',1,1,'',%s)", sep, id, j, now_s);
			/* the EK: any valid TPM2B_PUBLIC will do, the AK's */
			nt += (size_t)sprintf(tpm + nt, "%s('%s','%s','%s','%s',%s,0,0,0)", sep, id,
					      a->pub_hex, a->pub_hex, a->name_hex, now_s);
			nb += (size_t)sprintf(bl + nb, "%s('%s','learned',0,%s,$1)", sep, id, now_s);
		}
		run_sql(s, vms, NULL, 0);
		run_sql(s, tpm, NULL, 0);
		seed_posture(s, i, i + rows < o.vms ? i + rows : o.vms, now_s);
		if (o.baselines)
			run_sql(s, bl, p1, 1);
		if ((i / rows) % 40 == 39 && (s->ops->commit(s) != TL_OK || s->ops->begin(s) != TL_OK))
			die("seeding: COMMIT failed");
	}
	if (s->ops->commit(s) != TL_OK)
		die("seeding: COMMIT failed");
	if (strncmp(url, "postgresql", 10) == 0)
		run_sql(s, "VACUUM ANALYZE", NULL, 0);
	tl_store_close(s);
	free(vms);
	free(tpm);
	free(bl);
	fprintf(stderr, "bench_service: seeded %zu VMs%s in %.1f s\n", o.vms,
		o.baselines ? " with baselines" : "", now() - t0);
}

/* ---- the evidence every quote shares */

static void load_log(void)
{
	char path[4096];
	struct tl_log *log;
	struct tl_pcrs pcrs;
	struct stat st;
	FILE *f;
	uint8_t concat[NPCRS * 32];
	unsigned k = 0;

	snprintf(path, sizeof(path), "%s/boot/sb-on/eventlog.bin", o.vectors);
	if (!(f = fopen(path, "rb")) || fstat(fileno(f), &st) || !(log_buf = malloc((size_t)st.st_size)) ||
	    fread(log_buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "bench_service: cannot read %s (TL_VECTORS?)\n", path);
		exit(2);
	}
	fclose(f);
	log_len = (size_t)st.st_size;
	if (tl_log_parse(log_buf, log_len, &log, NULL) != TL_OK || tl_log_replay(log, &pcrs) != TL_OK)
		die("the sb-on log does not parse and replay");
	int b = tl_log_bank(log, TL_ALG_SHA256);
	if (b < 0)
		die("the sb-on log has no SHA-256 bank");
	for (unsigned i = 0; i < TL_NUM_PCRS; i++)
		if (PCR_MASK & (1u << i))
			memcpy(pcr_val[k++], pcrs.bank[b].pcr[i], 32);
	memcpy(concat, pcr_val, sizeof(concat));
	if (tl_hash(TL_ALG_SHA256, concat, sizeof(concat), pcr_digest) != TL_OK)
		die("sha256");

	/* the body after the quote: pcrs and the log, base64 once */
	size_t b64 = tl_b64_encoded_len(log_len) + 1, n = 0;
	if (!(body_tail = malloc(b64 + 2048)))
		die("out of memory");
	n += (size_t)sprintf(body_tail, "\"},\"pcrs\":{\"sha256\":{");
	k = 0;
	for (unsigned i = 0; i < TL_NUM_PCRS; i++) {
		char hex[65];
		if (!(PCR_MASK & (1u << i)))
			continue;
		tl_hex(pcr_val[k++], 32, hex);
		n += (size_t)sprintf(body_tail + n, "%s\"%u\":\"%s\"", k > 1 ? "," : "", i, hex);
	}
	n += (size_t)sprintf(body_tail + n, "}},\"event_log\":\"");
	if (tl_b64_encode(log_buf, log_len, body_tail + n, b64) != TL_OK)
		die("base64");
	n += strlen(body_tail + n);
	n += (size_t)sprintf(body_tail + n, "\"}");
	tail_len = n;

	/* the baseline the service would learn from this boot */
	json_t *facts, *bl;
	if (tl_facts_extract(log, PCR_MASK, &facts) != TL_OK || !(bl = tl_baseline_from_facts(facts)))
		die("facts");
	if (o.unhealthy && json_object_set_new(bl, "kernel_cmdline",
					       json_string("BOOT_IMAGE=/vmlinuz bench.expected=1")))
		die("baseline");
	if (!(baseline_json = json_dumps(bl, JSON_COMPACT)))
		die("facts");
	json_decref(facts);
	json_decref(bl);
	tl_log_free(log);
}

/* In-process, one core: what the service verifies per attestation. */
static void reference(void)
{
	uint8_t nonce[32], att[256], sig[128];
	size_t att_len, sig_len;
	struct tl_tpm2_public ak;
	struct tl_pcr_values pv;
	struct tl_quote_result r;
	unsigned k = 0;
	long n = 0;
	double t0, t;

	memset(&pv, 0, sizeof(pv));
	for (unsigned i = 0; i < TL_NUM_PCRS; i++)
		if ((PCR_MASK & (1u << i)) && tl_pcr_values_set(&pv, TL_ALG_SHA256, i, pcr_val[k++], 32))
			die("pcr values");
	if (tl_random(nonce, sizeof(nonce)) != TL_OK ||
	    tl_tpm2_public_parse((struct tl_bytes){ aks[0].pub, aks[0].pub_len }, &ak) != TL_OK)
		die("reference setup");
	quote(&aks[0], nonce, att, &att_len, sig, &sig_len);
	t0 = now();
	do {
		for (int i = 0; i < 20; i++, n++) {
			struct tl_log *log;
			json_t *f;
			if (tl_log_parse(log_buf, log_len, &log, NULL) != TL_OK ||
			    tl_quote_verify(&ak, NULL, (struct tl_bytes){ att, att_len },
					    (struct tl_bytes){ sig, sig_len },
					    (struct tl_bytes){ nonce, 32 }, &pv, log, NULL, &r) != TL_OK ||
			    r.log_trusted != PCR_MASK || tl_facts_extract(log, r.log_trusted, &f) != TL_OK ||
			    !json_is_true(json_object_get(f, "valid")))
				die("the reference verification failed: the quotes this bench makes are wrong");
			json_decref(f);
			tl_log_free(log);
		}
		t = now() - t0;
	} while (t < 2.0);
	reference_per_s = (double)n / t;
	printf("{\"bench\":\"service_reference\",\"what\":\"in-process: log parse + quote verify "
	       "(AK key built per call, as the service) + replay + facts, one core\","
	       "\"per_s\":%.0f,\"us_each\":%.0f}\n", (double)n / t, t / (double)n * 1e6);
	fflush(stdout);
}

/* ---- a tiny HTTP/1.1 client: one keep-alive connection, one request at a time */

struct conn {
	int fd;
	unsigned port;
	char *buf;
	size_t cap;
};

static int conn_open(struct conn *c)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)c->port) };
	int one = 1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (c->fd >= 0)
		close(c->fd);
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return connect(c->fd, (struct sockaddr *)&sa, sizeof(sa));
}

/* Sends req (a whole request), reads the answer: its status, *body (NUL-terminated, in
 * c->buf). -1 when the connection failed (it is reopened for the next call). */
static int http(struct conn *c, const char *req, size_t len, const char **body)
{
	size_t got = 0, hdr = 0, clen = 0;
	int status = -1;
	for (size_t off = 0; off < len;) {
		ssize_t w = send(c->fd, req + off, len - off, MSG_NOSIGNAL);
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	for (;;) {
		if (got + 1 >= c->cap) {
			char *p = realloc(c->buf, c->cap * 2);
			if (!p)
				goto fail;
			c->buf = p;
			c->cap *= 2;
		}
		ssize_t r = recv(c->fd, c->buf + got, c->cap - got - 1, 0);
		if (r <= 0)
			goto fail;
		got += (size_t)r;
		c->buf[got] = '\0';
		if (!hdr) {
			char *e = strstr(c->buf, "\r\n\r\n"), *cl;
			if (!e)
				continue;
			hdr = (size_t)(e - c->buf) + 4;
			if (sscanf(c->buf, "HTTP/1.%*d %d", &status) != 1)
				goto fail;
			for (cl = c->buf; (cl = strchr(cl, '\n')) && cl < e; cl++)
				if (strncasecmp(cl + 1, "Content-Length:", 15) == 0)
					clen = strtoul(cl + 16, NULL, 10);
		}
		if (got >= hdr + clen)
			break;
	}
	*body = c->buf + hdr;
	return status;
fail:
	conn_open(c);
	*body = "(the connection failed)";
	return -1;
}

/* ---- the load */

struct client {
	pthread_t t;
	unsigned idx, nclients, port;
	uint64_t rng;
	double t_start, t_end;  /* the measured window */
	/* out */
	float *lat;             /* ms of each pair completed in the window */
	size_t n, cap;
	double ch_ms, at_ms;    /* sums, in the window */
	size_t errors, learned;
};

static atomic_bool stop;
static atomic_size_t errors_shown;

static void error(struct client *c, const char *what, int status, const char *body)
{
	c->errors++;
	if (atomic_fetch_add(&errors_shown, 1) < 5)
		fprintf(stderr, "bench_service: ERROR: %s: HTTP %d: %.300s\n", what, status, body);
}

static void *client(void *arg)
{
	struct client *c = arg;
	struct conn k = { -1, c->port, malloc(65536), 65536 };
	size_t req_cap = tail_len + 4096, mine = (o.vms - c->idx + c->nclients - 1) / c->nclients;
	char *req = malloc(req_cap), id[TL_ID_LEN], ch[256];
	uint8_t nonce[32], att[256], sig[128];
	size_t att_len, sig_len;

	if (!k.buf || !req || conn_open(&k) != 0)
		die("client setup");
	while (!atomic_load(&stop)) {
		const char *body, *n;
		c->rng ^= c->rng << 13, c->rng ^= c->rng >> 7, c->rng ^= c->rng << 17;
		size_t vm = c->idx + (size_t)(c->rng % mine) * c->nclients;
		double t0 = now(), t1, t2;
		int st;

		vm_id(vm, id);
		int len = snprintf(ch, sizeof(ch), "POST /v1/vms/%s/challenge HTTP/1.1\r\nHost: "
				   "127.0.0.1\r\nContent-Length: 0\r\n\r\n", id);
		st = http(&k, ch, (size_t)len, &body);
		char hex[65] = "";
		if (st == 200 && (n = strstr(body, "\"nonce\":\"")))
			snprintf(hex, sizeof(hex), "%.64s", n + 9);
		if (st != 200 || tl_unhex(hex, nonce, 32) != TL_OK) {
			error(c, "challenge", st, body);
			continue;
		}
		t1 = now();
		quote(&aks[vm % o.keys], nonce, att, &att_len, sig, &sig_len);
		/* headers with room for the Content-Length, then the body */
		char head[512];
		size_t hl = (size_t)sprintf(head, "{\"nonce\":\"%s\",\"quote\":{\"attest\":\"", hex);
		if (tl_b64_encode(att, att_len, head + hl, sizeof(head) - hl) != TL_OK)
			die("base64");
		hl += strlen(head + hl);
		hl += (size_t)sprintf(head + hl, "\",\"signature\":\"");
		if (tl_b64_encode(sig, sig_len, head + hl, sizeof(head) - hl) != TL_OK)
			die("base64");
		hl += strlen(head + hl);
		size_t rl = (size_t)sprintf(req, "POST /v1/vms/%s/attest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
					    id, hl + tail_len);
		memcpy(req + rl, head, hl);
		memcpy(req + rl + hl, body_tail, tail_len);
		st = http(&k, req, rl + hl + tail_len, &body);
		t2 = now();
		if (st != 200 || !strstr(body, o.unhealthy ? "\"verdict\":\"unhealthy\""
							 : "\"verdict\":\"healthy\"")) {
			error(c, "attest", st, body);
			continue;
		}
		if (t2 >= c->t_start && t2 < c->t_end) {
			if (c->n == c->cap && !(c->lat = realloc(c->lat, (c->cap = c->cap * 2 + 4096) * sizeof(float))))
				die("out of memory");
			c->lat[c->n++] = (float)((t2 - t0) * 1e3);
			c->ch_ms += (t1 - t0) * 1e3;
			c->at_ms += (t2 - t1) * 1e3;
			c->learned += strstr(body, "\"baseline\":\"learned\"") != NULL;
		}
	}
	close(k.fd);
	free(k.buf);
	free(req);
	return NULL;
}

/* ---- the daemon, and where the CPU goes */

static pid_t daemon_start(const char *dir, unsigned port, unsigned threads, const char *url)
{
	char listen[32], th[16], db[4200], logp[4200];
	const char *exe = getenv("TL_DAEMON") ? getenv("TL_DAEMON") : TL_DAEMON_PATH;
	pid_t pid;
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
	snprintf(th, sizeof(th), "%u", threads);
	snprintf(db, sizeof(db), "%s", url);
	snprintf(logp, sizeof(logp), "%s/daemon.log", dir);
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		/* every client is on 127.0.0.1: lift the per-address connection limit */
		execl(exe, exe, "--listen", listen, "--state-dir", dir, "--db", db, "--threads", th,
		      "--max-conns-per-ip", "4096", "--posture", posture_now, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	/* up when /healthz answers */
	for (int i = 0; i < 300; i++) {
		struct conn k = { -1, port, malloc(4096), 4096 };
		const char *body;
		static const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
		int st = conn_open(&k) == 0 ? http(&k, req, sizeof(req) - 1, &body) : -1;
		close(k.fd);
		free(k.buf);
		if (st == 200)
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		usleep(100000);
	}
	fprintf(stderr, "bench_service: trustlaunchd (%s) did not start: see %s\n", exe, logp);
	exit(2);
}

static unsigned free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		die("no free port");
	close(fd);
	return ntohs(sa.sin_port);
}

/* utime + stime of a process, seconds */
static double proc_cpu(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The CPU of every PostgreSQL process, seconds. */
static double postgres_cpu(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	double sum = 0;
	while (d && (e = readdir(d))) {
		char path[300], comm[64] = "";
		FILE *f;
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		if (fgets(comm, sizeof(comm), f) && strncmp(comm, "postgres", 8) == 0)
			sum += proc_cpu(atoi(e->d_name));
		fclose(f);
	}
	if (d)
		closedir(d);
	return sum;
}

/* /proc/stat: all CPUs' busy and iowait time, seconds */
static void sys_cpu(double *busy, double *iowait)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			 &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		v[0] = 0;
	if (f)
		fclose(f);
	double tck = (double)sysconf(_SC_CLK_TCK);
	*busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / tck;
	*iowait = (double)v[4] / tck;
}

static double self_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e-6;
}

static long status_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0)
			kb = atol(line + strlen(field) + 1);
	fclose(f);
	return kb;
}

/* The daemon's own view: mean dur_ms of its attest and challenge requests in its log from
 * byte off on (the window), and how many answers were not 200. */
static void daemon_log(const char *path, long off, long end, double *ch, double *at, long *not200)
{
	char line[1024];
	double sum[2] = { 0, 0 };
	long n[2] = { 0, 0 };
	FILE *f = fopen(path, "r");
	*not200 = 0;
	if (!f || fseek(f, off, SEEK_SET) != 0) {
		*ch = *at = -1;
		if (f)
			fclose(f);
		return;
	}
	while (ftell(f) < end && fgets(line, sizeof(line), f)) {
		char *d = strstr(line, " dur_ms="), *s = strstr(line, " status=");
		int k = strstr(line, "/attest\"") ? 1 : strstr(line, "/challenge\"") ? 0 : -1;
		if (!d || !s || k < 0)
			continue;
		sum[k] += atof(d + 8);
		n[k]++;
		*not200 += atoi(s + 8) != 200;
	}
	fclose(f);
	*ch = n[0] ? sum[0] / (double)n[0] : -1;
	*at = n[1] ? sum[1] / (double)n[1] : -1;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

static size_t run(const char *dir, unsigned threads, unsigned nclients)
{
	unsigned port = free_port();
	char logp[4200];
	struct stat st;
	pid_t pid = daemon_start(dir, port, threads, o.url);
	struct client *cl = calloc(nclients, sizeof(*cl));
	double t0 = now(), ts = t0 + (double)o.warmup, te = ts + (double)o.seconds;
	double d0, g0, p0, b0, w0, d1, g1, p1, b1, w1;
	bool pg = strcmp(o.store, "postgresql") == 0;
	long off0, off1, not200;

	snprintf(logp, sizeof(logp), "%s/daemon.log", dir);
	atomic_store(&stop, false);
	for (unsigned i = 0; i < nclients; i++) {
		cl[i] = (struct client){ .idx = i, .nclients = nclients, .port = port,
					 .rng = 0x9E3779B97F4A7C15ull * (i + 1), .t_start = ts, .t_end = te };
		if (pthread_create(&cl[i].t, NULL, client, &cl[i]) != 0)
			die("pthread_create");
	}
	while (now() < ts)
		usleep(1000);
	d0 = proc_cpu(pid), g0 = self_cpu(), p0 = pg ? postgres_cpu() : 0;
	sys_cpu(&b0, &w0);
	off0 = stat(logp, &st) == 0 ? st.st_size : 0;
	/* the SQLite WAL's largest size in the window: the keeper bounds it under load */
	char walp[4200];
	off_t wal_max = 0;
	snprintf(walp, sizeof(walp), "%s-wal", strncmp(o.url, "sqlite:", 7) == 0 ? o.url + 7 : "");
	while (now() < te) {
		if (!pg && stat(walp, &st) == 0 && st.st_size > wal_max)
			wal_max = st.st_size;
		usleep(20000);
	}
	d1 = proc_cpu(pid), g1 = self_cpu(), p1 = pg ? postgres_cpu() : 0;
	sys_cpu(&b1, &w1);
	off1 = stat(logp, &st) == 0 ? st.st_size : 0;
	long rss = status_kb(pid, "VmRSS:"), hwm = status_kb(pid, "VmHWM:");
	atomic_store(&stop, true);
	for (unsigned i = 0; i < nclients; i++)
		pthread_join(cl[i].t, NULL);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);

	size_t n = 0, errors = 0, learned = 0;
	double ch = 0, at = 0, srv_ch, srv_at;
	for (unsigned i = 0; i < nclients; i++)
		n += cl[i].n, errors += cl[i].errors, learned += cl[i].learned;
	float *all = malloc((n ? n : 1) * sizeof(float)), p[4] = { 0, 0, 0, 0 };
	size_t k = 0;
	for (unsigned i = 0; i < nclients; i++) {
		memcpy(all + k, cl[i].lat, cl[i].n * sizeof(float));
		k += cl[i].n;
		ch += cl[i].ch_ms, at += cl[i].at_ms;
		free(cl[i].lat);
	}
	qsort(all, n, sizeof(float), cmp_float);
	if (n) {
		p[0] = all[n / 2], p[1] = all[n * 9 / 10], p[2] = all[n * 99 / 100], p[3] = all[n - 1];
	}
	daemon_log(logp, off0, off1, &srv_ch, &srv_at, &not200);
	double sec = (double)o.seconds, rate = (double)n / sec, pct = 100 / sec;
	printf("{\"bench\":\"service\",\"store\":\"%s\",\"vms\":%zu,\"baselines\":%s,"
	       "\"posture\":\"%s\",", o.store, o.vms, o.baselines ? "true" : "false", posture_now);
	printf("\"verdict\":\"%s\",\"clients\":%u,\"threads\":%u,\"seconds\":%zu,",
	       o.unhealthy ? "unhealthy" : "healthy", nclients, threads, o.seconds);
	printf("\"attestations_per_s\":%.0f,\"vs_reference\":%.2f,\"p50_ms\":%.1f,\"p90_ms\":%.1f,"
	       "\"p99_ms\":%.1f,\"max_ms\":%.1f,", rate, rate / reference_per_s, p[0], p[1], p[2], p[3]);
	/* the pair's two halves as the client saw them, and as the daemon logged them */
	printf("\"challenge_ms_mean\":%.2f,\"attest_ms_mean\":%.2f,\"srv_challenge_ms_mean\":%.2f,"
	       "\"srv_attest_ms_mean\":%.2f,\"learned\":%zu,\"rss_mb\":%.1f,\"hwm_mb\":%.1f,"
	       "\"wal_max_mb\":%.0f,",
	       n ? ch / (double)n : 0, n ? at / (double)n : 0, srv_ch, srv_at, learned,
	       (double)rss / 1024, (double)hwm / 1024, (double)wal_max / 1e6);
	/* CPU in the window, % of one core; other: the rest of the machine (kernel, other jobs) */
	printf("\"cpu_pct\":{\"daemon\":%.0f,\"generator\":%.0f,\"postgres\":%.0f,\"other\":%.0f,"
	       "\"all_busy\":%.0f,\"iowait\":%.0f,\"of\":%ld},", (d1 - d0) * pct, (g1 - g0) * pct,
	       (p1 - p0) * pct, ((b1 - b0) - (d1 - d0) - (g1 - g0) - (p1 - p0)) * pct,
	       (b1 - b0) * pct, (w1 - w0) * pct, sysconf(_SC_NPROCESSORS_ONLN) * 100);
	printf("\"meets_target\":%s,\"daemon_non200\":%ld,\"errors\":%zu}\n",
	       rate >= 3000 && p[2] < 50 && hwm < 300 * 1024 ? "true" : "false", not200, errors);
	fflush(stdout);
	free(all);
	free(cl);
	if (errors || not200)
		fprintf(stderr, "bench_service: ERRORS: %zu failed pairs (the daemon logged %ld non-200 "
			"answers in the window): these figures do not count\n", errors, not200);
	return errors + (size_t)not200;
}

/* on,off,...: the words kept in argv */
static size_t words(char *v, const char **out)
{
	size_t n = 0;
	for (char *w = strtok(v, ","); w && n < 8; w = strtok(NULL, ",")) {
		if (strcmp(w, "on") && strcmp(w, "off"))
			die("--posture takes on and off, e.g. on,off,on,off");
		out[n++] = w;
	}
	if (!n)
		die("--posture takes on and off, e.g. on,off,on,off");
	return n;
}

static size_t list(const char *v, unsigned *out)
{
	size_t n = 0;
	for (char *end; *v && n < 8; v = *end ? end + 1 : end) {
		unsigned long x = strtoul(v, &end, 10);
		if (end == v || x > 1024 || (*end && *end != ','))
			die("--clients and --threads take numbers, e.g. 16,32 (threads 0: one per "
			    "connection)");
		out[n++] = (unsigned)x;
	}
	return n;
}

int main(int argc, char **argv)
{
	char dir[4096], url[4200], cmd[4300];
	size_t failures = 0;

	o.vectors = getenv("TL_VECTORS") ? getenv("TL_VECTORS") : "../shared/vectors";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--baselines") == 0 || strcmp(a, "--unhealthy") == 0) {
			o.baselines = true;
			o.unhealthy = o.unhealthy || a[2] == 'u';
			continue;
		}
		if (!v)
			die("usage: bench_service [--vms N] [--keys K] [--clients C[,C..]] [--threads "
			    "T[,T..]] [--seconds S] [--warmup S] [--store sqlite|postgresql] "
			    "[--baselines] [--unhealthy] [--vectors DIR]");
		i++;
		if (strcmp(a, "--posture") == 0)
			o.nposture = words(argv[i], o.posture);
		else if (strcmp(a, "--vms") == 0)
			o.vms = strtoul(v, NULL, 10);
		else if (strcmp(a, "--keys") == 0)
			o.keys = strtoul(v, NULL, 10);
		else if (strcmp(a, "--seconds") == 0)
			o.seconds = strtoul(v, NULL, 10);
		else if (strcmp(a, "--warmup") == 0)
			o.warmup = strtoul(v, NULL, 10);
		else if (strcmp(a, "--clients") == 0)
			o.nclients = list(v, o.clients);
		else if (strcmp(a, "--threads") == 0)
			o.nthreads = list(v, o.threads);
		else if (strcmp(a, "--store") == 0)
			o.store = v;
		else if (strcmp(a, "--vectors") == 0)
			o.vectors = v;
		else
			die("unknown option (see the header of bench/bench_service.c)");
	}
	if (!o.vms || !o.keys || !o.seconds ||
	    (strcmp(o.store, "sqlite") && strcmp(o.store, "postgresql")))
		die("--vms, --keys and --seconds must be > 0; --store sqlite or postgresql");
	for (size_t i = 0; i < o.nclients; i++)
		if (o.clients[i] > o.vms)
			die("more clients than VMs");
	snprintf(dir, sizeof(dir), "%s/tl-bench-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp");
	if (strcmp(o.store, "postgresql") == 0) {
		if (!getenv("TL_STORE_URL"))
			die("--store postgresql needs TL_STORE_URL (bench/service.sh starts a cluster)");
		snprintf(url, sizeof(url), "%s", getenv("TL_STORE_URL"));
	} else {
		snprintf(url, sizeof(url), "sqlite:%s/trustlaunch.db", dir);
	}
	o.url = url;
	signal(SIGPIPE, SIG_IGN);

	if (!(aks = calloc(o.keys, sizeof(*aks))))
		die("out of memory");
	for (size_t i = 0; i < o.keys; i++)
		ak_make(&aks[i]);
	load_log();
	seed(url);
	reference();
	for (size_t t = 0; t < o.nthreads; t++)
		for (size_t c = 0; c < o.nclients; c++)
			for (size_t k = 0; k < o.nposture; k++) {
				posture_now = o.posture[k];
				failures += run(dir, o.threads[t], o.clients[c]);
			}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_service: could not remove %s\n", dir);
	if (failures) {
		fprintf(stderr, "bench_service: FAILED: %zu errors (see above)\n", failures);
		return 1;
	}
	return 0;
}
