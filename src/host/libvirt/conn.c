/* The connection to libvirt: one URI (TL_LIBVIRT_URI, default qemu:///system), and libvirt's
 * errors kept for our own messages instead of printed by libvirt. */
#include <stdio.h>
#include <stdlib.h>

#include <libvirt/virterror.h>

#include "host.h"

static void quiet(void *ctx, virErrorPtr err)
{
	(void)ctx;
	(void)err;
}

virConnectPtr tl_host_connect(void)
{
	const char *uri = getenv("TL_LIBVIRT_URI");
	virConnectPtr c;

	if (!uri || !*uri)
		uri = TL_HOST_URI_DEFAULT;
	virSetErrorFunc(NULL, quiet);
	if (!(c = virConnectOpen(uri)))
		fprintf(stderr, "tl: libvirt at %s: %s (is libvirtd running? scripts/libvirtd-up)\n",
			uri, tl_host_virt_error());
	return c;
}

const char *tl_host_virt_error(void)
{
	const char *m = virGetLastErrorMessage();
	return m ? m : "unknown libvirt error";
}
