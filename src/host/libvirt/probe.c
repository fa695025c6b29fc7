/* KVM or TCG: Secure Boot needs SMM, and OVMF's secure build does not start under a KVM
 * without it. The answer is probed once (libvirt can make KVM domains, and the kernel's KVM
 * has KVM_CAP_X86_SMM) and cached in HOSTDIR/accel ("kvm" or "qemu"). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "host.h"
#include "file.h"

static bool kvm_has_smm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int r;

	if (fd < 0)
		return false;
	r = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_SMM);
	close(fd);
	return r > 0;
}

static bool libvirt_has_kvm(virConnectPtr conn)
{
	char *caps = virConnectGetDomainCapabilities(conn, NULL, "x86_64", "q35", "kvm", 0);
	bool ok = caps != NULL;
	free(caps);
	return ok;
}

int tl_host_probe_kvm(virConnectPtr conn, const char *hostdir, bool *kvm)
{
	char path[TL_HOST_MAX_PATH];
	uint8_t *buf = NULL;
	size_t len;
	bool k;

	snprintf(path, sizeof(path), "%s/accel", hostdir);
	if (tl_file_read(path, 16, &buf, &len) == TL_OK) {
		*kvm = len >= 3 && memcmp(buf, "kvm", 3) == 0;
		free(buf);
		return TL_OK;
	}
	k = libvirt_has_kvm(conn) && kvm_has_smm();
	if (!k)
		fprintf(stderr, "tl: notice: KVM here cannot run OVMF with SMM (Secure Boot needs it): "
				"VMs run under TCG (type='qemu'), slower; probed once, cached in %s\n",
			path);
	if (tl_file_write_private(path, k ? "kvm\n" : "qemu\n", k ? 4 : 5, true) != TL_OK)
		fprintf(stderr, "tl: notice: could not cache the probe in %s\n", path);
	*kvm = k;
	return TL_OK;
}
