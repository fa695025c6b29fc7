/* Names and sentences of every error and reason code. */
#include <string.h>

#include "trustlaunch/err.h"

static const struct {
	int err;
	const char *name;
	const char *msg;
} table[] = {
	{ TL_OK, "ok", "no error" },
	{ TL_E_NOMEM, "sys.nomem", "out of memory" },
	{ TL_E_TRUNCATED, "input.truncated", "the input ends before the structure does" },
	{ TL_E_TRAILING, "input.trailing", "the input has bytes after the structure" },
	{ TL_E_ARG, "input.invalid", "invalid argument" },
	{ TL_E_IO, "sys.io", "the file could not be read" },
	{ TL_E_CRYPTO, "sys.crypto", "the cryptographic library failed" },
	{ TL_E_UNSUPPORTED, "input.unsupported", "the algorithm is not supported" },

	{ TL_E_LOG_EMPTY, "tcglog.empty", "the event log is empty" },
	{ TL_E_LOG_TOO_LARGE, "tcglog.too_large", "the event log is larger than the 4 MiB limit" },
	{ TL_E_LOG_TRUNCATED, "tcglog.truncated", "the event log ends inside an event header" },
	{ TL_E_LOG_FIRST_NOT_SPECID, "tcglog.first_not_specid",
	  "the first event of the log is not a Spec ID event" },
	{ TL_E_LOG_SPECID_MALFORMED, "tcglog.specid_malformed",
	  "the Spec ID event is malformed" },
	{ TL_E_LOG_SPECID_NO_ALGS, "tcglog.specid_no_algorithms",
	  "the Spec ID event declares no digest algorithm" },
	{ TL_E_LOG_SPECID_DUP_ALG, "tcglog.specid_duplicate_algorithm",
	  "the Spec ID event declares the same digest algorithm twice" },
	{ TL_E_LOG_SPECID_DIGEST_SIZE, "tcglog.specid_digest_size",
	  "the Spec ID event declares a wrong digest size for an algorithm" },
	{ TL_E_LOG_SPECID_TOO_MANY_ALGS, "tcglog.specid_too_many_algorithms",
	  "the Spec ID event declares more digest algorithms than allowed" },
	{ TL_E_LOG_DIGEST_COUNT, "tcglog.digest_count_mismatch",
	  "an event has a different number of digests than the Spec ID event declares" },
	{ TL_E_LOG_DIGEST_ALG, "tcglog.digest_alg_mismatch",
	  "an event has a digest of an algorithm the Spec ID event does not declare, or one twice" },
	{ TL_E_LOG_EVENT_SIZE, "tcglog.event_size",
	  "an event's data size runs past the end of the log or over the limit" },
	{ TL_E_LOG_PCR_INDEX, "tcglog.pcr_index", "an event names a PCR index of 24 or more" },
	{ TL_E_LOG_NOACTION_DIGEST, "tcglog.no_action_digest",
	  "an EV_NO_ACTION event has a digest that is not zero" },
	{ TL_E_LOG_TOO_MANY_EVENTS, "tcglog.too_many_events",
	  "the event log has more events than allowed" },
	{ TL_E_LOG_SPECID_REPEATED, "tcglog.specid_repeated",
	  "a Spec ID event appears after the start of the log" },

	{ TL_E_SEP_DATA, "tcglog.separator_data",
	  "a separator event holds data other than 00000000 or FFFFFFFF" },
	{ TL_E_SEP_DIGEST, "tcglog.separator_digest",
	  "a separator event's digest is not the hash of its data" },
	{ TL_E_SEP_DUPLICATE, "tcglog.separator_duplicate",
	  "a PCR has more than one separator event" },
	{ TL_E_EVENT_UNKNOWN, "tcglog.unknown_event",
	  "an event of unknown type was measured into PCR 0-7" },
	{ TL_E_EVENT_UNUSED, "tcglog.unused_event", "an EV_UNUSED event was measured into PCR 0-7" },
	{ TL_E_VAR_MALFORMED, "sb.variable_malformed",
	  "a UEFI variable event is malformed" },
	{ TL_E_VAR_DIGEST, "sb.variable_digest_mismatch",
	  "a Secure Boot variable event's digest is not the hash of its data" },
	{ TL_E_VAR_DUPLICATE, "sb.variable_duplicate",
	  "a Secure Boot variable is measured more than once" },
	{ TL_E_VAR_AFTER_SEP, "sb.variable_after_separator",
	  "a Secure Boot variable is measured after the PCR 7 separator" },
	{ TL_E_SB_LENGTH, "sb.secureboot_length",
	  "the SecureBoot variable's data is not exactly one byte" },
	{ TL_E_SB_MISSING, "sb.secureboot_missing",
	  "the SecureBoot variable was not measured" },
	{ TL_E_ESL_MALFORMED, "sb.signature_list_malformed",
	  "an EFI_SIGNATURE_LIST has sizes that do not fit together" },
	{ TL_E_DEBUG_MODE, "sb.debug_mode", "the firmware measured that UEFI debug mode is on" },
	{ TL_E_GRUB_DIGEST, "grub.digest_mismatch",
	  "a GRUB event's digest is not the hash of the command or command line it names" },
	{ TL_E_EVENT_MALFORMED, "tcglog.event_malformed", "an event's data is malformed" },
	{ TL_E_PCR_NOT_TRUSTED, "tcglog.pcr_not_trusted",
	  "facts from this PCR were not used because its events do not replay to the quoted value" },

	{ TL_E_EVENT_WRONG_PCR, "tcglog.event_type_not_allowed",
	  "an event of a type the firmware profile does not allow in this PCR was measured" },
	{ TL_E_SEP_MISSING, "tcglog.separator_missing", "a PCR of 0-7 has no separator event" },
	{ TL_E_SEP_TYPE, "tcglog.separator_disguised",
	  "an event that measured separator bytes is labelled with another type" },
	{ TL_E_AFTER_SEP, "sb.event_after_separator",
	  "an event other than an authority was measured into PCR 7 after its separator" },
	{ TL_E_GRUB_REPEATED, "grub.kernel_cmdline_repeated",
	  "more than one kernel command line was measured" },
	{ TL_E_VAR_TOO_MANY, "sb.too_many_variables",
	  "more Secure Boot configuration variables were measured than are checked" },
	{ TL_E_FACTS_TOO_LARGE, "tcglog.facts_too_large",
	  "the log holds more facts than are kept; the rest were not used" },

	{ TL_E_TPM2_MALFORMED, "tpm2.malformed", "a TPM structure is truncated or malformed" },
	{ TL_E_TPM2_TRAILING, "tpm2.trailing_bytes", "a TPM structure is followed by extra bytes" },
	{ TL_E_TPM2_SIZE, "tpm2.size", "a TPM2B is larger than its type allows" },
	{ TL_E_TPM2_UNSUPPORTED, "tpm2.unsupported",
	  "a TPM structure uses an algorithm or type this verifier does not support" },
	{ TL_E_PCRSEL_COUNT, "quote.selection_count",
	  "a PCR selection lists more banks than a TPM has" },
	{ TL_E_PCRSEL_SIZE, "quote.selection_size", "a PCR selection bitmap is larger than 4 bytes" },
	{ TL_E_PCRSEL_DUP, "quote.selection_duplicate_bank", "a PCR selection names a bank twice" },
	{ TL_E_PCRSEL_HIGH, "quote.selection_out_of_range",
	  "a PCR selection selects a PCR above 23" },
	{ TL_E_PCRSEL_EMPTY, "quote.selection_empty", "a PCR selection selects no PCR" },
	{ TL_E_QUOTE_MAGIC, "quote.magic",
	  "the attestation was not generated by a TPM (magic is not TPM_GENERATED)" },
	{ TL_E_QUOTE_TYPE, "quote.not_a_quote",
	  "the attestation is genuine TPM output but not a quote (another attestation type)" },
	{ TL_E_QUOTE_NONCE, "quote.nonce_mismatch",
	  "the quote does not carry the nonce that was asked for" },
	{ TL_E_QUOTE_SIGNATURE, "quote.signature_invalid",
	  "the quote's signature does not verify with the attestation key" },
	{ TL_E_QUOTE_SCHEME, "quote.signature_scheme",
	  "the quote's signature scheme or hash is not the attestation key's" },
	{ TL_E_QUOTE_SHA1, "quote.sha1_not_allowed",
	  "the quote uses SHA-1, which is accepted only when explicitly allowed" },
	{ TL_E_QUOTE_PCR_DIGEST, "quote.pcr_digest_mismatch",
	  "the PCR values given do not hash to the digest the TPM signed" },
	{ TL_E_QUOTE_PCR_SET, "quote.pcr_set_mismatch",
	  "the PCR values given are not exactly the PCRs the quote selects" },
	{ TL_E_QUOTE_LOG_REPLAY, "quote.eventlog_mismatch",
	  "the event log does not replay to the quoted PCR values" },
	{ TL_E_QUOTE_CLOCK, "quote.clock_backwards",
	  "the TPM clock or reset counters went backwards since the last accepted quote" },
	{ TL_E_AK_ATTRIBUTES, "ak.not_restricted_signing_key",
	  "the attestation key is not a restricted signing key fixed to its TPM" },
	{ TL_E_AK_KEY, "ak.unsupported_key",
	  "the attestation key is not an RSA 2048/3072 or ECC P-256/P-384 key" },

	{ TL_E_CRED_MISMATCH, "credential.secret_mismatch",
	  "the TPM did not return the secret of the credential: it does not hold both the EK and "
	  "the AK the credential was made for" },
	{ TL_E_CRED_EK, "credential.unsupported_ek",
	  "the EK is not an RSA or ECC P-256/P-384 storage key with AES-CFB" },

	{ TL_E_EK_MALFORMED, "ek.cert_malformed", "the EK certificate is not an X.509 certificate" },
	{ TL_E_EK_UNTRUSTED, "ek.untrusted",
	  "the EK certificate does not chain to a trusted TPM or vTPM CA" },
	{ TL_E_EK_KEY, "ek.key_mismatch",
	  "the EK certificate is for another key than the EK the TPM presented" },
	{ TL_E_EK_CA, "ek.ca_unreadable", "a CA certificate could not be read" },

	{ TL_E_PE_DOS, "pe.not_pe", "the file is not a PE/COFF image (no MZ header)" },
	{ TL_E_PE_LFANEW, "pe.lfanew", "the PE header offset (e_lfanew) points outside the file" },
	{ TL_E_PE_HEADER, "pe.header",
	  "the PE signature, COFF header or optional header is missing or malformed" },
	{ TL_E_PE_SECTIONS, "pe.section_table", "the section table lies outside the headers or file" },
	{ TL_E_PE_SECTION_DATA, "pe.section_data",
	  "a section's raw data lies outside the file or overlaps the headers" },
	{ TL_E_PE_SECDIR, "pe.security_directory",
	  "the certificate table (security directory) lies outside the file or overflows" },
	{ TL_E_PE_WINCERT, "pe.win_certificate",
	  "a WIN_CERTIFICATE in the certificate table is truncated or malformed" },
	{ TL_E_PE_TOO_LARGE, "pe.too_large", "the image is larger than the limit" },
	{ TL_E_PE_PKCS7, "pe.signature_malformed",
	  "an Authenticode signature is not a PKCS#7 SignedData over an SpcIndirectDataContent" },

	{ TL_E_VARSTORE, "sb.varstore_malformed",
	  "the file is not an EDK2 variable store, or a variable runs past it" },
	{ TL_E_VARSTORE_MISSING, "sb.variable_missing", "the variable store lacks the variable" },
	{ TL_E_SB_UNSIGNED, "sb.unsigned", "the image carries no Authenticode signature" },
	{ TL_E_SB_NOT_IN_DB, "sb.not_allowed_by_db",
	  "no signature of the image chains to a certificate in db, and its hash is not in db" },
	{ TL_E_SB_HASH_IN_DBX, "sb.hash_in_dbx", "the image's hash is forbidden by dbx" },
	{ TL_E_SB_SIGNER_IN_DBX, "sb.signer_in_dbx",
	  "a certificate of the image's signature chain is forbidden by dbx" },
	{ TL_E_SB_SIGNATURE, "sb.signature_invalid",
	  "an Authenticode signature does not cover this image or does not verify" },
	{ TL_E_SB_SBAT, "sb.sbat_revoked",
	  "the image's SBAT generation is older than the SbatLevel requires" },

	{ TL_E_MODSIG_UNSIGNED, "modsig.unsigned", "the module carries no appended signature" },
	{ TL_E_MODSIG_MALFORMED, "modsig.malformed",
	  "the module's appended signature is malformed (sizes, reserved fields or PKCS#7)" },
	{ TL_E_MODSIG_UNKNOWN, "modsig.unknown_signer",
	  "the module is signed by a key that is not among the trusted certificates" },
	{ TL_E_MODSIG_INVALID, "modsig.invalid",
	  "the module's signature does not verify: the module or its signature was changed" },

	{ TL_E_B64, "b64.malformed",
	  "the base64 text has a character outside its alphabet, wrong padding or stray bits" },
	{ TL_E_B64_SIZE, "b64.too_large", "the base64 text decodes to more bytes than allowed" },

	{ TL_E_JWT_MALFORMED, "jwt.malformed",
	  "the token is not three base64url parts whose header and claims are JSON objects "
	  "without duplicate names" },
	{ TL_E_JWT_TOO_LARGE, "jwt.too_large", "the token is larger than the 16 KiB limit" },
	{ TL_E_JWT_ALG, "jwt.alg_not_allowed",
	  "the token's header names another algorithm than ES256, another type than JWT, or "
	  "critical extensions" },
	{ TL_E_JWT_KID, "jwt.unknown_kid",
	  "the token's header names no key (kid) of the trusted key set" },
	{ TL_E_JWT_JWKS, "jwt.jwks_malformed",
	  "the key set is not {\"keys\":[...]} or the token's key is not a valid EC P-256 "
	  "public key" },
	{ TL_E_JWT_SIGNATURE, "jwt.signature_invalid",
	  "the token's signature does not verify with its key: the token was changed or forged" },
	{ TL_E_JWT_CLAIMS, "jwt.claims_malformed",
	  "a time claim of the token (exp, nbf, iat) is not an integer number of seconds" },
	{ TL_E_JWT_EXPIRED, "jwt.expired", "the token has expired" },
	{ TL_E_JWT_NOT_YET_VALID, "jwt.not_yet_valid",
	  "the token is not valid yet (nbf or iat more than 60 seconds in the future)" },
	{ TL_E_JWT_KEYSTORE, "jwt.keystore",
	  "a token signing key file is missing, not private (mode 0600) or not an EC P-256 key" },
	{ TL_E_CATALOG, "catalog.malformed",
	  "the catalog file is not what docs/catalog.md describes" },
	{ TL_E_WEBHOOK_SECRET, "webhook.secret",
	  "a webhook secret is whsec_ followed by the base64 of a 16 to 64 byte key" },
	{ TL_E_WEBHOOK_SIGNATURE, "webhook.signature",
	  "no v1 signature of the webhook matches its id, timestamp and body under this secret" },
	{ TL_E_WEBHOOK_TIMESTAMP, "webhook.timestamp",
	  "the webhook's timestamp is too far from now (an old delivery replayed?)" },

	{ TL_E_HTTP_MALFORMED, "http.malformed",
	  "the service's answer is not well-formed HTTP/1.1: a bad status line or header line, a "
	  "control byte, a bare CR or LF, a folded header, or a Content-Length that is repeated "
	  "or not a number" },
	{ TL_E_HTTP_TOO_LARGE, "http.too_large",
	  "the service's answer is larger than allowed (16 KiB of headers, 16 MiB of body)" },
	{ TL_E_HTTP_UNSUPPORTED, "http.unsupported",
	  "the service's answer uses HTTP the agent does not speak: Transfer-Encoding (chunked), "
	  "a 1xx interim response, or a body without Content-Length (ended by closing the "
	  "connection, which a serial line cannot do)" },
	{ TL_E_HTTP_TIMEOUT, "http.timeout", "the service did not answer in time" },
	{ TL_E_HTTP_CLOSED, "http.closed",
	  "the connection (or the relay's stream) closed before the answer was complete" },

	{ TL_E_TPM, "tpm.command", "the TPM refused a command or could not be reached" },
	{ TL_E_TPM_ABSENT, "tpm.absent", "no TPM: the device node or TCTI is missing" },
	{ TL_E_TPM_HANDLE, "tpm.handle",
	  "the persistent handle holds a key that is not an attestation key" },
	{ TL_E_TPM_PCR_MOVING, "tpm.pcr_moving",
	  "the PCRs kept changing between reading them and quoting them" },

	{ TL_E_REVOC_INFO_MALFORMED, "revocation.dbx_info_malformed",
	  "the dbx revocation list (dbx_info JSON) is malformed or has members this version does "
	  "not know" },
	{ TL_E_REVOC_INFO_TOO_LARGE, "revocation.dbx_info_too_large",
	  "the dbx revocation list (dbx_info JSON) is larger than the limit" },
	{ TL_E_REVOC_UPDATE_MALFORMED, "revocation.dbx_update_malformed",
	  "the signed dbx update's EFI_VARIABLE_AUTHENTICATION_2 header is malformed" },
	{ TL_E_REVOC_UPDATE_LISTS, "revocation.dbx_update_lists",
	  "the signature lists of the signed dbx update are malformed" },
	{ TL_E_REVOC_SBAT_MALFORMED, "revocation.sbat_levels_malformed",
	  "the SbatLevel generations file is malformed or holds no generation" },
	{ TL_E_REVOC_TOO_MANY, "revocation.too_many_entries",
	  "the revocation data holds more entries than the limit" },
	{ TL_E_REVOC_VM_SBAT_MALFORMED, "revocation.vm_sbat_level_malformed",
	  "the VM's SbatLevel is not \"sbat,1,DATESTAMP\" followed by component,generation lines" },
	{ TL_E_REVOC_FACTS, "revocation.facts_unusable",
	  "the boot's facts do not have the shape of Secure Boot facts" },
	{ TL_E_REVOC_IMAGE_SBAT, "revocation.image_sbat_malformed",
	  "a boot component's .sbat section is not SBAT CSV" },
	{ TL_E_REVOC_UPDATE_SIGNATURE, "revocation.dbx_update_signature",
	  "the signed dbx update's PKCS#7 signature does not verify under the KEK given" },
	{ TL_E_REVOC_NO_SECURE_BOOT, "revocation.no_secure_boot",
	  "Secure Boot is off (or unknown): revocation lists do not apply" },
	{ TL_E_REVOC_DBX_MISSING, "revocation.dbx_missing",
	  "the VM's dbx lacks revocations of the current list" },
	{ TL_E_REVOC_DBX_NOT_MEASURED, "revocation.dbx_not_measured",
	  "Secure Boot is on but the boot did not measure dbx, so its revocations are unknown" },
	{ TL_E_REVOC_APP_REVOKED, "revocation.boot_app_revoked",
	  "this boot ran an application that the current dbx revokes" },
	{ TL_E_REVOC_SBAT_BEHIND, "revocation.sbat_level_behind",
	  "the VM's SbatLevel does not revoke what the newest SbatLevel generation revokes" },
	{ TL_E_REVOC_COMPONENT_REVOKED, "revocation.component_revoked",
	  "a boot component's SBAT generation is below the newest SbatLevel generation" },

	{ TL_E_PCR_MISMATCH, "pcr.mismatch",
	  "a replayed PCR value differs from the expected value" },

	{ TL_E_STORE, "store.unavailable", "the database failed or could not be reached" },
	{ TL_E_STORE_NOT_FOUND, "store.not_found", "the database holds no such record" },
	{ TL_E_STORE_CONFLICT, "store.conflict",
	  "the database already holds a record with this unique key (e.g. a nonce used before)" },
	{ TL_E_STORE_URL, "store.url",
	  "the database URL is neither sqlite:PATH nor postgresql://..." },
	{ TL_E_STORE_BUSY, "store.busy", "another process has the SQLite database open" },
	{ TL_E_STORE_STALE, "store.stale",
	  "what the write was based on changed in the database meanwhile" },

	{ TL_E_NONCE_FORGED, "nonce.invalid",
	  "the nonce was not issued by this service for this VM" },
	{ TL_E_NONCE_EXPIRED, "nonce.expired", "the nonce is older than its lifetime" },

	{ TL_E_FILE_SYMLINK, "file.symlink",
	  "the file is a symbolic link, which is not followed for secrets and state" },
	{ TL_E_FILE_TYPE, "file.not_regular", "the path is not a regular file" },
	{ TL_E_FILE_OWNER, "file.owner", "the file belongs to another user than this process" },
	{ TL_E_FILE_MODE, "file.permissions",
	  "the secret file may be read or written by group or others (chmod 600)" },
	{ TL_E_FILE_SIZE, "file.size",
	  "the secret file does not have its exact size (cut short by a crash or edited?)" },
	{ TL_E_FILE_TOO_LARGE, "file.too_large", "the file is larger than its limit" },
	{ TL_E_FILE_MISSING, "file.missing", "the file does not exist" },
	{ TL_E_FILE_EXISTS, "file.exists", "the file exists already and is not replaced" },

	{ TL_E_WIRE_TOO_LARGE, "wire.too_large",
	  "the evidence is larger than the service accepts (trustlaunch/wire.h)" },
};

static int find(int err)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].err == err)
			return (int)i;
	return -1;
}

const char *tl_err_name(int err)
{
	int i = find(err);
	return i < 0 ? "unknown" : table[i].name;
}

const char *tl_err_table_at(size_t i, int *err)
{
	if (i >= sizeof(table) / sizeof(table[0]))
		return NULL;
	*err = table[i].err;
	return table[i].name;
}

const char *tl_err_msg(int err)
{
	int i = find(err);
	return i < 0 ? "unknown error" : table[i].msg;
}

bool tl_err_from_name(const char *name, int *out)
{
	for (size_t i = 0; name && i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0) {
			*out = table[i].err;
			return true;
		}
	return false;
}
