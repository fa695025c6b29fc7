/* grub.cfg's first menuentry, read strictly through the bounded reader: lines, then words
 * (quotes removed), then commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/grubcfg.h"

#define MALFORMED TL_E_GRUBCFG_MALFORMED

struct words {
	size_t n;
	char w[TL_GRUB_MAX_WORDS][TL_GRUB_MAX_WORD];
	bool spaced[TL_GRUB_MAX_WORDS]; /* a quoted word holding white space */
};

static bool plain(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("/._-=,:+@%()!{}*?~^", c) != NULL;
}

/* One character into the current word. */
static int put(struct words *ws, size_t *k, uint8_t c)
{
	if (*k + 1 >= TL_GRUB_MAX_WORD)
		return MALFORMED;
	ws->w[ws->n][(*k)++] = (char)c;
	ws->w[ws->n][*k] = '\0';
	return TL_OK;
}

/* A quoted run up to its closing quote q (no '$' or '\' inside double quotes). */
static int quoted(struct tl_rd *rd, struct words *ws, size_t *k, uint8_t q)
{
	uint8_t c;
	for (;;) {
		if (tl_rd_u8(rd, &c))
			return MALFORMED; /* unclosed */
		if (c == q)
			return TL_OK;
		if (q == '"' && (c == '$' || c == '\\' || c == '`'))
			return MALFORMED;
		if (c == ' ' || c == '\t')
			ws->spaced[ws->n] = true;
		if (put(ws, k, c))
			return MALFORMED;
	}
}

/* The words of one line; a '#' starting a word comments out the rest. */
static int split(struct tl_bytes line, struct words *ws)
{
	struct tl_rd rd;
	uint8_t c;
	size_t k = 0;
	bool in_word = false;
	memset(ws, 0, sizeof(*ws));
	tl_rd_from(&rd, line);
	while (tl_rd_u8(&rd, &c) == TL_OK) {
		if (c == ' ' || c == '\t') {
			if (in_word)
				ws->n++;
			in_word = false;
			k = 0;
			continue;
		}
		if (!in_word && c == '#')
			break;
		if (!in_word && ws->n >= TL_GRUB_MAX_WORDS)
			return MALFORMED;
		in_word = true;
		if (c == '\'' || c == '"') {
			if (quoted(&rd, ws, &k, c))
				return MALFORMED;
		} else if (!plain(c) || put(ws, &k, c)) {
			return MALFORMED;
		}
	}
	if (in_word)
		ws->n++;
	return TL_OK;
}

static bool is_keyword(const char *w)
{
	static const char *const kw[] = { "if", "then", "elif", "else", "fi", "for", "while",
					  "until", "do", "done", "function", "submenu", "source",
					  "configfile", "case", "esac", "[", "]" };
	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strcmp(w, kw[i]) == 0)
			return true;
	return false;
}

/* A command outside the entry, or inside one that is not linux/initrd. */
static int check_command(const struct words *ws)
{
	if (is_keyword(ws->w[0]))
		return MALFORMED;
	for (size_t i = 0; i < ws->n; i++)
		if (strchr(ws->w[i], '{') || strchr(ws->w[i], '}'))
			return MALFORMED;
	if (strcmp(ws->w[0], "set") == 0 && ws->n >= 2 &&
	    strncmp(ws->w[1], "default=", 8) == 0 && strcmp(ws->w[1], "default=0") != 0)
		return MALFORMED;
	return TL_OK;
}

static int copy_word(char *dst, size_t cap, const char *src)
{
	return snprintf(dst, cap, "%s", src) < (int)cap ? TL_OK : MALFORMED;
}

/* linux PATH ARGS... and initrd PATH... of the entry. */
static int entry_command(const struct words *ws, struct tl_grub_entry *e, bool *have_linux,
			 bool *have_initrd)
{
	bool is_linux = strcmp(ws->w[0], "linux") == 0;
	if (!is_linux && strcmp(ws->w[0], "initrd") != 0)
		return check_command(ws);
	if (ws->n < 2 || (is_linux ? *have_linux : *have_initrd))
		return MALFORMED;
	for (size_t i = 1; i < ws->n; i++)
		if (ws->spaced[i] || (i == 1 || !is_linux ? ws->w[i][0] != '/' : false))
			return MALFORMED;
	if (!is_linux) {
		if (ws->n - 1 > TL_GRUB_MAX_INITRD)
			return MALFORMED;
		for (size_t i = 1; i < ws->n; i++)
			if (copy_word(e->initrd[e->ninitrd++], TL_GRUB_MAX_WORD, ws->w[i]))
				return MALFORMED;
		*have_initrd = true;
		return TL_OK;
	}
	size_t k = 0;
	for (size_t i = 1; i < ws->n; i++) {
		int n = snprintf(e->cmdline + k, sizeof(e->cmdline) - k, "%s%s", i > 1 ? " " : "",
				 ws->w[i]);
		if (n < 0 || (size_t)n >= sizeof(e->cmdline) - k)
			return MALFORMED;
		k += (size_t)n;
	}
	*have_linux = true;
	return copy_word(e->linux_path, sizeof(e->linux_path), ws->w[1]);
}

/* "menuentry TITLE [options] {": the title. */
static int entry_head(const struct words *ws, struct tl_grub_entry *e)
{
	if (ws->n < 3 || strcmp(ws->w[ws->n - 1], "{") != 0)
		return MALFORMED;
	for (size_t i = 1; i + 1 < ws->n; i++)
		if (strchr(ws->w[i], '{') || strchr(ws->w[i], '}'))
			return MALFORMED;
	return copy_word(e->title, sizeof(e->title), ws->w[1]);
}

/* The lines of one entry up to its "}"; *e filled for the first entry only. */
static int entry_body(struct tl_rd *rd, struct words *ws, struct tl_grub_entry *e, bool first)
{
	struct tl_grub_entry scratch;
	bool have_linux = false, have_initrd = false;
	struct tl_bytes line;
	int err;
	if (!first)
		e = memset(&scratch, 0, sizeof(scratch));
	while (tl_rd_line(rd, &line)) {
		if (line.len > TL_GRUB_MAX_LINE || (err = split(line, ws)) != TL_OK)
			return MALFORMED;
		if (ws->n == 0)
			continue;
		if (strcmp(ws->w[0], "}") == 0)
			return ws->n != 1		 ? MALFORMED
			       : have_linux || !first ? TL_OK
						      : TL_E_GRUBCFG_NO_ENTRY;
		if (strcmp(ws->w[0], "menuentry") == 0 ||
		    (err = entry_command(ws, e, &have_linux, &have_initrd)) != TL_OK)
			return MALFORMED;
	}
	return MALFORMED; /* no closing brace */
}

static int bytes_ok(struct tl_bytes cfg)
{
	struct tl_rd rd;
	uint8_t c;
	if (cfg.len > TL_GRUB_MAX_CFG)
		return MALFORMED;
	tl_rd_from(&rd, cfg);
	while (tl_rd_u8(&rd, &c) == TL_OK)
		if (!(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7F)))
			return MALFORMED;
	return TL_OK;
}

/* Each line at the top level: commands, and the entries (the first one kept in e). */
static int top_level(struct tl_rd *rd, struct words *ws, struct tl_grub_entry *e)
{
	struct tl_grub_entry other;
	struct tl_bytes line;
	bool found = false;
	int err = TL_OK;
	while (err == TL_OK && tl_rd_line(rd, &line)) {
		if (line.len > TL_GRUB_MAX_LINE || split(line, ws) != TL_OK)
			return MALFORMED;
		if (ws->n == 0)
			continue;
		if (strcmp(ws->w[0], "menuentry") != 0) {
			err = check_command(ws);
			continue;
		}
		err = entry_head(ws, found ? &other : e);
		if (err == TL_OK)
			err = entry_body(rd, ws, e, !found);
		found = true;
	}
	return err == TL_OK && !found ? TL_E_GRUBCFG_NO_ENTRY : err;
}

int tl_grubcfg_first_entry(struct tl_bytes cfg, struct tl_grub_entry *out)
{
	struct words *ws = NULL;
	struct tl_grub_entry e;
	struct tl_rd rd;
	int err = bytes_ok(cfg);

	memset(out, 0, sizeof(*out));
	memset(&e, 0, sizeof(e));
	if (err == TL_OK && !(ws = malloc(sizeof(*ws))))
		err = TL_E_NOMEM;
	tl_rd_from(&rd, cfg);
	if (err == TL_OK)
		err = top_level(&rd, ws, &e);
	if (err == TL_OK)
		*out = e;
	free(ws);
	return err;
}
