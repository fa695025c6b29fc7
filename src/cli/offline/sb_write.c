/* tl sb write-vars, tl sb apply-dbx: Secure Boot keys into a VM's NVRAM, and dbx updates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nvram/nvram.h"
#include "trustlaunch/limits.h"

static const char write_help[] =
	"usage: tl sb write-vars --template FILE --out FILE (--keys DIR | --pk CERT\n"
	"                        --kek FILE [--kek FILE...] --db FILE [--db FILE...]\n"
	"                        [--dbx FILE...]) [--time UNIX]\n"
	"\n"
	"Writes a copy of an OVMF variable store (e.g. " TL_HOST_EMPTY_VARS ") with PK,\n"
	"KEK, db (and dbx) enrolled as time-based authenticated variables: the firmware boots in\n"
	"user mode with Secure Boot enforcing. Key files are PEM or DER certificates, or\n"
	"EFI_SIGNATURE_LIST files (.esl, .auth); without --dbx the template's dbx is kept.\n"
	"\n"
	"  --keys DIR   DIR/PK, KEK, db and (optional) dbx, each .pem, .crt, .der, .esl or\n"
	"               .auth (tl vm create --secure-boot-keys custom:DIR)\n"
	"  --time UNIX  the variables' TimeStamp (default: now)\n"
	"\n"
	"exit: 0 written, 2 unusable input (sb.varstore_full: the store has no room)\n";

static const char apply_help[] =
	"usage: tl sb apply-dbx --vars FILE --update FILE [--json]\n"
	"\n"
	"Applies a signed dbx update (EFI_VARIABLE_AUTHENTICATION_2 + signature lists, e.g.\n"
	"Microsoft's DBXUpdate.bin) to an OVMF variable store as the firmware would: the\n"
	"signature must verify against the store's PK or KEK, and an append write adds only the\n"
	"entries dbx does not hold yet. The file is rewritten only when dbx changed.\n"
	"\n"
	"exit: 0 applied (or nothing new), 1 refused (signature, older replacement), 2 unusable\n";

static bool add(const char **list, size_t *n, const char *v)
{
	if (*n >= TL_SB_MAX_KEY_FILES)
		return false;
	list[(*n)++] = v;
	return true;
}

static int write_option(struct tl_sb_key_paths *k, const char **tpl, const char **out,
			const char *o, const char *v)
{
	char *end;
	if (strcmp(o, "--template") == 0)
		*tpl = v;
	else if (strcmp(o, "--out") == 0)
		*out = v;
	else if (strcmp(o, "--pk") == 0 && !k->pk)
		k->pk = v;
	else if (strcmp(o, "--kek") == 0)
		return add(k->kek, &k->nkek, v) ? 0 : -1;
	else if (strcmp(o, "--db") == 0)
		return add(k->db, &k->ndb, v) ? 0 : -1;
	else if (strcmp(o, "--dbx") == 0)
		return add(k->dbx, &k->ndbx, v) ? 0 : -1;
	else if (strcmp(o, "--time") == 0) {
		long long t = strtoll(v, &end, 10);
		if (*end || t <= 0)
			return -1;
		k->time = t;
	} else
		return -1;
	return 0;
}

/* The keys of a directory, written. */
static int write_dir(const char *tpl, const char *out, const char *dir, int64_t time)
{
	int err = tl_varstore_set_keys_dir(tpl, out, dir, time);
	if (err == TL_E_FILE_MISSING) {
		fprintf(stderr, "tl: %s: needs PK, KEK and db (.pem, .crt, .der, .esl, .auth)\n", dir);
		return TL_EXIT_USAGE;
	}
	return err == TL_OK ? TL_EXIT_OK : tl_cli_fail(out, err);
}

int tl_sb_write_vars(int argc, char **argv)
{
	struct tl_sb_key_paths k;
	const char *tpl = NULL, *out = NULL, *dir = NULL;
	int err;

	memset(&k, 0, sizeof(k));
	for (int i = 1; i < argc; i++) {
		if (tl_cli_is_help(argv[i])) {
			fputs(write_help, stdout);
			return TL_EXIT_OK;
		}
		if (i + 1 < argc && strcmp(argv[i], "--keys") == 0) {
			dir = argv[++i];
			continue;
		}
		if (i + 1 >= argc || write_option(&k, &tpl, &out, argv[i], argv[i + 1]) != 0) {
			fprintf(stderr, "tl sb write-vars: unexpected '%s'\n\n%s", argv[i], write_help);
			return TL_EXIT_USAGE;
		}
		i++;
	}
	if (tpl && out && dir && !k.pk && !k.nkek && !k.ndb && !k.ndbx)
		return write_dir(tpl, out, dir, k.time);
	if (!tpl || !out || dir || !k.pk || !k.nkek || !k.ndb) {
		fprintf(stderr, "tl sb write-vars: --template, --out and either --keys or --pk, "
				"--kek and --db are needed\n\n%s", write_help);
		return TL_EXIT_USAGE;
	}
	if ((err = tl_varstore_set_keys(tpl, out, &k)) != TL_OK)
		return tl_cli_fail(out, err);
	return TL_EXIT_OK;
}

static int report(const struct tl_dbx_apply *r, bool json)
{
	if (!json) {
		printf("dbx: %zu entries, %zu added, %zu now (%s write signed by %s, %s)%s\n",
		       r->before, r->added, r->after, r->appended ? "append" : "replacing",
		       r->by_pk ? "PK" : "KEK", r->time, r->changed ? "" : "; unchanged");
		return TL_EXIT_OK;
	}
	return tl_cli_print_json(json_pack("{s:I,s:I,s:I,s:b,s:b,s:b,s:s}", "before",
					   (json_int_t)r->before, "added", (json_int_t)r->added,
					   "after", (json_int_t)r->after, "appended", r->appended,
					   "by_pk", r->by_pk, "changed", r->changed, "time",
					   r->time))
		       ? TL_EXIT_USAGE
		       : TL_EXIT_OK;
}

int tl_sb_apply_dbx(int argc, char **argv)
{
	const char *vars = NULL, *update = NULL;
	struct tl_dbx_apply r;
	uint8_t *ub = NULL;
	size_t ul;
	bool json = false;
	int err, rc;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (tl_cli_is_help(argv[i])) {
			fputs(apply_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (v && strcmp(argv[i], "--vars") == 0) {
			vars = argv[++i];
		} else if (v && strcmp(argv[i], "--update") == 0) {
			update = argv[++i];
		} else {
			fprintf(stderr, "tl sb apply-dbx: unexpected '%s'\n\n%s", argv[i], apply_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!vars || !update) {
		fprintf(stderr, "tl sb apply-dbx: --vars and --update are needed\n\n%s", apply_help);
		return TL_EXIT_USAGE;
	}
	if (tl_cli_read_file(update, TL_MAX_DBX_UPDATE, &ub, &ul) != TL_OK)
		return TL_EXIT_USAGE;
	err = tl_varstore_append_dbx(vars, ub, ul, &r);
	free(ub);
	if (err == TL_E_REVOC_UPDATE_SIGNATURE || err == TL_E_VARSTORE_STALE) {
		fprintf(stderr, "refused: %s: %s\n", tl_err_name(err), tl_err_msg(err));
		rc = TL_EXIT_CHECK;
	} else if (err != TL_OK) {
		rc = tl_cli_fail(vars, err);
	} else {
		rc = report(&r, json);
	}
	return rc;
}
