/* tl hosts: the hosts whose daemons (tl-hostd) report their libvirt domains (docs/hostd.md). */
#include <stdio.h>

#include "cli.h"

static const char list_help[] =
	"usage: tl [GLOBAL OPTIONS] hosts list [--limit N] [--cursor C] [--json]\n"
	"\n"
	"The hosts whose daemon sent an inventory, by name: how many domains each reported and\n"
	"when (the domains are VMs: 'tl vm list'). Every one, or a page of N (1 to 1000) with\n"
	"--limit, the page after next_cursor C with --cursor. --json prints\n"
	"{\"hosts\":[HOST...],\"next_cursor\"}.\n"
	"\n"
	"exit: 0 listed, 1 refused or unreachable, 2 usage\n";

static int show_list(json_t *answer)
{
	static const char *const head[] = { "HOST", "TENANT", "DOMAINS", "SEEN" };
	static const char *const keys[] = { "name", "tenant", "domains", "seen" };
	json_t *hosts = json_object_get(answer, "hosts");
	if (!json_is_array(hosts)) {
		fprintf(stderr, "tl: the answer holds no list of hosts\n");
		return TL_EXIT_CHECK;
	}
	if (json_array_size(hosts) == 0) {
		printf("no hosts\n");
		return TL_EXIT_OK;
	}
	return tl_cli_show_rows(hosts, head, keys, 4);
}

static int hosts_list(int argc, char **argv)
{
	return tl_pages_command(argc, argv, list_help, "hosts list", "/v1/hosts", "hosts",
				show_list);
}

static const struct tl_cmd hosts_cmds[] = {
	{ "list", hosts_list, "the hosts and how many domains each reported" },
	{ NULL, NULL, NULL },
};

int tl_cmd_hosts(int argc, char **argv)
{
	return tl_cli_dispatch("tl hosts", hosts_cmds, argc - 1, argv + 1);
}
