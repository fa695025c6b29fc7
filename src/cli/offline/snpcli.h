/* Shared by `tl snp verify` and `tl cvm verify` (snp_common.c): AMD roots, the policy
 * options, and how an SNP verdict is shown. */
#ifndef TL_SNPCLI_H
#define TL_SNPCLI_H

#include <jansson.h>

#include "trustlaunch/snp.h"

#define TL_SNP_MAX_CAS 16
#define TL_SNP_DEFAULT_ROOTS "/etc/trustlaunch/amd-roots"

/* Options both commands take. */
struct tl_snp_cli {
	const char *ca[TL_SNP_MAX_CAS];
	size_t nca;
	const char *vcek;
	time_t at;
	struct tl_snp_policy_cfg cfg;
	bool json;
};

#define TL_SNP_CLI_OPTIONS_HELP                                                                \
	"  --vcek FILE        the VCEK or VLEK (DER or PEM) from AMD's key distribution service\n" \
	"  --ca PATH          AMD roots: an ask_ark_asvk.pem (ARK, ASK, ASVK of a generation) or\n" \
	"                     a directory of them; repeatable. Default: $TL_AMD_ROOTS, else\n"    \
	"                     " TL_SNP_DEFAULT_ROOTS "\n"                                       \
	"  --at UNIX_TIME     check the certificates' validity at this time instead of now\n"   \
	"  --allow-debug      accept a guest policy that allows debugging\n"                       \
	"  --allow-migration-agent  accept a guest policy that allows a migration agent\n"        \
	"  --forbid-smt       refuse a guest policy that allows SMT\n"                            \
	"  --max-vmpl N       the highest VMPL a report may come from (default 0)\n"               \
	"  --min-tcb BL:TEE:SNP:UCODE[:FMC]  minimum reported TCB components\n"                  \
	"  --json             the verdict, reason and every field as JSON\n"

/* Consumes argv[*i] (and its value) when it is one of the shared options: 1 consumed, 0 not
 * one of them, -1 a bad value (a message was printed). */
int tl_snp_cli_option(int argc, char **argv, int *i, struct tl_snp_cli *o);
/* The roots from --ca (files or directories) or the default. TL_EXIT_OK or TL_EXIT_USAGE. */
int tl_snp_cli_roots(const struct tl_snp_cli *o, struct tl_snp_roots **out);
/* The signer of --vcek: TL_OK, or the reason (info says why); -1 when unreadable. */
int tl_snp_cli_signer(const struct tl_snp_cli *o, const struct tl_snp_roots *roots,
		      struct tl_snp_signer **out, struct tl_snp_cert_info *info);
/* Exit code of a verdict: 0 genuine, 2 unusable input (malformed), 1 refused. */
int tl_snp_cli_exit(int err);
/* The report and the certificate as JSON. */
json_t *tl_snp_cli_report_json(const struct tl_snp_report *r, enum tl_snp_gen gen);
json_t *tl_snp_cli_cert_json(const struct tl_snp_cert_info *c);
/* {"code","message","detail"} of a refusal, or NULL for TL_OK. */
json_t *tl_snp_cli_reason(int err, const char *detail);
/* "refused: CODE: MESSAGE[: DETAIL]" on stderr. */
void tl_snp_cli_refused(int err, const char *detail);

#endif
