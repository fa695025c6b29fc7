/* No trust on first use: the reference values of a VM predicted from the image it boots
 * (image dir from tl image build: parts/ shim, GRUB, kernel, initrd, grub.cfg) and its NVRAM,
 * as the manifest trustlaunchd takes at PUT /v1/vms/{id}/baseline (tl predict --json). */
#ifndef TL_HOST_PREDICT_H
#define TL_HOST_PREDICT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "trustlaunch/err.h"

#define TL_HOST_MAX_INITRD (512u * 1024u * 1024u) /* bytes of the initrd read */

struct tl_host_predict_opts {
	unsigned failed_attempts; /* boot options OVMF tries before the disk (see docs) */
	const char *grub_prefix;  /* NULL: "(hd0)/EFI/debian", as the ESP is attached */
};

/* The manifest {"pcrs":{...},"components":{...},"notes":[...]} for a boot of image_dir with
 * the variable store vars_path. The kernel command line and the initrd come from grub.cfg's
 * first menuentry (tl_grubcfg_first_entry). Components a boot produces but the image does
 * not decide (docs/host-nvram.md: firmware.scrtm_version, secureboot.mok,
 * exit_boot_services) are left out of "components" and named in "not_predicted".
 * opts may be NULL. On failure err says which part (image.part_missing,
 * image.grub_cfg_malformed, image.no_menuentry, the reader's errors). */
TL_MUST_CHECK int tl_host_predict(const char *image_dir, const char *vars_path,
				  const struct tl_host_predict_opts *opts, json_t **manifest_out,
				  char *err, size_t errlen);

/* The differences (tl_baseline_compare: [{"component","message","expected","actual"}], empty
 * when none) between a manifest and the facts of a real boot's TCG event log: what
 * trustlaunchd would report on that boot. Errors of the log's parser, TL_E_NOMEM. */
TL_MUST_CHECK int tl_host_predict_compare(json_t *manifest, const uint8_t *log, size_t len,
					  json_t **diff);

#endif
