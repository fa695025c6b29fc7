/* tl vm enable-trusted-launch NAME: an existing UEFI domain (made by trustlaunch or not)
 * gets OVMF's secure loader with Microsoft's keys, SMM and an encrypted vTPM whose EK
 * certificate the platform CA issues (CN = the domain's uuid). Refused, with the catalog's
 * rule codes, for a BIOS (Gen1) domain and for a member of a scale set created without
 * Trusted Launch. The domain must be shut off; its NVRAM is made again from the template. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm_args.h"
#include "trustlaunch/catalog.h"

static const char help[] =
	"usage: tl [GLOBAL OPTIONS] vm enable-trusted-launch NAME [--host-dir DIR]\n"
	"\n"
	"Turns a shut-off UEFI (Gen2) libvirt domain into a Trusted Launch VM: secure loader\n"
	"(Microsoft keys; the NVRAM is made again from the template), SMM, and a vTPM encrypted\n"
	"at rest. Refuses a BIOS (Gen1) domain (catalog.gen1_vm) and a member of a scale set\n"
	"created without Trusted Launch (catalog.scale_set_fixed). A VM of this host is changed\n"
	"at trustlaunchd too.\n"
	"exit: 0 done (or already), 1 refused or failed, 2 usage\n";

struct target {
	virConnectPtr conn;
	virDomainPtr dom;
	struct tl_host_profile p;
	struct tl_host_vm vm;
	bool has_record;
	char uuid[VIR_UUID_STRING_BUFLEN];
};

static int refuse(enum tl_cat_rule rule, const char *name, const char *why)
{
	fprintf(stderr, "tl: refused: %s: %s: %s\n", tl_cat_rule_code(rule), name, why);
	return TL_EXIT_CHECK;
}

static int rules(const struct target *t, const char *name)
{
	bool scale_set = t->has_record ? t->vm.scale_set[0] && !t->vm.trusted
				       : t->p.scale_set[0] && t->p.tl_standard;
	if (!t->p.uefi)
		return refuse(TL_RULE_GEN1_VM, name,
			      "a BIOS (Gen1) VM cannot have Trusted Launch; recreate it as a UEFI "
			      "(Gen2) VM");
	if (scale_set)
		return refuse(TL_RULE_SCALE_SET_FIXED, name,
			      "a member of a scale set created without Trusted Launch keeps its "
			      "security type; create a new scale set with Trusted Launch");
	if (!t->p.q35) {
		fprintf(stderr, "tl: %s: Secure Boot needs a q35 machine\n", name);
		return TL_EXIT_CHECK;
	}
	return -1;
}

static int load(const char *hostdir, const char *name, struct target *t)
{
	char *xml;
	int state = 0, reason, err;

	if (!(t->dom = tl_hostcli_domain(t->conn, name)))
		return TL_EXIT_CHECK;
	if (virDomainGetState(t->dom, &state, &reason, 0) != 0 || state != VIR_DOMAIN_SHUTOFF) {
		fprintf(stderr, "tl: %s: stop it first ('tl vm stop %s')\n", name, name);
		return TL_EXIT_CHECK;
	}
	if (!(xml = virDomainGetXMLDesc(t->dom, VIR_DOMAIN_XML_INACTIVE)) ||
	    virDomainGetUUIDString(t->dom, t->uuid) != 0) {
		free(xml);
		return tl_hostcli_fail(name, TL_E_HOST_LIBVIRT);
	}
	err = tl_host_profile_read(xml, &t->p);
	free(xml);
	if (err != TL_OK)
		return tl_hostcli_fail(name, err);
	t->has_record = tl_host_vm_load(hostdir, name, &t->vm) == TL_OK;
	return rules(t, name);
}

/* A failed conversion leaves no secret and no state of its own behind (a state that was
 * there before, TL_E_HOST_EXISTS, stays); returns err. */
static int undo_vtpm(struct target *t, const char *secret, int err)
{
	if (secret[0] && ((err != TL_E_HOST_EXISTS && tl_host_vtpm_delete(t->uuid) != TL_OK) ||
			  tl_host_secret_delete(t->conn, secret) != TL_OK))
		fprintf(stderr, "tl: could not remove the new vTPM of %s\n", t->uuid);
	return err;
}

/* The vTPM (unless the domain has a TPM), the edited XML defined, the NVRAM reset. */
static int convert(const char *hostdir, const char *name, struct target *t, char *secret)
{
	char pass[65], log[TL_HOST_MAX_PATH], *xml = NULL, *out = NULL;
	struct tl_host_profile now;
	virDomainPtr d;
	int err = TL_OK;

	secret[0] = '\0';
	snprintf(log, sizeof(log), "%s/ca/swtpm_setup-%s.log", hostdir, t->uuid);
	if (!t->p.tpm) {
		if ((err = tl_host_secret_new(t->conn, t->uuid, name, pass, secret)) == TL_OK)
			err = tl_host_vtpm_create(hostdir, t->uuid, pass, log);
		memset(pass, 0, sizeof(pass));
		if (err != TL_OK)
			return undo_vtpm(t, secret, err);
	}
	if (!(xml = virDomainGetXMLDesc(t->dom, VIR_DOMAIN_XML_INACTIVE)))
		return undo_vtpm(t, secret, TL_E_HOST_LIBVIRT);
	err = tl_host_domain_enable_tl(xml, secret, &out);
	free(xml);
	if (err != TL_OK)
		return undo_vtpm(t, secret, err);
	d = virDomainDefineXML(t->conn, out);
	free(out);
	if (!d) {
		fprintf(stderr, "tl: libvirt refused the changed domain: %s\n", tl_host_virt_error());
		return undo_vtpm(t, secret, TL_E_HOST_LIBVIRT);
	}
	xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
	virDomainFree(d);
	if (xml && tl_host_profile_read(xml, &now) == TL_OK && now.nvram[0])
		unlink(now.nvram); /* made again from the Microsoft template at the next start */
	free(xml);
	return TL_OK;
}

static int tell_service(const char *hostdir, struct target *t, const char *secret)
{
	json_t *body, *answer = NULL;
	bool json = tl_client_opts.json;
	int rc;

	t->vm.trusted = t->vm.vtpm = true;
	t->vm.keys = TL_HOST_KEYS_MICROSOFT;
	if (secret[0])
		snprintf(t->vm.secret, sizeof(t->vm.secret), "%s", secret);
	if (tl_host_vm_save(hostdir, &t->vm) != TL_OK)
		fprintf(stderr, "tl: could not update the host record of %s\n", t->vm.name);
	body = json_pack("{s:s, s:b, s:b}", "security_type", "trustedlaunch", "secure_boot", 1,
			 "vtpm", 1);
	rc = tl_client_call(TL_HTTP_PATCH, "/v1/vms", t->vm.id, NULL, body, &answer);
	tl_client_opts.json = json;
	json_decref(answer);
	return rc;
}

int tl_vm_enable_tl(int argc, char **argv)
{
	struct tl_vm_args a = { 0 };
	struct target t = { 0 };
	char secret[TL_HOST_UUID_LEN + 1];
	int rc = tl_vm_args(argc, argv, help, &a), err;

	if (rc >= 0)
		return rc;
	if (!(t.conn = tl_host_connect()))
		return TL_EXIT_CHECK;
	if ((rc = load(a.hostdir, a.name, &t)) >= 0)
		goto out;
	if (t.p.secure_loader && t.p.tpm && t.p.smm) {
		printf("%s has Trusted Launch already\n", a.name);
		rc = TL_EXIT_OK;
		goto out;
	}
	if ((err = tl_host_dir_make(a.hostdir)) != TL_OK || (err = tl_host_ca_ensure(a.hostdir)) ||
	    (err = convert(a.hostdir, a.name, &t, secret)) != TL_OK) {
		rc = tl_hostcli_fail(a.name, err);
		goto out;
	}
	rc = t.has_record ? tell_service(a.hostdir, &t, secret) : TL_EXIT_OK;
	if (rc == TL_EXIT_OK)
		printf("%s: Trusted Launch on (secure loader, Microsoft keys, SMM, %s)\n", a.name,
		       t.p.tpm ? "its TPM kept" : "encrypted vTPM");
out:
	if (t.dom)
		virDomainFree(t.dom);
	virConnectClose(t.conn);
	return rc;
}
