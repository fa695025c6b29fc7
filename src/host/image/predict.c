/* The reference values of an image, before its VM first boots: the parts of the image
 * directory read, grub.cfg's first entry read strictly, then the library's prediction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "image/predict.h"
#include "trustlaunch/compare.h"
#include "trustlaunch/facts.h"
#include "trustlaunch/grubcfg.h"
#include "trustlaunch/pe.h"
#include "trustlaunch/predict.h"
#include "trustlaunch/tcglog.h"
#include "trustlaunch/varstore.h"

#define MAX_VARS (64u * 1024u * 1024u)
#define MAX_IMAGE_JSON (64u * 1024u)

enum { SHIM, GRUB, KERNEL, INITRD, CFG, NPARTS };
static const char *const part_key[NPARTS] = { "shim", "grub", "kernel", "initrd", "grub_cfg" };
static const char *const part_default[NPARTS] = { "parts/shimx64.efi", "parts/grubx64.efi",
						  "parts/vmlinuz", "parts/initrd.img",
						  "parts/grub.cfg" };
static const size_t part_max[NPARTS] = { TL_PE_MAX_SIZE, TL_PE_MAX_SIZE, TL_PE_MAX_SIZE,
					 TL_HOST_MAX_INITRD, TL_GRUB_MAX_CFG };

/* A boot produces these, but neither the image nor the NVRAM decides them: the firmware's
 * build (PCR 0), shim's MOK state (PCR 14) and the hand-over to the kernel (PCR 5). */
static const char *const not_predicted[] = { "firmware.scrtm_version", "secureboot.mok",
					     "exit_boot_services" };

struct parts {
	struct tl_bytes b[NPARTS], vars;
	uint8_t *buf[NPARTS + 1];
};

/* A part's path relative to the image directory: from image.json's "parts" when it names
 * it, else the layout tl image build writes. Relative, without "..": the image stays inside. */
static const char *part_path(json_t *image, size_t i)
{
	const char *p = json_string_value(json_object_get(json_object_get(image, "parts"),
							  part_key[i]));
	if (!p)
		return part_default[i];
	if (p[0] == '/' || strstr(p, "..") || strlen(p) > 255)
		return NULL;
	return p;
}

static int any_var(const struct tl_var_entry *v, void *arg)
{
	(void)v;
	(void)arg;
	return TL_OK;
}

/* DIR/image.json when there is one (else *out NULL): a JSON object of bounded size. */
static int image_json(const char *dir, json_t **out)
{
	char path[4096];
	uint8_t *buf = NULL;
	size_t len;
	int e;
	*out = NULL;
	snprintf(path, sizeof(path), "%s/image.json", dir);
	if ((e = tl_file_read(path, MAX_IMAGE_JSON, &buf, &len)) == TL_E_FILE_MISSING)
		return TL_OK;
	if (e == TL_OK)
		*out = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	if (e == TL_OK && !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return TL_E_IMAGE_INCOMPLETE;
	}
	return e;
}

static int load_parts(const char *dir, const char *vars, struct parts *p, char *err,
		      size_t errlen)
{
	char path[4096];
	json_t *image = NULL;
	size_t len;
	int e;

	if ((e = image_json(dir, &image)) != TL_OK) {
		snprintf(err, errlen, "%s/image.json: not a JSON object of at most 64 KiB", dir);
		return e;
	}
	for (size_t i = 0; i < NPARTS; i++) {
		const char *rel = part_path(image, i);
		if (!rel) {
			snprintf(err, errlen, "image.json: parts.%s leaves the image directory",
				 part_key[i]);
			json_decref(image);
			return TL_E_IMAGE_INCOMPLETE;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, rel);
		if ((e = tl_file_read(path, part_max[i], &p->buf[i], &len)) != TL_OK) {
			snprintf(err, errlen, "%s: %s", path, tl_err_msg(e));
			json_decref(image);
			return e == TL_E_FILE_MISSING ? TL_E_IMAGE_INCOMPLETE : e;
		}
		p->b[i] = (struct tl_bytes){ p->buf[i], len };
	}
	json_decref(image);
	if ((e = tl_file_read(vars, MAX_VARS, &p->buf[NPARTS], &len)) != TL_OK) {
		snprintf(err, errlen, "%s: %s", vars, tl_err_msg(e));
		return e;
	}
	p->vars = (struct tl_bytes){ p->buf[NPARTS], len };
	/* the prediction reads a variable it cannot find as empty: the store must read */
	if ((e = tl_varstore_walk(p->vars, any_var, NULL)) != TL_OK) {
		snprintf(err, errlen, "%s: %s", vars, tl_err_msg(e));
		return e;
	}
	return TL_OK;
}

/* The prediction's input: shim, GRUB, the kernel twice (shim verifies it, then GRUB loads
 * it), the files GRUB reads by the paths of the entry. */
static int fill_in(struct tl_predict_in *in, const struct parts *p, const struct tl_grub_entry *e,
		   const struct tl_host_predict_opts *o, char *err, size_t errlen)
{
	memset(in, 0, sizeof(*in));
	in->vars = p->vars;
	in->apps[0] = p->b[SHIM];
	in->apps[1] = p->b[GRUB];
	in->apps[2] = in->apps[3] = p->b[KERNEL];
	in->napps = 4;
	in->failed_attempts = o ? o->failed_attempts : 0;
	in->grub_prefix = o ? o->grub_prefix : NULL;
	in->cmdline = e->cmdline;
	in->grub_cfg = p->b[CFG];
	in->files[0].path = e->linux_path;
	in->files[0].data = p->b[KERNEL];
	in->nfiles = 1;
	if (e->ninitrd > 1) {
		snprintf(err, errlen, "grub.cfg: the entry loads %zu initrd files; the image has one",
			 e->ninitrd);
		return TL_E_IMAGE_INCOMPLETE;
	}
	if (e->ninitrd == 1) {
		in->files[1].path = e->initrd[0];
		in->files[1].data = p->b[INITRD];
		in->nfiles = 2;
	}
	return TL_OK;
}

/* The manifest's components: the baseline of the predicted facts (what PUT .../baseline
 * takes), without what the image does not decide. */
static int baseline_of(json_t *doc)
{
	json_t *comp = tl_baseline_from_facts(json_object_get(doc, "components"));
	json_t *list = json_array();
	if (!comp || !list) {
		json_decref(comp);
		json_decref(list);
		return TL_E_NOMEM;
	}
	for (size_t i = 0; i < sizeof(not_predicted) / sizeof(not_predicted[0]); i++) {
		const char *name = not_predicted[i], *dot = strchr(name, '.');
		if (dot) {
			char head[64];
			snprintf(head, sizeof(head), "%.*s", (int)(dot - name), name);
			json_object_del(json_object_get(comp, head), dot + 1);
			if (json_object_size(json_object_get(comp, head)) == 0)
				json_object_del(comp, head);
		} else {
			json_object_del(comp, name);
		}
		json_array_append_new(list, json_string(name));
	}
	/* what trustlaunchd's PUT .../baseline checks: only components, and at least one */
	const char *bad = NULL;
	if (json_object_size(comp) == 0 || !tl_baseline_is_components(comp, &bad)) {
		json_decref(comp);
		json_decref(list);
		return TL_E_ARG;
	}
	json_object_set_new(doc, "components", comp);
	json_object_set_new(doc, "not_predicted", list);
	return TL_OK;
}

int tl_host_predict(const char *image_dir, const char *vars_path,
		    const struct tl_host_predict_opts *opts, json_t **manifest_out, char *err,
		    size_t errlen)
{
	struct parts p;
	struct tl_grub_entry *e = calloc(1, sizeof(*e));
	struct tl_predict_in in;
	json_t *doc = NULL;
	int rc;

	*manifest_out = NULL;
	memset(&p, 0, sizeof(p));
	snprintf(err, errlen, "%s", "");
	rc = e ? load_parts(image_dir, vars_path, &p, err, errlen) : TL_E_NOMEM;
	if (rc == TL_OK && (rc = tl_grubcfg_first_entry(p.b[CFG], e)) != TL_OK)
		snprintf(err, errlen, "grub.cfg: %s", tl_err_msg(rc));
	if (rc == TL_OK)
		rc = fill_in(&in, &p, e, opts, err, errlen);
	if (rc == TL_OK && (rc = tl_predict(&in, &doc, NULL, NULL)) != TL_OK)
		snprintf(err, errlen, "prediction: %s", tl_err_msg(rc));
	if (rc == TL_OK && (rc = baseline_of(doc)) == TL_OK) {
		*manifest_out = doc;
		doc = NULL;
	}
	json_decref(doc);
	for (size_t i = 0; i <= NPARTS; i++)
		free(p.buf[i]);
	free(e);
	return rc;
}

int tl_host_predict_compare(json_t *manifest, const uint8_t *log, size_t len, json_t **diff)
{
	struct tl_log *l = NULL;
	json_t *facts = NULL;
	int err = tl_log_parse(log, len, &l, NULL);
	*diff = NULL;
	if (err == TL_OK)
		err = tl_facts_extract(l, TL_PCRS_ALL, &facts);
	if (err == TL_OK &&
	    !(*diff = tl_baseline_compare(json_object_get(manifest, "components"), facts)))
		err = TL_E_NOMEM;
	json_decref(facts);
	tl_log_free(l);
	return err;
}
