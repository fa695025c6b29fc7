/* What Debian's signed GRUB 2.06 measures: PCR 8 gets every command it runs (after its
 * embedded configuration finds grub.cfg under the prefix) and the kernel command line, as
 * "grub_cmd: ..." / "kernel_cmdline: ..." with the digest of the text alone; PCR 9 gets every
 * file it reads. A small model: top-level commands and menuentry blocks of grub.cfg, then
 * the first entry. No variables, conditionals or submenus. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "predict_internal.h"

#define MAX_CMD 4096

void tl_pred_grub_string(struct tl_pred *g, const char *prefix, const char *text)
{
	struct tl_buf data;
	uint8_t d[TL_PRED_NBANKS][TL_MAX_DIGEST];
	for (size_t i = 0; i < TL_PRED_NBANKS; i++)
		if (tl_hash(tl_pred_banks[i], text, strlen(text), d[i]) != TL_OK)
			g->err = TL_E_CRYPTO;
	tl_buf_init(&data, 2 * MAX_CMD);
	tl_buf_puts(&data, prefix);
	tl_buf_puts(&data, text);
	tl_buf_putc(&data, '\0');
	if (data.err)
		g->err = data.err;
	else
		tl_pred_event(g, 8, TL_EV_IPL, data.s, data.len, d);
	tl_buf_free(&data);
}

/* PCR 9: a file GRUB read, by the path it used. false when its bytes were not given. */
static bool file_event(struct tl_pred *g, const struct tl_predict_in *in, const char *path,
		       struct tl_bytes known)
{
	uint8_t d[TL_PRED_NBANKS][TL_MAX_DIGEST];
	for (size_t i = 0; !known.ptr && i < in->nfiles; i++)
		if (strcmp(in->files[i].path, path) == 0)
			known = in->files[i].data;
	if (!known.ptr) {
		char msg[512];
		snprintf(msg, sizeof(msg), "PCR 9 not predicted: give the file GRUB reads as %s with "
					   "--file %s=FILE", path, path);
		tl_pred_note(g, msg);
		return false;
	}
	for (size_t i = 0; i < TL_PRED_NBANKS; i++)
		if (tl_hash(tl_pred_banks[i], known.ptr, known.len, d[i]) != TL_OK)
			g->err = TL_E_CRYPTO;
	tl_pred_event(g, 9, TL_EV_IPL, path, strlen(path) + 1, d);
	return true;
}

/* The words of a line, quotes removed, joined by single spaces. */
static void words(const char *line, char *out, size_t n)
{
	size_t k = 0;
	bool space = false;
	for (const char *p = line; *p && k + 1 < n; p++) {
		if (*p == ' ' || *p == '\t') {
			space = k > 0;
			continue;
		}
		if (*p == '"' || *p == '\'')
			continue;
		if (space && k + 2 < n)
			out[k++] = ' ';
		space = false;
		out[k++] = *p;
	}
	out[k] = '\0';
}

struct entry {
	char title[256];
	const char *body; /* the raw block text between { and }, in the copy of grub.cfg */
	size_t body_len;
};

/* Runs the first menu entry: setparams, then each command of its body. */
static bool run_entry(struct tl_pred *g, const struct tl_predict_in *in, const struct entry *e)
{
	char cmd[MAX_CMD], line[MAX_CMD];
	bool files_ok = true;
	size_t i = 0;
	snprintf(cmd, sizeof(cmd), "setparams %s", e->title);
	tl_pred_grub_string(g, "grub_cmd: ", cmd);
	while (i < e->body_len) {
		size_t n = 0;
		while (i < e->body_len && e->body[i] != '\n' && n + 1 < sizeof(line))
			line[n++] = e->body[i++];
		line[n] = '\0';
		i++;
		words(line, cmd, sizeof(cmd));
		if (!cmd[0] || cmd[0] == '#')
			continue;
		tl_pred_grub_string(g, "grub_cmd: ", cmd);
		if (strncmp(cmd, "linux ", 6) == 0) {
			char path[MAX_CMD];
			snprintf(path, sizeof(path), "%.*s", (int)strcspn(cmd + 6, " "), cmd + 6);
			files_ok &= file_event(g, in, path, (struct tl_bytes){ NULL, 0 });
			if (in->cmdline && strcmp(in->cmdline, cmd + 6) != 0)
				tl_pred_note(g, "--cmdline differs from the linux command of grub.cfg; "
						"grub.cfg's is what GRUB measures");
			tl_pred_grub_string(g, "kernel_cmdline: ", cmd + 6);
		} else if (strncmp(cmd, "initrd ", 7) == 0) {
			char *p = cmd + 7;
			while (*p) {
				size_t len = strcspn(p, " ");
				char path[MAX_CMD];
				snprintf(path, sizeof(path), "%.*s", (int)len, p);
				files_ok &= file_event(g, in, path, (struct tl_bytes){ NULL, 0 });
				p += len + (p[len] == ' ');
			}
		}
	}
	return files_ok;
}

int tl_pred_grub(struct tl_pred *g, const struct tl_predict_in *in)
{
	const char *p = in->grub_prefix ? in->grub_prefix : "(hd0)/EFI/debian";
	char cmd[MAX_CMD], path[MAX_CMD], line[MAX_CMD];
	char *cfg = malloc(in->grub_cfg.len + 1);
	struct entry first = { "", NULL, 0 };
	bool have_entry = false, files_ok;
	size_t i = 0;

	if (!cfg)
		return TL_E_NOMEM;
	memcpy(cfg, in->grub_cfg.ptr, in->grub_cfg.len);
	cfg[in->grub_cfg.len] = '\0';
	/* Debian's embedded configuration, with the prefix existing and holding grub.cfg */
	snprintf(cmd, sizeof(cmd), "[ -z %s -o ! -e %s ]", p, p);
	tl_pred_grub_string(g, "grub_cmd: ", cmd);
	snprintf(cmd, sizeof(cmd), "[ -e %s/x86_64-efi/grub.cfg ]", p);
	tl_pred_grub_string(g, "grub_cmd: ", cmd);
	snprintf(cmd, sizeof(cmd), "[ -e %s/grub.cfg ]", p);
	tl_pred_grub_string(g, "grub_cmd: ", cmd);
	snprintf(cmd, sizeof(cmd), "source %s/grub.cfg", p);
	tl_pred_grub_string(g, "grub_cmd: ", cmd);
	snprintf(path, sizeof(path), "%s/grub.cfg", p);
	files_ok = file_event(g, in, path, in->grub_cfg);
	while (cfg[i]) {
		size_t n = 0, start = i;
		while (cfg[i] && cfg[i] != '\n' && n + 1 < sizeof(line))
			line[n++] = cfg[i++];
		line[n] = '\0';
		if (cfg[i] == '\n')
			i++;
		words(line, cmd, sizeof(cmd));
		if (!cmd[0] || cmd[0] == '#')
			continue;
		char *brace = strchr(line, '{');
		if (strncmp(cmd, "menuentry ", 10) == 0 && brace) {
			/* the block runs to a line that is only "}"; GRUB measures it verbatim */
			const char *body = cfg + start + (size_t)(brace - line) + 1;
			const char *end = strstr(body, "\n}");
			char head[MAX_CMD];
			if (!end)
				break;
			end++;
			*brace = '\0';
			words(line, head, sizeof(head));
			struct tl_buf m;
			tl_buf_init(&m, 4 * MAX_CMD);
			tl_buf_printf(&m, "%s {", head);
			tl_buf_put(&m, body, (size_t)(end - body));
			tl_buf_putc(&m, '}');
			tl_pred_grub_string(g, "grub_cmd: ", tl_buf_str(&m));
			tl_buf_free(&m);
			if (!have_entry) {
				const char *title = strlen(head) > 10 ? head + 10 : "";
				size_t tl = strlen(title);
				if (tl >= sizeof(first.title))
					tl = sizeof(first.title) - 1;
				memcpy(first.title, title, tl);
				first.title[tl] = '\0';
				first.body = body;
				first.body_len = (size_t)(end - body);
				have_entry = true;
			}
			i = (size_t)(end - cfg) + 1;
			while (cfg[i] && cfg[i] != '\n')
				i++;
			continue;
		}
		tl_pred_grub_string(g, "grub_cmd: ", cmd);
	}
	if (have_entry)
		files_ok &= run_entry(g, in, &first);
	else
		tl_pred_note(g, "grub.cfg has no menuentry: no kernel is predicted");
	free(cfg);
	g->pcr9_unknown = !files_ok;
	return TL_OK;
}
