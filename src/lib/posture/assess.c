/* The boot-integrity assessment (docs/posture.md): for a VM with Secure Boot, a vTPM and the
 * agent, whether its latest attestation was healthy and is fresh. Without one of the three it
 * is not applicable, and says which is missing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "trustlaunch/posture.h"

static const char *const cause_names[] = {
	"healthy", "unsupported", "no_secure_boot", "no_vtpm",
	"no_agent", "no_attestation_yet", "unhealthy", "stale",
};

const char *tl_assess_cause_name(enum tl_assess_cause c)
{
	return (size_t)c < sizeof(cause_names) / sizeof(cause_names[0]) ? cause_names[c] : "unknown";
}

static void set(struct tl_assessment *a, enum tl_status s, enum tl_assess_cause c,
		const char *msg)
{
	a->status = s;
	a->cause = c;
	snprintf(a->message, sizeof(a->message), "%s", msg);
}

/* "2026-12-06 14:03Z" */
static void when(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, cap, "%Y-%m-%d %H:%MZ", &tm))
		snprintf(out, cap, "%lld", (long long)t);
}

static bool not_applicable(const struct tl_posture_vm *vm, struct tl_assessment *a)
{
	bool confidential = vm->type == TL_SECTYPE_CONFIDENTIAL;
	if (!confidential && (!vm->os_supported || (vm->size != TL_CAT_SUPPORTED &&
						     vm->size != TL_CAT_CONFIDENTIAL)))
		set(a, TL_STATUS_NOT_APPLICABLE, TL_ASSESS_UNSUPPORTED,
		    "its size or OS cannot have Trusted Launch");
	else if (!vm->secure_boot)
		set(a, TL_STATUS_NOT_APPLICABLE, TL_ASSESS_NO_SECURE_BOOT, "Secure Boot is off");
	else if (!vm->vtpm && !confidential)
		set(a, TL_STATUS_NOT_APPLICABLE, TL_ASSESS_NO_VTPM, "vTPM is off");
	else if (!vm->enrolled)
		set(a, TL_STATUS_NOT_APPLICABLE, TL_ASSESS_NO_AGENT,
		    "the guest attestation agent is not installed (never enrolled)");
	else
		return false;
	return true;
}

void tl_assess(const struct tl_posture_vm *vm, int64_t now, int64_t stale_after,
	       struct tl_assessment *a)
{
	char t[32], msg[160];
	memset(a, 0, sizeof(*a));
	if (not_applicable(vm, a))
		return;
	a->since = vm->attested ? vm->attested_at : vm->enrolled_at;
	when(a->since, t, sizeof(t));
	if (now - a->since > stale_after) {
		snprintf(msg, sizeof(msg), "no attestation since %s: the agent stopped reporting", t);
		set(a, TL_STATUS_UNHEALTHY, TL_ASSESS_STALE, msg);
	} else if (!vm->attested) {
		snprintf(msg, sizeof(msg), "enrolled at %s; no attestation yet", t);
		set(a, TL_STATUS_NOT_APPLICABLE, TL_ASSESS_NOT_YET, msg);
	} else if (!vm->attested_healthy) {
		snprintf(msg, sizeof(msg), "the latest attestation (%s) was unhealthy", t);
		set(a, TL_STATUS_UNHEALTHY, TL_ASSESS_UNHEALTHY, msg);
	} else {
		snprintf(msg, sizeof(msg), "the latest attestation (%s) was healthy", t);
		set(a, TL_STATUS_HEALTHY, TL_ASSESS_HEALTHY, msg);
	}
}

void tl_posture_decide(const struct tl_posture_vm *vm, bool stale, enum tl_status rec[TL_REC_COUNT],
		       struct tl_assessment *a)
{
	/* a moment 10 s after the agent's last sign: within a 100 s window, or past a 1 s one */
	struct tl_posture_vm at = *vm;
	const int64_t now = 1000000, window = stale ? 1 : 100;
	at.enrolled_at = at.attested_at = now - 10;
	for (unsigned k = 0; k < TL_REC_COUNT; k++)
		rec[k] = tl_rec_status(&at, (enum tl_rec_id)k, now, window, NULL, 0);
	tl_assess(&at, now, window, a);
}
