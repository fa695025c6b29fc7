/* tl eventlog replay: PCR values a log replays to, optionally compared with expected ones. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "eventlog.h"
#include "trustlaunch/hash.h"

#define EXPECT_MAX (64u * 1024u)

static const char replay_help[] =
	"usage: tl eventlog replay FILE [--json] [--all] [--expect PCRS] [--pcrs LIST]\n"
	"\n"
	"Replays every bank of the TCG event log FILE from the PCR reset values and prints\n"
	"one 'BANK:INDEX HEX' line per PCR the log extends (--all: every PCR).\n"
	"\n"
	"  --json         {\"banks\":{\"sha256\":{\"0\":\"hex\",...},...}}\n"
	"  --expect PCRS  compare with a file of 'INDEX HEX' or 'BANK:INDEX HEX' lines\n"
	"                 ('#' starts a comment; INDEX HEX picks the bank by digest length,\n"
	"                 sha256 for 64 hex digits); every mismatch is named on stderr\n"
	"  --pcrs LIST    compare only these PCRs, e.g. 0-9,14\n"
	"\n"
	"exit: 0 replayed (and matched), 1 a PCR differs, 2 unusable input\n";

static uint16_t alg_for_hex_len(size_t n)
{
	switch (n) {
	case 40: return TL_ALG_SHA1;
	case 64: return TL_ALG_SHA256;
	case 96: return TL_ALG_SHA384;
	case 128: return TL_ALG_SHA512;
	default: return 0;
	}
}

struct cmp {
	uint32_t only;   /* compare only these PCRs (0: all) */
	bool quiet;      /* do not name mismatches on stderr */
	uint32_t listed; /* PCRs the file gives a value for */
	uint32_t bad;    /* PCRs whose value differs in some bank */
	int mismatches;
};

static void mismatch(struct cmp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mismatch(struct cmp *c, const char *fmt, ...)
{
	va_list ap;
	c->mismatches++;
	if (c->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* One line of an expected-PCR file: "[BANK:]INDEX HEX". */
static int compare_line(const struct tl_pcrs *pcrs, char *line, unsigned lineno,
			const char *path, struct cmp *c)
{
	char bankname[16] = "", hex[2 * TL_MAX_DIGEST + 2] = "";
	uint8_t want[TL_MAX_DIGEST];
	unsigned idx;
	uint16_t alg = 0;
	char *colon = strchr(line, ':'), *p = line;
	const struct tl_pcr_bank *bank = NULL;

	if (colon) {
		size_t n = (size_t)(colon - line);
		if (n == 0 || n >= sizeof(bankname))
			goto bad;
		memcpy(bankname, line, n);
		if (tl_alg_from_name(bankname, &alg) != TL_OK)
			goto bad;
		p = colon + 1;
	}
	if (sscanf(p, "%2u %129s", &idx, hex) != 2 || idx >= TL_NUM_PCRS)
		goto bad;
	if (!alg)
		alg = alg_for_hex_len(strlen(hex));
	if (!alg || strlen(hex) != 2 * tl_alg_size(alg) ||
	    tl_unhex(hex, want, tl_alg_size(alg)) != TL_OK)
		goto bad;
	if (c->only && !(c->only & (1u << idx)))
		return TL_OK;
	c->listed |= 1u << idx;
	for (size_t b = 0; b < pcrs->nbanks; b++)
		if (pcrs->bank[b].alg == alg)
			bank = &pcrs->bank[b];
	if (!bank || !bank->replayable) {
		c->bad |= 1u << idx;
		mismatch(c, "mismatch: %s:%u the log has no %s bank\n", tl_alg_name(alg), idx,
			 tl_alg_name(alg));
		return TL_OK;
	}
	if (memcmp(bank->pcr[idx], want, bank->size) != 0) {
		char got[2 * TL_MAX_DIGEST + 1];
		tl_hex(bank->pcr[idx], bank->size, got);
		c->bad |= 1u << idx;
		mismatch(c, "mismatch: %s:%u replayed %s expected %s\n", tl_alg_name(alg), idx, got,
			 hex);
	}
	return TL_OK;
bad:
	fprintf(stderr, "tl: %s:%u: not a '[BANK:]INDEX HEX' line\n", path, lineno);
	return TL_E_ARG;
}

static int compare(const struct tl_pcrs *pcrs, const char *path, struct cmp *c)
{
	uint8_t *buf;
	size_t len;
	unsigned lineno = 0;
	int err = tl_cli_read_file(path, EXPECT_MAX, &buf, &len);
	char *text, *line, *next;

	if (err != TL_OK)
		return err;
	text = malloc(len + 1);
	if (!text) {
		free(buf);
		return TL_E_NOMEM;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	free(buf);
	for (line = text; line && err == TL_OK; line = next) {
		char *hash;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		hash = strchr(line, '#');
		lineno++;
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (strspn(line, " \t") == strlen(line))
			continue;
		err = compare_line(pcrs, line + strspn(line, " \t"), lineno, path, c);
	}
	free(text);
	return err;
}

static void print_text(const struct tl_pcrs *pcrs, bool all)
{
	for (size_t b = 0; b < pcrs->nbanks; b++) {
		const struct tl_pcr_bank *bank = &pcrs->bank[b];
		const char *name = tl_alg_name(bank->alg);
		if (!bank->replayable) {
			printf("# bank 0x%04x: algorithm not supported, not replayed\n", bank->alg);
			continue;
		}
		for (unsigned i = 0; i < TL_NUM_PCRS; i++) {
			char hex[2 * TL_MAX_DIGEST + 1];
			if (!all && !(bank->extended & (1u << i)))
				continue;
			tl_hex(bank->pcr[i], bank->size, hex);
			printf("%s:%u %s\n", name, i, hex);
		}
	}
}

static int print_json(const struct tl_pcrs *pcrs, bool all)
{
	json_t *root = json_object(), *banks = json_object();
	json_object_set_new(root, "banks", banks);
	for (size_t b = 0; b < pcrs->nbanks; b++) {
		const struct tl_pcr_bank *bank = &pcrs->bank[b];
		json_t *o;
		if (!bank->replayable)
			continue;
		o = json_object();
		for (unsigned i = 0; i < TL_NUM_PCRS; i++) {
			char hex[2 * TL_MAX_DIGEST + 1], key[4];
			if (!all && !(bank->extended & (1u << i)))
				continue;
			tl_hex(bank->pcr[i], bank->size, hex);
			snprintf(key, sizeof(key), "%u", i);
			json_object_set_new(o, key, json_string(hex));
		}
		json_object_set_new(banks, tl_alg_name(bank->alg), o);
	}
	return tl_cli_print_json(root);
}

int tl_eventlog_replay(int argc, char **argv)
{
	const char *file = NULL, *expect = NULL;
	bool json = false, all = false;
	struct cmp c = { 0 };
	struct tl_log *log = NULL;
	uint8_t *buf = NULL;
	struct tl_pcrs pcrs;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(replay_help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--all") == 0) {
			all = true;
		} else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) {
			expect = argv[++i];
		} else if (strcmp(argv[i], "--pcrs") == 0 && i + 1 < argc) {
			if (!tl_cli_pcr_list(argv[++i], &c.only)) {
				fprintf(stderr, "tl: --pcrs: '%s' is not a list like 0-9,14\n", argv[i]);
				return TL_EXIT_USAGE;
			}
		} else if (argv[i][0] != '-' && !file) {
			file = argv[i];
		} else {
			fputs(replay_help, stderr);
			return TL_EXIT_USAGE;
		}
	}
	if (!file) {
		fputs(replay_help, stderr);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_cli_load_log(file, &buf, &log)) != TL_EXIT_OK)
		return rc;
	rc = tl_log_replay(log, &pcrs);
	if (rc != TL_OK) {
		rc = tl_cli_fail(file, rc);
		goto out;
	}
	if (json)
		rc = print_json(&pcrs, all) == 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
	else
		print_text(&pcrs, all);
	if (expect) {
		if (compare(&pcrs, expect, &c) != TL_OK)
			rc = TL_EXIT_USAGE;
		else if (c.mismatches)
			rc = TL_EXIT_CHECK;
	}
out:
	tl_log_free(log);
	free(buf);
	return rc;
}

int tl_cli_trusted_pcrs(const struct tl_log *log, const char *expect, uint32_t *trusted)
{
	struct tl_pcrs pcrs;
	struct cmp c = { .quiet = true };
	int err = tl_log_replay(log, &pcrs);

	*trusted = 0;
	if (err != TL_OK)
		return tl_cli_fail("replay", err);
	if (compare(&pcrs, expect, &c) != TL_OK)
		return TL_EXIT_USAGE;
	*trusted = c.listed & ~c.bad;
	return TL_EXIT_OK;
}
