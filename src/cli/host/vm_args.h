/* Arguments of the host VM commands (vm_args.c). */
#ifndef TL_VM_ARGS_H
#define TL_VM_ARGS_H

#include "hostcli.h"

#define TL_VM_MAX_FLAGS 4

struct tl_vm_args {
	struct {
		const char *name;  /* "--force" */
		bool takes_value;
		const char *value; /* set when given: the value, or the flag itself */
	} flags[TL_VM_MAX_FLAGS];
	bool no_name;              /* the command takes no NAME */
	const char *name;
	char hostdir[TL_HOST_MAX_PATH];
};

/* Returns -1 to go on, else the exit code (help printed, or usage said). */
int tl_vm_args(int argc, char **argv, const char *help, struct tl_vm_args *a);
/* The host record of a->name; -1 to go on, else the exit code after saying why. */
int tl_vm_args_load(struct tl_vm_args *a, struct tl_host_vm *vm);

#endif
