/* libvirt's event loop (virEventRegisterDefaultImpl): lifecycle events of every domain, a
 * tick each second for the boot watch, the periodic inventory, and reconnection with
 * back-off when libvirtd goes away. The VMs looked after are kept here; each one's relay has
 * its own thread (relay.c), everything else runs on this one. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hostd.h"
#include "log.h"

#define BACKOFF_MAX_MS 30000

static struct {
	const struct hostd_opts *o;
	virConnectPtr conn;
	int cb_id;
	struct hvm *vms;
	int64_t next_inventory, next_connect, backoff;
	volatile sig_atomic_t quit;
} L;

int64_t hostd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct hvm *find(const char *uuid, struct hvm ***link)
{
	struct hvm **p = &L.vms;
	for (; *p; p = &(*p)->next)
		if (strcmp((*p)->dom.uuid, uuid) == 0)
			break;
	if (link)
		*link = p;
	return *p;
}

/* A running trustlaunch domain: looked after from now (its relay, and the boot watch when
 * booting: a domain found already running when the daemon (re)connects booted unwatched,
 * and its agent may call only at its next period, so no deadline applies to it). */
static void track(virDomainPtr dom, bool booting)
{
	struct tl_host_profile d;
	char *xml = virDomainGetXMLDesc(dom, 0);
	struct hvm *v;
	int err = xml ? tl_host_profile_read(xml, &d) : TL_E_HOST_LIBVIRT;
	free(xml);
	if (err != TL_OK || !hostd_matches(L.o, d.name) || !hostd_owns(L.o, &d) ||
	    find(d.uuid, NULL))
		return;
	if (!(v = calloc(1, sizeof(*v))))
		return;
	v->dom = d;
	v->opts = L.o;
	v->started_ms = hostd_now_ms();
	v->decided = !booting;
	v->next = L.vms;
	L.vms = v;
	if (hostd_relay_start(v) != TL_OK)
		tl_log("error", "the relay did not start", "vm", d.uuid);
	hostd_report_state(L.o, d.uuid, "running", NULL, NULL);
}

static void untrack(const char *uuid)
{
	struct hvm **link, *v = find(uuid, &link);
	if (!v)
		return;
	*link = v->next;
	hostd_relay_stop(v);
	free(v);
}

/* Every running trustlaunch domain tracked (after a (re)connection, and each inventory:
 * events missed while libvirtd was away are caught up). */
static void sync_running(void)
{
	virDomainPtr *doms = NULL, dom;
	int n = virConnectListAllDomains(L.conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	struct hvm *v, *next;
	for (int i = 0; i < n; i++) {
		track(doms[i], false);
		virDomainFree(doms[i]);
	}
	free(doms);
	for (v = L.vms; n >= 0 && v; v = next) { /* stopped while the connection was away */
		next = v->next;
		if ((dom = virDomainLookupByUUIDString(L.conn, v->dom.uuid)) &&
		    virDomainIsActive(dom) == 1) {
			virDomainFree(dom);
			continue;
		}
		if (dom)
			virDomainFree(dom);
		if (!v->failed)
			hostd_report_state(L.o, v->dom.uuid, "stopped", NULL, NULL);
		untrack(v->dom.uuid);
	}
}

static int lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	(void)conn;
	(void)detail;
	(void)opaque;
	if (virDomainGetUUIDString(dom, uuid) != 0)
		return 0;
	if (event == VIR_DOMAIN_EVENT_STARTED) {
		track(dom, true);
	} else if (event == VIR_DOMAIN_EVENT_STOPPED) {
		struct hvm *v = find(uuid, NULL);
		bool report = v && !v->failed;
		untrack(uuid);
		if (report)
			hostd_report_state(L.o, uuid, "stopped", NULL, NULL);
	}
	L.next_inventory = hostd_now_ms() + 1000; /* soon, once a burst of events is over */
	return 0;
}

static void on_close(virConnectPtr conn, int reason, void *opaque)
{
	(void)conn;
	(void)opaque;
	tl_log("warn", "libvirtd connection closed", "reason",
	       reason == VIR_CONNECT_CLOSE_REASON_EOF ? "eof" : "error");
	L.next_connect = 0; /* the tick reconnects */
}

static void disconnect(void)
{
	if (!L.conn)
		return;
	if (L.cb_id >= 0)
		(void)virConnectDomainEventDeregisterAny(L.conn, L.cb_id);
	(void)virConnectUnregisterCloseCallback(L.conn, on_close);
	virConnectClose(L.conn);
	L.conn = NULL;
	L.cb_id = -1;
}

/* (Re)connects; on failure the next attempt waits twice as long, up to 30 s. */
static void connect_libvirt(int64_t now)
{
	disconnect();
	L.conn = virConnectOpen(L.o->uri);
	if (L.conn) {
		L.cb_id = virConnectDomainEventRegisterAny(
			L.conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
			VIR_DOMAIN_EVENT_CALLBACK(lifecycle), NULL, NULL);
		(void)virConnectRegisterCloseCallback(L.conn, on_close, NULL, NULL);
	}
	if (!L.conn || L.cb_id < 0) {
		disconnect();
		L.backoff = L.backoff ? L.backoff * 2 : 500;
		if (L.backoff > BACKOFF_MAX_MS)
			L.backoff = BACKOFF_MAX_MS;
		L.next_connect = now + L.backoff;
		tl_log("warn", "libvirtd not reachable; retrying", "uri", L.o->uri);
		return;
	}
	L.backoff = 0;
	tl_log("info", "connected to libvirtd", "uri", L.o->uri);
	sync_running();
	L.next_inventory = now;
}

/* The boot watch of each VM; a failed boot's domain destroyed when so configured. */
static void watch_boots(int64_t now)
{
	for (struct hvm *v = L.vms; v; v = v->next) {
		bool destroy = false;
		virDomainPtr dom;
		if (hostd_bootwatch_tick(v, now, &destroy) && destroy && L.conn &&
		    (dom = virDomainLookupByUUIDString(L.conn, v->dom.uuid))) {
			(void)virDomainDestroy(dom);
			virDomainFree(dom);
		}
	}
}

static void tick(int timer, void *opaque)
{
	int64_t now = hostd_now_ms();
	(void)timer;
	(void)opaque;
	if (!L.conn || !virConnectIsAlive(L.conn)) {
		if (now >= L.next_connect)
			connect_libvirt(now);
		if (!L.conn)
			return;
	}
	watch_boots(now);
	if (now >= L.next_inventory) {
		sync_running();
		(void)hostd_inventory(L.o, L.conn);
		L.next_inventory = now + L.o->inventory_ms;
	}
}

static void on_signal(int sig)
{
	(void)sig;
	L.quit = 1;
}

int hostd_run(const struct hostd_opts *o)
{
	struct sigaction sa = { .sa_handler = on_signal };
	L.o = o;
	L.cb_id = -1;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (virEventRegisterDefaultImpl() != 0 || virEventAddTimeout(1000, tick, NULL, NULL) < 0)
		return TL_E_IO;
	tick(0, NULL);
	while (!L.quit)
		if (virEventRunDefaultImpl() != 0)
			break;
	while (L.vms)
		untrack(L.vms->dom.uuid);
	disconnect();
	return TL_OK;
}
