#!/usr/bin/env bash
# Credentials made by tl (software TPM2_MakeCredential) activate on a real TPM (swtpm) with
# tpm2_activatecredential, for RSA and ECC EKs; what comes back is checked, and a wrong
# secret or another AK's credential is refused.
here=$(dirname "$0"); . "$here/lib.sh"
start_swtpm sha256
cd "$work"

python3 -c 'import os; open("secret.bin","wb").write(os.urandom(32))'
python3 -c 'import os; open("other.bin","wb").write(os.urandom(32))'
for alg in rsa ecc; do
  tpm tpm2_createek -c ek-$alg.ctx -G $alg -u ek-$alg.pub
  tpm tpm2_createak -C ek-$alg.ctx -c ak-$alg.ctx -G $alg -g sha256 -s $([[ $alg == rsa ]] && echo rsassa || echo ecdsa) -u ak-$alg.pub -n ak-$alg.name
  expect_rc 0 "$tl" credential make --ek-pub ek-$alg.pub --ak-pub ak-$alg.pub --secret secret.bin -o cred-$alg.out
  activate ak-$alg.ctx ek-$alg.ctx cred-$alg.out got-$alg.bin && ok || bad "$alg: our credential did not activate: $(cat act.log)"
  expect_rc 0 "$tl" credential check --expected secret.bin --returned got-$alg.bin
  refused credential.secret_mismatch "$tl" credential check --expected other.bin --returned got-$alg.bin
  # the secret is never printed
  grep -q "$(xxd -p -c 64 secret.bin)" "$work/out" "$work/err" && bad "secret printed" || ok
done
# a credential made for another AK does not activate with this one
tpm tpm2_createak -C ek-rsa.ctx -c ak-b.ctx -G rsa -g sha256 -s rsassa -u ak-b.pub -n ak-b.name
expect_rc 0 "$tl" credential make --ek-pub ek-rsa.pub --ak-pub ak-b.pub --secret secret.bin -o cred-b.out
activate ak-rsa.ctx ek-rsa.ctx cred-b.out got-b.bin && bad "another AK's credential activated" || ok
# bad input
expect_rc 2 "$tl" credential make --ek-pub ak-rsa.name --ak-pub ak-rsa.pub --secret secret.bin -o x.out
head -c 65 /dev/zero > big.bin
expect_rc 2 "$tl" credential make --ek-pub ek-rsa.pub --ak-pub ak-rsa.pub --secret big.bin -o x.out
# an AK is a signing key, not a storage key: no credential can be made under it
expect_rc 2 "$tl" credential make --ek-pub ak-rsa.pub --ak-pub ak-rsa.pub --secret secret.bin -o x.out
grep -q credential.unsupported_ek "$work/err" && ok || bad "AK as EK: $(cat "$work/err")"
finish
