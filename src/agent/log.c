/* The agent's log: one line a message on stderr (systemd's journal keeps it). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"

void tl_agent_log(const struct tl_agent_opts *o, const char *level, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet && strcmp(level, "info") == 0)
		return;
	fprintf(stderr, "tl-agent: %s: ", level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
