/* Strict parser of TCG PC Client event logs (PFP spec, sections 10.2 and 10.4). */
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/hash.h"
#include "trustlaunch/tcglog.h"

static const char SPECID03[16] = "Spec ID Event03";   /* NUL-terminated by the spec */
static const char SPECID00[16] = "Spec ID Event00";
static const char LOCALITY[16] = "StartupLocality";

struct parser {
	struct tl_rd rd;
	struct tl_log *log;
	struct tl_diag *diag;
	uint32_t event;
	bool pcr0_extended;
};

static int fail(struct parser *p, int err, size_t offset)
{
	if (p->diag) {
		p->diag->err = err;
		p->diag->offset = offset;
		p->diag->event = p->event;
	}
	return err;
}

int tl_log_rd_uintn(const struct tl_log *log, struct tl_rd *rd, uint64_t *out)
{
	uint32_t v;
	int err;
	if (log->uintn_size != 1)
		return tl_rd_le64(rd, out);
	err = tl_rd_le32(rd, &v);
	*out = v;
	return err;
}

int tl_log_bank(const struct tl_log *log, uint16_t alg)
{
	for (size_t i = 0; i < log->nbanks; i++)
		if (log->alg[i] == alg)
			return (int)i;
	return -1;
}

static int grow(struct tl_log *log)
{
	size_t cap = log->cap ? log->cap * 2 : 128;
	struct tl_event *ev;
	const uint8_t **dig;

	if (cap > TL_MAX_EVENTS)
		cap = TL_MAX_EVENTS;
	ev = realloc(log->ev, cap * sizeof(*ev));
	if (!ev)
		return TL_E_NOMEM;
	log->ev = ev;
	dig = realloc(log->digest_store, cap * log->nbanks * sizeof(*dig));
	if (!dig)
		return TL_E_NOMEM;
	log->digest_store = dig;
	log->cap = cap;
	return TL_OK;
}

static int parse_specid(struct parser *p, struct tl_bytes data, size_t at)
{
	struct tl_log *log = p->log;
	struct tl_rd rd;
	uint32_t nalgs;
	uint8_t vendor_size;

	tl_rd_from(&rd, data);
	struct tl_bytes sig;
	if (tl_rd_bytes(&rd, 16, &sig) || !tl_bytes_eq(sig, SPECID03, 16) ||
	    tl_rd_le32(&rd, &log->platform_class) || tl_rd_u8(&rd, &log->spec_minor) ||
	    tl_rd_u8(&rd, &log->spec_major) || tl_rd_u8(&rd, &log->spec_errata) ||
	    tl_rd_u8(&rd, &log->uintn_size) || tl_rd_le32(&rd, &nalgs))
		return fail(p, TL_E_LOG_SPECID_MALFORMED, at);
	/* TCG_EfiSpecIDEvent: spec version 2.0; UINTN of 4 (1) or 8 (2) bytes */
	if (log->spec_major != 2 || (log->uintn_size != 1 && log->uintn_size != 2))
		return fail(p, TL_E_LOG_SPECID_MALFORMED, at);
	if (nalgs == 0)
		return fail(p, TL_E_LOG_SPECID_NO_ALGS, at);
	if (nalgs > TL_MAX_BANKS)
		return fail(p, TL_E_LOG_SPECID_TOO_MANY_ALGS, at);
	for (uint32_t i = 0; i < nalgs; i++) {
		uint16_t alg, size;
		size_t known;
		if (tl_rd_le16(&rd, &alg) || tl_rd_le16(&rd, &size))
			return fail(p, TL_E_LOG_SPECID_MALFORMED, at);
		if (tl_log_bank(log, alg) >= 0)
			return fail(p, TL_E_LOG_SPECID_DUP_ALG, at);
		known = tl_alg_size(alg);
		if ((known && size != known) || size == 0 || size > TL_MAX_DIGEST)
			return fail(p, TL_E_LOG_SPECID_DIGEST_SIZE, at);
		log->alg[log->nbanks] = alg;
		log->alg_size[log->nbanks] = size;
		log->nbanks++;
	}
	if (tl_rd_u8(&rd, &vendor_size) || tl_rd_skip(&rd, vendor_size) || tl_rd_end(&rd))
		return fail(p, TL_E_LOG_SPECID_MALFORMED, at);
	return TL_OK;
}

/* The event header and digests common to both formats have been read; check and store. */
static int add_event(struct parser *p, struct tl_event *ev, const uint8_t **digests)
{
	struct tl_log *log = p->log;
	int err;

	if (ev->type == TL_EV_NO_ACTION) {
		for (size_t b = 0; b < log->nbanks; b++) {
			struct tl_bytes d = { digests[b], log->alg_size[b] };
			if (!tl_bytes_all(d, 0))
				return fail(p, TL_E_LOG_NOACTION_DIGEST, ev->offset);
		}
		/* (a legacy log's first event may be its own Spec ID Event00) */
		if ((tl_bytes_has_prefix(ev->data, SPECID03) || tl_bytes_has_prefix(ev->data, SPECID00)) &&
		    (log->format == TL_LOG_CRYPTO_AGILE || ev->offset != 0))
			return fail(p, TL_E_LOG_SPECID_REPEATED, ev->offset);
		if (tl_bytes_has_prefix(ev->data, LOCALITY)) {
			struct tl_rd rd;
			tl_rd_from(&rd, ev->data);
			if (ev->pcr != 0 || p->log->has_locality || p->pcr0_extended ||
			    tl_rd_skip(&rd, 16) || tl_rd_u8(&rd, &log->startup_locality) ||
			    tl_rd_end(&rd) ||
			    (log->startup_locality != 0 && log->startup_locality != 3 &&
			     log->startup_locality != 4))
				return fail(p, TL_E_EVENT_MALFORMED, ev->offset);
			log->has_locality = true;
		}
	} else if (ev->pcr == 0) {
		p->pcr0_extended = true;
	}
	if (log->nevents == TL_MAX_EVENTS)
		return fail(p, TL_E_LOG_TOO_MANY_EVENTS, ev->offset);
	if (log->nevents == log->cap && (err = grow(log)) != TL_OK)
		return fail(p, err, ev->offset);
	memcpy(&log->digest_store[log->nevents * log->nbanks], digests,
	       log->nbanks * sizeof(*digests));
	log->ev[log->nevents++] = *ev;
	return TL_OK;
}

/* pcrIndex and eventType, common to both event layouts. */
static int read_head(struct parser *p, struct tl_event *ev)
{
	ev->offset = p->rd.pos;
	if (tl_rd_le32(&p->rd, &ev->pcr) || tl_rd_le32(&p->rd, &ev->type))
		return fail(p, TL_E_LOG_TRUNCATED, ev->offset);
	if (ev->pcr >= TL_NUM_PCRS)
		return fail(p, TL_E_LOG_PCR_INDEX, ev->offset);
	return TL_OK;
}

static int read_data(struct parser *p, struct tl_event *ev)
{
	size_t at = p->rd.pos;
	uint32_t size;
	if (tl_rd_le32(&p->rd, &size))
		return fail(p, TL_E_LOG_TRUNCATED, at);
	if (size > TL_MAX_EVENT_SIZE || tl_rd_bytes(&p->rd, size, &ev->data))
		return fail(p, TL_E_LOG_EVENT_SIZE, at);
	return TL_OK;
}

static int parse_legacy_event(struct parser *p)
{
	struct tl_event ev = { 0 };
	struct tl_bytes d;
	const uint8_t *digest[1];
	int err;

	if ((err = read_head(p, &ev)) != TL_OK)
		return err;
	if (tl_rd_bytes(&p->rd, TL_SHA1_LEN, &d))
		return fail(p, TL_E_LOG_TRUNCATED, ev.offset);
	digest[0] = d.ptr;
	if ((err = read_data(p, &ev)) != TL_OK)
		return err;
	return add_event(p, &ev, digest);
}

static int parse_agile_event(struct parser *p)
{
	struct tl_log *log = p->log;
	struct tl_event ev = { 0 };
	const uint8_t *digest[TL_MAX_BANKS] = { 0 };
	uint32_t count;
	int err;

	if ((err = read_head(p, &ev)) != TL_OK)
		return err;
	if (tl_rd_le32(&p->rd, &count))
		return fail(p, TL_E_LOG_TRUNCATED, ev.offset);
	if (count != log->nbanks)
		return fail(p, TL_E_LOG_DIGEST_COUNT, ev.offset);
	for (uint32_t i = 0; i < count; i++) {
		size_t at = p->rd.pos;
		uint16_t alg;
		struct tl_bytes d;
		int b;
		if (tl_rd_le16(&p->rd, &alg))
			return fail(p, TL_E_LOG_TRUNCATED, at);
		b = tl_log_bank(log, alg);
		if (b < 0 || digest[b])
			return fail(p, TL_E_LOG_DIGEST_ALG, at);
		if (tl_rd_bytes(&p->rd, log->alg_size[b], &d))
			return fail(p, TL_E_LOG_TRUNCATED, at);
		digest[b] = d.ptr;
	}
	if ((err = read_data(p, &ev)) != TL_OK)
		return err;
	return add_event(p, &ev, digest);
}

/* A log without a Spec ID event whose second word looks like a TPML_DIGEST_VALUES count
 * followed by a known algorithm was meant to be crypto-agile: say so, instead of reporting
 * whatever the legacy layout trips over. */
static bool looks_agile(const uint8_t *buf, size_t len)
{
	struct tl_rd rd;
	uint32_t count;
	uint16_t alg;
	tl_rd_init(&rd, buf, len);
	return tl_rd_skip(&rd, 8) == TL_OK && tl_rd_le32(&rd, &count) == TL_OK &&
	       tl_rd_le16(&rd, &alg) == TL_OK && count >= 1 && count <= TL_MAX_BANKS &&
	       tl_alg_size(alg) != 0;
}

static int parse_first(struct parser *p)
{
	struct tl_log *log = p->log;
	struct tl_event ev = { 0 };
	struct tl_bytes d;
	int err;

	if ((err = read_head(p, &ev)) != TL_OK)
		return err;
	if (tl_rd_bytes(&p->rd, TL_SHA1_LEN, &d))
		return fail(p, TL_E_LOG_TRUNCATED, ev.offset);
	if ((err = read_data(p, &ev)) != TL_OK)
		return err;
	if (ev.type == TL_EV_NO_ACTION && tl_bytes_has_prefix(ev.data, SPECID03)) {
		log->format = TL_LOG_CRYPTO_AGILE;
		if (ev.pcr != 0 || !tl_bytes_all(d, 0))
			return fail(p, TL_E_LOG_NOACTION_DIGEST, ev.offset);
		if ((err = parse_specid(p, ev.data, ev.offset)) == TL_OK)
			p->event = 1; /* record 0 was the Spec ID event */
		return err;
	}
	if (ev.type == TL_EV_NO_ACTION && !tl_bytes_has_prefix(ev.data, SPECID00))
		return fail(p, TL_E_LOG_FIRST_NOT_SPECID, ev.offset);
	/* Legacy SHA-1 log: start again and read the first event as an ordinary one. */
	log->format = TL_LOG_LEGACY_SHA1;
	log->nbanks = 1;
	log->alg[0] = TL_ALG_SHA1;
	log->alg_size[0] = TL_SHA1_LEN;
	p->rd.pos = 0;
	return TL_OK;
}

int tl_log_parse(const uint8_t *buf, size_t len, struct tl_log **out, struct tl_diag *diag)
{
	struct parser p = { .diag = diag };
	int err;

	*out = NULL;
	if (diag)
		memset(diag, 0, sizeof(*diag));
	if (!buf || len == 0)
		return fail(&p, TL_E_LOG_EMPTY, 0);
	if (len > TL_MAX_LOG_SIZE)
		return fail(&p, TL_E_LOG_TOO_LARGE, 0);
	p.log = calloc(1, sizeof(*p.log));
	if (!p.log)
		return fail(&p, TL_E_NOMEM, 0);
	tl_rd_init(&p.rd, buf, len);
	err = parse_first(&p);
	while (err == TL_OK && tl_rd_left(&p.rd) > 0) {
		err = p.log->format == TL_LOG_CRYPTO_AGILE ? parse_agile_event(&p)
							   : parse_legacy_event(&p);
		if (err == TL_OK)
			p.event++;
	}
	if (err != TL_OK && p.log->format != TL_LOG_CRYPTO_AGILE && p.event == 0 &&
	    looks_agile(buf, len))
		err = fail(&p, TL_E_LOG_FIRST_NOT_SPECID, 0);
	if (err != TL_OK)
		goto out;
	for (size_t i = 0; i < p.log->nevents; i++)
		p.log->ev[i].digest = &p.log->digest_store[i * p.log->nbanks];
	*out = p.log;
	p.log = NULL;
out:
	tl_log_free(p.log);
	return err;
}

void tl_log_free(struct tl_log *log)
{
	if (!log)
		return;
	free(log->ev);
	free(log->digest_store);
	free(log);
}
