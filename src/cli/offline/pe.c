/* tl pe: Authenticode digests and signers of PE/COFF images (shim, GRUB, kernels). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/pe.h"
#include "trustlaunch/pkcs7.h"

static const char digest_help[] =
	"usage: tl pe digest FILE [--alg sha256|sha1|sha384|sha512]\n"
	"\n"
	"Prints the Authenticode digest of a PE/COFF image exactly as UEFI firmware measures it\n"
	"into PCR 4 (EV_EFI_BOOT_SERVICES_APPLICATION).\n"
	"exit: 0 ok, 2 unusable input (the reason code on stderr)\n";

static const char signers_help[] =
	"usage: tl pe signers FILE\n"
	"\n"
	"Lists the Authenticode signatures of a PE/COFF image: for each, the signing certificate's\n"
	"subject and issuer, the digest the signature covers and whether it matches the image.\n"
	"exit: 0 signed and every signature covers this image, 1 unsigned or a signature does\n"
	"      not cover it, 2 unusable input\n";

static int load(const char *path, uint8_t **buf, struct tl_pe *pe)
{
	size_t len;
	int err;
	if (tl_cli_read_file(path, TL_PE_MAX_SIZE, buf, &len) != TL_OK)
		return TL_EXIT_USAGE;
	if ((err = tl_pe_parse((struct tl_bytes){ *buf, len }, pe)) != TL_OK) {
		free(*buf);
		*buf = NULL;
		return tl_cli_fail(path, err);
	}
	return TL_EXIT_OK;
}

static int digest(int argc, char **argv)
{
	const char *file = NULL;
	uint16_t alg = TL_ALG_SHA256;
	uint8_t *buf, d[TL_MAX_DIGEST];
	char hex[2 * TL_MAX_DIGEST + 1];
	struct tl_pe *pe;
	int rc, err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(digest_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--alg") == 0 && i + 1 < argc) {
			if (tl_alg_from_name(argv[++i], &alg) != TL_OK || alg == TL_ALG_SM3_256) {
				fprintf(stderr, "tl pe digest: unknown --alg '%s'\n", argv[i]);
				return TL_EXIT_USAGE;
			}
		} else if (argv[i][0] != '-' && !file) {
			file = argv[i];
		} else {
			fputs(digest_help, stderr);
			return TL_EXIT_USAGE;
		}
	}
	if (!file) {
		fputs(digest_help, stderr);
		return TL_EXIT_USAGE;
	}
	if (!(pe = malloc(sizeof(*pe))))
		return TL_EXIT_USAGE;
	if ((rc = load(file, &buf, pe)) == TL_EXIT_OK) {
		if ((err = tl_pe_authenticode(pe, alg, d)) != TL_OK) {
			rc = tl_cli_fail(file, err);
		} else {
			tl_hex(d, tl_alg_size(alg), hex);
			printf("%s  %s\n", hex, file);
		}
		free(buf);
	}
	free(pe);
	return rc;
}

static int signers(int argc, char **argv)
{
	uint8_t *buf;
	struct tl_pe *pe;
	struct tl_pe_signers s;
	int rc, err;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(signers_help, stdout);
		return TL_EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fputs(signers_help, stderr);
		return TL_EXIT_USAGE;
	}
	if (!(pe = malloc(sizeof(*pe))))
		return TL_EXIT_USAGE;
	if ((rc = load(argv[1], &buf, pe)) != TL_EXIT_OK) {
		free(pe);
		return rc;
	}
	err = tl_pe_signers(pe, &s);
	if (err != TL_OK) {
		rc = tl_cli_fail(argv[1], err);
	} else if (s.count == 0) {
		printf("unsigned: no Authenticode signature\n");
		rc = TL_EXIT_CHECK;
	} else {
		rc = TL_EXIT_OK;
		for (size_t i = 0; i < s.count; i++) {
			printf("signature %zu: %s\n", i + 1,
			       s.sig[i].covers_image ? "covers this image" : "DOES NOT cover this image");
			tl_cli_line(stdout, "  subject %s", s.sig[i].subject);
			tl_cli_line(stdout, "  issuer  %s", s.sig[i].issuer);
			printf("  digest  %s (%s)\n", s.sig[i].digest_hex,
			       tl_alg_name(s.sig[i].alg) ? tl_alg_name(s.sig[i].alg) : "?");
			if (!s.sig[i].covers_image)
				rc = TL_EXIT_CHECK;
		}
	}
	tl_pe_signers_clear(&s);
	free(buf);
	free(pe);
	return rc;
}

static const struct tl_cmd cmds[] = {
	{ "digest", digest, "the Authenticode digest firmware measures" },
	{ "signers", signers, "who signed the image, and whether the signatures cover it" },
	{ NULL, NULL, NULL },
};

int tl_cmd_pe(int argc, char **argv)
{
	return tl_cli_dispatch("tl pe", cmds, argc - 1, argv + 1);
}
