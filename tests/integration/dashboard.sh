#!/usr/bin/env bash
# The web dashboard in a real browser (Debian's Chromium, driven by playwright-core from npm,
# tests/dashboard/dashboard.mjs) against a live trustlaunchd whose data a real TPM (swtpm +
# tpm2-tools) made: a healthy boot, then a changed kernel command line (unhealthy, an alert);
# and what host daemons report (docs/hostd.md): an inventory, a running VM, a VM whose boot
# Secure Boot refused (its console lines carry markup), a host silent for two hours.
# Screenshots: $TL_SHOTS (default build/dashboard-shots).
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
src=${TL_SOURCE:-$here/../..}
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
[[ -d $src/tests/dashboard/node_modules/playwright-core ]] || { echo "playwright-core is not installed (scripts/bootstrap)" >&2; exit 2; }
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || { echo "chromium is not installed (scripts/bootstrap)" >&2; exit 2; }
shots=${TL_SHOTS:-$PWD/dashboard-shots}; mkdir -p "$shots"
cd "$work"
start_service
json() { python3 -c "import json,sys; print(json.dumps($1))"; }
b64() { base64 -w0 "$1"; }
need() { [[ $code == "$1" ]] || { echo "setup: $2: HTTP $code: $(head -c 300 body.json)" >&2; exit 2; }; }
SEL=sha256:0,1,2,3,4,5,6,7,8,9,14 AK=0x81010010
attest() {
  TOKEN= call POST "/v1/vms/$1/challenge"; need 200 challenge; local n; n=$(field "d['nonce']")
  tpm tpm2_quote -c $AK -l $SEL -q "$n" -m q.msg -s q.sig -o q.pcrs -F values -g sha256
  python3 "$here/evidence.py" "$n" q.msg q.sig q.pcrs $SEL "$2" > evidence.json || exit 2
  TOKEN= call POST "/v1/vms/$1/attest" evidence.json; need 200 attest
}

ADMIN=$(cat svc/admin.token) TOKEN=$ADMIN
json '{"name":"web-1","size":"Standard_D2s_v5","os":"debian-12"}' > vm.json
call POST /v1/vms vm.json; need 201 "create VM"; vm=$(field "d['id']") et=$(field "d['enrollment_token']")
json "{'name':'<img src=x onerror=alert(1)>','size':'Standard_D2s_v5','os':'debian-12'}" > xss.json
call POST /v1/vms xss.json; need 201 "create the markup VM"; xss=$(field "d['id']")
json "{'name':'auditor','role':'reader'}" > reader.json
call POST /v1/tokens reader.json; need 201 "reader token"; READER=$(field "d['token']")
start_swtpm sha256
tpm tpm2_createek -c ek.ctx -G rsa -u ek.pub
tpm tpm2_createak -C ek.ctx -c ak.ctx -G ecc -g sha256 -s ecdsa -u ak.pub -n ak.name
tpm tpm2_evictcontrol -C o -c ak.ctx $AK
json "{'ek_public':'$(b64 ek.pub)','ak_public':'$(b64 ak.pub)'}" > enroll.json
TOKEN=$et call POST "/v1/vms/$vm/enroll" enroll.json; need 201 enrol
eid=$(field "d['enrollment_id']"); field "d['credential']" | base64 -d > cred.blob
activate $AK ek.ctx cred.blob secret.bin || { echo "activation failed" >&2; exit 2; }
json "{'secret':'$(b64 secret.bin)'}" > secret.json
TOKEN= call POST "/v1/vms/$vm/enroll/$eid/activate" secret.json; need 200 activate
extend_log "$v/boot/sb-on/eventlog.bin"; attest "$vm" "$v/boot/sb-on/eventlog.bin"
restart_swtpm; extend_log "$v/boot/cmdline/eventlog.bin"; attest "$vm" "$v/boot/cmdline/eventlog.bin"
TOKEN=$ADMIN call GET "/v1/alerts?vm=$vm"; need 200 alerts; alert=$(field "d['alerts'][0]['id']")

# kvm-7 runs web-1 and sb-fail-1, whose boot Secure Boot refused (as tl-hostd reports it: the
# console's last lines, escaped; one of them markup a guest printed); kvm-old's inventory is
# two hours old (its row aged in the database: the service stamps each inventory with its time)
sbf=$(python3 -c 'import uuid; print(uuid.uuid4())')
python3 - "$vm" "$sbf" > inv.json <<'PY'
import json, sys
dom = lambda u, n: {"uuid": u, "name": n, "firmware": "uefi", "secure_loader": True, "keys_enrolled": True,
                    "tpm": {"model": "tpm-crb", "version": "2.0"}, "smm": True, "trustlaunch": True}
print(json.dumps({"domains": [dom(sys.argv[1], "web-1"), dom(sys.argv[2], "sb-fail-1")]}))
PY
call PUT /v1/hosts/kvm-7/inventory inv.json; need 200 "kvm-7's inventory"
echo '{"domains":[]}' > inv0.json; call PUT /v1/hosts/kvm-old/inventory inv0.json; need 200 "kvm-old's inventory"
python3 -c "import sqlite3; c=sqlite3.connect('svc/trustlaunch.db', timeout=10); c.execute(\"UPDATE hosts SET seen = seen - 7200 WHERE host = 'kvm-old'\"); c.commit()"
echo '{"state":"running"}' > running.json; call POST "/v1/vms/$vm/host-state" running.json; need 200 running
python3 > failed.json <<'PY'
import json
print(json.dumps({"state": "boot_failed", "reason": "secure_boot_refused", "console": [
    'BdsDxe: loading Boot0001 "UEFI Misc Device" from PciRoot(0x0)/Pci(0x3,0x0)',
    'BdsDxe: starting Boot0001 "UEFI Misc Device" from PciRoot(0x0)/Pci(0x3,0x0)',
    r'\x1b[0m\x1b[37m\x1b[40m\x1b[2J\x1b[01;01H',
    'Loading Linux 6.1.0-28-cloud-amd64 ...',
    'error: bad shim signature.',
    '<img src=x onerror=alert(1)>',
    'Loading initial ramdisk ...',
    'error: you need to load the kernel first.',
    '',
    'Press any key to continue...']}))
PY
call POST "/v1/vms/$sbf/host-state" failed.json; need 200 boot_failed

BASE=$base ADMIN=$ADMIN READER=$READER VM_ID=$vm XSS_ID=$xss ALERT_ID=$alert SBF_ID=$sbf OUT=$shots \
  NODE_PATH=$src/tests/dashboard/node_modules node "$src/tests/dashboard/dashboard.mjs"
