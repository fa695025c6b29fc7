/* tl credential make / check: bind a secret to an AK under an EK, and check what came back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "trustlaunch/credential.h"

#define SMALL_FILE (64u * 1024u)

static const char make_help[] =
	"usage: tl credential make --ek-pub FILE --ak-pub FILE --secret FILE -o FILE\n"
	"\n"
	"TPM2_MakeCredential in software: encrypts SECRET (1-64 bytes) so that only the TPM that\n"
	"holds this EK and an AK with this name recovers it (tpm2_activatecredential -i FILE).\n"
	"--ek-pub and --ak-pub are TPM2B_PUBLIC files (tpm2_createek -u, tpm2_createak -u).\n"
	"exit: 0 written, 2 unusable input\n";

static const char check_help[] =
	"usage: tl credential check --expected FILE --returned FILE\n"
	"\n"
	"Compares, in constant time, the secret a TPM returned (tpm2_activatecredential -o) with\n"
	"the one the credential was made with. Neither is ever printed.\n"
	"exit: 0 the same, 1 credential.secret_mismatch, 2 unusable input\n";

/* --name VALUE pairs into slots; NULL names end the table. */
static int options(int argc, char **argv, const char *help, const char **names,
		   const char **values, size_t n)
{
	for (int i = 1; i < argc; i++) {
		size_t k = 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(help, stdout);
			return TL_EXIT_OK;
		}
		while (k < n && strcmp(argv[i], names[k]) != 0)
			k++;
		if (k == n || i + 1 >= argc) {
			fprintf(stderr, "tl credential: unexpected '%s'\n\n%s", argv[i], help);
			return TL_EXIT_USAGE;
		}
		values[k] = argv[++i];
	}
	for (size_t k = 0; k < n; k++) {
		if (!values[k]) {
			fprintf(stderr, "tl credential: %s is needed\n\n%s", names[k], help);
			return TL_EXIT_USAGE;
		}
	}
	return -1;
}

static int read_public(const char *path, uint8_t **buf, struct tl_tpm2_public *pub)
{
	size_t len;
	int err;
	if (tl_cli_read_file(path, SMALL_FILE, buf, &len) != TL_OK)
		return TL_EXIT_USAGE;
	if ((err = tl_tpm2_public_parse((struct tl_bytes){ *buf, len }, pub)) != TL_OK)
		return tl_cli_fail(path, err);
	return TL_EXIT_OK;
}

static int make(int argc, char **argv)
{
	static const char *names[] = { "--ek-pub", "--ak-pub", "--secret", "-o" };
	const char *v[4] = { 0 };
	uint8_t *ekb = NULL, *akb = NULL, *sec = NULL, blob[TL_CREDENTIAL_MAX_BLOB];
	uint8_t name[TL_TPM2_MAX_NAME];
	size_t sl, bl, nl;
	struct tl_tpm2_public ek, ak;
	FILE *f;
	int rc = options(argc, argv, make_help, names, v, 4), err;

	if (rc >= 0)
		return rc;
	if ((rc = read_public(v[0], &ekb, &ek)) != TL_EXIT_OK ||
	    (rc = read_public(v[1], &akb, &ak)) != TL_EXIT_OK)
		goto out;
	rc = TL_EXIT_USAGE;
	if (tl_cli_read_file(v[2], TL_CREDENTIAL_MAX_SECRET, &sec, &sl) != TL_OK)
		goto out;
	if ((err = tl_tpm2_public_name(&ak, name, &nl)) != TL_OK ||
	    (err = tl_credential_make(&ek, (struct tl_bytes){ name, nl },
				      (struct tl_bytes){ sec, sl }, blob, &bl)) != TL_OK) {
		rc = tl_cli_fail("credential", err);
		goto out;
	}
	f = fopen(v[3], "wb");
	if (!f || fwrite(blob, 1, bl, f) != bl || fclose(f) != 0) {
		fprintf(stderr, "tl: %s: cannot write\n", v[3]);
		goto out;
	}
	rc = TL_EXIT_OK;
out:
	if (sec)
		memset(sec, 0, sl);
	free(sec);
	free(ekb);
	free(akb);
	return rc;
}

static int check(int argc, char **argv)
{
	static const char *names[] = { "--expected", "--returned" };
	const char *v[2] = { 0 };
	uint8_t *a = NULL, *b = NULL;
	size_t al = 0, bl = 0;
	int rc = options(argc, argv, check_help, names, v, 2), err;

	if (rc >= 0)
		return rc;
	rc = TL_EXIT_USAGE;
	if (tl_cli_read_file(v[0], TL_CREDENTIAL_MAX_SECRET, &a, &al) != TL_OK ||
	    tl_cli_read_file(v[1], TL_CREDENTIAL_MAX_SECRET, &b, &bl) != TL_OK)
		goto out;
	err = tl_credential_check((struct tl_bytes){ a, al }, (struct tl_bytes){ b, bl });
	if (err == TL_OK) {
		printf("ok: the TPM returned the credential's secret\n");
		rc = TL_EXIT_OK;
	} else {
		fprintf(stderr, "refused: %s: %s\n", tl_err_name(err), tl_err_msg(err));
		rc = TL_EXIT_CHECK;
	}
out:
	if (a)
		memset(a, 0, al);
	if (b)
		memset(b, 0, bl);
	free(a);
	free(b);
	return rc;
}

static const struct tl_cmd cmds[] = {
	{ "make", make, "TPM2_MakeCredential in software (for tpm2_activatecredential)" },
	{ "check", check, "compare the secret a TPM returned with the expected one" },
	{ NULL, NULL, NULL },
};

int tl_cmd_credential(int argc, char **argv)
{
	return tl_cli_dispatch("tl credential", cmds, argc - 1, argv + 1);
}
