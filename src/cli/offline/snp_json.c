/* An SEV-SNP report and its VCEK/VLEK as JSON, for `tl snp verify` and `tl cvm verify`. */
#include <stdio.h>
#include <string.h>

#include "snpcli.h"
#include "trustlaunch/hash.h"

#define PLATFORM_SMT_EN 0x1ull
#define PLATFORM_TSME_EN 0x2ull
#define PLATFORM_ECC_EN 0x4ull
#define PLATFORM_RAPL_DIS 0x8ull
#define PLATFORM_CIPHERTEXT_HIDING_EN 0x10ull
#define PLATFORM_ALIAS_CHECK_COMPLETE 0x20ull

static json_t *hex(const uint8_t *b, size_t n)
{
	char s[2 * 64 + 1];
	if (n > 64)
		return json_null();
	tl_hex(b, n, s);
	return json_string(s);
}

static json_t *tcb(uint64_t raw, enum tl_snp_gen gen)
{
	struct tl_snp_tcb t;
	char r[17];
	tl_snp_tcb_decode(raw, gen, &t);
	snprintf(r, sizeof(r), "%016llx", (unsigned long long)raw);
	json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:i}", "raw", r, "boot_loader", t.boot_loader,
			      "tee", t.tee, "snp", t.snp, "microcode", t.microcode);
	if (o && gen == TL_SNP_GEN_TURIN)
		json_object_set_new(o, "fmc", json_integer(t.fmc));
	return o;
}

static json_t *policy(const struct tl_snp_policy *p)
{
	char raw[17];
	snprintf(raw, sizeof(raw), "%016llx", (unsigned long long)p->raw);
	return json_pack("{s:s, s:i, s:i, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "raw", raw,
			 "abi_major", p->abi_major, "abi_minor", p->abi_minor, "smt", p->smt,
			 "migrate_ma", p->migrate_ma, "debug", p->debug, "single_socket",
			 p->single_socket, "cxl_allow", p->cxl_allow, "mem_aes_256_xts",
			 p->mem_aes_256_xts, "rapl_dis", p->rapl_dis, "ciphertext_hiding",
			 p->ciphertext_hiding, "page_swap_disable", p->page_swap_disable);
}

static json_t *platform(uint64_t v)
{
	return json_pack("{s:I, s:b, s:b, s:b, s:b, s:b, s:b}", "raw", (json_int_t)v, "smt_enabled",
			 (v & PLATFORM_SMT_EN) != 0, "tsme_enabled", (v & PLATFORM_TSME_EN) != 0,
			 "ecc_enabled", (v & PLATFORM_ECC_EN) != 0, "rapl_disabled",
			 (v & PLATFORM_RAPL_DIS) != 0, "ciphertext_hiding_enabled",
			 (v & PLATFORM_CIPHERTEXT_HIDING_EN) != 0, "alias_check_complete",
			 (v & PLATFORM_ALIAS_CHECK_COMPLETE) != 0);
}

static const char *key_name(uint8_t k)
{
	return k == TL_SNP_KEY_VCEK ? "vcek" : k == TL_SNP_KEY_VLEK ? "vlek" : "none";
}

static void digests(json_t *o, const struct tl_snp_report *r)
{
	json_object_set_new(o, "family_id", hex(r->family_id, sizeof(r->family_id)));
	json_object_set_new(o, "image_id", hex(r->image_id, sizeof(r->image_id)));
	json_object_set_new(o, "report_data", hex(r->report_data, sizeof(r->report_data)));
	json_object_set_new(o, "measurement", hex(r->measurement, sizeof(r->measurement)));
	json_object_set_new(o, "host_data", hex(r->host_data, sizeof(r->host_data)));
	json_object_set_new(o, "id_key_digest", hex(r->id_key_digest, sizeof(r->id_key_digest)));
	json_object_set_new(o, "author_key_digest",
			    hex(r->author_key_digest, sizeof(r->author_key_digest)));
	json_object_set_new(o, "report_id", hex(r->report_id, sizeof(r->report_id)));
	json_object_set_new(o, "report_id_ma", hex(r->report_id_ma, sizeof(r->report_id_ma)));
	json_object_set_new(o, "chip_id", hex(r->chip_id, sizeof(r->chip_id)));
}

json_t *tl_snp_cli_report_json(const struct tl_snp_report *r, enum tl_snp_gen gen)
{
	json_t *o = json_object();
	char fw[32];
	json_object_set_new(o, "version", json_integer(r->version));
	json_object_set_new(o, "guest_svn", json_integer(r->guest_svn));
	json_object_set_new(o, "policy", policy(&r->policy));
	json_object_set_new(o, "vmpl", json_integer(r->vmpl));
	json_object_set_new(o, "signing_key", json_string(key_name(r->signing_key)));
	json_object_set_new(o, "author_key_en", json_boolean(r->author_key_en));
	json_object_set_new(o, "mask_chip_key", json_boolean(r->mask_chip_key));
	json_object_set_new(o, "platform_info", platform(r->platform_info));
	digests(o, r);
	json_object_set_new(o, "current_tcb", tcb(r->current_tcb, gen));
	json_object_set_new(o, "reported_tcb", tcb(r->reported_tcb, gen));
	json_object_set_new(o, "committed_tcb", tcb(r->committed_tcb, gen));
	json_object_set_new(o, "launch_tcb", tcb(r->launch_tcb, gen));
	snprintf(fw, sizeof(fw), "%u.%u.%u", r->current_major, r->current_minor, r->current_build);
	json_object_set_new(o, "current_firmware", json_string(fw));
	snprintf(fw, sizeof(fw), "%u.%u.%u", r->committed_major, r->committed_minor,
		 r->committed_build);
	json_object_set_new(o, "committed_firmware", json_string(fw));
	if (r->version >= 3)
		json_object_set_new(o, "cpuid", json_pack("{s:i, s:i, s:i}", "family", r->cpuid_fam_id,
							  "model", r->cpuid_mod_id, "stepping",
							  r->cpuid_step));
	if (r->version >= 5) {
		json_object_set_new(o, "launch_mit_vector", json_integer((json_int_t)r->launch_mit_vector));
		json_object_set_new(o, "current_mit_vector",
				    json_integer((json_int_t)r->current_mit_vector));
	}
	return o;
}

json_t *tl_snp_cli_cert_json(const struct tl_snp_cert_info *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(c->kind == TL_SNP_KEY_VLEK ? "vlek" : "vcek"));
	json_object_set_new(o, "generation", json_string(tl_snp_gen_name(c->gen)));
	json_object_set_new(o, "product", json_string(c->product));
	json_object_set_new(o, "subject_cn", json_string(c->subject_cn));
	json_object_set_new(o, "issuer_cn", json_string(c->issuer_cn));
	json_object_set_new(o, "tcb", tcb(c->tcb.raw, c->gen));
	if (c->hwid_len)
		json_object_set_new(o, "hwid", hex(c->hwid, c->hwid_len));
	return o;
}
