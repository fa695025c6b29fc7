/* TPM 2.0 unmarshallers on hostile input: each refusal has its own code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "logbuild.h"
#include "trustlaunch/credential.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/quote.h"
#include "trustlaunch/tpm2.h"

static void be16(struct lb *b, uint16_t v)
{
	lb_u8(b, (uint8_t)(v >> 8));
	lb_u8(b, (uint8_t)v);
}

static void be32(struct lb *b, uint32_t v)
{
	be16(b, (uint16_t)(v >> 16));
	be16(b, (uint16_t)v);
}

static int selection(const struct lb *b, struct tl_pcr_selection *sel)
{
	struct tl_rd rd;
	tl_rd_init(&rd, b->buf, b->len);
	return tl_tpm2_pcr_selection(&rd, sel);
}

static void one_bank(struct lb *b, uint16_t alg, uint8_t size, const uint8_t *bits)
{
	be16(b, alg);
	lb_u8(b, size);
	lb_put(b, bits, size);
}

static void tpm2_pcr_selection_is_strict(void **state)
{
	static const uint8_t lo[3] = { 0xff, 0x03, 0x00 }, none[3] = { 0 };
	static const uint8_t high[4] = { 0, 0, 0, 0x01 }, five[5] = { 1, 0, 0, 0, 0 };
	struct tl_pcr_selection sel;
	struct lb b = { 0 };
	(void)state;
	be32(&b, 2);
	one_bank(&b, TL_ALG_SHA1, 3, lo);
	one_bank(&b, TL_ALG_SHA256, 3, lo);
	assert_int_equal(selection(&b, &sel), TL_OK);
	assert_int_equal(sel.count, 2);
	assert_int_equal(sel.bank[1].mask, 0x3ff);
	lb_free(&b);

	be32(&b, 17);
	assert_int_equal(selection(&b, &sel), TL_E_PCRSEL_COUNT);
	lb_free(&b);
	be32(&b, 1);
	one_bank(&b, TL_ALG_SHA256, 5, five);
	assert_int_equal(selection(&b, &sel), TL_E_PCRSEL_SIZE);
	lb_free(&b);
	be32(&b, 2);
	one_bank(&b, TL_ALG_SHA256, 3, lo);
	one_bank(&b, TL_ALG_SHA256, 3, lo);
	assert_int_equal(selection(&b, &sel), TL_E_PCRSEL_DUP);
	lb_free(&b);
	be32(&b, 1);
	one_bank(&b, TL_ALG_SHA256, 4, high);
	assert_int_equal(selection(&b, &sel), TL_E_PCRSEL_HIGH);
	lb_free(&b);
	be32(&b, 1);
	one_bank(&b, TL_ALG_SHA256, 3, none);
	assert_int_equal(selection(&b, &sel), TL_E_PCRSEL_EMPTY);
	lb_free(&b);
	be32(&b, 0);
	assert_int_equal(selection(&b, &sel), TL_E_PCRSEL_EMPTY);
	lb_free(&b);
	be32(&b, 1);
	one_bank(&b, TL_ALG_SHA256, 3, lo);
	b.len--;
	assert_int_equal(selection(&b, &sel), TL_E_TPM2_MALFORMED);
	lb_free(&b);
}

static void tpm2_public_rejects_bad_shapes(void **state)
{
	struct lb b = { 0 };
	struct tl_tpm2_public pub;
	(void)state;
	/* an RSA TPMT_PUBLIC with a 2048-bit modulus, then bad variants */
	be16(&b, 0); /* size, patched below */
	be16(&b, TL_ALG_RSA);
	be16(&b, TL_ALG_SHA256);
	be32(&b, 0x00050072);
	be16(&b, 0);            /* authPolicy */
	be16(&b, TL_ALG_NULL);  /* symmetric */
	be16(&b, TL_ALG_RSASSA);
	be16(&b, TL_ALG_SHA256);
	be16(&b, 2048);
	be32(&b, 0);
	be16(&b, 256);
	for (int i = 0; i < 256; i++)
		lb_u8(&b, (uint8_t)(i | 0x80));
	b.buf[0] = (uint8_t)((b.len - 2) >> 8);
	b.buf[1] = (uint8_t)(b.len - 2);
	assert_int_equal(tl_tpm2_public_parse((struct tl_bytes){ b.buf, b.len }, &pub), TL_OK);
	assert_int_equal(pub.rsa_modulus.len, 256);
	assert_int_equal(pub.scheme, TL_ALG_RSASSA);
	uint8_t name[TL_TPM2_MAX_NAME];
	size_t n;
	assert_int_equal(tl_tpm2_public_name(&pub, name, &n), TL_OK);
	assert_int_equal(n, 34);
	assert_int_equal(name[1], TL_ALG_SHA256);
	/* trailing byte after the TPM2B */
	lb_u8(&b, 0);
	assert_int_equal(tl_tpm2_public_parse((struct tl_bytes){ b.buf, b.len }, &pub),
			 TL_E_TPM2_TRAILING);
	b.len--;
	/* the modulus TPM2B says 0xFFFF */
	b.buf[24] = 0xFF;
	b.buf[25] = 0xFF;
	assert_int_equal(tl_tpm2_public_parse((struct tl_bytes){ b.buf, b.len }, &pub),
			 TL_E_TPM2_SIZE);
	b.buf[24] = 0x01;
	b.buf[25] = 0x00;
	/* an unknown key type */
	b.buf[3] = 0x25;
	assert_int_equal(tl_tpm2_public_parse((struct tl_bytes){ b.buf, b.len }, &pub),
			 TL_E_TPM2_UNSUPPORTED);
	/* every truncation */
	b.buf[3] = 0x01;
	for (size_t len = 0; len < b.len; len++)
		assert_int_not_equal(tl_tpm2_public_parse((struct tl_bytes){ b.buf, len }, &pub),
				     TL_OK);
	lb_free(&b);
}

static void tpm2_signature_rejects_unknown_schemes(void **state)
{
	struct lb b = { 0 };
	struct tl_tpm2_signature sig;
	(void)state;
	be16(&b, 0x0005); /* HMAC: not a signature a verifier accepts */
	be16(&b, TL_ALG_SHA256);
	be16(&b, 32);
	for (int i = 0; i < 32; i++)
		lb_u8(&b, 0);
	assert_int_equal(tl_tpm2_signature_parse((struct tl_bytes){ b.buf, b.len }, &sig),
			 TL_E_TPM2_UNSUPPORTED);
	lb_free(&b);
}

static void pcr_values_refuse_duplicates_and_raw_leftovers(void **state)
{
	struct tl_pcr_values v;
	struct tl_pcr_selection sel = { .count = 1 };
	uint8_t val[32] = { 0 }, raw[3 * 32] = { 0 };
	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(tl_pcr_values_set(&v, TL_ALG_SHA256, 1, val, 32), TL_OK);
	assert_int_equal(tl_pcr_values_set(&v, TL_ALG_SHA256, 1, val, 32), TL_E_ARG);
	assert_int_equal(tl_pcr_values_set(&v, TL_ALG_SHA256, 24, val, 32), TL_E_ARG);
	assert_int_equal(tl_pcr_values_set(&v, TL_ALG_SHA1, 2, val, 32), TL_E_ARG);
	sel.bank[0].alg = TL_ALG_SHA256;
	sel.bank[0].mask = 0x3;
	assert_int_equal(tl_pcr_values_from_raw(&v, &sel, (struct tl_bytes){ raw, 64 }), TL_OK);
	assert_int_equal(tl_pcr_values_from_raw(&v, &sel, (struct tl_bytes){ raw, 96 }), TL_E_ARG);
	assert_int_equal(tl_pcr_values_from_raw(&v, &sel, (struct tl_bytes){ raw, 63 }), TL_E_ARG);
}

/* The blob tpm2_activatecredential reads: magic, version, TPM2B_ID_OBJECT,
 * TPM2B_ENCRYPTED_SECRET; every truncation, a trailing byte, sizes over the maximum. */
static void credential_blob(struct lb *b, uint32_t magic, uint32_t version, uint16_t id_len,
			    uint16_t enc_len)
{
	be32(b, magic);
	be32(b, version);
	be16(b, id_len);
	for (uint16_t i = 0; i < id_len; i++)
		lb_u8(b, (uint8_t)i);
	be16(b, enc_len);
	for (uint16_t i = 0; i < enc_len; i++)
		lb_u8(b, 0xA5);
}

static void credential_parse_rejects_truncated_and_hostile_blobs(void **state)
{
	struct lb b = { 0 };
	struct tl_bytes id, enc;
	(void)state;

	credential_blob(&b, 0xBADCC0DE, 1, 68, 256);
	assert_int_equal(tl_credential_parse((struct tl_bytes){ b.buf, b.len }, &id, &enc), TL_OK);
	assert_int_equal(id.len, 68);
	assert_int_equal(enc.len, 256);
	assert_ptr_equal(id.ptr, b.buf + 10);
	for (size_t n = 0; n < b.len; n++) {
		int err = tl_credential_parse((struct tl_bytes){ b.buf, n }, &id, &enc);
		assert_int_equal(err, TL_E_TRUNCATED);
		assert_null(id.ptr);
		assert_null(enc.ptr);
	}
	lb_u8(&b, 0);
	assert_int_equal(tl_credential_parse((struct tl_bytes){ b.buf, b.len }, &id, &enc),
			 TL_E_TRAILING);
	lb_free(&b);
	credential_blob(&b, 0xBADCC0DF, 1, 4, 4);
	assert_int_equal(tl_credential_parse((struct tl_bytes){ b.buf, b.len }, &id, &enc),
			 TL_E_TPM2_MALFORMED);
	lb_free(&b);
	credential_blob(&b, 0xBADCC0DE, 2, 4, 4);
	assert_int_equal(tl_credential_parse((struct tl_bytes){ b.buf, b.len }, &id, &enc),
			 TL_E_TPM2_MALFORMED);
	lb_free(&b);
	credential_blob(&b, 0xBADCC0DE, 1, TL_CREDENTIAL_MAX_ID + 1, 4);
	assert_int_equal(tl_credential_parse((struct tl_bytes){ b.buf, b.len }, &id, &enc),
			 TL_E_TPM2_SIZE);
	lb_free(&b);
	credential_blob(&b, 0xBADCC0DE, 1, 4, TL_CREDENTIAL_MAX_ENC_SECRET + 1);
	assert_int_equal(tl_credential_parse((struct tl_bytes){ b.buf, b.len }, &id, &enc),
			 TL_E_TPM2_SIZE);
	assert_null(enc.ptr);
	lb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tpm2_pcr_selection_is_strict),
		cmocka_unit_test(tpm2_public_rejects_bad_shapes),
		cmocka_unit_test(tpm2_signature_rejects_unknown_schemes),
		cmocka_unit_test(pcr_values_refuse_duplicates_and_raw_leftovers),
		cmocka_unit_test(credential_parse_rejects_truncated_and_hostile_blobs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
