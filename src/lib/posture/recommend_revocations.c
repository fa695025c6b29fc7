/* revocations-current (low): the revocation check of a VM's latest attested boot against the
 * operator's current revocation data (docs/revocations.md, docs/posture.md). The check runs
 * when the attestation is made, on the facts of the PCRs its quote vouched for; what is kept
 * is the report's summary, and the posture reads its status back. */
#include <stdio.h>
#include <string.h>

#include "trustlaunch/posture.h"
#include "trustlaunch/revocation.h"

static json_t *not_checked(int err)
{
	return json_pack("{s:s,s:[{s:s,s:s}]}", "status", "not_applicable", "reasons", "code",
			 tl_err_name(err), "message", tl_err_msg(err));
}

json_t *tl_rec_revocations_evaluate(json_t *facts, const struct tl_revoc_list *list,
				    const struct tl_sbat_levels *levels)
{
	struct tl_revoc_vm vm;
	struct tl_revoc_report rep;
	json_t *out, *rec;
	int err;

	if ((err = tl_revoc_vm_from_facts(facts, &vm)) != TL_OK)
		return err == TL_E_NOMEM ? NULL : not_checked(err);
	if ((err = tl_revoc_check(&vm, list, levels, &rep)) != TL_OK) {
		tl_revoc_vm_clear(&vm);
		return NULL;
	}
	out = tl_revoc_report_summary(&rep, &vm, list, levels);
	/* the decision on top: {status, reasons} of the report's recommendation */
	rec = json_object_get(out, "recommendation");
	if (out && (json_object_set(out, "status", json_object_get(rec, "status")) != 0 ||
		    json_object_set(out, "reasons", json_object_get(rec, "reasons")) != 0 ||
		    json_object_del(out, "recommendation") != 0)) {
		json_decref(out);
		out = NULL;
	}
	tl_revoc_report_clear(&rep);
	tl_revoc_vm_clear(&vm);
	return out;
}

/* The missing groups by name: a name's first and last date and how many groups carry it. */
struct named {
	const char *name, *first, *last;
	size_t n;
};

static size_t group_names(json_t *groups, struct named *v, size_t cap)
{
	json_t *g;
	size_t i, k, used = 0;
	json_array_foreach(groups, i, g) {
		const char *name = json_string_value(json_object_get(g, "name"));
		const char *date = json_string_value(json_object_get(g, "date"));
		if (!name)
			continue;
		for (k = 0; k < used && strcmp(v[k].name, name) != 0; k++)
			;
		if (k == used && used == cap)
			continue;
		if (k == used)
			v[used++] = (struct named){ name, date, date, 0 };
		v[k].n++;
		if (date && (!v[k].first || strcmp(date, v[k].first) < 0))
			v[k].first = date;
		if (date && (!v[k].last || strcmp(date, v[k].last) > 0))
			v[k].last = date;
	}
	return used;
}

/* "BootHole (2020-07-01), BlackLotus (4 updates, 2023-05-01 to 2024-03-05)": whole entries
 * only; what does not fit is counted ("and 2 more"). */
static void missing_names(json_t *groups, char *out, size_t cap)
{
	struct named v[16];
	char one[160];
	size_t used = group_names(groups, v, sizeof(v) / sizeof(v[0])), o = 0, i;
	out[0] = '\0';
	for (i = 0; i < used; i++) {
		const char *f = v[i].first ? v[i].first : "undated";
		if (v[i].n > 1 && v[i].last && strcmp(f, v[i].last) != 0)
			snprintf(one, sizeof(one), "%s%s (%zu updates, %s to %s)", o ? ", " : "",
				 v[i].name, v[i].n, f, v[i].last);
		else
			snprintf(one, sizeof(one), "%s%s (%s)", o ? ", " : "", v[i].name, f);
		if (o + strlen(one) + sizeof(", and 99 more") > cap)
			break;
		o += (size_t)snprintf(out + o, cap - o, "%s", one);
	}
	if (i < used)
		snprintf(out + o, cap - o, "%sand %zu more", o ? ", " : "", used - i);
}

static void unhealthy(json_t *s, struct tl_rec_revocations *out)
{
	json_t *dbx = json_object_get(s, "dbx"), *sbat = json_object_get(s, "sbat");
	json_int_t missing = json_integer_value(json_object_get(dbx, "missing"));
	size_t apps = json_array_size(json_object_get(json_object_get(s, "boot_apps"), "revoked"));
	size_t gens = json_array_size(json_object_get(sbat, "missing_generations"));
	char names[160];
	missing_names(json_object_get(dbx, "missing_groups"), names, sizeof(names));
	out->status = TL_STATUS_UNHEALTHY;
	snprintf(out->why, sizeof(out->why), "dbx lacks %lld current revocations%s%s%s; %zu "
		 "booted component(s) revoked; SbatLevel %zu generation(s) behind",
		 (long long)missing, names[0] ? " (" : "", names, names[0] ? ")" : "", apps, gens);
}

void tl_rec_revocations_status(json_t *summary, bool configured, struct tl_rec_revocations *out)
{
	const char *st = json_string_value(json_object_get(summary, "status"));
	const char *reason = json_string_value(
		json_object_get(json_array_get(json_object_get(summary, "reasons"), 0), "message"));

	memset(out, 0, sizeof(*out));
	out->status = TL_STATUS_NOT_APPLICABLE;
	if (!configured) {
		snprintf(out->why, sizeof(out->why), "no current revocation data is configured "
			 "(trustlaunchd --revocations DIR)");
	} else if (!st) {
		snprintf(out->why, sizeof(out->why), "no attested boot was checked against the "
			 "revocation data yet");
	} else if (strcmp(st, "healthy") == 0) {
		out->status = TL_STATUS_HEALTHY;
		snprintf(out->why, sizeof(out->why), "dbx and SbatLevel are current; nothing booted "
			 "is revoked");
	} else if (strcmp(st, "unhealthy") == 0) {
		unhealthy(summary, out);
	} else {
		snprintf(out->why, sizeof(out->why), "%s", reason ? reason : "not checked");
	}
}
