/* Facts of a boot from its event log: Secure Boot (facts_sb.c), boot applications, GRUB,
 * loaded files, firmware, platform; and the rules that make them trustworthy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "facts.h"
#include "facts_windows.h"
#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/text.h"
#include "trustlaunch/uefi.h"

void tl_facts_reason(struct tl_facts_ctx *c, int code, const char *detail)
{
	json_t *r;
	if (json_array_size(c->reasons) >= TL_FACTS_MAX_REASONS) {
		json_t *n = json_object_get(c->doc, "reasons_omitted");
		json_object_set_new(c->doc, "reasons_omitted",
				    json_integer(json_integer_value(n) + 1));
		return;
	}
	r = json_object();
	json_object_set_new(r, "code", json_string(tl_err_name(code)));
	json_object_set_new(r, "message", json_string(tl_err_msg(code)));
	if (c->ev) {
		json_object_set_new(r, "event", json_integer((json_int_t)c->index));
		json_object_set_new(r, "pcr", json_integer(c->ev->pcr));
	}
	if (detail)
		json_object_set_new(r, "detail", json_string(detail));
	json_array_append_new(c->reasons, r);
}

bool tl_facts_digest_is(const struct tl_facts_ctx *c, struct tl_bytes b)
{
	const struct tl_log *log = c->log;
	for (size_t i = 0; i < log->nbanks; i++) {
		uint8_t h[TL_MAX_DIGEST];
		int err = tl_hash(log->alg[i], b.ptr, b.len, h);
		if (err == TL_E_UNSUPPORTED)
			continue;
		if (err != TL_OK || memcmp(h, c->ev->digest[i], log->alg_size[i]) != 0)
			return false;
	}
	return true;
}

bool tl_facts_digest_eq(const struct tl_facts_ctx *c, uint8_t want[][TL_MAX_DIGEST])
{
	for (size_t i = 0; i < c->log->nbanks; i++)
		if (tl_alg_size(c->log->alg[i]) &&
		    memcmp(want[i], c->ev->digest[i], c->log->alg_size[i]) != 0)
			return false;
	return true;
}

bool tl_facts_spend(struct tl_facts_ctx *c, size_t n)
{
	if (n <= c->budget) {
		c->budget -= n;
		return true;
	}
	if (!c->over_budget)
		tl_facts_reason(c, TL_E_FACTS_TOO_LARGE, NULL);
	c->over_budget = true;
	return false;
}

/* Digests of the values firmware measures the same way everywhere, once per extraction. */
static int precompute(struct tl_facts_ctx *c)
{
	for (size_t i = 0; i < c->log->nbanks; i++) {
		uint16_t alg = c->log->alg[i];
		int err;
		if (!tl_alg_size(alg))
			continue;
		if ((err = tl_hash(alg, "\0\0\0\0", 4, c->sep0[i])) != TL_OK ||
		    (err = tl_hash(alg, "\xff\xff\xff\xff", 4, c->sep1[i])) != TL_OK ||
		    (err = tl_hash(alg, "UEFI Debug Mode", 15, c->debug[i])) != TL_OK)
			return err;
	}
	return TL_OK;
}

json_t *tl_facts_digests(const struct tl_facts_ctx *c)
{
	json_t *o = json_object();
	for (size_t i = 0; i < c->log->nbanks; i++) {
		char hex[2 * TL_MAX_DIGEST + 1];
		const char *name = tl_alg_name(c->log->alg[i]);
		if (!name)
			continue;
		tl_hex(c->ev->digest[i], c->log->alg_size[i], hex);
		json_object_set_new(o, name, json_string(hex));
	}
	return o;
}

/* An EV_SEPARATOR, or an event of PCR 7 that measured separator bytes: the type is not
 * covered by the digest, so a separator relabelled as something else is still one. */
static void separator(struct tl_facts_ctx *c)
{
	struct tl_bytes d = c->ev->data;
	bool zero = tl_bytes_eq(d, "\0\0\0\0", 4), ones = tl_bytes_eq(d, "\xff\xff\xff\xff", 4);
	if (c->ev->type != TL_EV_SEPARATOR)
		tl_facts_reason(c, TL_E_SEP_TYPE, tl_ev_name(c->ev->type));
	else if (!zero && !ones)
		tl_facts_reason(c, TL_E_SEP_DATA, NULL);
	else if (!tl_facts_digest_eq(c, zero ? c->sep0 : c->sep1))
		tl_facts_reason(c, TL_E_SEP_DIGEST, NULL);
	if (c->separators & (1u << c->ev->pcr))
		tl_facts_reason(c, TL_E_SEP_DUPLICATE, NULL);
	if (ones)
		json_object_set_new(c->doc, "firmware_error_separator", json_true());
	c->separators |= 1u << c->ev->pcr;
}

static json_t *append_path(struct tl_facts_ctx *c, const char *key, const char *path)
{
	json_t *o;
	if (!tl_facts_spend(c, (path ? strlen(path) : 0) + TL_FACTS_ITEM_COST))
		return NULL;
	o = json_object();
	json_object_set_new(o, "path", json_string(path ? path : ""));
	json_object_set_new(o, "digests", tl_facts_digests(c));
	json_object_set_new(o, "event", json_integer((json_int_t)c->index));
	json_array_append_new(json_object_get(c->doc, key), o);
	return o;
}

/* The digest (the image's Authenticode hash) is what counts; the device path is not bound
 * by it and only helps people, so a malformed one (real firmware and shims write some) is
 * marked, not a broken rule. */
static void application(struct tl_facts_ctx *c)
{
	struct tl_rd rd;
	struct tl_bytes dp = { NULL, 0 };
	uint64_t dplen;
	struct tl_buf path;
	bool ok;
	json_t *app;

	tl_rd_from(&rd, c->ev->data);
	uint64_t skip;
	ok = tl_rd_skip(&rd, 8) == TL_OK && tl_log_rd_uintn(c->log, &rd, &skip) == TL_OK &&
	     tl_log_rd_uintn(c->log, &rd, &skip) == TL_OK &&
	     tl_log_rd_uintn(c->log, &rd, &dplen) == TL_OK &&
	     dplen <= tl_rd_left(&rd) && tl_rd_bytes(&rd, (size_t)dplen, &dp) == TL_OK;
	tl_buf_init(&path, 65536);
	tl_buf_puts(&path, "");
	if (ok && tl_devpath_text(&path, dp) != TL_OK)
		ok = false;
	app = append_path(c, "efi_apps", tl_buf_str(&path));
	if (app && !ok)
		json_object_set_new(app, "path_malformed", json_true());
	tl_buf_free(&path);
}

/* GRUB (2.06 and later) measures "grub_cmd: CMD", "kernel_cmdline: LINE" and
 * "module_cmdline: LINE" with the digest of the text after the prefix; the text is used only
 * when that holds, so a log cannot show one command line and measure another. */
static void grub(struct tl_facts_ctx *c)
{
	static const char *const prefixes[][2] = {
		{ "grub_cmd: ", "grub_commands" },
		{ "kernel_cmdline: ", "kernel_cmdline" },
		{ "module_cmdline: ", "module_cmdlines" },
	};
	struct tl_bytes d = c->ev->data;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		struct tl_rd rd;
		struct tl_bytes text;
		char *t;
		if (!tl_bytes_has_prefix(d, prefixes[i][0]))
			continue;
		tl_rd_from(&rd, d);
		if (tl_rd_skip(&rd, strlen(prefixes[i][0])) != TL_OK)
			return;
		text = tl_rd_rest(&rd);
		if (!tl_facts_digest_is(c, tl_bytes_rstrip_nul(text)) && !tl_facts_digest_is(c, text)) {
			tl_facts_reason(c, TL_E_GRUB_DIGEST, prefixes[i][1]);
			return;
		}
		if (!tl_facts_spend(c, 4 * text.len + TL_FACTS_ITEM_COST / 4))
			return;
		t = tl_dec_text(text);
		if (i == 1) {
			/* PCR 8 stays open to the running OS: a second command line could hide
			 * the one that booted */
			if (!json_is_null(json_object_get(c->doc, "kernel_cmdline")))
				tl_facts_reason(c, TL_E_GRUB_REPEATED, NULL);
			json_object_set_new(c->doc, "kernel_cmdline", t ? json_string(t) : json_null());
		} else {
			json_array_append_new(json_object_get(c->doc, prefixes[i][1]),
					      json_string(t ? t : ""));
		}
		free(t);
		return;
	}
}

static void ipl(struct tl_facts_ctx *c)
{
	char *t;
	if (c->ev->pcr == 8) {
		grub(c);
	} else if (c->ev->pcr == 9) {
		t = tl_dec_text(c->ev->data);
		append_path(c, "files", t);
		free(t);
	} else if (c->ev->pcr == 14) {
		/* shim: MokList, MokListX, MokListTrusted, with the digest of their contents */
		if (!tl_facts_spend(c, 4 * c->ev->data.len + TL_FACTS_ITEM_COST))
			return;
		t = tl_dec_text(c->ev->data);
		if (t)
			json_object_set_new(json_object_get(c->sb, "mok"), t, tl_facts_digests(c));
		free(t);
	}
}

static void firmware_version(struct tl_facts_ctx *c)
{
	struct tl_bytes d = c->ev->data;
	char *t = NULL;
	if (tl_text_is_ascii(d))
		t = tl_dec_text(d);
	else if (tl_text_is_utf16(d) || tl_bytes_all(d, 0))
		t = tl_dec_utf16(d);
	if (!t) {
		/* physical machines measure a GUID or other binary version */
		t = malloc(4 + 2 * d.len + 1);
		if (t) {
			memcpy(t, "hex:", 4);
			tl_hex(d.ptr, d.len, t + 4);
		}
	}
	json_t *fw = json_object_get(c->doc, "firmware");
	json_object_set_new(fw, "scrtm_version", t ? json_string(t) : json_null());
	/* OVMF and GCE measure the string itself; some physical machines do not, and then
	 * the version shown is only what the log claims */
	json_object_set_new(fw, "scrtm_version_verified", json_boolean(tl_facts_digest_is(c, d)));
	free(t);
}

static void action(struct tl_facts_ctx *c)
{
	struct tl_bytes d = tl_bytes_rstrip_nul(c->ev->data);
	if (c->ev->pcr == 5 && tl_bytes_eq(d, "Exit Boot Services Invocation", 29) &&
	    tl_facts_digest_is(c, c->ev->data))
		json_object_set_new(c->doc, "exit_boot_services", json_true());
}

static void platform(struct tl_facts_ctx *c)
{
	const char *tech = tl_dec_gce_technology(c->ev->data);
	if (tech && tl_facts_digest_is(c, c->ev->data))
		json_object_set_new(json_object_get(c->doc, "platform"), "confidential_technology",
				    json_string(tech));
}

static void event(struct tl_facts_ctx *c)
{
	const struct tl_event *ev = c->ev;
	if (ev->pcr <= 7) {
		if (!tl_ev_name(ev->type))
			tl_facts_reason(c, TL_E_EVENT_UNKNOWN, NULL);
		else if (ev->type == TL_EV_UNUSED)
			tl_facts_reason(c, TL_E_EVENT_UNUSED, NULL);
		else if (!tl_facts_type_allowed(ev->pcr, ev->type))
			tl_facts_reason(c, TL_E_EVENT_WRONG_PCR, tl_ev_name(ev->type));
		/* In PCR 7 the separator orders the Secure Boot configuration: an event there
		 * that measured separator bytes is a separator whatever its label. (Elsewhere
		 * real firmware measures zeros as S-CRTM contents, so only the label counts.) */
		if (ev->type == TL_EV_SEPARATOR ||
		    (ev->pcr == 7 && (tl_facts_digest_eq(c, c->sep0) ||
				      tl_facts_digest_eq(c, c->sep1)))) {
			separator(c);
			return;
		}
	} else if (tl_facts_windows_separator(c) || tl_facts_windows_event(c)) {
		return; /* Windows' own structure of PCR 12-14 (WBCL) */
	} else if (ev->type == TL_EV_SEPARATOR) {
		separator(c);
		return;
	}
	if (ev->pcr == 7)
		tl_facts_pcr7(c);
	switch (ev->type) {
	case TL_EV_EFI_BOOT_SERVICES_APPLICATION:
		if (ev->pcr == 4)
			application(c);
		break;
	case TL_EV_IPL: ipl(c); break;
	case TL_EV_S_CRTM_VERSION:
		if (ev->pcr == 0)
			firmware_version(c);
		break;
	case TL_EV_EFI_ACTION: action(c); break;
	case TL_EV_NONHOST_INFO: platform(c); break;
	default: break;
	}
}

static json_t *skeleton(const struct tl_log *log)
{
	json_t *doc = json_object(), *sb = json_object(), *banks = json_array();
	for (size_t b = 0; b < log->nbanks; b++)
		if (tl_alg_name(log->alg[b]))
			json_array_append_new(banks, json_string(tl_alg_name(log->alg[b])));
	json_object_set_new(doc, "valid", json_true());
	json_object_set_new(doc, "banks", banks);
	json_object_set_new(sb, "enabled", json_false());
	json_object_set_new(sb, "measured", json_false());
	json_object_set_new(sb, "debug_mode", json_false());
	json_object_set_new(sb, "pk", json_null());
	json_object_set_new(sb, "kek", json_null());
	json_object_set_new(sb, "db", json_null());
	json_object_set_new(sb, "dbx", json_null());
	json_object_set_new(sb, "authorities", json_array());
	json_object_set_new(sb, "sbat_level", json_null());
	json_object_set_new(sb, "mok_list_trusted", json_null());
	json_object_set_new(sb, "mok", json_object());
	json_object_set_new(sb, "other_variables", json_object());
	json_object_set_new(doc, "secureboot", sb);
	json_object_set_new(doc, "efi_apps", json_array());
	json_object_set_new(doc, "grub_commands", json_array());
	json_object_set_new(doc, "kernel_cmdline", json_null());
	json_object_set_new(doc, "module_cmdlines", json_array());
	json_object_set_new(doc, "files", json_array());
	json_object_set_new(doc, "firmware", json_object());
	json_object_set_new(doc, "platform", json_object());
	json_object_set_new(doc, "exit_boot_services", json_false());
	json_object_set_new(doc, "windows", json_null());
	json_object_set_new(doc, "separators", json_array());
	json_object_set_new(doc, "trusted_pcrs", json_array());
	json_object_set_new(doc, "reasons", json_array());
	return doc;
}

int tl_facts_extract(const struct tl_log *log, uint32_t trusted, json_t **out)
{
	struct tl_facts_ctx c = { .log = log, .trusted = trusted & TL_PCRS_ALL,
				  .budget = TL_FACTS_BUDGET };
	uint32_t untrusted_seen = 0;

	*out = NULL;
	c.doc = skeleton(log);
	c.sb = json_object_get(c.doc, "secureboot");
	c.reasons = json_object_get(c.doc, "reasons");
	if (!c.doc || !c.sb || !c.reasons || precompute(&c) != TL_OK) {
		json_decref(c.doc);
		return TL_E_NOMEM;
	}
	for (c.index = 0; c.index < log->nevents; c.index++) {
		uint32_t bit;
		c.ev = &log->ev[c.index];
		bit = 1u << c.ev->pcr;
		if (c.ev->type == TL_EV_NO_ACTION)
			continue;
		if (c.trusted & bit) {
			event(&c);
		} else if (!(untrusted_seen & bit)) {
			untrusted_seen |= bit;
			tl_facts_reason(&c, TL_E_PCR_NOT_TRUSTED, NULL);
		}
	}
	c.ev = NULL;
	tl_facts_pcr7_finish(&c);
	tl_facts_windows_finish(&c);
	for (uint32_t i = 0; i < 8; i++) {
		char pcr[8];
		snprintf(pcr, sizeof(pcr), "PCR %u", i);
		if ((c.trusted & (1u << i)) && !(c.separators & (1u << i)))
			tl_facts_reason(&c, TL_E_SEP_MISSING, pcr);
	}
	for (uint32_t i = 0; i < TL_NUM_PCRS; i++) {
		if (c.separators & (1u << i))
			json_array_append_new(json_object_get(c.doc, "separators"), json_integer(i));
		if (c.trusted & (1u << i))
			json_array_append_new(json_object_get(c.doc, "trusted_pcrs"), json_integer(i));
	}
	json_object_set_new(c.doc, "valid", json_boolean(json_array_size(c.reasons) == 0));
	for (size_t i = 0; i < c.nvars; i++)
		free(c.vars[i].name);
	tl_facts_windows_free(&c);
	*out = c.doc;
	return TL_OK;
}
