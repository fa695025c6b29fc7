/* The Intel TDX TDREPORT_STRUCT (Intel TDX Module ABI, "TDREPORT_STRUCT"): REPORTMACSTRUCT,
 * TEE_TCB_INFO and TDINFO, 1024 bytes. Only parsed: its MAC is for the local TDX module. */
#include <string.h>

#include "trustlaunch/cvm.h"

#define TDX_REPORT_TYPE 0x81
#define TD_ATTR_DEBUG 0x1ull

static int zeros(struct tl_rd *rd, size_t n)
{
	struct tl_bytes b;
	int err = tl_rd_bytes(rd, n, &b);
	if (err != TL_OK)
		return err;
	return tl_bytes_all(b, 0) ? TL_OK : TL_E_TDX_MALFORMED;
}

static int read_mac_struct(struct tl_rd *rd, struct tl_tdx_report *t)
{
	int err;
	if ((err = tl_rd_u8(rd, &t->report_type)) != TL_OK ||
	    (err = tl_rd_u8(rd, &t->report_subtype)) != TL_OK ||
	    (err = tl_rd_u8(rd, &t->report_version)) != TL_OK || (err = zeros(rd, 1 + 12)) != TL_OK)
		return err;
	if (t->report_type != TDX_REPORT_TYPE || t->report_subtype != 0)
		return TL_E_TDX_MALFORMED;
	if ((err = tl_rd_copy(rd, t->cpusvn, sizeof(t->cpusvn))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->tee_tcb_info_hash, sizeof(t->tee_tcb_info_hash))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->tee_info_hash, sizeof(t->tee_info_hash))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->report_data, sizeof(t->report_data))) != TL_OK ||
	    (err = zeros(rd, 32)) != TL_OK)
		return err;
	return tl_rd_copy(rd, t->mac, sizeof(t->mac));
}

/* TEE_TCB_INFO (239 bytes) and 17 reserved: the SEAM module's identity. */
static int read_tee_tcb_info(struct tl_rd *rd, struct tl_tdx_report *t)
{
	int err;
	if ((err = tl_rd_copy(rd, t->tee_tcb_valid, sizeof(t->tee_tcb_valid))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->tee_tcb_svn, sizeof(t->tee_tcb_svn))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->mrseam, sizeof(t->mrseam))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->mrsignerseam, sizeof(t->mrsignerseam))) != TL_OK ||
	    (err = tl_rd_le64(rd, &t->seam_attributes)) != TL_OK)
		return err;
	/* TEE_TCB_SVN2 (TDX 1.5) and reserved space: not interpreted */
	return tl_rd_skip(rd, 16 + 95 + 17);
}

static int read_td_info(struct tl_rd *rd, struct tl_tdx_report *t)
{
	int err;
	if ((err = tl_rd_le64(rd, &t->td_attributes)) != TL_OK ||
	    (err = tl_rd_le64(rd, &t->xfam)) != TL_OK ||
	    (err = tl_rd_copy(rd, t->mrtd, sizeof(t->mrtd))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->mrconfigid, sizeof(t->mrconfigid))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->mrowner, sizeof(t->mrowner))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->mrownerconfig, sizeof(t->mrownerconfig))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->rtmr, sizeof(t->rtmr))) != TL_OK ||
	    (err = tl_rd_copy(rd, t->servtd_hash, sizeof(t->servtd_hash))) != TL_OK)
		return err;
	t->debug = t->td_attributes & TD_ATTR_DEBUG;
	return zeros(rd, 64);
}

int tl_tdx_report_read(struct tl_rd *rd, struct tl_tdx_report *out)
{
	struct tl_rd r;
	int err;

	memset(out, 0, sizeof(*out));
	if (tl_rd_left(rd) < TL_TDX_REPORT_LEN)
		return TL_E_TRUNCATED;
	r = *rd;
	if ((err = read_mac_struct(&r, out)) != TL_OK || (err = read_tee_tcb_info(&r, out)) != TL_OK ||
	    (err = read_td_info(&r, out)) != TL_OK) {
		memset(out, 0, sizeof(*out));
		return err;
	}
	*rd = r;
	return TL_OK;
}
