#!/usr/bin/env bash
# tl-hostd when libvirtd goes away and comes back: its connection runs through a proxy of
# libvirtd's socket (libvirtd is shared and may not be restarted); killing the proxy closes
# the connection as a libvirtd that exits would. tl-hostd notices, retries with back-off,
# reconnects when the socket answers again, and its next inventory reports a domain defined
# meanwhile.
here=$(cd "$(dirname "$0")" && pwd); . "$here/hostd_lib.sh"
sock=/var/run/libvirt/libvirt-sock
[[ -S $sock ]] || { echo "no libvirtd socket at $sock" >&2; exit 2; }
proxy() { python3 "$here/unix_proxy.py" "$work/libvirt.sock" "$sock" & proxy_pid=$!; extra_pids="${extra_pids:-} $proxy_pid"
  for _ in $(seq 50); do [[ -S $work/libvirt.sock ]] && break; sleep 0.1; done; }
connected() { grep -c 'msg="connected to libvirtd"' "$work/hostd.log"; }
proxy
start_hostd --connect "qemu+unix:///system?socket=$work/libvirt.sock" --inventory-every 600s
wait_hostd_connected
kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null; rm -f "$work/libvirt.sock"
for _ in $(seq 100); do grep -q 'msg="libvirtd not reachable; retrying"' "$work/hostd.log" && break; sleep 0.1; done
grep -q 'msg="libvirtd not reachable; retrying"' "$work/hostd.log" && ok || bad "the lost connection noticed: $(tail -3 "$work/hostd.log")"
cat > "$work/late.xml" <<XML
<domain type='qemu'><name>${prefix}late</name><memory unit='MiB'>32</memory>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>
XML
virsh_ define "$work/late.xml" >/dev/null || bad "define"
late=$(virsh_ domuuid "${prefix}late")
sleep 2
proxy
for _ in $(seq 150); do [[ $(connected) -ge 2 ]] && break; sleep 0.2; done
[[ $(connected) -ge 2 ]] && ok || bad "reconnected: $(tail -5 "$work/hostd.log")"
wait_for 20 "'host' in d" GET "/v1/vms/$late" && ok || bad "the domain defined while away reported: $(head -c 200 "$work/body.json")"
kill -0 "$hostd_pid" && ok || bad "tl-hostd still runs"
finish
