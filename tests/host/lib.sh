# Shared by the host tests (real libvirt + QEMU + OVMF + swtpm, a real trustlaunchd): the
# harness of tests/integration/lib.sh, libvirtd (started when none runs), a host directory
# QEMU's user can reach, a trustlaunchd trusting the host's platform vTPM CA, and a cleanup
# that removes every domain, secret and TPM state this test made, and only those (libvirtd is
# shared: names carry a random prefix).
here=$(cd "$(dirname "$0")" && pwd); . "$here/../integration/lib.sh"
src=${TL_SOURCE:?}
export TL_LIBVIRT_URI=${TL_LIBVIRT_URI:-qemu:///system}
virsh() { command virsh -q -c "$TL_LIBVIRT_URI" "$@"; }
P=tlt$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')   # this run's domain names start with it
chmod 711 "$work"
export TL_HOST_DIR=$work/host
host_cleanup() {
  local dom uuid
  for dom in $(virsh list --all --name 2>/dev/null | grep "^$P" || true); do
    uuid=$(virsh domuuid "$dom" 2>/dev/null)
    virsh destroy "$dom" >/dev/null 2>&1
    virsh undefine "$dom" --nvram >/dev/null 2>&1
    [[ -n $uuid ]] && rm -rf "/var/lib/libvirt/swtpm/$uuid"
  done
  for s in $(grep -l "trustlaunch VM $P" /etc/libvirt/secrets/*.xml 2>/dev/null); do
    virsh secret-undefine "$(basename "$s" .xml)" >/dev/null 2>&1
  done
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  rm -rf "$work"
}
trap host_cleanup EXIT
"$src/scripts/libvirtd-up" || exit 2

# start_service [ARGS...]: tests/integration/lib.sh's start_service (kept as
# lib_start_service) with the daemon trusting the platform vTPM CA; exports TL_SERVER and
# TL_TOKEN (the admin token) for tl, get and the tests
eval "lib_$(declare -f start_service)"
start_service() {
  "$tl" host ca show >/dev/null || exit 2
  lib_start_service --ek-ca "$TL_HOST_DIR/ca/ca.pem" "$@"
  export TL_SERVER=$base TL_TOKEN=$ADMIN
}
# get PATH: trustlaunchd's answer into $work/answer.json, the HTTP status echoed
get() { curl -s -o "$work/answer.json" -w '%{http_code}' -H "Authorization: Bearer $TL_TOKEN" "$TL_SERVER$1"; }

# The image: tl image build when it exists, else the test's own (mkimage.sh).
make_image() { # DIR [unsigned]
  bash "$here/mkimage.sh" "$@" || { echo "could not make the test image" >&2; exit 2; }
}

# ek_cert NAME OUT: the EK certificate (DER) read from a copy of the VM's encrypted TPM state,
# with the key libvirt keeps for it, through swtpm and tpm2-tools. Returns non-zero when it
# cannot be read. KEY=none: without the key. (Three tries: a loopback port picked free may be
# taken before swtpm binds it.)
ek_cert() {
  local try
  for try in 1 2 3; do ek_cert_once "$@" && return 0; [[ ${KEY:-} == none ]] && return 1; done
  return 1
}
ek_cert_once() {
  local name=$1 out=$2 uuid sec port sp st=$work/ekstate rc
  uuid=$(virsh domuuid "$name") || return 2
  sec=$(virsh dumpxml "$name" | sed -n "s/.*encryption secret='\([^']*\)'.*/\1/p")
  rm -rf "$st" "$out"; cp -r "/var/lib/libvirt/swtpm/$uuid/tpm2" "$st" || return 2
  local key=(); if [[ ${KEY:-} != none ]]; then
    base64 -d "/etc/libvirt/secrets/$sec.base64" > "$work/pw" || return 2
    key=(--key "pwdfile=$work/pw,mode=aes-256-cbc")
  fi
  port=$(free_port)
  swtpm socket --tpm2 --tpmstate dir="$st" "${key[@]}" \
    --server type=tcp,port=$port,bindaddr=127.0.0.1 --ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 \
    --flags not-need-init,startup-clear >"$work/ekswtpm.log" 2>&1 & sp=$!
  for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
    kill -0 $sp 2>/dev/null || break; sleep 0.1; done
  TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port" tpm2_nvread 0x1c00002 -o "$out" >>"$work/ekswtpm.log" 2>&1; rc=$?
  kill $sp 2>/dev/null; wait $sp 2>/dev/null
  rm -f "$work/pw"
  return $rc
}

# wait_console NAME TEXT SECONDS: TEXT appears in the VM's console log
wait_console() {
  local f=$TL_HOST_DIR/vms/$1/console.log
  for _ in $(seq $(($3 * 10))); do grep -aq "$2" "$f" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
