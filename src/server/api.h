/* Internal: the API handlers by resource. */
#ifndef TL_SERVER_API_H
#define TL_SERVER_API_H

#include "http.h"

/* /v1/vms (id NULL) and /v1/vms/{id}... */
struct tl_resp tl_api_vms(struct tl_req *r, const char *id);

#endif
