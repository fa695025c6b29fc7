/* The arguments the lifecycle commands share: NAME, --host-dir DIR, --json, and flags of
 * the command (given as a list; each found one is set). */
#include <stdio.h>
#include <string.h>

#include "vm_args.h"

int tl_vm_args(int argc, char **argv, const char *help, struct tl_vm_args *a)
{
	const char *dir = NULL;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool known = false;
		if (tl_cli_is_help(o)) {
			fputs(help, stdout);
			return TL_EXIT_OK;
		}
		if (strcmp(o, "--json") == 0)
			known = tl_client_opts.json = true;
		else if (v && strcmp(o, "--host-dir") == 0)
			known = (dir = argv[++i]) != NULL;
		for (size_t k = 0; !known && k < TL_VM_MAX_FLAGS && a->flags[k].name; k++) {
			if (strcmp(o, a->flags[k].name) != 0)
				continue;
			if (a->flags[k].takes_value && !v)
				break;
			a->flags[k].value = a->flags[k].takes_value ? argv[++i] : o;
			known = true;
		}
		if (!known && o[0] != '-' && !a->name && !a->no_name) {
			a->name = o;
			known = true;
		}
		if (!known) {
			fprintf(stderr, "tl: unexpected or incomplete '%s'\n\n%s", o, help);
			return TL_EXIT_USAGE;
		}
	}
	if (!a->name && !a->no_name) {
		fputs(help, stderr);
		return TL_EXIT_USAGE;
	}
	return tl_hostcli_dir(dir, a->hostdir, sizeof(a->hostdir)) ? -1 : TL_EXIT_USAGE;
}

int tl_vm_args_load(struct tl_vm_args *a, struct tl_host_vm *vm)
{
	int err = tl_host_vm_load(a->hostdir, a->name, vm);
	if (err != TL_OK)
		return tl_hostcli_fail(a->name, err);
	return -1;
}
