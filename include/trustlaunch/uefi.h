/* UEFI structures found in event logs and variable stores: GUIDs, UEFI_VARIABLE_DATA,
 * EFI_SIGNATURE_LIST, device paths. */
#ifndef TRUSTLAUNCH_UEFI_H
#define TRUSTLAUNCH_UEFI_H

#include <stdbool.h>
#include <stdint.h>

#include "trustlaunch/buf.h"
#include "trustlaunch/err.h"
#include "trustlaunch/rd.h"

#define TL_GUID_STR_LEN 37 /* 36 characters and NUL */

struct tl_guid {
	uint8_t b[16]; /* as stored: the first three fields little-endian */
};

extern const struct tl_guid TL_GUID_GLOBAL_VARIABLE;  /* SecureBoot, PK, KEK, Boot#### */
extern const struct tl_guid TL_GUID_IMAGE_SECURITY_DB; /* db, dbx, dbt, dbr */
extern const struct tl_guid TL_GUID_SHIM_LOCK;         /* MokList, SbatLevel */
extern const struct tl_guid TL_GUID_CERT_X509;
extern const struct tl_guid TL_GUID_CERT_SHA256;
extern const struct tl_guid TL_GUID_ZERO;

TL_MUST_CHECK int tl_rd_guid(struct tl_rd *rd, struct tl_guid *out);
void tl_guid_str(const struct tl_guid *g, char out[static TL_GUID_STR_LEN]);
bool tl_guid_eq(const struct tl_guid *a, const struct tl_guid *b);
/* A short name for well-known signature types and owners ("x509", "sha256", "microsoft"),
 * or NULL. */
const char *tl_guid_name(const struct tl_guid *g);

/* UEFI_VARIABLE_DATA (PFP 10.4.5.1): the name is decoded to UTF-8. */
struct tl_uefi_var {
	struct tl_guid guid;
	char *name;
	struct tl_bytes name_raw; /* the UTF-16 name as measured */
	struct tl_bytes data;
};
TL_MUST_CHECK int tl_uefi_var_parse(struct tl_bytes in, struct tl_uefi_var *out);
/* The same, but bytes after the variable data are allowed and returned in trailing: older
 * shims measured EV_EFI_VARIABLE_AUTHORITY events with a few bytes too many. */
TL_MUST_CHECK int tl_uefi_var_parse_lenient(struct tl_bytes in, struct tl_uefi_var *out,
					    struct tl_bytes *trailing);
void tl_uefi_var_clear(struct tl_uefi_var *v);
/* True when the variable is vendor/name, e.g. (global, "SecureBoot"). */
bool tl_uefi_var_is(const struct tl_uefi_var *v, const struct tl_guid *vendor, const char *name);

/* One signature of an EFI_SIGNATURE_LIST store. */
struct tl_esl_entry {
	struct tl_guid type;
	struct tl_guid owner;
	struct tl_bytes data; /* certificate DER or hash */
};
/* Calls fn for each signature of a sequence of EFI_SIGNATURE_LISTs; the whole store must
 * parse (sizes divide exactly, nothing trailing) before fn sees anything.
 * TL_E_ESL_MALFORMED otherwise. */
TL_MUST_CHECK int tl_esl_walk(struct tl_bytes store,
			      int (*fn)(const struct tl_esl_entry *e, void *arg), void *arg);
/* The number of signatures, after the same checks. */
TL_MUST_CHECK int tl_esl_count(struct tl_bytes store, size_t *count);
/* Appends an EFI_SIGNATURE_LIST holding one signature of type type (owner, data). */
void tl_esl_put(struct tl_buf *b, const struct tl_guid *type, const struct tl_guid *owner,
		struct tl_bytes data);
/* The same for one X.509 certificate (DER). */
void tl_esl_put_cert(struct tl_buf *b, const struct tl_guid *owner, struct tl_bytes der);

/* A UEFI device path rendered as text in the manner of the UEFI spec
 * ("PciRoot(0x0)/Pci(0x1,0x1)/Scsi(0x0,0x0)/HD(1,GPT,...)/\EFI\BOOT\BOOTX64.EFI").
 * Malformed nodes end the text with "/<malformed>"; returns TL_E_EVENT_MALFORMED then. */
int tl_devpath_text(struct tl_buf *out, struct tl_bytes path);

#endif
