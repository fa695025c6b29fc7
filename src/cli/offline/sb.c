/* tl sb check: would this image boot under these Secure Boot keys? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "trustlaunch/sb.h"
#include "trustlaunch/varstore.h"

#define KEYS_MAX (16u * 1024u * 1024u)

static const char check_help[] =
	"usage: tl sb check IMAGE (--vars OVMF_VARS.fd | --db FILE [--dbx FILE])\n"
	"                   [--sbat-level FILE]\n"
	"\n"
	"Decides as UEFI firmware does whether the PE image would be allowed to run: not\n"
	"forbidden by dbx (its hash, or a certificate of its signature chain), and signed by a\n"
	"certificate in db (or its chain), or its hash in db. With --sbat-level, the image's .sbat\n"
	"section is compared with that SbatLevel as shim does.\n"
	"\n"
	"  --vars FILE       an OVMF variable store (*_VARS*.fd): db and dbx are read from it\n"
	"  --db, --dbx FILE  EFI_SIGNATURE_LIST files (.esl) or signed updates (.auth)\n"
	"\n"
	"exit: 0 allowed, 1 refused (the reason on stderr), 2 unusable input\n";

static int read_lists(const char *path, uint8_t **buf, struct tl_bytes *lists)
{
	size_t len;
	int err;
	if (tl_cli_read_file(path, KEYS_MAX, buf, &len) != TL_OK)
		return TL_EXIT_USAGE;
	if ((err = tl_esl_file((struct tl_bytes){ *buf, len }, lists)) != TL_OK)
		return tl_cli_fail(path, err);
	return TL_EXIT_OK;
}

/* db and dbx from a varstore (OVMF_VARS.fd): none is no error (no db: nothing is allowed). */
static int lists_from_vars(const char *vars, uint8_t **buf, struct tl_sb_policy *pol)
{
	size_t len;
	int err;
	if (tl_cli_read_file(vars, KEYS_MAX, buf, &len) != TL_OK)
		return TL_EXIT_USAGE;
	struct tl_bytes fd = { *buf, len };
	err = tl_varstore_get(fd, &TL_GUID_IMAGE_SECURITY_DB, "db", &pol->db);
	if (err == TL_OK)
		err = tl_varstore_get(fd, &TL_GUID_IMAGE_SECURITY_DB, "dbx", &pol->dbx);
	if (err == TL_E_VARSTORE_MISSING)
		err = TL_OK;
	return err == TL_OK ? TL_EXIT_OK : tl_cli_fail(vars, err);
}

/* The image against the policy: allowed (0), refused (1, why on stderr), or unusable. */
static int decide(const char *image, const struct tl_sb_policy *pol)
{
	uint8_t *ib = NULL;
	size_t il;
	struct tl_sb_result res;
	struct tl_pe *pe = NULL;
	int rc = TL_EXIT_USAGE, err;

	if (tl_cli_read_file(image, TL_PE_MAX_SIZE, &ib, &il) != TL_OK || !(pe = malloc(sizeof(*pe))))
		goto out;
	if ((err = tl_pe_parse((struct tl_bytes){ ib, il }, pe)) != TL_OK) {
		rc = tl_cli_fail(image, err);
		goto out;
	}
	err = tl_sb_check(pe, pol, &res);
	if (err == TL_OK) {
		tl_cli_line(stdout, "allowed: %s", res.by_hash ? "its hash is in db" : res.subject);
		rc = TL_EXIT_OK;
	} else if (err <= TL_E_VARSTORE && err >= TL_E_SB_SBAT) {
		fprintf(stderr, "refused: %s: %s%s%s\n", tl_err_name(err), tl_err_msg(err),
			res.detail[0] ? ": " : "", res.detail);
		rc = TL_EXIT_CHECK;
	} else {
		rc = tl_cli_fail(image, err);
	}
out:
	free(pe);
	free(ib);
	return rc;
}

static int check(int argc, char **argv)
{
	const char *image = NULL, *vars = NULL, *db = NULL, *dbx = NULL, *sbat = NULL;
	uint8_t *vb = NULL, *dbb = NULL, *dbxb = NULL, *sb = NULL;
	size_t sl;
	struct tl_sb_policy pol = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 } };
	int rc = TL_EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(check_help, stdout);
			return TL_EXIT_OK;
		} else if (v && strcmp(argv[i], "--vars") == 0) {
			vars = argv[++i];
		} else if (v && strcmp(argv[i], "--db") == 0) {
			db = argv[++i];
		} else if (v && strcmp(argv[i], "--dbx") == 0) {
			dbx = argv[++i];
		} else if (v && strcmp(argv[i], "--sbat-level") == 0) {
			sbat = argv[++i];
		} else if (argv[i][0] != '-' && !image) {
			image = argv[i];
		} else {
			fprintf(stderr, "tl sb check: unexpected '%s'\n\n%s", argv[i], check_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!image || (!vars == !db) || (vars && dbx)) {
		fprintf(stderr, "tl sb check: an IMAGE and either --vars or --db are needed\n\n%s",
			check_help);
		return TL_EXIT_USAGE;
	}
	if (vars)
		rc = lists_from_vars(vars, &vb, &pol);
	else /* an unusable db or dbx file: usage, as it always was */
		rc = read_lists(db, &dbb, &pol.db) == TL_EXIT_OK &&
			     (!dbx || read_lists(dbx, &dbxb, &pol.dbx) == TL_EXIT_OK)
			     ? TL_EXIT_OK
			     : TL_EXIT_USAGE;
	if (rc == TL_EXIT_OK && sbat) {
		rc = tl_cli_read_file(sbat, 65536, &sb, &sl) == TL_OK ? TL_EXIT_OK : TL_EXIT_USAGE;
		pol.sbat_level = (struct tl_bytes){ sb, rc == TL_EXIT_OK ? sl : 0 };
	}
	if (rc == TL_EXIT_OK)
		rc = decide(image, &pol);
	free(vb);
	free(dbb);
	free(dbxb);
	free(sb);
	return rc;
}

static const struct tl_cmd cmds[] = {
	{ "check", check, "would this image boot under these Secure Boot keys?" },
	{ "write-vars", tl_sb_write_vars, "enrol PK, KEK, db, dbx into a copy of an OVMF store" },
	{ "apply-dbx", tl_sb_apply_dbx, "apply a signed dbx update to an OVMF store" },
	{ NULL, NULL, NULL },
};

int tl_cmd_sb(int argc, char **argv)
{
	return tl_cli_dispatch("tl sb", cmds, argc - 1, argv + 1);
}
