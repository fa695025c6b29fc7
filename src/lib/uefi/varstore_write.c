/* Writing an EDK2 authenticated variable store: the variable area is rewritten as EDK2's
 * Reclaim writes it (live variables back to back, each header 4-byte aligned, the rest 0xFF),
 * with the new variables at its end. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trustlaunch/buf.h"
#include "trustlaunch/nvram.h"
#include "trustlaunch/varstore.h"

#define VAR_START_ID 0x55AA
#define VAR_ADDED 0x3F
#define HEADER_ALIGN 4u
/* OVMF's PcdMaxVariableSize (header, name and data of one variable): 0x8400 in the 4 MiB
 * build, 0x2000 (authenticated: 0x2800) in the 2 MiB one. */
#define MAX_VAR_4M 0x8400u
#define MAX_VAR_2M 0x2800u
#define FD_4M 0x84000u

void tl_efi_time(int64_t unix_time, uint8_t out[static 16])
{
	time_t t = (time_t)unix_time;
	struct tm tm;
	memset(out, 0, 16);
	if (!gmtime_r(&t, &tm))
		return;
	unsigned year = (unsigned)tm.tm_year + 1900u;
	out[0] = (uint8_t)year;
	out[1] = (uint8_t)(year >> 8);
	out[2] = (uint8_t)(tm.tm_mon + 1);
	out[3] = (uint8_t)tm.tm_mday;
	out[4] = (uint8_t)tm.tm_hour;
	out[5] = (uint8_t)tm.tm_min;
	out[6] = (uint8_t)tm.tm_sec;
	/* Pad1, Nanosecond, TimeZone, Daylight, Pad2: zero, as UEFI requires for TimeStamp */
}

static void pad(struct tl_buf *b)
{
	while (b->len % HEADER_ALIGN && !b->err)
		tl_buf_putc(b, (char)0xFF);
}

static bool replaced(const struct tl_var_entry *v, const struct tl_var_new *vars, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tl_var_entry_is(v, vars[i].vendor, vars[i].name))
			return true;
	return false;
}

struct rebuild {
	struct tl_bytes fd;
	const struct tl_var_new *vars;
	size_t n;
	struct tl_buf *area;
};

static int has_added(const struct tl_var_entry *v, void *arg)
{
	const struct tl_var_entry *want = arg;
	return !v->in_transition && tl_guid_eq(&v->vendor, &want->vendor) &&
			       v->name.len == want->name.len &&
			       tl_bytes_eq(v->name, want->name.ptr, want->name.len)
		       ? 1
		       : TL_OK;
}

/* Keeps a live variable: the ADDED copy, or one in deleted transition without an ADDED copy
 * (it becomes ADDED, as Reclaim does); the ones being replaced go. */
static int keep(const struct tl_var_entry *v, void *arg)
{
	struct rebuild *r = arg;
	struct tl_bytes head;
	struct tl_rd rd;
	if (replaced(v, r->vars, r->n))
		return TL_OK;
	if (v->in_transition) {
		int err = tl_varstore_walk(r->fd, has_added, (void *)v);
		if (err == 1)
			return TL_OK;
		if (err != TL_OK)
			return err;
	}
	tl_rd_from(&rd, v->raw);
	if (tl_rd_bytes(&rd, 2, &head) || tl_rd_skip(&rd, 1))
		return TL_E_VARSTORE;
	tl_buf_put(r->area, (const char *)head.ptr, head.len);
	tl_buf_putc(r->area, (char)VAR_ADDED);
	struct tl_bytes rest = tl_rd_rest(&rd);
	tl_buf_put(r->area, (const char *)rest.ptr, rest.len);
	pad(r->area);
	return TL_OK;
}

/* One new variable: AUTHENTICATED_VARIABLE_HEADER, the UTF-16 name with its NUL, the data. */
static int put_var(struct tl_buf *b, const struct tl_var_new *v, size_t max_var)
{
	size_t nlen = strlen(v->name);
	if (!v->data.len || !nlen)
		return TL_E_ARG;
	if (v->data.len > max_var || 60 + 2 * (nlen + 1) + v->data.len > max_var)
		return TL_E_VARSTORE_FULL;
	tl_buf_le16(b, VAR_START_ID);
	tl_buf_putc(b, (char)VAR_ADDED);
	tl_buf_putc(b, 0);
	tl_buf_le32(b, v->attributes);
	tl_buf_le64(b, 0); /* MonotonicCount: unused by time-based authentication */
	tl_buf_put(b, (const char *)v->timestamp, 16);
	tl_buf_le32(b, 0); /* PubKeyIndex */
	tl_buf_le32(b, (uint32_t)(2 * (nlen + 1)));
	tl_buf_le32(b, (uint32_t)v->data.len);
	tl_buf_put(b, (const char *)v->vendor->b, 16);
	for (size_t i = 0; i <= nlen; i++)
		tl_buf_le16(b, (uint8_t)v->name[i]);
	tl_buf_put(b, (const char *)v->data.ptr, v->data.len);
	pad(b);
	return TL_OK;
}

int tl_varstore_set(struct tl_bytes fd, const struct tl_var_new *vars, size_t n, uint8_t **out,
		    size_t *out_len)
{
	size_t off, len, max_var = fd.len >= FD_4M ? MAX_VAR_4M : MAX_VAR_2M;
	struct tl_buf area;
	struct rebuild r = { fd, vars, n, &area };
	uint8_t *copy = NULL;
	int err;

	*out = NULL;
	*out_len = 0;
	if ((err = tl_varstore_area(fd, &off, &len)) != TL_OK)
		return err;
	if (off % HEADER_ALIGN)
		return TL_E_VARSTORE; /* EDK2 aligns headers in flash, we in the area */
	tl_buf_init(&area, len + 1);
	err = tl_varstore_walk(fd, keep, &r);
	for (size_t i = 0; i < n && err == TL_OK; i++)
		err = put_var(&area, &vars[i], max_var);
	if (err == TL_OK && area.err)
		err = area.err == TL_E_ARG ? TL_E_VARSTORE_FULL : area.err;
	/* the free space must hold at least one header's StartId that is not VAR_START_ID */
	if (err == TL_OK && area.len + 2 > len)
		err = TL_E_VARSTORE_FULL;
	if (err == TL_OK && !(copy = malloc(fd.len)))
		err = TL_E_NOMEM;
	if (err == TL_OK) {
		memcpy(copy, fd.ptr, fd.len);
		memcpy(copy + off, area.s, area.len);
		memset(copy + off + area.len, 0xFF, len - area.len);
		*out = copy;
		*out_len = fd.len;
	}
	tl_buf_free(&area);
	return err;
}
