/* tl revocations check|show: is a VM's dbx and SbatLevel as current as the revocation data
 * the operator keeps, and did this boot run revoked code? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "revocations.h"
#include "trustlaunch/limits.h"
#include "trustlaunch/varstore.h"

static const char check_help[] =
	"usage: tl revocations check (--eventlog FILE | --vars OVMF_VARS.fd) [--image FILE]...\n"
	"                            [--dbx-info FILE] [--dbx-update FILE] [--sbat-levels FILE]\n"
	"                            [--arch ARCH] [--kek CERT] [--json]\n"
	"\n"
	"Decides the recommendation revocations-current (\"Secure Boot revocation lists should be\n"
	"up to date\", low): compares the VM's dbx with the current Microsoft dbx (which entries it\n"
	"lacks, by date and description, e.g. BootHole, BlackLotus), looks up this boot's\n"
	"applications (their Authenticode SHA-256 from PCR 4) in the current dbx, and compares\n"
	"the VM's SbatLevel with the newest generation shim has published.\n"
	"\n"
	"  --eventlog FILE    a TCG event log: Secure Boot state, dbx and SbatLevel from PCR 7,\n"
	"                     boot applications from PCR 4\n"
	"  --vars FILE        an OVMF variable store: Secure Boot is on when it holds a PK; dbx\n"
	"                     and SbatLevel from it; and whether its KEK would accept the dbx\n"
	"                     update (its signature verified as firmware does)\n"
	"  --image FILE       a boot component (shim, GRUB): its Authenticode digest is looked up\n"
	"                     in the current dbx, its .sbat section compared with the newest\n"
	"                     SbatLevel generation (repeatable)\n"
	"  --dbx-info FILE    Microsoft's dbx_info JSON (default DIR/" TL_REVOC_INFO_FILE ")\n"
	"  --dbx-update FILE  the signed dbx update (default DIR/" TL_REVOC_UPDATE_FILE ")\n"
	"  --sbat-levels FILE shim's SbatLevel generations (default DIR/" TL_REVOC_SBAT_FILE ")\n"
	"  --arch ARCH        whose dbx images count: x64 (default), ia32, aarch64, arm\n"
	"  --kek CERT         verify the dbx update's PKCS#7 signature as firmware would, with\n"
	"                     this KEK certificate (DER or PEM; Microsoft Corporation KEK CA 2011\n"
	"                     for Microsoft's updates) as the anchor; refused (exit 2) otherwise\n"
	"  --json             the whole report as JSON\n"
	"\n"
	"DIR is $TL_REVOCATIONS_DIR, else " TL_REVOC_DEFAULT_DIR "; a default file that is absent\n"
	"is skipped, a named one must exist. Without --kek the update's signature is not\n"
	"verified (its structure is).\n"
	"exit: 0 current (or not applicable: Secure Boot off), 1 lacks revocations or ran revoked\n"
	"code, 2 unusable input\n";

static int add_image(struct tl_revoc_data *d, struct tl_revoc_vm *vm, const char *path,
		     struct tl_bytes *sbat)
{
	uint8_t *buf = NULL, digest[TL_MAX_DIGEST];
	size_t len;
	struct tl_pe *pe = malloc(sizeof(*pe));
	int rc = TL_EXIT_USAGE, err;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	sbat->ptr = NULL;
	sbat->len = 0;
	if (!pe || tl_cli_read_file(path, TL_PE_MAX_SIZE, &buf, &len) != TL_OK)
		goto out;
	if ((err = tl_pe_parse((struct tl_bytes){ buf, len }, pe)) != TL_OK ||
	    (err = tl_pe_authenticode(pe, TL_ALG_SHA256, digest)) != TL_OK ||
	    (err = tl_revoc_vm_add_app(vm, base, digest)) != TL_OK) {
		rc = tl_cli_fail(path, err);
		goto out;
	}
	if (tl_pe_section(pe, ".sbat", sbat)) {
		d->image_buf[d->nimages] = buf; /* sbat views into it */
		d->image_name[d->nimages] = base;
		d->image_sbat[d->nimages++] = *sbat;
		buf = NULL;
	}
	rc = TL_EXIT_OK;
out:
	free(pe);
	free(buf);
	return rc;
}

/* Would the store's KEK let its firmware apply the update (tl vm update-dbx)? */
static void kek_accepts(struct tl_bytes fd, const struct tl_revoc_data *d, struct tl_revoc_vm *vm)
{
	struct tl_bytes kek;
	bool appended;
	if (!d->have_update)
		return;
	if (tl_varstore_get(fd, &TL_GUID_GLOBAL_VARIABLE, "KEK", &kek) != TL_OK) {
		vm->kek_accepts_update = 0;
		return;
	}
	vm->kek_accepts_update = tl_dbx_update_verify_kek_lists(&d->update, kek, &appended) == TL_OK;
}

static int load_vm(const char *eventlog, const char *vars, const struct tl_revoc_data *d,
		   struct tl_revoc_vm *vm)
{
	uint8_t *buf = NULL;
	size_t len;
	struct tl_log *log = NULL;
	json_t *facts = NULL;
	int rc = TL_EXIT_USAGE, err;

	if (eventlog) {
		if (tl_cli_load_log(eventlog, &buf, &log) != TL_EXIT_OK)
			goto out;
		if ((err = tl_facts_extract(log, TL_PCRS_ALL, &facts)) != TL_OK ||
		    (err = tl_revoc_vm_from_facts(facts, vm)) != TL_OK) {
			rc = tl_cli_fail(eventlog, err);
			goto out;
		}
	} else {
		if (tl_cli_read_file(vars, 64u * 1024u * 1024u, &buf, &len) != TL_OK)
			goto out;
		if ((err = tl_revoc_vm_from_varstore((struct tl_bytes){ buf, len }, vm)) != TL_OK) {
			rc = tl_cli_fail(vars, err);
			goto out;
		}
		kek_accepts((struct tl_bytes){ buf, len }, d, vm);
	}
	rc = TL_EXIT_OK;
out:
	json_decref(facts);
	tl_log_free(log);
	free(buf);
	return rc;
}

struct check_opts {
	const char *eventlog, *vars, *images[TL_REVOC_MAX_IMAGES];
	size_t nimages;
	struct tl_revoc_paths paths;
	bool json;
};

/* -1 to go on, else the exit code. */
static int parse_check(int argc, char **argv, struct check_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int r = tl_revoc_path_option(&o->paths, argv[i], v);
		if (r > 0) {
			i++;
		} else if (tl_cli_is_help(argv[i])) {
			fputs(check_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (v && strcmp(argv[i], "--eventlog") == 0) {
			o->eventlog = argv[++i];
		} else if (v && strcmp(argv[i], "--vars") == 0) {
			o->vars = argv[++i];
		} else if (v && strcmp(argv[i], "--image") == 0 && o->nimages < TL_REVOC_MAX_IMAGES) {
			o->images[o->nimages++] = argv[++i];
		} else {
			fprintf(stderr, "tl revocations check: unexpected '%s'\n\n%s", argv[i],
				check_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!o->eventlog == !o->vars) {
		fprintf(stderr, "tl revocations check: one of --eventlog or --vars is needed\n\n%s",
			check_help);
		return TL_EXIT_USAGE;
	}
	return -1;
}

static int check(int argc, char **argv)
{
	struct check_opts o = { .nimages = 0 };
	struct tl_revoc_data d;
	struct tl_revoc_vm vm = { .napps = 0 };
	struct tl_revoc_report rep = { .nreasons = 0 };
	struct tl_bytes sbat;
	int rc, err;

	memset(&d, 0, sizeof(d));
	if ((rc = parse_check(argc, argv, &o)) >= 0)
		return rc;
	if ((rc = tl_revoc_data_load(&o.paths, &d)) != TL_EXIT_OK ||
	    (rc = load_vm(o.eventlog, o.vars, &d, &vm)) != TL_EXIT_OK)
		goto out;
	for (size_t i = 0; i < o.nimages; i++)
		if ((rc = add_image(&d, &vm, o.images[i], &sbat)) != TL_EXIT_OK)
			goto out;
	if ((err = tl_revoc_check(&vm, d.have_list ? &d.list : NULL,
				  d.have_levels ? &d.levels : NULL, &rep)) != TL_OK) {
		rc = tl_cli_fail("revocations", err);
		goto out;
	}
	for (size_t i = 0; d.have_levels && i < d.nimages; i++)
		if ((err = tl_revoc_check_image(&rep, d.image_name[i], d.image_sbat[i],
						&d.levels)) != TL_OK) {
			rc = tl_cli_fail(d.image_name[i], err);
			goto out;
		}
	rc = rep.status == TL_REVOC_UNHEALTHY ? TL_EXIT_CHECK : TL_EXIT_OK;
	if (o.json) {
		json_t *j = tl_revoc_report_json(&rep, &vm, d.have_list ? &d.list : NULL,
						 d.have_levels ? &d.levels : NULL);
		if (!j || tl_cli_print_json(j) != 0)
			rc = TL_EXIT_USAGE;
	} else {
		tl_revoc_print_report(&rep, &vm, &d);
	}
out:
	tl_revoc_report_clear(&rep);
	tl_revoc_vm_clear(&vm);
	tl_revoc_data_clear(&d);
	return rc;
}

static const struct tl_cmd cmds[] = {
	{ "check", check, "are a VM's dbx and SbatLevel current? did it boot revoked code?" },
	{ "show", tl_revoc_show, "the current revocation data: dbx groups, SbatLevel generations" },
	{ NULL, NULL, NULL },
};

int tl_cmd_revocations(int argc, char **argv)
{
	return tl_cli_dispatch("tl revocations", cmds, argc - 1, argv + 1);
}
