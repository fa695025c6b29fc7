/* The kernel-log collector on what Debian 12 (Linux 6.1) logs when a module without a
 * trusted signature is loaded, and on hostile text. The sentences are the kernel's format
 * strings, quoted with their source files in src/agent/collect/kmsg.c and docs/agent.md:
 *   kernel/module/main.c:   "%s: module verification failed: signature and/or required
 *                            key missing - tainting kernel\n"
 *   kernel/module/signing.c: "Loading of %s is rejected\n" (reason "unsigned module",
 *                            "module with unavailable key", "module with unsupported crypto")
 *   security/lockdown/lockdown.c: "Lockdown: %s: %s is restricted; see man
 *                            kernel_lockdown.7\n" (comm, "unsigned module loading") */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "collect.h"

#define TAINT "module verification failed: signature and/or required key missing - tainting kernel"

/* insmod hello.ko (out of tree, unsigned) with module.sig_enforce=0: the out-of-tree warning
 * (pr_warn, PRIO 4), then the taint notice (pr_notice, PRIO 5); a device record with its
 * continuation lines around it. */
static const char kmsg_sig_enforce_0[] =
	"6,1021,4312019,-;virtio_net virtio1 enp1s0: renamed from eth0\n"
	" SUBSYSTEM=virtio\n"
	" DEVICE=+virtio:virtio1\n"
	"4,1187,123456789,-;hello: loading out-of-tree module taints kernel.\n"
	"5,1188,123456801,-;hello: " TAINT "\n"
	"6,1189,123457002,-;hello world\n";

/* The same with module.sig_enforce=1: refused before it loads, nothing named. */
static const char kmsg_sig_enforce_1[] =
	"5,1190,200000123,-;Loading of unsigned module is rejected\n";

/* Secure Boot on: lockdown=integrity; insmod and modprobe refused (EPERM). */
static const char kmsg_lockdown[] =
	"5,0,0,-;Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)\n"
	"5,77,0,-;Kernel is locked down from EFI Secure Boot mode; see man kernel_lockdown.7\n"
	"5,1301,300000000,-;Lockdown: insmod: unsigned module loading is restricted; see man kernel_lockdown.7\n"
	"5,1302,301500000,-;Lockdown: modprobe: unsigned module loading is restricted; see man kernel_lockdown.7\n";

/* `dmesg` of the first case. */
static const char dmesg_sig_enforce_0[] =
	"[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)\n"
	"[  123.456789] hello: loading out-of-tree module taints kernel.\n"
	"[  123.456801] hello: " TAINT "\n"
	"[  123.457002] hello world\n";

static void scan(const char *text, size_t len, uint64_t from, struct tl_kmsg_event *ev,
		 size_t max, size_t *n, uint64_t *next)
{
	struct tl_bytes b = { (const uint8_t *)text, len };
	assert_int_equal(tl_kmsg_scan(b, from, ev, max, n, next), TL_OK);
}

static void kmsg_scan_finds_tainting_unsigned_module(void **state)
{
	struct tl_kmsg_event ev[4];
	size_t n;
	uint64_t next;
	(void)state;
	scan(kmsg_sig_enforce_0, strlen(kmsg_sig_enforce_0), 0, ev, 4, &n, &next);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].type, "module_unsigned");
	assert_string_equal(ev[0].module, "hello");
	assert_string_equal(ev[0].reason, "hello: " TAINT);
	assert_string_equal(ev[0].time, "123.456801");
	assert_true(ev[0].seq == 1188);
	assert_true(next == 1190);
}

static void kmsg_scan_finds_rejected_unsigned_module(void **state)
{
	struct tl_kmsg_event ev[4];
	size_t n;
	uint64_t next;
	(void)state;
	scan(kmsg_sig_enforce_1, strlen(kmsg_sig_enforce_1), 0, ev, 4, &n, &next);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].type, "module_unsigned_rejected");
	assert_string_equal(ev[0].module, "?");
	assert_string_equal(ev[0].reason, "Loading of unsigned module is rejected");
	assert_string_equal(ev[0].time, "200.000123");
	assert_true(next == 1191);
}

static void kmsg_scan_finds_lockdown_refusals(void **state)
{
	struct tl_kmsg_event ev[4];
	size_t n;
	uint64_t next;
	(void)state;
	scan(kmsg_lockdown, strlen(kmsg_lockdown), 0, ev, 4, &n, &next);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].type, "module_lockdown");
	assert_string_equal(ev[0].module, "?");
	assert_string_equal(ev[0].reason, "Lockdown: insmod: unsigned module loading is "
					  "restricted; see man kernel_lockdown.7");
	assert_string_equal(ev[0].time, "300.000000");
	assert_true(ev[1].seq == 1302);
	assert_string_equal(ev[1].time, "301.500000");
}

static void kmsg_scan_reads_dmesg_lines(void **state)
{
	struct tl_kmsg_event ev[4];
	size_t n;
	uint64_t next;
	(void)state;
	scan(dmesg_sig_enforce_0, strlen(dmesg_sig_enforce_0), 0, ev, 4, &n, &next);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].type, "module_unsigned");
	assert_string_equal(ev[0].module, "hello");
	assert_string_equal(ev[0].time, "123.456801");
	assert_true(ev[0].seq == 2); /* the third dmesg line */
	assert_true(next == 4);
	scan(dmesg_sig_enforce_0, strlen(dmesg_sig_enforce_0), next, ev, 4, &n, &next);
	assert_int_equal(n, 0);
	assert_true(next == 4);
}

static void kmsg_scan_finds_key_and_userspace_forms(void **state)
{
	static const char text[] =
		"5,10,1000000,-;Loading of module with unavailable key is rejected\n"
		"5,11,1000001,-;Loading of module with unsupported crypto is rejected\n"
		"7,12,1000002,-;PKCS#7 signature not signed with a trusted key\n"
		"27,13,1000003,-;systemd-modules-load[245]: Failed to insert module 'hello': Key was rejected by service\n"
		"<5>[    2.5] vboxdrv: " TAINT "\n";
	struct tl_kmsg_event ev[8];
	size_t n;
	uint64_t next;
	(void)state;
	scan(text, strlen(text), 0, ev, 8, &n, &next);
	assert_int_equal(n, 5);
	assert_string_equal(ev[0].type, "module_untrusted_key");
	assert_string_equal(ev[1].type, "module_unsupported_crypto");
	assert_string_equal(ev[2].type, "pkcs7_untrusted_key");
	assert_string_equal(ev[3].type, "module_key_rejected");
	assert_string_equal(ev[3].module, "hello");
	assert_string_equal(ev[4].type, "module_unsigned");
	assert_string_equal(ev[4].module, "vboxdrv");
	assert_string_equal(ev[4].time, "2.500000");
}

/* devkmsg_write() gives records written from userspace facility LOG_USER at least. */
static void kmsg_scan_ignores_kernel_sentences_from_userspace(void **state)
{
	static const char text[] =
		"12,20,1,-;hello: " TAINT "\n"
		"13,21,2,-;Lockdown: insmod: unsigned module loading is restricted; see man kernel_lockdown.7\n"
		"<14>[    1.000000] Loading of unsigned module is rejected\n";
	struct tl_kmsg_event ev[4];
	size_t n;
	uint64_t next;
	(void)state;
	scan(text, strlen(text), 0, ev, 4, &n, &next);
	assert_int_equal(n, 0);
	assert_true(next == 22);
}

static void kmsg_scan_resumes_and_stops_when_full(void **state)
{
	static const char text[] = "5,1,1,-;Loading of unsigned module is rejected\n"
				   "5,2,2,-;Loading of unsigned module is rejected\n"
				   "5,3,3,-;Loading of unsigned module is rejected\n";
	struct tl_kmsg_event ev[2];
	size_t n;
	uint64_t next;
	(void)state;
	scan(text, strlen(text), 0, ev, 2, &n, &next);
	assert_int_equal(n, 2);
	assert_true(next == 3);
	scan(text, strlen(text), next, ev, 2, &n, &next);
	assert_int_equal(n, 1);
	assert_true(ev[0].seq == 3);
	assert_true(next == 4);
	scan(text, strlen(text), 2, ev, 0, &n, &next);
	assert_int_equal(n, 0);
	assert_true(next == 2);
}

static void kmsg_scan_moves_past_a_repeated_seq(void **state)
{
	static const char text[] = "5,7,1,-;Loading of unsigned module is rejected\n"
				   "5,7,2,-;Loading of unsigned module is rejected\n"
				   "5,7,3,-;Loading of unsigned module is rejected\n";
	struct tl_kmsg_event ev[2];
	size_t n;
	uint64_t next;
	(void)state;
	scan(text, strlen(text), 7, ev, 2, &n, &next);
	assert_int_equal(n, 2);
	assert_true(next == 8);
}

static void kmsg_scan_skips_truncated_records(void **state)
{
	static const char text[] = "5\n5,12\n5,12,34\n5,12,34,-Loading of unsigned module is rejected\n"
				   "5,18446744073709551615,1,-;Loading of unsigned module is rejected\n"
				   "5,18446744073709551616,1,-;Loading of unsigned module is rejected\n"
				   "[ 1.2\n[1.1234567890] Loading of unsigned module is rejected\n"
				   "[\n<5\n<5>\n"
				   "5,40,41,-;Loading of unsigned module is rejected"; /* no newline */
	struct tl_kmsg_event ev[4];
	size_t n;
	uint64_t next;
	(void)state;
	scan(text, strlen(text), 0, ev, 4, &n, &next);
	assert_int_equal(n, 1);
	assert_true(ev[0].seq == 40);
	assert_string_equal(ev[0].time, "0.000041");
	assert_true(next == 41);
	for (size_t len = 0; len < strlen(text); len++) /* every prefix: no crash, bounded */
		scan(text, len, 0, ev, 4, &n, &next);
}

static void kmsg_scan_bounds_a_1mib_line(void **state)
{
	const size_t big = 1024 * 1024;
	const char *head = "5,1,1,-;hello: " TAINT " ";
	const char *tail = "\n5,2,2,-;Loading of unsigned module is rejected\n";
	char *text = malloc(big + 256);
	struct tl_kmsg_event ev[4];
	size_t n, len;
	uint64_t next;
	(void)state;
	assert_non_null(text);
	len = strlen(head);
	memcpy(text, head, len);
	memset(&text[len], 'A', big);
	memcpy(&text[len + big], tail, strlen(tail));
	len += big + strlen(tail);
	scan(text, len, 0, ev, 4, &n, &next);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].module, "hello");
	assert_int_equal(strlen(ev[0].reason), TL_KMSG_MAX_REASON - 1);
	assert_true(ev[1].seq == 2);
	/* a header whose ';' lies past the first TL_KMSG_MAX_LINE bytes is not a record */
	memcpy(text, "5,9,9,-", 7);
	memset(&text[7], 'B', big);
	memcpy(&text[7 + big], ";Loading of unsigned module is rejected", 39);
	scan(text, big + 46, 0, ev, 4, &n, &next);
	assert_int_equal(n, 0);
	assert_true(next == 0);
	free(text);
}

static void kmsg_scan_cleans_nul_and_non_utf8(void **state)
{
	static const char text[] = "5,1,1,-;hel\0lo: " TAINT "\n"
				   "5,2,2,-;h\xffllo: " TAINT " \xc3\x28\x1b[31m\n"
				   "5,\0003,3,-;Loading of unsigned module is rejected\n";
	struct tl_kmsg_event ev[4];
	size_t n;
	uint64_t next;
	(void)state;
	scan(text, sizeof(text) - 1, 0, ev, 4, &n, &next);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].module, "?");
	assert_string_equal(ev[0].reason, "hello: " TAINT);
	assert_string_equal(ev[1].module, "?");
	assert_string_equal(ev[1].reason, "h?llo: " TAINT " ?([31m");
	assert_true(next == 3);
}

static void kmsg_scan_rejects_bad_arguments(void **state)
{
	struct tl_kmsg_event ev[1];
	struct tl_bytes none = { NULL, 5 }, empty = { NULL, 0 };
	struct tl_bytes huge = { (const uint8_t *)"", TL_KMSG_MAX_TEXT + 1u };
	size_t n = 9;
	uint64_t next = 9;
	(void)state;
	assert_int_equal(tl_kmsg_scan(none, 0, ev, 1, &n, &next), TL_E_ARG);
	assert_int_equal(tl_kmsg_scan(empty, 0, NULL, 1, &n, &next), TL_E_ARG);
	assert_int_equal(tl_kmsg_scan(empty, 0, ev, 1, NULL, &next), TL_E_ARG);
	assert_int_equal(tl_kmsg_scan(huge, 5, ev, 1, &n, &next), TL_E_ARG);
	assert_int_equal(n, 0);
	assert_true(next == 5);
	assert_int_equal(tl_kmsg_scan(empty, 3, ev, 1, &n, &next), TL_OK);
	assert_int_equal(n, 0);
	assert_true(next == 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kmsg_scan_finds_tainting_unsigned_module),
		cmocka_unit_test(kmsg_scan_finds_rejected_unsigned_module),
		cmocka_unit_test(kmsg_scan_finds_lockdown_refusals),
		cmocka_unit_test(kmsg_scan_reads_dmesg_lines),
		cmocka_unit_test(kmsg_scan_finds_key_and_userspace_forms),
		cmocka_unit_test(kmsg_scan_ignores_kernel_sentences_from_userspace),
		cmocka_unit_test(kmsg_scan_resumes_and_stops_when_full),
		cmocka_unit_test(kmsg_scan_moves_past_a_repeated_seq),
		cmocka_unit_test(kmsg_scan_skips_truncated_records),
		cmocka_unit_test(kmsg_scan_bounds_a_1mib_line),
		cmocka_unit_test(kmsg_scan_cleans_nul_and_non_utf8),
		cmocka_unit_test(kmsg_scan_rejects_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
