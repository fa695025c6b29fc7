/* A VM's NVRAM on the host: Secure Boot keys written into a copy of OVMF's variable store
 * template, and signed dbx updates applied to a stopped VM's store (tl vm create
 * --secure-boot-keys custom:DIR, tl vm update-dbx). Files around trustlaunch/nvram.h. */
#ifndef TL_HOST_NVRAM_H
#define TL_HOST_NVRAM_H

#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/nvram.h"

#define TL_HOST_EMPTY_VARS "/usr/share/OVMF/OVMF_VARS_4M.fd"

/* Paths of the key files (PEM or DER certificates, .esl or .auth): one PK, up to
 * TL_SB_MAX_KEY_FILES of the others; dbx may have none (the template's dbx is kept). */
struct tl_sb_key_paths {
	const char *pk;
	const char *kek[TL_SB_MAX_KEY_FILES], *db[TL_SB_MAX_KEY_FILES], *dbx[TL_SB_MAX_KEY_FILES];
	size_t nkek, ndb, ndbx;
	int64_t time;      /* TimeStamp of the keys, Unix UTC; 0: now */
};

/* The key files of a directory (custom:DIR): DIR/PK, KEK, db and dbx, each the first of
 * NAME.pem, NAME.crt, NAME.der, NAME.esl, NAME.auth that exists; dbx is optional.
 * The paths are malloc'd into names (freed with tl_sb_key_paths_clear). TL_E_FILE_MISSING
 * when PK, KEK or db is absent. */
TL_MUST_CHECK int tl_sb_key_paths_from_dir(const char *dir, struct tl_sb_key_paths *out);
void tl_sb_key_paths_clear(struct tl_sb_key_paths *p);

/* Writes out_path (0600, atomically) as template_path with the keys enrolled
 * (tl_varstore_set_keys_mem). Certificates are owned by TL_GUID_TRUSTLAUNCH_OWNER.
 * TL_E_FILE_*, TL_E_ARG for too many files, and the errors of tl_varstore_set_keys_mem (sb.varstore_full, sb.key_unusable, ...). */
TL_MUST_CHECK int tl_varstore_set_keys(const char *template_path, const char *out_path,
				       const struct tl_sb_key_paths *keys);

/* The keys of dir (tl_sb_key_paths_from_dir) enrolled: out_path written from template_path
 * (they may be one file). TL_E_FILE_MISSING without PK, KEK or db, else as
 * tl_varstore_set_keys. time 0: now. */
TL_MUST_CHECK int tl_varstore_set_keys_dir(const char *template_path, const char *out_path,
					   const char *dir, int64_t time);
/* tl vm create --secure-boot-keys custom:DIR: the keys of keys_dir enrolled into the VM's
 * store at vars_path (a copy of the empty template), in place. */
TL_MUST_CHECK int tl_host_nvram_custom(const char *keys_dir, const char *vars_path);

/* Applies a signed dbx update to the store at path (tl_varstore_apply_dbx); the file is
 * rewritten (atomically) only when dbx changed. res may be NULL. */
TL_MUST_CHECK int tl_varstore_append_dbx(const char *path, const uint8_t *update, size_t len,
					 struct tl_dbx_apply *res);

#endif
