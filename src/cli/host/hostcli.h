/* The host commands of tl (docs/host.md): shared pieces of src/cli/host. */
#ifndef TL_HOSTCLI_H
#define TL_HOSTCLI_H

#include "cli.h"
#include "host.h"

/* --host-dir DIR, else $TL_HOST_DIR, else TL_HOST_DIR_DEFAULT, made absolute (libvirt
 * needs absolute paths) into out. False after saying why. */
bool tl_hostcli_dir(const char *opt, char *out, size_t cap);
/* Prints "tl: WHAT: MESSAGE (code)" for an error of src/host; returns TL_EXIT_CHECK. */
int tl_hostcli_fail(const char *what, int err);

/* What tl vm create and tl scaleset create ask for. */
struct tl_create_opts {
	const char *image, *size, *os, *scale_set, *keys_dir;
	char hostdir[TL_HOST_MAX_PATH];
	int type;                 /* enum tl_security_type: UNSET for the catalog's default */
	enum tl_host_keys keys;
	bool no_vtpm;
	unsigned memory_mib;
};
/* argv[*i] is one of the create options: 1 taken, 0 not ours, -1 bad value (said). */
int tl_create_option(int argc, char **argv, int *i, struct tl_create_opts *o);
void tl_create_defaults(struct tl_create_opts *o);
/* The catalog's decision on o; on a refusal prints the rule and returns TL_EXIT_CHECK. */
int tl_create_check(struct tl_create_opts *o);
/* Creates one VM NAME (the catalog already said yes): registers it with trustlaunchd,
 * makes its disk, NVRAM, vTPM and domain. *out (may be NULL) the summary as JSON. */
int tl_create_one(const struct tl_create_opts *o, const char *name, json_t **out);

/* create_baseline.c: the VM's baseline predicted from its image and NVRAM and set at
 * trustlaunchd ("predicted" into baseline), else "learned" (not built in, or the image
 * cannot be predicted: said on stderr). */
void tl_create_baseline(const char *image, const char *vars, const char *id, char *baseline,
			size_t cap);

/* A connected domain of a host VM by name, for the lifecycle commands; NULL after saying
 * why. */
virDomainPtr tl_hostcli_domain(virConnectPtr conn, const char *name);
/* libvirt's state of a domain as a word: running, shut off, paused, ..., or "undefined". */
const char *tl_hostcli_state(virConnectPtr conn, const char *name);
/* Milliseconds of the monotonic clock. */
double tl_hostcli_ms(void);

#endif
