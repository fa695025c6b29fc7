/* libFuzzer target: libvirt domain XML as the host reads it (src/host/domain), for `tl vm
 * enable-trusted-launch` and tl-hostd alike: the one reader (profile.c: firmware, loader,
 * NVRAM, auto-selection features, TPM, SMM, the agent's channel, the console log, the
 * trustlaunch metadata) and the Trusted Launch edit (edit.c). The XML of a domain not made by
 * trustlaunch is the operator's; nothing in it may crash the reader, every string it yields
 * is bounded, a refusal leaves nothing behind, and an edited domain reads back as Trusted
 * Launch. (keys.c opens the files the XML names: the varstore it reads has fuzz_esl.) */
#include <stdlib.h>
#include <string.h>

#include "host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bounded(const char *s, size_t cap, bool nonempty)
{
	size_t n = strnlen(s, cap);
	if (n >= cap || (nonempty && n == 0))
		abort();
}

static void check(int err, const struct tl_host_profile *p)
{
	if (err != TL_OK) {
		if ((err != TL_E_HOST_XML && err != TL_E_HOST_XML_LIMIT && err != TL_E_NOMEM) ||
		    p->name[0] || p->uuid[0] || p->uefi || p->trustlaunch || p->tpm)
			abort();
		return;
	}
	bounded(p->uuid, sizeof(p->uuid), true);
	bounded(p->name, sizeof(p->name), true);
	bounded(p->tpm_model, sizeof(p->tpm_model), p->tpm);
	bounded(p->scale_set, sizeof(p->scale_set), false);
	bounded(p->nvram, sizeof(p->nvram), false);
	bounded(p->nvram_template, sizeof(p->nvram_template), false);
	bounded(p->agent_sock, sizeof(p->agent_sock), false);
	bounded(p->console_log, sizeof(p->console_log), false);
	if ((p->tl_standard || p->scale_set[0]) && !p->trustlaunch)
		abort();
	if ((p->tpm20 || p->tpm_model[0]) && !p->tpm)
		abort();
	if ((p->nvram[0] && !p->uefi) || p->keys_enrolled)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_host_profile *p = malloc(sizeof(*p)), *q = malloc(sizeof(*q));
	char *xml = malloc(size + 1), *out = NULL;
	int err;

	if (!xml || !p || !q)
		goto done;
	memcpy(xml, data, size);
	xml[size] = '\0';
	check(err = tl_host_profile_read(xml, p), p);
	if (tl_host_domain_enable_tl(xml, "00000000-0000-0000-0000-000000000000", &out) ==
		    TL_OK &&
	    err == TL_OK && strlen(out) <= TL_HOST_MAX_DOMAIN_XML) {
		if (tl_host_profile_read(out, q) != TL_OK || !q->secure_loader || !q->smm ||
		    !q->tpm || !q->uefi || strcmp(p->uuid, q->uuid) != 0 ||
		    strcmp(p->name, q->name) != 0)
			abort();
	}
done:
	free(out);
	free(xml);
	free(p);
	free(q);
	return 0;
}
