/* The revocation list: entries from dbx_info and the signed update, with their names. */
#include <stdlib.h>
#include <string.h>

#include "revocation_internal.h"
#include "trustlaunch/limits.h"

int tl_revoc_list_push(struct tl_revoc_list *l, const struct tl_revoc_entry *e, const char *file,
		       const char *description, const char *authority, const char *issuer)
{
	struct tl_revoc_entry n = *e;
	if (l->count >= TL_MAX_REVOC_ENTRIES)
		return TL_E_REVOC_TOO_MANY;
	if (l->count % 64 == 0) {
		struct tl_revoc_entry *grown = realloc(l->e, (l->count + 64) * sizeof(*grown));
		if (!grown)
			return TL_E_NOMEM;
		l->e = grown;
	}
	n.file = strdup(file);
	n.description = strdup(description);
	n.authority = strdup(authority);
	n.issuer = strdup(issuer);
	if (!n.file || !n.description || !n.authority || !n.issuer) {
		free(n.file);
		free(n.description);
		free(n.authority);
		free(n.issuer);
		return TL_E_NOMEM;
	}
	l->e[l->count++] = n;
	return TL_OK;
}

struct tl_revoc_entry *tl_revoc_list_find(const struct tl_revoc_list *l, const uint8_t *value)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->e[i].kind != TL_REVOC_CERT && memcmp(l->e[i].value, value, TL_SHA256_LEN) == 0)
			return &l->e[i];
	return NULL;
}

void tl_revoc_list_clear(struct tl_revoc_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++) {
		free(l->e[i].file);
		free(l->e[i].description);
		free(l->e[i].authority);
		free(l->e[i].issuer);
	}
	free(l->e);
	memset(l, 0, sizeof(*l));
}

char *tl_revoc_cn(const char *name)
{
	const char *p = name, *end;
	while (p && *p) {
		const char *start = p;
		while (*start == ' ' || *start == ',')
			start++;
		if (strncmp(start, "CN", 2) == 0) {
			const char *v = start + 2;
			while (*v == ' ')
				v++;
			if (*v == '=') {
				v++;
				while (*v == ' ')
					v++;
				end = v;
				while (*end && !(*end == ',' && end[-1] != '\\'))
					end++;
				return strndup(v, (size_t)(end - v));
			}
		}
		p = strchr(start, ',');
		if (p)
			p++;
	}
	return strdup("");
}
