/* tl revocations: where the revocation data comes from, tl revocations show, and the report
 * as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "revocations.h"
#include "trustlaunch/limits.h"

static const char show_help[] =
	"usage: tl revocations show [--dbx-info FILE] [--dbx-update FILE] [--sbat-levels FILE]\n"
	"                           [--arch ARCH] [--kek CERT] [--json]\n"
	"\n"
	"Shows the revocation data tl revocations check compares with: the dbx entries of ARCH\n"
	"(default x64) grouped by date of addition and description, the signed update's time and\n"
	"size, and every SbatLevel generation with the components it requires and its CVEs.\n"
	"Defaults as for check: $TL_REVOCATIONS_DIR, else " TL_REVOC_DEFAULT_DIR ". With --kek,\n"
	"the update's signature is verified as firmware would (see check --help).\n"
	"exit: 0 shown, 2 unusable input\n";

int tl_revoc_path_option(struct tl_revoc_paths *p, const char *opt, const char *value)
{
	const char **slot = strcmp(opt, "--dbx-info") == 0     ? &p->info
			    : strcmp(opt, "--dbx-update") == 0  ? &p->update
			    : strcmp(opt, "--sbat-levels") == 0 ? &p->sbat
			    : strcmp(opt, "--arch") == 0        ? &p->arch
			    : strcmp(opt, "--kek") == 0         ? &p->kek
								: NULL;
	if (!slot || !value)
		return 0;
	*slot = value;
	return 1;
}

/* The file named, or DIR/name when it exists; NULL when neither. buf holds the path. */
static const char *pick(const char *named, const char *name, char *buf, size_t cap)
{
	const char *dir = getenv("TL_REVOCATIONS_DIR");
	if (named)
		return named;
	snprintf(buf, cap, "%s/%s", dir && *dir ? dir : TL_REVOC_DEFAULT_DIR, name);
	return access(buf, R_OK) == 0 ? buf : NULL;
}

/* The update's signature under the KEK certificate in the file kek. */
static int verify_update(const char *kek, const char *update, const struct tl_dbx_update *up)
{
	uint8_t *buf;
	size_t len;
	bool appended;
	int err;
	if (tl_cli_read_file(kek, 1u << 20, &buf, &len) != TL_OK)
		return TL_EXIT_USAGE;
	err = tl_dbx_update_verify(up, (struct tl_bytes){ buf, len }, &appended);
	free(buf);
	if (err == TL_E_ARG) {
		fprintf(stderr, "tl: %s: not an X.509 certificate (DER or PEM)\n", kek);
		return TL_EXIT_USAGE;
	}
	return err == TL_OK ? TL_EXIT_OK : tl_cli_fail(update, err);
}

static int load_list(const struct tl_revoc_paths *p, struct tl_revoc_data *d)
{
	char b1[4096], b2[4096];
	const char *info = pick(p->info, TL_REVOC_INFO_FILE, b1, sizeof(b1));
	const char *update = pick(p->update, TL_REVOC_UPDATE_FILE, b2, sizeof(b2));
	const char *arch = p->arch ? p->arch : "x64";
	uint8_t *buf = NULL;
	size_t len;
	int err, rc;

	if (info) {
		if (tl_cli_read_file(info, TL_MAX_DBX_INFO, &buf, &len) != TL_OK)
			return TL_EXIT_USAGE;
		err = tl_dbx_info_parse((struct tl_bytes){ buf, len }, arch, &d->list);
		free(buf);
		if (err == TL_E_ARG) {
			fprintf(stderr, "tl: %s: no images of the architecture '%s'\n", info, arch);
			return TL_EXIT_USAGE;
		}
		if (err != TL_OK)
			return tl_cli_fail(info, err);
	} else {
		snprintf(d->list.arch, sizeof(d->list.arch), "%s", arch);
	}
	if (update) {
		struct tl_dbx_update up;
		if (tl_cli_read_file(update, TL_MAX_DBX_UPDATE, &d->update_buf, &len) != TL_OK)
			return TL_EXIT_USAGE;
		if ((err = tl_dbx_update_parse((struct tl_bytes){ d->update_buf, len }, &up)) !=
			    TL_OK ||
		    (err = tl_revoc_list_add_update(&d->list, &up)) != TL_OK)
			return tl_cli_fail(update, err);
		if (p->kek && (rc = verify_update(p->kek, update, &up)) != TL_EXIT_OK)
			return rc;
		d->list.update_verified = p->kek != NULL;
		d->update = up;
		d->have_update = true;
	} else if (p->kek) {
		fprintf(stderr, "tl revocations: --kek verifies the dbx update, and there is none\n");
		return TL_EXIT_USAGE;
	}
	d->have_list = info || update;
	return TL_EXIT_OK;
}

int tl_revoc_data_load(const struct tl_revoc_paths *p, struct tl_revoc_data *d)
{
	char b[4096];
	const char *sbat = pick(p->sbat, TL_REVOC_SBAT_FILE, b, sizeof(b));
	uint8_t *buf = NULL;
	size_t len;
	int rc, err;

	if ((rc = load_list(p, d)) != TL_EXIT_OK)
		return rc;
	if (sbat) {
		if (tl_cli_read_file(sbat, TL_MAX_SBAT_LEVELS_TEXT, &buf, &len) != TL_OK)
			return TL_EXIT_USAGE;
		err = tl_sbat_levels_parse((struct tl_bytes){ buf, len }, &d->levels);
		free(buf);
		if (err != TL_OK)
			return tl_cli_fail(sbat, err);
		d->have_levels = true;
	}
	if (!d->have_list && !d->have_levels) {
		fprintf(stderr, "tl revocations: no revocation data: name --dbx-info, --dbx-update or "
				"--sbat-levels, or put the files in $TL_REVOCATIONS_DIR or "
				TL_REVOC_DEFAULT_DIR "\n");
		return TL_EXIT_USAGE;
	}
	return TL_EXIT_OK;
}

void tl_revoc_data_clear(struct tl_revoc_data *d)
{
	tl_revoc_list_clear(&d->list);
	tl_sbat_levels_clear(&d->levels);
	free(d->update_buf);
	for (size_t i = 0; i < d->nimages; i++)
		free(d->image_buf[i]);
	memset(d, 0, sizeof(*d));
}

static void print_groups(json_t *groups, const char *indent)
{
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g) {
		const char *date = json_string_value(json_object_get(g, "date"));
		const char *name = json_string_value(json_object_get(g, "name"));
		const char *desc = json_string_value(json_object_get(g, "description"));
		printf("%s%-10s %4lld%s  ", indent, date ? date : "(no date)",
		       (long long)json_integer_value(json_object_get(g, "count")),
		       json_is_true(json_object_get(g, "staged")) ? " staged" : "");
		if (name)
			printf("%s: ", name);
		tl_cli_put_safe(stdout, desc && *desc ? desc : "(no description)");
		if (json_integer_value(json_object_get(g, "optional")))
			printf(" (%lld optional)",
			       (long long)json_integer_value(json_object_get(g, "optional")));
		putchar('\n');
	}
}

static void print_level(const struct tl_sbat_level *lv)
{
	printf("%s (", lv->stamp);
	for (size_t i = 0; i < lv->ncomp; i++)
		printf("%s%s %u", i ? ", " : "", lv->comp[i].name, lv->comp[i].gen);
	printf("%s)", lv->ncomp ? "" : "no revocations");
}

static void print_dbx(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm,
		      const struct tl_revoc_data *d, json_t *j)
{
	if (!d->have_list) {
		printf("dbx               not checked (no dbx data)\n");
		return;
	}
	if (!vm->dbx_known) {
		printf("dbx               not measured\n");
		return;
	}
	printf("dbx               the VM's: %zu SHA-256, %zu certificates; current %s list: "
	       "%zu entries, %zu present\n",
	       vm->nhash, vm->ncert, d->list.arch, r->current, r->present);
	printf("                  missing: %zu of the dbx update (%zu optional), %zu staged\n",
	       r->missing_update, r->missing_optional, r->missing_staged);
	if (vm->kek_accepts_update >= 0)
		printf("                  the VM's KEK %s the signed update\n",
		       vm->kek_accepts_update ? "accepts" : "does not accept");
	print_groups(json_object_get(json_object_get(j, "dbx"), "missing_groups"), "    lacks ");
}

static void print_apps(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm)
{
	char hex[2 * TL_SHA256_LEN + 1];
	printf("boot applications %zu with a SHA-256 digest, %zu revoked by the current dbx\n",
	       r->apps_checked, r->nhits);
	for (size_t i = 0; i < r->nhits; i++) {
		const struct tl_revoc_app_hit *h = &r->hits[i];
		tl_hex(vm->app[h->app].digest, TL_SHA256_LEN, hex);
		printf("    revoked %s ", hex);
		tl_cli_put_safe(stdout, vm->app[h->app].path);
		printf(" (added %s: ", h->entry->date[0] ? h->entry->date : "by the update");
		tl_cli_put_safe(stdout, *h->entry->description ? h->entry->description
							       : h->entry->file);
		printf(")%s\n", h->in_vm_dbx ? ", also in the VM's dbx" : ", the VM's dbx allowed it");
	}
}

static void print_sbat(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm,
		       const struct tl_revoc_data *d)
{
	if (!d->have_levels) {
		printf("SbatLevel         not checked (no SbatLevel generations)\n");
		return;
	}
	printf("SbatLevel         newest ");
	print_level(&d->levels.gen[d->levels.newest].level);
	if (!vm->sbat_known) {
		printf("; the VM's is not %s\n", vm->from_log ? "measured" : "set");
	} else {
		printf("; the VM's ");
		print_level(&vm->sbat);
		printf(": %s\n", r->sbat_current ? "current" : "behind");
	}
	for (size_t i = 0; i < r->ngen_missing; i++) {
		printf("    lacks ");
		print_level(&r->gen_missing[i]->level);
		printf(" ");
		tl_cli_put_safe(stdout, r->gen_missing[i]->description);
		putchar('\n');
	}
	for (size_t i = 0; i < r->ncomp_hits; i++)
		printf("    component %s: %s generation %u, the newest SbatLevel requires %u\n",
		       r->comp_hits[i].image, r->comp_hits[i].have.name, r->comp_hits[i].have.gen,
		       r->comp_hits[i].required);
}

void tl_revoc_print_report(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm,
			   const struct tl_revoc_data *d)
{
	json_t *j = tl_revoc_report_json(r, vm, d->have_list ? &d->list : NULL,
					 d->have_levels ? &d->levels : NULL);
	printf("%s: %s (%s, %s)\n", TL_REVOC_RECOMMENDATION_ID, tl_revoc_status_name(r->status),
	       TL_REVOC_RECOMMENDATION_TITLE, TL_REVOC_RECOMMENDATION_SEVERITY);
	for (size_t i = 0; i < r->nreasons; i++)
		printf("    %s: %s\n", tl_err_name(r->reasons[i]), tl_err_msg(r->reasons[i]));
	printf("Secure Boot       %s\n", vm->secure_boot ? "on" : "off");
	print_dbx(r, vm, d, j);
	print_apps(r, vm);
	print_sbat(r, vm, d);
	json_decref(j);
}

int tl_revoc_show(int argc, char **argv)
{
	struct tl_revoc_paths p = { NULL, NULL, NULL, NULL, NULL };
	struct tl_revoc_data d;
	bool json = false;
	json_t *j = NULL;
	int rc;

	memset(&d, 0, sizeof(d));
	for (int i = 1; i < argc; i++) {
		if (tl_revoc_path_option(&p, argv[i], i + 1 < argc ? argv[i + 1] : NULL)) {
			i++;
		} else if (tl_cli_is_help(argv[i])) {
			fputs(show_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else {
			fprintf(stderr, "tl revocations show: unexpected '%s'\n\n%s", argv[i], show_help);
			return TL_EXIT_USAGE;
		}
	}
	if ((rc = tl_revoc_data_load(&p, &d)) != TL_EXIT_OK)
		goto out;
	j = tl_revoc_lists_json(d.have_list ? &d.list : NULL, d.have_levels ? &d.levels : NULL);
	if (!j) {
		rc = tl_cli_fail("revocations", TL_E_NOMEM);
	} else if (json) {
		rc = tl_cli_print_json(json_incref(j)) ? TL_EXIT_USAGE : TL_EXIT_OK;
	} else {
		if (d.have_list) {
			printf("dbx %s: %zu entries%s", d.list.arch, d.list.count,
			       d.list.have_info ? " named in dbx_info" : "");
			if (d.list.have_update)
				printf("; signed update of %s with %zu signatures (signature %s)",
				       d.list.update_time, d.list.update_entries,
				       d.list.update_verified ? "verified under the KEK given"
							      : "not verified: no --kek");
			putchar('\n');
			print_groups(json_object_get(json_object_get(j, "dbx"), "groups"), "  ");
		}
		for (size_t i = 0; d.have_levels && i < d.levels.count; i++) {
			printf("%s ", i == d.levels.newest ? "SbatLevel newest" : "SbatLevel       ");
			print_level(&d.levels.gen[i].level);
			printf(" ");
			tl_cli_put_safe(stdout, d.levels.gen[i].description);
			putchar('\n');
		}
	}
out:
	json_decref(j);
	tl_revoc_data_clear(&d);
	return rc;
}
