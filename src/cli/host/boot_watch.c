/* Where a boot is: the console log (firmware, shim, GRUB, kernel, or a Secure Boot refusal)
 * and trustlaunchd (the agent enrolled, the verdict). Polled every 100 ms until the goal,
 * a refusal or the deadline: a VM whose kernel Secure Boot refused sits in GRUB for ever.
 * The steps are printed on a terminal only (not with --json). */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boot_watch.h"
#include "file.h"

#define CONSOLE_MAX (8u << 20)
#define POLL_NS 100000000L

static const struct {
	const char *marker, *step;
} steps[] = {
	{ "BdsDxe: loading", "firmware" },
	{ "BdsDxe: starting", "shim" },
	{ "Welcome to GRUB", "GRUB" },
	{ "Linux version", "kernel" },
};
enum { KERNEL = 3, NSTEPS = sizeof(steps) / sizeof(steps[0]) };

static const char *const refusals[] = { "bad shim signature", "Security Violation",
					"Access Denied" };

/* The furthest step the console shows (-1 none); *refused the refusal's text, if any. */
static int console_step(const char *dir, const char **refused)
{
	char path[TL_HOST_MAX_PATH];
	uint8_t *buf;
	size_t len;
	int at = -1;

	*refused = NULL;
	snprintf(path, sizeof(path), "%s/console.log", dir);
	if (tl_file_read(path, CONSOLE_MAX, &buf, &len) != TL_OK)
		return -1;
	for (int i = 0; i < NSTEPS; i++)
		if (memmem(buf, len, steps[i].marker, strlen(steps[i].marker)))
			at = i;
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (memmem(buf, len, refusals[i], strlen(refusals[i])))
			*refused = refusals[i];
	free(buf);
	return at;
}

/* The service's word: 0 nothing yet, 1 enrolled, 2 healthy, -1 unhealthy. A verdict counts
 * only when its attestation is not `before` (the one the service had when the wait began: a
 * VM restarted must attest again, and a VM that cannot — another vTPM — must not pass on its
 * previous boot's verdict). *att receives the assessment's attestation id. */
static int service_step(const char *id, const char *before, char *att, size_t attcap,
			char *cause, size_t cap)
{
	json_t *a = NULL;
	bool json = tl_client_opts.json;
	int r = 0;

	tl_client_opts.json = true;
	if (tl_client_call(TL_HTTP_GET, "/v1/vms", id, "/assessment", NULL, &a) == 0) {
		const char *st = json_string_value(json_object_get(a, "status"));
		const char *c = json_string_value(json_object_get(a, "cause"));
		const char *at = json_string_value(json_object_get(a, "attestation_id"));
		snprintf(cause, cap, "%s", c ? c : "?");
		snprintf(att, attcap, "%s", at ? at : "");
		r = at && before && strcmp(at, before) == 0 ? 1
		    : st && strcmp(st, "healthy") == 0	? 2
		    : c && strcmp(c, "unhealthy") == 0 ? -1
		    : c && strcmp(c, "no_attestation_yet") == 0 ? 1
							       : 0;
	}
	json_decref(a);
	tl_client_opts.json = json;
	return r;
}

static void say(const struct tl_boot_watch *w, const char *step)
{
	if (isatty(1) && !tl_client_opts.json)
		printf("  %6.1fs  %s\n", (tl_hostcli_ms() - w->t0) / 1e3, step);
}

int tl_boot_watch(const struct tl_boot_watch *w)
{
	int shown = -1, svc = 0, last = 0;
	const char *refused;
	char cause[64] = "", before[32] = "", att[32];

	if (w->healthy)
		(void)service_step(w->vm->id, NULL, before, sizeof(before), cause, sizeof(cause));

	while (tl_hostcli_ms() - w->t0 < w->timeout_ms) {
		int at = console_step(w->dir, &refused);
		for (; shown < at; shown++)
			say(w, steps[shown + 1].step);
		if (refused) {
			fprintf(stderr, "tl: %s: boot refused: \"%s\" on the console (Secure Boot; %s)\n",
				w->vm->name, refused, tl_err_name(TL_E_HOST_BOOT_REFUSED));
			return TL_EXIT_CHECK;
		}
		if (!w->healthy && at >= KERNEL)
			break;
		if (w->healthy && at >= KERNEL) {
			int s = service_step(w->vm->id, before, att, sizeof(att), cause,
					     sizeof(cause));
			if (s >= 1 && svc < 1)
				say(w, "agent enrolled");
			svc = s > svc ? s : svc;
			last = s;
			if (s == 2 || s == -1) {
				say(w, s == 2 ? "verdict: healthy" : "verdict: unhealthy");
				if (s == -1)
					fprintf(stderr, "tl: %s: unhealthy ('tl assessment %s')\n",
						w->vm->name, w->vm->id);
				break;
			}
		}
		nanosleep(&(struct timespec){ 0, POLL_NS }, NULL);
	}
	if (tl_hostcli_ms() - w->t0 >= w->timeout_ms) {
		fprintf(stderr, "tl: %s: not %s after %.0f s (last step: %s%s%s; %s)\n", w->vm->name,
			w->healthy ? "healthy" : "booted", w->timeout_ms / 1e3,
			shown >= 0 ? steps[shown].step : "none", cause[0] ? ", service: " : "", cause,
			tl_err_name(TL_E_HOST_TIMEOUT));
		return TL_EXIT_CHECK;
	}
	if (tl_client_opts.json)
		printf("{\"name\":\"%s\",\"vm_id\":\"%s\",\"seconds\":%.3f}\n", w->vm->name, w->vm->id,
		       (tl_hostcli_ms() - w->t0) / 1e3);
	return last == -1 ? TL_EXIT_CHECK : TL_EXIT_OK;
}
