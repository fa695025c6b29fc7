/* Benchmark: a VM's NVRAM written with custom Secure Boot keys (tl_varstore_set_keys: read the
 * template and key files, enrol, write atomically) beside a plain copy of the template
 * (read + the same durable write) in the same run; Microsoft's dbx update applied to a copy
 * of the Microsoft store; and an image's reference values predicted (tl_host_predict) beside
 * reading and SHA-256 hashing its parts. One JSON line per figure, medians in milliseconds.
 *   bench_nvram IMAGE_DIR KEY_DIR VECTORS [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "file.h"
#include "image/predict.h"
#include "nvram/nvram.h"
#include "trustlaunch/hash.h"

#define MS_VARS "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp);
	return t[n / 2];
}

static void copy_file(const char *from, const char *to)
{
	uint8_t *b;
	size_t len;
	if (tl_file_read(from, 64u << 20, &b, &len) != TL_OK ||
	    tl_file_write_private(to, b, len, true) != TL_OK)
		exit(2);
	free(b);
}

static void hash_parts(const char *dir)
{
	static const char *const parts[] = { "shimx64.efi", "grubx64.efi", "vmlinuz", "initrd.img",
					     "grub.cfg" };
	char path[4096];
	for (size_t i = 0; i < 5; i++) {
		uint8_t *b, d[TL_MAX_DIGEST];
		size_t len;
		snprintf(path, sizeof(path), "%s/parts/%s", dir, parts[i]);
		if (tl_file_read(path, 512u << 20, &b, &len) != TL_OK ||
		    tl_hash(TL_ALG_SHA256, b, len, d) != TL_OK)
			exit(2);
		free(b);
	}
}

static void line(const char *what, double ms, const char *ref, double ref_ms, int n)
{
	printf("{\"bench\":\"nvram\",\"figure\":\"%s\",\"median_ms\":%.3f,\"reference\":\"%s\","
	       "\"reference_median_ms\":%.3f,\"ratio\":%.2f,\"rounds\":%d}\n",
	       what, ms, ref, ref_ms, ms / ref_ms, n);
}

int main(int argc, char **argv)
{
	char pk[4096], kek[4096], db[4096], out[4096], upd[4096];
	struct tl_sb_key_paths k = { 0 };
	int n = argc > 4 ? atoi(argv[4]) : 20;
	double *a = calloc((size_t)n, sizeof(double)), *b = calloc((size_t)n, sizeof(double));
	char err[256];

	if (argc < 4 || n < 1 || !a || !b)
		return fprintf(stderr, "usage: bench_nvram IMAGE_DIR KEY_DIR VECTORS [ROUNDS]\n"), 2;
	snprintf(pk, sizeof(pk), "%s/PK.pem", argv[2]);
	snprintf(kek, sizeof(kek), "%s/KEK.pem", argv[2]);
	snprintf(db, sizeof(db), "%s/db.pem", argv[2]);
	snprintf(out, sizeof(out), "%s/bench-vars.fd", argv[2]);
	snprintf(upd, sizeof(upd), "%s/revocations/DBXUpdate-amd64.bin", argv[3]);
	k.pk = pk, k.kek[0] = kek, k.nkek = 1, k.db[0] = db, k.ndb = 1;
	for (int i = 0; i < n; i++) {
		double t0 = now();
		if (tl_varstore_set_keys(TL_HOST_EMPTY_VARS, out, &k) != TL_OK)
			return 2;
		a[i] = now() - t0;
		t0 = now();
		copy_file(TL_HOST_EMPTY_VARS, out);
		b[i] = now() - t0;
	}
	line("write_vars_custom_keys", median(a, n), "copy_template", median(b, n), n);
	uint8_t *u;
	size_t ul;
	if (tl_file_read(upd, 1u << 20, &u, &ul) != TL_OK)
		return 2;
	for (int i = 0; i < n; i++) {
		copy_file(MS_VARS, out);
		double t0 = now();
		if (tl_varstore_append_dbx(out, u, ul, NULL) != TL_OK)
			return 2;
		a[i] = now() - t0;
		t0 = now();
		copy_file(MS_VARS, out);
		b[i] = now() - t0;
	}
	free(u);
	line("apply_dbx_update_443_entries", median(a, n), "copy_template", median(b, n), n);
	for (int i = 0; i < n; i++) {
		json_t *m = NULL;
		double t0 = now();
		if (tl_host_predict(argv[1], MS_VARS, NULL, &m, err, sizeof(err)) != TL_OK)
			return fprintf(stderr, "predict: %s\n", err), 2;
		a[i] = now() - t0;
		json_decref(m);
		t0 = now();
		hash_parts(argv[1]);
		b[i] = now() - t0;
	}
	line("predict_image", median(a, n), "sha256_of_parts", median(b, n), n);
	free(a);
	free(b);
	return 0;
}
