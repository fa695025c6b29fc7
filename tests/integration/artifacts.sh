#!/usr/bin/env bash
# Real boot artifacts from Debian (the exact packages of ../shared/vectors/boot, fetched with
# apt-get download into a cache, never committed): their Authenticode digests are what the
# firmware measured in the sb-on boot, their signatures cover them, a stripped kernel is
# unsigned.
here=$(dirname "$0"); . "$here/lib.sh"
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
cache=${TL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trustlaunch}/debs
mkdir -p "$cache"
pkgs=(shim-signed=1.51~1+deb12u1+16.1-2~deb12u1 grub-efi-amd64-signed=1+2.06+13+deb12u2
      linux-image-6.1.0-56-cloud-amd64=6.1.192-2)
for p in "${pkgs[@]}"; do
  name=${p%%=*} ver=${p#*=}
  ls "$cache/${name}_"*.deb >/dev/null 2>&1 && continue
  (cd "$cache" && apt-get download "$p" >/dev/null 2>&1) ||
    { echo "apt-get download $p failed (is Debian's archive reachable?)" >&2; exit 2; }
done
cd "$work"
for d in "$cache"/*.deb; do dpkg-deb -x "$d" x || exit 2; done
shim=x/usr/lib/shim/shimx64.efi.signed
grub=x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
kernel=$(ls x/boot/vmlinuz-6.1.0-56-cloud-amd64)

# the digests firmware measured into PCR 4, in order: shim, grub, kernel (twice)
"$tl" eventlog facts --json "$v/boot/sb-on/eventlog.bin" > facts.json || exit 2
want=$(python3 -c "import json; print(' '.join(a['digests']['sha256'] for a in json.load(open('facts.json'))['efi_apps']))")
got=$(for f in "$shim" "$grub" "$kernel" "$kernel"; do "$tl" pe digest "$f" | cut -d' ' -f1; done | tr '\n' ' ')
[[ "$got" == "$want " ]] && ok || bad "Authenticode digests: got $got, log has $want"
# SHA-1 and SHA-384 digests exist as well
expect_rc 0 "$tl" pe digest "$shim" --alg sha384
[[ $(cut -d' ' -f1 "$work/out" | tr -d '\n' | wc -c) == 96 ]] && ok || bad "sha384 digest"

# who signed them
expect_rc 0 "$tl" pe signers "$shim"
grep -q 'Microsoft Corporation UEFI CA 2011' "$work/out" && ok || bad "shim signed by the Microsoft UEFI CA"
expect_rc 0 "$tl" pe signers "$kernel"
grep -q 'CN=Debian Secure Boot Signer 2022 - linux' "$work/out" && ok || bad "kernel signer"
grep -q 'covers this image' "$work/out" && ok || bad "kernel signature covers it"

# the kernel with its signature removed: unsigned, same digest
sbattach --remove "$kernel" --output stripped.efi >/dev/null 2>&1 || cp "$kernel" stripped.efi
sbattach --remove stripped.efi >/dev/null 2>&1
expect_rc 1 "$tl" pe signers stripped.efi
grep -q '^unsigned' "$work/out" && ok || bad "stripped kernel unsigned: $(cat "$work/out")"
[[ $("$tl" pe digest stripped.efi | cut -d' ' -f1) == $("$tl" pe digest "$kernel" | cut -d' ' -f1) ]] && ok || bad "stripping keeps the digest"
# the kernel with one byte of its code changed: the signature no longer covers it
python3 -c "b=bytearray(open('$kernel','rb').read()); b[0x2000]^=1; open('patched.efi','wb').write(b)"
expect_rc 1 "$tl" pe signers patched.efi
grep -q 'DOES NOT cover this image' "$work/out" && ok || bad "patched kernel"
# not a PE
expect_rc 2 "$tl" pe digest "$v/boot/sb-on/grub.cfg"
grep -q 'pe.not_pe' "$work/err" && ok || bad "not a PE"
finish
