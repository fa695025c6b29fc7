/* An existing UEFI domain turned to Trusted Launch: OVMF's secure loader (with Microsoft's
 * keys as the NVRAM template: the caller resets the NVRAM so they are enrolled), no
 * firmware auto-selection nor its feature list (libvirt refuses either beside a loader
 * path), SMM on, and a vTPM (CRB, 2.0) whose state is encrypted with the given secret,
 * unless it has a TPM already. The caller checks the rules (UEFI, not a scale set made
 * without Trusted Launch) first. The XML is parsed as profile.c reads it (domxml.h). */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "host.h"
#include "domain/domxml.h"

/* Elements without a namespace only, as the reader's XPath sees them: a namespaced <os> or
 * <devices> is not libvirt's, and editing it would say "on" to what the reader reads as off. */
static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !c->ns && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static xmlNodePtr ensure(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c = child(parent, name);
	return c ? c : xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
}

static bool set(xmlNodePtr n, const char *attr, const char *value)
{
	return n && xmlSetProp(n, (const xmlChar *)attr, (const xmlChar *)value);
}

/* Auto-selection off: the attribute and its feature list (<os><firmware><feature …/>, as
 * virt-install writes for --boot uefi), which libvirt refuses beside an explicit loader. */
static void no_autoselection(xmlNodePtr os)
{
	xmlNodePtr fw;

	xmlUnsetProp(os, (const xmlChar *)"firmware");
	while ((fw = child(os, "firmware"))) {
		xmlUnlinkNode(fw);
		xmlFreeNode(fw);
	}
}

static bool secure_os(xmlNodePtr os)
{
	xmlNodePtr loader = ensure(os, "loader"), nvram = ensure(os, "nvram");

	no_autoselection(os);
	if (!loader || !nvram)
		return false;
	xmlNodeSetContent(loader, (const xmlChar *)TL_HOST_OVMF_CODE);
	xmlUnsetProp(nvram, (const xmlChar *)"format");
	return set(loader, "readonly", "yes") && set(loader, "secure", "yes") &&
	       set(loader, "type", "pflash") && set(nvram, "template", TL_HOST_VARS_MICROSOFT);
}

static bool add_tpm(xmlNodePtr devices, const char *secret)
{
	xmlNodePtr tpm, backend, enc;

	if (child(devices, "tpm"))
		return true;
	tpm = xmlNewChild(devices, NULL, (const xmlChar *)"tpm", NULL);
	backend = tpm ? xmlNewChild(tpm, NULL, (const xmlChar *)"backend", NULL) : NULL;
	enc = backend ? xmlNewChild(backend, NULL, (const xmlChar *)"encryption", NULL) : NULL;
	return set(tpm, "model", "tpm-crb") && set(backend, "type", "emulator") &&
	       set(backend, "version", "2.0") && set(backend, "persistent_state", "yes") &&
	       set(enc, "secret", secret);
}

int tl_host_domain_enable_tl(const char *xml, const char *secret_uuid, char **out)
{
	xmlDocPtr doc = NULL;
	int len = 0, err = tl_host_domxml_parse(xml, &doc);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL, features, smm;
	xmlChar *text = NULL;

	if (err != TL_OK)
		goto out;
	err = TL_E_HOST_XML;
	if (root->ns || strcmp((const char *)root->name, "domain") != 0 || !child(root, "os"))
		goto out;
	features = ensure(root, "features");
	if ((smm = child(features, "smm"))) {
		xmlUnlinkNode(smm);
		xmlFreeNode(smm);
	}
	smm = features ? xmlNewChild(features, NULL, (const xmlChar *)"smm", NULL) : NULL;
	if (!secure_os(child(root, "os")) || !set(smm, "state", "on") ||
	    !add_tpm(ensure(root, "devices"), secret_uuid))
		goto out;
	xmlDocDumpMemory(doc, &text, &len);
	if (text && (*out = strdup((const char *)text)))
		err = TL_OK;
	else
		err = TL_E_NOMEM;
out:
	xmlFree(text);
	xmlFreeDoc(doc);
	return err;
}
