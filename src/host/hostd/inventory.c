/* The inventory of the whole host (docs/hostd.md): every libvirt domain, also those
 * trustlaunch did not create, with the security profile its XML and NVRAM show
 * (src/host/domain: tl_host_profile_read, tl_host_profile_keys), reported to
 * trustlaunchd (PUT /v1/hosts/{host}/inventory) so that the posture layer's recommendations
 * reach the operator's existing VMs. */
#include <stdio.h>
#include <stdlib.h>
#include <libvirt/libvirt.h>

#include "hostd.h"
#include "log.h"

static json_t *domain_json(const struct tl_host_profile *d)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:b,s:b,s:b}", "uuid", d->uuid, "name", d->name,
			      "firmware", d->uefi ? "uefi" : "bios", "secure_loader",
			      d->secure_loader || d->secure_boot_feature, "keys_enrolled",
			      d->keys_enrolled, "smm", d->smm, "trustlaunch", d->trustlaunch);
	json_object_set_new(o, "tpm",
			    d->tpm ? json_pack("{s:s,s:s}", "model", d->tpm_model, "version",
					       d->tpm20 ? "2.0" : "1.2")
				   : json_null());
	return o;
}

/* The profile of one domain, or false when its XML cannot be read: said in the log, with
 * libvirt's name and uuid of it (a name past its limit, say), not left out in silence. */
static bool profile(virDomainPtr dom, struct tl_host_profile *d)
{
	char *xml = virDomainGetXMLDesc(dom, 0), uuid[VIR_UUID_STRING_BUFLEN] = "";
	int err = xml ? tl_host_profile_read(xml, d) : TL_E_HOST_LIBVIRT;
	free(xml);
	if (err != TL_OK) {
		const char *name = virDomainGetName(dom);
		(void)virDomainGetUUIDString(dom, uuid);
		tl_log_kv("warning", "a domain is left out of the inventory: its XML was refused",
			  (const char *const[]){ "domain", name ? name : "", "uuid", uuid, "error",
						 tl_err_name(err) },
			  3);
		return false;
	}
	tl_host_profile_keys(d);
	return true;
}

int hostd_inventory(const struct hostd_opts *o, void *conn)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(conn, &doms, 0), err;
	json_t *list = json_array(), *body;
	struct tl_host_profile d;
	char path[128], count[16];

	if (n < 0) {
		json_decref(list);
		return TL_E_IO;
	}
	for (int i = 0; i < n; i++) {
		if (profile(doms[i], &d) && hostd_matches(o, d.name))
			json_array_append_new(list, domain_json(&d));
		virDomainFree(doms[i]);
	}
	free(doms);
	snprintf(path, sizeof(path), "/v1/hosts/%s/inventory", o->host_name);
	snprintf(count, sizeof(count), "%zu", json_array_size(list));
	body = json_pack("{s:o}", "domains", list);
	err = hostd_report(o, "PUT", path, body);
	json_decref(body);
	if (err == TL_OK)
		tl_log("info", "inventory reported", "domains", count);
	return err;
}
