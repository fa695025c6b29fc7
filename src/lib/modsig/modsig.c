/* The appended signature of a kernel module (include/linux/module_signature.h). */
#include <string.h>

#include "trustlaunch/modsig.h"

#define MARKER "~Module signature appended~\n"
#define MARKER_LEN 28u
#define HEADER_LEN 12u
#define PKEY_ID_PKCS7 2

int tl_modsig_parse(struct tl_bytes module, struct tl_modsig *out)
{
	struct tl_rd rd;
	struct tl_bytes marker;
	uint8_t algo, hash, id_type, signer_len, key_id_len, pad[3];
	uint32_t sig_len;
	size_t body;

	memset(out, 0, sizeof(*out));
	if (module.len > TL_MODSIG_MAX_MODULE)
		return TL_E_MODSIG_MALFORMED;
	if (module.len < MARKER_LEN + HEADER_LEN)
		return TL_E_MODSIG_UNSIGNED;
	tl_rd_from(&rd, module);
	if (tl_rd_skip(&rd, module.len - MARKER_LEN) || tl_rd_bytes(&rd, MARKER_LEN, &marker) ||
	    !tl_bytes_eq(marker, MARKER, MARKER_LEN))
		return TL_E_MODSIG_UNSIGNED;
	tl_rd_from(&rd, module);
	if (tl_rd_skip(&rd, module.len - MARKER_LEN - HEADER_LEN) || tl_rd_u8(&rd, &algo) ||
	    tl_rd_u8(&rd, &hash) || tl_rd_u8(&rd, &id_type) || tl_rd_u8(&rd, &signer_len) ||
	    tl_rd_u8(&rd, &key_id_len) || tl_rd_copy(&rd, pad, 3) || tl_rd_be32(&rd, &sig_len))
		return TL_E_MODSIG_MALFORMED;
	/* for PKCS#7 everything but the type and length lives in the signature itself */
	if (id_type != PKEY_ID_PKCS7 || algo || hash || signer_len || key_id_len || pad[0] ||
	    pad[1] || pad[2])
		return TL_E_MODSIG_MALFORMED;
	body = module.len - MARKER_LEN - HEADER_LEN;
	if (sig_len == 0 || sig_len >= body)
		return TL_E_MODSIG_MALFORMED;
	tl_rd_from(&rd, module);
	if (tl_rd_bytes(&rd, body - sig_len, &out->content) ||
	    tl_rd_bytes(&rd, sig_len, &out->pkcs7)) {
		memset(out, 0, sizeof(*out));
		return TL_E_MODSIG_MALFORMED;
	}
	return TL_OK;
}
