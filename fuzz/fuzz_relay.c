/* libFuzzer target: the host daemon's reader of a guest's request (src/lib/relay/request.c).
 * A complete request lies inside the input and the limits, names an endpoint of the VM's
 * own id (the path rebuilt from the typed result starts with it), the input cut at its end
 * gives the same result and one byte less an incomplete one. */
#include <string.h>

#include "trustlaunch/relay.h"
#include "trustlaunch/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define VM "0b6f2a3e-5d1c-4b8e-9f00-1234567890ab"

static void same(const struct tl_relay_req *a, const struct tl_relay_req *b)
{
	if (a->ep != b->ep || a->head_len != b->head_len || a->body_len != b->body_len ||
	    strcmp(a->eid, b->eid) != 0 || strcmp(a->auth, b->auth) != 0)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_bytes in = { data, size };
	struct tl_relay_req r, again;
	bool complete, c2;
	char path[160];
	size_t end;

	if (tl_relay_parse(in, VM, &r, &complete) != TL_OK || r.head_len == 0) {
		if (complete)
			__builtin_trap();
		return 0;
	}
	if (r.head_len > TL_RELAY_MAX_HEAD || r.head_len > size ||
	    r.body_len > (r.ep == TL_RELAY_ATTEST ? TL_WIRE_MAX_BODY : TL_RELAY_MAX_SMALL_BODY) ||
	    strlen(r.auth) > TL_RELAY_MAX_AUTH)
		__builtin_trap();
	if (tl_relay_path(&r, VM, path, sizeof(path)) != TL_OK ||
	    strncmp(path, "/v1/vms/" VM "/", 8 + 36 + 1) != 0)
		__builtin_trap();
	end = r.head_len + r.body_len;
	if (complete != (end <= size))
		__builtin_trap();
	if (!complete)
		return 0;
	in.len = end;
	if (tl_relay_parse(in, VM, &again, &c2) != TL_OK || !c2)
		__builtin_trap();
	same(&r, &again);
	in.len = end - 1;
	if (tl_relay_parse(in, VM, &again, &c2) != TL_OK || c2)
		__builtin_trap();
	return 0;
}
