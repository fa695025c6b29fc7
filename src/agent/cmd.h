/* tl-agent's commands (cmd.c, cmd_run.c), called by main (tl-agent.c). */
#ifndef TRUSTLAUNCH_AGENT_CMD_H
#define TRUSTLAUNCH_AGENT_CMD_H

#include "agent.h"

/* Runs one command; returns the process's exit code. */
int tl_agent_command(struct tl_agent_opts *o, const char *cmd, const char *arg);
/* tl-agent run */
int tl_agent_run(struct tl_agent_opts *o);
/* The enrollment token: --enrollment-token, or --enrollment-token-file read now. */
const char *tl_agent_token(struct tl_agent_opts *o);

#endif
