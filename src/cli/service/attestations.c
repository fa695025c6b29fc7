/* tl attestations: a VM's attestation history, each verdict with its reasons. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char attestations_help[] =
	"usage: tl [GLOBAL OPTIONS] attestations VM [--unverified] [--limit N] [--cursor C]\n"
	"                                          [--all] [--json]\n"
	"\n"
	"Lists the attestations of VM, newest first: when, the verdict, and each reason of a\n"
	"verdict that is not a pass (its code, a sentence, the component, and expected against\n"
	"actual values, cut to fit; --json has them whole).\n"
	"\n"
	"  --unverified  the quotes VM's enrolled TPM did not make (anyone may send one: the\n"
	"                newest 100 are kept apart from its history, all are counted)\n"
	"  --limit N     at most N a page (1 to 1000; the server's default, 50, when absent)\n"
	"  --cursor C    the page after the one that gave next_cursor C (\"more: ...\" on stderr)\n"
	"  --all         every page\n"
	"  --json        {\"attestations\":[{\"id\",\"time\",\"verdict\",\"reasons\":[...]}...],\n"
	"                \"next_cursor\"}\n"
	"\n"
	"exit: 0 listed, 1 unknown VM, refused or unreachable, 2 usage\n";

/* "code: message [component] expected X, actual Y" */
static const char *reason_text(json_t *r, char *out, size_t cap)
{
	char exp[96], act[96], buf[16];
	json_t *component = json_object_get(r, "component");
	json_t *expected = json_object_get(r, "expected"), *actual = json_object_get(r, "actual");
	int n = snprintf(out, cap, "%s: %s", tl_cli_cell(json_object_get(r, "code"), buf, sizeof(buf)),
			 json_string_value(json_object_get(r, "message"))
				 ? json_string_value(json_object_get(r, "message"))
				 : "");

	if (n >= 0 && (size_t)n < cap && json_is_string(component))
		n += snprintf(out + n, cap - (size_t)n, " [%s]", json_string_value(component));
	if (n >= 0 && (size_t)n < cap && (expected || actual))
		snprintf(out + n, cap - (size_t)n, " expected %s, actual %s",
			 tl_cli_cell(expected, exp, sizeof(exp)), tl_cli_cell(actual, act, sizeof(act)));
	return out;
}

static int add_attestation(struct tl_table *t, json_t *a)
{
	char id[64], when[64], verdict[64], reason[512];
	json_t *reasons = json_object_get(a, "reasons"), *r;
	const char *cells[4] = { tl_cli_cell(json_object_get(a, "id"), id, sizeof(id)),
				 tl_cli_time_cell(json_object_get(a, "time"), when, sizeof(when)),
				 tl_cli_cell(json_object_get(a, "verdict"), verdict, sizeof(verdict)),
				 "" };
	size_t i;

	if (json_array_size(reasons) == 0)
		return tl_table_add(t, cells);
	/* the first reason on the attestation's row, the others below it */
	json_array_foreach(reasons, i, r) {
		cells[3] = reason_text(r, reason, sizeof(reason));
		if (tl_table_add(t, cells) != TL_OK)
			return TL_E_NOMEM;
		cells[0] = cells[1] = cells[2] = "";
	}
	return TL_OK;
}

static int show_attestations(json_t *answer)
{
	static const char *const head[] = { "ID", "TIME", "VERDICT", "REASONS" };
	json_t *list = json_object_get(answer, "attestations"), *a;
	struct tl_table *t;
	size_t i;
	int err = TL_OK;

	if (!json_is_array(list)) {
		fprintf(stderr, "tl: the answer holds no list of attestations\n");
		return TL_EXIT_CHECK;
	}
	if (json_array_size(list) == 0) {
		printf("no attestations\n");
		return TL_EXIT_OK;
	}
	t = tl_table_new(4, head);
	json_array_foreach(list, i, a) {
		if (!t || (err = add_attestation(t, a)) != TL_OK)
			break;
	}
	return tl_table_show(t, err);
}

int tl_cmd_attestations(int argc, char **argv)
{
	const char *vm = NULL, *rest = "/attestations";
	struct tl_pages pages = { 0 };
	json_t *answer;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		int taken;
		if (tl_cli_is_help(o)) {
			fputs(attestations_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(o, "--json") == 0) {
			tl_client_opts.json = true;
		} else if (strcmp(o, "--unverified") == 0) {
			rest = "/attestations?origin=unverified";
		} else if ((taken = tl_pages_option(argc, argv, &i, &pages, "attestations")) != 0) {
			if (taken < 0)
				return TL_EXIT_USAGE;
		} else if (o[0] != '-' && !vm) {
			vm = o;
		} else {
			fprintf(stderr, "tl attestations: unexpected '%s'\n\n%s", o, attestations_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!vm) {
		fputs(attestations_help, stderr);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_pages_get("/v1/vms", vm, rest, "attestations", &pages, &answer)) != 0)
		return rc;
	tl_pages_say_more(answer);
	return tl_client_output(answer, show_attestations);
}
