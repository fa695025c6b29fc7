/* tl image predict: an image's reference values, before a VM boots it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "image/predict.h"
#include "trustlaunch/limits.h"

static const char predict_help[] =
	"usage: tl image predict DIR --vars FILE [--failed-attempts N] [--against LOG] [--json]\n"
	"\n"
	"Predicts the reference values of a boot of the image in DIR (tl image build: parts/\n"
	"shim, GRUB, kernel, initrd and grub.cfg) with the OVMF variable store FILE: the manifest\n"
	"trustlaunchd takes as a VM's baseline (PUT /v1/vms/{id}/baseline), as tl predict --json\n"
	"prints it. The kernel command line and initrd are those of grub.cfg's first menuentry.\n"
	"\n"
	"  --failed-attempts N  boot options OVMF tries before the image's disk (default 0)\n"
	"  --against LOG        compare with a real boot's TCG event log as trustlaunchd would:\n"
	"                       the differences by component (none: exit 0)\n"
	"\n"
	"exit: 0 predicted (and the boot agrees), 1 the boot differs, 2 unusable input\n";

static void show(json_t *doc)
{
	const char *bank, *idx;
	json_t *pcrs, *val;
	json_object_foreach(json_object_get(doc, "pcrs"), bank, pcrs)
		json_object_foreach(pcrs, idx, val)
			printf("%s:%s %s\n", bank, idx, json_string_value(val));
	tl_cli_line(stdout, "kernel_cmdline %s",
		    json_string_value(json_object_get(json_object_get(doc, "components"),
						      "kernel_cmdline")));
}

/* The manifest (taken) against a real boot's log: the differences, exit 1 when any. */
static int compare(json_t *doc, const char *log, bool json)
{
	uint8_t *buf = NULL;
	size_t len, k;
	json_t *diff = NULL, *d;
	int rc = TL_EXIT_USAGE, err;
	if (tl_cli_read_file(log, TL_MAX_LOG_SIZE, &buf, &len) != TL_OK)
		goto out;
	if ((err = tl_host_predict_compare(doc, buf, len, &diff)) != TL_OK) {
		rc = tl_cli_fail(log, err);
		goto out;
	}
	rc = json_array_size(diff) ? TL_EXIT_CHECK : TL_EXIT_OK;
	if (json) {
		tl_cli_print_json(json_incref(diff));
	} else {
		json_array_foreach(diff, k, d)
			tl_cli_line(stdout, "%s: %s",
				    json_string_value(json_object_get(d, "component")),
				    json_string_value(json_object_get(d, "message")));
		if (!json_array_size(diff))
			printf("the boot agrees with the prediction\n");
	}
out:
	json_decref(diff);
	json_decref(doc);
	free(buf);
	return rc;
}

int tl_image_predict(int argc, char **argv)
{
	struct tl_host_predict_opts o = { 0, NULL };
	const char *dir = NULL, *vars = NULL, *against = NULL;
	char err[512], *end;
	json_t *doc = NULL;
	bool json = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (tl_cli_is_help(argv[i])) {
			fputs(predict_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (v && strcmp(argv[i], "--vars") == 0) {
			vars = argv[++i];
		} else if (v && strcmp(argv[i], "--against") == 0) {
			against = argv[++i];
		} else if (v && strcmp(argv[i], "--failed-attempts") == 0) {
			unsigned long n = strtoul(argv[++i], &end, 10);
			if (*end || n > 16)
				goto usage;
			o.failed_attempts = (unsigned)n;
		} else if (argv[i][0] != '-' && !dir) {
			dir = argv[i];
		} else {
			goto usage;
		}
	}
	if (!dir || !vars)
		goto usage;
	if ((rc = tl_host_predict(dir, vars, &o, &doc, err, sizeof(err))) != TL_OK) {
		fprintf(stderr, "tl: %s (%s)\n", err[0] ? err : tl_err_msg(rc), tl_err_name(rc));
		return TL_EXIT_USAGE;
	}
	if (against)
		return compare(doc, against, json);
	if (json)
		return tl_cli_print_json(doc) ? TL_EXIT_USAGE : TL_EXIT_OK;
	show(doc);
	json_decref(doc);
	return TL_EXIT_OK;
usage:
	fprintf(stderr, "tl image predict: DIR and --vars are needed\n\n%s", predict_help);
	return TL_EXIT_USAGE;
}
