# Shared by the integration tests: a throwaway swtpm on a loopback port, with its own local
# CA for EK certificates, driven by tpm2-tools as an independent client.
set -uo pipefail
tl=${TL_BIN:?} v=${TL_VECTORS:-}
work=$(mktemp -d)
swtpm_pid= service_pid=
cleanup() {
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fails=0 passes=0
ok()  { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
finish() { echo "$passes passed, $fails failed"; [[ $fails == 0 ]]; }
# expect_rc WANT CMD...
expect_rc() { local want=$1; shift; "$@" >"$work/out" 2>"$work/err"; local rc=$?
  [[ $rc == "$want" ]] && ok || bad "exit $rc, wanted $want: $* ($(head -c 400 "$work/err"))"; }
# refused CODE CMD...: exit 1 and the reason code on stderr
refused() { local code=$1; shift; expect_rc 1 "$@"
  grep -q "refused: $code:" "$work/err" && ok || bad "wanted $code: $(head -c 300 "$work/err")"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_swtpm BANKS: a manufactured TPM with an EK certificate from a local CA in $work/ca
start_swtpm() {
  local banks=${1:-sha1,sha256}
  mkdir -p "$work/state" "$work/ca"
  cat > "$work/localca.conf" <<CONF
statedir = $work/ca
signingkey = $work/ca/signkey.pem
issuercert = $work/ca/issuercert.pem
certserial = $work/ca/certserial
CONF
  cat > "$work/setup.conf" <<CONF
create_certs_tool= /usr/bin/swtpm_localca
create_certs_tool_config = $work/localca.conf
create_certs_tool_options = /etc/swtpm-localca.options
active_pcr_banks = $banks
CONF
  swtpm_setup --tpm2 --tpmstate "$work/state" --config "$work/setup.conf" \
    --create-ek-cert --create-platform-cert --overwrite ${SWTPM_VMID:+--vmid "$SWTPM_VMID"} >"$work/setup.log" 2>&1 \
    || { cat "$work/setup.log" >&2; exit 2; }
  run_swtpm
}

# run_swtpm: (re)start the swtpm process on the state in $work/state: a power cycle, with
# PCRs reset and resetCount grown; persistent objects stay
run_swtpm() {
  local port ctrl
  for attempt in 1 2 3 4 5; do
    # the swtpm TCTI of tpm2-tools finds the control channel at port + 1
    port=$(free_port); ctrl=$((port + 1))
    swtpm socket --tpm2 --tpmstate dir="$work/state" \
      --server type=tcp,port="$port",bindaddr=127.0.0.1 \
      --ctrl type=tcp,port="$ctrl",bindaddr=127.0.0.1 \
      --flags not-need-init,startup-clear >"$work/swtpm.log" 2>&1 &
    swtpm_pid=$!
    for _ in $(seq 50); do
      if python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null; then
        export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port"
        return 0
      fi
      kill -0 "$swtpm_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$swtpm_pid" 2>/dev/null; wait "$swtpm_pid" 2>/dev/null; swtpm_pid=
  done
  echo "swtpm did not start: $(cat "$work/swtpm.log")" >&2
  exit 2
}

# restart_swtpm: power-cycle the TPM, keeping its state
restart_swtpm() {
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  swtpm_pid=
  run_swtpm
}

# stop_swtpm: the TPM goes away with its state (a later start_swtpm manufactures a new one)
stop_swtpm() {
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  swtpm_pid=
  rm -rf "$work/state" "$work/ca"
}

# There is no resource manager: drop transient objects and sessions after each command.
flush() { tpm2_flushcontext -t >/dev/null 2>&1; tpm2_flushcontext -s >/dev/null 2>&1; tpm2_flushcontext -l >/dev/null 2>&1; }
tpm() { "$@" >"$work/tpm.out" 2>&1; local rc=$?; flush
  [[ $rc == 0 ]] || { echo "tpm2-tools failed: $* : $(cat "$work/tpm.out")" >&2; exit 2; }; }
nonce() { python3 -c 'import os; print(os.urandom(32).hex())'; }
# activate AK_CTX EK_CTX BLOB OUT: TPM2_ActivateCredential under the EK's policy,
# PolicySecret(endorsement); tpm2-tools' output in $work/act.log; non-zero when refused
activate() {
  tpm2_startauthsession --policy-session -S "$work/session.ctx" >/dev/null 2>&1 &&
  tpm2_policysecret -S "$work/session.ctx" -c e >/dev/null 2>&1 &&
  tpm2_activatecredential -c "$1" -C "$2" -i "$3" -o "$4" -P"session:$work/session.ctx" >"$work/act.log" 2>&1
  local rc=$?; flush; return $rc
}
# extend_log LOG: every sha256 digest of the event log LOG into its PCR, as firmware did
extend_log() {
  "$tl" eventlog json "$1" > "$work/events.json" || exit 2
  python3 -c "
import json, sys
for e in json.load(open(sys.argv[1]))['events']:
    if e['type_name'] != 'EV_NO_ACTION':
        print(f\"{e['pcr']}:sha256={e['digests']['sha256']}\")" "$work/events.json" > "$work/extends.txt"
  # one call for all (tpm2_pcrextend takes many, in order); the quote proves the result
  tpm tpm2_pcrextend $(cat "$work/extends.txt")
}

# start_service [ARGS...]: trustlaunchd ($TL_DAEMON) on a free loopback port with ARGS added to
# its command line, its state in $work/svc and its log in $work/svc.log. Sets $service_pid
# (stopped by cleanup, or by stop_service), $svc_port, $base and $ADMIN (the admin token).
# Exits 2 with the log's tail when the daemon does not answer /healthz within 10 s.
start_service() {
  local up=
  svc_port=$(free_port); base=http://127.0.0.1:$svc_port
  "${TL_DAEMON:?}" --listen "127.0.0.1:$svc_port" --state-dir "$work/svc" "$@" 2>>"$work/svc.log" &
  service_pid=$!
  for _ in $(seq 100); do
    curl -s "$base/healthz" >/dev/null && { up=1; break; }
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $up ]] && ADMIN=$(cat "$work/svc/admin.token" 2>/dev/null) ||
    { echo "trustlaunchd did not start: $(tail -n 30 "$work/svc.log")" >&2; exit 2; }
}
# stop_service: the daemon start_service started gets SIGTERM and is waited for
stop_service() { kill "$service_pid"; wait "$service_pid" 2>/dev/null; service_pid=; }

# Two ways to talk to the service at $base; both leave the answer in $work/body.json and the
# HTTP status in $code (field reads the answer). Their authorisation differs on purpose:
# api METHOD PATH [JSON]: as the admin ($ADMIN), or as $TOKEN when it is set and not empty;
# JSON is the body's text
api() {
  local args=(-s -o "$work/body.json" -w '%{http_code}' -X "$1" "$base$2" -H "Authorization: Bearer ${TOKEN:-$ADMIN}")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  code=$(curl "${args[@]}")
}
# call METHOD PATH [BODY-FILE]: as $TOKEN, with no Authorization header at all when TOKEN is
# empty or unset (`TOKEN= call ...` is the unauthenticated caller, an agent's challenge);
# the body is read from the file BODY-FILE
call() {
  local args=(-s -o "$work/body.json" -w '%{http_code}' -X "$1" "$base$2")
  [[ -n ${TOKEN:-} ]] && args+=(-H "Authorization: Bearer $TOKEN")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary @"$3")
  code=$(curl "${args[@]}")
}
# expect STATUS WHAT: the last answer's HTTP status is STATUS
expect() { [[ $code == "$1" ]] && ok || bad "$2: HTTP $code, wanted $1: $(head -c 400 "$work/body.json")"; }
# jfield FILE EXPR: the Python expression EXPR over the JSON document in FILE (d), printed
jfield() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# field EXPR: the same over the last answer
field() { jfield "$work/body.json" "$1"; }
