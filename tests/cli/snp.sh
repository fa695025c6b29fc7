#!/usr/bin/env bash
# The `tl snp verify` and `tl cvm verify` contract on the real SEV-SNP vectors: verdicts,
# reason codes on stderr and in the JSON, exit codes.
set -uo pipefail
tl=${TL_BIN:?} v=${TL_VECTORS:?}/cvm
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok()   { passes=$((passes + 1)); }
bad()  { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect_rc() { local want=$1; shift; "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [[ $rc == "$want" ]] && ok || bad "exit $rc, wanted $want: $* ($(head -c 300 "$tmp/err"))"; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); $1" || bad "json check: $1"; }
reason() { grep -q "^refused: $1: " "$tmp/err" && ok || bad "reason $1: $(cat "$tmp/err")"; }

roots=$v/amd-roots rep=$v/snp/test-report.bin vcek=$v/snp/test-vcek.der
vlek_valid=1748736000  # 2025-06-01, inside the VLEK's validity

# help answers
expect_rc 0 "$tl" snp verify --help
grep -q 'exit: 0 genuine, 1 refused' "$tmp/out" && ok || bad "snp help"
expect_rc 0 "$tl" cvm verify --help
grep -q 'tdx.not_verifiable' "$tmp/out" && ok || bad "cvm help names TDX"

# the raw Milan report: genuine, with the roots as a directory or one file
expect_rc 0 "$tl" snp verify --report "$rep" --vcek "$vcek" --ca "$roots"
grep -q '^genuine: SEV-SNP report v2 signed by the VCEK of a Milan' "$tmp/out" && ok || bad "text"
expect_rc 0 "$tl" snp verify --report "$rep" --vcek "$vcek" --ca "$roots/milan_ask_ark_asvk.pem" --json
json "assert d['verdict'] == 'genuine' and d['signature_verified'] is True"
json "assert d['certificate']['generation'] == 'Milan' and d['certificate']['product'] == 'Milan-B0'"
json "assert d['report']['reported_tcb'] == {'raw': '7308000000000003', 'boot_loader': 3, 'tee': 0, 'snp': 8, 'microcode': 115}"
json "assert d['report']['policy']['debug'] is False and d['report']['vmpl'] == 0"
TL_AMD_ROOTS=$roots expect_rc 0 "$tl" snp verify --report "$rep" --vcek "$vcek"

# refusals, each with its own reason
head -c 144 "$rep" > "$tmp/flip"; printf '\x01' >> "$tmp/flip"; tail -c +146 "$rep" >> "$tmp/flip"
expect_rc 1 "$tl" snp verify --report "$tmp/flip" --vcek "$vcek" --ca "$roots" --json
json "assert d['reason']['code'] == 'snp.signature_invalid' and d['signature_verified'] is False"
for bad_vcek in "$v"/snp/test-vcek-invalid-legacy.der "$v"/snp/test-vcek-invalid-new.der; do
  expect_rc 1 "$tl" snp verify --report "$rep" --vcek "$bad_vcek" --ca "$roots"
  reason snp.cert_untrusted
done
expect_rc 1 "$tl" snp verify --report "$rep" --vcek "$vcek" --ca "$roots/genoa_ask_ark_asvk.pem"
reason snp.wrong_generation
expect_rc 1 "$tl" snp verify --report "$v/snp/test-vlek-report.bin" --vcek "$v/snp/test-vlek.der" --ca "$roots"
reason snp.cert_expired
expect_rc 1 "$tl" snp verify --report "$v/snp/test-vlek-report.bin" --vcek "$v/snp/test-vlek.der" --ca "$roots" --at $vlek_valid
reason snp.vmpl_not_zero
expect_rc 0 "$tl" snp verify --report "$v/snp/test-vlek-report.bin" --vcek "$v/snp/test-vlek.der" --ca "$roots" --at $vlek_valid --max-vmpl 1
expect_rc 1 "$tl" snp verify --report "$rep" --vcek "$vcek" --ca "$roots" --forbid-smt
reason snp.smt_allowed
expect_rc 1 "$tl" snp verify --report "$rep" --vcek "$vcek" --ca "$roots" --min-tcb 3:0:9:0
reason snp.tcb_below_minimum
grep -q 'snp 8, minimum 9' "$tmp/err" && ok || bad "tcb detail"

# unusable input
head -c 1000 "$rep" > "$tmp/short"
expect_rc 2 "$tl" snp verify --report "$tmp/short" --vcek "$vcek" --ca "$roots"
expect_rc 2 "$tl" snp verify --report "$rep" --vcek "$rep" --ca "$roots"
expect_rc 2 "$tl" snp verify --report "$rep" --vcek "$vcek" --ca "$tmp/short"
expect_rc 2 "$tl" snp verify --report "$rep" --ca "$roots"
expect_rc 2 "$tl" snp verify --report "$rep" --vcek "$vcek" --ca "$roots" --max-vmpl 9

# the Azure confidential VM: HCL report, runtime data, quote by the AK it names
ev=$v/az-snp-vtpm/evidence-genoa.json
python3 - "$ev" "$tmp" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); t = sys.argv[2]
open(t + '/hcl.bin', 'wb').write(bytes(d['report']))
m = bytes(d['quote']['message']); open(t + '/msg.bin', 'wb').write(m)
s = bytes(d['quote']['signature'])
open(t + '/sig.bin', 'wb').write(b'\x00\x14\x00\x0b' + len(s).to_bytes(2, 'big') + s)
open(t + '/pcrs.bin', 'wb').write(b''.join(bytes(p) for p in d['quote']['pcrs']))
open(t + '/vcek.pem', 'w').write(d['vcek'])
n = int.from_bytes(m[6:8], 'big'); o = 8 + n; e = int.from_bytes(m[o:o + 2], 'big')
open(t + '/nonce', 'w').write(m[o + 2:o + 2 + e].hex())
h = bytearray(d['report']); i = h.find(b'390CBCF5'); h[i] = ord('4')
open(t + '/hcl-other-runtime.bin', 'wb').write(bytes(h))
PY
nonce=$(cat "$tmp/nonce")
expect_rc 0 "$tl" cvm verify --hcl-report "$tmp/hcl.bin" --vcek "$v/az-snp-vtpm/vcek-genoa.pem" --ca "$roots" \
  --attest "$tmp/msg.bin" --sig "$tmp/sig.bin" --nonce "$nonce" --pcrs "$tmp/pcrs.bin" --json
json "assert d['verdict'] == 'verified' and all(d['checks'].values())"
json "assert d['certificate']['generation'] == 'Genoa' and d['report']['cpuid'] == {'family': 25, 'model': 17, 'stepping': 1}"
json "assert d['runtime']['ak'] == {'kty': 'RSA', 'bits': 2048, 'e': 65537} and d['runtime']['secure_boot'] is True"
expect_rc 0 "$tl" cvm verify --evidence "$ev" --ca "$roots" --nonce "$nonce"
grep -q 'quote: signed by that AK, nonce matches' "$tmp/out" && ok || bad "cvm text"
expect_rc 1 "$tl" cvm verify --hcl-report "$tmp/hcl-other-runtime.bin" --vcek "$tmp/vcek.pem" --ca "$roots"
reason hcl.report_data_mismatch
# a quote by another key: the same attestation signed by a fresh RSA key
openssl genrsa -out "$tmp/other.key" 2048 2>/dev/null
openssl dgst -sha256 -sign "$tmp/other.key" -out "$tmp/other.raw" "$tmp/msg.bin"
{ printf '\x00\x14\x00\x0b\x01\x00'; cat "$tmp/other.raw"; } > "$tmp/other.sig"
expect_rc 1 "$tl" cvm verify --hcl-report "$tmp/hcl.bin" --vcek "$tmp/vcek.pem" --ca "$roots" \
  --attest "$tmp/msg.bin" --sig "$tmp/other.sig" --nonce "$nonce" --json
json "assert d['reason']['code'] == 'hcl.ak_mismatch' and d['checks']['report_data_bound'] is True"
expect_rc 1 "$tl" cvm verify --evidence "$ev" --ca "$roots/milan_ask_ark_asvk.pem" --nonce "$nonce"
reason snp.wrong_generation
expect_rc 2 "$tl" cvm verify --hcl-report "$tmp/hcl.bin" --ca "$roots"
expect_rc 2 "$tl" cvm verify --hcl-report "$tmp/short" --vcek "$tmp/vcek.pem" --ca "$roots"

echo "snp.sh: $passes passed, $fails failed"
[[ $fails == 0 ]]
