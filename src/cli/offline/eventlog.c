/* tl eventlog: show and json, and the dispatch of the other subcommands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eventlog.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/tcgdecode.h"

int tl_cli_load_log(const char *path, uint8_t **buf, struct tl_log **log)
{
	struct tl_diag diag;
	size_t len;
	int err;

	*log = NULL;
	/* read one byte past the limit so that the parser names an oversized log */
	if (tl_cli_read_file(path, TL_MAX_LOG_SIZE + 1, buf, &len) != TL_OK)
		return TL_EXIT_USAGE;
	err = tl_log_parse(*buf, len, log, &diag);
	if (err != TL_OK) {
		fprintf(stderr, "tl: %s: %s (%s) at offset %zu, event %u\n", path, tl_err_msg(err),
			tl_err_name(err), diag.offset, diag.event);
		free(*buf);
		*buf = NULL;
		return TL_EXIT_USAGE;
	}
	return TL_EXIT_OK;
}

int tl_cli_print_json(json_t *root)
{
	int rc;
	if (!root)
		return -1;
	rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(root);
	return rc;
}

/* `show` and `json` take exactly one FILE and nothing else. */
static int one_file(int argc, char **argv, const char *help, const char **file)
{
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(help, stdout);
		return TL_EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fputs(help, stderr);
		return TL_EXIT_USAGE;
	}
	*file = argv[1];
	return -1;
}

static const char show_help[] =
	"usage: tl eventlog show FILE\n\n"
	"Prints every event of the TCG event log FILE as a table: index, PCR, type, the first\n"
	"bytes of its digest in each bank, and what the event data says.\n"
	"exit: 0 parsed, 2 unusable input (the reason, byte offset and event on stderr)\n";

static int show(int argc, char **argv)
{
	const char *file;
	uint8_t *buf;
	struct tl_log *log;
	int rc = one_file(argc, argv, show_help, &file);

	if (rc >= 0)
		return rc;
	if ((rc = tl_cli_load_log(file, &buf, &log)) != TL_EXIT_OK)
		return rc;
	printf("# %s log, banks:", log->format == TL_LOG_CRYPTO_AGILE ? "crypto-agile" : "SHA-1");
	for (size_t b = 0; b < log->nbanks; b++)
		printf(" %s", tl_alg_name(log->alg[b]) ? tl_alg_name(log->alg[b]) : "unknown");
	printf(", %zu events\n", log->nevents);
	printf("%5s %3s  %-34s %-17s %s\n", "INDEX", "PCR", "TYPE", "DIGEST", "DATA");
	for (size_t i = 0; i < log->nevents; i++) {
		const struct tl_event *ev = &log->ev[i];
		const char *name = tl_ev_name(ev->type);
		char type[20], dig[17];
		struct tl_buf sum;
		size_t b = log->nbanks > 1 ? 1 : 0; /* the second bank is SHA-256 in real logs */
		int s = tl_log_bank(log, TL_ALG_SHA256);
		if (s >= 0)
			b = (size_t)s;
		if (!name) {
			snprintf(type, sizeof(type), "UNKNOWN 0x%08x", ev->type);
			name = type;
		}
		tl_hex(ev->digest[b], 8, dig);
		tl_buf_init(&sum, 4096);
		tl_event_summary(log, ev, &sum);
		tl_cli_line(stdout, "%5zu %3u  %-34s %-17s %s", i, ev->pcr, name, dig, tl_buf_str(&sum));
		tl_buf_free(&sum);
	}
	tl_log_free(log);
	free(buf);
	return TL_EXIT_OK;
}

static const char json_help[] =
	"usage: tl eventlog json FILE\n\n"
	"Prints the TCG event log FILE as JSON: format, banks, and every event with its\n"
	"digests and decoded data (UEFI variables, signature lists with certificates, images\n"
	"with device paths, GRUB commands, ...). Unknown types are kept and flagged.\n"
	"exit: 0 parsed, 2 unusable input\n";

static int dump_json(int argc, char **argv)
{
	const char *file;
	uint8_t *buf;
	struct tl_log *log;
	json_t *root, *events, *banks;
	int rc = one_file(argc, argv, json_help, &file);

	if (rc >= 0)
		return rc;
	if ((rc = tl_cli_load_log(file, &buf, &log)) != TL_EXIT_OK)
		return rc;
	root = json_object();
	banks = json_array();
	events = json_array();
	json_object_set_new(root, "format", json_string(log->format == TL_LOG_CRYPTO_AGILE
								? "crypto-agile"
								: "legacy-sha1"));
	for (size_t b = 0; b < log->nbanks; b++) {
		const char *n = tl_alg_name(log->alg[b]);
		json_array_append_new(banks, n ? json_string(n) : json_integer(log->alg[b]));
	}
	json_object_set_new(root, "banks", banks);
	if (log->has_locality)
		json_object_set_new(root, "startup_locality", json_integer(log->startup_locality));
	for (size_t i = 0; i < log->nevents; i++)
		json_array_append_new(events, tl_event_json(log, i));
	json_object_set_new(root, "events", events);
	rc = tl_cli_print_json(root) == 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
	tl_log_free(log);
	free(buf);
	return rc;
}

static const struct tl_cmd cmds[] = {
	{ "show", show, "print the events as a table" },
	{ "json", dump_json, "print every event decoded, as JSON" },
	{ "replay", tl_eventlog_replay, "replay every bank; compare with expected PCRs" },
	{ "facts", tl_eventlog_facts, "Secure Boot state and boot chain, with strict rules" },
	{ "diff", tl_eventlog_diff, "what changed between two boots, by component" },
	{ NULL, NULL, NULL },
};

int tl_cmd_eventlog(int argc, char **argv)
{
	return tl_cli_dispatch("tl eventlog", cmds, argc - 1, argv + 1);
}
