/* Secure Boot key stores from files: OVMF variable stores (*_VARS*.fd), raw
 * EFI_SIGNATURE_LIST files (.esl) and authenticated variable updates (.auth). */
#ifndef TRUSTLAUNCH_VARSTORE_H
#define TRUSTLAUNCH_VARSTORE_H

#include "trustlaunch/uefi.h"

struct tl_var_entry {
	struct tl_guid vendor;
	struct tl_bytes name;  /* UTF-16LE as stored, without the terminating NUL */
	struct tl_bytes data;
	uint32_t attributes;
	struct tl_bytes timestamp; /* EFI_TIME of a time-based authenticated variable (16 bytes) */
	struct tl_bytes raw;       /* the whole record: header, name, data (no padding) */
	bool in_transition; /* VAR_IN_DELETED_TRANSITION: used only when no ADDED copy exists */
};

/* Each live variable of an EDK2 authenticated variable store inside a firmware volume.
 * TL_E_VARSTORE for a file that is not one, or a variable that runs past the store. */
TL_MUST_CHECK int tl_varstore_walk(struct tl_bytes fd,
				   int (*fn)(const struct tl_var_entry *v, void *arg), void *arg);
/* The data of the live variable vendor/name (ASCII name), as EDK2 finds it;
 * TL_E_VARSTORE_MISSING when absent, TL_E_VARSTORE when the store holds it twice. */
TL_MUST_CHECK int tl_varstore_get(struct tl_bytes fd, const struct tl_guid *vendor,
				  const char *name, struct tl_bytes *data);
/* The same, the whole variable (tl_var_entry): zeroed when absent. */
TL_MUST_CHECK int tl_varstore_find(struct tl_bytes fd, const struct tl_guid *vendor,
				   const char *name, struct tl_var_entry *out);
/* True when the variable is vendor/name (ASCII name). */
bool tl_var_entry_is(const struct tl_var_entry *v, const struct tl_guid *vendor, const char *name);
/* Where the variable area lies in the file (after VARIABLE_STORE_HEADER), for writers: the
 * store must lie inside the file and the firmware volume header's checksum hold.
 * TL_E_VARSTORE otherwise. */
TL_MUST_CHECK int tl_varstore_area(struct tl_bytes fd, size_t *offset, size_t *len);
/* The signature lists of a .esl or .auth file (EFI_VARIABLE_AUTHENTICATION_2 header
 * skipped), checked to parse. */
TL_MUST_CHECK int tl_esl_file(struct tl_bytes file, struct tl_bytes *lists);

#endif
