#!/usr/bin/env bash
# The `tl catalog` contract: the shipped catalog, the seed's rules by exit code, overlays,
# and unusable catalog files named.
set -uo pipefail
tl=${TL_BIN:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok()   { passes=$((passes + 1)); }
bad()  { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect_rc() { local want=$1; shift; "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [[ $rc == "$want" ]] && ok || bad "exit $rc, wanted $want: $* ($(head -c 300 "$tmp/err"))"; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); $1" || bad "json check: $1"; }

expect_rc 0 "$tl" catalog show
grep -q '^  not yet supported:    Dpsv5, Dpdsv5, Dplsv5, Dpldsv5$' "$tmp/out" && ok || bad "not-yet row"
grep -q '^  unsupported (Gen1):   NC, NV, NP$' "$tmp/out" && ok || bad "gen1 GPU row"
grep -q 'GRID driver on Linux needs Secure Boot turned off' "$tmp/out" && ok || bad "GRID note"
expect_rc 0 "$tl" catalog show --json
json "assert [c['id'] for c in d['categories']] == ['general-purpose','compute-optimized','memory-optimized','storage-optimized','gpu','hpc']"
json "assert 'Dsv2' in d['categories'][0]['supported'] and 'Dsv2' in d['categories'][2]['supported']"
json "assert len(d['os']) == 39 and {'debian-12','sles-15-sp5','windows-server-2022'} <= {o['id'] for o in d['os']}"

# the default, and the seed's refusals with their rule
expect_rc 0 "$tl" catalog check --size Standard_D2s_v5 --os debian-12 --json
json "assert d['security_type'] == 'trustedlaunch' and d['secure_boot'] and d['vtpm'] and d['size']['family'] == 'Dsv5'"
expect_rc 0 "$tl" catalog check --size Standard_D2_v3 --os debian-12 --json
json "assert d['security_type'] == 'standard' and d['rule'] == 'catalog.ok' and 'Generation 2' in d['message']"
expect_rc 1 "$tl" catalog check --size Standard_D2_v3 --os debian-12 --security-type trustedlaunch
grep -q '^rule           catalog.size_unsupported$' "$tmp/out" && ok || bad "gen1 rule named"
grep -q 'change the size to a supported family' "$tmp/out" && ok || bad "gen1 advice"
expect_rc 1 "$tl" catalog check --size Standard_E4ps_v5 --os ubuntu-22.04 --security-type trustedlaunch --json
json "assert d['rule'] == 'catalog.size_not_yet_supported' and d['size']['family'] == 'Epsv5'"
expect_rc 1 "$tl" catalog check --size Standard_D2s_v5 --os windows-xp --security-type trustedlaunch --json
json "assert d['rule'] == 'catalog.os_unsupported' and 'windows-xp' in d['message']"
expect_rc 1 "$tl" catalog check --size Standard_B2ms --os debian-12 --security-type standard --secure-boot on
grep -q 'catalog.feature_needs_trusted_launch' "$tmp/out" && ok || bad "standard + Secure Boot refused"
expect_rc 0 "$tl" catalog check --size Standard_NC6s_v3 --os rhel-9.2 --json
json "assert {n['id'] for n in d['notes']} == {'gpu-grid-linux','gpu-cuda-linux'}"
expect_rc 0 "$tl" catalog check --size Standard_NC6s_v3 --os ubuntu-22.04 --json
json "assert {n['id'] for n in d['notes']} == {'gpu-grid-linux','gpu-cuda-ubuntu'}"

# an operator's overlay: their own sizes and OS
cat > "$tmp/overlay.json" <<'J'
{"families": {"kvm-gp": {"support": "supported", "category": "general-purpose"}},
 "sizes": {"kvm.medium": "kvm-gp"},
 "os": [{"id": "fedora-40", "name": "Fedora 40", "family": "linux"}]}
J
expect_rc 0 "$tl" catalog check --size kvm.medium --os fedora-40 --catalog "$tmp/overlay.json" --json
json "assert d['security_type'] == 'trustedlaunch' and d['size']['family'] == 'kvm-gp'"
expect_rc 0 "$tl" catalog check --size kvm.medium --os fedora-40 --json
json "assert d['security_type'] == 'standard' and d['size']['support'] == 'unknown'"

# unusable input: exit 2 with the place named
echo '{"sizes": {"a": 1}}' > "$tmp/bad.json"
expect_rc 2 "$tl" catalog show --catalog "$tmp/bad.json"
grep -q "catalog.malformed, at sizes.a" "$tmp/err" && ok || bad "bad overlay named: $(cat "$tmp/err")"
expect_rc 2 "$tl" catalog check --size Standard_D2s_v5
expect_rc 2 "$tl" catalog check --size Standard_D2s_v5 --os debian-12 --security-type gen3
expect_rc 0 "$tl" catalog check --help
TL_CATALOG_DATA=$tmp/missing expect_rc 2 "$tl" catalog show

echo "catalog.sh: $passes passed, $fails failed"
[[ $fails == 0 ]]
