/* Decoders for the UEFI event data structures of the PFP spec (section 10.4). */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/text.h"
#include "trustlaunch/uefi.h"
#include "trustlaunch/x509.h"

#define MAX_TABLES 256u
#define MAX_PARTITIONS 256u

static void cert_json(json_t *o, struct tl_bytes der)
{
	struct tl_x509_info info;
	if (tl_x509_info(der, &info) != TL_OK) {
		json_object_set_new(o, "error", json_string("not an X.509 certificate"));
		return;
	}
	json_object_set_new(o, "subject", json_string(info.subject));
	json_object_set_new(o, "issuer", json_string(info.issuer));
	json_object_set_new(o, "serial", json_string(info.serial));
	json_object_set_new(o, "sha256", json_string(info.sha256));
	tl_x509_info_clear(&info);
}

struct esl_ctx {
	json_t *arr;
};

static int esl_entry(const struct tl_esl_entry *e, void *arg)
{
	struct esl_ctx *c = arg;
	json_t *o = json_object();
	char g[TL_GUID_STR_LEN], *hex;
	const char *t = tl_guid_name(&e->type), *owner = tl_guid_name(&e->owner);

	tl_guid_str(&e->type, g);
	json_object_set_new(o, "type", json_string(t ? t : g));
	tl_guid_str(&e->owner, g);
	json_object_set_new(o, "owner", json_string(g));
	if (owner)
		json_object_set_new(o, "owner_name", json_string(owner));
	if (tl_guid_eq(&e->type, &TL_GUID_CERT_X509)) {
		cert_json(o, e->data);
	} else if ((hex = malloc(2 * e->data.len + 1)) != NULL) {
		tl_hex(e->data.ptr, e->data.len, hex);
		json_object_set_new(o, "hash", json_string(hex));
		free(hex);
	}
	json_array_append_new(c->arr, o);
	return TL_OK;
}

json_t *tl_dec_esl(struct tl_bytes store, size_t *count, int *err)
{
	struct esl_ctx c = { json_array() };
	*err = tl_esl_walk(store, esl_entry, &c);
	*count = json_array_size(c.arr);
	return c.arr;
}

/* EFI_LOAD_OPTION of a Boot#### variable: attributes, description, device path. */
static void load_option(struct tl_dec *x, struct tl_bytes data)
{
	struct tl_rd rd, fp, scan;
	uint32_t attrs;
	uint16_t fplen, u;
	struct tl_bytes desc;
	struct tl_buf path;
	char *d;

	tl_rd_from(&rd, data);
	if (tl_rd_le32(&rd, &attrs) || tl_rd_le16(&rd, &fplen))
		goto bad;
	scan = rd; /* the description runs to its NUL character, inclusive */
	do {
		if (tl_rd_le16(&scan, &u))
			goto bad;
	} while (u != 0);
	if (tl_rd_bytes(&rd, scan.pos - rd.pos, &desc) || tl_rd_sub(&rd, fplen, &fp))
		goto bad;
	d = tl_dec_utf16(desc);
	tl_dec_str(x, "description", d);
	tl_buf_init(&path, 65536);
	tl_buf_puts(&path, "");
	if (tl_devpath_text(&path, tl_rd_rest(&fp)) != TL_OK)
		tl_dec_flag(x, "device_path_malformed");
	tl_dec_str(x, "device_path", tl_buf_str(&path));
	tl_dec_set(x, "attributes", json_integer(attrs));
	tl_buf_printf(x->sum, " \"%s\" %s", d ? d : "", tl_buf_str(&path));
	free(d);
	tl_buf_free(&path);
	return;
bad:
	tl_dec_flag(x, "load_option_malformed");
}

int tl_dec_authority(struct tl_bytes data, struct tl_dec_authority *out)
{
	struct tl_rd rd;
	struct tl_x509_info other;
	bool bare;

	memset(out, 0, sizeof(*out));
	bare = tl_x509_info(data, &out->cert) == TL_OK;
	tl_rd_from(&rd, data);
	if (tl_rd_guid(&rd, &out->owner) != TL_OK) {
		out->is_cert = bare;
		return bare ? TL_OK : TL_E_VAR_MALFORMED;
	}
	out->hash = tl_rd_rest(&rd);
	if (tl_x509_info(out->hash, &other) == TL_OK) {
		if (bare) {
			tl_x509_info_clear(&other);
			return TL_E_VAR_MALFORMED;
		}
		out->cert = other;
		out->is_cert = out->has_owner = true;
	} else if (bare) {
		out->is_cert = true;
	} else {
		out->has_owner = true;
	}
	if (out->is_cert)
		out->hash = (struct tl_bytes){ NULL, 0 };
	if (!out->has_owner)
		memset(&out->owner, 0, sizeof(out->owner));
	return TL_OK;
}

void tl_dec_authority_clear(struct tl_dec_authority *a)
{
	tl_x509_info_clear(&a->cert);
	memset(a, 0, sizeof(*a));
}

void tl_dec_authority_json(const struct tl_dec_authority *a, json_t *o)
{
	if (a->has_owner) {
		char g[TL_GUID_STR_LEN];
		tl_guid_str(&a->owner, g);
		json_object_set_new(o, "owner", json_string(g));
	}
	if (a->is_cert) {
		json_object_set_new(o, "subject", json_string(a->cert.subject));
		json_object_set_new(o, "issuer", json_string(a->cert.issuer));
		json_object_set_new(o, "sha256", json_string(a->cert.sha256));
	} else {
		char *hex = malloc(2 * a->hash.len + 1);
		if (hex) {
			tl_hex(a->hash.ptr, a->hash.len, hex);
			json_object_set_new(o, "hash", json_string(hex));
			free(hex);
		}
	}
}

static void var_value(struct tl_dec *x, const struct tl_uefi_var *v)
{
	bool global = tl_guid_eq(&v->guid, &TL_GUID_GLOBAL_VARIABLE);
	bool secdb = tl_guid_eq(&v->guid, &TL_GUID_IMAGE_SECURITY_DB);
	size_t n = 0;
	int err;

	if (x->ev->type == TL_EV_EFI_VARIABLE_AUTHORITY && v->data.len > 16 &&
		   strcmp(v->name, "SbatLevel") != 0) {
		/* the certificate (or hash) that allowed an image */
		struct tl_dec_authority a;
		json_t *o = json_object();
		if (tl_dec_authority(v->data, &a) == TL_OK) {
			tl_dec_authority_json(&a, o);
			if (a.is_cert) {
				json_object_set_new(o, "serial", json_string(a.cert.serial));
				tl_buf_printf(x->sum, " %s", a.cert.subject);
			}
		} else {
			json_object_set_new(o, "error", json_string("neither one certificate nor "
								    "one signature entry"));
			tl_dec_flag(x, "authority_malformed");
			tl_buf_puts(x->sum, " (malformed authority)");
		}
		tl_dec_authority_clear(&a);
		tl_dec_set(x, "signature", o);
	} else if (global && strcmp(v->name, "SecureBoot") == 0) {
		int b = tl_bytes_at(v->data, 0);
		if (v->data.len == 1)
			tl_dec_set(x, "enabled", json_boolean(b == 1));
		tl_buf_printf(x->sum, " = %s", v->data.len != 1 ? "(malformed)"
					     : b == 1	      ? "enabled"
					     : b == 0	      ? "disabled"
							      : "(invalid value)");
	} else if ((global && (strcmp(v->name, "PK") == 0 || strcmp(v->name, "KEK") == 0)) ||
		   (secdb && (strcmp(v->name, "db") == 0 || strcmp(v->name, "dbx") == 0 ||
			      strcmp(v->name, "dbt") == 0 || strcmp(v->name, "dbr") == 0))) {
		json_t *arr = tl_dec_esl(v->data, &n, &err);
		if (err != TL_OK) {
			tl_dec_flag(x, "signature_list_malformed");
			tl_buf_puts(x->sum, " (malformed signature list)");
			json_decref(arr);
			return;
		}
		tl_dec_set(x, "signatures", arr);
		tl_buf_printf(x->sum, " (%zu entr%s)", n, n == 1 ? "y" : "ies");
	} else if (global && strncmp(v->name, "Boot", 4) == 0 && strlen(v->name) == 8 &&
		   strcmp(v->name, "BootNext") != 0) {
		load_option(x, v->data);
	} else if (global && strcmp(v->name, "BootOrder") == 0) {
		struct tl_rd rd;
		uint16_t u;
		json_t *arr = json_array();
		tl_rd_from(&rd, v->data);
		tl_buf_puts(x->sum, " =");
		while (tl_rd_le16(&rd, &u) == TL_OK) {
			json_array_append_new(arr, json_integer(u));
			tl_buf_printf(x->sum, " %04X", u);
		}
		tl_dec_set(x, "order", arr);
	} else if (tl_text_is_ascii(v->data)) {
		char *t = tl_dec_text(v->data);
		tl_dec_str(x, "text", t);
		tl_buf_printf(x->sum, " = %s", t ? t : "");
		free(t);
	} else {
		tl_buf_printf(x->sum, " (%zu bytes)", v->data.len);
	}
}

void tl_dec_variable(struct tl_dec *x)
{
	struct tl_uefi_var v;
	const char *gname;
	char g[TL_GUID_STR_LEN];
	struct tl_bytes trailing = { NULL, 0 };
	int err = x->ev->type == TL_EV_EFI_VARIABLE_AUTHORITY
			  ? tl_uefi_var_parse_lenient(x->ev->data, &v, &trailing)
			  : tl_uefi_var_parse(x->ev->data, &v);

	if (err != TL_OK) {
		tl_dec_flag(x, "variable_malformed");
		tl_dec_opaque(x);
		return;
	}
	tl_guid_str(&v.guid, g);
	gname = tl_guid_name(&v.guid);
	tl_dec_str(x, "guid", g);
	if (gname)
		tl_dec_str(x, "guid_name", gname);
	tl_dec_str(x, "name", v.name);
	tl_dec_set(x, "data_size", json_integer((json_int_t)v.data.len));
	tl_dec_hex(x, "data_hex", v.data);
	if (trailing.len) {
		tl_dec_flag(x, "trailing_bytes");
		tl_dec_hex(x, "trailing_hex", trailing);
	}
	tl_buf_puts(x->sum, v.name);
	var_value(x, &v);
	tl_uefi_var_clear(&v);
}

void tl_dec_image(struct tl_dec *x)
{
	struct tl_rd rd;
	uint64_t addr, len, link, dplen;
	struct tl_bytes dp;
	struct tl_buf path;

	tl_rd_from(&rd, x->ev->data);
	if (tl_rd_le64(&rd, &addr) || tl_log_rd_uintn(x->log, &rd, &len) ||
	    tl_log_rd_uintn(x->log, &rd, &link) || tl_log_rd_uintn(x->log, &rd, &dplen) ||
	    dplen > tl_rd_left(&rd) ||
	    tl_rd_bytes(&rd, (size_t)dplen, &dp)) {
		tl_dec_flag(x, "image_load_event_malformed");
		tl_dec_opaque(x);
		return;
	}
	if (tl_rd_left(&rd) > 0)
		tl_dec_flag(x, "trailing_bytes"); /* seen from older shims: zero padding */
	tl_buf_init(&path, 65536);
	tl_buf_puts(&path, "");
	if (tl_devpath_text(&path, dp) != TL_OK)
		tl_dec_flag(x, "device_path_malformed");
	tl_dec_u64(x, "image_base", addr);
	tl_dec_u64(x, "image_length", len);
	tl_dec_u64(x, "link_time_address", link);
	tl_dec_str(x, "device_path", tl_buf_str(&path));
	tl_buf_puts(x->sum, path.len ? tl_buf_str(&path) : "(no device path)");
	tl_buf_free(&path);
}

void tl_dec_gpt(struct tl_dec *x)
{
	struct tl_rd rd, entries;
	struct tl_guid disk;
	uint64_t nparts;
	uint32_t entry_size;
	char g[TL_GUID_STR_LEN], dg[TL_GUID_STR_LEN];
	json_t *parts = json_array();

	tl_rd_from(&rd, x->ev->data);
	/* EFI_PARTITION_TABLE_HEADER: signature 8, revision 4, size 4, crc 4, reserved 4,
	 * my/alternate LBA 16, first/last usable 16, disk GUID, entry LBA 8, count 4,
	 * entry size 4, crc 4 — then UINT64 NumberOfPartitions and the entries. */
	if (tl_rd_skip(&rd, 56) || tl_rd_guid(&rd, &disk) || tl_rd_skip(&rd, 12) ||
	    tl_rd_le32(&rd, &entry_size) || tl_rd_skip(&rd, 4) || tl_rd_le64(&rd, &nparts) ||
	    entry_size < 128 || nparts > MAX_PARTITIONS ||
	    (size_t)nparts * entry_size != tl_rd_left(&rd) ||
	    tl_rd_sub(&rd, tl_rd_left(&rd), &entries)) {
		json_decref(parts);
		tl_dec_flag(x, "gpt_malformed");
		tl_dec_opaque(x);
		return;
	}
	tl_guid_str(&disk, dg);
	tl_dec_str(x, "disk_guid", dg);
	for (uint64_t i = 0; i < nparts; i++) {
		struct tl_rd e;
		struct tl_guid type, uniq;
		uint64_t first, last;
		struct tl_bytes name;
		char *n;
		json_t *o = json_object();
		if (tl_rd_sub(&entries, entry_size, &e) || tl_rd_guid(&e, &type) ||
		    tl_rd_guid(&e, &uniq) || tl_rd_le64(&e, &first) || tl_rd_le64(&e, &last) ||
		    tl_rd_skip(&e, 8) || tl_rd_bytes(&e, 72, &name)) {
			json_decref(o);
			break;
		}
		tl_guid_str(&type, g);
		json_object_set_new(o, "type", json_string(g));
		tl_guid_str(&uniq, g);
		json_object_set_new(o, "guid", json_string(g));
		json_object_set_new(o, "first_lba", tl_dec_u64_json(first));
		json_object_set_new(o, "last_lba", tl_dec_u64_json(last));
		n = tl_dec_utf16(name);
		json_object_set_new(o, "name", json_string(n ? n : ""));
		free(n);
		json_array_append_new(parts, o);
	}
	tl_dec_set(x, "partitions", parts);
	tl_buf_printf(x->sum, "disk %s, %llu partitions", dg, (unsigned long long)nparts);
}

/* BLOB: base + length; BLOB2 first has a UINT8-length description. */
void tl_dec_blob(struct tl_dec *x)
{
	struct tl_rd rd;
	uint64_t base, len;
	uint8_t dlen;
	struct tl_bytes desc = { NULL, 0 };
	char *d = NULL;

	tl_rd_from(&rd, x->ev->data);
	if ((x->ev->type == TL_EV_EFI_PLATFORM_FIRMWARE_BLOB2 &&
	     (tl_rd_u8(&rd, &dlen) || tl_rd_bytes(&rd, dlen, &desc))) ||
	    tl_rd_le64(&rd, &base) || tl_rd_le64(&rd, &len) || tl_rd_end(&rd)) {
		tl_dec_flag(x, "blob_malformed");
		tl_dec_opaque(x);
		return;
	}
	if (desc.ptr) {
		d = tl_dec_text(desc);
		tl_dec_str(x, "description", d);
		tl_buf_printf(x->sum, "%s ", d ? d : "");
		free(d);
	}
	tl_dec_u64(x, "base", base);
	tl_dec_u64(x, "length", len);
	tl_buf_printf(x->sum, "base 0x%llx length 0x%llx", (unsigned long long)base,
		      (unsigned long long)len);
}

void tl_dec_tables(struct tl_dec *x)
{
	struct tl_rd rd;
	uint64_t n;
	uint8_t dlen;
	struct tl_bytes desc = { NULL, 0 };
	json_t *arr = json_array();

	tl_rd_from(&rd, x->ev->data);
	if ((x->ev->type == TL_EV_EFI_HANDOFF_TABLES2 &&
	     (tl_rd_u8(&rd, &dlen) || tl_rd_bytes(&rd, dlen, &desc))) ||
	    tl_rd_le64(&rd, &n) || n > MAX_TABLES || tl_rd_left(&rd) != n * 24) {
		json_decref(arr);
		tl_dec_flag(x, "handoff_tables_malformed");
		tl_dec_opaque(x);
		return;
	}
	if (desc.ptr) {
		char *d = tl_dec_text(desc);
		tl_dec_str(x, "description", d);
		tl_buf_printf(x->sum, "%s: ", d ? d : "");
		free(d);
	}
	tl_buf_printf(x->sum, "%llu table%s", (unsigned long long)n, n == 1 ? "" : "s");
	for (uint64_t i = 0; i < n; i++) {
		struct tl_guid g;
		uint64_t addr;
		char s[TL_GUID_STR_LEN];
		json_t *o = json_object();
		if (tl_rd_guid(&rd, &g) || tl_rd_le64(&rd, &addr)) {
			json_decref(o);
			break;
		}
		tl_guid_str(&g, s);
		json_object_set_new(o, "guid", json_string(s));
		json_object_set_new(o, "address", tl_dec_u64_json(addr));
		json_array_append_new(arr, o);
		tl_buf_printf(x->sum, " %s", s);
	}
	tl_dec_set(x, "tables", arr);
}
