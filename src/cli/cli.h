/* Shared pieces of the `tl` command line: file input, exit codes, PCR lists. */
#ifndef TL_CLI_H
#define TL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"

enum { TL_EXIT_OK = 0, TL_EXIT_CHECK = 1, TL_EXIT_USAGE = 2 };

struct tl_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

/* Reads a whole file of at most max bytes. On failure prints a one-line reason. */
int tl_cli_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);
/* Prints "tl: WHAT: MESSAGE (code)" to stderr and returns TL_EXIT_USAGE. */
int tl_cli_fail(const char *what, int err);
/* Dispatches argv[0] in a table; prints the table for -h/--help or an unknown name. */
int tl_cli_dispatch(const char *group, const struct tl_cmd *cmds, int argc, char **argv);
/* Parses "0-9,14" into a bit mask of PCRs; false on a bad list. */
bool tl_cli_pcr_list(const char *s, uint32_t *mask);

int tl_cmd_eventlog(int argc, char **argv);
int tl_cmd_quote(int argc, char **argv);
int tl_cmd_credential(int argc, char **argv);
int tl_cmd_ek(int argc, char **argv);
int tl_cmd_pe(int argc, char **argv);
int tl_cmd_sb(int argc, char **argv);
int tl_cmd_modsig(int argc, char **argv);
int tl_cmd_predict(int argc, char **argv);

#endif
