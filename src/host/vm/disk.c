/* A VM's directory and disk. The directory is 0711 (and its parents reachable): QEMU runs
 * as libvirt's unprivileged user and opens the disk, NVRAM and sockets by path. The disk is
 * a qcow2 overlay over the image's esp.img: each VM writes (and a test edits) its own copy. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

static int mkdir_p(const char *path, mode_t mode)
{
	char p[TL_HOST_MAX_PATH];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(p))
		return TL_E_ARG;
	memcpy(p, path, n + 1);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST)
			return TL_E_IO;
		*s = '/';
	}
	return mkdir(p, mode) != 0 && errno != EEXIST ? TL_E_IO : TL_OK;
}

int tl_host_dir_make(const char *hostdir)
{
	char dir[TL_HOST_MAX_PATH];
	int err;

	if ((err = mkdir_p(hostdir, 0711)) != TL_OK)
		return err;
	snprintf(dir, sizeof(dir), "%s/vms", hostdir);
	return mkdir(dir, 0711) != 0 && errno != EEXIST ? TL_E_IO : TL_OK;
}

int tl_host_vm_mkdir(const char *hostdir, const char *name)
{
	char dir[TL_HOST_MAX_PATH];
	int err;

	if ((err = tl_host_dir_make(hostdir)) != TL_OK)
		return err;
	tl_host_vm_dir(hostdir, name, dir, sizeof(dir));
	if (mkdir(dir, 0711) != 0)
		return errno == EEXIST ? TL_E_HOST_EXISTS : TL_E_IO;
	return TL_OK;
}

int tl_host_disk_create(const char *image, const char *disk)
{
	char esp[TL_HOST_MAX_PATH];

	if (snprintf(esp, sizeof(esp), "%s/esp.img", image) >= (int)sizeof(esp))
		return TL_E_ARG;
	if (access(esp, R_OK) != 0) {
		fprintf(stderr, "tl: %s: %s (an image directory as 'tl image build' makes it)\n",
			esp, strerror(errno));
		return TL_E_IO;
	}
	return tl_host_run((const char *const[]){ "qemu-img", "create", "-q", "-f", "qcow2",
						  "-F", "raw", "-b", esp, disk, NULL },
			   NULL);
}

int tl_host_rm_tree(const char *path)
{
	struct stat st;
	struct dirent *e;
	char p[TL_HOST_MAX_PATH];
	DIR *d;
	int err = TL_OK;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? TL_OK : TL_E_IO;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 ? TL_OK : TL_E_IO;
	if (!(d = opendir(path)))
		return TL_E_IO;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
			if (tl_host_rm_tree(p) != TL_OK)
				err = TL_E_IO;
		}
	closedir(d);
	return rmdir(path) == 0 && err == TL_OK ? TL_OK : TL_E_IO;
}
