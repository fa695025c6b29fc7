/* libFuzzer target: list cursors (api_page.c), the one part of a list request that is more
 * than a number. A cursor accepted is exactly what its number and key print back to, and
 * its key is one key_ok accepts; nothing else is. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *c, bool (*key_ok)(const char *key))
{
	char key[TL_API_CURSOR_KEY], back[TL_API_CURSOR_MAX + 32];
	int64_t num = -1;
	if (!tl_api_cursor_parse(c, key_ok, &num, key))
		return;
	if (num < 0 || (!key_ok && (num == 0 || key[0])) || (key_ok && !key_ok(key)))
		abort();
	if (key_ok)
		snprintf(back, sizeof(back), "%" PRId64 ".%s", num, key);
	else
		snprintf(back, sizeof(back), "%" PRId64, num);
	/* leading zeros print back without them: the number must still be the same */
	const char *digits = c + strspn(c, "0");
	if (strcmp(back, c) != 0 && strcmp(back, digits) != 0 && !(num == 0 && c[0] == '0'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char c[TL_API_CURSOR_MAX + 16];
	if (size >= sizeof(c))
		return 0;
	memcpy(c, data, size);
	c[size] = '\0';
	check(c, NULL);
	check(c, tl_api_vm_id);
	return 0;
}
