/* Internal: the per-type event decoders. Each fills a JSON object (may be NULL when only
 * the summary is wanted) and a one-line summary. */
#ifndef TL_TCGLOG_DECODE_H
#define TL_TCGLOG_DECODE_H

#include <jansson.h>

#include "trustlaunch/buf.h"
#include "trustlaunch/tcglog.h"
#include "trustlaunch/uefi.h"
#include "trustlaunch/x509.h"

struct tl_dec {
	json_t *d;            /* the event's "data" object, or NULL */
	json_t *flags;        /* array of strings, or NULL */
	struct tl_buf *sum;   /* summary */
	const struct tl_log *log;
	const struct tl_event *ev;
};

void tl_dec_set(struct tl_dec *x, const char *key, json_t *v);
void tl_dec_str(struct tl_dec *x, const char *key, const char *s);
void tl_dec_hex(struct tl_dec *x, const char *key, struct tl_bytes b);
void tl_dec_flag(struct tl_dec *x, const char *flag);
/* 64-bit values (addresses, LBAs) as "0x..." strings: JSON numbers lose them. */
json_t *tl_dec_u64_json(uint64_t v);
void tl_dec_u64(struct tl_dec *x, const char *key, uint64_t v);
/* Text of untrusted bytes (see text.h) as a malloc'd string; NULL when out of memory. */
char *tl_dec_text(struct tl_bytes b);
char *tl_dec_utf16(struct tl_bytes b);

void tl_dec_no_action(struct tl_dec *x);
void tl_dec_variable(struct tl_dec *x);
void tl_dec_image(struct tl_dec *x);
void tl_dec_gpt(struct tl_dec *x);
void tl_dec_blob(struct tl_dec *x);
void tl_dec_tables(struct tl_dec *x);
void tl_dec_ipl(struct tl_dec *x);
void tl_dec_nonhost_info(struct tl_dec *x);
void tl_dec_tag(struct tl_dec *x);
/* Windows' SIPA events (PCR 12-14) as a tree; false (x untouched) when the data is not. */
bool tl_dec_sipa(struct tl_dec *x);
void tl_dec_string(struct tl_dec *x);
void tl_dec_opaque(struct tl_dec *x);

/* GCE NonHostInfo: "GCE NonHostInfo\0" then the confidential technology byte; its name, or
 * NULL when the data is not that. */
const char *tl_dec_gce_technology(struct tl_bytes data);

/* What an EV_EFI_VARIABLE_AUTHORITY's variable data holds: an EFI_SIGNATURE_DATA (owner
 * GUID, then a certificate or a hash: firmware's db entries, shim's MokList and vendor_db
 * entries) or a bare DER certificate (shim's vendor certificate, "Shim"). */
struct tl_dec_authority {
	bool has_owner;
	struct tl_guid owner;
	bool is_cert;
	struct tl_x509_info cert;     /* when is_cert */
	struct tl_bytes hash;         /* when !is_cert: the bytes after the owner */
};
/* Decided by the bytes: a certificate exactly to the end, or an owner GUID and then one; an
 * owner and other bytes are a hash. TL_E_VAR_MALFORMED when the data reads both ways as a
 * certificate (the two readings name different certificates) or is shorter than a GUID and
 * not a certificate. Clear out with tl_dec_authority_clear (also after an error). */
TL_MUST_CHECK int tl_dec_authority(struct tl_bytes data, struct tl_dec_authority *out);
void tl_dec_authority_clear(struct tl_dec_authority *a);
/* subject, issuer and sha256 of a certificate or hash, and owner when there is one, into o */
void tl_dec_authority_json(const struct tl_dec_authority *a, json_t *o);

/* Signature list entries as a JSON array of {type, owner, subject, issuer, sha256 | hash}. */
json_t *tl_dec_esl(struct tl_bytes store, size_t *count, int *err);

#endif
