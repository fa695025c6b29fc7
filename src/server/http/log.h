/* logfmt to stderr: "ts=... level=info msg=... key=value"; values from requests are quoted
 * and stripped to printable ASCII, so a client cannot forge log lines. */
#ifndef TL_SERVER_LOG_H
#define TL_SERVER_LOG_H

void tl_log(const char *level, const char *msg, const char *key, const char *value);
void tl_log_request(const char *method, const char *path, unsigned status, double ms);

#endif
