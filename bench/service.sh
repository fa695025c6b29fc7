#!/usr/bin/env bash
# trustlaunchd under load (bench_service.c) on SQLite, then on a throwaway PostgreSQL cluster
# (tests/integration/pg.sh, fsync on), with 100,000 enrolled VMs. JSON lines on stdout.
#   bench/service.sh BUILD_DIR VECTORS [bench_service flags...]
#   e.g. bench/service.sh build ../shared/vectors --threads 0,8 --clients 32 --baselines
# STORES="sqlite" (or "postgresql") runs one store only. Exits non-zero on any error.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: service.sh BUILD_DIR VECTORS [flags...]} vectors=${2:?usage: service.sh BUILD_DIR VECTORS [flags...]}
shift 2
bench=$build/bench/bench_service
export TL_VECTORS=$vectors TL_DAEMON=${TL_DAEMON:-$build/trustlaunchd}
rc=0
for store in ${STORES:-sqlite postgresql}; do
  if [[ $store == postgresql ]]; then
    . "$here/../tests/integration/pg.sh"
    trap stop_pg EXIT
    start_pg
    "$bench" --store postgresql "$@" || rc=1
    stop_pg
  else
    "$bench" --store sqlite "$@" || rc=1
  fi
done
exit $rc
