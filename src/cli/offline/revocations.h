/* tl revocations: the revocation data files and their text output. */
#ifndef TL_CLI_REVOCATIONS_H
#define TL_CLI_REVOCATIONS_H

#include "trustlaunch/facts.h"
#include "trustlaunch/pe.h"
#include "trustlaunch/revocation.h"
#include "eventlog.h"

#define TL_REVOC_DEFAULT_DIR "/etc/trustlaunch/revocations"
#define TL_REVOC_INFO_FILE "dbx_info_msft_latest.json"
#define TL_REVOC_UPDATE_FILE "DBXUpdate-amd64.bin"
#define TL_REVOC_SBAT_FILE "SbatLevel_Variable.txt"
#define TL_REVOC_MAX_IMAGES 8u

struct tl_revoc_paths {
	const char *info, *update, *sbat, *arch, *kek;
};

struct tl_revoc_data {
	bool have_list, have_levels;
	struct tl_revoc_list list;
	struct tl_sbat_levels levels;
	uint8_t *update_buf;
	bool have_update;
	struct tl_dbx_update update; /* views into update_buf */
	size_t nimages;
	uint8_t *image_buf[TL_REVOC_MAX_IMAGES];
	const char *image_name[TL_REVOC_MAX_IMAGES];
	struct tl_bytes image_sbat[TL_REVOC_MAX_IMAGES];
};

/* --dbx-info/--dbx-update/--sbat-levels/--arch/--kek VALUE: 1 when taken (VALUE consumed), 0 not. */
int tl_revoc_path_option(struct tl_revoc_paths *p, const char *opt, const char *value);
/* Loads the files named, or the defaults that exist; prints why on failure. */
int tl_revoc_data_load(const struct tl_revoc_paths *p, struct tl_revoc_data *d);
void tl_revoc_data_clear(struct tl_revoc_data *d);
void tl_revoc_print_report(const struct tl_revoc_report *r, const struct tl_revoc_vm *vm,
			   const struct tl_revoc_data *d);
int tl_revoc_show(int argc, char **argv);

#endif
