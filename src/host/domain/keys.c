/* Whether Secure Boot keys are enrolled in a domain's firmware (host.h,
 * tl_host_profile_keys): its NVRAM (or, before its first start, the template it will be
 * copied from) read with the project's varstore reader: a PK present means keys are
 * enrolled (OVMF's *.ms.fd and *.secboot.fd templates hold them, the plain ones do not).
 * When neither file can be read, libvirt's enrolled-keys feature of firmware auto-selection
 * says it. The paths are the domain XML's: only regular files are opened. */
#include <stdlib.h>
#include <sys/stat.h>

#include "host.h"
#include "file.h"
#include "trustlaunch/uefi.h"
#include "trustlaunch/varstore.h"

#define TL_HOST_MAX_VARS (8u * 1024u * 1024u)

/* 1: a PK, 0: none, -1: the file could not be read as a variable store */
static int pk_in(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct tl_bytes data;
	struct stat st;
	int err, r;

	/* a regular file only: a FIFO or device named in a domain's XML must not block us */
	if (!path[0] || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    tl_file_read(path, TL_HOST_MAX_VARS, &buf, &len) != TL_OK)
		return -1;
	err = tl_varstore_get((struct tl_bytes){ buf, len }, &TL_GUID_GLOBAL_VARIABLE, "PK", &data);
	r = err == TL_OK && data.len > 0 ? 1 : err == TL_OK || err == TL_E_VARSTORE_MISSING ? 0 : -1;
	free(buf);
	return r;
}

void tl_host_profile_keys(struct tl_host_profile *p)
{
	int r;

	if (!p->uefi) {
		p->keys_enrolled = false;
		return;
	}
	r = pk_in(p->nvram);
	if (r < 0)
		r = pk_in(p->nvram_template);
	p->keys_enrolled = r < 0 ? p->enrolled_keys_feature : r == 1;
}
