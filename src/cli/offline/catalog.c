/* tl catalog show | check: the compatibility catalog (docs/catalog.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "trustlaunch/catalog.h"

#ifndef TL_CATALOG_DEFAULT
#define TL_CATALOG_DEFAULT "/usr/share/trustlaunch/catalog.json"
#endif

#define MAX_OVERLAYS 8

static const char show_help[] =
	"usage: tl catalog show [--catalog FILE]... [--json]\n"
	"\n"
	"The VM size families and operating systems that support Trusted Launch, those that do\n"
	"not yet, and those that cannot (Gen1 only), with the GPU driver notes. --catalog adds an\n"
	"overlay of the operator's own sizes, families and OS ids (docs/catalog.md); the base is\n"
	"$TL_CATALOG_DATA, else " TL_CATALOG_DEFAULT ".\n"
	"exit: 0 shown, 2 a catalog file is unusable\n";

static const char check_help[] =
	"usage: tl catalog check --size SIZE --os OS [--security-type standard|trustedlaunch|\n"
	"                        confidential] [--secure-boot on|off] [--vtpm on|off]\n"
	"                        [--catalog FILE]... [--json]\n"
	"\n"
	"Would trustlaunchd register a new VM of this size and OS, and with which security\n"
	"profile? Trusted Launch is the default where the size and OS support it. SIZE is an\n"
	"Azure-style name (Standard_D2s_v5), a family (Dsv5) or an operator's size from an overlay;\n"
	"OS an id such as debian-12, ubuntu-22.04, rhel-9.2, windows-server-2022 (tl catalog show).\n"
	"exit: 0 allowed, 1 refused (the rule is named), 2 usage or unusable catalog\n";

int tl_cli_catalog_load(const char *const *overlays, size_t n, struct tl_catalog **out)
{
	const char *base = getenv("TL_CATALOG_DATA");
	struct tl_catalog *c = NULL;
	struct tl_catalog_diag diag;
	int err = tl_catalog_new(&c);

	for (size_t i = 0; err == TL_OK && i <= n; i++) {
		const char *path = i == 0 ? (base && *base ? base : TL_CATALOG_DEFAULT) : overlays[i - 1];
		uint8_t *buf;
		size_t len;
		if ((err = tl_cli_read_file(path, TL_CATALOG_MAX_TEXT, &buf, &len)) != TL_OK)
			break;
		err = tl_catalog_load(c, (struct tl_bytes){ buf, len }, &diag);
		free(buf);
		if (err != TL_OK)
			fprintf(stderr, "tl: %s: %s (%s, at %s)\n", path, tl_err_msg(err),
				tl_err_name(err), diag.where);
	}
	if (err != TL_OK) {
		tl_catalog_free(c);
		return TL_EXIT_USAGE;
	}
	*out = c;
	return TL_EXIT_OK;
}

static void list(const char *label, json_t *a)
{
	size_t i;
	json_t *v;
	if (!json_array_size(a))
		return;
	printf("  %-22s", label);
	json_array_foreach(a, i, v)
		printf("%s%s", i ? ", " : "", json_string_value(v));
	putchar('\n');
}

static int show_text(json_t *doc)
{
	size_t i;
	json_t *k, *v;
	const char *key;
	json_array_foreach(json_object_get(doc, "categories"), i, k) {
		printf("%s%s\n", i ? "\n" : "", json_string_value(json_object_get(k, "title")));
		list("supported:", json_object_get(k, "supported"));
		list("not yet supported:", json_object_get(k, "currently_unsupported"));
		list("unsupported (Gen1):", json_object_get(k, "unsupported"));
		if (json_is_true(json_object_get(k, "all_sizes_supported")))
			printf("  %-22sall sizes supported\n", "");
	}
	printf("\nOther families\n");
	json_object_foreach(json_object_get(doc, "other_families"), key, v)
		printf("  %-22s%s (%s)\n", key, json_string_value(json_object_get(v, "support")),
		       json_string_value(json_object_get(v, "category")));
	printf("\nOperating systems (id: name)\n");
	json_array_foreach(json_object_get(doc, "os"), i, v)
		printf("  %-36s %s\n", json_string_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "name")));
	printf("\nNotes\n");
	json_array_foreach(json_object_get(doc, "notes"), i, v)
		printf("  - %s\n", json_string_value(json_object_get(v, "text")));
	return TL_EXIT_OK;
}

static int print_doc(char *text, bool json, int (*show)(json_t *), int rc)
{
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	if (!doc) {
		fprintf(stderr, "tl: out of memory\n");
		return TL_EXIT_USAGE;
	}
	if (json) {
		if (tl_cli_print_json(doc))
			return TL_EXIT_USAGE;
		return rc;
	}
	show(doc);
	json_decref(doc);
	return rc;
}

struct opts {
	const char *overlays[MAX_OVERLAYS];
	size_t n;
	bool json;
	struct tl_vm_request req;
};

static int on_off(const char *v, int *out)
{
	*out = strcmp(v, "on") == 0 ? 1 : strcmp(v, "off") == 0 ? 0 : -2;
	return *out >= 0;
}

/* One option at argv[*i]; false when it is not one of ours. */
static bool option(int argc, char **argv, int *i, struct opts *o)
{
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	if (strcmp(a, "--json") == 0)
		return o->json = true;
	if (!v)
		return false;
	++*i;
	if (strcmp(a, "--catalog") == 0 && o->n < MAX_OVERLAYS)
		return (o->overlays[o->n++] = v);
	if (strcmp(a, "--size") == 0)
		return (o->req.size = v);
	if (strcmp(a, "--os") == 0)
		return (o->req.os = v);
	if (strcmp(a, "--security-type") == 0)
		return (o->req.type = tl_security_type_parse(v)) != TL_SECTYPE_UNSET;
	if (strcmp(a, "--secure-boot") == 0)
		return on_off(v, &o->req.secure_boot);
	if (strcmp(a, "--vtpm") == 0)
		return on_off(v, &o->req.vtpm);
	return false;
}

static int parse(int argc, char **argv, const char *help, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->req.secure_boot = o->req.vtpm = -1;
	for (int i = 1; i < argc; i++) {
		if (tl_cli_is_help(argv[i])) {
			fputs(help, stdout);
			return TL_EXIT_OK;
		}
		if (!option(argc, argv, &i, o)) {
			fprintf(stderr, "tl catalog %s: unexpected or incomplete '%s'\n\n%s", argv[0],
				argv[i], help);
			return TL_EXIT_USAGE;
		}
	}
	return -1;
}

static int show(int argc, char **argv)
{
	struct opts o;
	struct tl_catalog *c;
	int rc = parse(argc, argv, show_help, &o);
	if (rc >= 0 || (rc = tl_cli_catalog_load(o.overlays, o.n, &c)) != TL_EXIT_OK)
		return rc;
	rc = print_doc(tl_catalog_dump(c), o.json, show_text, TL_EXIT_OK);
	tl_catalog_free(c);
	return rc;
}

static int check_text(json_t *d)
{
	json_t *size = json_object_get(d, "size"), *n;
	size_t i;
	bool ok = json_is_true(json_object_get(d, "allowed"));
	printf("%s\n", ok ? "allowed" : "refused");
	if (!ok)
		printf("rule           %s\nwhy            %s\n",
		       json_string_value(json_object_get(d, "rule")),
		       json_string_value(json_object_get(d, "message")));
	printf("security type  %s\n", json_string_value(json_object_get(d, "security_type")));
	if (ok && json_object_get(d, "message"))
		printf("why not TL     %s\n", json_string_value(json_object_get(d, "message")));
	if (ok)
		printf("secure boot    %s\nvtpm           %s\n",
		       json_is_true(json_object_get(d, "secure_boot")) ? "on" : "off",
		       json_is_true(json_object_get(d, "vtpm")) ? "on" : "off");
	const char *fam = json_string_value(json_object_get(size, "family"));
	printf("size family    %s (%s)\n", fam ? fam : "unknown",
	       json_string_value(json_object_get(size, "support")));
	json_array_foreach(json_object_get(d, "notes"), i, n)
		printf("note           %s\n", json_string_value(json_object_get(n, "text")));
	return TL_EXIT_OK;
}

static int check(int argc, char **argv)
{
	struct opts o;
	struct tl_catalog *c;
	struct tl_cat_decision d;
	int rc = parse(argc, argv, check_help, &o);
	if (rc >= 0)
		return rc;
	if (!o.req.size || !o.req.os) {
		fprintf(stderr, "tl catalog check: --size and --os are needed\n\n%s", check_help);
		return TL_EXIT_USAGE;
	}
	if ((rc = tl_cli_catalog_load(o.overlays, o.n, &c)) != TL_EXIT_OK)
		return rc;
	tl_catalog_decide_create(c, &o.req, &d);
	rc = print_doc(tl_cat_decision_json(c, &d), o.json, check_text,
		       d.rule == TL_RULE_OK ? TL_EXIT_OK : TL_EXIT_CHECK);
	tl_catalog_free(c);
	return rc;
}

int tl_cmd_catalog(int argc, char **argv)
{
	static const struct tl_cmd cmds[] = {
		{ "show", show, "the size families and OS versions that support Trusted Launch" },
		{ "check", check, "would a VM of this size and OS get Trusted Launch?" },
		{ NULL, NULL, NULL },
	};
	return tl_cli_dispatch("tl catalog", cmds, argc - 1, argv + 1);
}
