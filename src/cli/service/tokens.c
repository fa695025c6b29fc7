/* tl tokens: the API tokens of trustlaunchd: create (shown once), list, revoke. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char create_help[] =
	"usage: tl [GLOBAL OPTIONS] tokens create --name N --role reader|operator|admin\n"
	"          [--tenant T] [--json]\n"
	"\n"
	"Creates an API token and prints it once: the server keeps only its hash.\n"
	"\n"
	"  --name N     what the token is for (a person, a pipeline)\n"
	"  --role R     reader (read only), operator (also VMs and baselines), admin (also\n"
	"               tokens)\n"
	"  --tenant T   the tenant whose VMs it sees ('*': every tenant)\n"
	"  --json       {\"id\",\"token\",\"name\",\"role\",\"tenant\",\"created\"}\n"
	"\n"
	"Needs an admin token. exit: 0 created, 1 refused or unreachable, 2 usage\n";

static int show_created(json_t *answer)
{
	static const char *const fields[] = { "id", "name", "role", "tenant", "created" };
	const char *token = json_string_value(json_object_get(answer, "token"));
	int rc = tl_cli_show_fields(answer, fields, sizeof(fields) / sizeof(fields[0]));

	if (rc != TL_EXIT_OK)
		return rc;
	if (!token) {
		fprintf(stderr, "tl: the answer holds no token\n");
		return TL_EXIT_CHECK;
	}
	printf("\ntoken (shown once; the server keeps only its hash):\n  ");
	tl_cli_put_safe(stdout, token);
	putchar('\n');
	return TL_EXIT_OK;
}

static bool role_ok(const char *r)
{
	return strcmp(r, "reader") == 0 || strcmp(r, "operator") == 0 || strcmp(r, "admin") == 0;
}

static int tokens_create(int argc, char **argv)
{
	const char *name = NULL, *role = NULL, *tenant = NULL;
	json_t *body, *answer;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (tl_cli_is_help(o)) {
			fputs(create_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(o, "--json") == 0) {
			tl_client_opts.json = true;
		} else if (v && strcmp(o, "--name") == 0) {
			name = argv[++i];
		} else if (v && strcmp(o, "--role") == 0) {
			role = argv[++i];
		} else if (v && strcmp(o, "--tenant") == 0) {
			tenant = argv[++i];
		} else {
			fprintf(stderr, "tl tokens create: unexpected '%s'\n\n%s", o, create_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!name || !role) {
		fprintf(stderr, "tl tokens create: --name and --role are needed\n\n%s", create_help);
		return TL_EXIT_USAGE;
	}
	if (!role_ok(role)) {
		fprintf(stderr, "tl tokens create: --role is reader, operator or admin\n");
		return TL_EXIT_USAGE;
	}
	body = json_pack("{s:s, s:s}", "name", name, "role", role);
	if (body && tenant && json_object_set_new(body, "tenant", json_string(tenant)) != 0) {
		json_decref(body);
		body = NULL;
	}
	if (!body) {
		fprintf(stderr, "tl tokens create: --name and --tenant take UTF-8 text\n");
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_client_call(TL_HTTP_POST, "/v1/tokens", NULL, NULL, body, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_created);
}

static const char list_help[] =
	"usage: tl [GLOBAL OPTIONS] tokens list [--limit N] [--cursor C] [--all] [--json]\n"
	"\n"
	"Lists the API tokens (never the tokens themselves): ID, name, role, tenant, when made;\n"
	"every one, or a page with --limit N (1 to 1000) and --cursor C (a next_cursor, \"more:\n"
	"...\" on stderr). Needs an admin token. --json prints {\"tokens\":[...],\"next_cursor\"}.\n"
	"\n"
	"exit: 0 listed, 1 refused or unreachable, 2 usage\n";

static int show_list(json_t *answer)
{
	static const char *const head[] = { "ID", "NAME", "ROLE", "TENANT", "CREATED" };
	static const char *const keys[] = { "id", "name", "role", "tenant", "created" };
	enum { NCOLS = sizeof(head) / sizeof(head[0]) };
	json_t *tokens = json_object_get(answer, "tokens");

	if (!json_is_array(tokens)) {
		fprintf(stderr, "tl: the answer holds no list of tokens\n");
		return TL_EXIT_CHECK;
	}
	return tl_cli_show_rows(tokens, head, keys, NCOLS);
}

static int tokens_list(int argc, char **argv)
{
	return tl_pages_command(argc, argv, list_help, "tokens list", "/v1/tokens", "tokens",
				show_list);
}

static const char revoke_help[] =
	"usage: tl [GLOBAL OPTIONS] tokens revoke ID [--json]\n"
	"\n"
	"Revokes an API token by its ID ('tl tokens list'): from now on it is refused.\n"
	"Needs an admin token.\n"
	"\n"
	"exit: 0 revoked, 1 unknown token, refused or unreachable, 2 usage\n";

static int show_revoked(json_t *answer)
{
	char buf[64];
	printf("revoked token ");
	tl_cli_put_safe(stdout, tl_cli_cell(json_object_get(answer, "revoked"), buf, sizeof(buf)));
	putchar('\n');
	return TL_EXIT_OK;
}

static int tokens_revoke(int argc, char **argv)
{
	const char *id;
	json_t *answer;
	int rc = tl_client_args(argc, argv, revoke_help, 1, &id);

	if (rc >= 0)
		return rc;
	if ((rc = tl_client_call(TL_HTTP_DELETE, "/v1/tokens", id, NULL, NULL, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_revoked);
}

static const struct tl_cmd tokens_cmds[] = {
	{ "create", tokens_create, "create an API token with a role (shown once)" },
	{ "list", tokens_list, "the API tokens, without their secrets" },
	{ "revoke", tokens_revoke, "revoke an API token" },
	{ NULL, NULL, NULL },
};

int tl_cmd_tokens(int argc, char **argv)
{
	return tl_cli_dispatch("tl tokens", tokens_cmds, argc - 1, argv + 1);
}
