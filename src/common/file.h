/* Files of secrets and state, for the service, the agent and the CLI (not src/lib, which
 * touches no file). Modelled on the token signing keys (src/server/attest/jwtkeys.c):
 * - a private file is written whole to a temporary file (0600, O_EXCL|O_NOFOLLOW), synced,
 *   renamed (or linked, when it must not replace one) into place, and its directory synced:
 *   a crash leaves the old file or the new one, never a short one;
 * - a secret is read only from a regular file of this user that group and others cannot
 *   read, through no symbolic link, and only when it has exactly its size;
 * - any other whole file is read with a limit, also when its size is not known beforehand
 *   (/proc, securityfs, a pipe). */
#ifndef TL_COMMON_FILE_H
#define TL_COMMON_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"

/* Writes data to path, mode 0600, durably. replace false: TL_E_FILE_EXISTS when path exists
 * (two processes creating it at once: exactly one wins, the other reads the winner's). The
 * temporary file is PATH.PID.tmp: one writer of a path per process at a time (callers hold
 * their own lock, as jwtkeys.c does). */
TL_MUST_CHECK int tl_file_write_private(const char *path, const void *data, size_t len,
					bool replace);

/* Reads exactly len bytes of a secret. TL_E_FILE_MISSING, _SYMLINK, _TYPE, _OWNER, _MODE
 * (group or others may read or write it), _SIZE (not exactly len bytes), or TL_E_IO. */
TL_MUST_CHECK int tl_file_read_secret(const char *path, uint8_t *buf, size_t len);

/* A private file of unknown size (at most max bytes), checked as tl_file_read_secret does;
 * *out as tl_file_read gives it. */
TL_MUST_CHECK int tl_file_read_private(const char *path, size_t max, uint8_t **out,
				       size_t *len);

/* The whole file at path (at most max bytes) in *out, malloc'd, with a NUL after its end.
 * TL_E_FILE_MISSING, TL_E_FILE_TOO_LARGE, TL_E_NOMEM or TL_E_IO (errno tells why). */
TL_MUST_CHECK int tl_file_read(const char *path, size_t max, uint8_t **out, size_t *len);
/* The same from an open descriptor (e.g. standard input); fd stays open. */
TL_MUST_CHECK int tl_file_read_fd(int fd, size_t max, uint8_t **out, size_t *len);

#endif
