/* UEFI_VARIABLE_DATA: VariableName GUID, name and data lengths, UTF-16 name, data. */
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/text.h"
#include "trustlaunch/uefi.h"

#define MAX_NAME_CHARS 1024u

static int parse(struct tl_bytes in, struct tl_uefi_var *out, struct tl_bytes *trailing)
{
	struct tl_rd rd;
	uint64_t name_chars, data_len;
	struct tl_buf name;

	memset(out, 0, sizeof(*out));
	tl_rd_from(&rd, in);
	if (tl_rd_guid(&rd, &out->guid) || tl_rd_le64(&rd, &name_chars) ||
	    tl_rd_le64(&rd, &data_len) || name_chars > MAX_NAME_CHARS ||
	    tl_rd_bytes(&rd, (size_t)name_chars * 2, &out->name_raw) ||
	    data_len > tl_rd_left(&rd) || tl_rd_bytes(&rd, (size_t)data_len, &out->data) ||
	    (!trailing && tl_rd_end(&rd))) {
		memset(out, 0, sizeof(*out));
		return TL_E_VAR_MALFORMED;
	}
	tl_buf_init(&name, 4 * MAX_NAME_CHARS);
	tl_text_utf16(&name, out->name_raw);
	out->name = tl_buf_take(&name);
	if (!out->name) {
		memset(out, 0, sizeof(*out));
		return TL_E_NOMEM;
	}
	if (trailing)
		*trailing = tl_rd_rest(&rd);
	return TL_OK;
}

int tl_uefi_var_parse(struct tl_bytes in, struct tl_uefi_var *out)
{
	return parse(in, out, NULL);
}

int tl_uefi_var_parse_lenient(struct tl_bytes in, struct tl_uefi_var *out,
			      struct tl_bytes *trailing)
{
	trailing->ptr = NULL;
	trailing->len = 0;
	return parse(in, out, trailing);
}

void tl_uefi_var_clear(struct tl_uefi_var *v)
{
	free(v->name);
	memset(v, 0, sizeof(*v));
}

/* Compares the name as measured (UTF-16LE) with an ASCII name, so that "db\0junk" or an
 * escaped look-alike is not taken for "db". */
bool tl_uefi_var_is(const struct tl_uefi_var *v, const struct tl_guid *vendor, const char *name)
{
	struct tl_rd rd;
	uint16_t u;
	if (!tl_guid_eq(&v->guid, vendor) || v->name_raw.len != 2 * strlen(name))
		return false;
	tl_rd_from(&rd, v->name_raw);
	for (size_t i = 0; name[i]; i++)
		if (tl_rd_le16(&rd, &u) != TL_OK || u != (uint8_t)name[i])
			return false;
	return true;
}
