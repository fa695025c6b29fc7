/* The SEV-SNP ATTESTATION_REPORT (AMD 56860, table "ATTESTATION_REPORT Structure"), read
 * strictly through the bounded reader: known versions, every reserved field zero. */
#include <string.h>

#include "trustlaunch/snp.h"

#define POLICY_SMT (1ull << 16)
#define POLICY_RESERVED_ONE (1ull << 17)
#define POLICY_MIGRATE_MA (1ull << 18)
#define POLICY_DEBUG (1ull << 19)
#define POLICY_SINGLE_SOCKET (1ull << 20)
#define POLICY_CXL_ALLOW (1ull << 21)
#define POLICY_MEM_AES_256_XTS (1ull << 22)
#define POLICY_RAPL_DIS (1ull << 23)
#define POLICY_CIPHERTEXT_HIDING (1ull << 24)
#define POLICY_PAGE_SWAP_DISABLE (1ull << 25)
#define POLICY_KNOWN ((1ull << 26) - 1)

#define FLAG_AUTHOR_KEY_EN 0x1u
#define FLAG_MASK_CHIP_KEY 0x2u
#define FLAG_SIGNING_KEY_SHIFT 2
#define FLAG_SIGNING_KEY_MASK 0x7u
#define FLAGS_KNOWN 0x1Fu

/* A field the ABI reserves: n bytes that must all be zero. */
static int reserved(struct tl_rd *rd, size_t n)
{
	struct tl_bytes b;
	int err = tl_rd_bytes(rd, n, &b);
	if (err != TL_OK)
		return err;
	return tl_bytes_all(b, 0) ? TL_OK : TL_E_SNP_MALFORMED;
}

static void decode_policy(uint64_t raw, struct tl_snp_policy *p)
{
	p->raw = raw;
	p->abi_minor = (uint8_t)(raw & 0xFF);
	p->abi_major = (uint8_t)((raw >> 8) & 0xFF);
	p->smt = raw & POLICY_SMT;
	p->migrate_ma = raw & POLICY_MIGRATE_MA;
	p->debug = raw & POLICY_DEBUG;
	p->single_socket = raw & POLICY_SINGLE_SOCKET;
	p->cxl_allow = raw & POLICY_CXL_ALLOW;
	p->mem_aes_256_xts = raw & POLICY_MEM_AES_256_XTS;
	p->rapl_dis = raw & POLICY_RAPL_DIS;
	p->ciphertext_hiding = raw & POLICY_CIPHERTEXT_HIDING;
	p->page_swap_disable = raw & POLICY_PAGE_SWAP_DISABLE;
}

/* 0x00 - 0x4F: version to flags. */
static int read_head(struct tl_rd *rd, struct tl_snp_report *r)
{
	uint64_t policy;
	uint32_t flags, key;
	int err;
	if ((err = tl_rd_le32(rd, &r->version)) != TL_OK)
		return err;
	if (r->version != 2 && r->version != 3 && r->version != 5)
		return TL_E_SNP_VERSION;
	if ((err = tl_rd_le32(rd, &r->guest_svn)) != TL_OK ||
	    (err = tl_rd_le64(rd, &policy)) != TL_OK ||
	    (err = tl_rd_copy(rd, r->family_id, sizeof(r->family_id))) != TL_OK ||
	    (err = tl_rd_copy(rd, r->image_id, sizeof(r->image_id))) != TL_OK ||
	    (err = tl_rd_le32(rd, &r->vmpl)) != TL_OK ||
	    (err = tl_rd_le32(rd, &r->signature_algo)) != TL_OK ||
	    (err = tl_rd_le64(rd, &r->current_tcb)) != TL_OK ||
	    (err = tl_rd_le64(rd, &r->platform_info)) != TL_OK ||
	    (err = tl_rd_le32(rd, &flags)) != TL_OK || (err = reserved(rd, 4)) != TL_OK)
		return err;
	/* bits above the ones the ABI defines must be zero; bit 17 must be one */
	if ((policy & ~POLICY_KNOWN) || !(policy & POLICY_RESERVED_ONE) || (flags & ~FLAGS_KNOWN))
		return TL_E_SNP_MALFORMED;
	decode_policy(policy, &r->policy);
	if (r->signature_algo != TL_SNP_SIG_ALGO_ECDSA_P384_SHA384)
		return TL_E_SNP_SIG_ALGO;
	key = (flags >> FLAG_SIGNING_KEY_SHIFT) & FLAG_SIGNING_KEY_MASK;
	if (key != TL_SNP_KEY_VCEK && key != TL_SNP_KEY_VLEK && key != TL_SNP_KEY_NONE)
		return TL_E_SNP_MALFORMED;
	r->signing_key = (uint8_t)key;
	r->author_key_en = flags & FLAG_AUTHOR_KEY_EN;
	r->mask_chip_key = flags & FLAG_MASK_CHIP_KEY;
	/* VMPL 0-3 only (a report the guest asked for names its VMPL) */
	return r->vmpl <= 3 ? TL_OK : TL_E_SNP_MALFORMED;
}

/* 0x50 - 0x1DF: report data to chip ID. */
static int read_body(struct tl_rd *rd, struct tl_snp_report *r)
{
	int err;
	if ((err = tl_rd_copy(rd, r->report_data, sizeof(r->report_data))) != TL_OK ||
	    (err = tl_rd_copy(rd, r->measurement, sizeof(r->measurement))) != TL_OK ||
	    (err = tl_rd_copy(rd, r->host_data, sizeof(r->host_data))) != TL_OK ||
	    (err = tl_rd_copy(rd, r->id_key_digest, sizeof(r->id_key_digest))) != TL_OK ||
	    (err = tl_rd_copy(rd, r->author_key_digest, sizeof(r->author_key_digest))) != TL_OK ||
	    (err = tl_rd_copy(rd, r->report_id, sizeof(r->report_id))) != TL_OK ||
	    (err = tl_rd_copy(rd, r->report_id_ma, sizeof(r->report_id_ma))) != TL_OK ||
	    (err = tl_rd_le64(rd, &r->reported_tcb)) != TL_OK)
		return err;
	if (r->version >= 3) {
		if ((err = tl_rd_u8(rd, &r->cpuid_fam_id)) != TL_OK ||
		    (err = tl_rd_u8(rd, &r->cpuid_mod_id)) != TL_OK ||
		    (err = tl_rd_u8(rd, &r->cpuid_step)) != TL_OK || (err = reserved(rd, 21)) != TL_OK)
			return err;
	} else if ((err = reserved(rd, 24)) != TL_OK) {
		return err;
	}
	return tl_rd_copy(rd, r->chip_id, sizeof(r->chip_id));
}

/* 0x1E0 - 0x29F: committed TCB to the end of the signed part. */
static int read_tail(struct tl_rd *rd, struct tl_snp_report *r)
{
	int err;
	if ((err = tl_rd_le64(rd, &r->committed_tcb)) != TL_OK ||
	    (err = tl_rd_u8(rd, &r->current_build)) != TL_OK ||
	    (err = tl_rd_u8(rd, &r->current_minor)) != TL_OK ||
	    (err = tl_rd_u8(rd, &r->current_major)) != TL_OK || (err = reserved(rd, 1)) != TL_OK ||
	    (err = tl_rd_u8(rd, &r->committed_build)) != TL_OK ||
	    (err = tl_rd_u8(rd, &r->committed_minor)) != TL_OK ||
	    (err = tl_rd_u8(rd, &r->committed_major)) != TL_OK || (err = reserved(rd, 1)) != TL_OK ||
	    (err = tl_rd_le64(rd, &r->launch_tcb)) != TL_OK)
		return err;
	if (r->version >= 5) {
		if ((err = tl_rd_le64(rd, &r->launch_mit_vector)) != TL_OK ||
		    (err = tl_rd_le64(rd, &r->current_mit_vector)) != TL_OK)
			return err;
		return reserved(rd, 0x2A0 - 0x208);
	}
	return reserved(rd, 0x2A0 - 0x1F8);
}

/* 0x2A0 - 0x49F: r and s (72 bytes each, little-endian), then reserved. */
static int read_signature(struct tl_rd *rd, struct tl_snp_report *r)
{
	int err;
	if ((err = tl_rd_copy(rd, r->sig_r, sizeof(r->sig_r))) != TL_OK ||
	    (err = tl_rd_copy(rd, r->sig_s, sizeof(r->sig_s))) != TL_OK)
		return err;
	return reserved(rd, TL_SNP_REPORT_LEN - TL_SNP_SIGNED_LEN - 2 * TL_SNP_SIG_COMPONENT);
}

int tl_snp_report_read(struct tl_rd *rd, struct tl_snp_report *out)
{
	struct tl_rd r;
	int err;

	memset(out, 0, sizeof(*out));
	/* a report has one size: anything shorter is truncated before a field is looked at */
	if (tl_rd_left(rd) < TL_SNP_REPORT_LEN)
		return TL_E_TRUNCATED;
	r = *rd;
	if ((err = read_head(&r, out)) != TL_OK || (err = read_body(&r, out)) != TL_OK ||
	    (err = read_tail(&r, out)) != TL_OK || (err = read_signature(&r, out)) != TL_OK) {
		memset(out, 0, sizeof(*out));
		return err;
	}
	*rd = r;
	return TL_OK;
}

int tl_snp_report_parse(struct tl_bytes in, struct tl_snp_report *out, struct tl_diag *diag)
{
	struct tl_rd rd;
	int err;

	tl_rd_from(&rd, in);
	err = tl_snp_report_read(&rd, out);
	if (err == TL_OK && (err = tl_rd_end(&rd)) != TL_OK)
		memset(out, 0, sizeof(*out));
	if (diag) {
		diag->err = err;
		diag->offset = rd.pos;
		diag->event = 0;
	}
	return err;
}

enum tl_snp_gen tl_snp_report_gen(const struct tl_snp_report *rep)
{
	if (rep->version < 3)
		return TL_SNP_GEN_UNKNOWN;
	if (rep->cpuid_fam_id == 0x19) {
		if (rep->cpuid_mod_id <= 0x0F)
			return TL_SNP_GEN_MILAN;
		if ((rep->cpuid_mod_id >= 0x10 && rep->cpuid_mod_id <= 0x1F) ||
		    (rep->cpuid_mod_id >= 0xA0 && rep->cpuid_mod_id <= 0xAF))
			return TL_SNP_GEN_GENOA;
	}
	if (rep->cpuid_fam_id == 0x1A && rep->cpuid_mod_id <= 0x11)
		return TL_SNP_GEN_TURIN;
	return TL_SNP_GEN_UNKNOWN;
}
