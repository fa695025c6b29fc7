/* Helpers every `tl` subcommand shares. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"

int tl_cli_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	bool in = strcmp(path, "-") == 0;
	int err = in ? tl_file_read_fd(STDIN_FILENO, max, buf, len) : tl_file_read(path, max, buf, len);

	if (err == TL_E_FILE_TOO_LARGE)
		fprintf(stderr, "tl: %s: larger than the limit of %zu bytes\n", path, max);
	else if (err != TL_OK)
		fprintf(stderr, "tl: %s: %s\n", path,
			err == TL_E_IO ? strerror(errno) : tl_err_msg(err));
	return err;
}

int tl_cli_fail(const char *what, int err)
{
	fprintf(stderr, "tl: %s: %s (%s)\n", what, tl_err_msg(err), tl_err_name(err));
	return TL_EXIT_USAGE;
}

bool tl_cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int tl_cli_dispatch(const char *group, const struct tl_cmd *cmds, int argc, char **argv)
{
	bool help = argc < 1 || tl_cli_is_help(argv[0]) || strcmp(argv[0], "help") == 0;
	int width = 10;
	if (!help) {
		for (const struct tl_cmd *c = cmds; c->name; c++)
			if (strcmp(argv[0], c->name) == 0)
				return c->run(argc, argv);
		fprintf(stderr, "%s: unknown command '%s'\n", group, argv[0]);
	}
	fprintf(help ? stdout : stderr, "usage: %s COMMAND [ARGS]\n\ncommands:\n", group);
	for (const struct tl_cmd *c = cmds; c->name; c++)
		if (strlen(c->name) > (size_t)width && strlen(c->name) < 32)
			width = (int)strlen(c->name);
	for (const struct tl_cmd *c = cmds; c->name; c++)
		fprintf(help ? stdout : stderr, "  %-*s %s\n", width, c->name, c->help);
	fprintf(help ? stdout : stderr, "\n'%s COMMAND --help' explains a command.\n", group);
	return help ? TL_EXIT_OK : TL_EXIT_USAGE;
}

bool tl_cli_pcr_list(const char *s, uint32_t *mask)
{
	uint32_t m = 0;
	while (*s) {
		char *end;
		unsigned long lo, hi;
		if (*s < '0' || *s > '9')
			return false;
		lo = strtoul(s, &end, 10);
		hi = lo;
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return false;
			hi = strtoul(s, &end, 10);
		}
		if (lo > hi || hi >= 24)
			return false;
		for (unsigned long i = lo; i <= hi; i++)
			m |= 1u << i;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return false;
	}
	*mask = m;
	return m != 0;
}
