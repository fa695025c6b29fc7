/* tl vm: the VMs trustlaunchd knows: register, list, show, delete, enrollment tokens. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const vm_fields[] = {
	"id", "name", "tenant", "size", "os", "security_type", "secure_boot", "vtpm", "scale_set",
	"enrolled", "created",
};

/* what the host daemon reported (docs/hostd.md), when it did */
static const char *const host_fields[] = { "host_state", "host_reason" };

static int show_vm(json_t *vm)
{
	json_t *line;
	size_t i;
	int rc = tl_cli_show_fields(vm, vm_fields, sizeof(vm_fields) / sizeof(vm_fields[0]));
	if (rc != TL_EXIT_OK || !json_object_get(vm, "host_state"))
		return rc;
	rc = tl_cli_show_fields(vm, host_fields, sizeof(host_fields) / sizeof(host_fields[0]));
	if (json_array_size(json_object_get(vm, "host_console")) > 0)
		printf("\nlast console lines:\n");
	json_array_foreach(json_object_get(vm, "host_console"), i, line) {
		fputs("  ", stdout);
		tl_cli_put_safe(stdout, json_string_value(line) ? json_string_value(line) : "");
		putchar('\n');
	}
	return rc;
}

static const char register_help[] =
	"usage: tl [GLOBAL OPTIONS] vm register --name N --size S --os O\n"
	"          [--security-type standard|trustedlaunch|confidential] [--no-secure-boot]\n"
	"          [--no-vtpm] [--tenant T] [--scale-set X] [--json]\n"
	"\n"
	"Registers a VM with trustlaunchd and prints it with its one-time enrollment token: the\n"
	"agent on the VM enrolls with it once ('tl vm enrollment-token ID' makes a new one).\n"
	"\n"
	"  --name N            the VM's name\n"
	"  --size S            its size (Standard_D2s_v5)\n"
	"  --os O              its OS image (debian-12)\n"
	"  --security-type T   standard, trustedlaunch (the default) or confidential\n"
	"  --no-secure-boot    it boots without Secure Boot (default: with)\n"
	"  --no-vtpm           it has no vTPM (default: it has one)\n"
	"  --tenant T          its tenant (only with a token of every tenant; default 'default')\n"
	"  --scale-set X       the scale set it belongs to\n"
	"  --json              print the server's answer as JSON\n"
	"\n"
	"Needs an operator token. exit: 0 registered, 1 refused or unreachable, 2 usage\n";

static int show_created(json_t *vm)
{
	const char *token = json_string_value(json_object_get(vm, "enrollment_token"));
	int rc = show_vm(vm);

	if (rc != TL_EXIT_OK)
		return rc;
	if (!token) {
		fprintf(stderr, "tl: the answer holds no enrollment token; "
				"'tl vm enrollment-token ID' asks for one\n");
		return TL_EXIT_OK;
	}
	printf("\nenrollment token (shown once; the VM's agent enrolls with it):\n  ");
	tl_cli_put_safe(stdout, token);
	putchar('\n');
	return TL_EXIT_OK;
}

static bool security_type_ok(const char *t)
{
	return strcmp(t, "standard") == 0 || strcmp(t, "trustedlaunch") == 0 ||
	       strcmp(t, "confidential") == 0;
}

static int vm_register(int argc, char **argv)
{
	static const struct {
		const char *option, *key;
	} text[] = {
		{ "--name", "name" },	  { "--size", "size" },	    { "--os", "os" },
		{ "--tenant", "tenant" }, { "--scale-set", "scale_set" },
		{ "--security-type", "security_type" },
	};
	json_t *body = json_object(), *answer;
	int rc;

	for (int i = 1; body && i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool known = false;
		if (tl_cli_is_help(o)) {
			fputs(register_help, stdout);
			json_decref(body);
			return TL_EXIT_OK;
		} else if (strcmp(o, "--json") == 0) {
			tl_client_opts.json = known = true;
		} else if (strcmp(o, "--no-secure-boot") == 0) {
			known = json_object_set_new(body, "secure_boot", json_false()) == 0;
		} else if (strcmp(o, "--no-vtpm") == 0) {
			known = json_object_set_new(body, "vtpm", json_false()) == 0;
		}
		for (size_t k = 0; !known && v && k < sizeof(text) / sizeof(text[0]); k++) {
			if (strcmp(o, text[k].option) == 0) {
				known = json_object_set_new(body, text[k].key, json_string(v)) == 0;
				i++;
			}
		}
		if (!known) {
			fprintf(stderr, "tl vm register: unexpected '%s'\n\n%s", o, register_help);
			json_decref(body);
			return TL_EXIT_USAGE;
		}
	}
	if (!body || !json_object_get(body, "name") || !json_object_get(body, "size") ||
	    !json_object_get(body, "os")) {
		fprintf(stderr, "tl vm register: --name, --size and --os are needed\n\n%s",
			register_help);
		json_decref(body);
		return TL_EXIT_USAGE;
	}
	if (json_object_get(body, "security_type") &&
	    !security_type_ok(json_string_value(json_object_get(body, "security_type")))) {
		fprintf(stderr, "tl vm register: --security-type is standard, trustedlaunch or "
				"confidential\n");
		json_decref(body);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_client_call(TL_HTTP_POST, "/v1/vms", NULL, NULL, body, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_created);
}

/* With --image, a VM on this host (src/cli/host); without, the old name of register. */
static int vm_create(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--image") == 0 || tl_cli_is_help(argv[i]))
			return tl_vm_host_create(argc, argv);
	fputs("tl: 'tl vm create' is deprecated without --image: use 'tl vm register'\n",
	      stderr);
	return vm_register(argc, argv);
}

static const char list_help[] =
	"usage: tl [GLOBAL OPTIONS] vm list [--limit N] [--cursor C] [--all] [--json]\n"
	"\n"
	"Lists the VMs of the token's tenant (of every tenant for an all-tenant token), oldest\n"
	"first: every one, or a page of N (1 to 1000) with --limit, the page after next_cursor C\n"
	"with --cursor (\"more: ...\" on stderr). --json prints {\"vms\":[VM...],\"next_cursor\"}.\n"
	"HOST STATE is what a host daemon last reported (running, stopped, boot_failed; - none).\n"
	"\n"
	"exit: 0 listed, 1 refused or unreachable, 2 usage\n";

static int show_list(json_t *answer)
{
	static const char *const head[] = { "ID", "NAME", "TENANT", "SIZE", "OS", "SECURITY",
					    "SECURE BOOT", "VTPM", "ENROLLED", "HOST STATE",
					    "CREATED" };
	static const char *const keys[] = { "id", "name", "tenant", "size", "os",
					    "security_type", "secure_boot", "vtpm", "enrolled",
					    "host_state", "created" };
	enum { NCOLS = sizeof(head) / sizeof(head[0]) };
	json_t *vms = json_object_get(answer, "vms");

	if (!json_is_array(vms)) {
		fprintf(stderr, "tl: the answer holds no list of VMs\n");
		return TL_EXIT_CHECK;
	}
	if (json_array_size(vms) == 0) {
		printf("no VMs\n");
		return TL_EXIT_OK;
	}
	return tl_cli_show_rows(vms, head, keys, NCOLS);
}

static int vm_list(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--host") == 0)
			return tl_vm_host_list(argc, argv);
	return tl_pages_command(argc, argv, list_help, "vm list", "/v1/vms", "vms", show_list);
}

static const char show_help[] =
	"usage: tl [GLOBAL OPTIONS] vm show ID [--json]\n"
	"\n"
	"Shows one VM: its size, OS, security type, Secure Boot and vTPM, whether its agent has\n"
	"enrolled. A VM of another tenant is 'no such VM'.\n"
	"\n"
	"exit: 0 shown, 1 unknown VM, refused or unreachable, 2 usage\n";

static int vm_show(int argc, char **argv)
{
	const char *id;
	json_t *answer;
	int rc = tl_vm_host_show(argc, argv);

	if (rc >= 0)
		return rc; /* a VM of this host */
	if ((rc = tl_client_args(argc, argv, show_help, 1, &id)) >= 0)
		return rc;
	if ((rc = tl_client_call(TL_HTTP_GET, "/v1/vms", id, NULL, NULL, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_vm);
}

static const char delete_help[] =
	"usage: tl [GLOBAL OPTIONS] vm delete ID [--json]\n"
	"\n"
	"Deletes a VM from trustlaunchd. Needs an operator token.\n"
	"\n"
	"exit: 0 deleted, 1 unknown VM, refused or unreachable, 2 usage\n";

static int show_deleted(json_t *answer)
{
	char buf[64];
	printf("deleted VM ");
	tl_cli_put_safe(stdout, tl_cli_cell(json_object_get(answer, "deleted"), buf, sizeof(buf)));
	putchar('\n');
	return TL_EXIT_OK;
}

static int vm_delete(int argc, char **argv)
{
	const char *id;
	json_t *answer;
	int rc = tl_vm_host_delete(argc, argv);

	if (rc >= 0)
		return rc; /* a VM of this host */
	if ((rc = tl_client_args(argc, argv, delete_help, 1, &id)) >= 0)
		return rc;
	if ((rc = tl_client_call(TL_HTTP_DELETE, "/v1/vms", id, NULL, NULL, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_deleted);
}

static const char token_help[] =
	"usage: tl [GLOBAL OPTIONS] vm enrollment-token ID [--json]\n"
	"\n"
	"Makes a new one-time enrollment token for the VM's agent and prints it alone on a\n"
	"line. Needs an operator token.\n"
	"\n"
	"exit: 0 made, 1 unknown VM, refused or unreachable, 2 usage\n";

static int show_token(json_t *answer)
{
	const char *token = json_string_value(json_object_get(answer, "enrollment_token"));
	if (!token) {
		fprintf(stderr, "tl: the answer holds no enrollment token\n");
		return TL_EXIT_CHECK;
	}
	tl_cli_put_safe(stdout, token);
	putchar('\n');
	return TL_EXIT_OK;
}

static int vm_enrollment_token(int argc, char **argv)
{
	const char *id;
	json_t *answer;
	int rc = tl_client_args(argc, argv, token_help, 1, &id);

	if (rc >= 0)
		return rc;
	if ((rc = tl_client_call(TL_HTTP_POST, "/v1/vms", id, "/enrollment-token", json_object(),
				 &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_token);
}

static const struct tl_cmd vm_cmds[] = {
	{ "register", vm_register, "register a VM; prints its one-time enrollment token" },
	{ "create", vm_create, "a VM on this host from an image (docs/host.md)" },
	{ "start", tl_vm_start, "boot a VM of this host [--wait booted|healthy]" },
	{ "stop", tl_vm_stop, "shut a VM of this host down [--force]" },
	{ "console", tl_vm_console, "a VM's serial console log [--follow]" },
	{ "enable-trusted-launch", tl_vm_enable_tl, "a UEFI domain to Secure Boot + vTPM" },
	{ "update-dbx", tl_vm_update_dbx, "a signed dbx update into a stopped VM's NVRAM" },
	{ "list", vm_list, "the VMs of the token's tenant (--host: of this host)" },
	{ "show", vm_show, "one VM (by id, or by name on this host)" },
	{ "update", tl_vm_update, "change its security profile (Trusted Launch, Secure Boot, vTPM)" },
	{ "delete", vm_delete, "delete a VM (by name on this host: domain, vTPM, NVRAM too)" },
	{ "enrollment-token", vm_enrollment_token, "a new one-time enrollment token for a VM" },
	{ NULL, NULL, NULL },
};

int tl_cmd_vm(int argc, char **argv)
{
	return tl_cli_dispatch("tl vm", vm_cmds, argc - 1, argv + 1);
}
