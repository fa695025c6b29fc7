/* Opening and closing the agent's TPM; how calls are retried and failures explained. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "tpm_internal.h"

#define TPM_MAX_ATTEMPTS 8u
#define TPM_FIRST_DELAY_MS 20u

bool tl_tpm_again(TSS2_RC rc, unsigned attempt)
{
	TSS2_RC base = rc & 0xffffu; /* a resource manager adds its layer above */

	if (base != TPM2_RC_RETRY && base != TPM2_RC_YIELDED && base != TPM2_RC_TESTING)
		return false;
	if (attempt + 1 >= TPM_MAX_ATTEMPTS)
		return false;
	unsigned ms = TPM_FIRST_DELAY_MS << attempt; /* 20 ms .. 1.3 s: a self-test ends */
	struct timespec ts = { .tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	return true;
}

int tl_tpm_say(struct tl_tpm *tpm, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tpm->why, sizeof tpm->why, fmt, ap);
	va_end(ap);
	return err;
}

int tl_tpm_fail(struct tl_tpm *tpm, const char *what, TSS2_RC rc)
{
	return tl_tpm_say(tpm, TL_E_TPM, "%s: %s (0x%x)", what, Tss2_RC_Decode(rc), (unsigned)rc);
}

bool tl_tpm_rc_absent(TSS2_RC rc)
{
	TSS2_RC base = rc & 0xffffu;

	/* format-one TPM_RC_HANDLE, with any handle number in bits 8-10 */
	return (base & TPM2_RC_FMT1) && (base & 0x3fu) == (TPM2_RC_HANDLE & 0x3fu);
}

/* Which TCTI to use when none was named: the resource manager, else the raw device (we flush
 * what we load ourselves), else a clear "no TPM". */
static int default_tcti(char *out, size_t cap, char why[static TL_TPM_WHY])
{
	if (access("/dev/tpmrm0", R_OK | W_OK) == 0) {
		snprintf(out, cap, "%s", TL_TPM_DEFAULT_TCTI);
		return TL_OK;
	}
	/* the raw device only when the kernel has no resource manager at all (not when it is
	 * merely closed to us: the raw device would bypass the sharing it provides) */
	if (access("/dev/tpmrm0", F_OK) != 0 && access("/dev/tpm0", R_OK | W_OK) == 0) {
		snprintf(out, cap, "device:/dev/tpm0");
		return TL_OK;
	}
	if (access("/dev/tpmrm0", F_OK) == 0 || access("/dev/tpm0", F_OK) == 0) {
		snprintf(why, TL_TPM_WHY, "the TPM device exists but this user may not open it "
			 "(/dev/tpmrm0: group tss; run the agent as root or in group tss)");
		return TL_E_TPM_ABSENT;
	}
	snprintf(why, TL_TPM_WHY,
		 "no TPM: neither /dev/tpmrm0 nor /dev/tpm0 exists. Start the VM with a vTPM "
		 "(libvirt: <tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>; "
		 "QEMU: -chardev socket,id=chrtpm,path=SWTPM.sock -tpmdev emulator,id=tpm0,"
		 "chardev=chrtpm -device tpm-crb,tpmdev=tpm0), or name one with --tcti");
	return TL_E_TPM_ABSENT;
}

/* A named device TCTI whose node is missing is "no TPM", not a TSS error. */
static int check_device(const char *conf, char why[static TL_TPM_WHY])
{
	const char *path = conf + strlen("device");

	if (*path == ':')
		path++;
	if (!*path)
		path = "/dev/tpmrm0";
	if (access(path, F_OK) != 0) {
		snprintf(why, TL_TPM_WHY, "no TPM at %s (%s); name another with --tcti", path,
			 strerror(errno));
		return TL_E_TPM_ABSENT;
	}
	return TL_OK;
}

static int start(struct tl_tpm *t, const char *conf)
{
	TSS2_RC rc = Tss2_TctiLdr_Initialize(conf, &t->tcti);

	if (rc != TSS2_RC_SUCCESS)
		return tl_tpm_say(t, TL_E_TPM_ABSENT, "TCTI '%s' could not be opened: %s", conf,
				  Tss2_RC_Decode(rc));
	rc = Esys_Initialize(&t->esys, t->tcti, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tl_tpm_fail(t, "ESAPI initialisation", rc);
	if (!t->device) {
		/* a simulator may be powered on but not started; a started one says INITIALIZE */
		rc = Esys_Startup(t->esys, TPM2_SU_CLEAR);
		if (rc != TSS2_RC_SUCCESS && (rc & 0xffffu) != TPM2_RC_INITIALIZE)
			return tl_tpm_fail(t, "TPM2_Startup", rc);
	}
	return TL_OK;
}

int tl_tpm_open(const char *tcti, struct tl_tpm **out, char why[static TL_TPM_WHY])
{
	char conf[256];
	struct tl_tpm *t = NULL;
	int err;

	*out = NULL;
	why[0] = '\0';
	if (tcti && *tcti) {
		if (strlen(tcti) >= sizeof conf) {
			snprintf(why, TL_TPM_WHY, "the TCTI configuration is too long");
			return TL_E_ARG;
		}
		snprintf(conf, sizeof conf, "%s", tcti);
	} else if ((err = default_tcti(conf, sizeof conf, why)) != TL_OK) {
		return err;
	}
	bool device = strncmp(conf, "device", 6) == 0 && (conf[6] == ':' || !conf[6]);
	if (device && (err = check_device(conf, why)) != TL_OK)
		return err;
	if (!(t = calloc(1, sizeof *t)))
		return TL_E_NOMEM;
	t->device = device;
	t->ek[0] = t->ek[1] = t->ak = ESYS_TR_NONE;
	if ((err = start(t, conf)) != TL_OK) {
		snprintf(why, TL_TPM_WHY, "%s", t->why);
		tl_tpm_close(t);
		return err;
	}
	*out = t;
	return TL_OK;
}

void tl_tpm_ek_release(struct tl_tpm *tpm)
{
	for (int i = 0; i < 2; i++) {
		if (tpm->ek[i] == ESYS_TR_NONE)
			continue;
		if (tpm->ek_transient[i])
			(void)Esys_FlushContext(tpm->esys, tpm->ek[i]);
		else
			(void)Esys_TR_Close(tpm->esys, &tpm->ek[i]);
		tpm->ek[i] = ESYS_TR_NONE;
		tpm->ek_transient[i] = false;
	}
}

void tl_tpm_close(struct tl_tpm *tpm)
{
	if (!tpm)
		return;
	if (tpm->esys) {
		tl_tpm_ek_release(tpm);
		Esys_Finalize(&tpm->esys);
	}
	if (tpm->tcti)
		Tss2_TctiLdr_Finalize(&tpm->tcti);
	free(tpm);
}

const char *tl_tpm_why(const struct tl_tpm *tpm)
{
	return tpm->why[0] ? tpm->why : "no explanation";
}

bool tl_tpm_is_device(const struct tl_tpm *tpm)
{
	return tpm->device;
}
