/* libFuzzer target: the revocation data parsers (dbx_info JSON, the signed dbx update, the
 * SbatLevel generations file, one SbatLevel, a .sbat section), the update's SignedData
 * decoding, and the check over what they yield. Seeds: ../shared/vectors/revocations and fuzz/corpus/revocation. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trustlaunch/limits.h"
#include "trustlaunch/revocation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char levels_text[] = "To revoke:\n\nsbat,1,2024040900\nshim,4\ngrub,4\n"
				  "grub.peimage,2\n\nsbat,1,2025021800\nshim,4\ngrub,5\n";

static void check_all(const struct tl_revoc_list *list, const struct tl_sbat_levels *lv,
		      struct tl_bytes in)
{
	struct tl_revoc_vm vm;
	struct tl_revoc_report rep;
	uint8_t digest[TL_SHA256_LEN] = { 0 };
	memset(&vm, 0, sizeof(vm));
	vm.secure_boot = vm.dbx_known = true;
	if (list->count)
		memcpy(digest, list->e[0].value, sizeof(digest));
	if (tl_sbat_level_parse(in, &vm.sbat) == TL_OK) {
		if (vm.sbat.ncomp > TL_SBAT_MAX_COMPONENTS)
			__builtin_trap();
		vm.sbat_known = true;
	}
	if (tl_revoc_vm_add_app(&vm, "fuzz", digest) != TL_OK)
		__builtin_trap();
	if (tl_revoc_check(&vm, list, lv, &rep) == TL_OK) {
		if (rep.nmissing > list->count || rep.nhits > vm.napps)
			__builtin_trap();
		if (tl_revoc_check_image(&rep, "fuzz", in, lv) == TL_OK &&
		    rep.ncomp_hits > TL_REVOC_MAX_COMPONENT_HITS)
			__builtin_trap();
		json_decref(tl_revoc_report_json(&rep, &vm, list, lv));
		tl_revoc_report_clear(&rep);
	}
	tl_revoc_vm_clear(&vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_bytes in = { data, size };
	struct tl_revoc_list list;
	struct tl_dbx_update up;
	struct tl_sbat_levels lv, fixed;
	struct tl_revoc_vm vm;

	if (tl_dbx_info_parse(in, "x64", &list) == TL_OK && list.count > TL_MAX_REVOC_ENTRIES)
		__builtin_trap();
	if (tl_dbx_update_parse(in, &up) == TL_OK) {
		bool appended;
		int err;
		if (up.count == 0 || up.lists.len > size || up.pkcs7.len > size)
			__builtin_trap();
		/* the SignedData is wrapped and decoded before the anchor is looked at */
		err = tl_dbx_update_verify(&up, in, &appended);
		if (err != TL_E_ARG && err != TL_E_REVOC_UPDATE_SIGNATURE && err != TL_OK)
			__builtin_trap();
		if (tl_revoc_list_add_update(&list, &up) == TL_OK && !list.have_update)
			__builtin_trap();
	}
	if (tl_sbat_levels_parse(in, &lv) == TL_OK) {
		if (lv.count == 0 || lv.newest >= lv.count)
			__builtin_trap();
		check_all(&list, &lv, in);
		tl_sbat_levels_clear(&lv);
	}
	if (tl_sbat_levels_parse((struct tl_bytes){ (const uint8_t *)levels_text,
						    sizeof(levels_text) - 1 }, &fixed) != TL_OK)
		__builtin_trap();
	check_all(&list, &fixed, in);
	tl_sbat_levels_clear(&fixed);
	if (tl_revoc_vm_from_varstore(in, &vm) == TL_OK)
		tl_revoc_vm_clear(&vm);
	tl_revoc_list_clear(&list);
	return 0;
}
