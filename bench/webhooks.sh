#!/usr/bin/env bash
# Webhook delivery: N events (webhook.test, queued through the API by a node started with
# --webhook-sender off, so that they wait in the outbox) delivered by a node with the sender
# on to a loopback receiver that checks every signature (tests/integration/
# webhook_receiver.py); then N more with that node SIGKILLed halfway and restarted: every
# event must arrive (at least once). Reference, measured in the same run: the same receiver
# fed signed POSTs by a plain keep-alive client (what the receiver itself can take).
# JSON lines on stdout.
#   bench/webhooks.sh BUILD_DIR [N_EVENTS]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: webhooks.sh BUILD_DIR [N]}" && pwd) n=${2:-10000}
work=$(mktemp -d) pid= rx=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ -n $rx ]] && kill "$rx" 2>/dev/null && wait "$rx" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port) rxport=$(free_port)
start() { # [--webhook-sender off]
  "$build/trustlaunchd" --listen 127.0.0.1:$port --state-dir "$work/svc" "$@" 2>>"$work/svc.log" & pid=$!
  for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "trustlaunchd did not start" >&2; exit 2
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null; pid=; }
start --webhook-sender off
export PORT=$port RXPORT=$rxport N=$n WORK=$work RECEIVER=$here/../tests/integration/webhook_receiver.py
export TOKEN=$(cat "$work/svc/admin.token")
# the webhook, and the receiver with its secret
python3 - <<'PY' > "$work/hook" || exit 1
import http.client, json, os
c = http.client.HTTPConnection("127.0.0.1", int(os.environ["PORT"]))
c.request("POST", "/v1/webhooks", json.dumps({"url": f"http://127.0.0.1:{os.environ['RXPORT']}/hook",
          "events": ["alert.created"]}), {"Authorization": "Bearer " + os.environ["TOKEN"],
          "Content-Type": "application/json"})
d = json.loads(c.getresponse().read()); print(d["id"], d["secret"])
PY
read -r hook secret < "$work/hook"
export HOOK=$hook SECRET=$secret
python3 "$RECEIVER" "$rxport" "$work/rx.jsonl" "$secret" 2>"$work/rx.log" & rx=$!
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $rxport))" 2>/dev/null && break; sleep 0.1; done

# queue: N test events as fast as one client can; returns when all are queued
queue() {
  python3 - "$1" <<'PY'
import http.client, json, os, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(os.environ["PORT"]))
H = {"Authorization": "Bearer " + os.environ["TOKEN"], "Content-Type": "application/json"}
t = time.time()
for _ in range(int(sys.argv[1])):
    c.request("POST", f"/v1/webhooks/{os.environ['HOOK']}/test", "{}", H)
    r = c.getresponse(); r.read(); assert r.status == 202, r.status
print(f"{t} {time.time()}")
PY
}
# received: unique valid event ids so far (and lines)
received() { python3 -c "
import json
ids=set(); lines=0
for l in open('$work/rx.jsonl'):
    d=json.loads(l); lines+=1
    if d['valid'] and d['status']==200: ids.add(d['id'])
print(len(ids), lines)" 2>/dev/null || echo "0 0"; }
wait_for() { # until $1 unique events arrived (at most $2 s); prints the time it happened
  local end=$((SECONDS + $2)) got
  while ((SECONDS < end)); do
    read -r got _ < <(received)
    ((got >= $1)) && { date +%s.%N; return 0; }
    sleep 0.05
  done
  return 1
}

# 1. throughput: N events wait in the outbox; a node with the sender starts and delivers them
read -r q0 q1 < <(queue "$n")
stop; start; t0=$(date +%s.%N)
t_last=$(wait_for "$n" 300) || { echo '{"bench":"webhook_delivery","error":"not all delivered"}'; exit 1; }
read -r uniq lines < <(received)
python3 -c "
import json
n, q0, q1, t0, tl, u, l = $n, $q0, $q1, $t0, $t_last, $uniq, $lines
print(json.dumps({'bench': 'webhook_delivery', 'events': n, 'queued_per_s': round(n / (q1 - q0)),
  'all_delivered_s': round(tl - t0, 3), 'delivered_per_s': round(n / (tl - t0)),
  'unique': u, 'attempts': l}))"

# 2. N more, the delivering node SIGKILLed halfway and restarted: nothing lost
stop; start --webhook-sender off
read -r q0 q1 < <(queue "$n")
stop; start; t0=$(date +%s.%N)
wait_for $((n + n / 2)) 300 >/dev/null
kill -9 "$pid"; wait "$pid" 2>/dev/null
read -r at_kill _ < <(received)
start
t_last=$(wait_for $((2 * n)) 300) || { read -r u l < <(received); echo "{\"bench\":\"webhook_sigkill\",\"error\":\"lost\",\"unique\":$u}"; exit 1; }
sleep 1 # a redelivery of what was in flight at the kill arrives now, if at all
read -r uniq lines < <(received)
python3 -c "
import json
n, at_kill, u, l, t0, tl = $n, $at_kill, $uniq, $lines, $t0, $t_last
print(json.dumps({'bench': 'webhook_sigkill', 'events': n, 'delivered_before_kill': at_kill - n,
  'lost': 2 * n - u, 'delivered_twice': l - 2 * n, 'all_delivered_s': round(tl - t0, 3)}))"

# 3. reference: the receiver fed directly by a keep-alive client, signed the same way
python3 - <<'PY'
import base64, hashlib, hmac, http.client, json, os, time
n, key = int(os.environ["N"]), base64.b64decode(os.environ["SECRET"][len("whsec_"):])
c = http.client.HTTPConnection("127.0.0.1", int(os.environ["RXPORT"]))
t = time.time()
for i in range(n):
    body = json.dumps({"type": "webhook.test", "timestamp": int(t), "data": {"n": i}}).encode()
    mid, ts = f"ref_{i}", str(int(time.time()))
    sig = base64.b64encode(hmac.new(key, f"{mid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    c.request("POST", "/hook", body, {"webhook-id": mid, "webhook-timestamp": ts,
              "webhook-signature": "v1," + sig, "Content-Type": "application/json"})
    r = c.getresponse(); r.read(); assert r.status == 200
s = time.time() - t
print(json.dumps({"bench": "reference_receiver_direct", "events": n, "s": round(s, 3), "per_s": round(n / s)}))
PY
