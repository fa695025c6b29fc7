/* PE/COFF images as UEFI firmware reads them: headers, sections, the certificate table, and
 * the Authenticode digest exactly as firmware measures it (EDK2's HashPeImage). */
#ifndef TRUSTLAUNCH_PE_H
#define TRUSTLAUNCH_PE_H

#include <stdbool.h>
#include <stdint.h>

#include "trustlaunch/err.h"
#include "trustlaunch/limits.h"
#include "trustlaunch/rd.h"

#define TL_PE_MAX_SIZE (512u * 1024u * 1024u)
#define TL_PE_MAX_SECTIONS 96u

struct tl_pe_section {
	char name[33]; /* long names ("/4") resolved through the COFF string table */
	uint32_t vaddr, vsize, raw_off, raw_size;
};

struct tl_pe {
	struct tl_bytes file;
	bool pe32plus;
	uint16_t machine;
	uint32_t checksum_off;   /* file offset of OptionalHeader.CheckSum */
	uint32_t secdir_off;     /* file offset of the certificate table's data directory entry, 0
				  * when the image has none */
	uint32_t headers_size;   /* SizeOfHeaders */
	uint32_t cert_off, cert_size;
	size_t nsections;
	struct tl_pe_section sec[TL_PE_MAX_SECTIONS];
};

/* Parses and bounds-checks every structure the digest and the signature checks use. */
TL_MUST_CHECK int tl_pe_parse(struct tl_bytes file, struct tl_pe *out);
/* The Authenticode digest (SHA-1, SHA-256, SHA-384, SHA-512). */
TL_MUST_CHECK int tl_pe_authenticode(const struct tl_pe *pe, uint16_t alg,
				     uint8_t out[static TL_MAX_DIGEST]);
/* The raw data of a section by name (e.g. ".sbat"); false when absent. */
bool tl_pe_section(const struct tl_pe *pe, const char *name, struct tl_bytes *out);

#define TL_WIN_CERT_TYPE_PKCS_SIGNED_DATA 0x0002

/* Each WIN_CERTIFICATE of the certificate table: its type and its bCertificate bytes.
 * TL_E_PE_WINCERT for one that is truncated, shorter than its header or misaligned. */
TL_MUST_CHECK int tl_pe_certs(const struct tl_pe *pe,
			      int (*fn)(uint16_t type, struct tl_bytes cert, void *arg), void *arg);

#endif
