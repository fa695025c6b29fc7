/* One VM made on this host: registered with trustlaunchd (its id becomes the domain's
 * uuid; a Trusted Launch VM enrols only by its EK certificate), then its directory, disk
 * (qcow2 overlay of the image), NVRAM (from the keys' template), vTPM (secret + state), host
 * record and libvirt domain. Anything that fails undoes what was made, the service's VM too.
 * The JSON summary carries the time of each step (bench/host.sh reads it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostcli.h"
#include "trustlaunch/catalog.h"

struct made {
	struct tl_host_vm vm;
	char dir[TL_HOST_MAX_PATH];
	bool registered, dir_made, secret, state;
	double ms_register, ms_vtpm, ms_nvram, ms_baseline, ms_define;
};

static int do_register(const struct tl_create_opts *o, struct made *m)
{
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s*, s:s}", "name",
				 m->vm.name, "size", o->size, "os", o->os, "security_type",
				 m->vm.trusted ? "trustedlaunch" : "standard", "secure_boot",
				 m->vm.trusted && m->vm.keys != TL_HOST_KEYS_NONE, "vtpm",
				 m->vm.vtpm, "scale_set", o->scale_set, "enrollment",
				 m->vm.vtpm ? "ek-certificate-required" : "any");
	json_t *answer = NULL;
	const char *id;
	bool json = tl_client_opts.json;
	int rc;

	if (!body)
		return TL_EXIT_USAGE;
	rc = tl_client_call(TL_HTTP_POST, "/v1/vms", NULL, NULL, body, &answer);
	tl_client_opts.json = json;
	if (rc != TL_EXIT_OK)
		return rc;
	id = json_string_value(json_object_get(answer, "id"));
	if (!id || !tl_host_uuid_ok(id)) {
		fprintf(stderr, "tl: trustlaunchd's answer holds no VM id that is a UUID\n");
		json_decref(answer);
		return TL_EXIT_CHECK;
	}
	memcpy(m->vm.id, id, TL_HOST_UUID_LEN + 1);
	m->registered = true;
	json_decref(answer);
	return TL_EXIT_OK;
}

static int copy_file(const char *from, const char *to)
{
	return tl_host_run((const char *const[]){ "cp", "--", from, to, NULL }, NULL);
}

static int nvram(const struct tl_create_opts *o, struct made *m)
{
	char vars[TL_HOST_MAX_PATH];
	const char *tpl = m->vm.trusted && m->vm.keys == TL_HOST_KEYS_MICROSOFT
				  ? TL_HOST_VARS_MICROSOFT
				  : TL_HOST_VARS_NONE;
	int err;

	snprintf(vars, sizeof(vars), "%s/vars.fd", m->dir);
	if ((err = copy_file(tpl, vars)) != TL_OK)
		return err;
	if (m->vm.keys == TL_HOST_KEYS_CUSTOM)
		err = tl_host_nvram_custom(o->keys_dir, vars);
	return err;
}

static int vtpm(virConnectPtr conn, const struct tl_create_opts *o, struct made *m)
{
	char pass[65], log[TL_HOST_MAX_PATH];
	int err;

	if (!m->vm.vtpm)
		return TL_OK;
	if ((err = tl_host_secret_new(conn, m->vm.id, m->vm.name, pass, m->vm.secret)) != TL_OK)
		return err;
	m->secret = true;
	snprintf(log, sizeof(log), "%s/swtpm_setup.log", m->dir);
	err = tl_host_vtpm_create(o->hostdir, m->vm.id, pass, log);
	memset(pass, 0, sizeof(pass));
	m->state = err == TL_OK;
	return err;
}

static int define(virConnectPtr conn, const struct tl_create_opts *o, struct made *m)
{
	char disk[TL_HOST_MAX_PATH], *xml = NULL;
	struct tl_host_domain d = { .vm = &m->vm, .hostdir = o->hostdir, .disk = disk };
	virDomainPtr dom;
	int err;

	snprintf(disk, sizeof(disk), "%s/disk.qcow2", m->dir);
	if ((err = tl_host_probe_kvm(conn, o->hostdir, &d.kvm)) != TL_OK ||
	    (err = tl_host_domain_xml(&d, &xml)) != TL_OK)
		return err;
	dom = virDomainDefineXML(conn, xml);
	free(xml);
	if (!dom) {
		fprintf(stderr, "tl: libvirt refused the domain: %s\n", tl_host_virt_error());
		return TL_E_HOST_LIBVIRT;
	}
	virDomainFree(dom);
	return TL_OK;
}

static void undo(virConnectPtr conn, struct made *m)
{
	json_t *answer = NULL;
	bool json = tl_client_opts.json;

	if (m->state && tl_host_vtpm_delete(m->vm.id) != TL_OK)
		fprintf(stderr, "tl: could not remove the vTPM state of %s\n", m->vm.id);
	if (m->secret && tl_host_secret_delete(conn, m->vm.secret) != TL_OK)
		fprintf(stderr, "tl: could not remove the libvirt secret %s\n", m->vm.secret);
	if (m->dir_made && tl_host_rm_tree(m->dir) != TL_OK)
		fprintf(stderr, "tl: could not remove %s\n", m->dir);
	if (m->registered &&
	    tl_client_call(TL_HTTP_DELETE, "/v1/vms", m->vm.id, NULL, NULL, &answer) == 0)
		json_decref(answer);
	tl_client_opts.json = json;
}

/* The steps after registration, timed. */
static int build(virConnectPtr conn, const struct tl_create_opts *o, struct made *m)
{
	char disk[TL_HOST_MAX_PATH];
	double t = tl_hostcli_ms();
	int err;

	if ((err = tl_host_vm_mkdir(o->hostdir, m->vm.name)) != TL_OK)
		return err;
	m->dir_made = true;
	snprintf(disk, sizeof(disk), "%s/disk.qcow2", m->dir);
	if ((err = tl_host_disk_create(o->image, disk)) != TL_OK)
		return err;
	t = tl_hostcli_ms();
	if ((err = vtpm(conn, o, m)) != TL_OK)
		return err;
	m->ms_vtpm = tl_hostcli_ms() - t;
	t = tl_hostcli_ms();
	if ((err = nvram(o, m)) != TL_OK)
		return err;
	m->ms_nvram = tl_hostcli_ms() - t;
	t = tl_hostcli_ms();
	if (m->vm.vtpm) { /* without a vTPM there is nothing to attest */
		snprintf(disk, sizeof(disk), "%s/vars.fd", m->dir);
		tl_create_baseline(o->image, disk, m->vm.id, m->vm.baseline,
				   sizeof(m->vm.baseline));
	}
	m->ms_baseline = tl_hostcli_ms() - t;
	if ((err = tl_host_vm_save(o->hostdir, &m->vm)) != TL_OK)
		return err;
	t = tl_hostcli_ms();
	err = define(conn, o, m);
	m->ms_define = tl_hostcli_ms() - t;
	return err;
}

static json_t *summary(const struct tl_create_opts *o, const struct made *m)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s?, s:s, s:s, s:{s:f, s:f, s:f, s:f, s:f}}",
			 "name", m->vm.name, "vm_id", m->vm.id, "security_type",
			 m->vm.trusted ? "trustedlaunch" : "standard", "secure_boot_keys",
			 tl_host_keys_name(m->vm.keys), "vtpm", m->vm.vtpm, "scale_set",
			 o->scale_set, "baseline", m->vm.baseline, "host_dir", o->hostdir, "ms",
			 "register", m->ms_register, "vtpm", m->ms_vtpm, "nvram", m->ms_nvram,
			 "baseline", m->ms_baseline, "define", m->ms_define);
}

static void init(const struct tl_create_opts *o, const char *name, struct made *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->vm.name, sizeof(m->vm.name), "%s", name);
	snprintf(m->vm.image, sizeof(m->vm.image), "%s", o->image);
	snprintf(m->vm.size, sizeof(m->vm.size), "%s", o->size);
	snprintf(m->vm.os, sizeof(m->vm.os), "%s", o->os);
	snprintf(m->vm.scale_set, sizeof(m->vm.scale_set), "%s", o->scale_set ? o->scale_set : "");
	snprintf(m->vm.keys_dir, sizeof(m->vm.keys_dir), "%s", o->keys_dir ? o->keys_dir : "");
	snprintf(m->vm.baseline, sizeof(m->vm.baseline), "learned");
	m->vm.trusted = o->type == TL_SECTYPE_TRUSTED_LAUNCH;
	m->vm.keys = o->keys;
	m->vm.vtpm = !o->no_vtpm;
	m->vm.memory_mib = o->memory_mib;
	tl_host_vm_dir(o->hostdir, name, m->dir, sizeof(m->dir));
}

int tl_create_one(const struct tl_create_opts *o, const char *name, json_t **out)
{
	struct made m;
	virConnectPtr conn;
	virDomainPtr old;
	double t;
	int rc, err;

	init(o, name, &m);
	if (access(m.dir, F_OK) == 0)
		return tl_hostcli_fail(name, TL_E_HOST_EXISTS);
	if (!(conn = tl_host_connect()))
		return TL_EXIT_CHECK;
	if ((old = virDomainLookupByName(conn, name))) {
		virDomainFree(old);
		virConnectClose(conn);
		fprintf(stderr, "tl: %s: libvirt has a domain of this name already\n", name);
		return TL_EXIT_CHECK;
	}
	t = tl_hostcli_ms();
	if ((rc = do_register(o, &m)) != TL_EXIT_OK) {
		virConnectClose(conn);
		return rc;
	}
	m.ms_register = tl_hostcli_ms() - t;
	if ((err = build(conn, o, &m)) != TL_OK) {
		undo(conn, &m);
		virConnectClose(conn);
		return tl_hostcli_fail(name, err);
	}
	virConnectClose(conn);
	if (out && !(*out = summary(o, &m)))
		return TL_EXIT_USAGE;
	return TL_EXIT_OK;
}
