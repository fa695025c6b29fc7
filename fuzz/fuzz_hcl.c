/* libFuzzer target: the HCL report (snp/hcl.c), the TD report inside it (snp/tdx.c), the
 * runtime data's JSON (snp/runtime.c) and the report_data binding, on hostile bytes. */
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/cvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_hcl_report h;
	struct tl_hcl_runtime rt;
	struct tl_tdx_report td;
	struct tl_tpm2_public pub;
	struct tl_rd rd;

	if (tl_hcl_parse((struct tl_bytes){ data, size }, &h, NULL) == TL_OK) {
		if (h.hw_report.len != TL_HCL_HW_REPORT_LEN || h.runtime_data.len > TL_HCL_MAX_RUNTIME)
			__builtin_trap();
		int bound = tl_hcl_check_binding(&h);
		if (bound != TL_OK && bound != TL_E_HCL_BINDING)
			__builtin_trap();
		if (tl_hcl_runtime_parse(h.runtime_data, &rt) == TL_OK) {
			if (rt.ak_n_len == 0 || rt.ak_n_len > sizeof(rt.ak_n))
				__builtin_trap();
			tl_hcl_ak_public(&rt, &pub);
		}
	}
	/* the input as runtime data and as a TD report on their own */
	if (tl_hcl_runtime_parse((struct tl_bytes){ data, size }, &rt) != TL_OK && rt.ak_n_len != 0)
		__builtin_trap();
	tl_rd_init(&rd, data, size);
	if (tl_tdx_report_read(&rd, &td) != TL_OK && rd.pos != 0)
		__builtin_trap();
	return 0;
}
