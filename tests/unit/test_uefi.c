/* UEFI structures and text: device paths, variables, signature lists, untrusted strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "logbuild.h"
#include "trustlaunch/text.h"
#include "trustlaunch/uefi.h"

static void node(struct lb *b, uint8_t type, uint8_t sub, const void *body, size_t n)
{
	lb_u8(b, type);
	lb_u8(b, sub);
	lb_le16(b, (uint16_t)(n + 4));
	lb_put(b, body, n);
}

static char *render(const struct lb *b, int *err)
{
	struct tl_buf out;
	tl_buf_init(&out, 65536);
	tl_buf_puts(&out, "");
	*err = tl_devpath_text(&out, (struct tl_bytes){ b->buf, b->len });
	return tl_buf_take(&out);
}

static void devpath_text_renders_common_nodes(void **state)
{
	struct lb b = { 0 };
	uint8_t acpi[8] = { 0xD0, 0x41, 0x03, 0x0A, 0, 0, 0, 0 }, pci[2] = { 1, 3 };
	uint8_t file[] = { '\\', 0, 'E', 0, 'F', 0, 'I', 0, 0, 0 };
	char *s;
	int err;
	(void)state;
	node(&b, 2, 1, acpi, sizeof(acpi));
	node(&b, 1, 1, pci, sizeof(pci));
	node(&b, 4, 4, file, sizeof(file));
	node(&b, 0x7F, 0xFF, NULL, 0);
	s = render(&b, &err);
	assert_int_equal(err, TL_OK);
	assert_string_equal(s, "PciRoot(0x0)/Pci(0x3,0x1)/\\EFI");
	free(s);
	lb_free(&b);
}

static void devpath_text_rejects_bad_lengths(void **state)
{
	struct lb b = { 0 };
	char *s;
	int err;
	(void)state;
	lb_u8(&b, 1);
	lb_u8(&b, 1);
	lb_le16(&b, 3); /* shorter than a node header */
	s = render(&b, &err);
	assert_int_equal(err, TL_E_EVENT_MALFORMED);
	assert_string_equal(s, "<malformed>");
	free(s);
	lb_free(&b);
	node(&b, 1, 1, "\x01\x02", 2);
	lb_u8(&b, 1);
	lb_u8(&b, 1);
	lb_le16(&b, 60000); /* runs past the end */
	s = render(&b, &err);
	assert_int_equal(err, TL_E_EVENT_MALFORMED);
	assert_string_equal(s, "Pci(0x2,0x1)/<malformed>");
	free(s);
	lb_free(&b);
}

/* An unknown node rendered as hex past the text limit, then another node: the renderer
 * stops at the limit instead of reading past it. */
static void devpath_text_stops_at_the_text_limit(void **state)
{
	struct lb b = { 0 };
	uint8_t *body = calloc(1, 40000);
	char *s;
	int err;
	(void)state;
	node(&b, 9, 9, body, 40000);
	node(&b, 1, 1, "\x01\x02", 2);
	s = render(&b, &err);
	assert_null(s); /* the buffer reports its limit; nothing is read beyond it */
	free(body);
	lb_free(&b);
}

static void uefi_var_parse_checks_every_length(void **state)
{
	struct lb b = { 0 };
	struct tl_uefi_var v;
	struct tl_bytes trailing;
	(void)state;
	lb_var(&b, TL_GUID_GLOBAL_VARIABLE.b, "SecureBoot", "\x01", 1);
	assert_int_equal(tl_uefi_var_parse((struct tl_bytes){ b.buf, b.len }, &v), TL_OK);
	assert_true(tl_uefi_var_is(&v, &TL_GUID_GLOBAL_VARIABLE, "SecureBoot"));
	assert_false(tl_uefi_var_is(&v, &TL_GUID_GLOBAL_VARIABLE, "SecureBoo"));
	tl_uefi_var_clear(&v);
	lb_u8(&b, 0);
	assert_int_equal(tl_uefi_var_parse((struct tl_bytes){ b.buf, b.len }, &v),
			 TL_E_VAR_MALFORMED);
	assert_null(v.name);
	assert_int_equal(tl_uefi_var_parse_lenient((struct tl_bytes){ b.buf, b.len }, &v, &trailing),
			 TL_OK);
	assert_int_equal(trailing.len, 1);
	tl_uefi_var_clear(&v);
	/* a data length of 2^64-1 */
	memset(b.buf + 24, 0xFF, 8);
	assert_int_equal(tl_uefi_var_parse((struct tl_bytes){ b.buf, b.len }, &v),
			 TL_E_VAR_MALFORMED);
	lb_free(&b);
	/* "db\0x" is not "db" */
	lb_put(&b, TL_GUID_IMAGE_SECURITY_DB.b, 16);
	lb_le64(&b, 4);
	lb_le64(&b, 0);
	lb_put(&b, "d\0b\0\0\0x\0", 8);
	assert_int_equal(tl_uefi_var_parse((struct tl_bytes){ b.buf, b.len }, &v), TL_OK);
	assert_string_equal(v.name, "db");
	assert_false(tl_uefi_var_is(&v, &TL_GUID_IMAGE_SECURITY_DB, "db"));
	tl_uefi_var_clear(&v);
	lb_free(&b);
}

static int count_entry(const struct tl_esl_entry *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return TL_OK;
}

static void esl_walk_checks_sizes(void **state)
{
	struct lb b = { 0 };
	size_t n;
	int seen = 0;
	(void)state;
	lb_put(&b, TL_GUID_CERT_SHA256.b, 16);
	lb_le32(&b, 28 + 2 * 48);
	lb_le32(&b, 0);
	lb_le32(&b, 48);
	for (int i = 0; i < 96; i++)
		lb_u8(&b, (uint8_t)i);
	assert_int_equal(tl_esl_count((struct tl_bytes){ b.buf, b.len }, &n), TL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(tl_esl_walk((struct tl_bytes){ b.buf, b.len }, count_entry, &seen), TL_OK);
	assert_int_equal(seen, 2);
	/* a list size that runs past the store: nothing is reported */
	b.buf[16] += 1;
	seen = 0;
	assert_int_equal(tl_esl_walk((struct tl_bytes){ b.buf, b.len }, count_entry, &seen),
			 TL_E_ESL_MALFORMED);
	assert_int_equal(seen, 0);
	b.buf[16] -= 1;
	/* a signature size of 16 (owner only) or a header larger than the list */
	b.buf[24] = 16;
	assert_int_equal(tl_esl_count((struct tl_bytes){ b.buf, b.len }, &n), TL_E_ESL_MALFORMED);
	b.buf[24] = 48;
	b.buf[20] = 200;
	assert_int_equal(tl_esl_count((struct tl_bytes){ b.buf, b.len }, &n), TL_E_ESL_MALFORMED);
	lb_free(&b);
}

static void text_utf16_replaces_what_is_not_text(void **state)
{
	struct tl_buf out;
	(void)state;
	tl_buf_init(&out, 1024);
	tl_text_utf16(&out, (struct tl_bytes){ (const uint8_t *)"A\0\x00\xD8" "B\0C", 7 });
	/* an unpaired surrogate, then "B", then an odd byte */
	assert_string_equal(tl_buf_str(&out), "A\xEF\xBF\xBD" "B\xEF\xBF\xBD");
	tl_buf_free(&out);
	tl_text_bytes(&out, (struct tl_bytes){ (const uint8_t *)"ok\x01\xff\xc3\xa9\0\0", 8 });
	assert_string_equal(tl_buf_str(&out), "ok\\x01\\xff\xc3\xa9");
	tl_buf_free(&out);
	assert_true(tl_text_is_utf16((struct tl_bytes){ (const uint8_t *)"v\0" "1\0\0\0", 6 }));
	assert_false(tl_text_is_utf16((struct tl_bytes){ (const uint8_t *)"v\0" "1\0", 4 }));
	assert_false(tl_text_is_ascii((struct tl_bytes){ (const uint8_t *)"\0\0", 2 }));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(devpath_text_renders_common_nodes),
		cmocka_unit_test(devpath_text_rejects_bad_lengths),
		cmocka_unit_test(devpath_text_stops_at_the_text_limit),
		cmocka_unit_test(uefi_var_parse_checks_every_length),
		cmocka_unit_test(esl_walk_checks_sizes),
		cmocka_unit_test(text_utf16_replaces_what_is_not_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
