#!/usr/bin/env bash
# The store suite against a real PostgreSQL: a throwaway cluster (initdb in a temporary
# directory, as the postgres user, on a unix socket only), started and stopped here.
set -uo pipefail
bin=${TL_STORE_TEST:?}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[[ -x $pgbin/initdb ]] || { echo "PostgreSQL server binaries not found (scripts/bootstrap installs them)" >&2; exit 2; }
dir=$(mktemp -d /tmp/tl-pg-XXXXXX)
chown postgres "$dir"
as_pg() { if [[ $(id -un) == postgres ]]; then "$@"; else runuser -u postgres -- "$@"; fi; }
cleanup() { as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$dir"; }
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 2; }
as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w \
  -o "-k $dir -c listen_addresses='' -c fsync=on" start >/dev/null || { cat "$dir/pg.log" >&2; exit 2; }
as_pg "$pgbin/createdb" -h "$dir" -U postgres trustlaunch || exit 2
TL_STORE_URL="postgresql:///trustlaunch?host=$dir&user=postgres" "$bin"
