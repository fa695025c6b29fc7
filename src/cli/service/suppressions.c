/* tl suppressions create|list|delete (docs/posture.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char create_help[] =
	"usage: tl [GLOBAL OPTIONS] suppressions create --alert-type attestation_failure|\n"
	"          untrusted_kernel_module --reason TEXT [--vm ID]... [--reason-code CODE]...\n"
	"          [--comment TEXT] [--expires UNIX_SECONDS] [--dry-run] [--json]\n"
	"\n"
	"A rule under which new alerts are recorded as dismissed, naming the rule, and not\n"
	"delivered as new: of these VMs (none: every VM of the tenant), and only when every\n"
	"reason of the alert is one of these codes (none: any reason). The seed's case, a VM\n"
	"that must run without Secure Boot: --alert-type attestation_failure --vm ID.\n"
	"--dry-run says how many active alerts it would match, and creates nothing.\n"
	"Needs an operator token. exit: 0 created, 1 refused or unreachable, 2 usage\n";

static const char list_help[] =
	"usage: tl [GLOBAL OPTIONS] suppressions list [--limit N] [--cursor C] [--json]\n"
	"\n"
	"The suppression rules of your tenant, oldest first; every page unless --limit or --cursor\n"
	"is given.\n"
	"exit: 0 listed, 1 refused or unreachable, 2 usage\n";

static const char delete_help[] =
	"usage: tl [GLOBAL OPTIONS] suppressions delete ID [--json]\n"
	"Needs an operator token. exit: 0 deleted, 1 unknown rule, refused or unreachable, 2 usage\n";

static const char *const rule_keys[] = { "id", "alert_type", "vm_ids", "reason_codes", "reason",
					 "comment", "created_by", "created", "expires" };

static int show_rule(json_t *r)
{
	json_t *rule = json_object_get(r, "rule");
	if (json_is_true(json_object_get(r, "dry_run")))
		printf("dry run: %lld active alert(s) would match; nothing was created\n\n",
		       (long long)json_integer_value(json_object_get(r, "matching_active_alerts")));
	return tl_cli_show_fields(rule ? rule : r, rule_keys, sizeof(rule_keys) / sizeof(rule_keys[0]));
}

static bool add_text(json_t *body, const char *key, const char *v)
{
	return json_object_set_new(body, key, json_string(v)) == 0;
}

static bool add_item(json_t *body, const char *key, const char *v)
{
	json_t *a = json_object_get(body, key);
	if (!a && json_object_set_new(body, key, a = json_array()) != 0)
		return false;
	return json_array_append_new(a, json_string(v)) == 0;
}

static int create(int argc, char **argv)
{
	json_t *body = json_object(), *answer;
	const char *path = "";
	int rc;
	for (int i = 1; body && i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool ok = false, arg = true;
		char *end;
		if (tl_cli_is_help(o)) {
			fputs(create_help, stdout);
			json_decref(body);
			return TL_EXIT_OK;
		}
		if (strcmp(o, "--json") == 0 || strcmp(o, "--dry-run") == 0) {
			if (o[2] == 'j')
				tl_client_opts.json = true;
			else
				path = "?dry_run=1";
			ok = true;
			arg = false;
		} else if (v && strcmp(o, "--alert-type") == 0) {
			ok = add_text(body, "alert_type", v);
		} else if (v && (strcmp(o, "--reason") == 0 || strcmp(o, "--comment") == 0)) {
			ok = add_text(body, o + 2, v);
		} else if (v && strcmp(o, "--vm") == 0) {
			ok = add_item(body, "vm_ids", v);
		} else if (v && strcmp(o, "--reason-code") == 0) {
			ok = add_item(body, "reason_codes", v);
		} else if (v && strcmp(o, "--expires") == 0) {
			long long t = strtoll(v, &end, 10);
			ok = *v && !*end && t > 0 &&
			     json_object_set_new(body, "expires", json_integer(t)) == 0;
		}
		if (!ok) {
			fprintf(stderr, "tl suppressions create: unexpected or bad '%s'\n\n%s", o,
				create_help);
			json_decref(body);
			return TL_EXIT_USAGE;
		}
		i += arg;
	}
	if (!body || !json_object_get(body, "alert_type") || !json_object_get(body, "reason")) {
		fprintf(stderr, "tl suppressions create: --alert-type and --reason are needed\n\n%s",
			create_help);
		json_decref(body);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_client_call(TL_HTTP_POST, "/v1/suppression-rules", NULL, path, body,
				 &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_rule);
}

static int show_rules(json_t *answer)
{
	static const char *const head[] = { "ID", "ALERT TYPE", "VMS", "CODES", "REASON", "EXPIRES" };
	static const char *const keys[] = { "id", "alert_type", "vm_ids", "reason_codes", "reason",
					    "expires" };
	json_t *rules = json_object_get(answer, "rules");
	if (!json_array_size(rules)) {
		printf("no suppression rules\n");
		return TL_EXIT_OK;
	}
	return tl_cli_show_rows(rules, head, keys, 6);
}

static int list(int argc, char **argv)
{
	return tl_pages_command(argc, argv, list_help, "suppressions list", "/v1/suppression-rules",
				"rules", show_rules);
}

static int show_deleted(json_t *answer)
{
	printf("deleted rule %s\n", json_string_value(json_object_get(answer, "deleted")));
	return TL_EXIT_OK;
}

static int delete(int argc, char **argv)
{
	const char *id;
	json_t *answer;
	int rc = tl_client_args(argc, argv, delete_help, 1, &id);
	if (rc >= 0)
		return rc;
	if ((rc = tl_client_call(TL_HTTP_DELETE, "/v1/suppression-rules", id, NULL, NULL, &answer)))
		return rc;
	return tl_client_output(answer, show_deleted);
}

int tl_cmd_suppressions(int argc, char **argv)
{
	static const struct tl_cmd cmds[] = {
		{ "create", create, "a rule that records matching new alerts as dismissed" },
		{ "list", list, "the rules of the token's tenant" },
		{ "delete", delete, "delete a rule" },
		{ NULL, NULL, NULL },
	};
	return tl_cli_dispatch("tl suppressions", cmds, argc - 1, argv + 1);
}
