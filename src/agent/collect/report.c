/* The evidence of one challenge (docs/api.md, "Challenge and attestation"): the quote and the
 * PCR values it covers, the TCG event log and IMA log as the kernel exposes them, kernel
 * module refusals from the kernel log since the last report, and the OS's own description. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "agent.h"
#include "file.h"
#include "trustlaunch/hash.h"

#define OS_FIELD 64u /* the service keeps id and version up to 63 bytes */

/* "0-9,14" into a mask; false on anything else. */
static bool parse_pcrs(const char *s, uint32_t *mask)
{
	char *end;

	*mask = 0;
	while (*s) {
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s || a >= TL_NUM_PCRS)
			return false;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || b >= TL_NUM_PCRS || b < a)
				return false;
		}
		for (unsigned long i = a; i <= b; i++)
			*mask |= 1u << i;
		if (*end != ',' && *end)
			return false;
		s = *end ? end + 1 : end;
	}
	return *mask != 0;
}

int tl_agent_selection(const char *spec, bool ima, struct tl_pcr_selection *out)
{
	char copy[256], *part, *plus;

	memset(out, 0, sizeof *out);
	if (strlen(spec) >= sizeof copy)
		return TL_E_ARG;
	snprintf(copy, sizeof copy, "%s", spec);
	for (part = copy; part; part = plus) {
		char *colon = strchr(part, ':');
		uint16_t alg;
		if ((plus = strchr(part, '+')))
			*plus++ = '\0';
		if (!colon || out->count == TL_TPM2_MAX_PCR_BANKS)
			return TL_E_ARG;
		*colon = '\0';
		if (tl_alg_from_name(part, &alg) != TL_OK ||
		    !parse_pcrs(colon + 1, &out->bank[out->count].mask))
			return TL_E_ARG;
		for (size_t i = 0; i < out->count; i++)
			if (out->bank[i].alg == alg)
				return TL_E_ARG;
		out->bank[out->count].alg = alg;
		if (ima)
			out->bank[out->count].mask |= 1u << 10;
		out->count++;
	}
	return out->count ? TL_OK : TL_E_ARG;
}

static json_t *pcrs_json(const struct tl_pcr_values *v)
{
	json_t *o = json_object();

	for (size_t b = 0; b < v->nbanks; b++) {
		json_t *bank = json_object();
		size_t size = tl_alg_size(v->bank[b].alg);
		for (unsigned i = 0; i < TL_NUM_PCRS; i++) {
			char idx[4], hex[2 * TL_MAX_DIGEST + 1];
			if (!(v->bank[b].mask & (1u << i)))
				continue;
			snprintf(idx, sizeof idx, "%u", i);
			tl_hex(v->bank[b].v[i], size, hex);
			json_object_set_new(bank, idx, json_string(hex));
		}
		json_object_set_new(o, tl_alg_name(v->bank[b].alg), bank);
	}
	return o;
}

int tl_agent_add_log(json_t *ev, const char *key, const char *path, size_t max,
		     bool omit_large, const struct tl_agent_opts *o, char why[static TL_AGENT_WHY])
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err = tl_file_read(path, max, &buf, &len);
	json_t *text;

	if (err == TL_E_FILE_MISSING) {
		tl_agent_log(o, "info", "%s: no %s (reported as missing)", path, key);
		return TL_OK;
	}
	if (err == TL_E_FILE_TOO_LARGE && omit_large) {
		tl_agent_log(o, "warning", "%s: larger than the %zu bytes the service accepts "
			     "(trustlaunch/wire.h): %s left out of the evidence", path, max, key);
		return TL_OK;
	}
	if (err == TL_E_FILE_TOO_LARGE) {
		snprintf(why, TL_AGENT_WHY, "%s: larger than the %zu bytes the service accepts as "
			 "%s (trustlaunch/wire.h)", path, max, key);
		return TL_E_WIRE_TOO_LARGE;
	}
	if (err != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "%s: %s", path,
			 err == TL_E_IO ? strerror(errno) : tl_err_msg(err));
		return err;
	}
	text = tl_agent_b64(buf, len);
	free(buf);
	if (!text || json_object_set_new(ev, key, text) != 0)
		return TL_E_NOMEM;
	return TL_OK;
}

/* Every record /dev/kmsg holds now: one record a read, until it would block. */
static int read_kmsg_device(uint8_t **out, size_t *len)
{
	size_t cap = 65536, n = 0;
	uint8_t *buf = malloc(cap);
	int fd = open(TL_AGENT_KMSG, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return fd < 0 ? TL_E_IO : TL_E_NOMEM;
	}
	for (;;) {
		if (cap - n < TL_KMSG_MAX_LINE + 1) {
			uint8_t *p = cap < TL_AGENT_MAX_KMSG ? realloc(buf, cap * 2) : NULL;
			if (!p)
				break; /* enough for one report; the rest comes next time */
			buf = p;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && (errno == EINTR || errno == EPIPE))
			continue; /* EPIPE: records were overwritten while we read */
		if (r <= 0)
			break;    /* EAGAIN: no more records */
		n += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = n;
	return TL_OK;
}

static int add_kernel_events(json_t *ev, const struct tl_agent_opts *o,
			     const struct tl_agent_state *st, uint64_t *next)
{
	static struct tl_kmsg_event events[TL_AGENT_MAX_KEVENTS];
	char boot[40];
	uint8_t *text = NULL;
	size_t len = 0, n = 0;
	int err;

	tl_agent_boot_id(boot);
	uint64_t from = strcmp(boot, st->boot_id) == 0 ? st->kmsg_seq : 0; /* a new boot: all */
	*next = from;
	err = o->kmsg ? tl_file_read(o->kmsg, TL_KMSG_MAX_TEXT, &text, &len)
		      : read_kmsg_device(&text, &len);
	if (err != TL_OK) {
		tl_agent_log(o, "warning", "%s: cannot read the kernel log: %s",
			     o->kmsg ? o->kmsg : TL_AGENT_KMSG, strerror(errno));
		return TL_OK; /* the measurements still count; the service sees no events */
	}
	err = tl_kmsg_scan((struct tl_bytes){ text, len }, from, events, TL_AGENT_MAX_KEVENTS, &n,
			   next);
	free(text);
	if (err != TL_OK)
		return TL_OK;
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s}", "type", events[i].type,
						   "module", events[i].module, "reason",
						   events[i].reason, "time", events[i].time));
	json_object_set_new(ev, "kernel_events", a);
	return TL_OK;
}

static void add_os(json_t *ev, const struct tl_agent_opts *o)
{
	struct tl_osrelease osr;
	struct utsname u;
	uint8_t *text = NULL;
	size_t len = 0;
	char id[OS_FIELD], version[OS_FIELD];

	memset(&osr, 0, sizeof osr);
	if ((tl_file_read("/etc/os-release", TL_OSREL_MAX_TEXT, &text, &len) == TL_OK ||
	     tl_file_read("/usr/lib/os-release", TL_OSREL_MAX_TEXT, &text, &len) == TL_OK) &&
	    tl_osrelease_parse((struct tl_bytes){ text, len }, &osr) != TL_OK)
		tl_agent_log(o, "warning", "os-release could not be read");
	free(text);
	snprintf(id, sizeof id, "%.63s", osr.id);
	snprintf(version, sizeof version, "%.63s", osr.version_id);
	json_t *os = json_pack("{s:s,s:s}", "id", id, "version", version);
	if (uname(&u) == 0) {
		char rel[TL_UNAME_FIELD];
		tl_agent_printable(rel, sizeof rel, (struct tl_bytes){ (const uint8_t *)u.release,
								       strnlen(u.release, sizeof u.release) });
		json_object_set_new(os, "kernel", json_string(rel));
	}
	json_object_set_new(ev, "os", os);
}

int tl_agent_evidence(const struct tl_agent_opts *o, struct tl_tpm *tpm,
		      const struct tl_tpm_ak *ak, const struct tl_agent_state *st,
		      const char *nonce_hex, json_t **out, uint64_t *kmsg_next,
		      char why[static TL_AGENT_WHY])
{
	static struct tl_tpm_quote q;
	struct tl_pcr_selection sel;
	uint8_t nonce[64];
	size_t nlen = strlen(nonce_hex) / 2;
	const char *ima = o->ima_log ? o->ima_log : TL_AGENT_IMA_LOG;
	bool has_ima = access(ima, R_OK) == 0; /* IMA is on: PCR 10 joins the quote */
	int err;

	*out = NULL;
	if (nlen == 0 || nlen > sizeof nonce || tl_unhex(nonce_hex, nonce, nlen) != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "the service's nonce is not 1-64 bytes of hex");
		return TL_E_ARG;
	}
	if (tl_agent_selection(o->pcrs, has_ima, &sel) != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "--pcrs: not a selection like sha256:0-9,14");
		return TL_E_ARG;
	}
	if ((err = tl_tpm_quote(tpm, ak, &sel, (struct tl_bytes){ nonce, nlen }, &q)) != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "%s", tl_tpm_why(tpm));
		return err;
	}
	json_t *ev = json_pack("{s:s,s:{s:o,s:o},s:o}", "nonce", nonce_hex, "quote", "attest",
			       tl_agent_b64(q.attest, q.attest_len), "signature",
			       tl_agent_b64(q.sig, q.sig_len), "pcrs", pcrs_json(&q.pcrs));
	if (!ev)
		return TL_E_NOMEM;
	if ((err = tl_agent_add_log(ev, "event_log", o->eventlog ? o->eventlog : TL_AGENT_EVENTLOG,
				    TL_WIRE_MAX_EVENT_LOG, false, o, why)) != TL_OK ||
	    (has_ima && (err = tl_agent_add_log(ev, "ima_log", ima, TL_WIRE_MAX_IMA_LOG, true, o,
						why)) != TL_OK) ||
	    (err = add_kernel_events(ev, o, st, kmsg_next)) != TL_OK ||
	    (err = tl_agent_cvm_add(o, tpm, ev, why)) != TL_OK) {
		json_decref(ev);
		return err;
	}
	add_os(ev, o);
	*out = ev;
	return TL_OK;
}
