/* SbatLevel_Variable.txt (rhboot/shim): prose, then each generation as the variable's
 * payload ("sbat,1,STAMP" and "component,N" lines, ended by an empty line). The prose that
 * introduces a generation becomes its description; the CVEs named there, its cves. */
#include <stdlib.h>
#include <string.h>

#include "revocation_internal.h"
#include "trustlaunch/buf.h"
#include "trustlaunch/limits.h"

#define MAX_DESCRIPTION 1024u

struct file_ctx {
	struct tl_buf prose; /* paragraphs since the last generation, '\n' between them */
	struct tl_sbat_levels out;
	bool in_block;
	struct tl_sbat_generation cur;
};

static bool is_list(const char *p)
{
	while (*p == ' ')
		p++;
	return *p == '*' || *p == '-';
}

/* The paragraph that introduces a generation: the last one (not a list) that ends in ':' or
 * " by", or holds a ':' ("Revocations for: - ..."); else the last that is not a list. From
 * there to the generation, the paragraphs on one line. */
static char *description(const char *prose)
{
	const char *start = NULL, *fallback = NULL, *p = prose;
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (!is_list(p)) {
			fallback = p;
			if (memchr(p, ':', n) || (n >= 3 && strncmp(p + n - 3, " by", 3) == 0))
				start = p;
		}
		p += n + (end ? 1 : 0);
	}
	if (!start)
		start = fallback ? fallback : prose;
	char *d = strndup(start, MAX_DESCRIPTION);
	size_t n = d ? strlen(d) : 0;
	for (char *q = d; q && *q; q++)
		if (*q == '\n')
			*q = ' ';
	while (n > 0 && d[n - 1] == ' ')
		d[--n] = '\0';
	return d;
}

/* "CVE-YYYY-N..." tokens of text, joined by ", ". */
static char *cves(const char *text)
{
	struct tl_buf b;
	const char *p = text;
	tl_buf_init(&b, MAX_DESCRIPTION);
	tl_buf_puts(&b, "");
	while ((p = strstr(p, "CVE-")) != NULL) {
		size_t y = strspn(p + 4, "0123456789"), n;
		if (y == 4 && p[8] == '-' && (n = strspn(p + 9, "0123456789")) >= 4) {
			if (b.len)
				tl_buf_puts(&b, ", ");
			tl_buf_put(&b, p, 9 + n);
			p += 9 + n;
		} else {
			p += 4;
		}
	}
	return tl_buf_take(&b);
}

static int finish(struct file_ctx *c)
{
	struct tl_sbat_levels *o = &c->out;
	if (o->count >= TL_MAX_SBAT_GENERATIONS)
		return TL_E_REVOC_TOO_MANY;
	if (o->count % 16 == 0) {
		struct tl_sbat_generation *g = realloc(o->gen, (o->count + 16) * sizeof(*g));
		if (!g)
			return TL_E_NOMEM;
		o->gen = g;
	}
	if (o->count == 0 || strcmp(c->cur.level.stamp, o->gen[o->newest].level.stamp) >= 0)
		o->newest = o->count;
	o->gen[o->count++] = c->cur;
	memset(&c->cur, 0, sizeof(c->cur));
	c->in_block = false;
	tl_buf_free(&c->prose);
	tl_buf_init(&c->prose, TL_MAX_SBAT_LEVELS_TEXT);
	return TL_OK;
}

static int start(struct file_ctx *c, const char *line)
{
	const char *prose = c->prose.err ? "" : tl_buf_str(&c->prose);
	if (!tl_sbat_text_header(line, &c->cur.level))
		return TL_E_REVOC_SBAT_MALFORMED;
	c->cur.description = description(prose);
	c->cur.cves = c->cur.description ? cves(c->cur.description) : NULL;
	if (!c->cur.description || !c->cur.cves)
		return TL_E_NOMEM;
	c->in_block = true;
	return TL_OK;
}

static int one_line(struct file_ctx *c, const char *line)
{
	if (c->in_block) {
		if (line[0] == '\0')
			return finish(c);
		return tl_sbat_text_component(line, &c->cur.level) ? TL_OK
								   : TL_E_REVOC_SBAT_MALFORMED;
	}
	if (strncmp(line, "sbat,", 5) == 0)
		return start(c, line);
	if (line[0] == '\0') {
		if (c->prose.len && c->prose.s[c->prose.len - 1] != '\n')
			tl_buf_putc(&c->prose, '\n');
		return TL_OK;
	}
	if (c->prose.len && c->prose.s[c->prose.len - 1] != '\n')
		tl_buf_putc(&c->prose, ' ');
	tl_buf_puts(&c->prose, line + strspn(line, " \t"));
	return TL_OK;
}

int tl_sbat_levels_parse(struct tl_bytes text, struct tl_sbat_levels *out)
{
	struct file_ctx c;
	struct tl_rd rd;
	char line[TL_MAX_SBAT_LINE];
	bool long_line, bad;
	int err = TL_OK;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	tl_buf_init(&c.prose, TL_MAX_SBAT_LEVELS_TEXT);
	if (text.len > TL_MAX_SBAT_LEVELS_TEXT) {
		err = TL_E_REVOC_SBAT_MALFORMED;
		goto out;
	}
	tl_rd_from(&rd, text);
	while (err == TL_OK && tl_sbat_text_line(&rd, line, &long_line, &bad)) {
		if (bad || (long_line && (c.in_block || strncmp(line, "sbat,", 5) == 0)))
			err = TL_E_REVOC_SBAT_MALFORMED;
		else
			err = one_line(&c, line);
	}
	if (err == TL_OK && c.in_block)
		err = finish(&c);
	if (err == TL_OK && c.out.count == 0)
		err = TL_E_REVOC_SBAT_MALFORMED;
	if (err == TL_OK) {
		*out = c.out;
		memset(&c.out, 0, sizeof(c.out));
	}
out:
	free(c.cur.description);
	free(c.cur.cves);
	tl_sbat_levels_clear(&c.out);
	tl_buf_free(&c.prose);
	return err;
}

void tl_sbat_levels_clear(struct tl_sbat_levels *levels)
{
	if (!levels)
		return;
	for (size_t i = 0; i < levels->count; i++) {
		free(levels->gen[i].description);
		free(levels->gen[i].cves);
	}
	free(levels->gen);
	memset(levels, 0, sizeof(*levels));
}
