/* Watching a boot (boot_watch.c): the console log for the firmware, shim, GRUB and kernel
 * and for Secure Boot refusals; trustlaunchd for the agent's enrolment and the verdict. */
#ifndef TL_BOOT_WATCH_H
#define TL_BOOT_WATCH_H

#include "hostcli.h"

struct tl_boot_watch {
	const struct tl_host_vm *vm;
	char dir[TL_HOST_MAX_PATH]; /* the VM's directory: console.log */
	bool healthy;               /* wait for the verdict, else for the kernel */
	double t0, timeout_ms;
};

/* Returns the exit code: 0 there, 1 refused, unhealthy or timed out. */
int tl_boot_watch(const struct tl_boot_watch *w);

#endif
