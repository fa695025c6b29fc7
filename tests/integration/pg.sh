# A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary directory,
# as the postgres user, on a unix socket only (no TCP), fsync on; stopped on exit.
#   . pg.sh; start_pg   → TL_STORE_URL=postgresql:///trustlaunch?host=DIR&user=postgres
pg_dir=
as_pg() { if [[ $(id -un) == postgres ]]; then "$@"; else runuser -u postgres -- "$@"; fi; }
stop_pg() {
  [[ -n $pg_dir ]] || return 0
  as_pg "$pgbin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pg_dir"; pg_dir=
}
start_pg() {
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [[ -x $pgbin/initdb ]] || { echo "PostgreSQL server binaries not found (scripts/bootstrap installs them)" >&2; exit 2; }
  pg_dir=$(mktemp -d /tmp/tl-pg-XXXXXX)
  chown postgres "$pg_dir"
  as_pg "$pgbin/initdb" -D "$pg_dir/data" -A trust -U postgres >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; exit 2; }
  as_pg "$pgbin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/pg.log" -w \
    -o "-k $pg_dir -c listen_addresses='' -c fsync=on ${PG_EXTRA_OPTS:-}" start >/dev/null || { cat "$pg_dir/pg.log" >&2; exit 2; }
  as_pg "$pgbin/createdb" -h "$pg_dir" -U postgres trustlaunch || exit 2
  export TL_STORE_URL="postgresql:///trustlaunch?host=$pg_dir&user=postgres"
}
