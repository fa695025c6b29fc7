/* What a libvirt domain's XML says (host.h, struct tl_host_profile): the one reader of it,
 * for `tl vm enable-trusted-launch` and tl-hostd. The XML is libvirtd's answer, but names,
 * paths and metadata in it are whatever an operator (or a tool of theirs) wrote: libxml2
 * reads it without network, DTD or entity expansion (domxml.h), XPath picks the fields, and
 * every value is copied whole or refused. */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "host.h"
#include "domain/domxml.h"

int tl_host_domxml_parse(const char *xml, xmlDocPtr *doc)
{
	size_t n = strnlen(xml, TL_HOST_MAX_DOMAIN_XML + 1);
	xmlDocPtr d;

	*doc = NULL;
	if (n > TL_HOST_MAX_DOMAIN_XML)
		return TL_E_HOST_XML_LIMIT;
	if (n == 0)
		return TL_E_HOST_XML;
	d = xmlReadMemory(xml, (int)n, "domain.xml", NULL,
			  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!d || d->intSubset || d->extSubset || !xmlDocGetRootElement(d)) {
		xmlFreeDoc(d);
		return TL_E_HOST_XML;
	}
	*doc = d;
	return TL_OK;
}

/* XPath over one document; the first error sticks (as in tl_buf). */
struct xq {
	xmlXPathContextPtr x;
	int err;
};

/* The result of expr, or NULL after setting q->err (none is evaluated after an error). */
static xmlXPathObjectPtr eval(struct xq *q, const char *expr)
{
	xmlXPathObjectPtr r = q->err ? NULL : xmlXPathEvalExpression((const xmlChar *)expr, q->x);

	if (!r && !q->err)
		q->err = TL_E_NOMEM; /* the expressions are constants: only memory fails */
	return r;
}

static bool is(struct xq *q, const char *expr)
{
	xmlXPathObjectPtr r = eval(q, expr);
	bool yes = r && r->type == XPATH_BOOLEAN && r->boolval;

	xmlXPathFreeObject(r);
	return yes;
}

/* The string value of expr ("" when it selects nothing) into out, whole or not at all. */
static void text(struct xq *q, const char *expr, char *out, size_t cap)
{
	xmlXPathObjectPtr r = eval(q, expr);
	const char *s = r && r->type == XPATH_STRING && r->stringval ? (const char *)r->stringval
								    : "";
	out[0] = '\0';
	if (r && strnlen(s, cap) >= cap)
		q->err = TL_E_HOST_XML_LIMIT;
	else if (r)
		snprintf(out, cap, "%s", s);
	xmlXPathFreeObject(r);
}

/* UEFI or BIOS, the loader, NVRAM and firmware auto-selection's features. An inactive
 * domain may say firmware='efi' (libvirt picks the loader at start) or name a pflash loader;
 * libvirt refuses an <nvram> without either. */
static void firmware(struct xq *q, struct tl_host_profile *p)
{
	p->uefi = is(q, "boolean(/domain/os[@firmware='efi'] or /domain/os/loader[@type='pflash']"
			" or /domain/os/nvram)");
	p->secure_loader = is(q, "boolean(/domain/os/loader[@secure='yes'])");
	p->secure_boot_feature = is(q, "boolean(/domain/os/firmware/feature[@name='secure-boot'"
				       " and @enabled='yes'])");
	p->enrolled_keys_feature = is(q, "boolean(/domain/os/firmware/feature"
					 "[@name='enrolled-keys' and @enabled='yes'])");
	p->q35 = is(q, "boolean(/domain/os/type[contains(@machine, 'q35')])");
	text(q, "string(/domain/os/nvram)", p->nvram, sizeof(p->nvram));
	text(q, "string(/domain/os/nvram/@template)", p->nvram_template,
	     sizeof(p->nvram_template));
}

/* The TPM: model and version (libvirt's default for an emulator is 2.0 for tpm-crb; a
 * passthrough TPM names no version: 2.0 is assumed only for tpm-crb). */
static void tpm(struct xq *q, struct tl_host_profile *p)
{
	char ver[8];

	p->tpm = is(q, "boolean(/domain/devices/tpm)");
	if (!p->tpm)
		return;
	text(q, "string(/domain/devices/tpm/@model)", p->tpm_model, sizeof(p->tpm_model));
	if (!p->tpm_model[0])
		snprintf(p->tpm_model, sizeof(p->tpm_model), "tpm-tis");
	text(q, "string(/domain/devices/tpm/backend/@version)", ver, sizeof(ver));
	p->tpm20 = strcmp(ver, "2.0") == 0 || (!ver[0] && strcmp(p->tpm_model, "tpm-crb") == 0);
}

#define TL_META "/domain/metadata/tl:vm"

/* SMM, the agent's channel and console log (tl-hostd), and trustlaunch's metadata. */
static void devices(struct xq *q, struct tl_host_profile *p)
{
	char type[32];

	p->smm = is(q, "boolean(/domain/features/smm[not(@state='off')])");
	text(q, "string(/domain/devices/channel[@type='unix'][target/@name="
		"'org.trustlaunch.agent.0'][source/@mode='bind']/source/@path)",
	     p->agent_sock, sizeof(p->agent_sock));
	text(q, "string(/domain/devices/serial[1]/log/@file)", p->console_log,
	     sizeof(p->console_log));
	p->trustlaunch = is(q, "boolean(" TL_META ")");
	if (!p->trustlaunch)
		return;
	text(q, "string(" TL_META "/*[local-name()='security-type'])", type, sizeof(type));
	p->tl_standard = strcmp(type, "standard") == 0;
	text(q, "string(" TL_META "/*[local-name()='scale-set'])", p->scale_set,
	     sizeof(p->scale_set));
}

int tl_host_profile_read(const char *xml, struct tl_host_profile *p)
{
	xmlDocPtr doc = NULL;
	struct xq q = { NULL, tl_host_domxml_parse(xml, &doc) };

	memset(p, 0, sizeof(*p));
	if (q.err == TL_OK && (!(q.x = xmlXPathNewContext(doc)) ||
			       xmlXPathRegisterNs(q.x, (const xmlChar *)"tl",
						  (const xmlChar *)TL_HOST_NS) != 0))
		q.err = TL_E_NOMEM;
	text(&q, "string(/domain/uuid)", p->uuid, sizeof(p->uuid));
	text(&q, "string(/domain/name)", p->name, sizeof(p->name));
	firmware(&q, p);
	tpm(&q, p);
	devices(&q, p);
	if (q.err == TL_OK && (!p->uuid[0] || !p->name[0]))
		q.err = TL_E_HOST_XML;
	xmlXPathFreeContext(q.x);
	xmlFreeDoc(doc);
	if (q.err != TL_OK)
		memset(p, 0, sizeof(*p));
	return q.err;
}
