/* What a domain's XML says about its boot security (for enable-trusted-launch and the
 * inventory): UEFI or BIOS, the secure loader, a TPM, SMM, and the trustlaunch metadata.
 * The XML is libvirt's answer; libxml2 reads it (no network, no entity expansion). */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "host.h"

static bool any(xmlXPathContextPtr ctx, const char *expr)
{
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	bool yes = r && r->type == XPATH_BOOLEAN ? r->boolval
		   : r && r->nodesetval			? r->nodesetval->nodeNr > 0
							: false;
	xmlXPathFreeObject(r);
	return yes;
}

/* The string value of expr, cut to cap. */
static void text(xmlXPathContextPtr ctx, const char *expr, char *out, size_t cap)
{
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	const char *s = r && r->type == XPATH_STRING ? (const char *)r->stringval : NULL;

	out[0] = '\0';
	if (s && strlen(s) < cap)
		memcpy(out, s, strlen(s) + 1);
	xmlXPathFreeObject(r);
}

#define TL_META "/domain/metadata/*[local-name()='vm' and namespace-uri()='" TL_HOST_NS "']"

int tl_host_profile_read(const char *xml, struct tl_host_profile *p)
{
	size_t n = strlen(xml);
	xmlDocPtr doc = n <= TL_HOST_MAX_XML ? xmlReadMemory(xml, (int)n, "domain.xml", NULL,
							      XML_PARSE_NONET | XML_PARSE_NOERROR |
								      XML_PARSE_NOWARNING)
					     : NULL;
	xmlXPathContextPtr ctx = doc ? xmlXPathNewContext(doc) : NULL;
	char type[32];

	memset(p, 0, sizeof(*p));
	if (!ctx || !any(ctx, "/domain")) {
		xmlXPathFreeContext(ctx);
		xmlFreeDoc(doc);
		return TL_E_HOST_XML;
	}
	p->uefi = any(ctx, "/domain/os/loader[@type='pflash'] | /domain/os[@firmware='efi']");
	p->secure_loader = any(ctx, "/domain/os/loader[@secure='yes']");
	p->tpm = any(ctx, "/domain/devices/tpm");
	p->smm = any(ctx, "/domain/features/smm[not(@state='off')]");
	p->q35 = any(ctx, "/domain/os/type[contains(@machine, 'q35')]");
	p->trustlaunch = any(ctx, TL_META);
	text(ctx, "string(" TL_META "/*[local-name()='security-type'])", type, sizeof(type));
	p->tl_standard = p->trustlaunch && strcmp(type, "standard") == 0;
	text(ctx, "string(" TL_META "/*[local-name()='scale-set'])", p->scale_set,
	     sizeof(p->scale_set));
	text(ctx, "string(/domain/os/nvram)", p->nvram, sizeof(p->nvram));
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return TL_OK;
}
