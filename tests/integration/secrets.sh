#!/usr/bin/env bash
# trustlaunchd's files of secrets (src/common/file.h): an admin.token that cannot be written
# stops the start with a clear message and leaves no token in the database; a corrected start
# writes one that authenticates; a state directory reused with a new database keeps its
# token working; a short nonce.key is refused by name.
set -uo pipefail
d=${TL_DAEMON:?} work=$(mktemp -d) pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fails=0 passes=0
ok()  { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
state=$work/state
start() {
  "$d" --listen 127.0.0.1:$port --state-dir "$state" 2>>"$work/log" & pid=$!
  for _ in $(seq 100); do curl -s "$base/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "trustlaunchd did not start: $(cat "$work/log")" >&2; exit 2
}
stop() { kill -TERM "$pid"; wait "$pid"; pid=; }
# status of GET /v1/vms with the token in admin.token
auth() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$state/admin.token")" "$base/v1/vms"; }

# admin.token cannot be written (a directory is in its place): the start fails and says so
mkdir -p "$state/admin.token"; chmod 700 "$state"
timeout 20 "$d" --listen 127.0.0.1:$port --state-dir "$state" 2>"$work/first"; rc=$?
[[ $rc == 2 ]] && ok || bad "start with admin.token a directory: rc $rc"
grep -q "admin token: .*admin.token" "$work/first" && ok || bad "the message names admin.token: $(cat "$work/first")"
rmdir "$state/admin.token"
# corrected: the token is written, and it works
start
[[ $(stat -c %a "$state/admin.token") == 600 ]] && ok || bad "admin.token mode"
[[ $(wc -c < "$state/admin.token") == 65 ]] && ok || bad "admin.token is 64 hex and a newline"
[[ $(auth) == 200 ]] && ok || bad "the token written after a failed start authenticates"
stop
# the state directory reused with a new database: the token is registered again
rm -f "$state"/trustlaunch.db*
start
[[ $(auth) == 200 ]] && ok || bad "admin.token with a new database: HTTP $(auth)"
grep -q 'admin token registered again' "$work/log" && ok || bad "the re-registration is logged"
stop
start
[[ $(auth) == 200 ]] && ok || bad "and after another restart"
stop
# a short nonce.key (what a crash used to leave) is refused with its reason
cp "$state/nonce.key" "$work/nonce.key"
head -c 5 "$work/nonce.key" > "$state/nonce.key"
timeout 20 "$d" --listen 127.0.0.1:$port --state-dir "$state" 2>"$work/short"; rc=$?
[[ $rc == 2 ]] && grep -q "nonce.key: .*(file.size)" "$work/short" && ok || bad "short nonce.key: rc $rc: $(cat "$work/short")"
cp "$work/nonce.key" "$state/nonce.key"
chmod 644 "$state/nonce.key"
timeout 20 "$d" --listen 127.0.0.1:$port --state-dir "$state" 2>"$work/loose"; rc=$?
[[ $rc == 2 ]] && grep -q "(file.permissions)" "$work/loose" && ok || bad "nonce.key readable by others: rc $rc: $(cat "$work/loose")"
chmod 600 "$state/nonce.key"
start
[[ $(auth) == 200 ]] && ok || bad "restored"
stop
echo "$passes passed, $fails failed"
[[ $fails == 0 ]]
