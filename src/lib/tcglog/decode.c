/* Dispatch of event decoders, and the helpers they share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/tcgdecode.h"
#include "trustlaunch/text.h"

#define MAX_SUMMARY 512u
#define HEX_SUMMARY 32u /* bytes of opaque data shown in a summary */

void tl_dec_set(struct tl_dec *x, const char *key, json_t *v)
{
	if (x->d && v)
		json_object_set_new(x->d, key, v);
	else
		json_decref(v);
}

void tl_dec_str(struct tl_dec *x, const char *key, const char *s)
{
	if (x->d && s)
		json_object_set_new(x->d, key, json_string(s));
}

void tl_dec_hex(struct tl_dec *x, const char *key, struct tl_bytes b)
{
	char *hex;
	if (!x->d)
		return;
	hex = malloc(2 * b.len + 1);
	if (!hex)
		return;
	if (b.len)
		tl_hex(b.ptr, b.len, hex);
	else
		hex[0] = '\0';
	json_object_set_new(x->d, key, json_string(hex));
	free(hex);
}

json_t *tl_dec_u64_json(uint64_t v)
{
	char s[24];
	snprintf(s, sizeof(s), "0x%llx", (unsigned long long)v);
	return json_string(s);
}

void tl_dec_u64(struct tl_dec *x, const char *key, uint64_t v)
{
	if (x->d)
		json_object_set_new(x->d, key, tl_dec_u64_json(v));
}

void tl_dec_flag(struct tl_dec *x, const char *flag)
{
	if (x->flags)
		json_array_append_new(x->flags, json_string(flag));
}

char *tl_dec_text(struct tl_bytes b)
{
	struct tl_buf t;
	tl_buf_init(&t, 4 * TL_MAX_EVENT_SIZE + 16);
	tl_buf_puts(&t, "");
	tl_text_bytes(&t, b);
	return tl_buf_take(&t);
}

char *tl_dec_utf16(struct tl_bytes b)
{
	struct tl_buf t;
	tl_buf_init(&t, 4 * TL_MAX_EVENT_SIZE + 16);
	tl_buf_puts(&t, "");
	tl_text_utf16(&t, b);
	return tl_buf_take(&t);
}

void tl_dec_opaque(struct tl_dec *x)
{
	struct tl_rd rd;
	uint8_t c;
	size_t n = 0;
	tl_dec_hex(x, "hex", x->ev->data);
	tl_buf_printf(x->sum, "%zu bytes", x->ev->data.len);
	if (x->ev->data.len == 0)
		return;
	tl_buf_puts(x->sum, ": ");
	tl_rd_from(&rd, x->ev->data);
	while (n++ < HEX_SUMMARY && tl_rd_u8(&rd, &c) == TL_OK)
		tl_buf_printf(x->sum, "%02x", c);
	if (x->ev->data.len > HEX_SUMMARY)
		tl_buf_puts(x->sum, "...");
}

/* Strings measured as ASCII or UTF-16 (S-CRTM version, actions, POST codes). */
void tl_dec_string(struct tl_dec *x)
{
	struct tl_bytes b = x->ev->data;
	char *s = NULL;
	if (tl_text_is_ascii(b)) {
		s = tl_dec_text(b);
		tl_dec_str(x, "encoding", "ascii");
	} else if (tl_text_is_utf16(b) || (b.len > 0 && tl_bytes_all(b, 0))) {
		s = tl_dec_utf16(b);
		tl_dec_str(x, "encoding", "utf-16");
	}
	if (!s) {
		if (x->ev->type == TL_EV_POST_CODE && b.len == 16) {
			tl_dec_blob(x);
			return;
		}
		tl_dec_opaque(x);
		return;
	}
	tl_dec_str(x, "text", s);
	tl_buf_puts(x->sum, s);
	free(s);
}

static void decode(struct tl_dec *x)
{
	switch (x->ev->type) {
	case TL_EV_NO_ACTION: tl_dec_no_action(x); break;
	case TL_EV_SEPARATOR:
		tl_dec_hex(x, "value", x->ev->data);
		if (!tl_bytes_eq(x->ev->data, "\0\0\0\0", 4) &&
		    !tl_bytes_eq(x->ev->data, "\xff\xff\xff\xff", 4))
			tl_dec_flag(x, "separator_data");
		tl_dec_opaque(x);
		break;
	case TL_EV_EFI_VARIABLE_DRIVER_CONFIG:
	case TL_EV_EFI_VARIABLE_BOOT:
	case TL_EV_EFI_VARIABLE_BOOT2:
	case TL_EV_EFI_VARIABLE_AUTHORITY: tl_dec_variable(x); break;
	case TL_EV_EFI_BOOT_SERVICES_APPLICATION:
	case TL_EV_EFI_BOOT_SERVICES_DRIVER:
	case TL_EV_EFI_RUNTIME_SERVICES_DRIVER: tl_dec_image(x); break;
	case TL_EV_EFI_GPT_EVENT:
	case TL_EV_EFI_GPT_EVENT2: tl_dec_gpt(x); break;
	case TL_EV_EFI_PLATFORM_FIRMWARE_BLOB:
	case TL_EV_EFI_PLATFORM_FIRMWARE_BLOB2: tl_dec_blob(x); break;
	case TL_EV_EFI_HANDOFF_TABLES:
	case TL_EV_EFI_HANDOFF_TABLES2: tl_dec_tables(x); break;
	case TL_EV_IPL: tl_dec_ipl(x); break;
	case TL_EV_NONHOST_INFO: tl_dec_nonhost_info(x); break;
	case TL_EV_EVENT_TAG: tl_dec_tag(x); break;
	case TL_EV_POST_CODE:
	case TL_EV_POST_CODE2:
	case TL_EV_S_CRTM_VERSION:
	case TL_EV_S_CRTM_CONTENTS:
	case TL_EV_ACTION:
	case TL_EV_EFI_ACTION:
	case TL_EV_OMIT_BOOT_DEVICE_EVENTS:
	case TL_EV_EFI_HCRTM_EVENT: tl_dec_string(x); break;
	default:
		if (!tl_ev_name(x->ev->type))
			tl_dec_flag(x, "unknown_type");
		else if (x->ev->type == TL_EV_UNUSED)
			tl_dec_flag(x, "unused_type");
		tl_dec_opaque(x);
		break;
	}
}

void tl_event_summary(const struct tl_log *log, const struct tl_event *ev, struct tl_buf *out)
{
	struct tl_buf sum;
	struct tl_dec x = { .sum = &sum, .log = log, .ev = ev };
	tl_buf_init(&sum, MAX_SUMMARY * 8);
	decode(&x);
	/* cut to MAX_SUMMARY bytes on a character boundary */
	if (sum.len > MAX_SUMMARY && !sum.err) {
		size_t n = MAX_SUMMARY;
		while (n > 0 && ((unsigned char)sum.s[n] & 0xC0) == 0x80)
			n--;
		tl_buf_put(out, sum.s, n);
		tl_buf_puts(out, "...");
	} else {
		tl_buf_puts(out, sum.err ? "<summary too long>" : tl_buf_str(&sum));
	}
	tl_buf_free(&sum);
}

json_t *tl_event_json(const struct tl_log *log, size_t index)
{
	const struct tl_event *ev = &log->ev[index];
	json_t *o = json_object(), *digests = json_object();
	struct tl_buf sum;
	struct tl_dec x = { .d = json_object(), .flags = json_array(), .sum = &sum, .log = log,
			    .ev = ev };
	const char *name = tl_ev_name(ev->type);
	char type[16];

	tl_buf_init(&sum, 4 * TL_MAX_EVENT_SIZE + 16);
	if (!o || !digests || !x.d || !x.flags) {
		json_decref(o);
		json_decref(digests);
		json_decref(x.d);
		json_decref(x.flags);
		return NULL;
	}
	for (size_t b = 0; b < log->nbanks; b++) {
		char hex[2 * TL_MAX_DIGEST + 1], unk[16];
		const char *alg = tl_alg_name(log->alg[b]);
		if (!alg) {
			snprintf(unk, sizeof(unk), "0x%04x", log->alg[b]);
			alg = unk;
		}
		tl_hex(ev->digest[b], log->alg_size[b], hex);
		json_object_set_new(digests, alg, json_string(hex));
	}
	decode(&x);
	snprintf(type, sizeof(type), "0x%08x", ev->type);
	json_object_set_new(o, "index", json_integer((json_int_t)index));
	json_object_set_new(o, "offset", json_integer((json_int_t)ev->offset));
	json_object_set_new(o, "pcr", json_integer(ev->pcr));
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "type_name", name ? json_string(name) : json_null());
	json_object_set_new(o, "digests", digests);
	json_object_set_new(o, "size", json_integer((json_int_t)ev->data.len));
	json_object_set_new(o, "summary", json_string(tl_buf_str(&sum)));
	json_object_set_new(o, "data", x.d);
	json_object_set_new(o, "flags", x.flags);
	tl_buf_free(&sum);
	return o;
}
