#!/usr/bin/env bash
# Quotes from a real TPM (swtpm) made with tpm2-tools: genuine ones are accepted, forged
# ones are refused, each with its own reason.
here=$(dirname "$0"); . "$here/lib.sh"
start_swtpm sha1,sha256
cd "$work"

tpm tpm2_createek -c ek.ctx -G rsa -u ek.pub
tpm tpm2_createak -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa -u ak.pub -n ak.name
tpm tpm2_createak -C ek.ctx -c akecc.ctx -G ecc -g sha256 -s ecdsa -u akecc.pub -n akecc.name
tpm tpm2_createak -C ek.ctx -c ak2.ctx -G rsa -g sha256 -s rsassa -u ak2.pub -n ak2.name
# make the PCRs interesting
tpm tpm2_pcrextend 0:sha256=$(printf 'ab%.0s' {1..32}),sha1=$(printf 'cd%.0s' {1..20})
tpm tpm2_pcrextend 7:sha256=$(printf '12%.0s' {1..32})

# --- genuine quotes
n=$(nonce)
tpm tpm2_quote -c ak.ctx -l sha256:0,1,2,3,4,5,6,7,8,9 -q "$n" -m q.msg -s q.sig -o q.pcrs -F values -g sha256
expect_rc 0 "$tl" quote verify --ak ak.pub --attest q.msg --sig q.sig --nonce "$n" --pcrs q.pcrs
grep -q '^genuine: ' "$work/out" && ok || bad "genuine RSA quote"
ne=$(nonce)
tpm tpm2_quote -c akecc.ctx -l sha256:0,1,2,3,4,5,6,7,8,9 -q "$ne" -m qe.msg -s qe.sig -o qe.pcrs -F values -g sha256
expect_rc 0 "$tl" quote verify --ak akecc.pub --attest qe.msg --sig qe.sig --nonce "$ne" --pcrs qe.pcrs --json
python3 -c "import json; d=json.load(open('$work/out')); assert d['verdict']=='genuine' and d['pcr_select']=={'sha256':list(range(10))}" && ok || bad "ECC json"
n2=$(nonce)
tpm tpm2_quote -c ak.ctx -l sha1:0,7+sha256:0,1,2,3,4,5,6,7,8,9 -q "$n2" -m q2.msg -s q2.sig -o q2.pcrs -F values -g sha256
expect_rc 0 "$tl" quote verify --ak ak.pub --attest q2.msg --sig q2.sig --nonce "$n2" --pcrs q2.pcrs
# the same values as 'BANK:INDEX HEX' lines
tpm tpm2_pcrread sha1:0,7+sha256:0,1,2,3,4,5,6,7,8,9 -o pcrread.bin
python3 - "$work/q2.pcrs" > q2.txt <<'PY'
import sys
raw = open(sys.argv[1], 'rb').read()
sel = [('sha1', [0, 7], 20), ('sha256', list(range(10)), 32)]
i = 0
for bank, pcrs, n in sel:
    for p in pcrs:
        print(f"{bank}:{p} {raw[i:i+n].hex()}"); i += n
PY
expect_rc 0 "$tl" quote verify --ak ak.pub --attest q2.msg --sig q2.sig --nonce "$n2" --pcrs q2.txt

# freshness: a later quote after an earlier one is fine, the reverse is refused
expect_rc 0 "$tl" quote verify --ak ak.pub --attest q2.msg --sig q2.sig --nonce "$n2" --previous q.msg
refused quote.clock_backwards "$tl" quote verify --ak ak.pub --attest q.msg --sig q.sig --nonce "$n" --previous q2.msg
# a previous quote from after a TPM reset (resetCount + 1): this one is from the past
python3 -c "b=bytearray(open('q.msg','rb').read()); import struct; o=6+2+struct.unpack('>H',b[6:8])[0]; o+=2+struct.unpack('>H',b[o:o+2])[0]+8; r=struct.unpack('>I',b[o:o+4])[0]; b[o:o+4]=struct.pack('>I',r+1); open('later.msg','wb').write(b)"
refused quote.clock_backwards "$tl" quote verify --ak ak.pub --attest q2.msg --sig q2.sig --nonce "$n2" --previous later.msg
# a previous quote from before a reset (resetCount - 1, a larger clock): a reboot, reported
python3 -c "b=bytearray(open('q.msg','rb').read()); import struct; o=6+2+struct.unpack('>H',b[6:8])[0]; o+=2+struct.unpack('>H',b[o:o+2])[0]; b[o:o+8]=struct.pack('>Q',2**40); o+=8; r=struct.unpack('>I',b[o:o+4])[0]; b[o:o+4]=struct.pack('>I',r-1); open('before-reset.msg','wb').write(b)"
expect_rc 0 "$tl" quote verify --ak ak.pub --attest q2.msg --sig q2.sig --nonce "$n2" --previous before-reset.msg --json
python3 -c "import json; d=json.load(open('$work/out')); assert d['rebooted'] is True" && ok || bad "reboot reported"

# a genuine quote that leaves out a boot PCR (7: Secure Boot): refused with the service's
# reason code (issue 13, defect 6), unless explicitly waived
np=$(nonce)
tpm tpm2_quote -c ak.ctx -l sha256:0,1,2,3,4,5,6,16 -q "$np" -m qp.msg -s qp.sig -o qp.pcrs -F values -g sha256
refused quote.pcr_selection "$tl" quote verify --ak ak.pub --attest qp.msg --sig qp.sig --nonce "$np" --pcrs qp.pcrs
expect_rc 1 "$tl" quote verify --ak ak.pub --attest qp.msg --sig qp.sig --nonce "$np" --pcrs qp.pcrs --json
python3 -c "import json; d=json.load(open('$work/out')); assert d['verdict']=='refused' and d['reason']['code']=='quote.pcr_selection', d" && ok || bad "pcr_selection in the JSON"
expect_rc 0 "$tl" quote verify --ak ak.pub --attest qp.msg --sig qp.sig --nonce "$np" --pcrs qp.pcrs --allow-partial-pcrs
grep -q '^genuine: ' "$work/out" && ok || bad "waived: genuine"

# --- forged or wrong: each refused with its own reason
# nonces: wrong, empty, truncated, longer
refused quote.nonce_mismatch "$tl" quote verify --ak ak.pub --attest q.msg --sig q.sig --nonce "$(nonce)" --pcrs q.pcrs
refused quote.nonce_mismatch "$tl" quote verify --ak ak.pub --attest q.msg --sig q.sig --nonce "" --pcrs q.pcrs
refused quote.nonce_mismatch "$tl" quote verify --ak ak.pub --attest q.msg --sig q.sig --nonce "${n:0:62}" --pcrs q.pcrs
refused quote.nonce_mismatch "$tl" quote verify --ak ak.pub --attest q.msg --sig q.sig --nonce "${n}00" --pcrs q.pcrs
# PCR values that do not match the digest; a PCR set that differs from the selection
sed 's/^sha256:7 ./sha256:7 f/' q2.txt > q2-bad.txt
cmp -s q2.txt q2-bad.txt && sed -i 's/^sha256:7 ./sha256:7 0/' q2-bad.txt
refused quote.pcr_digest_mismatch "$tl" quote verify --ak ak.pub --attest q2.msg --sig q2.sig --nonce "$n2" --pcrs q2-bad.txt
grep -v '^sha1:7 ' q2.txt > q2-less.txt
refused quote.pcr_set_mismatch "$tl" quote verify --ak ak.pub --attest q2.msg --sig q2.sig --nonce "$n2" --pcrs q2-less.txt
{ cat q2.txt; echo "sha256:10 $(printf '00%.0s' {1..32})"; } > q2-more.txt
refused quote.pcr_set_mismatch "$tl" quote verify --ak ak.pub --attest q2.msg --sig q2.sig --nonce "$n2" --pcrs q2-more.txt
grep -v '^sha1:' q2.txt > q2-nosha1.txt
refused quote.pcr_set_mismatch "$tl" quote verify --ak ak.pub --attest q2.msg --sig q2.sig --nonce "$n2" --pcrs q2-nosha1.txt
# a flipped bit in the attestation or in the signature
python3 -c "import sys; b=bytearray(open('q.msg','rb').read()); b[40]^=1; open('q-flip.msg','wb').write(b)"
refused quote.signature_invalid "$tl" quote verify --ak ak.pub --attest q-flip.msg --sig q.sig --nonce "$n"
python3 -c "import sys; b=bytearray(open('q.sig','rb').read()); b[100]^=0x80; open('q-flip.sig','wb').write(b)"
refused quote.signature_invalid "$tl" quote verify --ak ak.pub --attest q.msg --sig q-flip.sig --nonce "$n"
# another AK of a TPM (not the one that signed)
refused quote.signature_invalid "$tl" quote verify --ak ak2.pub --attest q.msg --sig q.sig --nonce "$n"
# the ECC key against the RSA quote: not its scheme
refused quote.signature_scheme "$tl" quote verify --ak akecc.pub --attest q.msg --sig q.sig --nonce "$n"
# a key without 'restricted' quotes as well as an AK does: refused for what it is
tpm tpm2_createprimary -C o -g sha256 -G rsa -c prim.ctx
tpm tpm2_create -C prim.ctx -G rsa -g sha256 -a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign' -u free.pub -r free.priv
tpm tpm2_load -C prim.ctx -u free.pub -r free.priv -c free.ctx
nf=$(nonce)
tpm tpm2_quote -c free.ctx -l sha256:0,1,2 -q "$nf" -m qf.msg -s qf.sig -o qf.pcrs -F values -g sha256
refused ak.not_restricted_signing_key "$tl" quote verify --ak free.pub --attest qf.msg --sig qf.sig --nonce "$nf" --pcrs qf.pcrs
# TPM2_Sign with that unrestricted key over a TPMS_ATTEST whose magic is 0
python3 -c "b=bytearray(open('qf.msg','rb').read()); b[0:4]=b'\0\0\0\0'; open('forged.msg','wb').write(b)"
tpm tpm2_sign -c free.ctx -g sha256 -s rsassa -o forged.sig -f plain forged.msg
python3 -c "import struct; s=open('forged.sig','rb').read(); open('forged.tpmt','wb').write(struct.pack('>HHH',0x14,0x0b,len(s))+s)"
refused ak.not_restricted_signing_key "$tl" quote verify --ak free.pub --attest forged.msg --sig forged.tpmt --nonce "$nf"
tpm tpm2_readpublic -c free.ctx -f pem -o free.pem
expect_rc 2 "$tl" quote verify --ak free.pem --attest forged.msg --sig forged.tpmt --nonce "$nf"
grep -q -- '--allow-bare-key' "$work/err" && ok || bad "PEM needs --allow-bare-key"
refused quote.magic "$tl" quote verify --ak free.pem --allow-bare-key --attest forged.msg --sig forged.tpmt --nonce "$nf"
grep -q 'warning: free.pem is a bare key' "$work/err" && ok || bad "bare key warning"
# the same forgery presented as if the genuine AK had signed it
refused quote.signature_invalid "$tl" quote verify --ak ak.pub --attest forged.msg --sig forged.tpmt --nonce "$nf"
# NV_Certify by the genuine AK over attacker-written NV data, with invented PCR values
tpm tpm2_nvdefine 0x1500016 -C o -s 64 -a 'ownerread|ownerwrite|authread|authwrite'
python3 -c "open('nvdata','wb').write(b'\x00'*64)"
tpm tpm2_nvwrite 0x1500016 -C o -i nvdata
nn=$(nonce)
tpm tpm2_nvcertify -C ak.ctx -g sha256 -f plain -s rsassa -o nv.sig --attestation nv.msg -q "$nn" -c o 0x1500016 --size 64 --offset 0
python3 -c "import struct; s=open('nv.sig','rb').read(); open('nv.tpmt','wb').write(struct.pack('>HHH',0x14,0x0b,len(s))+s)"
refused quote.not_a_quote "$tl" quote verify --ak ak.pub --attest nv.msg --sig nv.tpmt --nonce "$nn" --pcrs q2.txt
# truncation at every offset, and trailing bytes
size=$(stat -c %s q.msg) bad_trunc=0
for ((i = 0; i < size; i++)); do
  head -c $i q.msg > t.msg
  "$tl" quote verify --ak ak.pub --attest t.msg --sig q.sig --nonce "$n" >/dev/null 2>t.err
  rc=$?
  [[ $rc == 1 ]] && grep -qE 'refused: (tpm2\.malformed|tpm2\.size|quote\.signature_invalid):' t.err || { bad_trunc=1; echo "offset $i: rc $rc $(cat t.err)" >&2; }
done
[[ $bad_trunc == 0 ]] && ok || bad "truncated attestations"
{ cat q.msg; printf '\0'; } > q-trail.msg
refused tpm2.trailing_bytes "$tl" quote verify --ak ak.pub --attest q-trail.msg --sig q.sig --nonce "$n"
{ cat q.sig; printf '\0'; } > q-trail.sig
refused tpm2.trailing_bytes "$tl" quote verify --ak ak.pub --attest q.msg --sig q-trail.sig --nonce "$n"
# TPM2B sizes of 0xFFFF
python3 -c "b=bytearray(open('q.msg','rb').read()); b[6:8]=b'\xff\xff'; open('q-big.msg','wb').write(b)"
refused tpm2.size "$tl" quote verify --ak ak.pub --attest q-big.msg --sig q.sig --nonce "$n"
python3 -c "b=bytearray(open('q.sig','rb').read()); b[4:6]=b'\xff\xff'; open('q-big.sig','wb').write(b)"
refused tpm2.size "$tl" quote verify --ak ak.pub --attest q.msg --sig q-big.sig --nonce "$n"
python3 -c "b=bytearray(open('ak.pub','rb').read()); b[0:2]=b'\xff\xff'; open('ak-big.pub','wb').write(b)"
expect_rc 2 "$tl" quote verify --ak ak-big.pub --attest q.msg --sig q.sig --nonce "$n"
grep -q 'tpm2.size' "$work/err" && ok || bad "AK TPM2B size"

# another TPM's AK: manufacture a second TPM, and present its AK with the first one's quote
stop_swtpm
start_swtpm sha256
tpm tpm2_createek -c ek-b.ctx -G rsa -u ek-b.pub
tpm tpm2_createak -C ek-b.ctx -c ak-b.ctx -G rsa -g sha256 -s rsassa -u ak-other-tpm.pub -n ak-other-tpm.name
cmp -s ek.pub ek-b.pub && bad "the second TPM has the same EK" || ok
refused quote.signature_invalid "$tl" quote verify --ak ak-other-tpm.pub --attest q.msg --sig q.sig --nonce "$n" --pcrs q.pcrs

finish
