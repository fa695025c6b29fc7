#!/usr/bin/env bash
# The `tl` admin client: against a real trustlaunchd on a loopback port (SQLite in a temp state
# dir) for VMs, --json, exit codes and the messages of refusals and unreachable servers; and
# against a small fake server for what trustlaunchd should never make tl do (follow a
# redirect, swallow a huge or non-JSON answer, print control characters) and for the shape
# of requests to endpoints the service does not have yet.
set -uo pipefail
tl=${TL_BIN:?} d=${TL_DAEMON:?}
work=$(mktemp -d) pid= fake=
cleanup() {
  for p in $pid $fake; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
fails=0 passes=0
ok()  { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect_rc WANT CMD...: runs CMD, checks its exit code; stdout in $work/out, stderr in $work/err
expect_rc() { local want=$1; shift; "$@" >"$work/out" 2>"$work/err"; local rc=$?
  [[ $rc == "$want" ]] && ok || bad "exit $rc, wanted $want: $* ($(head -c 300 "$work/err"))"; }
out_has() { grep -qE -- "$1" "$work/out" && ok || bad "stdout lacks /$1/: $(head -c 300 "$work/out")"; }
err_has() { grep -qE -- "$1" "$work/err" && ok || bad "stderr lacks /$1/: $(head -c 300 "$work/err")"; }
json() { python3 -c "import json; d=json.load(open('$work/out')); $1" || bad "json check: $1"; }
json_ok() { python3 -m json.tool "$work/out" >/dev/null && ok || bad "not JSON: $(head -c 300 "$work/out")"; }
# three free loopback ports: trustlaunchd, one where nothing listens, the fake server
read -r port dead fport < <(python3 -c 'import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))')
# wait_http "URL [CURL OPTIONS]" WHAT
wait_http() { for _ in $(seq 50); do curl -s -o /dev/null $1 && return 0; sleep 0.1; done
  echo "$2 did not start: $(cat "$work/log")" >&2; exit 2; }

base=http://127.0.0.1:$port
"$d" --listen 127.0.0.1:$port --state-dir "$work/state" 2>>"$work/log" & pid=$!
wait_http "$base/healthz" trustlaunchd
export TL_SERVER=$base
unset TL_TOKEN
adm=(--token-file "$work/state/admin.token")
nobody=00000000-0000-4000-8000-000000000000

# --- help: everything listed, every group and command answers
expect_rc 0 "$tl" --help
for w in eventlog quote predict vm attestations baseline tokens --server --token-file --cacert --json TL_SERVER; do
  out_has "$w"
done
for g in vm baseline tokens; do expect_rc 0 "$tl" $g --help; out_has '^usage: tl '; done
for c in "vm register" "vm list" "vm show" "vm delete" "vm enrollment-token" attestations \
         "baseline show" "baseline relearn" "baseline set" "tokens create" "tokens list" "tokens revoke"; do
  expect_rc 0 "$tl" $c --help; out_has "^usage: tl \[GLOBAL OPTIONS\] $c"
done
expect_rc 2 "$tl" vm frobnicate
expect_rc 2 "$tl" frobnicate
expect_rc 2 "$tl" --frobnicate vm list
# the offline groups keep working behind global options; a global --json is not theirs
expect_rc 0 "$tl" --server http://127.0.0.1:1 eventlog --help
expect_rc 0 "$tl" --version
expect_rc 2 "$tl" --json eventlog --help
err_has 'after the command'

# --- VMs
expect_rc 0 "$tl" "${adm[@]}" vm register --name web-1 --size Standard_D2s_v5 --os debian-12 --scale-set web
[[ ! -s "$work/err" ]] && ok || bad "vm register: stderr: $(cat "$work/err")"
out_has '^name +web-1$'
out_has '^security_type +trustedlaunch$'
out_has '^scale_set +web$'
expect_rc 0 "$tl" "${adm[@]}" --json vm register --name db-1 --size Standard_E4s_v5 --os debian-12 \
  --security-type standard --no-secure-boot --no-vtpm
json_ok
id=$(python3 -c "import json; d=json.load(open('$work/out'))
assert (d['name'], d['security_type'], d['secure_boot'], d['vtpm']) == ('db-1', 'standard', False, False), d
print(d['id'])") && ok || bad "vm register --json: $(cat "$work/out")"
expect_rc 0 "$tl" "${adm[@]}" vm list
out_has '^ID +NAME +TENANT +SIZE +OS +SECURITY +SECURE BOOT +VTPM +ENROLLED +HOST STATE +CREATED$'
out_has "^$id +db-1 +default +Standard_E4s_v5 +debian-12 +standard +no +no "
[[ $(wc -l < "$work/out") == 3 ]] && ok || bad "a header and two VMs"
# the columns line up: NAME starts at the same place on every line
[[ $(awk '{ print index($0, $2) }' "$work/out" | sort -u | wc -l) == 1 ]] && ok || bad "aligned columns"
expect_rc 0 "$tl" "${adm[@]}" --json vm list
json_ok
json "assert sorted(v['name'] for v in d['vms']) == ['db-1', 'web-1']"
expect_rc 0 "$tl" "${adm[@]}" vm list --json            # --json after the command works too
json "assert len(d['vms']) == 2"
# pages: one VM a page, the cursor of the next on stderr; --all follows every page
expect_rc 0 "$tl" "${adm[@]}" --json vm list --limit 1
json "assert len(d['vms']) == 1 and d['next_cursor']"
cur=$(python3 -c "import json; print(json.load(open('$work/out'))['next_cursor'])")
first=$(python3 -c "import json; print(json.load(open('$work/out'))['vms'][0]['id'])")
err_has "^more: --cursor $cur"
expect_rc 0 "$tl" "${adm[@]}" --json vm list --limit 1 --cursor "$cur"
json "assert len(d['vms']) == 1 and d['vms'][0]['id'] != '$first' and d['next_cursor'] is None"
expect_rc 0 "$tl" "${adm[@]}" --json vm list --limit 1 --all
json "assert len(d['vms']) == 2 and d['next_cursor'] is None"
expect_rc 2 "$tl" "${adm[@]}" vm list --limit 0
expect_rc 2 "$tl" "${adm[@]}" vm list --cursor 'x y'
expect_rc 1 "$tl" "${adm[@]}" vm list --cursor 5
err_has 'cursor'
expect_rc 0 "$tl" "${adm[@]}" vm show "$id"
out_has "^id +$id$"
out_has '^created +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}Z$'
expect_rc 0 "$tl" "${adm[@]}" --json vm show "$id"
json "assert d['id'] == '$id' and d['size'] == 'Standard_E4s_v5'"
# the old spelling still registers, with a one-line notice
expect_rc 0 "$tl" "${adm[@]}" --json vm create --name old-1 --size S --os debian-12
json_ok
[[ $(wc -l < "$work/err") == 1 ]] && ok || bad "one line of notice: $(cat "$work/err")"
err_has "^tl: 'tl vm create' is deprecated .*use 'tl vm register'$"
old=$(python3 -c "import json; print(json.load(open('$work/out'))['id'])")
expect_rc 0 "$tl" "${adm[@]}" vm delete "$old"
expect_rc 0 "$tl" vm create --help
out_has '^usage: tl \[GLOBAL OPTIONS\] vm create NAME --image DIR'
out_has "^Without --image, 'tl vm create' is the deprecated name of 'tl vm register'"
expect_rc 0 "$tl" vm --help
out_has '^  register +register a VM'
out_has '^  create +a VM on this host from an image'

# a name with a right-to-left override (U+202E), a zero-width space and a C1 control, made
# through the API: the tables show them escaped, never the raw characters; --json stays JSON
rlo=$'evil-\xe2\x80\xaegnp.exe\xe2\x80\x8b\xc2\x85x'   # as UTF-8 whatever the locale
expect_rc 0 "$tl" "${adm[@]}" --json vm create --name "$rlo" --size S --os debian-12
rid=$(python3 -c "import json; print(json.load(open('$work/out'))['id'])") && ok || bad "vm create: $(cat "$work/out")"
for cmd in "vm list" "vm show $rid"; do
  expect_rc 0 "$tl" "${adm[@]}" $cmd
  LC_ALL=C grep -q -e $'\xe2\x80\xae' -e $'\xe2\x80\x8b' -e $'\xc2\x85' "$work/out" && bad "$cmd: a raw bidi/invisible character reached the terminal" || ok
  grep -qF 'evil-\u202egnp.exe\u200b\u0085x' "$work/out" && ok || bad "$cmd: no escaped name: $(cat "$work/out")"
done
expect_rc 0 "$tl" "${adm[@]}" --json vm show "$rid"
python3 -c "import json,sys; d=json.load(open('$work/out')); assert d['name'] == sys.argv[1], d" "$rlo" && ok || bad "--json: the name as it is: $(cat "$work/out")"
expect_rc 0 "$tl" "${adm[@]}" vm delete "$rid"

# usage errors: exit 2 before any request
expect_rc 2 "$tl" "${adm[@]}" vm register --name x --size s
err_has '--name, --size and --os are needed'
expect_rc 2 "$tl" "${adm[@]}" vm register --name x --size s --os o --security-type magic
expect_rc 2 "$tl" "${adm[@]}" vm show
expect_rc 2 "$tl" "${adm[@]}" vm show a b
expect_rc 2 "$tl" "${adm[@]}" vm show ..
expect_rc 2 "$tl" --token a --token-file "$work/state/admin.token" vm list
expect_rc 2 "$tl" --server ftp://127.0.0.1/ vm list
err_has 'not an http:// or https:// URL'
printf 'one\ntwo\n' > "$work/twolines"
expect_rc 2 "$tl" --token-file "$work/twolines" vm list
err_has 'not one line'

# the server refuses: its message and code, exit 1
expect_rc 1 "$tl" "${adm[@]}" vm show "$nobody"
err_has '^tl: no such VM \(vm.not_found\)$'
expect_rc 1 "$tl" "${adm[@]}" vm delete "$nobody"
err_has 'no such VM'
expect_rc 1 "$tl" "${adm[@]}" vm register --name x --size s --os o --tenant "$(printf 'a\tb')"
err_has '\(request.field, field tenant\)$'
expect_rc 1 "$tl" --token not-a-token-at-all-00 vm list
err_has '^tl: .*token.* \(auth\.invalid\)$'
expect_rc 1 "$tl" vm list
err_has '\(auth\.required\)$'
err_has 'give a token with --token-file'
TL_TOKEN=$(cat "$work/state/admin.token") expect_rc 0 "$tl" vm list
grep -q "$(cat "$work/state/admin.token")" "$work/err" "$work/out" && bad "token echoed" || ok

# delete
expect_rc 0 "$tl" "${adm[@]}" vm delete "$id"
out_has "^deleted VM $id$"
expect_rc 1 "$tl" "${adm[@]}" vm show "$id"
err_has 'no such VM'
expect_rc 0 "$tl" "${adm[@]}" --json vm list
json "assert [v['name'] for v in d['vms']] == ['web-1']"

# --- Endpoints that are new in trustlaunchd: enrollment tokens, attestations, baselines, API
# tokens, against the real service (running at $base, $adm set). Not called yet; they pass
# against the server of 412526f, and the call below turns them on.
later_tests() {
  expect_rc 0 "$tl" "${adm[@]}" --json vm register --name later-1 --size S --os debian-12
  json "assert d['enrolled'] is False and len(d['enrollment_token']) > 16"
  local vm; vm=$(python3 -c "import json; print(json.load(open('$work/out'))['id'])")
  expect_rc 0 "$tl" "${adm[@]}" vm register --name later-2 --size S --os debian-12
  out_has '^enrollment token \(shown once'
  expect_rc 0 "$tl" "${adm[@]}" vm enrollment-token "$vm"
  [[ $(wc -l < "$work/out") == 1 ]] && ok || bad "the enrollment token alone on a line"
  expect_rc 1 "$tl" "${adm[@]}" vm enrollment-token "$nobody"
  err_has 'no such VM'
  # no attestation yet: an empty history, no baseline
  expect_rc 0 "$tl" "${adm[@]}" --json attestations "$vm" --limit 5
  json "assert d['attestations'] == []"
  expect_rc 1 "$tl" "${adm[@]}" attestations "$nobody"
  err_has 'no such VM'
  expect_rc 1 "$tl" "${adm[@]}" baseline show "$vm"
  err_has '\(baseline.not_found\)$'
  expect_rc 1 "$tl" "${adm[@]}" baseline relearn "$vm"
  # a manifest as the baseline
  echo '{"components":{"kernel_cmdline":"/vmlinuz ro"}}' > "$work/manifest.json"
  expect_rc 0 "$tl" "${adm[@]}" baseline set "$vm" "$work/manifest.json"
  out_has '^source +manifest$'
  expect_rc 0 "$tl" "${adm[@]}" --json baseline show "$vm"
  json "assert d['source'] == 'manifest' and d['components']['kernel_cmdline'] == '/vmlinuz ro'"
  # API tokens: a reader may read but not write; a revoked token is refused
  expect_rc 0 "$tl" "${adm[@]}" --json tokens create --name ci --role reader
  local tid tok; tid=$(python3 -c "import json; print(json.load(open('$work/out'))['id'])")
  tok=$(python3 -c "import json; print(json.load(open('$work/out'))['token'])")
  expect_rc 0 "$tl" "${adm[@]}" tokens list
  out_has '^ID +NAME +ROLE +TENANT +CREATED$'
  out_has " ci +reader "
  grep -q "$tok" "$work/out" && bad "tokens list shows a secret" || ok
  expect_rc 0 "$tl" --token "$tok" vm list
  expect_rc 1 "$tl" --token "$tok" vm register --name x --size s --os o
  err_has '\(auth.role\)$'
  expect_rc 1 "$tl" --token "$tok" tokens list
  err_has '\(auth.role\)$'
  expect_rc 0 "$tl" "${adm[@]}" tokens revoke "$tid"
  expect_rc 1 "$tl" --token "$tok" vm list
  err_has '\(auth.invalid\)$'
  expect_rc 1 "$tl" "${adm[@]}" tokens revoke "$tid"
}
later_tests

# no server: a sentence naming the URL, exit 1
expect_rc 1 "$tl" "${adm[@]}" --server "http://127.0.0.1:$dead" vm list
err_has "^tl: cannot connect to trustlaunchd at http://127.0.0.1:$dead "
kill -TERM "$pid"; wait "$pid"; pid=
expect_rc 1 "$tl" "${adm[@]}" vm list
err_has "cannot connect to trustlaunchd at $base"

# --- HTTPS: the same service with a certificate from a throwaway CA, checked with --cacert
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${ec[@]}" -keyout "$work/ca.key" -out "$work/ca.pem" -subj /CN=tl-test-ca \
  -days 2 2>>"$work/log"
openssl req "${ec[@]}" -keyout "$work/tls.key" -out "$work/tls.csr" -subj /CN=127.0.0.1 2>>"$work/log"
printf 'subjectAltName=IP:127.0.0.1\n' > "$work/san"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -days 2 -extfile "$work/san" -out "$work/tls.pem" 2>>"$work/log"
"$d" --listen 127.0.0.1:$port --state-dir "$work/state" --tls-cert "$work/tls.pem" \
  --tls-key "$work/tls.key" 2>>"$work/log" & pid=$!
wait_http "https://127.0.0.1:$port/healthz --cacert $work/ca.pem" "trustlaunchd (TLS)"
expect_rc 0 "$tl" "${adm[@]}" --server "https://127.0.0.1:$port" --cacert "$work/ca.pem" vm list
out_has ' web-1 '
expect_rc 1 "$tl" "${adm[@]}" --server "https://127.0.0.1:$port" vm list
err_has "^tl: no trusted TLS connection to https://127.0.0.1:$port \(--cacert"
expect_rc 1 "$tl" "${adm[@]}" --server "https://127.0.0.1:$port" --cacert "$work/nothing.pem" vm list
err_has 'no trusted TLS connection'
expect_rc 1 "$tl" "${adm[@]}" --server "http://127.0.0.1:$port" vm list
err_has 'closed the connection without an answer'
kill -TERM "$pid"; wait "$pid"; pid=

# --- the fake server: answers trustlaunchd should never give, and the endpoints still to come
fbase=http://127.0.0.1:$fport
cat > "$work/fake.py" <<'PY'
import http.server, json, sys
port, log_path = int(sys.argv[1]), sys.argv[2]
VM = {"id": "vm-1", "tenant": "default", "name": "evil\u001b[31mname", "size": "S", "os": "o",
      "security_type": "trustedlaunch", "secure_boot": True, "vtpm": True, "created": 0,
      "enrolled": False}
BASELINE = {"vm_id": "vm-1", "source": "manifest", "created": 86400,
            "components": {"kernel_cmdline": "/vmlinuz ro", "secureboot": {"enabled": True}}}
CANNED = {
    ("GET", "/v1/vms/vm-1"): (200, VM),
    ("POST", "/v1/vms/vm-1/enrollment-token"): (200, {"enrollment_token": "et-123"}),
    ("GET", "/v1/vms/vm-1/attestations"): (200, {"attestations": [
        {"id": 2, "time": 3600, "verdict": "fail", "reasons": [
            {"code": "baseline.changed", "message": "kernel command line changed",
             "component": "kernel_cmdline", "expected": "/vmlinuz ro", "actual": "/vmlinuz rw"},
            {"code": "sb.disabled", "message": "Secure Boot is off"}]},
        {"id": 1, "time": 60, "verdict": "pass", "reasons": []}]}),
    ("GET", "/v1/vms/vm-1/baseline"): (200, BASELINE),
    ("PUT", "/v1/vms/vm-1/baseline"): (200, BASELINE),
    ("POST", "/v1/vms/vm-1/baseline/relearn"): (200, dict(BASELINE, source="learned", attestation_id="1")),
    ("POST", "/v1/tokens"): (201, {"id": 7, "token": "tok-secret", "name": "ci", "role": "reader",
                                  "tenant": "default", "created": 0}),
    ("GET", "/v1/tokens"): (200, {"tokens": [{"id": 7, "name": "ci", "role": "reader",
                                              "tenant": "default", "created": 0}]}),
    ("DELETE", "/v1/tokens/7"): (200, {"revoked": 7}),
}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def answer(self, status, body, ctype="application/json", length=True):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length: self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def any(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        with open(log_path, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "auth": self.headers.get("Authorization"),
                                "type": self.headers.get("Content-Type"),
                                "body": json.loads(raw) if raw else None}) + "\n")
        kind, _, rest = self.path[1:].partition("/")
        rest = "/" + rest.split("?")[0]
        if kind == "redirect":
            self.send_response(302); self.send_header("Location", sys.argv[3])
            self.send_header("Content-Length", "0"); self.end_headers()
        elif kind == "html":
            self.answer(200, b"<html>hello</html>", "text/html")
        elif kind == "oops":
            self.answer(502, b"bad gateway", "text/plain")
        elif kind == "huge":  # 17 MiB, no length: read until the connection closes
            self.send_response(200); self.end_headers()
            for _ in range(17 * 16): self.wfile.write(b" " * 65536)
        elif (self.command, rest) in CANNED:
            status, body = CANNED[(self.command, rest)]
            self.answer(status, json.dumps(body).encode())
        else:
            self.answer(404, json.dumps({"error": {"code": "vm.not_found", "message": "no such VM"}}).encode())
    do_GET = do_POST = do_PUT = do_DELETE = any
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
python3 "$work/fake.py" "$fport" "$work/requests" "$fbase/canned/v1/vms" 2>>"$work/log" & fake=$!
wait_http "$fbase/html/" "the fake server"
: > "$work/requests"
last() { tail -n1 "$work/requests" > "$work/req"; python3 -c "import json; r=json.load(open('$work/req')); $1" || bad "request: $1: $(cat "$work/req")"; }

expect_rc 1 "$tl" --token t --server "$fbase/redirect" vm list
err_has 'redirect \(HTTP 302\), which tl does not follow'
[[ $(wc -l < "$work/requests") == 1 ]] && ok || bad "the redirect was followed"
expect_rc 1 "$tl" --token t --server "$fbase/html" vm list
err_has 'is not a JSON object \(HTTP 200\)'
expect_rc 1 "$tl" --token t --server "$fbase/oops" vm list
err_has 'answered HTTP 502 without an API error'
expect_rc 1 "$tl" --token t --server "$fbase/huge" vm list
err_has 'larger than 16 MiB'

c=(--token t0k --server "$fbase/canned")
expect_rc 0 "$tl" "${c[@]}" vm show vm-1
out_has '^name +evil\\x1b\[31mname$'
grep -q $'\e' "$work/out" && bad "an escape character reached the terminal" || ok
last "assert r['auth'] == 'Bearer t0k' and r['method'] == 'GET' and r['body'] is None"
expect_rc 1 "$tl" "${c[@]}" vm show 'a/b c'
last "assert r['path'] == '/canned/v1/vms/a%2Fb%20c', r['path']"
expect_rc 0 "$tl" "${c[@]}" vm enrollment-token vm-1
[[ $(cat "$work/out") == et-123 ]] && ok || bad "the enrollment token alone: $(cat "$work/out")"
last "assert r['method'] == 'POST' and r['path'] == '/canned/v1/vms/vm-1/enrollment-token'"
expect_rc 0 "$tl" "${c[@]}" attestations vm-1 --limit 5
last "assert r['path'] == '/canned/v1/vms/vm-1/attestations?limit=5'"
out_has '^ID +TIME +VERDICT +REASONS$'
out_has '^2 +1970-01-01 01:00:00Z +fail +baseline.changed: kernel command line changed \[kernel_cmdline\] expected /vmlinuz ro, actual /vmlinuz rw$'
out_has '^ +sb.disabled: Secure Boot is off$'
out_has '^1 +1970-01-01 00:01:00Z +pass$'
expect_rc 2 "$tl" "${c[@]}" attestations vm-1 --limit 0
expect_rc 0 "$tl" "${c[@]}" --json attestations vm-1
json "assert [a['verdict'] for a in d['attestations']] == ['fail', 'pass']"
expect_rc 0 "$tl" "${c[@]}" baseline show vm-1
out_has '^source +manifest$'
out_has '^kernel_cmdline +/vmlinuz ro$'
out_has '^secureboot +\{"enabled":true\}$'
expect_rc 0 "$tl" "${c[@]}" baseline relearn vm-1 --attestation 1
last "assert r['method'] == 'POST' and r['path'].endswith('/baseline/relearn') and r['body'] == {'attestation_id': '1'}"
out_has '^attestation_id +1$'
expect_rc 0 "$tl" "${c[@]}" baseline relearn vm-1
last "assert r['body'] == {}"
expect_rc 2 "$tl" "${c[@]}" baseline relearn vm-1 --attestation x
echo '{"pcrs":{"sha256":{"4":"00"}},"components":{"kernel_cmdline":"/vmlinuz ro"},"notes":[]}' > "$work/manifest.json"
expect_rc 0 "$tl" "${c[@]}" baseline set vm-1 "$work/manifest.json"
last "assert r['method'] == 'PUT' and r['type'] == 'application/json' and r['body']['components'] == {'kernel_cmdline': '/vmlinuz ro'}"
echo '{"components":{}, "components":{}}' > "$work/dup.json"
expect_rc 2 "$tl" "${c[@]}" baseline set vm-1 "$work/dup.json"
echo '{"pcrs":{}}' > "$work/nocomp.json"
expect_rc 2 "$tl" "${c[@]}" baseline set vm-1 "$work/nocomp.json"
err_has 'with "components"'
expect_rc 0 "$tl" "${c[@]}" tokens create --name ci --role reader
last "assert r['body'] == {'name': 'ci', 'role': 'reader'}"
out_has '^  tok-secret$'
expect_rc 2 "$tl" "${c[@]}" tokens create --name ci --role root
expect_rc 0 "$tl" "${c[@]}" tokens list
out_has '^ID +NAME +ROLE +TENANT +CREATED$'
out_has '^7 +ci +reader +default +1970-01-01 00:00:00Z$'
expect_rc 0 "$tl" "${c[@]}" tokens revoke 7
out_has '^revoked token 7$'
last "assert r['method'] == 'DELETE' and r['path'] == '/canned/v1/tokens/7'"

echo "$passes passed, $fails failed"
[[ $fails == 0 ]]
