/* libFuzzer target: SIPA events of the Windows Boot Configuration Log, walked by the reader
 * and, inside an EV_EVENT_TAG of PCR 12 of a SHA-1 log, through Windows facts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/sipa.h"
#include "trustlaunch/tcglog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bounds {
	const uint8_t *lo, *hi;
	size_t visits, leaves;
};

static int check(const struct tl_sipa_event *ev, bool leave, void *arg)
{
	struct bounds *b = arg;
	if (ev->depth >= TL_MAX_SIPA_DEPTH || ev->data.len > (size_t)(b->hi - b->lo) ||
	    (ev->data.len && (ev->data.ptr < b->lo || ev->data.ptr + ev->data.len > b->hi)))
		__builtin_trap(); /* a view outside the input, or deeper than the limit */
	if (leave)
		b->leaves++;
	else if (++b->visits > TL_MAX_SIPA_EVENTS)
		__builtin_trap();
	return TL_OK;
}

static size_t put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return 4;
}

/* A legacy SHA-1 event: PCR, type, SHA-1 of the data, size, data. */
static size_t event(uint8_t *p, uint32_t pcr, uint32_t type, const uint8_t *d, size_t n)
{
	size_t o = 0;
	uint8_t h[TL_MAX_DIGEST];
	o += put32(p + o, pcr);
	o += put32(p + o, type);
	if (tl_hash(TL_ALG_SHA1, d, n, h) != TL_OK)
		abort();
	memcpy(p + o, h, 20);
	o += 20;
	o += put32(p + o, (uint32_t)n);
	memcpy(p + o, d, n);
	return o + n;
}

static void facts(const uint8_t *data, size_t size)
{
	size_t n = 0, cap = size + 5 * 32 + 2 + 3 * 4; /* five events around the data */
	uint8_t *log = malloc(cap);
	struct tl_log *parsed;
	json_t *f;
	if (!log)
		return;
	n += event(log + n, 0, TL_EV_S_CRTM_VERSION, (const uint8_t *)"\0\0", 2);
	n += event(log + n, 12, TL_EV_EVENT_TAG, data, size);
	for (uint32_t pcr = 12; pcr <= 14; pcr++)
		n += event(log + n, pcr, TL_EV_SEPARATOR, (const uint8_t *)"WBCL", 4);
	if (tl_log_parse(log, n, &parsed, NULL) == TL_OK) {
		if (tl_facts_extract(parsed, TL_PCRS_ALL, &f) != TL_OK)
			__builtin_trap();
		if (!json_is_object(json_object_get(f, "windows")))
			__builtin_trap(); /* the WBCL separators alone make it a Windows boot */
		json_decref(f);
		tl_log_free(parsed);
	}
	free(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_bytes in = { data, size };
	struct bounds b = { data, data + size, 0, 0 };
	size_t bad = 0;
	int a = tl_sipa_walk(in, NULL, NULL, NULL), c = tl_sipa_walk(in, check, &b, &bad);
	if (a != c || (c != TL_OK && (b.visits || bad > size)))
		__builtin_trap(); /* the check and the visit agree; a bad structure visits nothing */
	if (size <= TL_MAX_EVENT_SIZE)
		facts(data, size);
	return 0;
}
