/* Shared pieces of the `tl` command line: file input, exit codes, PCR lists, the client of
 * trustlaunchd and tables. */
#ifndef TL_CLI_H
#define TL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "trustlaunch/err.h"

enum { TL_EXIT_OK = 0, TL_EXIT_CHECK = 1, TL_EXIT_USAGE = 2 };

struct tl_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

/* Reads a whole file of at most max bytes. On failure prints a one-line reason. */
int tl_cli_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);
/* Prints "tl: WHAT: MESSAGE (code)" to stderr and returns TL_EXIT_USAGE. */
int tl_cli_fail(const char *what, int err);
/* Dispatches argv[0] in a table; prints the table for -h/--help or an unknown name. */
int tl_cli_dispatch(const char *group, const struct tl_cmd *cmds, int argc, char **argv);
/* Parses "0-9,14" into a bit mask of PCRs; false on a bad list. */
bool tl_cli_pcr_list(const char *s, uint32_t *mask);
/* Prints JSON (takes the reference); nonzero when it could not. */
int tl_cli_print_json(json_t *root);
/* True for -h, --help. */
bool tl_cli_is_help(const char *arg);

/* The server groups (vm, attestations, baseline, tokens) and their HTTP client, client.c.
 * The global options before the group fill tl_client_opts; only these groups read it. */
struct tl_client_opts {
	const char *server;     /* http(s)://host[:port][/prefix] of trustlaunchd */
	const char *token;      /* bearer token (--token, TL_TOKEN), or NULL */
	const char *token_file; /* --token-file: read the token from here instead */
	const char *cacert;     /* PEM CA bundle for https; NULL: the system's */
	bool json;              /* print the server's JSON answers instead of tables */
};
extern struct tl_client_opts tl_client_opts;

enum tl_http_method { TL_HTTP_GET, TL_HTTP_POST, TL_HTTP_PUT, TL_HTTP_DELETE, TL_HTTP_PATCH };

/* One request to trustlaunchd: METHOD server PATH[/ID][REST], ID percent-encoded, BODY (the
 * reference is taken; NULL: none) as JSON. On a 2xx answer that is a JSON object sets
 * *answer and returns TL_EXIT_OK. Otherwise prints one line on stderr and returns
 * TL_EXIT_CHECK (the server refused: "tl: MESSAGE (CODE[, field F])", or could not be
 * reached) or TL_EXIT_USAGE (unusable options: URL, token). */
int tl_client_call(enum tl_http_method method, const char *path, const char *id,
		   const char *rest, json_t *body, json_t **answer);
/* Paged lists (pages.c): --limit N (1 to 1000), --cursor C (a next_cursor the server gave),
 * --all (every page, into one answer). */
struct tl_pages {
	unsigned long limit; /* 0: the server's default */
	const char *cursor;
	bool all;
};
/* argv[*i] is one of those options: 1 (taken, *i moved past its value), -1 (wrong value,
 * said on stderr), 0 (another option). */
int tl_pages_option(int argc, char **argv, int *i, struct tl_pages *p, const char *cmd);
/* GET PATH[/ID][REST] with the page arguments; with --all the arrays under key of every page
 * are joined into the first answer. As tl_client_call. */
int tl_pages_get(const char *path, const char *id, const char *rest, const char *key,
		 const struct tl_pages *p, json_t **answer);
/* A list command's arguments: -h/--help, --json and the page options; no positional ones.
 * Without --limit or --cursor, every page. Returns -1 to go on, else the exit code. */
int tl_pages_args(int argc, char **argv, const char *help, const char *cmd, struct tl_pages *p);
/* A whole list command: its arguments (tl_pages_args), GET path, the pages' arrays under key,
 * "more: ..." and the answer through show. */
int tl_pages_command(int argc, char **argv, const char *help, const char *cmd, const char *path,
		     const char *key, int (*show)(json_t *answer));
/* When the answer has a next page: "more: --cursor C" on stderr. */
void tl_pages_say_more(json_t *answer);
/* Handles what every server command shares: -h/--help prints HELP (returns TL_EXIT_OK),
 * --json sets tl_client_opts.json, and exactly n positional arguments go to pos[]; anything
 * else prints HELP on stderr and returns TL_EXIT_USAGE. Returns -1 to go on. */
int tl_client_args(int argc, char **argv, const char *help, size_t n, const char **pos);
/* tl recommendations without a VM, and with --of REC (fleet.c); help: the command's. */
int tl_cli_rec_summary(int argc, char **argv, const char *help);
int tl_cli_rec_vms(int argc, char **argv, const char *help);
/* Prints an answer (the reference is taken): as JSON with --json, else through show. */
int tl_client_output(json_t *answer, int (*show)(json_t *answer));

/* Text for people, table.c: server strings are shown with control characters replaced. */
struct tl_table;
/* A table of ncols columns; headers NULL: no header row. NULL on out of memory. */
struct tl_table *tl_table_new(size_t ncols, const char *const *headers);
/* Appends a row of ncols cells (NULL cells print as "-"). */
TL_MUST_CHECK int tl_table_add(struct tl_table *t, const char *const *cells);
/* Prints the rows with aligned columns, two spaces apart. */
void tl_table_print(const struct tl_table *t, FILE *f);
void tl_table_free(struct tl_table *t);
/* Prints t to stdout and frees it; when it could not be made (NULL) or filled (err), says
 * "out of memory" instead. Returns the exit code. */
int tl_table_show(struct tl_table *t, int err);
/* A table of JSON objects: one row per element of list, column c the member keys[c]
 * (the last column a time), under head. */
int tl_cli_show_rows(json_t *list, const char *const *head, const char *const *keys,
		     size_t ncols);
/* A JSON value as a table cell: strings as they are, integers, yes/no, "-" for absent or
 * null, anything else compact JSON cut to fit. The result lives in buf or in v. */
const char *tl_cli_cell(json_t *v, char *buf, size_t cap);
/* A Unix time (integer) as "YYYY-MM-DD HH:MM:SSZ"; other values as tl_cli_cell. */
const char *tl_cli_time_cell(json_t *v, char *buf, size_t cap);
/* Prints "KEY  VALUE" lines of the keys of obj, aligned; "created" and "time" as times. */
int tl_cli_show_fields(json_t *obj, const char *const *keys, size_t nkeys);
/* Prints s with control characters, bytes that are not UTF-8 and invisible format characters
 * (bidi overrides, zero-width characters) escaped (tl_text_terminal). */
void tl_cli_put_safe(FILE *f, const char *s);
/* One line of text for people, formatted, escaped as tl_cli_put_safe, then a newline. */
void tl_cli_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int tl_cmd_eventlog(int argc, char **argv);
int tl_cmd_quote(int argc, char **argv);
int tl_cmd_credential(int argc, char **argv);
int tl_cmd_ek(int argc, char **argv);
int tl_cmd_snp(int argc, char **argv);
int tl_cmd_cvm(int argc, char **argv);
int tl_cmd_pe(int argc, char **argv);
int tl_cmd_sb(int argc, char **argv);
int tl_sb_write_vars(int argc, char **argv); /* sb_write.c */
int tl_sb_apply_dbx(int argc, char **argv);
int tl_cmd_image(int argc, char **argv);     /* image.c */
int tl_image_predict(int argc, char **argv); /* image_predict.c */
int tl_cmd_modsig(int argc, char **argv);
int tl_cmd_predict(int argc, char **argv);
int tl_cmd_catalog(int argc, char **argv);
int tl_cmd_image(int argc, char **argv);
/* The base catalog ($TL_CATALOG_DATA or the installed one) and the overlays, in order
 * (catalog.c); says why on stderr and returns TL_EXIT_USAGE when one is unusable. */
struct tl_catalog;
int tl_cli_catalog_load(const char *const *overlays, size_t n, struct tl_catalog **out);
/* The host side (src/cli/host, docs/host.md). */
int tl_cmd_host(int argc, char **argv);
int tl_cmd_scaleset(int argc, char **argv);
int tl_vm_host_create(int argc, char **argv);
int tl_vm_start(int argc, char **argv);
int tl_vm_stop(int argc, char **argv);
int tl_vm_host_delete(int argc, char **argv);
int tl_vm_host_list(int argc, char **argv);
int tl_vm_host_show(int argc, char **argv);
int tl_vm_console(int argc, char **argv);
int tl_vm_enable_tl(int argc, char **argv);
int tl_vm_update_dbx(int argc, char **argv); /* host/vm_update_dbx.c */
int tl_cmd_revocations(int argc, char **argv);
int tl_cmd_vm(int argc, char **argv);
int tl_vm_update(int argc, char **argv); /* vm_update.c */
int tl_cmd_recommendations(int argc, char **argv); /* posture.c */
int tl_cmd_assessment(int argc, char **argv);
int tl_cmd_alerts(int argc, char **argv);       /* alerts.c */
int tl_cmd_suppressions(int argc, char **argv); /* suppressions.c */
int tl_cmd_webhooks(int argc, char **argv);     /* webhooks.c */
int tl_cmd_token(int argc, char **argv);
int tl_cmd_attestations(int argc, char **argv);
int tl_cmd_baseline(int argc, char **argv);
int tl_cmd_tokens(int argc, char **argv);
int tl_cmd_hosts(int argc, char **argv);

#endif
