/* Module signature trailers: unsigned, and each malformed shape, without sanitizer findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "logbuild.h"
#include "trustlaunch/modsig.h"

static void module(struct lb *b, uint32_t sig_len, uint8_t id_type, uint8_t pad)
{
	uint8_t body[64] = { 0x7f, 'E', 'L', 'F' }, sig[32] = { 0x30 };
	uint8_t hdr[12] = { 0, 0, id_type, 0, 0, pad, 0, 0 };
	hdr[8] = (uint8_t)(sig_len >> 24);
	hdr[9] = (uint8_t)(sig_len >> 16);
	hdr[10] = (uint8_t)(sig_len >> 8);
	hdr[11] = (uint8_t)sig_len;
	lb_put(b, body, sizeof(body));
	lb_put(b, sig, sizeof(sig));
	lb_put(b, hdr, sizeof(hdr));
	lb_put(b, "~Module signature appended~\n", 28);
}

static int parse(struct lb *b, struct tl_modsig *s)
{
	return tl_modsig_parse((struct tl_bytes){ b->buf, b->len }, s);
}

static void modsig_parse_splits_content_and_signature(void **state)
{
	struct lb b = { 0 };
	struct tl_modsig s;
	(void)state;
	module(&b, 32, 2, 0);
	assert_int_equal(parse(&b, &s), TL_OK);
	assert_int_equal(s.content.len, 64);
	assert_int_equal(s.pkcs7.len, 32);
	/* the signature is not PKCS#7 DER: verification says malformed, not trusted */
	struct tl_modsig_result r;
	struct tl_bytes none = { NULL, 0 };
	assert_int_equal(tl_modsig_verify(&s, &none, 1, &r), TL_E_MODSIG_MALFORMED);
	lb_free(&b);
}

static void modsig_parse_rejects_each_shape(void **state)
{
	struct lb b = { 0 };
	struct tl_modsig s;
	(void)state;
	lb_put(&b, "\x7f" "ELF no signature here", 22);
	assert_int_equal(parse(&b, &s), TL_E_MODSIG_UNSIGNED);
	lb_free(&b);
	module(&b, 96, 2, 0); /* sig_len = everything before the header */
	assert_int_equal(parse(&b, &s), TL_E_MODSIG_MALFORMED);
	lb_free(&b);
	module(&b, 0xFFFFFFFF, 2, 0);
	assert_int_equal(parse(&b, &s), TL_E_MODSIG_MALFORMED);
	lb_free(&b);
	module(&b, 0, 2, 0);
	assert_int_equal(parse(&b, &s), TL_E_MODSIG_MALFORMED);
	lb_free(&b);
	module(&b, 32, 1, 0); /* not PKEY_ID_PKCS7 */
	assert_int_equal(parse(&b, &s), TL_E_MODSIG_MALFORMED);
	lb_free(&b);
	module(&b, 32, 2, 7); /* a reserved byte set */
	assert_int_equal(parse(&b, &s), TL_E_MODSIG_MALFORMED);
	lb_free(&b);
	/* only the trailer, nothing before it */
	lb_put(&b, "\0\0\2\0\0\0\0\0\0\0\0\1~Module signature appended~\n", 40);
	assert_int_equal(parse(&b, &s), TL_E_MODSIG_MALFORMED);
	lb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modsig_parse_splits_content_and_signature),
		cmocka_unit_test(modsig_parse_rejects_each_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
