/* tl ek verify: does this EK certificate chain to a trusted CA and certify this EK? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "eventlog.h"
#include "trustlaunch/ek.h"

#define SMALL_FILE (64u * 1024u)
#define MAX_CAS 16

static const char verify_help[] =
	"usage: tl ek verify --cert FILE --ca FILE [--ca FILE...] [--ek-pub FILE] [--json]\n"
	"\n"
	"Checks an EK certificate (DER as in TPM NV 0x01C00002, or PEM): it chains to one of the\n"
	"CAs (DER or PEM files, a PEM file may hold several; each is a trust anchor), and with\n"
	"--ek-pub (TPM2B_PUBLIC, tpm2_createek -u) it certifies that very key. Shows the subject\n"
	"(its CN names the VM when a platform vTPM CA issued it) and the TPM manufacturer, model\n"
	"and version of its subject alternative name.\n"
	"\n"
	"exit: 0 trusted, 1 refused (ek.untrusted, ek.key_mismatch), 2 unusable input\n";

static void show(const struct tl_ek_info *info, int err, bool json)
{
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "verdict", json_string(err == TL_OK ? "trusted" : "refused"));
		if (err != TL_OK) {
			json_t *r = json_object();
			json_object_set_new(r, "code", json_string(tl_err_name(err)));
			json_object_set_new(r, "message", json_string(tl_err_msg(err)));
			if (info->detail[0])
				json_object_set_new(r, "detail", json_string(info->detail));
			json_object_set_new(o, "reason", r);
		}
		json_object_set_new(o, "subject", info->subject ? json_string(info->subject) : json_null());
		json_object_set_new(o, "issuer", info->issuer ? json_string(info->issuer) : json_null());
		json_object_set_new(o, "cn", info->cn ? json_string(info->cn) : json_null());
		json_object_set_new(o, "tpm_manufacturer",
				    info->manufacturer ? json_string(info->manufacturer) : json_null());
		json_object_set_new(o, "tpm_model", info->model ? json_string(info->model) : json_null());
		json_object_set_new(o, "tpm_version",
				    info->version ? json_string(info->version) : json_null());
		json_object_set_new(o, "tcg_ek_eku", json_boolean(info->tcg_eku));
		json_object_set_new(o, "key_checked", json_boolean(info->key_checked));
		tl_cli_print_json(o);
	} else if (err == TL_OK) {
		tl_cli_line(stdout, "trusted: %s", info->subject ? info->subject : "");
		tl_cli_line(stdout, "  issuer  %s", info->issuer ? info->issuer : "");
		tl_cli_line(stdout, "  TPM     %s %s %s", info->manufacturer ? info->manufacturer : "?",
			    info->model ? info->model : "?", info->version ? info->version : "?");
		printf("  key     %s\n",
		       info->key_checked ? "matches the EK" : "not compared (no --ek-pub)");
	}
	if (err != TL_OK)
		fprintf(stderr, "refused: %s: %s%s%s\n", tl_err_name(err), tl_err_msg(err),
			info->detail[0] ? ": " : "", info->detail);
}

static int verify(int argc, char **argv)
{
	const char *cert = NULL, *ekp = NULL, *ca[MAX_CAS];
	size_t nca = 0, len;
	bool json = false;
	uint8_t *cb = NULL, *eb = NULL, *cab[MAX_CAS] = { 0 };
	struct tl_bytes cas[MAX_CAS];
	struct tl_tpm2_public ek;
	struct tl_ek_info info;
	int rc = TL_EXIT_USAGE, err;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(verify_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (v && strcmp(argv[i], "--cert") == 0) {
			cert = argv[++i];
		} else if (v && strcmp(argv[i], "--ek-pub") == 0) {
			ekp = argv[++i];
		} else if (v && strcmp(argv[i], "--ca") == 0 && nca < MAX_CAS) {
			ca[nca++] = argv[++i];
		} else {
			fprintf(stderr, "tl ek verify: unexpected '%s'\n\n%s", argv[i], verify_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!cert || nca == 0) {
		fprintf(stderr, "tl ek verify: --cert and --ca are needed\n\n%s", verify_help);
		return TL_EXIT_USAGE;
	}
	if (tl_cli_read_file(cert, SMALL_FILE, &cb, &len) != TL_OK)
		goto out;
	struct tl_bytes certb = { cb, len };
	for (size_t i = 0; i < nca; i++) {
		if (tl_cli_read_file(ca[i], SMALL_FILE, &cab[i], &cas[i].len) != TL_OK)
			goto out;
		cas[i].ptr = cab[i];
	}
	if (ekp) {
		size_t el;
		if (tl_cli_read_file(ekp, SMALL_FILE, &eb, &el) != TL_OK)
			goto out;
		if ((err = tl_tpm2_public_parse((struct tl_bytes){ eb, el }, &ek)) != TL_OK) {
			rc = tl_cli_fail(ekp, err);
			goto out;
		}
	}
	err = tl_ek_verify(certb, cas, nca, ekp ? &ek : NULL, &info);
	if (err == TL_E_EK_MALFORMED || err == TL_E_EK_CA) {
		rc = tl_cli_fail(err == TL_E_EK_MALFORMED ? cert : "--ca", err);
	} else {
		show(&info, err, json);
		rc = err == TL_OK ? TL_EXIT_OK : TL_EXIT_CHECK;
	}
	tl_ek_info_clear(&info);
out:
	for (size_t i = 0; i < nca; i++)
		free(cab[i]);
	free(cb);
	free(eb);
	return rc;
}

static const struct tl_cmd cmds[] = {
	{ "verify", verify, "check an EK certificate against trusted CAs and the EK" },
	{ NULL, NULL, NULL },
};

int tl_cmd_ek(int argc, char **argv)
{
	return tl_cli_dispatch("tl ek", cmds, argc - 1, argv + 1);
}
