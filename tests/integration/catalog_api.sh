#!/usr/bin/env bash
# The compatibility catalog through trustlaunchd: POST /v1/vms applies the seed's rules (a 400
# that names the rule), PATCH /v1/vms/{id} turns Trusted Launch on later except where the rules
# forbid it, GET /v1/catalog[/check], and an operator's overlay given with --catalog.
set -uo pipefail
d=${TL_DAEMON:?} work=$(mktemp -d) pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fails=0 passes=0
ok()  { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
cat > "$work/overlay.json" <<'J'
{"families": {"kvm-gp": {"support": "supported", "category": "general-purpose"}},
 "sizes": {"kvm.medium": "kvm-gp"},
 "os": [{"id": "fedora-40", "name": "Fedora 40", "family": "linux"}]}
J
start() {
  "$d" --listen 127.0.0.1:$port --state-dir "$work/state" "$@" 2>>"$work/log" & pid=$!
  for _ in $(seq 50); do curl -s "$base/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "trustlaunchd did not start: $(cat "$work/log")" >&2; exit 2
}
call() {
  local args=(-s -o "$work/body" -w '%{http_code}' -X "$1" "$base$2")
  [[ -n ${TOKEN:-} ]] && args+=(-H "Authorization: Bearer $TOKEN")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  code=$(curl "${args[@]}")
}
expect() { [[ $code == "$1" ]] && ok || bad "$2: HTTP $code, wanted $1: $(head -c 300 "$work/body")"; }
check() { python3 -c "import json,sys; d=json.load(open('$work/body')); assert $1, d" || bad "$2"; }

# an unusable overlay stops the daemon at start, naming the file and the member
echo '{"sizes": {"a": 1}}' > "$work/bad.json"
"$d" --listen 127.0.0.1:$port --state-dir "$work/state" --catalog "$work/bad.json" 2>"$work/err"
[[ $? == 2 ]] && grep -q "bad.json: .*(at sizes.a)" "$work/err" && ok || bad "bad overlay: $(cat "$work/err")"

start --catalog "$work/overlay.json"
TOKEN=$(cat "$work/state/admin.token")
vm() { call POST /v1/vms "$1"; }
# the default: Trusted Launch where size and OS support it
vm '{"name":"a","size":"Standard_D2s_v5","os":"debian-12"}'; expect 201 "default"
check "(d['security_type'], d['secure_boot'], d['vtpm']) == ('trustedlaunch', True, True)" "TL default"
tl_vm=$(python3 -c "import json; print(json.load(open('$work/body'))['id'])")
vm '{"name":"b","size":"Standard_D2_v3","os":"debian-12"}'; expect 201 "gen1 size: standard"
check "(d['security_type'], d['secure_boot'], d['vtpm']) == ('standard', False, False)" "standard default"
std_vm=$(python3 -c "import json; print(json.load(open('$work/body'))['id'])")
# refusals, each naming its rule and field
vm '{"name":"c","size":"Standard_D2_v3","os":"debian-12","security_type":"trustedlaunch"}'
expect 400 "gen1 refused"
check "d['error']['code'] == 'catalog.size_unsupported' and d['error']['field'] == 'size' and 'change the size to a supported family' in d['error']['message']" "gen1 rule"
vm '{"name":"c","size":"Standard_E4ps_v5","os":"debian-12","security_type":"trustedlaunch"}'
expect 400 "not yet"; check "d['error']['code'] == 'catalog.size_not_yet_supported'" "not-yet rule"
vm '{"name":"c","size":"Standard_D2s_v5","os":"freebsd-14","security_type":"trustedlaunch"}'
expect 400 "os"; check "d['error']['code'] == 'catalog.os_unsupported' and d['error']['field'] == 'os'" "os rule"
vm '{"name":"c","size":"Standard_D2s_v5","os":"debian-12","security_type":"standard","vtpm":true}'
expect 400 "standard + vtpm"; check "d['error']['code'] == 'catalog.feature_needs_trusted_launch'" "feature rule"
vm '{"name":"c","size":"Standard_D2s_v5","os":"debian-12","security_type":"confidential"}'
expect 400 "confidential size"; check "d['error']['code'] == 'catalog.size_not_confidential'" "confidential rule"
# the overlay's own size and OS
vm '{"name":"k","size":"kvm.medium","os":"fedora-40"}'; expect 201 "overlay"
check "d['security_type'] == 'trustedlaunch'" "overlay size gets TL"
# a scale set created without Trusted Launch cannot be switched
vm '{"name":"s","size":"Standard_D2s_v5","os":"debian-12","security_type":"standard","secure_boot":false,"vtpm":false,"scale_set":"web"}'
expect 201 "standard scale set member"
ss_vm=$(python3 -c "import json; print(json.load(open('$work/body'))['id'])")

# PATCH: Trusted Launch later, on a Gen2 VM whose size allows it
call PATCH "/v1/vms/$std_vm" '{"security_type":"trustedlaunch"}'; expect 400 "still a gen1 size"
check "d['error']['code'] == 'catalog.size_unsupported'" "patch names the size rule"
call PATCH "/v1/vms/$std_vm" '{"security_type":"trustedlaunch","size":"Standard_D2s_v5"}'; expect 200 "enable TL with a new size"
check "(d['security_type'], d['secure_boot'], d['vtpm'], d['size']) == ('trustedlaunch', True, True, 'Standard_D2s_v5')" "enabled"
call PATCH "/v1/vms/$ss_vm" '{"security_type":"trustedlaunch"}'; expect 400 "scale set"
check "d['error']['code'] == 'catalog.scale_set_fixed'" "scale set rule"
call PATCH "/v1/vms/$tl_vm" '{"secure_boot":false}'; expect 200 "secure boot off"
check "(d['security_type'], d['secure_boot'], d['vtpm']) == ('trustedlaunch', False, True)" "sb off kept TL"
call PATCH "/v1/vms/$tl_vm" '{"security_type":"standard"}'; expect 400 "downgrade"
check "d['error']['code'] == 'catalog.downgrade'" "downgrade rule"
call PATCH "/v1/vms/$tl_vm" '{"name":"x"}'; expect 400 "name not patchable"
check "d['error']['field'] == 'name'" "field named"
call GET "/v1/vms/$tl_vm"; expect 200 get
check "d['secure_boot'] is False" "the change was stored"
TOKEN= call PATCH "/v1/vms/$tl_vm" '{"secure_boot":true}'; expect 401 "patch needs a token"

# the catalog itself
call GET /v1/catalog; expect 200 catalog
check "[c['id'] for c in d['categories']][:2] == ['general-purpose', 'compute-optimized'] and 'kvm-gp' in d['categories'][0]['supported']" "catalog listed"
call GET "/v1/catalog/check?size=Standard_NC6s_v3&os=rhel-9.2"; expect 200 check
check "d['security_type'] == 'trustedlaunch' and {n['id'] for n in d['notes']} == {'gpu-grid-linux', 'gpu-cuda-linux'}" "check with notes"
call GET "/v1/catalog/check?size=Standard_NC6s_v3"; expect 400 "check needs os"

# posture of the VMs above (none enrolled): recommendations and the assessment
call GET "/v1/vms/$std_vm/recommendations"; expect 200 "recommendations"
check "{x['id']: x['status'] for x in d['recommendations']} == {'secure-boot': 'healthy', 'vtpm': 'healthy', 'guest-attestation': 'unhealthy', 'revocations-current': 'not_applicable'} and all(x['severity'] == 'low' for x in d['recommendations'])" "enabled TL, no agent"
check "'$std_vm' in [x for x in d['recommendations'] if x['id'] == 'guest-attestation'][0]['remediation']" "remediation names the VM"
call GET "/v1/vms/$tl_vm/recommendations"; expect 200 "recommendations sb off"
check "{x['id']: x['status'] for x in d['recommendations']} == {'secure-boot': 'unhealthy', 'vtpm': 'healthy', 'guest-attestation': 'not_applicable', 'revocations-current': 'not_applicable'}" "sb off"
call GET "/v1/vms/$ss_vm/recommendations"; expect 200 "recommendations standard"
check "{x['id']: x['status'] for x in d['recommendations']} == {'secure-boot': 'unhealthy', 'vtpm': 'unhealthy', 'guest-attestation': 'not_applicable', 'revocations-current': 'not_applicable'}" "standard on a supported size"
vm '{"name":"g1","size":"Standard_A2_v2","os":"debian-12"}'; expect 201 "gen1 vm"
g1=$(python3 -c "import json; print(json.load(open('$work/body'))['id'])")
call GET "/v1/vms/$g1/recommendations"; expect 200 "recommendations gen1"
check "all(x['status'] == 'not_applicable' for x in d['recommendations'])" "unsupported size: none"
call GET "/v1/vms/$tl_vm/assessment"; expect 200 assessment
check "(d['status'], d['cause']) == ('not_applicable', 'no_secure_boot')" "assessment sb off"
call GET "/v1/vms/$std_vm/assessment"; expect 200 assessment
check "(d['status'], d['cause']) == ('not_applicable', 'no_agent')" "assessment no agent"
TOKEN= call GET "/v1/vms/$std_vm/assessment"; expect 401 "assessment needs a token"
call POST "/v1/vms/$std_vm/assessment" '{}'; expect 405 "assessment is GET"

# the fleet: counts per recommendation and status agree with every VM's own answer, and the
# VMs of one recommendation come a page at a time, filtered by status
BASE=$base TOKEN=$TOKEN python3 - <<'PY' || bad "fleet recommendations"
import json, os, urllib.request, urllib.error
base, tok = os.environ["BASE"], os.environ["TOKEN"]
def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + tok})
    try:
        with urllib.request.urlopen(req) as r: return r.status, json.load(r)
    except urllib.error.HTTPError as e: return e.code, json.load(e)
_, vms = get("/v1/vms?limit=1000")
want = {}
assess = {"healthy": 0, "unhealthy": 0, "not_applicable": 0}
for vm in vms["vms"]:
    _, rec = get(f"/v1/vms/{vm['id']}/recommendations")
    for x in rec["recommendations"]:
        want.setdefault(x["id"], {}).setdefault(vm["id"], x["status"])
    assess[get(f"/v1/vms/{vm['id']}/assessment")[1]["status"]] += 1
code, s = get("/v1/recommendations")
assert code == 200 and s["vms"] == len(vms["vms"]) >= 4, s
assert s["assessment"] == assess, (s["assessment"], assess)
for r in s["recommendations"]:
    counts = {k: list(want[r["id"]].values()).count(k) for k in ("healthy", "unhealthy", "not_applicable")}
    assert r["counts"] == counts and r["severity"] == "low", (r, counts)
assert sum(r["counts"]["unhealthy"] for r in s["recommendations"]) >= 3, s
for rid, per_vm in want.items():
    seen, cursor, pages = {}, None, 0
    while True:
        code, p = get(f"/v1/recommendations/{rid}?limit=1" + (f"&cursor={cursor}" if cursor else ""))
        assert code == 200 and p["id"] == rid and len(p["vms"]) <= 1, p
        for v in p["vms"]: seen[v["vm_id"]] = v["status"]
        pages += 1
        cursor = p["next_cursor"]
        if not cursor: break
    assert seen == per_vm and pages >= len(per_vm), (rid, seen, per_vm)
    code, p = get(f"/v1/recommendations/{rid}?status=unhealthy&limit=1000")
    assert code == 200 and p["next_cursor"] is None, p
    assert {v["vm_id"] for v in p["vms"]} == {k for k, v in per_vm.items() if v == "unhealthy"}, (rid, p)
    assert all(v["vm_id"] in v["remediation"] for v in p["vms"]), p
code, e = get("/v1/recommendations/no-such"); assert code == 404 and e["error"]["code"] == "recommendation.not_found", e
code, e = get("/v1/recommendations/vtpm?status=bad"); assert code == 400 and e["error"]["field"] == "status", e
code, e = get("/v1/recommendations/vtpm?cursor=1.x"); assert code == 400 and e["error"]["field"] == "cursor", e
PY
[[ $? == 0 ]] && ok
TOKEN= call GET /v1/recommendations; expect 401 "fleet recommendations need a token"

# the same through the CLI
tl=${TL_BIN:-}
if [[ -n $tl ]]; then
  export TL_SERVER=$base TL_TOKEN=$TOKEN
  "$tl" vm update "$tl_vm" --secure-boot on > "$work/out" 2>&1 && grep -q '^secure_boot *yes$' "$work/out" && ok || bad "tl vm update: $(cat "$work/out")"
  "$tl" vm update "$ss_vm" --security-type trustedlaunch > "$work/out" 2>&1; rc=$?
  [[ $rc == 1 ]] && grep -q 'catalog.scale_set_fixed' "$work/out" && ok || bad "tl vm update refused ($rc): $(cat "$work/out")"
  "$tl" vm update "$tl_vm" --secure-boot maybe > "$work/out" 2>&1; [[ $? == 2 ]] && ok || bad "bad value is usage"
  "$tl" vm update "$tl_vm" > "$work/out" 2>&1; [[ $? == 2 ]] && ok || bad "no change is usage"
  "$tl" recommendations "$ss_vm" > "$work/out" 2>&1 && grep -q '^vtpm  *unhealthy  *vTPM is off$' "$work/out" &&
    grep -q "tl vm update $ss_vm --vtpm on" "$work/out" && ok || bad "tl recommendations: $(cat "$work/out")"
  "$tl" assessment "$std_vm" > "$work/out" 2>&1 && grep -q '^cause  *no_agent$' "$work/out" && ok || bad "tl assessment: $(cat "$work/out")"
  "$tl" assessment > "$work/out" 2>&1; [[ $? == 2 ]] && ok || bad "assessment needs a VM"
  "$tl" recommendations > "$work/out" 2>&1 && grep -Eq '^vtpm +[0-9]+ +[0-9]+ +[0-9]+ +vTPM should be enabled' "$work/out" &&
    grep -Eq '^boot integrity: 0 healthy, 0 unhealthy, [0-9]+ not applicable \([0-9]+ VMs\)$' "$work/out" && ok || bad "tl recommendations (fleet): $(cat "$work/out")"
  "$tl" recommendations --of vtpm --status unhealthy > "$work/out" 2>&1 && grep -q "^$ss_vm .* unhealthy  *vTPM is off$" "$work/out" &&
    ! grep -q " healthy " "$work/out" && ok || bad "tl recommendations --of: $(cat "$work/out")"
  "$tl" recommendations --of vtpm --limit 1 > "$work/out" 2> "$work/err" && grep -q "more: --cursor" "$work/err" && ok || bad "tl recommendations --of --limit: $(cat "$work/out" "$work/err")"
  "$tl" recommendations --of nothing > "$work/out" 2>&1; rc=$?
  [[ $rc == 1 ]] && grep -q 'recommendation.not_found' "$work/out" && ok || bad "unknown recommendation ($rc): $(cat "$work/out")"
  "$tl" recommendations --of vtpm --status 'x y' > "$work/out" 2>&1; [[ $? == 2 ]] && ok || bad "bad status is usage"
else
  bad "TL_BIN not set"
fi

echo "catalog_api.sh: $passes passed, $fails failed"
[[ $fails == 0 ]]
