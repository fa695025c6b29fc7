/* libFuzzer target: libvirt domain XML as the host reads it (src/host/domain): the boot
 * security profile (profile.c) and the Trusted Launch edit (edit.c). The XML of a domain
 * not made by trustlaunch is the operator's; nothing in it may crash the reader, every
 * string it yields is bounded, and an edited domain reads back as Trusted Launch. */
#include <stdlib.h>
#include <string.h>

#include "host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bounded(const char *s, size_t cap)
{
	if (strnlen(s, cap) >= cap)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_host_profile p, q;
	char *xml = malloc(size + 1), *out = NULL;

	if (!xml)
		return 0;
	memcpy(xml, data, size);
	xml[size] = '\0';
	if (tl_host_profile_read(xml, &p) == TL_OK) {
		bounded(p.scale_set, sizeof(p.scale_set));
		bounded(p.nvram, sizeof(p.nvram));
		if (p.tl_standard && !p.trustlaunch)
			abort();
	}
	if (tl_host_domain_enable_tl(xml, "00000000-0000-0000-0000-000000000000", &out) ==
	    TL_OK) {
		if (tl_host_profile_read(out, &q) != TL_OK || !q.secure_loader || !q.smm || !q.tpm ||
		    !q.uefi)
			abort();
		free(out);
	}
	free(xml);
	return 0;
}
