/* Internal: the state facts extraction carries from event to event. */
#ifndef TL_TCGLOG_FACTS_H
#define TL_TCGLOG_FACTS_H

#include <jansson.h>

#include "trustlaunch/tcglog.h"

#define TL_FACTS_MAX_VARS 64u
#define TL_FACTS_BUDGET (2u * 1024u * 1024u) /* bytes facts may keep, as estimated below */
#define TL_FACTS_ITEM_COST 1024u   /* what one JSON object costs in jansson, roughly */
#define TL_FACTS_MAX_REASONS 64u   /* reasons listed; more are counted in reasons_omitted */

struct tl_win;

struct tl_facts_ctx {
	const struct tl_log *log;
	uint32_t trusted;
	size_t index;               /* of the event being looked at */
	const struct tl_event *ev;
	uint32_t separators;        /* PCRs whose separator has been seen */
	json_t *doc, *sb, *reasons;
	size_t budget;              /* bytes of text still allowed into doc */
	bool over_budget;
	bool secureboot_seen;       /* the SecureBoot variable, even one that broke a rule */
	bool mok_trust_conflict;    /* MokListTrusted measured with two values */
	size_t nvars;
	struct {
		uint8_t guid[16];
		char *name;
	} vars[TL_FACTS_MAX_VARS];  /* PCR 7 configuration variables seen so far */
	/* digests of well-known measured values, per bank */
	uint8_t sep0[TL_MAX_BANKS][TL_MAX_DIGEST], sep1[TL_MAX_BANKS][TL_MAX_DIGEST];
	uint8_t debug[TL_MAX_BANKS][TL_MAX_DIGEST];
	struct tl_win *win;         /* Windows boot log state (facts_windows.c), or NULL */
};

/* Whether the firmware profile allows an event type in a PCR (always true above 7). */
bool tl_facts_type_allowed(uint32_t pcr, uint32_t type);

void tl_facts_reason(struct tl_facts_ctx *c, int code, const char *detail);
/* True when every replayable bank's digest of the event equals the hash of b. */
bool tl_facts_digest_is(const struct tl_facts_ctx *c, struct tl_bytes b);
/* True when every replayable bank's digest equals the precomputed one. */
bool tl_facts_digest_eq(const struct tl_facts_ctx *c, uint8_t want[][TL_MAX_DIGEST]);
/* {"sha256": hex, ...} of the event's digests. */
json_t *tl_facts_digests(const struct tl_facts_ctx *c);
/* Takes n bytes from the text budget; false (and a reason, once) when it is spent. */
bool tl_facts_spend(struct tl_facts_ctx *c, size_t n);

/* PCR 7: Secure Boot configuration, authorities, debug mode. */
void tl_facts_pcr7(struct tl_facts_ctx *c);
void tl_facts_pcr7_finish(struct tl_facts_ctx *c);

#endif
