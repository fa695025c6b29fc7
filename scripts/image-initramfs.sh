# The test image's initramfs (sourced by scripts/image-build): busybox-static, tl-agent with
# the shared libraries it links and the TCTI that tpm2-tss loads at run time, the signed
# virtio, virtio-blk and FAT modules (and their dependencies) from the kernel package, and /init
# (image-init.sh).
# Reads: agent, busybox, kmods (the kernel's lib/modules/VERSION), umod, interval.

# The module NAME's file in the kernel package ('-' and '_' are the same in module names).
module_file() {
  local want=${1//-/_} f
  while IFS= read -r f; do
    local base=${f##*/}; base=${base%.ko}
    [[ ${base//-/_} == "$want" ]] && { echo "$f"; return 0; }
  done < "$stage/modules.list"
  return 1
}

# Appends NAME's dependencies, then NAME, to the load order (each once); built-in ones are
# skipped. depends= is in the module's .modinfo section (NUL-separated strings).
module_order() {
  local name=${1//-/_} f deps d
  grep -qx "$name" "$stage/modules.order" 2>/dev/null && return 0
  if grep -Eq "/${name//_/[-_]}\\.ko\$" "$kmods/modules.builtin"; then return 0; fi
  f=$(module_file "$name") || die "the kernel package has no module '$1'"
  deps=$(tr '\0' '\n' < "$f" | grep -a -m1 '^depends=' | cut -d= -f2 || true)
  for d in ${deps//,/ }; do module_order "$d"; done
  echo "$name" >> "$stage/modules.order"
  cp "$f" "$root/lib/modules/$name.ko"
}

# Drops a module's appended signature: [module][PKCS#7][struct module_signature (12 bytes,
# sig_len big-endian in its last 4)]["~Module signature appended~\n" (28 bytes)].
strip_module_signature() {
  local f=$1 size len
  size=$(stat -c %s "$f")
  [[ $(tail -c 28 "$f") == "~Module signature appended~" ]] || die "module $f is not signed"
  len=$(tail -c 32 "$f" | head -c 4 | od -An -tu1 | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
  truncate -s $((size - 28 - 12 - len)) "$f"
}

# Copies a file to the same path under root without its debug information (symbols stay:
# sanitizer reports still name functions). The sanitizer runtimes of a build-asan agent carry
# 9 MB of it, which GRUB would read and hash and the kernel unpack, at TCG speed.
install_file() {
  mkdir -p "$root$(dirname "$2")"
  strip --strip-debug -o "$root$2" "$1" 2>/dev/null || cp -L "$1" "$root$2"
}

# Copies a binary's shared libraries (ldd) to the same paths under root.
copy_libs() {
  local lib
  for lib in $(ldd "$1" | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}'); do
    [[ -e $root$lib ]] || install_file "$lib" "$lib"
  done
}

build_initramfs() {
  local out=$2 tcti
  root=$1
  mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc,usr/bin,lib/modules/unsigned,var/lib}
  cp "$busybox" "$root/bin/busybox"
  install_file "$agent" /usr/bin/tl-agent
  copy_libs "$agent"
  # ESAPI's TCTI loader dlopens libtss2-tcti-device.so.0 for device:/dev/tpmrm0. awk reads all
  # of ldconfig's ~60 KB: an early exit made ldconfig die of SIGPIPE, and pipefail the build.
  tcti=$(ldconfig -p | awk '/libtss2-tcti-device\.so\.0 .*x86-64/ && !n++ {print $NF}')
  [[ -n $tcti ]] || die "libtss2-tcti-device.so.0 is missing (libtss2-tcti-device0)"
  install_file "$tcti" "$tcti"
  copy_libs "$tcti"
  find "$kmods/kernel" -name '*.ko' > "$stage/modules.list"
  : > "$stage/modules.order"
  module_order virtio_pci
  module_order virtio_console
  # the VM's own disk (the ESP), where the agent keeps its state across boots
  for m in virtio_blk vfat nls_cp437 nls_ascii; do module_order "$m"; done
  cp "$stage/modules.order" "$root/etc/tl-modules"
  : > "$root/etc/tl-unsigned-deps"
  if [[ -n $umod ]]; then
    local f deps d
    f=$(module_file "$umod") || die "the kernel package has no module '$umod' (--unsigned-module)"
    deps=$(tr '\0' '\n' < "$f" | grep -a -m1 '^depends=' | cut -d= -f2 || true)
    cp "$stage/modules.order" "$stage/modules.before"
    for d in ${deps//,/ }; do module_order "$d"; done
    # its signed dependencies load just before it
    grep -vxFf "$stage/modules.before" "$stage/modules.order" > "$root/etc/tl-unsigned-deps" || true
    cp "$f" "$root/lib/modules/unsigned/${umod//-/_}.ko"
    strip_module_signature "$root/lib/modules/unsigned/${umod//-/_}.ko"
  fi
  printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="trustlaunch test image (Debian 12 kernel)"\n' \
    > "$root/etc/os-release"
  printf 'TL_INTERVAL=%s\nTL_UNSIGNED_MODULE=%s\n' "$interval" "${umod//-/_}" > "$root/etc/tl-image.conf"
  cp "$(dirname "${BASH_SOURCE[0]}")/image-init.sh" "$root/init"
  chmod 0755 "$root/init"
  chmod 0700 "$root/var/lib"
  (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -6 -n > "$out")
}
