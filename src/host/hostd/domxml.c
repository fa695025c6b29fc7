/* A libvirt domain's XML, read with libxml2 (docs/dependencies.md: libvirt itself links it,
 * so it costs the daemon no new library): no network access, no DTD loading and no entity
 * expansion (XML_PARSE_NOENT is not set), and XPath for the few fields the profile needs.
 * The XML comes from libvirtd, but names and metadata in it are whatever an operator (or a
 * tool of theirs) wrote, so every value is copied bounded and checked by its user. */
#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "hostd.h"

#define TL_NS "https://trustlaunch.dev/xmlns/host/1"
#define XML_MAX (4u * 1024u * 1024u)

/* The string value of an XPath expression into out ("" when it selects nothing). */
static void text(xmlXPathContextPtr x, const char *expr, char *out, size_t cap)
{
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr, x);
	out[0] = '\0';
	if (r && r->type == XPATH_STRING && r->stringval)
		snprintf(out, cap, "%s", (const char *)r->stringval);
	xmlXPathFreeObject(r);
}

static bool is(xmlXPathContextPtr x, const char *expr)
{
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr, x);
	bool yes = r && r->type == XPATH_BOOLEAN && r->boolval;
	xmlXPathFreeObject(r);
	return yes;
}

/* UEFI or BIOS, the secure loader, the NVRAM and its template. An inactive domain may say
 * firmware='efi' (libvirt picks the loader at start) or name a pflash loader. */
static void firmware(xmlXPathContextPtr x, struct dom_info *d)
{
	d->uefi = is(x, "boolean(/domain/os[@firmware='efi'] or /domain/os/loader[@type='pflash'] "
			"or /domain/os/nvram)");
	d->secure_loader = is(x, "boolean(/domain/os/loader[@secure='yes'] or "
				 "/domain/os/firmware/feature[@name='secure-boot' and "
				 "@enabled='yes'])");
	d->enrolled_keys_feature = is(x, "boolean(/domain/os/firmware/feature[@name='enrolled-keys'"
					 " and @enabled='yes'])");
	text(x, "string(/domain/os/nvram)", d->nvram, sizeof(d->nvram));
	text(x, "string(/domain/os/nvram/@template)", d->nvram_template,
	     sizeof(d->nvram_template));
}

/* TPM: model and version (libvirt's default for an emulator is 2.0 for tpm-crb; a
 * passthrough TPM names no version: 2.0 is assumed only for tpm-crb). */
static void tpm(xmlXPathContextPtr x, struct dom_info *d)
{
	char ver[8];
	d->tpm = is(x, "boolean(/domain/devices/tpm)");
	if (!d->tpm)
		return;
	text(x, "string(/domain/devices/tpm/@model)", d->tpm_model, sizeof(d->tpm_model));
	if (!d->tpm_model[0])
		snprintf(d->tpm_model, sizeof(d->tpm_model), "tpm-tis");
	text(x, "string(/domain/devices/tpm/backend/@version)", ver, sizeof(ver));
	d->tpm20 = strcmp(ver, "2.0") == 0 || (!ver[0] && strcmp(d->tpm_model, "tpm-crb") == 0);
}

static void devices(xmlXPathContextPtr x, struct dom_info *d)
{
	text(x, "string(/domain/devices/channel[@type='unix'][target/@name="
		"'org.trustlaunch.agent.0'][source/@mode='bind']/source/@path)",
	     d->agent_sock, sizeof(d->agent_sock));
	text(x, "string(/domain/devices/serial[1]/log/@file)", d->console_log,
	     sizeof(d->console_log));
	d->smm = is(x, "boolean(/domain/features/smm[not(@state='off')])");
	d->tl = is(x, "boolean(/domain/metadata/tl:vm)");
}

int hostd_domxml_parse(const char *xml, struct dom_info *out)
{
	size_t n = xml ? strnlen(xml, XML_MAX + 1) : 0;
	xmlDocPtr doc;
	xmlXPathContextPtr x;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n > XML_MAX)
		return TL_E_ARG;
	doc = xmlReadMemory(xml, (int)n, "domain.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return TL_E_ARG;
	if (!(x = xmlXPathNewContext(doc)) ||
	    xmlXPathRegisterNs(x, (const xmlChar *)"tl", (const xmlChar *)TL_NS) != 0) {
		xmlXPathFreeContext(x);
		xmlFreeDoc(doc);
		return TL_E_NOMEM;
	}
	text(x, "string(/domain/uuid)", out->uuid, sizeof(out->uuid));
	text(x, "string(/domain/name)", out->name, sizeof(out->name));
	firmware(x, out);
	tpm(x, out);
	devices(x, out);
	xmlXPathFreeContext(x);
	xmlFreeDoc(doc);
	return out->uuid[0] && out->name[0] ? TL_OK : TL_E_ARG;
}
