/* Custom Secure Boot keys (custom:DIR) are written into a VM's NVRAM by the UEFI variable
 * store writer (src/lib/uefi), built on another branch; until it is merged, this refuses.
 * Delete this file when tl_host_nvram_custom arrives. */
#include <stdio.h>

#include "host.h"

int tl_host_nvram_custom(const char *keys_dir, const char *vars_path)
{
	(void)keys_dir;
	(void)vars_path;
	return TL_E_HOST_NOT_BUILT;
}
