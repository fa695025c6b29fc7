/* tl image build: the bootable test image (docs/image.md). This file checks the options and
 * finds the pieces; the work itself (apt-get download, dpkg-deb, the initramfs, the FAT ESP) is
 * Debian's tools driven by the script image-build, which replaces this process. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef TL_SCRIPTS_DEFAULT
#define TL_SCRIPTS_DEFAULT "/usr/libexec/trustlaunch"
#endif
#define SCRIPT "image-build"

static const char build_help[] =
	"usage: tl image build --out DIR [--kernel-cmdline ARGS] [--agent PATH]\n"
	"                      [--interval SECONDS] [--unsigned-kernel] [--unsigned-module NAME]\n"
	"                      [--sign-shim KEYDIR] [--json]\n"
	"\n"
	"A bootable Secure Boot test image from Debian 12's signed shim, GRUB and cloud kernel\n"
	"(apt-get download, cached in $TL_CACHE, default ~/.cache/trustlaunch: a second build\n"
	"needs no network) and an initramfs with tl-agent, its libraries and busybox-static. At\n"
	"boot the guest loads the signed virtio modules, finds the virtio-serial port named\n"
	"org.trustlaunch.agent.0, takes its VM id from the SMBIOS UUID, enrols by the vTPM's EK\n"
	"certificate and attests, then every --interval seconds; it writes 'TL-AGENT: ' lines on\n"
	"the serial console (docs/image.md).\n"
	"\n"
	"DIR receives esp.img (raw FAT ESP: EFI/BOOT/BOOTX64.EFI = shim, EFI/BOOT/grubx64.efi,\n"
	"EFI/debian/grub.cfg, vmlinuz, initrd.img), parts/ (the same files unpacked, from which\n"
	"reference values can be predicted) and image.json describing them.\n"
	"\n"
	"  --kernel-cmdline ARGS  appended to 'console=ttyS0 rdinit=/init' in grub.cfg\n"
	"  --agent PATH           the tl-agent to put in (default: tl-agent beside tl)\n"
	"  --interval SECONDS     between attestations after the first (default 600)\n"
	"  --unsigned-kernel      strip the kernel's Authenticode signature: Secure Boot\n"
	"                         must refuse to boot it\n"
	"  --unsigned-module NAME also put in module NAME without its signature, loaded after\n"
	"                         the first attestation: the kernel refuses it, the next\n"
	"                         attestation reports the refusal\n"
	"  --sign-shim KEYDIR     for VMs with custom Secure Boot keys ('tl vm create\n"
	"                         --secure-boot-keys custom:KEYDIR'): shim's Microsoft signature\n"
	"                         is replaced by one of KEYDIR/db.key with KEYDIR/db.pem (or\n"
	"                         db.crt, PEM); GRUB and the kernel keep Debian's, which shim\n"
	"                         checks. Without it shim is Microsoft's, which such VMs refuse\n"
	"  --json                 print image.json; no progress lines\n"
	"\n"
	"The recipe is the script " SCRIPT ", looked for in $TL_LIBEXEC, then in\n"
	"../libexec/trustlaunch beside tl, then in " TL_SCRIPTS_DEFAULT ".\n"
	"Progress goes to stderr on a terminal. Needs dpkg-deb, apt-get, busybox-static, cpio,\n"
	"dosfstools, mtools (and sbsigntool for --unsigned-kernel and --sign-shim):\n"
	"scripts/bootstrap installs them.\n"
	"exit: 0 built, 1 the build failed (said why), 2 usage\n";

/* The directory of the running tl, for the files installed beside it. */
static bool exe_dir(char dir[static PATH_MAX])
{
	ssize_t n = readlink("/proc/self/exe", dir, PATH_MAX - 1);
	char *slash;

	if (n <= 0)
		return false;
	dir[n] = '\0';
	if (!(slash = strrchr(dir, '/')))
		return false;
	*slash = '\0';
	return true;
}

static bool executable(char *out, const char *dir, const char *rel)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, rel);

	return n > 0 && n < PATH_MAX && access(out, X_OK) == 0;
}

static bool find_script(const char *tl_dir, char out[static PATH_MAX])
{
	const char *env = getenv("TL_LIBEXEC");

	if (env && *env)
		return executable(out, env, SCRIPT);
	return (*tl_dir && executable(out, tl_dir, "../libexec/trustlaunch/" SCRIPT)) ||
	       executable(out, TL_SCRIPTS_DEFAULT, SCRIPT);
}

/* 1 to 9999999 seconds, digits only. */
static bool interval_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 7 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A module's name: 1-55 of [A-Za-z0-9_-] (MODULE_NAME_LEN). */
static bool module_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 55)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "tl image build: %s%s%s%s\n", msg, arg ? " '" : "", arg ? arg : "",
		arg ? "'" : "");
	return TL_EXIT_USAGE;
}

/* Checks the options into args (the script's argv after its name); -1 to go on. */
static int parse(int argc, char **argv, const char **args, size_t *n, const char **agent)
{
	const char *out = NULL;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool flag = strcmp(o, "--unsigned-kernel") == 0 || strcmp(o, "--json") == 0;
		if (tl_cli_is_help(o)) {
			fputs(build_help, stdout);
			return TL_EXIT_OK;
		}
		if (!flag && strcmp(o, "--out") && strcmp(o, "--kernel-cmdline") &&
		    strcmp(o, "--agent") && strcmp(o, "--interval") && strcmp(o, "--unsigned-module") &&
		    strcmp(o, "--sign-shim"))
			return usage_error("unknown option (see --help):", o);
		if (!flag && !v)
			return usage_error("a value is missing after", o);
		if (strcmp(o, "--interval") == 0 && !interval_ok(v))
			return usage_error("--interval takes 1 to 9999999 seconds, not", v);
		if (strcmp(o, "--unsigned-module") == 0 && !module_ok(v))
			return usage_error("--unsigned-module: not a module name:", v);
		if (strcmp(o, "--out") == 0)
			out = v;
		if (strcmp(o, "--agent") == 0)
			*agent = v;
		args[(*n)++] = o;
		if (!flag)
			args[(*n)++] = argv[++i];
	}
	return out ? -1 : usage_error("--out DIR is needed", NULL);
}

static int build(int argc, char **argv)
{
	const char **args = calloc((size_t)argc + 4, sizeof(*args));
	char dir[PATH_MAX] = "", script[PATH_MAX], agent_path[PATH_MAX];
	const char *agent = NULL;
	size_t n = 1;
	int rc;

	if (!args)
		return TL_EXIT_CHECK;
	if ((rc = parse(argc, argv, args, &n, &agent)) >= 0)
		goto out;
	rc = TL_EXIT_CHECK;
	if (!exe_dir(dir))
		dir[0] = '\0';
	if (!find_script(dir, script)) {
		fprintf(stderr, "tl image build: the script " SCRIPT " was not found (set "
				"TL_LIBEXEC to the directory that holds it)\n");
		goto out;
	}
	if (!agent && !(*dir && executable(agent_path, dir, "tl-agent"))) {
		fprintf(stderr, "tl image build: no tl-agent beside tl: give --agent PATH\n");
		goto out;
	}
	if (!agent) {
		args[n++] = "--agent";
		args[n++] = agent_path;
	}
	args[0] = script;
	fflush(stdout);
	execv(script, (char *const *)args);
	fprintf(stderr, "tl image build: cannot run %s\n", script);
out:
	free(args);
	return rc;
}

int tl_cmd_image(int argc, char **argv)
{
	static const struct tl_cmd cmds[] = {
		{ "build", build, "a bootable Secure Boot test image with tl-agent inside" },
		{ "predict", tl_image_predict, "its reference values, before a VM boots it" },
		{ NULL, NULL, NULL },
	};
	return tl_cli_dispatch("tl image", cmds, argc - 1, argv + 1);
}
