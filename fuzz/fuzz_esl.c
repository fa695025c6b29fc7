/* libFuzzer target: EFI_SIGNATURE_LIST stores, .esl/.auth files and EDK2 variable stores. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "trustlaunch/nvram.h"
#include "trustlaunch/sb.h"
#include "trustlaunch/varstore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(const struct tl_esl_entry *e, void *arg)
{
	(void)e;
	(*(size_t *)arg)++;
	return TL_OK;
}

static int each_var(const struct tl_var_entry *v, void *arg)
{
	size_t n = 0;
	(void)arg;
	if (tl_esl_walk(v->data, count, &n) == TL_OK && n > TL_MAX_ESL_ENTRIES)
		__builtin_trap();
	return TL_OK;
}

/* The writer on a hostile store: a store it writes reads back with the variable set. */
static void written(struct tl_bytes in)
{
	static const uint8_t one = 1;
	struct tl_var_new v = { &TL_GUID_SECURE_BOOT_ENABLE, "SecureBootEnable", TL_VAR_ATTRS_NV_BS,
				{ 0 }, { &one, 1 } };
	struct tl_bytes got;
	uint8_t *out = NULL;
	size_t len = 0;
	if (tl_varstore_set(in, &v, 1, &out, &len) == TL_OK &&
	    (len != in.len || tl_varstore_get((struct tl_bytes){ out, len },
					      &TL_GUID_SECURE_BOOT_ENABLE, "SecureBootEnable",
					      &got) != TL_OK || got.len != 1))
		__builtin_trap();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_bytes in = { data, size }, lists, db;
	size_t n = 0, m = 0;
	char detail[128];

	if (tl_esl_count(in, &n) == TL_OK && (tl_esl_walk(in, count, &m) != TL_OK || m != n))
		__builtin_trap(); /* a store that counts must walk, to the same count */
	if (tl_esl_file(in, &lists) == TL_OK && lists.len > size)
		__builtin_trap();
	if (tl_varstore_walk(in, each_var, NULL) == TL_OK &&
	    tl_varstore_get(in, &TL_GUID_IMAGE_SECURITY_DB, "db", &db) == TL_OK && db.len > size)
		__builtin_trap();
	written(in);
	detail[0] = '\0';
	if (tl_sbat_check(in, in, detail, sizeof(detail)) == TL_E_SB_SBAT && !detail[0])
		__builtin_trap(); /* a revocation always names its component */
	return 0;
}
