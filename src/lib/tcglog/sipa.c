/* SIPA events of the Windows Boot Configuration Log: the reader, the structure check and
 * the names. Every size the facts rely on is checked here, once, before anything is read. */
#include "trustlaunch/hash.h"
#include "trustlaunch/sipa.h"

enum kind {
	K_ANY,    /* not interpreted: any size */
	K_BOOL,   /* exactly one byte */
	K_U32,    /* exactly four bytes */
	K_U64,    /* exactly eight bytes */
	K_INT,    /* 1, 2, 4 or 8 bytes: settings whose size real logs have not shown us */
	K_UTF16,  /* UTF-16LE: an even size */
	K_DIGEST, /* 20, 32, 48 or 64 bytes */
	K_SERIAL, /* 1 to TL_MAX_SIPA_SERIAL bytes */
	K_SHA1,   /* exactly 20 bytes */
};

static const struct {
	uint32_t type;
	enum kind kind;
	const char *name;
} types[] = {
	{ 0x40010001, K_ANY, "SIPAEVENT_TRUSTBOUNDARY" },
	{ 0x40010002, K_ANY, "SIPAEVENT_ELAM_AGGREGATION" },
	{ 0x40010003, K_ANY, "SIPAEVENT_LOADEDMODULE_AGGREGATION" },
	{ 0xC0010004, K_ANY, "SIPAEVENT_TRUSTPOINT_AGGREGATION" },
	{ 0x40010005, K_ANY, "SIPAEVENT_KSR_AGGREGATION" },
	{ 0x40010006, K_ANY, "SIPAEVENT_KSR_SIGNED_MEASUREMENT_AGGREGATION" },
	{ 0x00020001, K_ANY, "SIPAEVENT_INFORMATION" },
	{ 0x00020002, K_U64, "SIPAEVENT_BOOTCOUNTER" },
	{ 0x00020003, K_U32, "SIPAEVENT_TRANSFER_CONTROL" },
	{ 0x00020004, K_ANY, "SIPAEVENT_APPLICATION_RETURN" },
	{ 0x00020005, K_INT, "SIPAEVENT_BITLOCKER_UNLOCK" },
	{ 0x00020006, K_ANY, "SIPAEVENT_EVENTCOUNTER" },
	{ 0x00020007, K_ANY, "SIPAEVENT_COUNTERID" },
	{ 0x00020008, K_ANY, "SIPAEVENT_MORBIT_NOT_CANCELABLE" },
	{ 0x00020009, K_ANY, "SIPAEVENT_APPLICATION_SVN" },
	{ 0x0002000A, K_ANY, "SIPAEVENT_SVN_CHAIN_STATUS" },
	{ 0x0002000B, K_ANY, "SIPAEVENT_MORBIT_API_STATUS" },
	{ 0x00030001, K_ANY, "SIPAERROR_FIRMWAREFAILURE" },
	{ 0x80030002, K_ANY, "SIPAERROR_TPMFAILURE" },
	{ 0x00030003, K_ANY, "SIPAERROR_INTERNALFAILURE" },
	{ 0x00040001, K_BOOL, "SIPAEVENT_BOOTDEBUGGING" },
	{ 0x00040002, K_ANY, "SIPAEVENT_BOOT_REVOCATION_LIST" },
	{ 0x00050001, K_BOOL, "SIPAEVENT_OSKERNELDEBUG" },
	{ 0x00050002, K_BOOL, "SIPAEVENT_CODEINTEGRITY" },
	{ 0x00050003, K_BOOL, "SIPAEVENT_TESTSIGNING" },
	{ 0x00050004, K_U64, "SIPAEVENT_DATAEXECUTIONPREVENTION" },
	{ 0x00050005, K_BOOL, "SIPAEVENT_SAFEMODE" },
	{ 0x00050006, K_BOOL, "SIPAEVENT_WINPE" },
	{ 0x00050007, K_ANY, "SIPAEVENT_PHYSICALADDRESSEXTENSION" },
	{ 0x00050008, K_ANY, "SIPAEVENT_OSDEVICE" },
	{ 0x00050009, K_UTF16, "SIPAEVENT_SYSTEMROOT" },
	{ 0x0005000A, K_U64, "SIPAEVENT_HYPERVISOR_LAUNCH_TYPE" },
	{ 0x0005000B, K_ANY, "SIPAEVENT_HYPERVISOR_PATH" },
	{ 0x0005000C, K_ANY, "SIPAEVENT_HYPERVISOR_IOMMU_POLICY" },
	{ 0x0005000D, K_INT, "SIPAEVENT_HYPERVISOR_DEBUG" },
	{ 0x0005000E, K_ANY, "SIPAEVENT_DRIVER_LOAD_POLICY" },
	{ 0x0005000F, K_ANY, "SIPAEVENT_SI_POLICY" },
	{ 0x00050010, K_ANY, "SIPAEVENT_HYPERVISOR_MMIO_NX_POLICY" },
	{ 0x00050011, K_ANY, "SIPAEVENT_HYPERVISOR_MSR_FILTER_POLICY" },
	{ 0x00050012, K_U64, "SIPAEVENT_VSM_LAUNCH_TYPE" },
	{ 0x00050013, K_ANY, "SIPAEVENT_OS_REVOCATION_LIST" },
	{ 0x00050014, K_ANY, "SIPAEVENT_SMT_STATUS" },
	{ 0x00050020, K_ANY, "SIPAEVENT_VSM_IDK_INFO" },
	{ 0x00050021, K_BOOL, "SIPAEVENT_FLIGHTSIGNING" },
	{ 0x00050022, K_ANY, "SIPAEVENT_PAGEFILE_ENCRYPTION_ENABLED" },
	{ 0x00050023, K_ANY, "SIPAEVENT_VSM_IDKS_INFO" },
	{ 0x00050024, K_ANY, "SIPAEVENT_HIBERNATION_DISABLED" },
	{ 0x00050025, K_ANY, "SIPAEVENT_DUMPS_DISABLED" },
	{ 0x00050026, K_ANY, "SIPAEVENT_DUMP_ENCRYPTION_ENABLED" },
	{ 0x00050027, K_ANY, "SIPAEVENT_DUMP_ENCRYPTION_KEY_DIGEST" },
	{ 0x00050028, K_ANY, "SIPAEVENT_LSAISO_CONFIG" },
	{ 0x00050029, K_ANY, "SIPAEVENT_SBCP_INFO" },
	{ 0x00050030, K_ANY, "SIPAEVENT_HYPERVISOR_BOOT_DMA_PROTECTION" },
	{ 0x00060001, K_ANY, "SIPAEVENT_NOAUTHORITY" },
	{ 0x00060002, K_ANY, "SIPAEVENT_AUTHORITYPUBKEY" },
	{ 0x00070001, K_UTF16, "SIPAEVENT_FILEPATH" },
	{ 0x00070002, K_U64, "SIPAEVENT_IMAGESIZE" },
	{ 0x00070003, K_U32, "SIPAEVENT_HASHALGORITHMID" },
	{ 0x00070004, K_DIGEST, "SIPAEVENT_AUTHENTICODEHASH" },
	{ 0x00070005, K_UTF16, "SIPAEVENT_AUTHORITYISSUER" },
	{ 0x00070006, K_SERIAL, "SIPAEVENT_AUTHORITYSERIAL" },
	{ 0x00070007, K_U64, "SIPAEVENT_IMAGEBASE" },
	{ 0x00070008, K_UTF16, "SIPAEVENT_AUTHORITYPUBLISHER" },
	{ 0x00070009, K_SHA1, "SIPAEVENT_AUTHORITYSHA1THUMBPRINT" },
	{ 0x0007000A, K_BOOL, "SIPAEVENT_IMAGEVALIDATED" },
	{ 0x0007000B, K_ANY, "SIPAEVENT_MODULE_SVN" },
	{ 0x80080001, K_ANY, "SIPAEVENT_QUOTE" },
	{ 0x80080002, K_ANY, "SIPAEVENT_QUOTESIGNATURE" },
	{ 0x80080003, K_ANY, "SIPAEVENT_AIKID" },
	{ 0x80080004, K_ANY, "SIPAEVENT_AIKPUBDIGEST" },
	{ 0x00090001, K_UTF16, "SIPAEVENT_ELAM_KEYNAME" },
	{ 0x00090002, K_ANY, "SIPAEVENT_ELAM_CONFIGURATION" },
	{ 0x00090003, K_ANY, "SIPAEVENT_ELAM_POLICY" },
	{ 0x00090004, K_ANY, "SIPAEVENT_ELAM_MEASURED" },
	{ 0x000A0001, K_INT, "SIPAEVENT_VBS_VSM_REQUIRED" },
	{ 0x000A0002, K_INT, "SIPAEVENT_VBS_SECUREBOOT_REQUIRED" },
	{ 0x000A0003, K_INT, "SIPAEVENT_VBS_IOMMU_REQUIRED" },
	{ 0x000A0004, K_INT, "SIPAEVENT_VBS_MMIO_NX_REQUIRED" },
	{ 0x000A0005, K_INT, "SIPAEVENT_VBS_MSR_FILTERING_REQUIRED" },
	{ 0x000A0006, K_INT, "SIPAEVENT_VBS_MANDATORY_ENFORCEMENT" },
	{ 0x000A0007, K_INT, "SIPAEVENT_VBS_HVCI_POLICY" },
	{ 0x000A0008, K_INT, "SIPAEVENT_VBS_MICROSOFT_BOOT_CHAIN_REQUIRED" },
	{ 0x000A0009, K_ANY, "SIPAEVENT_VBS_DUMP_USES_AMEROOT" },
	{ 0x000A000A, K_ANY, "SIPAEVENT_VBS_VSM_NOSECRETS_ENFORCED" },
	{ 0x000B0001, K_ANY, "SIPAEVENT_KSR_SIGNATURE" },
};

static int find(uint32_t type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return (int)i;
	return -1;
}

const char *tl_sipa_name(uint32_t type)
{
	int i = find(type);
	return i < 0 ? NULL : types[i].name;
}

bool tl_sipa_is_windows(struct tl_bytes data)
{
	struct tl_rd rd;
	uint32_t type;
	struct tl_bytes d;
	tl_rd_from(&rd, data);
	return tl_sipa_read(&rd, &type, &d) == TL_OK && find(type) >= 0;
}

uint16_t tl_sipa_calg_alg(uint32_t calg)
{
	switch (calg) {
	case 0x8000u | TL_CALG_SHA1: return TL_ALG_SHA1;
	case 0x8000u | TL_CALG_SHA256: return TL_ALG_SHA256;
	case 0x8000u | TL_CALG_SHA384: return TL_ALG_SHA384;
	case 0x8000u | TL_CALG_SHA512: return TL_ALG_SHA512;
	default: return 0;
	}
}

static bool int_size(size_t n)
{
	return n == 1 || n == 2 || n == 4 || n == 8;
}

static bool size_ok(uint32_t type, size_t n)
{
	int i = find(type);
	if (i < 0)
		return true;
	switch (types[i].kind) {
	case K_BOOL: return n == 1;
	case K_U32: return n == 4;
	case K_U64: return n == 8;
	case K_INT: return int_size(n);
	case K_UTF16: return n % 2 == 0;
	case K_DIGEST: return n == 20 || n == 32 || n == 48 || n == 64;
	case K_SERIAL: return n >= 1 && n <= TL_MAX_SIPA_SERIAL;
	case K_SHA1: return n == 20;
	default: return true;
	}
}

int tl_sipa_read(struct tl_rd *rd, uint32_t *type, struct tl_bytes *data)
{
	struct tl_rd save = *rd;
	uint32_t size;
	*type = 0;
	data->ptr = NULL;
	data->len = 0;
	if (tl_rd_le32(rd, type) != TL_OK || tl_rd_le32(rd, &size) != TL_OK ||
	    tl_rd_bytes(rd, size, data) != TL_OK) {
		*rd = save;
		*type = 0;
		return TL_E_SIPA_TRUNCATED;
	}
	return TL_OK;
}

struct walk {
	tl_sipa_visit_fn fn;
	void *arg;
	size_t count;
	size_t bad;
};

/* The events of one level; start is the offset of data in the walked bytes. */
static int level(struct walk *w, struct tl_bytes data, size_t start, unsigned depth)
{
	struct tl_rd rd;
	tl_rd_from(&rd, data);
	while (tl_rd_left(&rd) > 0) {
		struct tl_sipa_event ev = { .depth = depth, .offset = start + rd.pos };
		int err;
		if (++w->count > TL_MAX_SIPA_EVENTS) {
			w->bad = ev.offset;
			return TL_E_SIPA_TOO_MANY;
		}
		if ((err = tl_sipa_read(&rd, &ev.type, &ev.data)) != TL_OK) {
			w->bad = ev.offset;
			return err;
		}
		if (!size_ok(ev.type, ev.data.len)) {
			w->bad = ev.offset;
			return TL_E_SIPA_FIELD_SIZE;
		}
		if (w->fn && (err = w->fn(&ev, false, w->arg)) != TL_OK) {
			w->bad = ev.offset;
			return err;
		}
		if (!(ev.type & TL_SIPA_AGGREGATION))
			continue;
		if (depth + 1 >= TL_MAX_SIPA_DEPTH) {
			w->bad = ev.offset;
			return TL_E_SIPA_TOO_DEEP;
		}
		if ((err = level(w, ev.data, ev.offset + 8, depth + 1)) != TL_OK)
			return err;
		if (w->fn && (err = w->fn(&ev, true, w->arg)) != TL_OK) {
			w->bad = ev.offset;
			return err;
		}
	}
	return TL_OK;
}

int tl_sipa_walk(struct tl_bytes data, tl_sipa_visit_fn fn, void *arg, size_t *bad_offset)
{
	struct walk w = { 0 };
	int err = level(&w, data, 0, 0);
	if (err == TL_OK && fn) {
		w = (struct walk){ .fn = fn, .arg = arg };
		err = level(&w, data, 0, 0);
	}
	if (bad_offset)
		*bad_offset = err == TL_OK ? 0 : w.bad;
	return err;
}

int tl_sipa_uint(const struct tl_sipa_event *ev, uint64_t *out)
{
	struct tl_rd rd;
	uint64_t v = 0;
	*out = 0;
	if (!int_size(ev->data.len))
		return TL_E_SIPA_FIELD_SIZE;
	tl_rd_from(&rd, ev->data);
	for (unsigned i = 0; tl_rd_left(&rd) > 0; i++) {
		uint8_t b;
		if (tl_rd_u8(&rd, &b) != TL_OK)
			return TL_E_SIPA_FIELD_SIZE;
		v |= (uint64_t)b << (8 * i);
	}
	*out = v;
	return TL_OK;
}
