/* SbatLevel text: shim's SbatLevel_Variable.txt (every generation, with the prose that
 * introduces it) and one SbatLevel as a VM holds it. A generation is "sbat,1,STAMP" followed
 * by "component,generation" lines; in the file an empty line ends it. */
#include <stdlib.h>
#include <string.h>

#include "revocation_internal.h"
#include "trustlaunch/buf.h"
#include "trustlaunch/limits.h"

/* The next line without "\n" and a trailing "\r", copied as a C string. Longer lines are
 * cut (long = true); NUL bytes make bad = true. false at the end of the text. */
bool tl_sbat_text_line(struct tl_rd *rd, char line[static TL_MAX_SBAT_LINE], bool *long_line,
		      bool *bad)
{
	struct tl_bytes b;
	struct tl_rd lr;
	size_t n;
	if (!tl_rd_line(rd, &b))
		return false;
	tl_rd_from(&lr, b);
	n = b.len < TL_MAX_SBAT_LINE - 1 ? b.len : TL_MAX_SBAT_LINE - 1;
	*long_line = b.len > n;
	if (tl_rd_copy(&lr, line, n) != TL_OK)
		n = 0;
	line[n] = '\0';
	*bad = strlen(line) != n;
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	return true;
}

static bool digits(const char *s, size_t min, size_t max)
{
	size_t n = strspn(s, "0123456789");
	return s[n] == '\0' && n >= min && n <= max;
}

/* "sbat,1,STAMP" with a ten-digit datestamp. */
bool tl_sbat_text_header(const char *line, struct tl_sbat_level *out)
{
	if (strncmp(line, "sbat,1,", 7) != 0 || !digits(line + 7, 10, 10))
		return false;
	memset(out, 0, sizeof(*out));
	memcpy(out->stamp, line + 7, TL_SBAT_STAMP_LEN);
	return true;
}

/* "component,generation": a name of [A-Za-z0-9._-] and 1-9 digits; each component once. */
bool tl_sbat_text_component(const char *line, struct tl_sbat_level *lv)
{
	const char *comma = strchr(line, ',');
	size_t n = comma ? (size_t)(comma - line) : 0;
	struct tl_sbat_component c;
	if (n == 0 || n >= TL_SBAT_NAME_LEN || strspn(line, "abcdefghijklmnopqrstuvwxyz"
						     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n ||
	    !digits(comma + 1, 1, 9) || lv->ncomp >= TL_SBAT_MAX_COMPONENTS)
		return false;
	memcpy(c.name, line, n);
	c.name[n] = '\0';
	c.gen = (uint32_t)strtoul(comma + 1, NULL, 10);
	if (strcmp(c.name, "sbat") == 0)
		return false;
	for (size_t i = 0; i < lv->ncomp; i++)
		if (strcmp(lv->comp[i].name, c.name) == 0)
			return false;
	lv->comp[lv->ncomp++] = c;
	return true;
}

int tl_sbat_level_parse(struct tl_bytes text, struct tl_sbat_level *out)
{
	struct tl_rd rd;
	struct tl_sbat_level lv;
	char line[TL_MAX_SBAT_LINE];
	bool first = true, ended = false, long_line, bad;

	memset(out, 0, sizeof(*out));
	tl_rd_from(&rd, tl_bytes_rstrip_nul(text));
	while (tl_sbat_text_line(&rd, line, &long_line, &bad)) {
		if (long_line || bad)
			return TL_E_REVOC_VM_SBAT_MALFORMED;
		if (first) {
			if (!tl_sbat_text_header(line, &lv))
				return TL_E_REVOC_VM_SBAT_MALFORMED;
			first = false;
		} else if (line[0] == '\0') {
			ended = true; /* only empty lines may follow */
		} else if (ended || !tl_sbat_text_component(line, &lv)) {
			return TL_E_REVOC_VM_SBAT_MALFORMED;
		}
	}
	if (first)
		return TL_E_REVOC_VM_SBAT_MALFORMED;
	*out = lv;
	return TL_OK;
}

bool tl_sbat_level_covers(const struct tl_sbat_level *have, const struct tl_sbat_level *want)
{
	for (size_t i = 0; i < want->ncomp; i++) {
		bool ok = false;
		for (size_t j = 0; j < have->ncomp; j++)
			if (strcmp(have->comp[j].name, want->comp[i].name) == 0 &&
			    have->comp[j].gen >= want->comp[i].gen)
				ok = true;
		if (!ok)
			return false;
	}
	return true;
}
