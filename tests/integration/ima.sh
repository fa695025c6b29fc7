#!/usr/bin/env bash
# IMA's PCR 10 through the whole path: a swtpm holding the sb-on boot (its TCG log replayed)
# and, in PCR 10, the template data of a real IMA list extended as Linux does it (SHA-256 of
# the template data, tpm2_pcrextend); tl-agent sends that list (--ima-log) and quotes PCR 10;
# trustlaunchd replays the list. Healthy as it is; a consistently rewritten entry is
# ima.replay; another boot's list is ima.boot_aggregate; PCR 10 without a list is ima.missing;
# an entry whose SHA-1 template hash is not its data's is malformed evidence (400).
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
agent=${TL_AGENT:?}
[[ -n $v ]] || { echo "TL_VECTORS is not set" >&2; exit 2; }
cd "$work"
start_service
on=$v/boot/sb-on

# lists made from the real sb-on list (its boot_aggregate entry) and two ima-ng file entries,
# as a Debian guest with an IMA policy shows them; and their variants
python3 - "$on/ima.bin" "$v/boot/cmdline/ima.bin" <<'PY'
import hashlib, struct, sys
real = open(sys.argv[1], 'rb').read()
other = open(sys.argv[2], 'rb').read()
def field(b): return struct.pack('<I', len(b)) + b
def entry(data, tmpl=b'ima-ng', sha1=None):
    h = hashlib.sha1(data).digest() if sha1 is None else sha1
    return struct.pack('<I', 10) + h + field(tmpl) + field(data)
def file_entry(path, content):
    return entry(field(b'sha256:\0' + hashlib.sha256(content).digest()) + field(path + b'\0'))
files = [(b'/init', b'#!/bin/sh\necho tl\n'), (b'/bin/busybox', b'busybox 1.35')]
good = real + b''.join(file_entry(p, c) for p, c in files)
open('ima.bin', 'wb').write(good)
# /init rewritten, its template hash recomputed: a list that parses but is not this boot's
open('ima-changed.bin', 'wb').write(real + file_entry(b'/init', b'#!/bin/sh\nevil\n') + file_entry(*files[1]))
# /init's data changed but not its SHA-1 template hash: malformed
bad = bytearray(good); bad[len(real) + 60] ^= 1
open('ima-digest.bin', 'wb').write(bytes(bad))
# the cmdline boot's boot_aggregate with the same files
open('ima-other.bin', 'wb').write(other + b''.join(file_entry(p, c) for p, c in files))
PY
# PCR 10 as Linux extends a SHA-256 bank: SHA-256 of each entry's template data
pcr10_of() {
  python3 - "$1" <<'PY'
import hashlib, struct, sys
b = open(sys.argv[1], 'rb').read(); o = 0
while o < len(b):
    o += 24; n, = struct.unpack_from('<I', b, o); o += 4 + n
    n, = struct.unpack_from('<I', b, o); print(hashlib.sha256(b[o + 4:o + 4 + n]).hexdigest()); o += 4 + n
PY
}
boot() { # LIST: a fresh boot of the sb-on chain, with LIST's template data in PCR 10
  tpm tpm2_shutdown # orderly: a TPM killed often enough goes into DA lockout
  restart_swtpm
  expect_rc 0 A replay-log "$on/eventlog.bin"
  for h in $(pcr10_of "$1"); do tpm tpm2_pcrextend "10:sha256=$h"; done
}
api POST /v1/vms '{"name":"ima-1","size":"Standard_D2s_v5","os":"debian-12"}'
vm=$(field "d['id']") token=$(field "d['enrollment_token']")
start_swtpm sha256
A() { "$agent" --server "$base" --tcti "$TPM2TOOLS_TCTI" --state-dir "$work/agent" --timeout 20 "$@"; }
expect_rc 0 A replay-log "$on/eventlog.bin"
expect_rc 0 A enroll --vm-id "$vm" --enrollment-token "$token"

# ---- the real boot_aggregate alone, then with files: healthy, PCR 10 quoted
boot "$on/ima.bin"
tpm tpm2_pcrread sha256:10
grep -qi "$(grep '^10 ' "$on/pcrs-sha256.txt" | cut -d' ' -f2)" tpm.out && ok || bad "PCR 10 as the guest read it: $(cat tpm.out)"
expect_rc 0 A attest --eventlog "$on/eventlog.bin" --ima-log "$on/ima.bin"
grep -q "^healthy" out && ok || bad "healthy with the real IMA list: $(cat out) $(cat err)"
boot ima.bin
expect_rc 0 A attest --eventlog "$on/eventlog.bin" --ima-log ima.bin --json
python3 - <<'PY' && ok || bad "healthy with files measured, PCR 10 named: $(head -c 400 out) $(cat err)"
import json, base64
d = json.load(open('out')); assert d['verdict'] == 'healthy', d
tok = d['token'].split('.')[1]
claims = json.loads(base64.urlsafe_b64decode(tok + '=' * (-len(tok) % 4)))
assert 10 in claims['pcrs'], claims
PY

# ---- tl quote verify, offline, on a quote of this TPM by an AK of its own
tpm tpm2_createek -c ek.ctx -G rsa -u ek.pub
tpm tpm2_createak -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa -u ak.pub -n ak.name
n=$(nonce)
tpm tpm2_quote -c ak.ctx -l sha256:0,1,2,3,4,5,6,7,8,9,10 -q "$n" -m q.msg -s q.sig -o q.pcrs -F values -g sha256
Q() { "$tl" quote verify --ak ak.pub --attest q.msg --sig q.sig --nonce "$n" --pcrs q.pcrs --eventlog "$on/eventlog.bin" "$@"; }
expect_rc 0 Q --ima-log ima.bin
refused quote.ima_log_missing Q
refused quote.ima_log_mismatch Q --ima-log ima-changed.bin
grep -q "refused: sha256:10 is not what the IMA log replays to" err && ok || bad "the PCR named: $(cat err)"
expect_rc 2 Q --ima-log ima-digest.bin
grep -q "ima.template_digest_mismatch: .* at byte 106 (entry 1)" err && ok || bad "malformed list: $(cat err)"

# ---- the same TPM, a list with one entry rewritten consistently: ima.replay, PCR 10 named
expect_rc 1 A attest --eventlog "$on/eventlog.bin" --ima-log ima-changed.bin
grep -q "^unhealthy" out && grep -q "ima.replay: the IMA log does not replay to the quoted PCR 10 (sha256)" out \
  && ok || bad "a changed entry: $(cat out) $(cat err)"
! grep -q "log.replay" out && ok || bad "the TCG log still replays: $(cat out)"
api GET "/v1/vms/$vm/attestations"
python3 - <<'PY' && ok || bad "the reason's component: $(head -c 800 body.json)"
import json
a = json.load(open('body.json'))['attestations'][0]
r = [x for x in a['reasons'] if x['code'] == 'ima.replay']
assert a['verdict'] == 'unhealthy' and r and r[0]['component'] == 'ima' and r[0]['pcr'] == 10, a['reasons']
PY

# ---- an entry whose data is not its template hash: the evidence is refused, with the offset
expect_rc 2 A attest --eventlog "$on/eventlog.bin" --ima-log ima-digest.bin
grep -q "ima_log does not parse: an IMA log entry's SHA-1 template hash is not the hash of its template data at byte 106 (entry 1)" err \
  && ok || bad "malformed list refused: $(cat out) $(cat err)"

# ---- another boot's list, replayed into this TPM's PCR 10: its boot_aggregate is not PCRs 0-9
boot ima-other.bin
expect_rc 1 A attest --eventlog "$on/eventlog.bin" --ima-log ima-other.bin
grep -q "ima.boot_aggregate" out && ! grep -q "ima.replay" out && ok || bad "another boot's list: $(cat out) $(cat err)"

# ---- PCR 10 quoted, no list sent: ima.missing
boot ima.bin
expect_rc 1 A attest --eventlog "$on/eventlog.bin" --ima-log "$work/none" --pcrs sha256:0-10,14
grep -q "ima.missing" out && ok || bad "PCR 10 without a list: $(cat out) $(cat err)"
# without PCR 10 in the quote and no list: healthy (IMA off)
expect_rc 0 A attest --eventlog "$on/eventlog.bin" --ima-log "$work/none"
grep -q "^healthy" out && ok || bad "no IMA: $(cat out) $(cat err)"

finish
