/* A VM's NVRAM files: reading the template and key files, writing the store atomically. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "nvram/nvram.h"
#include "trustlaunch/limits.h"

#define MAX_VARS_FILE (64u * 1024u * 1024u)
#define MAX_KEY_FILE (1u * 1024u * 1024u)

static int load_set(const char *const *paths, size_t n, uint8_t **bufs, size_t *nbufs,
		    struct tl_sb_key_files *out)
{
	int err = TL_OK;
	if (n > TL_SB_MAX_KEY_FILES)
		return TL_E_ARG;
	for (size_t i = 0; i < n && err == TL_OK; i++) {
		size_t len;
		err = tl_file_read(paths[i], MAX_KEY_FILE, &bufs[*nbufs], &len);
		if (err == TL_OK)
			out->file[out->n++] = (struct tl_bytes){ bufs[(*nbufs)++], len };
	}
	return err;
}

int tl_varstore_set_keys(const char *template_path, const char *out_path,
			 const struct tl_sb_key_paths *keys)
{
	uint8_t *bufs[4 * TL_SB_MAX_KEY_FILES + 1], *tpl = NULL, *out = NULL;
	size_t nbufs = 0, tlen, olen;
	struct tl_sb_keys k;
	int err;

	memset(&k, 0, sizeof(k));
	k.owner = TL_GUID_TRUSTLAUNCH_OWNER;
	k.time = keys->time ? keys->time : (int64_t)time(NULL);
	err = keys->pk ? load_set(&keys->pk, 1, bufs, &nbufs, &k.pk) : TL_E_ARG;
	if (err == TL_OK)
		err = load_set(keys->kek, keys->nkek, bufs, &nbufs, &k.kek);
	if (err == TL_OK)
		err = load_set(keys->db, keys->ndb, bufs, &nbufs, &k.db);
	if (err == TL_OK)
		err = load_set(keys->dbx, keys->ndbx, bufs, &nbufs, &k.dbx);
	if (err == TL_OK)
		err = tl_file_read(template_path, MAX_VARS_FILE, &tpl, &tlen);
	if (err == TL_OK)
		err = tl_varstore_set_keys_mem((struct tl_bytes){ tpl, tlen }, &k, &out, &olen);
	if (err == TL_OK)
		err = tl_file_write_private(out_path, out, olen, true);
	for (size_t i = 0; i < nbufs; i++)
		free(bufs[i]);
	free(tpl);
	free(out);
	return err;
}

int tl_varstore_append_dbx(const char *path, const uint8_t *update, size_t len,
			   struct tl_dbx_apply *res)
{
	struct tl_dbx_apply local;
	uint8_t *fd = NULL, *out = NULL;
	size_t flen, olen;
	int err;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	if (len > TL_MAX_DBX_UPDATE)
		return TL_E_REVOC_UPDATE_MALFORMED;
	err = tl_file_read(path, MAX_VARS_FILE, &fd, &flen);
	if (err == TL_OK)
		err = tl_varstore_apply_dbx((struct tl_bytes){ fd, flen },
					    (struct tl_bytes){ update, len }, &out, &olen, res);
	if (err == TL_OK && res->changed)
		err = tl_file_write_private(path, out, olen, true);
	free(fd);
	free(out);
	return err;
}

/* DIR/NAME.EXT for the first extension that exists, malloc'd; NULL when none does. */
static char *key_path(const char *dir, const char *name)
{
	static const char *const ext[] = { "pem", "crt", "der", "esl", "auth" };
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t n = strlen(dir) + strlen(name) + strlen(ext[i]) + 3;
		char *p = malloc(n);
		if (!p)
			return NULL;
		snprintf(p, n, "%s/%s.%s", dir, name, ext[i]);
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

int tl_sb_key_paths_from_dir(const char *dir, struct tl_sb_key_paths *out)
{
	char *p;
	memset(out, 0, sizeof(*out));
	out->pk = key_path(dir, "PK");
	if ((p = key_path(dir, "KEK")))
		out->kek[out->nkek++] = p;
	if ((p = key_path(dir, "db")))
		out->db[out->ndb++] = p;
	if ((p = key_path(dir, "dbx")))
		out->dbx[out->ndbx++] = p;
	if (!out->pk || !out->nkek || !out->ndb) {
		tl_sb_key_paths_clear(out);
		return TL_E_FILE_MISSING;
	}
	return TL_OK;
}

void tl_sb_key_paths_clear(struct tl_sb_key_paths *p)
{
	free((char *)p->pk);
	for (size_t i = 0; i < p->nkek; i++)
		free((char *)p->kek[i]);
	for (size_t i = 0; i < p->ndb; i++)
		free((char *)p->db[i]);
	for (size_t i = 0; i < p->ndbx; i++)
		free((char *)p->dbx[i]);
	memset(p, 0, sizeof(*p));
}

int tl_varstore_set_keys_dir(const char *template_path, const char *out_path, const char *dir,
			     int64_t time)
{
	struct tl_sb_key_paths k;
	int err = tl_sb_key_paths_from_dir(dir, &k);
	if (err != TL_OK)
		return err;
	k.time = time;
	err = tl_varstore_set_keys(template_path, out_path, &k);
	tl_sb_key_paths_clear(&k);
	return err;
}

int tl_host_nvram_custom(const char *keys_dir, const char *vars_path)
{
	return tl_varstore_set_keys_dir(vars_path, vars_path, keys_dir, 0);
}
