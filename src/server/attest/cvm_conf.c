/* The service's confidential-VM and revocation settings, read once at start. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm_conf.h"
#include "file.h"
#include "trustlaunch/limits.h"

static bool say(char *msg, size_t n, const char *path, int err)
{
	snprintf(msg, n, "%s: %s", path, err == TL_E_IO ? strerror(errno) : tl_err_msg(err));
	return false;
}

bool tl_srv_snp_roots_load(const char *path, struct tl_snp_roots **out, char *msg, size_t n)
{
	struct tl_snp_roots *roots = NULL;
	uint8_t *buf = NULL;
	size_t len;
	int err = tl_file_read(path, TL_SNP_MAX_CERT_FILE, &buf, &len);

	if (err != TL_OK)
		return say(msg, n, path, err);
	if ((err = tl_snp_roots_new(&roots)) == TL_OK)
		err = tl_snp_roots_add(roots, (struct tl_bytes){ buf, len });
	free(buf);
	if (err != TL_OK) {
		tl_snp_roots_free(roots);
		return say(msg, n, path, err);
	}
	*out = roots;
	return true;
}

bool tl_srv_snp_policy_parse(const char *list, struct tl_snp_policy_cfg *cfg)
{
	char word[32];
	const char *p = list;
	cfg->allow_debug = cfg->allow_migrate_ma = cfg->forbid_smt = false;
	while (*p) {
		size_t k = strcspn(p, ",");
		if (k == 0 || k >= sizeof(word))
			return false;
		memcpy(word, p, k);
		word[k] = '\0';
		if (strcmp(word, "allow-debug") == 0)
			cfg->allow_debug = true;
		else if (strcmp(word, "allow-migration-agent") == 0)
			cfg->allow_migrate_ma = true;
		else if (strcmp(word, "forbid-smt") == 0)
			cfg->forbid_smt = true;
		else if (strcmp(word, "strict") != 0)
			return false;
		p += k + (p[k] == ',');
	}
	return true;
}

/* DIR/name into path; false when it is not there (another error: *err). */
static bool present(const char *dir, const char *name, char *path, size_t n, size_t max,
		    uint8_t **buf, size_t *len, int *err)
{
	snprintf(path, n, "%s/%s", dir, name);
	*err = tl_file_read(path, max, buf, len);
	if (*err == TL_E_FILE_MISSING)
		*err = TL_OK;
	return *buf != NULL;
}

static int load_list(const char *dir, struct tl_srv_revocations *r, char *path, size_t n,
		     uint8_t **update)
{
	uint8_t *buf = NULL;
	size_t len;
	int err;

	if (present(dir, TL_SRV_REVOC_INFO_FILE, path, n, TL_MAX_DBX_INFO, &buf, &len, &err)) {
		err = tl_dbx_info_parse((struct tl_bytes){ buf, len }, "x64", &r->list);
		free(buf);
		if (err != TL_OK)
			return err;
		r->have_list = true;
	} else if (err != TL_OK) {
		return err;
	}
	if (present(dir, TL_SRV_REVOC_UPDATE_FILE, path, n, TL_MAX_DBX_UPDATE, update, &len,
		    &err)) {
		struct tl_dbx_update up;
		if ((err = tl_dbx_update_parse((struct tl_bytes){ *update, len }, &up)) != TL_OK ||
		    (err = tl_revoc_list_add_update(&r->list, &up)) != TL_OK)
			return err;
		r->have_list = true;
	}
	return err;
}

bool tl_srv_revocations_load(const char *dir, struct tl_srv_revocations **out, char *msg,
			     size_t n)
{
	struct tl_srv_revocations *r = calloc(1, sizeof(*r));
	char path[4096];
	uint8_t *buf = NULL, *update = NULL;
	size_t len;
	int err = TL_E_NOMEM;

	if (!r)
		return say(msg, n, dir, err);
	snprintf(r->list.arch, sizeof(r->list.arch), "x64");
	if ((err = load_list(dir, r, path, sizeof(path), &update)) != TL_OK)
		goto fail;
	if (present(dir, TL_SRV_REVOC_SBAT_FILE, path, sizeof(path), TL_MAX_SBAT_LEVELS_TEXT, &buf,
		    &len, &err)) {
		err = tl_sbat_levels_parse((struct tl_bytes){ buf, len }, &r->levels);
		free(buf);
		if (err != TL_OK)
			goto fail;
		r->have_levels = true;
	} else if (err != TL_OK) {
		goto fail;
	}
	free(update); /* the list keeps no views into the update */
	if (!r->have_list && !r->have_levels) {
		snprintf(msg, n, "%s: none of " TL_SRV_REVOC_INFO_FILE ", " TL_SRV_REVOC_UPDATE_FILE
			 ", " TL_SRV_REVOC_SBAT_FILE " is there", dir);
		tl_srv_revocations_free(r);
		return false;
	}
	*out = r;
	return true;
fail:
	free(update);
	tl_srv_revocations_free(r);
	return say(msg, n, path, err);
}

void tl_srv_revocations_free(struct tl_srv_revocations *r)
{
	if (!r)
		return;
	tl_revoc_list_clear(&r->list);
	tl_sbat_levels_clear(&r->levels);
	free(r);
}
