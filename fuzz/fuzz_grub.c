/* libFuzzer target: the GRUB model of the predictor and the strict reader of grub.cfg's
 * first menuentry (tl image predict), on hostile grub.cfg text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "trustlaunch/grubcfg.h"
#include "trustlaunch/predict.h"
#include <string.h>

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
	struct tl_grub_entry *e = malloc(sizeof(*e));
	if (e && tl_grubcfg_first_entry(in.grub_cfg, e) == TL_OK &&
	    (e->linux_path[0] != '/' || strncmp(e->cmdline, e->linux_path, strlen(e->linux_path)) ||
	     e->ninitrd > TL_GRUB_MAX_INITRD))
		__builtin_trap(); /* an entry read is one the predictor can use */
	free(e);
	return 0;
}
