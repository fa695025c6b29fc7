/* Token signing keys on disk and in memory; readers share the current key under a mutex held
 * only long enough to take a reference. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "file.h"
#include "jwtkeys.h"
#include "trustlaunch/b64.h"

#define PATH_LEN 4096
#define CURRENT_MAX 512 /* bytes of the `current` file */
#define KEY_MAX 16384   /* bytes of a key's PEM file */

struct jwtkey {
	EVP_PKEY *pkey;
	json_t *jwk;
	char kid[TL_JWK_KID_LEN + 1];
};

struct tl_jwtkeys {
	pthread_mutex_t lock;
	char dir[PATH_LEN];
	struct jwtkey keys[TL_JWTKEYS_KEEP]; /* [0] is current */
	size_t n;
};

static void key_clear(struct jwtkey *key)
{
	EVP_PKEY_free(key->pkey);
	json_decref(key->jwk);
	memset(key, 0, sizeof(*key));
}

static int path_of(const struct tl_jwtkeys *k, const char *name, const char *suffix,
		   char path[static PATH_LEN])
{
	int n = snprintf(path, PATH_LEN, "%s/%s%s", k->dir, name, suffix);
	return n > 0 && n < PATH_LEN ? TL_OK : TL_E_ARG;
}

/* A private file: a regular file of ours that nobody else may read or write. */
static int check_private(int fd, mode_t type)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return TL_E_IO;
	if ((st.st_mode & S_IFMT) != type || (st.st_mode & 077) != 0 || st.st_uid != geteuid())
		return TL_E_JWT_KEYSTORE;
	return TL_OK;
}

/* pkey (a new EC P-256 key or one read back) with its kid and public JWK. */
static int key_set(struct jwtkey *key, EVP_PKEY *pkey)
{
	int err;
	memset(key, 0, sizeof(*key));
	if ((err = tl_jwk_thumbprint(pkey, key->kid)) != TL_OK ||
	    (err = tl_jwk_from_key(pkey, &key->jwk)) != TL_OK)
		return err == TL_E_UNSUPPORTED ? TL_E_JWT_KEYSTORE : err;
	key->pkey = pkey;
	return TL_OK;
}

/* The file layer's refusals (a link, loose permissions, another owner) are the key store's. */
static int keystore_err(int err)
{
	return err == TL_OK || err == TL_E_IO || err == TL_E_NOMEM ? err : TL_E_JWT_KEYSTORE;
}

static int key_read(const struct tl_jwtkeys *k, const char *kid, struct jwtkey *key)
{
	char path[PATH_LEN];
	EVP_PKEY *pkey = NULL;
	uint8_t *pem = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	int err;

	if ((err = path_of(k, kid, ".pem", path)) != TL_OK)
		return err;
	if ((err = keystore_err(tl_file_read_private(path, KEY_MAX, &pem, &len))) != TL_OK)
		goto out;
	err = TL_E_NOMEM;
	if (!(bio = BIO_new_mem_buf(pem, (int)len))) /* len <= KEY_MAX */
		goto out;
	err = TL_E_JWT_KEYSTORE;
	if (!(pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) ||
	    (err = key_set(key, pkey)) != TL_OK)
		goto out;
	pkey = NULL;
	if (strcmp(key->kid, kid) != 0) { /* a file renamed or replaced: not the key its name says */
		key_clear(key);
		err = TL_E_JWT_KEYSTORE;
	}
out:
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	if (pem)
		OPENSSL_cleanse(pem, len);
	free(pem);
	return err;
}

/* A new key's file: never over another (its name is its thumbprint). */
static int key_write(const struct tl_jwtkeys *k, const struct jwtkey *key)
{
	char path[PATH_LEN];
	BIO *bio = BIO_new(BIO_s_secmem());
	char *pem;
	long len;
	int err = TL_E_IO;

	if (!bio)
		return TL_E_NOMEM;
	if (path_of(k, key->kid, ".pem", path) != TL_OK)
		err = TL_E_ARG;
	else if (PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL) == 1 &&
		 (len = BIO_get_mem_data(bio, &pem)) > 0)
		err = tl_file_write_private(path, pem, (size_t)len, false);
	BIO_free(bio);
	return err == TL_E_FILE_EXISTS ? TL_E_IO : err;
}

/* Writes the list of kids over `current` (src/common/file.h), so a crash leaves the old list
 * or the new one. */
static int current_write(const struct tl_jwtkeys *k, const struct jwtkey *keys, size_t n)
{
	char path[PATH_LEN], text[CURRENT_MAX];
	size_t len = 0;

	if (path_of(k, "current", "", path) != TL_OK)
		return TL_E_ARG;
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(&text[len], sizeof(text) - len, "%s\n", keys[i].kid);
		if (w < 0 || (size_t)w >= sizeof(text) - len)
			return TL_E_ARG;
		len += (size_t)w;
	}
	return tl_file_write_private(path, text, len, true);
}

/* One line of `current`: a kid (not seen before) and a newline; its key is read. */
static int current_line(struct tl_jwtkeys *k, const char *line, size_t n)
{
	char kid[TL_JWK_KID_LEN + 1];
	uint8_t raw[32];
	size_t raw_len;
	int err;

	if (n != TL_JWK_KID_LEN || line[n] != '\n' || k->n == TL_JWTKEYS_KEEP ||
	    tl_b64url_decode(line, n, raw, sizeof(raw), &raw_len) != TL_OK)
		return TL_E_JWT_KEYSTORE;
	memcpy(kid, line, n);
	kid[n] = '\0';
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->keys[i].kid, kid) == 0)
			return TL_E_JWT_KEYSTORE;
	if ((err = key_read(k, kid, &k->keys[k->n])) != TL_OK)
		return err;
	k->n++;
	return TL_OK;
}

/* Reads the kids listed in `current` (each a thumbprint and a newline, at most
 * TL_JWTKEYS_KEEP, no repeats) and their keys; no keys, and TL_OK, when there is no file yet. */
static int current_read(struct tl_jwtkeys *k)
{
	char path[PATH_LEN];
	uint8_t *text = NULL;
	const char *line;
	size_t len = 0;
	int err;

	if ((err = path_of(k, "current", "", path)) != TL_OK)
		return err;
	err = tl_file_read_private(path, CURRENT_MAX, &text, &len);
	if (err == TL_E_FILE_MISSING)
		return TL_OK;
	if ((err = keystore_err(err)) == TL_OK && len == 0)
		err = TL_E_JWT_KEYSTORE;
	for (line = (const char *)text; err == TL_OK && *line;) {
		size_t n = strcspn(line, "\n");
		if ((err = current_line(k, line, n)) == TL_OK)
			line = &line[n + 1];
	}
	free(text);
	return err;
}

static int open_dir(struct tl_jwtkeys *k, const char *state_dir)
{
	int n = snprintf(k->dir, sizeof(k->dir), "%s/jwt", state_dir), fd, err;
	if (n < 0 || (size_t)n >= sizeof(k->dir))
		return TL_E_ARG;
	if (mkdir(k->dir, 0700) != 0 && errno != EEXIST)
		return TL_E_IO;
	if ((fd = open(k->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ENOTDIR || errno == ELOOP ? TL_E_JWT_KEYSTORE : TL_E_IO;
	err = check_private(fd, S_IFDIR);
	close(fd);
	return err;
}

int tl_jwtkeys_load(const char *state_dir, struct tl_jwtkeys **out)
{
	struct tl_jwtkeys *k = calloc(1, sizeof(*k));
	int err;

	if (!k)
		return TL_E_NOMEM;
	if (pthread_mutex_init(&k->lock, NULL) != 0) {
		free(k);
		return TL_E_NOMEM;
	}
	if ((err = open_dir(k, state_dir)) != TL_OK || (err = current_read(k)) != TL_OK ||
	    (k->n == 0 && (err = tl_jwtkeys_rotate(k)) != TL_OK))
		goto out;
	*out = k;
	k = NULL;
out:
	tl_jwtkeys_free(k);
	return err;
}

void tl_jwtkeys_free(struct tl_jwtkeys *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++)
		key_clear(&k->keys[i]);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

int tl_jwtkeys_sign(struct tl_jwtkeys *k, json_t *claims, char **jwt)
{
	char kid[TL_JWK_KID_LEN + 1];
	EVP_PKEY *pkey;
	int err;

	pthread_mutex_lock(&k->lock);
	pkey = k->keys[0].pkey;
	memcpy(kid, k->keys[0].kid, sizeof(kid));
	err = EVP_PKEY_up_ref(pkey) == 1 ? TL_OK : TL_E_CRYPTO;
	pthread_mutex_unlock(&k->lock);
	if (err != TL_OK)
		return err;
	err = tl_jwt_sign_es256(pkey, kid, claims, jwt);
	EVP_PKEY_free(pkey);
	return err;
}

json_t *tl_jwtkeys_jwks(struct tl_jwtkeys *k)
{
	json_t *keys = json_array(), *jwks = NULL;

	pthread_mutex_lock(&k->lock);
	for (size_t i = 0; keys && i < k->n; i++)
		if (json_array_append_new(keys, json_deep_copy(k->keys[i].jwk)) != 0) {
			json_decref(keys);
			keys = NULL;
		}
	pthread_mutex_unlock(&k->lock);
	if (keys)
		jwks = json_pack("{s:o}", "keys", keys); /* takes keys, also on failure */
	return jwks;
}

void tl_jwtkeys_current(struct tl_jwtkeys *k, char kid[static TL_JWK_KID_LEN + 1])
{
	pthread_mutex_lock(&k->lock);
	memcpy(kid, k->keys[0].kid, TL_JWK_KID_LEN + 1);
	pthread_mutex_unlock(&k->lock);
}

/* The new key's file and the new `current` are durable before the oldest file goes. */
int tl_jwtkeys_rotate(struct tl_jwtkeys *k)
{
	struct jwtkey next[TL_JWTKEYS_KEEP + 1], fresh;
	EVP_PKEY *pkey = EVP_EC_gen("P-256");
	char old[PATH_LEN];
	size_t n;
	int err;

	if (!pkey)
		return TL_E_CRYPTO;
	if ((err = key_set(&fresh, pkey)) != TL_OK) {
		EVP_PKEY_free(pkey);
		return err;
	}
	pthread_mutex_lock(&k->lock);
	next[0] = fresh;
	memcpy(&next[1], k->keys, k->n * sizeof(k->keys[0]));
	n = k->n + 1 > TL_JWTKEYS_KEEP ? TL_JWTKEYS_KEEP : k->n + 1;
	if ((err = key_write(k, &fresh)) != TL_OK)
		goto out;
	if ((err = current_write(k, next, n)) != TL_OK) {
		if (path_of(k, fresh.kid, ".pem", old) == TL_OK)
			unlink(old);
		goto out;
	}
	if (n == k->n) { /* the oldest key leaves the set */
		if (path_of(k, next[n].kid, ".pem", old) == TL_OK)
			unlink(old);
		key_clear(&next[n]);
	}
	memcpy(k->keys, next, n * sizeof(next[0]));
	k->n = n;
	memset(&fresh, 0, sizeof(fresh)); /* owned by k now */
out:
	pthread_mutex_unlock(&k->lock);
	key_clear(&fresh);
	return err;
}
