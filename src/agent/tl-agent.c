/* tl-agent: the guest attestation agent. Options from a config file, then flags over it;
 * one command (a table below); logs to stderr. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "file.h"
#include "cmd.h"
#include "trustlaunch/conf.h"

static const char help[] =
	"usage: tl-agent [--config FILE] [--server URL] [--vm-id ID] [--enrollment-token T]\n"
	"                [--tcti TCTI] [--state-dir DIR] [OPTIONS] COMMAND\n"
	"\n"
	"commands:\n"
	"  enroll           enrol this VM's TPM with the service (its enrollment token, or the\n"
	"                   EK certificate in NV when the service trusts its CA)\n"
	"  attest           attest once and print the verdict; exit 0 healthy, 1 unhealthy,\n"
	"                   2 error (the service could not be asked, or refused the evidence)\n"
	"  run              enrol when needed, attest now and every --interval (with jitter),\n"
	"                   back off on errors, re-enrol when the service no longer knows the AK\n"
	"  status           the binding, the AK, the last verdict; exit 0 when enrolled and the\n"
	"                   AK in the TPM is the enrolled one, 1 otherwise, 2 on errors\n"
	"  replay-log FILE  extend a TCG event log's digests into a software TPM (swtpm, mssim)\n"
	"\n"
	"options (also 'name = value' lines in --config, names without dashes):\n"
	"  --server URL            https://HOST[:PORT] (http:// only for loopback tests),\n"
	"                          virtio-serial:/dev/virtio-ports/NAME or unix:PATH (a relay)\n"
	"  --cacert FILE           the CA certificates (PEM) that https may trust; pins the service\n"
	"  --vm-id ID              this VM's id in the service (kept once enrolled)\n"
	"  --enrollment-token T    the one-time token `tl vm register` printed\n"
	"  --enrollment-token-file F  read it from a file instead (re-read at each enrolment)\n"
	"  --tcti TCTI             device:/dev/tpmrm0 (default), swtpm:host=H,port=P, mssim:...\n"
	"  --state-dir DIR         default /var/lib/tl-agent\n"
	"  --ak-handle HANDLE      persistent handle of the AK, default 0x81000003\n"
	"  --ak-alg rsa|ecc        a new AK: RSA-2048 RSASSA-SHA256 (default) or ECC P-256 ECDSA\n"
	"  --ek-alg rsa|ecc        which EK (and EK certificate) to use, default rsa\n"
	"  --pcrs SELECTION        quoted PCRs, default sha256:0-9,14 (+10 when IMA is active)\n"
	"  --interval DURATION     run: between attestations, e.g. 10m (default), 90s, 1h\n"
	"  --timeout SECONDS       one request to the service, default 30\n"
	"  --eventlog FILE         the TCG event log (default: securityfs)\n"
	"  --ima-log FILE          the IMA log (default: securityfs, when IMA is active)\n"
	"  --kmsg FILE             kernel log text instead of /dev/kmsg (kmsg records or dmesg)\n"
	"  --vcek FILE             a confidential VM's VCEK (DER or PEM), sent with the HCL report\n"
	"                          its vTPM holds (NV 0x01400001)\n"
	"  --json                  print the service's answer as JSON\n"
	"  --quiet                 log only warnings and errors\n";

static char *kept[64];
static size_t nkept;

static void free_kept(void)
{
	while (nkept)
		free(kept[--nkept]);
}

static const char *keep(const char *s)
{
	char *d = nkept < sizeof kept / sizeof kept[0] ? strdup(s) : NULL;
	if (!d) {
		fprintf(stderr, "tl-agent: out of memory, or over 64 options\n");
		exit(TL_AGENT_ERROR);
	}
	if (nkept == 0)
		atexit(free_kept);
	return kept[nkept++] = d;
}

static bool parse_alg(const char *v, enum tl_tpm_alg *out)
{
	if (strcmp(v, "rsa") == 0)
		*out = TL_TPM_RSA;
	else if (strcmp(v, "ecc") == 0)
		*out = TL_TPM_ECC;
	else
		return false;
	return true;
}

/* "90", "90s", "10m", "1h" into seconds (1 s .. 1 day). */
static bool parse_duration(const char *v, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10), mul = 1;

	if (end == v || v[0] == '-')
		return false;
	if (*end == 'h')
		mul = 3600;
	else if (*end == 'm')
		mul = 60;
	else if (*end != 's' && *end)
		return false;
	if (*end && end[1])
		return false;
	if (n == 0 || n > 86400 / mul)
		return false;
	*out = (unsigned)(n * mul);
	return true;
}

static const char *token_file;

static bool set_opt(void *ctx, const char *name, const char *v)
{
	struct tl_agent_opts *o = ctx;
	char *end;
	static const struct { const char *name; size_t off; } strs[] = {
		{ "server", offsetof(struct tl_agent_opts, server) },
		{ "vm-id", offsetof(struct tl_agent_opts, vm_id) },
		{ "enrollment-token", offsetof(struct tl_agent_opts, enrollment_token) },
		{ "tcti", offsetof(struct tl_agent_opts, tcti) },
		{ "state-dir", offsetof(struct tl_agent_opts, state_dir) },
		{ "cacert", offsetof(struct tl_agent_opts, cacert) },
		{ "eventlog", offsetof(struct tl_agent_opts, eventlog) },
		{ "ima-log", offsetof(struct tl_agent_opts, ima_log) },
		{ "kmsg", offsetof(struct tl_agent_opts, kmsg) },
		{ "pcrs", offsetof(struct tl_agent_opts, pcrs) },
		{ "vcek", offsetof(struct tl_agent_opts, vcek) },
	};

	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (strcmp(name, strs[i].name) == 0) {
			*(const char **)((char *)o + strs[i].off) = keep(v);
			return true;
		}
	if (strcmp(name, "enrollment-token-file") == 0)
		return (token_file = keep(v)) != NULL;
	if (strcmp(name, "ak-handle") == 0) {
		unsigned long h = strtoul(v, &end, 16);
		o->ak_handle = (uint32_t)h;
		return end != v && !*end && h >= 0x81000000ul && h <= 0x817ffffful;
	}
	if (strcmp(name, "ak-alg") == 0)
		return parse_alg(v, &o->ak_alg);
	if (strcmp(name, "ek-alg") == 0)
		return parse_alg(v, &o->ek_alg);
	if (strcmp(name, "interval") == 0)
		return parse_duration(v, &o->interval_s);
	if (strcmp(name, "timeout") == 0)
		return parse_duration(v, &o->timeout_s) && o->timeout_s <= 600;
	return false;
}

static int read_config(struct tl_agent_opts *o, const char *path)
{
	uint8_t *text = NULL;
	size_t len = 0;
	unsigned line = 0;
	int err = tl_file_read(path, TL_CONF_MAX_TEXT, &text, &len);

	if (err != TL_OK) {
		fprintf(stderr, "tl-agent: %s: %s\n", path,
			err == TL_E_FILE_TOO_LARGE ? "larger than 1 MiB"
			: err == TL_E_IO ? strerror(errno) : tl_err_msg(err));
		return err;
	}
	err = tl_conf_parse((struct tl_bytes){ text, len }, set_opt, o, &line);
	free(text);
	if (err != TL_OK)
		fprintf(stderr, "tl-agent: %s:%u: unknown option or bad value, or not "
			"'option = value'\n", path, line);
	return err;
}

/* Config file first, then flags over it; *cmd and *arg: the command and its operand. */
static int parse_args(int argc, char **argv, struct tl_agent_opts *o, const char **cmd,
		      const char **arg)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc && read_config(o, argv[++i]))
			return TL_AGENT_ERROR;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "help") == 0) {
			fputs(help, stdout);
			exit(0);
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--quiet") == 0) {
			o->quiet = true;
		} else if (strcmp(a, "--config") == 0) {
			i++;
		} else if (strncmp(a, "--", 2) == 0) {
			if (!v || !set_opt(o, a + 2, v)) {
				fprintf(stderr, "tl-agent: unknown option or bad value: %s %s\n"
					"(tl-agent --help lists them)\n", a, v ? v : "");
				return TL_AGENT_ERROR;
			}
			i++;
		} else if (!*cmd) {
			*cmd = a;
		} else if (!*arg) {
			*arg = a;
		} else {
			fprintf(stderr, "tl-agent: unexpected '%s' (tl-agent --help)\n", a);
			return TL_AGENT_ERROR;
		}
	}
	return 0;
}

/* The enrollment token from --enrollment-token-file, read when it is needed. */
const char *tl_agent_token(struct tl_agent_opts *o)
{
	static char tok[512];
	uint8_t *text = NULL;
	size_t len = 0;

	if (!token_file)
		return o->enrollment_token;
	if (tl_file_read(token_file, sizeof tok - 1, &text, &len) != TL_OK) {
		tl_agent_log(o, "warning", "%s: cannot read the enrollment token", token_file);
		return o->enrollment_token;
	}
	tl_agent_printable(tok, sizeof tok, (struct tl_bytes){ text, len });
	free(text);
	return o->enrollment_token = tok;
}

int main(int argc, char **argv)
{
	struct tl_agent_opts o = {
		.state_dir = TL_AGENT_STATE_DIR, .pcrs = TL_AGENT_PCRS,
		.ak_handle = TL_TPM_AK_HANDLE, .interval_s = 600, .timeout_s = 30,
	};
	const char *cmd = NULL, *arg = NULL;
	int rc;

	/* a peer that resets the connection must not kill the agent halfway through (OpenSSL
	 * writes without MSG_NOSIGNAL); writes report EPIPE instead */
	signal(SIGPIPE, SIG_IGN);
	/* tpm2-tss logs every failed command to stderr; the agent explains its own failures */
	setenv("TSS2_LOG", "all+none", 0);
	if ((rc = parse_args(argc, argv, &o, &cmd, &arg)) != 0)
		return rc;
	if (!cmd) {
		fputs(help, stderr);
		return TL_AGENT_ERROR;
	}
	return tl_agent_command(&o, cmd, arg);
}
