/* Real logs: every GCE/physical log replays to expected.json in every bank and its facts
 * agree; the OVMF Secure Boot logs replay to the PCRs the guest read; truncating or
 * corrupting a real log anywhere gives an error or a parse, never a sanitizer finding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/tcgdecode.h"
#include "trustlaunch/tcglog.h"

static const char *vectors(void)
{
	const char *v = getenv("TL_VECTORS");
	return v ? v : "../shared/vectors";
}

static uint8_t *slurp(const char *rel, size_t *len)
{
	char path[4096];
	FILE *f;
	uint8_t *buf;
	long n;
	snprintf(path, sizeof(path), "%s/%s", vectors(), rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set TL_VECTORS)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

static const struct tl_pcr_bank *bank_of(const struct tl_pcrs *p, const char *name)
{
	uint16_t alg;
	if (tl_alg_from_name(name, &alg) != TL_OK)
		return NULL;
	for (size_t b = 0; b < p->nbanks; b++)
		if (p->bank[b].alg == alg)
			return &p->bank[b];
	return NULL;
}

static void check_apps(const char *name, json_t *facts, json_t *want)
{
	const char *bank;
	json_t *list;
	json_object_foreach(want, bank, list)
	{
		json_t *apps = json_object_get(facts, "efi_apps");
		size_t i;
		json_t *d;
		if (json_array_size(apps) != json_array_size(list))
			fail_msg("%s: %zu EFI apps, expected %zu", name, json_array_size(apps),
				 json_array_size(list));
		json_array_foreach(list, i, d)
		{
			json_t *got = json_object_get(
				json_object_get(json_array_get(apps, i), "digests"), bank);
			if (!json_equal(got, d))
				fail_msg("%s: EFI app %zu %s digest differs", name, i, bank);
		}
	}
}

static size_t total_pcrs;

static void check_one(json_t *e)
{
	const char *name = json_string_value(json_object_get(e, "name"));
	const char *file = json_string_value(json_object_get(e, "file"));
	json_t *obs = json_object_get(e, "observed"), *facts, *pcrs, *want;
	char rel[512];
	size_t len, checked = 0;
	uint8_t *buf;
	struct tl_log *log;
	struct tl_pcrs replayed;
	const char *bankname;
	struct tl_diag diag;

	snprintf(rel, sizeof(rel), "gce/%s", file);
	buf = slurp(rel, &len);
	if (tl_log_parse(buf, len, &log, &diag) != TL_OK)
		fail_msg("%s: %s at offset %zu", name, tl_err_name(diag.err), diag.offset);
	assert_int_equal(log->nevents,
			 json_integer_value(json_object_get(obs, "num_events_excluding_specid")));
	assert_int_equal(log->format, strcmp(json_string_value(json_object_get(obs, "format")),
					     "legacy-sha1") == 0
					      ? TL_LOG_LEGACY_SHA1
					      : TL_LOG_CRYPTO_AGILE);
	assert_int_equal(tl_log_replay(log, &replayed), TL_OK);
	json_object_foreach(json_object_get(e, "expected_pcrs"), bankname, pcrs)
	{
		const struct tl_pcr_bank *bank = bank_of(&replayed, bankname);
		const char *idx;
		if (!bank)
			fail_msg("%s: no %s bank", name, bankname);
		json_object_foreach(pcrs, idx, want)
		{
			char hex[2 * TL_MAX_DIGEST + 1];
			tl_hex(bank->pcr[atoi(idx)], bank->size, hex);
			if (strcmp(hex, json_string_value(want)) != 0)
				fail_msg("%s: %s:%s is %s, expected %s", name, bankname, idx, hex,
					 json_string_value(want));
			checked++;
		}
	}
	assert_true(checked >= 8); /* every listed value; the Debian 10 log lists the fewest */
	total_pcrs += checked;

	assert_int_equal(tl_facts_extract(log, TL_PCRS_ALL, &facts), TL_OK);
	json_t *sb = json_object_get(facts, "secureboot");
	if (json_is_true(json_object_get(sb, "enabled")) !=
	    json_is_true(json_object_get(obs, "secureboot_enabled")))
		fail_msg("%s: Secure Boot enabled differs", name);
	/* the only broken rule among these logs is the documented zero-length SecureBoot */
	if (strcmp(json_string_value(json_object_get(obs, "secureboot_var_hex")), "") == 0) {
		json_t *r = json_array_get(json_object_get(facts, "reasons"), 0);
		assert_string_equal(json_string_value(json_object_get(r, "code")),
				    "sb.secureboot_length");
		assert_string_equal(json_string_value(json_object_get(r, "detail")), "0 bytes");
		/* a SecureBoot that broke a rule is not "measured" (docs/facts.md) */
		assert_true(json_is_false(json_object_get(sb, "measured")));
	} else if (!json_is_true(json_object_get(facts, "valid"))) {
		char *dump = json_dumps(json_object_get(facts, "reasons"), 0);
		fail_msg("%s: unexpected reasons %s", name, dump);
	}
	json_t *cmd = json_object_get(obs, "grub_kernel_cmdline");
	if (json_is_string(cmd)) {
		char *w = strdup(json_string_value(cmd));
		size_t n = strlen(w);
		while (n > 0 && w[n - 1] == '\0')
			n--;
		w[n] = '\0';
		assert_string_equal(json_string_value(json_object_get(facts, "kernel_cmdline")), w);
		free(w);
	} else {
		assert_true(json_is_null(json_object_get(facts, "kernel_cmdline")));
	}
	assert_string_equal(json_string_value(json_object_get(json_object_get(facts, "firmware"),
							       "scrtm_version")),
			    json_string_value(json_object_get(obs, "scrtm_version")));
	json_t *tech = json_object_get(obs, "gce_nonhost_technology");
	if (json_is_string(tech))
		assert_string_equal(json_string_value(json_object_get(
					    json_object_get(facts, "platform"), "confidential_technology")),
				    json_string_value(tech));
	check_apps(name, facts, json_object_get(obs, "ev_efi_boot_services_application_digests"));
	json_decref(facts);
	tl_log_free(log);
	free(buf);
}

static void vectors_gce_logs_replay_and_facts_agree(void **state)
{
	size_t len, i;
	uint8_t *text = slurp("gce/expected.json", &len);
	json_error_t jerr;
	json_t *all = json_loadb((const char *)text, len, JSON_ALLOW_NUL, &jerr), *e;
	(void)state;
	assert_non_null(all);
	assert_int_equal(json_array_size(all), 14);
	json_array_foreach(all, i, e)
		check_one(e);
	assert_int_equal(total_pcrs, 245); /* every PCR value expected.json lists */
	json_decref(all);
	free(text);
}

/* PCRs of a pcrs-sha256.txt ("INDEX HEX" lines). */
static void read_pcrs(const char *rel, uint8_t pcr[24][32])
{
	size_t len;
	char *text = (char *)slurp(rel, &len), *p = text;
	unsigned idx;
	char hex[65];
	int n;
	while (sscanf(p, "%u %64s%n", &idx, hex, &n) == 2) {
		assert_true(idx < 24);
		assert_int_equal(tl_unhex(hex, pcr[idx], 32), TL_OK);
		p += n;
	}
	free(text);
}

static void boot_log(const char *scenario, struct tl_pcrs *out, json_t **facts)
{
	char rel[256];
	size_t len;
	uint8_t *buf;
	struct tl_log *log;
	uint8_t want[24][32];
	const struct tl_pcr_bank *b;
	static const unsigned pcrs[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14 };

	snprintf(rel, sizeof(rel), "boot/%s/eventlog.bin", scenario);
	buf = slurp(rel, &len);
	assert_int_equal(tl_log_parse(buf, len, &log, NULL), TL_OK);
	assert_int_equal(tl_log_replay(log, out), TL_OK);
	snprintf(rel, sizeof(rel), "boot/%s/pcrs-sha256.txt", scenario);
	read_pcrs(rel, want);
	b = bank_of(out, "sha256");
	assert_non_null(b);
	for (size_t i = 0; i < sizeof(pcrs) / sizeof(pcrs[0]); i++)
		if (memcmp(b->pcr[pcrs[i]], want[pcrs[i]], 32) != 0)
			fail_msg("%s: PCR %u does not replay", scenario, pcrs[i]);
	assert_int_equal(tl_facts_extract(log, TL_PCRS_ALL, facts), TL_OK);
	tl_log_free(log);
	free(buf);
}

static void vectors_ovmf_boots_replay_and_differ_in_pcr8_9(void **state)
{
	struct tl_pcrs on, cmd;
	json_t *fon, *fcmd;
	const struct tl_pcr_bank *a, *b;
	(void)state;
	boot_log("sb-on", &on, &fon);
	boot_log("cmdline", &cmd, &fcmd);
	a = bank_of(&on, "sha256");
	b = bank_of(&cmd, "sha256");
	for (unsigned i = 0; i < 24; i++) {
		bool same = memcmp(a->pcr[i], b->pcr[i], 32) == 0;
		assert_true(same == (i != 8 && i != 9));
	}
	assert_true(json_is_true(json_object_get(fon, "valid")));
	assert_true(json_is_true(json_object_get(json_object_get(fon, "secureboot"), "enabled")));
	assert_string_equal(json_string_value(json_object_get(fon, "kernel_cmdline")),
			    "/vmlinuz console=ttyS0 panic=-1 rdinit=/init");
	assert_string_equal(json_string_value(json_object_get(fcmd, "kernel_cmdline")),
			    "/vmlinuz console=ttyS0 panic=-1 rdinit=/init tl.extra=1");
	assert_true(json_is_true(json_object_get(fon, "exit_boot_services")));
	/* shim, grub, and the kernel twice (verified by shim, then loaded) */
	assert_int_equal(json_array_size(json_object_get(fon, "efi_apps")), 4);
	json_decref(fon);
	json_decref(fcmd);
}

/* Every prefix of a real log either parses (at an event boundary) or fails with a
 * truncation error; every single-byte corruption is handled. Under ASan+UBSan. */
static void vectors_sb_on_truncated_and_corrupted_everywhere(void **state)
{
	size_t len, boundaries = 0;
	uint8_t *buf = slurp("boot/sb-on/eventlog.bin", &len);
	(void)state;
	for (size_t n = 0; n < len; n++) {
		struct tl_log *log;
		struct tl_diag d;
		uint8_t *copy = malloc(n ? n : 1);
		int err;
		memcpy(copy, buf, n);
		err = tl_log_parse(copy, n, &log, &d);
		if (err == TL_OK) {
			boundaries++;
			tl_log_free(log);
		} else if (err != TL_E_LOG_EMPTY && err != TL_E_LOG_TRUNCATED &&
			   err != TL_E_LOG_EVENT_SIZE && err != TL_E_LOG_SPECID_MALFORMED) {
			fail_msg("prefix %zu: unexpected %s", n, tl_err_name(err));
		} else {
			assert_true(d.offset <= n);
		}
		free(copy);
	}
	assert_int_equal(boundaries, 55); /* one per event, the Spec ID event included */
	for (size_t i = 0; i < len; i += 3) {
		struct tl_log *log;
		json_t *f;
		uint8_t *copy = malloc(len);
		memcpy(copy, buf, len);
		copy[i] ^= (uint8_t)(0x5A + i);
		if (tl_log_parse(copy, len, &log, NULL) == TL_OK) {
			struct tl_pcrs p;
			assert_int_equal(tl_log_replay(log, &p), TL_OK);
			assert_int_equal(tl_facts_extract(log, TL_PCRS_ALL, &f), TL_OK);
			json_decref(f);
			for (size_t e = 0; e < log->nevents; e++)
				json_decref(tl_event_json(log, e));
			tl_log_free(log);
		}
		free(copy);
	}
	free(buf);
}

static json_t *facts_of(const char *rel)
{
	size_t len;
	uint8_t *buf = slurp(rel, &len);
	struct tl_log *log;
	json_t *facts;
	assert_int_equal(tl_log_parse(buf, len, &log, NULL), TL_OK);
	assert_int_equal(tl_facts_extract(log, TL_PCRS_ALL, &facts), TL_OK);
	tl_log_free(log);
	free(buf);
	return facts;
}

/* shim's vendor certificate ("Shim" in PCR 7) is measured as the bare DER: it reads as the
 * certificate, checked against openssl x509 of the event's data. MokListTrusted is a setting,
 * never an authority. */
static void vectors_shim_authorities_read_as_certificates(void **state)
{
	static const struct {
		const char *log, *subject, *sha256;
		bool bound; /* Debian 10's shim measured a digest of other bytes */
	} shims[] = {
		{ "gce/eventlogs/rhel8-uefi.bin", "CN=Red Hat Secure Boot CA 5",
		  "40175d4c7c5ab4bd753a493f47952f1d8dcf1c219b836968a693e48bd4766135", true },
		{ "gce/eventlogs/debian-10.bin", "CN=Debian Secure Boot CA",
		  "079646974bce09b1f04da67bd722d1fb0947ae4c4010bccdbba52d5b23cbf1a2", false },
	};
	static const char *const trusting[] = {
		"gce/eventlogs/confidential-gke-debug-251000_eventlog.bin",
		"gce/eventlogs/eventlogwithsp800155.bin",
	};
	static const char *const logs[] = {
		"arch-linux-workstation", "confidential-gke-debug-251000_eventlog", "cos-101-amd-sev",
		"cos-85-amd-sev", "cos-93-amd-sev", "debian-10", "eventlogwithsp800155", "gdc-host",
		"glinux-alex", "rhel8-uefi", "ubuntu-1804-amd-sev", "ubuntu-2104-no-dbx",
		"ubuntu-2104-no-secure-boot", "ubuntu-2404-amd-sevsnp",
	};
	size_t nshim = 0, ntrusting = 0;
	(void)state;
	for (size_t l = 0; l < sizeof(logs) / sizeof(logs[0]) + 2; l++) {
		char rel[256];
		json_t *f, *sb, *a, *t;
		size_t i;
		if (l < sizeof(logs) / sizeof(logs[0]))
			snprintf(rel, sizeof(rel), "gce/eventlogs/%s.bin", logs[l]);
		else
			snprintf(rel, sizeof(rel), "boot/%s/eventlog.bin",
				 l == sizeof(logs) / sizeof(logs[0]) ? "sb-on" : "cmdline");
		f = facts_of(rel);
		sb = json_object_get(f, "secureboot");
		json_array_foreach(json_object_get(sb, "authorities"), i, a)
		{
			const char *var = json_string_value(json_object_get(a, "variable"));
			json_t *cert = json_object_get(a, "claimed") ? json_object_get(a, "claimed") : a;
			size_t k;
			assert_string_not_equal(var, "MokListTrusted");
			if (strcmp(var, "Shim") != 0)
				continue;
			for (k = 0; k < sizeof(shims) / sizeof(shims[0]); k++)
				if (strcmp(shims[k].log, rel) == 0)
					break;
			if (k == sizeof(shims) / sizeof(shims[0]))
				fail_msg("%s: an unexpected Shim authority", rel);
			nshim++;
			assert_true(json_is_true(json_object_get(a, "digest_verified")) ==
				    shims[k].bound);
			assert_null(json_object_get(cert, "owner"));
			if (!strstr(json_string_value(json_object_get(cert, "subject")) ?: "",
				    shims[k].subject))
				fail_msg("%s: Shim authority is not %s", rel, shims[k].subject);
			assert_string_equal(json_string_value(json_object_get(cert, "sha256")),
					    shims[k].sha256);
		}
		t = json_object_get(sb, "mok_list_trusted");
		if (strcmp(rel, trusting[0]) == 0 || strcmp(rel, trusting[1]) == 0) {
			assert_true(json_is_true(t));
			ntrusting++;
		} else {
			assert_true(json_is_null(t));
		}
		json_decref(f);
	}
	assert_int_equal(nshim, 2);
	assert_int_equal(ntrusting, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_gce_logs_replay_and_facts_agree),
		cmocka_unit_test(vectors_ovmf_boots_replay_and_differ_in_pcr8_9),
		cmocka_unit_test(vectors_sb_on_truncated_and_corrupted_everywhere),
		cmocka_unit_test(vectors_shim_authorities_read_as_certificates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
