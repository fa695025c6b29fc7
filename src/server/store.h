/* The service's storage: one interface, two back ends (SQLite, embedded default; PostgreSQL,
 * for many service nodes). Every call returns when the write is durable. Versioned schema
 * migrations run at open. */
#ifndef TL_SERVER_STORE_H
#define TL_SERVER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"

enum {
	TL_E_STORE = -600,          /* the database failed; the message says how */
	TL_E_STORE_NOT_FOUND = -601,
	TL_E_STORE_CONFLICT = -602, /* a unique key: e.g. a nonce used before */
	TL_E_STORE_URL = -603,
};

#define TL_ID_LEN 37

struct tl_vm {
	char id[TL_ID_LEN];
	char tenant[64];
	char name[128];
	char size[64];
	char os[64];
	char security_type[16]; /* standard | trustedlaunch | confidential */
	bool secure_boot, vtpm;
	char scale_set[64];
	int64_t created;        /* unix seconds */
};

struct tl_attestation {
	int64_t id;
	char vm_id[TL_ID_LEN];
	int64_t time;
	char verdict[16];       /* healthy | unhealthy */
	char *result;           /* the verdict document (JSON), malloc'd */
};

struct tl_token {
	char hash[65];          /* SHA-256 of the bearer token, hex */
	char name[64];
	char role[16];          /* reader | operator | admin */
	char tenant[64];        /* "*" for every tenant */
	int64_t created;
};

struct tl_store;

/* url: "sqlite:PATH" or "postgresql://..." (libpq URI). err receives a sentence. */
TL_MUST_CHECK int tl_store_open(const char *url, struct tl_store **out, char *err, size_t errlen);
void tl_store_close(struct tl_store *s);
/* The schema version after migrations. */
int tl_store_schema_version(struct tl_store *s);
/* The last database error, for logs. */
const char *tl_store_error(const struct tl_store *s);

TL_MUST_CHECK int tl_store_vm_put(struct tl_store *s, const struct tl_vm *vm);
/* A VM of that tenant (a VM of another tenant is not found); tenant "*" means any. */
TL_MUST_CHECK int tl_store_vm_get(struct tl_store *s, const char *tenant, const char *id,
				  struct tl_vm *out);
TL_MUST_CHECK int tl_store_vm_delete(struct tl_store *s, const char *tenant, const char *id);
TL_MUST_CHECK int tl_store_vm_list(struct tl_store *s, const char *tenant,
				   int (*fn)(const struct tl_vm *vm, void *arg), void *arg);

/* Single use: TL_OK the first time a nonce is presented, TL_E_STORE_CONFLICT after. */
TL_MUST_CHECK int tl_store_nonce_use(struct tl_store *s, const uint8_t nonce[32], int64_t expires);

TL_MUST_CHECK int tl_store_attestation_add(struct tl_store *s, struct tl_attestation *a);
/* Newest first, at most limit. */
TL_MUST_CHECK int tl_store_attestation_list(struct tl_store *s, const char *vm_id, size_t limit,
					    int (*fn)(const struct tl_attestation *a, void *arg),
					    void *arg);

TL_MUST_CHECK int tl_store_token_add(struct tl_store *s, const struct tl_token *t);
TL_MUST_CHECK int tl_store_token_find(struct tl_store *s, const char *hash, struct tl_token *out);

#endif
