/* Would this image boot under these Secure Boot keys? The decision UEFI firmware makes in
 * LoadImage (db, dbx), and shim's SBAT check. */
#ifndef TRUSTLAUNCH_SB_H
#define TRUSTLAUNCH_SB_H

#include <stdbool.h>

#include "trustlaunch/pe.h"
#include "trustlaunch/uefi.h"

struct tl_sb_policy {
	struct tl_bytes db, dbx;    /* EFI_SIGNATURE_LIST stores; dbx may be empty */
	struct tl_bytes sbat_level; /* SbatLevel text ("sbat,1,...\nshim,4\n..."), or empty */
};

struct tl_sb_result {
	bool by_hash;               /* allowed by its hash in db */
	bool has_authority;         /* the db entry that allowed it: */
	struct tl_guid owner;       /*   its SignatureOwner */
	struct tl_bytes authority;  /*   its certificate (a view into db) */
	char subject[512];          /* of that certificate */
	char detail[256];           /* more on a refusal (which component, OpenSSL's reason) */
};

/* TL_OK when allowed; otherwise sb.unsigned, sb.not_allowed_by_db, sb.hash_in_dbx,
 * sb.signer_in_dbx, sb.signature_invalid, sb.sbat_revoked (or a parse error). */
TL_MUST_CHECK int tl_sb_check(const struct tl_pe *pe, const struct tl_sb_policy *pol,
			      struct tl_sb_result *out);

/* SBAT: TL_OK when no component of the image's .sbat section has a generation below the
 * one SbatLevel demands; detail names the component otherwise. */
TL_MUST_CHECK int tl_sbat_check(struct tl_bytes image_sbat, struct tl_bytes level,
				char *detail, size_t detail_len);

#endif
