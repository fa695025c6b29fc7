/* Reference values before a VM boots: from the firmware variable store, the boot images and
 * the GRUB configuration, the PCR 4, 7, 8 and 9 values and the components a correct boot
 * will produce. The prediction is a TCG event log of its own, in the order firmware, shim and
 * GRUB measure; its facts are the same component model baselines use. */
#ifndef TRUSTLAUNCH_PREDICT_H
#define TRUSTLAUNCH_PREDICT_H

#include <jansson.h>

#include "trustlaunch/rd.h"

#define TL_PREDICT_MAX_APPS 8u
#define TL_PREDICT_MAX_FILES 16u

struct tl_predict_in {
	struct tl_bytes vars;       /* OVMF *_VARS*.fd */
	struct tl_bytes apps[TL_PREDICT_MAX_APPS]; /* PE images in measurement order */
	size_t napps;
	unsigned failed_attempts;   /* boot options tried (and returned) before the one that
				     * booted: OVMF measures "Returning from"/"Calling" for each */
	const char *cmdline;        /* kernel command line as GRUB measures it ("/vmlinuz ...") */
	struct tl_bytes grub_cfg;   /* the grub.cfg GRUB reads (empty: PCR 8/9 not predicted) */
	const char *grub_prefix;    /* where Debian's GRUB finds it, e.g. "(hd0)/EFI/debian" */
	struct {
		const char *path;   /* as GRUB names it, e.g. "/initrd.img" */
		struct tl_bytes data;
	} files[TL_PREDICT_MAX_FILES];
	size_t nfiles;
};

/* {"pcrs":{"sha256":{"4":hex,"7":hex[,"8","9"]},...},"components":{facts},"notes":[...]}.
 * log (may be NULL) receives the predicted event log, malloc'd, for tl eventlog tools.
 * TL_OK, or an error for inputs that cannot be read. */
TL_MUST_CHECK int tl_predict(const struct tl_predict_in *in, json_t **out, uint8_t **log,
			     size_t *log_len);

#endif
