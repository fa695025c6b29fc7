/* tl-hostd: the host daemon (docs/hostd.md).
 *   tl-hostd --host-dir DIR --server URL --token-file F [--connect URI] [--boot-deadline 60s]
 *            [--on-boot-failure keep|destroy] [--host-name NAME] [--inventory-every 60s] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <libxml/parser.h>

#include "file.h"
#include "hostd.h"
#include "log.h"

int hostd_run(const struct hostd_opts *o);

static void usage(FILE *f)
{
	fprintf(f, "usage: tl-hostd --host-dir DIR --server URL --token-file FILE\n"
		   "                [--connect URI] [--boot-deadline 60s]\n"
		   "                [--on-boot-failure keep|destroy] [--host-name NAME]\n"
		   "                [--inventory-every 60s] [--budget N/SECONDS]\n"
		   "                [--match NAME-PREFIX]\n");
}

/* "60s", "500ms", "2m" or a number of seconds, into milliseconds; -1 when not one. */
static int64_t duration_ms(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || v < 0 || v > 86400000)
		return -1;
	if (strcmp(end, "ms") == 0)
		return v;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return v * 1000;
	if (strcmp(end, "m") == 0)
		return v * 60000;
	return -1;
}

/* The operator token: a private file of this user (src/common/file.c), one line. */
static int read_token(struct hostd_opts *o)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err = tl_file_read_private(o->token_file, sizeof(o->token) - 1, &buf, &len);
	if (err != TL_OK)
		return err;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	memcpy(o->token, buf, len);
	o->token[len] = '\0';
	free(buf);
	return len >= 16 && strspn(o->token, "0123456789abcdefABCDEF-_.") == len ? TL_OK
										 : TL_E_ARG;
}

static int option(struct hostd_opts *o, int c, const char *arg)
{
	unsigned n = 0, secs = 0;
	switch (c) {
	case 'd': o->host_dir = arg; return TL_OK;
	case 's': o->server = arg; return TL_OK;
	case 't': o->token_file = arg; return TL_OK;
	case 'c': o->uri = arg; return TL_OK;
	case 'n': o->host_name = arg; return TL_OK;
	case 'm': o->match = arg; return TL_OK;
	case 'b': return (o->boot_deadline_ms = duration_ms(arg)) > 0 ? TL_OK : TL_E_ARG;
	case 'i': return (o->inventory_ms = duration_ms(arg)) >= 1000 ? TL_OK : TL_E_ARG;
	case 'f':
		if (strcmp(arg, "keep") != 0 && strcmp(arg, "destroy") != 0)
			return TL_E_ARG;
		o->destroy_on_failure = strcmp(arg, "destroy") == 0;
		return TL_OK;
	case 'B':
		if (sscanf(arg, "%u/%u", &n, &secs) != 2 || n == 0 || secs == 0)
			return TL_E_ARG;
		o->budget_requests = n;
		o->budget_window_ms = (int64_t)secs * 1000;
		return TL_OK;
	default: return TL_E_ARG;
	}
}

static int parse(int argc, char **argv, struct hostd_opts *o)
{
	static const struct option longs[] = {
		{ "host-dir", required_argument, NULL, 'd' },
		{ "server", required_argument, NULL, 's' },
		{ "token-file", required_argument, NULL, 't' },
		{ "connect", required_argument, NULL, 'c' },
		{ "host-name", required_argument, NULL, 'n' },
		{ "match", required_argument, NULL, 'm' },
		{ "boot-deadline", required_argument, NULL, 'b' },
		{ "on-boot-failure", required_argument, NULL, 'f' },
		{ "inventory-every", required_argument, NULL, 'i' },
		{ "budget", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1)
		if (option(o, c, optarg) != TL_OK) {
			fprintf(stderr, "tl-hostd: a wrong value: --%s %s\n",
				c == '?' ? "?" : longs[0].name, optarg ? optarg : "");
			return TL_E_ARG;
		}
	if (optind != argc || !o->server || !o->token_file)
		return TL_E_ARG;
	return TL_OK;
}

int main(int argc, char **argv)
{
	static char host[64];
	struct hostd_opts o = {
		.host_dir = getenv("TL_HOST_DIR") ? getenv("TL_HOST_DIR") : "/var/lib/trustlaunch/host",
		.uri = "qemu:///system",
		.match = "",
		.boot_deadline_ms = 60000,
		.inventory_ms = 60000,
		.budget_requests = 60,
		.budget_bytes = 256u * 1024u * 1024u,
		.budget_window_ms = 60000,
	};
	int err;

	if (parse(argc, argv, &o) != TL_OK) {
		usage(stderr);
		return 2;
	}
	if ((err = read_token(&o)) != TL_OK) {
		fprintf(stderr, "tl-hostd: %s: %s\n", o.token_file, tl_err_msg(err));
		return 2;
	}
	if (!o.host_name) {
		if (gethostname(host, sizeof(host) - 1) != 0)
			snprintf(host, sizeof(host), "localhost");
		o.host_name = host;
	}
	xmlInitParser();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tl_log("info", "tl-hostd starting", "server", o.server);
	err = hostd_run(&o);
	curl_global_cleanup();
	xmlCleanupParser();
	return err == TL_OK ? 0 : 1;
}

bool hostd_matches(const struct hostd_opts *o, const char *name)
{
	return strncmp(name, o->match, strlen(o->match)) == 0;
}

bool hostd_owns(const struct hostd_opts *o, const struct tl_host_profile *d)
{
	char dir[PATH_MAX];
	int n = snprintf(dir, sizeof(dir), "%s/vms/", o->host_dir);
	return d->trustlaunch && n > 0 && (size_t)n < sizeof(dir) && strncmp(d->agent_sock, dir, (size_t)n) == 0 &&
	       strstr(d->agent_sock, "/../") == NULL;
}
