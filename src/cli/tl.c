/* tl: the trustlaunch command line. One file per command group; the global options before
 * the group are for the groups that talk to trustlaunchd. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define TL_DEFAULT_SERVER "http://127.0.0.1:7443"

/* Groups that work on files alone. */
static const struct tl_cmd groups[] = {
	{ "eventlog", tl_cmd_eventlog, "parse, replay and explain a TCG event log" },
	{ "quote", tl_cmd_quote, "verify a TPM 2.0 quote, its PCRs and event log" },
	{ "predict", tl_cmd_predict, "predict PCRs 4, 7, 8, 9 from boot artifacts" },
	{ "modsig", tl_cmd_modsig, "would the kernel trust this module's signature?" },
	{ "sb", tl_cmd_sb, "would an image boot under these Secure Boot keys?" },
	{ "revocations", tl_cmd_revocations, "are a VM's dbx and SbatLevel current? (dbx, SBAT)" },
	{ "pe", tl_cmd_pe, "Authenticode digest and signers of a PE/COFF image" },
	{ "ek", tl_cmd_ek, "verify an EK certificate against trusted CAs" },
	{ "snp", tl_cmd_snp, "verify an AMD SEV-SNP attestation report and its VCEK/VLEK" },
	{ "cvm", tl_cmd_cvm, "verify a confidential VM's HCL report and its vTPM quote" },
	{ "credential", tl_cmd_credential, "bind a secret to an AK under an EK, and check it" },
	{ "catalog", tl_cmd_catalog, "which sizes and OS versions support Trusted Launch" },
	{ "image", tl_cmd_image, "build the Secure Boot test image; predict its reference values" },
	{ NULL, NULL, NULL },
};

/* Groups that talk to trustlaunchd (client.c), with the global options. */
static const struct tl_cmd server_groups[] = {
	{ "vm", tl_cmd_vm, "VMs on this host (create, start, ...) and at trustlaunchd" },
	{ "attestations", tl_cmd_attestations, "a VM's attestations: verdicts and reasons" },
	{ "baseline", tl_cmd_baseline, "show, relearn or set a VM's baseline" },
	{ "recommendations", tl_cmd_recommendations, "what to turn on for a VM (Secure Boot, vTPM, agent)" },
	{ "assessment", tl_cmd_assessment, "a VM's boot-integrity assessment" },
	{ "alerts", tl_cmd_alerts, "attestation failures and untrusted kernel modules" },
	{ "suppressions", tl_cmd_suppressions, "rules that dismiss expected alerts" },
	{ "webhooks", tl_cmd_webhooks, "where alerts and unhealthy attestations are delivered" },
	{ "hosts", tl_cmd_hosts, "hosts whose daemon reports their libvirt domains" },
	{ "tokens", tl_cmd_tokens, "create, list and revoke API tokens" },
	{ "token", tl_cmd_token, "verify an attestation token against the service's keys" },
	{ "scaleset", tl_cmd_scaleset, "N identical VMs on this host (docs/host.md)" },
	{ "host", tl_cmd_host, "this host: its platform vTPM CA (docs/host.md)" },
	{ NULL, NULL, NULL },
};

static const char global_help[] =
	"\nglobal options, before the group (for the groups that talk to trustlaunchd):\n"
	"  --server URL     trustlaunchd's http:// or https:// URL (default: $TL_SERVER, else\n"
	"                   " TL_DEFAULT_SERVER ")\n"
	"  --token T        the bearer token (default: $TL_TOKEN); other users may see it in\n"
	"                   the process list, --token-file does not show it\n"
	"  --token-file F   read the bearer token from F (trustlaunchd writes STATE/admin.token)\n"
	"  --cacert PEM     trust these CA certificates for https (default: the system's)\n"
	"  --json           print the server's JSON answers instead of tables\n"
	"  --version        the version of tl\n"
	"\n"
	"'tl GROUP --help' lists a group's commands, 'tl GROUP COMMAND --help' explains one.\n"
	"exit: 0 done, 1 a check failed or the server refused or could not be reached, 2 usage\n";

static void usage(FILE *f)
{
	fputs("usage: tl [GLOBAL OPTIONS] GROUP COMMAND [ARGS]\n"
	      "\nChecks boots from their event logs, quotes and artifacts, and administers\n"
	      "trustlaunchd.\n\ngroups that work on files:\n", f);
	for (const struct tl_cmd *c = groups; c->name; c++)
		fprintf(f, "  %-13s %s\n", c->name, c->help);
	fputs("\ngroups that talk to trustlaunchd:\n", f);
	for (const struct tl_cmd *c = server_groups; c->name; c++)
		fprintf(f, "  %-13s %s\n", c->name, c->help);
	fputs(global_help, f);
}

/* The options before the group; returns its index, or -1 - the exit code. */
static int global_options(int argc, char **argv)
{
	const char *env_server = getenv("TL_SERVER"), *env_token = getenv("TL_TOKEN");
	bool token = false, token_file = false;
	int i;

	tl_client_opts.server = env_server && *env_server ? env_server : TL_DEFAULT_SERVER;
	tl_client_opts.token = env_token && *env_token ? env_token : NULL;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(o, "--version") == 0) {
			printf("tl (trustlaunch) 0.1.0\n");
			return -1 - TL_EXIT_OK;
		} else if (tl_cli_is_help(o)) {
			usage(stdout);
			return -1 - TL_EXIT_OK;
		} else if (strcmp(o, "--json") == 0) {
			tl_client_opts.json = true;
		} else if (v && strcmp(o, "--server") == 0) {
			tl_client_opts.server = argv[++i];
		} else if (v && strcmp(o, "--token") == 0) {
			tl_client_opts.token = argv[++i];
			token = true;
		} else if (v && strcmp(o, "--token-file") == 0) {
			tl_client_opts.token_file = argv[++i];
			token_file = true;
		} else if (v && strcmp(o, "--cacert") == 0) {
			tl_client_opts.cacert = argv[++i];
		} else {
			fprintf(stderr, "tl: unknown option '%s'%s\n\n", o,
				v ? "" : " (or a value missing)");
			usage(stderr);
			return -1 - TL_EXIT_USAGE;
		}
	}
	if (token && token_file) {
		fprintf(stderr, "tl: give --token or --token-file, not both\n");
		return -1 - TL_EXIT_USAGE;
	}
	return i;
}

int main(int argc, char **argv)
{
	int g = global_options(argc, argv);

	if (g < 0)
		return -1 - g;
	if (g == argc || strcmp(argv[g], "help") == 0) {
		usage(stdout);
		return TL_EXIT_OK;
	}
	for (const struct tl_cmd *c = server_groups; c->name; c++)
		if (strcmp(argv[g], c->name) == 0)
			return c->run(argc - g, argv + g);
	for (const struct tl_cmd *c = groups; c->name; c++) {
		if (strcmp(argv[g], c->name) != 0)
			continue;
		if (tl_client_opts.json) {
			fprintf(stderr, "tl: the --json before the group is for the groups that talk "
					"to trustlaunchd; %s takes its options after the command\n",
				c->name);
			return TL_EXIT_USAGE;
		}
		return c->run(argc - g, argv + g);
	}
	fprintf(stderr, "tl: unknown group '%s'\n\n", argv[g]);
	usage(stderr);
	return TL_EXIT_USAGE;
}
