/* The agent's HTTP/1.1 over TCP, TLS for https (net.c). */
#ifndef TRUSTLAUNCH_AGENT_NET_H
#define TRUSTLAUNCH_AGENT_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "trustlaunch/err.h"

#define TL_NET_WHY 512u

struct tl_net_url {
	bool tls;
	char host[256];      /* name or address, without brackets */
	char port[8];
	char authority[400]; /* HOST[:PORT] as written: the Host header */
};

/* One request to url (http(s)://HOST[:PORT]) + path, its answer's status and body (malloc'd,
 * NUL-terminated), all within timeout_ms. https verifies the certificate chain against cacert
 * (PEM; NULL: the system's CAs) and the host name or IP address. On failure *why says what. */
TL_MUST_CHECK int tl_net_exchange(const char *url, const char *cacert, const char *method,
				  const char *path, const char *bearer, const char *body,
				  size_t body_len, int timeout_ms, int *status, char **answer,
				  size_t *answer_len, char why[static TL_NET_WHY]);

#endif
