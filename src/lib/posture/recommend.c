/* The three recommendations of the source documents (docs/posture.md), each of low severity:
 * - secure-boot: the VM could have Secure Boot (its size and OS support Trusted Launch, or it
 *   is confidential) and it is off, in its profile or as its latest attested boot shows;
 * - vtpm: the VM could have a vTPM and it is off (not for confidential VMs: their vTPM is
 *   part of them);
 * - guest-attestation: Secure Boot and vTPM are on, but the agent never enrolled, or has not
 *   attested within the staleness window;
 * - revocations-current: the latest attested boot's dbx or SbatLevel lacks revocations of the
 *   operator's current lists, or it booted code they revoke (recommend_revocations.c).
 * A VM whose size or OS cannot have Trusted Launch gets none of them (not applicable). */
#include <stdio.h>
#include <string.h>

#include "trustlaunch/posture.h"

static const struct tl_rec_def defs[TL_REC_COUNT] = {
	{ TL_REC_SECURE_BOOT, "secure-boot", "Secure Boot should be enabled on supported VMs",
	  "Secure Boot lets only signed boot loaders, kernels and drivers start, a root of trust "
	  "against rootkits and bootkits. This VM supports it, and it is off.",
	  "on its libvirt host: tl vm stop DOMAIN; tl vm enable-trusted-launch DOMAIN (secure "
	  "loader with Microsoft's keys, SMM, an encrypted vTPM); tl vm start DOMAIN (DOMAIN: "
	  "host.domain of GET /v1/vms/{vm}). Elsewhere: turn it on in the hypervisor, record it "
	  "with tl vm update {vm} --secure-boot on (PATCH /v1/vms/{vm} {\"secure_boot\": true}), "
	  "then restart the VM" },
	{ TL_REC_VTPM, "vtpm", "vTPM should be enabled on supported VMs",
	  "A vTPM measures the whole boot chain and lets the service attest it remotely. This VM "
	  "supports one, and it is off.",
	  "on its libvirt host: tl vm stop DOMAIN; tl vm enable-trusted-launch DOMAIN; tl vm "
	  "start DOMAIN (DOMAIN: host.domain of GET /v1/vms/{vm}). Elsewhere: add it in the "
	  "hypervisor, record it with tl vm update {vm} --vtpm on (PATCH /v1/vms/{vm} "
	  "{\"vtpm\": true}), then restart the VM" },
	{ TL_REC_GUEST_ATTESTATION, "guest-attestation",
	  "The guest attestation agent should be installed on supported VMs",
	  "With Secure Boot and a vTPM on, the guest attestation agent lets the service prove the "
	  "VM's boot integrity and watch it. It is not installed, or has stopped reporting.",
	  "tl vm enrollment-token {vm} > token; in the guest: tl-agent --server URL --vm-id {vm} "
	  "--enrollment-token-file token enroll && systemctl enable --now tl-agent" },
	{ TL_REC_REVOCATIONS, "revocations-current",
	  "Secure Boot revocation lists should be up to date",
	  "The VM's Secure Boot forbidden-signature database (dbx) or shim's SbatLevel lacks "
	  "revocations of the current lists (BootHole, BlackLotus, ...), or it booted code they "
	  "revoke: known-vulnerable boot loaders could start on it.",
	  "on the host: tl vm update-dbx {vm} (applies the signed dbx update), or in the guest: "
	  "fwupdmgr update / a current shim package; then restart the VM" },
};

const struct tl_rec_def *tl_rec_def(enum tl_rec_id id)
{
	return (unsigned)id < TL_REC_COUNT ? &defs[id] : NULL;
}

enum tl_rec_id tl_rec_parse(const char *slug)
{
	for (unsigned i = 0; slug && i < TL_REC_COUNT; i++)
		if (strcmp(defs[i].slug, slug) == 0)
			return (enum tl_rec_id)i;
	return TL_REC_COUNT;
}

const char *tl_status_name(enum tl_status s)
{
	return s == TL_STATUS_HEALTHY ? "healthy" : s == TL_STATUS_UNHEALTHY ? "unhealthy"
									  : "not_applicable";
}

/* Could this VM have Trusted Launch's features at all? */
static bool capable(const struct tl_posture_vm *vm)
{
	if (vm->type == TL_SECTYPE_CONFIDENTIAL)
		return true;
	return vm->os_supported &&
	       (vm->size == TL_CAT_SUPPORTED || vm->size == TL_CAT_CONFIDENTIAL);
}

static enum tl_status say(enum tl_status s, char *why, size_t cap, const char *text)
{
	if (cap)
		snprintf(why, cap, "%s", text);
	return s;
}

static enum tl_status agent(const struct tl_posture_vm *vm, int64_t now, int64_t stale_after,
			    char *why, size_t cap)
{
	if (!vm->enrolled)
		return say(TL_STATUS_UNHEALTHY, why, cap, "the agent never enrolled");
	if (vm->attested && now - vm->attested_at <= stale_after)
		return say(TL_STATUS_HEALTHY, why, cap, "the agent attests");
	if (!vm->attested && now - vm->enrolled_at <= stale_after)
		return say(TL_STATUS_HEALTHY, why, cap, "the agent enrolled; no attestation yet");
	return say(TL_STATUS_UNHEALTHY, why, cap, "the agent stopped reporting");
}

enum tl_status tl_rec_status(const struct tl_posture_vm *vm, enum tl_rec_id id, int64_t now,
			     int64_t stale_after, char *why, size_t cap)
{
	bool sb_off = !vm->secure_boot || vm->attested_secure_boot == 0;
	if (!capable(vm))
		return say(TL_STATUS_NOT_APPLICABLE, why, cap,
			   "its size or OS cannot have Trusted Launch");
	switch (id) {
	case TL_REC_SECURE_BOOT:
		if (!sb_off)
			return say(TL_STATUS_HEALTHY, why, cap, "Secure Boot is on");
		return say(TL_STATUS_UNHEALTHY, why, cap,
			   vm->secure_boot ? "Secure Boot was off in its latest attested boot"
					   : "Secure Boot is off in its profile");
	case TL_REC_VTPM:
		if (vm->type == TL_SECTYPE_CONFIDENTIAL)
			return say(TL_STATUS_NOT_APPLICABLE, why, cap,
				   "a confidential VM's vTPM is part of it");
		return vm->vtpm ? say(TL_STATUS_HEALTHY, why, cap, "vTPM is on")
				: say(TL_STATUS_UNHEALTHY, why, cap, "vTPM is off");
	case TL_REC_REVOCATIONS:
		return say(vm->revocations.status, why, cap, vm->revocations.why);
	case TL_REC_GUEST_ATTESTATION:
		if (sb_off || !vm->vtpm)
			return say(TL_STATUS_NOT_APPLICABLE, why, cap,
				   "Secure Boot and vTPM must be on first");
		return agent(vm, now, stale_after, why, cap);
	default:
		return say(TL_STATUS_NOT_APPLICABLE, why, cap, "no such recommendation");
	}
}
