/* tl baseline: the facts a VM's boots are compared with: show, relearn from an
 * attestation, or set from a manifest such as `tl predict --json`. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The server refuses request bodies over 4 MiB. */
#define MAX_MANIFEST (4u * 1024u * 1024u)

static int show_baseline(json_t *b)
{
	static const char *const fields[] = { "vm_id", "source", "created", "attestation_id" };
	static const char *const head[] = { "COMPONENT", "VALUE" };
	json_t *components = json_object_get(b, "components"), *v;
	struct tl_table *t;
	const char *name;
	int err = TL_OK;
	int rc = tl_cli_show_fields(b, fields, sizeof(fields) / sizeof(fields[0]));

	if (rc != TL_EXIT_OK)
		return rc;
	if (!json_is_object(components)) {
		fprintf(stderr, "tl: the baseline holds no components\n");
		return TL_EXIT_CHECK;
	}
	putchar('\n');
	t = tl_table_new(2, head);
	json_object_foreach(components, name, v) {
		char buf[160];
		const char *cells[2] = { name, tl_cli_cell(v, buf, sizeof(buf)) };
		if (!t || (err = tl_table_add(t, cells)) != TL_OK)
			break;
	}
	return tl_table_show(t, err);
}

static const char show_help[] =
	"usage: tl [GLOBAL OPTIONS] baseline show VM [--json]\n"
	"\n"
	"Shows the baseline of VM: where it came from (learned from an attestation, or set from\n"
	"a manifest), when, and its components, each value cut to fit (--json has them whole).\n"
	"\n"
	"exit: 0 shown, 1 no such VM or baseline, refused or unreachable, 2 usage\n";

static int baseline_show(int argc, char **argv)
{
	const char *vm;
	json_t *answer;
	int rc = tl_client_args(argc, argv, show_help, 1, &vm);

	if (rc >= 0)
		return rc;
	if ((rc = tl_client_call(TL_HTTP_GET, "/v1/vms", vm, "/baseline", NULL, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_baseline);
}

static const char relearn_help[] =
	"usage: tl [GLOBAL OPTIONS] baseline relearn VM [--attestation ID] [--json]\n"
	"\n"
	"Replaces the baseline of VM with the facts of one of its attestations (the latest\n"
	"when --attestation is absent; 'tl attestations VM' lists them) and shows it. Needs an\n"
	"operator token.\n"
	"\n"
	"exit: 0 relearned, 1 refused or unreachable, 2 usage\n";

static int baseline_relearn(int argc, char **argv)
{
	const char *vm = NULL;
	json_t *body = json_object(), *answer;
	int rc;

	for (int i = 1; body && i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (tl_cli_is_help(o)) {
			fputs(relearn_help, stdout);
			json_decref(body);
			return TL_EXIT_OK;
		} else if (strcmp(o, "--json") == 0) {
			tl_client_opts.json = true;
		} else if (v && strcmp(o, "--attestation") == 0) {
			char *end;
			unsigned long long n = strtoull(argv[++i], &end, 10);
			if (v[0] < '1' || v[0] > '9' || *end || n > (unsigned long long)LLONG_MAX ||
			    json_object_set_new(body, "attestation_id", json_string(v))) {
				fprintf(stderr, "tl baseline relearn: --attestation takes an "
						"attestation's ID, a positive integer\n");
				json_decref(body);
				return TL_EXIT_USAGE;
			}
		} else if (o[0] != '-' && !vm) {
			vm = o;
		} else {
			fprintf(stderr, "tl baseline relearn: unexpected '%s'\n\n%s", o, relearn_help);
			json_decref(body);
			return TL_EXIT_USAGE;
		}
	}
	if (!body || !vm) {
		fputs(relearn_help, stderr);
		json_decref(body);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_client_call(TL_HTTP_POST, "/v1/vms", vm, "/baseline/relearn", body,
				 &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_baseline);
}

static const char set_help[] =
	"usage: tl [GLOBAL OPTIONS] baseline set VM MANIFEST.json [--json]\n"
	"\n"
	"Replaces the baseline of VM with a manifest: a JSON object with \"components\", such as\n"
	"the output of 'tl predict --json' for the VM's boot artifacts ('-' reads standard\n"
	"input). Shows the new baseline. Needs an operator token.\n"
	"\n"
	"exit: 0 set, 1 refused or unreachable, 2 usage or an unusable manifest\n";

static int baseline_set(int argc, char **argv)
{
	const char *pos[2];
	uint8_t *buf;
	size_t len;
	json_t *manifest, *answer;
	json_error_t jerr;
	int rc = tl_client_args(argc, argv, set_help, 2, pos);

	if (rc >= 0)
		return rc;
	if (tl_cli_read_file(pos[1], MAX_MANIFEST, &buf, &len) != TL_OK)
		return TL_EXIT_USAGE;
	manifest = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (!manifest) {
		fprintf(stderr, "tl: %s: not JSON: line %d: ", pos[1], jerr.line);
		tl_cli_put_safe(stderr, jerr.text);
		fputc('\n', stderr);
		return TL_EXIT_USAGE;
	}
	if (!json_is_object(json_object_get(manifest, "components"))) {
		fprintf(stderr, "tl: %s: a manifest is a JSON object with \"components\" "
				"(tl predict --json writes one)\n", pos[1]);
		json_decref(manifest);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_client_call(TL_HTTP_PUT, "/v1/vms", pos[0], "/baseline", manifest,
				 &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_baseline);
}

static const struct tl_cmd baseline_cmds[] = {
	{ "show", baseline_show, "a VM's baseline: its source and components" },
	{ "relearn", baseline_relearn, "learn a VM's baseline again from an attestation" },
	{ "set", baseline_set, "set a VM's baseline from a manifest (tl predict --json)" },
	{ NULL, NULL, NULL },
};

int tl_cmd_baseline(int argc, char **argv)
{
	return tl_cli_dispatch("tl baseline", baseline_cmds, argc - 1, argv + 1);
}
