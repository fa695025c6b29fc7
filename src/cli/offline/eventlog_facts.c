/* tl eventlog facts: what the log says about Secure Boot and the boot chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eventlog.h"
#include "trustlaunch/facts.h"

static const char facts_help[] =
	"usage: tl eventlog facts FILE [--json] [--expect PCRS]\n"
	"\n"
	"Extracts, under strict rules, the Secure Boot state (enabled, PK/KEK/db/dbx, the\n"
	"authorities that allowed images, SbatLevel, MokList digests, debug mode) and the boot\n"
	"chain (EFI applications, GRUB commands, kernel command line, loaded files, firmware\n"
	"version, ExitBootServices) from the TCG event log FILE; for Windows, its boot\n"
	"configuration (debugging, signing, code integrity, VBS, DEP, ELAM, BitLocker, boot\n"
	"modules and their signers; docs/windows.md).\n"
	"\n"
	"  --json         the facts as JSON (schema: docs/facts.md)\n"
	"  --expect PCRS  use only the events of PCRs that replay to the values in PCRS\n"
	"                 ('[BANK:]INDEX HEX' lines); the others are reported as not trusted\n"
	"\n"
	"exit: 0 facts complete and every rule holds, 1 a rule is broken (each reason is\n"
	"      listed), 2 unusable input\n";

static void print_list(json_t *doc, const char *key, const char *label)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(doc, key), i, v)
	{
		const char *p = json_is_string(v) ? json_string_value(v)
						  : json_string_value(json_object_get(v, "path"));
		json_t *d = json_object_get(json_object_get(v, "digests"), "sha256");
		if (!d)
			d = json_object_get(json_object_get(v, "digests"), "sha1");
		if (d)
			tl_cli_line(stdout, "%-16s %.16s  %s", i ? "" : label, json_string_value(d), p ? p : "");
		else
			tl_cli_line(stdout, "%-16s %s", i ? "" : label, p ? p : "");
	}
}

static void print_db(json_t *sb, const char *key)
{
	json_t *list = json_object_get(sb, key), *e;
	size_t i;
	if (!json_is_array(list)) {
		printf("  %-6s (not measured)\n", key);
		return;
	}
	printf("  %-6s %zu entr%s\n", key, json_array_size(list),
	       json_array_size(list) == 1 ? "y" : "ies");
	json_array_foreach(list, i, e)
	{
		const char *subj = json_string_value(json_object_get(e, "subject"));
		if (subj)
			tl_cli_line(stdout, "         %s", subj);
	}
}

/* A Windows setting: measured on/off, or not measured. */
static const char *onoff(json_t *v)
{
	return json_is_true(v) ? "on" : json_is_false(v) ? "off" : "not measured";
}

static void print_windows(json_t *w)
{
	json_t *vbs = json_object_get(w, "vbs"), *v;
	const char *dep = json_string_value(json_object_get(w, "dep_policy"));
	const char *root = json_string_value(json_object_get(w, "system_root"));
	const char *type = json_string_value(json_object_get(w, "boot_type"));
	size_t i;

	if (!json_is_object(w))
		return;
	printf("Windows          boot count ");
	if (json_is_integer(json_object_get(w, "boot_count")))
		printf("%lld", (long long)json_integer_value(json_object_get(w, "boot_count")));
	else
		printf("not measured");
	printf(", %s boot, system root %s\n", type ? type : "(unknown)", root ? root : "(none)");
	printf("  debugging      boot %s, kernel %s, hypervisor %s\n",
	       onoff(json_object_get(w, "boot_debugging")),
	       onoff(json_object_get(w, "kernel_debugging")),
	       onoff(json_object_get(w, "hypervisor_debugging")));
	printf("  signing        test signing %s, flight signing %s, code integrity %s\n",
	       onoff(json_object_get(w, "test_signing")), onoff(json_object_get(w, "flight_signing")),
	       onoff(json_object_get(w, "code_integrity")));
	printf("  VBS            %s; required %s, Secure Boot required %s, Microsoft boot chain "
	       "required %s\n",
	       json_is_true(json_object_get(vbs, "enabled")) ? "enabled" : "OFF",
	       onoff(json_object_get(vbs, "required")),
	       onoff(json_object_get(vbs, "secureboot_required")),
	       onoff(json_object_get(vbs, "microsoft_boot_chain_required")));
	printf("  DEP            %s\n", dep ? dep : "not measured");
	if (json_is_integer(json_object_get(w, "hvci_policy")))
		printf("  HVCI policy    0x%llx\n",
		       (unsigned long long)json_integer_value(json_object_get(w, "hvci_policy")));
	json_array_foreach(json_object_get(w, "elam_drivers"), i, v)
		printf("%-16s %s\n", i ? "" : "  ELAM", json_string_value(json_object_get(v, "name")));
	printf("  BitLocker      %zu unlock event(s)\n",
	       json_array_size(json_object_get(w, "bitlocker_unlocks")));
	json_array_foreach(json_object_get(w, "loaded_modules"), i, v)
	{
		json_t *d = json_object_get(v, "digests"), *h = json_object_get(d, "sha256");
		const char *path = json_string_value(json_object_get(v, "path"));
		const char *pub = json_string_value(json_object_get(json_object_get(v, "signer"),
								    "publisher"));
		if (!h)
			h = json_object_get(d, "sha1");
		printf("%-16s %.16s  %s%s%s%s\n", i ? "" : "  boot modules", json_string_value(h),
		       path ? path : "(no path)", pub ? " (" : "", pub ? pub : "", pub ? ")" : "");
	}
}

static void print_text(json_t *doc)
{
	json_t *sb = json_object_get(doc, "secureboot"), *v;
	size_t i;
	const char *cmd = json_string_value(json_object_get(doc, "kernel_cmdline"));
	const char *fw = json_string_value(json_object_get(json_object_get(doc, "firmware"),
							   "scrtm_version"));

	printf("Secure Boot      %s%s\n",
	       json_is_true(json_object_get(sb, "enabled")) ? "enabled" : "disabled",
	       json_is_true(json_object_get(sb, "debug_mode")) ? " (DEBUG MODE)" : "");
	print_db(sb, "pk");
	print_db(sb, "kek");
	print_db(sb, "db");
	print_db(sb, "dbx");
	json_array_foreach(json_object_get(sb, "authorities"), i, v)
	{
		json_t *claimed = json_object_get(v, "claimed");
		json_t *cert = claimed ? claimed : v;
		const char *s = json_string_value(json_object_get(cert, "subject"));
		tl_cli_line(stdout, "%-16s %s: %s%s", i ? "" : "Authorities",
		       json_string_value(json_object_get(v, "variable")), s ? s : "(hash)",
		       claimed ? " (claimed: the digest does not bind it)" : "");
	}
	if (json_is_string(json_object_get(sb, "sbat_level")))
		tl_cli_line(stdout, "SbatLevel        %s",
			    json_string_value(json_object_get(sb, "sbat_level")));
	if (json_is_boolean(json_object_get(sb, "mok_list_trusted")))
		printf("MokListTrusted   %s\n",
		       json_is_true(json_object_get(sb, "mok_list_trusted")) ? "yes" : "no");
	tl_cli_line(stdout, "Firmware         %s", fw ? fw : "(no S-CRTM version)");
	print_list(doc, "efi_apps", "EFI apps");
	print_list(doc, "grub_commands", "GRUB commands");
	tl_cli_line(stdout, "Kernel cmdline   %s", cmd ? cmd : "(not measured)");
	print_list(doc, "files", "Files");
	printf("ExitBootServices %s\n",
	       json_is_true(json_object_get(doc, "exit_boot_services")) ? "measured"
									 : "NOT measured");
	print_windows(json_object_get(doc, "windows"));
	json_array_foreach(json_object_get(doc, "reasons"), i, v)
	{
		json_t *ev = json_object_get(v, "event"), *detail = json_object_get(v, "detail");
		printf("%-16s %s: %s", i ? "" : "Problems",
		       json_string_value(json_object_get(v, "code")),
		       json_string_value(json_object_get(v, "message")));
		if (detail) {
			tl_cli_put_safe(stdout, " [");
			tl_cli_put_safe(stdout, json_string_value(detail));
			putchar(']');
		}
		if (ev)
			printf(" (event %lld, PCR %lld)", (long long)json_integer_value(ev),
			       (long long)json_integer_value(json_object_get(v, "pcr")));
		putchar('\n');
	}
	if (json_array_size(json_object_get(doc, "reasons")) == 0)
		printf("Problems         none: every rule holds\n");
}

int tl_eventlog_facts(int argc, char **argv)
{
	const char *file = NULL, *expect = NULL;
	bool json = false;
	struct tl_log *log = NULL;
	uint8_t *buf = NULL;
	uint32_t trusted = TL_PCRS_ALL;
	json_t *doc = NULL;
	int rc, err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(facts_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) {
			expect = argv[++i];
		} else if (argv[i][0] != '-' && !file) {
			file = argv[i];
		} else {
			fputs(facts_help, stderr);
			return TL_EXIT_USAGE;
		}
	}
	if (!file) {
		fputs(facts_help, stderr);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_cli_load_log(file, &buf, &log)) != TL_EXIT_OK)
		return rc;
	if (expect && (rc = tl_cli_trusted_pcrs(log, expect, &trusted)) != TL_EXIT_OK)
		goto out;
	err = tl_facts_extract(log, trusted, &doc);
	if (err != TL_OK) {
		rc = tl_cli_fail(file, err);
		goto out;
	}
	rc = json_array_size(json_object_get(doc, "reasons")) ? TL_EXIT_CHECK : TL_EXIT_OK;
	if (json) {
		if (tl_cli_print_json(json_incref(doc)) != 0)
			rc = TL_EXIT_USAGE;
	} else {
		print_text(doc);
	}
out:
	json_decref(doc);
	tl_log_free(log);
	free(buf);
	return rc;
}
