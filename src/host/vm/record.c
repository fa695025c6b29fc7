/* Host records: HOSTDIR/vms/NAME/vm.json, what this host knows of a VM it made (name, the
 * VM id, the image, security type, Secure Boot keys, vTPM and its secret, scale set, where
 * its baseline came from). JSON through jansson; a record is read with a size limit and
 * every field checked, since a VM directory may be edited by hand. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "file.h"
#include "host.h"

#define MAX_RECORD (64u * 1024u)

bool tl_host_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TL_HOST_MAX_NAME || s[0] == '.' || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

bool tl_host_uuid_ok(const char *s)
{
	if (strlen(s) != TL_HOST_UUID_LEN)
		return false;
	for (size_t i = 0; i < TL_HOST_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

const char *tl_host_keys_name(enum tl_host_keys k)
{
	return k == TL_HOST_KEYS_NONE ? "none" : k == TL_HOST_KEYS_CUSTOM ? "custom" : "microsoft";
}

void tl_host_vm_dir(const char *hostdir, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s/vms/%s", hostdir, name);
}

int tl_host_vm_save(const char *hostdir, const struct tl_host_vm *vm)
{
	char path[TL_HOST_MAX_PATH];
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s?, s:s?, s:s, s:i}",
			      "name", vm->name, "vm_id", vm->id, "image", vm->image, "size",
			      vm->size, "os", vm->os, "security_type",
			      vm->trusted ? "trustedlaunch" : "standard", "secure_boot_keys",
			      tl_host_keys_name(vm->keys), "keys_dir", vm->keys_dir, "vtpm",
			      vm->vtpm, "scale_set", vm->scale_set[0] ? vm->scale_set : NULL,
			      "secret", vm->secret[0] ? vm->secret : NULL, "baseline",
			      vm->baseline, "memory_mib", (json_int_t)vm->memory_mib);
	char *text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
	int err;

	json_decref(o);
	if (!text)
		return TL_E_NOMEM;
	tl_host_vm_dir(hostdir, vm->name, path, sizeof(path));
	strncat(path, "/vm.json", sizeof(path) - strlen(path) - 1);
	err = tl_file_write_private(path, text, strlen(text), true);
	free(text);
	return err;
}

static bool copy(json_t *o, const char *key, char *out, size_t cap, bool need)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		return !need && (out[0] = '\0', true);
	if (strlen(s) >= cap)
		return false;
	memcpy(out, s, strlen(s) + 1);
	return true;
}

static int parse(json_t *o, struct tl_host_vm *vm)
{
	char type[32], keys[32];
	json_int_t mem = json_integer_value(json_object_get(o, "memory_mib"));

	memset(vm, 0, sizeof(*vm));
	if (!copy(o, "name", vm->name, sizeof(vm->name), true) ||
	    !copy(o, "vm_id", vm->id, sizeof(vm->id), true) || !tl_host_uuid_ok(vm->id) ||
	    !copy(o, "image", vm->image, sizeof(vm->image), true) ||
	    !copy(o, "size", vm->size, sizeof(vm->size), false) ||
	    !copy(o, "os", vm->os, sizeof(vm->os), false) ||
	    !copy(o, "security_type", type, sizeof(type), true) ||
	    !copy(o, "secure_boot_keys", keys, sizeof(keys), true) ||
	    !copy(o, "keys_dir", vm->keys_dir, sizeof(vm->keys_dir), false) ||
	    !copy(o, "scale_set", vm->scale_set, sizeof(vm->scale_set), false) ||
	    !copy(o, "secret", vm->secret, sizeof(vm->secret), false) ||
	    (vm->secret[0] && !tl_host_uuid_ok(vm->secret)) ||
	    !copy(o, "baseline", vm->baseline, sizeof(vm->baseline), false) || mem < 64 ||
	    mem > 1 << 20)
		return TL_E_HOST_RECORD;
	vm->trusted = strcmp(type, "trustedlaunch") == 0;
	vm->keys = strcmp(keys, "none") == 0	 ? TL_HOST_KEYS_NONE
		   : strcmp(keys, "custom") == 0 ? TL_HOST_KEYS_CUSTOM
						 : TL_HOST_KEYS_MICROSOFT;
	vm->vtpm = json_is_true(json_object_get(o, "vtpm"));
	vm->memory_mib = (unsigned)mem;
	return TL_OK;
}

int tl_host_vm_load(const char *hostdir, const char *name, struct tl_host_vm *vm)
{
	char path[TL_HOST_MAX_PATH];
	uint8_t *buf;
	size_t len;
	json_t *o;
	int err;

	if (!tl_host_name_ok(name))
		return TL_E_HOST_NO_VM;
	tl_host_vm_dir(hostdir, name, path, sizeof(path));
	strncat(path, "/vm.json", sizeof(path) - strlen(path) - 1);
	if ((err = tl_file_read(path, MAX_RECORD, &buf, &len)) != TL_OK)
		return err == TL_E_FILE_MISSING ? TL_E_HOST_NO_VM : err;
	o = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	err = json_is_object(o) ? parse(o, vm) : TL_E_HOST_RECORD;
	json_decref(o);
	if (err == TL_OK && strcmp(vm->name, name) != 0)
		err = TL_E_HOST_RECORD;
	return err;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tl_host_vm_names(const char *hostdir, char ***names, size_t *n)
{
	char path[TL_HOST_MAX_PATH], **v = NULL, **p;
	size_t k = 0;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/vms", hostdir);
	*names = NULL;
	*n = 0;
	if (!(d = opendir(path)))
		return TL_OK; /* no VMs yet */
	while ((e = readdir(d))) {
		if (!tl_host_name_ok(e->d_name))
			continue;
		if (!(p = realloc(v, (k + 1) * sizeof(*v))) || !(p[k] = strdup(e->d_name))) {
			closedir(d);
			tl_host_names_free(p ? p : v, k);
			return TL_E_NOMEM;
		}
		v = p;
		k++;
	}
	closedir(d);
	if (k)
		qsort(v, k, sizeof(*v), cmp);
	*names = v;
	*n = k;
	return TL_OK;
}

void tl_host_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
