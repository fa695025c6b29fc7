/* tl vm list --host and tl vm show NAME: the VMs of this host, from their host records and
 * libvirt's state. */
#include <stdio.h>
#include <string.h>

#include "vm_args.h"

static const char list_help[] =
	"usage: tl [GLOBAL OPTIONS] vm list --host [--host-dir DIR] [--json]\n"
	"\n"
	"The trustlaunch VMs of this host (its host records) with their libvirt state.\n"
	"exit: 0 listed, 1 libvirt unreachable, 2 usage\n";

static json_t *vm_json(virConnectPtr conn, const struct tl_host_vm *vm)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s?, s:s, s:s, s:s, s:s}", "name",
			 vm->name, "vm_id", vm->id, "state", tl_hostcli_state(conn, vm->name),
			 "security_type", vm->trusted ? "trustedlaunch" : "standard",
			 "secure_boot_keys", tl_host_keys_name(vm->keys), "vtpm", vm->vtpm,
			 "scale_set", vm->scale_set[0] ? vm->scale_set : NULL, "image", vm->image,
			 "size", vm->size, "os", vm->os, "baseline", vm->baseline);
}

static int print_rows(json_t *vms)
{
	static const char *const head[] = { "NAME", "ID", "STATE", "SECURITY", "KEYS", "VTPM",
					    "SCALE SET" };
	static const char *const keys[] = { "name", "vm_id", "state", "security_type",
					    "secure_boot_keys", "vtpm", "scale_set" };
	if (json_array_size(vms) == 0) {
		printf("no VMs on this host\n");
		return TL_EXIT_OK;
	}
	return tl_cli_show_rows(vms, head, keys, sizeof(head) / sizeof(head[0]));
}

int tl_vm_host_list(int argc, char **argv)
{
	struct tl_vm_args a = { .flags = { { "--host", false, NULL } }, .no_name = true };
	struct tl_host_vm vm;
	virConnectPtr conn;
	json_t *vms = json_array();
	char **names;
	size_t n;
	int rc = tl_vm_args(argc, argv, list_help, &a), err;

	if (rc >= 0 || !vms) {
		json_decref(vms);
		return rc >= 0 ? rc : TL_EXIT_USAGE;
	}
	if ((err = tl_host_vm_names(a.hostdir, &names, &n)) != TL_OK || !(conn = tl_host_connect())) {
		json_decref(vms);
		return err ? tl_hostcli_fail("vm list", err) : TL_EXIT_CHECK;
	}
	for (size_t i = 0; i < n; i++)
		if (tl_host_vm_load(a.hostdir, names[i], &vm) == TL_OK)
			json_array_append_new(vms, vm_json(conn, &vm));
	tl_host_names_free(names, n);
	virConnectClose(conn);
	if (tl_client_opts.json)
		return tl_cli_print_json(json_pack("{s:o}", "vms", vms)) ? TL_EXIT_USAGE : TL_EXIT_OK;
	rc = print_rows(vms);
	json_decref(vms);
	return rc;
}

static const char show_help[] =
	"usage: tl [GLOBAL OPTIONS] vm show NAME|ID [--host-dir DIR] [--json]\n"
	"\n"
	"NAME, a VM of this host: its host record and libvirt state. ID: trustlaunchd's VM.\n"
	"exit: 0 shown, 1 unknown VM, refused or unreachable, 2 usage\n";

int tl_vm_host_show(int argc, char **argv)
{
	static const char *const keys[] = { "name", "vm_id", "state", "security_type",
					    "secure_boot_keys", "vtpm", "scale_set", "image",
					    "size", "os", "baseline" };
	struct tl_vm_args a = { 0 };
	struct tl_host_vm vm;
	virConnectPtr conn;
	json_t *o;
	bool json = tl_client_opts.json;
	int rc = tl_vm_args(argc, argv, show_help, &a);

	if (rc >= 0 || tl_host_vm_load(a.hostdir, a.name, &vm) != TL_OK) {
		tl_client_opts.json = json; /* the service's show parses again */
		return rc >= 0 ? rc : -1;
	}
	if (!(conn = tl_host_connect()))
		return TL_EXIT_CHECK;
	o = vm_json(conn, &vm);
	virConnectClose(conn);
	if (tl_client_opts.json)
		return tl_cli_print_json(o) ? TL_EXIT_USAGE : TL_EXIT_OK;
	rc = tl_cli_show_fields(o, keys, sizeof(keys) / sizeof(keys[0]));
	json_decref(o);
	return rc;
}
