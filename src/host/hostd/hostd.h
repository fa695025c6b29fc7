/* tl-hostd, the host daemon (docs/hostd.md): watches libvirt, relays each running
 * trustlaunch VM's agent channel to trustlaunchd bound to that VM's id, watches boots, and
 * reports every domain of the host with its real security profile. */
#ifndef TL_HOSTD_H
#define TL_HOSTD_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "host.h" /* struct tl_host_profile: what a domain's XML says */
#include "trustlaunch/relay.h"

#define HOSTD_CONSOLE_LINES 20u  /* console lines kept and reported */
#define HOSTD_CONSOLE_WIDTH 200u /* characters of a reported line, escaped */

struct hostd_opts {
	const char *host_dir, *server, *token_file, *uri, *host_name;
	const char *match;              /* only domains whose name starts with it ("": all) */
	char token[257];
	int64_t boot_deadline_ms, inventory_ms;
	bool destroy_on_failure;
	/* the relay's per-VM budget: requests and bytes in a window */
	unsigned budget_requests;
	size_t budget_bytes;
	int64_t budget_window_ms;
};

/* A running trustlaunch VM the daemon looks after (vms.c). */
struct hvm {
	struct tl_host_profile dom;
	const struct hostd_opts *opts;
	/* relay (relay.c): its own thread */
	pthread_t thread;
	bool thread_on;
	atomic_bool stop;
	atomic_bool contact;            /* the agent's first valid request arrived */
	atomic_uint_fast64_t relayed, refused;
	/* boot watch (bootwatch.c): on the event loop's thread */
	int64_t started_ms;
	bool decided;                   /* contact seen or a failure reported */
	bool failed;                    /* boot_failed reported: "stopped" does not overwrite it */
	long console_off;
	char partial[HOSTD_CONSOLE_WIDTH + 1];
	size_t partial_len;
	char lines[HOSTD_CONSOLE_LINES][HOSTD_CONSOLE_WIDTH + 1];
	unsigned nlines, first;
	struct hvm *next;
};

/* upstream.c: HTTP to trustlaunchd (libcurl). handle: a CURL easy handle kept by the caller
 * (its connection reused), or NULL for a one-off. bearer: the whole Authorization value or
 * NULL. *status and *answer (malloc'd, at most 4 MiB) on TL_OK. */
int hostd_http(void *handle, const char *server, const char *method, const char *path,
	       const char *bearer, const void *body, size_t len, long timeout_ms, long *status,
	       char **answer, size_t *answer_len);
/* The daemon's own reports: JSON body, the operator token; logs a failure. */
int hostd_report(const struct hostd_opts *o, const char *method, const char *path, json_t *body);

/* relay.c */
int hostd_relay_start(struct hvm *v);
void hostd_relay_stop(struct hvm *v);

/* bootwatch.c: one look at the console and the clock; true once the boot is decided. A
 * failure is reported; destroy is set when the domain should be destroyed. */
bool hostd_bootwatch_tick(struct hvm *v, int64_t now_ms, bool *destroy);
void hostd_report_state(const struct hostd_opts *o, const char *uuid, const char *state,
			const char *reason, struct hvm *v);

/* inventory.c: every domain of the connection (void *: virConnectPtr) */
int hostd_inventory(const struct hostd_opts *o, void *conn);

int64_t hostd_now_ms(void);
/* Whether the daemon looks at this domain at all (--match). */
bool hostd_matches(const struct hostd_opts *o, const char *name);
/* Whether a trustlaunch domain is this daemon's: its agent channel is under
 * HOSTDIR/vms/ (another daemon, with another host directory, relays the others). */
bool hostd_owns(const struct hostd_opts *o, const struct tl_host_profile *d);

#endif
