# Shared by the host daemon's tests (hostd_*.sh): libvirtd (started when none runs), a
# trustlaunchd on a loopback port (lib.sh's start_service; lib.sh's api talks to it as the
# admin) with an operator token for tl-hostd, domain names with this run's random prefix
# (libvirtd is shared: only these are touched, and removed on exit).
lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); . "$lib_dir/lib.sh"
hostd=${TL_HOSTD:?} src=${TL_SOURCE:?}
hostd_pid=
prefix=tlhd$(python3 -c 'import secrets; print(secrets.token_hex(3))')-
uri=qemu:///system
hostdir=$work/host
virsh_() { virsh -q -c "$uri" "$@"; }
cleanup_domains() {
  local dom
  for dom in $(virsh_ list --all --name 2>/dev/null | grep "^$prefix"); do
    virsh_ destroy "$dom" >/dev/null 2>&1
    virsh_ undefine "$dom" --nvram --remove-all-storage >/dev/null 2>&1 || virsh_ undefine "$dom" >/dev/null 2>&1
  done
}
cleanup() {
  [[ -n $hostd_pid ]] && kill "$hostd_pid" 2>/dev/null && wait "$hostd_pid" 2>/dev/null
  [[ $fails != 0 && -f $work/hostd.log ]] && { echo "--- tl-hostd log:"; grep -v "^  |^Shadow" "$work/hostd.log" | tail -40; } >&2
  cleanup_domains
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  for p in ${extra_pids:-}; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
"$src/scripts/libvirtd-up" || { echo "libvirtd is not available" >&2; exit 2; }
chmod 0755 "$work"
mkdir -p "$hostdir/vms"
start_service
check() { python3 -c "import json,sys; d=json.load(open('$work/body.json')); sys.exit(0 if ($1) else 1)" \
  && ok || bad "$2: $(head -c 500 "$work/body.json")"; }
api POST /v1/tokens '{"name":"hostd","role":"operator"}'
python3 -c "import json; print(json.load(open('$work/body.json'))['token'])" > "$work/hostd.token"
chmod 0600 "$work/hostd.token"
# start_hostd [ARGS...]: tl-hostd for this run's domains, logs in $work/hostd.log
start_hostd() {
  "$hostd" --host-dir "$hostdir" --server "$base" --token-file "$work/hostd.token" \
    --connect "$uri" --host-name "${prefix}host" --match "$prefix" "$@" 2>>"$work/hostd.log" &
  hostd_pid=$!
}
# wait_for SECONDS PYTHON-CONDITION METHOD PATH: polls the service until the condition holds
wait_for() {
  local t=$1 cond=$2; shift 2
  for _ in $(seq $((t * 5))); do
    api "$@"
    [[ $code == 200 ]] && python3 -c "import json,sys; d=json.load(open('$work/body.json')); sys.exit(0 if ($cond) else 1)" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}
wait_hostd_connected() {
  for _ in $(seq 100); do grep -q 'msg="connected to libvirtd"' "$work/hostd.log" && return 0; sleep 0.1; done
  bad "tl-hostd did not connect: $(tail -3 "$work/hostd.log")"
}
