/* tl vm update-dbx NAME FILE: a signed dbx update (e.g. Microsoft's DBXUpdate.bin) applied to
 * a shut-off VM's NVRAM as OVMF's SetVariable(dbx) would: verified against the store's PK or
 * KEK, appended without duplicates (tl_varstore_append_dbx). PCR 7 measures dbx, so a VM
 * whose baseline was predicted gets its prediction made again and set at trustlaunchd. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "nvram/nvram.h"
#include "vm_args.h"

#define UPDATE_MAX (4u << 20)

static const char help[] =
	"usage: tl [GLOBAL OPTIONS] vm update-dbx NAME FILE [--host-dir DIR] [--json]\n"
	"\n"
	"Applies a signed dbx update (EFI_VARIABLE_AUTHENTICATION_2, e.g. DBXUpdate.bin) to a\n"
	"shut-off VM's NVRAM: its signature must verify against the VM's PK or a KEK; the new\n"
	"revocations are appended (none twice). A VM whose baseline was predicted from its\n"
	"image gets it predicted again (PCR 7 measures dbx) and set at trustlaunchd.\n"
	"exit: 0 applied (or nothing new), 1 refused or failed, 2 usage\n";

static bool shut_off(const char *name)
{
	virConnectPtr conn = tl_host_connect();
	virDomainPtr d = conn ? tl_hostcli_domain(conn, name) : NULL;
	int state = 0, reason;
	bool off = d && virDomainGetState(d, &state, &reason, 0) == 0 && state == VIR_DOMAIN_SHUTOFF;

	if (d && !off)
		fprintf(stderr, "tl: %s: stop it first ('tl vm stop %s')\n", name, name);
	if (d)
		virDomainFree(d);
	if (conn)
		virConnectClose(conn);
	return off;
}

static void report(const struct tl_host_vm *vm, const struct tl_dbx_apply *r)
{
	if (tl_client_opts.json)
		printf("{\"name\":\"%s\",\"changed\":%s,\"before\":%zu,\"added\":%zu,\"after\":%zu,"
		       "\"verified_by\":\"%s\",\"baseline\":\"%s\"}\n",
		       vm->name, r->changed ? "true" : "false", r->before, r->added, r->after,
		       r->by_pk ? "PK" : "KEK", vm->baseline);
	else if (r->changed)
		printf("%s: dbx %zu -> %zu signatures (%zu new; verified by its %s)\n", vm->name,
		       r->before, r->after, r->added, r->by_pk ? "PK" : "KEK");
	else
		printf("%s: dbx already holds every entry of this update (%zu)\n", vm->name,
		       r->before);
}

/* FILE, the second operand, taken out of argv (the shared parser knows only NAME). */
static const char *take_file(int *argc, char **argv)
{
	const char *file = NULL;
	int operands = 0, j = 1;

	for (int i = 1; i < *argc; i++) {
		bool operand = argv[i][0] != '-' && strcmp(argv[i - 1], "--host-dir") != 0;
		if (operand && ++operands == 2 && !file) {
			file = argv[i];
			continue;
		}
		argv[j++] = argv[i];
	}
	*argc = j;
	return file;
}

int tl_vm_update_dbx(int argc, char **argv)
{
	struct tl_vm_args a = { 0 };
	struct tl_host_vm vm;
	struct tl_dbx_apply r = { 0 };
	char dir[TL_HOST_MAX_PATH], vars[TL_HOST_MAX_PATH + 16];
	uint8_t *update = NULL;
	size_t len = 0;
	const char *file = take_file(&argc, argv);
	int rc = tl_vm_args(argc, argv, help, &a), err;

	if (rc >= 0)
		return rc;
	if (!file) {
		fputs(help, stderr);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_vm_args_load(&a, &vm)) >= 0)
		return rc;
	if (!shut_off(vm.name))
		return TL_EXIT_CHECK;
	if ((err = tl_file_read(file, UPDATE_MAX, &update, &len)) != TL_OK)
		return tl_hostcli_fail(file, err);
	tl_host_vm_dir(a.hostdir, vm.name, dir, sizeof(dir));
	snprintf(vars, sizeof(vars), "%s/vars.fd", dir);
	err = tl_varstore_append_dbx(vars, update, len, &r);
	free(update);
	if (err != TL_OK)
		return tl_hostcli_fail(vm.name, err);
	if (r.changed && strcmp(vm.baseline, "predicted") == 0) {
		tl_create_baseline(vm.image, vars, vm.id, vm.baseline, sizeof(vm.baseline));
		if (tl_host_vm_save(a.hostdir, &vm) != TL_OK)
			fprintf(stderr, "tl: %s: the host record could not be saved\n", vm.name);
	}
	report(&vm, &r);
	return TL_EXIT_OK;
}
