#include "cli.h"
#include "eventlog.h"
int tl_eventlog_facts(int argc, char **argv) { (void)argc; (void)argv; return 2; }
