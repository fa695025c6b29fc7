/* tl modsig verify: would the kernel trust this module's signature? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "eventlog.h"
#include "trustlaunch/modsig.h"

#define MAX_CERTS 16

static const char verify_help[] =
	"usage: tl modsig verify MODULE.ko --cert FILE [--cert FILE...] [--json]\n"
	"\n"
	"Checks a kernel module's appended signature against trusted certificates (DER or PEM;\n"
	"e.g. the distribution's module signing key, which Debian builds into its kernel).\n"
	"Prints one of: trusted, unknown signer, invalid, unsigned, malformed.\n"
	"exit: 0 trusted, 1 any other status (modsig.*), 2 unusable input\n";

static const char *status(int err)
{
	switch (err) {
	case TL_OK: return "trusted";
	case TL_E_MODSIG_UNKNOWN: return "unknown signer";
	case TL_E_MODSIG_INVALID: return "invalid";
	case TL_E_MODSIG_UNSIGNED: return "unsigned";
	default: return "malformed";
	}
}

static int verify(int argc, char **argv)
{
	const char *module = NULL, *certs[MAX_CERTS];
	size_t ncerts = 0, len;
	bool json = false;
	uint8_t *mb = NULL, *cb[MAX_CERTS] = { 0 };
	struct tl_bytes cv[MAX_CERTS];
	struct tl_modsig sig;
	struct tl_modsig_result res = { "", "" };
	int rc = TL_EXIT_USAGE, err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(verify_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc && ncerts < MAX_CERTS) {
			certs[ncerts++] = argv[++i];
		} else if (argv[i][0] != '-' && !module) {
			module = argv[i];
		} else {
			fprintf(stderr, "tl modsig verify: unexpected '%s'\n\n%s", argv[i], verify_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!module || !ncerts) {
		fprintf(stderr, "tl modsig verify: a MODULE and --cert are needed\n\n%s", verify_help);
		return TL_EXIT_USAGE;
	}
	for (size_t i = 0; i < ncerts; i++) {
		if (tl_cli_read_file(certs[i], 1u << 20, &cb[i], &cv[i].len) != TL_OK)
			goto out;
		cv[i].ptr = cb[i];
	}
	if (tl_cli_read_file(module, TL_MODSIG_MAX_MODULE, &mb, &len) != TL_OK)
		goto out;
	err = tl_modsig_parse((struct tl_bytes){ mb, len }, &sig);
	if (err == TL_OK)
		err = tl_modsig_verify(&sig, cv, ncerts, &res);
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "status", json_string(status(err)));
		if (err != TL_OK)
			json_object_set_new(o, "code", json_string(tl_err_name(err)));
		if (res.signer[0])
			json_object_set_new(o, "signer", json_string(res.signer));
		if (res.trusted_subject[0])
			json_object_set_new(o, "trusted_by", json_string(res.trusted_subject));
		tl_cli_print_json(o);
	} else {
		tl_cli_line(stdout, "%s%s%s", status(err), res.signer[0] ? ": signed by " : "",
			    res.signer);
	}
	if (err != TL_OK)
		fprintf(stderr, "%s: %s\n", tl_err_name(err), tl_err_msg(err));
	rc = err == TL_OK ? TL_EXIT_OK : TL_EXIT_CHECK;
out:
	for (size_t i = 0; i < ncerts; i++)
		free(cb[i]);
	free(mb);
	return rc;
}

static const struct tl_cmd cmds[] = {
	{ "verify", verify, "check a kernel module's signature against trusted certificates" },
	{ NULL, NULL, NULL },
};

int tl_cmd_modsig(int argc, char **argv)
{
	return tl_cli_dispatch("tl modsig", cmds, argc - 1, argv + 1);
}
