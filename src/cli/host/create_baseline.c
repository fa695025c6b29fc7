/* No trust on first use: a new VM's reference values predicted from the image it boots and
 * its NVRAM (tl_host_predict, src/host/image) and set as its baseline at trustlaunchd before
 * the first boot (PUT /v1/vms/{id}/baseline), so that its very first attestation is checked
 * against them. When the image cannot be predicted, or trustlaunchd does not take the
 * prediction, the baseline is learned from the first attestation; the host record says which
 * ("predicted" or "learned"). */
#include <stdio.h>

#include "hostcli.h"
#include "image/predict.h"

static bool predicted(const char *image, const char *vars, const char *id)
{
	json_t *manifest = NULL, *answer = NULL;
	bool json = tl_client_opts.json;
	char why[256];
	int rc;

	if (tl_host_predict(image, vars, NULL, &manifest, why, sizeof(why)) != TL_OK) {
		fprintf(stderr, "tl: notice: the image's reference values cannot be predicted (%s): "
				"the first attestation is learned\n", why);
		return false;
	}
	rc = tl_client_call(TL_HTTP_PUT, "/v1/vms", id, "/baseline", manifest, &answer);
	tl_client_opts.json = json;
	json_decref(answer);
	if (rc != TL_EXIT_OK)
		fprintf(stderr, "tl: notice: trustlaunchd did not take the predicted baseline: the "
				"first attestation is learned\n");
	return rc == TL_EXIT_OK;
}

void tl_create_baseline(const char *image, const char *vars, const char *id, char *baseline,
			size_t cap)
{
	snprintf(baseline, cap, "%s", predicted(image, vars, id) ? "predicted" : "learned");
}
