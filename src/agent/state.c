/* The agent's state directory: state.json (the binding with the service, where the kernel
 * log was read up to, the last verdict), written whole through src/common/file.h (a
 * temporary file, synced, renamed), so that a crash leaves the old or the new state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "file.h"

#define STATE_FILE "state.json"
#define STATE_MAX (64u * 1024u)

int tl_agent_state_dir(const char *dir, char why[static TL_AGENT_WHY])
{
	struct stat sb;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(why, TL_AGENT_WHY, "state directory %s: %s", dir, strerror(errno));
		return TL_E_IO;
	}
	if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(why, TL_AGENT_WHY, "state directory %.300s is not a directory (or is a "
			 "symbolic link)", dir);
		return TL_E_IO;
	}
	/* others must not plant files (or links) where the agent writes as root */
	if (sb.st_uid != geteuid() || (sb.st_mode & 022)) {
		snprintf(why, TL_AGENT_WHY, "state directory %.300s must belong to this user and not "
			 "be writable by group or others (chmod 700)", dir);
		return TL_E_IO;
	}
	return TL_OK;
}

void tl_agent_boot_id(char out[static 40])
{
	uint8_t *b = NULL;
	size_t n = 0;

	out[0] = '\0';
	if (tl_file_read("/proc/sys/kernel/random/boot_id", 64, &b, &n) == TL_OK)
		tl_agent_printable(out, 40, (struct tl_bytes){ b, n });
	free(b);
}

static void get_str(json_t *doc, const char *key, char *out, size_t cap)
{
	const char *v = json_string_value(json_object_get(doc, key));
	snprintf(out, cap, "%s", v ? v : "");
}

void tl_agent_state_load(const char *dir, struct tl_agent_state *st)
{
	char path[4096];
	uint8_t *text = NULL;
	size_t len = 0;
	json_t *doc;

	memset(st, 0, sizeof *st);
	snprintf(path, sizeof path, "%s/%s", dir, STATE_FILE);
	if (tl_file_read(path, STATE_MAX, &text, &len) != TL_OK)
		return;
	doc = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return;
	}
	get_str(doc, "vm_id", st->vm_id, sizeof st->vm_id);
	get_str(doc, "server", st->server, sizeof st->server);
	get_str(doc, "ak_name", st->ak_name, sizeof st->ak_name);
	get_str(doc, "ak_public", st->ak_public, sizeof st->ak_public);
	st->ak_handle = (uint32_t)json_integer_value(json_object_get(doc, "ak_handle"));
	st->enrolled_at = json_integer_value(json_object_get(doc, "enrolled_at"));
	get_str(doc, "boot_id", st->boot_id, sizeof st->boot_id);
	st->kmsg_seq = (uint64_t)json_integer_value(json_object_get(doc, "kmsg_seq"));
	st->last_time = json_integer_value(json_object_get(doc, "last_time"));
	get_str(doc, "last_verdict", st->last_verdict, sizeof st->last_verdict);
	st->last_id = json_integer_value(json_object_get(doc, "last_attestation_id"));
	get_str(doc, "last_reasons", st->last_reasons, sizeof st->last_reasons);
	json_decref(doc);
}

static json_t *state_json(const struct tl_agent_state *st)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:I,s:I,s:s,s:I,s:s}", "vm_id", st->vm_id,
			 "server", st->server, "ak_name", st->ak_name, "ak_public", st->ak_public,
			 "ak_handle",
			 (json_int_t)st->ak_handle, "enrolled_at", (json_int_t)st->enrolled_at,
			 "boot_id", st->boot_id, "kmsg_seq", (json_int_t)st->kmsg_seq, "last_time",
			 (json_int_t)st->last_time, "last_verdict", st->last_verdict,
			 "last_attestation_id", (json_int_t)st->last_id, "last_reasons",
			 st->last_reasons);
}

int tl_agent_state_save(const char *dir, const struct tl_agent_state *st,
			char why[static TL_AGENT_WHY])
{
	char path[4096];
	json_t *doc = state_json(st);
	char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	size_t n;
	int err;

	json_decref(doc);
	if (!text)
		return TL_E_NOMEM;
	n = strlen(text);
	text[n] = '\n'; /* json_dumps's NUL: the file ends with a newline instead */
	snprintf(path, sizeof path, "%s/%s", dir, STATE_FILE);
	if ((err = tl_file_write_private(path, text, n + 1, true)) != TL_OK)
		snprintf(why, TL_AGENT_WHY, "cannot write %.300s: %s", path,
			 err == TL_E_IO ? strerror(errno) : tl_err_msg(err));
	free(text);
	return err;
}
