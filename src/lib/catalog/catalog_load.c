/* The members of one catalog file (docs/catalog.md), each checked before it is taken. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "catalog_internal.h"

#define TEXT_MAX 256u

struct ctx {
	struct tl_catalog *c;
	struct tl_catalog_diag *diag;
};

static int bad(struct ctx *x, const char *where, const char *key)
{
	snprintf(x->diag->where, sizeof(x->diag->where), "%s%s%.60s", where, key ? "." : "",
		 key ? key : "");
	return TL_E_CATALOG;
}

static bool name_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '-' || ch == '_';
}

/* A name: 1..63 of [A-Za-z0-9._-]. */
static bool name_ok(const char *s, size_t n)
{
	struct tl_bytes b = { (const uint8_t *)s, n };
	if (!s || n == 0 || n >= TL_CATALOG_NAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(tl_bytes_at(b, i)))
			return false;
	return true;
}

static const char *name_of(json_t *v)
{
	const char *s = json_string_value(v);
	return s && name_ok(s, json_string_length(v)) ? s : NULL;
}

/* Text for people: 1..255 printable ASCII characters. */
static const char *text_of(json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = s ? json_string_length(v) : 0;
	struct tl_bytes b = { (const uint8_t *)s, n };
	if (!s || n == 0 || n >= TEXT_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (tl_bytes_at(b, i) < 0x20 || tl_bytes_at(b, i) > 0x7e)
			return NULL;
	return s;
}

/* Only the keys named in allowed (a NULL-terminated list). */
static const char *unknown_key(json_t *obj, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) {
		size_t i = 0;
		while (allowed[i] && strcmp(allowed[i], k) != 0)
			i++;
		if (!allowed[i])
			return k;
	}
	return NULL;
}

static const char *const support_names[] = { "unknown", "supported", "currently_unsupported",
					     "unsupported", "confidential" };

static int family(struct ctx *x, const char *name, enum tl_cat_support s, const char *category)
{
	struct tl_cat_family *f = tl_cat_find(&x->c->families, name);
	bool second = f && f->support == s && category && f->category[0] &&
		      strcmp(f->category, category) != 0;
	if (!f && !(f = tl_cat_put(&x->c->families, name)))
		return bad(x, "families", name);
	if (second) { /* the same status in another row: listed in both */
		snprintf(f->category2, sizeof(f->category2), "%s", category);
		return TL_OK;
	}
	f->support = s;
	snprintf(f->category, sizeof(f->category), "%s", category ? category : "");
	f->category2[0] = '\0';
	return TL_OK;
}

static int family_list(struct ctx *x, json_t *list, enum tl_cat_support s, const char *cat)
{
	size_t i;
	json_t *v;
	if (!list)
		return TL_OK;
	if (!json_is_array(list))
		return bad(x, cat, support_names[s]);
	json_array_foreach(list, i, v) {
		const char *n = name_of(v);
		if (!n || family(x, n, s, cat) != TL_OK)
			return bad(x, cat, support_names[s]);
	}
	return TL_OK;
}

static int category(struct ctx *x, json_t *o)
{
	static const char *const keys[] = { "id", "title", "supported", "currently_unsupported",
					    "unsupported", "all_sizes_supported", NULL };
	const char *id = name_of(json_object_get(o, "id")), *k;
	const char *title = text_of(json_object_get(o, "title"));
	json_t *all = json_object_get(o, "all_sizes_supported");
	struct tl_cat_category *cat;
	if (!json_is_object(o) || !id || !title || (all && !json_is_boolean(all)))
		return bad(x, "categories", id ? id : "(entry)");
	if ((k = unknown_key(o, keys)))
		return bad(x, "categories", k);
	if (!(cat = tl_cat_put(&x->c->categories, id)))
		return bad(x, "categories", id);
	snprintf(cat->title, sizeof(cat->title), "%s", title);
	cat->all_sizes_supported = json_is_true(all);
	if (family_list(x, json_object_get(o, "supported"), TL_CAT_SUPPORTED, id) ||
	    family_list(x, json_object_get(o, "currently_unsupported"), TL_CAT_NOT_YET, id) ||
	    family_list(x, json_object_get(o, "unsupported"), TL_CAT_GEN1_ONLY, id))
		return TL_E_CATALOG;
	return TL_OK;
}

static enum tl_cat_support support_parse(const char *s)
{
	for (size_t i = 1; s && i < sizeof(support_names) / sizeof(support_names[0]); i++)
		if (strcmp(s, support_names[i]) == 0)
			return (enum tl_cat_support)i;
	return TL_CAT_UNKNOWN;
}

const char *tl_cat_support_name(enum tl_cat_support s)
{
	return (size_t)s < sizeof(support_names) / sizeof(support_names[0]) ? support_names[s]
									   : "unknown";
}

/* "families": {"NAME": {"support": "...", "category": "..."}} (for overlays). */
static int families(struct ctx *x, json_t *o)
{
	static const char *const keys[] = { "support", "category", NULL };
	const char *name;
	json_t *f;
	if (!json_is_object(o))
		return bad(x, "families", NULL);
	json_object_foreach(o, name, f) {
		enum tl_cat_support s = support_parse(json_string_value(json_object_get(f, "support")));
		json_t *cat = json_object_get(f, "category");
		if (!json_is_object(f) || s == TL_CAT_UNKNOWN || unknown_key(f, keys) ||
		    (cat && !name_of(cat)) || !name_ok(name, strlen(name)) ||
		    family(x, name, s, cat ? json_string_value(cat) : NULL) != TL_OK)
			return bad(x, "families", name);
	}
	return TL_OK;
}

/* {"from": "to"} pairs: aliases of family names, or an operator's sizes. */
static int pairs(struct ctx *x, json_t *o, struct tl_cat_vec *v, const char *where)
{
	const char *from;
	json_t *to;
	if (!json_is_object(o))
		return bad(x, where, NULL);
	json_object_foreach(o, from, to) {
		struct tl_cat_pair *p;
		if (!name_of(to) || !name_ok(from, strlen(from)) ||
		    !(p = tl_cat_put(v, from)))
			return bad(x, where, from);
		snprintf(p->to, sizeof(p->to), "%s", json_string_value(to));
	}
	return TL_OK;
}

static int os_entry(struct ctx *x, json_t *o)
{
	static const char *const keys[] = { "id", "name", "family", "distro", NULL };
	const char *id = name_of(json_object_get(o, "id"));
	const char *name = text_of(json_object_get(o, "name"));
	const char *fam = json_string_value(json_object_get(o, "family"));
	const char *distro = json_string_value(json_object_get(o, "distro"));
	struct tl_cat_os *e;
	if (!json_is_object(o) || !id || !name || !fam || unknown_key(o, keys) ||
	    (strcmp(fam, "linux") != 0 && strcmp(fam, "windows") != 0) ||
	    (json_object_get(o, "distro") && !name_of(json_object_get(o, "distro"))) ||
	    strlen(name) >= TL_CATALOG_NAME || !(e = tl_cat_put(&x->c->os, id)))
		return bad(x, "os", id ? id : "(entry)");
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->family = strcmp(fam, "linux") == 0 ? TL_OS_LINUX : TL_OS_WINDOWS;
	e->ubuntu = distro && strcmp(distro, "ubuntu") == 0;
	return TL_OK;
}

static int note(struct ctx *x, json_t *o)
{
	static const char *const keys[] = { "id", "category", "family", "distro", "text", NULL };
	const char *id = name_of(json_object_get(o, "id"));
	const char *text = text_of(json_object_get(o, "text"));
	const char *cat = name_of(json_object_get(o, "category"));
	const char *fam = json_string_value(json_object_get(o, "family"));
	struct tl_cat_note *n;
	if (!json_is_object(o) || !id || !text || !cat || unknown_key(o, keys) ||
	    (fam && strcmp(fam, "linux") != 0 && strcmp(fam, "windows") != 0) ||
	    (json_object_get(o, "distro") && !name_of(json_object_get(o, "distro"))) ||
	    !(n = tl_cat_put(&x->c->notes, id)))
		return bad(x, "notes", id ? id : "(entry)");
	snprintf(n->category, sizeof(n->category), "%s", cat);
	snprintf(n->text, sizeof(n->text), "%s", text);
	n->distro = !json_object_get(o, "distro") ? 0
		    : strcmp(json_string_value(json_object_get(o, "distro")), "ubuntu") == 0 ? 1
											       : 2;
	n->family = !fam ? TL_OS_UNKNOWN : strcmp(fam, "linux") == 0 ? TL_OS_LINUX : TL_OS_WINDOWS;
	return TL_OK;
}

static int each(struct ctx *x, json_t *list, const char *where, int (*fn)(struct ctx *, json_t *))
{
	size_t i;
	json_t *v;
	if (!json_is_array(list))
		return bad(x, where, NULL);
	json_array_foreach(list, i, v)
		if (fn(x, v) != TL_OK)
			return TL_E_CATALOG;
	return TL_OK;
}

static int confidential(struct ctx *x, json_t *o)
{
	static const char *const keys[] = { "note", "families", NULL };
	if (!json_is_object(o) || unknown_key(o, keys))
		return bad(x, "confidential", NULL);
	return family_list(x, json_object_get(o, "families"), TL_CAT_CONFIDENTIAL, "confidential");
}

static int reasons(struct ctx *x, json_t *o)
{
	static const char *const keys[] = { "currently_unsupported", "unsupported", NULL };
	json_t *ny = json_object_get(o, "currently_unsupported"), *g1 = json_object_get(o, "unsupported");
	if (!json_is_object(o) || unknown_key(o, keys) || (ny && !text_of(ny)) || (g1 && !text_of(g1)))
		return bad(x, "reasons", NULL);
	if (ny)
		snprintf(x->c->reason_not_yet, sizeof(x->c->reason_not_yet), "%s", json_string_value(ny));
	if (g1)
		snprintf(x->c->reason_gen1, sizeof(x->c->reason_gen1), "%s", json_string_value(g1));
	return TL_OK;
}

int tl_cat_apply(struct tl_catalog *c, json_t *doc, struct tl_catalog_diag *diag)
{
	static const char *const keys[] = { "version", "source",  "categories", "confidential",
					    "families", "aliases", "sizes",	    "reasons",
					    "os",	"notes",   NULL };
	struct ctx x = { c, diag };
	json_t *v, *ver = json_object_get(doc, "version"), *src = json_object_get(doc, "source");
	const char *k;
	if (!json_is_object(doc))
		return bad(&x, "(document)", NULL);
	if ((k = unknown_key(doc, keys)))
		return bad(&x, k, NULL);
	if ((ver && (!json_is_integer(ver) || json_integer_value(ver) != 1)))
		return bad(&x, "version", NULL);
	if (src && !text_of(src))
		return bad(&x, "source", NULL);
	if (((v = json_object_get(doc, "categories")) && each(&x, v, "categories", category)) ||
	    ((v = json_object_get(doc, "confidential")) && confidential(&x, v)) ||
	    ((v = json_object_get(doc, "families")) && families(&x, v)) ||
	    ((v = json_object_get(doc, "aliases")) && pairs(&x, v, &c->aliases, "aliases")) ||
	    ((v = json_object_get(doc, "sizes")) && pairs(&x, v, &c->sizes, "sizes")) ||
	    ((v = json_object_get(doc, "reasons")) && reasons(&x, v)) ||
	    ((v = json_object_get(doc, "os")) && each(&x, v, "os", os_entry)) ||
	    ((v = json_object_get(doc, "notes")) && each(&x, v, "notes", note)))
		return TL_E_CATALOG;
	return TL_OK;
}
