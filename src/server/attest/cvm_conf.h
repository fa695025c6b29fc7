/* Internal: what the service is configured with for confidential VMs and revocation
 * currency: AMD's roots and the SEV-SNP policy (--snp-roots, --snp-policy, --snp-max-vmpl,
 * --snp-min-tcb), and the current revocation data (--revocations DIR). Read once at start;
 * an operator updates the files and restarts the service (no new build). */
#ifndef TL_SERVER_CVM_CONF_H
#define TL_SERVER_CVM_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "trustlaunch/revocation.h"
#include "trustlaunch/snp.h"

/* The file names looked for in --revocations DIR (as Microsoft and shim publish them). */
#define TL_SRV_REVOC_INFO_FILE "dbx_info_msft_latest.json"
#define TL_SRV_REVOC_SBAT_FILE "SbatLevel_Variable.txt"
#define TL_SRV_REVOC_UPDATE_FILE "DBXUpdate-amd64.bin"

struct tl_srv_revocations {
	struct tl_revoc_list list;      /* the current dbx, when have_list */
	struct tl_sbat_levels levels;   /* the SbatLevel generations, when have_levels */
	bool have_list, have_levels;
};

/* Every ARK/ASK/ASVK of a PEM file (AMD's ask_ark_asvk.pem; several generations may be
 * concatenated). false with msg on failure. */
bool tl_srv_snp_roots_load(const char *path, struct tl_snp_roots **out, char *msg, size_t n);
/* "allow-debug,allow-migration-agent,forbid-smt" (any of them; "strict": none). */
bool tl_srv_snp_policy_parse(const char *list, struct tl_snp_policy_cfg *cfg);
/* The files of DIR (dbx_info, the signed dbx update, SbatLevel): at least one must be there. false with msg on failure. */
bool tl_srv_revocations_load(const char *dir, struct tl_srv_revocations **out, char *msg,
			     size_t n);
void tl_srv_revocations_free(struct tl_srv_revocations *r);

#endif
