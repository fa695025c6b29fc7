/* The compatibility catalog read from its JSON text (docs/catalog.md): strictly, every member
 * known, every name short and plain, at most TL_CATALOG_MAX_ENTRIES of each kind. A file is
 * applied to a copy first, so a refused overlay changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog_internal.h"

void *tl_cat_find(const struct tl_cat_vec *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++) {
		char *e = (char *)v->v + i * v->size;
		if (strcmp(e, name) == 0)
			return e;
	}
	return NULL;
}

void *tl_cat_put(struct tl_cat_vec *v, const char *name)
{
	char *e = tl_cat_find(v, name);
	if (e)
		return e;
	if (v->n >= TL_CATALOG_MAX_ENTRIES)
		return NULL;
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 32;
		void *nv = realloc(v->v, cap * v->size);
		if (!nv)
			return NULL;
		v->v = nv;
		v->cap = cap;
	}
	e = (char *)v->v + v->n++ * v->size;
	memset(e, 0, v->size);
	snprintf(e, TL_CATALOG_NAME, "%s", name);
	return e;
}

static void vec_init(struct tl_cat_vec *v, size_t size)
{
	v->v = NULL;
	v->n = v->cap = 0;
	v->size = size;
}

static int vec_copy(struct tl_cat_vec *dst, const struct tl_cat_vec *src)
{
	vec_init(dst, src->size);
	if (!src->n)
		return TL_OK;
	if (!(dst->v = malloc(src->n * src->size)))
		return TL_E_NOMEM;
	memcpy(dst->v, src->v, src->n * src->size);
	dst->n = dst->cap = src->n;
	return TL_OK;
}

static struct tl_cat_vec *vecs(struct tl_catalog *c, size_t i)
{
	struct tl_cat_vec *all[] = { &c->families, &c->aliases,	   &c->sizes,
				     &c->os,	   &c->categories, &c->notes };
	return i < sizeof(all) / sizeof(all[0]) ? all[i] : NULL;
}

int tl_catalog_new(struct tl_catalog **out)
{
	struct tl_catalog *c = calloc(1, sizeof(*c));
	if (!c)
		return TL_E_NOMEM;
	vec_init(&c->families, sizeof(struct tl_cat_family));
	vec_init(&c->aliases, sizeof(struct tl_cat_pair));
	vec_init(&c->sizes, sizeof(struct tl_cat_pair));
	vec_init(&c->os, sizeof(struct tl_cat_os));
	vec_init(&c->categories, sizeof(struct tl_cat_category));
	vec_init(&c->notes, sizeof(struct tl_cat_note));
	*out = c;
	return TL_OK;
}

static void release(struct tl_catalog *c)
{
	for (size_t i = 0; vecs(c, i); i++)
		free(vecs(c, i)->v);
}

void tl_catalog_free(struct tl_catalog *c)
{
	if (!c)
		return;
	release(c);
	free(c);
}

const struct tl_cat_family *tl_cat_family(const struct tl_catalog *c, const char *name)
{
	return tl_cat_find(&c->families, name);
}

/* Provided by catalog_load.c: the members of one file applied to c. */
int tl_cat_apply(struct tl_catalog *c, json_t *doc, struct tl_catalog_diag *diag);

int tl_catalog_load(struct tl_catalog *c, struct tl_bytes text, struct tl_catalog_diag *diag)
{
	struct tl_catalog copy = *c;
	json_error_t jerr;
	json_t *doc;
	int err = TL_OK;

	snprintf(diag->where, sizeof(diag->where), "(file)");
	if (text.len > TL_CATALOG_MAX_TEXT)
		return TL_E_CATALOG;
	doc = json_loadb((const char *)text.ptr, text.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		snprintf(diag->where, sizeof(diag->where), "line %d: %.100s", jerr.line, jerr.text);
		return TL_E_CATALOG;
	}
	for (size_t i = 0; vecs(c, i); i++) /* nothing of c's is shared with the copy */
		vec_init(vecs(&copy, i), vecs(c, i)->size);
	for (size_t i = 0; err == TL_OK && vecs(c, i); i++)
		err = vec_copy(vecs(&copy, i), vecs(c, i));
	if (err == TL_OK)
		err = tl_cat_apply(&copy, doc, diag);
	json_decref(doc);
	if (err != TL_OK) {
		release(&copy);
		return err;
	}
	release(c);
	*c = copy;
	return TL_OK;
}
