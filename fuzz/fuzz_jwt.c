/* libFuzzer target: token verification (jwt.c, jwk.c) against a fixed key set, and the strict
 * base64url decoder (b64.c): whatever decodes must encode back to the same text. */
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/b64.h"
#include "trustlaunch/jwt.h"

#define NOW 1700000000 /* the seeds in fuzz/corpus/jwt are valid at this time */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The ES256 key of RFC 7515 A.3 under its RFC 7638 thumbprint; the seed tokens are signed with
 * its private half (tests/store/test_jwt.c writes them). */
static const char jwks_text[] =
	"{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"sig\",\"alg\":\"ES256\","
	"\"kid\":\"oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U\","
	"\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
	"\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";

static void b64url_canonical(const char *text, size_t n)
{
	uint8_t *raw = malloc(n + 1);
	char *again = malloc(n + 2);
	size_t len;
	if (!raw || !again)
		abort();
	if (tl_b64url_decode(text, n, raw, n + 1, &len) == TL_OK &&
	    (tl_b64url_encode(raw, len, again, n + 2) != TL_OK || strlen(again) != n ||
	     memcmp(again, text, n) != 0))
		__builtin_trap();
	free(raw);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *jwks;
	json_t *claims = NULL;
	char *text;

	if (!jwks && !(jwks = json_loads(jwks_text, 0, NULL)))
		abort();
	if (!(text = malloc(size + 1)))
		abort();
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	if (tl_jwt_verify(text, jwks, NOW, &claims) == TL_OK) {
		if (!json_is_object(claims))
			__builtin_trap();
		json_decref(claims);
	}
	b64url_canonical(text, size);
	free(text);
	return 0;
}
