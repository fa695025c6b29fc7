#!/usr/bin/env bash
# EK certificates written by swtpm_setup (signed by its local CA) verify against that CA and
# certify the EK the TPM presents; other CAs and other keys are refused.
here=$(dirname "$0"); . "$here/lib.sh"
SWTPM_VMID=vm-0042 start_swtpm sha256
cd "$work"
tpm tpm2_nvread 0x1c00002 -o ekcert.der
tpm tpm2_createek -c ek.ctx -G rsa -u ek.pub
tpm tpm2_createek -c ekecc.ctx -G ecc -u ekecc.pub
root=ca/swtpm-localca-rootca-cert.pem inter=ca/issuercert.pem

expect_rc 0 "$tl" ek verify --cert ekcert.der --ca "$root" --ca "$inter" --ek-pub ek.pub --json
python3 - "$work/out" <<'PY' && ok || bad "EK facts: $(cat "$work/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d['verdict'] == 'trusted' and d['key_checked'] and d['tcg_ek_eku']
assert d['tpm_model'] == 'swtpm' and d['tpm_manufacturer'].startswith('id:')
assert 'vm-0042' in d['cn'], d['cn']
PY
# the intermediate alone is a trust anchor the operator may choose
expect_rc 0 "$tl" ek verify --cert ekcert.der --ca "$inter"
# both CAs in one PEM file
cat "$root" "$inter" > bundle.pem
expect_rc 0 "$tl" ek verify --cert ekcert.der --ca bundle.pem --ek-pub ek.pub
# PEM certificate input
openssl x509 -inform DER -in ekcert.der -out ekcert.pem
expect_rc 0 "$tl" ek verify --cert ekcert.pem --ca bundle.pem
# an unknown CA (Google's EK root), another key, a broken certificate
if [[ -n $v ]]; then
  refused ek.untrusted "$tl" ek verify --cert ekcert.der --ca "$v/certs/gce-ek/tpm_ek_root_1.cer" --ek-pub ek.pub
  grep -q 'unable to get local issuer certificate' "$work/err" && ok || bad "OpenSSL's reason shown"
fi
refused ek.key_mismatch "$tl" ek verify --cert ekcert.der --ca bundle.pem --ek-pub ekecc.pub
python3 -c "b=bytearray(open('ekcert.der','rb').read()); b[-10]^=1; open('flip.der','wb').write(b)"
refused ek.untrusted "$tl" ek verify --cert flip.der --ca bundle.pem
head -c 100 ekcert.der > cut.der
expect_rc 2 "$tl" ek verify --cert cut.der --ca bundle.pem
grep -q 'ek.cert_malformed' "$work/err" && ok || bad "malformed cert named"
{ cat ekcert.der; printf '\0'; } > trail.der
expect_rc 2 "$tl" ek verify --cert trail.der --ca bundle.pem
expect_rc 2 "$tl" ek verify --cert ekcert.der --ca ek.pub
grep -q 'ek.ca_unreadable' "$work/err" && ok || bad "unreadable CA named"
finish
