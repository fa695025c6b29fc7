/* The inputs of `tl cvm verify`: files, or the vectors' evidence JSON (an HCL report and a
 * quote as lists of bytes, the VCEK as PEM), into one struct. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cvmcli.h"
#include "trustlaunch/hash.h"

#define SMALL_FILE (64u * 1024u)
#define EVIDENCE_FILE (1024u * 1024u)

void tl_cvm_input_free(struct tl_cvm_input *in)
{
	free(in->hcl);
	free(in->attest);
	free(in->sig);
	free(in->vcek);
	free(in->pcrs);
	memset(in, 0, sizeof(*in));
}

/* A JSON list of integers 0..255 into a new buffer. */
static bool byte_list(json_t *list, size_t max, uint8_t **out, size_t *len)
{
	size_t i, n = json_array_size(list);
	json_t *v;
	if (!json_is_array(list) || n == 0 || n > max || !(*out = malloc(n)))
		return false;
	json_array_foreach(list, i, v) {
		json_int_t b = json_integer_value(v);
		if (!json_is_integer(v) || b < 0 || b > 255)
			return false;
		(*out)[i] = (uint8_t)b;
	}
	*len = n;
	return true;
}

/* A bare RSA signature (the vectors' shape) as the TPMT_SIGNATURE RSASSA/SHA-256 a TPM
 * makes with such an AK; it must still verify, so a wrong guess only refuses. */
static bool wrap_rsassa(struct tl_cvm_input *in)
{
	uint8_t *t;
	if (in->sig_len != 256 && in->sig_len != 384)
		return true;
	if (!(t = malloc(in->sig_len + 6)))
		return false;
	t[0] = 0x00, t[1] = 0x14, t[2] = 0x00, t[3] = 0x0B;
	t[4] = (uint8_t)(in->sig_len >> 8), t[5] = (uint8_t)in->sig_len;
	memcpy(t + 6, in->sig, in->sig_len);
	free(in->sig);
	in->sig = t;
	in->sig_len += 6;
	return true;
}

static bool pcr_lists(json_t *list, struct tl_cvm_input *in)
{
	size_t i;
	json_t *v;
	if (!list)
		return true;
	if (!json_is_array(list) || json_array_size(list) > TL_NUM_PCRS ||
	    !(in->pcrs = calloc(1, sizeof(*in->pcrs))))
		return false;
	json_array_foreach(list, i, v) {
		uint8_t *b = NULL;
		size_t n = 0;
		uint16_t alg = 0;
		bool ok = byte_list(v, TL_MAX_DIGEST, &b, &n);
		alg = n == 20 ? TL_ALG_SHA1 : n == 32 ? TL_ALG_SHA256 : n == 48 ? TL_ALG_SHA384 : 0;
		ok = ok && alg && tl_pcr_values_set(in->pcrs, alg, (unsigned)i, b, n) == TL_OK;
		free(b);
		if (!ok)
			return false;
	}
	return true;
}

int tl_cvm_input_evidence(const char *path, struct tl_cvm_input *in)
{
	uint8_t *buf;
	size_t len;
	json_error_t jerr;
	json_t *root, *q;
	const char *vcek;
	bool ok;

	if (tl_cli_read_file(path, EVIDENCE_FILE, &buf, &len) != TL_OK)
		return TL_EXIT_USAGE;
	root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	q = json_object_get(root, "quote");
	ok = json_is_object(root) &&
	     byte_list(json_object_get(root, "report"), SMALL_FILE, &in->hcl, &in->hcl_len);
	if (ok && q)
		ok = byte_list(json_object_get(q, "message"), SMALL_FILE, &in->attest,
			       &in->attest_len) &&
		     byte_list(json_object_get(q, "signature"), SMALL_FILE, &in->sig, &in->sig_len) &&
		     wrap_rsassa(in) && pcr_lists(json_object_get(q, "pcrs"), in);
	if (ok && !in->vcek && (vcek = json_string_value(json_object_get(root, "vcek")))) {
		in->vcek_len = strlen(vcek);
		ok = (in->vcek = (uint8_t *)strdup(vcek)) != NULL;
	}
	json_decref(root);
	if (!ok) {
		fprintf(stderr, "tl: %s: not evidence JSON ({\"report\": [bytes], \"quote\": "
				"{\"message\", \"signature\", \"pcrs\"}, \"vcek\": PEM})\n", path);
		return TL_EXIT_USAGE;
	}
	return TL_EXIT_OK;
}

int tl_cvm_input_files(const struct tl_cvm_paths *p, struct tl_cvm_input *in)
{
	if ((p->hcl && tl_cli_read_file(p->hcl, SMALL_FILE, &in->hcl, &in->hcl_len) != TL_OK) ||
	    (p->vcek && tl_cli_read_file(p->vcek, SMALL_FILE, &in->vcek, &in->vcek_len) != TL_OK) ||
	    (p->attest &&
	     tl_cli_read_file(p->attest, SMALL_FILE, &in->attest, &in->attest_len) != TL_OK) ||
	    (p->sig && tl_cli_read_file(p->sig, SMALL_FILE, &in->sig, &in->sig_len) != TL_OK))
		return TL_EXIT_USAGE;
	if (p->pcrs) {
		struct tl_tpm2_attest at;
		uint8_t *raw;
		size_t n;
		int err;
		if (!in->attest || tl_cli_read_file(p->pcrs, SMALL_FILE, &raw, &n) != TL_OK)
			return TL_EXIT_USAGE;
		/* raw values (tpm2_quote -F values), split by the quote's own selection */
		err = (in->pcrs = calloc(1, sizeof(*in->pcrs))) ? TL_OK : TL_E_NOMEM;
		if (err == TL_OK)
			err = tl_tpm2_attest_parse((struct tl_bytes){ in->attest, in->attest_len }, &at);
		if (err == TL_OK)
			err = tl_pcr_values_from_raw(in->pcrs, &at.pcr_select, (struct tl_bytes){ raw, n });
		free(raw);
		if (err != TL_OK)
			return tl_cli_fail(p->pcrs, err);
	}
	return TL_EXIT_OK;
}
