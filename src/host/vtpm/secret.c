/* The secret that encrypts a VM's TPM state: a libvirt secret of usage 'vtpm' (private: its
 * value never leaves libvirtd again; the guest cannot reach it), holding a passphrase of 64
 * hex digits from the system's random source. libvirt hands it to swtpm on each start, and
 * swtpm_setup got the same passphrase when it made the state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "host.h"
#include "trustlaunch/buf.h"

static int passphrase(char pass[static 65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[32];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return TL_E_IO;
	for (size_t i = 0; i < sizeof(r); i++) {
		pass[2 * i] = hex[r[i] >> 4];
		pass[2 * i + 1] = hex[r[i] & 15];
	}
	pass[64] = '\0';
	memset(r, 0, sizeof(r));
	return TL_OK;
}

static int secret_xml(const char *vm_id, const char *name, char **out)
{
	struct tl_buf b;
	int err;

	tl_buf_init(&b, 4096);
	tl_buf_puts(&b, "<secret ephemeral='no' private='yes'><description>vTPM state of "
			"trustlaunch VM ");
	err = tl_host_xml_escape(&b, name);
	tl_buf_puts(&b, "</description><usage type='vtpm'><name>");
	if (err == TL_OK)
		err = tl_host_xml_escape(&b, vm_id);
	tl_buf_puts(&b, "</name></usage></secret>");
	if (err == TL_OK && !(*out = tl_buf_take(&b)))
		err = b.err ? b.err : TL_E_NOMEM;
	tl_buf_free(&b);
	return err;
}

int tl_host_secret_new(virConnectPtr conn, const char *vm_id, const char *name,
		       char pass[static 65], char uuid[static TL_HOST_UUID_LEN + 1])
{
	virSecretPtr s;
	char *xml = NULL;
	int err;

	if ((err = passphrase(pass)) != TL_OK || (err = secret_xml(vm_id, name, &xml)) != TL_OK)
		return err;
	s = virSecretDefineXML(conn, xml, 0);
	free(xml);
	if (!s) {
		fprintf(stderr, "tl: libvirt secret: %s\n", tl_host_virt_error());
		return TL_E_HOST_LIBVIRT;
	}
	err = TL_OK;
	if (virSecretSetValue(s, (const unsigned char *)pass, 64, 0) != 0 ||
	    virSecretGetUUIDString(s, uuid) != 0) {
		fprintf(stderr, "tl: libvirt secret: %s\n", tl_host_virt_error());
		virSecretUndefine(s);
		err = TL_E_HOST_LIBVIRT;
	}
	virSecretFree(s);
	return err;
}

int tl_host_secret_delete(virConnectPtr conn, const char *uuid)
{
	virSecretPtr s = virSecretLookupByUUIDString(conn, uuid);
	int rc;

	if (!s)
		return TL_OK; /* gone already */
	rc = virSecretUndefine(s);
	virSecretFree(s);
	return rc == 0 ? TL_OK : TL_E_HOST_LIBVIRT;
}
