/* The libvirt domain of a trustlaunch VM (docs/host.md): q35, OVMF's secure loader with the
 * VM's NVRAM made from the keys' template, SMM, a vTPM (CRB, TPM 2.0) whose state libvirt
 * keeps encrypted with the VM's secret, the agent's virtio-serial channel and the console
 * logged to the VM's directory, no graphics. A standard VM: OVMF without Secure Boot, no
 * SMM, no vTPM. Every value is escaped. */
#include <stdio.h>
#include <string.h>

#include "host.h"
#include "trustlaunch/buf.h"

int tl_host_xml_escape(struct tl_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			return TL_E_ARG;
		switch (c) {
		case '&': tl_buf_puts(b, "&amp;"); break;
		case '<': tl_buf_puts(b, "&lt;"); break;
		case '>': tl_buf_puts(b, "&gt;"); break;
		case '\'': tl_buf_puts(b, "&apos;"); break;
		case '"': tl_buf_puts(b, "&quot;"); break;
		default: tl_buf_putc(b, (char)c);
		}
	}
	return TL_OK;
}

/* fmt with each "%s" replaced by the next value, escaped. */
static int put(struct tl_buf *b, const char *fmt, const char *const *vals)
{
	int err = TL_OK;
	for (const char *p = fmt; *p && err == TL_OK; p++) {
		if (p[0] == '%' && p[1] == 's') {
			err = tl_host_xml_escape(b, *vals++);
			p++;
		} else {
			tl_buf_putc(b, *p);
		}
	}
	return err;
}

static int head(struct tl_buf *b, const struct tl_host_domain *d, const char *vars)
{
	const struct tl_host_vm *vm = d->vm;
	char mem[16], dir[TL_HOST_MAX_PATH];

	snprintf(mem, sizeof(mem), "%u", vm->memory_mib);
	tl_host_vm_dir(d->hostdir, vm->name, dir, sizeof(dir));
	return put(b, "<domain type='%s'>\n  <name>%s</name>\n  <uuid>%s</uuid>\n"
		      "  <metadata>\n    <tl:vm xmlns:tl='" TL_HOST_NS "'>"
		      "<tl:name>%s</tl:name><tl:scale-set>%s</tl:scale-set>"
		      "<tl:security-type>%s</tl:security-type></tl:vm>\n  </metadata>\n"
		      "  <memory unit='MiB'>%s</memory>\n  <vcpu>1</vcpu>\n"
		      "  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n"
		      "    <loader readonly='yes' secure='%s' type='pflash'>%s</loader>\n"
		      "    <nvram template='%s'>%s/vars.fd</nvram>\n    <boot dev='hd'/>\n  </os>\n"
		      "  <features>\n    <acpi/>\n    <smm state='%s'/>\n  </features>\n"
		      "  <on_reboot>restart</on_reboot>\n",
		   (const char *const[]){ d->kvm ? "kvm" : "qemu", vm->name, vm->id, vm->name,
					  vm->scale_set, vm->trusted ? "trustedlaunch" : "standard",
					  mem, vm->trusted ? "yes" : "no",
					  vm->trusted ? TL_HOST_OVMF_CODE : TL_HOST_OVMF_CODE_PLAIN, vars,
					  dir, vm->trusted ? "on" : "off" });
}

static int devices(struct tl_buf *b, const struct tl_host_domain *d)
{
	const struct tl_host_vm *vm = d->vm;
	char dir[TL_HOST_MAX_PATH];
	int err;

	tl_host_vm_dir(d->hostdir, vm->name, dir, sizeof(dir));
	err = put(b, "  <devices>\n"
		     "    <disk type='file' device='disk'>\n"
		     "      <driver name='qemu' type='qcow2'/>\n      <source file='%s'/>\n"
		     "      <target dev='vda' bus='virtio'/>\n    </disk>\n"
		     "    <serial type='pty'>\n      <log file='%s/console.log' append='off'/>\n"
		     "      <target port='0'/>\n    </serial>\n"
		     "    <console type='pty'>\n      <target type='serial' port='0'/>\n"
		     "    </console>\n"
		     "    <channel type='unix'>\n      <source mode='bind' path='%s/agent.sock'/>\n"
		     "      <target type='virtio' name='org.trustlaunch.agent.0'/>\n    </channel>\n",
		  (const char *const[]){ d->disk, dir, dir });
	if (err == TL_OK && vm->vtpm)
		err = put(b, "    <tpm model='tpm-crb'>\n      <backend type='emulator' "
			     "version='2.0' persistent_state='yes'>\n"
			     "        <encryption secret='%s'/>\n      </backend>\n    </tpm>\n",
			  (const char *const[]){ vm->secret });
	tl_buf_puts(b, "    <memballoon model='none'/>\n  </devices>\n</domain>\n");
	return err;
}

int tl_host_domain_xml(const struct tl_host_domain *d, char **out)
{
	/* custom keys are written into a copy of the keyless template (vm/nvram) */
	const char *vars = d->vm->keys == TL_HOST_KEYS_MICROSOFT && d->vm->trusted
				   ? TL_HOST_VARS_MICROSOFT
				   : TL_HOST_VARS_NONE;
	struct tl_buf b;
	int err;

	tl_buf_init(&b, TL_HOST_MAX_XML);
	if ((err = head(&b, d, vars)) == TL_OK)
		err = devices(&b, d);
	if (err == TL_OK && b.err)
		err = b.err;
	if (err == TL_OK && !(*out = tl_buf_take(&b)))
		err = TL_E_NOMEM;
	tl_buf_free(&b);
	return err;
}
