#!/usr/bin/env bash
# trustlaunchd on PostgreSQL while the cluster is killed (SIGKILL, every process of it) and
# started again under load (VMs created, agents attesting): during the outage requests that
# need the store answer 503 at once, /healthz says not ready (503) and /livez alive; once the
# cluster is back, attestations succeed again within seconds without restarting the daemon,
# nothing acknowledged is lost, and the log names the cause in logfmt (no raw libpq lines).
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"; . "$here/pg.sh"
agent=${TL_AGENT:?} loads=()
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
cleanup() {
  for l in "${loads[@]}"; do kill "$l" 2>/dev/null; wait "$l" 2>/dev/null; done
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  stop_pg
  rm -rf "$work"
}
trap cleanup EXIT
start_pg
cd "$work"
pg_start_again() { # the stale postmaster.pid makes pg_ctl warn: expected after a SIGKILL
  (cd / && as_pg "$pgbin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/pg.log" -w \
    -o "-k $pg_dir -c listen_addresses='' -c fsync=on" start >/dev/null 2>&1) || { cat "$pg_dir/pg.log" >&2; exit 2; }
}
pg_kill() { # SIGKILL to the postmaster and every process it started, by their ids
  local pm kids; pm=$(head -n1 "$pg_dir/data/postmaster.pid")
  kids=$(ps -o pid= --ppid "$pm")
  kill -KILL "$pm" $kids 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pm" $kids 2>/dev/null || break; sleep 0.1; done
}
start_service --db "$TL_STORE_URL"
# api as the admin like lib.sh's, but every request bounded (-m 10): during the outage an
# answer must come at once
api() { # METHOD PATH [JSON]: answer in body.json, status in $code
  local args=(-s -m 10 -o body.json -w '%{http_code}' -X "$1" "$base$2" -H "Authorization: Bearer $ADMIN")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data "$3")
  code=$(curl "${args[@]}")
}
on=$v/boot/sb-on/eventlog.bin

code=$(curl -s -o body.json -w '%{http_code}' "$base/healthz")
[[ $code == 200 && $(field "d['status']") == ok ]] && ok || bad "ready at start: $code $(cat body.json)"
api POST /v1/vms '{"name":"web-1","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(field "d['id']") token=$(field "d['enrollment_token']")
start_swtpm sha256
A() { "$agent" --server "$base" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" --timeout 20 "$@"; }
expect_rc 0 A replay-log "$on"
expect_rc 0 A enroll --vm-id "$vm" --enrollment-token "$token"
expect_rc 0 A attest --eventlog "$on" --json

# ---- load: VMs created by two clients, an agent attesting; every acknowledged id kept
creator() { # FILE: the ids of VMs the service acknowledged (201)
  while :; do
    local out; out=$(curl -s -m 10 -w '\n%{http_code}' -X POST "$base/v1/vms" -H "Authorization: Bearer $ADMIN" \
      -H 'Content-Type: application/json' --data '{"name":"load","size":"s","os":"o"}')
    [[ ${out##*$'\n'} == 201 ]] && python3 -c "import json,sys; print(json.loads(sys.argv[1])['id'])" "${out%$'\n'*}" >> "$1"
  done
}
attester() { # FILE: the ids of attestations the service acknowledged (200)
  while :; do
    if A attest --eventlog "$on" --json > att.out 2>/dev/null; then
      python3 -c "import json; print(json.load(open('att.out'))['attestation_id'])" >> "$1"
    fi
  done
}
creator vms1.txt & loads+=($!)
creator vms2.txt & loads+=($!)
attester atts.txt & loads+=($!)
sleep 3

pg_kill
sleep 1
# the outage: not ready (503, the reason named), alive, and a store request fails at once
code=$(curl -s -m 5 -o body.json -w '%{http_code}' "$base/healthz")
[[ $code == 503 && $(field "d['status']") == unavailable ]] && ok || bad "healthz while the cluster is down: $code $(cat body.json)"
field "d['reason']" | grep -q "database" && ok || bad "healthz names the database: $(cat body.json)"
code=$(curl -s -m 5 -o body.json -w '%{http_code}' "$base/livez")
[[ $code == 200 ]] && ok || bad "livez while the cluster is down: $code"
t0=$(date +%s%N); api GET /v1/vms; t1=$(date +%s%N)
[[ $code == 503 ]] && ok || bad "a request during the outage: $code"
(( (t1 - t0) / 1000000 < 2000 )) && ok || bad "503 at once, not after $(( (t1 - t0) / 1000000 )) ms"
sleep 2

pg_start_again
back=$(date +%s)
# attestations succeed again within seconds, without restarting the daemon
n0=$(wc -l < atts.txt)
for _ in $(seq 150); do (( $(wc -l < atts.txt) > n0 )) && break; sleep 0.1; done
(( $(wc -l < atts.txt) > n0 )) && ok || bad "no attestation acknowledged within 15 s of the restart"
echo "first attestation $(( $(date +%s) - back )) s after the cluster came back" >&2
ready=
for _ in $(seq 100); do
  [[ $(curl -s -m 5 -o /dev/null -w '%{http_code}' "$base/healthz") == 200 ]] && { ready=1; break; }
  sleep 0.1
done
[[ -n $ready ]] && ok || bad "healthz ready again after the restart"
sleep 2
for l in "${loads[@]}"; do kill "$l" 2>/dev/null; wait "$l" 2>/dev/null; done; loads=()
kill -0 "$service_pid" && ok || bad "the daemon kept running"

# ---- a clean restart (pg_ctl restart -m fast): the server tells idle sessions "FATAL:
# terminating connection"; that goes to our log, and attestations succeed again
(cd / && as_pg "$pgbin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/pg.log" -w -m fast \
  -o "-k $pg_dir -c listen_addresses='' -c fsync=on" restart >/dev/null 2>&1) || bad "pg_ctl restart"
ok_again=
for _ in $(seq 100); do A attest --eventlog "$on" --json > att.out 2>/dev/null && { ok_again=1; break; }; sleep 0.1; done
[[ -n $ok_again ]] && ok || bad "attestation after a clean restart of the cluster"
python3 -c "import json; print(json.load(open('att.out'))['attestation_id'])" >> atts.txt

# ---- nothing acknowledged was lost
cat vms1.txt vms2.txt > vms.txt
(( $(wc -l < vms.txt) > 5 && $(wc -l < atts.txt) > 2 )) && ok || bad "load too light: $(wc -l < vms.txt) VMs, $(wc -l < atts.txt) attestations"
api GET "/v1/vms?limit=1000"
python3 - "$(cat vms.txt)" <<'PY' && ok || bad "acknowledged VMs lost"
import json, sys
have = {v['id'] for v in json.load(open('body.json'))['vms']}
want = set(sys.argv[1].split())
assert want <= have, sorted(want - have)[:5]
PY
api GET "/v1/vms/$vm/attestations?limit=1000"
python3 - "$(cat atts.txt)" <<'PY' && ok || bad "acknowledged attestations lost"
import json, sys
have = {str(a['id']) for a in json.load(open('body.json'))['attestations']}
want = set(sys.argv[1].split())
assert want <= have, sorted(want - have)[:5]
PY

# ---- the log: the cause in logfmt, libpq's own lines silenced
# (a statement that failed, or, for a session found ended before its statement, the
# reconnection that failed while the cluster was down)
grep -qE 'level=warn msg="store (statement|reconnect) failed" module="store"' svc.log && ok || bad "a store failure logged: $(grep -v request svc.log | head -5)"
grep -q 'msg="store reconnected"' svc.log && ok || bad "reconnection logged"
grep -v '^ts=' svc.log | grep -qiE 'fatal|postgres|server closed|terminating' && bad "libpq's own lines: $(grep -v '^ts=' svc.log | head -3)" || ok
finish
