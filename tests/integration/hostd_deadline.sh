#!/usr/bin/env bash
# The boot deadline: a trustlaunch domain with a vTPM whose agent never calls (a real domain
# without a disk, TCG) is reported boot_failed / boot_deadline after --boot-deadline, with the
# console lines, and kept running for inspection (--on-boot-failure keep). A domain without a
# vTPM, whose agent could never attest, is not awaited: it stays running.
here=$(cd "$(dirname "$0")" && pwd); . "$here/hostd_lib.sh"
api POST /v1/vms '{"name":"silent-1","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(python3 -c "import json; print(json.load(open('$work/body.json'))['id'])")
domain() { # NAME UUID TPM-XML: a trustlaunch domain with an agent channel and a console
  local dir=$hostdir/vms/$1; mkdir -p "$dir"; chmod 0777 "$dir"
  cat > "$work/$1.xml" <<XML
<domain type='qemu'><name>${prefix}$1</name><uuid>$2</uuid><memory unit='MiB'>32</memory>
<metadata><tl:vm xmlns:tl='https://trustlaunch.dev/xmlns/host/1'><tl:name>$1</tl:name><tl:security-type>standard</tl:security-type></tl:vm></metadata>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
<channel type='unix'><source mode='bind' path='$dir/agent.sock'/><target type='virtio' name='org.trustlaunch.agent.0'/></channel>
<serial type='pty'><log file='$dir/console.log' append='off'/><target port='0'/></serial><console type='pty'/>
$3</devices></domain>
XML
}
# its vTPM's state made here, as tl vm create does (tss, 0700): libvirt keeps a state it finds
# and runs no certificate tool (the system's swtpm-localca may not be writable for tss)
st=/var/lib/libvirt/swtpm/$vm/tpm2; mkdir -p "$st"
swtpm_setup --tpm2 --tpmstate "$st" --createek >"$work/swtpm_setup.log" 2>&1 ||
  { bad "swtpm_setup: $(tail -3 "$work/swtpm_setup.log")"; finish; exit 1; }
chown -R tss:tss "/var/lib/libvirt/swtpm/$vm"; chmod 0700 "$st"
trap 'cleanup; rm -rf "/var/lib/libvirt/swtpm/$vm"' EXIT
domain silent "$vm" "<tpm model='tpm-tis'><backend type='emulator' version='2.0'/></tpm>"
api POST /v1/vms '{"name":"notpm-1","size":"Standard_D2s_v5","os":"debian-12"}'
vm2=$(python3 -c "import json; print(json.load(open('$work/body.json'))['id'])")
domain notpm "$vm2" ""
# the daemon first: a domain found already running booted unwatched (no deadline applies)
start_hostd --boot-deadline 4s --on-boot-failure keep
wait_hostd_connected
for d in silent notpm; do
  virsh_ define "$work/$d.xml" >/dev/null && virsh_ start "${prefix}$d" >/dev/null || { bad "start $d"; finish; exit 1; }
done
wait_for 10 "d.get('host_state')=='running'" GET "/v1/vms/$vm" && ok || bad "running first"
wait_for 20 "d.get('host_state')=='boot_failed'" GET "/v1/vms/$vm" && ok || bad "boot_failed after the deadline: $(head -c 300 "$work/body.json")"
check "d['host_reason']=='boot_deadline' and isinstance(d['host_console'], list)" "the reason"
[[ $(virsh_ domstate "${prefix}silent") == running ]] && ok || bad "kept for inspection: $(virsh_ domstate "${prefix}silent")"
api GET "/v1/vms/$vm2"; check "d.get('host_state')=='running'" "without a vTPM no agent is awaited: still running"
grep "boot failed" "$work/hostd.log" | grep -q "domain=\"${prefix}notpm\"" && bad "the domain without a vTPM was reported" || ok
finish
