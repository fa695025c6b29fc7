/* libFuzzer target: every TPM 2.0 unmarshaller (and the MakeCredential blob reader) on the
 * same input, and the quote verifier with a real ECC AK and a real quote of it (swtpm,
 * bench/data: ak-ecc.pub, ecc.attest, ecc.sig, nonce.hex, sbon.pcrs): the input as the
 * attestation (the signature fixed), as the signature (the attestation fixed), and as the PCR values of the
 * genuine quote, so that the checks after the signature (PCR set, PCR digest) run on hostile
 * values. A different attestation accepted under the fixed signature, or values other than
 * the quoted ones accepted, is a forgery: the target traps. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/credential.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/quote.h"
#include "trustlaunch/tpm2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ak_hex[] =
	"00580023000b00050072000000100018000b00030010002006a22b1aaf80921559faf000ea916b2a61e1"
	"1c24186f9e7fe7d906d9dc191152002091a949433b8bc11a77313f17008a9e1c8c3bad19345ec91cec93"
	"7e04b2af9178";
static const char attest_hex[] =
	"ff54434780180022000bcba7c3855e5a5f9e73615a0835bdb4dea03a0ffd24e78579aa72fc6998fd2f33"
	"0020183c719e42d47805b7eb0bd9e2fb2245050b2ccaa93dec1f173a75978832a7750000000000002fc9"
	"000000020000000001201910230016363600000001000b03ff43000020dbe1b14fc727c7f0bed0661da2"
	"2ec6321543946cb00f20e17e28d73dc9b941b3";
static const char sig_hex[] =
	"0018000b00203c3d7ce7a6ec66bf66aeea7fda441af7f0d76b5a7fb4654e7e1a63cb3a0a70fa00204fc8"
	"40216cdde26f042d463ddf6ad1ab9c74d19d21afcfb67ca9670790f7e473";
/* the quoted values (sha256: 0-9, 14), as tpm2_quote -F values writes them */
static const char pcrs_hex[] =
	"fb77695320b23f97c2bac740cdab2664163181bb30c9e9178a30de3a7dfeb3a98b1fd1eb3ef04f1b6fba"
	"403320d1f22a74a495502a9622ca0630353d326f16ca7283db88208a98a77b841934355d717e583235fa"
	"544a682bdaafb2232278ea363d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e"
	"7969bcfdb7093bc99bff1d11eec98c63ab4e8709d4cb7f234cc01c8d0a9d15012b19a5ceb755d043f324"
	"31d63e39f5161464620a3437280494b5850dc1b47cc074e03d458cfe55cc03ea1f443f1562beec8df51c"
	"75e14a9fcf9a7234a13f198e796975677db6f14082d3bfec4d14bdd75c8d72612ef6914ca99cd5a5997b"
	"7a21309d1fcf70dd677ebca41cca46a23377aaf2de78e5456d72a7eb45c6f093c1114de48d0a59e32e1e"
	"817e117fe5bf3c8f28e04a229e6db8e5ca7e046fe939c19ab918b9c97933fe323334271a718fdf2966e0"
	"609afcb793f3b68aaf18fc31ea39dc0a";
static const char nonce_hex[] = "183c719e42d47805b7eb0bd9e2fb2245050b2ccaa93dec1f173a75978832a775";

/* The genuine quote, its AK (parsed) and the AK's key, made once. */
static struct {
	uint8_t ak[sizeof(ak_hex) / 2], attest[sizeof(attest_hex) / 2], sig[sizeof(sig_hex) / 2],
		nonce[sizeof(nonce_hex) / 2], pcrs[sizeof(pcrs_hex) / 2];
	struct tl_tpm2_public pub;
	struct tl_tpm2_attest at;
	struct tl_tpm2_key *key;
} q;

static void setup(void)
{
	if (q.key)
		return;
	if (tl_unhex(ak_hex, q.ak, sizeof(q.ak)) != TL_OK ||
	    tl_unhex(attest_hex, q.attest, sizeof(q.attest)) != TL_OK ||
	    tl_unhex(sig_hex, q.sig, sizeof(q.sig)) != TL_OK ||
	    tl_unhex(nonce_hex, q.nonce, sizeof(q.nonce)) != TL_OK ||
	    tl_unhex(pcrs_hex, q.pcrs, sizeof(q.pcrs)) != TL_OK ||
	    tl_tpm2_public_parse((struct tl_bytes){ q.ak, sizeof(q.ak) }, &q.pub) != TL_OK ||
	    tl_tpm2_attest_parse((struct tl_bytes){ q.attest, sizeof(q.attest) }, &q.at) != TL_OK ||
	    tl_tpm2_key_new(&q.pub, &q.key) != TL_OK)
		abort();
	/* the material is genuine: a target that verifies nothing would fuzz nothing */
	struct tl_quote_result r;
	static struct tl_pcr_values v;
	if (tl_pcr_values_from_raw(&v, &q.at.pcr_select, (struct tl_bytes){ q.pcrs, sizeof(q.pcrs) }) !=
		    TL_OK ||
	    tl_quote_verify(&q.pub, q.key, (struct tl_bytes){ q.attest, sizeof(q.attest) },
			    (struct tl_bytes){ q.sig, sizeof(q.sig) },
			    (struct tl_bytes){ q.nonce, sizeof(q.nonce) }, &v, NULL, NULL,
			    &r) != TL_OK)
		abort();
}

static bool same(struct tl_bytes in, const uint8_t *b, size_t n)
{
	return tl_bytes_eq(in, b, n);
}

/* The input as attestation, as signature, and as the quoted PCR values. */
static void verify(struct tl_bytes in)
{
	struct tl_bytes attest = { q.attest, sizeof(q.attest) }, sig = { q.sig, sizeof(q.sig) },
			nonce = { q.nonce, sizeof(q.nonce) };
	struct tl_quote_result r;
	struct tl_pcr_values *v = calloc(1, sizeof(*v));
	int err;

	err = tl_quote_verify(&q.pub, q.key, in, sig, nonce, NULL, NULL, NULL, &r);
	if (err == TL_OK && (!same(in, q.attest, sizeof(q.attest)) ||
			     !tl_bytes_eq(r.attest.extra_data, q.nonce, sizeof(q.nonce))))
		__builtin_trap();
	/* the signature is ECDSA: another encoding of (r, s) may verify, but it is the same
	 * quote, over the same nonce */
	err = tl_quote_verify(&q.pub, q.key, attest, in, nonce, NULL, NULL, NULL, &r);
	if (err == TL_OK && (r.attest.clock != q.at.clock ||
			     !tl_bytes_eq(r.attest.extra_data, q.nonce, sizeof(q.nonce))))
		__builtin_trap();
	if (v && tl_pcr_values_from_raw(v, &q.at.pcr_select, in) == TL_OK) {
		/* values that hash to the signed digest are the quoted ones: the digest is what
		 * the TPM signed, so only a SHA-256 collision would pass with other bytes */
		err = tl_quote_verify(&q.pub, q.key, attest, sig, nonce, v, NULL, NULL, &r);
		if (err == TL_OK && !same(in, q.pcrs, sizeof(q.pcrs)))
			__builtin_trap();
	}
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_bytes in = { data, size };
	struct tl_tpm2_public pub;
	struct tl_tpm2_attest at;
	struct tl_tpm2_signature sig;
	struct tl_pcr_selection sel;
	struct tl_rd rd;
	uint8_t name[TL_TPM2_MAX_NAME];
	size_t n;

	setup();
	if (tl_tpm2_public_parse(in, &pub) == TL_OK) {
		struct tl_tpm2_key *key;
		if (tl_tpm2_public_name(&pub, name, &n) == TL_OK && n > TL_TPM2_MAX_NAME)
			__builtin_trap();
		if (tl_tpm2_key_new(&pub, &key) == TL_OK)
			tl_tpm2_key_free(key);
	}
	if (tl_tpm2_attest_parse(in, &at) == TL_OK && at.type == TL_ST_ATTEST_QUOTE) {
		struct tl_pcr_values v;
		if (tl_pcr_values_from_raw(&v, &at.pcr_select, (struct tl_bytes){ data, size }) ==
		    TL_OK && v.nbanks > TL_TPM2_MAX_PCR_BANKS)
			__builtin_trap();
	}
	if (tl_tpm2_signature_parse(in, &sig) == TL_OK && sig.rsa.len > TL_TPM2_MAX_RSA_BYTES)
		__builtin_trap();
	struct tl_bytes id, enc;
	if (tl_credential_parse(in, &id, &enc) == TL_OK &&
	    (id.len > TL_CREDENTIAL_MAX_ID || enc.len > TL_CREDENTIAL_MAX_ENC_SECRET ||
	     12 + id.len + enc.len != size))
		__builtin_trap();
	tl_rd_from(&rd, in);
	if (tl_tpm2_pcr_selection(&rd, &sel) == TL_OK && sel.count == 0)
		__builtin_trap();
	verify(in);
	return 0;
}
