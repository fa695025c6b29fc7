/* libFuzzer target: the agent's text collectors (kmsg.c, osrelease.c) over the same bytes.
 * Whatever they report must be bounded, printable and NUL-terminated, and a caller resuming
 * from next_seq two events at a time must always move forward. */
#include <stdlib.h>
#include <string.h>

#include "collect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	if (n == cap)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7E)
			__builtin_trap();
}

static void check_event(const struct tl_kmsg_event *ev, uint64_t from)
{
	if (!ev->type || ev->seq < from)
		__builtin_trap();
	check_str(ev->module, sizeof(ev->module));
	check_str(ev->reason, sizeof(ev->reason));
	check_str(ev->time, sizeof(ev->time));
}

static void scan(struct tl_bytes text)
{
	struct tl_kmsg_event ev[2];
	uint64_t from = 0, next;
	size_t n, calls = 0;

	do {
		if (tl_kmsg_scan(text, from, ev, 2, &n, &next) != TL_OK || n > 2)
			__builtin_trap();
		for (size_t i = 0; i < n; i++)
			check_event(&ev[i], from);
		if (n == 2 && next <= from)
			__builtin_trap();
		from = next;
		if (++calls > text.len + 1)
			__builtin_trap();
	} while (n == 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_bytes text = { data, size };
	struct tl_osrelease os;
	char line[TL_UNAME_STR];
	char field[TL_UNAME_FIELD + 8];

	scan(text);
	if (tl_osrelease_parse(text, &os) == TL_OK) {
		check_str(os.id, sizeof(os.id));
		check_str(os.version_id, sizeof(os.version_id));
		check_str(os.pretty_name, sizeof(os.pretty_name));
	}
	memset(field, 0, sizeof(field));
	if (size > 0)
		memcpy(field, data, size < sizeof(field) - 1 ? size : sizeof(field) - 1);
	tl_uname_format(line, field, field, NULL, field);
	check_str(line, sizeof(line));
	return 0;
}
