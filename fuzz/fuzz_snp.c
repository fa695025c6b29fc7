/* libFuzzer target: the SEV-SNP report reader (snp/report.c) and the VCEK/VLEK reader with
 * its AMD extensions (x509_snp.c, snp/certext.c), on hostile bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trustlaunch/snp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void report(const uint8_t *data, size_t size)
{
	struct tl_snp_report r;
	struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_rd rd;

	tl_rd_init(&rd, data, size);
	if (tl_snp_report_read(&rd, &r) != TL_OK) {
		if (rd.pos != 0 || r.version != 0)
			__builtin_trap(); /* a failed read consumes nothing and leaves nothing */
		return;
	}
	if (rd.pos != TL_SNP_REPORT_LEN || (r.version != 2 && r.version != 3 && r.version != 5))
		__builtin_trap();
	(void)tl_snp_report_gen(&r);
	for (int g = 0; g < TL_SNP_NGENS; g++) {
		char detail[64];
		if (tl_snp_policy_check(&r, (enum tl_snp_gen)g, &cfg, detail, sizeof(detail)) > 0)
			__builtin_trap();
	}
}

/* The input as AMD roots and as the certificate checked against them. */
static void certificate(const uint8_t *data, size_t size)
{
	struct tl_snp_roots *roots = NULL;
	struct tl_snp_signer *signer = NULL;
	struct tl_snp_cert_info info;
	struct tl_bytes in = { data, size };

	if (tl_snp_roots_new(&roots) != TL_OK)
		return;
	if (tl_snp_roots_add(roots, in) != TL_OK && tl_snp_roots_have(roots, TL_SNP_GEN_MILAN))
		__builtin_trap();
	if (tl_snp_signer_new(roots, in, 0, &signer, &info) == TL_OK && !signer)
		__builtin_trap();
	if (info.hwid_len > sizeof(info.hwid) || memchr(info.product, 0, sizeof(info.product)) == NULL)
		__builtin_trap();
	tl_snp_signer_free(signer);
	tl_snp_roots_free(roots);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	report(data, size);
	if (size >= 2 && size <= 8192 && (data[0] == 0x30 || data[0] == '-'))
		certificate(data, size);
	return 0;
}
