/* tl token verify: is this attestation token one of trustlaunchd's, still valid, and what
 * does it say? Checked against the service's published keys (JWKS), fetched from --server or
 * read from a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "trustlaunch/jwt.h"

static const char verify_help[] =
	"usage: tl [GLOBAL OPTIONS] token verify JWT|@FILE|- [--jwks FILE] [--vm ID]\n"
	"          [--nonce HEX] [--require-healthy] [--json]\n"
	"\n"
	"Verifies an attestation token (ES256) against trustlaunchd's keys: the JWKS from\n"
	"SERVER/.well-known/jwks.json, or --jwks FILE (offline). Checks the signature, the\n"
	"algorithm, expiry and not-before; then what the relying party asks for:\n"
	"\n"
	"  --vm ID            the token is about this VM (sub)\n"
	"  --nonce HEX        the token answers this challenge\n"
	"  --require-healthy  the verdict is healthy\n"
	"  --json             the claims as JSON\n"
	"\n"
	"exit: 0 valid (and as required), 1 not valid or not as required, 2 usage\n";

static char *read_token(const char *arg)
{
	uint8_t *buf;
	size_t len;
	if (arg[0] != '@' && strcmp(arg, "-") != 0)
		return strdup(arg);
	if (strcmp(arg, "-") == 0) {
		char *line = NULL;
		size_t cap = 0;
		if (getline(&line, &cap, stdin) < 0) {
			free(line);
			return NULL;
		}
		line[strcspn(line, "\r\n")] = '\0';
		return line;
	}
	if (tl_cli_read_file(arg + 1, TL_MAX_JWT + 2, &buf, &len) != TL_OK)
		return NULL;
	char *s = calloc(1, len + 1);
	if (s) {
		memcpy(s, buf, len);
		s[strcspn(s, "\r\n")] = '\0';
	}
	free(buf);
	return s;
}

static json_t *jwks_of(const char *file)
{
	json_t *jwks = NULL;
	if (file) {
		json_error_t jerr;
		if (!(jwks = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr)))
			fprintf(stderr, "tl: %s: not JSON: %s (line %d)\n", file, jerr.text, jerr.line);
		return jwks;
	}
	return tl_client_call(TL_HTTP_GET, "/.well-known/jwks.json", NULL, NULL, NULL, &jwks) ==
			       TL_EXIT_OK
		       ? jwks
		       : NULL;
}

static int show_claims(json_t *claims)
{
	static const char *const keys[] = { "sub", "verdict", "secure_boot", "db_validated",
					    "dbx_validated", "pcrs", "kernel_cmdline_sha256", "os",
					    "nonce", "iss", "jti", "iat", "exp" };
	return tl_cli_show_fields(claims, keys, sizeof(keys) / sizeof(keys[0]));
}

static int refuse(const char *what)
{
	fprintf(stderr, "tl: token refused: %s\n", what);
	return TL_EXIT_CHECK;
}

static int verify(int argc, char **argv)
{
	const char *arg = NULL, *jwks_file = NULL, *vm = NULL, *nonce = NULL;
	bool healthy = false;
	json_t *jwks, *claims = NULL;
	char *jwt;
	int err, rc;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (tl_cli_is_help(o)) {
			fputs(verify_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(o, "--json") == 0) {
			tl_client_opts.json = true;
		} else if (strcmp(o, "--require-healthy") == 0) {
			healthy = true;
		} else if (v && strcmp(o, "--jwks") == 0) {
			jwks_file = argv[++i];
		} else if (v && strcmp(o, "--vm") == 0) {
			vm = argv[++i];
		} else if (v && strcmp(o, "--nonce") == 0) {
			nonce = argv[++i];
		} else if (!arg && (o[0] != '-' || strcmp(o, "-") == 0)) {
			arg = o;
		} else {
			fputs(verify_help, stderr);
			return TL_EXIT_USAGE;
		}
	}
	if (!arg) {
		fputs(verify_help, stderr);
		return TL_EXIT_USAGE;
	}
	if (!(jwt = read_token(arg))) {
		fprintf(stderr, "tl: cannot read the token\n");
		return TL_EXIT_USAGE;
	}
	if (!(jwks = jwks_of(jwks_file))) {
		free(jwt);
		return TL_EXIT_CHECK;
	}
	err = tl_jwt_verify(jwt, jwks, (int64_t)time(NULL), &claims);
	free(jwt);
	json_decref(jwks);
	if (err != TL_OK) {
		fprintf(stderr, "tl: token refused: %s (%s)\n", tl_err_msg(err), tl_err_name(err));
		return TL_EXIT_CHECK;
	}
	const char *sub = json_string_value(json_object_get(claims, "sub"));
	const char *n = json_string_value(json_object_get(claims, "nonce"));
	const char *verdict = json_string_value(json_object_get(claims, "verdict"));
	rc = TL_EXIT_OK;
	if (vm && (!sub || strcmp(sub, vm) != 0))
		rc = refuse("it is about another VM");
	else if (nonce && (!n || strcasecmp(n, nonce) != 0))
		rc = refuse("it answers another challenge (nonce)");
	else if (healthy && (!verdict || strcmp(verdict, "healthy") != 0))
		rc = refuse("the verdict is not healthy");
	if (rc != TL_EXIT_OK) {
		json_decref(claims);
		return rc;
	}
	if (!tl_client_opts.json)
		printf("valid: signed by the service's key, not expired\n\n");
	return tl_client_output(claims, show_claims);
}

int tl_cmd_token(int argc, char **argv)
{
	static const struct tl_cmd cmds[] = {
		{ "verify", verify, "check an attestation token against the service's keys" },
		{ NULL, NULL, NULL },
	};
	return tl_cli_dispatch("tl token", cmds, argc - 1, argv + 1);
}
