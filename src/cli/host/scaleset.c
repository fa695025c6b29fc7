/* tl scaleset create SET --count N --image DIR ...: N identical VMs SET-0 .. SET-(N-1),
 * members of SET at trustlaunchd and in their domains' metadata. The security type is fixed
 * at creation: recorded in HOSTDIR/scalesets/SET.json and in each member's host record, so
 * that enable-trusted-launch refuses a member of a set created without it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file.h"
#include "hostcli.h"
#include "trustlaunch/catalog.h"

#define MAX_COUNT 100ul

static const char help[] =
	"usage: tl [GLOBAL OPTIONS] scaleset create SET --count N --image DIR [--size S]\n"
	"          [--os O] [--security-type trustedlaunch|standard]\n"
	"          [--secure-boot-keys microsoft|none|custom:DIR] [--no-vtpm] [--memory MiB]\n"
	"          [--host-dir DIR] [--json]\n"
	"\n"
	"Creates N (1 to 100) identical VMs SET-0 .. SET-N-1 on this host, as 'tl vm create'\n"
	"does, members of scale set SET. Its security type is fixed: a set created without\n"
	"Trusted Launch cannot get it later (catalog.scale_set_fixed).\n"
	"exit: 0 created, 1 refused or failed (members made so far stay), 2 usage\n";

static int parse(int argc, char **argv, struct tl_create_opts *o, unsigned long *count)
{
	char *end;

	tl_create_defaults(o);
	*count = 0;
	for (int i = 1; i < argc; i++) {
		int r;
		if (tl_cli_is_help(argv[i]))
			return fputs(help, stdout), TL_EXIT_OK;
		if (strcmp(argv[i], "--json") == 0) {
			tl_client_opts.json = true;
			continue;
		}
		if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
			*count = strtoul(argv[++i], &end, 10);
			r = *end || *count < 1 || *count > MAX_COUNT ? -1 : 1;
		} else if ((r = tl_create_option(argc, argv, &i, o)) == 0 && argv[i][0] != '-' &&
			   !o->scale_set) {
			o->scale_set = argv[i];
			r = 1;
		}
		if (r <= 0)
			return fprintf(stderr, "tl scaleset create: bad '%s'\n\n%s", argv[i], help),
			       TL_EXIT_USAGE;
	}
	if (!o->scale_set || !o->image || !*count || !tl_host_name_ok(o->scale_set))
		return fprintf(stderr, "%s", help), TL_EXIT_USAGE;
	if (!o->hostdir[0] && !tl_hostcli_dir(NULL, o->hostdir, sizeof(o->hostdir)))
		return TL_EXIT_USAGE;
	return -1;
}

static int record(const struct tl_create_opts *o, unsigned long count)
{
	char path[TL_HOST_MAX_PATH];
	char *text;
	json_t *j = json_pack("{s:s, s:s, s:i}", "name", o->scale_set, "security_type",
			      o->type == TL_SECTYPE_TRUSTED_LAUNCH ? "trustedlaunch" : "standard",
			      "count", (json_int_t)count);
	int err;

	snprintf(path, sizeof(path), "%s/scalesets", o->hostdir);
	if (!j || (mkdir(path, 0700) != 0 && errno != EEXIST)) {
		json_decref(j);
		return TL_E_IO;
	}
	snprintf(path, sizeof(path), "%s/scalesets/%s.json", o->hostdir, o->scale_set);
	text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	err = text ? tl_file_write_private(path, text, strlen(text), false) : TL_E_NOMEM;
	free(text);
	return err == TL_E_FILE_EXISTS ? TL_E_HOST_EXISTS : err;
}

static int create(int argc, char **argv)
{
	struct tl_create_opts o;
	unsigned long count;
	json_t *all, *one;
	char name[TL_HOST_MAX_NAME + 16];
	int rc = parse(argc, argv, &o, &count), err;

	if (rc >= 0 || (rc = tl_create_check(&o)) != TL_EXIT_OK)
		return rc;
	if ((err = tl_host_dir_make(o.hostdir)) != TL_OK || (err = record(&o, count)) != TL_OK)
		return tl_hostcli_fail(o.scale_set, err);
	if (!(all = json_array()))
		return TL_EXIT_USAGE;
	for (unsigned long i = 0; rc == TL_EXIT_OK && i < count; i++) {
		snprintf(name, sizeof(name), "%s-%lu", o.scale_set, i);
		if (!tl_host_name_ok(name))
			rc = tl_hostcli_fail(name, TL_E_ARG);
		else if ((rc = tl_create_one(&o, name, &one)) == TL_EXIT_OK) {
			json_array_append_new(all, one);
			if (!tl_client_opts.json)
				tl_cli_line(stdout, "created %s (id %s)", name,
					    json_string_value(json_object_get(one, "vm_id")));
		}
	}
	if (rc == TL_EXIT_OK && tl_client_opts.json)
		return tl_cli_print_json(json_pack("{s:s, s:o}", "scale_set", o.scale_set, "vms",
						   all)) ? TL_EXIT_USAGE : TL_EXIT_OK;
	json_decref(all);
	return rc;
}

int tl_cmd_scaleset(int argc, char **argv)
{
	static const struct tl_cmd cmds[] = {
		{ "create", create, "N identical VMs on this host, security type fixed" },
		{ NULL, NULL, NULL },
	};
	return tl_cli_dispatch("tl scaleset", cmds, argc - 1, argv + 1);
}
