#!/usr/bin/env bash
# Custom Secure Boot keys, really booted (label e2e): a throwaway PK/KEK/db written into a copy
# of OVMF's empty store by `tl sb write-vars`; Debian's shim re-signed by that db key boots
# shim -> GRUB -> kernel under Secure Boot (QEMU TCG + OVMF secure pflash + swtpm), the
# Microsoft-signed shim is refused by the firmware ("Access Denied"). The boot's event log,
# read from inside the guest, agrees component by component with `tl image predict`.
here=$(dirname "$0"); . "$here/../integration/lib.sh"
qpid= spid= attempts=${TL_FAILED_ATTEMPTS:-0}
trap '[[ -n $qpid ]] && kill $qpid 2>/dev/null; [[ -n $spid ]] && kill $spid 2>/dev/null; cleanup' EXIT
cache=${TL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trustlaunch}/debs
mkdir -p "$cache"
pkgs=(shim-signed=1.51~1+deb12u1+16.1-2~deb12u1 grub-efi-amd64-signed=1+2.06+13+deb12u2
      linux-image-6.1.0-56-cloud-amd64=6.1.192-2)
for p in "${pkgs[@]}"; do
  name=${p%%=*}
  ls "$cache/${name}_"*.deb >/dev/null 2>&1 && continue
  (cd "$cache" && apt-get download "$p" >/dev/null 2>&1) || { echo "apt-get download $p failed" >&2; exit 2; }
done
cd "$work"
for d in "$cache"/*.deb; do dpkg-deb -x "$d" x || exit 2; done

# --- keys and the store
for n in PK KEK db; do
  openssl req -x509 -newkey rsa:2048 -nodes -keyout $n.key -out $n.pem -days 2 \
    -subj "/CN=trustlaunch e2e $n" 2>/dev/null || exit 2
done
expect_rc 0 "$tl" sb write-vars --template /usr/share/OVMF/OVMF_VARS_4M.fd --out vars.fd \
  --pk PK.pem --kek KEK.pem --db db.pem

# --- the image: parts/ as tl image build lays it out; shim re-signed by our db key
mkdir -p img/parts r/bin r/proc r/sys r/dev
cp x/usr/lib/shim/shimx64.efi.signed shim-unsigned.efi
sbattach --remove shim-unsigned.efi >/dev/null 2>&1 || exit 2
sbsign --key db.key --cert db.pem --output img/parts/shimx64.efi shim-unsigned.efi >/dev/null 2>&1 || exit 2
cp x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed img/parts/grubx64.efi
cp x/boot/vmlinuz-6.1.0-56-cloud-amd64 img/parts/vmlinuz
cp /bin/busybox r/bin/
cat > r/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t securityfs securityfs /sys/kernel/security
echo "=== TL-GUEST UP ==="
echo "=== EVENTLOG BEGIN ==="; base64 /sys/kernel/security/tpm0/binary_bios_measurements; echo "=== EVENTLOG END ==="
echo "=== TL-GUEST DONE ==="
poweroff -f
INIT
chmod +x r/init
(cd r && find . | cpio -o -H newc 2>/dev/null | gzip -1 > ../img/parts/initrd.img)
printf 'set timeout=0\nmenuentry "tl" {\n linux /vmlinuz console=ttyS0 panic=-1 rdinit=/init\n initrd /initrd.img\n}\n' > img/parts/grub.cfg

# esp SHIM: a FAT ESP with SHIM as the removable-media loader
esp() {
  rm -f esp.img; mkfs.vfat -C esp.img 65536 >/dev/null || exit 2
  mmd -i esp.img ::/EFI ::/EFI/BOOT ::/EFI/debian
  mcopy -i esp.img "$1" ::/EFI/BOOT/BOOTX64.EFI
  mcopy -i esp.img img/parts/grubx64.efi ::/EFI/BOOT/grubx64.efi
  mcopy -i esp.img img/parts/grub.cfg ::/EFI/debian/grub.cfg
  mcopy -i esp.img img/parts/vmlinuz ::/vmlinuz
  mcopy -i esp.img img/parts/initrd.img ::/initrd.img
}
# boot NAME: QEMU (TCG, q35 + SMM, secure pflash) on a copy of vars.fd with a fresh swtpm;
# returns when the guest is done, the firmware refused, or after 60 s. Console in NAME.txt.
boot() {
  local name=$1 t0=$SECONDS
  rm -rf tpm && mkdir tpm
  swtpm_setup --tpm2 --tpmstate "$work/tpm" --create-ek-cert --create-platform-cert >/dev/null 2>&1 || exit 2
  rm -f "$work/swtpm.sock"
  swtpm socket --tpmstate dir="$work/tpm" --ctrl type=unixio,path=$work/swtpm.sock --tpm2 \
    --terminate & spid=$!
  for _ in $(seq 50); do [[ -S $work/swtpm.sock ]] && break; sleep 0.1; done
  cp vars.fd run-vars.fd
  qemu-system-x86_64 -accel tcg -machine q35,smm=on -m 512 -nographic -no-reboot -nodefaults \
    -serial stdio -global driver=cfi.pflash01,property=secure,value=on \
    -drive if=pflash,format=raw,unit=0,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd,readonly=on \
    -drive if=pflash,format=raw,unit=1,file=run-vars.fd \
    -chardev socket,id=chrtpm,path=$work/swtpm.sock -tpmdev emulator,id=tpm0,chardev=chrtpm \
    -device tpm-crb,tpmdev=tpm0 -drive file=esp.img,format=raw,if=virtio > "$name.log" 2>&1 &
  qpid=$!
  while kill -0 $qpid 2>/dev/null && (( SECONDS - t0 < 60 )); do
    grep -qa -e 'TL-GUEST DONE' -e 'Access Denied' -e 'Security Violation' "$name.log" && break
    sleep 0.5
  done
  sleep 0.5; kill $qpid 2>/dev/null; wait $qpid 2>/dev/null; qpid=
  kill $spid 2>/dev/null; wait $spid 2>/dev/null; spid=
  tr -d '\r' < "$name.log" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' > "$name.txt"
  echo "{\"boot\":\"$name\",\"seconds\":$((SECONDS - t0))}" >&2
}

# --- our chain boots to the kernel, with Secure Boot on
esp img/parts/shimx64.efi
boot custom
grep -q 'TL-GUEST DONE' custom.txt && ok || bad "shim signed by our db did not boot: $(tail -c 600 custom.txt)"
grep -q 'Secure boot enabled' custom.txt && ok || bad "the kernel did not see Secure Boot on"
# the firmware kept the store as written (it wrote its boot options into it, keys untouched)
expect_rc 0 "$tl" sb check img/parts/shimx64.efi --vars run-vars.fd
grep -q 'allowed: .*CN=trustlaunch e2e db' "$work/out" && ok || bad "keys after the boot: $(cat "$work/out" "$work/err")"
cmp -s vars.fd run-vars.fd && bad "OVMF wrote nothing into the store" || ok
sed -n '/EVENTLOG BEGIN/,/EVENTLOG END/p' custom.txt | sed '1d;$d' | base64 -d > eventlog.bin 2>/dev/null

# --- the Microsoft-signed shim is refused by our db
esp x/usr/lib/shim/shimx64.efi.signed
boot microsoft
! grep -q 'TL-GUEST' microsoft.txt && ok || bad "the Microsoft-signed shim booted under custom keys"
grep -qE 'Access Denied|Security Violation' microsoft.txt && ok || bad "no refusal on the console: $(tail -c 600 microsoft.txt)"

# --- the prediction from the image against the real log, by component
[[ -s eventlog.bin ]] && ok || bad "no event log from the guest"
# PCR 4, 7, 8 and 9 predicted from the image and the store are the ones the boot replays to
# (OVMF tried no other boot option first: -nodefaults, one disk)
"$tl" image predict img --vars vars.fd --failed-attempts "$attempts" > predicted.txt 2>&1 || bad "predict: $(cat predicted.txt)"
"$tl" eventlog replay eventlog.bin > replayed.txt 2>&1 || bad "replay: $(cat replayed.txt)"
for p in 4 7 8 9; do
  want=$(grep "^sha256:$p " replayed.txt) got=$(grep "^sha256:$p " predicted.txt)
  [[ -n $want && $got == "$want" ]] && ok || bad "PCR $p predicted '$got', booted '$want'"
done
expect_rc 0 "$tl" image predict img --vars vars.fd --failed-attempts "$attempts" --against eventlog.bin
[[ -n ${TL_KEEP:-} ]] && cp -r eventlog.bin img vars.fd custom.txt microsoft.txt "$TL_KEEP"/
finish
