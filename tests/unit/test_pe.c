/* PE/COFF parsing on hostile images: each bound has its own error; the digest skips exactly
 * CheckSum, the certificate table entry and the certificate table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "logbuild.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/pe.h"

/* A minimal PE32+ image: DOS header, PE header, optional header with 16 data directories,
 * one section of 512 bytes at 0x200, and a certificate table of one WIN_CERTIFICATE. */
enum { LFANEW = 0x40, OPT = LFANEW + 24, NRVA_OFF = OPT + 108, SECDIR = NRVA_OFF + 4 + 32,
       SECTAB = OPT + 240, HDRS = 0x200, SEC_OFF = 0x200, SEC_SIZE = 0x200,
       CERT_OFF = 0x400, CERT_LEN = 16 };

static void put32at(struct lb *b, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->buf[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void put16at(struct lb *b, size_t at, uint16_t v)
{
	b->buf[at] = (uint8_t)v;
	b->buf[at + 1] = (uint8_t)(v >> 8);
}

static void image(struct lb *b)
{
	uint8_t zero[CERT_OFF + CERT_LEN] = { 0 };
	lb_put(b, zero, sizeof(zero));
	put16at(b, 0, 0x5A4D);
	put32at(b, 0x3C, LFANEW);
	put32at(b, LFANEW, 0x00004550);
	put16at(b, LFANEW + 4, 0x8664);
	put16at(b, LFANEW + 6, 1);    /* sections */
	put16at(b, LFANEW + 20, 240); /* SizeOfOptionalHeader */
	put16at(b, OPT, 0x20b);
	put32at(b, OPT + 60, HDRS);
	put32at(b, OPT + 64, 0xC0FFEE); /* CheckSum: not hashed */
	put32at(b, NRVA_OFF, 16);
	put32at(b, SECDIR, CERT_OFF);
	put32at(b, SECDIR + 4, CERT_LEN);
	memcpy(b->buf + SECTAB, ".text", 5);
	put32at(b, SECTAB + 16, SEC_SIZE);
	put32at(b, SECTAB + 20, SEC_OFF);
	for (size_t i = 0; i < SEC_SIZE; i++)
		b->buf[SEC_OFF + i] = (uint8_t)i;
	put32at(b, CERT_OFF, CERT_LEN);
	put16at(b, CERT_OFF + 4, 0x0200);
	put16at(b, CERT_OFF + 6, TL_WIN_CERT_TYPE_PKCS_SIGNED_DATA);
}

static int parse(struct lb *b, struct tl_pe *pe)
{
	return tl_pe_parse((struct tl_bytes){ b->buf, b->len }, pe);
}

static void pe_parse_accepts_a_minimal_image(void **state)
{
	struct lb b = { 0 };
	struct tl_pe *pe = malloc(sizeof(*pe));
	uint8_t d1[TL_MAX_DIGEST], d2[TL_MAX_DIGEST];
	struct tl_bytes text;
	(void)state;
	image(&b);
	assert_int_equal(parse(&b, pe), TL_OK);
	assert_true(pe->pe32plus);
	assert_int_equal(pe->cert_off, CERT_OFF);
	assert_true(tl_pe_section(pe, ".text", &text));
	assert_int_equal(text.len, SEC_SIZE);
	assert_int_equal(tl_pe_authenticode(pe, TL_ALG_SHA256, d1), TL_OK);
	/* CheckSum, the certificate table entry and the table itself are not hashed */
	put32at(&b, OPT + 64, 0);
	b.buf[CERT_OFF + 10] = 0x55;
	assert_int_equal(parse(&b, pe), TL_OK);
	assert_int_equal(tl_pe_authenticode(pe, TL_ALG_SHA256, d2), TL_OK);
	assert_memory_equal(d1, d2, 32);
	/* a byte of a section is */
	b.buf[SEC_OFF + 1] ^= 1;
	assert_int_equal(tl_pe_authenticode(pe, TL_ALG_SHA256, d2), TL_OK);
	assert_memory_not_equal(d1, d2, 32);
	lb_free(&b);
	free(pe);
}

static void pe_parse_rejects_each_bound(void **state)
{
	struct lb b = { 0 };
	struct tl_pe *pe = malloc(sizeof(*pe));
	(void)state;
	image(&b);
	b.buf[0] = 'X';
	assert_int_equal(parse(&b, pe), TL_E_PE_DOS);
	lb_free(&b);

	image(&b);
	put32at(&b, 0x3C, (uint32_t)b.len - 2); /* e_lfanew at the end */
	assert_int_equal(parse(&b, pe), TL_E_PE_LFANEW);
	put32at(&b, 0x3C, 0xFFFFFFF0); /* e_lfanew far beyond */
	assert_int_equal(parse(&b, pe), TL_E_PE_LFANEW);
	lb_free(&b);

	image(&b);
	put16at(&b, OPT, 0x30b); /* not PE32 or PE32+ */
	assert_int_equal(parse(&b, pe), TL_E_PE_HEADER);
	lb_free(&b);

	image(&b);
	put16at(&b, LFANEW + 6, 60); /* 60 sections: the table runs out of the file */
	assert_int_equal(parse(&b, pe), TL_E_PE_SECTIONS);
	put16at(&b, LFANEW + 6, 0xFFFF);
	assert_int_equal(parse(&b, pe), TL_E_PE_SECTIONS);
	lb_free(&b);

	image(&b);
	put32at(&b, SECTAB + 20, 0xFFFFFF00); /* raw data offset + size overflows 32 bits */
	assert_int_equal(parse(&b, pe), TL_E_PE_SECTION_DATA);
	put32at(&b, SECTAB + 20, SEC_OFF);
	put32at(&b, SECTAB + 16, 0x10000);
	assert_int_equal(parse(&b, pe), TL_E_PE_SECTION_DATA);
	lb_free(&b);

	image(&b);
	put32at(&b, SECDIR, 0xFFFFFFF8); /* SecDir offset + size overflows */
	assert_int_equal(parse(&b, pe), TL_E_PE_SECDIR);
	put32at(&b, SECDIR, CERT_OFF);
	put32at(&b, SECDIR + 4, CERT_LEN + 1); /* one byte past the end */
	assert_int_equal(parse(&b, pe), TL_E_PE_SECDIR);
	lb_free(&b);

	image(&b);
	/* a certificate table that overlaps the last section: EDK2 refuses to hash it */
	put32at(&b, SECDIR, CERT_OFF - 8);
	put32at(&b, SECDIR + 4, CERT_LEN + 8);
	assert_int_equal(parse(&b, pe), TL_E_PE_SECDIR);
	lb_free(&b);

	image(&b);
	put32at(&b, OPT + 60, (uint32_t)b.len + 1); /* SizeOfHeaders past the end */
	assert_int_equal(parse(&b, pe), TL_E_PE_HEADER);
	lb_free(&b);
	free(pe);
}

static int count(uint16_t type, struct tl_bytes cert, void *arg)
{
	(void)type;
	(void)cert;
	(*(int *)arg)++;
	return TL_OK;
}

static void pe_certs_rejects_truncated_win_certificate(void **state)
{
	struct lb b = { 0 };
	struct tl_pe *pe = malloc(sizeof(*pe));
	int n = 0;
	(void)state;
	image(&b);
	assert_int_equal(parse(&b, pe), TL_OK);
	assert_int_equal(tl_pe_certs(pe, count, &n), TL_OK);
	assert_int_equal(n, 1);
	put32at(&b, CERT_OFF, CERT_LEN + 8); /* dwLength past the table */
	assert_int_equal(tl_pe_certs(pe, count, &n), TL_E_PE_WINCERT);
	put32at(&b, CERT_OFF, 4); /* shorter than its own header */
	assert_int_equal(tl_pe_certs(pe, count, &n), TL_E_PE_WINCERT);
	lb_free(&b);
	free(pe);
}

static void pe_parse_survives_every_truncation(void **state)
{
	struct lb b = { 0 };
	struct tl_pe *pe = malloc(sizeof(*pe));
	(void)state;
	image(&b);
	for (size_t len = 0; len < b.len; len++) {
		int err = tl_pe_parse((struct tl_bytes){ b.buf, len }, pe);
		assert_int_not_equal(err, TL_OK);
	}
	lb_free(&b);
	free(pe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pe_parse_accepts_a_minimal_image),
		cmocka_unit_test(pe_parse_rejects_each_bound),
		cmocka_unit_test(pe_certs_rejects_truncated_win_certificate),
		cmocka_unit_test(pe_parse_survives_every_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
