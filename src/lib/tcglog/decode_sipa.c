/* Decoder for Windows' EV_EVENT_TAG events of PCR 12-14: the SIPA events as a tree. */
#include <stdlib.h>

#include "decode.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/sipa.h"

struct tree {
	json_t *level[TL_MAX_SIPA_DEPTH + 1]; /* the open arrays, level[0] the top */
	size_t count;
};

static json_t *hex_json(struct tl_bytes b)
{
	char *s = malloc(2 * b.len + 1);
	json_t *j;
	if (!s)
		return NULL;
	s[0] = '\0';
	if (b.len)
		tl_hex(b.ptr, b.len, s);
	j = json_string(s);
	free(s);
	return j;
}

static int add(const struct tl_sipa_event *ev, bool leave, void *arg)
{
	struct tree *t = arg;
	const char *name = tl_sipa_name(ev->type);
	json_t *o;
	if (leave)
		return TL_OK;
	t->count++;
	if (!t->level[0])
		return TL_OK; /* the summary only */
	o = json_object();
	json_object_set_new(o, "type", json_sprintf("0x%08x", ev->type));
	if (name)
		json_object_set_new(o, "name", json_string(name));
	if (ev->type & TL_SIPA_AGGREGATION) {
		t->level[ev->depth + 1] = json_array();
		json_object_set_new(o, "events", t->level[ev->depth + 1]);
	} else {
		json_object_set_new(o, "hex", hex_json(ev->data));
	}
	json_array_append_new(t->level[ev->depth], o);
	return TL_OK;
}

/* True when the data is well-formed SIPA (then decoded); false leaves x untouched. */
bool tl_dec_sipa(struct tl_dec *x)
{
	struct tree t = { { NULL }, 0 };
	uint32_t first;
	struct tl_bytes d;
	struct tl_rd rd;
	const char *name;
	if (x->ev->pcr < 12 || x->ev->pcr > 14 || !tl_sipa_is_windows(x->ev->data))
		return false;
	tl_rd_from(&rd, x->ev->data);
	if (tl_sipa_read(&rd, &first, &d) != TL_OK)
		return false; /* empty or not SIPA */
	if (x->d)
		t.level[0] = json_array();
	if (tl_sipa_walk(x->ev->data, add, &t, NULL) != TL_OK) {
		json_decref(t.level[0]);
		return false;
	}
	tl_dec_set(x, "sipa", t.level[0]);
	name = tl_sipa_name(first);
	tl_buf_printf(x->sum, "Windows SIPA %s", name ? name : "event");
	tl_buf_printf(x->sum, " (%zu event%s)", t.count, t.count == 1 ? "" : "s");
	return true;
}
