/* Error and reason codes of trustlaunch (library, service, agent, CLI): one enum, 0 = ok, negative = error.
 * Each code has a stable name (`area.reason`, for scripts and the API) and a sentence
 * (for people); both come from err.c. */
#ifndef TRUSTLAUNCH_ERR_H
#define TRUSTLAUNCH_ERR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TL_MUST_CHECK __attribute__((warn_unused_result))

/* Every error code of trustlaunch, in one list: the enum below and err.c's names are made
 * from it, so a code cannot exist without a name, and the unit test test_err walks it to
 * refuse two codes with one value or one name. Numbers are internal (the API and the logs
 * speak names); each subsystem has its own block:
 *      0 ..  -99  general (memory, input, I/O)
 *   -100 .. -199  TCG event log structure (src/lib/tcglog)
 *   -200 .. -299  facts read from the log: separators, Secure Boot variables, GRUB
 *   -300 .. -399  replay compared with expected values
 *   -400 .. -499  TPM 2.0 structures, quotes, AKs, credentials, EK certificates
 *   -500 .. -519  PE/COFF images          -520 .. -539  Secure Boot policy, writing
 *                 variable stores, predicting from an image (grub.cfg)
 *   -540 .. -559  kernel module signatures -560 .. -569  base64
 *   -570 .. -599  JSON Web Tokens and key sets
 *   -600 .. -609  the agent's TPM         -610 .. -629  the agent's HTTP transport
 *   -700 .. -719  the service's store     -720 .. -739  the service's nonces
 *   -740 .. -759  files of secrets and state (src/common)
 *   -760 .. -779  wire limits between agent and service
 *   -780 .. -799  posture: the compatibility catalog, webhook signatures
 *   -800 .. -839  confidential VMs (SEV-SNP, HCL reports)
 *   -840 .. -859  Windows boot logs (SIPA)   -860 .. -879  revocation lists (dbx, SBAT)
 *   -880 .. -899  IMA measurement lists (src/lib/ima)
 *   -900 .. -919  the host daemon's relay of a guest's requests (tl-hostd)
 *   -920 .. -939  the host side: libvirt, vTPM state, host records (src/host)
 * A new subsystem takes a new block of 20 below the last one. */
#define TL_ERR_CODES(X)                                                                         \
	X(TL_OK, 0)                                                                             \
	X(TL_E_NOMEM, -1)                                                                       \
	X(TL_E_TRUNCATED, -2)                                                                   \
	X(TL_E_TRAILING, -3)                                                                    \
	X(TL_E_ARG, -4)                                                                         \
	X(TL_E_IO, -5)                                                                          \
	X(TL_E_CRYPTO, -6)                                                                      \
	X(TL_E_UNSUPPORTED, -7)                                                                 \
                                                                                                \
	/* structure of the TCG event log */                                                    \
	X(TL_E_LOG_EMPTY, -100)                                                                 \
	X(TL_E_LOG_TOO_LARGE, -101)                                                             \
	X(TL_E_LOG_TRUNCATED, -102)                                                             \
	X(TL_E_LOG_FIRST_NOT_SPECID, -103)                                                      \
	X(TL_E_LOG_SPECID_MALFORMED, -104)                                                      \
	X(TL_E_LOG_SPECID_NO_ALGS, -105)                                                        \
	X(TL_E_LOG_SPECID_DUP_ALG, -106)                                                        \
	X(TL_E_LOG_SPECID_DIGEST_SIZE, -107)                                                    \
	X(TL_E_LOG_SPECID_TOO_MANY_ALGS, -108)                                                  \
	X(TL_E_LOG_DIGEST_COUNT, -109)                                                          \
	X(TL_E_LOG_DIGEST_ALG, -110)                                                            \
	X(TL_E_LOG_EVENT_SIZE, -111)                                                            \
	X(TL_E_LOG_PCR_INDEX, -112)                                                             \
	X(TL_E_LOG_NOACTION_DIGEST, -113)                                                       \
	X(TL_E_LOG_TOO_MANY_EVENTS, -114)                                                       \
	X(TL_E_LOG_SPECID_REPEATED, -115)                                                       \
                                                                                                \
	/* rules on what the log says (facts) */                                                \
	X(TL_E_SEP_DATA, -200)                                                                  \
	X(TL_E_SEP_DIGEST, -201)                                                                \
	X(TL_E_SEP_DUPLICATE, -202)                                                             \
	X(TL_E_EVENT_UNKNOWN, -203)                                                             \
	X(TL_E_EVENT_UNUSED, -204)                                                              \
	X(TL_E_VAR_MALFORMED, -205)                                                             \
	X(TL_E_VAR_DIGEST, -206)                                                                \
	X(TL_E_VAR_DUPLICATE, -207)                                                             \
	X(TL_E_VAR_AFTER_SEP, -208)                                                             \
	X(TL_E_SB_LENGTH, -209)                                                                 \
	X(TL_E_SB_MISSING, -210)                                                                \
	X(TL_E_ESL_MALFORMED, -211)                                                             \
	X(TL_E_DEBUG_MODE, -212)                                                                \
	X(TL_E_GRUB_DIGEST, -213)                                                               \
	X(TL_E_EVENT_MALFORMED, -214)                                                           \
	X(TL_E_PCR_NOT_TRUSTED, -215)                                                           \
	X(TL_E_EVENT_WRONG_PCR, -216)                                                           \
	X(TL_E_SEP_MISSING, -217)                                                               \
	X(TL_E_SEP_TYPE, -218)                                                                  \
	X(TL_E_AFTER_SEP, -219)                                                                 \
	X(TL_E_GRUB_REPEATED, -220)                                                             \
	X(TL_E_VAR_TOO_MANY, -221)                                                              \
	X(TL_E_FACTS_TOO_LARGE, -222)                                                           \
                                                                                                \
	/* -300: replay compared with expected values */                                        \
	X(TL_E_PCR_MISMATCH, -300)                                                              \
                                                                                                \
	/* TPM 2.0 structures and quotes */                                                     \
	X(TL_E_TPM2_MALFORMED, -400)                                                            \
	X(TL_E_TPM2_TRAILING, -401)                                                             \
	X(TL_E_TPM2_SIZE, -402)                                                                 \
	X(TL_E_TPM2_UNSUPPORTED, -403)                                                          \
	X(TL_E_PCRSEL_COUNT, -404)                                                              \
	X(TL_E_PCRSEL_SIZE, -405)                                                               \
	X(TL_E_PCRSEL_DUP, -406)                                                                \
	X(TL_E_PCRSEL_HIGH, -407)                                                               \
	X(TL_E_PCRSEL_EMPTY, -408)                                                              \
	X(TL_E_QUOTE_MAGIC, -420)                                                               \
	X(TL_E_QUOTE_TYPE, -421)                                                                \
	X(TL_E_QUOTE_NONCE, -422)                                                               \
	X(TL_E_QUOTE_SIGNATURE, -423)                                                           \
	X(TL_E_QUOTE_SCHEME, -424)                                                              \
	X(TL_E_QUOTE_SHA1, -425)                                                                \
	X(TL_E_QUOTE_PCR_DIGEST, -426)                                                          \
	X(TL_E_QUOTE_PCR_SET, -427)                                                             \
	X(TL_E_QUOTE_LOG_REPLAY, -428)                                                          \
	X(TL_E_QUOTE_CLOCK, -429)                                                               \
	X(TL_E_QUOTE_IMA_MISSING, -432)                                                         \
	X(TL_E_QUOTE_IMA_REPLAY, -433)                                                          \
	X(TL_E_QUOTE_IMA_AGGREGATE, -434)                                                       \
	X(TL_E_AK_ATTRIBUTES, -430)                                                             \
	X(TL_E_AK_KEY, -431)                                                                    \
	X(TL_E_CRED_MISMATCH, -440)                                                             \
	X(TL_E_CRED_EK, -441)                                                                   \
	X(TL_E_EK_MALFORMED, -450)                                                              \
	X(TL_E_EK_UNTRUSTED, -451)                                                              \
	X(TL_E_EK_KEY, -452)                                                                    \
	X(TL_E_EK_CA, -453)                                                                     \
                                                                                                \
	/* PE/COFF images */                                                                    \
	X(TL_E_PE_DOS, -500)                                                                    \
	X(TL_E_PE_LFANEW, -501)                                                                 \
	X(TL_E_PE_HEADER, -502)                                                                 \
	X(TL_E_PE_SECTIONS, -503)                                                               \
	X(TL_E_PE_SECTION_DATA, -504)                                                           \
	X(TL_E_PE_SECDIR, -505)                                                                 \
	X(TL_E_PE_WINCERT, -506)                                                                \
	X(TL_E_PE_TOO_LARGE, -507)                                                              \
	X(TL_E_PE_PKCS7, -508)                                                                  \
                                                                                                \
	/* Secure Boot policy */                                                                \
	X(TL_E_VARSTORE, -520)                                                                  \
	X(TL_E_VARSTORE_MISSING, -521)                                                          \
	X(TL_E_SB_UNSIGNED, -522)                                                               \
	X(TL_E_SB_NOT_IN_DB, -523)                                                              \
	X(TL_E_SB_HASH_IN_DBX, -524)                                                            \
	X(TL_E_SB_SIGNER_IN_DBX, -525)                                                          \
	X(TL_E_SB_SIGNATURE, -526)                                                              \
	X(TL_E_SB_SBAT, -527)                                                                   \
	X(TL_E_VARSTORE_FULL, -528)                                                             \
	X(TL_E_VARSTORE_KEY, -529)                                                              \
	X(TL_E_VARSTORE_STALE, -530)                                                            \
	X(TL_E_GRUBCFG_MALFORMED, -531)                                                         \
	X(TL_E_GRUBCFG_NO_ENTRY, -532)                                                          \
	X(TL_E_IMAGE_INCOMPLETE, -533)                                                          \
                                                                                                \
	/* kernel module signatures */                                                          \
	X(TL_E_MODSIG_UNSIGNED, -540)                                                           \
	X(TL_E_MODSIG_MALFORMED, -541)                                                          \
	X(TL_E_MODSIG_UNKNOWN, -542)                                                            \
	X(TL_E_MODSIG_INVALID, -543)                                                            \
                                                                                                \
	/* base64 and base64url text */                                                         \
	X(TL_E_B64, -560)                                                                       \
	X(TL_E_B64_SIZE, -561)                                                                  \
                                                                                                \
	/* JSON Web Tokens (ES256) and key sets */                                              \
	X(TL_E_JWT_MALFORMED, -570)                                                             \
	X(TL_E_JWT_TOO_LARGE, -571)                                                             \
	X(TL_E_JWT_ALG, -572)                                                                   \
	X(TL_E_JWT_KID, -573)                                                                   \
	X(TL_E_JWT_JWKS, -574)                                                                  \
	X(TL_E_JWT_SIGNATURE, -575)                                                             \
	X(TL_E_JWT_CLAIMS, -576)                                                                \
	X(TL_E_JWT_EXPIRED, -577)                                                               \
	X(TL_E_JWT_NOT_YET_VALID, -578)                                                         \
	X(TL_E_JWT_KEYSTORE, -579)                                                              \
                                                                                                \
	/* the agent's TPM (tl-agent) */                                                        \
	X(TL_E_TPM, -600)                                                                       \
	X(TL_E_TPM_ABSENT, -601)                                                                \
	X(TL_E_TPM_HANDLE, -602)                                                                \
	X(TL_E_TPM_PCR_MOVING, -603)                                                            \
                                                                                                \
	/* agent transport: HTTP/1.1 over a byte stream (virtio-serial) */                      \
	X(TL_E_HTTP_MALFORMED, -610)                                                            \
	X(TL_E_HTTP_TOO_LARGE, -611)                                                            \
	X(TL_E_HTTP_UNSUPPORTED, -612)                                                          \
	X(TL_E_HTTP_TIMEOUT, -613)                                                              \
	X(TL_E_HTTP_CLOSED, -614)                                                               \
                                                                                                \
	/* the service's store (src/server/store) */                                            \
	X(TL_E_STORE, -700)          /* the database failed; the message says how */            \
	X(TL_E_STORE_NOT_FOUND, -701)                                                           \
	X(TL_E_STORE_CONFLICT, -702) /* a unique key: e.g. a nonce used before */               \
	X(TL_E_STORE_URL, -703)                                                                 \
	X(TL_E_STORE_BUSY, -704)     /* another process has the database */                     \
	X(TL_E_STORE_STALE, -705)    /* what the write was based on changed meanwhile */        \
                                                                                                \
	/* the service's challenge nonces (src/server/attest/nonce.c) */                        \
	X(TL_E_NONCE_FORGED, -720)   /* not sealed by this service for this VM */               \
	X(TL_E_NONCE_EXPIRED, -721)                                                             \
                                                                                                \
	/* files of secrets and state (src/common/file.c) */                                    \
	X(TL_E_FILE_SYMLINK, -740)                                                              \
	X(TL_E_FILE_TYPE, -741)                                                                 \
	X(TL_E_FILE_OWNER, -742)                                                                \
	X(TL_E_FILE_MODE, -743)                                                                 \
	X(TL_E_FILE_SIZE, -744)                                                                 \
	X(TL_E_FILE_TOO_LARGE, -745)                                                            \
	X(TL_E_FILE_MISSING, -746)                                                              \
	X(TL_E_FILE_EXISTS, -747)                                                              \
                                                                                                \
	/* wire limits between agent and service (trustlaunch/wire.h) */                        \
	X(TL_E_WIRE_TOO_LARGE, -760)                                                            \
                                                                                                \
	/* -780: posture */                                                                     \
	X(TL_E_CATALOG, -780)                                                                   \
	X(TL_E_WEBHOOK_SECRET, -781)                                                            \
	X(TL_E_WEBHOOK_SIGNATURE, -782)                                                         \
	X(TL_E_WEBHOOK_TIMESTAMP, -783)                                                                \
	/* -860: revocation lists (dbx, SBAT) */                                                       \
	X(TL_E_REVOC_INFO_MALFORMED, -860)                                                             \
	X(TL_E_REVOC_INFO_TOO_LARGE, -861)                                                             \
	X(TL_E_REVOC_UPDATE_MALFORMED, -862)                                                           \
	X(TL_E_REVOC_UPDATE_LISTS, -863)                                                               \
	X(TL_E_REVOC_SBAT_MALFORMED, -864)                                                             \
	X(TL_E_REVOC_TOO_MANY, -865)                                                                   \
	X(TL_E_REVOC_VM_SBAT_MALFORMED, -866)                                                          \
	X(TL_E_REVOC_FACTS, -867)                                                                      \
	X(TL_E_REVOC_IMAGE_SBAT, -868)                                                                 \
	X(TL_E_REVOC_UPDATE_SIGNATURE, -869)                                                           \
	X(TL_E_REVOC_NO_SECURE_BOOT, -870)                                                             \
	X(TL_E_REVOC_DBX_MISSING, -871)                                                                \
	X(TL_E_REVOC_DBX_NOT_MEASURED, -872)                                                           \
	X(TL_E_REVOC_APP_REVOKED, -873)                                                                \
	X(TL_E_REVOC_SBAT_BEHIND, -874)                                                                \
	X(TL_E_REVOC_COMPONENT_REVOKED, -875)                                                          \
	/* -880: IMA measurement lists (binary_runtime_measurements) */                                \
	X(TL_E_IMA_TRUNCATED, -880)                                                                    \
	X(TL_E_IMA_TOO_LARGE, -881)                                                                    \
	X(TL_E_IMA_PCR, -882)                                                                          \
	X(TL_E_IMA_TEMPLATE, -883)                                                                     \
	X(TL_E_IMA_FIELD, -884)                                                                        \
	X(TL_E_IMA_DIGEST, -885)                                                                       \
	/* -800: confidential VMs (SEV-SNP, HCL reports, TDX) */                                       \
	X(TL_E_SNP_MALFORMED, -800)                                                                    \
	X(TL_E_SNP_VERSION, -801)                                                                      \
	X(TL_E_SNP_SIG_ALGO, -802)                                                                     \
	X(TL_E_SNP_SIGNATURE, -803)                                                                    \
	X(TL_E_SNP_CERT_MALFORMED, -804)                                                               \
	X(TL_E_SNP_CERT_UNTRUSTED, -805)                                                               \
	X(TL_E_SNP_CERT_EXPIRED, -806)                                                                 \
	X(TL_E_SNP_GENERATION, -807)                                                                   \
	X(TL_E_SNP_ROOTS, -808)                                                                        \
	X(TL_E_SNP_KEY_KIND, -809)                                                                     \
	X(TL_E_SNP_TCB_MISMATCH, -810)                                                                 \
	X(TL_E_SNP_CHIP_ID, -811)                                                                      \
	X(TL_E_SNP_DEBUG, -812)                                                                        \
	X(TL_E_SNP_MIGRATE_MA, -813)                                                                   \
	X(TL_E_SNP_SMT, -814)                                                                          \
	X(TL_E_SNP_VMPL, -815)                                                                         \
	X(TL_E_SNP_TCB_LOW, -816)                                                                      \
	X(TL_E_SNP_CERT_KEY, -817)                                                                     \
	X(TL_E_HCL_MALFORMED, -820)                                                                    \
	X(TL_E_HCL_TYPE, -821)                                                                         \
	X(TL_E_HCL_HASH_TYPE, -822)                                                                    \
	X(TL_E_HCL_RUNTIME, -823)                                                                      \
	X(TL_E_HCL_BINDING, -824)                                                                      \
	X(TL_E_HCL_AK, -825)                                                                           \
	X(TL_E_TDX_MALFORMED, -826)                                                                    \
	X(TL_E_TDX_UNVERIFIED, -827)                                                                   \
	/* -840: Windows boot logs (SIPA) */                                                           \
	X(TL_E_SIPA_TRUNCATED, -840)                                                                   \
	X(TL_E_SIPA_TOO_DEEP, -841)                                                                    \
	X(TL_E_SIPA_TOO_MANY, -842)                                                                    \
	X(TL_E_SIPA_FIELD_SIZE, -843)                                                                  \
	X(TL_E_SIPA_DUPLICATE, -844)                                                                   \
	X(TL_E_SIPA_HASH_ALG, -845)                                                                    \
	X(TL_E_WIN_EVENT_DIGEST, -846)                                                                 \
	X(TL_E_WIN_SEPARATOR, -847)                                                                    \
	X(TL_E_WIN_SEPARATOR_MISSING, -848)                                                            \
	X(TL_E_WIN_CONFLICT, -849)                                                                     \
	X(TL_E_WIN_BOOT_DEBUGGING, -850)                                                               \
	X(TL_E_WIN_KERNEL_DEBUGGING, -851)                                                             \
	X(TL_E_WIN_HYPERVISOR_DEBUGGING, -852)                                                         \
	X(TL_E_WIN_TEST_SIGNING, -853)                                                                 \
	X(TL_E_WIN_CODE_INTEGRITY_OFF, -854)                                                           \
	X(TL_E_WIN_VBS_OFF, -855)                                                                      \
	X(TL_E_SIPA_MISSING_FIELD, -856)                                                               \
	/* -900: the host daemon's relay of a guest's requests (src/lib/relay, tl-hostd) */           \
	X(TL_E_RELAY_METHOD, -900)                                                                     \
	X(TL_E_RELAY_ENDPOINT, -901)                                                                   \
	X(TL_E_RELAY_OTHER_VM, -902)                                                                   \
	X(TL_E_RELAY_HEADER, -903)                                                                     \
	X(TL_E_RELAY_BUDGET, -904)                                                                     \
	X(TL_E_HOST_LIBVIRT, -920)                                                                     \
	X(TL_E_HOST_TOOL, -921)                                                                        \
	X(TL_E_HOST_NO_VM, -922)                                                                       \
	X(TL_E_HOST_EXISTS, -923)                                                                      \
	X(TL_E_HOST_RECORD, -924)                                                                      \
	X(TL_E_HOST_XML, -925)                                                                         \
	X(TL_E_HOST_XML_LIMIT, -926)                                                                   \
	X(TL_E_HOST_NOT_BUILT, -927)                                                                   \
	X(TL_E_HOST_BOOT_REFUSED, -928)                                                                \
	X(TL_E_HOST_TIMEOUT, -929)

enum tl_err {
#define TL_ERR_ENUM(sym, val) sym = val,
	TL_ERR_CODES(TL_ERR_ENUM)
#undef TL_ERR_ENUM
};

/* Stable machine name, e.g. "tcglog.digest_count_mismatch"; never NULL. */
const char *tl_err_name(int err);
/* One sentence a person understands; never NULL. */
const char *tl_err_msg(int err);
/* For tests: the name of table entry i of err.c (NULL past the end) and its code. */
const char *tl_err_table_at(size_t i, int *err);
/* The code whose name is name (the reverse of tl_err_name); false when no code has it. */
bool tl_err_from_name(const char *name, int *out);

/* Where a parse failed: the byte offset into the input and the event number. */
struct tl_diag {
	int err;
	size_t offset;
	uint32_t event;
};

#endif
