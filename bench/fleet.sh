#!/usr/bin/env bash
# The fleet's posture and the first page of every list, at N VMs (default 100,000), SQLite.
# The database is filled straight through SQLite (the schema the daemon made, then stopped):
# N VMs (sizes and security types mixed; 80 % enrolled, each with one attestation, every
# eighth unhealthy), one alert per VM, 1,000 suppression rules, webhooks and tokens. The
# daemon started again stores the posture of the VMs it finds without one (the backfill of
# an upgraded database: timed). Then each request, 7 times; the figure is the server's time
# from its request log (dur_ms), min and median, and the client's. The reference measured in
# the same run: a client walking the VMs through GET /v1/vms?limit=1000, which is what
# deciding every VM's posture when asked (before it was stored) had to read at least.
# JSON lines on stdout.
#   bench/fleet.sh BUILD_DIR [N_VMS]
set -uo pipefail
build=$(cd "${1:?usage: fleet.sh BUILD_DIR [N_VMS]}" && pwd) n=${2:-100000}
work=$(mktemp -d) pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start() {
  "$build/trustlaunchd" --listen 127.0.0.1:$port --state-dir "$work/svc" 2>>"$work/svc.log" & pid=$!
  for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "trustlaunchd did not start" >&2; exit 2
}
start; kill "$pid"; wait "$pid"; pid= # the schema, the admin token
DB=$work/svc/trustlaunch.db N=$n python3 - <<'PY' || exit 2
import os, sqlite3, time, uuid, json
db, n, now = sqlite3.connect(os.environ["DB"]), int(os.environ["N"]), int(time.time())
sizes = ["Standard_D2s_v5", "Standard_D2_v3", "Standard_E4ads_v5"]
ids = [str(uuid.UUID(int=i + 1, version=4)) for i in range(n)]
db.executemany("INSERT INTO vms (id, tenant, name, size, os, security_type, secure_boot, vtpm, scale_set, created, enrollment) VALUES (?, 'default', ?, ?, 'debian-12', ?, ?, ?, '', ?, 'any')",
               [(v, f"vm{i}", sizes[i % 3], "standard" if i % 5 == 0 else "trustedlaunch", 0 if i % 5 == 0 else 1, 0 if i % 5 == 0 else 1, now - n + i) for i, v in enumerate(ids)])
att, tpm = [], []
for i, v in enumerate(ids):
    if i % 5 == 4: continue  # not enrolled
    aid = (now * 1000000 + i) * 1024
    bad = i % 8 == 0
    att.append((aid, v, now - 30, "unhealthy" if bad else "healthy",
                json.dumps({"verdict": "unhealthy" if bad else "healthy", "reasons": [], "quote_verified": True}), 1, f"n{i}"))
    tpm.append((v, "00", "00", f"ak{i}", now - 60, 0, 0, 0, aid, 0, "token", now - 30))
db.executemany("INSERT INTO attestations (id, vm_id, time, verdict, result, verified, nonce) VALUES (?, ?, ?, ?, ?, ?, ?)", att)
db.executemany("INSERT INTO vm_tpm (vm_id, ek_public, ak_public, ak_name, enrolled, clock, reset_count, restart_count, last_verified, nonce_issued, enrolled_by, last_attested) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tpm)
db.executemany("INSERT INTO alerts (id, tenant, vm_id, vm_name, type, severity, status, open, cause, title, description, reasons, module, remediation, count, first_seen, last_seen, suppressed_by, updated, seq) VALUES (?, 'default', ?, ?, 'attestation_failure', 'medium', ?, 0, 'baseline.kernel_cmdline', 'Attestation failed', 'd', '[]', NULL, 'r', 1, ?, ?, NULL, ?, ?)",
               [(str(uuid.uuid4()), v, f"vm{i}", "active" if i % 2 else "resolved", now - n + i, now - n + i, now, (now - n + i) * 1024) for i, v in enumerate(ids)])
k = 1000
db.executemany("INSERT INTO suppression_rules (id, tenant, alert_type, vm_ids, reason_codes, reason, comment, created, created_by, expires) VALUES (?, 'default', 'attestation_failure', ?, '[]', 'bench', '', ?, 'bench', 0)",
               [(str(uuid.uuid4()), json.dumps([ids[i]]), now - k + i) for i in range(k)])
db.executemany("INSERT INTO webhooks (id, tenant, url, events, secret, created, created_by) VALUES (?, 'default', 'http://127.0.0.1:1/x', '[\"alert.created\"]', 'whsec_AAAA', ?, 'bench')",
               [(str(uuid.uuid4()), now - k + i) for i in range(k)])
db.executemany("INSERT INTO tokens (hash, name, role, tenant, created) VALUES (?, ?, 'reader', 'default', ?)",
               [(f"{i:064x}", f"t{i}", now - k + i) for i in range(k)])
db.commit()
PY
t0=$(date +%s.%N)
start
PORT=$port N=$n T0=$t0 LOG=$work/svc.log TOKEN=$(cat "$work/svc/admin.token") python3 - <<'PY'
import http.client, json, os, re, time
port, n, tok, log = int(os.environ["PORT"]), int(os.environ["N"]), os.environ["TOKEN"], os.environ["LOG"]
c = http.client.HTTPConnection("127.0.0.1", port)
H = {"Authorization": "Bearer " + tok}
def call(path):
    c.request("GET", path, None, H)
    r = c.getresponse(); d = json.loads(r.read()); assert r.status == 200, (path, d); return d
while call("/v1/recommendations")["vms"] < n: time.sleep(0.2)
backfill = time.time() - float(os.environ["T0"])
print(json.dumps({"bench": "fleet_backfill", "vms": n, "seconds": round(backfill, 1),
                  "note": "daemon start to every VM's posture stored (an upgraded database)"}))
def server_ms(path, k):
    want = path.split("?")[0]
    ms = [float(m.group(1)) for line in open(log) if f"path={want}" in line or f'path="{want}' in line
          for m in [re.search(r"dur_ms=([0-9.]+)", line)] if m]
    return sorted(ms[-k:])
def measure(name, path, rounds=7, check=None):
    ts = []
    for _ in range(rounds):
        t = time.perf_counter(); d = call(path); ts.append((time.perf_counter() - t) * 1000)
    if check: assert check(d), (name, str(d)[:300])
    srv = server_ms(path, rounds); ts.sort()
    print(json.dumps({"bench": "fleet_first_page", "what": name, "path": path, "vms": n,
                      "server_ms_min": srv[0] if srv else None, "server_ms_median": srv[len(srv) // 2] if srv else None,
                      "client_ms_median": round(ts[len(ts) // 2], 2), "under_50ms": bool(srv) and srv[len(srv) // 2] < 50}))
vm = call("/v1/vms?limit=1")["vms"][0]["id"]
measure("recommendation summary", "/v1/recommendations", check=lambda d: d["vms"] == n)
for rec in ["secure-boot", "vtpm", "guest-attestation"]:
    for st in ["unhealthy", "healthy", "not_applicable"]:
        measure(f"{rec} {st}", f"/v1/recommendations/{rec}?status={st}&limit=100")
measure("guest-attestation any", "/v1/recommendations/guest-attestation?limit=100")
measure("vms", "/v1/vms?limit=100", check=lambda d: len(d["vms"]) == 100)
measure("alerts", "/v1/alerts?limit=100", check=lambda d: len(d["alerts"]) == 100)
measure("alerts active", "/v1/alerts?status=active&limit=100", check=lambda d: len(d["alerts"]) == 100)
measure("alert counts", "/v1/alert-counts")
measure("attestations", f"/v1/vms/{vm}/attestations?limit=100")
measure("suppression rules", "/v1/suppression-rules?limit=100", check=lambda d: len(d["rules"]) == 100)
measure("webhooks", "/v1/webhooks?limit=100", check=lambda d: len(d["webhooks"]) == 100)
measure("tokens", "/v1/tokens?limit=100", check=lambda d: len(d["tokens"]) == 100)
def walk():
    cur, seen = None, 0
    while True:
        d = call("/v1/vms?limit=1000" + (f"&cursor={cur}" if cur else ""))
        seen += len(d["vms"]); cur = d["next_cursor"]
        if not cur: return seen
t = time.perf_counter(); assert walk() == n; w = time.perf_counter() - t
print(json.dumps({"bench": "reference_vm_walk", "vms": n, "pages": -(-n // 1000), "seconds": round(w, 3)}))
PY
