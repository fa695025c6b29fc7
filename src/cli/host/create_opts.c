/* The options of tl vm create and tl scaleset create, and the catalog's word on them
 * (the same decision as tl catalog check and POST /v1/vms). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostcli.h"
#include "trustlaunch/catalog.h"

#define DEFAULT_SIZE "Standard_D2s_v5"
#define DEFAULT_OS "debian-12"
#define DEFAULT_MEMORY_MIB 512u

void tl_create_defaults(struct tl_create_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->size = DEFAULT_SIZE;
	o->os = DEFAULT_OS;
	o->type = TL_SECTYPE_UNSET;
	o->memory_mib = DEFAULT_MEMORY_MIB;
}

static int keys(const char *v, struct tl_create_opts *o)
{
	if (strcmp(v, "microsoft") == 0)
		o->keys = TL_HOST_KEYS_MICROSOFT;
	else if (strcmp(v, "none") == 0)
		o->keys = TL_HOST_KEYS_NONE;
	else if (strncmp(v, "custom:", 7) == 0 && v[7]) {
		o->keys = TL_HOST_KEYS_CUSTOM;
		o->keys_dir = v + 7;
	} else {
		fprintf(stderr, "tl: --secure-boot-keys is microsoft, none or custom:DIR\n");
		return -1;
	}
	return 1;
}

static int security_type(const char *v, struct tl_create_opts *o)
{
	o->type = (int)tl_security_type_parse(v);
	if (o->type == TL_SECTYPE_TRUSTED_LAUNCH || o->type == TL_SECTYPE_STANDARD)
		return 1;
	fprintf(stderr, "tl: --security-type is trustedlaunch or standard here (confidential "
			"VMs need SEV-SNP hardware)\n");
	return -1;
}

int tl_create_option(int argc, char **argv, int *i, struct tl_create_opts *o)
{
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	char *end;

	if (strcmp(a, "--no-vtpm") == 0)
		return o->no_vtpm = true;
	if (!v || (strcmp(a, "--image") && strcmp(a, "--size") && strcmp(a, "--os") &&
		   strcmp(a, "--security-type") && strcmp(a, "--secure-boot-keys") &&
		   strcmp(a, "--scale-set") && strcmp(a, "--memory") && strcmp(a, "--host-dir")))
		return 0;
	++*i;
	if (strcmp(a, "--image") == 0)
		return (o->image = v), 1;
	if (strcmp(a, "--size") == 0)
		return (o->size = v), 1;
	if (strcmp(a, "--os") == 0)
		return (o->os = v), 1;
	if (strcmp(a, "--scale-set") == 0)
		return (o->scale_set = v), 1;
	if (strcmp(a, "--host-dir") == 0)
		return tl_hostcli_dir(v, o->hostdir, sizeof(o->hostdir)) ? 1 : -1;
	if (strcmp(a, "--security-type") == 0)
		return security_type(v, o);
	if (strcmp(a, "--secure-boot-keys") == 0)
		return keys(v, o);
	o->memory_mib = (unsigned)strtoul(v, &end, 10);
	if (*end || o->memory_mib < 128 || o->memory_mib > 65536) {
		fprintf(stderr, "tl: --memory is MiB, 128 to 65536\n");
		return -1;
	}
	return 1;
}

/* Gen2 (UEFI) only: every VM made here boots OVMF, so the catalog's Gen1 rule cannot
 * apply; the size and OS tables and the Trusted Launch default do. */
int tl_create_check(struct tl_create_opts *o)
{
	struct tl_vm_request req = { .size = o->size, .os = o->os, .type = o->type,
				     .secure_boot = o->keys == TL_HOST_KEYS_NONE ? 0 : -1,
				     .vtpm = o->no_vtpm ? 0 : -1, .scale_set = o->scale_set != NULL };
	struct tl_catalog *c;
	struct tl_cat_decision d;
	int rc = tl_cli_catalog_load(NULL, 0, &c);

	if (rc != TL_EXIT_OK)
		return rc;
	tl_catalog_decide_create(c, &req, &d);
	tl_catalog_free(c);
	if (d.rule == TL_RULE_OK && d.size.support == TL_CAT_GEN1_ONLY) {
		d.rule = TL_RULE_SIZE_GEN1_ONLY; /* a standard VM of it would still be Gen1 */
		snprintf(d.message, sizeof(d.message),
			 "%s supports only Generation 1 (BIOS) VMs and this host makes Generation 2 "
			 "(UEFI) VMs only: change the size to a supported family", o->size);
	}
	if (d.rule != TL_RULE_OK) {
		fprintf(stderr, "tl: refused: %s: %s\n", tl_cat_rule_code(d.rule), d.message);
		return TL_EXIT_CHECK;
	}
	o->type = (int)d.type;
	if (d.type == TL_SECTYPE_STANDARD) {
		o->no_vtpm = true;
		if (d.message[0] && isatty(2))
			fprintf(stderr, "tl: notice: a standard VM: %s\n", d.message);
	} else {
		o->no_vtpm = !d.vtpm;
		if (!d.secure_boot)
			o->keys = TL_HOST_KEYS_NONE;
	}
	return TL_EXIT_OK;
}
