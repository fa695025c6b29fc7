/* What a verifier accepts of a genuine SEV-SNP report: the guest policy, the VMPL the
 * report came from, and the platform's TCB against a configured minimum. */
#include <stdio.h>
#include <string.h>

#include "trustlaunch/snp.h"

const char *tl_snp_gen_name(enum tl_snp_gen gen)
{
	switch (gen) {
	case TL_SNP_GEN_MILAN:
		return "Milan";
	case TL_SNP_GEN_GENOA:
		return "Genoa";
	case TL_SNP_GEN_TURIN:
		return "Turin";
	default:
		return "unknown";
	}
}

void tl_snp_tcb_decode(uint64_t raw, enum tl_snp_gen gen, struct tl_snp_tcb *out)
{
	memset(out, 0, sizeof(*out));
	out->raw = raw;
	out->microcode = (uint8_t)(raw >> 56);
	if (gen == TL_SNP_GEN_TURIN) {
		out->fmc = (uint8_t)raw;
		out->boot_loader = (uint8_t)(raw >> 8);
		out->tee = (uint8_t)(raw >> 16);
		out->snp = (uint8_t)(raw >> 24);
	} else {
		out->boot_loader = (uint8_t)raw;
		out->tee = (uint8_t)(raw >> 8);
		out->snp = (uint8_t)(raw >> 48);
	}
}

static void say(char *detail, size_t n, const char *what, unsigned have, unsigned want)
{
	if (detail && n)
		snprintf(detail, n, "%s %u, minimum %u", what, have, want);
}

static int tcb_minimum(const struct tl_snp_tcb *t, const struct tl_snp_tcb *min, char *detail,
		       size_t n)
{
	const struct {
		const char *name;
		uint8_t have, want;
	} c[] = {
		{ "fmc", t->fmc, min->fmc },
		{ "boot_loader", t->boot_loader, min->boot_loader },
		{ "tee", t->tee, min->tee },
		{ "snp", t->snp, min->snp },
		{ "microcode", t->microcode, min->microcode },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (c[i].have < c[i].want) {
			say(detail, n, c[i].name, c[i].have, c[i].want);
			return TL_E_SNP_TCB_LOW;
		}
	return TL_OK;
}

int tl_snp_policy_check(const struct tl_snp_report *rep, enum tl_snp_gen gen,
			const struct tl_snp_policy_cfg *cfg, char *detail, size_t n)
{
	struct tl_snp_tcb tcb;

	if (detail && n)
		detail[0] = '\0';
	if (rep->policy.debug && !cfg->allow_debug)
		return TL_E_SNP_DEBUG;
	if (rep->policy.migrate_ma && !cfg->allow_migrate_ma)
		return TL_E_SNP_MIGRATE_MA;
	if (rep->policy.smt && cfg->forbid_smt)
		return TL_E_SNP_SMT;
	if (rep->vmpl > cfg->max_vmpl) {
		if (detail && n)
			snprintf(detail, n, "VMPL %u, at most %u allowed", rep->vmpl, cfg->max_vmpl);
		return TL_E_SNP_VMPL;
	}
	tl_snp_tcb_decode(rep->reported_tcb, gen, &tcb);
	return tcb_minimum(&tcb, &cfg->min_tcb, detail, n);
}

bool tl_snp_tcb_parse(const char *s, struct tl_snp_tcb *t)
{
	unsigned v[5] = { 0 };
	char tail;
	int n = sscanf(s, "%3u:%3u:%3u:%3u:%3u%c", &v[0], &v[1], &v[2], &v[3], &v[4], &tail);
	if ((n != 4 && n != 5) || v[0] > 255 || v[1] > 255 || v[2] > 255 || v[3] > 255 ||
	    v[4] > 255)
		return false;
	memset(t, 0, sizeof(*t));
	t->boot_loader = (uint8_t)v[0];
	t->tee = (uint8_t)v[1];
	t->snp = (uint8_t)v[2];
	t->microcode = (uint8_t)v[3];
	t->fmc = (uint8_t)v[4];
	return true;
}
