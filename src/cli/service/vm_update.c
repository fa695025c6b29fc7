/* tl vm update: change a VM's security profile (PATCH /v1/vms/{id}) under the catalog's
 * rules: Trusted Launch turned on later, Secure Boot or vTPM on or off, a new size or OS. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char update_help[] =
	"usage: tl [GLOBAL OPTIONS] vm update ID [--security-type standard|trustedlaunch|\n"
	"          confidential] [--secure-boot on|off] [--vtpm on|off] [--size S] [--os O]\n"
	"          [--json]\n"
	"\n"
	"Changes a VM's security profile. trustlaunchd applies the compatibility catalog's rules\n"
	"(tl catalog show): Trusted Launch can be turned on later for a Gen2 VM whose size and OS\n"
	"support it, not for a scale set created without it; a refusal names its rule\n"
	"(catalog.scale_set_fixed, catalog.size_unsupported, ...). Restart the VM for a change of\n"
	"Secure Boot or vTPM to take effect. Needs an operator token.\n"
	"\n"
	"exit: 0 changed, 1 refused, unknown VM or unreachable, 2 usage\n";

static const char *const vm_fields[] = { "id", "name", "size", "os", "security_type",
					 "secure_boot", "vtpm", "scale_set" };

static int show(json_t *vm)
{
	return tl_cli_show_fields(vm, vm_fields, sizeof(vm_fields) / sizeof(vm_fields[0]));
}

/* One option into body; false when it is not one, or its value is bad. */
static bool option(json_t *body, const char *o, const char *v)
{
	if (!v)
		return false;
	if (strcmp(o, "--secure-boot") == 0 || strcmp(o, "--vtpm") == 0) {
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
			return false;
		return json_object_set_new(body, o[2] == 's' ? "secure_boot" : "vtpm",
					   json_boolean(strcmp(v, "on") == 0)) == 0;
	}
	if (strcmp(o, "--security-type") == 0)
		return (strcmp(v, "standard") == 0 || strcmp(v, "trustedlaunch") == 0 ||
			strcmp(v, "confidential") == 0) &&
		       json_object_set_new(body, "security_type", json_string(v)) == 0;
	if (strcmp(o, "--size") == 0 || strcmp(o, "--os") == 0)
		return json_object_set_new(body, o + 2, json_string(v)) == 0;
	return false;
}

int tl_vm_update(int argc, char **argv)
{
	const char *id = NULL;
	json_t *body = json_object(), *answer;
	int rc;

	for (int i = 1; body && i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (tl_cli_is_help(o)) {
			fputs(update_help, stdout);
			json_decref(body);
			return TL_EXIT_OK;
		} else if (strcmp(o, "--json") == 0) {
			tl_client_opts.json = true;
		} else if (o[0] != '-' && !id) {
			id = o;
		} else if (option(body, o, v)) {
			i++;
		} else {
			fprintf(stderr, "tl vm update: unexpected or bad '%s'\n\n%s", o, update_help);
			json_decref(body);
			return TL_EXIT_USAGE;
		}
	}
	if (!body || !id || json_object_size(body) == 0) {
		fprintf(stderr, "tl vm update: an ID and at least one change are needed\n\n%s",
			update_help);
		json_decref(body);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_client_call(TL_HTTP_PATCH, "/v1/vms", id, NULL, body, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show);
}
