/* Prometheus metrics (metrics.h): relaxed atomic counters on the request path, rendered on
 * scrape. Label values are ours (verdicts, classes) or escaped (backslash, quote, newline). */
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "metrics.h"

/* Attestation latency buckets, seconds: the service answers in ms, commits in tens of ms. */
static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1 };
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))
#define MAX_COLLECTORS 16

static atomic_uint_fast64_t verdicts[2];            /* healthy, unhealthy */
static atomic_uint_fast64_t latency[NBUCKETS + 1];  /* per bucket, the last +Inf */
static atomic_uint_fast64_t latency_us_sum;
static atomic_uint_fast64_t refused[TL_REFUSED_N];
static atomic_uint_fast64_t http_class[6];           /* 1xx .. 5xx, [0] other */
static atomic_uint_fast64_t webhooks[2];             /* delivered, failed */
static atomic_uint_fast64_t store_errors;
static struct {
	tl_metrics_collect_fn fn;
	void *ctx;
} collectors[MAX_COLLECTORS];
static size_t ncollectors;
static int64_t started;

static void inc(atomic_uint_fast64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static uint64_t get(atomic_uint_fast64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void tl_metrics_attestation(bool healthy, uint64_t micros)
{
	size_t b = 0;
	inc(&verdicts[healthy ? 0 : 1]);
	while (b < NBUCKETS && (double)micros / 1e6 > buckets[b])
		b++;
	inc(&latency[b]);
	atomic_fetch_add_explicit(&latency_us_sum, micros, memory_order_relaxed);
}

void tl_metrics_refused(enum tl_metric_refusal why)
{
	if ((unsigned)why < TL_REFUSED_N)
		inc(&refused[why]);
}

void tl_metrics_http(unsigned status)
{
	inc(&http_class[status >= 100 && status < 600 ? status / 100 : 0]);
}

void tl_metrics_webhook(bool delivered)
{
	inc(&webhooks[delivered ? 0 : 1]);
}

void tl_metrics_store_error(void)
{
	inc(&store_errors);
}

bool tl_metrics_register(tl_metrics_collect_fn fn, void *ctx)
{
	if (ncollectors >= MAX_COLLECTORS)
		return false;
	collectors[ncollectors].fn = fn;
	collectors[ncollectors++].ctx = ctx;
	return true;
}

void tl_metrics_init(void)
{
	for (size_t i = 0; i < 2; i++) {
		atomic_store(&verdicts[i], 0);
		atomic_store(&webhooks[i], 0);
	}
	for (size_t i = 0; i <= NBUCKETS; i++)
		atomic_store(&latency[i], 0);
	for (size_t i = 0; i < TL_REFUSED_N; i++)
		atomic_store(&refused[i], 0);
	for (size_t i = 0; i < 6; i++)
		atomic_store(&http_class[i], 0);
	atomic_store(&latency_us_sum, 0);
	atomic_store(&store_errors, 0);
	ncollectors = 0;
	started = (int64_t)time(NULL);
}

void tl_metrics_family(struct tl_buf *out, const char *name, const char *type, const char *help)
{
	tl_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void escaped(struct tl_buf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"') {
			tl_buf_putc(out, '\\');
			tl_buf_putc(out, *v);
		} else if (*v == '\n')
			tl_buf_puts(out, "\\n");
		else
			tl_buf_putc(out, *v);
	}
}

void tl_metrics_sample(struct tl_buf *out, const char *name, double value, ...)
{
	va_list ap;
	const char *k;
	bool first = true;
	tl_buf_puts(out, name);
	va_start(ap, value);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		tl_buf_printf(out, "%s%s=\"", first ? "{" : ",", k);
		escaped(out, v ? v : "");
		tl_buf_putc(out, '"');
		first = false;
	}
	va_end(ap);
	if (!first)
		tl_buf_putc(out, '}');
	if (isinf(value))
		tl_buf_puts(out, value > 0 ? " +Inf\n" : " -Inf\n");
	else if (value == floor(value) && fabs(value) < 9e15)
		tl_buf_printf(out, " %.0f\n", value);
	else
		tl_buf_printf(out, " %.9g\n", value);
}

static void attestations(struct tl_buf *out)
{
	static const char *const why[TL_REFUSED_N] = { "malformed", "nonce", "stale", "store" };
	uint64_t cum = 0;
	char le[32];
	tl_metrics_family(out, "trustlaunch_attestations_total", "counter",
			  "Attestations answered with a verdict, by verdict.");
	tl_metrics_sample(out, "trustlaunch_attestations_total", (double)get(&verdicts[0]),
			  "verdict", "healthy", NULL);
	tl_metrics_sample(out, "trustlaunch_attestations_total", (double)get(&verdicts[1]),
			  "verdict", "unhealthy", NULL);
	tl_metrics_family(out, "trustlaunch_attestations_refused_total", "counter",
			  "Attestations refused before a verdict, by cause.");
	for (size_t i = 0; i < TL_REFUSED_N; i++)
		tl_metrics_sample(out, "trustlaunch_attestations_refused_total",
				  (double)get(&refused[i]), "cause", why[i], NULL);
	tl_metrics_family(out, "trustlaunch_attestation_duration_seconds", "histogram",
			  "Time from an attestation's request to its verdict being durable.");
	for (size_t b = 0; b <= NBUCKETS; b++) {
		cum += get(&latency[b]);
		if (b < NBUCKETS)
			snprintf(le, sizeof(le), "%g", buckets[b]);
		tl_metrics_sample(out, "trustlaunch_attestation_duration_seconds_bucket", (double)cum,
				  "le", b < NBUCKETS ? le : "+Inf", NULL);
	}
	tl_metrics_sample(out, "trustlaunch_attestation_duration_seconds_sum",
			  (double)get(&latency_us_sum) / 1e6, NULL);
	tl_metrics_sample(out, "trustlaunch_attestation_duration_seconds_count", (double)cum, NULL);
}

static void service(struct tl_buf *out, bool store_up)
{
	static const char *const cls[6] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };
	tl_metrics_family(out, "trustlaunch_http_responses_total", "counter",
			  "HTTP answers, by status class.");
	for (size_t i = 0; i < 6; i++)
		tl_metrics_sample(out, "trustlaunch_http_responses_total",
				  (double)get(&http_class[i]), "class", cls[i], NULL);
	tl_metrics_family(out, "trustlaunch_webhook_deliveries_total", "counter",
			  "Webhook delivery attempts, by result.");
	tl_metrics_sample(out, "trustlaunch_webhook_deliveries_total", (double)get(&webhooks[0]),
			  "result", "delivered", NULL);
	tl_metrics_sample(out, "trustlaunch_webhook_deliveries_total", (double)get(&webhooks[1]),
			  "result", "failed", NULL);
	tl_metrics_family(out, "trustlaunch_store_errors_total", "counter",
			  "Store operations that failed.");
	tl_metrics_sample(out, "trustlaunch_store_errors_total", (double)get(&store_errors), NULL);
	tl_metrics_family(out, "trustlaunch_store_up", "gauge",
			  "1 when the store answered the readiness check, else 0.");
	tl_metrics_sample(out, "trustlaunch_store_up", store_up ? 1 : 0, NULL);
	tl_metrics_family(out, "trustlaunch_start_time_seconds", "gauge",
			  "When this trustlaunchd started (Unix seconds).");
	tl_metrics_sample(out, "trustlaunch_start_time_seconds", (double)started, NULL);
}

void tl_metrics_render(struct tl_buf *out, bool store_up)
{
	attestations(out);
	service(out, store_up);
	for (size_t i = 0; i < ncollectors; i++)
		collectors[i].fn(collectors[i].ctx, out);
}
