/* GET /metrics (Prometheus text format, docs/posture.md): the counters of the request path
 * (http/metrics.c) and, when scraped, the alerts by type, severity and status, the webhook
 * events waiting, and the fleet's recommendation and assessment counts, from the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "metrics.h"

struct alert_counts {
	struct tl_buf *out;
};

static int alert_row(const char *const *c, int n, void *arg)
{
	struct tl_buf *out = arg;
	if (n != 4)
		return TL_E_STORE;
	tl_metrics_sample(out, "trustlaunch_alerts", c[3] ? strtod(c[3], NULL) : 0, "type",
			  c[0] ? c[0] : "", "severity", c[1] ? c[1] : "", "status",
			  c[2] ? c[2] : "", NULL);
	return TL_OK;
}

/* A collector: alerts by type, severity and status; webhook events waiting. */
static void posture(void *ctx, struct tl_buf *out)
{
	struct tl_server *srv = ctx;
	int64_t pending = 0;
	tl_metrics_family(out, "trustlaunch_alerts", "gauge",
			  "Alerts in the store, by type, severity and status.");
	if (tl_store_alert_counts(srv->store, "*", alert_row, out) != TL_OK)
		tl_metrics_store_error();
	tl_metrics_family(out, "trustlaunch_webhook_events_pending", "gauge",
			  "Webhook events not delivered yet (being tried again, or due).");
	if (tl_store_outbox_pending(srv->store, &pending) != TL_OK)
		tl_metrics_store_error();
	tl_metrics_sample(out, "trustlaunch_webhook_events_pending", (double)pending, NULL);
}

/* A collector: every tenant's VMs by recommendation and status, and by assessment (the
 * stored posture counted by the store: one GROUP BY over an index, docs/performance.md). */
static void fleet(void *ctx, struct tl_buf *out)
{
	struct tl_server *srv = ctx;
	struct tl_fleet_tally t;
	if (tl_api_fleet_tally(srv, "*", &t) != TL_OK) {
		tl_metrics_store_error();
		return;
	}
	tl_metrics_family(out, "trustlaunch_recommendations", "gauge",
			  "VMs by recommendation (severity low) and its status for them.");
	for (unsigned k = 0; k < TL_REC_COUNT; k++)
		for (int s = 0; s < 3; s++)
			tl_metrics_sample(out, "trustlaunch_recommendations", (double)t.rec[k][s],
					  "recommendation", tl_rec_def((enum tl_rec_id)k)->slug,
					  "status", tl_status_name((enum tl_status)s), NULL);
	tl_metrics_family(out, "trustlaunch_assessments", "gauge",
			  "VMs by boot-integrity assessment.");
	for (int s = 0; s < 3; s++)
		tl_metrics_sample(out, "trustlaunch_assessments", (double)t.assess[s], "status",
				  tl_status_name((enum tl_status)s), NULL);
}

void tl_api_metrics_init(struct tl_server *srv)
{
	tl_metrics_init();
	(void)tl_metrics_register(posture, srv);
	(void)tl_metrics_register(fleet, srv);
}

struct tl_resp tl_api_metrics(struct tl_req *r)
{
	struct tl_buf b;
	struct tl_resp resp = { 200, NULL, NULL, NULL };
	char why[160];
	tl_buf_init(&b, 8u << 20);
	tl_metrics_render(&b, tl_store_ready(r->srv->store, why, sizeof(why)) == TL_OK);
	if (b.err != TL_OK || !(resp.head = calloc(1, sizeof(*resp.head)))) {
		tl_buf_free(&b);
		return tl_http_error(503, "server.busy", "out of memory", NULL);
	}
	resp.text = tl_buf_take(&b);
	resp.head->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return resp;
}
