/* Prometheus metrics (src/server/http/metrics.c): what is counted, the histogram's buckets,
 * label escaping, collectors, and the whole text accepted by Prometheus' own checker
 * (promtool check metrics, from Debian's prometheus package). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "metrics.h"

static void collect(void *ctx, struct tl_buf *out)
{
	(void)ctx;
	tl_metrics_family(out, "trustlaunch_alerts", "gauge", "Alerts, by type and status.");
	tl_metrics_sample(out, "trustlaunch_alerts", 3, "type", "attestation_failure", "status",
			  "active", NULL);
	tl_metrics_sample(out, "trustlaunch_alerts", 0.5, "type", "q\"uote\\new\nline", NULL);
}

static char *render(void)
{
	struct tl_buf b;
	tl_buf_init(&b, 1 << 20);
	tl_metrics_render(&b, true);
	assert_int_equal(b.err, TL_OK);
	return tl_buf_take(&b);
}

static void metrics_render_counts_and_buckets(void **state)
{
	(void)state;
	char *t;
	tl_metrics_init();
	tl_metrics_attestation(true, 800);      /* 0.8 ms: first bucket */
	tl_metrics_attestation(true, 30000);    /* 30 ms: le 0.05 */
	tl_metrics_attestation(false, 2000000); /* 2 s: only +Inf */
	tl_metrics_refused(TL_REFUSED_NONCE);
	tl_metrics_http(200);
	tl_metrics_http(503);
	tl_metrics_http(999);
	assert_true(tl_metrics_register(collect, NULL));
	t = render();
	assert_non_null(strstr(t, "trustlaunch_attestations_total{verdict=\"healthy\"} 2\n"));
	assert_non_null(strstr(t, "trustlaunch_attestations_total{verdict=\"unhealthy\"} 1\n"));
	assert_non_null(strstr(t, "_bucket{le=\"0.001\"} 1\n"));
	assert_non_null(strstr(t, "_bucket{le=\"0.025\"} 1\n"));
	assert_non_null(strstr(t, "_bucket{le=\"0.05\"} 2\n"));
	assert_non_null(strstr(t, "_bucket{le=\"1\"} 2\n"));
	assert_non_null(strstr(t, "_bucket{le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(t, "trustlaunch_attestation_duration_seconds_sum 2.0308\n"));
	assert_non_null(strstr(t, "trustlaunch_attestation_duration_seconds_count 3\n"));
	assert_non_null(strstr(t, "refused_total{cause=\"nonce\"} 1\n"));
	assert_non_null(strstr(t, "{class=\"5xx\"} 1\n"));
	assert_non_null(strstr(t, "{class=\"other\"} 1\n"));
	assert_non_null(strstr(t, "trustlaunch_store_up 1\n"));
	assert_non_null(strstr(t, "{type=\"q\\\"uote\\\\new\\nline\"} 0.5\n"));
	free(t);
}

static void metrics_render_passes_promtool(void **state)
{
	(void)state;
	char *t, cmd[256], path[] = "/tmp/tl-metrics-XXXXXX";
	int fd, rc;
	FILE *f;
	tl_metrics_init();
	tl_metrics_attestation(false, 12345);
	assert_true(tl_metrics_register(collect, NULL));
	t = render();
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(t, f);
	fclose(f);
	free(t);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s", path);
	rc = system(cmd);
	unlink(path);
	assert_int_equal(rc, 0); /* promtool missing is a failure too: scripts/bootstrap has it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(metrics_render_counts_and_buckets),
		cmocka_unit_test(metrics_render_passes_promtool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
