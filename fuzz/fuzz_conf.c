/* libFuzzer target: configuration files (conf.c). Every option handed over is a name of
 * [a-z0-9_-] and a printable value, both bounded; a refusal names a line of the input. */
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool check(void *ctx, const char *name, const char *value)
{
	size_t *n = ctx;

	if (!*name || strlen(name) >= TL_CONF_MAX_LINE || strlen(value) >= TL_CONF_MAX_LINE)
		abort();
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			abort();
	for (const char *p = value; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	(*n)++;
	return strcmp(name, "refuse") != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0, lines = 1;
	unsigned line = 0;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	int err = tl_conf_parse((struct tl_bytes){ data, size }, check, &n, &line);
	if ((err == TL_OK && line != 0) || (err != TL_OK && size <= TL_CONF_MAX_TEXT &&
					    (line == 0 || line > lines)))
		abort();
	return 0;
}
