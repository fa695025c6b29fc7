/* Text for people from the server's answers: aligned tables and fields. Strings from the
 * server reach the terminal only through safe_copy, which escapes control and invisible
 * format characters. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "trustlaunch/text.h"

#define TL_TABLE_MAX_COLS 12u
#define TL_TABLE_MAX_ROWS 1000000u
#define TL_TABLE_MAX_CELL (64u * 1024u * 1024u) /* escaped: at most 4 bytes a byte of input */

struct tl_table {
	size_t ncols, nrows, cap;
	char **cells; /* nrows * ncols, row-major, each a safe copy */
};

/* Control characters, bytes that are not UTF-8 and the invisible format characters (a
 * right-to-left override U+202E in a VM name would reorder the rest of the line) are escaped
 * as \xNN or \uXXXX (tl_text_terminal). */
static char *safe_copy(const char *s)
{
	struct tl_buf b;
	tl_buf_init(&b, TL_TABLE_MAX_CELL);
	tl_buf_puts(&b, "");
	tl_text_terminal(&b, (struct tl_bytes){ (const uint8_t *)s, strlen(s) });
	return tl_buf_take(&b);
}

void tl_cli_put_safe(FILE *f, const char *s)
{
	char *t = safe_copy(s);
	fputs(t ? t : "?", f);
	free(t);
}

void tl_cli_line(FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0 && (s = malloc((size_t)n + 1)) != NULL) {
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	tl_cli_put_safe(f, s ? s : "?");
	fputc('\n', f);
	free(s);
}

/* Columns on a terminal: one per UTF-8 sequence (wide characters are rare in names). */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

struct tl_table *tl_table_new(size_t ncols, const char *const *headers)
{
	struct tl_table *t;

	if (ncols == 0 || ncols > TL_TABLE_MAX_COLS || !(t = calloc(1, sizeof(*t))))
		return NULL;
	t->ncols = ncols;
	if (headers && tl_table_add(t, headers) != TL_OK) {
		tl_table_free(t);
		return NULL;
	}
	return t;
}

int tl_table_add(struct tl_table *t, const char *const *cells)
{
	char **row;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **p;
		if (cap > TL_TABLE_MAX_ROWS)
			return TL_E_ARG;
		if (!(p = realloc(t->cells, cap * t->ncols * sizeof(*p))))
			return TL_E_NOMEM;
		t->cells = p;
		t->cap = cap;
	}
	row = &t->cells[t->nrows * t->ncols];
	for (size_t c = 0; c < t->ncols; c++) {
		if (!(row[c] = safe_copy(cells[c] ? cells[c] : "-"))) {
			while (c > 0)
				free(row[--c]);
			return TL_E_NOMEM;
		}
	}
	t->nrows++;
	return TL_OK;
}

void tl_table_print(const struct tl_table *t, FILE *f)
{
	size_t w[TL_TABLE_MAX_COLS] = { 0 };

	if (!t)
		return;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			if (width(t->cells[r * t->ncols + c]) > w[c])
				w[c] = width(t->cells[r * t->ncols + c]);
	for (size_t r = 0; r < t->nrows; r++) {
		char **row = &t->cells[r * t->ncols];
		size_t end = t->ncols; /* no padding after the last cell that is not empty */
		while (end > 1 && !row[end - 1][0])
			end--;
		for (size_t c = 0; c < end; c++) {
			fputs(row[c], f);
			if (c + 1 < end)
				fprintf(f, "%*s", (int)(w[c] - width(row[c]) + 2), "");
		}
		fputc('\n', f);
	}
}

void tl_table_free(struct tl_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

const char *tl_cli_cell(json_t *v, char *buf, size_t cap)
{
	size_t n;

	if (!v || json_is_null(v))
		return "-";
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	if (json_is_integer(v)) {
		snprintf(buf, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	if (cap < 4)
		return "...";
	n = json_dumpb(v, buf, cap - 1, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	if (n == 0)
		return "?";
	if (n >= cap - 1) {
		memcpy(buf + cap - 4, "...", 3);
		n = cap - 1;
	}
	buf[n] = '\0';
	return buf;
}

const char *tl_cli_time_cell(json_t *v, char *buf, size_t cap)
{
	struct tm tm;
	time_t t;

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 253402300799) /* 9999-12-31 */
		return tl_cli_cell(v, buf, cap);
	t = (time_t)json_integer_value(v);
	if (!gmtime_r(&t, &tm) || strftime(buf, cap, "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
		return tl_cli_cell(v, buf, cap);
	return buf;
}

int tl_table_show(struct tl_table *t, int err)
{
	if (!t || err != TL_OK) {
		fprintf(stderr, "tl: out of memory\n");
		tl_table_free(t);
		return TL_EXIT_USAGE;
	}
	tl_table_print(t, stdout);
	tl_table_free(t);
	return TL_EXIT_OK;
}

int tl_cli_show_fields(json_t *obj, const char *const *keys, size_t nkeys)
{
	struct tl_table *t = tl_table_new(2, NULL);
	int err = TL_OK;

	for (size_t i = 0; t && i < nkeys && err == TL_OK; i++) {
		char buf[256];
		json_t *v = json_object_get(obj, keys[i]);
		const char *cells[2] = { keys[i], NULL };
		bool is_time = strcmp(keys[i], "created") == 0 || strcmp(keys[i], "time") == 0;
		cells[1] = is_time ? tl_cli_time_cell(v, buf, sizeof(buf))
				   : tl_cli_cell(v, buf, sizeof(buf));
		err = tl_table_add(t, cells);
	}
	return tl_table_show(t, err);
}

int tl_cli_show_rows(json_t *list, const char *const *head, const char *const *keys,
		     size_t ncols)
{
	struct tl_table *t = tl_table_new(ncols, head);
	int err = TL_OK;
	json_t *row;
	size_t i;

	json_array_foreach(list, i, row) {
		char buf[TL_TABLE_MAX_COLS][64];
		const char *cells[TL_TABLE_MAX_COLS];
		if (!t || err != TL_OK || ncols > TL_TABLE_MAX_COLS)
			break;
		for (size_t c = 0; c < ncols; c++) {
			json_t *v = json_object_get(row, keys[c]);
			cells[c] = c == ncols - 1 ? tl_cli_time_cell(v, buf[c], sizeof(buf[c]))
						  : tl_cli_cell(v, buf[c], sizeof(buf[c]));
		}
		err = tl_table_add(t, cells);
	}
	return tl_table_show(t, err);
}
