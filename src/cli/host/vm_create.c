/* tl vm create NAME --image DIR ...: a VM on this host (create.c), after the catalog. */
#include <stdio.h>
#include <string.h>

#include "hostcli.h"

static const char help[] =
	"usage: tl [GLOBAL OPTIONS] vm create NAME --image DIR [--size S] [--os O]\n"
	"          [--security-type trustedlaunch|standard]\n"
	"          [--secure-boot-keys microsoft|none|custom:DIR] [--no-vtpm] [--scale-set SET]\n"
	"          [--memory MiB] [--host-dir DIR] [--json]\n"
	"\n"
	"Makes a VM on this host's libvirt from an image directory ('tl image build --out DIR'):\n"
	"checks the compatibility catalog (Trusted Launch is the default where the size and OS\n"
	"support it; Gen2 (UEFI) only), registers the VM with trustlaunchd (its id becomes the\n"
	"domain's uuid; a Trusted Launch VM enrols by its EK certificate only), makes its vTPM\n"
	"(EK certificate from the platform vTPM CA, state encrypted with a libvirt secret), its\n"
	"NVRAM and disk, and defines the domain. 'tl vm start NAME' boots it.\n"
	"\n"
	"  --size S, --os O      the catalog's size and OS (default Standard_D2s_v5, debian-12)\n"
	"  --secure-boot-keys K  microsoft (OVMF's Microsoft template, default), none (Secure\n"
	"                        Boot off), custom:DIR (PK, KEK, db, dbx of DIR)\n"
	"  --memory MiB          guest memory (default 512)\n"
	"  --host-dir DIR        host state (default $TL_HOST_DIR, else " TL_HOST_DIR_DEFAULT ")\n"
	"\n"
	"Without --image, 'tl vm create' is the deprecated name of 'tl vm register'.\n"
	"exit: 0 created, 1 refused (the catalog's rule is named), failed or unreachable, 2 usage\n";

static int parse(int argc, char **argv, struct tl_create_opts *o, const char **name)
{
	tl_create_defaults(o);
	*name = NULL;
	for (int i = 1; i < argc; i++) {
		int r;
		if (tl_cli_is_help(argv[i])) {
			fputs(help, stdout);
			return TL_EXIT_OK;
		}
		if (strcmp(argv[i], "--json") == 0) {
			tl_client_opts.json = true;
			continue;
		}
		if ((r = tl_create_option(argc, argv, &i, o)) < 0)
			return TL_EXIT_USAGE;
		if (r == 0 && argv[i][0] != '-' && !*name) {
			*name = argv[i];
		} else if (r == 0) {
			fprintf(stderr, "tl vm create: unexpected '%s'\n\n%s", argv[i], help);
			return TL_EXIT_USAGE;
		}
	}
	if (!*name || !o->image) {
		fprintf(stderr, "tl vm create: NAME and --image are needed\n\n%s", help);
		return TL_EXIT_USAGE;
	}
	if (!tl_host_name_ok(*name) || (o->scale_set && !tl_host_name_ok(o->scale_set))) {
		fprintf(stderr, "tl vm create: a name is 1 to 63 letters, digits, '-', '_', '.'\n");
		return TL_EXIT_USAGE;
	}
	if (!o->hostdir[0] && !tl_hostcli_dir(NULL, o->hostdir, sizeof(o->hostdir)))
		return TL_EXIT_USAGE;
	return -1;
}

static void say(json_t *s)
{
	const char *keys = json_string_value(json_object_get(s, "secure_boot_keys"));
	bool tl = strcmp(json_string_value(json_object_get(s, "security_type")), "standard");

	tl_cli_line(stdout, "created VM %s (id %s)", json_string_value(json_object_get(s, "name")),
		    json_string_value(json_object_get(s, "vm_id")));
	tl_cli_line(stdout, "  security type  %s", tl ? "trustedlaunch" : "standard");
	if (tl)
		tl_cli_line(stdout, "  secure boot    %s", strcmp(keys, "none") ? keys : "off");
	tl_cli_line(stdout, "  vtpm           %s",
		    json_is_true(json_object_get(s, "vtpm"))
			    ? "yes (EK certificate from the platform vTPM CA, encrypted state)"
			    : "no");
	tl_cli_line(stdout, "start it with: tl vm start %s",
		    json_string_value(json_object_get(s, "name")));
}

int tl_vm_host_create(int argc, char **argv)
{
	struct tl_create_opts o;
	const char *name;
	json_t *s = NULL;
	int rc = parse(argc, argv, &o, &name);

	if (rc >= 0 || (rc = tl_create_check(&o)) != TL_EXIT_OK ||
	    (rc = tl_create_one(&o, name, &s)) != TL_EXIT_OK)
		return rc;
	if (tl_client_opts.json)
		return tl_cli_print_json(s) == 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
	say(s);
	json_decref(s);
	return TL_EXIT_OK;
}
