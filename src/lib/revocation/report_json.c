/* The revocation report as JSON (docs/revocations.md has the schema). */
#include <stdlib.h>
#include <string.h>

#include "revocation_internal.h"

static const char *const kind_names[] = { "sha256", "x509", "svn" };

/* A short name for well-known groups of revocations; NULL for the others. */
static const char *known_name(const struct tl_revoc_entry *e)
{
	if (strstr(e->description, "CVE-2020-10713"))
		return "BootHole";
	if (strstr(e->description, "Black Lotus") || strstr(e->description, "CVE-2023-24932"))
		return "BlackLotus";
	return NULL;
}

static json_t *entry_json(const struct tl_revoc_entry *e)
{
	char hex[2 * TL_SHA256_LEN + 1];
	const char *name = known_name(e);
	json_t *o = json_object();
	if (e->kind == TL_REVOC_CERT) {
		tl_hex(e->thumbprint, TL_SHA1_LEN, hex);
		json_object_set_new(o, "thumbprint_sha1", json_string(hex));
		json_object_set_new(o, "subject", json_string(e->authority));
		json_object_set_new(o, "issuer", json_string(e->issuer));
	} else {
		tl_hex(e->value, TL_SHA256_LEN, hex);
		json_object_set_new(o, "sha256", json_string(hex));
		json_object_set_new(o, "signing_authority", json_string(e->authority));
	}
	json_object_set_new(o, "kind", json_string(kind_names[e->kind]));
	json_object_set_new(o, "file", json_string(e->file));
	json_object_set_new(o, "description", json_string(e->description));
	json_object_set_new(o, "date", e->date[0] ? json_string(e->date) : json_null());
	if (name)
		json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "optional", json_boolean(e->optional));
	json_object_set_new(o, "staged", json_boolean(e->staged));
	json_object_set_new(o, "in_update", json_boolean(e->in_update));
	return o;
}

/* Entries grouped by (date, description, staged), in the list's order. */
static json_t *groups(const struct tl_revoc_entry *const *entries, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct tl_revoc_entry *e = entries[i];
		json_t *g = NULL, *v;
		size_t k;
		json_array_foreach(arr, k, v) {
			const char *date = json_string_value(json_object_get(v, "date"));
			if (strcmp(date ? date : "", e->date) == 0 &&
			    strcmp(json_string_value(json_object_get(v, "description")),
				   e->description) == 0 &&
			    json_is_true(json_object_get(v, "staged")) == e->staged) {
				g = v;
				break;
			}
		}
		if (!g) {
			const char *name = known_name(e);
			g = json_object();
			json_object_set_new(g, "date", e->date[0] ? json_string(e->date) : json_null());
			json_object_set_new(g, "description", json_string(e->description));
			if (name)
				json_object_set_new(g, "name", json_string(name));
			json_object_set_new(g, "staged", json_boolean(e->staged));
			json_object_set_new(g, "count", json_integer(0));
			json_object_set_new(g, "optional", json_integer(0));
			json_array_append_new(arr, g);
		}
		json_integer_set(json_object_get(g, "count"),
				 json_integer_value(json_object_get(g, "count")) + 1);
		json_integer_set(json_object_get(g, "optional"),
				 json_integer_value(json_object_get(g, "optional")) + e->optional);
	}
	return arr;
}

static json_t *dbx_json(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm,
			const struct tl_revoc_list *l, bool entries)
{
	json_t *o = json_object(), *missing = json_array(), *vmo = json_object(), *lo;
	for (size_t i = 0; entries && i < r->nmissing; i++)
		json_array_append_new(missing, entry_json(r->missing[i]));
	json_object_set_new(vmo, "known", json_boolean(vm->dbx_known));
	json_object_set_new(vmo, "sha256", json_integer((json_int_t)vm->nhash));
	json_object_set_new(vmo, "x509", json_integer((json_int_t)vm->ncert));
	json_object_set_new(vmo, "other", json_integer((json_int_t)vm->nother));
	json_object_set_new(vmo, "kek_accepts_update", vm->kek_accepts_update < 0
							       ? json_null()
							       : json_boolean(vm->kek_accepts_update));
	json_object_set_new(o, "vm", vmo);
	json_object_set_new(o, "checked", json_boolean(r->dbx_checked));
	if (l) {
		lo = json_object();
		json_object_set_new(lo, "arch", json_string(l->arch));
		json_object_set_new(lo, "dbx_info", json_boolean(l->have_info));
		json_object_set_new(lo, "dbx_update", json_boolean(l->have_update));
		json_object_set_new(lo, "update_time", l->have_update ? json_string(l->update_time)
								      : json_null());
		json_object_set_new(lo, "update_entries", json_integer((json_int_t)l->update_entries));
		json_object_set_new(lo, "update_signature_verified", json_boolean(l->update_verified));
		json_object_set_new(o, "current_list", lo);
	}
	json_object_set_new(o, "current", json_integer((json_int_t)r->current));
	json_object_set_new(o, "present", json_integer((json_int_t)r->present));
	json_object_set_new(o, "missing", json_integer((json_int_t)r->nmissing));
	json_object_set_new(o, "missing_update", json_integer((json_int_t)r->missing_update));
	json_object_set_new(o, "missing_optional", json_integer((json_int_t)r->missing_optional));
	json_object_set_new(o, "missing_staged", json_integer((json_int_t)r->missing_staged));
	json_object_set_new(o, "missing_groups", groups(r->missing, r->nmissing));
	if (entries)
		json_object_set_new(o, "missing_entries", missing);
	else
		json_decref(missing);
	return o;
}

static json_t *apps_json(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm)
{
	json_t *o = json_object(), *arr = json_array();
	char hex[2 * TL_SHA256_LEN + 1];
	for (size_t i = 0; i < r->nhits; i++) {
		const struct tl_revoc_app_hit *h = &r->hits[i];
		json_t *a = entry_json(h->entry);
		tl_hex(vm->app[h->app].digest, TL_SHA256_LEN, hex);
		json_object_set_new(a, "path", json_string(vm->app[h->app].path));
		json_object_set_new(a, "app_index", json_integer((json_int_t)h->app));
		json_object_set_new(a, "in_vm_dbx", json_boolean(h->in_vm_dbx));
		json_array_append_new(arr, a);
	}
	json_object_set_new(o, "checked", json_integer((json_int_t)r->apps_checked));
	json_object_set_new(o, "revoked", arr);
	return o;
}

static json_t *level_json(const struct tl_sbat_level *lv)
{
	json_t *o = json_object(), *c = json_object();
	for (size_t i = 0; i < lv->ncomp; i++)
		json_object_set_new(c, lv->comp[i].name, json_integer(lv->comp[i].gen));
	json_object_set_new(o, "datestamp", json_string(lv->stamp));
	json_object_set_new(o, "components", c);
	return o;
}

static json_t *gen_json(const struct tl_sbat_generation *g)
{
	json_t *o = level_json(&g->level);
	json_object_set_new(o, "description", json_string(g->description));
	json_object_set_new(o, "cves", json_string(g->cves));
	return o;
}

static json_t *sbat_json(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm,
			 const struct tl_sbat_levels *lv)
{
	json_t *o = json_object(), *miss = json_array(), *comp = json_array();
	for (size_t i = 0; i < r->ngen_missing; i++)
		json_array_append_new(miss, gen_json(r->gen_missing[i]));
	for (size_t i = 0; i < r->ncomp_hits; i++) {
		const struct tl_revoc_component_hit *h = &r->comp_hits[i];
		json_t *c = json_object();
		json_object_set_new(c, "image", json_string(h->image));
		json_object_set_new(c, "component", json_string(h->have.name));
		json_object_set_new(c, "generation", json_integer(h->have.gen));
		json_object_set_new(c, "required", json_integer(h->required));
		json_array_append_new(comp, c);
	}
	json_object_set_new(o, "checked", json_boolean(r->sbat_checked));
	json_object_set_new(o, "vm_level", vm->sbat_known ? level_json(&vm->sbat) : json_null());
	json_object_set_new(o, "newest", lv && lv->count ? gen_json(&lv->gen[lv->newest])
							 : json_null());
	json_object_set_new(o, "current", r->sbat_checked ? json_boolean(r->sbat_current)
							  : json_null());
	json_object_set_new(o, "missing_generations", miss);
	json_object_set_new(o, "components_revoked", comp);
	return o;
}

static json_t *report_json(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm,
			   const struct tl_revoc_list *list, const struct tl_sbat_levels *levels,
			   bool entries)
{
	json_t *o = json_object(), *rec = json_object(), *reasons = json_array();
	for (size_t i = 0; i < r->nreasons; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "code", json_string(tl_err_name(r->reasons[i])));
		json_object_set_new(x, "message", json_string(tl_err_msg(r->reasons[i])));
		json_array_append_new(reasons, x);
	}
	json_object_set_new(rec, "id", json_string(TL_REVOC_RECOMMENDATION_ID));
	json_object_set_new(rec, "title", json_string(TL_REVOC_RECOMMENDATION_TITLE));
	json_object_set_new(rec, "severity", json_string(TL_REVOC_RECOMMENDATION_SEVERITY));
	json_object_set_new(rec, "status", json_string(tl_revoc_status_name(r->status)));
	json_object_set_new(rec, "reasons", reasons);
	json_object_set_new(o, "recommendation", rec);
	json_object_set_new(o, "source", json_string(vm->from_log ? "eventlog" : "varstore"));
	json_object_set_new(o, "secure_boot", json_boolean(vm->secure_boot));
	json_object_set_new(o, "dbx", dbx_json(r, vm, list, entries));
	json_object_set_new(o, "boot_apps", apps_json(r, vm));
	json_object_set_new(o, "sbat", sbat_json(r, vm, levels));
	return o;
}

json_t *tl_revoc_report_json(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm,
			     const struct tl_revoc_list *list, const struct tl_sbat_levels *levels)
{
	return report_json(r, vm, list, levels, true);
}

json_t *tl_revoc_report_summary(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm,
				const struct tl_revoc_list *list,
				const struct tl_sbat_levels *levels)
{
	return report_json(r, vm, list, levels, false);
}

json_t *tl_revoc_lists_json(const struct tl_revoc_list *list, const struct tl_sbat_levels *levels)
{
	json_t *o = json_object(), *gens = json_array();
	if (list) {
		const struct tl_revoc_entry **all = calloc(list->count + 1, sizeof(*all));
		json_t *d = json_object();
		if (!all) {
			json_decref(o);
			return NULL;
		}
		for (size_t i = 0; i < list->count; i++)
			all[i] = &list->e[i];
		json_object_set_new(d, "arch", json_string(list->arch));
		json_object_set_new(d, "dbx_info", json_boolean(list->have_info));
		json_object_set_new(d, "dbx_update", json_boolean(list->have_update));
		json_object_set_new(d, "update_time", list->have_update ? json_string(list->update_time)
									: json_null());
		json_object_set_new(d, "update_entries", json_integer((json_int_t)list->update_entries));
		json_object_set_new(d, "update_signature_verified", json_boolean(list->update_verified));
		json_object_set_new(d, "entries", json_integer((json_int_t)list->count));
		json_object_set_new(d, "groups", groups(all, list->count));
		free(all);
		json_object_set_new(o, "dbx", d);
	}
	if (levels) {
		for (size_t i = 0; i < levels->count; i++)
			json_array_append_new(gens, gen_json(&levels->gen[i]));
		json_object_set_new(o, "sbat_generations", gens);
		json_object_set_new(o, "sbat_newest", levels->count ? gen_json(&levels->gen[levels->newest])
								    : json_null());
	} else {
		json_decref(gens);
	}
	return o;
}
