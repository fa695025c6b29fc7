/* The agent's state directory: state.json (the binding with the service, where the kernel
 * log was read up to, the last verdict), written whole to a temporary file, synced and
 * renamed, so that a crash leaves the old or the new state, never half of one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"

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

int tl_agent_read_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return TL_E_IO;
	for (;;) {
		if (n == cap) {
			/* securityfs files report size 0: grow as they are read */
			size_t ncap = cap ? cap * 2 : 65536;
			if (ncap > max + 1)
				ncap = max + 1; /* one more than max: a larger file shows itself */
			uint8_t *p = realloc(buf, ncap);
			if (!p) {
				free(buf);
				close(fd);
				return TL_E_NOMEM;
			}
			buf = p;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			errno = e;
			return TL_E_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			free(buf);
			close(fd);
			return TL_E_ARG;
		}
	}
	close(fd);
	if (n == cap) {
		uint8_t *p = realloc(buf, n + 1);
		if (!p) {
			free(buf);
			return TL_E_NOMEM;
		}
		buf = p;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return TL_OK;
}

void tl_agent_boot_id(char out[static 40])
{
	uint8_t *b = NULL;
	size_t n = 0;

	out[0] = '\0';
	if (tl_agent_read_file("/proc/sys/kernel/random/boot_id", 64, &b, &n) == TL_OK)
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
	if (tl_agent_read_file(path, STATE_MAX, &text, &len) != TL_OK)
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
	char path[4096], tmp[4200];
	json_t *doc = state_json(st);
	char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	int fd = -1, err = TL_E_IO;

	json_decref(doc);
	if (!text)
		return TL_E_NOMEM;
	snprintf(path, sizeof path, "%s/%s", dir, STATE_FILE);
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	size_t n = strlen(text);
	unlink(tmp); /* a leftover of a crash with this pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0 && write(fd, text, n) == (ssize_t)n && write(fd, "\n", 1) == 1 &&
	    fsync(fd) == 0 && close(fd) == 0) {
		fd = -1;
		if (rename(tmp, path) == 0) {
			int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			err = TL_OK; /* the rename itself lasts once the directory is synced */
			if (d >= 0) {
				(void)fsync(d);
				close(d);
			}
		}
	}
	if (err != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "cannot write %.300s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	}
	free(text);
	return err;
}
