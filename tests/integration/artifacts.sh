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
# --- Secure Boot decisions
ms=/usr/share/OVMF/OVMF_VARS_4M.ms.fd empty=/usr/share/OVMF/OVMF_VARS_4M.fd
expect_rc 0 "$tl" sb check "$shim" --vars "$ms"
grep -q 'allowed: .*CN=Microsoft Corporation UEFI CA 2011' "$work/out" && ok || bad "shim allowed by the UEFI CA 2011"
refused sb.not_allowed_by_db "$tl" sb check "$shim" --vars "$empty"
# GRUB is signed by Debian's CA, which is shim's (MokList), not firmware's
refused sb.not_allowed_by_db "$tl" sb check "$grub" --vars "$ms"
refused sb.unsigned "$tl" sb check stripped.efi --vars "$ms"
refused sb.signature_invalid "$tl" sb check patched.efi --vars "$ms"
# db and dbx as EFI_SIGNATURE_LIST files: Debian's CA as shim measured it (its MokListRT
# authority in the sb-on log), the kernel's signer (from its own signature), the kernel's hash
"$tl" eventlog json "$v/boot/sb-on/eventlog.bin" > events.json
sbattach --detach kernel.p7 "$kernel" >/dev/null 2>&1 || exit 2
openssl pkcs7 -inform DER -in kernel.p7 -print_certs -out kernel-certs.pem 2>/dev/null || exit 2
openssl x509 -in kernel-certs.pem -outform DER -out kernel-signer.der || exit 2
python3 - "$("$tl" pe digest "$kernel" | cut -d' ' -f1)" <<'PY'
import json, struct, sys, uuid
x509 = uuid.UUID('a5c059a1-94e4-4aa7-87b5-ab155c2bf072').bytes_le
sha256 = uuid.UUID('c1c41626-504c-4092-aca9-41f936934328').bytes_le
owner = uuid.UUID('00000000-0000-0000-0000-00000000abcd').bytes_le
def esl(kind, data):
    return kind + struct.pack('<III', 28 + 16 + len(data), 0, 16 + len(data)) + owner + data
ev = [e for e in json.load(open('events.json'))['events']
      if e['type_name'] == 'EV_EFI_VARIABLE_AUTHORITY' and e['data'].get('name') == 'MokListRT']
ca = bytes.fromhex(ev[0]['data']['data_hex'])[16:]   # EFI_SIGNATURE_DATA: owner, then DER
open('debian-ca.esl', 'wb').write(esl(x509, ca))
open('signer.esl', 'wb').write(esl(x509, open('kernel-signer.der', 'rb').read()))
open('kernel-hash.esl', 'wb').write(esl(sha256, bytes.fromhex(sys.argv[1])))
PY
expect_rc 0 "$tl" sb check "$grub" --db debian-ca.esl
expect_rc 0 "$tl" sb check "$kernel" --db debian-ca.esl
refused sb.hash_in_dbx "$tl" sb check "$kernel" --db debian-ca.esl --dbx kernel-hash.esl
refused sb.signer_in_dbx "$tl" sb check "$kernel" --db debian-ca.esl --dbx signer.esl
# allowed by its hash alone, even unsigned
expect_rc 0 "$tl" sb check stripped.efi --db kernel-hash.esl
grep -q 'its hash is in db' "$work/out" && ok || bad "allowed by hash"
# SBAT: shim's SbatLevel of the sb-on boot allows GRUB; a level that revokes grub,3 does not
printf 'sbat,1,2025021800\nshim,4\ngrub,5\n' > level-ok
expect_rc 0 "$tl" sb check "$grub" --db debian-ca.esl --sbat-level level-ok
printf 'sbat,1,2099010100\ngrub,99\n' > level-revoke
refused sb.sbat_revoked "$tl" sb check "$grub" --db debian-ca.esl --sbat-level level-revoke
grep -q 'grub generation' "$work/err" && ok || bad "SBAT component named"
# a .auth update is an EFI_SIGNATURE_LIST behind an EFI_VARIABLE_AUTHENTICATION_2 header
python3 -c "
import struct
esl = open('debian-ca.esl','rb').read()
cert = b'\x30\x03\x02\x01\x00'
hdr = b'\x00'*16 + struct.pack('<IHH', 8 + 16 + len(cert), 0x0200, 0x0EF1) + bytes(16) + cert
open('debian-ca.auth','wb').write(hdr + esl)"
expect_rc 0 "$tl" sb check "$grub" --db debian-ca.auth
head -c 40 debian-ca.esl > broken.esl
expect_rc 2 "$tl" sb check "$grub" --db broken.esl
grep -q 'sb.signature_list_malformed' "$work/err" && ok || bad "broken ESL named"
expect_rc 2 "$tl" sb check "$grub" --vars debian-ca.esl
grep -q 'sb.varstore_malformed' "$work/err" && ok || bad "not a varstore"

# --- kernel modules: Debian signs them with a key generated at build time and built into
# the kernel; take it from the (LZ4-compressed) kernel image
python3 - "$kernel" <<'PY' || exit 2
import struct, subprocess, sys
b = open(sys.argv[1], 'rb').read()
pm = ((b[0x1f1] or 4) + 1) * 512
off, ln = struct.unpack_from('<II', b, 0x248)
vm = subprocess.run(['lz4', '-d', '-c'], input=b[pm + off: pm + off + ln], capture_output=True).stdout
i = vm.find(b'Build time autogenerated kernel key')
for start in range(i - 1, max(0, i - 600), -1):
    if vm[start] == 0x30 and vm[start + 1] == 0x82:
        der = vm[start: start + (vm[start + 2] << 8 | vm[start + 3]) + 4]
        if subprocess.run(['openssl', 'x509', '-inform', 'DER', '-noout'], input=der, stderr=subprocess.DEVNULL).returncode == 0:
            open('kernel-key.der', 'wb').write(der); sys.exit(0)
sys.exit(1)
PY
mods=$(find x/lib/modules -name '*.ko' | sort | head -20)
all=0 good=0
for m in $mods; do all=$((all + 1)); "$tl" modsig verify "$m" --cert kernel-key.der >/dev/null 2>&1 && good=$((good + 1)); done
[[ $all -gt 10 && $good == "$all" ]] && ok || bad "Debian modules verify: $good of $all"
m=$(echo "$mods" | head -1)
expect_rc 0 "$tl" modsig verify "$m" --cert kernel-key.der --json
python3 -c "import json; d=json.load(open('$work/out')); assert d['status']=='trusted' and 'Build time autogenerated kernel key' in d['signer']" && ok || bad "trusted json"
python3 - "$m" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read(); n = len(b)
sl = struct.unpack('>I', b[n - 32: n - 28])[0]
open('unsigned.ko', 'wb').write(b[:n - 40 - sl])
c = bytearray(b); c[200] ^= 1; open('changed.ko', 'wb').write(c)
d = bytearray(b); d[n - 35] = 1; open('reserved.ko', 'wb').write(d)
e = bytearray(b); e[n - 32: n - 28] = struct.pack('>I', n); open('siglen.ko', 'wb').write(e)
PY
expect_rc 1 "$tl" modsig verify unsigned.ko --cert kernel-key.der
grep -q '^unsigned' "$work/out" && ok || bad "unsigned module"
expect_rc 1 "$tl" modsig verify changed.ko --cert kernel-key.der
grep -q '^invalid' "$work/out" && ok || bad "changed module invalid"
expect_rc 1 "$tl" modsig verify reserved.ko --cert kernel-key.der
grep -q 'modsig.malformed' "$work/err" && ok || bad "reserved fields"
expect_rc 1 "$tl" modsig verify siglen.ko --cert kernel-key.der
grep -q 'modsig.malformed' "$work/err" && ok || bad "sig_len past the file"
# signed by a throwaway key, as sign-file does (detached PKCS#7, no attributes, no certs)
openssl req -x509 -newkey rsa:2048 -nodes -keyout throwaway.key -out throwaway.pem -subj /CN=throwaway -days 1 2>/dev/null
openssl smime -sign -nocerts -noattr -binary -md sha256 -in unsigned.ko -signer throwaway.pem \
  -inkey throwaway.key -outform DER -out throwaway.p7 || exit 2
python3 -c "
import struct
m = open('unsigned.ko','rb').read(); s = open('throwaway.p7','rb').read()
open('other.ko','wb').write(m + s + struct.pack('>BBBBB3xI', 0, 0, 2, 0, 0, len(s)) + b'~Module signature appended~\n')"
expect_rc 1 "$tl" modsig verify other.ko --cert kernel-key.der
grep -q '^unknown signer: signed by /CN=throwaway' "$work/out" && ok || bad "unknown signer"
expect_rc 0 "$tl" modsig verify other.ko --cert throwaway.pem

# --- prediction: PCR 4, 7 and 8 of the sb-on and cmdline boots, before they happened
pred() { "$tl" predict --vars "$ms" --app "$shim" --app "$grub" --app "$kernel" --app "$kernel" \
  --failed-attempts 1 --file /vmlinuz="$kernel" "$@"; }
for scenario in sb-on cmdline; do
  expect_rc 0 pred --grub-cfg "$v/boot/$scenario/grub.cfg" --json --eventlog-out "pred-$scenario.log"
  python3 - "$work/out" "$v/boot/$scenario/pcrs-sha256.txt" <<'PY' && ok || bad "$scenario: predicted PCRs"
import json, sys
d = json.load(open(sys.argv[1]))
want = dict(l.split() for l in open(sys.argv[2]) if l.strip())
got = d['pcrs']['sha256']
assert sorted(got) == ['4', '7', '8'], got            # PCR 9 needs the initrd, not kept
for p in got:
    assert got[p] == want[p], (p, got[p], want[p])
c = d['components']
assert c['secureboot']['enabled'] and c['kernel_cmdline'].startswith('/vmlinuz')
assert any('PCR 9 not predicted' in n and '/initrd.img' in n for n in d['notes'])
PY
done
# the predicted boot against the real one, by component: only the initrd (not given) and what
# the prediction does not cover (PCR 0, 5, 14) differ
expect_rc 1 "$tl" eventlog diff pred-sb-on.log "$v/boot/sb-on/eventlog.bin" --json
python3 -c "
import json; d = json.load(open('$work/out'))
assert sorted(x['component'] for x in d) == ['exit_boot_services', 'files', 'firmware.scrtm_version', 'secureboot.mok'], d
f = [x for x in d if x['component'] == 'files'][0]
assert \"'/initrd.img'\" in f['message']" && ok || bad "predicted vs real: $(cat "$work/out" | head -c 600)"
# no keys enrolled: Secure Boot off, and no authority is measured
expect_rc 0 "$tl" predict --vars "$empty" --app "$shim" --json
python3 -c "
import json; d = json.load(open('$work/out'))
assert d['components']['secureboot']['enabled'] is False and d['components']['secureboot']['authorities'] == []" && ok || bad "sb-off prediction"
expect_rc 2 "$tl" predict --vars "$ms"
expect_rc 2 "$tl" predict --vars "$ms" --app "$v/boot/sb-on/grub.cfg"

# --- hostile inputs found in review, each refused for what it is
# a SignedData whose content is id-data (not SpcIndirectDataContent) in the certificate table
printf 'AAAAAAAAAAAAAAAA' > idata.bin
openssl smime -sign -nodetach -binary -in idata.bin -signer throwaway.pem -inkey throwaway.key \
  -outform DER -out idata.p7 || exit 2
python3 - <<'PY'
import struct
b = bytearray(open('stripped.efi', 'rb').read()); s = open('idata.p7', 'rb').read()
while len(b) % 8: b.append(0)
lf = struct.unpack_from('<I', b, 0x3c)[0]; opt = lf + 24
entry = opt + (112 if struct.unpack_from('<H', b, opt)[0] == 0x20b else 96) + 4 * 8
cert = struct.pack('<IHH', 8 + len(s), 0x0200, 2) + s
while len(cert) % 8: cert += b'\0'
struct.pack_into('<II', b, entry, len(b), len(cert))
open('idata.efi', 'wb').write(bytes(b) + cert)
PY
expect_rc 2 "$tl" pe signers idata.efi
grep -q 'pe.signature_malformed' "$work/err" && ok || bad "id-data SignedData: $(cat "$work/err")"
expect_rc 2 "$tl" sb check idata.efi --db kernel-hash.esl
# two signatures, one by a signer dbx forbids: refused in either order
openssl req -x509 -newkey rsa:2048 -nodes -keyout R.key -out R.pem -subj /CN=test-root -days 2 2>/dev/null
for n in A B; do
  openssl req -newkey rsa:2048 -nodes -keyout $n.key -out $n.csr -subj /CN=signer-$n 2>/dev/null
  openssl x509 -req -in $n.csr -CA R.pem -CAkey R.key -CAcreateserial -out $n.pem -days 2 2>/dev/null
done
sbsign --key A.key --cert A.pem --output a.efi stripped.efi >/dev/null 2>&1 &&
sbsign --key B.key --cert B.pem --output ab.efi a.efi >/dev/null 2>&1 &&
sbsign --key B.key --cert B.pem --output b.efi stripped.efi >/dev/null 2>&1 &&
sbsign --key A.key --cert A.pem --output ba.efi b.efi >/dev/null 2>&1 || exit 2
python3 -c "
import struct, subprocess, uuid
t = uuid.UUID('a5c059a1-94e4-4aa7-87b5-ab155c2bf072').bytes_le
for name, pem in (('R.esl', 'R.pem'), ('B.esl', 'B.pem')):
    d = subprocess.run(['openssl', 'x509', '-in', pem, '-outform', 'DER'], capture_output=True).stdout
    open(name, 'wb').write(t + struct.pack('<III', 28 + 16 + len(d), 0, 16 + len(d)) + bytes(16) + d)"
expect_rc 0 "$tl" sb check a.efi --db R.esl --dbx B.esl
refused sb.signer_in_dbx "$tl" sb check ab.efi --db R.esl --dbx B.esl
refused sb.signer_in_dbx "$tl" sb check ba.efi --db R.esl --dbx B.esl
expect_rc 0 "$tl" sb check ab.efi --db R.esl
# a variable store holding db twice (a forged second copy): refused, not a choice
python3 - "$ms" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
hlen = struct.unpack_from('<H', b, 48)[0]; pos = hlen + 28; copy = None
db = 'db'.encode('utf-16le') + b'\0\0'
while struct.unpack_from('<H', b, pos)[0] == 0x55AA:
    ns, ds = struct.unpack_from('<II', b, pos + 36)
    end = pos + 60 + ns + ds
    if b[pos + 2] == 0x3F and bytes(b[pos + 60: pos + 60 + ns]) == db:
        copy = bytes(b[pos:end])
    pos = (end + 3) & ~3
b[pos: pos + len(copy)] = copy
open('dup-db.fd', 'wb').write(b)
PY
expect_rc 2 "$tl" sb check "$shim" --vars dup-db.fd
grep -q 'sb.varstore_malformed' "$work/err" && ok || bad "duplicate db: $(cat "$work/err")"
# GRUB without its .sbat section, once an SbatLevel applies
python3 -c "
b = bytearray(open('$grub', 'rb').read()); i = b.find(b'.sbat\0\0\0'); b[i:i+5] = b'.xbat'
open('nosbat.efi', 'wb').write(b)"
python3 -c "
import struct, uuid
h = bytes.fromhex('$("$tl" pe digest nosbat.efi | cut -d' ' -f1)')
t = uuid.UUID('c1c41626-504c-4092-aca9-41f936934328').bytes_le
open('nosbat.esl', 'wb').write(t + struct.pack('<III', 28 + 48, 0, 48) + bytes(16) + h)"
expect_rc 0 "$tl" sb check nosbat.efi --db nosbat.esl
refused sb.sbat_revoked "$tl" sb check nosbat.efi --db nosbat.esl --sbat-level level-ok
grep -q 'no .sbat section' "$work/err" && ok || bad "missing .sbat named"
# a menu entry without a title
printf 'menuentry "" {\n linux /vmlinuz ro\n}\n' > notitle.cfg
expect_rc 0 "$tl" predict --vars "$ms" --app "$shim" --grub-cfg notitle.cfg --file /vmlinuz="$kernel" --eventlog-out notitle.log
"$tl" eventlog show notitle.log | grep -q 'grub_cmd: setparams *$' && ok || bad "empty title"

# revocation currency of the real shim 16.1 (shim,4) and GRUB 2.06-13+deb12u2 (grub,5): both
# at the newest SbatLevel generation's components, neither in Microsoft's current dbx
expect_rc 1 "$tl" revocations check --json --eventlog "$v/boot/sb-on/eventlog.bin" \
  --image "$shim" --image "$grub" --dbx-info "$v/revocations/dbx_info_msft_latest.json" \
  --sbat-levels "$v/revocations/SbatLevel_Variable.txt"
python3 -c "import json; d=json.load(open('$work/out'))
assert d['boot_apps']['checked'] == 6 and d['boot_apps']['revoked'] == []
assert d['sbat']['components_revoked'] == []" && ok || bad "real shim and GRUB not revoked"
# the same GRUB against a level that wants grub,6: named as revoked
printf 'sbat,1,2099010100\nshim,4\ngrub,6\n\n' > future-levels.txt
expect_rc 1 "$tl" revocations check --json --vars "$ms" --image "$grub" \
  --dbx-info "$v/revocations/dbx_info_msft_latest.json" --sbat-levels future-levels.txt
python3 -c "import json; d=json.load(open('$work/out'))
assert d['sbat']['components_revoked'] == [{'image': 'grubx64.efi.signed', 'component': 'grub', 'generation': 5, 'required': 6}]
assert 'revocation.component_revoked' in [r['code'] for r in d['recommendation']['reasons']]" &&
  ok || bad "GRUB below a future level"

# not a PE
expect_rc 2 "$tl" pe digest "$v/boot/sb-on/grub.cfg"
grep -q 'pe.not_pe' "$work/err" && ok || bad "not a PE"
finish
