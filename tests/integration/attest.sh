#!/usr/bin/env bash
# trustlaunchd with a real TPM (swtpm) driven by tpm2-tools: enrolment by EK certificate and
# by enrollment token, credential activation on the TPM, challenges, attestations of a real
# boot's measurements (the sb-on event log extended into the PCRs), nonce reuse, a quote
# from another TPM, a log that does not replay, a changed boot, relearning, tenants.
#   TL_STORE_URL=postgresql://... runs it on PostgreSQL (store_pg.sh does).
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
d=${TL_DAEMON:?} pid=
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
port=$(free_port) base=http://127.0.0.1:$(free_port)
base=http://127.0.0.1:$port
dbargs=(); [[ -n ${TL_STORE_URL:-} ]] && dbargs=(--db "$TL_STORE_URL")
start() { # start [ARGS...]
  "$d" --listen 127.0.0.1:$port --state-dir "$work/svc" "${dbargs[@]}" "$@" 2>>"$work/svc.log" & pid=$!
  for _ in $(seq 100); do curl -s "$base/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "trustlaunchd did not start: $(cat "$work/svc.log")" >&2; exit 2
}
stop() { kill -TERM "$pid"; wait "$pid"; pid=; }
json() { python3 -c "import json,sys; print(json.dumps($1))" "${@:2}"; }
b64() { base64 -w0 "$1"; }
SEL=sha256:0,1,2,3,4,5,6,7,8,9,14
attest() { # VM AK LOG [NONCE]: challenge, quote ($SEL), attest; answer in body.json
  local vm=$1 ak=$2 log=$3 n=${4:-}
  if [[ -z $n ]]; then TOKEN= call POST "/v1/vms/$vm/challenge"; expect 200 challenge; n=$(field "d['nonce']"); fi
  echo "$n" > last.nonce
  tpm tpm2_quote -c "$ak" -l $SEL -q "$n" -m q.msg -s q.sig -o q.pcrs -F values -g sha256
  python3 "$here/evidence.py" "$n" q.msg q.sig q.pcrs $SEL $log > evidence.json || exit 2
  TOKEN= call POST "/v1/vms/$vm/attest" evidence.json
}
on=$v/boot/sb-on/eventlog.bin cmd=$v/boot/cmdline/eventlog.bin

# ---- a VM, then its TPM (the EK certificate names the VM), then the service trusting the CA
start
ADMIN=$(cat svc/admin.token) TOKEN=$(cat svc/admin.token)
json '{"name":"web-1","size":"Standard_D2s_v5","os":"debian-12"}' > vm.json
call POST /v1/vms vm.json; expect 201 "create VM"
vm=$(field "d['id']") enroll_token=$(field "d['enrollment_token']")
[[ $(field "d['enrolled']") == False ]] && ok || bad "a new VM is not enrolled"
SWTPM_VMID=$vm start_swtpm sha256
stop; start --ek-ca ca/swtpm-localca-rootca-cert.pem --ek-ca ca/issuercert.pem

tpm tpm2_createek -c ek.ctx -G rsa -u ek.pub
tpm tpm2_createak -C ek.ctx -c ak.ctx -G ecc -g sha256 -s ecdsa -u ak.pub -n ak.name
tpm tpm2_evictcontrol -C o -c ak.ctx 0x81010010   # survives power cycles
AK=0x81010010
tpm tpm2_nvread 0x1c00002 -o ekcert.der
extend_log "$on"

# the agent's endpoints want an enrolled VM
TOKEN= call POST "/v1/vms/$vm/challenge"; expect 409 "challenge before enrolment"
[[ $(field "d['error']['code']") == vm.not_enrolled ]] && ok || bad "not enrolled named"
# enrolment with neither token nor certificate is refused
json "{'ek_public':'$(b64 ek.pub)','ak_public':'$(b64 ak.pub)'}" > enroll-bare.json
TOKEN= call POST "/v1/vms/$vm/enroll" enroll-bare.json; expect 401 "enrol without proof"
# an AK that is not a restricted signing key is refused (the EK: a decryption key)
json "{'ek_public':'$(b64 ek.pub)','ak_public':'$(b64 ek.pub)','ek_cert':'$(b64 ekcert.der)'}" > enroll-ekak.json
TOKEN= call POST "/v1/vms/$vm/enroll" enroll-ekak.json; expect 400 "EK as AK"
[[ $(field "d['error']['code']") == enroll.ak_attributes ]] && ok || bad "AK attributes named"
# hostile bytes in every field: 400 naming it, nothing stored
for bad_body in '{"ek_public":"!!","ak_public":"AAAA"}' '{"ek_public":"AAAA","ak_public":"AAAA"}' \
                '{"ek_public":5}' '[]' '{"ek_public":"AAAA","ak_public":"AAAA","ek_public":"AAAA"}'; do
  echo "$bad_body" > hostile.json
  TOKEN= call POST "/v1/vms/$vm/enroll" hostile.json; expect 400 "hostile enrol $bad_body"
done
# by EK certificate (chains to the vTPM CA, CN = the VM id)
json "{'ek_public':'$(b64 ek.pub)','ak_public':'$(b64 ak.pub)','ek_cert':'$(b64 ekcert.der)'}" > enroll.json
TOKEN= call POST "/v1/vms/$vm/enroll" enroll.json; expect 201 "enrol by EK certificate"
eid=$(field "d['enrollment_id']"); field "d['credential']" | base64 -d > cred.blob
activate $AK ek.ctx cred.blob secret.bin && ok || bad "credential activates on the TPM: $(cat act.log)"
json "{'secret':'$(b64 secret.bin)'}" > secret.json
TOKEN= call POST "/v1/vms/$vm/enroll/$eid/activate" secret.json; expect 200 activate
TOKEN= call POST "/v1/vms/$vm/enroll/$eid/activate" secret.json; expect 404 "second activation"
TOKEN=$ADMIN call GET "/v1/vms/$vm"; [[ $(field "d['enrolled']") == True ]] && ok || bad "enrolled"
[[ $(field "d['enrolled_by'], d['enrollment']") == "ek_certificate any" ]] && ok || bad "enrolled by EK certificate: $(cat body.json)"

# ---- a quote that covers none of the boot's PCRs says nothing about the boot: no healthy
# verdict, nothing learned (a guest can quote PCR 16 of its own making)
SEL=sha256:16 attest "$vm" $AK "$on"; expect 200 "attest over PCR 16 only"
[[ $(field "d['verdict']") == unhealthy ]] && ok || bad "PCR 16 alone is not healthy"
[[ $(field "[r['code'] for r in d['reasons']]") == *quote.pcr_selection* ]] && ok || bad "pcr selection named: $(field "d['reasons']")"

# ---- attest: healthy, the baseline learned, a token
TOKEN=$ADMIN call GET "/v1/vms/$vm/baseline"; expect 404 "no baseline before the first attestation"
attest "$vm" $AK "$on"; expect 200 "attest sb-on"
# ids as strings of digits (JavaScript clients lose precision past 2^53)
[[ $(field "type(d['attestation_id']).__name__ + ' ' + str(d['attestation_id'].isdigit())") == "str True" ]] && ok || bad "attestation_id a string: $(field "d['attestation_id']")"
[[ $(field "d['verdict']") == healthy ]] && ok || bad "healthy: $(field "d['reasons']")"
[[ $(field "d.get('baseline')") == learned ]] && ok || bad "baseline learned"
[[ $(field "d['facts']['kernel_cmdline']") == "/vmlinuz console=ttyS0 panic=-1 rdinit=/init" ]] && ok || bad "facts"
field "d['token']" > token.jwt
[[ $(tr -cd . < token.jwt | wc -c) == 2 ]] && ok || bad "a compact JWS"
python3 - <<'PY' && ok || bad "token claims"
import base64, json
t = open('token.jwt').read().strip().split('.')
pad = lambda s: s + '=' * (-len(s) % 4)
h = json.loads(base64.urlsafe_b64decode(pad(t[0])))
c = json.loads(base64.urlsafe_b64decode(pad(t[1])))
assert h['alg'] == 'ES256' and h['kid']
assert c['verdict'] == 'healthy' and c['secure_boot'] is True
assert c['pcrs'] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14]
assert c['nonce'] == open('last.nonce').read().strip()
assert c['db_validated'] and c['dbx_validated'] and len(c['kernel_cmdline_sha256']) == 64
assert c['os']['id'] == 'debian' and c['exp'] > c['iat']
assert c['enrollment'] == 'ek_certificate', c
PY
# a relying party checks it with the service's keys (tl token verify, and offline)
expect_rc 0 "$tl" --server "$base" token verify @token.jwt --vm "$vm" --nonce "$(cat last.nonce)" --require-healthy
grep -q "verdict *healthy" "$work/out" && ok || bad "claims shown: $(cat "$work/out")"
curl -s "$base/.well-known/jwks.json" > jwks.json
expect_rc 0 "$tl" token verify @token.jwt --jwks jwks.json --json
expect_rc 1 "$tl" token verify @token.jwt --jwks jwks.json --vm not-this-vm
python3 -c "
t=open('token.jwt').read().strip().split('.'); import base64,json
c=json.loads(base64.urlsafe_b64decode(t[1]+'='*(-len(t[1])%4))); c['verdict']='healthy'; c['sub']='other'
t[1]=base64.urlsafe_b64encode(json.dumps(c).encode()).decode().rstrip('='); open('forged.jwt','w').write('.'.join(t))"
expect_rc 1 "$tl" token verify @forged.jwt --jwks jwks.json
grep -q "jwt.signature" "$work/err" && ok || bad "forged claims: $(cat "$work/err")"
TOKEN= call GET /.well-known/jwks.json; expect 200 jwks
[[ $(field "d['keys'][0]['kty'], d['keys'][0]['crv']") == "EC P-256" ]] && ok || bad "JWKS key"
TOKEN= call GET /.well-known/openid-configuration; expect 200 "openid configuration"
[[ $(field "d['jwks_uri']") == "$base/.well-known/jwks.json" ]] && ok || bad "jwks_uri"
# the same nonce again: refused, and nothing recorded
TOKEN= call POST "/v1/vms/$vm/attest" evidence.json; expect 409 "nonce reused"
[[ $(field "d['error']['code']") == nonce.used ]] && ok || bad "nonce.used named"
# a nonce of another VM, and a forged one
TOKEN=$ADMIN call POST /v1/vms vm.json; vm2=$(field "d['id']")
python3 -c "import json; e=json.load(open('evidence.json')); e['nonce']='00'*32; json.dump(e,open('forged.json','w'))"
TOKEN= call POST "/v1/vms/$vm/attest" forged.json; expect 409 "forged nonce"
[[ $(field "d['error']['code']") == nonce.invalid ]] && ok || bad "nonce.invalid named"
# malformed evidence: 400 with the field, nothing recorded
for mutate in "e['quote']['attest']='%%%'" "e['pcrs']={'sha999':{}}" "e['pcrs']['sha256']['24']='00'*32" \
              "import base64; e['event_log']=base64.b64encode(base64.b64decode(e['event_log'])[:-3]).decode()" "del e['quote']" "e['kernel_events']=[{'type':1}]" \
              "e['quote']['attest']='AAAA'"; do
  TOKEN= call POST "/v1/vms/$vm/challenge"; n=$(field "d['nonce']")
  python3 -c "import json; e=json.load(open('evidence.json')); e['nonce']='$n'; $mutate; json.dump(e,open('m.json','w'))"
  TOKEN= call POST "/v1/vms/$vm/attest" m.json; expect 400 "malformed: $mutate"
done
# evidence exactly as docs/api.md has it: ima_log checked, PCR indexes canonical, no unknown
# field; each refused with 400 request.field naming the field
strict() { # FIELD MUTATION: a fresh nonce, the mutation, 400 naming FIELD
  TOKEN= call POST "/v1/vms/$vm/challenge"; n=$(field "d['nonce']")
  python3 -c "import json; e=json.load(open('evidence.json')); e['nonce']='$n'; $2; json.dump(e,open('m.json','w'))"
  TOKEN= call POST "/v1/vms/$vm/attest" m.json; expect 400 "strict: $2"
  [[ $(field "d['error']['code'], d['error']['field']") == "request.field $1" ]] && ok || bad "strict: $2: $(head -c 300 body.json)"
}
strict ima_log "e['ima_log']=12345"
strict ima_log "e['ima_log']={'x':1}"
strict ima_log "e['ima_log']='!!!not base64'"
strict ima_log "e['ima_log']=''"
strict ima_log "e['ima_log']='QUFB'*300+'A'"                      # lifted, then refused
strict ima_log "e['ima_log']='QUFB'*(8*1024*1024//3+2)"           # over 8 MiB decoded
strict pcrs "p=e['pcrs']['sha256']; p[' 1']=p.pop('1')"
strict pcrs "p=e['pcrs']['sha256']; p['+1']=p.pop('1')"
strict pcrs "p=e['pcrs']['sha256']; p['01']=p.pop('1')"
strict pcrs "p=e['pcrs']['sha256']; p['1 ']=p.pop('1')"
strict x "e['x']=1"
strict imalog "e['imalog']='AAAA'"
# the body limit of trustlaunch/wire.h: exactly at it is read (here: refused for its ima_log,
# not for its size); one byte over is 413
wire_max=$(python3 -c 'b=lambda n:(n+2)//3*4; print(b(4<<20)+b(8<<20)+2*b(64<<10)+(512<<10))')
for extra in 0 1; do
  TOKEN= call POST "/v1/vms/$vm/challenge"; n=$(field "d['nonce']")
  python3 -c "
import json
e=json.load(open('evidence.json')); e['nonce']='$n'; e['ima_log']='!'
t=json.dumps(e); pad=$wire_max+$extra-len(t)
open('m.json','w').write(t[:-1]+' '*pad+'}')"
  [[ $(stat -c %s m.json) == $((wire_max + extra)) ]] || bad "body of $((wire_max + extra)) bytes made"
  TOKEN= call POST "/v1/vms/$vm/attest" m.json
  if [[ $extra == 0 ]]; then expect 400 "a body at the limit is read"; [[ $(field "d['error']['field']") == ima_log ]] && ok || bad "at the limit: $(head -c 300 body.json)"
  else expect 413 "a body one byte over the limit"; [[ $(field "d['error']['code']") == request.too_large ]] && ok || bad "413 named"; fi
done
TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations"; expect 200 attestations
[[ $(field "len(d['attestations'])") == 2 ]] && ok || bad "refused evidence recorded nothing (2: PCR 16, healthy)"
[[ $(field "all(isinstance(a['id'], str) for a in d['attestations'])") == True ]] && ok || bad "listed ids are strings"

# ---- a log that is not this boot's: unhealthy, the PCR named
attest "$vm" $AK "$cmd"; expect 200 "attest with another boot's log"
[[ $(field "d['verdict']") == unhealthy ]] && ok || bad "mismatched log is unhealthy"
[[ $(field "d['reasons'][0]['code']") == log.replay ]] && ok || bad "log.replay: $(field "d['reasons']")"
field "d['reasons'][0]['message']" | grep -q "PCR 8 (sha256)" && ok || bad "PCR 8 named"
[[ $(field "'token' in d") == True ]] && ok || bad "a token for the TPM's own (unhealthy) word"

# ---- the VM reboots with another kernel command line: a baseline deviation, explained
restart_swtpm; extend_log "$cmd"
attest "$vm" $AK "$cmd"; expect 200 "attest changed boot"
[[ $(field "d['verdict']") == unhealthy ]] && ok || bad "changed boot is unhealthy"
python3 - <<'PY' && ok || bad "deviation explained: $(field "d['reasons']")"
import json
r = json.load(open('body.json'))['reasons']
k = [x for x in r if x['code'] == 'baseline.kernel_cmdline']
assert k and "added 'tl.extra=1'" in k[0]['message'], r
assert k[0]['expected'] == '/vmlinuz console=ttyS0 panic=-1 rdinit=/init'
assert k[0]['actual'].endswith('tl.extra=1')
PY
changed=$(field "d['attestation_id']")
# relearn (operator): the new boot becomes the baseline; the next attestation is healthy
TOKEN=$ADMIN call POST "/v1/vms/$vm/baseline/relearn"; expect 200 relearn
[[ $(field "d['attestation_id']") == "$changed" ]] && ok || bad "relearned from the changed boot"
attest "$vm" $AK "$cmd"; expect 200 "attest after relearn"
[[ $(field "d['verdict']") == healthy ]] && ok || bad "healthy after relearn: $(field "d['reasons']")"
# ---- quotes made in clock order but sent out of order: the late ones are stale (409
# attestation.stale, nothing recorded), never a rollback (quote.clock)
TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations"; before=$(field "len(d['attestations'])")
for i in 1 2 3; do
  TOKEN= call POST "/v1/vms/$vm/challenge"; n=$(field "d['nonce']")
  tpm tpm2_quote -c $AK -l $SEL -q "$n" -m q$i.msg -s q$i.sig -o q$i.pcrs -F values -g sha256
  python3 "$here/evidence.py" "$n" q$i.msg q$i.sig q$i.pcrs $SEL "$cmd" > ooo$i.json || exit 2
done
TOKEN= call POST "/v1/vms/$vm/attest" ooo3.json; expect 200 "the latest quote first"
[[ $(field "d['verdict']") == healthy ]] && ok || bad "latest quote healthy: $(field "d['reasons']")"
for i in 1 2; do
  TOKEN= call POST "/v1/vms/$vm/attest" ooo$i.json; expect 409 "quote $i of an earlier challenge, sent late"
  [[ $(field "d['error']['code']") == attestation.stale ]] && ok || bad "stale, not a rollback: $(head -c 300 body.json)"
done
TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations"
[[ $(field "len(d['attestations'])") == $((before + 1)) ]] && ok || bad "stale quotes recorded nothing"
[[ $(field "[r['code'] for a in d['attestations'] for r in a['reasons'] if r['code']=='quote.clock']") == "[]" ]] && ok || bad "no quote.clock recorded"
# a reference manifest: PUT, and a deviation from it
python3 -c "
import json; json.dump({'components': {'kernel_cmdline': '/vmlinuz console=ttyS0'}}, open('manifest.json','w'))"
TOKEN=$ADMIN call PUT "/v1/vms/$vm/baseline" manifest.json; expect 200 "set manifest"
[[ $(field "d['source']") == manifest ]] && ok || bad "manifest source"
attest "$vm" $AK "$cmd"; expect 200 "attest against manifest"
[[ $(field "[r['code'] for r in d['reasons']]") == "['baseline.kernel_cmdline']" ]] && ok || bad "only the manifest's component compared: $(field "d['reasons']")"
echo '{"components":{"no_such_component":1}}' > badmanifest.json
TOKEN=$ADMIN call PUT "/v1/vms/$vm/baseline" badmanifest.json; expect 400 "unknown component"
# a dbx-only change (the manifest's db as measured, its dbx empty): the token says db was
# validated and dbx was not (db is not a prefix of dbx: issue 13, defect 1)
"$tl" eventlog facts --json "$cmd" > cmdfacts.json || exit 2
python3 -c "
import json; sb = json.load(open('cmdfacts.json'))['secureboot']
json.dump({'components': {'secureboot': {'db': sb['db'], 'dbx': []}}}, open('dbx-manifest.json', 'w'))"
TOKEN=$ADMIN call PUT "/v1/vms/$vm/baseline" dbx-manifest.json; expect 200 "set dbx-only manifest"
attest "$vm" $AK "$cmd"; expect 200 "attest against a dbx-only change"
[[ $(field "[r['code'] for r in d['reasons']]") == "['baseline.secureboot.dbx']" ]] && ok || bad "only dbx differs: $(field "d['reasons']")"
python3 - <<'PY' && ok || bad "dbx-only change: db_validated true, dbx_validated false"
import base64, json
t = json.load(open('body.json'))['token'].split('.')
c = json.loads(base64.urlsafe_b64decode(t[1] + '=' * (-len(t[1]) % 4)))
assert c['verdict'] == 'unhealthy', c
assert c['db_validated'] is True and c['dbx_validated'] is False, c
PY
TOKEN=$ADMIN call PUT "/v1/vms/$vm/baseline" manifest.json; expect 200 "manifest back"

# ---- the TPM's state rolled back (an old copy of the swtpm state): the quote says so
kill "$swtpm_pid"; wait "$swtpm_pid" 2>/dev/null; swtpm_pid=
cp -a state state.old
run_swtpm; restart_swtpm; extend_log "$cmd"      # two power cycles later
attest "$vm" $AK "$cmd"; expect 200 "attest after two reboots"
[[ $(field "[r['code'] for r in d['reasons']]") == "['baseline.kernel_cmdline']" ]] && ok || bad "reboots are no failure: $(field "d['reasons']")"
kill "$swtpm_pid"; wait "$swtpm_pid" 2>/dev/null; swtpm_pid=
rm -rf state; mv state.old state
run_swtpm; extend_log "$cmd"
attest "$vm" $AK "$cmd"; expect 200 "attest from a rolled-back TPM"
[[ $(field "d['reasons'][0]['code']") == quote.clock ]] && ok || bad "rollback named: $(field "d['reasons']")"

# ---- tenants: another tenant's token sees nothing of this VM (404, not 403)
json '{"name":"t2-reader","role":"reader","tenant":"other"}' > tok.json
TOKEN=$ADMIN call POST /v1/tokens tok.json; expect 201 "token for tenant other"
OTHER=$(field "d['token']") other_id=$(field "d['id']")
TOKEN=$OTHER call GET "/v1/vms/$vm"; expect 404 "other tenant: VM"
TOKEN=$OTHER call GET "/v1/vms/$vm/attestations"; expect 404 "other tenant: attestations"
TOKEN=$OTHER call GET "/v1/vms/$vm/baseline"; expect 404 "other tenant: baseline"
TOKEN=$OTHER call POST "/v1/vms/$vm/baseline/relearn"; expect 403 "reader cannot relearn"
TOKEN=$ADMIN call DELETE "/v1/tokens/$other_id"; expect 200 "revoke"
TOKEN=$OTHER call GET /v1/vms; expect 401 "revoked token"

# ---- a restart keeps everything acknowledged (and from here on a thread per connection
# serves: the attestation waits in its thread for the commit instead of being suspended)
stop; start --ek-ca ca/swtpm-localca-rootca-cert.pem --threads 0
TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations"; [[ $(field "len(d['attestations'])") == 10 ]] && ok || bad "10 attestations after restart: $(field "len(d['attestations'])")"
TOKEN= call POST "/v1/vms/$vm/attest" evidence.json; expect 409 "a used nonce stays used after restart"

# ---- another TPM for the same VM: its quote's origin cannot be verified, and it cannot
# take the VM over (the old enrollment token was consumed; its CA is not trusted)
ekcert_old=$(b64 ekcert.der)
stop_swtpm; SWTPM_VMID=$vm start_swtpm sha256
tpm tpm2_createek -c ek2.ctx -G rsa -u ek2.pub
tpm tpm2_createak -C ek2.ctx -c ak2.ctx -G ecc -g sha256 -s ecdsa -u ak2.pub -n ak2.name
tpm tpm2_nvread 0x1c00002 -o ekcert2.der
extend_log "$on"
attest "$vm" ak2.ctx "$on"; expect 200 "quote of another TPM"
[[ $(field "d['verdict']") == unhealthy ]] && ok || bad "another TPM: unhealthy"
[[ $(field "d['reasons'][0]['message']") == "quote origin could not be verified" ]] && ok || bad "origin: $(field "d['reasons']")"
[[ $(field "'token' in d") == False ]] && ok || bad "no token for a quote of unknown origin"
TOKEN= call POST "/v1/vms/$vm/challenge"; n=$(field "d['nonce']")
tpm tpm2_quote -c ak2.ctx -l $SEL -q "$n" -m q.msg -s q.sig -o q.pcrs -F values -g sha256
python3 "$here/evidence.py" "$n" q.msg q.sig q.pcrs $SEL "$on" > e2.json
python3 -c "import json; e=json.load(open('e2.json')); e['kernel_events']=[{'type':'module_blocked','module':'evil','reason':'x'}]; json.dump(e,open('ke.json','w'))"
TOKEN= call POST "/v1/vms/$vm/attest" ke.json; expect 200 "another TPM with module reports"
TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations?origin=unverified&limit=1"
[[ $(field "d['attestations'][0]['quote_verified']") == False ]] && ok || bad "the unverified quote kept apart: $(head -c 300 body.json)"
[[ $(field "'kernel_events' in d['attestations'][0] or 'os' in d['attestations'][0]") == False ]] && ok || bad "claims of an unverified sender kept"
# ---- forgeries flood: anyone can send quotes for this VM; they stay out of its history,
# at most 100 are kept (the newest), all are counted, and every list pages by cursor
TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations?limit=1000"; own=$(field "len(d['attestations'])")
python3 - "$base" "$vm" <<'PY' || bad "forgeries sent"
import json, sys, urllib.request
base, vm = sys.argv[1], sys.argv[2]
e = json.load(open('e2.json'))
for i in range(130):
    r = urllib.request.urlopen(urllib.request.Request(f"{base}/v1/vms/{vm}/challenge", method='POST', data=b''))
    e['nonce'] = json.load(r)['nonce']
    req = urllib.request.Request(f"{base}/v1/vms/{vm}/attest", data=json.dumps(e).encode(),
                                 headers={'Content-Type': 'application/json'}, method='POST')
    assert urllib.request.urlopen(req).status == 200
PY
TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations?limit=1000"
[[ $(field "len(d['attestations'])") == "$own" ]] && ok || bad "forgeries pushed into the VM's history: $(field "len(d['attestations'])") != $own"
[[ $(field "all(a['quote_verified'] for a in d['attestations'])") == True ]] && ok || bad "only the VM's own quotes listed"
TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations?origin=unverified&limit=1000"; expect 200 "forgeries listed"
[[ $(field "len(d['attestations']), d['total'] >= 131, d['kept_at_most'], d['next_cursor']") == "100 True 100 None" ]] && ok || bad "forgeries bounded and counted: $(field "len(d['attestations']), d['total'], d['next_cursor']")"
# pages: a cursor, each record once, the same records as one large page
TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations?limit=1000"; field "[a['id'] for a in d['attestations']]" > all.ids
python3 - "$base" "$vm" "$ADMIN" <<'PY' && ok || bad "attestations paged by cursor"
import json, sys, urllib.request
base, vm, tok = sys.argv[1:4]
ids, cur = [], None
while True:
    url = f"{base}/v1/vms/{vm}/attestations?limit=2" + (f"&cursor={cur}" if cur else "")
    d = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={'Authorization': 'Bearer ' + tok})))
    ids += [a['id'] for a in d['attestations']]
    cur = d['next_cursor']
    if not cur:
        break
assert str(ids) == open('all.ids').read().strip(), (ids, open('all.ids').read())
assert len(ids) == len(set(ids)) and len(ids) >= 3
PY
for badcur in x 0 -5 '1.2' '99999999999999999999' "%00"; do
  TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations?cursor=$badcur"; expect 400 "cursor '$badcur'"
  [[ $(field "d['error']['field']") == cursor ]] && ok || bad "cursor named"
done
TOKEN=$ADMIN call GET "/v1/vms/$vm/attestations?origin=mine"; expect 400 "origin named"
TOKEN=$ADMIN call GET "/v1/vms?limit=1"; expect 200 "VMs, a page of one"
[[ $(field "len(d['vms'])") == 1 ]] && ok || bad "one VM"
c=$(field "d['next_cursor']"); first=$(field "d['vms'][0]['id']")
TOKEN=$ADMIN call GET "/v1/vms?limit=1&cursor=$c"; expect 200 "VMs, the next page"
[[ $(field "d['vms'][0]['id']") != "$first" ]] && ok || bad "the next page moves on"
TOKEN=$ADMIN call GET "/v1/vms?cursor=1.not-a-vm-id"; expect 400 "a VM cursor that is not one"
json '{"name":"pager","role":"reader"}' > tokp.json
TOKEN=$ADMIN call POST /v1/tokens tokp.json; expect 201 "a second token"
TOKEN=$ADMIN call GET "/v1/tokens?limit=1"; expect 200 "tokens, a page of one"
[[ $(field "len(d['tokens'])") == 1 && $(field "d['next_cursor'] is not None") == True ]] && ok || bad "tokens paged: $(cat body.json)"
c=$(field "d['next_cursor']"); first=$(field "d['tokens'][0]['id']")
TOKEN=$ADMIN call GET "/v1/tokens?cursor=$c"; expect 200 "tokens, the next page"
[[ $(field "[t['id'] for t in d['tokens']].count('$first'), len(d['tokens']), d['next_cursor']") == "0 1 None" ]] && ok || bad "the second token only: $(cat body.json)"
json "{'ek_public':'$(b64 ek2.pub)','ak_public':'$(b64 ak2.pub)','ek_cert':'$(b64 ekcert2.der)'}" > enroll2.json
TOKEN=$enroll_token call POST "/v1/vms/$vm/enroll" enroll2.json; expect 401 "the VM's first enrollment token ended with its enrolment; untrusted CA"
# the old certificate with the new EK: it does not certify this key
json "{'ek_public':'$(b64 ek2.pub)','ak_public':'$(b64 ak2.pub)','ek_cert':'$ekcert_old'}" > enroll3.json
TOKEN= call POST "/v1/vms/$vm/enroll" enroll3.json; expect 401 "certificate of another EK"

# ---- enrolment by enrollment token (no CA needed), a wrong secret, and an operator's move
TOKEN=$ADMIN call POST "/v1/vms/$vm2/enrollment-token"; tok2=$(field "d['enrollment_token']")
json "{'ek_public':'$(b64 ek2.pub)','ak_public':'$(b64 ak2.pub)'}" > enroll4.json
# the policy "ek-certificate-required": the enrollment token is not enough (403, said only to
# its holder), and an enrolment begun by token before the policy cannot be activated
echo '{"enrollment":"tpm-please"}' > pol-bad.json
TOKEN=$ADMIN call PATCH "/v1/vms/$vm2" pol-bad.json; expect 400 "unknown enrolment policy"
[[ $(field "d['error']['field']") == enrollment ]] && ok || bad "policy field named"
TOKEN=$tok2 call POST "/v1/vms/$vm2/enroll" enroll4.json; expect 201 "enrol by token (policy set later)"
eid_pol=$(field "d['enrollment_id']"); field "d['credential']" | base64 -d > cred-pol.blob
echo '{"enrollment":"ek-certificate-required"}' > pol.json
TOKEN=$ADMIN call PATCH "/v1/vms/$vm2" pol.json; expect 200 "require EK certificates"
[[ $(field "d['enrollment']") == ek-certificate-required ]] && ok || bad "policy shown: $(cat body.json)"
activate ak2.ctx ek2.ctx cred-pol.blob secret-pol.bin && ok || bad "activate under policy: $(cat act.log)"
json "{'secret':'$(b64 secret-pol.bin)'}" > secret-pol.json
TOKEN= call POST "/v1/vms/$vm2/enroll/$eid_pol/activate" secret-pol.json; expect 403 "token enrolment activated after the policy"
[[ $(field "d['error']['code']") == enroll.ek_certificate_required ]] && ok || bad "policy named at activation: $(cat body.json)"
TOKEN=$tok2 call POST "/v1/vms/$vm2/enroll" enroll4.json; expect 403 "enrol by token under the policy"
[[ $(field "d['error']['code']") == enroll.ek_certificate_required ]] && ok || bad "policy named: $(cat body.json)"
TOKEN= call POST "/v1/vms/$vm2/enroll" enroll4.json; expect 401 "no proof at all: not told the policy"
TOKEN=$ADMIN call GET "/v1/vms/$vm2"; [[ $(field "d['enrolled']") == False ]] && ok || bad "not enrolled under the policy"
echo '{"enrollment":"any"}' > pol-any.json
TOKEN=$ADMIN call PATCH "/v1/vms/$vm2" pol-any.json; expect 200 "allow the token again"
# a VM created with the policy says so
json '{"name":"strict","size":"s","os":"o","enrollment":"ek-certificate-required"}' > vm-strict.json
TOKEN=$ADMIN call POST /v1/vms vm-strict.json; expect 201 "create with the policy"
[[ $(field "d['enrollment']") == ek-certificate-required ]] && ok || bad "created with the policy"
TOKEN=$(field "d['enrollment_token']") call POST "/v1/vms/$(field "d['id']")/enroll" enroll4.json; expect 403 "a new VM's token refused under its policy"
# an enrolment outlives no change of its token: the operator issues a new one meanwhile
TOKEN=$tok2 call POST "/v1/vms/$vm2/enroll" enroll4.json; expect 201 "enrol by token (to be superseded)"
eid_old=$(field "d['enrollment_id']"); field "d['credential']" | base64 -d > cred-old.blob
activate ak2.ctx ek2.ctx cred-old.blob secret-old.bin && ok || bad "activate old: $(cat act.log)"
TOKEN=$ADMIN call POST "/v1/vms/$vm2/enrollment-token"; tok2=$(field "d['enrollment_token']")
json "{'secret':'$(b64 secret-old.bin)'}" > secret-old.json
TOKEN= call POST "/v1/vms/$vm2/enroll/$eid_old/activate" secret-old.json; expect 404 "an enrolment under a replaced token ends"
TOKEN=$tok2 call POST "/v1/vms/$vm2/enroll" enroll4.json; expect 201 "enrol by token"
eid=$(field "d['enrollment_id']")
head -c 32 /dev/urandom > wrong.bin; json "{'secret':'$(b64 wrong.bin)'}" > wrong.json
TOKEN= call POST "/v1/vms/$vm2/enroll/$eid/activate" wrong.json; expect 403 "wrong secret"
TOKEN= call POST "/v1/vms/$vm2/enroll/$eid/activate" wrong.json; expect 404 "no second attempt"
TOKEN=$tok2 call POST "/v1/vms/$vm2/enroll" enroll4.json; expect 201 "enrol again by the same token"
eid=$(field "d['enrollment_id']"); field "d['credential']" | base64 -d > cred2.blob
activate ak2.ctx ek2.ctx cred2.blob secret2.bin && ok || bad "activate 2: $(cat act.log)"
json "{'secret':'$(b64 secret2.bin)'}" > secret2.json
TOKEN= call POST "/v1/vms/$vm2/enroll/$eid/activate" secret2.json; expect 200 "activate by token"
TOKEN=$tok2 call POST "/v1/vms/$vm2/enroll" enroll4.json; expect 401 "enrollment token used up"
attest "$vm2" ak2.ctx "$on"; expect 200 "vm2 attests"
[[ $(field "d['verdict']") == healthy ]] && ok || bad "vm2 healthy: $(field "d['reasons']")"
python3 - <<'PY' && ok || bad "token claim enrollment=token"
import base64, json
t = json.load(open('body.json'))['token'].split('.')
c = json.loads(base64.urlsafe_b64decode(t[1] + '=' * (-len(t[1]) % 4)))
assert c['enrollment'] == 'token', c
PY
TOKEN=$ADMIN call GET "/v1/vms/$vm2"; [[ $(field "d['enrolled_by']") == token ]] && ok || bad "enrolled by token: $(cat body.json)"
# the first VM moves to the new TPM only with an operator's fresh token
TOKEN=$ADMIN call POST "/v1/vms/$vm/enrollment-token"; tok1=$(field "d['enrollment_token']")
TOKEN=$tok1 call POST "/v1/vms/$vm/enroll" enroll4.json; expect 201 "operator-approved move"
# the daemon never answered 5xx
grep -qE 'status=5[0-9][0-9]' svc.log && bad "a 5xx: $(grep -E 'status=5' svc.log | head -3)" || ok

finish
