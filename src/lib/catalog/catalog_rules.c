/* The seed's rules for a VM's security profile (docs/catalog.md):
 * - Trusted Launch is the default for a new VM whose size and OS support it;
 * - a size family without Gen2 cannot have it ("change the size to a supported family"), one
 *   not supported yet cannot have it now, an OS not in the table cannot have it;
 * - Trusted Launch can be turned on later for an existing Gen2 VM, but not for a scale set
 *   created without it (nor a Gen1 VM); a confidential VM is one from its creation;
 * - Secure Boot and vTPM belong to Trusted Launch (and confidential VMs): a standard VM has
 *   neither. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog_internal.h"

static const char *const type_names[] = { "", "standard", "trustedlaunch", "confidential" };

const char *tl_security_type_name(enum tl_security_type t)
{
	return (size_t)t < sizeof(type_names) / sizeof(type_names[0]) ? type_names[t] : "";
}

enum tl_security_type tl_security_type_parse(const char *s)
{
	for (size_t i = 1; s && i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(s, type_names[i]) == 0)
			return (enum tl_security_type)i;
	return TL_SECTYPE_UNSET;
}

const char *tl_cat_rule_code(enum tl_cat_rule r)
{
	switch (r) {
	case TL_RULE_OK: return "catalog.ok";
	case TL_RULE_SIZE_GEN1_ONLY: return "catalog.size_unsupported";
	case TL_RULE_SIZE_NOT_YET: return "catalog.size_not_yet_supported";
	case TL_RULE_SIZE_UNKNOWN: return "catalog.size_unknown";
	case TL_RULE_OS_UNSUPPORTED: return "catalog.os_unsupported";
	case TL_RULE_NOT_CONFIDENTIAL_SIZE: return "catalog.size_not_confidential";
	case TL_RULE_FEATURE_NEEDS_TL: return "catalog.feature_needs_trusted_launch";
	case TL_RULE_SCALE_SET_FIXED: return "catalog.scale_set_fixed";
	case TL_RULE_GEN1_VM: return "catalog.gen1_vm";
	case TL_RULE_CONFIDENTIAL_FIXED: return "catalog.confidential_fixed";
	case TL_RULE_DOWNGRADE: return "catalog.downgrade";
	}
	return "catalog.rule";
}

__attribute__((format(printf, 3, 4))) static void refuse(struct tl_cat_decision *d,
							  enum tl_cat_rule r, const char *fmt, ...)
{
	va_list ap;
	d->rule = r;
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
}

/* Can this size and OS have Trusted Launch (or be confidential)? */
static bool size_os_ok(const struct tl_catalog *c, const char *size, const char *os,
		       enum tl_security_type t, struct tl_cat_decision *d)
{
	const char *fam = d->size.family;
	if (t == TL_SECTYPE_CONFIDENTIAL && d->size.support != TL_CAT_CONFIDENTIAL) {
		refuse(d, TL_RULE_NOT_CONFIDENTIAL_SIZE,
		       "%s is not a confidential size: confidential VMs need a hardware-isolated "
		       "size family (see tl catalog show)", size);
		return false;
	}
	switch (d->size.support) {
	case TL_CAT_UNKNOWN:
		refuse(d, TL_RULE_SIZE_UNKNOWN,
		       "the size %s is not in the catalog: add it, or its family, in an overlay "
		       "(--catalog FILE) to say whether it supports Trusted Launch", size);
		return false;
	case TL_CAT_GEN1_ONLY:
		refuse(d, TL_RULE_SIZE_GEN1_ONLY, "%s (%s family): %s", size, fam,
		       c->reason_gen1[0] ? c->reason_gen1
					 : "no Gen2 VMs: change the size to a supported family");
		return false;
	case TL_CAT_NOT_YET:
		refuse(d, TL_RULE_SIZE_NOT_YET, "%s (%s family): %s", size, fam,
		       c->reason_not_yet[0] ? c->reason_not_yet
					    : "Trusted Launch is not supported on it yet");
		return false;
	default:
		break;
	}
	if (!d->os.known) {
		refuse(d, TL_RULE_OS_UNSUPPORTED,
		       "the operating system %.64s is not one Trusted Launch supports (see tl "
		       "catalog show for the ids; an overlay may add one)", os ? os : "(none)");
		return false;
	}
	return true;
}

/* Secure Boot and vTPM: asked values, or the defaults of the type. */
static void features(const struct tl_vm_request *req, bool sb_was, bool vtpm_was, bool keep,
		     struct tl_cat_decision *d)
{
	bool on = d->type != TL_SECTYPE_STANDARD;
	d->secure_boot = req->secure_boot >= 0 ? req->secure_boot == 1 : keep ? sb_was : on;
	d->vtpm = req->vtpm >= 0 ? req->vtpm == 1 : keep ? vtpm_was : on;
	if (d->type == TL_SECTYPE_CONFIDENTIAL)
		d->vtpm = true; /* its vTPM lives inside the isolated guest; not optional */
	if (d->type == TL_SECTYPE_STANDARD && (d->secure_boot || d->vtpm))
		refuse(d, TL_RULE_FEATURE_NEEDS_TL,
		       "Secure Boot and vTPM come with Trusted Launch: a standard VM has neither "
		       "(use security_type trustedlaunch)");
}

static void start(const struct tl_catalog *c, const char *size, const char *os,
		  struct tl_cat_decision *d)
{
	memset(d, 0, sizeof(*d));
	tl_catalog_size(c, size, &d->size);
	tl_catalog_os(c, os, &d->os);
}

void tl_catalog_decide_create(const struct tl_catalog *c, const struct tl_vm_request *req,
			      struct tl_cat_decision *d)
{
	start(c, req->size, req->os, d);
	d->type = req->type;
	if (d->type == TL_SECTYPE_UNSET) {
		d->type = d->size.support == TL_CAT_CONFIDENTIAL ? TL_SECTYPE_CONFIDENTIAL
								 : TL_SECTYPE_TRUSTED_LAUNCH;
		if (!size_os_ok(c, req->size, req->os, d->type, d)) {
			if (req->secure_boot == 1 || req->vtpm == 1)
				return; /* asked for what only Trusted Launch gives: why not */
			/* the default where it cannot be: standard, and the reason kept for people */
			d->type = TL_SECTYPE_STANDARD;
			d->rule = TL_RULE_OK;
		}
	} else if (d->type != TL_SECTYPE_STANDARD && !size_os_ok(c, req->size, req->os, d->type, d)) {
		return;
	}
	features(req, false, false, false, d);
}

/* A change of type the rules forbid, whatever the size and OS. */
static bool type_change_ok(const struct tl_vm_profile *vm, enum tl_security_type to,
			   struct tl_cat_decision *d)
{
	if ((vm->type == TL_SECTYPE_CONFIDENTIAL) != (to == TL_SECTYPE_CONFIDENTIAL))
		refuse(d, TL_RULE_CONFIDENTIAL_FIXED,
		       "a VM is confidential from its creation or never: create a new VM");
	else if (vm->scale_set && to != vm->type)
		refuse(d, TL_RULE_SCALE_SET_FIXED,
		       "the security type of a scale set is fixed when it is created: create a new "
		       "scale set with Trusted Launch");
	else if (vm->type == TL_SECTYPE_TRUSTED_LAUNCH && to == TL_SECTYPE_STANDARD)
		refuse(d, TL_RULE_DOWNGRADE,
		       "Trusted Launch is not turned off once on: turn off Secure Boot or vTPM "
		       "instead, and suppress what follows if that is intended");
	else if (vm->gen1 && to == TL_SECTYPE_TRUSTED_LAUNCH)
		refuse(d, TL_RULE_GEN1_VM,
		       "this VM boots with BIOS (Generation 1): Trusted Launch needs a Generation 2 "
		       "(UEFI) VM; create a new one");
	return d->rule == TL_RULE_OK;
}

void tl_catalog_decide_update(const struct tl_catalog *c, const struct tl_vm_profile *vm,
			      const struct tl_vm_request *req, struct tl_cat_decision *d)
{
	const char *size = req->size ? req->size : vm->size;
	enum tl_security_type to = req->type ? req->type : vm->type;

	start(c, size, req->os ? req->os : vm->os, d);
	d->type = to;
	if (!type_change_ok(vm, to, d))
		return;
	if (to != TL_SECTYPE_STANDARD && !size_os_ok(c, size, req->os ? req->os : vm->os, to, d))
		return;
	features(req, vm->secure_boot, vm->vtpm, to == vm->type, d);
}
