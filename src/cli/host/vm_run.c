/* tl vm start NAME [--wait booted|healthy] [--timeout T] and tl vm stop NAME [--force]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_watch.h"
#include "vm_args.h"

static const char start_help[] =
	"usage: tl [GLOBAL OPTIONS] vm start NAME [--wait booted|healthy] [--timeout 120s]\n"
	"          [--host-dir DIR] [--json]\n"
	"\n"
	"Boots a VM of this host. --wait booted waits until its console shows the kernel\n"
	"started; --wait healthy until trustlaunchd's assessment of it is healthy (its agent\n"
	"enrolled and attested). A Secure Boot refusal on the console ends the wait at once.\n"
	"On a terminal the steps are shown: firmware, shim, GRUB, kernel, agent enrolled,\n"
	"verdict. --timeout: seconds (120s, 2m; default 120s).\n"
	"exit: 0 started (and got there), 1 refused, failed or timed out, 2 usage\n";

static bool timeout_parse(const char *s, double *ms)
{
	char *end;
	double v = strtod(s, &end);
	double unit = strcmp(end, "m") == 0 ? 60e3 : (!*end || strcmp(end, "s") == 0) ? 1e3 : 0;
	if (end == s || unit == 0 || v <= 0 || v > 86400)
		return false;
	*ms = v * unit;
	return true;
}

static int boot(const char *name)
{
	virConnectPtr conn = tl_host_connect();
	virDomainPtr d = conn ? tl_hostcli_domain(conn, name) : NULL;
	int rc = TL_EXIT_CHECK;

	if (d && virDomainCreate(d) == 0)
		rc = TL_EXIT_OK;
	else if (d)
		fprintf(stderr, "tl: libvirt could not start %s: %s\n", name, tl_host_virt_error());
	if (d)
		virDomainFree(d);
	if (conn)
		virConnectClose(conn);
	return rc;
}

int tl_vm_start(int argc, char **argv)
{
	struct tl_vm_args a = { .flags = { { "--wait", true, NULL }, { "--timeout", true, NULL } } };
	struct tl_host_vm vm;
	struct tl_boot_watch w = { 0 };
	int rc = tl_vm_args(argc, argv, start_help, &a);

	if (rc >= 0 || (rc = tl_vm_args_load(&a, &vm)) >= 0)
		return rc;
	w.timeout_ms = 120e3;
	if ((a.flags[0].value && strcmp(a.flags[0].value, "booted") &&
	     strcmp(a.flags[0].value, "healthy")) ||
	    (a.flags[1].value && !timeout_parse(a.flags[1].value, &w.timeout_ms))) {
		fputs(start_help, stderr);
		return TL_EXIT_USAGE;
	}
	w.healthy = a.flags[0].value && strcmp(a.flags[0].value, "healthy") == 0;
	w.vm = &vm;
	tl_host_vm_dir(a.hostdir, vm.name, w.dir, sizeof(w.dir));
	w.t0 = tl_hostcli_ms();
	if ((rc = boot(vm.name)) != TL_EXIT_OK || !a.flags[0].value)
		return rc;
	return tl_boot_watch(&w);
}

static const char stop_help[] =
	"usage: tl [GLOBAL OPTIONS] vm stop NAME [--force] [--host-dir DIR]\n"
	"\n"
	"Asks a VM of this host to shut down (ACPI), or with --force turns it off at once.\n"
	"exit: 0 done, 1 failed, 2 usage\n";

int tl_vm_stop(int argc, char **argv)
{
	struct tl_vm_args a = { .flags = { { "--force", false, NULL } } };
	struct tl_host_vm vm;
	virConnectPtr conn;
	virDomainPtr d;
	int rc = tl_vm_args(argc, argv, stop_help, &a);

	if (rc >= 0 || (rc = tl_vm_args_load(&a, &vm)) >= 0)
		return rc;
	if (!(conn = tl_host_connect()))
		return TL_EXIT_CHECK;
	rc = TL_EXIT_CHECK;
	if ((d = tl_hostcli_domain(conn, vm.name))) {
		if ((a.flags[0].value ? virDomainDestroy(d) : virDomainShutdown(d)) == 0)
			rc = TL_EXIT_OK;
		else
			fprintf(stderr, "tl: %s: %s\n", vm.name, tl_host_virt_error());
		virDomainFree(d);
	}
	virConnectClose(conn);
	return rc;
}
