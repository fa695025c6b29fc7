/* Module-signature events in the kernel log: /dev/kmsg records
 * ("PRIO,SEQ,TSUSEC,FLAGS[,FIELD...];MESSAGE", then " KEY=VALUE" continuation lines) and
 * dmesg lines ("[    1.234567] MESSAGE", or "<PRIO>[...] MESSAGE" from `dmesg -r`).
 *
 * The sentences, as Linux 6.1 prints them:
 *   kernel/module/main.c, module_augment_kernel_taints() (printed once per boot):
 *     pr_notice_once("%s: module verification failed: signature "
 *                    "and/or required key missing - tainting kernel\n", mod->name);
 *   kernel/module/signing.c, module_sig_check(), under module.sig_enforce, with reason
 *   "unsigned module", "module with unsupported crypto" or "module with unavailable key":
 *     pr_notice("Loading of %s is rejected\n", reason);
 *   security/lockdown/lockdown.c, lockdown_is_locked_down(), with
 *   lockdown_reasons[LOCKDOWN_MODULE_SIGNATURE] = "unsigned module loading" (security.c):
 *     pr_notice_ratelimited("Lockdown: %s: %s is restricted; see man kernel_lockdown.7\n",
 *                           current->comm, lockdown_reasons[what]);
 *   certs/system_keyring.c, verify_pkcs7_message_sig() (pr_devel: DEBUG builds, some
 *   distribution kernels):
 *     pr_devel("PKCS#7 signature not signed with a trusted key\n");
 * and from userspace: module_sig_check() returns EKEYREJECTED under sig_enforce, and
 * systemd-modules-load (src/shared/module-util.c), which logs to /dev/kmsg before journald
 * runs, says so as
 *     log_full_errno(..., err, "Failed to insert module '%s': %m", name);
 * (insmod's "could not insert module %s: %s" goes to stderr, never to the kernel log.) */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "collect.h"

#define NOT_FOUND SIZE_MAX
#define TASK_COMM_LEN 16u   /* current->comm, with its NUL */
#define PREFIX_MAX 64u      /* where the "NAME: " before a sentence may end */

struct sentence {
	const char *type;
	const char *text;
};

static const struct sentence kernel_sentences[] = {
	{ "module_unsigned", "module verification failed: signature and/or required key "
			     "missing - tainting kernel" },
	{ "module_unsigned_rejected", "Loading of unsigned module is rejected" },
	{ "module_untrusted_key", "Loading of module with unavailable key is rejected" },
	{ "module_unsupported_crypto", "Loading of module with unsupported crypto is rejected" },
	{ "pkcs7_untrusted_key", "PKCS#7 signature not signed with a trusted key" },
};

static const char lockdown_start[] = "Lockdown: ";
static const char lockdown_module[] = ": unsigned module loading is restricted";
static const char systemd_start[] = "Failed to insert module '";
static const char systemd_rejected[] = "': Key was rejected by service";

/* One record of the log, its message a view into the text. */
struct record {
	struct tl_bytes msg;
	uint64_t seq;
	bool kernel; /* from the kernel facility (or of unknown origin: plain dmesg) */
	char time[TL_KMSG_TIME];
};

/* b from off on; empty past its end. */
static struct tl_bytes from(struct tl_bytes b, size_t off)
{
	struct tl_rd rd;
	tl_rd_from(&rd, b);
	if (off > tl_rd_left(&rd))
		off = tl_rd_left(&rd);
	if (tl_rd_skip(&rd, off) != TL_OK)
		return (struct tl_bytes){ NULL, 0 };
	return tl_rd_rest(&rd);
}

static struct tl_bytes head(struct tl_bytes b, size_t n)
{
	if (n < b.len)
		b.len = n;
	return b;
}

/* Where needle starts in b at an offset in [lo, hi], or NOT_FOUND. */
static size_t find(struct tl_bytes b, const char *needle, size_t lo, size_t hi)
{
	for (size_t i = lo; i <= hi && i < b.len; i++)
		if (tl_bytes_has_prefix(from(b, i), needle))
			return i;
	return NOT_FOUND;
}

/* Decimal digits at *i, at least one, without overflow. */
static bool number(struct tl_bytes b, size_t *i, uint64_t *out)
{
	size_t start = *i;
	uint64_t v = 0;
	int c;

	while ((c = tl_bytes_at(b, *i)) >= '0' && c <= '9') {
		uint64_t d = (uint64_t)(c - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		(*i)++;
	}
	*out = v;
	return *i > start;
}

static void set_time(struct record *r, uint64_t usec)
{
	snprintf(r->time, sizeof(r->time), "%" PRIu64 ".%06" PRIu64, usec / 1000000u,
		 usec % 1000000u);
}

/* "PRIO,SEQ,TSUSEC,FLAGS[,FIELD...];MESSAGE" (Documentation/ABI/testing/dev-kmsg). */
static bool kmsg_record(struct tl_bytes line, struct record *r)
{
	uint64_t prio, seq, usec;
	size_t i = 0;
	int c;

	if (!number(line, &i, &prio) || tl_bytes_at(line, i++) != ',' ||
	    !number(line, &i, &seq) || tl_bytes_at(line, i++) != ',' ||
	    !number(line, &i, &usec) || tl_bytes_at(line, i) != ',' || seq == UINT64_MAX)
		return false;
	while ((c = tl_bytes_at(line, i)) != ';') {
		if (c < 0)
			return false;
		i++;
	}
	r->msg = from(line, i + 1);
	r->seq = seq;
	r->kernel = (prio >> 3) == 0; /* devkmsg_write() makes facility 0 into LOG_USER */
	set_time(r, usec);
	return true;
}

/* "[    1.234567] MESSAGE", optionally "<PRIO>" first. */
static bool dmesg_line(struct tl_bytes line, struct record *r)
{
	uint64_t prio = 0, sec, frac;
	size_t i = 0, digits;

	if (tl_bytes_at(line, 0) == '<') {
		i = 1;
		if (!number(line, &i, &prio) || tl_bytes_at(line, i++) != '>')
			return false;
	}
	if (tl_bytes_at(line, i++) != '[')
		return false;
	while (tl_bytes_at(line, i) == ' ')
		i++;
	if (!number(line, &i, &sec) || tl_bytes_at(line, i++) != '.')
		return false;
	digits = i;
	if (!number(line, &i, &frac) || tl_bytes_at(line, i++) != ']')
		return false;
	digits = i - 1 - digits;
	if (digits > 9 || sec > UINT64_MAX / 1000000u - 1)
		return false;
	for (; digits < 6; digits++)
		frac *= 10;
	for (; digits > 6; digits--)
		frac /= 10;
	if (tl_bytes_at(line, i) == ' ')
		i++;
	r->msg = from(line, i);
	r->kernel = (prio >> 3) == 0;
	set_time(r, sec * 1000000u + frac);
	return true;
}

/* A module's name as the kernel logs it: 1..55 of [A-Za-z0-9_-]. */
static bool module_name(struct tl_bytes name)
{
	if (name.len == 0 || name.len >= TL_KMSG_MODNAME)
		return false;
	for (size_t i = 0; i < name.len; i++) {
		int c = tl_bytes_at(name, i);
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

static void fill(struct tl_kmsg_event *ev, const char *type, struct tl_bytes name,
		 const struct record *r)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	if (module_name(name))
		(void)tl_agent_printable(ev->module, sizeof(ev->module), name);
	else
		snprintf(ev->module, sizeof(ev->module), "?");
	(void)tl_agent_printable(ev->reason, sizeof(ev->reason), r->msg);
	snprintf(ev->time, sizeof(ev->time), "%s", r->time);
	ev->seq = r->seq;
}

/* rest: the message after an optional "NAME: ", which is name. */
static bool match_at(const struct record *r, struct tl_bytes name, struct tl_bytes rest,
		     struct tl_kmsg_event *ev)
{
	struct tl_bytes quoted;
	size_t q;

	for (size_t k = 0; r->kernel && k < sizeof(kernel_sentences) / sizeof(kernel_sentences[0]);
	     k++) {
		if (tl_bytes_has_prefix(rest, kernel_sentences[k].text)) {
			fill(ev, kernel_sentences[k].type, name, r);
			return true;
		}
	}
	if (!tl_bytes_has_prefix(rest, systemd_start))
		return false;
	quoted = from(rest, strlen(systemd_start));
	q = find(quoted, "'", 0, TL_KMSG_MODNAME);
	if (q == NOT_FOUND || !tl_bytes_has_prefix(from(quoted, q), systemd_rejected))
		return false;
	fill(ev, "module_key_rejected", head(quoted, q), r);
	return true;
}

static bool match(const struct record *r, struct tl_kmsg_event *ev)
{
	struct tl_bytes m = r->msg, none = { NULL, 0 };
	size_t colon = find(m, ": ", 1, PREFIX_MAX);
	size_t at = strlen(lockdown_start);

	if (match_at(r, none, m, ev))
		return true;
	if (colon != NOT_FOUND && match_at(r, head(m, colon), from(m, colon + 2), ev))
		return true;
	if (r->kernel && tl_bytes_has_prefix(m, lockdown_start) &&
	    find(m, lockdown_module, at + 1, at + TASK_COMM_LEN - 1) != NOT_FOUND) {
		fill(ev, "module_lockdown", none, r);
		return true;
	}
	return false;
}

int tl_kmsg_scan(struct tl_bytes text, uint64_t from_seq, struct tl_kmsg_event *out,
		 size_t max, size_t *n, uint64_t *next_seq)
{
	struct tl_rd rd;
	struct tl_bytes line;
	struct tl_kmsg_event ev;
	uint64_t ordinal = 0, next = from_seq;
	size_t got = 0;

	if (!n || !next_seq || (max > 0 && !out) || (text.len > 0 && !text.ptr))
		return TL_E_ARG;
	*n = 0;
	*next_seq = from_seq;
	if (text.len > TL_KMSG_MAX_TEXT)
		return TL_E_ARG;
	tl_rd_from(&rd, text);
	while (tl_agent_line(&rd, TL_KMSG_MAX_LINE, &line)) {
		struct record r;
		if (tl_bytes_at(line, 0) == ' ') /* a kmsg continuation line: " KEY=VALUE" */
			continue;
		if (!kmsg_record(line, &r)) {
			if (!dmesg_line(line, &r))
				continue;
			r.seq = ordinal++;
		}
		if (r.seq < from_seq)
			continue;
		if (match(&r, &ev)) {
			if (got == max) {
				next = r.seq;
				/* a repeated SEQ (hostile text) must not stall a resuming caller */
				if (got > 0 && next <= out[got - 1].seq)
					next = out[got - 1].seq + 1;
				break;
			}
			out[got++] = ev;
		}
		if (r.seq >= next)
			next = r.seq + 1;
	}
	*n = got;
	*next_seq = next;
	return TL_OK;
}
