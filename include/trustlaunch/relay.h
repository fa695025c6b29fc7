/* A guest's HTTP/1.1 request, as the host daemon (tl-hostd) reads it from the VM's agent
 * channel before relaying it to trustlaunchd (docs/hostd.md). The guest is hostile: only
 * the agent's endpoints of that VM's own id pass, framed strictly (CRLF, one Content-Length,
 * no Transfer-Encoding), within the limits the service has for them (trustlaunch/wire.h).
 * The relay rebuilds the request from this typed result, never from the guest's bytes. */
#ifndef TRUSTLAUNCH_RELAY_H
#define TRUSTLAUNCH_RELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "trustlaunch/rd.h"

#define TL_RELAY_MAX_HEAD 8192u          /* request line and headers, with the blank line */
#define TL_RELAY_MAX_SMALL_BODY 65536u   /* challenge, enroll, activate (the service's) */
#define TL_RELAY_MAX_AUTH 512u           /* characters of the Authorization value */
#define TL_RELAY_ID_LEN 37u              /* a lower-case UUID and its NUL */

enum tl_relay_ep {
	TL_RELAY_CHALLENGE, /* POST /v1/vms/{vm}/challenge */
	TL_RELAY_ATTEST,    /* POST /v1/vms/{vm}/attest */
	TL_RELAY_ENROLL,    /* POST /v1/vms/{vm}/enroll */
	TL_RELAY_ACTIVATE,  /* POST /v1/vms/{vm}/enroll/{eid}/activate */
};

struct tl_relay_req {
	enum tl_relay_ep ep;
	char eid[TL_RELAY_ID_LEN];             /* TL_RELAY_ACTIVATE: the enrolment's id */
	char auth[TL_RELAY_MAX_AUTH + 1];      /* the Authorization value, "" when none */
	size_t head_len, body_len;
};

/* The request at the start of in, for the VM vm_id (a lower-case UUID). TL_OK with
 * *complete false: the bytes so far are a valid beginning. TL_OK with *complete: the head
 * is head_len bytes and the body_len bytes after it are all there. Errors: TL_E_RELAY_METHOD
 * (not POST), TL_E_RELAY_ENDPOINT, TL_E_RELAY_OTHER_VM, TL_E_RELAY_HEADER, TL_E_HTTP_MALFORMED,
 * TL_E_HTTP_UNSUPPORTED (Transfer-Encoding, not HTTP/1.1), TL_E_HTTP_TOO_LARGE (head or
 * declared body past the limits). */
TL_MUST_CHECK int tl_relay_parse(struct tl_bytes in, const char *vm_id, struct tl_relay_req *out,
				 bool *complete);
/* The path of the request for vm_id, rebuilt from the typed result (out: cap bytes). */
TL_MUST_CHECK int tl_relay_path(const struct tl_relay_req *req, const char *vm_id, char *out,
				size_t cap);
/* Whether s is a lower-case UUID (8-4-4-4-12 hex digits). */
bool tl_relay_uuid(const char *s);

#endif
