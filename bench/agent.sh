#!/usr/bin/env bash
# tl-agent against a real TPM (swtpm) and trustlaunchd: JSON lines on stdout.
#  - agent_evidence: challenge nonce -> evidence serialized (PCR_Read + Quote, logs, kernel log,
#    OS), in process (bench_agent), p50/p99;
#  - reference: tpm2-tools doing the TPM part alone (tpm2_pcrread + tpm2_quote, same PCRs);
#  - agent_attest: a whole `tl-agent attest` process (TPM open, challenge, evidence, verdict);
#  - agent_rss: peak RSS of `tl-agent attest` and of `tl-agent run` after several rounds.
#   bench/agent.sh BUILD_DIR VECTORS [N]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: agent.sh BUILD_DIR VECTORS [N]}" && pwd) v=${2:?usage: agent.sh BUILD_DIR VECTORS [N]} n=${3:-200}
export TL_BIN=$build/tl TL_VECTORS=$v
. "$here/../tests/integration/lib.sh"
agent=$build/tl-agent pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
port=$(free_port) base=http://127.0.0.1:$port log=$v/boot/sb-on/eventlog.bin
"$build/trustlaunchd" --listen 127.0.0.1:$port --state-dir svc 2>svc.log & pid=$!
for _ in $(seq 100); do curl -s "$base/healthz" >/dev/null && break; sleep 0.1; done
curl -s -H "Authorization: Bearer $(cat svc/admin.token)" -d '{"name":"bench","size":"x","os":"debian-12"}' "$base/v1/vms" > vm.json
vm=$(python3 -c "import json; print(json.load(open('vm.json'))['id'])")
token=$(python3 -c "import json; print(json.load(open('vm.json'))['enrollment_token'])")
start_swtpm sha256 >/dev/null
A=("$agent" --server "$base" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" --eventlog "$log" --quiet)
"${A[@]}" replay-log "$log" >/dev/null || exit 1
"${A[@]}" --vm-id "$vm" --enrollment-token "$token" enroll >/dev/null || exit 1

"$build/bench/bench_agent" "$TPM2TOOLS_TCTI" "$log" "$n" || exit 1

python3 - "$n" "$build/bench/bench_agent" "${A[@]}" <<'PY' || exit 1
import json, os, signal, subprocess, sys, time
n, peak, agent = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
def pct(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(len(xs) * p))]
sel = 'sha256:0,1,2,3,4,5,6,7,8,9,14'
# tpm2-tools: the TPM part alone (no logs, no JSON), one process per command as scripts do
ref = []
for i in range(max(20, n // 5)):
    t = time.monotonic()
    subprocess.run(['tpm2_pcrread', sel, '-o', 'pcrs.bin'], check=True, capture_output=True)
    subprocess.run(['tpm2_quote', '-c', '0x81000003', '-l', sel, '-q', os.urandom(32).hex(),
                    '-m', 'q.msg', '-s', 'q.sig', '-g', 'sha256'], check=True, capture_output=True)
    ref.append((time.monotonic() - t) * 1e3)
print(json.dumps({'bench': 'agent_evidence', 'ref': 'tpm2_pcrread+tpm2_quote', 'n': len(ref),
                  'p50_ms': round(pct(ref, .5), 2), 'p99_ms': round(pct(ref, .99), 2)}))
# whole attestations, one agent process each; peak RSS of the largest
wall, rss = [], 0
for i in range(max(20, n // 5)):
    t = time.monotonic()
    # forked by bench_agent, a small process: python's own pages would count otherwise
    p = subprocess.run([peak] + ['--peak-rss'] + agent + ['attest'], capture_output=True, text=True)
    wall.append((time.monotonic() - t) * 1e3)
    if p.returncode != 0:
        sys.exit(f'attest failed: {p.stdout} {p.stderr}')
    rss = max(rss, int(p.stdout))
print(json.dumps({'bench': 'agent_attest', 'what': 'tl-agent attest process (healthy), wall incl. start',
                  'n': len(wall), 'p50_ms': round(pct(wall, .5), 1),
                  'p99_ms': round(pct(wall, .99), 1)}))
# the daemon after several rounds
d = subprocess.Popen(agent + ['--interval', '1s', 'run'], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
time.sleep(8)
hwm = next(int(l.split()[1]) for l in open(f'/proc/{d.pid}/status') if l.startswith('VmHWM'))
d.send_signal(signal.SIGTERM); d.wait()
print(json.dumps({'bench': 'agent_rss', 'attest_peak_kib': rss, 'run_peak_kib': hwm,
                  'target_kib': 8192, 'met': max(rss, hwm) < 8192}))
PY
