/* libFuzzer target: webhook-signature headers and whsec_ secrets (webhook.c). The input is
 * tried as a header against the reference vector's delivery (only a header holding its
 * signature verifies) and as a secret (a parsed key is 16..64 bytes). */
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/webhook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char body[] = "{\"test\": 2432232314}";
	static const char good[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
	uint8_t key[TL_WEBHOOK_MAX_KEY];
	size_t len;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (tl_webhook_secret_parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", key, &len) != TL_OK)
		abort();
	if (tl_webhook_verify(key, len, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
			      strlen(body), text, 1614265330, 300) == TL_OK &&
	    !strstr(text, good))
		abort();
	if (tl_webhook_secret_parse(text, key, &len) == TL_OK && (len < 16 || len > 64))
		abort();
	free(text);
	return 0;
}
