/* The host side of Trusted Launch (docs/host.md): VMs on libvirt with a secure OVMF loader,
 * an encrypted swtpm vTPM whose EK certificate the platform vTPM CA issues, and a record of
 * each VM in the host state directory. libvirt/ (connection, accelerator probe), domain/ (the
 * domain XML: made, read and edited), vtpm/ (TPM state, its secret, the CA), vm/ (host records,
 * disks, lifecycle). The commands (src/cli/host) compose these with trustlaunchd's client. */
#ifndef TL_HOST_H
#define TL_HOST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <libvirt/libvirt.h>

#include "trustlaunch/err.h"

#define TL_HOST_DIR_DEFAULT "/var/lib/trustlaunch/host"
#define TL_HOST_URI_DEFAULT "qemu:///system"
#define TL_HOST_OVMF_CODE "/usr/share/OVMF/OVMF_CODE_4M.ms.fd"
#define TL_HOST_OVMF_CODE_PLAIN "/usr/share/OVMF/OVMF_CODE_4M.fd" /* standard VMs */
#define TL_HOST_VARS_MICROSOFT "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"
#define TL_HOST_VARS_NONE "/usr/share/OVMF/OVMF_VARS_4M.fd"
#define TL_HOST_SWTPM_DIR "/var/lib/libvirt/swtpm" /* libvirt's: SWTPM_DIR/<uuid>/tpm2 */
#define TL_HOST_NS "https://trustlaunch.dev/xmlns/host/1"
#define TL_HOST_MAX_NAME 63u
#define TL_HOST_MAX_PATH 1024u
#define TL_HOST_MAX_XML (1u << 20)
#define TL_HOST_UUID_LEN 36u

enum tl_host_keys { TL_HOST_KEYS_MICROSOFT, TL_HOST_KEYS_NONE, TL_HOST_KEYS_CUSTOM };

/* The host record of a VM (HOSTDIR/vms/NAME/vm.json). */
struct tl_host_vm {
	char name[TL_HOST_MAX_NAME + 1];
	char id[TL_HOST_UUID_LEN + 1];            /* trustlaunchd's VM id = the domain's uuid */
	char image[TL_HOST_MAX_PATH];             /* the image directory it was made from */
	char size[64], os[64];
	bool trusted;                             /* security type trustedlaunch, else standard */
	enum tl_host_keys keys;
	char keys_dir[TL_HOST_MAX_PATH];          /* custom:DIR */
	bool vtpm;
	char scale_set[TL_HOST_MAX_NAME + 1];     /* "" when none */
	char secret[TL_HOST_UUID_LEN + 1];        /* the vTPM's libvirt secret; "" without vTPM */
	char baseline[16];                        /* predicted | learned */
	unsigned memory_mib;
};

/* libvirt/conn.c: a connection to TL_LIBVIRT_URI (default qemu:///system) with libvirt's
 * own error printing off; NULL after saying why on stderr. */
virConnectPtr tl_host_connect(void);
/* libvirt's last error as a sentence (never NULL). */
const char *tl_host_virt_error(void);

/* libvirt/probe.c: can KVM run OVMF with SMM here? Probed once (libvirt's KVM domain
 * capabilities and KVM_CAP_X86_SMM), cached in HOSTDIR/accel. */
TL_MUST_CHECK int tl_host_probe_kvm(virConnectPtr conn, const char *hostdir, bool *kvm);

/* domain/xml.c: the XML of a new trustlaunch domain. */
struct tl_host_domain {
	const struct tl_host_vm *vm;
	const char *hostdir;
	const char *disk;       /* the VM's own disk (qcow2 overlay of the image's esp.img) */
	bool kvm;               /* type='kvm', else 'qemu' (TCG) */
};
/* The domain XML, malloc'd in *out; every value escaped. */
TL_MUST_CHECK int tl_host_domain_xml(const struct tl_host_domain *d, char **out);
/* Appends s with &, <, >, ' and " escaped; TL_E_ARG for control characters. */
struct tl_buf;
TL_MUST_CHECK int tl_host_xml_escape(struct tl_buf *b, const char *s);

/* domain/profile.c: the one reader of a libvirt domain's XML, for `tl vm
 * enable-trusted-launch` and for tl-hostd (inventory, relay, boot watch). libxml2 without
 * network access, DTD (a document that has one is refused) or entity expansion, at most
 * TL_HOST_MAX_DOMAIN_XML bytes; every value is copied whole or the read fails with
 * TL_E_HOST_XML_LIMIT, never cut. */
#define TL_HOST_MAX_DOMAIN_XML (4u << 20)
#define TL_HOST_MAX_DOMAIN_NAME 127u /* trustlaunchd's inventory takes names below 128 */
#define TL_HOST_MAX_TPM_MODEL 31u
struct tl_host_profile {
	char uuid[TL_HOST_UUID_LEN + 1];          /* <uuid>, required */
	char name[TL_HOST_MAX_DOMAIN_NAME + 1];   /* <name>, required */
	bool uefi;          /* firmware='efi', a pflash loader or an <nvram> */
	bool secure_loader; /* <loader secure='yes'> */
	/* firmware auto-selection's features (<os firmware='efi'><firmware><feature>) */
	bool secure_boot_feature, enrolled_keys_feature;
	bool smm;           /* <features><smm> not state='off' */
	bool q35;           /* a q35 machine type */
	bool tpm;           /* a TPM device */
	bool tpm20;         /* its backend version 2.0 (tpm-crb without a version: 2.0) */
	char tpm_model[TL_HOST_MAX_TPM_MODEL + 1]; /* "tpm-tis" when the XML names none */
	bool trustlaunch;   /* has the tl:vm metadata */
	bool tl_standard;   /* tl:security-type is standard */
	char scale_set[TL_HOST_MAX_NAME + 1];     /* tl:scale-set, "" when none */
	char nvram[PATH_MAX], nvram_template[PATH_MAX]; /* "" when none */
	char agent_sock[PATH_MAX];  /* the bind-mode unix channel org.trustlaunch.agent.0 */
	char console_log[PATH_MAX]; /* the first serial port's log file */
	bool keys_enrolled; /* set by tl_host_profile_keys, false until then */
};
/* TL_E_HOST_XML: not a domain's XML (malformed, a DTD, another root, no name or uuid);
 * TL_E_HOST_XML_LIMIT: the XML or one of its values is longer than kept; TL_E_NOMEM. */
TL_MUST_CHECK int tl_host_profile_read(const char *xml, struct tl_host_profile *p);
/* domain/keys.c: p->keys_enrolled from the NVRAM file or, before the first start, its
 * template (regular files only), read with the varstore reader: a PK present. When neither
 * can be read, the enrolled-keys feature says it. A BIOS domain has none. */
void tl_host_profile_keys(struct tl_host_profile *p);
/* domain/edit.c: the XML of a UEFI domain turned to Trusted Launch: the secure loader
 * (Microsoft keys template, kept NVRAM path), SMM, and a vTPM with the encryption secret. */
TL_MUST_CHECK int tl_host_domain_enable_tl(const char *xml, const char *secret_uuid,
					   char **out);

/* vtpm/ca.c: the platform vTPM CA (HOSTDIR/ca/ca.key 0600, ca.pem), created on first use. */
TL_MUST_CHECK int tl_host_ca_ensure(const char *hostdir);
/* A new CA; the old key and certificate stay beside it as ca-<time>.key/.pem. */
TL_MUST_CHECK int tl_host_ca_rotate(const char *hostdir, char *old_pem, size_t cap);

/* vtpm/secret.c: the libvirt secret (usage vtpm) that encrypts a VM's TPM state. The
 * passphrase (64 hex digits from the system's random source) goes to libvirt and into
 * pass[] for swtpm_setup; *uuid the secret's. */
TL_MUST_CHECK int tl_host_secret_new(virConnectPtr conn, const char *vm_id, const char *name,
				     char pass[static 65], char uuid[static TL_HOST_UUID_LEN + 1]);
TL_MUST_CHECK int tl_host_secret_delete(virConnectPtr conn, const char *uuid);

/* vtpm/state.c: the TPM state of a VM at libvirt's path (SWTPM_DIR/<id>/tpm2, owner tss,
 * 0700), manufactured by swtpm_setup before the first boot: EK + EK certificate with
 * subject CN = id from the platform CA, platform certificate, NVRAM locked, encrypted with
 * the passphrase (aes-256-cbc, as libvirt runs swtpm). */
TL_MUST_CHECK int tl_host_vtpm_create(const char *hostdir, const char *vm_id, const char *pass,
				    const char *log);
void tl_host_vtpm_path(const char *vm_id, char *out, size_t cap);
TL_MUST_CHECK int tl_host_vtpm_delete(const char *vm_id);

/* vm/record.c: host records. */
void tl_host_vm_dir(const char *hostdir, const char *name, char *out, size_t cap);
TL_MUST_CHECK int tl_host_vm_save(const char *hostdir, const struct tl_host_vm *vm);
TL_MUST_CHECK int tl_host_vm_load(const char *hostdir, const char *name, struct tl_host_vm *vm);
/* The names of every host record, sorted; *names and each string malloc'd. */
TL_MUST_CHECK int tl_host_vm_names(const char *hostdir, char ***names, size_t *n);
void tl_host_names_free(char **names, size_t n);
/* A VM name: letters, digits, '-', '_', '.', not starting with '.' or '-'. */
bool tl_host_name_ok(const char *name);
/* A lower-case UUID (8-4-4-4-12 hex digits), as trustlaunchd gives VM ids. */
bool tl_host_uuid_ok(const char *s);
const char *tl_host_keys_name(enum tl_host_keys k);

/* vm/disk.c: the VM's directory (0711: QEMU's user reaches its files) and its disk, a
 * qcow2 overlay over IMAGE/esp.img made with qemu-img. */
TL_MUST_CHECK int tl_host_dir_make(const char *hostdir);
TL_MUST_CHECK int tl_host_vm_mkdir(const char *hostdir, const char *name);
TL_MUST_CHECK int tl_host_disk_create(const char *image, const char *disk);
TL_MUST_CHECK int tl_host_rm_tree(const char *path);

/* vm/run.c: runs a program (argv[0] looked up in PATH), its output into log (NULL: to
 * /dev/null); TL_E_HOST_TOOL when it could not start or did not exit 0. */
TL_MUST_CHECK int tl_host_run(const char *const *argv, const char *log);

/* custom Secure Boot keys into a VM's NVRAM: nvram/nvram.h (tl_host_nvram_custom). */
#include "nvram/nvram.h"

#endif
