/* tl vm console NAME [--follow]: the VM's serial console as libvirt logs it
 * (HOSTDIR/vms/NAME/console.log). The guest wrote it: control characters are escaped. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vm_args.h"

#define LINE_MAX_BYTES 4096

static const char help[] =
	"usage: tl vm console NAME [--follow] [--host-dir DIR]\n"
	"\n"
	"Prints the VM's serial console log (escaped); --follow keeps printing what it adds\n"
	"until interrupted.\n"
	"exit: 0 printed, 1 no such VM or log, 2 usage\n";

static void put_line(char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	tl_cli_put_safe(stdout, line);
	putchar('\n');
}

int tl_vm_console(int argc, char **argv)
{
	struct tl_vm_args a = { .flags = { { "--follow", false, NULL } } };
	struct tl_host_vm vm;
	char path[TL_HOST_MAX_PATH], line[LINE_MAX_BYTES];
	FILE *f;
	int rc = tl_vm_args(argc, argv, help, &a);

	if (rc >= 0 || (rc = tl_vm_args_load(&a, &vm)) >= 0)
		return rc;
	tl_host_vm_dir(a.hostdir, vm.name, path, sizeof(path));
	strncat(path, "/console.log", sizeof(path) - strlen(path) - 1);
	if (!(f = fopen(path, "r"))) {
		fprintf(stderr, "tl: %s: no console log yet (start the VM)\n", vm.name);
		return TL_EXIT_CHECK;
	}
	for (;;) {
		if (fgets(line, sizeof(line), f)) {
			put_line(line);
			continue;
		}
		if (!a.flags[0].value)
			break;
		fflush(stdout);
		clearerr(f);
		nanosleep(&(struct timespec){ 0, 200000000L }, NULL);
	}
	fclose(f);
	return TL_EXIT_OK;
}
