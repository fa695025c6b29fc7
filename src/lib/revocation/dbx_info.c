/* dbx_info_msft_latest.json (microsoft/secureboot_objects): {"images": {ARCH: [image]},
 * "certificates": [cert], "svns": [svn]}. Strict: every member must be one this code knows,
 * of the right type and form; an operator's file that does not parse is refused, not half
 * used. */
#include <stdlib.h>
#include <string.h>

#include "revocation_internal.h"
#include "trustlaunch/limits.h"

static const char *const image_keys[] = { "authenticodeHash", "hashType", "flatHash",
					  "filename", "description", "companyName",
					  "dateOfAddition", "signingAuthority", "isOptional",
					  "note", NULL };
static const char *const cert_keys[] = { "value", "subjectName", "issuerName", "thumbprint",
					 "description", "dateOfAddition", NULL };
static const char *const svn_keys[] = { "value", "version", "filename", "guid", "description",
					"dateOfLastChange", NULL };

static bool known_keys(json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], k) != 0)
			i++;
		if (!keys[i])
			return false;
	}
	return true;
}

/* A string member within the limit (absent: "" when optional). */
static bool str(json_t *o, const char *key, bool required, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = "";
	if (!v)
		return !required;
	if (!json_is_string(v) || json_string_length(v) > TL_MAX_REVOC_STRING ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return false;
	*out = json_string_value(v);
	return true;
}

static bool hex_exact(const char *s, uint8_t *out, size_t n)
{
	return strlen(s) == 2 * n && tl_unhex(s, out, n) == TL_OK;
}

/* flatHash (a hash of the whole file, not used here): SHA-1 or SHA-256 hex, in the real file
 * sometimes with a trailing space. */
static bool flat_ok(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");
	return (n == 0 || n == 2 * TL_SHA1_LEN || n == 2 * TL_SHA256_LEN) &&
	       strspn(s + n, " ") == strlen(s + n);
}

static bool date_ok(const char *s, char out[static TL_REVOC_DATE_LEN])
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	memcpy(out, s, TL_REVOC_DATE_LEN);
	return true;
}

/* isOptional: "true"/"false" as the real file writes it, or a JSON boolean. */
static bool optional_flag(json_t *o, bool *out)
{
	json_t *v = json_object_get(o, "isOptional");
	*out = false;
	if (!v)
		return true;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return true;
	}
	if (!json_is_string(v))
		return false;
	*out = strcmp(json_string_value(v), "true") == 0;
	return *out || strcmp(json_string_value(v), "false") == 0;
}

static int image(struct tl_revoc_list *l, json_t *o)
{
	const char *hash, *type, *flat, *file, *desc, *company, *date, *auth, *note;
	struct tl_revoc_entry e = { .kind = TL_REVOC_HASH, .in_info = true };
	if (!json_is_object(o) || !known_keys(o, image_keys) ||
	    !str(o, "authenticodeHash", true, &hash) || !str(o, "hashType", true, &type) ||
	    !str(o, "flatHash", false, &flat) || !str(o, "filename", true, &file) ||
	    !str(o, "description", true, &desc) || !str(o, "companyName", false, &company) ||
	    !str(o, "dateOfAddition", true, &date) || !str(o, "signingAuthority", false, &auth) ||
	    !str(o, "note", false, &note) || strcmp(type, "SHA256") != 0 ||
	    !hex_exact(hash, e.value, TL_SHA256_LEN) ||
	    !flat_ok(flat) || !date_ok(date, e.date) ||
	    !optional_flag(o, &e.optional))
		return TL_E_REVOC_INFO_MALFORMED;
	return tl_revoc_list_push(l, &e, file, desc, auth, "");
}

static int cert(struct tl_revoc_list *l, json_t *o)
{
	const char *value, *subject, *issuer, *thumb, *desc, *date;
	struct tl_revoc_entry e = { .kind = TL_REVOC_CERT, .staged = true, .in_info = true };
	if (!json_is_object(o) || !known_keys(o, cert_keys) || !str(o, "value", true, &value) ||
	    !str(o, "subjectName", true, &subject) || !str(o, "issuerName", true, &issuer) ||
	    !str(o, "thumbprint", true, &thumb) || !str(o, "description", true, &desc) ||
	    !str(o, "dateOfAddition", true, &date) || !hex_exact(thumb, e.thumbprint, TL_SHA1_LEN) ||
	    !date_ok(date, e.date))
		return TL_E_REVOC_INFO_MALFORMED;
	return tl_revoc_list_push(l, &e, value, desc, subject, issuer);
}

static int svn(struct tl_revoc_list *l, json_t *o)
{
	const char *value, *version, *file, *guid, *desc, *date;
	struct tl_revoc_entry e = { .kind = TL_REVOC_SVN, .staged = true, .in_info = true };
	if (!json_is_object(o) || !known_keys(o, svn_keys) || !str(o, "value", true, &value) ||
	    !str(o, "version", true, &version) || !str(o, "filename", true, &file) ||
	    !str(o, "guid", true, &guid) || !str(o, "description", true, &desc) ||
	    !str(o, "dateOfLastChange", true, &date) || !hex_exact(value, e.value, TL_SHA256_LEN) ||
	    !date_ok(date, e.date))
		return TL_E_REVOC_INFO_MALFORMED;
	return tl_revoc_list_push(l, &e, file, desc, "", "");
}

static int each(struct tl_revoc_list *l, json_t *arr, int (*fn)(struct tl_revoc_list *, json_t *),
		bool keep)
{
	size_t i;
	json_t *v;
	int err;
	if (!json_is_array(arr))
		return TL_E_REVOC_INFO_MALFORMED;
	json_array_foreach(arr, i, v) {
		struct tl_revoc_list scratch = { .count = 0 };
		/* images of other architectures are checked as strictly, then dropped */
		if ((err = fn(keep ? l : &scratch, v)) != TL_OK) {
			tl_revoc_list_clear(&scratch);
			return err;
		}
		tl_revoc_list_clear(&scratch);
	}
	return TL_OK;
}

/* Every architecture's images are checked; those of l->arch are kept. A file without that
 * architecture is refused (TL_E_ARG): an empty list would make every dbx look current. */
static int images(struct tl_revoc_list *l, json_t *obj, bool *found)
{
	const char *arch;
	json_t *arr;
	int err;
	if (!json_is_object(obj))
		return TL_E_REVOC_INFO_MALFORMED;
	json_object_foreach(obj, arch, arr) {
		bool keep = strcmp(arch, l->arch) == 0;
		if (strlen(arch) >= sizeof(l->arch))
			return TL_E_REVOC_INFO_MALFORMED;
		if ((err = each(l, arr, image, keep)) != TL_OK)
			return err;
		*found = *found || keep;
	}
	return TL_OK;
}

static int fill(struct tl_revoc_list *l, json_t *doc)
{
	static const char *const top_keys[] = { "images", "certificates", "svns", NULL };
	json_t *certs = json_object_get(doc, "certificates"), *svns = json_object_get(doc, "svns");
	bool found = false;
	int err;
	if (!json_is_object(doc) || !known_keys(doc, top_keys) || !json_object_get(doc, "images"))
		return TL_E_REVOC_INFO_MALFORMED;
	if ((err = images(l, json_object_get(doc, "images"), &found)) != TL_OK ||
	    (certs && (err = each(l, certs, cert, true)) != TL_OK) ||
	    (svns && (err = each(l, svns, svn, true)) != TL_OK))
		return err;
	return found ? TL_OK : TL_E_ARG;
}

int tl_dbx_info_parse(struct tl_bytes in, const char *arch, struct tl_revoc_list *out)
{
	struct tl_revoc_list l = { .count = 0 };
	json_error_t jerr;
	json_t *doc = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	if (!arch || strlen(arch) >= sizeof(l.arch))
		return TL_E_ARG;
	if (in.len > TL_MAX_DBX_INFO)
		return TL_E_REVOC_INFO_TOO_LARGE;
	memcpy(l.arch, arch, strlen(arch) + 1);
	doc = json_loadb((const char *)in.ptr, in.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		err = json_error_code(&jerr) == json_error_out_of_memory ? TL_E_NOMEM
									  : TL_E_REVOC_INFO_MALFORMED;
		goto out;
	}
	if ((err = fill(&l, doc)) != TL_OK)
		goto out;
	l.have_info = true;
	*out = l;
	memset(&l, 0, sizeof(l));
out:
	json_decref(doc);
	tl_revoc_list_clear(&l);
	return err;
}
