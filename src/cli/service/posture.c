/* tl recommendations [VM], tl assessment VM: posture as trustlaunchd decides it (the fleet's:
 * fleet.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char recommendations_help[] =
	"usage: tl [GLOBAL OPTIONS] recommendations [--json]\n"
	"       tl [GLOBAL OPTIONS] recommendations VM [--json]\n"
	"       tl [GLOBAL OPTIONS] recommendations --of REC [--status STATUS] [--limit N]\n"
	"          [--cursor C] [--json]\n"
	"\n"
	"The recommendations (severity low): secure-boot, vtpm and guest-attestation, each\n"
	"healthy, unhealthy (with the reason and what to do) or not_applicable (docs/posture.md).\n"
	"Without a VM: how many VMs of the fleet are in each status, the fleet's boot\n"
	"integrity, and how many VMs' last boot failed as their hosts reported it (by\n"
	"reason) or are stopped. With a VM: that VM's. With --of: the VMs and their status for one\n"
	"recommendation (--status unhealthy: the ones to fix); every page unless --limit or\n"
	"--cursor is given.\n"
	"\n"
	"exit: 0 shown, 1 unknown VM or recommendation, refused or unreachable, 2 usage\n";

static const char assessment_help[] =
	"usage: tl [GLOBAL OPTIONS] assessment VM [--json]\n"
	"\n"
	"The VM's boot-integrity assessment: healthy (latest attestation healthy and fresh),\n"
	"unhealthy (its reasons, or 'no attestation since ...') or not_applicable (no Secure Boot,\n"
	"no vTPM, no agent: which).\n"
	"\n"
	"exit: 0 shown, 1 unknown VM, refused or unreachable, 2 usage\n";

static int show_recommendations(json_t *answer)
{
	static const char *const head[] = { "RECOMMENDATION", "STATUS", "WHY" };
	struct tl_table *t = tl_table_new(3, head);
	json_t *list = json_object_get(answer, "recommendations"), *r;
	size_t i;
	int err = TL_OK;
	char a[64], b[64], c[256];

	json_array_foreach(list, i, r) {
		const char *cells[3] = { tl_cli_cell(json_object_get(r, "id"), a, sizeof(a)),
					 tl_cli_cell(json_object_get(r, "status"), b, sizeof(b)),
					 tl_cli_cell(json_object_get(r, "reason"), c, sizeof(c)) };
		if (t && err == TL_OK)
			err = tl_table_add(t, cells);
	}
	int rc = tl_table_show(t, err);
	json_array_foreach(list, i, r) {
		const char *st = json_string_value(json_object_get(r, "status"));
		const char *title = json_string_value(json_object_get(r, "title"));
		const char *fix = json_string_value(json_object_get(r, "remediation"));
		if (!st || strcmp(st, "unhealthy") != 0 || !title || !fix)
			continue;
		printf("\n");
		tl_cli_put_safe(stdout, title);
		printf("\n  ");
		tl_cli_put_safe(stdout, fix);
		putchar('\n');
	}
	return rc;
}

static int show_assessment(json_t *answer)
{
	static const char *const keys[] = { "vm_id", "status", "cause", "message", "since",
					    "attestation_id" };
	json_t *reasons = json_object_get(answer, "reasons"), *r;
	size_t i;
	char a[64], b[512];
	if (json_is_integer(json_object_get(answer, "since"))) /* a time, for people */
		json_object_set_new(answer, "since",
				    json_string(tl_cli_time_cell(json_object_get(answer, "since"), a,
								 sizeof(a))));
	int rc = tl_cli_show_fields(answer, keys, sizeof(keys) / sizeof(keys[0]));
	json_array_foreach(reasons, i, r) {
		printf("reason         %s: ", tl_cli_cell(json_object_get(r, "code"), a, sizeof(a)));
		tl_cli_put_safe(stdout, tl_cli_cell(json_object_get(r, "message"), b, sizeof(b)));
		putchar('\n');
	}
	return rc;
}

static int one(int argc, char **argv, const char *help, const char *sub, int (*show)(json_t *))
{
	const char *id;
	json_t *answer;
	int rc = tl_client_args(argc, argv, help, 1, &id);
	if (rc >= 0)
		return rc;
	if ((rc = tl_client_call(TL_HTTP_GET, "/v1/vms", id, sub, NULL, &answer)) != 0)
		return rc;
	return tl_client_output(answer, show);
}

int tl_cmd_recommendations(int argc, char **argv)
{
	bool vm = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--of") == 0)
			return tl_cli_rec_vms(argc, argv, recommendations_help);
		vm = vm || argv[i][0] != '-';
	}
	if (!vm)
		return tl_cli_rec_summary(argc, argv, recommendations_help);
	return one(argc, argv, recommendations_help, "/recommendations",
		   show_recommendations);
}

int tl_cmd_assessment(int argc, char **argv)
{
	return one(argc, argv, assessment_help, "/assessment", show_assessment);
}
