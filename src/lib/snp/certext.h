/* Internal to the SNP files: the raw values of a VCEK's or VLEK's AMD extensions, as the
 * X.509 helper (x509_snp.c) found them, decoded by certext.c through the bounded reader. */
#ifndef TL_SNP_CERTEXT_H
#define TL_SNP_CERTEXT_H

#include "trustlaunch/snp.h"

/* extnValue contents (the DER inside the OCTET STRING) by OID arc under 1.3.6.1.4.1.3704.1 */
struct tl_snp_certext {
	struct tl_bytes product;   /* .2: IA5String productName */
	struct tl_bytes spl[10];   /* .3.1 .. .3.9: INTEGER SPLs (blSPL, teeSPL, snpSPL, ...) */
	struct tl_bytes hwid;      /* .4: hwID, OCTET STRING or the raw bytes */
};

/* Fills info's product, tcb (for info->gen), has_fmc and hwid. TL_E_SNP_CERT_MALFORMED when
 * an SPL is missing or not a small INTEGER, or the product name is not printable. */
TL_MUST_CHECK int tl_snp_certext_decode(const struct tl_snp_certext *ext,
					struct tl_snp_cert_info *info);

#endif
