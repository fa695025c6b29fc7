/* Posture (src/lib/posture): the recommendations and the assessment over the profile matrix
 * of the source documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "trustlaunch/posture.h"

#define NOW 1800000000
#define STALE 1200

static struct tl_posture_vm tl_vm(void)
{
	struct tl_posture_vm vm = { TL_SECTYPE_TRUSTED_LAUNCH, true, true, TL_CAT_SUPPORTED, true,
				    true, NOW - 100, true, NOW - 60, true, 1,
				    { TL_STATUS_NOT_APPLICABLE, "" } };
	return vm;
}

static void expect(const struct tl_posture_vm *vm, enum tl_status sb, enum tl_status vtpm,
		   enum tl_status agent)
{
	char why[128];
	assert_int_equal(tl_rec_status(vm, TL_REC_SECURE_BOOT, NOW, STALE, why, sizeof(why)), sb);
	assert_int_equal(tl_rec_status(vm, TL_REC_VTPM, NOW, STALE, why, sizeof(why)), vtpm);
	assert_int_equal(tl_rec_status(vm, TL_REC_GUEST_ATTESTATION, NOW, STALE, why, sizeof(why)),
			 agent);
}

static void posture_rec_status_over_the_profile_matrix(void **state)
{
	(void)state;
	struct tl_posture_vm vm = tl_vm();
	const enum tl_status H = TL_STATUS_HEALTHY, U = TL_STATUS_UNHEALTHY,
			     N = TL_STATUS_NOT_APPLICABLE;
	expect(&vm, H, H, H);
	vm.type = TL_SECTYPE_STANDARD; /* standard on a supported size/OS: turn both on */
	vm.secure_boot = vm.vtpm = vm.enrolled = vm.attested = false;
	vm.attested_secure_boot = -1;
	expect(&vm, U, U, N);
	vm.size = TL_CAT_NOT_YET; /* nothing to recommend where it cannot be */
	expect(&vm, N, N, N);
	vm.size = TL_CAT_GEN1_ONLY;
	expect(&vm, N, N, N);
	vm = tl_vm();
	vm.os_supported = false;
	expect(&vm, N, N, N);
	vm = tl_vm();
	vm.attested_secure_boot = 0; /* on in the profile, off in the attested boot */
	expect(&vm, U, H, N);
	vm = tl_vm();
	vm.vtpm = false;
	expect(&vm, H, U, N);
	vm = tl_vm();
	vm.enrolled = vm.attested = false;
	expect(&vm, H, H, U);
	vm = tl_vm();
	vm.attested_at = NOW - STALE - 1; /* stopped reporting */
	expect(&vm, H, H, U);
	vm.attested = false; /* enrolled just now, nothing yet: in time */
	vm.enrolled_at = NOW - 10;
	expect(&vm, H, H, H);
	vm = tl_vm();
	vm.type = TL_SECTYPE_CONFIDENTIAL; /* no vTPM recommendation for confidential VMs */
	vm.size = TL_CAT_CONFIDENTIAL;
	vm.secure_boot = false;
	expect(&vm, U, N, N);
}

static void posture_rec_defs_are_stable(void **state)
{
	(void)state;
	assert_string_equal(tl_rec_def(TL_REC_SECURE_BOOT)->slug, "secure-boot");
	assert_string_equal(tl_rec_def(TL_REC_VTPM)->slug, "vtpm");
	assert_string_equal(tl_rec_def(TL_REC_GUEST_ATTESTATION)->slug, "guest-attestation");
	assert_int_equal(tl_rec_parse("vtpm"), TL_REC_VTPM);
	assert_int_equal(tl_rec_parse("vTPM"), TL_REC_COUNT);
	assert_string_equal(tl_rec_def(TL_REC_REVOCATIONS)->slug, "revocations-current");
	assert_string_equal(tl_rec_def(TL_REC_REVOCATIONS)->title,
			    "Secure Boot revocation lists should be up to date");
	assert_null(tl_rec_def(TL_REC_COUNT));
	assert_non_null(strstr(tl_rec_def(TL_REC_SECURE_BOOT)->remediation, "--secure-boot on"));
	assert_non_null(strstr(tl_rec_def(TL_REC_SECURE_BOOT)->remediation,
			       "tl vm enable-trusted-launch DOMAIN"));
	assert_non_null(strstr(tl_rec_def(TL_REC_VTPM)->remediation,
			       "tl vm enable-trusted-launch DOMAIN"));
}

static void expect_assess(const struct tl_posture_vm *vm, enum tl_status s,
			  enum tl_assess_cause c, const char *words)
{
	struct tl_assessment a;
	tl_assess(vm, NOW, STALE, &a);
	assert_int_equal(a.status, s);
	assert_int_equal(a.cause, c);
	assert_non_null(strstr(a.message, words));
}

static void posture_assess_says_why(void **state)
{
	(void)state;
	struct tl_posture_vm vm = tl_vm();
	expect_assess(&vm, TL_STATUS_HEALTHY, TL_ASSESS_HEALTHY, "was healthy");
	vm.attested_healthy = false;
	expect_assess(&vm, TL_STATUS_UNHEALTHY, TL_ASSESS_UNHEALTHY, "was unhealthy");
	vm.attested_at = 1700000000; /* 2023-11-14 22:13Z */
	expect_assess(&vm, TL_STATUS_UNHEALTHY, TL_ASSESS_STALE,
		      "no attestation since 2023-11-14 22:13Z");
	vm = tl_vm();
	vm.attested = false;
	expect_assess(&vm, TL_STATUS_NOT_APPLICABLE, TL_ASSESS_NOT_YET, "no attestation yet");
	vm.enrolled = false;
	expect_assess(&vm, TL_STATUS_NOT_APPLICABLE, TL_ASSESS_NO_AGENT, "never enrolled");
	vm.vtpm = false;
	expect_assess(&vm, TL_STATUS_NOT_APPLICABLE, TL_ASSESS_NO_VTPM, "vTPM is off");
	vm.secure_boot = false;
	expect_assess(&vm, TL_STATUS_NOT_APPLICABLE, TL_ASSESS_NO_SECURE_BOOT, "Secure Boot is off");
	vm.size = TL_CAT_GEN1_ONLY;
	expect_assess(&vm, TL_STATUS_NOT_APPLICABLE, TL_ASSESS_UNSUPPORTED, "cannot have");
	assert_string_equal(tl_assess_cause_name(TL_ASSESS_STALE), "stale");
}

/* What the service stores: the same statuses as asked at a fresh or a silent moment. */
static void posture_decide_fresh_or_stale(void **state)
{
	(void)state;
	struct tl_posture_vm vm = tl_vm();
	enum tl_status rec[TL_REC_COUNT];
	struct tl_assessment a;
	tl_posture_decide(&vm, false, rec, &a);
	assert_int_equal(rec[TL_REC_GUEST_ATTESTATION], TL_STATUS_HEALTHY);
	assert_int_equal(a.cause, TL_ASSESS_HEALTHY);
	tl_posture_decide(&vm, true, rec, &a);
	assert_int_equal(rec[TL_REC_SECURE_BOOT], TL_STATUS_HEALTHY);
	assert_int_equal(rec[TL_REC_GUEST_ATTESTATION], TL_STATUS_UNHEALTHY);
	assert_int_equal(a.status, TL_STATUS_UNHEALTHY);
	assert_int_equal(a.cause, TL_ASSESS_STALE);
	vm.attested = false; /* enrolled, silent since */
	tl_posture_decide(&vm, false, rec, &a);
	assert_int_equal(a.cause, TL_ASSESS_NOT_YET);
	tl_posture_decide(&vm, true, rec, &a);
	assert_int_equal(a.cause, TL_ASSESS_STALE);
	vm.attested_secure_boot = 0; /* seen off: secure-boot first, the agent not applicable */
	vm.attested = true;
	tl_posture_decide(&vm, true, rec, &a);
	assert_int_equal(rec[TL_REC_SECURE_BOOT], TL_STATUS_UNHEALTHY);
	assert_int_equal(rec[TL_REC_GUEST_ATTESTATION], TL_STATUS_NOT_APPLICABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(posture_rec_status_over_the_profile_matrix),
		cmocka_unit_test(posture_rec_defs_are_stable),
		cmocka_unit_test(posture_assess_says_why),
		cmocka_unit_test(posture_decide_fresh_or_stale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
