/* The catalog and its decisions as JSON, for the CLI and the API. */
#include <string.h>

#include <jansson.h>

#include "catalog_internal.h"

static json_t *families_of(const struct tl_catalog *c, const char *cat, enum tl_cat_support s)
{
	json_t *a = json_array();
	const struct tl_cat_family *f = c->families.v;
	for (size_t i = 0; i < c->families.n; i++)
		if (f[i].support == s &&
		    (strcmp(f[i].category, cat) == 0 || strcmp(f[i].category2, cat) == 0))
			json_array_append_new(a, json_string(f[i].name));
	return a;
}

static json_t *categories(const struct tl_catalog *c)
{
	json_t *a = json_array();
	const struct tl_cat_category *k = c->categories.v;
	for (size_t i = 0; i < c->categories.n; i++)
		json_array_append_new(
			a, json_pack("{s:s,s:s,s:o,s:o,s:o,s:b}", "id", k[i].id, "title", k[i].title,
				     "supported", families_of(c, k[i].id, TL_CAT_SUPPORTED),
				     "currently_unsupported", families_of(c, k[i].id, TL_CAT_NOT_YET),
				     "unsupported", families_of(c, k[i].id, TL_CAT_GEN1_ONLY),
				     "all_sizes_supported", k[i].all_sizes_supported));
	return a;
}

/* Families whose category is not one of the table's (an operator's, or confidential). */
static json_t *other_families(const struct tl_catalog *c)
{
	json_t *o = json_object();
	const struct tl_cat_family *f = c->families.v;
	for (size_t i = 0; i < c->families.n; i++)
		if (!tl_cat_find(&c->categories, f[i].category))
			json_object_set_new(o, f[i].name,
					    json_pack("{s:s,s:s}", "support",
						      tl_cat_support_name(f[i].support), "category",
						      f[i].category));
	return o;
}

static json_t *pairs(const struct tl_cat_vec *v)
{
	json_t *o = json_object();
	const struct tl_cat_pair *p = v->v;
	for (size_t i = 0; i < v->n; i++)
		json_object_set_new(o, p[i].from, json_string(p[i].to));
	return o;
}

static const char *family_name(enum tl_os_family f)
{
	return f == TL_OS_LINUX ? "linux" : f == TL_OS_WINDOWS ? "windows" : "any";
}

static json_t *os_list(const struct tl_catalog *c)
{
	json_t *a = json_array();
	const struct tl_cat_os *o = c->os.v;
	for (size_t i = 0; i < c->os.n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "id", o[i].id, "name", o[i].name,
						   "family", family_name(o[i].family)));
	return a;
}

static json_t *notes(const struct tl_catalog *c, const struct tl_cat_decision *d)
{
	json_t *a = json_array();
	const struct tl_cat_note *n = c->notes.v;
	for (size_t i = 0; i < c->notes.n; i++) {
		if (d && (strcmp(n[i].category, d->size.category) != 0 ||
			  (n[i].family && n[i].family != d->os.family) ||
			  (n[i].distro == 1 && !d->os.ubuntu) || (n[i].distro == 2 && d->os.ubuntu)))
			continue;
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s}", "id", n[i].id, "category",
						   n[i].category, "os_family",
						   family_name(n[i].family), "text", n[i].text));
	}
	return a;
}

static char *dump(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

char *tl_catalog_dump(const struct tl_catalog *c)
{
	return dump(json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "categories", categories(c),
			      "other_families", other_families(c), "aliases", pairs(&c->aliases),
			      "sizes", pairs(&c->sizes), "os", os_list(c), "notes", notes(c, NULL)));
}

char *tl_cat_decision_json(const struct tl_catalog *c, const struct tl_cat_decision *d)
{
	json_t *o = json_pack("{s:b,s:s,s:s,s:b,s:b,s:{s:s?,s:s,s:s?},s:{s:s?,s:b}}", "allowed",
			      d->rule == TL_RULE_OK, "rule", tl_cat_rule_code(d->rule),
			      "security_type", tl_security_type_name(d->type), "secure_boot",
			      d->secure_boot, "vtpm", d->vtpm, "size", "family",
			      d->size.family[0] ? d->size.family : NULL, "support",
			      tl_cat_support_name(d->size.support), "category",
			      d->size.category[0] ? d->size.category : NULL, "os", "name",
			      d->os.known ? d->os.name : NULL, "supported", d->os.known);
	if (o && d->message[0]) /* why refused; or, allowed, why not Trusted Launch */
		json_object_set_new(o, "message", json_string(d->message));
	if (o)
		json_object_set_new(o, "notes", notes(c, d));
	return dump(o);
}
