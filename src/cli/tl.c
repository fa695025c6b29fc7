/* tl: the trustlaunch command line. One file per command group. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct tl_cmd groups[] = {
	{ "eventlog", tl_cmd_eventlog, "parse, replay and explain a TCG event log" },
	{ "quote", tl_cmd_quote, "verify a TPM 2.0 quote, its PCRs and event log" },
	{ "predict", tl_cmd_predict, "predict PCRs 4, 7, 8, 9 from boot artifacts" },
	{ "modsig", tl_cmd_modsig, "would the kernel trust this module's signature?" },
	{ "sb", tl_cmd_sb, "would an image boot under these Secure Boot keys?" },
	{ "pe", tl_cmd_pe, "Authenticode digest and signers of a PE/COFF image" },
	{ "ek", tl_cmd_ek, "verify an EK certificate against trusted CAs" },
	{ "credential", tl_cmd_credential, "bind a secret to an AK under an EK, and check it" },
	{ NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("tl (trustlaunch) 0.1.0\n");
		return TL_EXIT_OK;
	}
	return tl_cli_dispatch("tl", groups, argc - 1, argv + 1);
}
