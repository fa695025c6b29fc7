#!/usr/bin/env bash
# tl sb write-vars / apply-dbx and tl image predict on real artifacts: Debian's OVMF templates,
# Microsoft's signed DBXUpdate, the exact packages of ../shared/vectors/boot (apt-get download,
# cached). The prediction from an image laid out as tl image build does is compared with the
# real sb-on boot's event log by the service's baseline comparison.
here=$(dirname "$0"); . "$here/../integration/lib.sh"
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
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
shim=x/usr/lib/shim/shimx64.efi.signed grub=x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
kernel=x/boot/vmlinuz-6.1.0-56-cloud-amd64
ms=/usr/share/OVMF/OVMF_VARS_4M.ms.fd empty=/usr/share/OVMF/OVMF_VARS_4M.fd
upd=$v/revocations/DBXUpdate-amd64.bin

# --- write-vars: tl sb check reads the keys back and decides with them
for n in PK KEK db; do
  openssl req -x509 -newkey rsa:2048 -nodes -keyout $n.key -out $n.pem -days 2 -subj "/CN=nvram $n" 2>/dev/null || exit 2
done
expect_rc 0 "$tl" sb write-vars --template "$empty" --out vars.fd --pk PK.pem --kek KEK.pem --db db.pem
cp "$shim" mine.efi && sbattach --remove mine.efi >/dev/null 2>&1 && \
  sbsign --key db.key --cert db.pem --output mine.efi mine.efi >/dev/null 2>&1 || exit 2
expect_rc 0 "$tl" sb check mine.efi --vars vars.fd
grep -q 'allowed: .*CN=nvram db' "$work/out" && ok || bad "our db allows our shim: $(cat "$work/out")"
refused sb.not_allowed_by_db "$tl" sb check "$shim" --vars vars.fd
# the store's Secure Boot state as the predictor reads it: enabled, our PK
expect_rc 0 "$tl" predict --vars vars.fd --app mine.efi --json
python3 -c "
import json; d = json.load(open('$work/out'))['components']['secureboot']
assert d['enabled'] is True, d" && ok || bad "Secure Boot on with our PK"
# custom:DIR: the same keys from a directory, a dbx as an .esl beside them
mkdir -p keys && cp PK.pem KEK.pem db.pem keys/
"$tl" pe digest "$grub" | cut -d" " -f1 > grub.sha256
python3 -c "
import uuid
h = bytes.fromhex(open('grub.sha256').read().strip()); o = uuid.UUID('2c2054da-08b6-4b46-aa67-7befe717261e').bytes_le
open('keys/dbx.esl','wb').write(uuid.UUID('c1c41626-504c-4092-aca9-41f936934328').bytes_le
  + (28 + 48).to_bytes(4,'little') + (0).to_bytes(4,'little') + (48).to_bytes(4,'little') + o + h)"
cp "$empty" dir.fd   # in place, as tl vm create does (tl_host_nvram_custom)
expect_rc 0 "$tl" sb write-vars --template dir.fd --out dir.fd --keys keys --time 1767225600
expect_rc 0 "$tl" sb check mine.efi --vars dir.fd
grep -q 'allowed: .*CN=nvram db' "$work/out" && ok || bad "keys dir: our db"
refused sb.hash_in_dbx "$tl" sb check "$grub" --vars dir.fd
rm keys/KEK.pem
expect_rc 2 "$tl" sb write-vars --template "$empty" --out dir2.fd --keys keys
# refusals: a PK that is two certificates, a key that is none, a store without room
cat PK.pem KEK.pem > two.pem
openssl x509 -in KEK.pem -outform DER -out KEK.der
head -c 100 KEK.der > cut.der
expect_rc 2 "$tl" sb write-vars --template "$empty" --out x.fd --pk PK.pem --pk KEK.pem --kek KEK.pem --db db.pem
expect_rc 2 "$tl" sb write-vars --template "$empty" --out x.fd --pk PK.pem --kek cut.der --db db.pem
grep -q 'sb.key_unusable' "$work/err" && ok || bad "cut certificate: $(cat "$work/err")"
python3 -c "
import struct; b = bytearray(open('$empty','rb').read())
struct.pack_into('<I', b, 72 + 16, 28 + 1024); open('small.fd','wb').write(b)"
expect_rc 2 "$tl" sb write-vars --template small.fd --out x.fd --pk PK.pem --kek KEK.pem --db db.pem
grep -q 'sb.varstore_full' "$work/err" && ok || bad "no room: $(cat "$work/err")"
[[ ! -e x.fd ]] && ok || bad "a refused write left a file"

# --- apply-dbx on Microsoft's store: the update's entries added once
cp "$ms" ms.fd
expect_rc 0 "$tl" sb apply-dbx --vars ms.fd --update "$upd" --json
python3 -c "
import json; d = json.load(open('$work/out'))
assert d['before'] == 1 and d['added'] > 400 and d['after'] == 1 + d['added'] and d['changed'] and d['appended'], d" && ok || bad "first apply: $(cat "$work/out")"
cp ms.fd once.fd
expect_rc 0 "$tl" sb apply-dbx --vars ms.fd --update "$upd" --json
python3 -c "
import json; d = json.load(open('$work/out')); assert d['added'] == 0 and not d['changed'], d" && ok || bad "second apply"
cmp -s ms.fd once.fd && ok || bad "a second apply changed the store"
# the VM's dbx now holds what the revocation check wants (tl revocations reads the store)
rv=(--dbx-info "$v/revocations/dbx_info_msft_latest.json" --dbx-update "$upd")
expect_rc 1 "$tl" revocations check --vars "$ms" "${rv[@]}"
grep -q 'revocation.dbx_missing' "$work/out" && ok || bad "Microsoft's template lacks the dbx"
expect_rc 0 "$tl" revocations check --vars ms.fd "${rv[@]}"
grep -q 'revocations-current: healthy' "$work/out" && ok || bad "current after apply-dbx: $(cat "$work/out")"
python3 -c "
b = bytearray(open('$upd','rb').read()); b[-1] ^= 1; open('tampered.bin','wb').write(b)"
cp "$ms" ms2.fd
refused revocation.dbx_update_signature "$tl" sb apply-dbx --vars ms2.fd --update tampered.bin
cmp -s ms2.fd "$ms" && ok || bad "a refused update changed the store"
refused revocation.dbx_update_signature "$tl" sb apply-dbx --vars vars.fd --update "$upd"

# --- tl image predict: the image of the sb-on boot (its initramfs was not kept: a stand-in)
mkdir -p img/parts
cp "$shim" img/parts/shimx64.efi; cp "$grub" img/parts/grubx64.efi; cp "$kernel" img/parts/vmlinuz
cp "$v/boot/sb-on/grub.cfg" img/parts/grub.cfg
echo "stand-in for the initramfs of the sb-on boot" > img/parts/initrd.img
expect_rc 0 "$tl" image predict img --vars "$ms" --failed-attempts 1 --json
cp "$work/out" manifest.json
python3 - manifest.json "$v/boot/sb-on/pcrs-sha256.txt" <<'PY' && ok || bad "predicted PCRs of sb-on"
import json, sys
d = json.load(open(sys.argv[1]))
want = dict(l.split() for l in open(sys.argv[2]) if l.strip())
for p in ('4', '7', '8'):
    assert d['pcrs']['sha256'][p] == want[p], p
assert d['components']['kernel_cmdline'] == '/vmlinuz console=ttyS0 panic=-1 rdinit=/init'
assert sorted(d['not_predicted']) == ['exit_boot_services', 'firmware.scrtm_version', 'secureboot.mok']
assert 'mok' not in d['components']['secureboot']
PY
# trustlaunchd takes the manifest as a VM's baseline (PUT /v1/vms/{id}/baseline)
start_service
api POST /v1/vms '{"name":"nvram-1","size":"Standard_D2s_v5","os":"debian-12"}'; vm=$(field "d['id']")
TOKEN=$ADMIN call PUT "/v1/vms/$vm/baseline" manifest.json
[[ $code == 200 ]] && ok || bad "PUT baseline: $code $(head -c 300 body.json)"
python3 -c "
import json; b = json.load(open('body.json')); m = json.load(open('manifest.json'))
assert b['source'] == 'manifest' and b['components'] == m['components'], b" && ok || bad "stored baseline: $(head -c 300 body.json)"
stop_service
# against the real boot, as trustlaunchd compares a baseline: only the initrd differs
expect_rc 1 "$tl" image predict img --vars "$ms" --failed-attempts 1 --against "$v/boot/sb-on/eventlog.bin" --json
python3 -c "
import json; d = json.load(open('$work/out'))
assert [x['component'] for x in d] == ['files'], d
assert '/initrd.img' in d[0]['message'], d" && ok || bad "sb-on vs prediction: $(head -c 800 "$work/out")"
# the cmdline boot differs from the sb-on image exactly where it should
expect_rc 1 "$tl" image predict img --vars "$ms" --against "$v/boot/cmdline/eventlog.bin" --json
python3 -c "
import json; d = json.load(open('$work/out')); c = sorted(x['component'] for x in d)
assert c == ['files', 'grub_commands', 'kernel_cmdline'], c" && ok || bad "cmdline vs sb-on prediction"

# --- hostile image directories
cp -r img img2; rm img2/parts/grub.cfg
expect_rc 2 "$tl" image predict img2 --vars "$ms"
grep -q 'image.part_missing' "$work/err" && ok || bad "no grub.cfg: $(cat "$work/err")"
cp -r img img3; echo '{"parts":{"shim":"../../etc/passwd"}}' > img3/image.json
expect_rc 2 "$tl" image predict img3 --vars "$ms"
grep -q 'image.part_missing' "$work/err" && ok || bad "a part outside the image: $(cat "$work/err")"
echo '{"parts":' > img3/image.json
expect_rc 2 "$tl" image predict img3 --vars "$ms"
grep -q 'image.part_missing' "$work/err" && ok || bad "image.json not JSON: $(cat "$work/err")"
cp -r img img4; printf 'menuentry x {\n linux /vmlinuz $extra\n}\n' > img4/parts/grub.cfg
expect_rc 2 "$tl" image predict img4 --vars "$ms"
grep -q 'image.grub_cfg_malformed' "$work/err" && ok || bad "a variable in grub.cfg: $(cat "$work/err")"
printf 'set timeout=0\n' > img4/parts/grub.cfg
expect_rc 2 "$tl" image predict img4 --vars "$ms"
grep -q 'image.no_menuentry' "$work/err" && ok || bad "no menuentry: $(cat "$work/err")"
expect_rc 2 "$tl" image predict img --vars img/parts/grub.cfg
grep -q 'sb.varstore_malformed' "$work/err" && ok || bad "not a store: $(cat "$work/err")"
finish
