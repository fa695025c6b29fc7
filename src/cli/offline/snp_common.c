/* What `tl snp verify` and `tl cvm verify` share: AMD roots, policy options, output. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "snpcli.h"
#include "trustlaunch/hash.h"

#define SMALL_FILE (64u * 1024u)

static bool number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return false;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

int tl_snp_cli_option(int argc, char **argv, int *i, struct tl_snp_cli *o)
{
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	unsigned long long n;
	if (strcmp(a, "--json") == 0)
		o->json = true;
	else if (strcmp(a, "--allow-debug") == 0)
		o->cfg.allow_debug = true;
	else if (strcmp(a, "--allow-migration-agent") == 0)
		o->cfg.allow_migrate_ma = true;
	else if (strcmp(a, "--forbid-smt") == 0)
		o->cfg.forbid_smt = true;
	else if (!v)
		return 0;
	else if (strcmp(a, "--vcek") == 0)
		o->vcek = argv[++*i];
	else if (strcmp(a, "--ca") == 0 && o->nca < TL_SNP_MAX_CAS)
		o->ca[o->nca++] = argv[++*i];
	else if (strcmp(a, "--at") == 0 || strcmp(a, "--max-vmpl") == 0) {
		if (!number(v, a[2] == 'a' ? 0x7FFFFFFFFFFFull : 3, &n)) {
			fprintf(stderr, "tl: %s: not a number in range: %s\n", a, v);
			return -1;
		}
		if (a[2] == 'a')
			o->at = (time_t)n;
		else
			o->cfg.max_vmpl = (uint32_t)n;
		++*i;
	} else if (strcmp(a, "--min-tcb") == 0) {
		if (!tl_snp_tcb_parse(v, &o->cfg.min_tcb)) {
			fprintf(stderr, "tl: --min-tcb: not BL:TEE:SNP:UCODE[:FMC] (0-255): %s\n", v);
			return -1;
		}
		++*i;
	} else
		return 0;
	return 1;
}

static int add_file(struct tl_snp_roots *roots, const char *path)
{
	uint8_t *buf;
	size_t len;
	int err;
	if (tl_cli_read_file(path, SMALL_FILE, &buf, &len) != TL_OK)
		return TL_EXIT_USAGE;
	err = tl_snp_roots_add(roots, (struct tl_bytes){ buf, len });
	free(buf);
	return err == TL_OK ? TL_EXIT_OK : tl_cli_fail(path, err);
}

/* Every *.pem of a directory. */
static int add_dir(struct tl_snp_roots *roots, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	int rc = TL_EXIT_OK, n = 0;
	if (!d) {
		fprintf(stderr, "tl: %s: %s\n", dir, strerror(errno));
		return TL_EXIT_USAGE;
	}
	while (rc == TL_EXIT_OK && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".pem") != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		rc = add_file(roots, path);
		n++;
	}
	closedir(d);
	if (rc == TL_EXIT_OK && n == 0)
		return tl_cli_fail(dir, TL_E_SNP_ROOTS);
	return rc;
}

int tl_snp_cli_roots(const struct tl_snp_cli *o, struct tl_snp_roots **out)
{
	const char *env = getenv("TL_AMD_ROOTS"), *def[1] = { env && *env ? env : TL_SNP_DEFAULT_ROOTS };
	const char *const *ca = o->nca ? o->ca : def;
	size_t nca = o->nca ? o->nca : 1;
	struct tl_snp_roots *roots;
	struct stat st;
	int rc = TL_EXIT_OK;

	if (tl_snp_roots_new(&roots) != TL_OK)
		return tl_cli_fail("roots", TL_E_NOMEM);
	for (size_t i = 0; i < nca && rc == TL_EXIT_OK; i++)
		rc = stat(ca[i], &st) == 0 && S_ISDIR(st.st_mode) ? add_dir(roots, ca[i])
								   : add_file(roots, ca[i]);
	if (rc != TL_EXIT_OK) {
		tl_snp_roots_free(roots);
		return rc;
	}
	*out = roots;
	return TL_EXIT_OK;
}

int tl_snp_cli_signer(const struct tl_snp_cli *o, const struct tl_snp_roots *roots,
		      struct tl_snp_signer **out, struct tl_snp_cert_info *info)
{
	uint8_t *buf;
	size_t len;
	int err;
	memset(info, 0, sizeof(*info));
	if (tl_cli_read_file(o->vcek, SMALL_FILE, &buf, &len) != TL_OK)
		return -1;
	err = tl_snp_signer_new(roots, (struct tl_bytes){ buf, len }, o->at, out, info);
	free(buf);
	return err;
}

int tl_snp_cli_exit(int err)
{
	switch (err) {
	case TL_OK:
		return TL_EXIT_OK;
	case TL_E_TRUNCATED:
	case TL_E_TRAILING:
	case TL_E_SNP_MALFORMED:
	case TL_E_SNP_VERSION:
	case TL_E_SNP_CERT_MALFORMED:
	case TL_E_SNP_ROOTS:
	case TL_E_HCL_MALFORMED:
	case TL_E_TDX_MALFORMED:
	case TL_E_NOMEM:
		return TL_EXIT_USAGE;
	default:
		return TL_EXIT_CHECK;
	}
}

json_t *tl_snp_cli_reason(int err, const char *detail)
{
	if (err == TL_OK)
		return NULL;
	json_t *r = json_pack("{s:s, s:s}", "code", tl_err_name(err), "message", tl_err_msg(err));
	if (r && detail && *detail)
		json_object_set_new(r, "detail", json_string(detail));
	return r;
}

void tl_snp_cli_refused(int err, const char *detail)
{
	fprintf(stderr, "%s: %s: %s%s", tl_snp_cli_exit(err) == TL_EXIT_USAGE ? "unusable" : "refused",
		tl_err_name(err), tl_err_msg(err), detail && *detail ? ": " : "");
	if (detail && *detail)
		tl_cli_put_safe(stderr, detail);
	fputc('\n', stderr);
}
