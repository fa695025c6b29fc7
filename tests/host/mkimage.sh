#!/usr/bin/env bash
# A minimal bootable test image laid out as `tl image build --out DIR` makes it (docs/host.md):
# Debian's Microsoft-signed shim, Debian-signed GRUB and cloud kernel, and a busybox initrd that
# prints "TL-GUEST UP" on the console, then idles. The .debs are cached (TL_DEB_CACHE,
# default ~/.cache/trustlaunch/debs). Until the image builder lands, the host tests use this.
# usage: mkimage.sh OUTDIR [unsigned]
set -euo pipefail
out=$1 mode=${2:-}
cache=${TL_DEB_CACHE:-$HOME/.cache/trustlaunch/debs}
mkdir -p "$cache" "$out/parts"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
if ! ls "$cache"/shim-signed_*.deb "$cache"/grub-efi-amd64-signed_*.deb \
     "$cache"/linux-image-*-cloud-amd64_*.deb >/dev/null 2>&1; then
  (cd "$cache" && apt-get download -qq shim-signed grub-efi-amd64-signed >/dev/null 2>&1 &&
   kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image/{print $2; exit}') &&
   apt-get download -qq "$kpkg" >/dev/null 2>&1)
fi
for d in "$cache"/shim-signed_*.deb "$cache"/grub-efi-amd64-signed_*.deb \
         "$cache"/linux-image-*-cloud-amd64_*.deb; do dpkg-deb -x "$d" "$w/x"; done
mkdir -p "$w/r/bin" "$w/r/proc" "$w/r/sys" "$w/r/dev"
cp /bin/busybox "$w/r/bin/"
cat > "$w/r/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
echo "=== TL-GUEST UP ==="
echo "UUID $(cat /sys/class/dmi/id/product_uuid)"
while true; do sleep 3600; done
INIT
chmod +x "$w/r/init"
(cd "$w/r" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "$out/parts/initrd.img")
printf 'set timeout=0\nmenuentry "tl" {\n linux /vmlinuz console=ttyS0 panic=-1 rdinit=/init\n initrd /initrd.img\n}\n' > "$out/parts/grub.cfg"
cp "$w"/x/boot/vmlinuz-* "$out/parts/vmlinuz"
[[ $mode == unsigned ]] && sbattach --remove "$out/parts/vmlinuz" >/dev/null
cp "$w/x/usr/lib/shim/shimx64.efi.signed" "$out/parts/shimx64.efi"
cp "$w/x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" "$out/parts/grubx64.efi"
rm -f "$out/esp.img"
mkfs.vfat -C "$out/esp.img" 65536 >/dev/null
mmd -i "$out/esp.img" ::/EFI ::/EFI/BOOT ::/EFI/debian
mcopy -i "$out/esp.img" "$out/parts/shimx64.efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$out/esp.img" "$out/parts/grubx64.efi" ::/EFI/BOOT/grubx64.efi
mcopy -i "$out/esp.img" "$out/parts/grub.cfg" ::/EFI/debian/grub.cfg
mcopy -i "$out/esp.img" "$out/parts/vmlinuz" ::/vmlinuz
mcopy -i "$out/esp.img" "$out/parts/initrd.img" ::/initrd.img
cat > "$out/image.json" <<JSON
{"esp": "esp.img", "parts": {"shim": "parts/shimx64.efi", "grub": "parts/grubx64.efi",
 "kernel": "parts/vmlinuz", "initrd": "parts/initrd.img", "grub_cfg": "parts/grub.cfg"},
 "kernel_cmdline": "console=ttyS0 panic=-1 rdinit=/init"}
JSON
