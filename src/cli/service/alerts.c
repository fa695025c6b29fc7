/* tl alerts list|show|dismiss|resolve, tl suppressions create|list|delete (docs/posture.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char list_help[] =
	"usage: tl [GLOBAL OPTIONS] alerts list [--status active|resolved|dismissed]\n"
	"          [--type attestation_failure|untrusted_kernel_module] [--severity low|medium]\n"
	"          [--vm ID] [--since UNIX_SECONDS] [--limit N] [--cursor C] [--json]\n"
	"\n"
	"Alerts, newest first, a page at a time (the next page's --cursor is printed last).\n"
	"exit: 0 listed, 1 refused or unreachable, 2 usage\n";

static const char show_help[] =
	"usage: tl [GLOBAL OPTIONS] alerts show ID [--json]\n"
	"\n"
	"One alert: what happened, its reasons (expected against actual), what to do, and who\n"
	"dismissed or resolved it, when and why.\n"
	"exit: 0 shown, 1 unknown alert, refused or unreachable, 2 usage\n";

static const char act_help[] =
	"usage: tl [GLOBAL OPTIONS] alerts dismiss|resolve ID [--comment TEXT] [--json]\n"
	"\n"
	"Dismisses (not a threat, or accepted) or resolves (fixed) an alert; the comment goes\n"
	"into its audit trail. Needs an operator token.\n"
	"exit: 0 done, 1 refused (already so, unknown alert, role) or unreachable, 2 usage\n";

static int show_list(json_t *answer)
{
	static const char *const head[] = { "ID", "SEVERITY", "STATUS", "TYPE", "VM", "COUNT",
					    "TITLE", "LAST SEEN" };
	static const char *const keys[] = { "id", "severity", "status", "type", "vm_name",
					    "count", "title", "last_seen" };
	json_t *list = json_object_get(answer, "alerts");
	const char *next = json_string_value(json_object_get(answer, "next_cursor"));
	int rc;
	if (!json_array_size(list)) {
		printf("no alerts\n");
		return TL_EXIT_OK;
	}
	rc = tl_cli_show_rows(list, head, keys, 8);
	if (next)
		printf("\nmore: --cursor %s\n", next);
	return rc;
}

static int show_alert(json_t *a)
{
	static const char *const keys[] = { "id", "type", "severity", "status", "vm_id", "vm_name",
					    "title", "description", "module", "count", "first_seen",
					    "last_seen", "suppressed_by", "remediation" };
	json_t *r;
	size_t i;
	char c[64], m[512];
	int rc = tl_cli_show_fields(a, keys, sizeof(keys) / sizeof(keys[0]));
	json_array_foreach(json_object_get(a, "reasons"), i, r) {
		printf("reason         %s: ", tl_cli_cell(json_object_get(r, "code"), c, sizeof(c)));
		tl_cli_put_safe(stdout, tl_cli_cell(json_object_get(r, "message"), m, sizeof(m)));
		putchar('\n');
	}
	json_array_foreach(json_object_get(a, "audit"), i, r) {
		printf("audit          %s ", tl_cli_time_cell(json_object_get(r, "time"), c, sizeof(c)));
		tl_cli_put_safe(stdout, tl_cli_cell(json_object_get(r, "action"), m, sizeof(m)));
		printf(" by ");
		tl_cli_put_safe(stdout, tl_cli_cell(json_object_get(r, "actor"), m, sizeof(m)));
		if (json_string_length(json_object_get(r, "comment"))) {
			printf(": ");
			tl_cli_put_safe(stdout, json_string_value(json_object_get(r, "comment")));
		}
		putchar('\n');
	}
	return rc;
}

static int alerts_list(int argc, char **argv)
{
	static const char *const opts[] = { "--status", "--type", "--severity", "--vm", "--since",
					    "--limit", "--cursor" };
	char query[1024] = "";
	size_t q = 0;
	json_t *answer;
	int rc;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		size_t k = 0;
		if (tl_cli_is_help(o)) {
			fputs(list_help, stdout);
			return TL_EXIT_OK;
		}
		if (strcmp(o, "--json") == 0) {
			tl_client_opts.json = true;
			continue;
		}
		while (k < sizeof(opts) / sizeof(opts[0]) && strcmp(o, opts[k]) != 0)
			k++;
		if (k == sizeof(opts) / sizeof(opts[0]) || !v || strpbrk(v, "&=?#% ") ||
		    q + strlen(v) + 16 >= sizeof(query)) {
			fprintf(stderr, "tl alerts list: unexpected or bad '%s'\n\n%s", o, list_help);
			return TL_EXIT_USAGE;
		}
		q += (size_t)snprintf(query + q, sizeof(query) - q, "%c%s=%s", q ? '&' : '?', o + 2, v);
		i++;
	}
	if ((rc = tl_client_call(TL_HTTP_GET, "/v1/alerts", NULL, query, NULL, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_list);
}

static int alerts_show(int argc, char **argv)
{
	const char *id;
	json_t *answer;
	int rc = tl_client_args(argc, argv, show_help, 1, &id);
	if (rc >= 0)
		return rc;
	if ((rc = tl_client_call(TL_HTTP_GET, "/v1/alerts", id, NULL, NULL, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_alert);
}

static int alerts_act(int argc, char **argv)
{
	const char *id = NULL, *comment = NULL;
	char rest[16];
	json_t *answer, *body;
	int rc;
	for (int i = 1; i < argc; i++) {
		if (tl_cli_is_help(argv[i])) {
			fputs(act_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			tl_client_opts.json = true;
		} else if (strcmp(argv[i], "--comment") == 0 && i + 1 < argc) {
			comment = argv[++i];
		} else if (argv[i][0] != '-' && !id) {
			id = argv[i];
		} else {
			fprintf(stderr, "tl alerts %s: unexpected '%s'\n\n%s", argv[0], argv[i], act_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!id) {
		fprintf(stderr, "tl alerts %s: an alert ID is needed\n\n%s", argv[0], act_help);
		return TL_EXIT_USAGE;
	}
	snprintf(rest, sizeof(rest), "/%s", argv[0]);
	body = comment ? json_pack("{s:s}", "comment", comment) : json_object();
	if ((rc = tl_client_call(TL_HTTP_POST, "/v1/alerts", id, rest, body, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_alert);
}

int tl_cmd_alerts(int argc, char **argv)
{
	static const struct tl_cmd cmds[] = {
		{ "list", alerts_list, "alerts, newest first, filtered" },
		{ "show", alerts_show, "one alert, its reasons and audit trail" },
		{ "dismiss", alerts_act, "dismiss an alert, with a comment" },
		{ "resolve", alerts_act, "resolve an alert, with a comment" },
		{ NULL, NULL, NULL },
	};
	return tl_cli_dispatch("tl alerts", cmds, argc - 1, argv + 1);
}
