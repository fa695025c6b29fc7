#!/usr/bin/env bash
# The fleet's posture: GET /v1/recommendations (every VM's recommendations and assessment,
# counted when asked) against a reference measured in the same run: a client walking the same
# VMs through GET /v1/vms?limit=1000 (the cheapest full walk there is), and one filtered page of
# GET /v1/recommendations/{id}. JSON lines on stdout. VMs are registered, not enrolled: the
# figure is the walk and the decisions; an attested VM adds the read of its latest record.
#   bench/fleet.sh BUILD_DIR [N_VMS]
set -uo pipefail
build=$(cd "${1:?usage: fleet.sh BUILD_DIR [N_VMS]}" && pwd) n=${2:-10000}
work=$(mktemp -d) pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/trustlaunchd" --listen 127.0.0.1:$port --state-dir "$work/svc" 2>"$work/svc.log" & pid=$!
for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
PORT=$port N=$n TOKEN=$(cat "$work/svc/admin.token") python3 - <<'PY'
import http.client, json, os, time
port, n, tok = int(os.environ["PORT"]), int(os.environ["N"]), os.environ["TOKEN"]
c = http.client.HTTPConnection("127.0.0.1", port)
H = {"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
def call(method, path, body=None):
    c.request(method, path, json.dumps(body) if body is not None else None, H)
    r = c.getresponse(); d = json.loads(r.read()); assert r.status in (200, 201), d; return d
sizes = ["Standard_D2s_v5", "Standard_D2_v3", "Standard_E4ads_v5"]
for i in range(n):
    call("POST", "/v1/vms", {"name": f"vm{i}", "size": sizes[i % 3], "os": "debian-12",
                             **({"security_type": "standard"} if i % 5 == 0 else {})})
def best(fn, rounds=5):
    ts = []
    for _ in range(rounds):
        t = time.perf_counter(); out = fn(); ts.append(time.perf_counter() - t)
    return min(ts), sorted(ts)[len(ts) // 2], out
def walk():
    cur, seen = None, 0
    while True:
        d = call("GET", "/v1/vms?limit=1000" + (f"&cursor={cur}" if cur else ""))
        seen += len(d["vms"]); cur = d["next_cursor"]
        if not cur: return seen
lo, med, s = best(lambda: call("GET", "/v1/recommendations"))
assert s["vms"] == n, s
rlo, rmed, seen = best(walk)
assert seen == n
plo, pmed, p = best(lambda: call("GET", "/v1/recommendations/secure-boot?status=unhealthy&limit=100"))
print(json.dumps({"bench": "fleet_summary", "vms": n, "best_s": round(lo, 4), "median_s": round(med, 4),
                  "us_per_vm": round(med / n * 1e6, 2), "unhealthy_secure_boot": s["recommendations"][0]["counts"]["unhealthy"]}))
print(json.dumps({"bench": "reference_vm_walk", "vms": n, "pages": -(-n // 1000), "best_s": round(rlo, 4),
                  "median_s": round(rmed, 4), "us_per_vm": round(rmed / n * 1e6, 2)}))
print(json.dumps({"bench": "fleet_filtered_page", "limit": 100, "returned": len(p["vms"]),
                  "best_s": round(plo, 4), "median_s": round(pmed, 4)}))
print(json.dumps({"bench": "fleet_summary_vs_walk", "ratio": round(med / rmed, 2)}))
PY
