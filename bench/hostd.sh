#!/usr/bin/env bash
# tl-hostd's relay: the cost per attestation of going through the host daemon, against the
# same agent talking straight to trustlaunchd in the same run (JSON lines on stdout):
#  - hostd_relay: `tl-agent attest` (a whole process: TPM, challenge, evidence, verdict)
#    through tl-hostd, p50/p99, and the same straight to trustlaunchd, alternated;
#    overhead_ms = p50 relayed - p50 straight. The relayed path also crosses the stand-in for
#    QEMU's side of the port (tests/integration/qemu_port.py), so the figure is an upper bound;
#  - hostd_rss: tl-hostd's resident memory after the rounds.
# Needs libvirtd (scripts/libvirtd-up starts it) and starts a tiny domain (TCG, no disk).
#   bench/hostd.sh BUILD_DIR VECTORS [N]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: hostd.sh BUILD_DIR VECTORS [N]}" && pwd) n=${3:-30}
export TL_BIN=$build/tl TL_VECTORS=${2:?usage: hostd.sh BUILD_DIR VECTORS [N]} TL_DAEMON=$build/trustlaunchd
export TL_HOSTD=$build/tl-hostd TL_SOURCE=$here/..
. "$here/../tests/integration/hostd_lib.sh" >/dev/null
on=$v/boot/sb-on/eventlog.bin
call POST /v1/vms '{"name":"bench-relay","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(python3 -c "import json; print(json.load(open('$work/body.json'))['id'])")
token=$(python3 -c "import json; print(json.load(open('$work/body.json'))['enrollment_token'])")
vmdir=$hostdir/vms/bench; mkdir -p "$vmdir"; chmod 0777 "$vmdir"
cat > "$work/bench.xml" <<XML
<domain type='qemu'><name>${prefix}bench</name><uuid>$vm</uuid><memory unit='MiB'>32</memory>
<metadata><tl:vm xmlns:tl='https://trustlaunch.dev/xmlns/host/1'><tl:name>bench</tl:name></tl:vm></metadata>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
<channel type='unix'><source mode='bind' path='$vmdir/agent.sock'/><target type='virtio' name='org.trustlaunch.agent.0'/></channel>
</devices></domain>
XML
virsh_ define "$work/bench.xml" >/dev/null && virsh_ start "${prefix}bench" >/dev/null || exit 1
for _ in $(seq 50); do [[ -S $vmdir/agent.sock ]] && break; sleep 0.1; done
python3 "$here/../tests/integration/qemu_port.py" "$vmdir/agent.sock" "$work/guest.sock" & extra_pids=$!
for _ in $(seq 50); do [[ -S $work/guest.sock ]] && break; sleep 0.1; done
start_hostd --boot-deadline 600s --budget 100000/60
for _ in $(seq 100); do grep -q 'relaying the agent channel' "$work/hostd.log" && break; sleep 0.1; done
start_swtpm sha256 >/dev/null
A() { local s=$1; shift; "$build/tl-agent" --server "$s" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" --quiet "$@"; }
A "$base" replay-log "$on" >/dev/null && A "$base" --vm-id "$vm" --enrollment-token "$token" enroll >/dev/null || exit 1
python3 - "$n" "$base" "unix:$work/guest.sock" "$build/tl-agent" "$TPM2TOOLS_TCTI" "$work/agent" "$on" <<'PY' || exit 1
import json, subprocess, sys, time
n, direct, relayed, agent, tcti, state, log = int(sys.argv[1]), *sys.argv[2:]
def run(server):
    t = time.perf_counter()
    subprocess.run([agent, '--server', server, '--tcti', tcti, '--state-dir', state, '--quiet',
                    'attest', '--eventlog', log], check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000
def pct(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(len(xs) * p))]
d, r = [], []
for _ in range(n):
    d.append(run(direct)); r.append(run(relayed))
print(json.dumps({"bench": "hostd_relay", "n": n, "straight_p50_ms": round(pct(d, .5), 2),
                  "straight_p99_ms": round(pct(d, .99), 2), "relayed_p50_ms": round(pct(r, .5), 2),
                  "relayed_p99_ms": round(pct(r, .99), 2),
                  "overhead_ms": round(pct(r, .5) - pct(d, .5), 2)}))
PY
echo "{\"bench\":\"hostd_rss\",\"rss_kib\":$(awk '/VmRSS/ {print $2}' /proc/$hostd_pid/status),\"vms_relayed\":1}"
