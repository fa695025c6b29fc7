#!/usr/bin/env bash
# trustlaunchd on a loopback port with its SQLite store: health, tokens, inventory, bad
# input with the field named, a restart that keeps what was acknowledged, graceful SIGTERM.
set -uo pipefail
d=${TL_DAEMON:?} work=$(mktemp -d) pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fails=0 passes=0
ok()  { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
start() {
  "$d" --listen 127.0.0.1:$port --state-dir "$work/state" 2>>"$work/log" & pid=$!
  for _ in $(seq 50); do curl -s "$base/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "trustlaunchd did not start: $(cat "$work/log")" >&2; exit 2
}
# call METHOD PATH [BODY]: status code in $code, body in $work/body
call() {
  local args=(-s -o "$work/body" -w '%{http_code}' -X "$1" "$base$2")
  [[ -n ${TOKEN:-} ]] && args+=(-H "Authorization: Bearer $TOKEN")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  code=$(curl "${args[@]}")
}
expect() { [[ $code == "$1" ]] && ok || bad "$2: HTTP $code, wanted $1: $(head -c 300 "$work/body")"; }
field() { python3 -c "import json,sys; d=json.load(open('$work/body')); print($1)"; }

start
[[ $(stat -c %a "$work/state/admin.token") == 600 ]] && ok || bad "admin.token mode"
TOKEN= call GET /healthz; expect 200 healthz
TOKEN= call GET /v1/vms; expect 401 "no token"
TOKEN=not-a-token-at-all-00 call GET /v1/vms; expect 401 "unknown token"
TOKEN=$(cat "$work/state/admin.token")
call POST /v1/vms '{"name":"web-1","size":"Standard_D2s_v5","os":"debian-12"}'; expect 201 create
id=$(field "d['id']")
[[ $(field "d['security_type'], d['secure_boot'], d['vtpm']") == "trustedlaunch True True" ]] && ok || bad "defaults"
call GET "/v1/vms/$id"; expect 200 get
call GET /v1/vms; expect 200 list
[[ $(field "len(d['vms'])") == 1 ]] && ok || bad "one VM listed"
# bad input: the field is named, nothing is stored
call POST /v1/vms '{"name":"x","size":"s"}'; expect 400 "missing os"
[[ $(field "d['error']['field']") == os ]] && ok || bad "missing field named"
call POST /v1/vms '{"name":"x","size":"s","os":"o","vtpm":"yes"}'; expect 400 "vtpm type"
[[ $(field "d['error']['field']") == vtpm ]] && ok || bad "type error named"
call POST /v1/vms '{"name":"x","size":"s","os":"o","security_type":"magic"}'; expect 400 "security_type"
call POST /v1/vms '[1,2'; expect 400 "not JSON"
call POST /v1/vms '{"name":"a","name":"b","size":"s","os":"o"}'; expect 400 "duplicate keys"
head -c $((4 * 1024 * 1024 + 10)) /dev/zero | tr '\0' ' ' > "$work/big"
code=$(curl -s -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" --data-binary @"$work/big" "$base/v1/vms"); expect 413 "body over 4 MiB"
head -c $((65 * 1024)) /dev/zero | tr '\0' ' ' > "$work/mid"
code=$(curl -s -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" --data-binary @"$work/mid" "$base/v1/vms"); expect 413 "a VM over 64 KiB"
grep -q "64 KiB" "$work/body" && ok || bad "the small limit named"
call GET /v1/vms; [[ $(field "len(d['vms'])") == 1 ]] && ok || bad "bad requests stored nothing"
call GET /v1/vms/00000000-0000-4000-8000-000000000000; expect 404 "unknown VM"
call GET /v1/vms/../../etc; expect 404 "path"
call PUT /v1/vms; expect 405 "method"
call GET /nope; expect 404 "route"
# a restart keeps what was acknowledged
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[[ $rc == 0 ]] && ok || bad "SIGTERM exit $rc"
grep -q 'msg="stopped"' "$work/log" && ok || bad "graceful stop logged"
start
call GET "/v1/vms/$id"; expect 200 "after restart"
# the SQLite file is this daemon's alone (it keeps VMs' contexts in memory)
port2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 10 "$d" --listen 127.0.0.1:$port2 --state-dir "$work/state" 2>"$work/second"; rc=$?
[[ $rc == 2 ]] && grep -q "in use by another trustlaunchd" "$work/second" && ok || bad "a second daemon on the same database: rc $rc: $(cat "$work/second")"
call GET "/v1/vms/$id"; expect 200 "the first daemon goes on"
call DELETE "/v1/vms/$id"; expect 200 delete
call GET "/v1/vms/$id"; expect 404 "deleted"
grep -q 'msg=request method="POST" path="/v1/vms" status=201' "$work/log" && ok || bad "logfmt access log"
grep -q "$TOKEN" "$work/log" && bad "token in the log" || ok

# the configuration file, and flags over it
kill -TERM "$pid"; wait "$pid"; pid=
printf '# trustlaunchd.conf\nlisten = 127.0.0.1:1\nstate-dir = %s\nthreads = 3\n' "$work/state" > "$work/tl.conf"
"$d" --config "$work/tl.conf" --listen 127.0.0.1:$port 2>>"$work/log" & pid=$!
for _ in $(seq 50); do curl -s "$base/healthz" >/dev/null && break; sleep 0.1; done
call GET /healthz; expect 200 "config file, --listen over it"
kill -TERM "$pid"; wait "$pid"; pid=
printf 'listen = 127.0.0.1:%s\nbogus = 1\n' "$port" > "$work/bad.conf"
"$d" --config "$work/bad.conf" 2>"$work/err"; [[ $? == 2 ]] && grep -q "bad.conf:2: unknown option" "$work/err" && ok || bad "bad config line named: $(cat "$work/err")"

# TLS: HTTPS with the given certificate; a key that is not the certificate's is refused
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/other.key" 2>/dev/null
"$d" --listen 127.0.0.1:$port --state-dir "$work/state" --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" 2>>"$work/log" & pid=$!
for _ in $(seq 50); do curl -s --cacert "$work/tls.crt" "https://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
code=$(curl -s -o "$work/body" -w '%{http_code}' --cacert "$work/tls.crt" "https://127.0.0.1:$port/healthz"); expect 200 "HTTPS"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz"); [[ $code != 200 ]] && ok || bad "plain HTTP on the TLS port"
code=$(curl -s -o "$work/body" -w '%{http_code}' --cacert "$work/tls.crt" "https://127.0.0.1:$port/.well-known/openid-configuration")
[[ $(field "d['issuer']") == "https://127.0.0.1:$port" ]] && ok || bad "https issuer"
kill -TERM "$pid"; wait "$pid"; pid=
"$d" --listen 127.0.0.1:$port --state-dir "$work/state" --tls-cert "$work/tls.crt" --tls-key "$work/other.key" 2>"$work/err"
[[ $? == 2 ]] && ok || bad "mismatched TLS key refused"
"$d" --listen 127.0.0.1:$port --state-dir "$work/state" --tls-cert "$work/tls.crt" 2>"$work/err"
[[ $? == 2 ]] && grep -q "go together" "$work/err" && ok || bad "--tls-cert without --tls-key"
echo "$passes passed, $fails failed"
[[ $fails == 0 ]]
