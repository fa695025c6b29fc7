/* Standard Webhooks signatures (include/trustlaunch/webhook.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto_cred.h"
#include "trustlaunch/b64.h"
#include "trustlaunch/buf.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/rd.h"
#include "trustlaunch/webhook.h"

#define PREFIX "whsec_"

int tl_webhook_secret_new(uint8_t key[static TL_WEBHOOK_KEY_LEN],
			  char text[static TL_WEBHOOK_SECRET_TEXT])
{
	int err = tl_random(key, TL_WEBHOOK_KEY_LEN);
	if (err != TL_OK)
		return err;
	memcpy(text, PREFIX, sizeof(PREFIX) - 1);
	return tl_b64_encode(key, TL_WEBHOOK_KEY_LEN, text + sizeof(PREFIX) - 1,
			     TL_WEBHOOK_SECRET_TEXT - (sizeof(PREFIX) - 1));
}

int tl_webhook_secret_parse(const char *text, uint8_t key[static TL_WEBHOOK_MAX_KEY],
			    size_t *len)
{
	size_t n = strlen(text);
	if (n <= sizeof(PREFIX) - 1 || n >= TL_WEBHOOK_SECRET_TEXT ||
	    strncmp(text, PREFIX, sizeof(PREFIX) - 1) != 0 ||
	    tl_b64_decode(text + sizeof(PREFIX) - 1, n - (sizeof(PREFIX) - 1), key,
			  TL_WEBHOOK_MAX_KEY, len) != TL_OK ||
	    *len < 16)
		return TL_E_WEBHOOK_SECRET;
	return TL_OK;
}

/* The raw HMAC of "<id>.<ts>.<body>". */
static int mac(const uint8_t *key, size_t key_len, const char *msg_id, int64_t ts,
	       const char *body, size_t len, uint8_t out[static TL_MAX_DIGEST])
{
	struct tl_buf b;
	int err;
	if (!msg_id[0] || strlen(msg_id) > TL_WEBHOOK_MAX_ID || len > TL_WEBHOOK_MAX_BODY ||
	    key_len == 0 || key_len > TL_WEBHOOK_MAX_KEY)
		return TL_E_ARG;
	tl_buf_init(&b, TL_WEBHOOK_MAX_BODY + TL_WEBHOOK_MAX_ID + 32);
	tl_buf_printf(&b, "%s.%lld.", msg_id, (long long)ts);
	tl_buf_put(&b, body, len);
	if (!tl_buf_str(&b)) {
		tl_buf_free(&b);
		return TL_E_NOMEM;
	}
	err = tl_hmac(TL_ALG_SHA256, key, key_len, tl_buf_str(&b), b.len, out);
	tl_buf_free(&b);
	return err;
}

int tl_webhook_sign(const uint8_t *key, size_t key_len, const char *msg_id, int64_t ts,
		    const char *body, size_t len, char out[static TL_WEBHOOK_SIG_TEXT])
{
	uint8_t h[TL_MAX_DIGEST];
	int err = mac(key, key_len, msg_id, ts, body, len, h);
	if (err != TL_OK)
		return err;
	memcpy(out, "v1,", 3);
	return tl_b64_encode(h, TL_SHA256_LEN, out + 3, TL_WEBHOOK_SIG_TEXT - 3);
}

/* The next space-separated entry of the header from *pos, as a view; false at the end. */
static bool entry(struct tl_bytes h, size_t *pos, struct tl_bytes *e)
{
	size_t i = *pos, start;
	struct tl_rd rd;
	while (i < h.len && tl_bytes_at(h, i) == ' ')
		i++;
	if (i == h.len)
		return false;
	start = i;
	while (i < h.len && tl_bytes_at(h, i) != ' ')
		i++;
	tl_rd_from(&rd, h);
	if (tl_rd_skip(&rd, start) != TL_OK || tl_rd_bytes(&rd, i - start, e) != TL_OK)
		return false;
	*pos = i;
	return true;
}

int tl_webhook_verify(const uint8_t *key, size_t key_len, const char *msg_id, int64_t ts,
		      const char *body, size_t len, const char *header, int64_t now,
		      int64_t tolerance)
{
	char want[TL_WEBHOOK_SIG_TEXT];
	struct tl_bytes h = { (const uint8_t *)header, strlen(header) }, e;
	size_t n = 0, pos = 0;
	bool match = false;
	int err;
	if (ts < now - tolerance || ts > now + tolerance)
		return TL_E_WEBHOOK_TIMESTAMP;
	if ((err = tl_webhook_sign(key, key_len, msg_id, ts, body, len, want)) != TL_OK)
		return err;
	while (n++ < TL_WEBHOOK_MAX_SIGS && entry(h, &pos, &e))
		if (e.len == strlen(want) && tl_crypto_memeq(e.ptr, want, e.len))
			match = true; /* every entry looked at: no early exit on a match */
	return match ? TL_OK : TL_E_WEBHOOK_SIGNATURE;
}
