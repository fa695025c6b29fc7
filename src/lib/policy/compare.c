/* Facts compared by component. Each component says how to tell its values apart and how to
 * explain a change to a person. */
#include <stdio.h>
#include <string.h>

#include "trustlaunch/buf.h"
#include "trustlaunch/compare.h"

/* The value at a dotted path ("secureboot.db"); NULL when absent. */
static json_t *at(json_t *doc, const char *path)
{
	char key[64];
	const char *dot = strchr(path, '.');
	if (!dot)
		return json_object_get(doc, path);
	if ((size_t)(dot - path) >= sizeof(key))
		return NULL;
	memcpy(key, path, (size_t)(dot - path));
	key[dot - path] = '\0';
	return at(json_object_get(doc, key), dot + 1);
}

/* Identity of a list entry: a certificate by fingerprint, a hash by value, an app or file by
 * its digests, a string by itself. */
static json_t *identity(json_t *e)
{
	json_t *v;
	if (json_is_string(e))
		return e;
	if ((v = json_object_get(e, "sha256")) || (v = json_object_get(e, "hash")) ||
	    (v = json_object_get(e, "digests")))
		return v;
	return e;
}

/* Digests of two logs with different banks are the same when every bank both have agrees
 * (and they share one). */
static bool same(json_t *a, json_t *b)
{
	const char *bank;
	json_t *v;
	size_t common = 0;
	if (!json_is_object(a) || !json_is_object(b) || json_object_get(a, "subject"))
		return json_equal(a, b);
	json_object_foreach(a, bank, v)
	{
		json_t *w = json_object_get(b, bank);
		if (!w)
			continue;
		if (!json_equal(v, w))
			return false;
		common++;
	}
	return common > 0;
}

static bool same_list(json_t *e, json_t *a)
{
	size_t i;
	json_t *x;
	if (!json_is_array(e) || !json_is_array(a) || json_array_size(e) != json_array_size(a))
		return false;
	json_array_foreach(e, i, x)
		if (!same(identity(x), identity(json_array_get(a, i))))
			return false;
	return true;
}

/* What a person calls a list entry. */
static const char *label(json_t *e)
{
	const char *s;
	if (json_is_string(e))
		return json_string_value(e);
	if ((s = json_string_value(json_object_get(e, "path"))) && *s)
		return s;
	if ((s = json_string_value(json_object_get(e, "subject"))))
		return s;
	return NULL;
}

/* Entries of from that are not in in: counted, and the first few named into msg. */
static size_t missing(json_t *from, json_t *in, const char *verb, struct tl_buf *msg)
{
	size_t i, j, n = 0;
	json_t *a, *b;
	json_array_foreach(from, i, a)
	{
		bool found = false;
		json_array_foreach(in, j, b)
			if (same(identity(a), identity(b)))
				found = true;
		if (!found && ++n <= 3 && label(a))
			tl_buf_printf(msg, "; %s '%.200s'", verb, label(a));
	}
	return n;
}

static void add(json_t *out, const char *component, const char *message, json_t *expected,
		json_t *actual)
{
	json_t *d = json_object();
	json_object_set_new(d, "component", json_string(component));
	json_object_set_new(d, "message", json_string(message));
	json_object_set(d, "expected", expected ? expected : json_null());
	json_object_set(d, "actual", actual ? actual : json_null());
	json_array_append_new(out, d);
}

static void list_change(json_t *out, const char *component, const char *what, json_t *e,
			json_t *a)
{
	struct tl_buf names, msg;
	tl_buf_init(&names, 4096);
	tl_buf_init(&msg, 8192);
	if (!json_is_array(e) || !json_is_array(a)) {
		tl_buf_printf(&msg, "%s %s", what,
			      json_is_array(a) ? "appeared" : "is no longer measured");
	} else {
		size_t added = missing(a, e, "new", &names), removed = missing(e, a, "gone", &names);
		if (added || removed)
			tl_buf_printf(&msg, "%s changed: %zu new, %zu gone%s", what, added, removed,
				      tl_buf_str(&names));
		else
			tl_buf_printf(&msg, "%s changed order", what);
	}
	add(out, component, tl_buf_str(&msg), e, a);
	tl_buf_free(&names);
	tl_buf_free(&msg);
}

static void scalar_text(struct tl_buf *b, json_t *v)
{
	if (!v || json_is_null(v))
		tl_buf_puts(b, "(not measured)");
	else if (json_is_string(v))
		tl_buf_printf(b, "'%.300s'", json_string_value(v));
	else if (json_is_boolean(v))
		tl_buf_puts(b, json_is_true(v) ? "on" : "off");
	else
		tl_buf_puts(b, "(a different value)");
}

static void scalar_change(json_t *out, const char *component, const char *what, json_t *e,
			  json_t *a)
{
	struct tl_buf msg;
	tl_buf_init(&msg, 4096);
	tl_buf_printf(&msg, "%s changed from ", what);
	scalar_text(&msg, e);
	tl_buf_puts(&msg, " to ");
	scalar_text(&msg, a);
	add(out, component, tl_buf_str(&msg), e, a);
	tl_buf_free(&msg);
}

/* Words of the new command line that the old one lacks, and the reverse. */
static void cmdline_change(json_t *out, json_t *e, json_t *a)
{
	struct tl_buf msg;
	const char *es = json_string_value(e), *as = json_string_value(a);
	tl_buf_init(&msg, 65536);
	if (!es || !as) {
		tl_buf_puts(&msg, es ? "kernel command line is no longer measured"
				     : "kernel command line appeared");
	} else {
		tl_buf_puts(&msg, "kernel command line changed:");
		for (int pass = 0; pass < 2; pass++) {
			const char *s = pass == 0 ? as : es, *other = pass == 0 ? es : as;
			while (*s) {
				size_t n = strcspn(s, " ");
				bool found = false;
				for (const char *o = other; *o;) {
					size_t m = strcspn(o, " ");
					if (m == n && strncmp(o, s, n) == 0)
						found = true;
					o += m + (o[m] == ' ');
				}
				if (!found && n)
					tl_buf_printf(&msg, " %s '%.*s'", pass == 0 ? "added" : "removed",
						      (int)n, s);
				s += n + (s[n] == ' ');
			}
		}
	}
	add(out, "kernel_cmdline", tl_buf_str(&msg), e, a);
	tl_buf_free(&msg);
}

/* Indexed by enum tl_component (compare.h), in the same order. */
static const struct {
	const char *path;
	const char *what;
	enum { SCALAR, LIST, CMDLINE } kind;
} components[TL_COMP_COUNT] = {
	{ "secureboot.enabled", "Secure Boot state", SCALAR },
	{ "secureboot.debug_mode", "UEFI debug mode", SCALAR },
	{ "secureboot.pk", "platform key (PK)", LIST },
	{ "secureboot.kek", "key exchange keys (KEK)", LIST },
	{ "secureboot.db", "allowed signature database (db)", LIST },
	{ "secureboot.dbx", "forbidden signature database (dbx)", LIST },
	{ "secureboot.sbat_level", "SBAT level", SCALAR },
	{ "secureboot.authorities", "authorities that allowed boot images", LIST },
	{ "secureboot.mok", "shim MOK lists", SCALAR },
	{ "secureboot.mok_list_trusted", "shim MOK trust setting (MokListTrusted)", SCALAR },
	{ "firmware.scrtm_version", "firmware version (S-CRTM)", SCALAR },
	{ "platform.confidential_technology", "confidential computing technology", SCALAR },
	{ "efi_apps", "boot applications", LIST },
	{ "grub_commands", "GRUB commands", LIST },
	{ "kernel_cmdline", "kernel command line", CMDLINE },
	{ "module_cmdlines", "module command lines", LIST },
	{ "files", "files loaded by the boot loader", LIST },
	{ "exit_boot_services", "ExitBootServices measurement", SCALAR },
	{ "windows.boot_debugging", "Windows boot debugging", SCALAR },
	{ "windows.kernel_debugging", "Windows kernel debugging", SCALAR },
	{ "windows.hypervisor_debugging", "Windows hypervisor debugging", SCALAR },
	{ "windows.test_signing", "Windows test signing", SCALAR },
	{ "windows.flight_signing", "Windows flight signing", SCALAR },
	{ "windows.code_integrity", "Windows code integrity", SCALAR },
	{ "windows.hvci_policy", "Windows HVCI policy", SCALAR },
	{ "windows.dep_policy", "Windows DEP policy", SCALAR },
	{ "windows.safe_mode", "Windows safe mode", SCALAR },
	{ "windows.winpe", "Windows PE boot", SCALAR },
	{ "windows.hypervisor_launch_type", "Windows hypervisor launch type", SCALAR },
	{ "windows.system_root", "Windows system root", SCALAR },
	{ "windows.vbs.enabled", "virtualization-based security (VBS)", SCALAR },
	{ "windows.vbs.required", "VBS required", SCALAR },
	{ "windows.vbs.secureboot_required", "VBS requiring Secure Boot", SCALAR },
	{ "windows.vbs.iommu_required", "VBS requiring an IOMMU", SCALAR },
	{ "windows.vbs.mandatory_enforcement", "VBS mandatory enforcement", SCALAR },
	{ "windows.vbs.microsoft_boot_chain_required", "VBS requiring the Microsoft boot chain",
	  SCALAR },
	{ "windows.elam_drivers", "Windows ELAM drivers", LIST },
	{ "windows.loaded_modules", "Windows boot modules", LIST },
	{ "windows.authority_keys", "Windows boot authority keys", LIST },
};

_Static_assert(TL_COMP_COUNT <= 64, "a verdict keeps the components that differ in 64 bits");

const char *tl_component_path(enum tl_component c)
{
	return (unsigned)c < TL_COMP_COUNT ? components[c].path : NULL;
}

bool tl_component_from_path(const char *path, enum tl_component *out)
{
	for (size_t i = 0; path && i < TL_COMP_COUNT; i++)
		if (strcmp(components[i].path, path) == 0) {
			*out = (enum tl_component)i;
			return true;
		}
	return false;
}

static json_t *compare(json_t *expected, json_t *actual, bool scoped)
{
	json_t *out = json_array();
	if (!out)
		return NULL;
	for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
		json_t *e = at(expected, components[i].path), *a = at(actual, components[i].path);
		if (scoped && !e)
			continue; /* the reference says nothing about this component */
		/* absent and null mean the same: not measured */
		if ((!e || json_is_null(e)) && (!a || json_is_null(a)))
			continue;
		if (e && a && json_equal(e, a))
			continue;
		if (components[i].kind == LIST && same_list(e, a))
			continue; /* the same entries in the same order; only labels differ */
		switch (components[i].kind) {
		case LIST:
			list_change(out, components[i].path, components[i].what, e, a);
			break;
		case CMDLINE:
			cmdline_change(out, e, a);
			break;
		default:
			scalar_change(out, components[i].path, components[i].what, e, a);
			break;
		}
	}
	return out;
}

json_t *tl_facts_compare(json_t *expected, json_t *actual)
{
	return compare(expected, actual, false);
}

json_t *tl_baseline_compare(json_t *baseline, json_t *actual)
{
	return compare(baseline, actual, true);
}

/* Sets the value at a dotted path of at most two levels, making the object on the way. */
static int put(json_t *doc, const char *path, json_t *v)
{
	char key[64];
	const char *dot = strchr(path, '.');
	json_t *sub;
	if (!dot)
		return json_object_set(doc, path, v ? v : json_null());
	if ((size_t)(dot - path) >= sizeof(key))
		return -1;
	memcpy(key, path, (size_t)(dot - path));
	key[dot - path] = '\0';
	if (!(sub = json_object_get(doc, key))) {
		if (json_object_set_new(doc, key, sub = json_object()) != 0)
			return -1;
	}
	return put(sub, dot + 1, v);
}

json_t *tl_baseline_from_facts(json_t *facts)
{
	json_t *out = json_object();
	for (size_t i = 0; out && i < sizeof(components) / sizeof(components[0]); i++) {
		if (put(out, components[i].path, at(facts, components[i].path)) != 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

bool tl_baseline_is_components(json_t *doc, const char **bad)
{
	const char *key;
	json_t *v;
	if (!json_is_object(doc) || json_object_size(doc) == 0) {
		*bad = "components";
		return false;
	}
	json_object_foreach(doc, key, v) {
		bool known = false;
		for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
			size_t n = strlen(key);
			const char *p = components[i].path;
			if (strncmp(p, key, n) == 0 && (p[n] == '\0' || p[n] == '.'))
				known = true;
		}
		if (!known) {
			*bad = key;
			return false;
		}
	}
	return true;
}
