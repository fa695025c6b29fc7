#!/usr/bin/env bash
# The `tl eventlog` contract: outputs, JSON shapes and exit codes on real logs.
set -uo pipefail
tl=${TL_BIN:?} v=${TL_VECTORS:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok()   { passes=$((passes + 1)); }
bad()  { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect_rc WANT CMD...: runs CMD, checks its exit code
expect_rc() { local want=$1; shift; "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [[ $rc == "$want" ]] && ok || bad "exit $rc, wanted $want: $* ($(head -c 300 "$tmp/err"))"; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); $1" || bad "json check: $1"; }

on=$v/boot/sb-on/eventlog.bin cmd=$v/boot/cmdline/eventlog.bin

# replay
expect_rc 0 "$tl" eventlog replay "$on"
grep -q '^sha256:7 75677db6f14082d3bfec4d14bdd75c8d72612ef6914ca99cd5a5997b7a21309d$' "$tmp/out" && ok || bad "replay text"
expect_rc 0 "$tl" eventlog replay "$on" --json
json "assert set(d['banks']['sha256']) == {'0','1','2','3','4','5','6','7','8','9','14'}"
expect_rc 0 "$tl" eventlog replay "$on" --expect "$v/boot/sb-on/pcrs-sha256.txt" --pcrs 0-9,14
# PCR 10 holds IMA measurements, which are not in the TCG log: named as the mismatch
expect_rc 1 "$tl" eventlog replay "$on" --expect "$v/boot/sb-on/pcrs-sha256.txt"
grep -q '^mismatch: sha256:10 ' "$tmp/err" && [[ $(grep -c mismatch "$tmp/err") == 1 ]] && ok || bad "PCR 10 named"
# the cmdline boot against sb-on's PCRs: exactly PCR 8 and 9 differ
expect_rc 1 "$tl" eventlog replay "$cmd" --expect "$v/boot/sb-on/pcrs-sha256.txt" --pcrs 0-9,14
[[ $(grep -o 'sha256:[0-9]*' "$tmp/err" | tr '\n' ' ') == "sha256:8 sha256:9 " ]] && ok || bad "only 8 and 9 differ: $(cat "$tmp/err")"
printf 'sha256:0 %s\n# comment\n\n0 %s\n' "$(printf 'ab%.0s' {1..32})" "$(printf 'ab%.0s' {1..32})" > "$tmp/wrong"
expect_rc 1 "$tl" eventlog replay "$on" --expect "$tmp/wrong"
echo "sha256:0 nothex" > "$tmp/garbage"
expect_rc 2 "$tl" eventlog replay "$on" --expect "$tmp/garbage"
grep -q "not a '\[BANK:\]INDEX HEX' line" "$tmp/err" && ok || bad "garbage expect named"
expect_rc 2 "$tl" eventlog replay "$on" --pcrs 0-99

# facts
expect_rc 0 "$tl" eventlog facts "$on" --json
json "assert d['secureboot']['enabled'] is True and d['valid'] is True"
json "assert d['kernel_cmdline'] == '/vmlinuz console=ttyS0 panic=-1 rdinit=/init'"
json "assert [a['digests']['sha256'][:8] for a in d['efi_apps']] == ['80a66d53','a68f6d71','5f21ff2c','5f21ff2c']"
json "assert d['secureboot']['sbat_level'].startswith('sbat,1,')"
json "assert any('Microsoft Corporation UEFI CA 2011' in a['subject'] for a in d['secureboot']['authorities'])"
expect_rc 0 "$tl" eventlog facts "$cmd"
grep -q '^Kernel cmdline   /vmlinuz console=ttyS0 panic=-1 rdinit=/init tl.extra=1$' "$tmp/out" && ok || bad "cmdline shown"
# facts only from PCRs that replay to the expected values
expect_rc 1 "$tl" eventlog facts "$cmd" --json --expect "$v/boot/sb-on/pcrs-sha256.txt"
json "assert d['kernel_cmdline'] is None and {r['pcr'] for r in d['reasons']} == {8, 9}"
json "assert all(r['code'] == 'tcglog.pcr_not_trusted' for r in d['reasons'])"
# the workstation's zero-length SecureBoot variable: a clear reason, exit 1
expect_rc 1 "$tl" eventlog facts "$v/gce/eventlogs/arch-linux-workstation.bin"
grep -q 'sb.secureboot_length' "$tmp/out" && ok || bad "secureboot_length shown"
# a SHA-1-only log works
expect_rc 0 "$tl" eventlog facts "$v/gce/eventlogs/debian-10.bin" --json
json "assert d['banks'] == ['sha1'] and d['secureboot']['enabled'] is True and d['exit_boot_services'] is False"

# diff: the cmdline boot against sb-on names the extra kernel argument
expect_rc 1 "$tl" eventlog diff "$on" "$cmd"
grep -q "^kernel_cmdline  *kernel command line changed: added 'tl.extra=1'$" "$tmp/out" && ok || bad "diff names tl.extra=1: $(cat "$tmp/out")"
grep -qE '^(secureboot|efi_apps|firmware)' "$tmp/out" && bad "diff: only GRUB commands, cmdline and files differ" || ok
expect_rc 1 "$tl" eventlog diff "$on" "$cmd" --json
json "assert sorted(x['component'] for x in d) == ['files', 'grub_commands', 'kernel_cmdline']"
expect_rc 0 "$tl" eventlog diff "$on" "$on"
expect_rc 1 "$tl" eventlog diff "$v/gce/eventlogs/ubuntu-2104-no-dbx.bin" "$v/gce/eventlogs/rhel8-uefi.bin"
grep -q "Secure Boot state changed from off to on" "$tmp/out" && ok || bad "diff secure boot"

# show and json
expect_rc 0 "$tl" eventlog show "$on"
grep -q 'EV_EFI_VARIABLE_DRIVER_CONFIG *ccfc4bb32888a345  SecureBoot = enabled' "$tmp/out" && ok || bad "show SecureBoot"
grep -q 'kernel_cmdline: /vmlinuz console=ttyS0' "$tmp/out" && ok || bad "show cmdline"
expect_rc 0 "$tl" eventlog json "$v/gce/eventlogs/eventlogwithsp800155.bin"
json "assert any(e['data'].get('kind') == 'sp800-155' for e in d['events'])"
json "assert d['format'] == 'crypto-agile' and d['banks'] == ['sha1','sha256','sha384']"

# bad input: one line on stderr naming the reason, exit 2
: > "$tmp/empty"
expect_rc 2 "$tl" eventlog show "$tmp/empty"
grep -q 'tcglog.empty' "$tmp/err" && [[ $(wc -l < "$tmp/err") == 1 ]] && ok || bad "empty log reason"
head -c 1000 "$on" > "$tmp/cut"
expect_rc 2 "$tl" eventlog replay "$tmp/cut"
grep -q 'tcglog.event_size) at offset' "$tmp/err" && ok || bad "truncated log reason: $(cat "$tmp/err")"
expect_rc 2 "$tl" eventlog show "$tmp/does-not-exist"
head -c $((4 * 1024 * 1024 + 1)) /dev/zero > "$tmp/huge"
expect_rc 2 "$tl" eventlog facts "$tmp/huge"
grep -q 'tcglog.too_large' "$tmp/err" && ok || bad "too large: $(cat "$tmp/err")"
expect_rc 2 "$tl" eventlog replay
expect_rc 2 "$tl" eventlog frobnicate
expect_rc 0 "$tl" eventlog --help
grep -q 'replay' "$tmp/out" && ok || bad "help lists replay"
for c in show json replay facts; do expect_rc 0 "$tl" eventlog $c --help; done

# text from a log reaches the terminal escaped: a right-to-left override (U+202E) in place of
# the "B" of the real log's \BOOT\ device paths (UTF-16, the same length: the log still
# parses, and the digests, of the images, still bind the boot applications)
python3 -c "import sys; d = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(d.replace('\\\\BOOT\\\\'.encode('utf-16-le'), '\\\\\u202eOOT\\\\'.encode('utf-16-le')))" "$on" "$tmp/rlo.bin"
for c in show facts; do
  expect_rc 0 "$tl" eventlog $c "$tmp/rlo.bin"
  LC_ALL=C grep -q $'\xe2\x80\xae' "$tmp/out" && bad "eventlog $c: a raw U+202E reached the terminal" || ok
  grep -qF '\EFI\\u202eOOT\grubx64.efi' "$tmp/out" && ok || bad "eventlog $c: no \\u202e: $(grep -a grubx64 "$tmp/out")"
done
expect_rc 0 "$tl" eventlog facts "$tmp/rlo.bin" --json   # JSON keeps the text as it is
json "assert '\\\\EFI\\\\\u202eOOT\\\\grubx64.efi' in [a['path'] for a in d['efi_apps']], d['efi_apps']"

echo "$passes passed, $fails failed"
[[ $fails == 0 ]]
