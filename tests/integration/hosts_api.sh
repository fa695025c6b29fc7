#!/usr/bin/env bash
# The hosts API of trustlaunchd (docs/hostd.md) as a host daemon uses it: an inventory
# registers unknown domains as VMs with the profile their XML showed and updates known ones,
# the posture layer's recommendations follow the profile, host states with their typed
# reasons and console lines, GET /v1/hosts paged, and each refusal with its error.
# TL_STORE_URL=postgresql://... runs it on PostgreSQL (store_pg.sh does).
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
cd "$work"
dbargs=(); [[ -n ${TL_STORE_URL:-} ]] && dbargs=(--db "$TL_STORE_URL")
start_service "${dbargs[@]}"
check() { python3 -c "import json,sys; d=json.load(open('body.json')); sys.exit(0 if ($1) else 1)" \
  && ok || bad "$2: $(head -c 400 body.json)"; }
errcode() { check "d['error']['code'] == '$1'" "$2"; }

api POST /v1/tokens '{"name":"hostd","role":"operator"}'; OPER=$(python3 -c "import json; print(json.load(open('body.json'))['token'])")
api POST /v1/tokens '{"name":"look","role":"reader"}'; READER=$(python3 -c "import json; print(json.load(open('body.json'))['token'])")
bios=$(python3 -c 'import uuid; print(uuid.uuid4())') efi=$(python3 -c 'import uuid; print(uuid.uuid4())')
tl=$(python3 -c 'import uuid; print(uuid.uuid4())')
inv() { cat <<JSON
{"domains":[
 {"uuid":"$bios","name":"legacy-1","firmware":"bios","secure_loader":false,"keys_enrolled":false,"tpm":null,"smm":false,"trustlaunch":false},
 {"uuid":"$efi","name":"efi-1","firmware":"uefi","secure_loader":false,"keys_enrolled":false,"tpm":null,"smm":true,"trustlaunch":false},
 {"uuid":"$tl","name":"tl-1","firmware":"uefi","secure_loader":true,"keys_enrolled":true,"tpm":{"model":"tpm-crb","version":"2.0"},"smm":true,"trustlaunch":true},
 {"uuid":"NOT-A-UUID","name":"odd","firmware":"bios","secure_loader":false,"keys_enrolled":false,"tpm":null,"smm":false,"trustlaunch":false}]}
JSON
}
# ---- the inventory: who may send it, and what it must hold
TOKEN=$READER api PUT /v1/hosts/kvm-1/inventory "$(inv)"; expect 403 "a reader cannot report"; errcode auth.role "reader refused by role"
TOKEN=$OPER api PUT /v1/hosts/kvm-1/inventory '{"domains":[{"uuid":"x","name":"n","firmware":"gen1","secure_loader":false,"keys_enrolled":false,"tpm":null,"smm":false,"trustlaunch":false}]}'
expect 400 "firmware checked"; check "d['error']['field'] == 'domains[0].firmware'" "the field named"
TOKEN=$OPER api PUT /v1/hosts/kvm-1/inventory '{"domains":[{"uuid":"'$efi'","name":"n","firmware":"uefi","secure_loader":1,"keys_enrolled":false,"tpm":null,"smm":false,"trustlaunch":false}]}'
expect 400 "booleans checked"; check "d['error']['field'] == 'domains[0].secure_loader'" "secure_loader named"
TOKEN=$OPER api PUT /v1/hosts/kvm-1/inventory '{"domains":[{"uuid":"'$efi'","name":"n","firmware":"uefi","secure_loader":false,"keys_enrolled":false,"tpm":{"model":"tpm-crb","version":"3"},"smm":false,"trustlaunch":false}]}'
expect 400 "TPM version checked"; check "d['error']['field'] == 'domains[0].tpm'" "tpm named"
TOKEN=$OPER api GET "/v1/vms/$efi"; expect 404 "nothing stored by a refused inventory"
TOKEN=$OPER api PUT '/v1/hosts/bad%20name/inventory' "$(inv)"; expect 404 "a host name is checked"
TOKEN=$OPER api PUT /v1/hosts/kvm-1/inventory "$(inv)"; expect 200 "inventory"
check "[x['result'] for x in d['domains']] == ['registered','registered','registered','uuid']" "what became of each domain"
# ---- registered with the real profile; the posture layer recommends for them
TOKEN=$OPER api GET "/v1/vms/$efi"
check "d['name']=='efi-1' and d['secure_boot'] is False and d['vtpm'] is False and d['security_type']=='standard'" "UEFI without Secure Boot"
check "d['host']['name']=='kvm-1' and d['host']['profile']['firmware']=='uefi' and d['host']['profile']['smm'] is True and d['host']['trustlaunch'] is False" "the host's profile shown"
TOKEN=$OPER api GET "/v1/vms/$tl"
check "d['secure_boot'] and d['vtpm'] and d['security_type']=='trustedlaunch' and d['host']['profile']['tpm']=={'model':'tpm-crb','version':'2.0'}" "a Trusted Launch domain"
rec() { python3 -c "import json; d=json.load(open('body.json')); print({r['id']: r['status'] for r in d['recommendations']}['$1'])"; }
TOKEN=$READER api GET "/v1/vms/$efi/recommendations"; expect 200 "recommendations"
[[ $(rec secure-boot) == unhealthy && $(rec vtpm) == unhealthy ]] && ok || bad "UEFI VM: secure-boot and vtpm recommended: $(head -c 600 body.json)"
TOKEN=$READER api GET "/v1/vms/$bios/recommendations"
[[ $(rec secure-boot) == not_applicable ]] && ok || bad "BIOS (Generation 1) VM: not applicable: $(head -c 600 body.json)"
TOKEN=$READER api GET "/v1/vms/$tl/recommendations"
[[ $(rec secure-boot) == healthy && $(rec vtpm) == healthy ]] && ok || bad "Trusted Launch VM: healthy: $(head -c 600 body.json)"
TOKEN=$READER api GET /v1/recommendations
check "d['vms']==3 and [r['counts'] for r in d['recommendations'] if r['id']=='secure-boot']==[{'healthy':1,'unhealthy':1,'not_applicable':1}]" "the fleet's counts include the registered VMs"
check "d['host_states']=={'boot_failed':0,'secure_boot_refused':0,'boot_deadline':0,'stopped':0}" "no host state reported yet: none counted"
# ---- a second inventory updates: the vTPM removed behind the service's back
TOKEN=$OPER api PUT /v1/hosts/kvm-1/inventory "$(inv | sed 's/"tpm":{"model":"tpm-crb","version":"2.0"}/"tpm":null/')"
check "[x['result'] for x in d['domains']][:3] == ['updated','updated','updated']" "known domains updated"
TOKEN=$READER api GET "/v1/vms/$tl/recommendations"
[[ $(rec vtpm) == unhealthy ]] && ok || bad "the removed vTPM recommended: $(head -c 600 body.json)"
TOKEN=$READER api GET /v1/recommendations
check "[r['counts']['unhealthy'] for r in d['recommendations'] if r['id']=='vtpm']==[2]" "the fleet's counts follow an updated profile"
# ---- host states
TOKEN=$OPER api POST "/v1/vms/$tl/host-state" '{"state":"running"}'; expect 200 "running"
TOKEN=$OPER api GET "/v1/vms/$tl"; check "d['host_state']=='running' and d['host_reason'] is None and d['host_state_at'] > 0" "running shown"
TOKEN=$OPER api POST "/v1/vms/$tl/host-state" '{"state":"boot_failed","reason":"secure_boot_refused","console":["error: bad shim signature.","\\x1b[0m"]}'
expect 200 "boot_failed"
TOKEN=$READER api GET "/v1/vms/$tl"
check "d['host_state']=='boot_failed' and d['host_reason']=='secure_boot_refused' and d['host_console'][0]=='error: bad shim signature.'" "boot_failed shown with its console"
TOKEN=$OPER api POST "/v1/vms/$tl/host-state" '{"state":"boot_failed"}'; expect 400 "boot_failed needs a reason"; errcode request.field "reason named"
# ---- the fleet's host states (GET /v1/recommendations), each VM's last report once, by reason
hs() { TOKEN=${2:-$READER} api GET /v1/recommendations; expect 200 "the fleet summary"
  check "d['host_states']==dict(zip(['boot_failed','secure_boot_refused','boot_deadline','stopped'],[$1]))" "host states counted: $1"; }
hs 1,1,0,0
TOKEN=$OPER api POST /v1/vms '{"name":"late-1","size":"Standard_D2s_v5","os":"debian-12"}'; expect 201 "a VM no inventory listed"
late=$(python3 -c "import json; print(json.load(open('body.json'))['id'])")
TOKEN=$OPER api POST "/v1/vms/$late/host-state" '{"state":"boot_failed","reason":"boot_deadline"}'; expect 200 "a boot past its deadline"
TOKEN=$OPER api POST "/v1/vms/$bios/host-state" '{"state":"running"}'; expect 200 "the BIOS VM runs"
hs 2,1,1,0
TOKEN=$OPER api POST "/v1/vms/$bios/host-state" '{"state":"boot_failed","reason":"boot_deadline"}'
TOKEN=$OPER api POST "/v1/vms/$bios/host-state" '{"state":"stopped"}'; expect 200 "the BIOS VM stopped"
hs 2,1,1,1
# ?host_state=: the VMs whose last boot failed, paged with the cursor as any list; typed
TOKEN=$READER api GET "/v1/vms?host_state=boot_failed"; expect 200 "the VMs whose boot failed"
check "sorted(v['id'] for v in d['vms'])==sorted(['$late','$tl']) and all(v['host_state']=='boot_failed' for v in d['vms'])" "the two failed boots, only those"
TOKEN=$READER api GET "/v1/vms?host_state=boot_failed&limit=1"; check "len(d['vms'])==1 and d['next_cursor']" "their first page"
first=$(python3 -c "import json; print(json.load(open('body.json'))['vms'][0]['id'])")
cur=$(python3 -c "import json; print(json.load(open('body.json'))['next_cursor'])")
TOKEN=$READER api GET "/v1/vms?host_state=boot_failed&limit=1&cursor=$cur"
check "len(d['vms'])==1 and d['vms'][0]['id']!='$first' and d['next_cursor'] is None" "their last page, the other VM"
TOKEN=$READER api GET "/v1/vms?host_state=stopped&host=kvm-1"; check "[v['id'] for v in d['vms']]==['$bios']" "with ?host= beside it"
TOKEN=$READER api GET "/v1/vms?host_state=paused"; expect 400 "host_state is typed"; check "d['error']['field']=='host_state'" "host_state named"
TOKEN=$OPER api POST "/v1/vms/$tl/host-state" '{"state":"running","reason":"boot_deadline"}'; expect 400 "no reason for running"
TOKEN=$OPER api POST "/v1/vms/$tl/host-state" '{"state":"boot_failed","reason":"because"}'; expect 400 "reasons are typed"
TOKEN=$OPER api POST "/v1/vms/$tl/host-state" '{"state":"paused"}'; expect 400 "states are typed"; check "d['error']['field']=='state'" "state named"
TOKEN=$OPER api POST "/v1/vms/$tl/host-state" '{"state":"stopped","console":["a\u0007b"]}'; expect 400 "console lines printable"; check "d['error']['field']=='console'" "console named"
TOKEN=$OPER api POST "/v1/vms/$tl/host-state" "{\"state\":\"stopped\",\"console\":[$(python3 -c 'print(",".join(["\"x\""]*41))')]}"; expect 400 "at most 40 console lines"
TOKEN=$READER api POST "/v1/vms/$tl/host-state" '{"state":"stopped"}'; expect 403 "a reader cannot set host states"
TOKEN=$OPER api POST "/v1/vms/$(python3 -c 'import uuid; print(uuid.uuid4())')/host-state" '{"state":"stopped"}'; expect 404 "unknown VM"
# ---- another tenant: neither sees nor overwrites these VMs
api POST /v1/tokens '{"name":"other","role":"operator","tenant":"other"}'; OTHER=$(python3 -c "import json; print(json.load(open('body.json'))['token'])")
TOKEN=$OTHER api POST "/v1/vms/$tl/host-state" '{"state":"stopped"}'; expect 404 "another tenant's VM"
TOKEN=$OTHER api PUT /v1/hosts/kvm-2/inventory "$(inv)"; check "[x['result'] for x in d['domains']][:3] == ['another_tenant']*3" "another tenant's VMs skipped"
hs 0,0,0,0 "$OTHER"
TOKEN=$OTHER api GET "/v1/vms?host_state=boot_failed"; check "d['vms']==[]" "another tenant lists none of them"
api GET /v1/recommendations; check "d['host_states']['boot_failed']==2" "the administrator of every tenant counts them"
# ---- hosts, paged
TOKEN=$OPER api PUT /v1/hosts/kvm-0/inventory '{"domains":[]}'; expect 200 "an empty host"
TOKEN=$READER api GET "/v1/hosts?limit=1"; expect 200 "hosts"
check "[h['name'] for h in d['hosts']]==['kvm-0'] and d['next_cursor']" "first page"
cur=$(python3 -c "import json; print(json.load(open('body.json'))['next_cursor'])")
TOKEN=$READER api GET "/v1/hosts?limit=1&cursor=$cur"; check "[h['name'] for h in d['hosts']]==['kvm-1'] and d['hosts'][0]['domains']==4" "second page"
TOKEN=$READER api GET "/v1/hosts?cursor=0.bad%20name"; expect 400 "cursor checked"
# ---- the fleet list carries the host state; ?host= lists one host's VMs, paged
TOKEN=$READER api GET "/v1/vms?host=kvm-1"; expect 200 "a host's VMs"
check "sorted(v['id'] for v in d['vms'])==sorted(['$bios','$efi','$tl']) and all(v['host']['name']=='kvm-1' for v in d['vms'])" "kvm-1's three VMs"
check "[(v['host_state'],v['host_reason'],v['host']['domain']) for v in d['vms'] if v['id']=='$tl']==[('boot_failed','secure_boot_refused','tl-1')] and 'host_console' not in d['vms'][0]" "boot_failed in the list, without the console"
check "[v.get('host_state') for v in d['vms'] if v['id']=='$efi']==[None]" "no host state: none shown"
TOKEN=$READER api GET "/v1/vms?host=kvm-1&limit=2"; check "len(d['vms'])==2 and d['next_cursor']" "a host's first page"
cur=$(python3 -c "import json; print(json.load(open('body.json'))['next_cursor'])")
TOKEN=$READER api GET "/v1/vms?host=kvm-1&limit=2&cursor=$cur"; check "len(d['vms'])==1 and d['next_cursor'] is None" "a host's last page"
TOKEN=$READER api GET "/v1/vms?host=kvm-0"; check "d['vms']==[]" "an empty host: no VMs"
TOKEN=$READER api GET "/v1/vms?host=bad%20name"; expect 400 "the host filter is checked"; check "d['error']['field']=='host'" "host named"
TOKEN=$READER api GET "/v1/vms"; check "[v['host_state'] for v in d['vms'] if v['id']=='$tl']==['boot_failed']" "the unfiltered list too"
TOKEN=$OTHER api GET "/v1/vms?host=kvm-1"; check "d['vms']==[]" "another tenant sees none of kvm-1's VMs"
# ---- the CLI: tl hosts list, tl vm show with the host state
T() { "$TL_BIN" --server "$base" --token "$READER" "$@"; }
T hosts list > cli.out 2>&1 && grep -q "^kvm-1 .* 4 " cli.out && ok || bad "tl hosts list: $(cat cli.out)"
T recommendations > cli.out 2>&1 && grep -q "^boot failed: 2 (1 secure_boot_refused, 1 boot_deadline), 1 stopped$" cli.out \
  && ok || bad "tl recommendations: the failed boots: $(cat cli.out)"
T vm list > cli.out 2>&1 && grep -q "^$tl .* boot_failed " cli.out && grep -q "^$efi .* no  *- " cli.out \
  && ok || bad "tl vm list: the host state column: $(cat cli.out)"
T vm show "$tl" > cli.out 2>&1 && grep -q "host_state *boot_failed" cli.out && grep -q "host_reason *secure_boot_refused" cli.out \
  && grep -q "^  error: bad shim signature.$" cli.out && ok || bad "tl vm show: $(cat cli.out)"
# ---- delete removes the host's record of the VM
TOKEN=$OPER api DELETE "/v1/vms/$tl"; expect 200 "delete"
hs 1,0,1,1
TOKEN=$OPER api POST "/v1/vms/$tl/host-state" '{"state":"stopped"}'; expect 404 "gone"
# ---- a later inventory that no longer lists a domain takes the host off it; a domain that
# moved to another host is that host's, whatever the first host's next inventory says
only() { inv | python3 -c "import json,sys; d=json.load(sys.stdin); d['domains']=[x for x in d['domains'] if x['uuid'] in sys.argv[1:]]; print(json.dumps(d))" "$@"; }
TOKEN=$OPER api PUT /v1/hosts/kvm-1/inventory "$(only "$efi")"; expect 200 "an inventory without the BIOS domain"
TOKEN=$READER api GET "/v1/vms?host=kvm-1"; check "[v['id'] for v in d['vms']]==['$efi']" "kvm-1 lists only what its last inventory listed"
TOKEN=$READER api GET "/v1/vms/$bios"; check "'host' not in d" "the dropped domain has no host"
TOKEN=$OPER api PUT /v1/hosts/kvm-2/inventory "$(only "$efi")"; expect 200 "the UEFI domain moved to kvm-2"
TOKEN=$OPER api PUT /v1/hosts/kvm-1/inventory '{"domains":[]}'; expect 200 "kvm-1 empty"
TOKEN=$READER api GET "/v1/vms/$efi"; check "d['host']['name']=='kvm-2'" "the moved domain stays kvm-2's"
TOKEN=$READER api GET "/v1/vms?host=kvm-1"; check "d['vms']==[]" "kvm-1 lists none"
finish
