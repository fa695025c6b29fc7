/* The decision revocations-current on the real boots in ../shared/vectors (their facts), on
 * Debian's OVMF variable stores, and on VM states built to hit each reason. The expected
 * findings were counted by hand from the facts and dbx_info_msft_latest.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/facts.h"
#include "trustlaunch/posture.h"
#include "trustlaunch/revocation.h"
#include "trustlaunch/varstore.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;
	if (!f)
		fail_msg("%s is missing", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static const char *vec(const char *rel)
{
	static char path[4096];
	const char *v = getenv("TL_VECTORS");
	snprintf(path, sizeof(path), "%s/%s", v ? v : "../shared/vectors", rel);
	return path;
}

struct data {
	struct tl_revoc_list list;
	struct tl_sbat_levels levels;
};

static int setup(void **state)
{
	struct data *d = calloc(1, sizeof(*d));
	struct tl_dbx_update up;
	size_t len;
	uint8_t *b = slurp(vec("revocations/dbx_info_msft_latest.json"), &len), *u;
	if (tl_dbx_info_parse((struct tl_bytes){ b, len }, "x64", &d->list) != TL_OK)
		return -1;
	free(b);
	u = slurp(vec("revocations/DBXUpdate-amd64.bin"), &len);
	if (tl_dbx_update_parse((struct tl_bytes){ u, len }, &up) != TL_OK ||
	    tl_revoc_list_add_update(&d->list, &up) != TL_OK)
		return -1;
	free(u);
	b = slurp(vec("revocations/SbatLevel_Variable.txt"), &len);
	if (tl_sbat_levels_parse((struct tl_bytes){ b, len }, &d->levels) != TL_OK)
		return -1;
	free(b);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct data *d = *state;
	tl_revoc_list_clear(&d->list);
	tl_sbat_levels_clear(&d->levels);
	free(d);
	return 0;
}

static void vm_from_log(const char *rel, struct tl_revoc_vm *vm)
{
	size_t len;
	uint8_t *b = slurp(vec(rel), &len);
	struct tl_log *log = NULL;
	json_t *facts = NULL;
	assert_int_equal(tl_log_parse(b, len, &log, NULL), TL_OK);
	assert_int_equal(tl_facts_extract(log, TL_PCRS_ALL, &facts), TL_OK);
	assert_int_equal(tl_revoc_vm_from_facts(facts, vm), TL_OK);
	json_decref(facts);
	tl_log_free(log);
	free(b);
}

static bool has_reason(const struct tl_revoc_report *r, int code)
{
	for (size_t i = 0; i < r->nreasons; i++)
		if (r->reasons[i] == code)
			return true;
	return false;
}

static size_t missing_of(const struct tl_revoc_report *r, const char *date)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nmissing; i++)
		n += strcmp(r->missing[i]->date, date) == 0;
	return n;
}

/* Debian 12 under OVMF with Microsoft's keys: OVMF's dbx holds one hash that is not in
 * Microsoft's list, so every revocation is missing, BootHole and BlackLotus included; shim
 * 16.1 wrote SbatLevel 2025021800, one generation short of 2025051000 (grub.proxmox,2). */
static void revocation_check_sb_on_lacks_every_revocation(void **state)
{
	struct data *d = *state;
	struct tl_revoc_vm vm;
	struct tl_revoc_report r;
	vm_from_log("boot/sb-on/eventlog.bin", &vm);
	assert_true(vm.secure_boot);
	assert_int_equal(vm.nhash, 1);
	assert_int_equal(tl_revoc_check(&vm, &d->list, &d->levels, &r), TL_OK);
	assert_int_equal(r.status, TL_REVOC_UNHEALTHY);
	assert_true(has_reason(&r, TL_E_REVOC_DBX_MISSING));
	assert_true(has_reason(&r, TL_E_REVOC_SBAT_BEHIND));
	assert_false(has_reason(&r, TL_E_REVOC_APP_REVOKED));
	assert_int_equal(r.present, 0);
	assert_int_equal(r.missing_update, 443);
	assert_int_equal(r.missing_optional, 154);
	assert_int_equal(r.missing_staged, 4);
	assert_int_equal(missing_of(&r, "2020-07-01"), 151); /* BootHole */
	assert_int_equal(missing_of(&r, "2023-05-01"), 151); /* BlackLotus boot managers */
	assert_int_equal(r.apps_checked, 4);
	assert_int_equal(r.nhits, 0);
	assert_true(r.sbat_checked);
	assert_false(r.sbat_current);
	assert_int_equal(r.ngen_missing, 1);
	assert_string_equal(r.gen_missing[0]->level.stamp, "2025051000");
	tl_revoc_report_clear(&r);
	tl_revoc_vm_clear(&vm);
}

/* RHEL 8 on GCE: its dbx has the 183 entries up to BootHole (2020-07-01, but one), so it
 * lacks 260 of the update, and the shim it booted is revoked by the 2021-04-01 entries
 * (CVE-2020-14372 ...) that its own dbx does not have. */
static void revocation_check_rhel8_booted_revoked_shim(void **state)
{
	struct data *d = *state;
	struct tl_revoc_vm vm;
	struct tl_revoc_report r;
	vm_from_log("gce/eventlogs/rhel8-uefi.bin", &vm);
	assert_int_equal(tl_revoc_check(&vm, &d->list, &d->levels, &r), TL_OK);
	assert_int_equal(r.status, TL_REVOC_UNHEALTHY);
	assert_int_equal(r.present, 183);
	assert_int_equal(r.missing_update, 260);
	assert_int_equal(missing_of(&r, "2021-04-01"), 31);
	assert_int_equal(missing_of(&r, "2020-07-01"), 1);
	assert_true(has_reason(&r, TL_E_REVOC_APP_REVOKED));
	assert_int_equal(r.nhits, 1);
	assert_false(r.hits[0].in_vm_dbx);
	assert_string_equal(r.hits[0].entry->date, "2021-04-01");
	assert_non_null(strstr(vm.app[r.hits[0].app].path, "\\EFI\\redhat\\shimx64.efi"));
	assert_false(r.sbat_checked); /* this shim measures no SbatLevel */
	tl_revoc_report_clear(&r);
	tl_revoc_vm_clear(&vm);
}

/* Ubuntu 24.04 (SEV-SNP) with Secure Boot off: not applicable, but the findings are there:
 * its dbx has 371 entries and lacks 72 (40 of 2024-03-01). */
static void revocation_check_secure_boot_off_not_applicable(void **state)
{
	struct data *d = *state;
	struct tl_revoc_vm vm;
	struct tl_revoc_report r;
	vm_from_log("gce/eventlogs/ubuntu-2404-amd-sevsnp.bin", &vm);
	assert_false(vm.secure_boot);
	assert_int_equal(tl_revoc_check(&vm, &d->list, &d->levels, &r), TL_OK);
	assert_int_equal(r.status, TL_REVOC_NOT_APPLICABLE);
	assert_int_equal(r.nreasons, 1);
	assert_int_equal(r.reasons[0], TL_E_REVOC_NO_SECURE_BOOT);
	assert_int_equal(r.present, 371);
	assert_int_equal(r.missing_update, 72);
	assert_int_equal(missing_of(&r, "2024-03-01"), 40);
	tl_revoc_report_clear(&r);
	tl_revoc_vm_clear(&vm);
}

/* Would the VM's firmware apply Microsoft's signed update? With OVMF's Microsoft KEK yes;
 * with the snakeoil KEK (a test key) no. */
static void revocation_dbx_update_verify_kek_lists_of_stores(void **state)
{
	size_t len, ul;
	uint8_t *u = slurp(vec("revocations/DBXUpdate-amd64.bin"), &ul), *fd;
	struct tl_dbx_update up;
	struct tl_bytes kek;
	bool appended = false;
	(void)state;
	assert_int_equal(tl_dbx_update_parse((struct tl_bytes){ u, ul }, &up), TL_OK);
	fd = slurp("/usr/share/OVMF/OVMF_VARS_4M.ms.fd", &len);
	assert_int_equal(tl_varstore_get((struct tl_bytes){ fd, len }, &TL_GUID_GLOBAL_VARIABLE,
					 "KEK", &kek), TL_OK);
	assert_int_equal(tl_dbx_update_verify_kek_lists(&up, kek, &appended), TL_OK);
	assert_true(appended);
	free(fd);
	fd = slurp("/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd", &len);
	assert_int_equal(tl_varstore_get((struct tl_bytes){ fd, len }, &TL_GUID_GLOBAL_VARIABLE,
					 "KEK", &kek), TL_OK);
	assert_int_equal(tl_dbx_update_verify_kek_lists(&up, kek, &appended),
			 TL_E_REVOC_UPDATE_SIGNATURE);
	assert_int_equal(tl_dbx_update_verify_kek_lists(&up, (struct tl_bytes){ fd, 30 }, &appended),
			 TL_E_ESL_MALFORMED);
	free(fd);
	free(u);
}

static void revocation_check_ovmf_stores(void **state)
{
	struct data *d = *state;
	struct tl_revoc_vm vm;
	struct tl_revoc_report r;
	size_t len;
	uint8_t *fd = slurp("/usr/share/OVMF/OVMF_VARS_4M.ms.fd", &len);
	assert_int_equal(tl_revoc_vm_from_varstore((struct tl_bytes){ fd, len }, &vm), TL_OK);
	assert_true(vm.secure_boot);
	assert_int_equal(vm.nhash, 1);
	assert_false(vm.sbat_known); /* shim writes SbatLevel on its first boot */
	assert_int_equal(tl_revoc_check(&vm, &d->list, &d->levels, &r), TL_OK);
	assert_int_equal(r.status, TL_REVOC_UNHEALTHY);
	assert_int_equal(r.missing_update, 443);
	assert_false(r.sbat_checked);
	tl_revoc_report_clear(&r);
	tl_revoc_vm_clear(&vm);
	free(fd);
	fd = slurp("/usr/share/OVMF/OVMF_VARS_4M.fd", &len);
	assert_int_equal(tl_revoc_vm_from_varstore((struct tl_bytes){ fd, len }, &vm), TL_OK);
	assert_false(vm.secure_boot); /* no PK: Secure Boot off */
	assert_int_equal(tl_revoc_check(&vm, &d->list, &d->levels, &r), TL_OK);
	assert_int_equal(r.status, TL_REVOC_NOT_APPLICABLE);
	tl_revoc_report_clear(&r);
	tl_revoc_vm_clear(&vm);
	/* not a store: refused, not read as an empty one */
	assert_int_equal(tl_revoc_vm_from_varstore((struct tl_bytes){ fd, 40 }, &vm),
			 TL_E_VARSTORE);
	free(fd);
}

/* Facts of a Secure Boot VM whose dbx holds every entry of the update (and, when with_pca,
 * the Windows Production PCA 2011 certificate by name) and the newest SbatLevel. */
static json_t *current_facts(const struct data *d, bool with_pca)
{
	json_t *dbx = json_array();
	char hex[2 * TL_SHA256_LEN + 1];
	for (size_t i = 0; i < d->list.count; i++) {
		if (d->list.e[i].kind == TL_REVOC_CERT || d->list.e[i].staged)
			continue;
		tl_hex(d->list.e[i].value, TL_SHA256_LEN, hex);
		json_array_append_new(dbx, json_pack("{s:s,s:s}", "type", "sha256", "hash", hex));
	}
	if (with_pca)
		json_array_append_new(
			dbx, json_pack("{s:s,s:s,s:s}", "type", "x509", "subject",
				       "CN=Microsoft Windows Production PCA 2011,O=Microsoft "
				       "Corporation,L=Redmond,ST=Washington,C=US",
				       "issuer", "CN=Microsoft Root Certificate Authority 2010,O=Microsoft "
						 "Corporation,L=Redmond,ST=Washington,C=US"));
	return json_pack("{s:{s:b,s:o,s:s},s:[]}", "secureboot", "enabled", 1, "dbx", dbx,
			 "sbat_level", "sbat,1,2025051000\\x0ashim,4\\x0agrub,5\\x0agrub.proxmox,2\\x0a",
			 "efi_apps");
}

static void revocation_check_current_vm_is_healthy(void **state)
{
	struct data *d = *state;
	struct tl_revoc_vm vm;
	struct tl_revoc_report r;
	json_t *f = current_facts(d, true);
	assert_int_equal(tl_revoc_vm_from_facts(f, &vm), TL_OK);
	assert_int_equal(vm.nhash, 443);
	assert_int_equal(tl_revoc_check(&vm, &d->list, &d->levels, &r), TL_OK);
	assert_int_equal(r.status, TL_REVOC_HEALTHY);
	assert_int_equal(r.nreasons, 0);
	assert_int_equal(r.missing_update, 0);
	assert_int_equal(r.missing_staged, 3); /* the SVNs; the certificate matched by name */
	assert_true(r.sbat_current);
	tl_revoc_report_clear(&r);
	tl_revoc_vm_clear(&vm);
	json_decref(f);
}

static void revocation_check_each_reason(void **state)
{
	struct data *d = *state;
	struct tl_revoc_vm vm;
	struct tl_revoc_report r;
	json_t *f = current_facts(d, false), *sb = json_object_get(f, "secureboot");
	json_t *dbx = json_object_get(sb, "dbx");
	const char *revoked = json_string_value(json_object_get(json_array_get(dbx, 0), "hash"));

	/* a boot application the VM's dbx forbids too, and one entry fewer in dbx */
	json_array_append_new(json_object_get(f, "efi_apps"),
			      json_pack("{s:s,s:{s:s}}", "path", "\\EFI\\BOOT\\BOOTX64.EFI",
					"digests", "sha256", revoked));
	json_array_remove(dbx, json_array_size(dbx) - 1);
	json_object_set_new(sb, "sbat_level", json_string("sbat,1,2024040900\\x0ashim,4\\x0agrub,4"
							  "\\x0agrub.peimage,2\\x0a"));
	assert_int_equal(tl_revoc_vm_from_facts(f, &vm), TL_OK);
	assert_int_equal(tl_revoc_check(&vm, &d->list, &d->levels, &r), TL_OK);
	assert_int_equal(r.status, TL_REVOC_UNHEALTHY);
	assert_true(has_reason(&r, TL_E_REVOC_DBX_MISSING));
	assert_true(has_reason(&r, TL_E_REVOC_APP_REVOKED));
	assert_true(has_reason(&r, TL_E_REVOC_SBAT_BEHIND));
	assert_int_equal(r.missing_update, 1);
	assert_int_equal(r.nhits, 1);
	assert_true(r.hits[0].in_vm_dbx);
	assert_int_equal(r.ngen_missing, 2); /* 2025021800 and 2025051000 */
	tl_revoc_report_clear(&r);
	tl_revoc_vm_clear(&vm);

	/* Secure Boot on, dbx not measured */
	json_object_del(sb, "dbx");
	assert_int_equal(tl_revoc_vm_from_facts(f, &vm), TL_OK);
	assert_int_equal(tl_revoc_check(&vm, &d->list, NULL, &r), TL_OK);
	assert_int_equal(r.status, TL_REVOC_UNHEALTHY);
	assert_true(has_reason(&r, TL_E_REVOC_DBX_NOT_MEASURED));
	assert_false(r.dbx_checked);
	tl_revoc_report_clear(&r);
	tl_revoc_vm_clear(&vm);
	json_decref(f);
}

static void revocation_check_image_component_below_newest(void **state)
{
	struct data *d = *state;
	struct tl_revoc_vm vm;
	struct tl_revoc_report r;
	json_t *f = current_facts(d, true);
	static const char sbat[] =
		"sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n"
		"grub,3,Free Software Foundation,grub,2.06,https://www.gnu.org/software/grub/\n"
		"grub.debian,4,Debian,grub2,2.06-3~deb11u5,https://tracker.debian.org/pkg/grub2\n"
		"\0\0\0\0";
	static const char current[] = "sbat,1,SBAT Version,sbat,1,https://x\ngrub,5,FSF,grub,2.12,x\n";
	assert_int_equal(tl_revoc_vm_from_facts(f, &vm), TL_OK);
	assert_int_equal(tl_revoc_check(&vm, &d->list, &d->levels, &r), TL_OK);
	assert_int_equal(tl_revoc_check_image(&r, "grubx64.efi",
					      (struct tl_bytes){ (const uint8_t *)current,
								 sizeof(current) - 1 }, &d->levels),
			 TL_OK);
	assert_int_equal(r.status, TL_REVOC_HEALTHY);
	assert_int_equal(tl_revoc_check_image(&r, "grubx64.efi",
					      (struct tl_bytes){ (const uint8_t *)sbat, sizeof(sbat) - 1 },
					      &d->levels), TL_OK);
	assert_int_equal(r.status, TL_REVOC_UNHEALTHY);
	assert_true(has_reason(&r, TL_E_REVOC_COMPONENT_REVOKED));
	assert_int_equal(r.ncomp_hits, 1);
	assert_string_equal(r.comp_hits[0].have.name, "grub");
	assert_int_equal(r.comp_hits[0].have.gen, 3);
	assert_int_equal(r.comp_hits[0].required, 5);
	/* not SBAT CSV */
	assert_int_equal(tl_revoc_check_image(&r, "x", (struct tl_bytes){ (const uint8_t *)"grub\n", 5 },
					      &d->levels), TL_E_REVOC_IMAGE_SBAT);
	assert_int_equal(tl_revoc_check_image(&r, "x", (struct tl_bytes){ (const uint8_t *)"grub,,\n", 7 },
					      &d->levels), TL_E_REVOC_IMAGE_SBAT);
	tl_revoc_report_clear(&r);
	tl_revoc_vm_clear(&vm);
	json_decref(f);
}

static void revocation_vm_from_facts_rejects_misshapen_facts(void **state)
{
	struct tl_revoc_vm vm;
	static const char *const bad[] = {
		"[]",
		"{\"secureboot\":1}",
		"{\"secureboot\":{\"enabled\":true,\"dbx\":{}}}",
		"{\"secureboot\":{\"enabled\":true,\"dbx\":[{\"hash\":\"00\"}]}}",
		"{\"secureboot\":{\"enabled\":true,\"sbat_level\":5}}",
		"{\"efi_apps\":{}}",
		"{\"efi_apps\":[{\"digests\":{\"sha256\":\"zz\"}}]}",
		"{\"efi_apps\":[7]}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *f = json_loads(bad[i], 0, NULL);
		assert_non_null(f);
		int err = tl_revoc_vm_from_facts(f, &vm);
		if (err != TL_E_REVOC_FACTS)
			fail_msg("case %zu: %d", i, err);
		assert_int_equal(vm.napps, 0);
		json_decref(f);
	}
	json_t *f = json_loads("{\"secureboot\":{\"enabled\":true,\"sbat_level\":\"grub,4\"}}", 0,
			       NULL);
	assert_int_equal(tl_revoc_vm_from_facts(f, &vm), TL_E_REVOC_VM_SBAT_MALFORMED);
	json_decref(f);
}

/* The recommendation as the service decides it: at attestation from the boot's facts, and
 * back from the kept summary. */
static struct tl_rec_revocations rec_of(const struct data *d, json_t *facts, json_t **summary)
{
	struct tl_rec_revocations r;
	assert_non_null(*summary = tl_rec_revocations_evaluate(facts, &d->list, &d->levels));
	tl_rec_revocations_status(*summary, true, &r);
	return r;
}

static void posture_revocations_sb_on_log_unhealthy_names_missing(void **state)
{
	struct data *d = *state;
	size_t len;
	uint8_t *b = slurp(vec("boot/sb-on/eventlog.bin"), &len);
	struct tl_log *log = NULL;
	json_t *facts = NULL, *s, *g;
	size_t i;
	bool boothole = false, blacklotus = false;
	assert_int_equal(tl_log_parse(b, len, &log, NULL), TL_OK);
	assert_int_equal(tl_facts_extract(log, TL_PCRS_ALL, &facts), TL_OK);
	struct tl_rec_revocations r = rec_of(d, facts, &s);
	assert_int_equal(r.status, TL_STATUS_UNHEALTHY);
	assert_non_null(strstr(r.why, "BootHole (2020-07-01)"));
	/* BlackLotus's groups as one entry with its date range, each name once, no entry cut */
	assert_non_null(strstr(r.why, "BlackLotus ("));
	assert_non_null(strstr(r.why, "updates, 2023-05-01 to 20"));
	assert_null(strstr(strstr(r.why, "BlackLotus") + 1, "BlackLotus"));
	assert_non_null(strstr(r.why, "SbatLevel 1 generation(s) behind"));
	/* the kept summary: counts and groups, not the 447 entries one by one */
	assert_null(json_object_get(json_object_get(s, "dbx"), "missing_entries"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "dbx"), "missing")),
			 447);
	json_array_foreach(json_object_get(json_object_get(s, "dbx"), "missing_groups"), i, g) {
		const char *name = json_string_value(json_object_get(g, "name"));
		boothole |= name && strcmp(name, "BootHole") == 0;
		blacklotus |= name && strcmp(name, "BlackLotus") == 0;
	}
	assert_true(boothole && blacklotus);
	char *text = json_dumps(s, JSON_COMPACT);
	assert_true(strlen(text) < 8192);
	free(text);
	json_decref(s);
	json_decref(facts);
	tl_log_free(log);
	free(b);
}

static void posture_revocations_status_of_each_case(void **state)
{
	struct data *d = *state;
	struct tl_rec_revocations r;
	json_t *s, *f = current_facts(d, true);
	r = rec_of(d, f, &s);
	assert_int_equal(r.status, TL_STATUS_HEALTHY);
	json_decref(s);
	json_decref(f);
	/* no Secure Boot: not applicable, with the check's reason */
	f = json_pack("{s:{s:b,s:[],s:n},s:[]}", "secureboot", "enabled", 0, "dbx", "sbat_level",
		      "efi_apps");
	r = rec_of(d, f, &s);
	assert_int_equal(r.status, TL_STATUS_NOT_APPLICABLE);
	json_decref(s);
	json_decref(f);
	/* facts that are not shaped as facts are: not applicable, not healthy */
	f = json_pack("{s:s}", "secureboot", "x");
	r = rec_of(d, f, &s);
	assert_int_equal(r.status, TL_STATUS_NOT_APPLICABLE);
	json_decref(s);
	json_decref(f);
	tl_rec_revocations_status(NULL, false, &r);
	assert_int_equal(r.status, TL_STATUS_NOT_APPLICABLE);
	assert_non_null(strstr(r.why, "--revocations"));
	tl_rec_revocations_status(NULL, true, &r);
	assert_int_equal(r.status, TL_STATUS_NOT_APPLICABLE);
	assert_non_null(strstr(r.why, "no attested boot"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(revocation_check_sb_on_lacks_every_revocation),
		cmocka_unit_test(revocation_check_rhel8_booted_revoked_shim),
		cmocka_unit_test(revocation_check_secure_boot_off_not_applicable),
		cmocka_unit_test(revocation_check_ovmf_stores),
		cmocka_unit_test(revocation_dbx_update_verify_kek_lists_of_stores),
		cmocka_unit_test(revocation_check_current_vm_is_healthy),
		cmocka_unit_test(revocation_check_each_reason),
		cmocka_unit_test(revocation_check_image_component_below_newest),
		cmocka_unit_test(revocation_vm_from_facts_rejects_misshapen_facts),
		cmocka_unit_test(posture_revocations_sb_on_log_unhealthy_names_missing),
		cmocka_unit_test(posture_revocations_status_of_each_case),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
