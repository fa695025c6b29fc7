/* tl recommendations (no VM): the fleet's counts per recommendation and status, the
 * boot-integrity assessment's and the failed boots the hosts reported; tl recommendations
 * --of REC: the VMs and their status for one recommendation (docs/posture.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int show_summary(json_t *answer)
{
	static const char *const head[] = { "RECOMMENDATION", "UNHEALTHY", "HEALTHY",
					    "NOT APPLICABLE", "TITLE" };
	static const char *const status[] = { "unhealthy", "healthy", "not_applicable" };
	struct tl_table *t = tl_table_new(5, head);
	json_t *r, *as = json_object_get(answer, "assessment");
	size_t i;
	int err = TL_OK;
	char c[5][160];

	json_array_foreach(json_object_get(answer, "recommendations"), i, r) {
		const char *cells[5];
		cells[0] = tl_cli_cell(json_object_get(r, "id"), c[0], sizeof(c[0]));
		for (int k = 0; k < 3; k++)
			cells[k + 1] = tl_cli_cell(json_object_get(json_object_get(r, "counts"),
								   status[k]),
						   c[k + 1], sizeof(c[k + 1]));
		cells[4] = tl_cli_cell(json_object_get(r, "title"), c[4], sizeof(c[4]));
		if (t && err == TL_OK)
			err = tl_table_add(t, cells);
	}
	int rc = tl_table_show(t, err);
	printf("\nboot integrity: %s healthy, ",
	       tl_cli_cell(json_object_get(as, "healthy"), c[0], sizeof(c[0])));
	printf("%s unhealthy, ", tl_cli_cell(json_object_get(as, "unhealthy"), c[1], sizeof(c[1])));
	printf("%s not applicable ",
	       tl_cli_cell(json_object_get(as, "not_applicable"), c[2], sizeof(c[2])));
	printf("(%s VMs)\n", tl_cli_cell(json_object_get(answer, "vms"), c[3], sizeof(c[3])));
	json_t *hs = json_object_get(answer, "host_states"); /* as the hosts last reported */
	printf("boot failed: %s ", tl_cli_cell(json_object_get(hs, "boot_failed"), c[0], sizeof(c[0])));
	printf("(%s secure_boot_refused, ",
	       tl_cli_cell(json_object_get(hs, "secure_boot_refused"), c[1], sizeof(c[1])));
	printf("%s boot_deadline), ",
	       tl_cli_cell(json_object_get(hs, "boot_deadline"), c[2], sizeof(c[2])));
	printf("%s stopped\n", tl_cli_cell(json_object_get(hs, "stopped"), c[3], sizeof(c[3])));
	return rc;
}

int tl_cli_rec_summary(int argc, char **argv, const char *help)
{
	json_t *answer;
	int rc = tl_client_args(argc, argv, help, 0, NULL);
	if (rc >= 0)
		return rc;
	if ((rc = tl_client_call(TL_HTTP_GET, "/v1/recommendations", NULL, NULL, NULL, &answer)))
		return rc;
	return tl_client_output(answer, show_summary);
}

static int show_vms(json_t *answer)
{
	static const char *const head[] = { "VM", "NAME", "STATUS", "WHY" };
	static const char *const keys[] = { "vm_id", "vm_name", "status", "reason" };
	struct tl_table *t = tl_table_new(4, head);
	json_t *v;
	size_t i;
	int err = TL_OK;
	char c[4][256];

	if (!json_array_size(json_object_get(answer, "vms"))) {
		tl_table_free(t);
		printf("no VMs\n");
		tl_pages_say_more(answer);
		return TL_EXIT_OK;
	}
	json_array_foreach(json_object_get(answer, "vms"), i, v) {
		const char *cells[4];
		for (int k = 0; k < 4; k++)
			cells[k] = tl_cli_cell(json_object_get(v, keys[k]), c[k], sizeof(c[k]));
		if (t && err == TL_OK)
			err = tl_table_add(t, cells);
	}
	int rc = tl_table_show(t, err);
	tl_pages_say_more(answer);
	return rc;
}

/* --of REC [--status S] and the page options. */
int tl_cli_rec_vms(int argc, char **argv, const char *help)
{
	struct tl_pages p = { 0, NULL, false };
	const char *rec = NULL, *status = NULL;
	char rest[96];
	json_t *answer;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (tl_cli_is_help(o)) {
			fputs(help, stdout);
			return TL_EXIT_OK;
		}
		if (strcmp(o, "--json") == 0)
			tl_client_opts.json = true;
		else if ((rc = tl_pages_option(argc, argv, &i, &p, "recommendations")) != 0) {
			if (rc < 0)
				return TL_EXIT_USAGE;
		} else if ((strcmp(o, "--of") == 0 || strcmp(o, "--status") == 0) && v &&
			   strspn(v, "abcdefghijklmnopqrstuvwxyz_-") == strlen(v) && strlen(v) < 32) {
			*(o[2] == 'o' ? &rec : &status) = v;
			i++;
		} else {
			fprintf(stderr, "tl recommendations: unexpected or bad '%s'\n\n%s", o, help);
			return TL_EXIT_USAGE;
		}
	}
	if (!p.limit && !p.cursor)
		p.all = true;
	snprintf(rest, sizeof(rest), "%s%s", status ? "?status=" : "", status ? status : "");
	if ((rc = tl_pages_get("/v1/recommendations", rec, rest, "vms", &p, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show_vms);
}
