/* Store failures in the log (logfmt): the cause, by connection and operation, at most
 * STORE_LOG_PER_SECOND lines a second. A database that is down fails every request; a line
 * each would drown the log, so the next line that is written says how many were left out. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store_backend.h"

#define STORE_LOG_PER_SECOND 5
#define STORE_LOG_OP_LEN 60 /* of the statement's text: our own literal, never a value */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static time_t window;
static unsigned used;
static unsigned long dropped;

/* Whether this line may be written now, and how many were left out before it. */
static bool allowed(unsigned long *left_out)
{
	time_t now = time(NULL);
	bool say;
	pthread_mutex_lock(&lock);
	if (now != window) {
		window = now;
		used = 0;
	}
	say = used < STORE_LOG_PER_SECOND;
	if (say) {
		used++;
		*left_out = dropped;
		dropped = 0;
	} else {
		dropped++;
	}
	pthread_mutex_unlock(&lock);
	return say;
}

void tl_store_log(const char *level, const char *msg, const struct tl_store *c, const char *op,
		  const char *error)
{
	char opbuf[STORE_LOG_OP_LEN + 1], left[24];
	unsigned long was = 0;
	if (!allowed(&was))
		return;
	snprintf(opbuf, sizeof(opbuf), "%.*s", (int)strcspn(op ? op : "", "\n"), op ? op : "");
	const char *kv[10] = { "module", "store", "conn", c && c->role ? c->role : "main", "op",
			       opbuf, "error", error ? error : "" };
	size_t n = 4;
	if (was) {
		snprintf(left, sizeof(left), "%lu", was);
		kv[8] = "suppressed";
		kv[9] = left;
		n = 5;
	}
	tl_log_kv(level, msg, kv, n);
}
