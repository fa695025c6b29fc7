#!/usr/bin/env bash
# tl-hostd relays a running trustlaunch domain's agent channel to trustlaunchd, bound to the
# VM's id. A real domain (TCG, no disk) is started with the channel in bind mode; a stand-in
# for QEMU's side of the port (qemu_port.py) takes over its agent.sock and bridges it to a
# socket where the real tl-agent, on a real swtpm, talks HTTP as over virtio-serial. The
# agent enrols and attests healthy through tl-hostd; a hostile guest asking for another VM,
# another endpoint or another framing gets the specific error, and a flood meets its budget.
here=$(cd "$(dirname "$0")" && pwd); . "$here/hostd_lib.sh"
agent=${TL_AGENT:?}
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
on=$v/boot/sb-on/eventlog.bin
call POST /v1/vms '{"name":"relay-1","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(python3 -c "import json; print(json.load(open('$work/body.json'))['id'])")
token=$(python3 -c "import json; print(json.load(open('$work/body.json'))['enrollment_token'])")
other=$(python3 -c 'import uuid; print(uuid.uuid4())')
vmdir=$hostdir/vms/relay; mkdir -p "$vmdir"; chmod 0777 "$vmdir"
cat > "$work/relay.xml" <<XML
<domain type='qemu'><name>${prefix}relay</name><uuid>$vm</uuid><memory unit='MiB'>32</memory>
<metadata><tl:vm xmlns:tl='https://trustlaunch.dev/xmlns/host/1'><tl:name>relay</tl:name><tl:security-type>standard</tl:security-type></tl:vm></metadata>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
<channel type='unix'><source mode='bind' path='$vmdir/agent.sock'/><target type='virtio' name='org.trustlaunch.agent.0'/></channel>
<serial type='pty'><log file='$vmdir/console.log' append='off'/><target port='0'/></serial><console type='pty'/>
</devices></domain>
XML
virsh_ define "$work/relay.xml" >/dev/null && virsh_ start "${prefix}relay" >/dev/null || { bad "the domain did not start"; finish; exit 1; }
for _ in $(seq 50); do [[ -S $vmdir/agent.sock ]] && break; sleep 0.1; done
python3 "$here/qemu_port.py" "$vmdir/agent.sock" "$work/guest.sock" & extra_pids=$!
for _ in $(seq 50); do [[ -S $work/guest.sock ]] && break; sleep 0.1; done
start_hostd --boot-deadline 300s --budget 40/60
wait_for 20 "d.get('host_state')=='running'" GET "/v1/vms/$vm" && ok || bad "running reported: $(tail -5 "$work/hostd.log")"
for _ in $(seq 50); do grep -q 'relaying the agent channel' "$work/hostd.log" && break; sleep 0.1; done

# ---- the real agent through tl-hostd: enrolment and a healthy attestation
start_swtpm sha256
A() { "$agent" --server "unix:$work/guest.sock" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" --timeout 20 "$@"; }
expect_rc 0 A replay-log "$on"
expect_rc 0 A enroll --vm-id "$vm" --enrollment-token "$token"
grep -q "^enrolled $vm" "$work/out" && ok || bad "enrolled through the relay: $(cat "$work/out" "$work/err")"
expect_rc 0 A attest --eventlog "$on"
grep -q "^healthy (attestation" "$work/out" && ok || bad "healthy through the relay: $(cat "$work/out" "$work/err")"
call GET "/v1/vms/$vm/attestations"; check "d['attestations'][0]['verdict']=='healthy'" "the attestation at the service"

# ---- a hostile guest: each refusal with its own error
# each request after the quiet time a refusal keeps (bytes that follow one are dropped)
g() { sleep 0.3; printf "$1" | python3 "$here/guest_http.py" "$work/guest.sock"; }
want() { local got; got=$(g "$2"); [[ $got == "$1" ]] && ok || bad "$3: got '$got', wanted '$1'"; }
want "403 relay.other_vm" "POST /v1/vms/$other/challenge HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}" "another VM's challenge"
want "403 relay.other_vm" "POST /v1/vms/$other/attest HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" "another VM's attest"
want "403 relay.method" "GET /v1/vms/$vm HTTP/1.1\r\nContent-Length: 0\r\n\r\n" "a GET"
want "403 relay.endpoint" "POST /v1/tokens HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" "an operator endpoint"
want "403 relay.endpoint" "POST /v1/vms/$vm/baseline/relearn HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" "another endpoint of its own VM"
want "403 relay.endpoint" "POST /v1/vms/$vm/challenge/../../$other/challenge HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" "a dot-dot path"
want "400 http.unsupported" "POST /v1/vms/$vm/challenge HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" "chunked"
want "400 http.malformed" "POST /v1/vms/$vm/challenge HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}" "two lengths"
want "400 http.malformed" "POST /v1/vms/$vm/challenge HTTP/1.1\nContent-Length: 2\n\n{}" "bare LF"
want "413 http.too_large" "POST /v1/vms/$vm/challenge HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n" "a huge body announced"
want "400 relay.header" "POST /v1/vms/$vm/challenge HTTP/1.1\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\nContent-Length: 2\r\n\r\n{}" "two Authorization headers"
grep -q 'msg="guest request refused".*error="relay.other_vm"' "$work/hostd.log" && ok || bad "refusals logged: $(grep refused "$work/hostd.log" | head -3)"
want "200 -" "POST /v1/vms/$vm/challenge HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" "a valid request after the refusals"
# ---- a flood meets the VM's budget (40 requests a minute here), with its error
got=; for i in $(seq 45); do got=$(g "POST /v1/vms/$vm/challenge HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"); [[ $got == "429 relay.budget" ]] && break; done
[[ $got == "429 relay.budget" && $i -le 41 ]] && ok || bad "the budget: request $i got '$got'"

# ---- stopping the domain is reported
virsh_ destroy "${prefix}relay" >/dev/null
wait_for 20 "d.get('host_state')=='stopped'" GET "/v1/vms/$vm" && ok || bad "stopped reported: $(head -c 300 "$work/body.json")"
finish
