/* Revocation currency: is a VM's dbx and SbatLevel as current as the revocation data the
 * operator keeps (Microsoft's dbx_info_msft_latest.json and signed DBXUpdate-*.bin, shim's
 * SbatLevel_Variable.txt), and does this boot run code the current lists revoke?
 * All three files are parsed strictly with named limits (limits.h); see docs/revocations.md. */
#ifndef TRUSTLAUNCH_REVOCATION_H
#define TRUSTLAUNCH_REVOCATION_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "trustlaunch/err.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/rd.h"

#define TL_REVOC_DATE_LEN 11   /* "YYYY-MM-DD" and NUL */
#define TL_SBAT_NAME_LEN 48    /* a component name ("grub.debian") and NUL */
#define TL_SBAT_STAMP_LEN 11   /* a datestamp ("2024040900") and NUL */

/* ---- the current dbx: dbx_info JSON and the signed update ---- */

enum tl_revoc_kind {
	TL_REVOC_HASH, /* an image's Authenticode SHA-256 (EFI_CERT_SHA256 in dbx) */
	TL_REVOC_CERT, /* a certificate (EFI_CERT_X509 in dbx) */
	TL_REVOC_SVN,  /* a Windows boot manager SVN record (a 32-byte EFI_CERT_SHA256 entry) */
};

struct tl_revoc_entry {
	enum tl_revoc_kind kind;
	uint8_t value[TL_SHA256_LEN]; /* HASH, SVN: the 32 bytes in dbx; CERT: unused */
	uint8_t thumbprint[TL_SHA1_LEN]; /* CERT: SHA-1 of the certificate */
	char date[TL_REVOC_DATE_LEN];   /* dateOfAddition (SVN: dateOfLastChange); "" unknown */
	char *file;        /* filename (CERT: the certificate file's name); never NULL */
	char *description; /* e.g. "Black Lotus Microsoft Windows 8.1"; never NULL */
	char *authority;   /* signingAuthority (CERT: subjectName); never NULL */
	char *issuer;      /* CERT: issuerName; else "" */
	bool optional;     /* isOptional in dbx_info */
	bool staged;       /* a certificate or SVN: applied by a separate, Windows-side step of
			    * Microsoft's mitigations, not by the dbx update; reported only */
	bool in_info, in_update; /* named in dbx_info / contained in the signed update */
};

struct tl_revoc_list {
	char arch[16];     /* the architecture whose images were kept ("x64") */
	size_t count;
	struct tl_revoc_entry *e;
	bool have_info, have_update;
	bool update_verified;   /* the caller verified the update (tl_dbx_update_verify) */
	char update_time[32];   /* the update's EFI_TIME, "YYYY-MM-DDTHH:MM:SS" */
	size_t update_entries;  /* signatures in the update */
};

/* Parses dbx_info JSON strictly (known members only, hashes 64 hex, dates YYYY-MM-DD) and
 * keeps the images of arch ("x64", "ia32", "aarch64", "arm"), the certificates and the SVNs.
 * Errors: revocation.dbx_info_too_large, revocation.dbx_info_malformed,
 * revocation.too_many_entries, TL_E_NOMEM; TL_E_ARG when the file has no images of arch
 * (all of it is still checked first). */
TL_MUST_CHECK int tl_dbx_info_parse(struct tl_bytes json, const char *arch,
				    struct tl_revoc_list *out);

/* A signed authenticated-variable update (EFI_VARIABLE_AUTHENTICATION_2 + signature lists). */
struct tl_dbx_update {
	char time[32];           /* its TimeStamp, "YYYY-MM-DDTHH:MM:SS" */
	struct tl_bytes timestamp; /* the EFI_TIME as stored (16 bytes; the signature covers it) */
	struct tl_bytes pkcs7;   /* WIN_CERTIFICATE_UEFI_GUID CertData (PKCS#7 SignedData) */
	struct tl_bytes lists;   /* the EFI_SIGNATURE_LISTs it appends */
	size_t count;            /* signatures in lists */
};
/* Parses the header (revision 0x0200, type 0x0EF1, CertType PKCS7, a valid EFI_TIME with the
 * fields UEFI requires to be zero) and checks the signature lists parse. The PKCS#7 signature
 * is not verified here (tl_dbx_update_verify does). Errors: revocation.dbx_update_malformed,
 * revocation.dbx_update_lists. */
TL_MUST_CHECK int tl_dbx_update_parse(struct tl_bytes file, struct tl_dbx_update *out);
/* Verifies the update's PKCS#7 signature as UEFI firmware does for an authenticated write of
 * dbx (UEFI 8.2.2; EDK2's AuthVariableLib): over "dbx" (UTF-16) || EFI_IMAGE_SECURITY_DATABASE
 * GUID || Attributes (NV|BS|RT|TIME_BASED_AUTH, with APPEND_WRITE or without) || TimeStamp ||
 * the lists, by a signer that chains to the KEK certificate kek (DER or PEM) taken as a trust
 * anchor, certificate validity times not checked (firmware has no trusted clock).
 * *appended says which attributes verified. revocation.dbx_update_signature otherwise. */
TL_MUST_CHECK int tl_dbx_update_verify(const struct tl_dbx_update *up, struct tl_bytes kek,
				       bool *appended);
/* The same with each certificate of a KEK signature-list store (e.g. a VM's KEK variable):
 * would this VM's firmware accept the update? TL_OK when one verifies,
 * revocation.dbx_update_signature when none does, TL_E_ESL_MALFORMED. */
TL_MUST_CHECK int tl_dbx_update_verify_kek_lists(const struct tl_dbx_update *up,
						 struct tl_bytes kek_lists, bool *appended);
/* Adds the update's signatures to list: entries already named are marked in_update, the
 * others are added without a name. TL_E_NOMEM, revocation.too_many_entries. */
TL_MUST_CHECK int tl_revoc_list_add_update(struct tl_revoc_list *list,
					   const struct tl_dbx_update *up);
void tl_revoc_list_clear(struct tl_revoc_list *list);

/* ---- SbatLevel generations ---- */

struct tl_sbat_component {
	char name[TL_SBAT_NAME_LEN];
	uint32_t gen;
};

#define TL_SBAT_MAX_COMPONENTS 16u /* components of one SbatLevel */

struct tl_sbat_level {
	char stamp[TL_SBAT_STAMP_LEN]; /* the "sbat,1,STAMP" datestamp */
	size_t ncomp;
	struct tl_sbat_component comp[TL_SBAT_MAX_COMPONENTS];
};

struct tl_sbat_generation {
	struct tl_sbat_level level;
	char *description; /* the prose that introduces it, on one line; never NULL */
	char *cves;        /* "CVE-2023-40547, ..." found in that prose; never NULL */
};

struct tl_sbat_levels {
	size_t count;
	struct tl_sbat_generation *gen; /* in the file's order */
	size_t newest;                  /* index of the newest (largest datestamp, last on a tie) */
};

/* Parses SbatLevel_Variable.txt: every block "sbat,1,STAMP" + "component,N" lines ended by
 * an empty line, with the prose before it. Errors: revocation.sbat_levels_malformed (also for
 * a file without a generation), revocation.too_many_entries, TL_E_NOMEM. */
TL_MUST_CHECK int tl_sbat_levels_parse(struct tl_bytes text, struct tl_sbat_levels *out);
void tl_sbat_levels_clear(struct tl_sbat_levels *levels);
/* Parses one SbatLevel as a VM holds it ("sbat,1,STAMP\ncomp,N\n..."; a trailing NUL and
 * "\r" are accepted). revocation.vm_sbat_level_malformed otherwise. */
TL_MUST_CHECK int tl_sbat_level_parse(struct tl_bytes text, struct tl_sbat_level *out);
/* True when have revokes at least what want revokes (every component of want at no lower
 * generation). */
bool tl_sbat_level_covers(const struct tl_sbat_level *have, const struct tl_sbat_level *want);

/* ---- what the VM has ---- */

#define TL_REVOC_MAX_APPS 64u /* boot applications looked at in one boot */

struct tl_revoc_vm_cert {
	char *subject_cn, *issuer_cn; /* CN values; "" when absent */
	bool has_thumbprint;
	uint8_t thumbprint[TL_SHA1_LEN];
};

struct tl_revoc_app {
	char *path;                    /* as the log names it, "" when unknown */
	uint8_t digest[TL_SHA256_LEN]; /* Authenticode SHA-256 */
};

struct tl_revoc_vm {
	bool from_log;        /* facts of an event log, else a variable store */
	bool secure_boot;     /* SecureBoot measured 1 / the store holds a PK */
	bool dbx_known;       /* dbx measured / read (an absent dbx in a store is empty) */
	size_t nhash, ncert, nother;
	uint8_t (*hash)[TL_SHA256_LEN]; /* EFI_CERT_SHA256 entries */
	struct tl_revoc_vm_cert *cert;
	bool sbat_known;
	struct tl_sbat_level sbat;
	int kek_accepts_update; /* set by the caller: 1 its KEK verifies the update, 0 not, -1 unknown */
	size_t napps;
	struct tl_revoc_app app[TL_REVOC_MAX_APPS];
};

/* From facts (tl_facts_extract): secureboot.enabled, .dbx, .sbat_level and efi_apps' SHA-256
 * digests. revocation.facts_unusable when they are not shaped as facts are,
 * revocation.vm_sbat_level_malformed, revocation.too_many_entries, TL_E_NOMEM. */
TL_MUST_CHECK int tl_revoc_vm_from_facts(json_t *facts, struct tl_revoc_vm *out);
/* From an OVMF variable store: PK (Secure Boot on when present), dbx, SbatLevel. Errors of
 * tl_varstore_get, TL_E_ESL_MALFORMED, revocation.vm_sbat_level_malformed, TL_E_NOMEM. */
TL_MUST_CHECK int tl_revoc_vm_from_varstore(struct tl_bytes fd, struct tl_revoc_vm *out);
/* Adds a boot component's Authenticode digest (e.g. of a shim or GRUB file). TL_E_ARG when
 * full. */
TL_MUST_CHECK int tl_revoc_vm_add_app(struct tl_revoc_vm *vm, const char *path,
				      const uint8_t digest[static TL_SHA256_LEN]);
void tl_revoc_vm_clear(struct tl_revoc_vm *vm);

/* ---- the check and the decision "revocations-current" ---- */

enum tl_revoc_status {
	TL_REVOC_HEALTHY,
	TL_REVOC_UNHEALTHY,
	TL_REVOC_NOT_APPLICABLE,
};

#define TL_REVOC_MAX_REASONS 8u

struct tl_revoc_app_hit {
	const struct tl_revoc_entry *entry; /* in the list */
	size_t app;                         /* index into vm->app */
	bool in_vm_dbx;                     /* the VM's own dbx already forbids it */
};

struct tl_revoc_component_hit {
	char image[64];                     /* the image's name as given */
	struct tl_sbat_component have;      /* its .sbat row */
	uint32_t required;                  /* by the newest generation */
};

#define TL_REVOC_MAX_COMPONENT_HITS 32u

/* Holds views into the list, levels and VM it was made from: valid while they are. */
struct tl_revoc_report {
	enum tl_revoc_status status;
	size_t nreasons;
	int reasons[TL_REVOC_MAX_REASONS]; /* revocation.* codes, each once */
	/* dbx */
	bool dbx_checked;          /* a list was given and the VM's dbx is known */
	size_t current, present;   /* entries of the list; of them in the VM's dbx */
	size_t missing_update;     /* missing entries that the dbx update applies (they decide) */
	size_t missing_optional;   /*   of them marked isOptional */
	size_t missing_staged;     /* missing certificates/SVNs of separate steps (reported only) */
	size_t nmissing;
	const struct tl_revoc_entry **missing; /* into the list, in its order */
	size_t apps_checked;       /* boot applications with a SHA-256 digest */
	size_t nhits;
	struct tl_revoc_app_hit hits[TL_REVOC_MAX_APPS];
	/* SBAT */
	bool sbat_checked;                       /* levels given and the VM's level known */
	bool sbat_current;
	size_t ngen_missing;
	const struct tl_sbat_generation **gen_missing; /* not covered by the VM's level */
	size_t ncomp_hits;
	struct tl_revoc_component_hit comp_hits[TL_REVOC_MAX_COMPONENT_HITS];
};

/* The decision: not_applicable without Secure Boot (reason revocation.no_secure_boot);
 * unhealthy when the VM's dbx lacks an entry of list that the dbx update applies (also one
 * marked isOptional; certificates and SVNs of separate steps are only reported)
 * (revocation.dbx_missing), its
 * dbx was not measured (revocation.dbx_not_measured), a boot application's digest is in list
 * (revocation.boot_app_revoked), its SbatLevel does not cover the newest generation
 * (revocation.sbat_level_behind), or a component checked with tl_revoc_check_image is below
 * it (revocation.component_revoked); healthy otherwise. list or levels may be NULL (not
 * checked). TL_E_NOMEM. */
TL_MUST_CHECK int tl_revoc_check(const struct tl_revoc_vm *vm, const struct tl_revoc_list *list,
				 const struct tl_sbat_levels *levels, struct tl_revoc_report *out);
/* A boot component's .sbat section against the newest generation; adds hits and makes the
 * report unhealthy (revocation.component_revoked). revocation.image_sbat_malformed for a
 * section that is not SBAT CSV. */
TL_MUST_CHECK int tl_revoc_check_image(struct tl_revoc_report *rep, const char *image,
				       struct tl_bytes sbat_section,
				       const struct tl_sbat_levels *levels);
void tl_revoc_report_clear(struct tl_revoc_report *rep);
/* "healthy", "unhealthy", "not_applicable". */
const char *tl_revoc_status_name(enum tl_revoc_status s);
/* The report as JSON (docs/revocations.md); NULL on out of memory. */
json_t *tl_revoc_report_json(const struct tl_revoc_report *rep, const struct tl_revoc_vm *vm,
			     const struct tl_revoc_list *list, const struct tl_sbat_levels *levels);

/* The same without dbx.missing_entries (the groups by date and description stay): what the
 * service keeps with each attestation, a few KiB at most. NULL on out of memory. */
json_t *tl_revoc_report_summary(const struct tl_revoc_report *rep, const struct tl_revoc_vm *vm,
				const struct tl_revoc_list *list,
				const struct tl_sbat_levels *levels);

/* The lists themselves (tl revocations show): dbx entries grouped by date and description,
 * and the SbatLevel generations. Either may be NULL. NULL on out of memory. */
json_t *tl_revoc_lists_json(const struct tl_revoc_list *list, const struct tl_sbat_levels *levels);

/* The recommendation this decides. */
#define TL_REVOC_RECOMMENDATION_ID "revocations-current"
#define TL_REVOC_RECOMMENDATION_TITLE "Secure Boot revocation lists should be up to date"
#define TL_REVOC_RECOMMENDATION_SEVERITY "low"

#endif
