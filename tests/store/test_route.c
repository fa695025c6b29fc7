/* The route table: matching by method and pattern, 404 vs 405 with Allow, parameters, roles
 * as an enum, and the request targets refused before routing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "api.h"
#include "route.h"

static const struct tl_route *find(const char *method, const char *path,
				   enum tl_route_result *res, struct tl_route_params *p,
				   char allow[TL_ROUTE_ALLOW_LEN])
{
	size_t n;
	const struct tl_route *table = tl_api_routes(&n), *out;
	*res = tl_route_match(table, n, method, path, &out, p, allow);
	return out;
}

#define VM "0b6f3a62-2f43-4f7c-9d6b-2b1f9e0d5a10"

static void route_match_finds_row_and_parameters(void **state)
{
	enum tl_route_result res;
	struct tl_route_params p;
	char allow[TL_ROUTE_ALLOW_LEN];
	const struct tl_route *r;
	(void)state;
	r = find("POST", "/v1/vms/" VM "/attest", &res, &p, allow);
	assert_int_equal(res, TL_ROUTE_FOUND);
	assert_string_equal(r->pattern, "/v1/vms/{vm}/attest");
	assert_string_equal(p.vm, VM);
	assert_int_equal(r->min_role, TL_ROLE_NONE);
	assert_int_equal(r->gate, TL_GATE_ENROLLED);
	assert_int_equal(r->max_body, TL_HTTP_MAX_BODY);
	r = find("POST", "/v1/vms/" VM "/enroll/" VM "/activate", &res, &p, allow);
	assert_int_equal(res, TL_ROUTE_FOUND);
	assert_string_equal(p.eid, VM);
	r = find("DELETE", "/v1/tokens/0123456789ab", &res, &p, allow);
	assert_int_equal(res, TL_ROUTE_FOUND);
	assert_string_equal(p.token, "0123456789ab");
	assert_int_equal(r->min_role, TL_ROLE_ADMIN);
	assert_int_equal(r->max_body, 0);
}

static void route_match_tells_unknown_path_from_wrong_method(void **state)
{
	enum tl_route_result res;
	struct tl_route_params p;
	char allow[TL_ROUTE_ALLOW_LEN];
	(void)state;
	assert_null(find("POST", "/nope/attest", &res, &p, allow));
	assert_int_equal(res, TL_ROUTE_NO_PATH);
	assert_null(find("GET", "/v1/vms/" VM "/attest/x", &res, &p, allow));
	assert_int_equal(res, TL_ROUTE_NO_PATH);
	assert_null(find("GET", "/v1/vms/", &res, &p, allow));
	assert_int_equal(res, TL_ROUTE_NO_PATH);
	assert_null(find("GET", "/v1/vms//attest", &res, &p, allow));
	assert_int_equal(res, TL_ROUTE_NO_PATH);
	assert_null(find("DELETE", "/v1/vms/" VM "/baseline", &res, &p, allow));
	assert_int_equal(res, TL_ROUTE_NO_METHOD);
	assert_string_equal(allow, "GET, PUT");
	assert_null(find("PUT", "/v1/vms", &res, &p, allow));
	assert_int_equal(res, TL_ROUTE_NO_METHOD);
	assert_string_equal(allow, "GET, POST");
}

static void route_match_refuses_overlong_parameter(void **state)
{
	enum tl_route_result res;
	struct tl_route_params p;
	char allow[TL_ROUTE_ALLOW_LEN], path[200];
	(void)state;
	memset(path, 0, sizeof(path));
	memcpy(path, "/v1/vms/", 8);
	memset(path + 8, 'a', TL_ROUTE_MAX_PARAM + 1);
	assert_null(find("GET", path, &res, &p, allow));
	assert_int_equal(res, TL_ROUTE_NO_PATH);
}

static void route_table_every_body_limit_is_named(void **state)
{
	size_t n;
	const struct tl_route *t = tl_api_routes(&n);
	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_true(t[i].max_body == 0 || t[i].max_body == TL_HTTP_MAX_SMALL_BODY ||
			    t[i].max_body == TL_HTTP_MAX_BODY);
		/* only the agent's attest, a baseline and a host's inventory (up to 1 000
		 * domains, an operator's) take the large limit */
		if (t[i].max_body == TL_HTTP_MAX_BODY)
			assert_true(strstr(t[i].pattern, "/attest") || strstr(t[i].pattern, "/baseline") ||
				    strstr(t[i].pattern, "/inventory"));
		/* GET and DELETE take no body */
		if (!strcmp(t[i].method, "GET") || !strcmp(t[i].method, "DELETE"))
			assert_int_equal(t[i].max_body, 0);
	}
}

static void role_parse_orders_roles_and_refuses_others(void **state)
{
	enum tl_role r;
	(void)state;
	assert_int_equal(tl_role_parse("reader", &r), TL_OK);
	assert_int_equal(r, TL_ROLE_READER);
	assert_int_equal(tl_role_parse("admin", &r), TL_OK);
	assert_true(r > TL_ROLE_OPERATOR && TL_ROLE_OPERATOR > TL_ROLE_READER);
	assert_int_equal(tl_role_parse("Admin", &r), TL_E_ARG);
	assert_int_equal(r, TL_ROLE_NONE);
	assert_int_equal(tl_role_parse("none", &r), TL_E_ARG);
	assert_int_equal(tl_role_parse("", &r), TL_E_ARG);
	assert_string_equal(tl_role_name(TL_ROLE_OPERATOR), "operator");
}

static void route_target_ok_refuses_dot_segments_and_encoded_nul(void **state)
{
	(void)state;
	assert_true(tl_route_target_ok("/v1/vms/" VM));
	assert_true(tl_route_target_ok("/v1/vms?limit=5"));
	assert_true(tl_route_target_ok("/v1/vms/a.b/x..y"));
	assert_false(tl_route_target_ok("/v1/vms/" VM "%00/../../tokens"));
	assert_false(tl_route_target_ok("/v1/../v1/tokens"));
	assert_false(tl_route_target_ok("/v1/./tokens"));
	/* an escape that is not one hides an encoded NUL after it (found by fuzz_route) */
	assert_false(tl_route_target_ok("/v11/toke*s/%%00"));
	assert_false(tl_route_target_ok("/v1/vms/%zz"));
	assert_false(tl_route_target_ok("/v1/vms/%4"));
	assert_true(tl_route_target_ok("/v1/vms/a%41b"));
	assert_false(tl_route_target_ok("/v1/vms/.."));
	assert_false(tl_route_target_ok("/v1/vms/."));
	assert_false(tl_route_target_ok("/v1/%2e%2E/tokens"));
	assert_false(tl_route_target_ok("/v1%2ftokens"));
	assert_false(tl_route_target_ok("/v1\\tokens"));
	assert_false(tl_route_target_ok("/v1/\x01"));
	assert_false(tl_route_target_ok("v1/vms"));
	assert_false(tl_route_target_ok("*"));
	assert_false(tl_route_target_ok(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(route_match_finds_row_and_parameters),
		cmocka_unit_test(route_match_tells_unknown_path_from_wrong_method),
		cmocka_unit_test(route_match_refuses_overlong_parameter),
		cmocka_unit_test(route_table_every_body_limit_is_named),
		cmocka_unit_test(role_parse_orders_roles_and_refuses_others),
		cmocka_unit_test(route_target_ok_refuses_dot_segments_and_encoded_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
