#!/usr/bin/env bash
# The test image (`tl image build`) booted for real, without libvirt: QEMU (TCG, q35 with SMM)
# + OVMF with Microsoft's Secure Boot keys + a swtpm whose EK certificate a local platform CA
# issued with CN = the VM's id, the agent's virtio-serial port relayed to a real trustlaunchd.
#  1. the image with --unsigned-module dummy: enrolled by its EK certificate (no token),
#     healthy with a token at boot; then the stripped module is refused by the kernel and the
#     next attestation reports it (kernel event module_unsigned_rejected: Debian's kernel
#     enforces module signatures under Secure Boot; alert untrusted_kernel_module)
#  2. the image with --unsigned-kernel: Secure Boot refuses the kernel, nothing attests
# Each boot has a 60 s deadline. Images are built once into $TL_E2E_CACHE (the build tree).
here=$(cd "$(dirname "$0")" && pwd); . "$here/../integration/lib.sh"
. "$here/qemu.sh"
d=${TL_DAEMON:?} agent=${TL_AGENT:?}
images=${TL_E2E_CACHE:-$work/images}
BOOT_DEADLINE=${TL_BOOT_DEADLINE:-60}
cd "$work"

# ---- the images, rebuilt when tl-agent or the recipe is newer than the cached one
image() { # image NAME ARGS...: prints the image's directory
  local dir=$images/$1; shift
  if [[ ! -e $dir/image.json || $agent -nt $dir/image.json ||
        -n $(find "$TL_SOURCE/scripts" -name 'image-*' -newer "$dir/image.json" 2>/dev/null) ]]; then
    "$tl" image build --out "$dir" --agent "$agent" --json "$@" > "$work/build-$(basename "$dir").json" \
      2> "$work/build.err" || { echo "image build failed: $(cat "$work/build.err")" >&2; exit 2; }
  fi
  echo "$dir"
}
img=$(image module --interval 5 --unsigned-module dummy)
bad_img=$(image unsigned-kernel --unsigned-kernel)
python3 - "$img/image.json" <<'PY' && ok || bad "image.json describes the image"
import json, os, sys
d = json.load(open(sys.argv[1])); base = os.path.dirname(sys.argv[1])
assert d['unsigned_module'] == 'dummy' and d['interval_s'] == 5 and not d['unsigned_kernel'], d
for k in ('shim', 'grub', 'grub_cfg', 'kernel', 'initrd'):
    assert os.path.getsize(os.path.join(base, d['parts'][k])) > 0, k
assert os.path.getsize(os.path.join(base, d['esp'])) > 0
assert 'rdinit=/init' in d['kernel_cmdline'], d
PY

mdir -i "$img/esp.img" -b ::/EFI/BOOT ::/EFI/debian ::/ > esp.txt 2>&1
for f in ::/EFI/BOOT/BOOTX64.EFI ::/EFI/BOOT/grubx64.efi ::/EFI/debian/grub.cfg ::/vmlinuz ::/initrd.img; do
  grep -qix "$f" esp.txt && ok || bad "$f in esp.img: $(cat esp.txt)"
done
# the module to strip must exist in the kernel package (the cache makes this quick)
expect_rc 1 "$tl" image build --out "$work/nomod" --agent "$agent" --unsigned-module no_such_module
grep -q "the kernel package has no module 'no_such_module'" "$work/err" && ok || bad "unknown module named: $(cat "$work/err")"

# ---- the platform vTPM CA and trustlaunchd trusting it
make_platform_ca "$work/ca"
start_service --ek-ca "$work/ca/ca.pem"

# ---- 1. healthy by EK certificate; then a module without its signature
api POST /v1/vms '{"name":"e2e-image-1","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(field "d['id']")
boot_vm one "$vm" "$img"
t0=$(date +%s.%N)
wait_console one 'TL-AGENT: attested ' "$BOOT_DEADLINE" || bad "no attestation within ${BOOT_DEADLINE}s: $(tail -n 20 one.console)"
t1=$(date +%s.%N)
echo "boot → first attestation: $(python3 -c "print(round($t1 - $t0, 1))") s (TCG)"
grep -q 'TL-AGENT: enrolled' one.console && ok || bad "enrolled marker: $(grep TL-AGENT one.console)"
grep -q 'TL-AGENT: attested healthy (attestation [0-9]*, token yes)' one.console && ok ||
  bad "first attestation healthy with a token: $(grep TL-AGENT one.console)"
grep -q "TL-AGENT: port /dev/vport[0-9]*p[0-9]*, vm $vm" one.console && ok || bad "port and VM id found: $(grep TL-AGENT one.console)"
grep -q 'TL-AGENT: init .*lockdown: .*\[integrity\]' one.console && ok || bad "kernel in lockdown (Secure Boot): $(grep 'TL-AGENT: init' one.console)"
# the image's parts/ predict the PCRs the vTPM holds after this boot (what a host does
# before the first boot instead of learning a baseline)
p=$img/parts
"$tl" predict --vars "$ovmf_vars" --app "$p/shimx64.efi" --app "$p/grubx64.efi" --app "$p/vmlinuz" \
  --app "$p/vmlinuz" --grub-cfg "$p/grub.cfg" --file "/vmlinuz=$p/vmlinuz" \
  --file "/initrd.img=$p/initrd.img" --json > predicted.json 2>predict.err || bad "tl predict: $(cat predict.err)"
tr -d '\r' < one.console | grep '^TL-AGENT: pcr ' > booted.txt
python3 - predicted.json booted.txt <<'PY' && ok || bad "prediction from parts/ = the boot's PCRs: $(cat booted.txt) $(head -c 600 predicted.json)"
import json, sys
pred = json.load(open(sys.argv[1]))['pcrs']['sha256']
booted = {l.split()[2].split(':')[1]: l.split()[3] for l in open(sys.argv[2])}
assert set(booted) == {'4', '7', '8', '9'}, booted
bad = {i: (pred.get(i), v) for i, v in booted.items() if pred.get(i, '').lower() != v}
assert not bad, bad
PY
api GET "/v1/vms/$vm"
[[ $(field "d['enrolled_by']") == ek_certificate ]] && ok || bad "enrolled by EK certificate: $(cat body.json)"
api GET "/v1/vms/$vm/attestations"
[[ $(field "d['attestations'][-1]['verdict']") == healthy ]] && ok || bad "service: healthy: $(head -c 600 body.json)"

# the stripped module is refused by the locked-down kernel; the next attestation reports it
wait_console one 'TL-AGENT: module dummy ' 20 || bad "module load attempted"
grep -q 'TL-AGENT: module dummy refused' one.console && ok || bad "the kernel refused the module: $(grep TL-AGENT one.console)"
wait_count one 'TL-AGENT: attested ' 2 30 || bad "a second attestation: $(grep TL-AGENT one.console)"
api GET "/v1/vms/$vm/attestations"
python3 - <<'PY' && ok || bad "the refusal reached the service: $(head -c 800 body.json)"
import json
atts = json.load(open('body.json'))['attestations']
events = [e for a in atts for e in (a.get('kernel_events') or [])]
assert any(e['type'] in ('module_unsigned_rejected', 'module_lockdown') for e in events), events
PY
api GET "/v1/alerts?vm_id=$vm"
python3 - "$vm" <<'PY' && ok || bad "untrusted_kernel_module alert: $(head -c 800 body.json)"
import json, sys
al = [a for a in json.load(open('body.json'))['alerts'] if a['vm_id'] == sys.argv[1]]
assert any(a['type'] == 'untrusted_kernel_module' and a['severity'] == 'low' for a in al), al
PY
stop_vm one

# ---- 2. the kernel without its signature: Secure Boot refuses it, nothing attests
api POST /v1/vms '{"name":"e2e-image-2","size":"Standard_D2s_v5","os":"debian-12"}'
vm2=$(field "d['id']")
boot_vm two "$vm2" "$bad_img"
wait_console two 'bad shim signature|Security Violation|Access Denied' "$BOOT_DEADLINE" && ok ||
  bad "Secure Boot refusal on the console: $(tail -n 20 two.console)"
! grep -q 'TL-AGENT:' two.console && ok || bad "the unsigned kernel ran: $(grep TL-AGENT two.console)"
stop_vm two
api GET "/v1/vms/$vm2"
[[ $(field "d['enrolled']") == False ]] && ok || bad "VM 2 never enrolled: $(cat body.json)"
show_consoles_on_failure
finish
