/* The admin token: the operator's first key to the API, handed over in a private file. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin_token.h"
#include "api.h"
#include "file.h"
#include "log.h"

#define TOKEN_FILE_LEN 65 /* 64 hex digits and a newline */

static int count_admin(const struct tl_token *t, void *arg)
{
	if (strcmp(t->role, "admin") == 0)
		(*(size_t *)arg)++;
	return TL_OK;
}

static int register_token(struct tl_store *store, const char hash[65])
{
	struct tl_token t;
	memset(&t, 0, sizeof(t));
	memcpy(t.hash, hash, sizeof(t.hash));
	snprintf(t.name, sizeof(t.name), "admin");
	snprintf(t.role, sizeof(t.role), "admin");
	snprintf(t.tenant, sizeof(t.tenant), "*");
	t.created = (int64_t)time(NULL);
	return tl_store_token_add(store, &t);
}

static bool token_text(const uint8_t text[TOKEN_FILE_LEN])
{
	for (size_t i = 0; i < 64; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
			return false;
	return text[64] == '\n';
}

/* The file's token is known to the store, or registered again when it has no admin token. */
static int known(struct tl_store *store, const char *path, const uint8_t text[TOKEN_FILE_LEN],
		 char *why, size_t why_len)
{
	char hash[65];
	struct tl_token t;
	size_t admins = 0;
	int err;

	if (!token_text(text)) {
		snprintf(why, why_len, "%s is not 64 hex digits and a newline: remove it to have "
			 "a new admin token made", path);
		return TL_E_ARG;
	}
	if ((err = tl_api_sha256_hex(text, 64, hash)) != TL_OK)
		return err;
	if ((err = tl_store_token_find(store, hash, &t)) != TL_E_STORE_NOT_FOUND ||
	    (err = tl_store_token_list(store, "*", count_admin, &admins)) != TL_OK)
		goto out;
	if (admins) { /* revoked, while another admin token exists: it stays revoked */
		tl_log("warn", "admin.token is not registered (revoked?); another admin token "
		       "exists, so it is not registered again", "path", path);
		return TL_OK;
	}
	err = register_token(store, hash);
	if (err == TL_E_STORE_CONFLICT) /* another node sharing the database did it meanwhile */
		err = TL_OK;
	else if (err == TL_OK)
		tl_log("info", "admin token registered again: the database held no admin token "
		       "(a new database with this state directory?)", "path", path);
out:
	if (err != TL_OK)
		snprintf(why, why_len, "cannot check %s in the database: %s", path, tl_err_msg(err));
	return err;
}

static int create(struct tl_store *store, const char *path, char *why, size_t why_len)
{
	char tok[TOKEN_FILE_LEN + 1], hash[65];
	int err = tl_api_new_secret(tok, hash);

	if (err != TL_OK) {
		snprintf(why, why_len, "cannot make an admin token: %s", tl_err_msg(err));
		return err;
	}
	tok[64] = '\n';
	/* the file first: a token stored but never handed over would lock the operator out */
	err = tl_file_write_private(path, tok, TOKEN_FILE_LEN, false);
	memset(tok, 0, sizeof(tok));
	if (err == TL_E_FILE_EXISTS) /* another process made it meanwhile: that one counts */
		return err;
	if (err != TL_OK) {
		snprintf(why, why_len, "cannot write %s: %s (%s)", path, tl_err_msg(err),
			 tl_err_name(err));
		return err;
	}
	if ((err = register_token(store, hash)) != TL_OK) {
		snprintf(why, why_len, "%s was written but could not be stored (%s); the next start "
			 "registers it", path, tl_err_msg(err));
		return err;
	}
	tl_log("info", "admin token created", "path", path);
	return TL_OK;
}

int tl_admin_token_ensure(struct tl_store *store, const char *dir, char *why, size_t why_len)
{
	char path[4096];
	uint8_t text[TOKEN_FILE_LEN];
	int n = snprintf(path, sizeof(path), "%s/admin.token", dir), err;

	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(why, why_len, "the state directory's path is too long");
		return TL_E_ARG;
	}
	err = tl_file_read_secret(path, text, sizeof(text));
	if (err == TL_E_FILE_MISSING && (err = create(store, path, why, why_len)) != TL_E_FILE_EXISTS)
		return err;
	if (err == TL_E_FILE_EXISTS)
		err = tl_file_read_secret(path, text, sizeof(text));
	if (err != TL_OK) {
		snprintf(why, why_len, "%s: %s (%s)", path, tl_err_msg(err), tl_err_name(err));
		return err;
	}
	err = known(store, path, text, why, why_len);
	memset(text, 0, sizeof(text));
	return err;
}
