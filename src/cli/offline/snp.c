/* tl snp verify: is this raw AMD SEV-SNP attestation report genuine, from a chip whose VCEK
 * (or VLEK) chains to AMD's root, and acceptable under the policy? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "snpcli.h"

#define SMALL_FILE (64u * 1024u)

static const char verify_help[] =
	"usage: tl snp verify --report FILE --vcek FILE [--ca PATH...] [--at UNIX_TIME]\n"
	"                     [--allow-debug] [--allow-migration-agent] [--forbid-smt]\n"
	"                     [--max-vmpl N] [--min-tcb BL:TEE:SNP:UCODE[:FMC]] [--json]\n"
	"\n"
	"Decides whether a raw SEV-SNP attestation report (1184 bytes, as /dev/sev-guest returns\n"
	"it) is genuine: it parses strictly (versions 2, 3, 5; reserved fields zero); the VCEK\n"
	"chains to the ARK of its generation (Milan, Genoa, Turin) through the ASK, a VLEK\n"
	"through the ASVK; the report says it is signed by that kind of key; its CPU is of that\n"
	"generation; its ECDSA P-384 signature verifies with the certificate's key; the\n"
	"certificate's TCB is the report's reported TCB and (VCEK) its hwID the chip ID. Then the\n"
	"policy: no debugging, no migration agent, SMT as configured, VMPL, TCB minimum.\n"
	"\n"
	"  --report FILE      the attestation report\n" TL_SNP_CLI_OPTIONS_HELP
	"\n"
	"exit: 0 genuine, 1 refused (the reason code on stderr and in the JSON), 2 unusable input\n";

static int parse_args(int argc, char **argv, struct tl_snp_cli *o, const char **report)
{
	for (int i = 1; i < argc; i++) {
		int r;
		if (tl_cli_is_help(argv[i])) {
			fputs(verify_help, stdout);
			return TL_EXIT_OK;
		}
		if (strcmp(argv[i], "--report") == 0 && i + 1 < argc) {
			*report = argv[++i];
			continue;
		}
		if ((r = tl_snp_cli_option(argc, argv, &i, o)) < 0)
			return TL_EXIT_USAGE;
		if (r == 0) {
			fprintf(stderr, "tl snp verify: unexpected '%s'\n\n%s", argv[i], verify_help);
			return TL_EXIT_USAGE;
		}
	}
	if (!*report || !o->vcek) {
		fprintf(stderr, "tl snp verify: --report and --vcek are needed\n\n%s", verify_help);
		return TL_EXIT_USAGE;
	}
	return -1;
}

static void show(const struct tl_snp_cli *o, int err, const struct tl_snp_result *r)
{
	if (o->json) {
		json_t *j = json_object();
		json_object_set_new(j, "verdict", json_string(err == TL_OK ? "genuine" : "refused"));
		if (err != TL_OK)
			json_object_set_new(j, "reason", tl_snp_cli_reason(err, r->detail));
		json_object_set_new(j, "signature_verified", json_boolean(r->signature_ok));
		json_object_set_new(j, "certificate", tl_snp_cli_cert_json(&r->cert));
		if (r->parsed)
			json_object_set_new(j, "report", tl_snp_cli_report_json(&r->report, r->cert.gen));
		tl_cli_print_json(j);
	} else if (err == TL_OK) {
		printf("genuine: SEV-SNP report v%u signed by the %s of a %s (%s), VMPL %u\n"
		       "  reported TCB bl %u tee %u snp %u ucode %u; policy debug %s, migration "
		       "agent %s, SMT %s\n",
		       r->report.version, r->cert.kind == TL_SNP_KEY_VLEK ? "VLEK" : "VCEK",
		       tl_snp_gen_name(r->cert.gen), r->cert.product, r->report.vmpl,
		       r->reported.boot_loader, r->reported.tee, r->reported.snp,
		       r->reported.microcode, r->report.policy.debug ? "allowed" : "off",
		       r->report.policy.migrate_ma ? "allowed" : "off",
		       r->report.policy.smt ? "allowed" : "off");
	}
	if (err != TL_OK)
		tl_snp_cli_refused(err, r->detail);
}

static int verify(int argc, char **argv)
{
	struct tl_snp_cli o = { 0 };
	const char *report = NULL;
	struct tl_snp_roots *roots = NULL;
	struct tl_snp_result *res = NULL;
	uint8_t *rb = NULL, *cb = NULL;
	size_t rl, cl;
	int rc = parse_args(argc, argv, &o, &report), err;

	if (rc >= 0)
		return rc;
	if ((rc = tl_snp_cli_roots(&o, &roots)) != TL_EXIT_OK)
		return rc;
	rc = TL_EXIT_USAGE;
	if (tl_cli_read_file(report, SMALL_FILE, &rb, &rl) != TL_OK ||
	    tl_cli_read_file(o.vcek, SMALL_FILE, &cb, &cl) != TL_OK)
		goto out;
	if (!(res = calloc(1, sizeof(*res)))) {
		rc = tl_cli_fail(report, TL_E_NOMEM);
		goto out;
	}
	err = tl_snp_verify(roots, (struct tl_bytes){ cb, cl }, (struct tl_bytes){ rb, rl }, o.at,
			    &o.cfg, res);
	show(&o, err, res);
	rc = tl_snp_cli_exit(err);
out:
	free(res);
	free(rb);
	free(cb);
	tl_snp_roots_free(roots);
	return rc;
}

static const struct tl_cmd cmds[] = {
	{ "verify", verify, "decide whether an AMD SEV-SNP attestation report is genuine" },
	{ NULL, NULL, NULL },
};

int tl_cmd_snp(int argc, char **argv)
{
	return tl_cli_dispatch("tl snp", cmds, argc - 1, argv + 1);
}
