#!/usr/bin/env bash
# The `tl image build` contract before any work is done: options checked with exit 2 and a
# reason, the recipe looked for where --help says, and help that names it. Builds and boots
# are in tests/e2e/image_boot.sh (label e2e).
here=$(cd "$(dirname "$0")" && pwd); . "$here/../integration/lib.sh"  # ok, bad, expect_rc, $work
tmp=$work
said() { grep -q -- "$1" "$tmp/err" && ok || bad "wanted '$1' on stderr: $(head -c 300 "$tmp/err")"; }

expect_rc 0 "$tl" image build --help
grep -q 'TL_LIBEXEC' "$tmp/out" && grep -q 'org.trustlaunch.agent.0' "$tmp/out" && ok || bad "help: $(cat "$tmp/out")"
expect_rc 0 "$tl" image --help
grep -q '^  build ' "$tmp/out" && ok || bad "group help lists build"
expect_rc 2 "$tl" image build
said '--out DIR is needed'
expect_rc 2 "$tl" image build --out "$tmp/i" --interval 0
said "--interval takes 1 to 9999999 seconds, not '0'"
expect_rc 2 "$tl" image build --out "$tmp/i" --interval 5m
said "not '5m'"
expect_rc 2 "$tl" image build --out "$tmp/i" --unsigned-module '../x'
said "not a module name: '../x'"
expect_rc 2 "$tl" image build --out "$tmp/i" --bogus
said "unknown option (see --help): '--bogus'"
expect_rc 2 "$tl" image build --out
said "a value is missing after '--out'"
expect_rc 2 "$tl" image frobnicate
# the recipe where TL_LIBEXEC says, and nowhere else then
mkdir -p "$tmp/libexec"
expect_rc 1 env TL_LIBEXEC="$tmp/libexec" "$tl" image build --out "$tmp/i"
said "the script image-build was not found"
# the options reach the recipe as given (a stand-in recipe prints them)
printf '#!/bin/sh\nprintf "%%s\\n" "$@"\n' > "$tmp/libexec/image-build"; chmod +x "$tmp/libexec/image-build"
expect_rc 0 env TL_LIBEXEC="$tmp/libexec" "$tl" image build --out "$tmp/i" --kernel-cmdline 'a b' \
  --agent /bin/true --interval 7 --unsigned-kernel --unsigned-module dummy --json
[[ $(tr '\n' '|' < "$tmp/out") == "--out|$tmp/i|--kernel-cmdline|a b|--agent|/bin/true|--interval|7|--unsigned-kernel|--unsigned-module|dummy|--json|" ]] &&
  ok || bad "arguments passed on: $(tr '\n' '|' < "$tmp/out")"
# without --agent: the tl-agent beside tl
expect_rc 0 env TL_LIBEXEC="$tmp/libexec" "$tl" image build --out "$tmp/i"
grep -qx -- "--agent" "$tmp/out" && grep -qx "$(dirname "$(readlink -f "$tl")")/tl-agent" "$tmp/out" && ok ||
  bad "default agent: $(tr '\n' '|' < "$tmp/out")"
# the real recipe refuses what grub.cfg cannot hold, before any download
expect_rc 1 env TL_CACHE="$tmp/cache" "$tl" image build --out "$tmp/i" --agent /bin/true --kernel-cmdline 'a"b'
said 'kernel-cmdline: printable characters only'
[[ ! -e $tmp/cache ]] && ok || bad "nothing fetched for a refused build"
# --sign-shim: a directory without the db key, then a db.pem that is no certificate
mkdir -p "$tmp/keys"
expect_rc 1 env TL_CACHE="$tmp/cache" "$tl" image build --out "$tmp/i" --agent /bin/true --sign-shim "$tmp/keys"
said "needs db.key and db.pem (or db.crt) there, the db key of custom:$tmp/keys"
echo 'not a certificate' > "$tmp/keys/db.pem"; echo 'not a key' > "$tmp/keys/db.key"
expect_rc 1 env TL_CACHE="$tmp/cache" "$tl" image build --out "$tmp/i" --agent /bin/true --sign-shim "$tmp/keys"
said "is not a PEM certificate"
expect_rc 2 "$tl" image build --out "$tmp/i" --sign-shim
[[ ! -e $tmp/cache ]] && ok || bad "nothing fetched for a refused --sign-shim"
finish
