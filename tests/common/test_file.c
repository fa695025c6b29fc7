/* Files of secrets and state (src/common/file.c): links, loose permissions and short files
 * are refused with their own code; a replace is whole; a leftover temporary file is no
 * obstacle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "file.h"

static char dir[64], path[128];
static const uint8_t key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/tl-file-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/secret", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void file_write_private_then_read_secret_round_trips(void **state)
{
	uint8_t got[32];
	struct stat st;
	(void)state;
	assert_int_equal(tl_file_write_private(path, key, sizeof(key), false), TL_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_OK);
	assert_memory_equal(got, key, sizeof(key));
	/* not replaced when it must not be */
	assert_int_equal(tl_file_write_private(path, "x", 1, false), TL_E_FILE_EXISTS);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_OK);
	assert_memory_equal(got, key, sizeof(key));
}

static void file_read_secret_refuses_symlink(void **state)
{
	char target[160];
	uint8_t got[32];
	(void)state;
	snprintf(target, sizeof(target), "%s/target", dir);
	assert_int_equal(tl_file_write_private(target, key, sizeof(key), true), TL_OK);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_E_FILE_SYMLINK);
}

static void file_write_private_replaces_symlink_not_its_target(void **state)
{
	char target[160];
	uint8_t got[32];
	(void)state;
	snprintf(target, sizeof(target), "%s/target", dir);
	assert_int_equal(tl_file_write_private(target, key, sizeof(key), true), TL_OK);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(tl_file_write_private(path, "new", 3, true), TL_OK);
	assert_int_equal(tl_file_read_secret(target, got, sizeof(got)), TL_OK);
	assert_memory_equal(got, key, sizeof(key));
}

static void file_read_secret_refuses_loose_permissions(void **state)
{
	uint8_t got[32];
	(void)state;
	assert_int_equal(tl_file_write_private(path, key, sizeof(key), true), TL_OK);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_E_FILE_MODE);
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_E_FILE_MODE);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_OK);
}

static void file_read_secret_refuses_short_file(void **state)
{
	uint8_t got[32];
	(void)state;
	/* what a crash between O_CREAT and write used to leave */
	assert_int_equal(tl_file_write_private(path, key, 5, true), TL_OK);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_E_FILE_SIZE);
	assert_string_equal(tl_err_name(TL_E_FILE_SIZE), "file.size");
	assert_int_equal(tl_file_write_private(path, key, 0, true), TL_OK);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_E_FILE_SIZE);
	/* and a longer one */
	assert_int_equal(tl_file_write_private(path, key, sizeof(key), true), TL_OK);
	assert_int_equal(tl_file_read_secret(path, got, 31), TL_E_FILE_SIZE);
}

static void file_read_secret_refuses_directory_and_missing(void **state)
{
	uint8_t got[32];
	(void)state;
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_E_FILE_MISSING);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_E_FILE_TYPE);
	/* and nothing can be written there */
	assert_int_not_equal(tl_file_write_private(path, key, sizeof(key), true), TL_OK);
}

static void file_write_private_replace_is_whole(void **state)
{
	uint8_t *got = NULL;
	size_t len = 0;
	(void)state;
	assert_int_equal(tl_file_write_private(path, "old contents\n", 13, true), TL_OK);
	assert_int_equal(tl_file_write_private(path, "new\n", 4, true), TL_OK);
	assert_int_equal(tl_file_read(path, 100, &got, &len), TL_OK);
	assert_int_equal(len, 4);
	assert_memory_equal(got, "new\n", 4);
	free(got);
	/* the temporary file is gone */
	char tmp[200];
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	assert_int_not_equal(access(tmp, F_OK), 0);
}

static void file_write_private_ignores_leftover_temp(void **state)
{
	char tmp[200];
	uint8_t got[32];
	FILE *f;
	(void)state;
	/* a crash of a process with this id left half a temporary file, and one left a link */
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	assert_non_null(f = fopen(tmp, "w"));
	fputs("half", f);
	fclose(f);
	assert_int_equal(tl_file_write_private(path, key, sizeof(key), false), TL_OK);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_OK);
	assert_memory_equal(got, key, sizeof(key));
	assert_int_equal(symlink("/etc/passwd", tmp), 0);
	assert_int_equal(tl_file_write_private(path, key, sizeof(key), true), TL_OK);
	assert_int_equal(tl_file_read_secret(path, got, sizeof(got)), TL_OK);
}

static void file_read_bounded_at_and_over_limit(void **state)
{
	uint8_t *got = NULL;
	size_t len = 0;
	(void)state;
	assert_int_equal(tl_file_write_private(path, "12345678", 8, true), TL_OK);
	assert_int_equal(tl_file_read(path, 8, &got, &len), TL_OK);
	assert_int_equal(len, 8);
	assert_int_equal(got[8], 0);
	free(got);
	assert_int_equal(tl_file_read(path, 7, &got, &len), TL_E_FILE_TOO_LARGE);
	assert_null(got);
	assert_int_equal(tl_file_read("/nonexistent/x", 7, &got, &len), TL_E_FILE_MISSING);
	/* a file that reports size 0 is read as it is */
	assert_int_equal(tl_file_read("/proc/self/stat", 4096, &got, &len), TL_OK);
	assert_true(len > 0);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(file_write_private_then_read_secret_round_trips),
		T(file_read_secret_refuses_symlink),
		T(file_write_private_replaces_symlink_not_its_target),
		T(file_read_secret_refuses_loose_permissions),
		T(file_read_secret_refuses_short_file),
		T(file_read_secret_refuses_directory_and_missing),
		T(file_write_private_replace_is_whole),
		T(file_write_private_ignores_leftover_temp),
		T(file_read_bounded_at_and_over_limit),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
