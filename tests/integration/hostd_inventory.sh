#!/usr/bin/env bash
# tl-hostd's inventory against the real libvirtd: a BIOS domain, a UEFI domain without Secure
# Boot and a Trusted Launch one (secure loader, the Microsoft-keys NVRAM template read with
# the varstore reader, TPM 2.0, SMM) are defined, not started; tl-hostd reports them, and
# trustlaunchd shows each with its real profile and the posture layer's recommendations. An
# undefined domain leaves the next inventory, which its lifecycle event triggers.
here=$(cd "$(dirname "$0")" && pwd); . "$here/hostd_lib.sh"
ovmf=/usr/share/OVMF
dom() { # NAME OS-XML [DEVICES-XML [FEATURES/METADATA-XML]]
  cat > "$work/$1.xml" <<XML
<domain type='qemu'><name>$prefix$1</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
${4:-}<os>$2</os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>${3:-}</devices></domain>
XML
  virsh_ define "$work/$1.xml" >/dev/null || { bad "define $1"; return 1; }
  virsh_ domuuid "$prefix$1"
}
bios=$(dom bios "<type arch='x86_64' machine='pc'>hvm</type>")
efi=$(dom efi "<type arch='x86_64' machine='q35'>hvm</type>
<loader readonly='yes' type='pflash'>$ovmf/OVMF_CODE_4M.fd</loader>
<nvram template='$ovmf/OVMF_VARS_4M.fd'>$work/efi_VARS.fd</nvram>" "" "<features><acpi/></features>")
sec=$(dom sec "<type arch='x86_64' machine='q35'>hvm</type>
<loader readonly='yes' secure='yes' type='pflash'>$ovmf/OVMF_CODE_4M.secboot.fd</loader>
<nvram template='$ovmf/OVMF_VARS_4M.ms.fd'>$work/sec_VARS.fd</nvram>" \
  "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>" \
  "<metadata><tl:vm xmlns:tl='https://trustlaunch.dev/xmlns/host/1'><tl:name>sec</tl:name><tl:security-type>trustedlaunch</tl:security-type></tl:vm></metadata><features><acpi/><smm state='on'/></features>")
# a name libvirt takes but past the reader's limit (127 bytes): left out, and said in the log
long=$(dom "long$(printf 'x%.0s' $(seq 130))" "<type arch='x86_64' machine='pc'>hvm</type>")
[[ -n $bios && -n $efi && -n $sec && -n $long ]] || { finish; exit 1; }
start_hostd --inventory-every 60s
wait_for 20 "'host' in d" GET "/v1/vms/$sec" && ok || bad "the inventory reached the service: $(tail -5 "$work/hostd.log")"
check "d['host']['profile']=={'firmware':'uefi','secure_loader':True,'keys_enrolled':True,'smm':True,'tpm':{'model':'tpm-crb','version':'2.0'}} and d['host']['trustlaunch'] and d['security_type']=='trustedlaunch' and d['secure_boot'] and d['vtpm']" "Trusted Launch domain: keys from the ms template, TPM 2.0, SMM"
api GET "/v1/vms/$efi"
check "d['host']['profile']=={'firmware':'uefi','secure_loader':False,'keys_enrolled':False,'smm':False,'tpm':None} and not d['host']['trustlaunch'] and d['security_type']=='standard' and not d['secure_boot'] and not d['vtpm'] and d['name']=='${prefix}efi'" "UEFI domain without Secure Boot"
api GET "/v1/vms/$bios"
check "d['host']['profile']['firmware']=='bios' and not d['host']['profile']['keys_enrolled'] and d['security_type']=='standard'" "BIOS domain"
recs() { api GET "/v1/vms/$1/recommendations"; python3 -c "import json; d=json.load(open('$work/body.json')); r={x['id']: x['status'] for x in d['recommendations']}; print(r['secure-boot'], r['vtpm'])"; }
[[ $(recs "$efi") == "unhealthy unhealthy" ]] && ok || bad "UEFI domain: secure-boot and vtpm recommended: $(recs "$efi")"
[[ $(recs "$bios") == "not_applicable not_applicable" ]] && ok || bad "BIOS domain: Generation 1, not applicable: $(recs "$bios")"
[[ $(recs "$sec") == "healthy healthy" ]] && ok || bad "Trusted Launch domain: healthy: $(recs "$sec")"
api GET /v1/hosts
check "[h['domains'] for h in d['hosts'] if h['name']=='${prefix}host']==[3]" "the host with its three domains"
grep -q 'msg="inventory reported"' "$work/hostd.log" && ok || bad "logfmt line: $(tail -3 "$work/hostd.log")"
grep 'left out of the inventory' "$work/hostd.log" | grep -q "uuid=\"$long\".*error=\"host.xml_limit\"" && ok ||
  bad "the long-named domain not named in the log: $(grep -i 'left out' "$work/hostd.log" | head -2)"
api GET "/v1/vms/$long"; expect 404 "the long-named domain was not reported"
# ---- the undefine event brings the next inventory
virsh_ undefine "${prefix}bios" >/dev/null
wait_for 15 "[h['domains'] for h in d['hosts'] if h['name']=='${prefix}host']==[2]" GET /v1/hosts && ok || bad "the inventory after an undefine: $(head -c 300 "$work/body.json")"
api GET "/v1/vms?host=${prefix}host"; check "sorted(v['id'] for v in d['vms'])==sorted(['$efi','$sec'])" "the host's VMs without the undefined one"
api GET "/v1/vms/$bios"; check "'host' not in d" "the undefined domain is on no host"
# ---- RSS of the daemon after its work, for docs/hostd.md
echo "{\"bench\":\"hostd_rss\",\"rss_kib\":$(awk '/VmRSS/ {print $2}' /proc/$hostd_pid/status)}"
finish
