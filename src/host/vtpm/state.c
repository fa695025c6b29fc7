/* A VM's TPM state, made before its first boot where libvirt looks for it
 * (SWTPM_DIR/<uuid>/tpm2: libvirt keeps a state it finds, running swtpm_setup with
 * --not-overwrite), owned by tss (libvirt's swtpm user), 0700. swtpm_setup manufactures it:
 * EK, EK certificate (subject CN = the VM id, from --vmid) and platform certificate issued
 * by the platform vTPM CA through swtpm_localca configured to sign with HOSTDIR/ca/ca.key,
 * NVRAM locked, and the whole state encrypted with the VM's passphrase as libvirt runs swtpm
 * (a password, aes-256-cbc). The passphrase goes through a pipe, never a file. */
#include <errno.h>
#include <pwd.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "host.h"

void tl_host_vtpm_path(const char *vm_id, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s/tpm2", TL_HOST_SWTPM_DIR, vm_id);
}

/* swtpm_setup's and swtpm_localca's configuration, naming the platform CA. */
static int write_conf(const char *hostdir, char *setup_conf, size_t cap)
{
	char local[TL_HOST_MAX_PATH], text[4 * TL_HOST_MAX_PATH + 256];
	int n, err;

	snprintf(local, sizeof(local), "%s/ca/swtpm-localca.conf", hostdir);
	n = snprintf(text, sizeof(text),
		     "statedir = %s/ca\nsigningkey = %s/ca/ca.key\nissuercert = %s/ca/ca.pem\n"
		     "certserial = %s/ca/certserial\n", hostdir, hostdir, hostdir, hostdir);
	if (n < 0 || (size_t)n >= sizeof(text))
		return TL_E_ARG;
	if ((err = tl_file_write_private(local, text, (size_t)n, true)) != TL_OK)
		return err;
	snprintf(setup_conf, cap, "%s/ca/swtpm_setup.conf", hostdir);
	n = snprintf(text, sizeof(text),
		     "create_certs_tool = /usr/bin/swtpm_localca\n"
		     "create_certs_tool_config = %s\n"
		     "create_certs_tool_options = /etc/swtpm-localca.options\n"
		     "active_pcr_banks = sha256\n", local);
	if (n < 0 || (size_t)n >= sizeof(text))
		return TL_E_ARG;
	return tl_file_write_private(setup_conf, text, (size_t)n, true);
}

static int chown_tree(const char *dir, uid_t uid, gid_t gid)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[TL_HOST_MAX_PATH];
	int err = TL_OK;

	if (!d)
		return TL_E_IO;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			if (lchown(p, uid, gid) != 0)
				err = TL_E_IO;
		}
	closedir(d);
	if (chown(dir, uid, gid) != 0 || chmod(dir, 0700) != 0)
		err = TL_E_IO;
	return err;
}

static int make_dirs(const char *vm_id, char *state, size_t cap)
{
	char parent[TL_HOST_MAX_PATH];

	snprintf(parent, sizeof(parent), "%s/%s", TL_HOST_SWTPM_DIR, vm_id);
	tl_host_vtpm_path(vm_id, state, cap);
	if ((mkdir(TL_HOST_SWTPM_DIR, 0711) != 0 && errno != EEXIST) ||
	    (mkdir(parent, 0711) != 0 && errno != EEXIST) || mkdir(state, 0700) != 0) {
		fprintf(stderr, "tl: %s: %s\n", state, strerror(errno));
		return errno == EEXIST ? TL_E_HOST_EXISTS : TL_E_IO;
	}
	return TL_OK;
}

static int setup(const char *state, const char *conf, const char *vm_id, const char *pass,
		 const char *log)
{
	int fds[2], err;
	char fd[16];

	if (pipe(fds) != 0)
		return TL_E_IO;
	err = write(fds[1], pass, strlen(pass)) == (ssize_t)strlen(pass) ? TL_OK : TL_E_IO;
	close(fds[1]);
	snprintf(fd, sizeof(fd), "%d", fds[0]);
	if (err == TL_OK)
		err = tl_host_run((const char *const[]){ "swtpm_setup", "--tpm2", "--tpmstate",
							 state, "--config", conf, "--vmid", vm_id,
							 "--create-ek-cert", "--create-platform-cert",
							 "--lock-nvram", "--pwdfile-fd", fd,
							 "--cipher", "aes-256-cbc", NULL },
				  log);
	close(fds[0]);
	return err;
}

int tl_host_vtpm_create(const char *hostdir, const char *vm_id, const char *pass, const char *log)
{
	char conf[TL_HOST_MAX_PATH], state[TL_HOST_MAX_PATH];
	struct passwd *tss = getpwnam("tss");
	int err;

	if (!tss) {
		fprintf(stderr, "tl: no user 'tss' (libvirt's swtpm user; swtpm makes it)\n");
		return TL_E_HOST_TOOL;
	}
	if ((err = tl_host_ca_ensure(hostdir)) != TL_OK ||
	    (err = write_conf(hostdir, conf, sizeof(conf))) != TL_OK ||
	    (err = make_dirs(vm_id, state, sizeof(state))) != TL_OK)
		return err;
	err = setup(state, conf, vm_id, pass, log);
	if (err == TL_OK)
		err = chown_tree(state, tss->pw_uid, tss->pw_gid);
	if (err != TL_OK && tl_host_vtpm_delete(vm_id) != TL_OK)
		fprintf(stderr, "tl: could not remove %s\n", state);
	return err;
}

int tl_host_vtpm_delete(const char *vm_id)
{
	char parent[TL_HOST_MAX_PATH];

	snprintf(parent, sizeof(parent), "%s/%s", TL_HOST_SWTPM_DIR, vm_id);
	return tl_host_rm_tree(parent);
}
