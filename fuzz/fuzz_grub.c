/* libFuzzer target: the GRUB model of the predictor, on hostile grub.cfg text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "trustlaunch/predict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t kernel[] = "not a kernel, only bytes for PCR 9";
	struct tl_predict_in in = { 0 };
	json_t *out = NULL;
	uint8_t *log = NULL;
	size_t len = 0;

	in.grub_cfg = (struct tl_bytes){ data, size };
	in.files[0].path = "/vmlinuz";
	in.files[0].data = (struct tl_bytes){ kernel, sizeof(kernel) };
	in.nfiles = 1;
	if (tl_predict(&in, &out, &log, &len) == TL_OK && (!out || !log || !len))
		__builtin_trap(); /* a prediction always comes with its log */
	json_decref(out);
	free(log);
	return 0;
}
