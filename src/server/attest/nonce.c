/* HMAC-sealed challenge nonces. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "nonce.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/rd.h"

static int seal(const uint8_t key[TL_NONCE_KEY_LEN], const char *vm_id, const uint8_t head[16],
		uint8_t mac[TL_MAX_DIGEST])
{
	uint8_t msg[128 + 16];
	size_t n = strlen(vm_id);
	if (n > 128)
		return TL_E_ARG;
	memcpy(msg, vm_id, n);
	memcpy(&msg[n], head, 16);
	return tl_hmac(TL_ALG_SHA256, key, TL_NONCE_KEY_LEN, msg, n + 16, mac);
}

int tl_nonce_make(const uint8_t key[TL_NONCE_KEY_LEN], const char *vm_id, int64_t now,
		  uint8_t out[TL_NONCE_LEN])
{
	uint8_t mac[TL_MAX_DIGEST];
	struct timespec ts;
	uint32_t us;
	int err;
	/* the microseconds of the second now names: the clock read here may already be in the
	 * next second (now was read before), and a nonce must never look older than one issued
	 * before it (a quote over an older nonce is stale): then the last microsecond of now */
	clock_gettime(CLOCK_REALTIME, &ts);
	us = (int64_t)ts.tv_sec == now ? (uint32_t)(ts.tv_nsec / 1000)
	     : (int64_t)ts.tv_sec > now ? 999999u
					: 0u;
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)((uint64_t)now >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		out[8 + i] = (uint8_t)(us >> (24 - 8 * i));
	if ((err = tl_random(&out[12], 4)) != TL_OK || (err = seal(key, vm_id, out, mac)) != TL_OK)
		return err;
	memcpy(&out[16], mac, 16);
	return TL_OK;
}

int tl_nonce_check(const uint8_t key[TL_NONCE_KEY_LEN], const char *vm_id,
		   const uint8_t nonce[TL_NONCE_LEN], int64_t now, int64_t ttl)
{
	uint8_t mac[TL_MAX_DIGEST], diff = 0;
	struct tl_rd rd;
	uint64_t t;
	if (seal(key, vm_id, nonce, mac) != TL_OK)
		return TL_E_NONCE_FORGED;
	for (int i = 0; i < 16; i++) /* constant time */
		diff |= (uint8_t)(mac[i] ^ nonce[16 + i]);
	if (diff)
		return TL_E_NONCE_FORGED;
	tl_rd_init(&rd, nonce, TL_NONCE_LEN);
	if (tl_rd_be64(&rd, &t) != TL_OK)
		return TL_E_NONCE_FORGED;
	if ((int64_t)t > now + 5 || now - (int64_t)t > ttl)
		return TL_E_NONCE_EXPIRED;
	return TL_OK;
}

int64_t tl_nonce_issued_us(const uint8_t nonce[TL_NONCE_LEN])
{
	struct tl_rd rd;
	uint64_t sec = 0;
	uint32_t us = 0;
	tl_rd_init(&rd, nonce, TL_NONCE_LEN);
	if (tl_rd_be64(&rd, &sec) != TL_OK || tl_rd_be32(&rd, &us) != TL_OK ||
	    sec > (uint64_t)INT64_MAX / 1000000 - 1 || us > 999999)
		return 0;
	return (int64_t)sec * 1000000 + (int64_t)us;
}

int tl_nonce_key_load(const char *state_dir, uint8_t key[TL_NONCE_KEY_LEN])
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/nonce.key", state_dir), err;

	if (n < 0 || (size_t)n >= sizeof(path))
		return TL_E_ARG;
	err = tl_file_read_secret(path, key, TL_NONCE_KEY_LEN);
	if (err != TL_E_FILE_MISSING)
		return err; /* a short key (a crash while it was written, before) is not used */
	if ((err = tl_random(key, TL_NONCE_KEY_LEN)) != TL_OK)
		return err;
	err = tl_file_write_private(path, key, TL_NONCE_KEY_LEN, false);
	if (err == TL_E_FILE_EXISTS) /* another node made it meanwhile: theirs is the key */
		err = tl_file_read_secret(path, key, TL_NONCE_KEY_LEN);
	return err;
}
