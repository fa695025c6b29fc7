/* Internal: the thread that delivers the outbox's webhook events (webhook_sender.c). */
#ifndef TL_SERVER_WEBHOOK_SENDER_H
#define TL_SERVER_WEBHOOK_SENDER_H

#include "store.h"

struct tl_webhook_sender;
TL_MUST_CHECK int tl_webhook_sender_start(struct tl_store *store, struct tl_webhook_sender **out);
/* Look at the outbox now (an event was just written). */
void tl_webhook_sender_kick(struct tl_webhook_sender *ws);
/* Finishes the attempt under way, then stops. NULL: nothing. */
void tl_webhook_sender_stop(struct tl_webhook_sender *ws);

#endif
