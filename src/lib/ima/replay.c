/* IMA measurement list: each entry is PCR (le32), the SHA-1 template hash (20 bytes), the
 * template name (le32 length, at most 255), and, for every template but the legacy "ima",
 * the template data (le32 length) made of fields (le32 length + bytes each). */
#include <string.h>

#include "trustlaunch/ima.h"
#include "trustlaunch/tcglog.h"

#define BOOT_AGGREGATE "boot_aggregate"

struct entry {
	uint32_t pcr;
	struct tl_bytes hash, name, data;
};

static int read_entry(struct tl_rd *rd, struct entry *e)
{
	uint32_t n;
	if (tl_rd_le32(rd, &e->pcr) != TL_OK || tl_rd_bytes(rd, TL_SHA1_LEN, &e->hash) != TL_OK ||
	    tl_rd_le32(rd, &n) != TL_OK)
		return TL_E_IMA_TRUNCATED;
	if (e->pcr >= TL_NUM_PCRS)
		return TL_E_IMA_PCR;
	if (n == 0 || n > TL_MAX_IMA_NAME)
		return TL_E_IMA_TEMPLATE;
	if (tl_rd_bytes(rd, n, &e->name) != TL_OK)
		return TL_E_IMA_TRUNCATED;
	/* the legacy template's data has no length in the binary list: it cannot be replayed */
	if (tl_bytes_eq(e->name, "ima", 3))
		return TL_E_IMA_TEMPLATE;
	if (tl_rd_le32(rd, &n) != TL_OK)
		return TL_E_IMA_TRUNCATED;
	if (n > TL_MAX_IMA_DATA)
		return TL_E_IMA_TOO_LARGE;
	return tl_rd_bytes(rd, n, &e->data) == TL_OK ? TL_OK : TL_E_IMA_TRUNCATED;
}

static int read_field(struct tl_rd *rd, struct tl_bytes *out)
{
	uint32_t n;
	struct tl_rd save = *rd;
	if (tl_rd_le32(rd, &n) != TL_OK || tl_rd_bytes(rd, n, out) != TL_OK) {
		*rd = save; /* a failed read consumes nothing */
		return TL_E_IMA_FIELD;
	}
	return TL_OK;
}

/* The template data is a list of length-prefixed fields that ends exactly; the first two
 * (d-ng, n-ng in every template of the kernel but "ima") are returned. */
static int split_fields(struct tl_bytes data, struct tl_bytes *digest, struct tl_bytes *name)
{
	struct tl_rd rd;
	size_t n = 0;
	memset(digest, 0, sizeof(*digest));
	memset(name, 0, sizeof(*name));
	tl_rd_from(&rd, data);
	while (tl_rd_left(&rd) > 0) {
		struct tl_bytes f;
		if (++n > TL_MAX_IMA_FIELDS || read_field(&rd, &f) != TL_OK)
			return TL_E_IMA_FIELD;
		if (n == 1)
			*digest = f;
		else if (n == 2)
			*name = f;
	}
	return TL_OK;
}

/* d-ng: "<algorithm>:" NUL, then the digest. */
static void aggregate_of(struct tl_bytes digest, struct tl_ima_replay *out)
{
	static const struct {
		const char *prefix;
		uint16_t alg;
	} algs[] = { { "sha256:", TL_ALG_SHA256 }, { "sha1:", TL_ALG_SHA1 } };
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		struct tl_rd rd;
		struct tl_bytes d;
		uint8_t nul;
		tl_rd_from(&rd, digest);
		if (!tl_bytes_has_prefix(digest, algs[i].prefix) ||
		    tl_rd_skip(&rd, strlen(algs[i].prefix)) != TL_OK || tl_rd_u8(&rd, &nul) != TL_OK ||
		    nul != 0 || tl_rd_bytes(&rd, tl_alg_size(algs[i].alg), &d) != TL_OK ||
		    tl_rd_end(&rd) != TL_OK)
			continue;
		out->aggregate_alg = algs[i].alg;
		memcpy(out->aggregate, d.ptr, d.len);
		return;
	}
}

/* One entry into its PCR of both banks. A violation (an all-zero logged hash: a file changed
 * while measured) extends all ones, whatever the data. */
static int extend(const struct entry *e, struct tl_ima_replay *out)
{
	uint8_t sha1[TL_MAX_DIGEST], sha256[TL_MAX_DIGEST];
	if (!(out->mask & (1u << e->pcr))) {
		uint8_t reset[TL_MAX_DIGEST];
		tl_pcr_reset_value(NULL, e->pcr, TL_SHA256_LEN, reset);
		memcpy(out->sha1[e->pcr], reset, TL_SHA1_LEN);
		memcpy(out->sha256[e->pcr], reset, TL_SHA256_LEN);
		out->mask |= 1u << e->pcr;
	}
	if (tl_bytes_all(e->hash, 0)) {
		memset(sha1, 0xFF, sizeof(sha1));
		memset(sha256, 0xFF, sizeof(sha256));
	} else {
		if (tl_hash(TL_ALG_SHA1, e->data.ptr, e->data.len, sha1) != TL_OK ||
		    tl_hash(TL_ALG_SHA256, e->data.ptr, e->data.len, sha256) != TL_OK)
			return TL_E_CRYPTO;
		if (!tl_bytes_eq(e->hash, sha1, TL_SHA1_LEN))
			return TL_E_IMA_DIGEST;
	}
	uint8_t p1[TL_MAX_DIGEST], p256[TL_MAX_DIGEST];
	memcpy(p1, out->sha1[e->pcr], TL_SHA1_LEN);
	memcpy(p256, out->sha256[e->pcr], TL_SHA256_LEN);
	if (tl_extend(TL_ALG_SHA1, p1, sha1) != TL_OK ||
	    tl_extend(TL_ALG_SHA256, p256, sha256) != TL_OK)
		return TL_E_CRYPTO;
	memcpy(out->sha1[e->pcr], p1, TL_SHA1_LEN);
	memcpy(out->sha256[e->pcr], p256, TL_SHA256_LEN);
	return TL_OK;
}

static int one(struct tl_rd *rd, struct tl_ima_replay *out)
{
	struct entry e;
	struct tl_bytes digest, name;
	int err;
	if (out->nentries == TL_MAX_IMA_ENTRIES)
		return TL_E_IMA_TOO_LARGE;
	if ((err = read_entry(rd, &e)) != TL_OK ||
	    (err = split_fields(e.data, &digest, &name)) != TL_OK ||
	    (err = extend(&e, out)) != TL_OK)
		return err;
	if (out->nentries++ == 0 && tl_bytes_eq(name, BOOT_AGGREGATE, sizeof(BOOT_AGGREGATE)))
		aggregate_of(digest, out);
	return TL_OK;
}

int tl_ima_replay(struct tl_bytes list, struct tl_ima_replay *out, struct tl_ima_diag *diag)
{
	struct tl_rd rd;
	int err = TL_OK;
	memset(out, 0, sizeof(*out));
	tl_rd_from(&rd, list);
	while (tl_rd_left(&rd) > 0) {
		size_t at = rd.pos;
		if ((err = one(&rd, out)) != TL_OK) {
			if (diag) {
				diag->offset = at;
				diag->entry = out->nentries;
			}
			memset(out, 0, sizeof(*out));
			return err;
		}
	}
	return TL_OK;
}

const uint8_t *tl_ima_pcr(const struct tl_ima_replay *r, uint16_t alg, unsigned pcr)
{
	if (pcr >= TL_NUM_PCRS || !(r->mask & (1u << pcr)))
		return NULL;
	if (alg == TL_ALG_SHA1)
		return r->sha1[pcr];
	return alg == TL_ALG_SHA256 ? r->sha256[pcr] : NULL;
}
