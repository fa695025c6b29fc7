/* The webhook sender (docs/posture.md): a thread that leases due events from the outbox,
 * signs each as Standard Webhooks does and POSTs it with libcurl, records every attempt, and
 * tries a failed one again after an exponential back-off with jitter (up to MAX_ATTEMPTS). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "log.h"
#include "metrics.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/webhook.h"
#include "webhook_sender.h"

#define LEASE_S 60            /* an attempt that takes longer is another node's to retry */
#define BATCH 32
#define TIMEOUT_MS 10000L
#define MAX_ATTEMPTS 12       /* 1 s doubling to ~35 min: ~1.2 h of trying */
#define IDLE_NS 200000000L    /* a look at the outbox every 200 ms when idle */

struct tl_webhook_sender {
	struct tl_store *store;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	CURL *curl;               /* one handle: its connections are kept alive */
};

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n; /* the receiver's answer is not kept: its status is what counts */
}

/* Seconds until the next attempt: 2^attempts, at most ~35 min, with ±25 % jitter. */
static int64_t backoff(int attempts)
{
	uint8_t r[2] = { 0, 0 };
	int64_t base = (int64_t)1 << (attempts < 11 ? attempts : 11);
	int64_t span = base / 2 + 1;
	if (tl_random(r, sizeof(r)) != TL_OK)
		return base;
	return base - span / 2 + (int64_t)(((unsigned)r[0] << 8 | r[1]) % (unsigned)span);
}

/* One attempt: *status the receiver's answer (0: none), error a sentence when it failed. */
static void post(struct tl_webhook_sender *ws, const struct tl_outbox_item *it, long *status,
		 char *error, size_t cap)
{
	uint8_t key[TL_WEBHOOK_MAX_KEY];
	size_t klen;
	char sig[TL_WEBHOOK_SIG_TEXT], h_id[80], h_ts[48], h_sig[96], errbuf[CURL_ERROR_SIZE] = "";
	int64_t ts = (int64_t)time(NULL);
	struct curl_slist *hdr = NULL;
	CURLcode rc;

	*status = 0;
	if (tl_webhook_secret_parse(it->secret, key, &klen) != TL_OK ||
	    tl_webhook_sign(key, klen, it->event_id, ts, it->payload, strlen(it->payload), sig) !=
		    TL_OK) {
		snprintf(error, cap, "the webhook's secret is unusable");
		return;
	}
	snprintf(h_id, sizeof(h_id), "webhook-id: %s", it->event_id);
	snprintf(h_ts, sizeof(h_ts), "webhook-timestamp: %lld", (long long)ts);
	snprintf(h_sig, sizeof(h_sig), "webhook-signature: %s", sig);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, h_id);
	hdr = curl_slist_append(hdr, h_ts);
	hdr = curl_slist_append(hdr, h_sig);
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(ws->curl, CURLOPT_URL, it->url);
	curl_easy_setopt(ws->curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(ws->curl, CURLOPT_POSTFIELDS, it->payload);
	curl_easy_setopt(ws->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(it->payload));
	curl_easy_setopt(ws->curl, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(ws->curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(ws->curl, CURLINFO_RESPONSE_CODE, status);
	else
		snprintf(error, cap, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	curl_slist_free_all(hdr);
}

struct round {
	struct tl_webhook_sender *ws;
	size_t n;
};

static int deliver(const struct tl_outbox_item *it, void *arg)
{
	struct round *r = arg;
	struct tl_webhook_sender *ws = r->ws;
	struct timespec a, b;
	char error[256] = "";
	long status;
	int64_t now, next = 0;
	bool ok;
	clock_gettime(CLOCK_MONOTONIC, &a);
	post(ws, it, &status, error, sizeof(error));
	clock_gettime(CLOCK_MONOTONIC, &b);
	ok = status >= 200 && status < 300;
	if (!ok && !error[0])
		snprintf(error, sizeof(error), "the receiver answered %ld", status);
	now = (int64_t)time(NULL);
	if (!ok && it->attempts + 1 < MAX_ATTEMPTS)
		next = now + backoff(it->attempts);
	tl_metrics_webhook(ok);
	r->n++;
	return tl_store_outbox_done(ws->store, it, (int)status, ok ? "" : error,
				    (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000,
				    now, ok, next);
}

static void *run(void *arg)
{
	struct tl_webhook_sender *ws = arg;
	pthread_mutex_lock(&ws->lock);
	while (!ws->stopping) {
		struct timespec until;
		struct round r = { ws, 0 };
		pthread_mutex_unlock(&ws->lock);
		/* a store outage fails the round; the next one tries again */
		int err = tl_store_outbox_claim(ws->store, (int64_t)time(NULL), LEASE_S, BATCH,
						deliver, &r);
		if (err != TL_OK)
			tl_log("warn", "webhook outbox not read", "error", tl_err_name(err));
		pthread_mutex_lock(&ws->lock);
		if ((err == TL_OK && r.n == BATCH) || ws->stopping)
			continue; /* a whole batch was due: look again at once */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += IDLE_NS;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&ws->wake, &ws->lock, &until);
	}
	pthread_mutex_unlock(&ws->lock);
	return NULL;
}

int tl_webhook_sender_start(struct tl_store *store, struct tl_webhook_sender **out)
{
	struct tl_webhook_sender *ws = calloc(1, sizeof(*ws));
	if (!ws || !(ws->curl = curl_easy_init())) {
		free(ws);
		return TL_E_NOMEM;
	}
	ws->store = store;
	curl_easy_setopt(ws->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(ws->curl, CURLOPT_TIMEOUT_MS, TIMEOUT_MS);
	curl_easy_setopt(ws->curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(ws->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(ws->curl, CURLOPT_WRITEFUNCTION, discard);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(ws->curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(ws->curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	pthread_mutex_init(&ws->lock, NULL);
	pthread_cond_init(&ws->wake, NULL);
	if (pthread_create(&ws->thread, NULL, run, ws) != 0) {
		curl_easy_cleanup(ws->curl);
		free(ws);
		return TL_E_NOMEM;
	}
	*out = ws;
	return TL_OK;
}

void tl_webhook_sender_kick(struct tl_webhook_sender *ws)
{
	if (!ws)
		return;
	pthread_mutex_lock(&ws->lock);
	pthread_cond_signal(&ws->wake);
	pthread_mutex_unlock(&ws->lock);
}

void tl_webhook_sender_stop(struct tl_webhook_sender *ws)
{
	if (!ws)
		return;
	pthread_mutex_lock(&ws->lock);
	ws->stopping = true;
	pthread_cond_signal(&ws->wake);
	pthread_mutex_unlock(&ws->lock);
	pthread_join(ws->thread, NULL);
	curl_easy_cleanup(ws->curl);
	pthread_cond_destroy(&ws->wake);
	pthread_mutex_destroy(&ws->lock);
	free(ws);
}
