/* The decision "revocations-current": the VM's dbx and SbatLevel against the current lists,
 * and this boot's applications and components against them. */
#include <stdlib.h>
#include <string.h>

#include "revocation_internal.h"

void tl_revoc_reason(struct tl_revoc_report *r, int code)
{
	for (size_t i = 0; i < r->nreasons; i++)
		if (r->reasons[i] == code)
			return;
	if (r->nreasons < TL_REVOC_MAX_REASONS)
		r->reasons[r->nreasons++] = code;
}

static bool vm_has_hash(const struct tl_revoc_vm *vm, const uint8_t *v)
{
	for (size_t i = 0; i < vm->nhash; i++)
		if (memcmp(vm->hash[i], v, TL_SHA256_LEN) == 0)
			return true;
	return false;
}

/* By thumbprint when the VM's certificate is at hand; facts carry names only, so there the
 * subject and issuer CNs must both match. */
static bool vm_has_cert(const struct tl_revoc_vm *vm, const struct tl_revoc_entry *e)
{
	char *scn = tl_revoc_cn(e->authority), *icn = tl_revoc_cn(e->issuer);
	bool found = false;
	for (size_t i = 0; scn && icn && !found && i < vm->ncert; i++) {
		const struct tl_revoc_vm_cert *c = &vm->cert[i];
		if (c->has_thumbprint)
			found = memcmp(c->thumbprint, e->thumbprint, TL_SHA1_LEN) == 0;
		else
			found = *scn && strcmp(c->subject_cn, scn) == 0 &&
				strcmp(c->issuer_cn, icn) == 0;
	}
	free(scn);
	free(icn);
	return found;
}

static int dbx(const struct tl_revoc_vm *vm, const struct tl_revoc_list *list,
	       struct tl_revoc_report *r)
{
	if (!vm->dbx_known) {
		tl_revoc_reason(r, TL_E_REVOC_DBX_NOT_MEASURED);
		return TL_OK;
	}
	r->dbx_checked = true;
	r->current = list->count;
	if (list->count && !(r->missing = calloc(list->count, sizeof(*r->missing))))
		return TL_E_NOMEM;
	for (size_t i = 0; i < list->count; i++) {
		const struct tl_revoc_entry *e = &list->e[i];
		bool has = e->kind == TL_REVOC_CERT ? vm_has_cert(vm, e) : vm_has_hash(vm, e->value);
		if (has) {
			r->present++;
			continue;
		}
		r->missing[r->nmissing++] = e;
		if (e->staged) {
			r->missing_staged++;
		} else {
			r->missing_update++;
			r->missing_optional += e->optional;
		}
	}
	if (r->missing_update)
		tl_revoc_reason(r, TL_E_REVOC_DBX_MISSING);
	return TL_OK;
}

static void apps(const struct tl_revoc_vm *vm, const struct tl_revoc_list *list,
		 struct tl_revoc_report *r)
{
	r->apps_checked = vm->napps;
	for (size_t i = 0; i < vm->napps; i++) {
		const struct tl_revoc_entry *e = tl_revoc_list_find(list, vm->app[i].digest);
		if (!e || e->kind != TL_REVOC_HASH)
			continue;
		r->hits[r->nhits].entry = e;
		r->hits[r->nhits].app = i;
		r->hits[r->nhits].in_vm_dbx = vm_has_hash(vm, vm->app[i].digest);
		r->nhits++;
		tl_revoc_reason(r, TL_E_REVOC_APP_REVOKED);
	}
}

static int sbat(const struct tl_revoc_vm *vm, const struct tl_sbat_levels *lv,
		struct tl_revoc_report *r)
{
	if (!vm->sbat_known || lv->count == 0)
		return TL_OK;
	r->sbat_checked = true;
	if (!(r->gen_missing = calloc(lv->count, sizeof(*r->gen_missing))))
		return TL_E_NOMEM;
	/* generations published after the VM's: later ones drop rows an older one needed
	 * (grub.debian,4 went when grub,4 covered it), so older ones are not "lacking" */
	for (size_t i = 0; i < lv->count; i++)
		if (strcmp(lv->gen[i].level.stamp, vm->sbat.stamp) > 0 &&
		    !tl_sbat_level_covers(&vm->sbat, &lv->gen[i].level))
			r->gen_missing[r->ngen_missing++] = &lv->gen[i];
	r->sbat_current = tl_sbat_level_covers(&vm->sbat, &lv->gen[lv->newest].level);
	if (!r->sbat_current)
		tl_revoc_reason(r, TL_E_REVOC_SBAT_BEHIND);
	return TL_OK;
}

static void decide(struct tl_revoc_report *r, bool secure_boot)
{
	if (!secure_boot) {
		/* the findings stay in the report; the decision has this one reason */
		r->nreasons = 0;
		r->status = TL_REVOC_NOT_APPLICABLE;
		tl_revoc_reason(r, TL_E_REVOC_NO_SECURE_BOOT);
		return;
	}
	r->status = r->nreasons ? TL_REVOC_UNHEALTHY : TL_REVOC_HEALTHY;
}

int tl_revoc_check(const struct tl_revoc_vm *vm, const struct tl_revoc_list *list,
		   const struct tl_sbat_levels *levels, struct tl_revoc_report *out)
{
	struct tl_revoc_report r;
	int err = TL_OK;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	if (list && (err = dbx(vm, list, &r)) != TL_OK)
		goto out;
	if (list)
		apps(vm, list, &r);
	if (levels && (err = sbat(vm, levels, &r)) != TL_OK)
		goto out;
	decide(&r, vm->secure_boot);
	*out = r;
	memset(&r, 0, sizeof(r));
out:
	tl_revoc_report_clear(&r);
	return err;
}

void tl_revoc_report_clear(struct tl_revoc_report *rep)
{
	if (!rep)
		return;
	free(rep->missing);
	free(rep->gen_missing);
	memset(rep, 0, sizeof(*rep));
}

const char *tl_revoc_status_name(enum tl_revoc_status s)
{
	return s == TL_REVOC_HEALTHY ? "healthy" : s == TL_REVOC_UNHEALTHY ? "unhealthy"
									 : "not_applicable";
}
