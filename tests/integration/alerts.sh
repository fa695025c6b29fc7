#!/usr/bin/env bash
# Alerts and suppression rules through trustlaunchd with a real TPM (swtpm + tpm2-tools): a
# changed kernel command line raises one medium attestation_failure naming the deviation,
# de-duplicated over three attestations and resolved by a healthy one after relearning; a
# refused module raises a low untrusted_kernel_module; a quote of another TPM names the
# origin; a suppression rule records the alert as dismissed; dismiss and resolve keep an audit
# trail, and a reader may do neither; every event reaches a loopback receiver that checks its
# signature, through retries and a SIGKILL of the daemon with events undelivered. The VM's
# stored posture: recommendation.changed events (enrolment, an agent gone silent, a profile
# change) at a second receiver, and the staleness job, run by one node at a time.
# TL_STORE_URL=postgresql://... runs it on PostgreSQL.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
d=${TL_DAEMON:?} pid=
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ -n ${pid2:-} ]] && kill "$pid2" 2>/dev/null && wait "$pid2" 2>/dev/null
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  [[ -n ${rx_pid:-} ]] && kill "$rx_pid" 2>/dev/null && wait "$rx_pid" 2>/dev/null
  [[ -n ${rx2_pid:-} ]] && kill "$rx2_pid" 2>/dev/null && wait "$rx2_pid" 2>/dev/null
  [[ -n ${TL_KEEP:-} ]] && cp "$work/svc.log" "$TL_KEEP"
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
port=$(free_port) base=http://127.0.0.1:$port
# the staleness job looks every second (an agent's silence is made by ageing its record)
dbargs=(--stale-check-interval 1); [[ -n ${TL_STORE_URL:-} ]] && dbargs+=(--db "$TL_STORE_URL")
sql() { # a statement straight into the service's database (to age a VM's last attestation)
  if [[ -n ${TL_STORE_URL:-} ]]; then
    "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)/psql" "$TL_STORE_URL" -qAtc "$1"
  else
    python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1], timeout=10); c.execute(sys.argv[2]); c.commit()" "$work/svc/trustlaunch.db" "$1"
  fi
}
start() {
  "$d" --listen 127.0.0.1:$port --state-dir "$work/svc" "${dbargs[@]}" "$@" 2>>"$work/svc.log" & pid=$!
  for _ in $(seq 100); do curl -s "$base/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "trustlaunchd did not start: $(cat "$work/svc.log")" >&2; exit 2
}
start
# On PostgreSQL a second node shares the database, as a scaled-out service does: attestations
# of one VM alternate between the nodes, both run the webhook sender (node 2 until the SIGKILL
# test below), and the checks are the same: one alert, each event delivered once.
base1=$base base2=$base pid2=
if [[ -n ${TL_STORE_URL:-} ]]; then
  port2=$(free_port) base2=http://127.0.0.1:$port2
  "$d" --listen 127.0.0.1:$port2 --state-dir "$work/svc2" "${dbargs[@]}" 2>>"$work/svc2.log" & pid2=$!
  for _ in $(seq 100); do curl -s "$base2/healthz" >/dev/null && break; sleep 0.1; done
  curl -s "$base2/healthz" >/dev/null || { echo "node 2 did not start: $(cat "$work/svc2.log")" >&2; exit 2; }
fi
check() { python3 -c "import json; d=json.load(open('body.json')); assert $1, d" 2>/dev/null && ok || bad "$2: $(head -c 600 body.json)"; }
json() { python3 -c "import json,sys; print(json.dumps($1))"; }
b64() { base64 -w0 "$1"; }
SEL=sha256:0,1,2,3,4,5,6,7,8,9,14
attest() { # VM AK LOG [KERNEL_EVENTS_JSON]
  local vm=$1 ak=$2 log=$3 kev=${4:-}
  TOKEN= call POST "/v1/vms/$vm/challenge"; expect 200 challenge; local n; n=$(field "d['nonce']")
  tpm tpm2_quote -c "$ak" -l $SEL -q "$n" -m q.msg -s q.sig -o q.pcrs -F values -g sha256
  python3 "$here/evidence.py" "$n" q.msg q.sig q.pcrs $SEL $log > evidence.json || exit 2
  [[ -n $kev ]] && python3 -c "import json,sys; e=json.load(open('evidence.json')); e['kernel_events']=json.loads(sys.argv[1]); json.dump(e, open('evidence.json','w'))" "$kev"
  TOKEN= call POST "/v1/vms/$vm/attest" evidence.json
}
enroll() { # VM TOKEN: a new AK under the EK, persisted at $AK
  tpm tpm2_createek -c ek.ctx -G rsa -u ek.pub
  tpm tpm2_createak -C ek.ctx -c ak.ctx -G ecc -g sha256 -s ecdsa -u ak.pub -n ak.name
  tpm tpm2_evictcontrol -C o -c ak.ctx $AK
  json "{'ek_public':'$(b64 ek.pub)','ak_public':'$(b64 ak.pub)'}" > enroll.json
  TOKEN=$2 call POST "/v1/vms/$1/enroll" enroll.json; expect 201 enrol
  local eid; eid=$(field "d['enrollment_id']"); field "d['credential']" | base64 -d > cred.blob
  activate $AK ek.ctx cred.blob secret.bin || bad "activation: $(cat act.log)"
  json "{'secret':'$(b64 secret.bin)'}" > secret.json
  TOKEN= call POST "/v1/vms/$1/enroll/$eid/activate" secret.json; expect 200 activate
}
alerts() { TOKEN=$ADMIN call GET "/v1/alerts?$1"; expect 200 "alerts $1"; }
on=$v/boot/sb-on/eventlog.bin cmd=$v/boot/cmdline/eventlog.bin AK=0x81010010

ADMIN=$(cat svc/admin.token) TOKEN=$ADMIN
# a webhook for every event, to a receiver that refuses the first two deliveries (retried)
rxport=$(free_port) events='["alert.created","alert.updated","alert.resolved","attestation.unhealthy"]'
echo "{\"url\":\"http://127.0.0.1:1/x\",\"events\":$events}" > hook.json
call POST /v1/webhooks hook.json; expect 201 "webhook"; old=$(field "d['id']")
call DELETE "/v1/webhooks/$old"; expect 200 "delete a webhook"
echo "{\"url\":\"ftp://127.0.0.1/x\",\"events\":$events}" > bad.json
call POST /v1/webhooks bad.json; expect 400 "ftp refused"; check "d['error']['field'] == 'url'" "url named"
echo '{"url":"http://127.0.0.1:1/x","events":["alert.exploded"]}' > bad.json
call POST /v1/webhooks bad.json; expect 400 "unknown event refused"; check "d['error']['field'] == 'events'" "events named"
echo "{\"url\":\"http://127.0.0.1:$rxport/hook\",\"events\":$events}" > hook.json
call POST /v1/webhooks hook.json; expect 201 "webhook to the receiver"
check "d['secret'].startswith('whsec_')" "secret shown once"
hook=$(field "d['id']") secret=$(field "d['secret']")
call GET "/v1/webhooks/$hook"; expect 200 "webhook get"; check "'secret' not in d" "secret not shown again"
python3 "$here/webhook_receiver.py" "$rxport" rx.jsonl "$secret" 2 & rx_pid=$!
# recommendation.changed to a receiver of its own
rx2port=$(free_port)
echo "{\"url\":\"http://127.0.0.1:$rx2port/rec\",\"events\":[\"recommendation.changed\"]}" > hook2.json
call POST /v1/webhooks hook2.json; expect 201 "webhook for recommendation.changed"
secret2=$(field "d['secret']") # read before the next call rewrites body.json
python3 "$here/webhook_receiver.py" "$rx2port" rx2.jsonl "$secret2" 0 & rx2_pid=$!
rec_events() { python3 -c "
import json
lines = [json.loads(l) for l in open('rx2.jsonl')] if __import__('os').path.exists('rx2.jsonl') else []
assert all(l['valid'] for l in lines), 'a signature did not verify'
ok = {l['id']: json.loads(l['body']) for l in lines if l['status'] == 200}
print(' '.join(f\"{b['data']['recommendation']}:{b['data']['from']}:{b['data']['to']}\" for b in sorted(ok.values(), key=lambda b: b['data']['at'])))"; }
wait_rec_events() { for _ in $(seq 100); do [[ $(rec_events) == "$1" ]] && return 0; sleep 0.1; done; return 1; }
json '{"name":"web-1","size":"Standard_D2s_v5","os":"debian-12"}' > vm.json
call POST /v1/vms vm.json; expect 201 "create VM"
vm=$(field "d['id']") et=$(field "d['enrollment_token']")
start_swtpm sha256
enroll "$vm" "$et"
extend_log "$on"
wait_rec_events "guest-attestation:unhealthy:healthy" && ok || bad "enrolment: guest-attestation became healthy: '$(rec_events)'"
attest "$vm" $AK "$on"; expect 200 "healthy first"; check "d['verdict'] == 'healthy'" "learned healthy"
alerts ""; check "d['alerts'] == [] and d['next_cursor'] is None" "no alert for a healthy VM"
TOKEN=$ADMIN call GET /v1/recommendations; expect 200 "fleet posture"
check "d['vms'] == 1 and d['assessment'] == {'healthy': 1, 'unhealthy': 0, 'not_applicable': 0} and all(r['counts']['healthy'] == 1 for r in d['recommendations'] if r['id'] != 'revocations-current') and [r['counts']['not_applicable'] for r in d['recommendations'] if r['id'] == 'revocations-current'] == [1]" "fleet: one healthy VM (no revocation data: revocations-current not applicable)"

# ---- a changed kernel command line, three times: one medium alert, count 3
restart_swtpm; extend_log "$cmd"
for i in 1 2 3; do
  ((i == 2)) && base=$base2 # the second at the other node (on PostgreSQL)
  attest "$vm" $AK "$cmd"; expect 200 "changed boot $i"; base=$base1
done
check "d['verdict'] == 'unhealthy'" "changed boot is unhealthy"
TOKEN=$ADMIN call GET /v1/recommendations; expect 200 "fleet posture"
check "d['assessment'] == {'healthy': 0, 'unhealthy': 1, 'not_applicable': 0}" "fleet: one unhealthy VM"
alerts "vm=$vm"
check "len(d['alerts']) == 1" "one alert over three attestations"
check "(d['alerts'][0]['type'], d['alerts'][0]['severity'], d['alerts'][0]['status'], d['alerts'][0]['count']) == ('attestation_failure', 'medium', 'active', 3)" "medium, active, count 3"
check "'deviates from the trusted baseline' in d['alerts'][0]['description']" "baseline class named"
check "[r for r in d['alerts'][0]['reasons'] if r['code'] == 'baseline.kernel_cmdline' and 'tl.extra=1' in r['actual'] and 'tl.extra=1' not in r['expected']]" "kernel command line expected/actual"
check "d['alerts'][0]['vm_name'] == 'web-1' and d['alerts'][0]['first_seen'] <= d['alerts'][0]['last_seen']" "VM named, times"
alert=$(field "d['alerts'][0]['id']")
TOKEN=$ADMIN call GET "/v1/alerts/$alert"; expect 200 "one alert"
check "[e['action'] for e in d['audit']] == ['created']" "audit: created"

# ---- relearn, healthy: the alert resolves itself and stays in history
TOKEN=$ADMIN call POST "/v1/vms/$vm/baseline/relearn"; expect 200 relearn
attest "$vm" $AK "$cmd"; expect 200 "healthy after relearn"; check "d['verdict'] == 'healthy'" "healthy"
TOKEN=$ADMIN call GET "/v1/alerts/$alert"; expect 200 "resolved alert"
check "d['status'] == 'resolved' and d['open'] is False and [e['action'] for e in d['audit']] == ['created', 'resolved']" "resolved by the healthy attestation"
alerts "status=active"; check "d['alerts'] == []" "nothing active"

# ---- a refused module in the kernel log: a low alert naming it
attest "$vm" $AK "$cmd" '[{"type":"module_untrusted_key","module":"evil_drv","reason":"Loading of module with unavailable key is rejected","time":"2026-12-06T14:00:00Z"}]'
expect 200 "attest with a refused module"; check "d['verdict'] == 'healthy'" "the boot itself is healthy"
alerts "type=untrusted_kernel_module"
check "len(d['alerts']) == 1 and d['alerts'][0]['severity'] == 'low' and d['alerts'][0]['module'] == 'evil_drv' and 'was not loaded' in d['alerts'][0]['description']" "module alert"
check "'do you know it and expect it to load' in d['alerts'][0]['remediation']" "the seed's questions"
modalert=$(field "d['alerts'][0]['id']")

# ---- dismiss and resolve: operators only, with a comment, audited
READER_JSON=$(json "{'name':'auditor','role':'reader'}"); echo "$READER_JSON" > reader.json
TOKEN=$ADMIN call POST /v1/tokens reader.json; expect 201 "reader token"; READER=$(field "d['token']")
echo '{"comment":"known driver, vendor contacted"}' > c.json
TOKEN=$READER call POST "/v1/alerts/$modalert/dismiss" c.json; expect 403 "a reader cannot dismiss"
TOKEN=$READER call GET "/v1/alerts/$modalert"; expect 200 "a reader can read"
TOKEN=$ADMIN call POST "/v1/alerts/$modalert/dismiss" c.json; expect 200 "dismiss"
check "d['status'] == 'dismissed' and d['audit'][-1]['comment'] == 'known driver, vendor contacted' and d['audit'][-1]['action'] == 'dismissed'" "dismissal audited"
TOKEN=$ADMIN call POST "/v1/alerts/$modalert/dismiss" c.json; expect 409 "dismissed twice"
TOKEN=$ADMIN call POST "/v1/alerts/00000000-0000-4000-8000-000000000000/resolve" c.json; expect 404 "unknown alert"
TOKEN=$ADMIN call GET "/v1/alerts?status=nope"; expect 400 "bad filter"; check "d['error']['field'] == 'status'" "filter named"

# ---- a suppression rule: the next failure of this VM is recorded dismissed, naming the rule
json "{'alert_type':'attestation_failure','vm_ids':['$vm'],'reason':'lab VM without Secure Boot','comment':'ticket 42'}" > rule.json
TOKEN=$ADMIN call POST "/v1/suppression-rules?dry_run=1" rule.json; expect 200 "dry run"
check "d['dry_run'] is True and d['matching_active_alerts'] == 0" "dry run counts"
TOKEN=$ADMIN call GET /v1/suppression-rules; expect 200 "rules"; check "d['rules'] == []" "dry run stored nothing"
TOKEN=$READER call POST /v1/suppression-rules rule.json; expect 403 "a reader cannot suppress"
TOKEN=$ADMIN call POST /v1/suppression-rules rule.json; expect 201 "rule"; rule=$(field "d['id']")
restart_swtpm; extend_log "$on"
attest "$vm" $AK "$on"; expect 200 "a changed boot again"; check "d['verdict'] == 'unhealthy'" "unhealthy"
alerts "vm=$vm&type=attestation_failure&status=dismissed"
check "len(d['alerts']) == 1 and d['alerts'][0]['suppressed_by'] == '$rule'" "suppressed, rule named"
TOKEN=$ADMIN call DELETE "/v1/suppression-rules/$rule"; expect 200 "delete rule"
attest "$vm" $AK "$on"; expect 200 "and once more, without the rule"
alerts "vm=$vm&type=attestation_failure&status=active"
check "len(d['alerts']) == 1 and d['alerts'][0]['count'] == 2 and 'suppressed_by' not in d['alerts'][0]" "active again once the rule is gone"

# ---- another TPM's quote: the origin could not be verified
stop_swtpm; start_swtpm sha256
tpm tpm2_createek -c ek2.ctx -G rsa -u ek2.pub
tpm tpm2_createak -C ek2.ctx -c ak2.ctx -G ecc -g sha256 -s ecdsa -u ak2.pub -n ak2.name
extend_log "$on"
attest "$vm" ak2.ctx "$on"; expect 200 "quote of another key"
alerts "vm=$vm&type=attestation_failure&status=active"
check "any('origin could not be verified' in a['description'] and a['title'].endswith('quote origin not verified') for a in d['alerts'])" "origin named"

# ---- paging: newest first, a cursor to the next page
alerts "limit=1"; check "len(d['alerts']) == 1 and d['next_cursor']" "first page"
c=$(field "d['next_cursor']"); first=$(field "d['alerts'][0]['id']")
alerts "limit=1&cursor=$c"; check "len(d['alerts']) == 1 and d['alerts'][0]['id'] != '$first'" "second page"
# ---- an agent gone silent: its last attestation and enrolment aged past --stale-after, the
# staleness job (every second here) stores assessment unhealthy (stale) and guest-attestation
# unhealthy, with one event; on PostgreSQL one node of the two runs it
old=$(( $(date +%s) - 3600 ))
sql "UPDATE vm_tpm SET last_attested = $old, enrolled = $old WHERE vm_id = '$vm'" || bad "age the VM"
wait_rec_events "guest-attestation:unhealthy:healthy guest-attestation:healthy:unhealthy" && ok || bad "silent agent: guest-attestation unhealthy once: '$(rec_events)'"
TOKEN=$ADMIN call GET /v1/recommendations; expect 200 "fleet posture"
check "d['assessment']['unhealthy'] == 1 and d['assessment_causes'] == {'stale': 1} and d['recommendations'][2]['counts']['unhealthy'] == 1" "stored: stale, guest-attestation unhealthy"
TOKEN=$ADMIN call GET "/v1/recommendations/guest-attestation?status=unhealthy"; expect 200 "the silent VMs"
check "[(x['vm_id'], x['reason']) for x in d['vms']] == [('$vm', 'the agent stopped reporting')] and d['next_cursor'] is None" "the silent VM listed, by the index"
TOKEN=$ADMIN call GET "/v1/recommendations/guest-attestation?status=healthy"; check "d['vms'] == []" "none healthy"
if [[ -n $pid2 ]]; then
  n1=$(grep -c 'staleness job: this node holds the lease' "$work/svc.log") n2=$(grep -c 'staleness job: this node holds the lease' "$work/svc2.log")
  s1=$(grep -c 'staleness job: agents silent' "$work/svc.log") s2=$(grep -c 'staleness job: agents silent' "$work/svc2.log")
  [[ $((n1 + n2)) == 1 && $((s1 + s2)) == 1 ]] && ok || bad "the staleness job on one node: lease $n1/$n2, runs $s1/$s2"
fi

# ---- webhooks: every event once per subscription (the two refused deliveries retried),
# each signature checked by the receiver on its own
delivered() { python3 -c "
import json
lines = [json.loads(l) for l in open('rx.jsonl')]
print(len({l['id'] for l in lines if l['status'] == 200 and l['type'] != 'webhook.test'}))"; }
for _ in $(seq 150); do [[ $(delivered) -ge 10 ]] && break; sleep 0.2; done
python3 - <<'PY' && ok || bad "webhook events: $(cut -c1-200 rx.jsonl)"
import json, collections
lines = [json.loads(l) for l in open('rx.jsonl')]
assert all(l['valid'] for l in lines), 'a signature did not verify'
twice = [i for i, k in collections.Counter(l['id'] for l in lines if l['status'] == 200).items() if k > 1]
assert not twice, f'delivered twice: {twice}'
ok = {l['id']: json.loads(l['body']) for l in lines if l['status'] == 200}
types = collections.Counter(b['type'] for b in ok.values())
assert types == {'attestation.unhealthy': 4, 'alert.created': 3, 'alert.updated': 2, 'alert.resolved': 1}, types
# a burst of repeats is delivered at counts 2, 4, 8, ...: the third changed boot (count 3,
# seconds after the second) counts in the alert and is not delivered
assert sorted(b['data']['count'] for b in ok.values() if b['type'] == 'alert.updated') == [2, 2], types
assert sum(1 for l in lines if l['status'] == 503) == 2, 'two refused first'
created = [b['data'] for b in ok.values() if b['type'] == 'alert.created']
assert {c['type'] for c in created} == {'attestation_failure', 'untrusted_kernel_module'}
assert any(c.get('module') == 'evil_drv' for c in created)
PY
TOKEN=$ADMIN call GET "/v1/webhooks/$hook/deliveries?limit=100"; expect 200 deliveries
check "sum(1 for x in d['deliveries'] if x['status'] == 503 and '503' in x['error']) == 2 and sum(1 for x in d['deliveries'] if x['status'] == 200) == 10" "every attempt recorded"
TOKEN=$ADMIN call GET "/v1/webhooks/$hook/deliveries?limit=2"; check "len(d['deliveries']) == 2 and d['next_cursor']" "deliveries paged"
TOKEN=$ADMIN call POST "/v1/webhooks/$hook/test" '/dev/null'; expect 202 "test event"
for _ in $(seq 50); do grep -q '"type": "webhook.test"' rx.jsonl && break; sleep 0.2; done
grep -q '"type": "webhook.test", "status": 200' rx.jsonl && ok || bad "test event delivered"
TOKEN=$READER call POST "/v1/webhooks/$hook/test" '/dev/null'; expect 403 "a reader cannot send"
# the receiver away, events written, the daemon SIGKILLed: after a restart they arrive
[[ -n $pid2 ]] && { kill "$pid2"; wait "$pid2" 2>/dev/null; pid2=; } # node 1 alone from here
kill "$rx_pid"; wait "$rx_pid" 2>/dev/null; rx_pid=
attest "$vm" ak2.ctx "$on"; expect 200 "unhealthy while the receiver is away"
sleep 1
kill -KILL "$pid"; wait "$pid" 2>/dev/null; pid=
python3 "$here/webhook_receiver.py" "$rxport" rx.jsonl "$secret" 0 & rx_pid=$!
# a node with --webhook-sender off serves the API and leaves the outbox to others
before=$(delivered)
start --webhook-sender off
sleep 1.5
[[ $(delivered) == "$before" && $before -lt 12 ]] && ok || bad "a node without the sender delivered: $(delivered), $before before"
kill "$pid"; wait "$pid" 2>/dev/null; pid=
start
for _ in $(seq 150); do [[ $(delivered) -ge 12 ]] && break; sleep 0.2; done
[[ $(delivered) == 12 ]] && ok || bad "events written before the SIGKILL delivered after it: $(delivered) of 12"

# ---- the counts the fleet page shows agree with the lists
alerts "status=active&severity=medium&limit=500"; medium=$(field "len(d['alerts'])")
TOKEN=$READER call GET /v1/alert-counts; expect 200 "alert counts"
check "d['active']['medium'] == $medium and sum(c['count'] for c in d['counts']) >= 4 and {c['status'] for c in d['counts']} <= {'active', 'resolved', 'dismissed'}" "alert counts agree with the list"

# ---- /metrics through the service, checked by Prometheus's own tool
curl -s -H "Authorization: Bearer $ADMIN" "$base/metrics" > metrics.txt
promtool check metrics < metrics.txt > promtool.txt 2>&1 && ok || bad "promtool: $(head -5 promtool.txt)"
grep -Eq '^trustlaunch_alerts\{type="attestation_failure",severity="medium",status="(active|dismissed|resolved)"\} [1-9]' metrics.txt &&
  grep -q '^trustlaunch_recommendations{recommendation="guest-attestation",status="unhealthy"} 1$' metrics.txt &&
  grep -q '^trustlaunch_assessments{status="unhealthy"} 1$' metrics.txt && ok || bad "metrics content: $(grep -E 'alerts|recommend|assess' metrics.txt | head -20)"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/metrics") == 401 ]] && ok || bad "/metrics needs a token"

# ---- the same through the CLI
export TL_SERVER=$base TL_TOKEN=$ADMIN
"$tl" alerts list --vm "$vm" > out.txt 2>&1 && grep -q '^ID  *SEVERITY  *STATUS  *TYPE  *VM  *COUNT  *TITLE  *LAST SEEN$' out.txt &&
  grep -q "attestation_failure  *web-1" out.txt && ok || bad "tl alerts list: $(cat out.txt)"
"$tl" alerts show "$modalert" > out.txt 2>&1 && grep -q '^module  *evil_drv$' out.txt &&
  grep -q 'dismissed by .*: known driver, vendor contacted' out.txt && ok || bad "tl alerts show: $(cat out.txt)"
"$tl" alerts resolve "$modalert" --comment "driver replaced" > out.txt 2>&1 && grep -q '^status  *resolved$' out.txt && ok || bad "tl alerts resolve: $(cat out.txt)"
"$tl" alerts list --status bogus > out.txt 2>&1; [[ $? == 1 ]] && grep -q 'status' out.txt && ok || bad "bad filter refused by the service"
"$tl" alerts list --vm 'x&y' > out.txt 2>&1; [[ $? == 2 ]] && ok || bad "query characters refused"
"$tl" suppressions create --alert-type attestation_failure --vm "$vm" --reason "lab" --dry-run > out.txt 2>&1 &&
  grep -q '^dry run: 2 active alert(s) would match' out.txt && ok || bad "tl suppressions --dry-run: $(cat out.txt)"
"$tl" suppressions create --alert-type attestation_failure --reason-code secureboot.disabled --reason "lab" > out.txt 2>&1 && ok || bad "tl suppressions create: $(cat out.txt)"
rid=$(awk '/^id /{print $2}' out.txt)
"$tl" suppressions list > out.txt 2>&1 && grep -q "$rid  *attestation_failure" out.txt && ok || bad "tl suppressions list: $(cat out.txt)"
"$tl" suppressions delete "$rid" > out.txt 2>&1 && ok || bad "tl suppressions delete: $(cat out.txt)"
# rules and webhooks are paged like every list: three rules, two pages of two and one
for i in 1 2 3; do
  "$tl" suppressions create --alert-type untrusted_kernel_module --vm "$vm" --reason "page $i" > /dev/null 2>&1 || bad "rule $i"
done
TOKEN=$ADMIN call GET "/v1/suppression-rules?limit=2"; expect 200 "rules page 1"
check "len(d['rules']) == 2 and d['next_cursor']" "a first page of two rules, and a cursor"
first=$(field "sorted(r['reason'] for r in d['rules'])")
TOKEN=$ADMIN call GET "/v1/suppression-rules?limit=2&cursor=$(field "d['next_cursor']")"; expect 200 "rules page 2"
check "len(d['rules']) == 1 and d['next_cursor'] is None and sorted($first + [d['rules'][0]['reason']]) == ['page 1', 'page 2', 'page 3']" "the third rule on the last page"
TOKEN=$ADMIN call GET "/v1/suppression-rules?cursor=12.zz"; expect 400 "a forged rules cursor"
"$tl" suppressions list --limit 2 > out.txt 2> err.txt && [[ $(grep -c 'page [0-9]' out.txt) == 2 ]] &&
  grep -q 'more: --cursor' err.txt && ok || bad "tl suppressions list --limit: $(cat out.txt err.txt)"
"$tl" suppressions list > out.txt 2>&1 && [[ $(grep -c 'page [0-9]' out.txt) == 3 ]] && ok || bad "tl suppressions list, every page: $(cat out.txt)"
"$tl" webhooks list > out.txt 2>&1 && grep -q "^$hook  *http://127.0.0.1:$rxport/hook  *" out.txt && ok || bad "tl webhooks list: $(cat out.txt)"
"$tl" webhooks deliveries "$hook" --limit 5 > out.txt 2> err.txt && grep -q '^EVENT  *TYPE  *ATTEMPT  *STATUS  *MS  *ERROR  *TIME$' out.txt &&
  [[ $(grep -c ' 200 ' out.txt) -ge 1 ]] && grep -q 'more: --cursor' err.txt && ok || bad "tl webhooks deliveries: $(cat out.txt err.txt)"
"$tl" webhooks create --url "http://127.0.0.1:1/cli" --event alert.created --event alert.resolved > out.txt 2>&1 &&
  grep -q '^secret  *whsec_' out.txt && ok || bad "tl webhooks create: $(cat out.txt)"
cli_hook=$(awk '/^id /{print $2}' out.txt)
"$tl" webhooks test "$cli_hook" > out.txt 2>&1 && grep -q "queued a webhook.test event to $cli_hook" out.txt && ok || bad "tl webhooks test: $(cat out.txt)"
"$tl" webhooks show "$cli_hook" > out.txt 2>&1 && grep -q '^events  *\["alert.created", *"alert.resolved"\]' out.txt && ! grep -q secret out.txt && ok || bad "tl webhooks show: $(cat out.txt)"
"$tl" webhooks delete "$cli_hook" > out.txt 2>&1 && grep -q "deleted webhook $cli_hook" out.txt && ok || bad "tl webhooks delete: $(cat out.txt)"
"$tl" webhooks create --url "http://127.0.0.1:1/x" > out.txt 2>&1; [[ $? == 2 ]] && ok || bad "create needs an --event"
"$tl" webhooks create --url "http://127.0.0.1:1/x" --event alert.exploded > out.txt 2>&1; rc=$?
[[ $rc == 1 ]] && grep -q 'field events' out.txt && ok || bad "the service refuses an unknown event ($rc): $(cat out.txt)"
TOKEN=$ADMIN call GET "/v1/webhooks?limit=1"; expect 200 "webhooks page"
check "len(d['webhooks']) == 1 and 'secret' not in d['webhooks'][0]" "a page of one webhook, no secret"
"$tl" suppressions create --reason x > out.txt 2>&1; [[ $? == 2 ]] && ok || bad "create needs --alert-type"

# ---- a profile change: Secure Boot off makes secure-boot unhealthy and guest-attestation
# not applicable, two events
echo '{"secure_boot": false}' > patch.json
TOKEN=$ADMIN call PATCH "/v1/vms/$vm" patch.json; expect 200 "Secure Boot off"
wait_rec_events "guest-attestation:unhealthy:healthy guest-attestation:healthy:unhealthy secure-boot:healthy:unhealthy guest-attestation:unhealthy:not_applicable" ||
  wait_rec_events "guest-attestation:unhealthy:healthy guest-attestation:healthy:unhealthy guest-attestation:unhealthy:not_applicable secure-boot:healthy:unhealthy" &&
  ok || bad "profile change events: '$(rec_events)'"
python3 -c "
import json
b = [json.loads(json.loads(l)['body']) for l in open('rx2.jsonl') if json.loads(l)['status'] == 200]
d = [x['data'] for x in b if x['data']['recommendation'] == 'secure-boot'][0]
assert set(d) >= {'vm_id', 'vm_name', 'recommendation', 'from', 'to', 'at'} and d['vm_id'] == '$vm' and d['vm_name'] == 'web-1', d
assert all(x['type'] == 'recommendation.changed' for x in b)" && ok || bad "recommendation.changed payload: $(tail -c 400 rx2.jsonl)"
TOKEN=$ADMIN call GET "/v1/recommendations/secure-boot?status=unhealthy"; check "[x['vm_id'] for x in d['vms']] == ['$vm']" "secure-boot unhealthy, by the index"

# ---- --posture off: the attestation path keeps no alerts (another TPM's quote adds nothing
# to the open origin alert), the verdict is the same; a bad value is refused
alerts "vm=$vm&type=attestation_failure&status=active"; before=$(field "sum(a['count'] for a in d['alerts'])")
kill "$pid"; wait "$pid" 2>/dev/null; pid=
start --posture off
attest "$vm" ak2.ctx "$on"; expect 200 "another TPM's quote, posture off"; check "d['verdict'] == 'unhealthy'" "the same verdict"
alerts "vm=$vm&type=attestation_failure&status=active"
check "sum(a['count'] for a in d['alerts']) == $before" "no alert bookkeeping with posture off"
"$d" --posture maybe --state-dir "$work/none" > out.txt 2>&1; [[ $? == 2 ]] && ok || bad "--posture maybe refused: $(cat out.txt)"
finish
