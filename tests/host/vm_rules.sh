#!/usr/bin/env bash
# The host's rules without booting (real libvirt, swtpm and trustlaunchd): the catalog's
# refusals name their rule and leave nothing behind; standard VMs and Secure Boot off get
# their own firmware; enable-trusted-launch refuses a BIOS domain and a member of a scale set
# created without Trusted Launch, and converts a UEFI domain; a scale set of 2; the platform
# vTPM CA rotates while the certificates it issued stay valid under the old one.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
start_service
make_image "$work/img"
img=$work/img
vms() { get /v1/vms >/dev/null; jfield "$work/answer.json" "len(d['vms'])"; }

# ---- the catalog refuses, naming the rule; nothing is left at libvirt or the service
refused catalog.size_unsupported "$tl" vm create "$P-a" --image "$img" --size Standard_A1_v2
refused catalog.size_unsupported "$tl" vm create "$P-a" --image "$img" --size Standard_A1_v2 --security-type standard
refused catalog.os_unsupported "$tl" vm create "$P-a" --image "$img" --os windows-7 --security-type trustedlaunch
virsh dominfo "$P-a" >/dev/null 2>&1 && bad "a refused VM was defined" || ok
[[ $(vms) == 0 ]] && ok || bad "a refused VM was registered"
expect_rc 2 "$tl" vm create "$P-a" --image "$img" --security-type confidential
expect_rc 2 "$tl" vm create "$P-a" --image "$img" --secure-boot-keys bogus

# ---- custom keys from a directory without PK, KEK, db are refused (before the NVRAM writer
# is merged: host.not_built), and the VM is undone, the service's too
expect_rc 1 "$tl" vm create "$P-c" --image "$img" --secure-boot-keys "custom:$work"
grep -qE "host.not_built|file.missing" "$work/err" && ok || bad "custom keys: $(cat "$work/err")"
virsh dominfo "$P-c" >/dev/null 2>&1 && bad "custom: domain left" || ok
[[ -e $TL_HOST_DIR/vms/$P-c ]] && bad "custom: host directory left" || ok
[[ $(vms) == 0 ]] && ok || bad "custom: the service's VM was not deleted"

# ---- a standard VM: plain OVMF, no SMM, no vTPM; Secure Boot off: the keyless template
expect_rc 0 "$tl" --json vm create "$P-std" --image "$img" --security-type standard
virsh dumpxml "$P-std" > "$work/std.xml"
grep -q "secure='no'" "$work/std.xml" && grep -q "OVMF_CODE_4M.fd<" "$work/std.xml" && ok || bad "standard loader"
grep -q "<tpm" "$work/std.xml" && bad "a standard VM has a TPM" || ok
grep -q "<tl:security-type>standard<" "$work/std.xml" && ok || bad "standard metadata"
expect_rc 0 "$tl" --json vm create "$P-nosb" --image "$img" --secure-boot-keys none
# its baseline: predicted from the image and set at trustlaunchd before the first boot when
# the prediction is built in (its branch), else learned (none yet at the service)
nosb_id=$(jfield "$work/out" "d['vm_id']") base=$(jfield "$work/out" "d['baseline']")
code=$(get "/v1/vms/$nosb_id/baseline")
case $base/$code in predicted/200|learned/404) ok ;; *) bad "baseline $base, service $code" ;; esac
virsh dumpxml "$P-nosb" > "$work/nosb.xml"
grep -q "template='/usr/share/OVMF/OVMF_VARS_4M.fd'" "$work/nosb.xml" && grep -q "<tpm" "$work/nosb.xml" \
  && ok || bad "Secure Boot off: $(grep -E 'nvram|tpm' "$work/nosb.xml")"
cmp -s "$TL_HOST_DIR/vms/$P-nosb/vars.fd" /usr/share/OVMF/OVMF_VARS_4M.fd && ok || bad "NVRAM not from the keyless template"
expect_rc 1 "$tl" vm create "$P-std" --image "$img"
grep -q "host.exists" "$work/err" && ok || bad "a second VM of one name: $(cat "$work/err")"
expect_rc 0 "$tl" --json vm show "$P-std"
[[ $(jfield "$work/out" "d['state'], d['security_type']") == "shut off standard" ]] && ok || bad "show: $(cat "$work/out")"

# ---- enable-trusted-launch: a BIOS domain is refused; a UEFI one is converted
cat > "$work/bios.xml" <<XML
<domain type='qemu'><name>$P-bios</name><memory unit='MiB'>128</memory>
<os><type arch='x86_64' machine='q35'>hvm</type></os><devices/></domain>
XML
cat > "$work/uefi.xml" <<XML
<domain type='qemu'><name>$P-uefi</name><memory unit='MiB'>128</memory>
<os><type arch='x86_64' machine='q35'>hvm</type>
<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
<nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>$work/uefi_VARS.fd</nvram></os>
<features><acpi/></features><devices/></domain>
XML
virsh define "$work/bios.xml" >/dev/null && virsh define "$work/uefi.xml" >/dev/null || exit 2
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/uefi_VARS.fd"
refused catalog.gen1_vm "$tl" vm enable-trusted-launch "$P-bios"
virsh dumpxml "$P-bios" | grep -q "<tpm" && bad "the BIOS domain was changed" || ok
expect_rc 0 "$tl" vm enable-trusted-launch "$P-uefi"
virsh dumpxml "$P-uefi" > "$work/uefi2.xml"
for want in "secure='yes'" "OVMF_CODE_4M.ms.fd" "template='/usr/share/OVMF/OVMF_VARS_4M.ms.fd'" \
            "<smm state='on'/>" "<encryption secret="; do
  grep -qF "$want" "$work/uefi2.xml" && ok || bad "enabled domain lacks $want"
done
[[ -e $work/uefi_VARS.fd ]] && bad "the old (keyless) NVRAM was kept" || ok
ek_cert "$P-uefi" "$work/uefi-ek.der" && ok || bad "no EK certificate in the converted domain's vTPM"
openssl x509 -inform der -in "$work/uefi-ek.der" -noout -subject | grep -q "CN *= *$(virsh domuuid "$P-uefi")" \
  && ok || bad "converted EK subject"
expect_rc 0 "$tl" vm enable-trusted-launch "$P-uefi"
grep -q "already" "$work/out" && ok || bad "second enable: $(cat "$work/out")"
# UEFI by libvirt's auto-selection with a feature list, as virt-install --boot uefi writes it:
# libvirt refuses those features beside an explicit loader, so they go with the attribute
cat > "$work/auto.xml" <<XML
<domain type='qemu'><name>$P-auto</name><memory unit='MiB'>128</memory>
<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type>
<firmware><feature enabled='no' name='enrolled-keys'/><feature enabled='no' name='secure-boot'/></firmware>
</os><features><acpi/></features><devices/></domain>
XML
virsh define "$work/auto.xml" >/dev/null || exit 2
expect_rc 0 "$tl" vm enable-trusted-launch "$P-auto"
virsh dumpxml --inactive "$P-auto" > "$work/auto2.xml"
grep -qF "secure='yes'" "$work/auto2.xml" && ! grep -q "<firmware\|firmware=" "$work/auto2.xml" && ok ||
  bad "auto-selected domain: $(sed -n '/<os/,/<\/os>/p' "$work/auto2.xml")"

# ---- a standard VM of this host turned to Trusted Launch: domain, record and service follow
std_id=$(virsh domuuid "$P-std")
expect_rc 0 "$tl" vm enable-trusted-launch "$P-std"
virsh dumpxml "$P-std" | grep -q "secure='yes'" && ok || bad "$P-std: no secure loader"
expect_rc 0 "$tl" --json vm show "$P-std"
[[ $(jfield "$work/out" "d['security_type'], d['vtpm']") == "trustedlaunch True" ]] && ok || bad "record: $(cat "$work/out")"
[[ $(get "/v1/vms/$std_id") == 200 && $(jfield "$work/answer.json" "d['security_type']") == trustedlaunch ]] \
  && ok || bad "service after enable: $(cat "$work/answer.json")"

# ---- the vTPM outlives a re-definition of its domain
ek_cert "$P-nosb" "$work/redef1.der" || bad "EK of $P-nosb"
virsh dumpxml --inactive --security-info "$P-nosb" > "$work/redef.xml" && virsh define "$work/redef.xml" >/dev/null || bad "redefine"
ek_cert "$P-nosb" "$work/redef2.der" && cmp -s "$work/redef1.der" "$work/redef2.der" && ok || bad "EK changed with a re-definition"

# ---- a scale set of 2, standard: members in the metadata and at the service; fixed type
expect_rc 0 "$tl" --json scaleset create "$P-ss" --count 2 --image "$img" --security-type standard
[[ $(jfield "$work/out" "len(d['vms'])") == 2 ]] && ok || bad "scale set: $(cat "$work/out")"
for i in 0 1; do
  virsh dumpxml "$P-ss-$i" | grep -q "<tl:scale-set>$P-ss</tl:scale-set>" && ok || bad "member $i metadata"
done
get /v1/vms >/dev/null
[[ $(jfield "$work/answer.json" "sum(1 for v in d['vms'] if v.get('scale_set')=='$P-ss')") == 2 ]] && ok || bad "service members"
refused catalog.scale_set_fixed "$tl" vm enable-trusted-launch "$P-ss-1"
expect_rc 1 "$tl" scaleset create "$P-ss" --count 1 --image "$img"
grep -q "host.exists" "$work/err" && ok || bad "a second scale set of one name: $(cat "$work/err")"

# ---- the platform vTPM CA rotates; what it issued stays valid under the old certificate
ek_cert "$P-nosb" "$work/old-ek.der" || bad "EK of $P-nosb"
expect_rc 0 "$tl" --json host ca show
old_fp=$(jfield "$work/out" "d['sha256']")
expect_rc 0 "$tl" --json host ca rotate
[[ $(jfield "$work/out" "d['sha256']") != "$old_fp" ]] && ok || bad "rotate kept the CA"
old_pem=$(jfield "$work/out" "d['previous']")
expect_rc 0 "$tl" ek verify --cert "$work/old-ek.der" --ca "$old_pem"
expect_rc 1 "$tl" ek verify --cert "$work/old-ek.der" --ca "$TL_HOST_DIR/ca/ca.pem"
expect_rc 0 "$tl" vm create "$P-new" --image "$img"
ek_cert "$P-new" "$work/new-ek.der" || bad "EK of $P-new: $(cat "$work/ekswtpm.log")"
expect_rc 0 "$tl" ek verify --cert "$work/new-ek.der" --ca "$TL_HOST_DIR/ca/ca.pem"

# ---- list and delete every VM of this host
expect_rc 0 "$tl" --json vm list --host
[[ $(jfield "$work/out" "len(d['vms'])") == 5 ]] && ok || bad "list --host: $(cat "$work/out")"
for v in "$P-std" "$P-nosb" "$P-ss-0" "$P-ss-1" "$P-new"; do expect_rc 0 "$tl" vm delete "$v"; done
[[ $(vms) == 0 ]] && ok || bad "VMs left at the service"
expect_rc 0 "$tl" vm list --host
grep -q "no VMs on this host" "$work/out" && ok || bad "list after delete: $(cat "$work/out")"
finish
