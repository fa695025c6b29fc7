/* Decoders for EV_NO_ACTION, EV_IPL (GRUB, shim), EV_NONHOST_INFO and EV_EVENT_TAG. */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "trustlaunch/text.h"
#include "trustlaunch/uefi.h"

static void specid(struct tl_dec *x)
{
	const struct tl_log *log = x->log;
	json_t *algs = json_array();
	tl_buf_printf(x->sum, "Spec ID Event03 (spec %u.%u errata %u)", log->spec_major,
		      log->spec_minor, log->spec_errata);
	tl_dec_str(x, "kind", "spec_id");
	for (size_t b = 0; b < log->nbanks; b++)
		json_array_append_new(algs, json_integer(log->alg[b]));
	tl_dec_set(x, "algorithms", algs);
}

/* TCG_Sp800_155_PlatformId_Event: signature, vendor id, reference manifest GUID, then
 * UINT8-length strings for the platform and firmware. */
static void sp800_155(struct tl_dec *x, struct tl_rd *rd)
{
	static const char *const fields[] = { "platform_manufacturer", "platform_model",
					      "platform_version", "firmware_manufacturer" };
	uint32_t vendor;
	struct tl_guid rim;
	char g[TL_GUID_STR_LEN];

	tl_dec_str(x, "kind", "sp800-155");
	tl_buf_puts(x->sum, "SP800-155 reference manifest");
	if (tl_rd_le32(rd, &vendor) || tl_rd_guid(rd, &rim)) {
		tl_dec_flag(x, "sp800_155_malformed");
		return;
	}
	tl_guid_str(&rim, g);
	tl_dec_set(x, "vendor_id", json_integer(vendor));
	tl_dec_str(x, "reference_manifest_guid", g);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint8_t n;
		struct tl_bytes s;
		char *t;
		if (tl_rd_u8(rd, &n) || tl_rd_bytes(rd, n, &s))
			return;
		t = tl_dec_text(s);
		tl_dec_str(x, fields[i], t);
		if (i == 0 || i == 1)
			tl_buf_printf(x->sum, " %s", t ? t : "");
		free(t);
	}
}

void tl_dec_no_action(struct tl_dec *x)
{
	struct tl_bytes d = x->ev->data;
	struct tl_rd rd;
	uint8_t loc;

	tl_rd_from(&rd, d);
	if (x->ev->offset == 0 && tl_bytes_has_prefix(d, "Spec ID Event03")) {
		specid(x);
	} else if (tl_bytes_has_prefix(d, "StartupLocality") && tl_rd_skip(&rd, 16) == TL_OK &&
		   tl_rd_u8(&rd, &loc) == TL_OK) {
		tl_dec_str(x, "kind", "startup_locality");
		tl_dec_set(x, "locality", json_integer(loc));
		tl_buf_printf(x->sum, "StartupLocality %u", loc);
	} else if (tl_bytes_has_prefix(d, "SP800-155 Event") && tl_rd_skip(&rd, 16) == TL_OK) {
		sp800_155(x, &rd);
	} else if (tl_bytes_has_prefix(d, "NvIndexInstance") ||
		   tl_bytes_has_prefix(d, "NvIndexDynamic")) {
		tl_dec_str(x, "kind", "nv_index");
		tl_dec_opaque(x);
	} else {
		tl_dec_opaque(x);
	}
}

static const char *const grub_prefixes[][2] = {
	{ "grub_cmd: ", "grub_cmd" },
	{ "kernel_cmdline: ", "kernel_cmdline" },
	{ "module_cmdline: ", "module_cmdline" },
	{ "grub_kernel_cmdline ", "kernel_cmdline" },
};

void tl_dec_ipl(struct tl_dec *x)
{
	struct tl_bytes d = x->ev->data;
	struct tl_rd rd;
	char *t;

	if (!tl_text_is_ascii(d) && !tl_bytes_all(tl_bytes_rstrip_nul(d), 0)) {
		if (tl_text_is_utf16(d)) {
			tl_dec_string(x);
			return;
		}
		tl_dec_opaque(x);
		return;
	}
	for (size_t i = 0; i < sizeof(grub_prefixes) / sizeof(grub_prefixes[0]); i++) {
		if (!tl_bytes_has_prefix(d, grub_prefixes[i][0]))
			continue;
		tl_rd_from(&rd, d);
		if (tl_rd_skip(&rd, strlen(grub_prefixes[i][0])) != TL_OK)
			break;
		t = tl_dec_text(tl_rd_rest(&rd));
		tl_dec_str(x, "kind", grub_prefixes[i][1]);
		tl_dec_str(x, "value", t);
		tl_buf_printf(x->sum, "%s%s", grub_prefixes[i][0], t ? t : "");
		free(t);
		return;
	}
	t = tl_dec_text(d);
	tl_dec_str(x, "kind", x->ev->pcr == 9 ? "file" : "text");
	tl_dec_str(x, "text", t);
	tl_buf_puts(x->sum, t ? t : "");
	free(t);
}

const char *tl_dec_gce_technology(struct tl_bytes data)
{
	static const char *const tech[] = { "NONE", "AMD_SEV", "AMD_SEV_ES", "INTEL_TDX",
					    "AMD_SEV_SNP" };
	struct tl_rd rd;
	uint8_t t;
	tl_rd_from(&rd, data);
	if (!tl_bytes_has_prefix(data, "GCE NonHostInfo") || tl_rd_skip(&rd, 16) != TL_OK ||
	    tl_rd_u8(&rd, &t) != TL_OK)
		return NULL;
	return t < sizeof(tech) / sizeof(tech[0]) ? tech[t] : "unknown";
}

/* Google's EV_NONHOST_INFO. */
void tl_dec_nonhost_info(struct tl_dec *x)
{
	const char *name = tl_dec_gce_technology(x->ev->data);
	if (name) {
		tl_dec_str(x, "kind", "gce_nonhost_info");
		tl_dec_str(x, "confidential_technology", name);
		tl_buf_printf(x->sum, "GCE NonHostInfo: %s", name);
		return;
	}
	tl_dec_opaque(x);
}

/* TCG_PCClientTaggedEvent: taggedEventID, taggedEventDataSize, data. */
void tl_dec_tag(struct tl_dec *x)
{
	struct tl_rd rd;
	uint32_t id, size;
	struct tl_bytes data;

	if (tl_dec_sipa(x))
		return;
	tl_rd_from(&rd, x->ev->data);
	if (tl_rd_le32(&rd, &id) || tl_rd_le32(&rd, &size) || tl_rd_bytes(&rd, size, &data) ||
	    tl_rd_end(&rd)) {
		tl_dec_flag(x, "tagged_event_malformed");
		tl_dec_opaque(x);
		return;
	}
	tl_dec_set(x, "tag", json_integer(id));
	tl_dec_hex(x, "tag_data", data);
	tl_buf_printf(x->sum, "tag 0x%08x, %u bytes", id, size);
}
