/* The compatibility catalog (src/lib/catalog): the shipped data, size names, overlays, the
 * seed's rules for new and changed VMs, and files refused without changing anything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "trustlaunch/catalog.h"

static struct tl_catalog *shipped(void)
{
	const char *src = getenv("TL_SOURCE");
	char path[4096];
	static char buf[1 << 20];
	struct tl_catalog *c;
	struct tl_catalog_diag diag;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/data/catalog.json", src ? src : ".");
	assert_non_null(f = fopen(path, "rb"));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(tl_catalog_new(&c), TL_OK);
	assert_int_equal(tl_catalog_load(c, (struct tl_bytes){ (uint8_t *)buf, n }, &diag), TL_OK);
	return c;
}

static int load_text(struct tl_catalog *c, const char *text)
{
	struct tl_catalog_diag diag;
	return tl_catalog_load(c, (struct tl_bytes){ (const uint8_t *)text, strlen(text) }, &diag);
}

static void expect_size(const struct tl_catalog *c, const char *size, const char *family,
			enum tl_cat_support s)
{
	struct tl_size_info info;
	tl_catalog_size(c, size, &info);
	assert_string_equal(info.family, family);
	assert_int_equal(info.support, s);
}

static void catalog_size_resolves_azure_names(void **state)
{
	(void)state;
	struct tl_catalog *c = shipped();
	expect_size(c, "Standard_D2s_v5", "Dsv5", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_E4ads_v5", "Eadsv5", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_DC2s_v3", "DCsv3", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_D2_v3", "Dv3", TL_CAT_GEN1_ONLY);
	expect_size(c, "Standard_B2ms", "B", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_DS2_v2", "Dsv2", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_A2_v2", "Av2", TL_CAT_GEN1_ONLY);
	expect_size(c, "Standard_HB120rs_v3", "HBv3", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_HC44rs", "HC", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_FX4mds", "FX", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_NC6", "NC", TL_CAT_GEN1_ONLY);
	expect_size(c, "Standard_NC6s_v3", "NCv3", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_NC4as_T4_v3", "NCasT4_v3", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_NC24ads_A100_v4", "NC_A100_v4", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_NV36ads_A10_v5", "NVadsA10_v5", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_ND96asr_v4", "NDasrA100_v4", TL_CAT_NOT_YET);
	expect_size(c, "Standard_ND96amsr_A100_v4", "NDm_A100_v4", TL_CAT_NOT_YET);
	expect_size(c, "Standard_D2ps_v5", "Dpsv5", TL_CAT_NOT_YET);
	expect_size(c, "Standard_M128ms", "M", TL_CAT_NOT_YET);
	expect_size(c, "Standard_E2bds_v5", "Ebdsv5", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_DC4as_v5", "DCasv5", TL_CAT_CONFIDENTIAL);
	expect_size(c, "Dsv5", "Dsv5", TL_CAT_SUPPORTED); /* a family by its name */
	/* not sizes at all, or too odd to guess */
	expect_size(c, "Standard_", "", TL_CAT_UNKNOWN);
	expect_size(c, "Standard_D2s_v5_v6", "", TL_CAT_UNKNOWN);
	expect_size(c, "Standard_Q8_v9", "", TL_CAT_UNKNOWN);
	expect_size(c, "", "", TL_CAT_UNKNOWN);
	tl_catalog_free(c);
}

static void catalog_load_has_every_table_row(void **state)
{
	(void)state;
	struct tl_catalog *c = shipped();
	char *dump = tl_catalog_dump(c);
	struct tl_os_info os;
	assert_non_null(dump);
	for (const char *const *id = (const char *const[]){ "general-purpose", "compute-optimized",
							      "memory-optimized", "storage-optimized",
							      "gpu", "hpc", NULL };
	     *id; id++)
		assert_non_null(strstr(dump, *id));
	free(dump);
	for (const char *const *id = (const char *const[]){
		     "alma-8.7", "azurelinux-2.0", "debian-11", "debian-12", "oracle-9.1", "rhel-8.4",
		     "rhel-9.2", "sles-15-sp3", "sles-15-sp5", "ubuntu-18.04", "ubuntu-22.04",
		     "windows-10-enterprise-multisession", "windows-11-pro", "windows-server-2016",
		     "windows-server-2022-azure-edition", NULL };
	     *id; id++) {
		tl_catalog_os(c, *id, &os);
		assert_true(os.known);
	}
	tl_catalog_os(c, "rhel-9.3", &os);
	assert_false(os.known);
	tl_catalog_free(c);
}

static void decide(const struct tl_catalog *c, const char *size, const char *os, int type,
		   struct tl_cat_decision *d)
{
	struct tl_vm_request r = { size, os, (enum tl_security_type)type, -1, -1, false };
	tl_catalog_decide_create(c, &r, d);
}

static void catalog_decide_create_follows_the_seed(void **state)
{
	(void)state;
	struct tl_catalog *c = shipped();
	struct tl_cat_decision d;
	struct tl_vm_request sb_on = { "Standard_D2_v3", "debian-12", TL_SECTYPE_STANDARD, 1, -1,
				       false };

	decide(c, "Standard_D2s_v5", "debian-12", TL_SECTYPE_UNSET, &d); /* the default */
	assert_int_equal(d.rule, TL_RULE_OK);
	assert_int_equal(d.type, TL_SECTYPE_TRUSTED_LAUNCH);
	assert_true(d.secure_boot && d.vtpm);
	decide(c, "Standard_D2_v3", "debian-12", TL_SECTYPE_UNSET, &d); /* cannot: standard */
	assert_int_equal(d.rule, TL_RULE_OK);
	assert_int_equal(d.type, TL_SECTYPE_STANDARD);
	assert_false(d.secure_boot || d.vtpm);
	assert_non_null(strstr(d.message, "change the size to a supported family"));
	decide(c, "Standard_D2_v3", "debian-12", TL_SECTYPE_TRUSTED_LAUNCH, &d);
	assert_int_equal(d.rule, TL_RULE_SIZE_GEN1_ONLY);
	assert_string_equal(tl_cat_rule_code(d.rule), "catalog.size_unsupported");
	decide(c, "Standard_D2ps_v5", "debian-12", TL_SECTYPE_TRUSTED_LAUNCH, &d);
	assert_int_equal(d.rule, TL_RULE_SIZE_NOT_YET);
	decide(c, "Standard_Q8_v9", "debian-12", TL_SECTYPE_TRUSTED_LAUNCH, &d);
	assert_int_equal(d.rule, TL_RULE_SIZE_UNKNOWN);
	decide(c, "Standard_D2s_v5", "freebsd-14", TL_SECTYPE_TRUSTED_LAUNCH, &d);
	assert_int_equal(d.rule, TL_RULE_OS_UNSUPPORTED);
	decide(c, "Standard_D2s_v5", "debian-12", TL_SECTYPE_CONFIDENTIAL, &d);
	assert_int_equal(d.rule, TL_RULE_NOT_CONFIDENTIAL_SIZE);
	decide(c, "Standard_DC4as_v5", "ubuntu-22.04", TL_SECTYPE_UNSET, &d);
	assert_int_equal(d.type, TL_SECTYPE_CONFIDENTIAL);
	assert_true(d.vtpm);
	tl_catalog_decide_create(c, &sb_on, &d);
	assert_int_equal(d.rule, TL_RULE_FEATURE_NEEDS_TL);
	sb_on.type = TL_SECTYPE_UNSET; /* asked for Secure Boot where it cannot be: why not */
	tl_catalog_decide_create(c, &sb_on, &d);
	assert_int_equal(d.rule, TL_RULE_SIZE_GEN1_ONLY);
	tl_catalog_free(c);
}

static void update(const struct tl_catalog *c, struct tl_vm_profile *vm, const char *size,
		   int type, struct tl_cat_decision *d)
{
	struct tl_vm_request r = { size, NULL, (enum tl_security_type)type, -1, -1, false };
	tl_catalog_decide_update(c, vm, &r, d);
}

static void catalog_decide_update_follows_the_seed(void **state)
{
	(void)state;
	struct tl_catalog *c = shipped();
	struct tl_cat_decision d;
	struct tl_vm_profile vm = { "Standard_D2s_v5", "debian-12", TL_SECTYPE_STANDARD,
				    false, false, false, false };

	update(c, &vm, NULL, TL_SECTYPE_TRUSTED_LAUNCH, &d); /* enabled later: allowed */
	assert_int_equal(d.rule, TL_RULE_OK);
	assert_true(d.secure_boot && d.vtpm);
	vm.scale_set = true;
	update(c, &vm, NULL, TL_SECTYPE_TRUSTED_LAUNCH, &d);
	assert_int_equal(d.rule, TL_RULE_SCALE_SET_FIXED);
	vm.scale_set = false;
	vm.gen1 = true;
	update(c, &vm, NULL, TL_SECTYPE_TRUSTED_LAUNCH, &d);
	assert_int_equal(d.rule, TL_RULE_GEN1_VM);
	vm.gen1 = false;
	update(c, &vm, "Standard_D2_v3", TL_SECTYPE_TRUSTED_LAUNCH, &d);
	assert_int_equal(d.rule, TL_RULE_SIZE_GEN1_ONLY);
	update(c, &vm, NULL, TL_SECTYPE_CONFIDENTIAL, &d);
	assert_int_equal(d.rule, TL_RULE_CONFIDENTIAL_FIXED);
	vm.type = TL_SECTYPE_TRUSTED_LAUNCH;
	vm.secure_boot = false;
	vm.vtpm = true;
	update(c, &vm, NULL, TL_SECTYPE_UNSET, &d); /* nothing asked: kept as it is */
	assert_int_equal(d.rule, TL_RULE_OK);
	assert_false(d.secure_boot);
	assert_true(d.vtpm);
	update(c, &vm, NULL, TL_SECTYPE_STANDARD, &d);
	assert_int_equal(d.rule, TL_RULE_DOWNGRADE);
	tl_catalog_free(c);
}

static void catalog_load_takes_an_overlay(void **state)
{
	(void)state;
	struct tl_catalog *c = shipped();
	struct tl_os_info os;
	assert_int_equal(load_text(c, "{\"families\":{\"kvm-gp\":{\"support\":\"supported\","
				      "\"category\":\"general-purpose\"},\"Dv3\":{\"support\":"
				      "\"supported\"}},\"sizes\":{\"kvm.small\":\"kvm-gp\"},"
				      "\"os\":[{\"id\":\"fedora-40\",\"name\":\"Fedora 40\","
				      "\"family\":\"linux\"}]}"),
			 TL_OK);
	expect_size(c, "kvm.small", "kvm-gp", TL_CAT_SUPPORTED);
	expect_size(c, "Standard_D2_v3", "Dv3", TL_CAT_SUPPORTED); /* moved by the operator */
	tl_catalog_os(c, "fedora-40", &os);
	assert_true(os.known);
	assert_int_equal(os.family, TL_OS_LINUX);
	tl_catalog_free(c);
}

static void catalog_load_refuses_and_changes_nothing(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "[]", "{\"version\":2}", "{\"colour\":1}", "{\"aliases\":{\"A\":\"B C\"}}",
		"{\"families\":{\"X\":{\"support\":\"maybe\"}}}",
		"{\"families\":{\"X\":{\"support\":\"supported\",\"extra\":1}}}",
		"{\"sizes\":{\"a\":\"B\",\"a\":\"C\"}}", /* duplicate key */
		"{\"os\":[{\"id\":\"x\",\"name\":\"X\",\"family\":\"beos\"}]}",
		"{\"os\":[{\"id\":\"x\",\"name\":\"bell\\u0007\",\"family\":\"linux\"}]}",
		"{\"categories\":[{\"id\":\"c\",\"title\":\"C\",\"supported\":[\"ok\",\"n o\"]}]}",
		"{\"sizes\":{\"kvm.small\":\"Dsv5\"},\"notes\":[{\"id\":\"n\"}]}",
	};
	struct tl_catalog *c = shipped();
	char *before = tl_catalog_dump(c), *after;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(load_text(c, bad[i]), TL_E_CATALOG);
	after = tl_catalog_dump(c);
	assert_string_equal(before, after);
	expect_size(c, "kvm.small", "", TL_CAT_UNKNOWN); /* from the last, refused, file */
	free(before);
	free(after);
	tl_catalog_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalog_size_resolves_azure_names),
		cmocka_unit_test(catalog_load_has_every_table_row),
		cmocka_unit_test(catalog_decide_create_follows_the_seed),
		cmocka_unit_test(catalog_decide_update_follows_the_seed),
		cmocka_unit_test(catalog_load_takes_an_overlay),
		cmocka_unit_test(catalog_load_refuses_and_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
