#!/usr/bin/env bash
# The same suites against a real PostgreSQL (a throwaway cluster, pg.sh): the store suite,
# then the service's attestation and alerts tests with the daemon on PostgreSQL.
set -uo pipefail
bin=${TL_STORE_TEST:?}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pg.sh"
trap stop_pg EXIT
start_pg
"$bin" || exit 1
if [[ -n ${TL_DAEMON:-} ]]; then
  # a fresh database for the service test
  as_pg "$pgbin/createdb" -h "$pg_dir" -U postgres trustlaunch_attest || exit 2
  TL_STORE_URL="postgresql:///trustlaunch_attest?host=$pg_dir&user=postgres" bash "$here/attest.sh" || exit 1
  # and the alerts (de-duplication by a unique partial index, suppression, audit)
  as_pg "$pgbin/createdb" -h "$pg_dir" -U postgres trustlaunch_alerts || exit 2
  TL_STORE_URL="postgresql:///trustlaunch_alerts?host=$pg_dir&user=postgres" bash "$here/alerts.sh" || exit 1
  # and the hosts API (inventory, host states; docs/hostd.md)
  as_pg "$pgbin/createdb" -h "$pg_dir" -U postgres trustlaunch_hosts || exit 2
  TL_STORE_URL="postgresql:///trustlaunch_hosts?host=$pg_dir&user=postgres" bash "$here/hosts_api.sh" || exit 1
fi
