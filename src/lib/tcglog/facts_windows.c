/* Windows boots: SIPA events of PCR 12-14, taken only from EV_EVENT_TAG events whose digest
 * is the hash of their data and only before that PCR's WBCL separator (after it the running
 * OS may measure anything); the WBCL separators; and the boot-posture rules (debuggers, test
 * signing, code integrity, VBS). See docs/windows.md. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts_windows.h"
#include "trustlaunch/hash.h"

static bool is_windows_pcr(uint32_t pcr)
{
	return pcr >= 12 && pcr <= 14;
}

static struct tl_win *state(struct tl_facts_ctx *c)
{
	struct tl_win *w = c->win;
	if (w)
		return w;
	w = calloc(1, sizeof(*w));
	if (!w) {
		tl_facts_reason(c, TL_E_NOMEM, "windows");
		return NULL;
	}
	w->boot_debugging = w->kernel_debugging = w->hypervisor_debugging = -1;
	w->test_signing = w->flight_signing = w->safe_mode = w->winpe = -1;
	w->code_integrity = -1;
	w->vbs_required = w->vbs_secureboot_required = w->vbs_iommu_required = -1;
	w->vbs_mandatory_enforcement = w->vbs_msft_boot_chain_required = -1;
	c->win = w;
	return w;
}

static void latch_on(tl_tristate *t, uint64_t v)
{
	*t = (*t == 1 || v != 0) ? 1 : 0;
}

static void latch_off(tl_tristate *t, uint64_t v)
{
	*t = (*t == 0 || v == 0) ? 0 : 1;
}

/* A value that must be the same wherever it is measured. */
static void once(struct tl_facts_ctx *c, struct tl_win_u64 *slot, uint64_t v, const char *what)
{
	if (slot->measured && slot->v != v) {
		tl_facts_reason(c, TL_E_WIN_CONFLICT, what);
		return;
	}
	slot->measured = true;
	slot->v = v;
}

static void note_full(struct tl_facts_ctx *c, struct tl_win *w, const char *what)
{
	if (!w->full_noted)
		tl_facts_reason(c, TL_E_FACTS_TOO_LARGE, what);
	w->full_noted = true;
}

static void authority(struct tl_facts_ctx *c, struct tl_win *w, struct tl_bytes key)
{
	uint8_t h[TL_MAX_DIGEST];
	if (tl_hash(TL_ALG_SHA256, key.ptr, key.len, h) != TL_OK)
		return;
	for (size_t i = 0; i < w->nauth; i++)
		if (memcmp(w->auth[i], h, sizeof(w->auth[i])) == 0)
			return;
	if (w->nauth == TL_WIN_MAX_AUTHORITIES) {
		note_full(c, w, "windows.authority_keys");
		return;
	}
	memcpy(w->auth[w->nauth++], h, sizeof(w->auth[0]));
}

static bool same(struct tl_bytes a, struct tl_bytes b)
{
	return a.len == b.len && tl_bytes_eq(a, b.ptr, b.len);
}

/* A field of the open loaded-module record; each at most once. */
static int module_field(struct tl_win_module *m, const struct tl_sipa_event *ev)
{
	struct tl_bytes *slot = NULL;
	uint64_t v;
	switch (ev->type) {
	case TL_SIPA_AUTHENTICODEHASH: slot = &m->hash; break;
	case TL_SIPA_FILEPATH: slot = &m->path; break;
	case TL_SIPA_AUTHORITYISSUER: slot = &m->issuer; break;
	case TL_SIPA_AUTHORITYPUBLISHER: slot = &m->publisher; break;
	case TL_SIPA_AUTHORITYSERIAL: slot = &m->serial; break;
	case TL_SIPA_AUTHORITYSHA1THUMBPRINT: slot = &m->thumbprint; break;
	case TL_SIPA_IMAGESIZE:
		if (m->has_size || tl_sipa_uint(ev, &v) != TL_OK)
			return TL_E_SIPA_DUPLICATE;
		m->has_size = true;
		m->size = v;
		return TL_OK;
	case TL_SIPA_HASHALGORITHMID:
		if (m->alg || tl_sipa_uint(ev, &v) != TL_OK)
			return TL_E_SIPA_DUPLICATE;
		if (!(m->alg = tl_sipa_calg_alg((uint32_t)v)))
			return TL_E_SIPA_HASH_ALG;
		return TL_OK;
	case TL_SIPA_IMAGEVALIDATED:
		if (m->validated != -1 || tl_sipa_uint(ev, &v) != TL_OK)
			return TL_E_SIPA_DUPLICATE;
		m->validated = v != 0;
		return TL_OK;
	default: return TL_OK; /* image base, SVN: not facts */
	}
	if (slot->ptr)
		return TL_E_SIPA_DUPLICATE;
	*slot = ev->data;
	return TL_OK;
}

/* The record is complete: merged with an earlier one of the same image (PCR 12 measures
 * the hash, PCR 13 the path and signer of the same image). */
static int module_done(struct tl_facts_ctx *c, struct tl_win *w, struct tl_win_module *m)
{
	struct tl_win_module *e = NULL;
	uint16_t by_len = m->hash.len == 20 ? TL_ALG_SHA1 : m->hash.len == 32 ? TL_ALG_SHA256
			: m->hash.len == 48 ? TL_ALG_SHA384 : m->hash.len == 64 ? TL_ALG_SHA512 : 0;
	if (!m->hash.ptr)
		return TL_E_SIPA_MISSING_FIELD;
	if (!by_len || (m->alg && m->alg != by_len))
		return TL_E_SIPA_HASH_ALG;
	m->alg = by_len;
	if (w->merge_work + w->nmod > TL_WIN_MAX_MERGE_WORK) {
		note_full(c, w, "windows.loaded_modules");
		return TL_OK;
	}
	w->merge_work += w->nmod;
	for (size_t i = 0; i < w->nmod && !e; i++)
		if (w->mod[i].alg == m->alg && same(w->mod[i].hash, m->hash))
			e = &w->mod[i];
	if (!e) {
		if (w->nmod == TL_MAX_WIN_MODULES) {
			note_full(c, w, "windows.loaded_modules");
			return TL_OK;
		}
		w->mod[w->nmod++] = *m;
		return TL_OK;
	}
	struct tl_bytes *from[] = { &m->path, &m->issuer, &m->publisher, &m->serial,
				    &m->thumbprint };
	struct tl_bytes *to[] = { &e->path, &e->issuer, &e->publisher, &e->serial, &e->thumbprint };
	for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++)
		if (!to[i]->ptr)
			*to[i] = *from[i];
	if (!e->has_size && m->has_size) {
		e->has_size = true;
		e->size = m->size;
	}
	if (e->validated == -1)
		e->validated = m->validated;
	return TL_OK;
}

static int elam_field(struct tl_win_elam *x, const struct tl_sipa_event *ev)
{
	struct tl_bytes *slot;
	bool *has;
	switch (ev->type) {
	case TL_SIPA_ELAM_KEYNAME: slot = &x->name; has = &x->has_name; break;
	case TL_SIPA_ELAM_CONFIGURATION: slot = &x->configuration; has = &x->has_configuration; break;
	case TL_SIPA_ELAM_POLICY: slot = &x->policy; has = &x->has_policy; break;
	case TL_SIPA_ELAM_MEASURED: slot = &x->measured; has = &x->has_measured; break;
	default: return TL_OK;
	}
	if (*has)
		return TL_E_SIPA_DUPLICATE;
	*slot = ev->data;
	*has = true;
	return TL_OK;
}

static int elam_done(struct tl_facts_ctx *c, struct tl_win *w, const struct tl_win_elam *x)
{
	if (!x->has_name)
		return TL_E_SIPA_MISSING_FIELD;
	if (w->nelam == TL_MAX_WIN_ELAM) {
		note_full(c, w, "windows.elam_drivers");
		return TL_OK;
	}
	w->elam[w->nelam++] = *x;
	return TL_OK;
}

/* On/off settings: a weakness latches on, a protection latches off. */
static const struct {
	uint32_t type;
	size_t off;
	bool protection; /* latches off instead of on */
} flags[] = {
	{ TL_SIPA_BOOTDEBUGGING, offsetof(struct tl_win, boot_debugging), false },
	{ TL_SIPA_OSKERNELDEBUG, offsetof(struct tl_win, kernel_debugging), false },
	{ TL_SIPA_HYPERVISOR_DEBUG, offsetof(struct tl_win, hypervisor_debugging), false },
	{ TL_SIPA_TESTSIGNING, offsetof(struct tl_win, test_signing), false },
	{ TL_SIPA_FLIGHTSIGNING, offsetof(struct tl_win, flight_signing), false },
	{ TL_SIPA_SAFEMODE, offsetof(struct tl_win, safe_mode), false },
	{ TL_SIPA_WINPE, offsetof(struct tl_win, winpe), false },
	{ TL_SIPA_CODEINTEGRITY, offsetof(struct tl_win, code_integrity), true },
	{ TL_SIPA_VBS_VSM_REQUIRED, offsetof(struct tl_win, vbs_required), false },
	{ TL_SIPA_VBS_SECUREBOOT_REQUIRED, offsetof(struct tl_win, vbs_secureboot_required),
	  false },
	{ TL_SIPA_VBS_IOMMU_REQUIRED, offsetof(struct tl_win, vbs_iommu_required), false },
	{ TL_SIPA_VBS_MANDATORY_ENFORCEMENT,
	  offsetof(struct tl_win, vbs_mandatory_enforcement), false },
	{ TL_SIPA_VBS_MICROSOFT_BOOT_CHAIN_REQUIRED,
	  offsetof(struct tl_win, vbs_msft_boot_chain_required), false },
};
/* Values that must be the same wherever measured. */
static const struct {
	uint32_t type;
	size_t off;
	const char *component;
} values[] = {
	{ TL_SIPA_BOOTCOUNTER, offsetof(struct tl_win, boot_count), "windows.boot_count" },
	{ TL_SIPA_TRANSFER_CONTROL, offsetof(struct tl_win, transfer_control),
	  "windows.boot_type" },
	{ TL_SIPA_DATAEXECUTIONPREVENTION, offsetof(struct tl_win, dep),
	  "windows.dep_policy" },
	{ TL_SIPA_HYPERVISOR_LAUNCH_TYPE, offsetof(struct tl_win, hv_launch),
	  "windows.hypervisor_launch_type" },
	{ TL_SIPA_VSM_LAUNCH_TYPE, offsetof(struct tl_win, vsm_launch),
	  "windows.vbs.vsm_launch_type" },
	{ TL_SIPA_VBS_HVCI_POLICY, offsetof(struct tl_win, hvci), "windows.hvci_policy" },
};

/* Settings outside module and ELAM records. Sizes were checked by the walk. */
static int setting(struct tl_facts_ctx *c, struct tl_win *w, const struct tl_sipa_event *ev)
{
	uint64_t v;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (flags[i].type != ev->type)
			continue;
		tl_tristate *t = (tl_tristate *)((char *)w + flags[i].off);
		if (tl_sipa_uint(ev, &v) != TL_OK)
			return TL_E_SIPA_FIELD_SIZE;
		(flags[i].protection ? latch_off : latch_on)(t, v);
		return TL_OK;
	}
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (values[i].type != ev->type)
			continue;
		if (tl_sipa_uint(ev, &v) != TL_OK)
			return TL_E_SIPA_FIELD_SIZE;
		once(c, (struct tl_win_u64 *)((char *)w + values[i].off), v, values[i].component);
		return TL_OK;
	}
	switch (ev->type) {
	case TL_SIPA_BITLOCKER_UNLOCK:
		/* Windows measures each unlock into PCR 12 and again into PCR 13 */
		if (w->pcr != 12)
			return TL_OK;
		if (tl_sipa_uint(ev, &v) != TL_OK)
			return TL_E_SIPA_FIELD_SIZE;
		if (w->nunlocks == TL_MAX_WIN_UNLOCKS)
			note_full(c, w, "windows.bitlocker_unlocks");
		else
			w->unlocks[w->nunlocks++] = (uint32_t)v;
		return TL_OK;
	case TL_SIPA_SYSTEMROOT:
		if (w->has_system_root && !same(w->system_root, ev->data))
			tl_facts_reason(c, TL_E_WIN_CONFLICT, "windows.system_root");
		w->system_root = ev->data;
		w->has_system_root = true;
		return TL_OK;
	case TL_SIPA_AUTHORITYPUBKEY:
		authority(c, w, ev->data);
		return TL_OK;
	default:
		return TL_OK;
	}
}

static int visit(const struct tl_sipa_event *ev, bool leave, void *arg)
{
	struct tl_facts_ctx *c = arg;
	struct tl_win *w = c->win;
	uint32_t here = 1u << ev->depth, parent = ev->depth ? 1u << (ev->depth - 1) : 0;
	if (ev->type == TL_SIPA_LOADEDMODULE_AGGREGATION) {
		if (leave) {
			w->module_open &= ~here;
			return module_done(c, w, &w->cur[ev->depth]);
		}
		memset(&w->cur[ev->depth], 0, sizeof(w->cur[0]));
		w->cur[ev->depth].validated = -1;
		w->module_open |= here;
		return TL_OK;
	}
	if (ev->type == TL_SIPA_ELAM_AGGREGATION) {
		if (leave) {
			w->elam_open &= ~here;
			return elam_done(c, w, &w->cur_elam[ev->depth]);
		}
		memset(&w->cur_elam[ev->depth], 0, sizeof(w->cur_elam[0]));
		w->elam_open |= here;
		return TL_OK;
	}
	if (leave)
		return TL_OK;
	if (w->module_open & parent)
		return module_field(&w->cur[ev->depth - 1], ev);
	if (w->elam_open & parent)
		return elam_field(&w->cur_elam[ev->depth - 1], ev);
	return setting(c, w, ev);
}

bool tl_facts_windows_event(struct tl_facts_ctx *c)
{
	const struct tl_event *ev = c->ev;
	struct tl_win *w;
	size_t bad = 0;
	int err;
	if (ev->type != TL_EV_EVENT_TAG || !is_windows_pcr(ev->pcr) ||
	    !tl_sipa_is_windows(ev->data))
		return false; /* not Windows' (systemd-stub tags events of PCR 12-13 too) */
	if (!(w = state(c)))
		return true;
	if (w->wbcl & (1u << ev->pcr)) {
		w->after_separator++; /* the running OS's: not facts of the boot */
		return true;
	}
	if (!tl_facts_digest_is(c, ev->data)) {
		tl_facts_reason(c, TL_E_WIN_EVENT_DIGEST, NULL);
		return true;
	}
	w->seen = true;
	w->pcr = ev->pcr;
	w->module_open = w->elam_open = 0;
	if ((err = tl_sipa_walk(ev->data, visit, c, &bad)) != TL_OK) {
		char detail[64];
		snprintf(detail, sizeof(detail), "SIPA event at byte %zu of the event data", bad);
		tl_facts_reason(c, err, detail);
	}
	return true;
}

bool tl_facts_windows_separator(struct tl_facts_ctx *c)
{
	const struct tl_event *ev = c->ev;
	uint32_t bit = 1u << ev->pcr;
	struct tl_win *w;
	if (ev->type != TL_EV_SEPARATOR || !is_windows_pcr(ev->pcr) ||
	    !tl_bytes_eq(ev->data, "WBCL", 4))
		return false;
	if (!(w = state(c)))
		return true;
	if (!tl_facts_digest_is(c, ev->data))
		tl_facts_reason(c, TL_E_WIN_SEPARATOR, NULL);
	if (c->separators & bit)
		tl_facts_reason(c, TL_E_SEP_DUPLICATE, NULL);
	c->separators |= bit;
	w->wbcl |= bit;
	w->seen = true;
	return true;
}

/* A broken posture rule names the component of facts it is about. */
static void posture(struct tl_facts_ctx *c, int code, const char *component)
{
	size_t n = json_array_size(c->reasons);
	tl_facts_reason(c, code, component);
	if (json_array_size(c->reasons) > n)
		json_object_set_new(json_array_get(c->reasons, n), "component",
				    json_string(component));
}

bool tl_facts_windows_vbs_enabled(const struct tl_win *w)
{
	return w->vsm_launch.measured && w->vsm_launch.v != 0 && w->hv_launch.measured &&
	       w->hv_launch.v != 0;
}

void tl_facts_windows_finish(struct tl_facts_ctx *c)
{
	struct tl_win *w = c->win;
	json_t *o;
	if (!w || !w->seen)
		return;
	for (uint32_t pcr = 12; pcr <= 13; pcr++) {
		char detail[8];
		snprintf(detail, sizeof(detail), "PCR %u", pcr);
		if ((c->trusted & (1u << pcr)) && !(w->wbcl & (1u << pcr)))
			tl_facts_reason(c, TL_E_WIN_SEPARATOR_MISSING, detail);
	}
	if (w->boot_debugging == 1)
		posture(c, TL_E_WIN_BOOT_DEBUGGING, "windows.boot_debugging");
	if (w->kernel_debugging == 1)
		posture(c, TL_E_WIN_KERNEL_DEBUGGING, "windows.kernel_debugging");
	if (w->hypervisor_debugging == 1)
		posture(c, TL_E_WIN_HYPERVISOR_DEBUGGING, "windows.hypervisor_debugging");
	if (w->test_signing == 1)
		posture(c, TL_E_WIN_TEST_SIGNING, "windows.test_signing");
	if (w->code_integrity == 0)
		posture(c, TL_E_WIN_CODE_INTEGRITY_OFF, "windows.code_integrity");
	if (!tl_facts_windows_vbs_enabled(w))
		posture(c, TL_E_WIN_VBS_OFF, "windows.vbs.enabled");
	o = tl_facts_windows_json(c, w);
	if (o)
		json_object_set_new(c->doc, "windows", o);
	else
		tl_facts_reason(c, TL_E_NOMEM, "windows");
}

void tl_facts_windows_free(struct tl_facts_ctx *c)
{
	free(c->win);
	c->win = NULL;
}
