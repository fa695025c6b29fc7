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

/* Revocation data (revocation.h): files an operator updates */
#define TL_MAX_DBX_INFO (8u * 1024u * 1024u)  /* bytes of dbx_info JSON (real: 390 KiB) */
#define TL_MAX_DBX_UPDATE (1u * 1024u * 1024u) /* bytes of a signed dbx update (real: 24 KiB) */
#define TL_MAX_REVOC_ENTRIES 4096u            /* entries kept from dbx_info + update (real: 447) */
#define TL_MAX_REVOC_STRING 1024u             /* bytes of one string member of dbx_info */
#define TL_MAX_SBAT_LEVELS_TEXT (256u * 1024u) /* bytes of SbatLevel_Variable.txt (real: 2.5 KiB) */
#define TL_MAX_SBAT_GENERATIONS 256u          /* generations in it (real: 12) */
#define TL_MAX_SBAT_LINE 256u                 /* bytes of one line of SBAT text */
/* Confidential VMs (cvm.h) */
#define TL_HCL_MAX_RUNTIME (16u * 1024u)  /* bytes of HCL runtime data (real: ~1.2 KiB) */
#define TL_HCL_MAX_LEN (64u * 1024u)      /* bytes of an HCL report with its padding */
#define TL_HCL_MAX_AK_BYTES 512u          /* RSA modulus of the vTPM's AK (4096 bits) */
#define TL_SNP_MAX_CERT_FILE (64u * 1024u) /* bytes of a VCEK or an AMD roots file */
/* IMA measurement lists (ima.h); the whole list is at most TL_WIRE_MAX_IMA_LOG bytes */
#define TL_MAX_IMA_ENTRIES 262144u        /* entries (8 MiB of 33-byte minimal ones: 254200) */
#define TL_MAX_IMA_NAME 255u              /* bytes of a template name (TCG_EVENT_NAME_LEN_MAX) */
#define TL_MAX_IMA_DATA (1u * 1024u * 1024u) /* bytes of one entry's template data */
#define TL_MAX_IMA_FIELDS 16u             /* fields of one template (evm-sig: 9) */

#endif
