#!/usr/bin/env bash
# A real Windows Server VM (windows/gcp-shielded-vm.json): `tl eventlog facts` shows its
# Windows boot configuration, `tl quote verify` accepts its quote with its AK and log.
set -uo pipefail
tl=${TL_BIN:?} v=${TL_VECTORS:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok()   { passes=$((passes + 1)); }
bad()  { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect_rc() { local want=$1; shift; "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [[ $rc == "$want" ]] && ok || bad "exit $rc, wanted $want: $* ($(head -c 300 "$tmp/err"))"; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); $1" || bad "json check: $1"; }

# the vector's parts as the files tpm2-tools would write: the AK is a TPMT_PUBLIC, so it is
# given the TPM2B_PUBLIC size prefix; PCRs as 'sha1:INDEX HEX' lines
python3 - "$v/windows/gcp-shielded-vm.json" "$tmp" <<'PY' || bad "vector split"
import base64, json, struct, sys
j = json.load(open(sys.argv[1])); d = sys.argv[2]
pub = base64.b64decode(j['AK']['Public'])
open(d + '/ak.pub', 'wb').write(struct.pack('>H', len(pub)) + pub)
open(d + '/ak.tpmt', 'wb').write(pub)
open(d + '/quote.msg', 'wb').write(base64.b64decode(j['Quote']['Quote']))
open(d + '/quote.sig', 'wb').write(base64.b64decode(j['Quote']['Signature']))
open(d + '/log.bin', 'wb').write(base64.b64decode(j['Log']['Raw']))
with open(d + '/pcrs.txt', 'w') as f:
    for e in sorted(j['Log']['PCRs'], key=lambda e: e['Index']):
        assert e['DigestAlg'] == 3
        f.write('sha1:%d %s\n' % (e['Index'], base64.b64decode(e['Digest']).hex()))
PY
log=$tmp/log.bin

# replay: every PCR the log extends is the value read from the TPM
expect_rc 0 "$tl" eventlog replay "$log" --expect "$tmp/pcrs.txt" --pcrs 0-23

# facts: Windows' own PCR 12-14 structure breaks no rule; VBS off is a reason with its
# component; the firmware measured no separator into PCR 0-6 (a PCR 0-7 rule)
expect_rc 1 "$tl" eventlog facts "$log" --json
json "assert d['windows']['boot_count'] == 4 and d['windows']['boot_type'] == 'cold'"
json "assert d['windows']['kernel_debugging'] is False and d['windows']['test_signing'] is False"
json "assert d['windows']['code_integrity'] is True and d['windows']['vbs']['enabled'] is False"
json "assert [e['name'] for e in d['windows']['elam_drivers']] == ['Windows Defender']"
json "assert len(d['windows']['loaded_modules']) == 64"
json "assert {r['code'] for r in d['reasons']} == {'windows.vbs_off', 'tcglog.separator_missing'}"
json "assert [r.get('component') for r in d['reasons'] if r['code'] == 'windows.vbs_off'] == ['windows.vbs.enabled']"
json "assert sorted(r['detail'] for r in d['reasons'] if r['code'] == 'tcglog.separator_missing') == ['PCR %d' % i for i in range(7)]"
expect_rc 1 "$tl" eventlog facts "$log"
grep -q '^Windows          boot count 4, cold boot, system root \\Windows$' "$tmp/out" && ok || bad "Windows line: $(grep -A3 ^Windows "$tmp/out")"
grep -q '^  VBS            OFF;' "$tmp/out" && ok || bad "VBS off shown"
grep -q 'windows.vbs_off' "$tmp/out" && ok || bad "vbs_off reason shown"
grep -q 'tcglog.separator_data' "$tmp/out" && bad "WBCL separators flagged" || ok
grep -q '^  boot modules   44e1ea32b24a0488  \\Windows\\system32\\winload.efi (Microsoft Windows)$' "$tmp/out" && ok || bad "winload shown"

# show and json: Windows' event tags decoded as SIPA events
expect_rc 0 "$tl" eventlog show "$log"
grep -qE '^ +15  13  EV_EVENT_TAG +d8f11c636a61f54d  Windows SIPA SIPAEVENT_TRUSTBOUNDARY \(656 events\)$' "$tmp/out" && ok || bad "SIPA summary: $(grep EV_EVENT_TAG "$tmp/out")"
expect_rc 0 "$tl" eventlog json "$log"
json "e = d['events'][11]['data']['sipa'][0]; assert e['name'] == 'SIPAEVENT_TRUSTBOUNDARY' and e['events'][0] == {'type': '0x00020002', 'name': 'SIPAEVENT_BOOTCOUNTER', 'hex': '0400000000000000'}"

# the quote: genuine with its AK, SHA-1 allowed, no nonce (the vector has none)
q=(quote verify --ak "$tmp/ak.pub" --attest "$tmp/quote.msg" --sig "$tmp/quote.sig" --pcrs "$tmp/pcrs.txt")
expect_rc 0 "$tl" "${q[@]}" --no-nonce --allow-sha1 --eventlog "$log"
grep -q '^genuine: TPM quote, NO NONCE (not fresh), ' "$tmp/out" && ok || bad "genuine text: $(cat "$tmp/out")"
grep -q '^warning: no nonce' "$tmp/err" && ok || bad "no-nonce warning"
expect_rc 0 "$tl" "${q[@]}" --no-nonce --allow-sha1 --eventlog "$log" --json
json "assert d['verdict'] == 'genuine' and d['fresh'] is False and d['pcr_select'] == {'sha1': list(range(24))}"
json "assert d['facts']['windows']['boot_count'] == 4 and d['facts']['trusted_pcrs'] == list(range(24))"
expect_rc 1 "$tl" "${q[@]}" --no-nonce
grep -q 'quote.sha1_not_allowed' "$tmp/err" && ok || bad "SHA-1 refused without --allow-sha1"
expect_rc 1 "$tl" "${q[@]}" --nonce 00 --allow-sha1
grep -q 'quote.nonce_mismatch' "$tmp/err" && ok || bad "a nonce asked for and missing"
expect_rc 2 "$tl" "${q[@]}" --allow-sha1
expect_rc 2 "$tl" "${q[@]}" --allow-sha1 --nonce 00 --no-nonce
# the TPMT_PUBLIC as it is in the vector, without the size: not a TPM2B_PUBLIC
expect_rc 2 "$tl" quote verify --ak "$tmp/ak.tpmt" --attest "$tmp/quote.msg" --sig "$tmp/quote.sig" --no-nonce --allow-sha1
# a PCR value changed: the signed digest no longer matches
sed 's/^sha1:12 ./sha1:12 f/' "$tmp/pcrs.txt" > "$tmp/pcrs-bad.txt"
cmp -s "$tmp/pcrs.txt" "$tmp/pcrs-bad.txt" && sed -i 's/^sha1:12 ./sha1:12 0/' "$tmp/pcrs-bad.txt"
expect_rc 1 "$tl" quote verify --ak "$tmp/ak.pub" --attest "$tmp/quote.msg" --sig "$tmp/quote.sig" --pcrs "$tmp/pcrs-bad.txt" --no-nonce --allow-sha1
grep -q 'quote.pcr_digest_mismatch' "$tmp/err" && ok || bad "changed PCR refused"

echo "cli/windows: $passes passed, $fails failed"
[[ $fails == 0 ]]
