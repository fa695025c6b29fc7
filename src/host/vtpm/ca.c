/* The platform vTPM CA: HOSTDIR/ca/ca.key (0600) and ca.pem, made on first use. swtpm's
 * local CA tool (swtpm_localca) signs each vTPM's EK and platform certificates with it,
 * configured by the files vtpm/state.c writes. Rotation makes a new CA and keeps the old
 * one beside it (ca-<time>.key/.pem): certificates it issued stay valid for as long as
 * trustlaunchd is given the old ca.pem too (--ek-ca, once per CA). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "host.h"
#include "trustlaunch/x509.h"

#define CA_CN "trustlaunch platform vTPM CA"
#define CA_DAYS 3650u

static int ca_paths(const char *hostdir, char *dir, char *key, char *pem)
{
	if (snprintf(dir, TL_HOST_MAX_PATH, "%s/ca", hostdir) >= (int)TL_HOST_MAX_PATH)
		return TL_E_ARG;
	snprintf(key, TL_HOST_MAX_PATH, "%s/ca.key", dir);
	snprintf(pem, TL_HOST_MAX_PATH, "%s/ca.pem", dir);
	return TL_OK;
}

/* The key first (private, never replacing), then the certificate: a crash between them
 * leaves a key without certificate, which the next make replaces. */
static int make(const char *dir, const char *key, const char *pem)
{
	char *k = NULL, *c = NULL;
	int err;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return TL_E_IO;
	if ((err = tl_x509_ca_new(CA_CN, CA_DAYS, &k, &c)) != TL_OK)
		return err;
	err = tl_file_write_private(key, k, strlen(k), true);
	if (err == TL_OK)
		err = tl_file_write_private(pem, c, strlen(c), true);
	if (err == TL_OK && chmod(pem, 0644) != 0)
		err = TL_E_IO;
	memset(k, 0, strlen(k));
	free(k);
	free(c);
	return err;
}

int tl_host_ca_ensure(const char *hostdir)
{
	char dir[TL_HOST_MAX_PATH], key[TL_HOST_MAX_PATH], pem[TL_HOST_MAX_PATH];
	struct stat st;
	int err = ca_paths(hostdir, dir, key, pem);

	if (err != TL_OK)
		return err;
	if (stat(pem, &st) == 0 && stat(key, &st) == 0)
		return TL_OK;
	if (isatty(2))
		fprintf(stderr, "tl: making the platform vTPM CA in %s\n", dir);
	return make(dir, key, pem);
}

int tl_host_ca_rotate(const char *hostdir, char *old_pem, size_t cap)
{
	char dir[TL_HOST_MAX_PATH], key[TL_HOST_MAX_PATH], pem[TL_HOST_MAX_PATH];
	char okey[TL_HOST_MAX_PATH];
	long now = (long)time(NULL);
	int err = ca_paths(hostdir, dir, key, pem);

	if (err != TL_OK)
		return err;
	old_pem[0] = '\0';
	snprintf(okey, sizeof(okey), "%s/ca-%ld.key", dir, now);
	snprintf(old_pem, cap, "%s/ca-%ld.pem", dir, now);
	if (rename(key, okey) != 0 || rename(pem, old_pem) != 0) {
		old_pem[0] = '\0';
		if (errno != ENOENT)
			return TL_E_IO;
	}
	return make(dir, key, pem);
}
