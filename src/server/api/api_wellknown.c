/* What relying parties need to check a token: the signing keys (JWKS) and a discovery
 * document. No authentication: these are public. */
#include "api.h"
#include "jwtkeys.h"

struct tl_resp tl_api_jwks(struct tl_req *r)
{
	json_t *k = tl_jwtkeys_jwks(r->srv->keys);
	return k ? tl_http_json(200, k) : tl_http_error(503, "server.busy", "out of memory", NULL);
}

struct tl_resp tl_api_openid(struct tl_req *r)
{
	const char *iss = r->srv->issuer;
	json_t *o = json_pack("{s:s,s:s%,s:[s],s:[s],s:[s]}", "issuer", iss, "jwks_uri", "", (size_t)0,
			      "id_token_signing_alg_values_supported", "ES256",
			      "response_types_supported", "token", "subject_types_supported", "public");
	json_object_set_new(o, "jwks_uri", json_sprintf("%s/.well-known/jwks.json", iss));
	json_object_set_new(o, "claims_supported",
			    json_pack("[s,s,s,s,s,s,s,s,s,s,s,s,s]", "iss", "sub", "jti", "iat", "exp",
				      "nonce", "verdict", "secure_boot", "db_validated",
				      "dbx_validated", "pcrs", "kernel_cmdline_sha256", "os"));
	return tl_http_json(200, o);
}
