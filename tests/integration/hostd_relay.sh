#!/usr/bin/env bash
# tl-hostd relays a running trustlaunch domain's agent channel to trustlaunchd, bound to the
# VM's id. A real domain (TCG, no disk) is started with the channel in bind mode; a stand-in
# for QEMU's side of the port (qemu_port.py) takes over its agent.sock and bridges it to a
# socket where the real tl-agent, on a real swtpm, talks HTTP as over virtio-serial. The
# agent enrols and attests healthy through tl-hostd; a hostile guest asking for another VM,
# another endpoint or another framing gets the specific error, a flood meets its budget and
# does not starve a second VM.
here=$(cd "$(dirname "$0")" && pwd); . "$here/hostd_lib.sh"
agent=${TL_AGENT:?}
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
on=$v/boot/sb-on/eventlog.bin
api POST /v1/vms '{"name":"relay-1","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(python3 -c "import json; print(json.load(open('$work/body.json'))['id'])")
token=$(python3 -c "import json; print(json.load(open('$work/body.json'))['enrollment_token'])")
other=$(python3 -c 'import uuid; print(uuid.uuid4())')
# domain NAME UUID GUEST-SOCKET: a running disk-less domain whose port the stand-in holds
domain() {
  local vmdir=$hostdir/vms/$1; mkdir -p "$vmdir"; chmod 0777 "$vmdir"
  cat > "$work/$1.xml" <<XML
<domain type='qemu'><name>${prefix}$1</name><uuid>$2</uuid><memory unit='MiB'>32</memory>
<metadata><tl:vm xmlns:tl='https://trustlaunch.dev/xmlns/host/1'><tl:name>$1</tl:name><tl:security-type>standard</tl:security-type></tl:vm></metadata>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
<channel type='unix'><source mode='bind' path='$vmdir/agent.sock'/><target type='virtio' name='org.trustlaunch.agent.0'/></channel>
<serial type='pty'><log file='$vmdir/console.log' append='off'/><target port='0'/></serial><console type='pty'/>
</devices></domain>
XML
  virsh_ define "$work/$1.xml" >/dev/null && virsh_ start "${prefix}$1" >/dev/null || return 1
  for _ in $(seq 50); do [[ -S $vmdir/agent.sock ]] && break; sleep 0.1; done
  python3 "$here/qemu_port.py" "$vmdir/agent.sock" "$3" & extra_pids="$extra_pids $!"
  for _ in $(seq 50); do [[ -S $3 ]] && break; sleep 0.1; done
}
extra_pids=
domain relay "$vm" "$work/guest.sock" || { bad "the domain did not start"; finish; exit 1; }
# a second VM, for the flood below
api POST /v1/vms '{"name":"relay-2","size":"Standard_D2s_v5","os":"debian-12"}'
vm2=$(python3 -c "import json; print(json.load(open('$work/body.json'))['id'])")
domain quiet "$vm2" "$work/guest2.sock" || { bad "the second domain did not start"; finish; exit 1; }
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
api GET "/v1/vms/$vm/attestations"; check "d['attestations'][0]['verdict']=='healthy'" "the attestation at the service"

# ---- a hostile guest: each refusal with its own error
# each request after the quiet time a refusal keeps (bytes that follow one are dropped)
g() { sleep 0.3; printf "$1" | python3 "$here/guest_http.py" "$work/guest.sock"; }
g2() { printf "$1" | python3 "$here/guest_http.py" "$work/guest2.sock"; }
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

# ---- a flood of one VM does not starve another: while the first VM's guest sends requests
# as fast as it can (and meets its budget), the second VM's challenges are answered
python3 - "$work/guest.sock" "$vm" > "$work/flood.out" 2>&1 <<'PY' &
import socket, sys, time
req = b"POST /v1/vms/%s/challenge HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" % sys.argv[2].encode()
end, n = time.time() + 6, 0
while time.time() < end:
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(1)
    try:
        for _ in range(50):
            s.sendall(req); n += 1
    except OSError:
        pass
    s.close()
print(n)
PY
flood=$!
sleep 1
slow=0
for i in 1 2 3; do
  t=$(date +%s%N); got=$(g2 "POST /v1/vms/$vm2/challenge HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")
  ms=$(( ($(date +%s%N) - t) / 1000000 )); [[ $ms -gt 2000 ]] && slow=$((slow + 1))
  # the service's own answer, relayed (the second VM never enrolled): not a relay refusal
  [[ $got == "409 vm.not_enrolled" ]] && ok || bad "the second VM during the flood: got '$got'"
done
[[ $slow == 0 ]] && ok || bad "the second VM's answers took over 2 s during the flood"
wait "$flood"
[[ $(cat "$work/flood.out") -gt 40 ]] && ok || bad "the flood sent more than its budget: $(cat "$work/flood.out")"
sleep 0.5
# ---- stopping the domain is reported
virsh_ destroy "${prefix}relay" >/dev/null
wait_for 20 "d.get('host_state')=='stopped'" GET "/v1/vms/$vm" && ok || bad "stopped reported: $(head -c 300 "$work/body.json")"
finish
