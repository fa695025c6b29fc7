/* trustlaunchd: the attestation service. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "trustlaunch/hash.h"

static const char help[] =
	"usage: trustlaunchd [--listen ADDR:PORT] [--state-dir DIR] [--db URL] [--threads N]\n"
	"\n"
	"The trustlaunch attestation service (API v1, docs/api.md).\n"
	"\n"
	"  --listen ADDR:PORT  where to listen (default 127.0.0.1:7443)\n"
	"  --state-dir DIR     keys, the admin token and the SQLite database (default ./state)\n"
	"  --db URL            sqlite:PATH (default STATE/trustlaunch.db) or postgresql://...\n"
	"  --threads N         request threads (default 2)\n"
	"\n"
	"On first start an admin token is created and written, mode 0600, to STATE/admin.token.\n"
	"SIGTERM or SIGINT: stop accepting, finish requests in flight, stop.\n";

/* The admin token: made once, stored only as its hash, handed over in a 0600 file. */
static int admin_token(struct tl_store *store, const char *dir)
{
	char path[4096], tok[65], hex[65];
	uint8_t raw[32], h[TL_MAX_DIGEST];
	struct tl_token t;
	int fd;

	snprintf(path, sizeof(path), "%s/admin.token", dir);
	if (access(path, F_OK) == 0)
		return TL_OK;
	if (tl_random(raw, sizeof(raw)) != TL_OK)
		return TL_E_CRYPTO;
	tl_hex(raw, sizeof(raw), tok);
	if (tl_hash(TL_ALG_SHA256, tok, strlen(tok), h) != TL_OK)
		return TL_E_CRYPTO;
	tl_hex(h, TL_SHA256_LEN, hex);
	memset(&t, 0, sizeof(t));
	snprintf(t.hash, sizeof(t.hash), "%s", hex);
	snprintf(t.name, sizeof(t.name), "admin");
	snprintf(t.role, sizeof(t.role), "admin");
	snprintf(t.tenant, sizeof(t.tenant), "*");
	t.created = (int64_t)time(NULL);
	if (tl_store_token_add(store, &t) != TL_OK)
		return TL_E_IO;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, tok, strlen(tok)) != (ssize_t)strlen(tok) || write(fd, "\n", 1) != 1 ||
	    close(fd) != 0)
		return TL_E_IO;
	tl_log("info", "admin token created", "path", path);
	return TL_OK;
}

int main(int argc, char **argv)
{
	const char *listen = "127.0.0.1:7443", *dir = "./state", *db = NULL;
	unsigned threads = 2, port;
	char addr[64], url[4200], err[256];
	struct tl_server srv;
	struct tl_http *http;
	sigset_t sigs;
	int sig;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(help, stdout);
			return 0;
		} else if (v && strcmp(argv[i], "--listen") == 0) {
			listen = argv[++i];
		} else if (v && strcmp(argv[i], "--state-dir") == 0) {
			dir = argv[++i];
		} else if (v && strcmp(argv[i], "--db") == 0) {
			db = argv[++i];
		} else if (v && strcmp(argv[i], "--threads") == 0) {
			threads = (unsigned)strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "trustlaunchd: unexpected '%s'\n\n%s", argv[i], help);
			return 2;
		}
	}
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof(addr) || !(port = (unsigned)atoi(colon + 1)) ||
	    port > 65535 || threads == 0 || threads > 64) {
		fprintf(stderr, "trustlaunchd: --listen takes ADDR:PORT, --threads 1 to 64\n");
		return 2;
	}
	snprintf(addr, sizeof(addr), "%.*s", (int)(colon - listen), listen);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "trustlaunchd: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	if (!db) {
		snprintf(url, sizeof(url), "sqlite:%s/trustlaunch.db", dir);
		db = url;
	}
	memset(&srv, 0, sizeof(srv));
	srv.state_dir = dir;
	if (tl_store_open(db, &srv.store, err, sizeof(err)) != TL_OK) {
		fprintf(stderr, "trustlaunchd: %s\n", err);
		return 2;
	}
	if (admin_token(srv.store, dir) != TL_OK) {
		fprintf(stderr, "trustlaunchd: cannot create %s/admin.token\n", dir);
		tl_store_close(srv.store);
		return 2;
	}
	/* every thread inherits these blocked; only sigwait below receives them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (tl_http_start(&srv, addr, port, threads, &http) != TL_OK) {
		fprintf(stderr, "trustlaunchd: cannot listen on %s\n", listen);
		tl_store_close(srv.store);
		return 2;
	}
	tl_log("info", "listening", "url", listen);
	sigwait(&sigs, &sig);
	tl_log("info", "stopping", "signal", sig == SIGTERM ? "TERM" : "INT");
	tl_http_stop(http, 10);
	tl_store_close(srv.store);
	tl_log("info", "stopped", NULL, NULL);
	return 0;
}
