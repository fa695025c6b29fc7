/* Error and reason codes of libtrustlaunch: one enum, 0 = ok, negative = error.
 * Each code has a stable name (`area.reason`, for scripts and the API) and a sentence
 * (for people); both come from err.c. */
#ifndef TRUSTLAUNCH_ERR_H
#define TRUSTLAUNCH_ERR_H

#include <stddef.h>
#include <stdint.h>

#define TL_MUST_CHECK __attribute__((warn_unused_result))

enum tl_err {
	TL_OK = 0,
	TL_E_NOMEM = -1,
	TL_E_TRUNCATED = -2,
	TL_E_TRAILING = -3,
	TL_E_ARG = -4,
	TL_E_IO = -5,
	TL_E_CRYPTO = -6,
	TL_E_UNSUPPORTED = -7,

	/* structure of the TCG event log */
	TL_E_LOG_EMPTY = -100,
	TL_E_LOG_TOO_LARGE = -101,
	TL_E_LOG_TRUNCATED = -102,
	TL_E_LOG_FIRST_NOT_SPECID = -103,
	TL_E_LOG_SPECID_MALFORMED = -104,
	TL_E_LOG_SPECID_NO_ALGS = -105,
	TL_E_LOG_SPECID_DUP_ALG = -106,
	TL_E_LOG_SPECID_DIGEST_SIZE = -107,
	TL_E_LOG_SPECID_TOO_MANY_ALGS = -108,
	TL_E_LOG_DIGEST_COUNT = -109,
	TL_E_LOG_DIGEST_ALG = -110,
	TL_E_LOG_EVENT_SIZE = -111,
	TL_E_LOG_PCR_INDEX = -112,
	TL_E_LOG_NOACTION_DIGEST = -113,
	TL_E_LOG_TOO_MANY_EVENTS = -114,
	TL_E_LOG_SPECID_REPEATED = -115,

	/* rules on what the log says (facts) */
	TL_E_SEP_DATA = -200,
	TL_E_SEP_DIGEST = -201,
	TL_E_SEP_DUPLICATE = -202,
	TL_E_EVENT_UNKNOWN = -203,
	TL_E_EVENT_UNUSED = -204,
	TL_E_VAR_MALFORMED = -205,
	TL_E_VAR_DIGEST = -206,
	TL_E_VAR_DUPLICATE = -207,
	TL_E_VAR_AFTER_SEP = -208,
	TL_E_SB_LENGTH = -209,
	TL_E_SB_MISSING = -210,
	TL_E_ESL_MALFORMED = -211,
	TL_E_DEBUG_MODE = -212,
	TL_E_GRUB_DIGEST = -213,
	TL_E_EVENT_MALFORMED = -214,
	TL_E_PCR_NOT_TRUSTED = -215,
	TL_E_EVENT_WRONG_PCR = -216,
	TL_E_SEP_MISSING = -217,
	TL_E_SEP_TYPE = -218,
	TL_E_AFTER_SEP = -219,
	TL_E_GRUB_REPEATED = -220,
	TL_E_VAR_TOO_MANY = -221,
	TL_E_FACTS_TOO_LARGE = -222,

	/* TPM 2.0 structures and quotes */
	TL_E_TPM2_MALFORMED = -400,
	TL_E_TPM2_TRAILING = -401,
	TL_E_TPM2_SIZE = -402,
	TL_E_TPM2_UNSUPPORTED = -403,
	TL_E_PCRSEL_COUNT = -404,
	TL_E_PCRSEL_SIZE = -405,
	TL_E_PCRSEL_DUP = -406,
	TL_E_PCRSEL_HIGH = -407,
	TL_E_PCRSEL_EMPTY = -408,
	TL_E_QUOTE_MAGIC = -420,
	TL_E_QUOTE_TYPE = -421,
	TL_E_QUOTE_NONCE = -422,
	TL_E_QUOTE_SIGNATURE = -423,
	TL_E_QUOTE_SCHEME = -424,
	TL_E_QUOTE_SHA1 = -425,
	TL_E_QUOTE_PCR_DIGEST = -426,
	TL_E_QUOTE_PCR_SET = -427,
	TL_E_QUOTE_LOG_REPLAY = -428,
	TL_E_QUOTE_CLOCK = -429,
	TL_E_AK_ATTRIBUTES = -430,
	TL_E_AK_KEY = -431,
	TL_E_CRED_MISMATCH = -440,
	TL_E_CRED_EK = -441,
	TL_E_EK_MALFORMED = -450,
	TL_E_EK_UNTRUSTED = -451,
	TL_E_EK_KEY = -452,
	TL_E_EK_CA = -453,

	/* PE/COFF images */
	TL_E_PE_DOS = -500,
	TL_E_PE_LFANEW = -501,
	TL_E_PE_HEADER = -502,
	TL_E_PE_SECTIONS = -503,
	TL_E_PE_SECTION_DATA = -504,
	TL_E_PE_SECDIR = -505,
	TL_E_PE_WINCERT = -506,
	TL_E_PE_TOO_LARGE = -507,
	TL_E_PE_PKCS7 = -508,

	/* Secure Boot policy */
	TL_E_VARSTORE = -520,
	TL_E_VARSTORE_MISSING = -521,
	TL_E_SB_UNSIGNED = -522,
	TL_E_SB_NOT_IN_DB = -523,
	TL_E_SB_HASH_IN_DBX = -524,
	TL_E_SB_SIGNER_IN_DBX = -525,
	TL_E_SB_SIGNATURE = -526,
	TL_E_SB_SBAT = -527,

	/* kernel module signatures */
	TL_E_MODSIG_UNSIGNED = -540,
	TL_E_MODSIG_MALFORMED = -541,
	TL_E_MODSIG_UNKNOWN = -542,
	TL_E_MODSIG_INVALID = -543,

	/* base64 and base64url text */
	TL_E_B64 = -560,
	TL_E_B64_SIZE = -561,

	/* JSON Web Tokens (ES256) and key sets */
	TL_E_JWT_MALFORMED = -570,
	TL_E_JWT_TOO_LARGE = -571,
	TL_E_JWT_ALG = -572,
	TL_E_JWT_KID = -573,
	TL_E_JWT_JWKS = -574,
	TL_E_JWT_SIGNATURE = -575,
	TL_E_JWT_CLAIMS = -576,
	TL_E_JWT_EXPIRED = -577,
	TL_E_JWT_NOT_YET_VALID = -578,
	TL_E_JWT_KEYSTORE = -579,

	/* agent transport: HTTP/1.1 over a byte stream (virtio-serial) */
	TL_E_HTTP_MALFORMED = -610,
	TL_E_HTTP_TOO_LARGE = -611,
	TL_E_HTTP_UNSUPPORTED = -612,
	TL_E_HTTP_TIMEOUT = -613,
	TL_E_HTTP_CLOSED = -614,

	/* the agent's TPM (tl-agent) */
	TL_E_TPM = -600,
	TL_E_TPM_ABSENT = -601,
	TL_E_TPM_HANDLE = -602,
	TL_E_TPM_PCR_MOVING = -603,

	/* replay compared with expected values */
	TL_E_PCR_MISMATCH = -300,

	/* Windows Boot Configuration Log: SIPA structure, then rules and boot posture (facts) */
	TL_E_SIPA_TRUNCATED = -840,
	TL_E_SIPA_TOO_DEEP = -841,
	TL_E_SIPA_TOO_MANY = -842,
	TL_E_SIPA_FIELD_SIZE = -843,
	TL_E_SIPA_DUPLICATE = -844,
	TL_E_SIPA_HASH_ALG = -845,
	TL_E_WIN_EVENT_DIGEST = -846,
	TL_E_WIN_SEPARATOR = -847,
	TL_E_WIN_SEPARATOR_MISSING = -848,
	TL_E_WIN_CONFLICT = -849,
	TL_E_WIN_BOOT_DEBUGGING = -850,
	TL_E_WIN_KERNEL_DEBUGGING = -851,
	TL_E_WIN_HYPERVISOR_DEBUGGING = -852,
	TL_E_WIN_TEST_SIGNING = -853,
	TL_E_WIN_CODE_INTEGRITY_OFF = -854,
	TL_E_WIN_VBS_OFF = -855,
	TL_E_SIPA_MISSING_FIELD = -856,
};

/* Stable machine name, e.g. "tcglog.digest_count_mismatch"; never NULL. */
const char *tl_err_name(int err);
/* One sentence a person understands; never NULL. */
const char *tl_err_msg(int err);

/* Where a parse failed: the byte offset into the input and the event number. */
struct tl_diag {
	int err;
	size_t offset;
	uint32_t event;
};

#endif
