/* tl-agent run: the daemon. Enrols when the state or the service says so, attests at start
 * and then every interval (±10 % jitter, so that a fleet started together spreads out), backs
 * off exponentially on errors (30 s doubling, at most the interval), and ends on SIGTERM or
 * SIGINT between two steps. The TPM is reopened after a TPM error. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "trustlaunch/hash.h"

#define BACKOFF_FIRST_S 30u

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Sleeps s seconds unless a signal asks to stop. */
static void pause_for(unsigned s)
{
	struct timespec ts = { .tv_sec = (time_t)s, .tv_nsec = 0 };

	while (!stopping && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static unsigned jitter(unsigned s)
{
	uint8_t r[2] = { 0 };
	unsigned spread = s / 10;

	if (!spread || tl_random(r, sizeof r) != TL_OK)
		return s;
	unsigned v = ((unsigned)r[0] << 8 | r[1]) % (2 * spread + 1);
	return s - spread + v;
}

/* Enrols this AK when the state says it is not the one the service bound. */
static int ensure_enrolled(struct tl_agent_opts *o, struct tl_tpm *tpm, const struct tl_tpm_ak *ak,
			   struct tl_agent_state *st, bool force, char why[static TL_AGENT_WHY])
{
	char hex[2 * TL_TPM2_MAX_NAME + 1];

	tl_hex(ak->name, ak->name_len, hex);
	if (!force && st->ak_name[0] && strcmp(st->ak_name, hex) == 0)
		return TL_OK;
	tl_agent_token(o);
	tl_agent_log(o, "info", "enrolling AK %s", hex);
	int err = tl_agent_enroll(o, tpm, ak, st, why);
	if (err == TL_OK)
		tl_agent_log(o, "info", "enrolled as %s", st->vm_id);
	return err;
}

/* One round: open the TPM if needed, enrol if needed, attest. True when it went well. */
static bool round_once(struct tl_agent_opts *o, struct tl_tpm **tpm, struct tl_tpm_ak *ak,
		       struct tl_agent_state *st)
{
	char why[TL_AGENT_WHY];

	if (!*tpm && tl_agent_open(o, false, tpm, ak, why) != TL_OK) {
		tl_agent_log(o, "error", "%s", why);
		return false;
	}
	if (ensure_enrolled(o, *tpm, ak, st, false, why) != TL_OK) {
		tl_agent_log(o, "error", "enrolment: %s", why);
		return false;
	}
	enum tl_agent_outcome out = tl_agent_attest(o, *tpm, ak, st, why);
	if (out == TL_AGENT_OUT_NOT_ENROLLED) {
		tl_agent_log(o, "warning", "the service does not know this AK: enrolling again");
		if (ensure_enrolled(o, *tpm, ak, st, true, why) != TL_OK) {
			tl_agent_log(o, "error", "re-enrolment: %s (an operator can issue a new "
				     "enrollment token)", why);
			return false;
		}
		out = tl_agent_attest(o, *tpm, ak, st, why);
	}
	fflush(stdout);
	if (out == TL_AGENT_OUT_ERROR || out == TL_AGENT_OUT_NOT_ENROLLED) {
		tl_agent_log(o, "error", "%s", why);
		/* reopened next round: the TPM (or its simulator) may have been restarted */
		tl_tpm_close(*tpm);
		*tpm = NULL;
		return false;
	}
	return true;
}

int tl_agent_run(struct tl_agent_opts *o)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct tl_agent_state st;
	struct tl_tpm *tpm = NULL;
	struct tl_tpm_ak ak;
	char why[TL_AGENT_WHY];
	unsigned backoff = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (tl_agent_state_dir(o->state_dir, why) != TL_OK) {
		tl_agent_log(o, "error", "%s", why);
		return TL_AGENT_ERROR;
	}
	tl_agent_state_load(o->state_dir, &st);
	tl_agent_log(o, "info", "attesting to %s every %u s", o->server, o->interval_s);
	while (!stopping) {
		if (round_once(o, &tpm, &ak, &st)) {
			backoff = 0;
			pause_for(jitter(o->interval_s));
		} else {
			backoff = backoff ? 2 * backoff : BACKOFF_FIRST_S;
			if (backoff > o->interval_s)
				backoff = o->interval_s;
			tl_agent_log(o, "info", "next try in %u s", backoff);
			pause_for(jitter(backoff));
		}
	}
	tl_tpm_close(tpm);
	tl_agent_log(o, "info", "stopped");
	return 0;
}
