/* Inputs of `tl cvm verify` (cvm_input.c). */
#ifndef TL_CVMCLI_H
#define TL_CVMCLI_H

#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/quote.h"

struct tl_cvm_paths {
	const char *hcl, *vcek, *attest, *sig, *pcrs;
};

/* Owned buffers; NULL when not given. */
struct tl_cvm_input {
	uint8_t *hcl, *attest, *sig, *vcek;
	size_t hcl_len, attest_len, sig_len, vcek_len;
	struct tl_pcr_values *pcrs;
};

/* The files named (TL_EXIT_OK or TL_EXIT_USAGE, a message printed). */
int tl_cvm_input_files(const struct tl_cvm_paths *p, struct tl_cvm_input *in);
/* The vectors' evidence JSON; a VCEK already read is kept. */
int tl_cvm_input_evidence(const char *path, struct tl_cvm_input *in);
void tl_cvm_input_free(struct tl_cvm_input *in);

#endif
