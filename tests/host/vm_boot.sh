#!/usr/bin/env bash
# A Trusted Launch VM on real libvirt + QEMU (TCG) + OVMF Secure Boot + swtpm, registered at
# a real trustlaunchd: created (domain uuid = the service's VM id, EK certificate from the
# platform vTPM CA naming it, state encrypted), booted under Secure Boot to the guest's
# marker, restarted with the same EK, unreadable without its key, and deleted whole.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
start_service
make_image "$work/img"
vm=$P-tl
t0=$(date +%s)

# ---- create: registered, defined, vTPM made
expect_rc 0 "$tl" --json vm create "$vm" --image "$work/img"
id=$(jfield "$work/out" "d['vm_id']")
[[ $(virsh domuuid "$vm") == "$id" ]] && ok || bad "domain uuid $(virsh domuuid "$vm") != VM id $id"
[[ $(get "/v1/vms/$id") == 200 ]] && ok || bad "trustlaunchd has no VM $id"
[[ $(jfield "$work/answer.json" "d['security_type'], d.get('enrollment')") == "trustedlaunch ek-certificate-required" ]] \
  && ok || bad "service VM: $(cat "$work/answer.json")"
virsh dumpxml "$vm" > "$work/dom.xml"
for want in "secure='yes'" "OVMF_CODE_4M.ms.fd" "OVMF_VARS_4M.ms.fd" "<smm state='on'/>" \
            "tpm-crb" "persistent_state='yes'" "<encryption secret=" "org.trustlaunch.agent.0" \
            "$TL_HOST_DIR/vms/$vm/console.log" "<tl:security-type>trustedlaunch</tl:security-type>" \
            "domain type='qemu'"; do
  grep -qF "$want" "$work/dom.xml" && ok || bad "domain XML lacks $want"
done
grep -q "<graphics" "$work/dom.xml" && bad "domain has graphics" || ok
st=/var/lib/libvirt/swtpm/$id/tpm2
[[ $(stat -c '%U %a' "$st") == "tss 700" ]] && ok || bad "TPM state dir: $(stat -c '%U %a' "$st")"
[[ $(stat -c '%a' "$TL_HOST_DIR/ca/ca.key") == 600 ]] && ok || bad "ca.key mode"
sec=$(sed -n "s/.*encryption secret='\([^']*\)'.*/\1/p" "$work/dom.xml")
virsh secret-dumpxml "$sec" | grep -q "<usage type='vtpm'>" && ok || bad "no vtpm secret $sec"

# ---- the EK certificate: CN = VM id, issued by the platform CA; unreadable without the key
ek_cert "$vm" "$work/ek1.der" && ok || bad "could not read the EK certificate with the key"
expect_rc 0 "$tl" ek verify --cert "$work/ek1.der" --ca "$TL_HOST_DIR/ca/ca.pem" --json
openssl x509 -inform der -in "$work/ek1.der" -noout -subject | grep -q "CN *= *$id" && ok \
  || bad "EK subject: $(openssl x509 -inform der -in "$work/ek1.der" -noout -subject)"
KEY=none ek_cert "$vm" "$work/ek-nokey.der" && bad "the state was readable without its key" || ok
grep -q "Could not find plain data\|GetDecryptedData" "$work/ekswtpm.log" && ok \
  || bad "swtpm without the key: $(cat "$work/ekswtpm.log")"
grep -qa "$id" "$st"/tpm2-00.permall && bad "the VM id is readable in the state file" || ok

# ---- boot under Secure Boot to the kernel, then the guest's marker
expect_rc 0 "$tl" vm start "$vm" --wait booted --timeout 60s
wait_console "$vm" "TL-GUEST UP" 60 && ok || bad "no guest marker: $(tail -5 "$TL_HOST_DIR/vms/$vm/console.log")"
grep -aq "Secure Boot is enabled" "$TL_HOST_DIR/vms/$vm/console.log" && ok || bad "Secure Boot was not on"
wait_console "$vm" "UUID $id" 10 && ok || bad "the guest's product_uuid is not the VM id"
[[ -S $TL_HOST_DIR/vms/$vm/agent.sock ]] && ok || bad "no agent channel socket"
expect_rc 0 "$tl" --json vm list --host
[[ $(jfield "$work/out" "[v['state'] for v in d['vms'] if v['name']=='$vm'][0]") == running ]] && ok || bad "list: $(cat "$work/out")"
expect_rc 0 "$tl" vm console "$vm"
grep -q "TL-GUEST UP" "$work/out" && ok || bad "tl vm console"

# ---- restart (off, on again): the same EK
expect_rc 0 "$tl" vm stop "$vm" --force
ek_cert "$vm" "$work/ek2.der" && ok || bad "EK after the first boot"
cmp -s "$work/ek1.der" "$work/ek2.der" && ok || bad "the EK certificate changed across a boot"
expect_rc 0 "$tl" vm start "$vm" --wait booted --timeout 60s
expect_rc 0 "$tl" vm stop "$vm" --force
ek_cert "$vm" "$work/ek3.der" && cmp -s "$work/ek1.der" "$work/ek3.der" && ok || bad "EK changed across a restart"

# ---- a boot that Secure Boot refuses ends the wait with the reason, before the deadline
make_image "$work/img-unsigned" unsigned
expect_rc 0 "$tl" vm create "$P-bad" --image "$work/img-unsigned"
expect_rc 1 "$tl" vm start "$P-bad" --wait booted --timeout 60s
grep -q "boot refused: \"bad shim signature\"" "$work/err" && ok || bad "refusal: $(cat "$work/err")"
expect_rc 0 "$tl" vm delete "$P-bad"

# ---- delete: domain, NVRAM, TPM state, secret, host record, the service's VM
expect_rc 0 "$tl" vm delete "$vm"
virsh dominfo "$vm" >/dev/null 2>&1 && bad "the domain is still defined" || ok
[[ -e /var/lib/libvirt/swtpm/$id ]] && bad "the TPM state is still there" || ok
virsh secret-dumpxml "$sec" >/dev/null 2>&1 && bad "the secret is still there" || ok
[[ -e $TL_HOST_DIR/vms/$vm ]] && bad "the host directory (NVRAM, record) is still there" || ok
[[ $(get "/v1/vms/$id") == 404 ]] && ok || bad "trustlaunchd still has VM $id"
echo "took $(( $(date +%s) - t0 )) s"
finish
