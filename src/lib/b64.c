/* Base64 and base64url, with the strict decoding a signature format needs: a token whose
 * parts could be respelled would not be one token. */
#include "trustlaunch/b64.h"
#include "trustlaunch/rd.h"

static const char std_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t tl_b64_encoded_len(size_t n)
{
	return (n / 3 + (n % 3 != 0)) * 4;
}

size_t tl_b64url_encoded_len(size_t n)
{
	return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

static int encode(const char *alphabet, int pad, const uint8_t *in, size_t n, char *out,
		  size_t cap)
{
	size_t need = pad ? tl_b64_encoded_len(n) : tl_b64url_encoded_len(n), o = 0;
	struct tl_rd rd;

	if (cap > 0)
		out[0] = '\0';
	if (n > (SIZE_MAX - 1) / 4 * 3 - 3 || need >= cap)
		return TL_E_ARG;
	tl_rd_init(&rd, in, n);
	while (tl_rd_left(&rd) > 0) {
		uint8_t b[3] = { 0, 0, 0 };
		size_t k = 0, chars;
		uint32_t group;
		while (k < 3 && tl_rd_u8(&rd, &b[k]) == TL_OK)
			k++;
		group = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
		chars = k + 1; /* 1 byte -> 2 characters, 2 -> 3, 3 -> 4 */
		for (size_t i = 0; i < 4; i++) {
			if (i < chars)
				out[o++] = alphabet[(group >> (18 - 6 * i)) & 63];
			else if (pad)
				out[o++] = '=';
		}
	}
	out[o] = '\0';
	return TL_OK;
}

int tl_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	return encode(std_alphabet, 1, in, n, out, cap);
}

int tl_b64url_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	return encode(url_alphabet, 0, in, n, out, cap);
}

static int value(uint8_t c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/* The characters are read through the bounded reader; padding, when allowed, may only close
 * the text, and only as many '=' as the last group lacks. */
static int decode(int url, const char *in, size_t len, uint8_t *out, size_t max, size_t *out_len)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0, chars = 0, pad = 0;
	struct tl_rd rd;
	uint8_t c;

	*out_len = 0;
	tl_rd_init(&rd, (const uint8_t *)in, len);
	/* the bulk, a group of four at a time; the last group, padding and anything else go
	 * through the careful loop below */
	o = tl_rd_b64_groups(&rd, url, out, max);
	chars = o / 3 * 4;
	while (tl_rd_u8(&rd, &c) == TL_OK) {
		int v = value(c, url);
		if (!url && c == '=') {
			pad++;
			continue;
		}
		if (v < 0 || pad > 0)
			return TL_E_B64;
		acc = (acc << 6 | (uint32_t)v) & 0xFFFu;
		bits += 6;
		chars++;
		if (bits >= 8) {
			bits -= 8;
			if (o >= max)
				return TL_E_B64_SIZE;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (chars % 4 == 1 || (acc & ((1u << bits) - 1)) != 0)
		return TL_E_B64;
	if (!url && pad != (chars % 4 == 0 ? 0 : 4 - chars % 4))
		return TL_E_B64;
	*out_len = o;
	return TL_OK;
}

int tl_b64_decode(const char *in, size_t len, uint8_t *out, size_t max, size_t *out_len)
{
	return decode(0, in, len, out, max, out_len);
}

int tl_b64url_decode(const char *in, size_t len, uint8_t *out, size_t max, size_t *out_len)
{
	return decode(1, in, len, out, max, out_len);
}
