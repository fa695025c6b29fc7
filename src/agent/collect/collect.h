/* The agent's collectors of the guest's own text sources: the kernel log (/dev/kmsg records or
 * `dmesg` lines), /etc/os-release and uname. Pure: the caller reads files and makes syscalls;
 * these only turn bytes into bounded, printable facts. See docs/agent.md. */
#ifndef TRUSTLAUNCH_AGENT_COLLECT_H
#define TRUSTLAUNCH_AGENT_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"
#include "trustlaunch/rd.h"

/* Every maximum of the collectors. */
#define TL_KMSG_MAX_TEXT (16u * 1024u * 1024u) /* bytes of kernel log scanned in one call */
#define TL_KMSG_MAX_LINE 8192u   /* bytes of one record looked at (CONSOLE_EXT_LOG_MAX) */
#define TL_KMSG_MAX_REASON 256u  /* bytes kept of the kernel's sentence, with the NUL */
#define TL_KMSG_MODNAME 56u      /* MODULE_NAME_LEN on 64-bit Linux, with the NUL */
#define TL_KMSG_TIME 32u         /* "18446744073709.551615" and the NUL fit */
#define TL_OSREL_MAX_TEXT (64u * 1024u) /* bytes of one os-release file */
#define TL_OSREL_VALUE 256u      /* bytes kept of one value, with the NUL */
#define TL_UNAME_FIELD 65u       /* __NEW_UTS_LEN + 1: one struct utsname field */
#define TL_UNAME_STR (4u * TL_UNAME_FIELD) /* four fields, three spaces and the NUL */

/* One module-signature event of the kernel log. Strings are NUL-terminated printable ASCII. */
struct tl_kmsg_event {
	const char *type;                /* static: "module_unsigned", ... (docs/agent.md) */
	char module[TL_KMSG_MODNAME];    /* the module's name, or "?" when the line names none */
	char reason[TL_KMSG_MAX_REASON]; /* the sentence as logged, controls removed, bounded */
	char time[TL_KMSG_TIME];         /* seconds since boot, "1234.567890"; "?" if unknown */
	uint64_t seq;                    /* kmsg SEQ; for dmesg lines, the line's number from 0 */
};

/* Scans a kernel log (kmsg records and/or dmesg lines) for module-signature events in
 * records numbered from_seq on. Fills at most max events; *next_seq is where the next scan
 * starts: past the last record read, or at the first event that did not fit (so n == max
 * means: call again). Kernel sentences in kmsg records count only from the kernel facility
 * (userspace writing to /dev/kmsg cannot forge them). Malformed lines are skipped. */
TL_MUST_CHECK int tl_kmsg_scan(struct tl_bytes text, uint64_t from_seq, struct tl_kmsg_event *out,
			       size_t max, size_t *n, uint64_t *next_seq);

/* What /etc/os-release says, bounded. Missing keys stay "". */
struct tl_osrelease {
	char id[TL_OSREL_VALUE];
	char version_id[TL_OSREL_VALUE];
	char pretty_name[TL_OSREL_VALUE];
	unsigned malformed;  /* lines that are not comments, blank or a valid assignment */
	unsigned duplicates; /* kept keys assigned again (the last one wins, as in a shell) */
	unsigned truncated;  /* kept values cut at TL_OSREL_VALUE - 1 bytes */
};

/* Parses an os-release file (freedesktop.org os-release(5)). Fails only on a text larger
 * than TL_OSREL_MAX_TEXT or bad arguments; malformed lines are counted and ignored. */
TL_MUST_CHECK int tl_osrelease_parse(struct tl_bytes text, struct tl_osrelease *out);

/* "sysname release version machine" from struct utsname fields (NULL reads as "?"), each
 * field bounded to TL_UNAME_FIELD - 1 bytes and made printable. */
void tl_uname_format(char out[static TL_UNAME_STR], const char *sysname, const char *release,
		     const char *version, const char *machine);

/* The next line of rd without its '\n' (the last may lack one), cut to max bytes; the rest of
 * a longer line is consumed. False at the end of the text. */
bool tl_agent_line(struct tl_rd *rd, size_t max, struct tl_bytes *line);

/* Copies src into dst[cap] as printable ASCII: control bytes dropped, other bytes that are
 * not printable ASCII become '?'. Returns true when src did not fit. */
bool tl_agent_printable(char *dst, size_t cap, struct tl_bytes src);

#endif
