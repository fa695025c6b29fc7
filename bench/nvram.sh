#!/usr/bin/env bash
# bench_nvram on a real image: Debian's shim, GRUB and cloud kernel of ../shared/vectors/boot
# (apt-get download, cached as the tests do), a busybox initramfs, a throwaway PK/KEK/db.
#   bench/nvram.sh BUILD_DIR VECTORS [ROUNDS]
set -uo pipefail
build=$(cd "${1:?usage: nvram.sh BUILD_DIR VECTORS [ROUNDS]}" && pwd) vectors=${2:?} rounds=${3:-20}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cache=${TL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trustlaunch}/debs
mkdir -p "$cache"
for p in shim-signed=1.51~1+deb12u1+16.1-2~deb12u1 grub-efi-amd64-signed=1+2.06+13+deb12u2 \
         linux-image-6.1.0-56-cloud-amd64=6.1.192-2; do
  ls "$cache/${p%%=*}_"*.deb >/dev/null 2>&1 || (cd "$cache" && apt-get download "$p" >/dev/null 2>&1) || exit 2
done
cd "$work"
for d in "$cache"/*.deb; do dpkg-deb -x "$d" x || exit 2; done
mkdir -p img/parts keys r/bin
cp x/usr/lib/shim/shimx64.efi.signed img/parts/shimx64.efi
cp x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed img/parts/grubx64.efi
cp x/boot/vmlinuz-6.1.0-56-cloud-amd64 img/parts/vmlinuz
cp "$vectors/boot/sb-on/grub.cfg" img/parts/grub.cfg
cp /bin/busybox r/bin/ && (cd r && find . | cpio -o -H newc 2>/dev/null | gzip -1 > ../img/parts/initrd.img)
for n in PK KEK db; do
  openssl req -x509 -newkey rsa:2048 -nodes -keyout keys/$n.key -out keys/$n.pem -days 2 -subj "/CN=bench $n" 2>/dev/null || exit 2
done
"$build/bench/bench_nvram" img keys "$vectors" "$rounds"
