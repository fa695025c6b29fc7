/* Hosts and what their daemons report of each libvirt domain (docs/hostd.md): the domain's
 * real security profile from the last inventory, and its host state (running, stopped,
 * boot_failed with the reason and the last console lines). Profile and state are written
 * by different reports, so each write leaves the other's columns as they are. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

void tl_vm_host_clear(struct tl_vm_host *h)
{
	free(h->profile);
	free(h->console);
	h->profile = h->console = NULL;
}

int tl_store_vm_host_profile(struct tl_store *s, const struct tl_vm_host *h)
{
	char seen[24], inv[24];
	const char *p[7] = { h->vm_id, h->host, h->domain, h->profile ? h->profile : "{}",
			     h->trustlaunch ? "1" : "0", seen, inv };
	snprintf(seen, sizeof(seen), "%" PRId64, h->seen);
	snprintf(inv, sizeof(inv), "%" PRId64, h->inv);
	return tl_store_run(s,
			    "INSERT INTO vm_host (vm_id, host, domain, profile, trustlaunch, seen, "
			    "state, reason, console, state_at, inv) VALUES ($1, $2, $3, $4, $5, $6, "
			    "'', '', '[]', 0, $7) ON CONFLICT (vm_id) DO UPDATE SET host = "
			    "excluded.host, domain = excluded.domain, profile = excluded.profile, "
			    "trustlaunch = excluded.trustlaunch, seen = excluded.seen, inv = excluded.inv",
			    p, 7, NULL, NULL);
}

int tl_store_vm_host_forget(struct tl_store *s, const char *host, int64_t inv)
{
	char stamp[24];
	const char *p[2] = { host, stamp };
	snprintf(stamp, sizeof(stamp), "%" PRId64, inv);
	return tl_store_run(s,
			    "UPDATE vm_host SET host = '', domain = '' WHERE host = $1 AND inv <> $2",
			    p, 2, NULL, NULL);
}

int tl_store_vm_host_state(struct tl_store *s, const struct tl_vm_host *h)
{
	char at[24];
	const char *p[5] = { h->vm_id, h->state, h->reason, h->console ? h->console : "[]", at };
	snprintf(at, sizeof(at), "%" PRId64, h->state_at);
	return tl_store_run(s,
			    "INSERT INTO vm_host (vm_id, host, domain, profile, trustlaunch, seen, "
			    "state, reason, console, state_at) VALUES ($1, '', '', '{}', 0, 0, $2, "
			    "$3, $4, $5) ON CONFLICT (vm_id) DO UPDATE SET state = excluded.state, "
			    "reason = excluded.reason, console = excluded.console, state_at = "
			    "excluded.state_at",
			    p, 5, NULL, NULL);
}

struct one {
	struct tl_vm_host *h;
	bool found;
};

static int host_row(const char *const *c, int n, void *arg)
{
	struct one *o = arg;
	struct tl_vm_host *h = o->h;
	if (n != 10)
		return TL_E_STORE;
	copy(h->vm_id, sizeof(h->vm_id), c[0]);
	copy(h->host, sizeof(h->host), c[1]);
	copy(h->domain, sizeof(h->domain), c[2]);
	h->profile = strdup(c[3] ? c[3] : "{}");
	h->trustlaunch = c[4] && strcmp(c[4], "0") != 0;
	h->seen = c[5] ? strtoll(c[5], NULL, 10) : 0;
	copy(h->state, sizeof(h->state), c[6]);
	copy(h->reason, sizeof(h->reason), c[7]);
	h->console = strdup(c[8] ? c[8] : "[]");
	h->state_at = c[9] ? strtoll(c[9], NULL, 10) : 0;
	o->found = true;
	return h->profile && h->console ? TL_OK : TL_E_NOMEM;
}

int tl_store_vm_host_get(struct tl_store *s, const char *vm_id, struct tl_vm_host *out)
{
	struct one o = { out, false };
	const char *p[1] = { vm_id };
	int err;
	memset(out, 0, sizeof(*out));
	err = tl_store_run(s,
			   "SELECT vm_id, host, domain, profile, trustlaunch, seen, state, reason, "
			   "console, state_at FROM vm_host WHERE vm_id = $1",
			   p, 1, host_row, &o);
	if (err != TL_OK)
		tl_vm_host_clear(out);
	return err == TL_OK && !o.found ? TL_E_STORE_NOT_FOUND : err;
}

/* One (state, reason) group: its count added where it belongs. */
static int count_row(const char *const *c, int n, void *arg)
{
	struct tl_host_state_counts *t = arg;
	if (n != 3 || !c[0] || !c[1] || !c[2])
		return TL_E_STORE;
	int64_t k = strtoll(c[2], NULL, 10);
	if (strcmp(c[0], "stopped") == 0)
		t->stopped += k;
	if (strcmp(c[0], "boot_failed") != 0)
		return TL_OK;
	t->boot_failed += k;
	if (strcmp(c[1], "secure_boot_refused") == 0)
		t->secure_boot_refused += k;
	else if (strcmp(c[1], "boot_deadline") == 0)
		t->boot_deadline += k;
	return TL_OK;
}

int tl_store_vm_host_counts(struct tl_store *s, const char *tenant,
			    struct tl_host_state_counts *out)
{
	struct tl_host_state_counts t = { 0 };
	const char *p[1] = { tenant };
	/* the VM's row by its key for its tenant: vm_host has no tenant of its own */
	int err = tl_store_run(s,
			       "SELECT h.state, h.reason, count(*) FROM vm_host h JOIN vms v ON v.id "
			       "= h.vm_id WHERE h.state IN ('boot_failed', 'stopped') AND ($1 = '*' OR "
			       "v.tenant = $1) GROUP BY h.state, h.reason",
			       p, 1, count_row, &t);
	if (err == TL_OK)
		*out = t;
	return err;
}

int tl_store_host_put(struct tl_store *s, const struct tl_host *h)
{
	char domains[24], seen[24];
	const char *p[4] = { h->host, h->tenant, domains, seen };
	snprintf(domains, sizeof(domains), "%" PRId64, h->domains);
	snprintf(seen, sizeof(seen), "%" PRId64, h->seen);
	return tl_store_run(s,
			    "INSERT INTO hosts (host, tenant, domains, seen) VALUES ($1, $2, $3, $4) "
			    "ON CONFLICT (host) DO UPDATE SET tenant = excluded.tenant, domains = "
			    "excluded.domains, seen = excluded.seen",
			    p, 4, NULL, NULL);
}

struct each {
	int (*fn)(const struct tl_host *h, void *arg);
	void *arg;
};

static int each_host(const char *const *c, int n, void *arg)
{
	struct each *e = arg;
	struct tl_host h;
	if (n != 4)
		return TL_E_STORE;
	memset(&h, 0, sizeof(h));
	copy(h.host, sizeof(h.host), c[0]);
	copy(h.tenant, sizeof(h.tenant), c[1]);
	h.domains = c[2] ? strtoll(c[2], NULL, 10) : 0;
	h.seen = c[3] ? strtoll(c[3], NULL, 10) : 0;
	return e->fn(&h, e->arg);
}

int tl_store_host_list(struct tl_store *s, const char *tenant, const char *after_host,
		       size_t limit, int (*fn)(const struct tl_host *h, void *arg), void *arg)
{
	struct each e = { fn, arg };
	char lim[24];
	const char *p[3] = { tenant, after_host ? after_host : "", lim };
	snprintf(lim, sizeof(lim), "%zu", limit);
	return tl_store_run(s,
			    "SELECT host, tenant, domains, seen FROM hosts WHERE ($1 = '*' OR tenant "
			    "= $1) AND host > $2 ORDER BY host LIMIT $3",
			    p, 3, each_host, &e);
}
