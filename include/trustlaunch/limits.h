/* Every maximum libtrustlaunch enforces on untrusted input, in one place. */
#ifndef TRUSTLAUNCH_LIMITS_H
#define TRUSTLAUNCH_LIMITS_H

/* TCG event log */
#define TL_MAX_LOG_SIZE (4u * 1024u * 1024u) /* bytes of one event log */
#define TL_MAX_EVENTS 65536u                 /* events in one log (real boots: < 2000) */
#define TL_MAX_EVENT_SIZE (1u * 1024u * 1024u) /* bytes of one event's data */
#define TL_MAX_BANKS 5u                      /* algorithms in the Spec ID event */
#define TL_MAX_DIGEST 64u                    /* bytes of the largest digest (SHA-512) */
#define TL_NUM_PCRS 24u                      /* PCR indexes 0..23 */

/* Contents of events */
#define TL_MAX_ESL_ENTRIES 4096u   /* signatures in one EFI_SIGNATURE_LIST store */
#define TL_MAX_DEVPATH_NODES 64u   /* nodes rendered from one UEFI device path */
#define TL_MAX_TEXT 8192u          /* bytes of one decoded string kept in facts */

/* Windows Boot Configuration Log (SIPA events inside EV_EVENT_TAG) */
#define TL_MAX_SIPA_DEPTH 4u        /* nested aggregations (real logs: 2) */
#define TL_MAX_SIPA_EVENTS 8192u    /* SIPA events in one EV_EVENT_TAG (real: < 1000) */
#define TL_MAX_WIN_MODULES 2048u    /* distinct loaded modules kept per boot (real: < 200) */
#define TL_MAX_WIN_ELAM 64u         /* ELAM drivers kept per boot */
#define TL_MAX_WIN_UNLOCKS 64u      /* BitLocker unlock events kept per boot */
#define TL_MAX_SIPA_SERIAL 128u     /* bytes of a signer certificate's serial number */

/* Tokens */
#define TL_MAX_JWT (16u * 1024u)   /* characters of one compact JWS */
#define TL_MAX_JWKS_KEYS 16u       /* keys looked at in one key set */

#endif
