/* UEFI device paths (UEFI 2.x chapter 10) rendered as text, for people reading a log. */
#include "trustlaunch/limits.h"
#include "trustlaunch/text.h"
#include "trustlaunch/uefi.h"

enum { DP_HW = 1, DP_ACPI = 2, DP_MSG = 3, DP_MEDIA = 4, DP_BBS = 5, DP_END = 0x7F };

static void node_hex(struct tl_buf *out, uint8_t type, uint8_t sub, struct tl_bytes body)
{
	struct tl_rd rd;
	uint8_t c;
	tl_buf_printf(out, "Path(%u,%u,", type, sub);
	tl_rd_from(&rd, body);
	while (tl_rd_u8(&rd, &c) == TL_OK)
		tl_buf_printf(out, "%02x", c);
	tl_buf_putc(out, ')');
}

static int hw(struct tl_buf *out, uint8_t sub, struct tl_rd *rd)
{
	uint8_t fn, dev;
	if (sub == 1 && tl_rd_u8(rd, &fn) == TL_OK && tl_rd_u8(rd, &dev) == TL_OK) {
		tl_buf_printf(out, "Pci(0x%x,0x%x)", dev, fn);
		return TL_OK;
	}
	return TL_E_UNSUPPORTED;
}

static int acpi(struct tl_buf *out, uint8_t sub, struct tl_rd *rd)
{
	uint32_t hid, uid;
	if (sub != 1 || tl_rd_le32(rd, &hid) || tl_rd_le32(rd, &uid))
		return TL_E_UNSUPPORTED;
	if (hid == 0x0A0341D0)
		tl_buf_printf(out, "PciRoot(0x%x)", uid);
	else if (hid == 0x0A0841D0)
		tl_buf_printf(out, "PcieRoot(0x%x)", uid);
	else
		tl_buf_printf(out, "Acpi(0x%08x,0x%x)", hid, uid);
	return TL_OK;
}

static int msg(struct tl_buf *out, uint8_t sub, struct tl_rd *rd)
{
	uint16_t a, b, c;
	uint32_t nsid;
	uint8_t u8a, u8b;
	switch (sub) {
	case 2: /* SCSI */
		if (tl_rd_le16(rd, &a) || tl_rd_le16(rd, &b))
			return TL_E_UNSUPPORTED;
		tl_buf_printf(out, "Scsi(0x%x,0x%x)", a, b);
		return TL_OK;
	case 5: /* USB */
		if (tl_rd_u8(rd, &u8a) || tl_rd_u8(rd, &u8b))
			return TL_E_UNSUPPORTED;
		tl_buf_printf(out, "USB(0x%x,0x%x)", u8a, u8b);
		return TL_OK;
	case 11: { /* MAC address: 32 bytes, interface type */
		struct tl_bytes mac;
		uint8_t iftype;
		struct tl_rd m;
		if (tl_rd_bytes(rd, 32, &mac) || tl_rd_u8(rd, &iftype))
			return TL_E_UNSUPPORTED;
		tl_rd_from(&m, mac);
		tl_buf_puts(out, "MAC(");
		/* Ethernet (type 1) addresses use 6 of the 32 bytes */
		for (size_t i = 0; i < (iftype == 1 ? 6u : 32u) && tl_rd_u8(&m, &u8a) == TL_OK; i++)
			tl_buf_printf(out, "%02x", u8a);
		tl_buf_printf(out, ",0x%x)", iftype);
		return TL_OK;
	}
	case 18: /* SATA */
		if (tl_rd_le16(rd, &a) || tl_rd_le16(rd, &b) || tl_rd_le16(rd, &c))
			return TL_E_UNSUPPORTED;
		tl_buf_printf(out, "Sata(0x%x,0x%x,0x%x)", a, b, c);
		return TL_OK;
	case 23: /* NVMe namespace */
		if (tl_rd_le32(rd, &nsid) || tl_rd_skip(rd, 8))
			return TL_E_UNSUPPORTED;
		tl_buf_printf(out, "NVMe(0x%x)", nsid);
		return TL_OK;
	default:
		return TL_E_UNSUPPORTED;
	}
}

static int media(struct tl_buf *out, uint8_t sub, struct tl_rd *rd)
{
	char g[TL_GUID_STR_LEN];
	struct tl_guid guid;
	uint32_t part;
	uint64_t start, size;
	uint8_t fmt, sigtype;
	switch (sub) {
	case 1: /* hard drive */
		if (tl_rd_le32(rd, &part) || tl_rd_le64(rd, &start) || tl_rd_le64(rd, &size) ||
		    tl_rd_guid(rd, &guid) || tl_rd_u8(rd, &fmt) || tl_rd_u8(rd, &sigtype))
			return TL_E_UNSUPPORTED;
		tl_guid_str(&guid, g);
		if (sigtype == 2)
			tl_buf_printf(out, "HD(%u,GPT,%s,0x%llx,0x%llx)", part, g,
				      (unsigned long long)start, (unsigned long long)size);
		else
			tl_buf_printf(out, "HD(%u,%s,0x%llx,0x%llx)", part,
				      sigtype == 1 ? "MBR" : "?", (unsigned long long)start,
				      (unsigned long long)size);
		return TL_OK;
	case 4: /* file path */
		tl_text_utf16(out, tl_rd_rest(rd));
		return TL_OK;
	case 6: /* PIWG firmware volume */
	case 7: /* PIWG firmware file */
		if (tl_rd_guid(rd, &guid))
			return TL_E_UNSUPPORTED;
		tl_guid_str(&guid, g);
		tl_buf_printf(out, "%s(%s)", sub == 6 ? "Fv" : "FvFile", g);
		return TL_OK;
	case 8: /* relative offset range */
		if (tl_rd_skip(rd, 4) || tl_rd_le64(rd, &start) || tl_rd_le64(rd, &size))
			return TL_E_UNSUPPORTED;
		tl_buf_printf(out, "Offset(0x%llx,0x%llx)", (unsigned long long)start,
			      (unsigned long long)size);
		return TL_OK;
	default:
		return TL_E_UNSUPPORTED;
	}
}

int tl_devpath_text(struct tl_buf *out, struct tl_bytes path)
{
	struct tl_rd rd;
	unsigned nodes = 0;

	tl_rd_from(&rd, path);
	while (tl_rd_left(&rd) > 0) {
		uint8_t type, sub;
		uint16_t len;
		struct tl_rd body;
		int err = TL_E_UNSUPPORTED;

		if (tl_rd_u8(&rd, &type) || tl_rd_u8(&rd, &sub) || tl_rd_le16(&rd, &len) ||
		    len < 4 || tl_rd_sub(&rd, len - 4u, &body) || ++nodes > TL_MAX_DEVPATH_NODES) {
			tl_buf_puts(out, out->len > 0 ? "/<malformed>" : "<malformed>");
			return TL_E_EVENT_MALFORMED;
		}
		if (type == DP_END) {
			/* End Instance (0x01) separates instances; End Entire (0xFF) ends a path,
			 * and a load option's FilePathList may hold several */
			if (sub == 0xFF && tl_rd_left(&rd) == 0)
				return TL_OK;
			if (sub != 0xFF && sub != 0x01)
				return TL_E_EVENT_MALFORMED;
			tl_buf_putc(out, ',');
			continue;
		}
		if (out->err)
			return TL_OK; /* the text is over its limit; the caller sees out->err */
		if (nodes > 1 && out->len > 0 && out->s[out->len - 1] != ',')
			tl_buf_putc(out, '/');
		struct tl_rd save = body;
		size_t mark = out->len;
		if (type == DP_HW)
			err = hw(out, sub, &body);
		else if (type == DP_ACPI)
			err = acpi(out, sub, &body);
		else if (type == DP_MSG)
			err = msg(out, sub, &body);
		else if (type == DP_MEDIA)
			err = media(out, sub, &body);
		if (err != TL_OK && !out->err) {
			out->len = mark;
			if (out->s)
				out->s[mark] = '\0';
			node_hex(out, type, sub, tl_rd_rest(&save));
		}
	}
	return TL_OK;
}
