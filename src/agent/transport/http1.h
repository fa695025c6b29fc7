/* The agent's HTTP/1.1 over a byte stream: a virtio-serial port (/dev/virtio-ports/NAME) whose
 * bytes the host relays to the service's TCP port, or a unix stream socket in tests. One
 * request, one answer, framed by Content-Length only. See docs/agent.md. */
#ifndef TRUSTLAUNCH_AGENT_HTTP1_H
#define TRUSTLAUNCH_AGENT_HTTP1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"
#include "trustlaunch/rd.h"

#define TL_HTTP1_MAX_HEAD 16384u              /* status line and headers, with the blank line */
#define TL_HTTP1_MAX_BODY (4u * 1024u * 1024u) /* body of an answer: a verdict with facts */
#define TL_HTTP1_MAX_REQUEST_HEAD 8192u        /* head written by tl_http1_request */
#define TL_HTTP1_MAX_METHOD 16u                /* letters of a request method */

struct tl_http1_response {
	int status;      /* 200-599 */
	size_t head_len; /* status line and headers, with the blank line; 0: head not in yet */
	size_t body_len; /* from Content-Length; 0 for 204 and 304 */
};

/* Looks at the bytes of an answer received so far (from its first byte on).
 * TL_OK, *complete false: more bytes are needed. Once the head is in, *out is filled already
 * (head_len > 0), so a reader knows how many body bytes remain.
 * TL_OK, *complete true: the body is in.ptr[head_len .. head_len + body_len); bytes after it
 * are not looked at.
 * Strict: lines end in CRLF (a bare CR or LF is malformed); the status line is
 * "HTTP/1.1 " or "HTTP/1.0 ", three digits 200-599, then SP and a reason phrase or the end
 * of the line; header names are tokens followed directly by ':', compared case-insensitively.
 * TL_E_HTTP_MALFORMED: a bad status or header line, a control byte (NUL, DEL, ... ; HTAB is
 * allowed) anywhere in the head, obs-fold (a line starting with SP or HTAB), a Content-Length
 * that is empty, not decimal digits, or given twice (even with the same value).
 * TL_E_HTTP_TOO_LARGE: no end of head within TL_HTTP1_MAX_HEAD bytes, a Content-Length over
 * TL_HTTP1_MAX_BODY.
 * TL_E_HTTP_UNSUPPORTED: a 1xx status (we never send Expect), a Transfer-Encoding header
 * (chunked is not supported), no Content-Length on an answer other than 204 and 304 (a body
 * ended by closing the connection cannot be framed on a serial line).
 * *out and *complete are reset first; a HEAD request's answer cannot be framed here. */
TL_MUST_CHECK int tl_http1_parse(struct tl_bytes in, struct tl_http1_response *out,
				 bool *complete);

/* Writes the head of a request into out[cap], NUL-terminated; *len excludes the NUL:
 *   METHOD PATH HTTP/1.1\r\nHost: HOST\r\nUser-Agent: tl-agent\r\nAccept: application/json\r\n
 *   Content-Type: application/json\r\nContent-Length: N\r\n[Authorization: Bearer T\r\n]\r\n
 * TL_E_ARG, so that no header can be injected: a method other than 1-16 upper-case letters,
 * or HEAD/CONNECT (their answers are framed differently); a path not starting with '/'; a
 * path, host or bearer (NULL: none) that is empty or holds anything but visible ASCII
 * (0x21-0x7E: no space, CR, LF, control or non-ASCII byte); an out too small. */
TL_MUST_CHECK int tl_http1_request(char *out, size_t cap, size_t *len, const char *method,
				   const char *path, const char *host, const char *bearer,
				   size_t body_len);

/* One HTTP exchange over a connected byte stream fd (a virtio-serial port or a unix socket).
 * First drains whatever is already readable and drops it: bytes arriving after an answer
 * (the late answer of an earlier, timed-out exchange) cannot be told apart on a serial line.
 * Then writes the request head and body, and reads the answer with poll() until it is
 * complete or timeout_ms (> 0, for the whole exchange) has passed. The fd is made
 * non-blocking for the exchange and its flags restored after. On TL_OK: *status the HTTP
 * status (any of 200-599), *answer the body, malloc'd and NUL-terminated, *answer_len its
 * length. Errors: TL_E_HTTP_TIMEOUT; TL_E_HTTP_CLOSED (end of stream, EPIPE, ECONNRESET or
 * POLLHUP before the answer is complete); the parse errors of tl_http1_parse; TL_E_ARG from
 * tl_http1_request; TL_E_IO; TL_E_NOMEM. */
TL_MUST_CHECK int tl_stream_exchange(int fd, const char *method, const char *path,
				     const char *host, const char *bearer, const char *body,
				     size_t body_len, int timeout_ms, int *status, char **answer,
				     size_t *answer_len);

/* Reads at most n (> 0) bytes into buf: TL_OK with *got >= 1, TL_E_HTTP_CLOSED at the end of
 * the stream, or another error (a timeout, TL_E_IO). */
typedef int (*tl_http1_read_fn)(void *ctx, uint8_t *buf, size_t n, size_t *got);
/* Reads one answer with rd, never a byte past it, and hands out its body as
 * tl_stream_exchange does. Shared by the stream and the network transports. */
TL_MUST_CHECK int tl_http1_receive(tl_http1_read_fn rd, void *ctx, int *status, char **answer,
				   size_t *answer_len);

/* Opens path: a unix stream socket (connected) or a character device (opened
 * O_RDWR|O_NOCTTY|O_CLOEXEC). TL_E_ARG for anything else or a socket path too long for
 * sun_path; TL_E_IO when it cannot be opened or connected. */
TL_MUST_CHECK int tl_stream_open(const char *path, int *fd);

#endif
