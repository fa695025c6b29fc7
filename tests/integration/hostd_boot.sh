#!/usr/bin/env bash
# A real boot that Secure Boot refuses (label e2e): an ESP with Debian's signed shim and GRUB
# and a kernel whose signature is stripped (sbattach --remove), as
# ../shared/tools/mkbootfixtures.sh builds its "unsigned" scenario, booted by libvirt (TCG,
# OVMF with Microsoft keys, SMM). GRUB says "bad shim signature" and waits for ever; tl-hostd
# reads it on the console, reports boot_failed / secure_boot_refused with the console lines,
# and destroys the domain (--on-boot-failure destroy).
here=$(cd "$(dirname "$0")" && pwd); . "$here/hostd_lib.sh"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/trustlaunch
esp=$cache/hostd/unsigned-esp.img
# the ESP, built once and cached (the packages as `tl image build` downloads them)
build_esp() {
  local b=$work/esp debs=$cache/debs kpkg
  mkdir -p "$b/x" "$debs" "$cache/hostd"
  if ! ls "$debs"/shim-signed_*.deb "$debs"/grub-efi-amd64-signed_*.deb "$debs"/linux-image-*-cloud-amd64_*.deb >/dev/null 2>&1; then
    kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image/{print $2; exit}')
    (cd "$debs" && apt-get download -qq shim-signed grub-efi-amd64-signed "$kpkg") >/dev/null 2>&1 || return 1
  fi
  for f in "$debs"/shim-signed_*.deb "$debs"/grub-efi-amd64-signed_*.deb "$(ls "$debs"/linux-image-*-cloud-amd64_*.deb | tail -1)"; do
    dpkg-deb -x "$f" "$b/x" || return 1
  done
  cp "$(ls "$b"/x/boot/vmlinuz-* | head -1)" "$b/vmlinuz" && sbattach --remove "$b/vmlinuz" >/dev/null || return 1
  printf 'set timeout=0\nmenuentry "tl" {\n linux /vmlinuz console=ttyS0\n}\n' > "$b/grub.cfg"
  mkfs.vfat -C "$b/esp.img" 65536 >/dev/null && mmd -i "$b/esp.img" ::/EFI ::/EFI/BOOT ::/EFI/debian &&
    mcopy -i "$b/esp.img" "$b/x/usr/lib/shim/shimx64.efi.signed" ::/EFI/BOOT/BOOTX64.EFI &&
    mcopy -i "$b/esp.img" "$b/x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" ::/EFI/BOOT/grubx64.efi &&
    mcopy -i "$b/esp.img" "$b/grub.cfg" ::/EFI/debian/grub.cfg &&
    mcopy -i "$b/esp.img" "$b/vmlinuz" ::/vmlinuz && mv "$b/esp.img" "$esp"
}
[[ -f $esp ]] || build_esp || { echo "the unsigned-kernel ESP could not be built (packages?)" >&2; exit 2; }
api POST /v1/vms '{"name":"unsigned-1","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(python3 -c "import json; print(json.load(open('$work/body.json'))['id'])")
vmdir=$hostdir/vms/unsigned; mkdir -p "$vmdir"; chmod 0777 "$vmdir"
cp "$esp" "$vmdir/esp.img"
cat > "$work/unsigned.xml" <<XML
<domain type='qemu'><name>${prefix}unsigned</name><uuid>$vm</uuid><memory unit='MiB'>256</memory><vcpu>1</vcpu>
<metadata><tl:vm xmlns:tl='https://trustlaunch.dev/xmlns/host/1'><tl:name>unsigned</tl:name><tl:security-type>trustedlaunch</tl:security-type></tl:vm></metadata>
<os><type arch='x86_64' machine='q35'>hvm</type>
<loader readonly='yes' secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.ms.fd</loader>
<nvram template='/usr/share/OVMF/OVMF_VARS_4M.ms.fd'>$vmdir/vars.fd</nvram></os>
<features><acpi/><smm state='on'/></features>
<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$vmdir/esp.img'/><target dev='vda' bus='virtio'/></disk>
<channel type='unix'><source mode='bind' path='$vmdir/agent.sock'/><target type='virtio' name='org.trustlaunch.agent.0'/></channel>
<serial type='pty'><log file='$vmdir/console.log' append='off'/><target port='0'/></serial><console type='pty'/>
</devices></domain>
XML
virsh_ define "$work/unsigned.xml" >/dev/null || { bad "define"; finish; exit 1; }
start_hostd --boot-deadline 90s --on-boot-failure destroy
wait_hostd_connected
t0=$(date +%s)
virsh_ start "${prefix}unsigned" >/dev/null || { bad "start"; finish; exit 1; }
wait_for 60 "d.get('host_state')=='boot_failed'" GET "/v1/vms/$vm" && ok || bad "boot_failed within 60 s: $(head -c 400 "$work/body.json"); console: $(tail -c 400 "$vmdir/console.log" | tr -cd '[:print:]\n')"
echo "{\"bench\":\"hostd_secure_boot_refusal\",\"seconds\":$(( $(date +%s) - t0 ))}"
check "d['host_reason']=='secure_boot_refused' and any('bad shim signature' in l for l in d['host_console']) and len(d['host_console']) <= 20 and all(len(l) <= 200 for l in d['host_console'])" "the reason and the console lines"
for _ in $(seq 50); do [[ $(virsh_ domstate "${prefix}unsigned" 2>/dev/null) == "shut off" ]] && break; sleep 0.2; done
[[ $(virsh_ domstate "${prefix}unsigned" 2>/dev/null) == "shut off" ]] && ok || bad "the domain destroyed: $(virsh_ domstate "${prefix}unsigned")"
sleep 1; api GET "/v1/vms/$vm"; check "d['host_state']=='boot_failed'" "the stop after destroy does not hide the failure"
grep -q 'msg="boot failed".*reason="secure_boot_refused"' "$work/hostd.log" && ok || bad "logged"
finish
