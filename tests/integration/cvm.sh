#!/usr/bin/env bash
# A confidential VM through trustlaunchd with a real TPM (swtpm) and tl-agent. The real AMD
# evidence in the vectors cannot carry this service's nonce, so this test makes its own
# AMD-shaped chain (RSA-PSS SHA-384 ARK and ASK, a P-384 VCEK with AMD's TCB, product and hwID
# extensions), gives trustlaunchd that ARK with --snp-roots, and writes an HCL report signed by
# that VCEK, whose runtime data names the swtpm's AK, into the swtpm's NV index 0x01400001,
# where Azure's paravisor keeps it. Then: enrolment needs it; healthy with the token's snp
# claims; each refusal with its own reason (debug policy, VMPL 2, runtime data not hashing to
# report_data, the report naming another key than the quote's, a chain to another root, no
# VCEK); the alert with the SNP reason; posture; and a service without roots refusing.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
d=${TL_DAEMON:?} agent=${TL_AGENT:?}
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
cd "$work"

# mkchain DIR CHIP_HEX: ARK (self-signed) -> ASK -> VCEK of a "Genoa", TCB bl 10 tee 0 snp 23
# ucode 84, in DIR: roots.pem (ASK + ARK), vcek.pem, vcek.key
mkchain() {
  local dir=$1 chip=$2 pss=(-sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48)
  local amd="/OU=Engineering/C=US/L=Santa Clara/ST=CA/O=Advanced Micro Devices"
  mkdir -p "$dir"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$dir/ark.key" 2>/dev/null &&
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$dir/ask.key" 2>/dev/null &&
  openssl ecparam -name secp384r1 -genkey -noout -out "$dir/vcek.key" || return 1
  printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$dir/ca.ext"
  cat > "$dir/vcek.ext" <<EXT
1.3.6.1.4.1.3704.1.2=DER:16:05:47:65:6e:6f:61
1.3.6.1.4.1.3704.1.3.1=DER:02:01:0a
1.3.6.1.4.1.3704.1.3.2=DER:02:01:00
1.3.6.1.4.1.3704.1.3.3=DER:02:01:17
1.3.6.1.4.1.3704.1.3.8=DER:02:01:54
1.3.6.1.4.1.3704.1.4=DER:04:40:$chip
EXT
  openssl req -x509 -new -key "$dir/ark.key" -subj "$amd/CN=ARK-Genoa" -days 3650 "${pss[@]}" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -out "$dir/ark.pem" 2>/dev/null &&
  openssl req -new -key "$dir/ask.key" -subj "$amd/CN=SEV-Genoa" -out "$dir/ask.csr" &&
  openssl x509 -req -in "$dir/ask.csr" -CA "$dir/ark.pem" -CAkey "$dir/ark.key" -set_serial 1 \
    -days 3650 "${pss[@]}" -extfile "$dir/ca.ext" -out "$dir/ask.pem" 2>/dev/null &&
  openssl req -new -key "$dir/vcek.key" -subj "$amd/CN=SEV-VCEK" -out "$dir/vcek.csr" &&
  openssl x509 -req -in "$dir/vcek.csr" -CA "$dir/ask.pem" -CAkey "$dir/ask.key" -set_serial 2 \
    -days 3650 "${pss[@]}" -extfile "$dir/vcek.ext" -out "$dir/vcek.pem" 2>/dev/null &&
  cat "$dir/ask.pem" "$dir/ark.pem" > "$dir/roots.pem"
}
chip=$(python3 -c 'import os; print(os.urandom(64).hex())')
mkchain amd "$chip" && mkchain other "$chip" || { echo "could not make the test chains" >&2; exit 2; }

start_service --snp-roots amd/roots.pem
on=$v/boot/sb-on/eventlog.bin

api POST /v1/vms '{"name":"cvm-1","size":"Standard_DC2as_v5","os":"debian-12","security_type":"confidential"}'
[[ $code == 201 ]] && ok || bad "confidential VM registered: $code $(cat body.json)"
vm=$(field "d['id']") token=$(field "d['enrollment_token']")
start_swtpm sha256
A() { "$agent" --server "$base" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" --timeout 20 "$@"; }
expect_rc 0 A replay-log "$on"

# ---- enrolment: without the HCL report it is refused; the agent has made its AK meanwhile
expect_rc 2 A enroll --vm-id "$vm" --enrollment-token "$token" --vcek amd/vcek.pem
grep -q "snp.evidence" err && ok || bad "enrolment without an HCL report: $(cat err)"
tpm tpm2_readpublic -c 0x81000003 -f pem -o ak.pem
ak_mod=$(openssl rsa -pubin -in ak.pem -noout -modulus | cut -d= -f2)
other_mod=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null |
            openssl rsa -noout -modulus | cut -d= -f2)
# Azure's index holds 2600 bytes; swtpm's indices hold at most 2048 (the report is ~1 750)
tpm tpm2_nvdefine 0x01400001 -C o -s 2048 -a "ownerread|ownerwrite|authread|authwrite"
hcl() { # KEY_DIR [mksnp options]: a new HCL report into the vTPM's NV index
  local dir=$1; shift
  python3 "$here/mksnp.py" --vcek-key "$dir/vcek.key" --chip "$chip" --tcb 10:0:23:84 \
    --ak-modulus "$ak_mod" --pad 2048 --out hcl.bin "$@" || { echo "mksnp failed" >&2; exit 2; }
  tpm tpm2_nvwrite 0x01400001 -C o -i hcl.bin
}
hcl amd --ak-modulus "$other_mod"
expect_rc 2 A enroll --vm-id "$vm" --enrollment-token "$token" --vcek amd/vcek.pem
grep -q "snp.binding" err && ok || bad "enrolment with a report naming another AK: $(cat err)"
hcl amd
expect_rc 0 A enroll --vm-id "$vm" --enrollment-token "$token" --vcek amd/vcek.pem

# ---- healthy, with the SNP claims in the token
expect_rc 0 A attest --eventlog "$on" --vcek amd/vcek.pem --json
python3 - <<'PY' && ok || bad "healthy with SNP claims: $(head -c 800 out)"
import base64, json
a = json.load(open('out'))
assert a['verdict'] == 'healthy', a['reasons']
p = a['token'].split('.')[1]
c = json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)))
s = c['snp']
assert s['isolation'] == 'sevsnp' and s['generation'] == 'Genoa' and s['vmpl'] == 0, s
assert s['policy']['debug'] is False and s['policy']['smt'] is True, s
assert s['reported_tcb'] == {'boot_loader': 10, 'tee': 0, 'snp': 23, 'microcode': 84, 'fmc': 0}, s
assert len(s['measurement']) == 96 and s['vm_unique_id'].startswith('7E57C0DE'), s
assert 'windows' not in c, c
PY

# ---- each refusal with its own reason (the quote itself still verifies: the TPM spoke)
refusal() { # CODE [--no-vcek] KEY_DIR [mksnp options]
  local want=$1 vcek=(--vcek amd/vcek.pem); shift
  [[ $1 == --no-vcek ]] && { vcek=(); shift; }
  [[ $1 == other ]] && vcek=(--vcek other/vcek.pem)
  hcl "$@"
  expect_rc 1 A attest --eventlog "$on" "${vcek[@]}" --json
  python3 - "$want" <<'PY' && ok || bad "$want: $(head -c 600 out)"
import json, sys
a = json.load(open('out'))
codes = [r['code'] for r in a['reasons']]
assert a['verdict'] == 'unhealthy' and codes == [sys.argv[1]], codes
assert a['reasons'][0]['message'] and a['reasons'][0].get('detail'), a['reasons'][0]
PY
}
refusal snp.debug amd --debug
refusal snp.vmpl amd --vmpl 2
refusal snp.binding amd --unbound
refusal snp.binding amd --ak-modulus "$other_mod"
refusal snp.chain other
refusal snp.evidence --no-vcek amd

# ---- the alert: one attestation failure of medium severity, its reasons the SNP ones
api GET "/v1/alerts?vm=$vm"
python3 - <<'PY' && ok || bad "alert with the SNP reason: $(head -c 800 body.json)"
import json
al = [a for a in json.load(open('body.json'))['alerts'] if a['type'] == 'attestation_failure']
assert al and all(a['severity'] == 'medium' for a in al), al
assert all(a['title'] == 'Attestation failed: confidential VM evidence not verified' for a in al), al
assert all('SEV-SNP evidence did not verify' in a['description'] for a in al), al
codes = {r['code'] for a in al for r in a['reasons']}
assert {'snp.debug', 'snp.vmpl', 'snp.binding', 'snp.chain', 'snp.evidence'} <= codes, codes
PY
# healthy again: the open alert resolves
hcl amd
expect_rc 0 A attest --eventlog "$on" --vcek amd/vcek.pem
api GET "/v1/vms/$vm/recommendations"
python3 - <<'PY' && ok || bad "confidential posture: $(head -c 800 body.json)"
import json
r = {x['id']: x for x in json.load(open('body.json'))['recommendations']}
assert r['vtpm']['status'] == 'not_applicable', r['vtpm']
assert r['secure-boot']['status'] == 'healthy', r['secure-boot']
assert r['guest-attestation']['status'] == 'healthy', r['guest-attestation']
assert r['revocations-current']['status'] == 'not_applicable', r['revocations-current']
PY

# ---- hostile confidential fields: 400 naming the field, before anything is verified
python3 - "$base" "$vm" <<'PY' && ok || bad "hostile hcl_report/vcek"
import base64, json, struct, sys, urllib.request, urllib.error
base, vm = sys.argv[1:3]
attest = (struct.pack('>IH', 0xff544347, 0x8018) + struct.pack('>H', 0) +
          struct.pack('>H', 32) + bytes(32) + struct.pack('>QIIB', 1, 0, 0, 1) +
          struct.pack('>Q', 0) + struct.pack('>IHB', 1, 0x000B, 3) + b'\xff\x00\x00' +
          struct.pack('>H', 32) + bytes(32))
sig = struct.pack('>HHH', 0x0014, 0x000B, 256) + bytes(256)
b64 = lambda b: base64.b64encode(b).decode()
def attest_with(extra):
    ev = {'nonce': '00' * 32, 'quote': {'attest': b64(attest), 'signature': b64(sig)},
          'pcrs': {'sha256': {'0': '00' * 32}}}
    ev.update(extra)
    req = urllib.request.Request(base + '/v1/vms/%s/attest' % vm, json.dumps(ev).encode(),
                                 {'Content-Type': 'application/json'})
    try:
        urllib.request.urlopen(req)
        return 200, None
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)['error']
for extra, field in [({'hcl_report': '!!!'}, 'hcl_report'), ({'hcl_report': 7}, 'hcl_report'),
                     ({'hcl_report': 'A' * (87384 + 4)}, 'hcl_report'),
                     ({'vcek': 'not base64'}, 'vcek'), ({'vcek': 'A' * (87384 + 4)}, 'vcek')]:
    st, err = attest_with(extra)
    assert st == 400 and err['code'] == 'request.field' and err['field'] == field, (extra.keys(), st, err)
PY

# ---- a configured minimum TCB above the platform's: snp.tcb naming the component
stop_service
start_service --snp-roots amd/roots.pem --snp-min-tcb 10:0:24:84
expect_rc 1 A attest --eventlog "$on" --vcek amd/vcek.pem --json
python3 - <<'PY' && ok || bad "minimum TCB: $(head -c 600 out)"
import json
r = json.load(open('out'))['reasons']
assert [x['code'] for x in r] == ['snp.tcb'] and 'snp 23, minimum 24' in r[0]['detail'], r
PY
# options that make no sense stop the start
expect_rc 2 "$d" --listen 127.0.0.1:1 --state-dir "$work/svc" --snp-policy allow-everything
expect_rc 2 "$d" --listen 127.0.0.1:1 --state-dir "$work/svc" --snp-max-vmpl 4
expect_rc 2 "$d" --listen 127.0.0.1:1 --state-dir "$work/svc" --snp-min-tcb 1:2:3
expect_rc 2 "$d" --listen 127.0.0.1:1 --state-dir "$work/svc" --snp-roots amd/vcek.key
grep -q "snp-roots" err && ok || bad "unusable roots named: $(cat err)"

# ---- a service without AMD roots refuses confidential evidence, saying why
stop_service
start_service
expect_rc 1 A attest --eventlog "$on" --vcek amd/vcek.pem --json
python3 - <<'PY' && ok || bad "no roots: $(head -c 600 out)"
import json
r = json.load(open('out'))['reasons']
assert [x['code'] for x in r] == ['snp.evidence'] and '--snp-roots' in r[0]['detail'], r
PY
finish
