#!/usr/bin/env bash
# The boot deadline: a trustlaunch domain whose agent never calls (a real domain without a
# disk, TCG) is reported boot_failed / boot_deadline after --boot-deadline, with the console
# lines, and kept running for inspection (--on-boot-failure keep).
here=$(cd "$(dirname "$0")" && pwd); . "$here/hostd_lib.sh"
api POST /v1/vms '{"name":"silent-1","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(python3 -c "import json; print(json.load(open('$work/body.json'))['id'])")
vmdir=$hostdir/vms/silent; mkdir -p "$vmdir"; chmod 0777 "$vmdir"
cat > "$work/silent.xml" <<XML
<domain type='qemu'><name>${prefix}silent</name><uuid>$vm</uuid><memory unit='MiB'>32</memory>
<metadata><tl:vm xmlns:tl='https://trustlaunch.dev/xmlns/host/1'><tl:name>silent</tl:name><tl:security-type>standard</tl:security-type></tl:vm></metadata>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
<channel type='unix'><source mode='bind' path='$vmdir/agent.sock'/><target type='virtio' name='org.trustlaunch.agent.0'/></channel>
<serial type='pty'><log file='$vmdir/console.log' append='off'/><target port='0'/></serial><console type='pty'/>
</devices></domain>
XML
# the daemon first: a domain found already running booted unwatched (no deadline applies)
start_hostd --boot-deadline 4s --on-boot-failure keep
wait_hostd_connected
virsh_ define "$work/silent.xml" >/dev/null && virsh_ start "${prefix}silent" >/dev/null || { bad "start"; finish; exit 1; }
wait_for 10 "d.get('host_state')=='running'" GET "/v1/vms/$vm" && ok || bad "running first"
wait_for 20 "d.get('host_state')=='boot_failed'" GET "/v1/vms/$vm" && ok || bad "boot_failed after the deadline: $(head -c 300 "$work/body.json")"
check "d['host_reason']=='boot_deadline' and isinstance(d['host_console'], list)" "the reason"
[[ $(virsh_ domstate "${prefix}silent") == running ]] && ok || bad "kept for inspection: $(virsh_ domstate "${prefix}silent")"
finish
