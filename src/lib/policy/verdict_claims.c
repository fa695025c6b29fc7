/* The token claims a verdict supports (docs/tokens.md), decided from its typed result. */
#include <string.h>

#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/verdict.h"

static json_t *pcr_list(uint32_t mask)
{
	json_t *a = json_array();
	for (unsigned i = 0; a && i < TL_NUM_PCRS; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_integer(i));
	return a;
}

/* A key store was measured (its facts are not null), no rule of the log was broken, and it
 * matches the baseline: its own component, not one whose name it begins (db is not dbx). */
static bool validated(const struct tl_verdict *v, json_t *sb, const char *key,
		      enum tl_component c)
{
	return sb && !json_is_null(json_object_get(sb, key)) && !(v->failed & TL_CHECKS_LOG) &&
	       !tl_verdict_differs(v, c);
}

json_t *tl_verdict_claims(const struct tl_verdict *v)
{
	char digest[2 * TL_SHA256_LEN + 1] = "";
	json_t *sb = json_object_get(v->facts, "secureboot");
	const char *cmdline = json_string_value(json_object_get(v->facts, "kernel_cmdline"));
	uint8_t h[TL_MAX_DIGEST];

	json_t *c, *extra;

	if (cmdline && tl_hash(TL_ALG_SHA256, cmdline, strlen(cmdline), h) == TL_OK)
		tl_hex(h, TL_SHA256_LEN, digest);
	c = json_pack("{s:s,s:b,s:o,s:b,s:b,s:o}", "verdict",
			 v->healthy ? "healthy" : "unhealthy", "secure_boot",
			 json_is_true(json_object_get(sb, "enabled")), "pcrs",
			 pcr_list(v->quoted_pcrs), "db_validated",
			 validated(v, sb, "db", TL_COMP_SB_DB), "dbx_validated",
			 validated(v, sb, "dbx", TL_COMP_SB_DBX), "kernel_cmdline_sha256",
			 digest[0] ? json_string(digest) : json_null());
	/* a Windows boot's settings, from the facts of the PCRs the quote vouches for */
	if (c && json_is_object(json_object_get(v->facts, "windows")) &&
	    (!(extra = tl_facts_windows_claims(v->facts)) ||
	     json_object_set_new(c, "windows", extra) != 0))
		json_decref(c), c = NULL;
	/* a confidential VM's hardware, only when all of its evidence verified */
	if (c && v->cvm && v->cvm_ok &&
	    (!(extra = tl_verdict_snp_claims(v->cvm)) || json_object_set_new(c, "snp", extra) != 0))
		json_decref(c), c = NULL;
	return c;
}
