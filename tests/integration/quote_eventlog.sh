#!/usr/bin/env bash
# A real boot's event log replayed into a real TPM (swtpm), quoted with tpm2-tools: the log
# replays to the quoted PCRs and gives facts; another boot's log does not, and the PCR is
# named.
here=$(dirname "$0"); . "$here/lib.sh"
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
start_swtpm sha256
cd "$work"
on=$v/boot/sb-on/eventlog.bin cmd=$v/boot/cmdline/eventlog.bin

# extend every sha256 digest of the sb-on log into its PCR, as firmware did
"$tl" eventlog json "$on" > events.json || exit 2
python3 - > extends.txt <<'PY'
import json
for e in json.load(open('events.json'))['events']:
    if e['type_name'] != 'EV_NO_ACTION':
        print(f"{e['pcr']}:sha256={e['digests']['sha256']}")
PY
while read -r ext; do tpm tpm2_pcrextend "$ext"; done < extends.txt

tpm tpm2_createek -c ek.ctx -G rsa -u ek.pub
tpm tpm2_createak -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa -u ak.pub -n ak.name
n=$(nonce)
tpm tpm2_quote -c ak.ctx -l sha256:0,1,2,3,4,5,6,7,8,9,14 -q "$n" -m q.msg -s q.sig -o q.pcrs -F values -g sha256

expect_rc 0 "$tl" quote verify --ak ak.pub --attest q.msg --sig q.sig --nonce "$n" --pcrs q.pcrs --eventlog "$on" --json
python3 - "$work/out" <<'PY' && ok || bad "facts from a log that replays"
import json, sys
d = json.load(open(sys.argv[1]))
assert d['verdict'] == 'genuine'
f = d['facts']
assert f['valid'] and f['secureboot']['enabled']
assert f['kernel_cmdline'] == '/vmlinuz console=ttyS0 panic=-1 rdinit=/init'
assert f['trusted_pcrs'] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14]
PY
# the quoted PCRs equal what the guest read after that boot (PCRs 0-9 and 14)
python3 - "$v/boot/sb-on/pcrs-sha256.txt" "$work/q.pcrs" <<'PY' && ok || bad "swtpm PCRs equal the guest's"
import sys
want = dict(l.split() for l in open(sys.argv[1]) if l.strip())
raw = open(sys.argv[2], 'rb').read()
for i, p in enumerate([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14]):
    assert raw[32*i:32*i+32].hex() == want[str(p)], p
PY
# another boot's log (one more kernel argument) against this quote: PCR 8 is named
refused quote.eventlog_mismatch "$tl" quote verify --ak ak.pub --attest q.msg --sig q.sig --nonce "$n" --pcrs q.pcrs --eventlog "$cmd"
grep -q 'refused: sha256:8 does not replay' "$work/err" && ok || bad "PCR 8 named: $(cat "$work/err")"

finish
