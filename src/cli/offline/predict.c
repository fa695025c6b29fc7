/* tl predict: the PCRs and components a boot of these artifacts will produce. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eventlog.h"
#include "trustlaunch/pe.h"
#include "trustlaunch/predict.h"

static const char predict_help[] =
	"usage: tl predict --vars FILE --app FILE [--app FILE...] [--cmdline STRING]\n"
	"                  [--grub-cfg FILE [--grub-prefix PATH]] [--file PATH=FILE...]\n"
	"                  [--failed-attempts N] [--eventlog-out FILE] [--json]\n"
	"\n"
	"Predicts, before a VM boots, PCR 4 and 7 (and 8 and 9 with --grub-cfg) and the boot's\n"
	"components, in the event order of OVMF, shim and Debian's GRUB.\n"
	"\n"
	"  --vars FILE          the OVMF variable store the VM boots with (PK, KEK, db, dbx)\n"
	"  --app FILE           boot images in the order firmware measures them: shim, GRUB,\n"
	"                       the kernel (twice: shim verifies it, then it is loaded)\n"
	"  --cmdline STRING     the kernel command line as GRUB measures it ('/vmlinuz ...')\n"
	"  --grub-cfg FILE      the grub.cfg GRUB reads; --grub-prefix where ((hd0)/EFI/debian)\n"
	"  --file PATH=FILE     a file GRUB reads by PATH (kernel, initrd), for PCR 9\n"
	"  --failed-attempts N  boot options OVMF tried before the one that booted (default 0)\n"
	"  --eventlog-out FILE  write the predicted event log (for tl eventlog diff/show)\n"
	"  --json               {\"pcrs\":{\"sha256\":{\"4\":hex,...}},\"components\":{...},\"notes\":[]}\n"
	"\n"
	"exit: 0 predicted, 2 unusable input\n";

#define MAX_INPUT (64u * 1024u * 1024u)

int tl_cmd_predict(int argc, char **argv)
{
	struct tl_predict_in in;
	uint8_t *bufs[TL_PREDICT_MAX_APPS + TL_PREDICT_MAX_FILES + 2] = { 0 }, *logb = NULL;
	size_t nbufs = 0, len, loglen = 0;
	const char *vars = NULL, *cfg = NULL, *out_log = NULL;
	bool json = false;
	json_t *doc = NULL;
	int rc = TL_EXIT_USAGE, err;

	memset(&in, 0, sizeof(in));
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			fputs(predict_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(o, "--json") == 0) {
			json = true;
		} else if (v && strcmp(o, "--vars") == 0) {
			vars = argv[++i];
		} else if (v && strcmp(o, "--grub-cfg") == 0) {
			cfg = argv[++i];
		} else if (v && strcmp(o, "--grub-prefix") == 0) {
			in.grub_prefix = argv[++i];
		} else if (v && strcmp(o, "--cmdline") == 0) {
			in.cmdline = argv[++i];
		} else if (v && strcmp(o, "--eventlog-out") == 0) {
			out_log = argv[++i];
		} else if (v && strcmp(o, "--failed-attempts") == 0) {
			char *end;
			unsigned long n = strtoul(argv[++i], &end, 10);
			if (*end || n > 16) {
				fprintf(stderr, "tl predict: --failed-attempts takes 0 to 16\n");
				return TL_EXIT_USAGE;
			}
			in.failed_attempts = (unsigned)n;
		} else if (v && strcmp(o, "--app") == 0 && in.napps < TL_PREDICT_MAX_APPS) {
			if (tl_cli_read_file(argv[++i], TL_PE_MAX_SIZE, &bufs[nbufs], &len) != TL_OK)
				goto out;
			in.apps[in.napps++] = (struct tl_bytes){ bufs[nbufs++], len };
		} else if (v && strcmp(o, "--file") == 0 && in.nfiles < TL_PREDICT_MAX_FILES &&
			   strchr(v, '=')) {
			char *eq = strchr(argv[++i], '=');
			*eq = '\0';
			if (tl_cli_read_file(eq + 1, MAX_INPUT, &bufs[nbufs], &len) != TL_OK)
				goto out;
			in.files[in.nfiles].path = argv[i];
			in.files[in.nfiles++].data = (struct tl_bytes){ bufs[nbufs++], len };
		} else {
			fprintf(stderr, "tl predict: unexpected '%s'\n\n%s", o, predict_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!vars || !in.napps) {
		fprintf(stderr, "tl predict: --vars and at least one --app are needed\n\n%s",
			predict_help);
		goto out;
	}
	if (tl_cli_read_file(vars, MAX_INPUT, &bufs[nbufs], &len) != TL_OK)
		goto out;
	in.vars = (struct tl_bytes){ bufs[nbufs++], len };
	if (cfg) {
		if (tl_cli_read_file(cfg, 1u << 20, &bufs[nbufs], &len) != TL_OK)
			goto out;
		in.grub_cfg = (struct tl_bytes){ bufs[nbufs++], len };
	}
	if ((err = tl_predict(&in, &doc, out_log ? &logb : NULL, &loglen)) != TL_OK) {
		rc = tl_cli_fail("predict", err);
		goto out;
	}
	if (out_log) {
		FILE *f = fopen(out_log, "wb");
		if (!f || !logb || fwrite(logb, 1, loglen, f) != loglen || fclose(f) != 0) {
			fprintf(stderr, "tl: %s: cannot write\n", out_log);
			goto out;
		}
	}
	if (json) {
		tl_cli_print_json(json_incref(doc));
	} else {
		const char *bank, *idx;
		json_t *pcrs, *val, *n;
		size_t k;
		json_object_foreach(json_object_get(doc, "pcrs"), bank, pcrs)
			json_object_foreach(pcrs, idx, val)
				printf("%s:%s %s\n", bank, idx, json_string_value(val));
		json_array_foreach(json_object_get(doc, "notes"), k, n)
			printf("# %s\n", json_string_value(n));
	}
	rc = TL_EXIT_OK;
out:
	json_decref(doc);
	free(logb);
	for (size_t i = 0; i < nbufs; i++)
		free(bufs[i]);
	return rc;
}
