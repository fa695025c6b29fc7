/* Shared inside src/lib/revocation: the growing entry list and small text helpers. */
#ifndef TL_REVOCATION_INTERNAL_H
#define TL_REVOCATION_INTERNAL_H

#include "trustlaunch/limits.h"
#include "trustlaunch/revocation.h"

/* Appends a copy of e with copies of the strings. TL_E_NOMEM, revocation.too_many_entries. */
TL_MUST_CHECK int tl_revoc_list_push(struct tl_revoc_list *l, const struct tl_revoc_entry *e,
				     const char *file, const char *description,
				     const char *authority, const char *issuer);
/* The entry of kind with these 32 bytes (HASH and SVN share dbx's SHA-256 entries), or NULL. */
struct tl_revoc_entry *tl_revoc_list_find(const struct tl_revoc_list *l, const uint8_t *value);
/* The value of the first "CN=" (RFC 2253) or "CN = " (dbx_info) component, copied; "" when
 * there is none. NULL on out of memory. */
char *tl_revoc_cn(const char *name);

/* The VM's dbx, vm.c: a SHA-256 entry; a certificate by names and (NULL: unknown) SHA-1. */
TL_MUST_CHECK int tl_revoc_vm_add_hash(struct tl_revoc_vm *vm, const uint8_t *h);
TL_MUST_CHECK int tl_revoc_vm_add_cert(struct tl_revoc_vm *vm, const char *subject,
				       const char *issuer, const uint8_t *thumbprint);

/* Adds a reason code to the report once (check.c). */
void tl_revoc_reason(struct tl_revoc_report *r, int code);

/* SBAT text, sbat_levels.c: the next line as a C string (cut at the limit: long_line; NUL
 * bytes: bad), a "sbat,1,STAMP" header, a "component,N" line added to lv. */
bool tl_sbat_text_line(struct tl_rd *rd, char line[static TL_MAX_SBAT_LINE], bool *long_line,
		       bool *bad);
bool tl_sbat_text_header(const char *line, struct tl_sbat_level *out);
bool tl_sbat_text_component(const char *line, struct tl_sbat_level *lv);

#endif
