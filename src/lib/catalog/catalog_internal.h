/* Internal: the catalog's tables in memory. */
#ifndef TL_CATALOG_INTERNAL_H
#define TL_CATALOG_INTERNAL_H

#include "trustlaunch/catalog.h"

struct tl_cat_family {
	char name[TL_CATALOG_NAME];
	char category[TL_CATALOG_NAME];
	char category2[TL_CATALOG_NAME]; /* a family in two rows of the table (Dsv2) */
	enum tl_cat_support support;
};

struct tl_cat_pair { /* an alias or an operator's size: from -> family */
	char from[TL_CATALOG_NAME];
	char to[TL_CATALOG_NAME];
};

struct tl_cat_os {
	char id[TL_CATALOG_NAME];
	char name[TL_CATALOG_NAME];
	enum tl_os_family family;
	bool ubuntu;
};

struct tl_cat_category {
	char id[TL_CATALOG_NAME];
	char title[TL_CATALOG_NAME];
	bool all_sizes_supported;
};

struct tl_cat_note {
	char id[TL_CATALOG_NAME];
	char category[TL_CATALOG_NAME];
	enum tl_os_family family;
	int distro; /* 0 any, 1 Ubuntu only, 2 any but Ubuntu */
	char text[256];
};

/* A growable array of fixed-size entries, at most TL_CATALOG_MAX_ENTRIES. */
struct tl_cat_vec {
	void *v;
	size_t n, cap, size;
};

struct tl_catalog {
	struct tl_cat_vec families, aliases, sizes, os, categories, notes;
	char reason_not_yet[256];
	char reason_gen1[256];
};

/* The entry whose first field (a name) is name, or NULL. */
void *tl_cat_find(const struct tl_cat_vec *v, const char *name);
/* The entry named name, added when new (zeroed but for its name); NULL when full or out of
 * memory. */
void *tl_cat_put(struct tl_cat_vec *v, const char *name);
const struct tl_cat_family *tl_cat_family(const struct tl_catalog *c, const char *name);

#endif
