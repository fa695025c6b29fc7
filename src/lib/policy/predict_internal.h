/* Internal to the predictor: the log being generated, shared by predict.c and
 * predict_grub.c. */
#ifndef TL_PREDICT_INTERNAL_H
#define TL_PREDICT_INTERNAL_H

#include <jansson.h>

#include "trustlaunch/buf.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/predict.h"
#include "trustlaunch/tcglog.h"

#define TL_PRED_NBANKS 3u
#define TL_PRED_MAX_LOG TL_MAX_LOG_SIZE
extern const uint16_t tl_pred_banks[TL_PRED_NBANKS];

struct tl_pred {
	struct tl_buf log;
	json_t *notes;
	/* authorities measured so far (each once): hashes of their variable data */
	uint8_t seen[16][TL_SHA256_LEN];
	size_t nseen;
	int err;
	bool pcr9_unknown; /* a file GRUB reads was not given */
};

/* An event whose digests are given per bank (NULL: the hash of the data). */
void tl_pred_event(struct tl_pred *g, uint32_t pcr, uint32_t type, const void *data, size_t len,
		   uint8_t digests[][TL_MAX_DIGEST]);
void tl_pred_note(struct tl_pred *g, const char *s);
/* GRUB's PCR 8 string: digest of the text, data "PREFIX" + text + NUL. */
void tl_pred_grub_string(struct tl_pred *g, const char *prefix, const char *text);
/* PCR 8 and 9 of Debian's signed GRUB reading in->grub_cfg. */
int tl_pred_grub(struct tl_pred *g, const struct tl_predict_in *in);

#endif
