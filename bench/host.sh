#!/usr/bin/env bash
# The host side on real libvirt (docs/host.md): `tl vm create` split into its steps (register
# at trustlaunchd, vTPM = TPM manufacture + EK certificate, NVRAM, define) against references
# measured in the same run (a bare `swtpm_setup` with swtpm's own local CA, and `virsh define`
# of a minimal domain); start -> kernel and start -> the guest's marker under TCG; libvirtd's
# RSS and each VM's QEMU + swtpm RSS. JSON lines on stdout. Needs root, as libvirt does.
#   bench/host.sh BUILD_DIR [ROUNDS]
set -uo pipefail
build=$(cd "${1:?usage: host.sh BUILD_DIR [ROUNDS]}" && pwd) rounds=${2:-3}
src=$(cd "$(dirname "$0")/.." && pwd) tl=$build/tl
work=$(mktemp -d) pid= P=tlb$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
chmod 711 "$work"
export TL_HOST_DIR=$work/host TL_LIBVIRT_URI=${TL_LIBVIRT_URI:-qemu:///system}
virsh() { command virsh -q -c "$TL_LIBVIRT_URI" "$@"; }
cleanup() {
  for v in $(virsh list --all --name | grep "^$P"); do
    [[ -e $TL_HOST_DIR/vms/$v ]] && "$tl" vm delete "$v" >/dev/null 2>&1
    virsh destroy "$v" >/dev/null 2>&1; virsh undefine "$v" --nvram >/dev/null 2>&1
  done
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$src/scripts/libvirtd-up" || exit 2
bash "$src/tests/host/mkimage.sh" "$work/img" || exit 2
"$tl" host ca show >/dev/null || exit 2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/trustlaunchd" --listen 127.0.0.1:$port --state-dir "$work/svc" --ek-ca "$TL_HOST_DIR/ca/ca.pem" \
  2>"$work/svc.log" & pid=$!
for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
export TL_SERVER=http://127.0.0.1:$port TL_TOKEN=$(cat "$work/svc/admin.token")
now() { date +%s.%N; }
ms() { python3 -c "print(round(($2 - $1) * 1000, 1))"; }
rss_kib() { ps -o rss= -p "$1" 2>/dev/null | tr -d ' '; }

# ---- create, its steps, and the references
for i in $(seq "$rounds"); do
  t=$(now); "$tl" --json vm create "$P-$i" --image "$work/img" > "$work/c$i.json" || exit 1; e=$(now)
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); m=d['ms']
print(json.dumps({'bench': 'host_vm_create', 'round': int(sys.argv[2]), 'total_ms': round(float(sys.argv[3]), 1),
  'register_ms': round(m['register'], 1), 'vtpm_ms': round(m['vtpm'], 1), 'nvram_ms': round(m['nvram'], 1),
  'define_ms': round(m['define'], 1)}))" "$work/c$i.json" "$i" "$(ms "$t" "$e")"
  mkdir -p "$work/ref$i"; cat > "$work/ref.conf" <<CONF
create_certs_tool= /usr/bin/swtpm_localca
create_certs_tool_config = /etc/swtpm-localca.conf
create_certs_tool_options = /etc/swtpm-localca.options
active_pcr_banks = sha256
CONF
  t=$(now); swtpm_setup --tpm2 --tpmstate "$work/ref$i" --config "$work/ref.conf" --create-ek-cert \
    --create-platform-cert --lock-nvram >/dev/null 2>&1 || echo "reference swtpm_setup failed" >&2; e=$(now)
  echo "{\"bench\": \"reference_swtpm_setup\", \"round\": $i, \"ms\": $(ms "$t" "$e")}"
  printf "<domain type='qemu'><name>$P-ref$i</name><memory unit='MiB'>128</memory><os><type arch='x86_64' machine='q35'>hvm</type></os><devices/></domain>" > "$work/ref.xml"
  t=$(now); virsh define "$work/ref.xml" >/dev/null; e=$(now); virsh undefine "$P-ref$i" >/dev/null
  echo "{\"bench\": \"reference_virsh_define\", \"round\": $i, \"ms\": $(ms "$t" "$e")}"
done

# ---- start -> kernel (tl vm start --wait booted) and -> the guest's marker, under TCG; memory
t=$(now); "$tl" vm start "$P-1" --wait booted --timeout 120s >/dev/null || exit 1; k=$(now)
for _ in $(seq 1200); do grep -aq "TL-GUEST UP" "$TL_HOST_DIR/vms/$P-1/console.log" 2>/dev/null && break; sleep 0.1; done
m=$(now)
accel=$(cat "$TL_HOST_DIR/accel")
echo "{\"bench\": \"host_vm_start\", \"accel\": \"$accel\", \"to_kernel_ms\": $(ms "$t" "$k"), \"to_marker_ms\": $(ms "$t" "$m")}"
sleep 2
id=$(virsh domuuid "$P-1")
qpid=$(pgrep -f "guest=$P-1," | head -1) spid=$(pgrep -f "swtpm socket.*$id" | head -1)
q=null s=null
[[ -n $qpid ]] && q=$(rss_kib "$qpid"); [[ -n $spid ]] && s=$(rss_kib "$spid")
echo "{\"bench\": \"host_memory\", \"libvirtd_rss_kib\": $(rss_kib "$(pgrep -x libvirtd | head -1)"), \"vm_memory_mib\": 512, \"qemu_rss_kib\": ${q:-null}, \"swtpm_rss_kib\": ${s:-null}}"
