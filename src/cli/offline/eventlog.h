/* `tl eventlog` subcommands and what they share. */
#ifndef TL_CLI_EVENTLOG_H
#define TL_CLI_EVENTLOG_H

#include <jansson.h>

#include "trustlaunch/tcglog.h"

/* Reads and parses FILE; on failure prints "tl: FILE: reason (code) at offset N, event M"
 * and returns TL_EXIT_USAGE. */
int tl_cli_load_log(const char *path, uint8_t **buf, struct tl_log **log);

/* PCRs of the log that replay to the values of the file EXPECT. */
int tl_cli_trusted_pcrs(const struct tl_log *log, const char *expect, uint32_t *trusted);

int tl_eventlog_replay(int argc, char **argv);
int tl_eventlog_facts(int argc, char **argv);
int tl_eventlog_diff(int argc, char **argv);

#endif
