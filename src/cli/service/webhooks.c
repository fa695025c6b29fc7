/* tl webhooks create|list|show|test|deliveries|delete (docs/posture.md, "Webhooks"). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char create_help[] =
	"usage: tl [GLOBAL OPTIONS] webhooks create --url URL --event TYPE [--event TYPE]... [--json]\n"
	"\n"
	"A webhook: trustlaunchd POSTs each event of these types to URL, signed as Standard\n"
	"Webhooks does (webhook-id, webhook-timestamp, webhook-signature: v1,<HMAC-SHA256>),\n"
	"at least once, retried with back-off. Types: alert.created, alert.updated,\n"
	"alert.resolved, attestation.unhealthy, recommendation.changed. The signing secret\n"
	"is shown this once: keep it where the receiver reads it. Needs an operator token.\n"
	"exit: 0 created, 1 refused or unreachable, 2 usage\n";

static const char list_help[] =
	"usage: tl [GLOBAL OPTIONS] webhooks list [--limit N] [--cursor C] [--json]\n"
	"\n"
	"The webhooks of your tenant (no secrets), oldest first; every page unless --limit or\n"
	"--cursor is given.\n"
	"exit: 0 listed, 1 refused or unreachable, 2 usage\n";

static const char one_help[] =
	"usage: tl [GLOBAL OPTIONS] webhooks show|test|delete ID [--json]\n"
	"\n"
	"show: the webhook; test: queue a webhook.test event to it alone (operator); delete: the\n"
	"webhook and its undelivered events go (operator).\n"
	"exit: 0 done, 1 unknown webhook, refused or unreachable, 2 usage\n";

static const char deliveries_help[] =
	"usage: tl [GLOBAL OPTIONS] webhooks deliveries ID [--limit N] [--cursor C] [--json]\n"
	"\n"
	"Every delivery attempt, newest first: the event, its attempt number, the receiver's\n"
	"HTTP status (0: no answer), the error, how long it took. One page (50) unless --limit.\n"
	"exit: 0 listed, 1 unknown webhook, refused or unreachable, 2 usage\n";

static const char *const hook_keys[] = { "id", "url", "events", "created_by", "created",
					 "secret" /* last: shown once */ };

static int show_hook(json_t *w)
{
	bool secret = json_object_get(w, "secret") != NULL; /* only when created */
	size_t n = sizeof(hook_keys) / sizeof(hook_keys[0]) - (secret ? 0 : 1);
	int rc = tl_cli_show_fields(w, hook_keys, n);
	if (secret)
		printf("\nThe secret is shown this once: the receiver checks signatures with it.\n");
	return rc;
}

static int create(int argc, char **argv)
{
	json_t *body = json_object(), *events = json_array(), *answer;
	bool ok = body && events && json_object_set(body, "events", events) == 0;
	int rc;
	json_decref(events);
	for (int i = 1; ok && i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (tl_cli_is_help(o)) {
			fputs(create_help, stdout);
			json_decref(body);
			return TL_EXIT_OK;
		}
		if (strcmp(o, "--json") == 0)
			tl_client_opts.json = true;
		else if (v && strcmp(o, "--url") == 0 && !json_object_get(body, "url"))
			ok = json_object_set_new(body, "url", json_string(v)) == 0, i++;
		else if (v && strcmp(o, "--event") == 0)
			ok = json_array_append_new(events, json_string(v)) == 0, i++;
		else
			ok = false;
		if (!ok) {
			fprintf(stderr, "tl webhooks create: unexpected or bad '%s'\n\n%s", o,
				create_help);
			json_decref(body);
			return TL_EXIT_USAGE;
		}
	}
	if (!ok || !json_object_get(body, "url") || !json_array_size(events)) {
		fprintf(stderr, "tl webhooks create: --url and an --event are needed\n\n%s",
			create_help);
		json_decref(body);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_client_call(TL_HTTP_POST, "/v1/webhooks", NULL, NULL, body, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_hook);
}

static int show_list(json_t *answer)
{
	static const char *const head[] = { "ID", "URL", "EVENTS", "CREATED" };
	static const char *const keys[] = { "id", "url", "events", "created" };
	json_t *hooks = json_object_get(answer, "webhooks");
	if (!json_array_size(hooks)) {
		printf("no webhooks\n");
		return TL_EXIT_OK;
	}
	return tl_cli_show_rows(hooks, head, keys, 4);
}

static int list(int argc, char **argv)
{
	return tl_pages_command(argc, argv, list_help, "webhooks list", "/v1/webhooks", "webhooks",
				show_list);
}

static int show_done(json_t *answer)
{
	const char *del = json_string_value(json_object_get(answer, "deleted"));
	if (del)
		printf("deleted webhook %s\n", del);
	else
		printf("queued a webhook.test event to %s\n",
		       json_string_value(json_object_get(answer, "webhook_id")));
	return TL_EXIT_OK;
}

/* show, test, delete: one webhook by id. */
static int one(int argc, char **argv)
{
	const char *id;
	json_t *answer;
	bool test = strcmp(argv[0], "test") == 0, del = strcmp(argv[0], "delete") == 0;
	int rc = tl_client_args(argc, argv, one_help, 1, &id);
	if (rc >= 0)
		return rc;
	if ((rc = tl_client_call(test ? TL_HTTP_POST : del ? TL_HTTP_DELETE : TL_HTTP_GET,
				 "/v1/webhooks", id, test ? "/test" : NULL, test ? json_object() : NULL,
				 &answer)) != 0)
		return rc;
	return tl_client_output(answer, test || del ? show_done : show_hook);
}

static int show_deliveries(json_t *answer)
{
	static const char *const head[] = { "EVENT", "TYPE", "ATTEMPT", "STATUS", "MS", "ERROR",
					    "TIME" };
	static const char *const keys[] = { "event_id", "type", "attempt", "status",
					    "duration_ms", "error", "time" };
	json_t *list = json_object_get(answer, "deliveries");
	if (!json_array_size(list)) {
		printf("no deliveries yet\n");
		return TL_EXIT_OK;
	}
	int rc = tl_cli_show_rows(list, head, keys, 7);
	tl_pages_say_more(answer);
	return rc;
}

static int deliveries(int argc, char **argv)
{
	struct tl_pages pages = { 0 };
	const char *id = NULL;
	json_t *answer;
	int rc;
	for (int i = 1; i < argc; i++) {
		if (tl_cli_is_help(argv[i])) {
			fputs(deliveries_help, stdout);
			return TL_EXIT_OK;
		}
		if (strcmp(argv[i], "--json") == 0)
			tl_client_opts.json = true;
		else if ((rc = tl_pages_option(argc, argv, &i, &pages, "webhooks deliveries")) < 0)
			return TL_EXIT_USAGE;
		else if (rc == 0 && argv[i][0] != '-' && !id)
			id = argv[i];
		else if (rc == 0) {
			fprintf(stderr, "tl webhooks deliveries: unexpected '%s'\n\n%s", argv[i],
				deliveries_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!id) {
		fputs(deliveries_help, stderr);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_pages_get("/v1/webhooks", id, "/deliveries", "deliveries", &pages,
			       &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_deliveries);
}

int tl_cmd_webhooks(int argc, char **argv)
{
	static const struct tl_cmd cmds[] = {
		{ "create", create, "a webhook for these event types (its secret shown once)" },
		{ "list", list, "the webhooks of the token's tenant" },
		{ "show", one, "one webhook" },
		{ "test", one, "send it a webhook.test event" },
		{ "deliveries", deliveries, "every delivery attempt, newest first" },
		{ "delete", one, "delete a webhook and its undelivered events" },
		{ NULL, NULL, NULL },
	};
	return tl_cli_dispatch("tl webhooks", cmds, argc - 1, argv + 1);
}
