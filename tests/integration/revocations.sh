#!/usr/bin/env bash
# revocations-current through trustlaunchd with a real TPM (swtpm) and tl-agent: the shared
# real sb-on boot (a Debian 12 OVMF log whose dbx holds one hash and whose SbatLevel is
# 2025021800) replayed into the TPM and attested against the real current revocation data
# (--revocations with the vectors' dbx_info, DBXUpdate and SbatLevel files): the VM is
# unhealthy with the missing revocations named (BootHole, BlackLotus, by date), in the VM's
# recommendations, the fleet summary, the per-recommendation list (the stored posture) and
# /metrics, and a recommendation.changed event says so. Without --revocations it is
# not_applicable, saying why, in the VM's recommendations, the fleet's counts and list alike;
# its next attestation stores that (another event). A directory without the files is refused.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
d=${TL_DAEMON:?} agent=${TL_AGENT:?} rx_pid=
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
cleanup() {
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  [[ -n $rx_pid ]] && kill "$rx_pid" 2>/dev/null && wait "$rx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
rec() { # the VM's revocations-current into rec.json
  api GET "/v1/vms/$vm/recommendations"
  python3 -c "import json; r=[x for x in json.load(open('body.json'))['recommendations'] if x['id']=='revocations-current']; json.dump(r[0], open('rec.json','w'))"
}

# a directory without any of the files is refused at start, saying which files it wants
mkdir empty
expect_rc 2 "$d" --listen 127.0.0.1:1 --state-dir "$work/svc" --revocations empty
grep -q "SbatLevel_Variable.txt" err && ok || bad "empty directory: $(cat err)"

start_service --revocations "$v/revocations"
# recommendation.changed events to a loopback receiver: revocations-current's, in order
rxport=$(free_port)
curl -s -o body.json -X POST "$base/v1/webhooks" -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' \
  --data "{\"url\":\"http://127.0.0.1:$rxport/rec\",\"events\":[\"recommendation.changed\"]}"
secret=$(python3 -c "import json; print(json.load(open('body.json'))['secret'])")
python3 "$here/webhook_receiver.py" "$rxport" rx.jsonl "$secret" 0 & rx_pid=$!
revoc_events() { [[ -f rx.jsonl ]] && python3 -c "
import json
ok = [json.loads(l['body']) for l in map(json.loads, open('rx.jsonl')) if l['valid'] and l['status'] == 200]
print(' '.join(b['data']['from'] + ':' + b['data']['to'] for b in sorted(ok, key=lambda b: b['data']['at'])
               if b['data']['recommendation'] == 'revocations-current'))"; }
wait_revoc_events() { for _ in $(seq 100); do [[ $(revoc_events) == "$1" ]] && return 0; sleep 0.1; done; return 1; }
curl -s -o body.json -X POST "$base/v1/vms" -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' --data '{"name":"old-dbx","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(python3 -c "import json; print(json.load(open('body.json'))['id'])")
token=$(python3 -c "import json; print(json.load(open('body.json'))['enrollment_token'])")
start_swtpm sha256
A() { "$agent" --server "$base" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" --timeout 20 "$@"; }
on=$v/boot/sb-on/eventlog.bin
expect_rc 0 A replay-log "$on"
rec
python3 -c "import json; r=json.load(open('rec.json')); assert r['status']=='not_applicable' and 'no attested boot' in r['reason'], r" \
  && ok || bad "before any attestation: $(cat rec.json)"
expect_rc 0 A enroll --vm-id "$vm" --enrollment-token "$token"
expect_rc 0 A attest --eventlog "$on"
grep -q "^healthy" out && ok || bad "the boot itself is healthy: $(cat out)"
rec
python3 - <<'PY' && ok || bad "unhealthy with the missing named: $(head -c 1500 rec.json)"
import json
r = json.load(open('rec.json'))
assert r['status'] == 'unhealthy' and r['severity'] == 'low', r
assert 'BootHole (2020-07-01)' in r['reason'] and 'BlackLotus (7 updates, 2023-05-01 to 2024-04-01)' in r['reason'] and r['reason'].count('BlackLotus') == 1, r
assert r['title'] == 'Secure Boot revocation lists should be up to date', r
d = r['details']
assert {x['code'] for x in d['reasons']} == {'revocation.dbx_missing', 'revocation.sbat_level_behind'}, d['reasons']
assert d['dbx']['missing'] == 447 and d['dbx']['present'] == 0, d['dbx']
g = {(x.get('name'), x['date']): x['count'] for x in d['dbx']['missing_groups']}
assert g[('BootHole', '2020-07-01')] == 151, g
assert ('BlackLotus', '2023-05-01') in g, g
assert d['sbat']['vm_level']['datestamp'] == '2025021800', d['sbat']
assert [x['datestamp'] for x in d['sbat']['missing_generations']] == ['2025051000'], d['sbat']
assert 'tl vm update-dbx' in r['remediation'], r
PY
api GET /v1/recommendations
python3 -c "
import json
r = {x['id']: x for x in json.load(open('body.json'))['recommendations']}
assert r['revocations-current']['counts'] == {'healthy': 0, 'unhealthy': 1, 'not_applicable': 0}, r
" && ok || bad "fleet summary: $(head -c 800 body.json)"
api GET "/v1/recommendations/revocations-current?status=unhealthy"
python3 -c "
import json
v = json.load(open('body.json'))['vms']
assert len(v) == 1 and v[0]['status'] == 'unhealthy' and 'revoked' in v[0]['reason'], v
assert 'tl vm update-dbx' in v[0]['remediation'], v
" && ok || bad "per-recommendation list: $(head -c 800 body.json)"
api GET "/v1/recommendations/revocations-current?status=healthy"
python3 -c "import json; assert json.load(open('body.json'))['vms'] == []" && ok || bad "none healthy: $(head -c 800 body.json)"
wait_revoc_events "not_applicable:unhealthy" && ok || bad "recommendation.changed: $(revoc_events)"
curl -s "$base/metrics" -H "Authorization: Bearer $ADMIN" > metrics.txt
grep -q 'recommendation="revocations-current",status="unhealthy"} 1' metrics.txt && ok ||
  bad "metrics: $(grep revocations metrics.txt | head -3)"

# ---- without revocation data: not applicable, saying why (the kept check is not used)
stop_service
start_service
rec
python3 -c "import json; r=json.load(open('rec.json')); assert r['status']=='not_applicable' and '--revocations' in r['reason'] and 'details' not in r, r" \
  && ok || bad "without --revocations: $(cat rec.json)"
# the fleet's counts, its list and /metrics say the same, whatever the stored row of the run
# with data
fleet_na() {
  api GET /v1/recommendations
  python3 -c "
import json
r = {x['id']: x for x in json.load(open('body.json'))['recommendations']}
assert r['revocations-current']['counts'] == {'healthy': 0, 'unhealthy': 0, 'not_applicable': 1}, r
" && ok || bad "fleet summary without data ($1): $(head -c 800 body.json)"
  api GET "/v1/recommendations/revocations-current?status=unhealthy"
  python3 -c "import json; assert json.load(open('body.json'))['vms'] == []" && ok || bad "none unhealthy ($1): $(head -c 800 body.json)"
  api GET "/v1/recommendations/revocations-current"
  python3 -c "
import json
v = json.load(open('body.json'))['vms']
assert len(v) == 1 and v[0]['status'] == 'not_applicable' and '--revocations' in v[0]['reason'], v
" && ok || bad "list without data ($1): $(head -c 800 body.json)"
  curl -s "$base/metrics" -H "Authorization: Bearer $ADMIN" > metrics.txt
  grep -q 'recommendation="revocations-current",status="not_applicable"} 1' metrics.txt &&
    grep -q 'recommendation="revocations-current",status="unhealthy"} 0' metrics.txt && ok ||
    bad "metrics without data ($1): $(grep revocations metrics.txt | head -3)"
}
fleet_na "stored unhealthy"
# its next attestation stores not_applicable: an event
expect_rc 0 A attest --eventlog "$on"
grep -q "^healthy" out && ok || bad "attested without data: $(cat out)"
fleet_na "stored not_applicable"
wait_revoc_events "not_applicable:unhealthy unhealthy:not_applicable" && ok ||
  bad "recommendation.changed without data: $(revoc_events)"
# and with data again, the next attestation stores unhealthy (one more event)
stop_service
start_service --revocations "$v/revocations"
expect_rc 0 A attest --eventlog "$on"
api GET "/v1/recommendations/revocations-current?status=unhealthy"
python3 -c "import json; v=json.load(open('body.json'))['vms']; assert len(v) == 1, v" && ok ||
  bad "unhealthy again: $(head -c 800 body.json)"
wait_revoc_events "not_applicable:unhealthy unhealthy:not_applicable not_applicable:unhealthy" && ok ||
  bad "recommendation.changed with data again: $(revoc_events)"
finish
