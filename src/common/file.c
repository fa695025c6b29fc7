/* Files of secrets and state: see file.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

#define PATH_MAX_LEN 4096

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return TL_E_IO;
		p += w;
		len -= (size_t)w;
	}
	return TL_OK;
}

/* The directory that holds path: its entry (a rename, a link) lasts once it is synced. */
static int sync_parent(const char *path)
{
	char dir[PATH_MAX_LEN];
	const char *slash = strrchr(path, '/');
	int n = slash ? snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path)
		      : snprintf(dir, sizeof(dir), ".");
	int fd, rc;

	if (n < 0 || (size_t)n >= sizeof(dir))
		return TL_E_ARG;
	if (n == 0)
		dir[0] = '/', dir[1] = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return TL_E_IO;
	rc = fsync(fd);
	close(fd);
	return rc == 0 ? TL_OK : TL_E_IO;
}

/* A new temporary file next to path, named after this process: one left by a crash of a
 * process with the same id is removed first (unlink removes a planted link, not its target). */
static int temp_create(const char *path, char tmp[static PATH_MAX_LEN], int *fd)
{
	int n = snprintf(tmp, PATH_MAX_LEN, "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || n >= PATH_MAX_LEN)
		return TL_E_ARG;
	(void)unlink(tmp);
	*fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	return *fd < 0 ? TL_E_IO : TL_OK;
}

int tl_file_write_private(const char *path, const void *data, size_t len, bool replace)
{
	char tmp[PATH_MAX_LEN];
	int fd = -1, err, c;

	if ((err = temp_create(path, tmp, &fd)) != TL_OK)
		return err;
	err = write_all(fd, data, len);
	if (err == TL_OK && fsync(fd) != 0)
		err = TL_E_IO;
	c = close(fd); /* closed once, whatever close says: retrying may close another's fd */
	if (err == TL_OK && c != 0)
		err = TL_E_IO;
	if (err == TL_OK && replace && rename(tmp, path) != 0)
		err = TL_E_IO;
	if (err == TL_OK && !replace && link(tmp, path) != 0)
		err = errno == EEXIST ? TL_E_FILE_EXISTS : TL_E_IO;
	if (err != TL_OK || !replace) {
		int e = errno;
		(void)unlink(tmp);
		errno = e;
	}
	return err == TL_OK ? sync_parent(path) : err;
}

static int open_error(void)
{
	return errno == ENOENT ? TL_E_FILE_MISSING : errno == ELOOP ? TL_E_FILE_SYMLINK : TL_E_IO;
}

/* path opened through no link, a regular file of this user that only it may read or write */
static int open_private(const char *path, int *fd, struct stat *st)
{
	int err = TL_OK;

	if ((*fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0)
		return open_error();
	if (fstat(*fd, st) != 0)
		err = TL_E_IO;
	else if (!S_ISREG(st->st_mode))
		err = TL_E_FILE_TYPE;
	else if (st->st_uid != geteuid())
		err = TL_E_FILE_OWNER;
	else if (st->st_mode & 077)
		err = TL_E_FILE_MODE;
	if (err != TL_OK) {
		close(*fd);
		*fd = -1;
	}
	return err;
}

int tl_file_read_secret(const char *path, uint8_t *buf, size_t len)
{
	struct stat st;
	size_t n = 0;
	int fd, err = open_private(path, &fd, &st);

	if (err == TL_OK && (st.st_size < 0 || (uint64_t)st.st_size != len))
		err = TL_E_FILE_SIZE;
	while (err == TL_OK && n < len) {
		ssize_t r = read(fd, buf + n, len - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			err = TL_E_IO;
		else if (r == 0)
			err = TL_E_FILE_SIZE; /* cut short since fstat */
		else
			n += (size_t)r;
	}
	if (fd >= 0)
		close(fd);
	if (err != TL_OK)
		memset(buf, 0, len);
	return err;
}

int tl_file_read_private(const char *path, size_t max, uint8_t **out, size_t *len)
{
	struct stat st;
	int fd, err, e;

	*out = NULL;
	*len = 0;
	if ((err = open_private(path, &fd, &st)) != TL_OK)
		return err;
	err = tl_file_read_fd(fd, max, out, len);
	e = errno;
	close(fd);
	errno = e;
	return err;
}

/* grows as the file is read: /proc and securityfs files report size 0 */
static int grow(uint8_t **buf, size_t *cap, size_t max)
{
	size_t ncap = *cap ? *cap * 2 : 65536;
	uint8_t *p;
	if (ncap > max + 1 || ncap < *cap)
		ncap = max + 1; /* one more than max: a larger file shows itself */
	if (!(p = realloc(*buf, ncap + 1)))  /* + 1: the NUL after the end */
		return TL_E_NOMEM;
	*buf = p;
	*cap = ncap;
	return TL_OK;
}

int tl_file_read_fd(int fd, size_t max, uint8_t **out, size_t *len)
{
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	int err = TL_OK;

	*out = NULL; /* callers free *out whatever the outcome */
	*len = 0;
	for (;;) {
		if (n == cap && (err = grow(&buf, &cap, max)) != TL_OK)
			break;
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? TL_E_IO : TL_OK;
			break;
		}
		n += (size_t)r;
		if (n > max) {
			err = TL_E_FILE_TOO_LARGE;
			break;
		}
	}
	if (err != TL_OK) {
		int e = errno;
		free(buf);
		errno = e;
		return err;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return TL_OK;
}

int tl_file_read(const char *path, size_t max, uint8_t **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err, e;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return open_error();
	err = tl_file_read_fd(fd, max, out, len);
	e = errno;
	close(fd);
	errno = e;
	return err;
}
