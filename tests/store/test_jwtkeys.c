/* The service's token signing keys: private files, rotation that keeps old tokens verifiable,
 * refusal of unsafe or inconsistent key stores, signing from many threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "jwtkeys.h"
#include "trustlaunch/b64.h"
#include "trustlaunch/jwt.h"

#define NOW 1700000000

static int verify(const char *jwt, json_t *jwks, int64_t now)
{
	json_t *claims = NULL;
	int err = tl_jwt_verify(jwt, jwks, now, &claims);
	assert_true((err == TL_OK) == (claims != NULL));
	json_decref(claims);
	return err;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(data, 1, n, out), n);
	assert_int_equal(fclose(out), 0);
}

static void rm_tree(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static mode_t mode_of(const char *dir, const char *name, const char *suffix)
{
	char path[512];
	struct stat st;
	snprintf(path, sizeof(path), "%s/jwt/%s%s", dir, name, suffix);
	if (stat(path, &st) != 0)
		return (mode_t)-1;
	return st.st_mode & 07777;
}

static const char *kid_at(json_t *jwks, size_t i)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(jwks, "keys"), i),
						 "kid"));
}

static void jwtkeys_load_creates_private_files(void **state)
{
	char dir[] = "/tmp/tl-jwtkeys-XXXXXX", kid[TL_JWK_KID_LEN + 1], again[TL_JWK_KID_LEN + 1];
	char path[512], text[64];
	struct tl_jwtkeys *k;
	FILE *in;
	(void)state;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(tl_jwtkeys_load(dir, &k), TL_OK);
	tl_jwtkeys_current(k, kid);
	assert_int_equal(mode_of(dir, "", ""), 0700);
	assert_int_equal(mode_of(dir, kid, ".pem"), 0600);
	assert_int_equal(mode_of(dir, "current", ""), 0600);
	snprintf(path, sizeof(path), "%s/jwt/current", dir);
	assert_non_null(in = fopen(path, "r"));
	assert_non_null(fgets(text, sizeof(text), in));
	fclose(in);
	assert_int_equal(strlen(text), TL_JWK_KID_LEN + 1);
	assert_memory_equal(text, kid, TL_JWK_KID_LEN);
	tl_jwtkeys_free(k);
	/* loading again finds the same key rather than making one */
	assert_int_equal(tl_jwtkeys_load(dir, &k), TL_OK);
	tl_jwtkeys_current(k, again);
	assert_string_equal(again, kid);
	tl_jwtkeys_free(k);
	rm_tree(dir);
}

static void jwtkeys_rotate_keeps_three_and_old_tokens_verify(void **state)
{
	char dir[] = "/tmp/tl-jwtkeys-XXXXXX", first[TL_JWK_KID_LEN + 1], kid[TL_JWK_KID_LEN + 1];
	json_t *claims = json_pack("{s:s}", "sub", "vm"), *jwks, *reloaded;
	struct tl_jwtkeys *k;
	char *old, *fresh;
	(void)state;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(tl_jwtkeys_load(dir, &k), TL_OK);
	tl_jwtkeys_current(k, first);
	assert_int_equal(tl_jwtkeys_sign(k, claims, &old), TL_OK);
	assert_int_equal(tl_jwtkeys_rotate(k), TL_OK);
	tl_jwtkeys_current(k, kid);
	assert_string_not_equal(kid, first);
	jwks = tl_jwtkeys_jwks(k);
	assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 2);
	assert_string_equal(kid_at(jwks, 0), kid); /* current first */
	assert_string_equal(kid_at(jwks, 1), first);
	assert_int_equal(verify(old, jwks, NOW), TL_OK);
	assert_int_equal(tl_jwtkeys_sign(k, claims, &fresh), TL_OK);
	assert_int_equal(verify(fresh, jwks, NOW), TL_OK);
	json_decref(jwks);
	/* the new token names the new key */
	{
		char header[256];
		size_t n;
		assert_int_equal(tl_b64url_decode(fresh, strcspn(fresh, "."), (uint8_t *)header,
						  sizeof(header) - 1, &n), TL_OK);
		header[n] = '\0';
		assert_non_null(strstr(header, kid));
	}
	/* two more: three kept, and the first key is gone with the 3rd rotation */
	assert_int_equal(tl_jwtkeys_rotate(k), TL_OK);
	assert_int_equal(tl_jwtkeys_rotate(k), TL_OK);
	jwks = tl_jwtkeys_jwks(k);
	assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 3);
	assert_string_equal(kid_at(jwks, 2), kid);
	assert_int_equal(verify(fresh, jwks, NOW), TL_OK);
	assert_int_equal(verify(old, jwks, NOW), TL_E_JWT_KID);
	assert_int_equal(mode_of(dir, first, ".pem"), (mode_t)-1);
	json_decref(jwks);
	/* the 4th rotation drops the key of `fresh` and deletes its file */
	assert_int_equal(tl_jwtkeys_rotate(k), TL_OK);
	jwks = tl_jwtkeys_jwks(k);
	assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 3);
	assert_int_equal(verify(fresh, jwks, NOW), TL_E_JWT_KID);
	assert_int_equal(mode_of(dir, kid, ".pem"), (mode_t)-1);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(mode_of(dir, kid_at(jwks, i), ".pem"), 0600);
	tl_jwtkeys_free(k);
	/* what was kept reads back in the same order */
	assert_int_equal(tl_jwtkeys_load(dir, &k), TL_OK);
	reloaded = tl_jwtkeys_jwks(k);
	assert_true(json_equal(reloaded, jwks));
	json_decref(reloaded);
	json_decref(jwks);
	tl_jwtkeys_free(k);
	free(old);
	free(fresh);
	json_decref(claims);
	rm_tree(dir);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/jwt/%s", dir, name);
	write_file(path, text, strlen(text));
}

static void jwtkeys_load_refuses_unsafe_or_wrong_files(void **state)
{
	char dir[] = "/tmp/tl-jwtkeys-XXXXXX", kid[TL_JWK_KID_LEN + 1], path[512], line[128];
	char other[TL_JWK_KID_LEN + 1], other_path[512], jwt_dir[512];
	struct tl_jwtkeys *k;
	(void)state;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(tl_jwtkeys_load(dir, &k), TL_OK);
	tl_jwtkeys_current(k, kid);
	assert_int_equal(tl_jwtkeys_rotate(k), TL_OK);
	tl_jwtkeys_current(k, other);
	tl_jwtkeys_free(k);
	snprintf(path, sizeof(path), "%s/jwt/%s.pem", dir, kid);
	snprintf(other_path, sizeof(other_path), "%s/jwt/%s.pem", dir, other);
	/* a key others may read */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(tl_jwtkeys_load(dir, &k), TL_E_JWT_KEYSTORE);
	assert_int_equal(chmod(path, 0600), 0);
	/* a directory others may enter */
	snprintf(jwt_dir, sizeof(jwt_dir), "%s/jwt", dir);
	assert_int_equal(chmod(jwt_dir, 0755), 0);
	assert_int_equal(tl_jwtkeys_load(dir, &k), TL_E_JWT_KEYSTORE);
	assert_int_equal(chmod(jwt_dir, 0700), 0);
	/* `current` not a list of thumbprints */
	static const char *const bad[] = {
		"", "\n", "abc\n", "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U",
		"oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U=\n", "../../../../etc/passwd\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text(dir, "current", bad[i]);
		assert_int_equal(tl_jwtkeys_load(dir, &k), TL_E_JWT_KEYSTORE);
	}
	/* a kid listed twice */
	snprintf(line, sizeof(line), "%s\n%s\n", kid, kid);
	write_text(dir, "current", line);
	assert_int_equal(tl_jwtkeys_load(dir, &k), TL_E_JWT_KEYSTORE);
	/* a kid whose file is missing */
	write_text(dir, "current", "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U\n");
	assert_int_equal(tl_jwtkeys_load(dir, &k), TL_E_JWT_KEYSTORE);
	/* a file that holds another key than its name says */
	snprintf(line, sizeof(line), "%s\n", kid);
	write_text(dir, "current", line);
	assert_int_equal(rename(other_path, path), 0);
	assert_int_equal(tl_jwtkeys_load(dir, &k), TL_E_JWT_KEYSTORE);
	rm_tree(dir);
}

struct signer {
	struct tl_jwtkeys *keys;
	char *tokens[50];
};

static void *sign_many(void *arg)
{
	struct signer *s = arg;
	json_t *claims = json_pack("{s:s}", "sub", "vm");
	for (size_t i = 0; i < 50; i++)
		if (tl_jwtkeys_sign(s->keys, claims, &s->tokens[i]) != TL_OK)
			s->tokens[i] = NULL;
	json_decref(claims);
	return NULL;
}

static void jwtkeys_sign_from_threads_while_rotating(void **state)
{
	char dir[] = "/tmp/tl-jwtkeys-XXXXXX";
	struct signer s[4];
	pthread_t th[4];
	json_t *jwks;
	(void)state;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(tl_jwtkeys_load(dir, &s[0].keys), TL_OK);
	for (int i = 0; i < 4; i++) {
		s[i].keys = s[0].keys;
		assert_int_equal(pthread_create(&th[i], NULL, sign_many, &s[i]), 0);
	}
	assert_int_equal(tl_jwtkeys_rotate(s[0].keys), TL_OK);
	assert_int_equal(tl_jwtkeys_rotate(s[0].keys), TL_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	jwks = tl_jwtkeys_jwks(s[0].keys);
	for (int i = 0; i < 4; i++)
		for (size_t j = 0; j < 50; j++) {
			assert_non_null(s[i].tokens[j]);
			assert_int_equal(verify(s[i].tokens[j], jwks, NOW), TL_OK);
			free(s[i].tokens[j]);
		}
	json_decref(jwks);
	tl_jwtkeys_free(s[0].keys);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jwtkeys_load_creates_private_files),
		cmocka_unit_test(jwtkeys_rotate_keeps_three_and_old_tokens_verify),
		cmocka_unit_test(jwtkeys_load_refuses_unsafe_or_wrong_files),
		cmocka_unit_test(jwtkeys_sign_from_threads_while_rotating),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
