#!/usr/bin/env bash
# tl-agent against a real TPM (swtpm) and a running trustlaunchd: the sb-on boot replayed into
# the TPM, enrolment with the VM's token, a healthy attestation, a changed kernel command line
# (the cmdline boot) unhealthy with its reason, a refused module reaching the service, the AK
# kept across agent runs, a reset TPM refused until an operator's new token re-enrols it, the
# daemon mode, the virtio-serial transport through a relay, and errors a user meets.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
d=${TL_DAEMON:?} agent=${TL_AGENT:?} relay_pid=
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
cleanup() {
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  [[ -n $relay_pid ]] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
start_service
on=$v/boot/sb-on/eventlog.bin cmd=$v/boot/cmdline/eventlog.bin

api POST /v1/vms '{"name":"web-1","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(field "d['id']") token=$(field "d['enrollment_token']")
start_swtpm sha256
# the agent with this test's service and TPM (the swtpm's port changes when it restarts)
A() { "$agent" --server "$base" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" --timeout 20 "$@"; }
# a kernel log with a module the kernel refused, as /dev/kmsg shows it (Debian 12, 6.1)
cat > kmsg.txt <<'KMSG'
6,1021,5012345,-;EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.
4,1022,9876543,-;tl_demo: module verification failed: signature and/or required key missing - tainting kernel
3,1023,9876999,-;Loading of unsigned module is rejected
KMSG

# ---- the boot's measurements into the TPM, enrolment, a healthy attestation
expect_rc 0 A replay-log "$on"
grep -q "^extended [0-9]* events" out && ok || bad "replay-log says what it did: $(cat out)"
expect_rc 2 A attest --vm-id "$vm" --eventlog "$on"   # not enrolled yet
grep -q "vm.not_enrolled" err && ok || bad "not enrolled named: $(cat err)"
expect_rc 2 A enroll --vm-id "$vm" --enrollment-token wrong-token
grep -q "enroll.unauthorized" err && ok || bad "a wrong token refused: $(cat err)"
expect_rc 0 A enroll --vm-id "$vm" --enrollment-token "$token"
# no transient object or session left behind (swtpm has no resource manager)
transient() { tpm2_getcap handles-transient 2>/dev/null; tpm2_getcap handles-loaded-session 2>/dev/null; }
[[ -z $(transient) ]] && ok || bad "enrol left objects in the TPM: $(transient)"
grep -q "^enrolled $vm .*0x81000003" out && ok || bad "enrolled: $(cat out)"
ak1=$(python3 -c "import json; print(json.load(open('agent/state.json'))['ak_name'])")
api GET "/v1/vms/$vm"; [[ $(field "d['enrolled']") == True ]] && ok || bad "service: enrolled"
expect_rc 0 A attest --eventlog "$on" --kmsg kmsg.txt
grep -q "^healthy (attestation" out && ok || bad "healthy: $(cat out) $(cat err)"
[[ -z $(transient) ]] && ok || bad "attest left objects in the TPM: $(transient)"
api GET "/v1/vms/$vm/attestations"
python3 - <<'PY' && ok || bad "refused module reached the service: $(cat body.json | head -c 600)"
import json
a = json.load(open('body.json'))['attestations'][0]
ev = a['kernel_events']
assert a['verdict'] == 'healthy', a
assert {'type': 'module_unsigned', 'module': 'tl_demo'}.items() <= ev[0].items(), ev
assert ev[1]['type'] == 'module_unsigned_rejected', ev
assert ev[0]['time'] == '9.876543', ev
assert a['os']['kernel'], a
PY

# ---- the agent runs again: the same AK, and the kernel log is not reported twice
expect_rc 0 A attest --eventlog "$on" --kmsg kmsg.txt --json
python3 -c "import json; d=json.load(open('out')); assert d['verdict']=='healthy' and d['token']" && ok || bad "JSON answer: $(head -c 300 out)"
[[ $(python3 -c "import json; print(json.load(open('agent/state.json'))['ak_name'])") == "$ak1" ]] && ok || bad "AK kept"
api GET "/v1/vms/$vm/attestations"
[[ $(field "len(d['attestations'][0].get('kernel_events') or [])") == 0 ]] && ok || bad "kernel events sent once"
expect_rc 0 A status
grep -q "ak in tpm *0x81000003 $ak1" out && grep -q "last verdict *healthy" out && ok || bad "status: $(cat out)"

# ---- a second VM on its own TPM state handle with an ECC P-256 AK (ECDSA quotes)
api POST /v1/vms '{"name":"web-2","size":"Standard_D2s_v5","os":"debian-12"}'
vm2=$(field "d['id']") token2=$(field "d['enrollment_token']")
E() { "$agent" --server "$base" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent-ecc" --ak-alg ecc --ak-handle 0x81000004 "$@"; }
expect_rc 0 E --vm-id "$vm2" --enrollment-token "$token2" enroll
grep -q "^enrolled $vm2 .*0x81000004" out && ok || bad "ECC AK enrolled: $(cat out)"
expect_rc 0 E attest --eventlog "$on"
grep -q "^healthy" out && ok || bad "healthy with an ECC AK: $(cat out) $(cat err)"
expect_rc 2 "$agent" --server "$base" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent-ecc" --ak-handle 0x81000004 attest --eventlog "$on"
grep -q "holds an ECC AK, not the RSA one" err && ok || bad "AK type mismatch explained: $(cat err)"
python3 -c "import json,base64; d=json.load(open('$work/agent/state.json')); assert len(base64.b64decode(d['ak_public'])) > 200" && ok || bad "AK public kept in the state"

# ---- with IMA active (its log present) PCR 10 joins the quote: the real sb-on IMA list, its
# template data extended into PCR 10 as Linux does (tests/integration/ima.sh has the rest)
cp "$v/boot/sb-on/ima.bin" ima.bin
tpm tpm2_pcrextend "10:sha256=$(python3 -c "import hashlib; print(hashlib.sha256(open('ima.bin','rb').read()[35+4:]).hexdigest())")"
expect_rc 0 A --ima-log ima.bin --eventlog "$on" --json attest
python3 -c "import json; d=json.load(open('out')); assert d['verdict']=='healthy', d" && ok || bad "healthy with IMA: $(head -c 300 out) $(cat err)"
python3 - <<'PY' && ok || bad "PCR 10 quoted when IMA is active: $(head -c 300 out)"
import json, base64
tok = json.load(open('out'))['token'].split('.')[1]     # the token's claims name the PCRs
claims = json.loads(base64.urlsafe_b64decode(tok + '=' * (-len(tok) % 4)))
assert claims['pcrs'] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14], claims['pcrs']
PY

# ---- the VM reboots with another kernel command line: PCR 8 differs, the service says why
restart_swtpm
expect_rc 0 A replay-log "$cmd"
expect_rc 1 A attest --eventlog "$cmd"
grep -q "^unhealthy" out && grep -q "baseline.kernel_cmdline: kernel command line changed: added 'tl.extra=1'" out \
  && ok || bad "unhealthy with the command line: $(cat out)"
grep -q "actual: .*tl.extra=1" out && ok || bad "actual shown: $(cat out)"

# ---- through a relay: the same HTTP over a byte stream (virtio-serial on a real VM)
python3 "$here/relay.py" "$work/port.sock" 127.0.0.1 "$svc_port" & relay_pid=$!
for _ in $(seq 50); do [[ -S $work/port.sock ]] && break; sleep 0.1; done
restart_swtpm; A replay-log "$on" >/dev/null
expect_rc 0 "$agent" --server "unix:$work/port.sock" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" attest --eventlog "$on"
grep -q "^healthy" out && ok || bad "healthy over the stream: $(cat out) $(cat err)"

# ---- the daemon: attests at start and every interval; SIGTERM ends it cleanly
api GET "/v1/vms/$vm/attestations"; before=$(field "len(d['attestations'])")
"$agent" --server "$base" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" --interval 2s \
  --eventlog "$on" run >run.out 2>run.err & apid=$!
sleep 5; kill -TERM $apid; wait $apid; rc=$?
[[ $rc == 0 ]] && ok || bad "run ends with 0 on SIGTERM: $rc $(cat run.err)"
api GET "/v1/vms/$vm/attestations"; after=$(field "len(d['attestations'])")
(( after - before >= 2 )) && ok || bad "run attested repeatedly: $before -> $after ($(cat run.err))"
grep -q "stopped" run.err && ok || bad "run says it stopped: $(cat run.err)"

# ---- the TPM is reset (a new EK): the service refuses it until an operator re-enrols it
stop_swtpm; start_swtpm sha256
expect_rc 0 A replay-log "$on"
expect_rc 1 A attest --eventlog "$on"
grep -q "identity.quote_origin" out && ok || bad "a new TPM's quote refused: $(cat out)"
grep -q "does not know this TPM's AK" err && ok || bad "the user is told to enrol: $(cat err)"
expect_rc 2 A enroll --enrollment-token "$token"     # the token was spent
api POST "/v1/vms/$vm/enrollment-token"; token3=$(field "d['enrollment_token']")
expect_rc 0 A enroll --enrollment-token "$token3"
expect_rc 0 A attest --eventlog "$on"
grep -q "^healthy" out && ok || bad "healthy after re-enrolment: $(cat out)"

# ---- HTTPS: the service's certificate checked against --cacert, and its address
mkcert() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
  -out "$1.crt" -days 2 -subj "/CN=$2" -addext "subjectAltName=$3" >/dev/null 2>&1; }
mkcert tls 127.0.0.1 IP:127.0.0.1; mkcert other 127.0.0.1 IP:127.0.0.1; mkcert named tl.invalid DNS:tl.invalid
kill -TERM $service_pid; wait $service_pid
"$d" --listen 127.0.0.1:$svc_port --state-dir "$work/svc" --tls-cert tls.crt --tls-key tls.key 2>>svc.log & service_pid=$!
for _ in $(seq 100); do curl -s --cacert tls.crt "https://127.0.0.1:$svc_port/healthz" >/dev/null && break; sleep 0.1; done
S=("$agent" --server "https://127.0.0.1:$svc_port" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" --eventlog "$on")
expect_rc 0 "${S[@]}" --cacert tls.crt attest
grep -q "^healthy" out && ok || bad "healthy over https: $(cat out) $(cat err)"
expect_rc 2 "${S[@]}" --cacert other.crt attest
grep -q "certificate is not trusted" err && ok || bad "another CA refused: $(cat err)"
kill -TERM $service_pid; wait $service_pid
"$d" --listen 127.0.0.1:$svc_port --state-dir "$work/svc" --tls-cert named.crt --tls-key named.key 2>>svc.log & service_pid=$!
for _ in $(seq 100); do curl -s -k "https://127.0.0.1:$svc_port/healthz" >/dev/null && break; sleep 0.1; done
expect_rc 2 "${S[@]}" --cacert named.crt attest   # trusted CA, but not this address's certificate
grep -q "certificate is not trusted" err && ok || bad "a certificate for another name refused: $(cat err)"
kill -TERM $service_pid; wait $service_pid
"$d" --listen 127.0.0.1:$svc_port --state-dir "$work/svc" 2>>svc.log & service_pid=$!
for _ in $(seq 100); do curl -s "$base/healthz" >/dev/null && break; sleep 0.1; done

# ---- a hostile or broken service: the agent neither dies, nor hangs, nor is steered
hostile() { # MODE [ARGS]: starts tests/integration/hostile_server.py, its port in $hport
  python3 "$here/hostile_server.py" "$@" > hport.txt & hpid=$!
  for _ in $(seq 50); do [[ -s hport.txt ]] && break; sleep 0.1; done; hport=$(cat hport.txt)
}
H() { "$agent" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent-h" --vm-id "$vm" --timeout 3 "$@"; }
hostile reset tls.crt tls.key
expect_rc 2 H --server "https://127.0.0.1:$hport" --cacert tls.crt attest --eventlog "$on"
grep -q "closed" err && ok || bad "a reset connection is an error, not SIGPIPE: $(cat err)"
kill $hpid; wait $hpid 2>/dev/null
hostile slow
start=$SECONDS
expect_rc 2 H --server "https://127.0.0.1:$hport" --cacert tls.crt attest --eventlog "$on"
(( SECONDS - start <= 6 )) && grep -q "timed out" err && ok || bad "a stalling TLS handshake ends at --timeout: $((SECONDS - start)) s, $(cat err)"
kill $hpid; wait $hpid 2>/dev/null
hostile evil
expect_rc 2 H --server "http://127.0.0.1:$hport" --enrollment-token x enroll
grep -q "enrolment answer is malformed" err && ok || bad "an enrollment id that walks paths refused: $(cat err)"
H --server "http://127.0.0.1:$hport" attest --eventlog "$on" >out 2>err
! grep -q $'\x1b' out err && ! grep -q "^tl-agent: info: FORGED" out err && ok || bad "service text printed raw: $(cat -v out err)"
[[ -z $(transient) ]] && ok || bad "hostile services left objects in the TPM: $(transient)"
kill $hpid; wait $hpid 2>/dev/null
expect_rc 2 "$agent" --server "http://192.0.2.1:7443" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent-h" --vm-id "$vm" attest --eventlog "$on"
grep -q "only for this machine" err && ok || bad "clear-text http off loopback refused: $(cat err)"

# ---- what a user meets when something is wrong
expect_rc 2 "$agent" --server "$base" --tcti "device:/nonexistent/tpm" --state-dir agent attest
grep -q "no TPM at /nonexistent/tpm" err && ok || bad "absent TPM explained: $(cat err)"
expect_rc 2 "$agent" --server "http://127.0.0.1:1" --tcti "$TPM2TOOLS_TCTI" --state-dir agent attest --eventlog "$on"
grep -q "cannot connect to 127.0.0.1 port 1" err && ok || bad "unreachable service named: $(cat err)"
expect_rc 2 A attest --pcrs sha256:0-99
grep -q -- "--pcrs" err && ok || bad "bad selection named: $(cat err)"
expect_rc 2 A --interval 0 run
expect_rc 2 A frobnicate
expect_rc 2 A replay-log "$v/README.md"
grep -q "not a TCG event log" err && ok || bad "a file that is no log: $(cat err)"
printf 'server = %s\nfrobnicate = 1\n' "$base" > bad.conf
expect_rc 2 "$agent" --config bad.conf status
grep -q "bad.conf:2" err && ok || bad "config line named: $(cat err)"
printf 'server = %s\ntcti = %s\nstate-dir = %s\neventlog = %s\n' "$base" "$TPM2TOOLS_TCTI" "$work/agent" "$on" > good.conf
expect_rc 0 "$agent" --config good.conf attest
expect_rc 0 "$agent" --help
grep -q "replay-log FILE" out && ok || bad "help lists commands"

finish
