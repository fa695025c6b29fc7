#!/usr/bin/env bash
# The `tl revocations` contract on the shared real logs and Debian's OVMF stores: which of
# them lack which revocations of Microsoft's current dbx and shim's newest SbatLevel (each
# count was worked out by hand from the log's facts and dbx_info_msft_latest.json), the exit
# codes, and hostile revocation files refused with their own codes.
set -uo pipefail
tl=${TL_BIN:?} v=${TL_VECTORS:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok()   { passes=$((passes + 1)); }
bad()  { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect_rc() { local want=$1; shift; "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [[ $rc == "$want" ]] && ok || bad "exit $rc, wanted $want: $* ($(head -c 300 "$tmp/err"))"; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); $1" || bad "json check ($2): $1"; }
export TL_REVOCATIONS_DIR=$v/revocations

expect_rc 0 "$tl" revocations --help
expect_rc 0 "$tl" revocations check --help
grep -q -- '--dbx-update FILE' "$tmp/out" && grep -q 'exit: 0 current' "$tmp/out" && ok || bad "check --help"
expect_rc 2 "$tl" revocations check
expect_rc 2 "$tl" revocations check --eventlog a --vars b

# log | exit | status | Secure Boot | present | missing of the update | revoked app | SbatLevel
while read -r log rc status sb present missing app sbat; do
  expect_rc "$rc" "$tl" revocations check --json --eventlog "$v/$log"
  json "r=d['recommendation']; assert r['status'] == '$status', r; assert d['secure_boot'] == $sb
x=d['dbx']; assert (x['present'], x['missing_update']) == ($present, $missing), (x['present'], x['missing_update'])
apps=[a['path'].split('\\\\')[-1] for a in d['boot_apps']['revoked']]; assert apps == ([] if '$app' == '-' else ['$app']), apps
lv=d['sbat']['vm_level']; assert (lv['datestamp'] if lv else '-') == '$sbat', lv" "$log"
done <<'TABLE'
boot/sb-on/eventlog.bin                                1 unhealthy      True  0   443 -           2025021800
boot/cmdline/eventlog.bin                              1 unhealthy      True  0   443 -           2025021800
gce/eventlogs/rhel8-uefi.bin                           1 unhealthy      True  183 260 shimx64.efi -
gce/eventlogs/debian-10.bin                            1 unhealthy      True  183 260 -           -
gce/eventlogs/cos-85-amd-sev.bin                       1 unhealthy      True  0   443 -           -
gce/eventlogs/cos-93-amd-sev.bin                       1 unhealthy      True  0   443 -           -
gce/eventlogs/cos-101-amd-sev.bin                      1 unhealthy      True  0   443 -           2021030218
gce/eventlogs/confidential-gke-debug-251000_eventlog.bin 1 unhealthy    True  0   443 -           2021030218
gce/eventlogs/eventlogwithsp800155.bin                 1 unhealthy      True  0   443 -           2021030218
gce/eventlogs/ubuntu-2404-amd-sevsnp.bin               0 not_applicable False 371 72 -           2021030218
gce/eventlogs/gdc-host.bin                             0 not_applicable False 371 72 -           2021030218
gce/eventlogs/ubuntu-1804-amd-sev.bin                  0 not_applicable False 27  416 shimx64.efi -
gce/eventlogs/ubuntu-2104-no-secure-boot.bin           0 not_applicable False 183 260 -           2021030218
gce/eventlogs/ubuntu-2104-no-dbx.bin                   0 not_applicable False 0   443 -           2021030218
gce/eventlogs/glinux-alex.bin                          0 not_applicable False 27  416 -           -
gce/eventlogs/arch-linux-workstation.bin               0 not_applicable False 27  416 -           -
TABLE

# which revocations sb-on lacks, by name and date: BootHole (151 of 2020-07-01), BlackLotus
# (151 optional boot managers of 2023-05-01), and the SbatLevel generation 2025051000
expect_rc 1 "$tl" revocations check --json --eventlog "$v/boot/sb-on/eventlog.bin"
json "g=d['dbx']['missing_groups']
def n(date, name): return sum(x['count'] for x in g if x['date'] == date and x.get('name') == name)
assert n('2020-07-01', 'BootHole') == 151 and n('2023-05-01', 'BlackLotus') == 151, g
assert d['dbx']['missing_optional'] == 154 and d['dbx']['missing_staged'] == 4
assert [m['datestamp'] for m in d['sbat']['missing_generations']] == ['2025051000']
assert d['sbat']['newest']['components'] == {'shim': 4, 'grub': 5, 'grub.proxmox': 2}
assert [r['code'] for r in d['recommendation']['reasons']] == ['revocation.dbx_missing', 'revocation.sbat_level_behind']" sb-on
expect_rc 1 "$tl" revocations check --eventlog "$v/boot/sb-on/eventlog.bin"
grep -q '^revocations-current: unhealthy' "$tmp/out" && grep -q 'lacks 2020-07-01  151  BootHole' "$tmp/out" &&
  grep -q 'lacks 2025051000 (shim 4, grub 5, grub.proxmox 2)' "$tmp/out" && ok || bad "sb-on text"
# RHEL 8: the shim it booted is revoked by the dbx of 2021-04-01, which its own dbx lacks
expect_rc 1 "$tl" revocations check --eventlog "$v/gce/eventlogs/rhel8-uefi.bin"
grep -q 'revoked 40d6cae029737890.*shimx64.efi (added 2021-04-01: CVE-2020-14372.*the VM.s dbx allowed it' "$tmp/out" &&
  ok || bad "rhel8 revoked shim text"
# SBAT alone (the dbx files absent from the directory are skipped): COS 101 holds the
# initial SbatLevel 2021030218 and lacks all ten later generations
mkdir "$tmp/sbatonly"; cp "$v/revocations/SbatLevel_Variable.txt" "$tmp/sbatonly/"
TL_REVOCATIONS_DIR=$tmp/sbatonly expect_rc 1 "$tl" revocations check --json \
  --eventlog "$v/gce/eventlogs/cos-101-amd-sev.bin"
json "assert not d['dbx']['checked'] and 'current_list' not in d['dbx']
assert len(d['sbat']['missing_generations']) == 10 and d['sbat']['current'] is False
assert [r['code'] for r in d['recommendation']['reasons']] == ['revocation.sbat_level_behind']" sbat-only

# Debian's OVMF stores
expect_rc 1 "$tl" revocations check --json --vars /usr/share/OVMF/OVMF_VARS_4M.ms.fd
json "assert d['secure_boot'] and d['dbx']['vm']['sha256'] == 1 and d['dbx']['present'] == 0
assert d['dbx']['missing_update'] == 443 and d['sbat']['vm_level'] is None
assert d['dbx']['vm']['kek_accepts_update'] is True" ovmf-ms
expect_rc 1 "$tl" revocations check --json --vars /usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
json "assert d['dbx']['vm']['kek_accepts_update'] is False" ovmf-snakeoil
expect_rc 0 "$tl" revocations check --json --vars /usr/share/OVMF/OVMF_VARS_4M.fd
json "assert d['recommendation']['status'] == 'not_applicable' and not d['secure_boot']" ovmf-nokeys

# the data alone
expect_rc 0 "$tl" revocations show --json
json "assert d['dbx']['entries'] == 447 and d['dbx']['update_time'] == '2010-03-06T19:17:21'
assert len(d['sbat_generations']) == 11 and d['sbat_newest']['datestamp'] == '2025051000'" show
expect_rc 0 "$tl" revocations show
grep -q '^SbatLevel newest 2025051000' "$tmp/out" && ok || bad "show text"

# the update's signature, as firmware checks it, under Microsoft's KEK CA 2011 (and not under
# the UEFI CA)
k=$v/certs/secure-boot
expect_rc 0 "$tl" revocations show --json --kek "$k/MicCorKEKCA2011_2011-06-24.crt"
json "assert d['dbx']['update_signature_verified'] is True" kek
expect_rc 2 "$tl" revocations check --eventlog "$v/boot/sb-on/eventlog.bin" --kek "$k/MicCorUEFCA2011_2011-06-27.crt"
grep -q 'revocation.dbx_update_signature' "$tmp/err" && ok || bad "wrong KEK refused"
expect_rc 1 "$tl" revocations check --json --eventlog "$v/boot/sb-on/eventlog.bin" --kek "$k/MicCorKEKCA2011_2011-06-24.crt"
json "assert d['dbx']['current_list']['update_signature_verified'] is True" kek-check

# hostile or unusable revocation files: exit 2 with the reason's code
head -c 3000 "$v/revocations/DBXUpdate-amd64.bin" > "$tmp/short.bin"
expect_rc 2 "$tl" revocations check --eventlog "$v/boot/sb-on/eventlog.bin" --dbx-update "$tmp/short.bin"
grep -q 'revocation.dbx_update_malformed' "$tmp/err" && ok || bad "short update"
head -c 5000 "$v/revocations/DBXUpdate-amd64.bin" > "$tmp/cut.bin"
expect_rc 2 "$tl" revocations check --eventlog "$v/boot/sb-on/eventlog.bin" --dbx-update "$tmp/cut.bin"
grep -q 'revocation.dbx_update_lists' "$tmp/err" && ok || bad "cut update lists"
echo '{"images":{"x64":[]},"more":[]}' > "$tmp/extra.json"
expect_rc 2 "$tl" revocations show --dbx-info "$tmp/extra.json"
grep -q 'revocation.dbx_info_malformed' "$tmp/err" && ok || bad "unknown member"
printf 'sbat,1,2021030218\ngrub\n' > "$tmp/levels.txt"
expect_rc 2 "$tl" revocations show --sbat-levels "$tmp/levels.txt"
grep -q 'revocation.sbat_levels_malformed' "$tmp/err" && ok || bad "bad SbatLevel row"
expect_rc 2 "$tl" revocations check --eventlog "$v/boot/sb-on/eventlog.bin" --dbx-info "$tmp/missing.json"
expect_rc 2 "$tl" revocations check --eventlog "$v/boot/sb-on/eventlog.bin" --arch X64
grep -q "no images of the architecture 'X64'" "$tmp/err" && ok || bad "unknown arch refused"
TL_REVOCATIONS_DIR=$tmp/empty expect_rc 2 "$tl" revocations show
grep -q 'no revocation data' "$tmp/err" && ok || bad "no data named"

echo "revocations: $passes passed, $fails failed"
[[ $fails == 0 ]]
