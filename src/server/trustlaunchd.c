/* trustlaunchd: the attestation service. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "admin_token.h"
#include "api.h"
#include "file.h"
#include "cvm_conf.h"
#include "http.h"
#include "jwtkeys.h"
#include "nonce.h"
#include "stale_job.h"
#include "webhook_sender.h"
#include "log.h"
#include "trustlaunch/conf.h"
#include "trustlaunch/hash.h"

static const char help[] =
	"usage: trustlaunchd [--config FILE] [--listen ADDR:PORT] [--state-dir DIR] [--db URL]\n"
	"                    [--threads N] [--tls-cert PEM --tls-key PEM] [--ek-ca PEM]...\n"
	"                    [--issuer URL] [--token-ttl SECONDS] [--rotate-signing-key]\n"
	"                    [--max-conns-per-ip N] [--snp-roots PEM] [--snp-policy LIST]\n"
	"                    [--snp-max-vmpl N] [--snp-min-tcb BL:TEE:SNP:UCODE[:FMC]]\n"
	"                    [--revocations DIR]\n"
	"\n"
	"The trustlaunch attestation service (API v1, docs/api.md).\n"
	"\n"
	"  --config FILE        'option = value' lines with the names below (no dashes);\n"
	"                       flags given on the command line win\n"
	"  --listen ADDR:PORT   where to listen (default 127.0.0.1:7443)\n"
	"  --state-dir DIR      keys, the admin token and the SQLite database (default ./state)\n"
	"  --db URL             sqlite:PATH (default STATE/trustlaunch.db) or postgresql://...\n"
	"  --threads N          request threads (default: one per CPU, at least 2), each serving\n"
	"                       its connections in turn; an attestation waiting for the shared\n"
	"                       disk commit is set aside meanwhile. 0: a thread per connection\n"
	"  --max-conns-per-ip N connections one client address may hold open (default 64)\n"
	"  --tls-cert, --tls-key  serve HTTPS with this certificate (chain) and key\n"
	"  --ek-ca PEM          a vTPM CA whose EK certificates (CN = VM id) may enrol a VM\n"
	"                       without its enrollment token; repeatable\n"
	"  --issuer URL         the tokens' issuer (default: the URL this service listens on)\n"
	"  --token-ttl SECONDS  validity of attestation tokens (default 3600)\n"
	"  --dashboard-dir DIR  the web dashboard's files (default: the installed ones; none:\n"
	"                       no dashboard)\n"
	"  --catalog-data FILE  the compatibility catalog (default: the installed one)\n"
	"  --catalog FILE       an overlay of the operator's sizes, families, OS ids; repeatable\n"
	"  --stale-after SECONDS an agent silent this long is 'not reporting' (default 1200,\n"
	"                       twice the agent's default interval)\n"
	"  --stale-check-interval SECONDS  how often the staleness job looks for silent agents\n"
	"                       (default 60; one node of those sharing a database runs it)\n"
	"  --posture on|off     off: attestations keep no posture and raise no alerts, and the\n"
	"                       staleness job does not run (default on)\n"
	"  --webhook-sender on|off  off: this node queues webhook events in the outbox and\n"
	"                       another node (sharing the database) delivers them (default on)\n"
	"  --snp-roots PEM      AMD's ARK/ASK certificates (ask_ark_asvk.pem, generations may be\n"
	"                       concatenated): a confidential VM's VCEK must chain to them\n"
	"                       (default none: confidential evidence is refused)\n"
	"  --snp-policy LIST    allow-debug, allow-migration-agent, forbid-smt (comma list;\n"
	"                       default strict: no debug, no migration agent, SMT allowed)\n"
	"  --snp-max-vmpl N     the highest VMPL a report may come from (default 0)\n"
	"  --snp-min-tcb T      the minimum reported TCB (default none)\n"
	"  --revocations DIR    the current dbx_info_msft_latest.json, DBXUpdate-amd64.bin and\n"
	"                       SbatLevel_Variable.txt (any of them) for revocations-current;\n"
	"                       update them and restart (default none: not_applicable)\n"
	"  --rotate-signing-key make a new token signing key current, then run\n"
	"\n"
	"On first start an admin token is created and written, mode 0600, to STATE/admin.token;\n"
	"it is registered again when the database holds no admin token (a new database).\n"
	"SIGTERM or SIGINT: stop accepting, finish requests in flight, stop.\n";

struct opts {
	const char *listen, *dir, *db, *tls_cert, *tls_key, *issuer;
	const char *ek_ca[16];
	size_t n_ek_ca;
	unsigned threads;
	long token_ttl;
	bool rotate;
	unsigned max_conns_per_ip; /* 0: the HTTP layer's default */
	const char *catalog_data, *catalog[8];
	size_t n_catalog;
	long stale_after;
	const char *dashboard_dir;
	bool no_sender;            /* --webhook-sender off */
	const char *snp_roots, *revocations;
	struct tl_snp_policy_cfg snp_policy;
	bool no_posture;           /* --posture off */
	long stale_check;          /* --stale-check-interval */
};

/* Values read from the configuration file live as long as the process. */
static char *kept[64];
static size_t nkept;

static void free_kept(void)
{
	while (nkept)
		free(kept[--nkept]);
}

static char *keep(const char *s)
{
	char *d = nkept < sizeof(kept) / sizeof(kept[0]) ? strdup(s) : NULL;
	if (!d) {
		fprintf(stderr, "trustlaunchd: out of memory, or over 64 options in the file\n");
		exit(2);
	}
	if (nkept == 0)
		atexit(free_kept);
	return kept[nkept++] = d;
}

/* One option by name (without dashes); false when unknown or its value is bad. */
static bool set_opt(struct opts *o, const char *name, const char *v)
{
	char *end;
	if (strcmp(name, "listen") == 0)
		o->listen = v;
	else if (strcmp(name, "state-dir") == 0)
		o->dir = v;
	else if (strcmp(name, "db") == 0)
		o->db = v;
	else if (strcmp(name, "tls-cert") == 0)
		o->tls_cert = v;
	else if (strcmp(name, "tls-key") == 0)
		o->tls_key = v;
	else if (strcmp(name, "issuer") == 0)
		o->issuer = v;
	else if (strcmp(name, "ek-ca") == 0 && o->n_ek_ca < 16)
		o->ek_ca[o->n_ek_ca++] = v;
	else if (strcmp(name, "dashboard-dir") == 0)
		o->dashboard_dir = strcmp(v, "none") == 0 ? NULL : v;
	else if (strcmp(name, "catalog-data") == 0)
		o->catalog_data = v;
	else if (strcmp(name, "catalog") == 0 && o->n_catalog < 8)
		o->catalog[o->n_catalog++] = v;
	else if (strcmp(name, "snp-roots") == 0)
		o->snp_roots = v;
	else if (strcmp(name, "revocations") == 0)
		o->revocations = v;
	else if (strcmp(name, "snp-policy") == 0)
		return tl_srv_snp_policy_parse(v, &o->snp_policy);
	else if (strcmp(name, "snp-min-tcb") == 0)
		return tl_snp_tcb_parse(v, &o->snp_policy.min_tcb);
	else if (strcmp(name, "snp-max-vmpl") == 0)
		return (o->snp_policy.max_vmpl = (uint32_t)strtoul(v, &end, 10)) <= 3 &&
		       *v >= '0' && *v <= '9' && !*end;
	else if (strcmp(name, "webhook-sender") == 0)
		return (o->no_sender = strcmp(v, "off") == 0) || strcmp(v, "on") == 0;
	else if (strcmp(name, "posture") == 0)
		return (o->no_posture = strcmp(v, "off") == 0) || strcmp(v, "on") == 0;
	else if (strcmp(name, "stale-check-interval") == 0)
		return (o->stale_check = strtol(v, &end, 10)) >= 1 && o->stale_check <= 86400 && !*end;
	else if (strcmp(name, "stale-after") == 0)
		return (o->stale_after = strtol(v, &end, 10)) >= 60 && o->stale_after <= 7 * 86400 &&
		       !*end;
	else if (strcmp(name, "threads") == 0)
		return (o->threads = (unsigned)strtoul(v, &end, 10)) <= 256 && *v && !*end;
	else if (strcmp(name, "max-conns-per-ip") == 0)
		return (o->max_conns_per_ip = (unsigned)strtoul(v, &end, 10)) >= 1 &&
		       o->max_conns_per_ip <= 4096 && *v != '-' && !*end;
	else if (strcmp(name, "token-ttl") == 0)
		return (o->token_ttl = strtol(v, &end, 10)) >= 60 && o->token_ttl <= 86400 && !*end;
	else
		return false;
	return true;
}

/* A whole file of at most 1 MiB (the configuration, certificates, keys), NUL-terminated. */
static char *slurp(const char *path, size_t *len)
{
	uint8_t *buf = NULL;
	int err = tl_file_read(path, 1u << 20, &buf, len);
	if (err != TL_OK)
		fprintf(stderr, "trustlaunchd: %s: %s\n", path,
			err == TL_E_IO ? strerror(errno) : tl_err_msg(err));
	return (char *)buf;
}

static bool set_from_file(void *ctx, const char *name, const char *value)
{
	return set_opt(ctx, name, keep(value));
}

/* 'name = value' lines; '#' starts a comment (trustlaunch/conf.h). */
static bool read_config(struct opts *o, const char *path)
{
	size_t len = 0;
	unsigned line;
	char *text = slurp(path, &len);

	if (!text)
		return false;
	int err = tl_conf_parse((struct tl_bytes){ (const uint8_t *)text, len }, set_from_file, o,
				&line);
	free(text);
	if (err != TL_OK)
		fprintf(stderr, "trustlaunchd: %s:%u: unknown option or bad value, or not "
			"'option = value'\n", path, line);
	return err == TL_OK;
}

/* The command line: the configuration file first, then the flags over it. -1: go on; else
 * the exit code. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	struct opts cli;

	memset(&cli, 0, sizeof(cli));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(help, stdout);
			return 0;
		}
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc && !read_config(o, argv[i + 1]))
			return 2;
	}
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--rotate-signing-key") == 0) {
			o->rotate = true;
		} else if (strcmp(argv[i], "--config") == 0 && v) {
			i++;
		} else if (strncmp(argv[i], "--", 2) == 0 && v) {
			if (strcmp(argv[i], "--ek-ca") == 0 && !cli.n_ek_ca++)
				o->n_ek_ca = 0; /* CAs on the command line replace the file's */
			if (!set_opt(o, argv[i] + 2, v)) {
				fprintf(stderr, "trustlaunchd: unknown option or bad value: %s %s\n\n%s",
					argv[i], v, help);
				return 2;
			}
			i++;
		} else {
			fprintf(stderr, "trustlaunchd: unexpected '%s'\n\n%s", argv[i], help);
			return 2;
		}
	}
	return -1;
}

/* --listen ADDR:PORT split; the TLS pair complete; the state directory there. */
static bool check_opts(const struct opts *o, char addr[static 64], unsigned *port)
{
	const char *colon = strrchr(o->listen, ':');
	char *port_end = NULL;
	unsigned long port_v = colon ? strtoul(colon + 1, &port_end, 10) : 0;

	if (!colon || (size_t)(colon - o->listen) >= 64 || !colon[1] || *port_end ||
	    port_v == 0 || port_v > 65535) {
		fprintf(stderr, "trustlaunchd: --listen takes ADDR:PORT\n");
		return false;
	}
	if (!o->tls_cert != !o->tls_key) {
		fprintf(stderr, "trustlaunchd: --tls-cert and --tls-key go together\n");
		return false;
	}
	*port = (unsigned)port_v;
	snprintf(addr, 64, "%.*s", (int)(colon - o->listen), o->listen);
	if (mkdir(o->dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "trustlaunchd: %s: %s\n", o->dir, strerror(errno));
		return false;
	}
	return true;
}

/* What the service reads once: EK CAs, the TLS pair, the nonce key and the signing keys. */
struct files {
	struct tl_bytes cas[16];
	char *cert, *key;
	struct tl_catalog *catalog;
	struct tl_snp_roots *snp_roots;
	struct tl_srv_revocations *revocations;
};

static void files_free(struct files *f, size_t n_cas)
{
	for (size_t i = 0; i < n_cas; i++)
		free((void *)f->cas[i].ptr);
	free(f->cert);
	free(f->key);
	tl_catalog_free(f->catalog);
	tl_snp_roots_free(f->snp_roots);
	tl_srv_revocations_free(f->revocations);
}

/* AMD's roots and the revocation data, when configured. */
static bool load_confidential(const struct opts *o, struct tl_server *srv, struct files *f)
{
	char msg[512];
	srv->snp_policy = o->snp_policy;
	if (o->snp_roots && !tl_srv_snp_roots_load(o->snp_roots, &f->snp_roots, msg, sizeof(msg))) {
		fprintf(stderr, "trustlaunchd: --snp-roots %s\n", msg);
		return false;
	}
	if (o->revocations &&
	    !tl_srv_revocations_load(o->revocations, &f->revocations, msg, sizeof(msg))) {
		fprintf(stderr, "trustlaunchd: --revocations %s\n", msg);
		return false;
	}
	srv->snp_roots = f->snp_roots;
	srv->revocations = f->revocations;
	return true;
}

#ifndef TL_DASHBOARD_DEFAULT
#define TL_DASHBOARD_DEFAULT "/usr/share/trustlaunch/dashboard"
#endif
#ifndef TL_CATALOG_DEFAULT
#define TL_CATALOG_DEFAULT "/usr/share/trustlaunch/catalog.json"
#endif

/* The compatibility catalog: the base (--catalog-data) and the overlays (--catalog). */
static bool load_catalog(const struct opts *o, struct tl_server *srv, struct files *f)
{
	char msg[512];
	if (tl_api_catalog_load(o->catalog_data ? o->catalog_data : TL_CATALOG_DEFAULT, o->catalog,
				o->n_catalog, &f->catalog, msg, sizeof(msg)) != TL_OK) {
		fprintf(stderr, "trustlaunchd: catalog: %s\n", msg);
		return false;
	}
	srv->catalog = f->catalog;
	srv->stale_after = o->stale_after;
	srv->posture = !o->no_posture;
	srv->dashboard_dir = o->dashboard_dir;
	return true;
}

static bool load_files(const struct opts *o, struct tl_server *srv, struct files *f)
{
	size_t len;
	int err;

	for (size_t i = 0; i < o->n_ek_ca; i++) {
		char *pem = slurp(o->ek_ca[i], &f->cas[i].len);
		f->cas[i].ptr = (const uint8_t *)pem;
		if (!pem)
			return false;
	}
	srv->ek_cas = f->cas;
	srv->n_ek_cas = o->n_ek_ca;
	if (o->tls_cert && (!(f->cert = slurp(o->tls_cert, &len)) || !(f->key = slurp(o->tls_key, &len))))
		return false;
	if (!load_catalog(o, srv, f) || !load_confidential(o, srv, f))
		return false;
	if ((err = tl_nonce_key_load(o->dir, srv->nonce_key)) != TL_OK) {
		fprintf(stderr, "trustlaunchd: %s/nonce.key: %s (%s)\n", o->dir, tl_err_msg(err),
			tl_err_name(err));
		return false;
	}
	if ((err = tl_jwtkeys_load(o->dir, &srv->keys)) != TL_OK) {
		fprintf(stderr, "trustlaunchd: token signing keys in %s/jwt: %s\n", o->dir,
			tl_err_msg(err));
		return false;
	}
	if (o->rotate) {
		char kid[TL_JWK_KID_LEN + 1];
		if (tl_jwtkeys_rotate(srv->keys) != TL_OK) {
			fprintf(stderr, "trustlaunchd: cannot rotate the signing key\n");
			return false;
		}
		tl_jwtkeys_current(srv->keys, kid);
		tl_log("info", "signing key rotated", "kid", kid);
	}
	return true;
}

/* The store open (and, for SQLite, this daemon's alone), the admin token in it. */
static bool open_store(struct opts *o, struct tl_server *srv, char url[static 4200])
{
	char err[256];

	if (!o->db) {
		snprintf(url, 4200, "sqlite:%s/trustlaunch.db", o->dir);
		o->db = url;
	}
	if (tl_store_open(o->db, &srv->store, err, sizeof(err)) != TL_OK) {
		fprintf(stderr, "trustlaunchd: %s\n", err);
		return false;
	}
	/* SQLite is this daemon's alone: what attestations need of each VM is kept in memory */
	if (tl_store_cache_start(srv->store, o->db) == TL_E_STORE_BUSY) {
		fprintf(stderr, "trustlaunchd: %s is in use by another trustlaunchd\n", o->db + 7);
		return false;
	}
	if (tl_admin_token_ensure(srv->store, o->dir, err, sizeof(err)) != TL_OK) {
		fprintf(stderr, "trustlaunchd: admin token: %s\n", err);
		return false;
	}
	return true;
}

/* Listens until SIGTERM or SIGINT, then finishes the requests in flight. */
static bool serve(struct tl_server *srv, const struct opts *o, const char *addr, unsigned port,
		  const struct files *f)
{
	struct tl_http *http;
	sigset_t sigs;
	int sig;

	/* every thread inherits these blocked; only sigwait below receives them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	srv->max_conns_per_ip = o->max_conns_per_ip;
	tl_api_metrics_init(srv);
	srv->sender = NULL; /* --webhook-sender off: events wait in the outbox for another node */
	if (!o->no_sender && tl_webhook_sender_start(srv->store, &srv->sender) != TL_OK) {
		fprintf(stderr, "trustlaunchd: cannot start the webhook sender\n");
		return false;
	}
	srv->stale_job = NULL; /* --posture off: none */
	if (srv->posture && tl_stale_job_start(srv, o->stale_check, &srv->stale_job) != TL_OK) {
		fprintf(stderr, "trustlaunchd: cannot start the staleness job\n");
		tl_webhook_sender_stop(srv->sender);
		return false;
	}
	if (tl_http_start(srv, addr, port, o->threads, f->cert, f->key, &http) != TL_OK) {
		fprintf(stderr, "trustlaunchd: cannot listen on %s%s\n", o->listen,
			f->cert ? " with TLS (is the key the certificate's?)" : "");
		tl_stale_job_stop(srv->stale_job);
		tl_webhook_sender_stop(srv->sender);
		return false;
	}
	tl_log("info", "listening", "url", srv->issuer);
	sigwait(&sigs, &sig);
	tl_log("info", "stopping", "signal", sig == SIGTERM ? "TERM" : "INT");
	tl_http_stop(http, 10);
	tl_stale_job_stop(srv->stale_job);
	srv->stale_job = NULL;
	tl_webhook_sender_stop(srv->sender); /* what it has not sent stays in the outbox */
	srv->sender = NULL;
	return true;
}

int main(int argc, char **argv)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct opts o = { "127.0.0.1:7443", "./state", NULL, NULL, NULL, NULL, { 0 }, 0,
			  cpus > 2 ? (unsigned)(cpus < 64 ? cpus : 64) : 2u, 3600, false, 0,
			  NULL, { NULL }, 0, 1200, TL_DASHBOARD_DEFAULT, false, NULL, NULL, { 0 },
			  false, 60 };
	char addr[64], url[4200], issuer[300];
	struct files f;
	struct tl_server srv;
	unsigned port;
	int rc;

	/* request buffers (a 20 KB body, its log, JSON trees) come and go by the thousand a
	 * second: keep freed memory instead of handing it back to the kernel each time
	 * (madvise and heap growth were 9 % of the service's time) */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
	if ((rc = parse_args(argc, argv, &o)) >= 0)
		return rc;
	curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread: the webhook sender's */
	if (!check_opts(&o, addr, &port))
		return 2;
	memset(&srv, 0, sizeof(srv));
	memset(&f, 0, sizeof(f));
	srv.state_dir = o.dir;
	srv.token_ttl = o.token_ttl;
	snprintf(issuer, sizeof(issuer), "%s://%s", o.tls_cert ? "https" : "http", o.listen);
	srv.issuer = o.issuer ? o.issuer : issuer;
	rc = load_files(&o, &srv, &f) && open_store(&o, &srv, url) && serve(&srv, &o, addr, port, &f)
		     ? 0
		     : 2;
	if (srv.store)
		tl_store_close(srv.store);
	tl_jwtkeys_free(srv.keys);
	files_free(&f, o.n_ek_ca);
	if (rc == 0)
		tl_log("info", "stopped", NULL, NULL);
	return rc;
}
