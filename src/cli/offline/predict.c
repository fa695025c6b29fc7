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

struct predict_args {
	struct tl_predict_in in;
	uint8_t *bufs[TL_PREDICT_MAX_APPS + TL_PREDICT_MAX_FILES + 2];
	size_t nbufs;
	const char *vars, *cfg, *out_log;
	bool json;
};

/* path's bytes (at most max) into *out, kept in a->bufs to be freed. */
static bool load(struct predict_args *a, const char *path, size_t max, struct tl_bytes *out)
{
	size_t len;
	if (tl_cli_read_file(path, max, &a->bufs[a->nbufs], &len) != TL_OK)
		return false;
	*out = (struct tl_bytes){ a->bufs[a->nbufs++], len };
	return true;
}

/* One option (argv[*i], its value after it); -1 to go on, else the exit code. */
static int option(struct predict_args *a, int argc, char **argv, int *i)
{
	const char *o = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	struct tl_predict_in *in = &a->in;
	char *end, *eq;
	if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
		fputs(predict_help, stdout);
		return TL_EXIT_OK;
	}
	if (strcmp(o, "--json") == 0) {
		a->json = true;
		return -1;
	}
	if (!v)
		goto usage;
	++*i;
	if (strcmp(o, "--vars") == 0)
		a->vars = v;
	else if (strcmp(o, "--grub-cfg") == 0)
		a->cfg = v;
	else if (strcmp(o, "--grub-prefix") == 0)
		in->grub_prefix = v;
	else if (strcmp(o, "--cmdline") == 0)
		in->cmdline = v;
	else if (strcmp(o, "--eventlog-out") == 0)
		a->out_log = v;
	else if (strcmp(o, "--failed-attempts") == 0) {
		unsigned long n = strtoul(v, &end, 10);
		if (*end || n > 16) {
			fprintf(stderr, "tl predict: --failed-attempts takes 0 to 16\n");
			return TL_EXIT_USAGE;
		}
		in->failed_attempts = (unsigned)n;
	} else if (strcmp(o, "--app") == 0 && in->napps < TL_PREDICT_MAX_APPS) {
		if (!load(a, v, TL_PE_MAX_SIZE, &in->apps[in->napps]))
			return TL_EXIT_USAGE;
		in->napps++;
	} else if (strcmp(o, "--file") == 0 && in->nfiles < TL_PREDICT_MAX_FILES &&
		   (eq = strchr(argv[*i], '='))) {
		*eq = '\0';
		if (!load(a, eq + 1, MAX_INPUT, &in->files[in->nfiles].data))
			return TL_EXIT_USAGE;
		in->files[in->nfiles++].path = argv[*i];
	} else
		goto usage;
	return -1;
usage:
	fprintf(stderr, "tl predict: unexpected '%s'\n\n%s", o, predict_help);
	return TL_EXIT_USAGE;
}

static bool write_log(const char *path, const uint8_t *log, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && log && fwrite(log, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "tl: %s: cannot write\n", path);
	return ok;
}

static void show(json_t *doc)
{
	const char *bank, *idx;
	json_t *pcrs, *val, *n;
	size_t k;
	json_object_foreach(json_object_get(doc, "pcrs"), bank, pcrs)
		json_object_foreach(pcrs, idx, val)
			printf("%s:%s %s\n", bank, idx, json_string_value(val));
	json_array_foreach(json_object_get(doc, "notes"), k, n)
		printf("# %s\n", json_string_value(n));
}

/* The prediction from the loaded inputs; the exit code. */
static int run(struct predict_args *a)
{
	uint8_t *logb = NULL;
	size_t loglen = 0;
	json_t *doc = NULL;
	int err, rc = TL_EXIT_USAGE;

	if (!load(a, a->vars, MAX_INPUT, &a->in.vars) ||
	    (a->cfg && !load(a, a->cfg, 1u << 20, &a->in.grub_cfg)))
		return TL_EXIT_USAGE;
	if ((err = tl_predict(&a->in, &doc, a->out_log ? &logb : NULL, &loglen)) != TL_OK)
		rc = tl_cli_fail("predict", err);
	else if (!a->out_log || write_log(a->out_log, logb, loglen)) {
		if (a->json)
			tl_cli_print_json(json_incref(doc));
		else
			show(doc);
		rc = TL_EXIT_OK;
	}
	json_decref(doc);
	free(logb);
	return rc;
}

int tl_cmd_predict(int argc, char **argv)
{
	struct predict_args a;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	for (int i = 1; i < argc && rc < 0; i++)
		rc = option(&a, argc, argv, &i);
	if (rc < 0 && (!a.vars || !a.in.napps)) {
		fprintf(stderr, "tl predict: --vars and at least one --app are needed\n\n%s",
			predict_help);
		rc = TL_EXIT_USAGE;
	}
	if (rc < 0)
		rc = run(&a);
	for (size_t i = 0; i < a.nbufs; i++)
		free(a.bufs[i]);
	return rc;
}
