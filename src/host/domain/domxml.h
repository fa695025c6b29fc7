/* How src/host/domain parses a libvirt domain's XML, for reading (profile.c) and editing
 * (edit.c) alike: one place for the hardening. */
#ifndef TL_HOST_DOMXML_H
#define TL_HOST_DOMXML_H

#include <libxml/tree.h>

#include "trustlaunch/err.h"

/* *doc (xmlFreeDoc) on TL_OK: libxml2 without network access (XML_PARSE_NONET), without
 * entity substitution or DTD loading (neither XML_PARSE_NOENT nor XML_PARSE_DTDLOAD), quiet;
 * a document with a DOCTYPE is refused once parsed (libvirt writes none: its entities are
 * the only way to make a small document expand; libxml2 reads the internal subset without
 * substituting it, within its own amplification limits, and XPath never sees it). TL_E_HOST_XML_LIMIT past TL_HOST_MAX_DOMAIN_XML bytes,
 * TL_E_HOST_XML for an empty or malformed document. */
TL_MUST_CHECK int tl_host_domxml_parse(const char *xml, xmlDocPtr *doc);

#endif
