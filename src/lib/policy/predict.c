/* Prediction: the event log a boot of these artifacts will produce, built event by event in
 * the order OVMF, shim and GRUB measure (as seen in ../shared/vectors/boot/sb-on), then
 * replayed and read back with the same code that reads a real log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/buf.h"
#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/pe.h"
#include "trustlaunch/predict.h"
#include "trustlaunch/sb.h"
#include "trustlaunch/tcglog.h"
#include "trustlaunch/varstore.h"
#include "predict_internal.h"

const uint16_t tl_pred_banks[TL_PRED_NBANKS] = { TL_ALG_SHA1, TL_ALG_SHA256, TL_ALG_SHA384 };
#define banks tl_pred_banks
#define NBANKS TL_PRED_NBANKS
#define MAX_LOG TL_PRED_MAX_LOG

static void specid(struct tl_pred *g)
{
	struct tl_buf *b = &g->log;
	static const char zero[20];
	tl_buf_le32(b, 0);
	tl_buf_le32(b, TL_EV_NO_ACTION);
	tl_buf_put(b, zero, 20);
	tl_buf_le32(b, 16 + 4 + 4 + 4 + (uint32_t)(4 * NBANKS) + 1);
	tl_buf_put(b, "Spec ID Event03", 16);
	tl_buf_le32(b, 0);          /* platform class */
	tl_buf_put(b, "\0\2\0\2", 4); /* minor 0, major 2, errata 0, uintn 8 bytes */
	tl_buf_le32(b, NBANKS);
	for (size_t i = 0; i < NBANKS; i++) {
		tl_buf_le16(b, banks[i]);
		tl_buf_le16(b, (uint16_t)tl_alg_size(banks[i]));
	}
	tl_buf_putc(b, 0);
}

/* An event whose digests are given per bank (NULL: the hash of the data). */
void tl_pred_event(struct tl_pred *g, uint32_t pcr, uint32_t type, const void *data, size_t len,
		  uint8_t digests[][TL_MAX_DIGEST])
{
	struct tl_buf *b = &g->log;
	tl_buf_le32(b, pcr);
	tl_buf_le32(b, type);
	tl_buf_le32(b, NBANKS);
	for (size_t i = 0; i < NBANKS; i++) {
		uint8_t h[TL_MAX_DIGEST];
		if (!digests && tl_hash(banks[i], data, len, h) != TL_OK)
			g->err = TL_E_CRYPTO;
		tl_buf_le16(b, banks[i]);
		tl_buf_put(b, (const char *)(digests ? digests[i] : h), tl_alg_size(banks[i]));
	}
	tl_buf_le32(b, (uint32_t)len);
	tl_buf_put(b, data, len);
}

static void text_event(struct tl_pred *g, uint32_t pcr, uint32_t type, const char *s)
{
	tl_pred_event(g, pcr, type, s, strlen(s), NULL);
}

/* UEFI_VARIABLE_DATA of an ASCII name and data, measured as type into pcr. */
static void variable(struct tl_pred *g, uint32_t pcr, uint32_t type, const struct tl_guid *vendor,
		     const char *name, struct tl_bytes data, struct tl_bytes prefix)
{
	struct tl_buf v;
	size_t n = strlen(name);
	tl_buf_init(&v, MAX_LOG);
	tl_buf_put(&v, (const char *)vendor->b, 16);
	tl_buf_le64(&v, n);
	tl_buf_le64(&v, prefix.len + data.len);
	for (size_t i = 0; i < n; i++)
		tl_buf_le16(&v, (uint8_t)name[i]);
	tl_buf_put(&v, (const char *)prefix.ptr, prefix.len);
	tl_buf_put(&v, (const char *)data.ptr, data.len);
	if (v.err) {
		g->err = v.err;
	} else {
		if (type == TL_EV_EFI_VARIABLE_AUTHORITY) {
			/* firmware and shim measure each authority once */
			uint8_t h[TL_MAX_DIGEST];
			if (tl_hash(TL_ALG_SHA256, v.s, v.len, h) != TL_OK)
				g->err = TL_E_CRYPTO;
			for (size_t i = 0; i < g->nseen; i++)
				if (memcmp(g->seen[i], h, TL_SHA256_LEN) == 0)
					goto out;
			if (g->nseen < 16)
				memcpy(g->seen[g->nseen++], h, TL_SHA256_LEN);
		}
		tl_pred_event(g, pcr, type, v.s, v.len, NULL);
	}
out:
	tl_buf_free(&v);
}

void tl_pred_note(struct tl_pred *g, const char *s)
{
	json_array_append_new(g->notes, json_string(s));
}

static struct tl_bytes var_or_empty(struct tl_bytes vars, const struct tl_guid *vendor,
				    const char *name)
{
	struct tl_bytes d = { NULL, 0 };
	if (tl_varstore_get(vars, vendor, name, &d) != TL_OK)
		d.len = 0;
	return d;
}

/* Shim's built-in SbatLevel (.sbatlevel: version, then offsets of the "previous" and
 * "latest" levels); shim applies "previous" unless told otherwise. */
static bool shim_sbat_level(const struct tl_pe *pe, struct tl_bytes *level)
{
	struct tl_bytes sec;
	struct tl_rd rd, s;
	uint32_t version, previous, latest;
	if (!tl_pe_section(pe, ".sbatlevel", &sec))
		return false;
	tl_rd_from(&rd, sec);
	if (tl_rd_le32(&rd, &version) || tl_rd_le32(&rd, &previous) || tl_rd_le32(&rd, &latest))
		return false;
	tl_rd_from(&s, sec);
	if (tl_rd_skip(&s, 4) || tl_rd_skip(&s, previous))
		return false;
	*level = tl_rd_rest(&s);
	size_t n = 0;
	while (n < level->len && tl_bytes_at(*level, n) > 0)
		n++;
	level->len = n;
	return n > 0;
}

/* Shim's vendor certificate (.vendor_cert: sizes and offsets, then the DER). */
static bool shim_vendor_cert(const struct tl_pe *pe, struct tl_bytes *cert)
{
	struct tl_bytes sec;
	struct tl_rd rd;
	uint32_t size, dsize, off, doff;
	if (!tl_pe_section(pe, ".vendor_cert", &sec))
		return false;
	tl_rd_from(&rd, sec);
	if (tl_rd_le32(&rd, &size) || tl_rd_le32(&rd, &dsize) || tl_rd_le32(&rd, &off) ||
	    tl_rd_le32(&rd, &doff) || size == 0)
		return false;
	tl_rd_from(&rd, sec);
	return tl_rd_skip(&rd, off) == TL_OK && tl_rd_bytes(&rd, size, cert) == TL_OK;
}

static void app_event(struct tl_pred *g, const struct tl_pe *pe)
{
	uint8_t d[NBANKS][TL_MAX_DIGEST];
	struct tl_buf e;
	for (size_t i = 0; i < NBANKS; i++)
		if (tl_pe_authenticode(pe, banks[i], d[i]) != TL_OK)
			g->err = TL_E_CRYPTO;
	/* UEFI_IMAGE_LOAD_EVENT: location, length, link address, then no device path */
	tl_buf_init(&e, 64);
	tl_buf_le64(&e, 0);
	tl_buf_le64(&e, pe->file.len);
	tl_buf_le64(&e, 0);
	tl_buf_le64(&e, 0);
	tl_pred_event(g, 4, TL_EV_EFI_BOOT_SERVICES_APPLICATION, e.s, e.len, d);
	tl_buf_free(&e);
}

static int boot_chain(struct tl_pred *g, const struct tl_predict_in *in, bool secure)
{
	struct tl_pe *pe = calloc(in->napps ? in->napps : 1, sizeof(*pe));
	struct tl_bytes vendor = { NULL, 0 }, level;
	struct tl_sb_policy fw = { var_or_empty(in->vars, &TL_GUID_IMAGE_SECURITY_DB, "db"),
				   var_or_empty(in->vars, &TL_GUID_IMAGE_SECURITY_DB, "dbx"),
				   { NULL, 0 } };
	struct tl_buf vesl;
	bool shim = false;
	int err = TL_OK;

	tl_buf_init(&vesl, 65536);
	if (!pe)
		return TL_E_NOMEM;
	for (size_t i = 0; i < in->napps && err == TL_OK; i++)
		err = tl_pe_parse(in->apps[i], &pe[i]);
	for (size_t i = 0; i < in->napps && err == TL_OK; i++) {
		struct tl_sb_result r;
		if (secure && i == 0 && tl_sb_check(&pe[0], &fw, &r) == TL_OK && r.has_authority) {
			/* firmware: the db entry that allowed the first image */
			variable(g, 7, TL_EV_EFI_VARIABLE_AUTHORITY, &TL_GUID_IMAGE_SECURITY_DB, "db",
				 r.authority, (struct tl_bytes){ r.owner.b, 16 });
		} else if (secure && i == 0) {
			tl_pred_note(g, "the first image is not allowed by the db of the variable store: it "
				"would not boot");
		}
		if (secure && i > 0 && shim && vendor.len) {
			struct tl_sb_policy sp = { { (const uint8_t *)tl_buf_str(&vesl), vesl.len },
						   { NULL, 0 }, { NULL, 0 } };
			if (tl_sb_check(&pe[i], &sp, &r) == TL_OK)
				variable(g, 7, TL_EV_EFI_VARIABLE_AUTHORITY, &TL_GUID_SHIM_LOCK,
					 "MokListRT", vendor,
					 (struct tl_bytes){ TL_GUID_SHIM_LOCK.b, 16 });
			else if (tl_sb_check(&pe[i], &fw, &r) == TL_OK && r.has_authority)
				variable(g, 7, TL_EV_EFI_VARIABLE_AUTHORITY,
					 &TL_GUID_IMAGE_SECURITY_DB, "db", r.authority,
					 (struct tl_bytes){ r.owner.b, 16 });
		}
		app_event(g, &pe[i]);
		if (i == 0 && shim_sbat_level(&pe[0], &level)) {
			shim = shim_vendor_cert(&pe[0], &vendor);
			if (shim)
				tl_esl_put_cert(&vesl, &TL_GUID_ZERO, vendor);
			if (secure)
				variable(g, 7, TL_EV_EFI_VARIABLE_AUTHORITY, &TL_GUID_SHIM_LOCK,
					 "SbatLevel", level, (struct tl_bytes){ NULL, 0 });
		}
	}
	tl_buf_free(&vesl);
	free(pe);
	return err;
}

static int generate(struct tl_pred *g, const struct tl_predict_in *in)
{
	static const char *const pk_names[] = { "PK", "KEK" }, *const db_names[] = { "db", "dbx" };
	struct tl_bytes pk = var_or_empty(in->vars, &TL_GUID_GLOBAL_VARIABLE, "PK");
	uint8_t sb = pk.len > 0; /* OVMF: Secure Boot is on once a PK is enrolled */
	int err;

	specid(g);
	/* PCR 7: the Secure Boot configuration, then the separator */
	variable(g, 7, TL_EV_EFI_VARIABLE_DRIVER_CONFIG, &TL_GUID_GLOBAL_VARIABLE, "SecureBoot",
		 (struct tl_bytes){ &sb, 1 }, (struct tl_bytes){ NULL, 0 });
	for (size_t i = 0; i < 2; i++)
		variable(g, 7, TL_EV_EFI_VARIABLE_DRIVER_CONFIG, &TL_GUID_GLOBAL_VARIABLE,
			 pk_names[i], var_or_empty(in->vars, &TL_GUID_GLOBAL_VARIABLE, pk_names[i]),
			 (struct tl_bytes){ NULL, 0 });
	for (size_t i = 0; i < 2; i++)
		variable(g, 7, TL_EV_EFI_VARIABLE_DRIVER_CONFIG, &TL_GUID_IMAGE_SECURITY_DB,
			 db_names[i], var_or_empty(in->vars, &TL_GUID_IMAGE_SECURITY_DB, db_names[i]),
			 (struct tl_bytes){ NULL, 0 });
	tl_pred_event(g, 7, TL_EV_SEPARATOR, "\0\0\0\0", 4, NULL);
	/* PCR 4: the boot option, the separator at ReadyToBoot, options that returned */
	text_event(g, 4, TL_EV_EFI_ACTION, "Calling EFI Application from Boot Option");
	tl_pred_event(g, 4, TL_EV_SEPARATOR, "\0\0\0\0", 4, NULL);
	for (unsigned i = 0; i < in->failed_attempts; i++) {
		text_event(g, 4, TL_EV_EFI_ACTION, "Returning from EFI Application from Boot Option");
		text_event(g, 4, TL_EV_EFI_ACTION, "Calling EFI Application from Boot Option");
	}
	if ((err = boot_chain(g, in, sb)) != TL_OK)
		return err;
	/* PCR 8 and 9: GRUB */
	if (in->grub_cfg.len)
		return tl_pred_grub(g, in);
	if (in->cmdline)
		tl_pred_grub_string(g, "kernel_cmdline: ", in->cmdline);
	return TL_OK;
}

int tl_predict(const struct tl_predict_in *in, json_t **out, uint8_t **log_out, size_t *log_len)
{
	struct tl_pred g = { .notes = json_array() };
	struct tl_log *log = NULL;
	struct tl_pcrs pcrs;
	json_t *facts = NULL, *doc = NULL, *p;
	uint32_t predicted = (1u << 4) | (1u << 7);
	int err;

	*out = NULL;
	tl_buf_init(&g.log, MAX_LOG);
	err = generate(&g, in);
	if (err == TL_OK && (err = g.err ? g.err : g.log.err) == TL_OK)
		err = tl_log_parse((const uint8_t *)g.log.s, g.log.len, &log, NULL);
	if (err == TL_OK)
		err = tl_log_replay(log, &pcrs);
	if (in->grub_cfg.len)
		predicted |= (1u << 8) | (g.pcr9_unknown ? 0 : (1u << 9));
	if (err == TL_OK)
		err = tl_facts_extract(log, TL_PCRS_ALL, &facts);
	if (err != TL_OK)
		goto out;
	doc = json_object();
	p = json_object();
	for (size_t b = 0; b < pcrs.nbanks; b++) {
		json_t *bank = json_object();
		for (unsigned i = 0; i < TL_NUM_PCRS; i++) {
			char key[4], hex[2 * TL_MAX_DIGEST + 1];
			if (!(predicted & (1u << i)))
				continue;
			snprintf(key, sizeof(key), "%u", i);
			tl_hex(pcrs.bank[b].pcr[i], pcrs.bank[b].size, hex);
			json_object_set_new(bank, key, json_string(hex));
		}
		json_object_set_new(p, tl_alg_name(pcrs.bank[b].alg), bank);
	}
	json_object_set_new(doc, "pcrs", p);
	json_object_set_new(doc, "components", facts);
	json_object_set_new(doc, "notes", g.notes);
	g.notes = NULL;
	facts = NULL;
	if (log_out) {
		*log_out = malloc(g.log.len);
		if (*log_out) {
			memcpy(*log_out, g.log.s, g.log.len);
			*log_len = g.log.len;
		}
	}
	*out = doc;
out:
	json_decref(facts);
	json_decref(g.notes);
	tl_log_free(log);
	tl_buf_free(&g.log);
	return err;
}
