# Helpers of the real-boot tests without libvirt (sourced after tests/integration/lib.sh, whose
# start_service, api and field talk to trustlaunchd): a platform vTPM CA for swtpm_localca, and
# a Secure Boot VM under QEMU (TCG) with a swtpm, its console in $work/NAME.console and its
# agent port relayed to the service ($svc_port).
e2e_pids=()
cleanup() {
  local p
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  for p in "${e2e_pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  [[ -n $swtpm_pid ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.ms.fd ovmf_vars=/usr/share/OVMF/OVMF_VARS_4M.ms.fd

# make_platform_ca DIR: the host's platform vTPM CA (DIR/ca.key, DIR/ca.pem) and the
# swtpm_setup configuration (DIR/setup.conf) whose swtpm_localca signs EK certificates with it;
# swtpm_localca names the VM (--vmid) as the certificate's subject CN
make_platform_ca() {
  local dir=$1
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 30 \
    -subj "/CN=trustlaunch e2e platform vTPM CA" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>"$dir/openssl.log" ||
    { cat "$dir/openssl.log" >&2; exit 2; }
  chmod 0600 "$dir/ca.key"
  printf 'statedir = %s\nsigningkey = %s\nissuercert = %s\ncertserial = %s\n' \
    "$dir" "$dir/ca.key" "$dir/ca.pem" "$dir/certserial" > "$dir/localca.conf"
  printf 'create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = %s\ncreate_certs_tool_options = /etc/swtpm-localca.options\nactive_pcr_banks = sha256\n' \
    "$dir/localca.conf" > "$dir/setup.conf"
}

# boot_vm NAME VMID IMAGEDIR: a manufactured vTPM (EK certificate CN = VMID), OVMF with
# Microsoft's keys (Secure Boot on), the image's ESP (writes go to a snapshot), the agent port
# relayed to trustlaunchd; returns once QEMU runs
boot_vm() {
  local name=$1 vmid=$2 image=$3 tpm=$work/$1.tpm
  mkdir -p "$tpm"
  swtpm_setup --tpm2 --tpmstate "$tpm" --config "$work/ca/setup.conf" --create-ek-cert \
    --create-platform-cert --overwrite --vmid "$vmid" >"$work/$name.setup.log" 2>&1 ||
    { echo "swtpm_setup: $(cat "$work/$name.setup.log")" >&2; exit 2; }
  swtpm socket --tpm2 --tpmstate dir="$tpm" --ctrl type=unixio,path="$work/$name.swtpm" \
    --log file="$work/$name.swtpm.log" &
  e2e_pids+=($!)
  for _ in $(seq 50); do [[ -S $work/$name.swtpm ]] && break; sleep 0.1; done
  cp "$ovmf_vars" "$work/$name.vars"
  qemu-system-x86_64 -accel tcg -machine q35,smm=on -m 512 -smp 1 -nodefaults -no-user-config \
    -display none -no-reboot -uuid "$vmid" \
    -global driver=cfi.pflash01,property=secure,value=on \
    -drive if=pflash,format=raw,unit=0,file="$ovmf_code",readonly=on \
    -drive if=pflash,format=raw,unit=1,file="$work/$name.vars" \
    -chardev socket,id=chrtpm,path="$work/$name.swtpm" -tpmdev emulator,id=tpm0,chardev=chrtpm \
    -device tpm-crb,tpmdev=tpm0 \
    -drive file="$image/esp.img",format=raw,if=virtio,snapshot=on \
    -device virtio-serial-pci \
    -chardev socket,id=agent,path="$work/$name.agent",server=on,wait=off \
    -device virtserialport,chardev=agent,name=org.trustlaunch.agent.0 \
    -serial file:"$work/$name.console" >"$work/$name.qemu.log" 2>&1 &
  e2e_pids+=($!)
  eval "${name}_qemu=$!"
  python3 "$here/chardev_relay.py" "$work/$name.agent" 127.0.0.1 "$svc_port" 2>"$work/$name.relay.log" &
  e2e_pids+=($!)
}

# stop_vm NAME: QEMU goes (its relay ends with the socket); the swtpm ends with QEMU
stop_vm() {
  local v=${1}_qemu
  kill "${!v}" 2>/dev/null && wait "${!v}" 2>/dev/null
}

# wait_console NAME REGEX SECONDS: true when the console shows REGEX (extended) in time
wait_console() { wait_count "$1" "$2" 1 "$3"; }
# wait_count NAME REGEX N SECONDS: true when REGEX is on N lines of the console in time
wait_count() {
  local end=$((SECONDS + $4)) n
  while ((SECONDS < end)); do
    n=0
    [[ -e $work/$1.console ]] && n=$(tr -d '\r' < "$work/$1.console" | grep -Ec "$2")
    ((n >= $3)) && return 0
    sleep 0.5
  done
  return 1
}

# after a failure: what the consoles and the service said
show_consoles_on_failure() {
  local f
  ((fails)) || return 0
  for f in "$work"/*.console "$work"/*.relay.log "$work"/svc.log; do
    [[ -s $f ]] && { echo "---- $f"; tr -d '\r' < "$f" | tail -n 60; } >&2
  done
}
