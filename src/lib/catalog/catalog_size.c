/* Size names to families, the way Azure names sizes:
 *   [Standard_|Basic_] FAMILY-LETTERS vCPUs [-constrained] [feature letters] [_ACCEL]* [_vN]
 * ("Standard_E4ads_v5": letters E, features "ads", version v5 → family Eadsv5). Candidates
 * are tried from the most specific (letters + features + accelerator + version) to the letters
 * alone; the first the catalog knows (as a family or an alias) wins. An operator's explicit
 * size ("sizes" in an overlay) and a family's own name are looked up first. */
#include <stdio.h>
#include <string.h>

#include "catalog_internal.h"

struct parts {
	char letters[16], features[16], accel[24], version[24];
};

static bool upper(int c) { return c >= 'A' && c <= 'Z'; }
static bool lower(int c) { return c >= 'a' && c <= 'z'; }
static bool digit(int c) { return c >= '0' && c <= '9'; }
static bool alnum(int c) { return upper(c) || lower(c) || digit(c); }

/* Copies the run of characters of class cls at *i into out (cap with NUL); its length, or
 * cap when it does not fit. */
static size_t run(struct tl_bytes s, size_t *i, bool (*cls)(int), char *out, size_t cap)
{
	size_t n = 0;
	while (*i < s.len && cls(tl_bytes_at(s, *i))) {
		if (n + 1 >= cap)
			return cap;
		out[n++] = (char)tl_bytes_at(s, (*i)++);
	}
	out[n] = '\0';
	return n;
}

static bool is_version(const char *t)
{
	return t[0] == 'v' && digit(t[1]) && (!t[2] || (digit(t[2]) && !t[3]));
}

/* A run that was there and fitted. */
static bool some(size_t n, size_t cap)
{
	return n > 0 && n < cap;
}

/* The parts of an Azure size name; false when it is not one. */
static bool split(const char *name, struct parts *p)
{
	struct tl_bytes s = { (const uint8_t *)name, strlen(name) };
	size_t i = 0;
	char num[8], tok[24];

	memset(p, 0, sizeof(*p));
	if (tl_bytes_has_prefix(s, "Standard_"))
		i = 9;
	else if (tl_bytes_has_prefix(s, "Basic_"))
		i = 6;
	if (!some(run(s, &i, upper, p->letters, sizeof(p->letters)), sizeof(p->letters)) ||
	    !some(run(s, &i, digit, num, sizeof(num)), sizeof(num)))
		return false;
	if (i < s.len && tl_bytes_at(s, i) == '-') { /* constrained vCPUs: E4-2s_v5 */
		i++;
		if (!some(run(s, &i, digit, num, sizeof(num)), sizeof(num)))
			return false;
	}
	if (run(s, &i, lower, p->features, sizeof(p->features)) >= sizeof(p->features))
		return false;
	while (i < s.len) {
		if (tl_bytes_at(s, i++) != '_' || p->version[0] ||
		    !some(run(s, &i, alnum, tok, sizeof(tok)), sizeof(tok)))
			return false;
		if (is_version(tok))
			snprintf(p->version, sizeof(p->version), "%s", tok);
		else if (!p->accel[0])
			snprintf(p->accel, sizeof(p->accel), "%s", tok);
		else
			return false;
	}
	return true;
}

/* The family a name denotes directly (a family, or an alias of one), or NULL. */
static const struct tl_cat_family *direct(const struct tl_catalog *c, const char *name)
{
	const struct tl_cat_family *f = tl_cat_family(c, name);
	const struct tl_cat_pair *a;
	if (!f && (a = tl_cat_find(&c->aliases, name)))
		f = tl_cat_family(c, a->to);
	return f;
}

static const struct tl_cat_family *derive(const struct tl_catalog *c, const struct parts *p)
{
	char cand[6][96]; /* the parts at their longest; a longer name is no family's */
	const char *l = p->letters, *f = p->features, *a = p->accel, *v = p->version;
	const char *us = v[0] ? "_" : "";
	size_t n = 0;

	if (a[0]) {
		snprintf(cand[n++], sizeof(cand[0]), "%s%s%s%s%s", l, f, a, us, v); /* NCasT4_v3 */
		snprintf(cand[n++], sizeof(cand[0]), "%s_%s%s%s", l, a, us, v);     /* NC_A100_v4 */
	}
	snprintf(cand[n++], sizeof(cand[0]), "%s%s%s", l, f, v); /* Eadsv5, Dv3, FXmds */
	if (v[0])
		snprintf(cand[n++], sizeof(cand[0]), "%s%s", l, v); /* HBv3, NCv3 */
	snprintf(cand[n++], sizeof(cand[0]), "%s", l);           /* B, M, HC, NC */
	for (size_t i = 0; i < n; i++) {
		const struct tl_cat_family *fam = direct(c, cand[i]);
		if (fam)
			return fam;
	}
	return NULL;
}

void tl_catalog_size(const struct tl_catalog *c, const char *size, struct tl_size_info *out)
{
	const struct tl_cat_family *f = NULL;
	const struct tl_cat_pair *own = size ? tl_cat_find(&c->sizes, size) : NULL;
	struct parts p;

	memset(out, 0, sizeof(*out));
	if (!size || strlen(size) >= TL_CATALOG_NAME)
		return;
	if (own)
		f = direct(c, own->to);
	else if (!(f = direct(c, size)) && split(size, &p))
		f = derive(c, &p);
	if (!f)
		return;
	out->support = f->support;
	snprintf(out->family, sizeof(out->family), "%s", f->name);
	snprintf(out->category, sizeof(out->category), "%s", f->category);
}

void tl_catalog_os(const struct tl_catalog *c, const char *os_id, struct tl_os_info *out)
{
	const struct tl_cat_os *o = os_id ? tl_cat_find(&c->os, os_id) : NULL;
	memset(out, 0, sizeof(*out));
	if (!o)
		return;
	out->known = true;
	out->family = o->family;
	out->ubuntu = o->ubuntu;
	snprintf(out->name, sizeof(out->name), "%s", o->name);
}
