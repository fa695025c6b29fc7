/* The boot watch (docs/hostd.md): the VM's serial console log, tailed, and a deadline for the
 * agent's first contact. A VM whose kernel Secure Boot refused sits in GRUB for ever, so
 * either sign ends the boot as boot_failed, with a typed reason and the last console lines
 * (escaped, bounded) reported to trustlaunchd. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostd.h"
#include "log.h"

#define READ_MAX 65536 /* console bytes looked at per tick */

/* What firmware, shim and GRUB print when Secure Boot refuses an image. */
static const char *const refusals[] = { "bad shim signature", "Security Violation",
					"Access Denied" };

static void keep_line(struct hvm *v, const char *line)
{
	unsigned slot = (v->first + v->nlines) % HOSTD_CONSOLE_LINES;
	snprintf(v->lines[slot], sizeof(v->lines[slot]), "%s", line);
	if (v->nlines < HOSTD_CONSOLE_LINES)
		v->nlines++;
	else
		v->first = (v->first + 1) % HOSTD_CONSOLE_LINES;
}

/* Appends byte b to the partial line, escaped: printable ASCII as is, others as \xNN, CR
 * dropped, the line cut at HOSTD_CONSOLE_WIDTH. */
static void put(struct hvm *v, unsigned char b)
{
	char esc[5];
	size_t n;
	if (b == '\r')
		return;
	if (b >= 0x20 && b < 0x7F && b != '\\')
		snprintf(esc, sizeof(esc), "%c", b);
	else
		snprintf(esc, sizeof(esc), "\\x%02x", b);
	n = strlen(esc);
	if (v->partial_len + n > HOSTD_CONSOLE_WIDTH)
		return;
	memcpy(v->partial + v->partial_len, esc, n);
	v->partial_len += n;
	v->partial[v->partial_len] = '\0';
}

static bool refused(const char *line)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strstr(line, refusals[i]))
			return true;
	return false;
}

/* New console bytes into lines; true when a line says Secure Boot refused something. */
static bool read_console(struct hvm *v)
{
	unsigned char buf[READ_MAX];
	struct stat st;
	bool seen = false;
	ssize_t n;
	int fd = v->dom.console_log[0] ? open(v->dom.console_log, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
				       : -1;
	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && st.st_size < v->console_off)
		v->console_off = 0; /* append='off': a new boot truncated it */
	n = pread(fd, buf, sizeof(buf), v->console_off);
	close(fd);
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			put(v, buf[i]);
			continue;
		}
		keep_line(v, v->partial);
		seen = seen || refused(v->partial);
		v->partial_len = 0;
		v->partial[0] = '\0';
	}
	if (n > 0)
		v->console_off += n;
	return seen || refused(v->partial); /* GRUB's error may wait without a newline */
}

static json_t *console_json(const struct hvm *v)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < v->nlines; i++)
		json_array_append_new(a, json_string(v->lines[(v->first + i) % HOSTD_CONSOLE_LINES]));
	if (v->partial_len)
		json_array_append_new(a, json_string(v->partial));
	while (json_array_size(a) > HOSTD_CONSOLE_LINES)
		json_array_remove(a, 0);
	return a;
}

void hostd_report_state(const struct hostd_opts *o, const char *uuid, const char *state,
			const char *reason, struct hvm *v)
{
	char path[96];
	json_t *b = json_pack("{s:s}", "state", state);
	if (reason)
		json_object_set_new(b, "reason", json_string(reason));
	if (v)
		json_object_set_new(b, "console", console_json(v));
	snprintf(path, sizeof(path), "/v1/vms/%s/host-state", uuid);
	(void)hostd_report(o, "POST", path, b);
	json_decref(b);
}

bool hostd_bootwatch_tick(struct hvm *v, int64_t now_ms, bool *destroy)
{
	const char *reason = NULL;
	*destroy = false;
	if (v->decided)
		return true;
	if (read_console(v))
		reason = "secure_boot_refused";
	else if (atomic_load(&v->contact))
		v->decided = true;
	else if (now_ms - v->started_ms > v->opts->boot_deadline_ms && !v->dom.tpm)
		v->decided = true; /* no vTPM: no agent can attest, so none is awaited */
	else if (now_ms - v->started_ms > v->opts->boot_deadline_ms)
		reason = "boot_deadline";
	if (reason) {
		const char *kv[] = { "vm", v->dom.uuid, "domain", v->dom.name, "reason", reason };
		tl_log_kv("warn", "boot failed", kv, 3);
		hostd_report_state(v->opts, v->dom.uuid, "boot_failed", reason, v);
		v->decided = v->failed = true;
		*destroy = v->opts->destroy_on_failure;
	}
	return v->decided;
}
