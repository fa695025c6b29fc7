/* libFuzzer target: catalog files (src/lib/catalog). The input is loaded over the shipped
 * catalog's shape as an overlay; a refused file changes nothing, and every size and OS the
 * input might name resolves to a family the catalog holds, or to none. */
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sizes[] = { "Standard_D2s_v5", "Standard_E4ads_v5", "kvm.small", "B",
				     "Standard_NC24ads_A100_v4", "Standard_E4-2s_v5", "Gp", "" };

static void decide(const struct tl_catalog *c)
{
	struct tl_cat_decision d;
	struct tl_vm_profile vm = { "Standard_D2_v3", "debian-12", TL_SECTYPE_STANDARD,
				    false, false, false, false };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct tl_vm_request req = { sizes[i], "fedora-40", TL_SECTYPE_UNSET, -1, -1, false };
		struct tl_size_info s;
		tl_catalog_size(c, sizes[i], &s);
		if ((s.support == TL_CAT_UNKNOWN) != (s.family[0] == '\0'))
			abort();
		tl_catalog_decide_create(c, &req, &d);
		if (d.rule == TL_RULE_OK && d.type == TL_SECTYPE_TRUSTED_LAUNCH &&
		    d.size.support != TL_CAT_SUPPORTED)
			abort(); /* Trusted Launch only where the catalog says it can be */
		req.type = TL_SECTYPE_TRUSTED_LAUNCH;
		tl_catalog_decide_update(c, &vm, &req, &d);
		free(tl_cat_decision_json(c, &d));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_catalog *c;
	struct tl_catalog_diag diag;
	char *before, *after;
	if (tl_catalog_new(&c) != TL_OK)
		return 0;
	if (tl_catalog_load(c, (struct tl_bytes){ data, size }, &diag) == TL_OK) {
		before = tl_catalog_dump(c);
		/* a second time as an overlay: either taken, or nothing changes */
		if (tl_catalog_load(c, (struct tl_bytes){ data, size }, &diag) != TL_OK) {
			after = tl_catalog_dump(c);
			if (before && after && strcmp(before, after) != 0)
				abort();
			free(after);
		}
		free(before);
		decide(c);
	}
	tl_catalog_free(c);
	return 0;
}
