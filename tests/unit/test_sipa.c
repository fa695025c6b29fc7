/* The SIPA reader of the Windows Boot Configuration Log: every prefix refused without moving,
 * nesting and count limits, field sizes, and the walk visits nothing of a bad structure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "logbuild.h"
#include "trustlaunch/sipa.h"

/* One SIPA event: type, size, data. */
static void sipa(struct lb *b, uint32_t type, const void *data, size_t len)
{
	lb_le32(b, type);
	lb_le32(b, (uint32_t)len);
	lb_put(b, data, len);
}

/* An aggregation holding the bytes of inner (freed). */
static void wrap(struct lb *b, uint32_t type, struct lb *inner)
{
	sipa(b, type, inner->buf, inner->len);
	lb_free(inner);
}

/* TRUSTBOUNDARY { BOOTCOUNTER 7, LOADEDMODULE { AUTHENTICODEHASH, FILEPATH }, TESTSIGNING 0 } */
static void sample(struct lb *b)
{
	struct lb tb = { 0 }, lma = { 0 };
	uint8_t hash[32];
	memset(hash, 0xab, sizeof(hash));
	sipa(&lma, TL_SIPA_AUTHENTICODEHASH, hash, sizeof(hash));
	sipa(&lma, TL_SIPA_FILEPATH, "\\\0a\0\0\0", 6);
	lb_le32(&tb, TL_SIPA_BOOTCOUNTER);
	lb_le32(&tb, 8);
	lb_le64(&tb, 7);
	wrap(&tb, TL_SIPA_LOADEDMODULE_AGGREGATION, &lma);
	sipa(&tb, TL_SIPA_TESTSIGNING, "\0", 1);
	wrap(b, TL_SIPA_TRUSTBOUNDARY, &tb);
}

static void sipa_read_refuses_every_prefix_without_moving(void **state)
{
	struct lb b = { 0 };
	(void)state;
	lb_put(&b, "xy", 2); /* the reader starts inside a larger buffer */
	sipa(&b, TL_SIPA_BOOTDEBUGGING, "\0", 1);
	for (size_t n = 2; n < b.len; n++) {
		struct tl_rd rd;
		uint32_t type = 99;
		struct tl_bytes data = { (const uint8_t *)"x", 1 };
		tl_rd_init(&rd, b.buf, n);
		assert_int_equal(tl_rd_skip(&rd, 2), TL_OK);
		assert_int_equal(tl_sipa_read(&rd, &type, &data), TL_E_SIPA_TRUNCATED);
		assert_int_equal(rd.pos, 2);
		assert_int_equal(type, 0);
		assert_null(data.ptr);
		assert_int_equal(data.len, 0);
	}
	struct tl_rd rd;
	uint32_t type;
	struct tl_bytes data;
	tl_rd_init(&rd, b.buf, b.len);
	assert_int_equal(tl_rd_skip(&rd, 2), TL_OK);
	assert_int_equal(tl_sipa_read(&rd, &type, &data), TL_OK);
	assert_int_equal(type, TL_SIPA_BOOTDEBUGGING);
	assert_int_equal(data.len, 1);
	assert_int_equal(tl_rd_left(&rd), 0);
	lb_free(&b);
}

static void sipa_walk_refuses_every_prefix(void **state)
{
	struct lb b = { 0 };
	(void)state;
	sample(&b);
	assert_int_equal(tl_sipa_walk((struct tl_bytes){ b.buf, b.len }, NULL, NULL, NULL), TL_OK);
	for (size_t n = 1; n < b.len; n++) {
		size_t bad = 999;
		assert_int_equal(tl_sipa_walk((struct tl_bytes){ b.buf, n }, NULL, NULL, &bad),
				 TL_E_SIPA_TRUNCATED);
		assert_int_equal(bad, 0); /* the outer event claims more than there is */
	}
	lb_free(&b);
}

/* An aggregation whose declared size is right but whose last child is cut short. */
static void sipa_walk_refuses_a_child_that_runs_past_its_aggregation(void **state)
{
	struct lb inner = { 0 }, b = { 0 };
	size_t bad = 0;
	(void)state;
	sipa(&inner, TL_SIPA_TESTSIGNING, "\0", 1);
	lb_le32(&inner, TL_SIPA_BOOTDEBUGGING);
	lb_le32(&inner, 1); /* promises one byte, has none */
	wrap(&b, TL_SIPA_TRUSTBOUNDARY, &inner);
	assert_int_equal(tl_sipa_walk((struct tl_bytes){ b.buf, b.len }, NULL, NULL, &bad),
			 TL_E_SIPA_TRUNCATED);
	assert_int_equal(bad, 8 + 9);
	lb_free(&b);
}

static void sipa_walk_refuses_nesting_deeper_than_the_limit(void **state)
{
	struct lb b = { 0 };
	(void)state;
	sipa(&b, TL_SIPA_TESTSIGNING, "\0", 1);
	for (unsigned depth = 1; depth <= TL_MAX_SIPA_DEPTH; depth++) {
		struct lb outer = { 0 };
		wrap(&outer, TL_SIPA_TRUSTBOUNDARY, &b);
		b = outer;
		/* depth aggregations around one leaf: depth + 1 levels */
		assert_int_equal(tl_sipa_walk((struct tl_bytes){ b.buf, b.len }, NULL, NULL, NULL),
				 depth + 1 <= TL_MAX_SIPA_DEPTH ? TL_OK : TL_E_SIPA_TOO_DEEP);
	}
	lb_free(&b);
}

static void sipa_walk_refuses_more_events_than_the_limit(void **state)
{
	struct lb b = { 0 };
	(void)state;
	for (unsigned i = 0; i < TL_MAX_SIPA_EVENTS; i++)
		sipa(&b, 0x00020001, "", 0);
	assert_int_equal(tl_sipa_walk((struct tl_bytes){ b.buf, b.len }, NULL, NULL, NULL), TL_OK);
	sipa(&b, 0x00020001, "", 0);
	assert_int_equal(tl_sipa_walk((struct tl_bytes){ b.buf, b.len }, NULL, NULL, NULL),
			 TL_E_SIPA_TOO_MANY);
	lb_free(&b);
}

static void sipa_walk_refuses_a_field_of_the_wrong_size(void **state)
{
	static const struct {
		uint32_t type;
		size_t len;
	} bad[] = {
		{ TL_SIPA_BOOTDEBUGGING, 4 },	  { TL_SIPA_OSKERNELDEBUG, 0 },
		{ TL_SIPA_TESTSIGNING, 2 },	  { TL_SIPA_CODEINTEGRITY, 8 },
		{ TL_SIPA_BOOTCOUNTER, 4 },	  { TL_SIPA_TRANSFER_CONTROL, 8 },
		{ TL_SIPA_VSM_LAUNCH_TYPE, 1 },	  { TL_SIPA_HYPERVISOR_DEBUG, 3 },
		{ TL_SIPA_AUTHENTICODEHASH, 31 }, { TL_SIPA_AUTHORITYSHA1THUMBPRINT, 19 },
		{ TL_SIPA_FILEPATH, 5 },	  { TL_SIPA_AUTHORITYSERIAL, 0 },
		{ TL_SIPA_AUTHORITYSERIAL, TL_MAX_SIPA_SERIAL + 1 },
		{ TL_SIPA_VBS_VSM_REQUIRED, 16 },
	};
	uint8_t zeros[256] = { 0 };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lb b = { 0 };
		size_t off = 0;
		sipa(&b, TL_SIPA_TESTSIGNING, "\0", 1);
		sipa(&b, bad[i].type, zeros, bad[i].len);
		assert_int_equal(tl_sipa_walk((struct tl_bytes){ b.buf, b.len }, NULL, NULL, &off),
				 TL_E_SIPA_FIELD_SIZE);
		assert_int_equal(off, 9);
		lb_free(&b);
	}
}

struct trace {
	char s[256];
};

static int record(const struct tl_sipa_event *ev, bool leave, void *arg)
{
	struct trace *t = arg;
	char one[32];
	snprintf(one, sizeof(one), "%s%x@%u:%zu ", leave ? "/" : "", ev->type & 0xffff,
		 ev->depth, ev->offset);
	strncat(t->s, one, sizeof(t->s) - strlen(t->s) - 1);
	return TL_OK;
}

static void sipa_walk_visits_in_order_with_depth_and_offset(void **state)
{
	struct lb b = { 0 };
	struct trace t = { "" };
	(void)state;
	sample(&b);
	assert_int_equal(tl_sipa_walk((struct tl_bytes){ b.buf, b.len }, record, &t, NULL), TL_OK);
	assert_string_equal(t.s, "1@0:0 2@1:8 3@1:24 4@2:32 1@2:72 /3@1:24 3@1:86 /1@0:0 ");
	lb_free(&b);
}

static void sipa_walk_visits_nothing_of_a_bad_structure(void **state)
{
	struct lb b = { 0 };
	struct trace t = { "" };
	(void)state;
	sample(&b);
	sipa(&b, TL_SIPA_BOOTDEBUGGING, "\0\0", 2); /* a good start, a bad end */
	assert_int_equal(tl_sipa_walk((struct tl_bytes){ b.buf, b.len }, record, &t, NULL),
			 TL_E_SIPA_FIELD_SIZE);
	assert_string_equal(t.s, "");
	lb_free(&b);
}

static void sipa_uint_reads_little_endian_of_each_size(void **state)
{
	struct tl_sipa_event ev = { 0 };
	uint64_t v = 1;
	(void)state;
	ev.data = (struct tl_bytes){ (const uint8_t *)"\x01\x02\x03\x04\x05\x06\x07\x08", 8 };
	assert_int_equal(tl_sipa_uint(&ev, &v), TL_OK);
	assert_true(v == 0x0807060504030201ull);
	ev.data.len = 2;
	assert_int_equal(tl_sipa_uint(&ev, &v), TL_OK);
	assert_int_equal(v, 0x0201);
	ev.data.len = 3;
	assert_int_equal(tl_sipa_uint(&ev, &v), TL_E_SIPA_FIELD_SIZE);
	assert_int_equal(v, 0);
}

static void sipa_name_and_calg(void **state)
{
	(void)state;
	assert_string_equal(tl_sipa_name(TL_SIPA_VBS_HVCI_POLICY), "SIPAEVENT_VBS_HVCI_POLICY");
	assert_null(tl_sipa_name(0x00051234));
	assert_int_equal(tl_sipa_calg_alg(0x800c), 0x000B);
	assert_int_equal(tl_sipa_calg_alg(0x8003), 0); /* MD5 */
}

static void sipa_is_windows_by_its_first_type(void **state)
{
	struct lb b = { 0 };
	(void)state;
	sample(&b);
	assert_true(tl_sipa_is_windows((struct tl_bytes){ b.buf, b.len }));
	assert_false(tl_sipa_is_windows((struct tl_bytes){ b.buf, 7 }));
	lb_free(&b);
	sipa(&b, 0x8F3B22ECu, "x\0", 2); /* systemd-stub's load options tag */
	assert_false(tl_sipa_is_windows((struct tl_bytes){ b.buf, b.len }));
	lb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sipa_read_refuses_every_prefix_without_moving),
		cmocka_unit_test(sipa_walk_refuses_every_prefix),
		cmocka_unit_test(sipa_walk_refuses_a_child_that_runs_past_its_aggregation),
		cmocka_unit_test(sipa_walk_refuses_nesting_deeper_than_the_limit),
		cmocka_unit_test(sipa_walk_refuses_more_events_than_the_limit),
		cmocka_unit_test(sipa_walk_refuses_a_field_of_the_wrong_size),
		cmocka_unit_test(sipa_walk_visits_in_order_with_depth_and_offset),
		cmocka_unit_test(sipa_walk_visits_nothing_of_a_bad_structure),
		cmocka_unit_test(sipa_uint_reads_little_endian_of_each_size),
		cmocka_unit_test(sipa_name_and_calg),
		cmocka_unit_test(sipa_is_windows_by_its_first_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
