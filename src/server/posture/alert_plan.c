/* The seed's alerts (docs/posture.md):
 * - attestation_failure, medium: an unhealthy verdict, its reasons in classes: the attested
 *   information deviates from the trusted baseline; the quote's origin could not be verified
 *   as the VM's vTPM (for a confidential VM also: its SEV-SNP evidence, which places the vTPM
 *   inside the hardware-isolated guest, did not verify); Secure Boot is disabled. A healthy
 *   verdict resolves it.
 * - untrusted_kernel_module, low: a module failed signature verification and was not loaded
 *   (medium when the kernel loaded it anyway, tainted).
 * The classes are read from the typed verdict; the codes (the API's reason codes) are the
 * de-duplication key and what suppression rules name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_plan.h"
#include "api.h"

#define ORIGIN                                                                              \
	(TL_CHECK_BIT(TL_CHECK_IDENTITY_ORIGIN) | TL_CHECK_BIT(TL_CHECK_QUOTE_NOT_QUOTE) |    \
	 TL_CHECK_BIT(TL_CHECK_QUOTE_NONCE))
#define SECURE_BOOT TL_CHECK_BIT(TL_CHECK_SECUREBOOT_DISABLED)
#define SNP TL_CHECKS_SNP

static const char failure_fix[] =
	"Compare the reasons' expected and actual values with the change you expect. A change "
	"you made (an update, a new kernel command line): relearn the baseline (tl baseline "
	"relearn VM). A change you did not make: isolate the VM and investigate its boot chain. "
	"A quote whose origin could not be verified: check what sits between the VM and its vTPM. "
	"A confidential VM's SEV-SNP evidence refused: the reason's detail names the check (a "
	"debug policy, VMPL, TCB, a VCEK not from the configured AMD roots, a vTPM key the "
	"report does not name); redeploy it with the expected policy on patched hosts. "
	"A VM that must run without Secure Boot: suppress the alert (tl suppressions create).";

static const char module_fix[] =
	"Which kernel module failed, and do you know it and expect it to load? Is it the right "
	"version of the driver, are its files intact? If it is a third party's, did the vendor "
	"pass the operating system's compatibility tests when signing it? Sign it with a key the "
	"VM trusts (MOK), replace it, or remove what loads it.";

void tl_alerts_job_free(struct tl_alerts_job *job)
{
	for (size_t i = 0; i < job->nowned; i++)
		free(job->owned[i]);
	memset(job, 0, sizeof(*job));
}

static const char *own(struct tl_alerts_job *job, char *s)
{
	if (!s)
		return NULL;
	if (job->nowned >= sizeof(job->owned) / sizeof(job->owned[0])) {
		free(s);
		return NULL;
	}
	return job->owned[job->nowned++] = s;
}

static int compare_codes(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct reason codes, sorted: the cause, and the codes suppression rules match. */
static int codes(struct tl_alerts_job *job, struct tl_alert_new *a, json_t *reasons)
{
	const char *list[16];
	size_t n = 0, i;
	json_t *r;
	char cause[600] = "";
	json_array_foreach(reasons, i, r) {
		const char *c = json_string_value(json_object_get(r, "code"));
		bool seen = false;
		for (size_t k = 0; c && k < n; k++)
			seen = seen || strcmp(list[k], c) == 0;
		if (c && !seen && n < 15)
			list[n++] = c;
	}
	qsort(list, n, sizeof(list[0]), compare_codes);
	for (i = 0; i < n; i++) {
		size_t len = strlen(cause);
		snprintf(cause + len, sizeof(cause) - len, "%s%s", i ? "," : "", list[i]);
		if (!(a->codes[i] = own(job, strdup(list[i]))))
			return TL_E_NOMEM;
	}
	a->codes[n] = NULL;
	return (a->cause = own(job, strdup(n ? cause : "unexplained"))) ? TL_OK : TL_E_NOMEM;
}

static const char *classes(uint32_t failed, char *out, size_t cap)
{
	snprintf(out, cap, "The attestation failed:%s%s%s%s",
		 failed & ~(ORIGIN | SECURE_BOOT | SNP)
			 ? " the attested information, boot log included, deviates from the "
			   "trusted baseline (untrusted modules may have been loaded, the OS may be "
			   "compromised);"
			 : "",
		 failed & ORIGIN ? " the quote's origin could not be verified as this VM's vTPM "
				   "(something may intercept traffic to the vTPM);"
				 : "",
		 failed & SNP ? " the confidential VM's SEV-SNP evidence did not verify: its vTPM "
				"is not proven to run inside a genuine, non-debuggable SEV-SNP guest "
				"(the quote's origin could not be verified);"
			      : "",
		 failed & SECURE_BOOT ? " Secure Boot is disabled;" : "");
	return out;
}

static int failure(struct tl_alerts_job *job, const struct tl_verdict *v, json_t *reasons)
{
	struct tl_alert_new *a = &job->plan.add[job->plan.n];
	char desc[900];
	if (tl_api_uuid(a->id) != TL_OK)
		return TL_E_CRYPTO;
	a->type = "attestation_failure";
	a->severity = "medium";
	a->title = v->failed & SNP ? "Attestation failed: confidential VM evidence not verified"
		   : v->failed & ORIGIN ? "Attestation failed: quote origin not verified"
		   : v->failed & SECURE_BOOT ? "Attestation failed: Secure Boot disabled"
					     : "Attestation failed: boot deviates from the baseline";
	a->remediation = failure_fix;
	if (!(a->description = own(job, strdup(classes(v->failed, desc, sizeof(desc))))) ||
	    !(a->reasons = own(job, json_dumps(reasons, JSON_COMPACT))))
		return TL_E_NOMEM;
	job->plan.n++;
	return codes(job, a, reasons);
}

static int module(struct tl_alerts_job *job, json_t *e)
{
	struct tl_alert_new *a = &job->plan.add[job->plan.n];
	const char *type = json_string_value(json_object_get(e, "type"));
	const char *name = json_string_value(json_object_get(e, "module"));
	const char *why = json_string_value(json_object_get(e, "reason"));
	const char *when = json_string_value(json_object_get(e, "time"));
	bool loaded = type && strcmp(type, "module_unsigned") == 0;
	char desc[600];
	json_t *r;
	if (!type || !name || tl_api_uuid(a->id) != TL_OK)
		return TL_OK;
	snprintf(desc, sizeof(desc), "The kernel module %s %s: %s%s%s.", name,
		 loaded ? "was loaded without a trusted signature (the kernel is tainted)"
			: "failed signature verification and was not loaded",
		 why ? why : type, when ? ", at " : "", when ? when : "");
	r = json_pack("[{s:s,s:s,s:s}]", "code", type, "message", desc, "component", name);
	a->type = "untrusted_kernel_module";
	a->severity = loaded ? "medium" : "low";
	a->title = loaded ? "Kernel module loaded without a trusted signature"
			  : "Untrusted kernel module blocked";
	a->remediation = module_fix;
	a->codes[0] = own(job, strdup(type));
	a->codes[1] = NULL;
	a->description = own(job, strdup(desc));
	a->module = own(job, strdup(name));
	a->cause = a->module;
	a->reasons = own(job, r ? json_dumps(r, JSON_COMPACT) : NULL);
	json_decref(r);
	if (!a->codes[0] || !a->description || !a->module || !a->reasons)
		return TL_E_NOMEM;
	job->plan.n++;
	return TL_OK;
}

int tl_alerts_plan(struct tl_alerts_job *job, const struct tl_verdict *v, json_t *reasons,
		   json_t *kernel_events)
{
	size_t i;
	json_t *e;
	int err = TL_OK;
	memset(job, 0, sizeof(*job));
	job->plan.resolve_failure = v->healthy;
	if (!v->healthy)
		err = failure(job, v, reasons);
	json_array_foreach(kernel_events, i, e) {
		if (err != TL_OK || job->plan.n >= TL_ALERTS_PER_ATTESTATION)
			break;
		err = module(job, e);
	}
	if (err != TL_OK)
		tl_alerts_job_free(job);
	return err;
}
