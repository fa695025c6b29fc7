/* Lists the service pages by cursor (docs/api.md): one page (--limit, --cursor), or every
 * page followed to its end (--all) into one answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define PAGES_MAX_LIMIT 1000ul
#define PAGES_MAX_CURSOR 128
#define PAGES_MAX 100000 /* --all stops here: a list that never ends is the server's bug */

int tl_pages_option(int argc, char **argv, int *i, struct tl_pages *p, const char *cmd)
{
	const char *o = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	if (strcmp(o, "--all") == 0) {
		p->all = true;
		return 1;
	}
	if (!v || (strcmp(o, "--limit") != 0 && strcmp(o, "--cursor") != 0))
		return 0;
	++*i;
	if (strcmp(o, "--limit") == 0) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);
		if (v[0] < '0' || v[0] > '9' || *end || n == 0 || n > PAGES_MAX_LIMIT) {
			fprintf(stderr, "tl %s: --limit takes 1 to %lu\n", cmd, PAGES_MAX_LIMIT);
			return -1;
		}
		p->limit = n;
		return 1;
	}
	/* a cursor the server gave: digits, '.', '-' and hex digits; nothing to escape */
	if (!*v || strlen(v) > PAGES_MAX_CURSOR || strspn(v, "0123456789abcdef.-") != strlen(v)) {
		fprintf(stderr, "tl %s: --cursor takes a next_cursor the server gave\n", cmd);
		return -1;
	}
	p->cursor = v;
	return 1;
}

static int page(const char *path, const char *id, const char *rest, const struct tl_pages *p,
		const char *cursor, json_t **answer)
{
	char q[256];
	size_t limit = p->limit ? p->limit : (p->all ? PAGES_MAX_LIMIT : 0);
	const char *sep = rest && strchr(rest, '?') ? "&" : "?";
	int n = snprintf(q, sizeof(q), "%s", rest ? rest : "");
	if (limit && n >= 0 && (size_t)n < sizeof(q))
		n += snprintf(q + n, sizeof(q) - (size_t)n, "%slimit=%zu", sep, limit), sep = "&";
	if (cursor && n >= 0 && (size_t)n < sizeof(q))
		n += snprintf(q + n, sizeof(q) - (size_t)n, "%scursor=%s", sep, cursor);
	if (n < 0 || (size_t)n >= sizeof(q)) {
		fprintf(stderr, "tl: the request is too long\n");
		return TL_EXIT_USAGE;
	}
	return tl_client_call(TL_HTTP_GET, path, id, q, NULL, answer);
}

int tl_pages_get(const char *path, const char *id, const char *rest, const char *key,
		 const struct tl_pages *p, json_t **answer)
{
	json_t *first = NULL, *next = NULL;
	char cursor[PAGES_MAX_CURSOR + 1];
	int rc = page(path, id, rest, p, p->cursor, &first);
	for (int n = 0; rc == TL_EXIT_OK && p->all && n < PAGES_MAX; n++) {
		const char *c = json_string_value(json_object_get(first, "next_cursor"));
		if (!c)
			break;
		snprintf(cursor, sizeof(cursor), "%s", c);
		if (strlen(c) > PAGES_MAX_CURSOR ||
		    strspn(cursor, "0123456789abcdef.-") != strlen(cursor)) {
			fprintf(stderr, "tl: the server gave a cursor that is not one\n");
			rc = TL_EXIT_CHECK;
			break;
		}
		if ((rc = page(path, id, rest, p, cursor, &next)) != TL_EXIT_OK)
			break;
		json_array_extend(json_object_get(first, key), json_object_get(next, key));
		json_object_set(first, "next_cursor", json_object_get(next, "next_cursor"));
		json_decref(next);
		next = NULL;
	}
	if (rc != TL_EXIT_OK) {
		json_decref(first);
		return rc;
	}
	*answer = first;
	return TL_EXIT_OK;
}

void tl_pages_say_more(json_t *answer)
{
	const char *c = json_string_value(json_object_get(answer, "next_cursor"));
	if (c) {
		fflush(stdout); /* after the page, where a terminal shows both */
		fputs("more: --cursor ", stderr);
		tl_cli_put_safe(stderr, c);
		fputs(" (or --all)\n", stderr);
	}
}

int tl_pages_args(int argc, char **argv, const char *help, const char *cmd, struct tl_pages *p)
{
	for (int i = 1; i < argc; i++) {
		int taken;
		if (tl_cli_is_help(argv[i])) {
			fputs(help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			tl_client_opts.json = true;
		} else if ((taken = tl_pages_option(argc, argv, &i, p, cmd)) != 0) {
			if (taken < 0)
				return TL_EXIT_USAGE;
		} else {
			fprintf(stderr, "tl %s: unexpected '", cmd);
			tl_cli_put_safe(stderr, argv[i]);
			fprintf(stderr, "'\n\n%s", help);
			return TL_EXIT_USAGE;
		}
	}
	/* a whole list unless a page was asked for */
	if (!p->limit && !p->cursor)
		p->all = true;
	return -1;
}

int tl_pages_command(int argc, char **argv, const char *help, const char *cmd, const char *path,
		     const char *key, int (*show)(json_t *answer))
{
	struct tl_pages pages = { 0 };
	json_t *answer;
	int rc = tl_pages_args(argc, argv, help, cmd, &pages);
	if (rc >= 0)
		return rc;
	if ((rc = tl_pages_get(path, NULL, NULL, key, &pages, &answer)) != 0)
		return rc;
	tl_pages_say_more(answer);
	return tl_client_output(answer, show);
}
