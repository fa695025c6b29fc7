/* The host daemon's reader of a guest's request (trustlaunch/relay.h): what passes, and each
 * hostile request refused with its own error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/relay.h"
#include "trustlaunch/wire.h"

#define VM "0b6f2a3e-5d1c-4b8e-9f00-1234567890ab"
#define OTHER "99999999-5d1c-4b8e-9f00-1234567890ab"
#define EID "11111111-2222-4333-8444-555555555555"

static int parse(const char *text, struct tl_relay_req *r, bool *complete)
{
	return tl_relay_parse((struct tl_bytes){ (const uint8_t *)text, strlen(text) }, VM, r,
			      complete);
}

static void refused(const char *text, int want)
{
	struct tl_relay_req r;
	bool complete = true;
	assert_int_equal(parse(text, &r, &complete), want);
	assert_false(complete);
}

static void agent_requests_pass(void **state)
{
	struct tl_relay_req r;
	bool complete;
	char path[160];
	(void)state;
	assert_int_equal(parse("POST /v1/vms/" VM "/attest HTTP/1.1\r\nHost: trustlaunch\r\n"
			       "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
			       &r, &complete), TL_OK);
	assert_true(complete);
	assert_int_equal(r.ep, TL_RELAY_ATTEST);
	assert_int_equal(r.body_len, 2);
	assert_int_equal(parse("POST /v1/vms/" VM "/enroll/" EID "/activate HTTP/1.1\r\n"
			       "Authorization:  Bearer tok-123 \r\nContent-Length: 2\r\n\r\n{",
			       &r, &complete), TL_OK);
	assert_false(complete); /* one body byte missing */
	assert_int_equal(r.ep, TL_RELAY_ACTIVATE);
	assert_string_equal(r.eid, EID);
	assert_string_equal(r.auth, "Bearer tok-123");
	assert_int_equal(tl_relay_path(&r, VM, path, sizeof(path)), TL_OK);
	assert_string_equal(path, "/v1/vms/" VM "/enroll/" EID "/activate");
	/* a head not complete yet is no error */
	assert_int_equal(parse("POST /v1/vms/" VM "/chall", &r, &complete), TL_OK);
	assert_false(complete);
}

static void other_vm_and_endpoints(void **state)
{
	(void)state;
	refused("POST /v1/vms/" OTHER "/attest HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
		TL_E_RELAY_OTHER_VM);
	refused("POST /v1/vms/" OTHER "/enroll/" EID "/activate HTTP/1.1\r\n\r\n",
		TL_E_RELAY_OTHER_VM);
	refused("GET /v1/vms/" VM " HTTP/1.1\r\n\r\n", TL_E_RELAY_METHOD);
	refused("DELETE /v1/vms/" VM " HTTP/1.1\r\n\r\n", TL_E_RELAY_METHOD);
	refused("POST /v1/tokens HTTP/1.1\r\n\r\n", TL_E_RELAY_ENDPOINT);
	refused("POST /v1/vms/" VM "/baseline/relearn HTTP/1.1\r\n\r\n", TL_E_RELAY_ENDPOINT);
	refused("POST /v1/vms/" VM "/attest?x=1 HTTP/1.1\r\n\r\n", TL_E_RELAY_ENDPOINT);
	refused("POST /v1/vms/" VM "/challenge/../../" OTHER "/challenge HTTP/1.1\r\n\r\n",
		TL_E_RELAY_ENDPOINT);
	refused("POST /v1/vms/0B6F2A3E-5D1C-4B8E-9F00-1234567890AB/attest HTTP/1.1\r\n\r\n",
		TL_E_RELAY_ENDPOINT); /* its own id, upper-cased: not the service's form */
	refused("POST /v1/vms/" VM "/enroll/not-a-uuid/activate HTTP/1.1\r\n\r\n",
		TL_E_RELAY_ENDPOINT);
}

static void framing(void **state)
{
	char big[64];
	(void)state;
	refused("POST /v1/vms/" VM "/attest HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
		TL_E_HTTP_UNSUPPORTED);
	refused("POST /v1/vms/" VM "/attest HTTP/1.0\r\n\r\n", TL_E_HTTP_UNSUPPORTED);
	refused("POST /v1/vms/" VM "/attest HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2"
		"\r\n\r\n{}", TL_E_HTTP_MALFORMED);
	refused("POST /v1/vms/" VM "/attest HTTP/1.1\nContent-Length: 2\n\n{}",
		TL_E_HTTP_MALFORMED);
	refused("POST /v1/vms/" VM "/attest HTTP/1.1\r\nContent-Length: 2\r\n folded\r\n\r\n",
		TL_E_HTTP_MALFORMED);
	refused("POST /v1/vms/" VM "/attest HTTP/1.1\r\nContent-Length : 2\r\n\r\n",
		TL_E_HTTP_MALFORMED);
	refused("POST /v1/vms/" VM "/attest HTTP/1.1\r\nContent-Length: -2\r\n\r\n",
		TL_E_HTTP_MALFORMED);
	refused("POST /v1/vms/" VM "/attest HTTP/1.1\r\n\r\n", TL_E_HTTP_MALFORMED); /* no length */
	refused("POST  /v1/vms/" VM "/attest HTTP/1.1\r\n\r\n", TL_E_HTTP_MALFORMED);
	refused("POST /v1/vms/" VM "/attest HTTP/1.1\r\nX: a\x01z\r\n\r\n", TL_E_HTTP_MALFORMED);
	refused("POST /v1/vms/" VM "/challenge HTTP/1.1\r\nContent-Length: 65537\r\n\r\n",
		TL_E_HTTP_TOO_LARGE);
	snprintf(big, sizeof(big), "%u", TL_WIRE_MAX_BODY + 1u);
	{
		char req[256];
		snprintf(req, sizeof(req),
			 "POST /v1/vms/" VM "/attest HTTP/1.1\r\nContent-Length: %s\r\n\r\n", big);
		refused(req, TL_E_HTTP_TOO_LARGE);
	}
	refused("POST /v1/vms/" VM "/attest HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
		TL_E_RELAY_HEADER);
	refused("POST /v1/vms/" VM "/attest HTTP/1.1\r\nAuthorization: a\r\nAuthorization: b"
		"\r\n\r\n", TL_E_RELAY_HEADER);
}

/* A head that never ends is refused once it reaches the limit, not buffered for ever. */
static void endless_head(void **state)
{
	static char text[TL_RELAY_MAX_HEAD + 64];
	size_t n = (size_t)snprintf(text, sizeof(text), "POST /v1/vms/" VM "/attest HTTP/1.1\r\n");
	struct tl_relay_req r;
	bool complete;
	(void)state;
	while (n + 8 < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n, "X: y\r\n");
	assert_int_equal(parse(text, &r, &complete), TL_E_HTTP_TOO_LARGE);
	assert_int_equal(tl_relay_parse((struct tl_bytes){ (const uint8_t *)"x", 1 }, "not-a-uuid",
					&r, &complete), TL_E_ARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agent_requests_pass),
		cmocka_unit_test(other_vm_and_endpoints),
		cmocka_unit_test(framing),
		cmocka_unit_test(endless_head),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
