/* logfmt to stderr: "ts=... level=info msg=... key=value"; values from requests are quoted
 * and stripped to printable ASCII, so a client cannot forge log lines. */
#ifndef TL_SERVER_LOG_H
#define TL_SERVER_LOG_H

#include <stddef.h>

void tl_log(const char *level, const char *msg, const char *key, const char *value);
/* One line with n key=value pairs (kv: key, value, key, value...; keys are the caller's
 * literals, values quoted and made printable like every value). */
void tl_log_kv(const char *level, const char *msg, const char *const *kv, size_t n);
void tl_log_request(const char *method, const char *path, unsigned status, double ms);

#endif
