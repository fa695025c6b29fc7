/* Webhook signatures as the Standard Webhooks convention makes them: the HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>" under the endpoint's secret, sent as
 * "webhook-signature: v1,<base64>"; secrets are "whsec_" + base64 of the key. docs/posture.md. */
#ifndef TRUSTLAUNCH_WEBHOOK_H
#define TRUSTLAUNCH_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"

#define TL_WEBHOOK_KEY_LEN 32u            /* bytes of a key this service makes */
#define TL_WEBHOOK_MAX_KEY 64u            /* bytes of a key it accepts */
#define TL_WEBHOOK_SECRET_TEXT 96u        /* "whsec_" + base64 of a key, with NUL */
#define TL_WEBHOOK_SIG_TEXT 48u           /* "v1," + base64 of 32 bytes, with NUL */
#define TL_WEBHOOK_MAX_ID 64u             /* bytes of a webhook-id */
#define TL_WEBHOOK_MAX_BODY (1u << 20)    /* bytes of a payload signed or verified */
#define TL_WEBHOOK_MAX_SIGS 8u            /* signatures looked at in one header */

/* A new random key and its secret text. */
TL_MUST_CHECK int tl_webhook_secret_new(uint8_t key[static TL_WEBHOOK_KEY_LEN],
					char text[static TL_WEBHOOK_SECRET_TEXT]);
/* "whsec_<base64>" to its key (16..64 bytes); TL_E_WEBHOOK_SECRET otherwise. */
TL_MUST_CHECK int tl_webhook_secret_parse(const char *text,
					  uint8_t key[static TL_WEBHOOK_MAX_KEY], size_t *len);
/* "v1,<base64>" of the payload sent as msg_id at ts. */
TL_MUST_CHECK int tl_webhook_sign(const uint8_t *key, size_t key_len, const char *msg_id,
				  int64_t ts, const char *body, size_t len,
				  char out[static TL_WEBHOOK_SIG_TEXT]);
/* TL_OK when one "v1,..." signature of the space-separated header matches (in constant time)
 * and ts is within tolerance seconds of now; TL_E_WEBHOOK_TIMESTAMP, TL_E_WEBHOOK_SIGNATURE. */
TL_MUST_CHECK int tl_webhook_verify(const uint8_t *key, size_t key_len, const char *msg_id,
				    int64_t ts, const char *body, size_t len, const char *header,
				    int64_t now, int64_t tolerance);

#endif
