/* A signed dbx update applied to a variable store as OVMF's SetVariable does it
 * (EDK2 AuthVariableLib: ProcessVarWithPk, then ProcessVarWithKek; FilterSignatureList for
 * an append write). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/buf.h"
#include "trustlaunch/limits.h"
#include "trustlaunch/nvram.h"
#include "trustlaunch/revocation.h"
#include "trustlaunch/varstore.h"

#define MAX_DBX (TL_MAX_ESL_ENTRIES * 64u)

struct merge {
	struct tl_bytes old;      /* the stored dbx */
	struct tl_esl_entry *kept; /* signatures of the update it does not hold yet */
	size_t nkept;
};

static bool same(const struct tl_esl_entry *a, const struct tl_esl_entry *b)
{
	return tl_guid_eq(&a->type, &b->type) && tl_guid_eq(&a->owner, &b->owner) &&
	       a->data.len == b->data.len && tl_bytes_eq(a->data, b->data.ptr, b->data.len);
}

static int in_old(const struct tl_esl_entry *e, void *arg)
{
	return same(e, arg) ? 1 : TL_OK;
}

static int consider(const struct tl_esl_entry *e, void *arg)
{
	struct merge *m = arg;
	int err = tl_esl_walk(m->old, in_old, (void *)e);
	if (err == 1)
		return TL_OK;
	if (err != TL_OK)
		return err;
	for (size_t i = 0; i < m->nkept; i++)
		if (same(&m->kept[i], e))
			return TL_OK;
	if (m->nkept >= TL_MAX_ESL_ENTRIES)
		return TL_E_ESL_MALFORMED;
	m->kept[m->nkept++] = *e;
	return TL_OK;
}

/* The kept signatures as lists, consecutive ones of one type and size in one list. */
static void put_kept(struct tl_buf *b, const struct merge *m)
{
	for (size_t i = 0; i < m->nkept;) {
		size_t j = i;
		while (j < m->nkept && tl_guid_eq(&m->kept[j].type, &m->kept[i].type) &&
		       m->kept[j].data.len == m->kept[i].data.len)
			j++;
		uint32_t sig = (uint32_t)(16 + m->kept[i].data.len);
		tl_buf_put(b, (const char *)m->kept[i].type.b, 16);
		tl_buf_le32(b, (uint32_t)(28 + (j - i) * sig));
		tl_buf_le32(b, 0);
		tl_buf_le32(b, sig);
		for (; i < j; i++) {
			tl_buf_put(b, (const char *)m->kept[i].owner.b, 16);
			tl_buf_put(b, (const char *)m->kept[i].data.ptr, m->kept[i].data.len);
		}
	}
}

/* EFI_TIME as one comparable number (year, month, day, hour, minute, second, nanosecond). */
static int time_key(struct tl_bytes t, uint64_t *key, uint32_t *ns)
{
	struct tl_rd rd;
	uint16_t year;
	uint8_t f[5], pad;
	*key = 0;
	*ns = 0;
	if (t.len == 0)
		return TL_OK; /* no stored variable: any time is later */
	tl_rd_from(&rd, t);
	if (tl_rd_le16(&rd, &year) || tl_rd_copy(&rd, f, sizeof(f)) || tl_rd_u8(&rd, &pad) ||
	    tl_rd_le32(&rd, ns))
		return TL_E_VARSTORE;
	*key = (uint64_t)year << 40 | (uint64_t)f[0] << 32 | (uint64_t)f[1] << 24 |
	       (uint64_t)f[2] << 16 | (uint64_t)f[3] << 8 | f[4];
	return TL_OK;
}

/* 1 when a is later than b, 0 when not, or an error. */
static int later(struct tl_bytes a, struct tl_bytes b)
{
	uint64_t ka, kb;
	uint32_t na, nb;
	if (time_key(a, &ka, &na) || time_key(b, &kb, &nb))
		return TL_E_VARSTORE;
	return ka > kb || (ka == kb && na > nb);
}

/* As firmware: PK may sign a dbx write, else a KEK certificate. */
static int verify(struct tl_bytes fd, const struct tl_dbx_update *up, struct tl_dbx_apply *res)
{
	struct tl_bytes pk, kek;
	int epk = tl_varstore_get(fd, &TL_GUID_GLOBAL_VARIABLE, "PK", &pk);
	int ekek = tl_varstore_get(fd, &TL_GUID_GLOBAL_VARIABLE, "KEK", &kek);
	if ((epk != TL_OK && epk != TL_E_VARSTORE_MISSING) ||
	    (ekek != TL_OK && ekek != TL_E_VARSTORE_MISSING))
		return epk != TL_OK && epk != TL_E_VARSTORE_MISSING ? epk : ekek;
	if (epk != TL_OK && ekek != TL_OK)
		return TL_E_VARSTORE_MISSING;
	if (epk == TL_OK && tl_dbx_update_verify_kek_lists(up, pk, &res->appended) == TL_OK) {
		res->by_pk = true;
		return TL_OK;
	}
	if (ekek != TL_OK)
		return TL_E_REVOC_UPDATE_SIGNATURE;
	return tl_dbx_update_verify_kek_lists(up, kek, &res->appended);
}

/* The new dbx data into b and its TimeStamp into ts. */
static int new_dbx(const struct tl_var_entry *old, const struct tl_dbx_update *up,
		   struct tl_dbx_apply *res, struct tl_buf *b, struct tl_bytes *ts)
{
	struct merge m = { old->data, NULL, 0 };
	int l = later(up->timestamp, old->timestamp), err;
	if (l < 0)
		return l;
	*ts = l ? up->timestamp : old->timestamp;
	if (!res->appended) {
		/* a replacing write: its TimeStamp must be later (UEFI 8.2.2) */
		if (!l)
			return TL_E_VARSTORE_STALE;
		tl_buf_put(b, (const char *)up->lists.ptr, up->lists.len);
		res->added = up->count;
		return tl_esl_count(up->lists, &res->after);
	}
	if (!(m.kept = calloc(TL_MAX_ESL_ENTRIES, sizeof(*m.kept))))
		return TL_E_NOMEM;
	err = tl_esl_walk(up->lists, consider, &m);
	if (err == TL_OK) {
		tl_buf_put(b, (const char *)old->data.ptr, old->data.len);
		put_kept(b, &m);
		res->added = m.nkept;
		res->after = res->before + m.nkept;
	}
	free(m.kept);
	return err;
}

static int copy_out(struct tl_bytes fd, uint8_t **out, size_t *out_len)
{
	if (!(*out = malloc(fd.len ? fd.len : 1)))
		return TL_E_NOMEM;
	memcpy(*out, fd.ptr, fd.len);
	*out_len = fd.len;
	return TL_OK;
}

int tl_varstore_apply_dbx(struct tl_bytes fd, struct tl_bytes update, uint8_t **out,
			  size_t *out_len, struct tl_dbx_apply *res)
{
	struct tl_dbx_update up;
	struct tl_var_entry old;
	struct tl_bytes ts = { NULL, 0 };
	struct tl_buf b;
	int err;

	*out = NULL;
	*out_len = 0;
	memset(res, 0, sizeof(*res));
	if ((err = tl_dbx_update_parse(update, &up)) != TL_OK || (err = verify(fd, &up, res)))
		return err;
	snprintf(res->time, sizeof(res->time), "%s", up.time);
	err = tl_varstore_find(fd, &TL_GUID_IMAGE_SECURITY_DB, "dbx", &old);
	if (err == TL_E_VARSTORE_MISSING)
		err = TL_OK;
	if (err != TL_OK || (err = tl_esl_count(old.data, &res->before)) != TL_OK)
		return err;
	tl_buf_init(&b, MAX_DBX);
	err = new_dbx(&old, &up, res, &b, &ts);
	if (err == TL_OK && b.err)
		err = b.err == TL_E_ARG ? TL_E_VARSTORE_FULL : b.err;
	res->changed = err == TL_OK && (!res->appended || res->added > 0 ||
					ts.ptr != old.timestamp.ptr);
	if (err == TL_OK && !res->changed) {
		err = copy_out(fd, out, out_len);
	} else if (err == TL_OK) {
		struct tl_var_new v = { &TL_GUID_IMAGE_SECURITY_DB, "dbx", TL_VAR_ATTRS_SB_KEYS,
					{ 0 }, { (const uint8_t *)b.s, b.len } };
		struct tl_rd rd;
		tl_rd_from(&rd, ts);
		if (tl_rd_copy(&rd, v.timestamp, sizeof(v.timestamp)) != TL_OK)
			err = TL_E_VARSTORE;
		else
			err = tl_varstore_set(fd, &v, 1, out, out_len);
	}
	tl_buf_free(&b);
	return err;
}
