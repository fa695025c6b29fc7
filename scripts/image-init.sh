#!/bin/busybox sh
# /init of the trustlaunch test image (docs/image.md): loads the signed virtio modules, finds
# the agent's virtio-serial port, enrols with the vTPM's EK certificate and attests at boot,
# then every TL_INTERVAL seconds (10 s after an error). Lines starting "TL-AGENT: " on the
# console are for the host and the tests; their wording is part of the image's interface.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t securityfs securityfs /sys/kernel/security
mount -t tmpfs tmp /tmp
exec </dev/console >/dev/console 2>&1
. /etc/tl-image.conf
say() { echo "TL-AGENT: $*"; }
say "init (kernel $(uname -r), lockdown: $(cat /sys/kernel/security/lockdown 2>/dev/null))"

# the boot's PCRs as the vTPM holds them: what a host can compare with a prediction from
# the image's parts/ (tl predict)
for i in 4 7 8 9; do
  say "pcr sha256:$i $(cat /sys/class/tpm/tpm0/pcr-sha256/$i 2>/dev/null | tr 'A-F' 'a-f')"
done

for m in $(cat /etc/tl-modules); do
  insmod "/lib/modules/$m.ko" || say "error: insmod $m failed"
done

port=
for _ in $(seq 100); do
  for n in /sys/class/virtio-ports/*/name; do
    [ "$(cat "$n" 2>/dev/null)" = org.trustlaunch.agent.0 ] || continue
    p=${n%/name}
    [ -c "/dev/${p##*/}" ] && port=/dev/${p##*/}
  done
  [ -n "$port" ] && break
  sleep 0.1
done
vm=$(tr 'A-F' 'a-f' < /sys/class/dmi/id/product_uuid)
if [ -z "$port" ]; then
  say "error: no virtio-serial port named org.trustlaunch.agent.0"
  while :; do sleep 3600; done # PID 1 must not end (the kernel would panic)
fi
say "port $port, vm $vm"

# The agent keeps its state (the VM id and the AK it enrolled) on the VM's own disk, the ESP,
# as a real VM keeps /var/lib/tl-agent on its root disk: the VM enrols at its first boot, and
# later boots attest with the same AK. A TPM that is not the one it enrolled (swapped, reset)
# then shows at the service as a quote it cannot tie to the enrolled AK.
state=/var/lib/tl-agent
disk=
for _ in $(seq 50); do [ -b /dev/vda ] && disk=/dev/vda && break; sleep 0.1; done
mkdir -p /esp
# sync,dirsync: FAT does not write a rename's directory entries on fsync, and a VM is often
# switched off (tl vm stop --force), not shut down: the first try kept an empty state.json
if [ -n "$disk" ] && mount -t vfat -o umask=077,sync,dirsync "$disk" /esp 2>/dev/null; then
  mkdir -p /esp/tl-agent && state=/esp/tl-agent
else
  say "error: the VM's disk could not be mounted: the agent's state ends with this boot"
fi

# The IMA log goes with each quote: IMA extends PCR 10 (boot_aggregate, and every module under
# the Secure Boot policy) and trustlaunchd replays PCR 10 from it (docs/quote.md).
agent() {
  ASAN_OPTIONS=detect_leaks=0 tl-agent --server "virtio-serial:$port" --vm-id "$vm" \
    --state-dir "$state" --timeout 30 "$@"
}
# the answer (verdict, reasons, facts, token) stays in /tmp/attest.json; the console gets
# one line: the verdict, the attestation's id and whether a token came with it
attest() {
  agent attest --json > /tmp/attest.json
  rc=$?
  sync
  id=$(sed -n 's/^  "attestation_id": "\{0,1\}\([0-9]*\).*/\1/p' /tmp/attest.json)
  tok=no; grep -q '^  "token": "' /tmp/attest.json && tok=yes
  case $rc in
    0) say "attested healthy (attestation $id, token $tok)" ;;
    1) say "attested unhealthy (attestation $id, token $tok): $(sed -n 's/^      "code": "\(.*\)",*$/\1/p' /tmp/attest.json | head -n 5 | tr '\n' ' ')" ;;
    *) say "attestation error" ;;
  esac
  return $rc
}
# after an error (the host's relay not there yet, the service restarting) the next try comes
# in 10 s, not a whole interval later
next() { if [ "$1" -ge 2 ] && [ "$TL_INTERVAL" -gt 10 ]; then echo 10; else echo "$TL_INTERVAL"; fi; }

# no enrollment token: the EK certificate in the vTPM's NV (issued by the host's platform CA,
# CN = this VM's id) is what the service trusts
if grep -q '"ak_name": "[0-9a-f]' "$state/state.json" 2>/dev/null; then
  say "enrolled at an earlier boot (state on the VM's disk)"
  agent status >/dev/null 2>&1 ||
    say "warning: the TPM's attestation key is not the one enrolled (swapped or reset TPM)"
else
  until agent enroll; do
    say "enrolment failed: retrying in 5 s"
    sleep 5
  done
  sync
  say "enrolled"
fi
attest
rc=$?

if [ -n "$TL_UNSIGNED_MODULE" ]; then
  for m in $(cat /etc/tl-unsigned-deps); do insmod "/lib/modules/$m.ko"; done
  if insmod "/lib/modules/unsigned/$TL_UNSIGNED_MODULE.ko"; then
    say "module $TL_UNSIGNED_MODULE loaded without its signature"
  else
    say "module $TL_UNSIGNED_MODULE refused"
  fi
fi

while :; do
  sleep "$(next $rc)"
  attest
  rc=$?
done
