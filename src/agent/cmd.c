/* tl-agent's one-shot commands: enroll, attest, status, replay-log; and the table that
 * dispatches them. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "trustlaunch/hash.h"

static bool need_server(const struct tl_agent_opts *o)
{
	if (o->server && *o->server)
		return true;
	tl_agent_log(o, "error", "no service: give --server (https://HOST:PORT, "
		     "virtio-serial:/dev/virtio-ports/NAME or unix:PATH)");
	return false;
}

/* What enroll and attest start with: a service, the state, the TPM with its AK. */
static bool begin(struct tl_agent_opts *o, bool enrolling, struct tl_agent_state *st,
		  struct tl_tpm **tpm, struct tl_tpm_ak *ak)
{
	char why[TL_AGENT_WHY];

	if (!need_server(o))
		return false;
	int err = tl_agent_state_dir(o->state_dir, why);
	if (err == TL_OK) {
		tl_agent_state_load(o->state_dir, st);
		err = tl_agent_open(o, enrolling, tpm, ak, why);
	}
	if (err != TL_OK)
		tl_agent_log(o, "error", "%s", why);
	return err == TL_OK;
}

static int cmd_enroll(struct tl_agent_opts *o, const char *arg)
{
	struct tl_agent_state st;
	struct tl_tpm *tpm = NULL;
	struct tl_tpm_ak ak;
	char why[TL_AGENT_WHY];

	(void)arg;
	tl_agent_token(o);
	if (!begin(o, true, &st, &tpm, &ak))
		return TL_AGENT_ERROR;
	if (tl_agent_enroll(o, tpm, &ak, &st, why) != TL_OK) {
		tl_agent_log(o, "error", "%s", why);
		tl_tpm_close(tpm);
		return TL_AGENT_ERROR;
	}
	printf("enrolled %s with %s: AK %s at 0x%08x%s\n", st.vm_id, o->server, st.ak_name,
	       ak.handle, ak.created ? " (new)" : "");
	tl_tpm_close(tpm);
	return 0;
}

static int cmd_attest(struct tl_agent_opts *o, const char *arg)
{
	struct tl_agent_state st;
	struct tl_tpm *tpm = NULL;
	struct tl_tpm_ak ak;
	char why[TL_AGENT_WHY];

	(void)arg;
	if (!begin(o, false, &st, &tpm, &ak))
		return TL_AGENT_ERROR;
	char hex[2 * TL_TPM2_MAX_NAME + 1];
	tl_hex(ak.name, ak.name_len, hex);
	if (st.ak_name[0] && ak.created)
		tl_agent_log(o, "warning", "the enrolled AK is gone from the TPM (was the TPM "
			     "reset?); a new one was made: the service will not know it");
	else if (st.ak_name[0] && strcmp(hex, st.ak_name) != 0)
		tl_agent_log(o, "warning", "the AK at 0x%08x is not the enrolled one (was the "
			     "TPM swapped?): the service will not tie this quote to this VM",
			     ak.handle);
	why[0] = '\0';
	enum tl_agent_outcome out = tl_agent_attest(o, tpm, &ak, &st, why);
	tl_tpm_close(tpm);
	switch (out) {
	case TL_AGENT_OUT_HEALTHY:
		return TL_AGENT_HEALTHY;
	case TL_AGENT_OUT_NOT_ENROLLED:
		if (why[0])
			tl_agent_log(o, "error", "%s", why);
		tl_agent_log(o, "error", "the service does not know this TPM's AK for %s: enrol "
			     "again (tl-agent enroll; a moved or reset TPM needs a new enrollment "
			     "token from an operator)", st.vm_id[0] ? st.vm_id : o->vm_id);
		return st.last_verdict[0] == 'u' ? TL_AGENT_UNHEALTHY : TL_AGENT_ERROR;
	case TL_AGENT_OUT_UNHEALTHY:
		return TL_AGENT_UNHEALTHY;
	default:
		tl_agent_log(o, "error", "%s", why);
		return TL_AGENT_ERROR;
	}
}

static void print_time(const char *label, int64_t t)
{
	char buf[64] = "never";
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > 0 && gmtime_r(&tt, &tm))
		strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%-15s %s\n", label, buf);
}

/* What the state says, and whether the TPM still holds the enrolled AK (nothing is made). */
static int cmd_status(struct tl_agent_opts *o, const char *arg)
{
	struct tl_agent_state st;
	struct tl_tpm *tpm = NULL;
	struct tl_tpm_ak ak;
	char twhy[TL_TPM_WHY], hex[2 * TL_TPM2_MAX_NAME + 1] = "";
	int rc;

	(void)arg;
	tl_agent_state_load(o->state_dir, &st);
	printf("%-15s %s\n", "vm", st.vm_id[0] ? st.vm_id : "(not enrolled)");
	printf("%-15s %s\n", "service", st.server[0] ? st.server : "-");
	print_time("enrolled", st.enrolled_at);
	printf("%-15s %s\n", "ak enrolled", st.ak_name[0] ? st.ak_name : "-");
	if ((rc = tl_tpm_open(o->tcti, &tpm, twhy)) != TL_OK) {
		printf("%-15s unreachable: %s\n", "tpm", twhy);
	} else if ((rc = tl_tpm_ak(tpm, o->ak_handle, o->ak_alg, o->ek_alg, false, &ak)) !=
		   TL_OK) {
		printf("%-15s 0x%08x: %s\n", "ak in tpm", o->ak_handle, tl_tpm_why(tpm));
	} else {
		tl_hex(ak.name, ak.name_len, hex);
		printf("%-15s 0x%08x %s\n", "ak in tpm", ak.handle, hex);
	}
	bool opened = tpm != NULL;
	tl_tpm_close(tpm);
	print_time("last attested", st.last_time);
	printf("%-15s %s", "last verdict", st.last_verdict[0] ? st.last_verdict : "-");
	if (st.last_id)
		printf(" (attestation %lld)", (long long)st.last_id);
	printf("\n%-15s %s\n", "reasons", st.last_reasons[0] ? st.last_reasons : "-");
	printf("%-15s %llu\n", "kernel log seq", (unsigned long long)st.kmsg_seq);
	if (!opened)
		return TL_AGENT_ERROR;
	return st.ak_name[0] && strcmp(hex, st.ak_name) == 0 ? 0 : 1;
}

static int cmd_replay(struct tl_agent_opts *o, const char *arg)
{
	struct tl_tpm *tpm = NULL;
	char why[TL_AGENT_WHY], twhy[TL_TPM_WHY];

	if (!arg) {
		tl_agent_log(o, "error", "replay-log takes the event log's path");
		return TL_AGENT_ERROR;
	}
	if (tl_tpm_open(o->tcti, &tpm, twhy) != TL_OK) {
		tl_agent_log(o, "error", "%s", twhy);
		return TL_AGENT_ERROR;
	}
	int err = tl_agent_replay(tpm, arg, why);
	tl_tpm_close(tpm);
	if (err != TL_OK) {
		tl_agent_log(o, "error", "%s", why);
		return TL_AGENT_ERROR;
	}
	return 0;
}

static int cmd_run(struct tl_agent_opts *o, const char *arg)
{
	(void)arg;
	if (!need_server(o))
		return TL_AGENT_ERROR;
	return tl_agent_run(o);
}

int tl_agent_command(struct tl_agent_opts *o, const char *cmd, const char *arg)
{
	static const struct {
		const char *name;
		int (*fn)(struct tl_agent_opts *o, const char *arg);
		bool takes_arg;
	} cmds[] = {
		{ "enroll", cmd_enroll, false },   { "attest", cmd_attest, false },
		{ "run", cmd_run, false },         { "status", cmd_status, false },
		{ "replay-log", cmd_replay, true },
	};

	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(cmd, cmds[i].name) != 0)
			continue;
		if (arg && !cmds[i].takes_arg) {
			tl_agent_log(o, "error", "%s takes no operand ('%s')", cmd, arg);
			return TL_AGENT_ERROR;
		}
		return cmds[i].fn(o, arg);
	}
	tl_agent_log(o, "error", "unknown command '%s' (enroll, attest, run, status, replay-log)",
		     cmd);
	return TL_AGENT_ERROR;
}
