/* The HCL report of Azure's paravisor (the vTPM's NV index 0x01400001): a 32-byte attestation
 * header, the hardware report (1184 bytes), the IGVM request data and the runtime data.
 * Layout as the paravisor writes it (Microsoft azure-cvm-tooling, IgvmAttestRequest). */
#include <string.h>

#include "trustlaunch/cvm.h"
#include "trustlaunch/hash.h"

#define HCL_SIGNATURE 0x414C4348u /* "HCLA" little-endian */
#define HASH_SHA256 1u
#define HASH_SHA384 2u
#define HASH_SHA512 3u

static int header(struct tl_rd *rd, struct tl_hcl_report *h)
{
	uint32_t sig;
	struct tl_bytes reserved;
	if (tl_rd_le32(rd, &sig) != TL_OK || tl_rd_le32(rd, &h->version) != TL_OK ||
	    tl_rd_le32(rd, &h->report_size) != TL_OK || tl_rd_le32(rd, &h->request_type) != TL_OK ||
	    tl_rd_le32(rd, &h->status) != TL_OK || tl_rd_bytes(rd, 12, &reserved) != TL_OK)
		return TL_E_TRUNCATED;
	if (sig != HCL_SIGNATURE || !tl_bytes_all(reserved, 0) || h->version < 1 || h->version > 2)
		return TL_E_HCL_MALFORMED;
	return TL_OK;
}

static int hash_alg(uint32_t type, uint32_t *alg)
{
	*alg = type == HASH_SHA256   ? TL_ALG_SHA256
	       : type == HASH_SHA384 ? TL_ALG_SHA384
	       : type == HASH_SHA512 ? TL_ALG_SHA512
				     : 0;
	return *alg ? TL_OK : TL_E_HCL_HASH_TYPE;
}

/* IGVM_REQUEST_DATA: data_size, version, report_type, hash type, runtime data size, data. */
static int request_data(struct tl_rd *rd, struct tl_hcl_report *h)
{
	uint32_t data_size, var_size;
	int err;
	if (tl_rd_le32(rd, &data_size) != TL_OK || tl_rd_le32(rd, &h->request_data_version) != TL_OK ||
	    tl_rd_le32(rd, &h->report_type) != TL_OK || tl_rd_le32(rd, &h->hash_type) != TL_OK ||
	    tl_rd_le32(rd, &var_size) != TL_OK)
		return TL_E_TRUNCATED;
	if (h->report_type != TL_HCL_TYPE_SNP && h->report_type != TL_HCL_TYPE_TDX)
		return TL_E_HCL_TYPE;
	if ((err = hash_alg(h->hash_type, &h->hash_type)) != TL_OK)
		return err;
	if (var_size > TL_HCL_MAX_RUNTIME || data_size != TL_HCL_REQUEST_DATA_LEN + var_size)
		return TL_E_HCL_MALFORMED;
	return tl_rd_bytes(rd, var_size, &h->runtime_data) == TL_OK ? TL_OK : TL_E_TRUNCATED;
}

/* The hardware report slot: an SNP report fills it; a TD report is followed by zeros. */
static int hw_report(struct tl_hcl_report *h)
{
	struct tl_rd rd;
	int err;
	tl_rd_from(&rd, h->hw_report);
	if (h->report_type == TL_HCL_TYPE_SNP)
		err = tl_snp_report_read(&rd, &h->snp);
	else if ((err = tl_tdx_report_read(&rd, &h->tdx)) == TL_OK &&
		 !tl_bytes_all(tl_rd_rest(&rd), 0))
		err = TL_E_TDX_MALFORMED;
	return err;
}

static int parse(struct tl_rd *rd, struct tl_hcl_report *out)
{
	struct tl_rd body;
	int err;
	if ((err = header(rd, out)) != TL_OK)
		return err;
	if (out->report_size < TL_HCL_HEADER_LEN + TL_HCL_HW_REPORT_LEN + TL_HCL_REQUEST_DATA_LEN)
		return TL_E_HCL_MALFORMED;
	/* the header is part of report_size; the rest of the input is padding */
	if (tl_rd_sub(rd, out->report_size - TL_HCL_HEADER_LEN, &body) != TL_OK)
		return TL_E_TRUNCATED;
	if (!tl_bytes_all(tl_rd_rest(rd), 0))
		return TL_E_HCL_MALFORMED;
	if (tl_rd_bytes(&body, TL_HCL_HW_REPORT_LEN, &out->hw_report) != TL_OK)
		return TL_E_TRUNCATED;
	if ((err = request_data(&body, out)) != TL_OK)
		return err;
	if (tl_rd_end(&body) != TL_OK)
		return TL_E_HCL_MALFORMED;
	return hw_report(out);
}

int tl_hcl_parse(struct tl_bytes in, struct tl_hcl_report *out, struct tl_diag *diag)
{
	struct tl_rd rd;
	int err;

	memset(out, 0, sizeof(*out));
	tl_rd_from(&rd, in);
	err = in.len > TL_HCL_MAX_LEN ? TL_E_HCL_MALFORMED : parse(&rd, out);
	if (err != TL_OK)
		memset(out, 0, sizeof(*out));
	if (diag) {
		diag->err = err;
		diag->offset = rd.pos;
		diag->event = 0;
	}
	return err;
}

int tl_hcl_check_binding(const struct tl_hcl_report *hcl)
{
	uint8_t digest[TL_MAX_DIGEST];
	const uint8_t *rd = hcl->report_type == TL_HCL_TYPE_SNP ? hcl->snp.report_data
								: hcl->tdx.report_data;
	size_t n = tl_alg_size((uint16_t)hcl->hash_type);
	struct tl_rd r;
	struct tl_bytes head;
	int err;

	if (n == 0 || n > 64)
		return TL_E_HCL_HASH_TYPE;
	if ((err = tl_hash((uint16_t)hcl->hash_type, hcl->runtime_data.ptr, hcl->runtime_data.len,
			   digest)) != TL_OK)
		return err;
	tl_rd_init(&r, rd, 64);
	if (tl_rd_bytes(&r, n, &head) != TL_OK || !tl_bytes_eq(head, digest, n) ||
	    !tl_bytes_all(tl_rd_rest(&r), 0))
		return TL_E_HCL_BINDING;
	return TL_OK;
}
