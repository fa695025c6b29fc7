/* Prometheus metrics of trustlaunchd (GET /metrics, text format 0.0.4): counters and a
 * latency histogram kept with atomics on the request path, and families that other parts
 * compute when scraped (posture counts from the store). docs/api.md lists every metric. */
#ifndef TL_SERVER_METRICS_H
#define TL_SERVER_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "trustlaunch/buf.h"

/* Why an attestation got no verdict (it was refused before one was made). */
enum tl_metric_refusal {
	TL_REFUSED_MALFORMED = 0, /* 400: the evidence did not decode */
	TL_REFUSED_NONCE,         /* 409: nonce expired, forged or used */
	TL_REFUSED_STALE,         /* 409: the VM's TPM or last quote changed meanwhile */
	TL_REFUSED_STORE,         /* 503: not recorded */
	TL_REFUSED_N
};

/* An attestation answered with a verdict, and how long it took from its request (µs). */
void tl_metrics_attestation(bool healthy, uint64_t micros);
void tl_metrics_refused(enum tl_metric_refusal why);
/* Any answer of the HTTP layer, by its status. */
void tl_metrics_http(unsigned status);
/* A webhook delivery attempt: delivered (2xx) or not. */
void tl_metrics_webhook(bool delivered);
/* A store operation failed. */
void tl_metrics_store_error(void);

/* A family computed when scraped: writes "# HELP", "# TYPE" and its samples into out. */
typedef void (*tl_metrics_collect_fn)(void *ctx, struct tl_buf *out);
/* At start, before serving; at most 16. false when full. */
bool tl_metrics_register(tl_metrics_collect_fn fn, void *ctx);
/* At start (and in tests): every counter to zero, no collectors, the start time now. */
void tl_metrics_init(void);

/* Helpers for collectors. The name is a metric name of ours ([a-z_]+); labels are
 * alternating name, value pairs ending with NULL, values escaped as the format asks. */
void tl_metrics_family(struct tl_buf *out, const char *name, const char *type,
		       const char *help);
void tl_metrics_sample(struct tl_buf *out, const char *name, double value, ...)
	__attribute__((sentinel));

/* Every metric as the text format; store_up: the readiness of the store (a gauge). */
void tl_metrics_render(struct tl_buf *out, bool store_up);

#endif
