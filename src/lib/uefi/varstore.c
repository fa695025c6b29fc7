/* EDK2 variable stores in firmware volumes (PI spec vol. 3, 3.2.1; EDK2's
 * VariableFormat.h), and .esl / .auth files. */
#include <string.h>

#include "trustlaunch/varstore.h"

#define FVH_SIGNATURE 0x4856465Fu /* "_FVH" */
#define VAR_START_ID 0x55AA
#define VAR_ADDED 0x3F
#define VAR_IN_DELETED_TRANSITION 0xFE
#define VAR_STORE_FORMATTED 0x5A
#define AUTH_VAR_HEADER 60u
#define STORE_HEADER 28u /* VARIABLE_STORE_HEADER */

static const struct tl_guid AUTH_VAR_STORE = { { 0x78, 0x2c, 0xf3, 0xaa, 0x7b, 0x94, 0x9a, 0x43,
						 0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92 } };

/* The FV header's checksum: its 16-bit words sum to zero. */
static bool fv_checksum_ok(struct tl_bytes fd, uint16_t hlen)
{
	struct tl_rd rd;
	uint16_t w, sum = 0;
	tl_rd_from(&rd, fd);
	for (uint16_t i = 0; i < hlen / 2; i++) {
		if (tl_rd_le16(&rd, &w))
			return false;
		sum = (uint16_t)(sum + w);
	}
	return sum == 0;
}

/* Where the variable area is: after the FV header and VARIABLE_STORE_HEADER. strict: the
 * store's size must lie inside the file and the FV header's checksum hold (for writing). */
static int area(struct tl_bytes fd, bool strict, size_t *off, size_t *len)
{
	struct tl_rd rd;
	uint32_t sig, size;
	uint16_t hlen;
	uint8_t format;
	struct tl_guid g;
	tl_rd_from(&rd, fd);
	if (tl_rd_skip(&rd, 40) || tl_rd_le32(&rd, &sig) || sig != FVH_SIGNATURE ||
	    tl_rd_skip(&rd, 4) || tl_rd_le16(&rd, &hlen))
		return TL_E_VARSTORE;
	tl_rd_from(&rd, fd);
	if (tl_rd_skip(&rd, hlen) || tl_rd_guid(&rd, &g) || !tl_guid_eq(&g, &AUTH_VAR_STORE) ||
	    tl_rd_le32(&rd, &size) || tl_rd_u8(&rd, &format) || format != VAR_STORE_FORMATTED ||
	    tl_rd_skip(&rd, 7) || size < STORE_HEADER)
		return TL_E_VARSTORE;
	if (strict && (size - STORE_HEADER > tl_rd_left(&rd) || !fv_checksum_ok(fd, hlen)))
		return TL_E_VARSTORE;
	*off = rd.pos;
	/* the store's size counts its own header */
	*len = size - STORE_HEADER < tl_rd_left(&rd) ? size - STORE_HEADER : tl_rd_left(&rd);
	return TL_OK;
}

int tl_varstore_area(struct tl_bytes fd, size_t *offset, size_t *len)
{
	*offset = *len = 0;
	return area(fd, true, offset, len);
}

static int store(struct tl_bytes fd, struct tl_rd *vars)
{
	struct tl_rd rd;
	size_t off, len;
	int err = area(fd, false, &off, &len);
	tl_rd_from(&rd, fd);
	if (err != TL_OK || tl_rd_skip(&rd, off) || tl_rd_sub(&rd, len, vars))
		return TL_E_VARSTORE;
	return TL_OK;
}

static bool name_ok(struct tl_bytes name)
{
	struct tl_rd rd;
	uint16_t u;
	if (name.len < 2 || name.len % 2)
		return false;
	tl_rd_from(&rd, name);
	while (tl_rd_le16(&rd, &u) == TL_OK)
		if (u == 0)
			return tl_rd_left(&rd) == 0;
	return false;
}

int tl_varstore_walk(struct tl_bytes fd, int (*fn)(const struct tl_var_entry *v, void *arg),
		     void *arg)
{
	struct tl_rd rd;
	int err = store(fd, &rd);
	while (err == TL_OK && tl_rd_left(&rd) >= AUTH_VAR_HEADER) {
		struct tl_var_entry v;
		uint16_t start;
		uint8_t state;
		uint32_t name_size, data_size;
		size_t begin = rd.pos;
		if (tl_rd_le16(&rd, &start) || start != VAR_START_ID)
			break; /* the free space of the store */
		/* AUTHENTICATED_VARIABLE_HEADER: State, Reserved, Attributes, MonotonicCount,
		 * TimeStamp, PubKeyIndex, NameSize, DataSize, VendorGuid */
		if (tl_rd_u8(&rd, &state) || tl_rd_skip(&rd, 1) ||
		    tl_rd_le32(&rd, &v.attributes) || tl_rd_skip(&rd, 8) ||
		    tl_rd_bytes(&rd, 16, &v.timestamp) || tl_rd_skip(&rd, 4) ||
		    tl_rd_le32(&rd, &name_size) ||
		    tl_rd_le32(&rd, &data_size) || tl_rd_guid(&rd, &v.vendor) ||
		    tl_rd_bytes(&rd, name_size, &v.name) || tl_rd_bytes(&rd, data_size, &v.data))
			return TL_E_VARSTORE;
		/* names are stored with their NUL character, and have none before it */
		if (!name_ok(v.name))
			return TL_E_VARSTORE;
		v.name.len -= 2;
		v.raw = tl_rd_since(&rd, begin);
		v.in_transition = state == (VAR_ADDED & VAR_IN_DELETED_TRANSITION);
		if ((state == VAR_ADDED || v.in_transition) && (err = fn(&v, arg)) != TL_OK)
			return err;
		size_t used = rd.pos - begin, pad = (4 - used % 4) % 4;
		if (tl_rd_skip(&rd, pad < tl_rd_left(&rd) ? pad : tl_rd_left(&rd)))
			return TL_E_VARSTORE;
	}
	return err;
}

struct find {
	const struct tl_guid *vendor;
	const char *name;
	struct tl_var_entry added, in_transition;
	bool found, fallback; /* an ADDED copy; a copy in deleted transition */
	bool duplicate;
};

static bool name_is(struct tl_bytes raw, const char *name)
{
	struct tl_rd rd;
	uint16_t u;
	if (raw.len != 2 * strlen(name))
		return false;
	tl_rd_from(&rd, raw);
	for (size_t i = 0; name[i]; i++)
		if (tl_rd_le16(&rd, &u) || u != (uint8_t)name[i])
			return false;
	return true;
}

bool tl_var_entry_is(const struct tl_var_entry *v, const struct tl_guid *vendor, const char *name)
{
	return tl_guid_eq(&v->vendor, vendor) && name_is(v->name, name);
}

/* As EDK2's FindVariableEx: the ADDED copy, else one in deleted transition. Two ADDED
 * copies of one variable are a forged store, not a choice to make. */
static int match(const struct tl_var_entry *v, void *arg)
{
	struct find *f = arg;
	if (!tl_var_entry_is(v, f->vendor, f->name))
		return TL_OK;
	if (v->in_transition) {
		if (!f->fallback)
			f->in_transition = *v;
		f->fallback = true;
	} else if (f->found) {
		f->duplicate = true;
	} else {
		f->added = *v;
		f->found = true;
	}
	return TL_OK;
}

int tl_varstore_find(struct tl_bytes fd, const struct tl_guid *vendor, const char *name,
		     struct tl_var_entry *out)
{
	struct find f;
	int err;
	memset(&f, 0, sizeof(f));
	memset(out, 0, sizeof(*out));
	f.vendor = vendor;
	f.name = name;
	if ((err = tl_varstore_walk(fd, match, &f)) != TL_OK)
		return err;
	if (f.duplicate)
		return TL_E_VARSTORE;
	if (!f.found && !f.fallback)
		return TL_E_VARSTORE_MISSING;
	*out = f.found ? f.added : f.in_transition;
	return TL_OK;
}

int tl_varstore_get(struct tl_bytes fd, const struct tl_guid *vendor, const char *name,
		    struct tl_bytes *data)
{
	struct tl_var_entry v;
	int err = tl_varstore_find(fd, vendor, name, &v);
	*data = v.data;
	return err;
}

int tl_esl_file(struct tl_bytes file, struct tl_bytes *lists)
{
	struct tl_rd rd;
	uint32_t len;
	uint16_t rev, type;
	size_t n;
	tl_rd_from(&rd, file);
	/* EFI_VARIABLE_AUTHENTICATION_2: EFI_TIME, then WIN_CERTIFICATE_UEFI_GUID (type 0x0EF1) */
	if (tl_rd_skip(&rd, 16) == TL_OK && tl_rd_le32(&rd, &len) == TL_OK &&
	    tl_rd_le16(&rd, &rev) == TL_OK && tl_rd_le16(&rd, &type) == TL_OK && rev == 0x0200 &&
	    type == 0x0EF1) {
		tl_rd_from(&rd, file);
		if (len < 8 || tl_rd_skip(&rd, 16) || tl_rd_skip(&rd, len))
			return TL_E_ESL_MALFORMED;
		*lists = tl_rd_rest(&rd);
	} else {
		*lists = file;
	}
	return tl_esl_count(*lists, &n);
}
