/* tl host ca show|rotate: the platform vTPM CA (docs/host.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "vm_args.h"
#include "trustlaunch/x509.h"

static const char show_help[] =
	"usage: tl host ca show [--host-dir DIR] [--json]\n"
	"\n"
	"The platform vTPM CA that issues each vTPM's EK certificate (subject CN = the VM id):\n"
	"where it is, its subject and SHA-256 fingerprint. trustlaunchd trusts it with\n"
	"'--ek-ca HOSTDIR/ca/ca.pem'. Made on first use (or here).\n"
	"exit: 0 shown, 1 unusable, 2 usage\n";

static const char rotate_help[] =
	"usage: tl host ca rotate [--host-dir DIR] [--json]\n"
	"\n"
	"Makes a new platform vTPM CA; VMs created from now on get EK certificates from it.\n"
	"The old CA is kept as ca/ca-<time>.pem: the EK certificates it issued stay valid for as\n"
	"long as trustlaunchd is given it. Give trustlaunchd the new one as well (a second\n"
	"--ek-ca) and restart it; drop the old one when its VMs are gone.\n"
	"exit: 0 rotated, 1 failed, 2 usage\n";

static int describe(const char *hostdir, const char *old)
{
	char pem[TL_HOST_MAX_PATH];
	struct tl_x509_info info;
	uint8_t *buf;
	size_t len;
	int err;

	snprintf(pem, sizeof(pem), "%s/ca/ca.pem", hostdir);
	if ((err = tl_file_read(pem, 1u << 20, &buf, &len)) != TL_OK)
		return tl_hostcli_fail(pem, err);
	err = tl_x509_pem_info((struct tl_bytes){ buf, len }, &info);
	free(buf);
	if (err != TL_OK)
		return tl_hostcli_fail(pem, err);
	if (tl_client_opts.json) {
		tl_cli_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s?}", "certificate", pem,
					    "subject", info.subject, "serial", info.serial,
					    "sha256", info.sha256, "previous", old));
	} else {
		tl_cli_line(stdout, "certificate  %s", pem);
		tl_cli_line(stdout, "subject      %s", info.subject);
		tl_cli_line(stdout, "sha256       %s", info.sha256);
		if (old)
			tl_cli_line(stdout, "previous     %s (keep it in trustlaunchd's --ek-ca "
					    "until its VMs are gone)", old);
		tl_cli_line(stdout, "trustlaunchd --ek-ca %s", pem);
	}
	tl_x509_info_clear(&info);
	return TL_EXIT_OK;
}

static int show(int argc, char **argv)
{
	struct tl_vm_args a = { .no_name = true };
	int rc = tl_vm_args(argc, argv, show_help, &a), err;

	if (rc >= 0)
		return rc;
	if ((err = tl_host_dir_make(a.hostdir)) != TL_OK)
		return tl_hostcli_fail(a.hostdir, err);
	if ((err = tl_host_ca_ensure(a.hostdir)) != TL_OK)
		return tl_hostcli_fail("platform vTPM CA", err);
	return describe(a.hostdir, NULL);
}

static int rotate(int argc, char **argv)
{
	struct tl_vm_args a = { .no_name = true };
	char old[TL_HOST_MAX_PATH];
	int rc = tl_vm_args(argc, argv, rotate_help, &a), err;

	if (rc >= 0)
		return rc;
	if ((err = tl_host_dir_make(a.hostdir)) != TL_OK)
		return tl_hostcli_fail(a.hostdir, err);
	if ((err = tl_host_ca_rotate(a.hostdir, old, sizeof(old))) != TL_OK)
		return tl_hostcli_fail("platform vTPM CA", err);
	return describe(a.hostdir, old[0] ? old : NULL);
}

static int ca(int argc, char **argv)
{
	static const struct tl_cmd cmds[] = {
		{ "show", show, "the platform vTPM CA (made on first use)" },
		{ "rotate", rotate, "a new platform vTPM CA; the old one stays valid" },
		{ NULL, NULL, NULL },
	};
	return tl_cli_dispatch("tl host ca", cmds, argc - 1, argv + 1);
}

int tl_cmd_host(int argc, char **argv)
{
	static const struct tl_cmd cmds[] = {
		{ "ca", ca, "the platform vTPM CA: show, rotate" },
		{ NULL, NULL, NULL },
	};
	return tl_cli_dispatch("tl host", cmds, argc - 1, argv + 1);
}
