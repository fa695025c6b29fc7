/* Writing OVMF variable stores (the mirror of varstore.h): Secure Boot keys into a copy of a
 * template, and a signed dbx update into a VM's store, as the firmware itself would store
 * them. Bytes in, bytes out; the files are src/host/nvram.c's. See docs/host-nvram.md. */
#ifndef TRUSTLAUNCH_NVRAM_H
#define TRUSTLAUNCH_NVRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "trustlaunch/uefi.h"

/* Attributes of the Secure Boot key variables: NV | BS | RT | TIME_BASED_AUTHENTICATED. */
#define TL_VAR_ATTRS_SB_KEYS 0x27u
/* NV | BS: SecureBootEnable and CustomMode, as OVMF's own templates hold them. */
#define TL_VAR_ATTRS_NV_BS 0x3u

extern const struct tl_guid TL_GUID_SECURE_BOOT_ENABLE; /* SecureBootEnable */
extern const struct tl_guid TL_GUID_CUSTOM_MODE;        /* CustomMode */
extern const struct tl_guid TL_GUID_TRUSTLAUNCH_OWNER;  /* default SignatureOwner */

/* One variable to store. */
struct tl_var_new {
	const struct tl_guid *vendor;
	const char *name;       /* ASCII */
	uint32_t attributes;
	uint8_t timestamp[16];  /* EFI_TIME (zero unless time-based authenticated) */
	struct tl_bytes data;   /* not empty: an empty variable is a deleted one */
};

/* A malloc'd copy of the store fd with each of vars set: live copies of the same variable
 * are dropped and the variable area is rewritten compacted (live variables first, in their
 * order, then vars), as EDK2's reclaim writes it; the FV header and the fault-tolerant-write
 * areas after the store are kept as they are. TL_E_VARSTORE for a store that does not read
 * strictly (tl_varstore_area), TL_E_VARSTORE_FULL when the variables do not fit in the
 * store or one is larger than OVMF's maximum variable size, TL_E_NOMEM. */
TL_MUST_CHECK int tl_varstore_set(struct tl_bytes fd, const struct tl_var_new *vars, size_t n,
				  uint8_t **out, size_t *out_len);

/* EFI_TIME of a Unix time (UTC), as the TimeStamp of an authenticated variable. */
void tl_efi_time(int64_t unix_time, uint8_t out[static 16]);

#define TL_SB_MAX_KEY_FILES 8u

/* The files of one key variable: PEM or DER X.509 certificates (each becomes a one-entry
 * EFI_SIGNATURE_LIST of type EFI_CERT_X509 owned by owner), EFI_SIGNATURE_LIST files (.esl)
 * or signed updates (.auth: the lists after the EFI_VARIABLE_AUTHENTICATION_2 header). */
struct tl_sb_key_files {
	struct tl_bytes file[TL_SB_MAX_KEY_FILES];
	size_t n;
};

struct tl_sb_keys {
	struct tl_sb_key_files pk, kek, db, dbx; /* PK: exactly one certificate; dbx may be empty */
	struct tl_guid owner;                    /* SignatureOwner of certificates */
	int64_t time;                            /* TimeStamp of the key variables, Unix UTC */
};

/* A malloc'd copy of the template with PK, KEK, db (and dbx when given; else the template's
 * is kept) stored as time-based authenticated variables, SecureBootEnable = 1 and
 * CustomMode = 0: with a PK enrolled OVMF boots in user mode, Secure Boot enforcing.
 * TL_E_VARSTORE_KEY for a key file that is neither (also a PK that is not one certificate,
 * or an empty KEK or db), and the errors of tl_varstore_set. */
TL_MUST_CHECK int tl_varstore_set_keys_mem(struct tl_bytes template, const struct tl_sb_keys *keys,
					   uint8_t **out, size_t *out_len);

/* What applying a dbx update did. */
struct tl_dbx_apply {
	bool appended;        /* signed as an append write (else: a replacement of dbx) */
	bool by_pk;           /* verified by PK (else by a KEK certificate) */
	bool changed;         /* *out differs from the store */
	size_t before, added, after; /* signatures in dbx before; new; after */
	char time[32];        /* the update's TimeStamp */
};

/* Applies a signed dbx update (EFI_VARIABLE_AUTHENTICATION_2 + signature lists) as OVMF's
 * SetVariable(dbx) would: the PKCS#7 signature must verify against the store's PK or a KEK
 * certificate (revocation.dbx_update_signature; TL_E_VARSTORE_MISSING without a KEK and PK);
 * an append write adds the signatures dbx does not hold yet (same type, owner and data: no
 * duplicates) and keeps the later TimeStamp; a replacing write needs a TimeStamp later than
 * the stored one (sb.update_not_newer). When nothing changes *out is an unchanged copy.
 * Errors of tl_dbx_update_parse and tl_varstore_set. */
TL_MUST_CHECK int tl_varstore_apply_dbx(struct tl_bytes fd, struct tl_bytes update,
					uint8_t **out, size_t *out_len, struct tl_dbx_apply *res);

#endif
