/* The compatibility catalog: which VM size families and operating systems support Trusted
 * Launch, and the rules for creating and changing a VM's security profile (the seed's tables
 * and rules, kept as data in data/catalog.json; operators add their own sizes, families and
 * OS ids in an overlay file). Pure: text in, decisions out. docs/catalog.md. */
#ifndef TRUSTLAUNCH_CATALOG_H
#define TRUSTLAUNCH_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "trustlaunch/err.h"
#include "trustlaunch/rd.h"

#define TL_CATALOG_MAX_TEXT (1u << 20) /* bytes of one catalog or overlay file */
#define TL_CATALOG_MAX_ENTRIES 4096u    /* families, aliases, sizes, OS ids, notes: each */
#define TL_CATALOG_NAME 64u             /* bytes of a name or id, with its NUL */

/* What a size family can do. */
enum tl_cat_support {
	TL_CAT_UNKNOWN = 0,   /* not in the catalog */
	TL_CAT_SUPPORTED,     /* Gen2 and Trusted Launch */
	TL_CAT_NOT_YET,       /* Gen2, Trusted Launch not yet ("currently unsupported") */
	TL_CAT_GEN1_ONLY,     /* no Gen2: Trusted Launch impossible ("unsupported") */
	TL_CAT_CONFIDENTIAL,  /* hardware-isolated (SEV-SNP, TDX): confidential VMs */
};

enum tl_os_family { TL_OS_UNKNOWN = 0, TL_OS_LINUX, TL_OS_WINDOWS };

enum tl_security_type {
	TL_SECTYPE_UNSET = 0,
	TL_SECTYPE_STANDARD,
	TL_SECTYPE_TRUSTED_LAUNCH,
	TL_SECTYPE_CONFIDENTIAL,
};

struct tl_catalog;

struct tl_size_info {
	enum tl_cat_support support;
	char family[TL_CATALOG_NAME];   /* "Dsv5"; empty when unknown */
	char category[TL_CATALOG_NAME]; /* "general-purpose"; empty when unknown */
};

struct tl_os_info {
	bool known;                     /* in the catalog: Trusted Launch supports it */
	enum tl_os_family family;
	bool ubuntu;                    /* for the GPU driver notes */
	char name[TL_CATALOG_NAME];
};

/* Where a catalog file was refused: the JSON path of the bad member, or the parser's text. */
struct tl_catalog_diag {
	char where[128];
};

TL_MUST_CHECK int tl_catalog_new(struct tl_catalog **out);
void tl_catalog_free(struct tl_catalog *c);
/* Adds a catalog or an overlay: entries named again replace the earlier ones (an overlay may
 * move a family to another status). TL_E_CATALOG with diag on anything not documented in
 * docs/catalog.md; the catalog is unchanged then. */
TL_MUST_CHECK int tl_catalog_load(struct tl_catalog *c, struct tl_bytes text,
				  struct tl_catalog_diag *diag);

/* A size ("Standard_D2s_v5", an operator's "kvm.medium", or a family name) to its family,
 * the way Azure names sizes (docs/catalog.md). Never fails: unknown sizes are TL_CAT_UNKNOWN. */
void tl_catalog_size(const struct tl_catalog *c, const char *size, struct tl_size_info *out);
void tl_catalog_os(const struct tl_catalog *c, const char *os_id, struct tl_os_info *out);

/* The rule a profile breaks (docs/catalog.md names each code). */
enum tl_cat_rule {
	TL_RULE_OK = 0,
	TL_RULE_SIZE_GEN1_ONLY,       /* catalog.size_unsupported */
	TL_RULE_SIZE_NOT_YET,         /* catalog.size_not_yet_supported */
	TL_RULE_SIZE_UNKNOWN,         /* catalog.size_unknown */
	TL_RULE_OS_UNSUPPORTED,       /* catalog.os_unsupported */
	TL_RULE_NOT_CONFIDENTIAL_SIZE,/* catalog.size_not_confidential */
	TL_RULE_FEATURE_NEEDS_TL,     /* catalog.feature_needs_trusted_launch */
	TL_RULE_SCALE_SET_FIXED,      /* catalog.scale_set_fixed */
	TL_RULE_GEN1_VM,              /* catalog.gen1_vm */
	TL_RULE_CONFIDENTIAL_FIXED,   /* catalog.confidential_fixed */
	TL_RULE_DOWNGRADE,            /* catalog.downgrade */
};

/* What a caller asks for; unset fields take the catalog's defaults. */
struct tl_vm_request {
	const char *size, *os;          /* NULL: unchanged (update) */
	enum tl_security_type type;     /* UNSET: the default */
	int secure_boot, vtpm;          /* -1 unset, 0 off, 1 on */
	bool scale_set;                 /* a member of a scale set */
};

/* A VM as it is (for changes). */
struct tl_vm_profile {
	const char *size, *os;
	enum tl_security_type type;
	bool secure_boot, vtpm;
	bool gen1;                      /* BIOS firmware: cannot become Trusted Launch */
	bool scale_set;                 /* member of a scale set; its type was fixed at creation */
};

struct tl_cat_decision {
	enum tl_cat_rule rule;          /* TL_RULE_OK: allowed, with the values below */
	enum tl_security_type type;
	bool secure_boot, vtpm;
	struct tl_size_info size;
	struct tl_os_info os;
	char message[320];              /* for people: why, and what to do */
};

/* A new VM: Trusted Launch is the default when its size and OS support it, else standard;
 * Trusted Launch asked for on a size or OS that cannot have it is refused with the rule. */
void tl_catalog_decide_create(const struct tl_catalog *c, const struct tl_vm_request *req,
			      struct tl_cat_decision *out);
/* A change to an existing VM: Trusted Launch may be turned on later for a Gen2 VM, not for a
 * Gen1 VM nor a member of a scale set created without it; confidential is fixed. */
void tl_catalog_decide_update(const struct tl_catalog *c, const struct tl_vm_profile *vm,
			      const struct tl_vm_request *req, struct tl_cat_decision *out);

/* Stable names: "trustedlaunch", "catalog.size_unsupported", "supported", ... */
const char *tl_security_type_name(enum tl_security_type t);
/* UNSET for anything else. */
enum tl_security_type tl_security_type_parse(const char *s);
const char *tl_cat_rule_code(enum tl_cat_rule r);
const char *tl_cat_support_name(enum tl_cat_support s);

/* The catalog's contents for `tl catalog show` and GET /v1/catalog, as JSON text
 * (malloc'd), or NULL when out of memory. */
char *tl_catalog_dump(const struct tl_catalog *c);
/* A decision as JSON text (malloc'd; NULL when out of memory): allowed, rule, message, the
 * resulting profile, the size's family and status, the OS, and the notes that apply (GPU
 * drivers and Secure Boot). */
char *tl_cat_decision_json(const struct tl_catalog *c, const struct tl_cat_decision *d);

#endif
