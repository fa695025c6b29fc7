/* tl eventlog diff: what changed between two boots, by component. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eventlog.h"
#include "trustlaunch/compare.h"
#include "trustlaunch/facts.h"

static const char diff_help[] =
	"usage: tl eventlog diff EXPECTED ACTUAL [--json]\n"
	"\n"
	"Compares the facts of two TCG event logs (tl eventlog facts) component by component:\n"
	"Secure Boot state and databases, authorities, SBAT level, firmware version, boot\n"
	"applications, GRUB commands, kernel command line, loaded files. Every difference is\n"
	"named with what was expected and what was found.\n"
	"\n"
	"  --json   [{\"component\",\"message\",\"expected\",\"actual\"}, ...]\n"
	"\n"
	"exit: 0 the same, 1 a component differs, 2 unusable input\n";

static int facts_of(const char *path, json_t **facts)
{
	uint8_t *buf;
	struct tl_log *log;
	int rc = tl_cli_load_log(path, &buf, &log), err;
	if (rc != TL_EXIT_OK)
		return rc;
	err = tl_facts_extract(log, TL_PCRS_ALL, facts);
	tl_log_free(log);
	free(buf);
	return err == TL_OK ? TL_EXIT_OK : tl_cli_fail(path, err);
}

int tl_eventlog_diff(int argc, char **argv)
{
	const char *files[2] = { NULL, NULL };
	bool json = false;
	int nfiles = 0, rc;
	json_t *f[2] = { NULL, NULL }, *d = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(diff_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (argv[i][0] != '-' && nfiles < 2) {
			files[nfiles++] = argv[i];
		} else {
			fputs(diff_help, stderr);
			return TL_EXIT_USAGE;
		}
	}
	if (nfiles != 2) {
		fputs(diff_help, stderr);
		return TL_EXIT_USAGE;
	}
	if ((rc = facts_of(files[0], &f[0])) != TL_EXIT_OK ||
	    (rc = facts_of(files[1], &f[1])) != TL_EXIT_OK)
		goto out;
	d = tl_facts_compare(f[0], f[1]);
	if (!d) {
		rc = tl_cli_fail("diff", TL_E_NOMEM);
		goto out;
	}
	rc = json_array_size(d) ? TL_EXIT_CHECK : TL_EXIT_OK;
	if (json) {
		if (tl_cli_print_json(json_incref(d)) != 0)
			rc = TL_EXIT_USAGE;
	} else {
		size_t i;
		json_t *e;
		json_array_foreach(d, i, e)
			tl_cli_line(stdout, "%-26s %s",
				    json_string_value(json_object_get(e, "component")),
				    json_string_value(json_object_get(e, "message")));
		if (rc == TL_EXIT_OK)
			printf("no component differs\n");
	}
out:
	json_decref(d);
	json_decref(f[0]);
	json_decref(f[1]);
	return rc;
}
