/* tl vm delete NAME: a VM of this host goes whole: its domain (stopped first), NVRAM, vTPM
 * state, libvirt secret, host directory, and the VM at trustlaunchd. An argument that names
 * no VM of this host is left to the service's 'vm delete ID'. */
#include <stdio.h>
#include <string.h>

#include "vm_args.h"

static const char help[] =
	"usage: tl [GLOBAL OPTIONS] vm delete NAME|ID [--host-dir DIR] [--json]\n"
	"\n"
	"NAME, a VM of this host: stops and undefines its domain and removes its NVRAM, vTPM\n"
	"state, libvirt secret and host directory, then deletes it at trustlaunchd. ID, any\n"
	"other VM: deletes it at trustlaunchd only. Needs an operator token.\n"
	"exit: 0 deleted, 1 unknown VM, refused or unreachable, 2 usage\n";

static int undefine(virConnectPtr conn, const char *name)
{
	virDomainPtr d = virDomainLookupByName(conn, name);
	int state = 0, reason, rc = 0;

	if (!d)
		return TL_OK;
	if (virDomainGetState(d, &state, &reason, 0) == 0 && state != VIR_DOMAIN_SHUTOFF)
		rc = virDomainDestroy(d);
	if (rc == 0)
		rc = virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_NVRAM |
						       VIR_DOMAIN_UNDEFINE_MANAGED_SAVE);
	if (rc != 0)
		fprintf(stderr, "tl: %s: %s\n", name, tl_host_virt_error());
	virDomainFree(d);
	return rc == 0 ? TL_OK : TL_E_HOST_LIBVIRT;
}

static int remove_all(virConnectPtr conn, const struct tl_vm_args *a, const struct tl_host_vm *vm)
{
	char dir[TL_HOST_MAX_PATH];
	int err;

	if ((err = undefine(conn, vm->name)) != TL_OK)
		return err;
	if (vm->vtpm && (err = tl_host_vtpm_delete(vm->id)) != TL_OK)
		return err;
	if (vm->secret[0] && (err = tl_host_secret_delete(conn, vm->secret)) != TL_OK)
		return err;
	tl_host_vm_dir(a->hostdir, vm->name, dir, sizeof(dir));
	return tl_host_rm_tree(dir);
}

int tl_vm_host_delete(int argc, char **argv)
{
	struct tl_vm_args a = { 0 };
	struct tl_host_vm vm;
	virConnectPtr conn;
	json_t *answer;
	int rc = tl_vm_args(argc, argv, help, &a), err;

	if (rc >= 0)
		return rc;
	if (tl_host_vm_load(a.hostdir, a.name, &vm) == TL_E_HOST_NO_VM)
		return -1; /* not ours: the service's delete */
	if ((rc = tl_vm_args_load(&a, &vm)) >= 0)
		return rc;
	if (!(conn = tl_host_connect()))
		return TL_EXIT_CHECK;
	err = remove_all(conn, &a, &vm);
	virConnectClose(conn);
	if (err != TL_OK)
		return tl_hostcli_fail(vm.name, err);
	if ((rc = tl_client_call(TL_HTTP_DELETE, "/v1/vms", vm.id, NULL, NULL, &answer)) != 0) {
		fprintf(stderr, "tl: %s is gone from this host; trustlaunchd still has VM %s\n",
			vm.name, vm.id);
		return rc;
	}
	json_decref(answer);
	if (tl_client_opts.json)
		printf("{\"deleted\":\"%s\",\"vm_id\":\"%s\"}\n", vm.name, vm.id);
	else
		printf("deleted VM %s (id %s): domain, NVRAM, vTPM state, secret, host record, "
		       "trustlaunchd's VM\n", vm.name, vm.id);
	return TL_EXIT_OK;
}
