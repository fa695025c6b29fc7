/* A boot component's .sbat section ("component,generation,vendor,package,version,url" rows)
 * against the newest SbatLevel generation: a row below it is revoked by that generation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revocation_internal.h"

/* The first two fields of a row into c; false when the row is not SBAT CSV. */
static bool row(const char *line, struct tl_sbat_component *c)
{
	const char *comma = strchr(line, ',');
	size_t n = comma ? (size_t)(comma - line) : 0, d;
	char gen[10];
	if (n == 0 || n >= TL_SBAT_NAME_LEN)
		return false;
	d = strspn(comma + 1, "0123456789");
	if (d == 0 || d > 9 || (comma[1 + d] != ',' && comma[1 + d] != '\0'))
		return false;
	memcpy(c->name, line, n);
	c->name[n] = '\0';
	memcpy(gen, comma + 1, d);
	gen[d] = '\0';
	c->gen = (uint32_t)strtoul(gen, NULL, 10);
	return true;
}

static void hit(struct tl_revoc_report *rep, const char *image, const struct tl_sbat_component *c,
		uint32_t required)
{
	struct tl_revoc_component_hit *h;
	if (rep->ncomp_hits >= TL_REVOC_MAX_COMPONENT_HITS)
		return;
	h = &rep->comp_hits[rep->ncomp_hits++];
	snprintf(h->image, sizeof(h->image), "%s", image);
	h->have = *c;
	h->required = required;
}

int tl_revoc_check_image(struct tl_revoc_report *rep, const char *image, struct tl_bytes section,
			 const struct tl_sbat_levels *levels)
{
	const struct tl_sbat_level *newest;
	struct tl_rd rd;
	char line[TL_MAX_SBAT_LINE];
	bool long_line, bad, revoked = false;

	if (!levels || levels->count == 0)
		return TL_E_ARG;
	newest = &levels->gen[levels->newest].level;
	tl_rd_from(&rd, tl_bytes_rstrip_nul(section));
	while (tl_sbat_text_line(&rd, line, &long_line, &bad)) {
		struct tl_sbat_component c;
		if (bad)
			return TL_E_REVOC_IMAGE_SBAT;
		if (line[0] == '\0')
			continue;
		if (!row(line, &c))
			return TL_E_REVOC_IMAGE_SBAT;
		for (size_t i = 0; i < newest->ncomp; i++) {
			if (strcmp(newest->comp[i].name, c.name) == 0 && c.gen < newest->comp[i].gen) {
				hit(rep, image, &c, newest->comp[i].gen);
				revoked = true;
			}
		}
	}
	if (revoked && rep->status != TL_REVOC_NOT_APPLICABLE) {
		rep->status = TL_REVOC_UNHEALTHY;
		tl_revoc_reason(rep, TL_E_REVOC_COMPONENT_REVOKED);
	}
	return TL_OK;
}
