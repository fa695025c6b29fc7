/* SBAT (shim's Secure Boot Advanced Targeting): CSV rows "component,generation,...". */
#include <stdio.h>
#include <string.h>

#include "trustlaunch/sb.h"

#define MAX_COMPONENT 64

/* The next line of CSV text: its first two fields. false at the end. */
static bool row(struct tl_rd *rd, char name[static MAX_COMPONENT], unsigned long *gen)
{
	char line[256];
	size_t n = 0;
	uint8_t c;
	while (tl_rd_left(rd) > 0) {
		n = 0;
		while (tl_rd_u8(rd, &c) == TL_OK && c != '\n' && c != 0)
			if (n < sizeof(line) - 1)
				line[n++] = (char)c;
		line[n] = '\0';
		char *comma = strchr(line, ',');
		if (!comma || comma == line || (size_t)(comma - line) >= MAX_COMPONENT)
			continue;
		memcpy(name, line, (size_t)(comma - line));
		name[comma - line] = '\0';
		if (sscanf(comma + 1, "%lu", gen) != 1)
			continue;
		return true;
	}
	return false;
}

int tl_sbat_check(struct tl_bytes image_sbat, struct tl_bytes level, char *detail,
		  size_t detail_len)
{
	struct tl_rd img;
	char name[MAX_COMPONENT];
	unsigned long gen;
	tl_rd_from(&img, image_sbat);
	while (row(&img, name, &gen)) {
		struct tl_rd lv;
		char lname[MAX_COMPONENT];
		unsigned long lgen;
		if (strcmp(name, "sbat") == 0)
			continue; /* the format's own version row */
		tl_rd_from(&lv, level);
		while (row(&lv, lname, &lgen)) {
			if (strcmp(lname, name) == 0 && gen < lgen) {
				snprintf(detail, detail_len, "%s generation %lu, SbatLevel requires %lu",
					 name, gen, lgen);
				return TL_E_SB_SBAT;
			}
		}
	}
	return TL_OK;
}
