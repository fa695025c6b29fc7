#!/usr/bin/env python3
# The fleet's host states (GET /v1/recommendations' host_states) and GET /v1/vms?host_state=
# as the store asks SQLite for them (store_host.c, store_vm.c), timed with Python's sqlite3
# on 100 000 VMs of 5 tenants, about 2 % boot_failed and 3 % stopped, the rest running, with
# the tables and indexes of store_schema.c that these queries use. Reference, same run: the
# count of every state (running too), which reads every VM's row. One JSON line a figure
# (min and median of 7 runs, ms). Usage: bench/host_states.py [DB] (default: a temp file).
import json, os, random, sqlite3, statistics, sys, tempfile, time, uuid

VMS, TENANTS, RUNS = 100000, 5, 7
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.mkdtemp(), "host_states.db")
random.seed(7)
c = sqlite3.connect(path)
c.executescript(
    "DROP TABLE IF EXISTS vms; DROP TABLE IF EXISTS vm_host;"
    "CREATE TABLE vms (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, created BIGINT NOT NULL);"
    "CREATE INDEX vms_order ON vms (created, id); CREATE INDEX vms_tenant_order ON vms (tenant, created, id);"
    "CREATE TABLE vm_host (vm_id TEXT PRIMARY KEY, host TEXT NOT NULL, domain TEXT NOT NULL, state TEXT NOT NULL,"
    " reason TEXT NOT NULL);"
    "CREATE INDEX vm_host_host ON vm_host (host); CREATE INDEX vm_host_state ON vm_host (state, reason, vm_id);")
for i in range(VMS):
    u, r = str(uuid.uuid4()), random.random()
    st = (("boot_failed", "secure_boot_refused") if r < 0.01 else ("boot_failed", "boot_deadline") if r < 0.02
          else ("stopped", "") if r < 0.05 else ("running", ""))
    c.execute("INSERT INTO vms VALUES (?, ?, ?, ?)", (u, "t%d" % (i % TENANTS), "vm%d" % i, 1700000000 + i))
    c.execute("INSERT INTO vm_host VALUES (?, ?, ?, ?, ?)", (u, "h%d" % (i % 100), "d%d" % i) + st)
c.commit()

JOIN = "FROM vm_host h JOIN vms v ON v.id = h.vm_id WHERE "
COUNTS = ("SELECT h.state, h.reason, count(*) " + JOIN + "h.state IN ('boot_failed', 'stopped') AND "
          "(?1 = '*' OR v.tenant = ?1) GROUP BY h.state, h.reason")
EVERY = ("SELECT h.state, h.reason, count(*) " + JOIN + "h.state <> '' AND (?1 = '*' OR v.tenant = ?1) "
         "GROUP BY h.state, h.reason")
PAGE = ("SELECT vms.id, h.host FROM vms JOIN vm_host h ON h.vm_id = vms.id WHERE h.state = 'boot_failed' AND "
        "(?1 = '*' OR tenant = ?1) AND (created > ?2 OR (created = ?2 AND id > '')) ORDER BY created, id LIMIT 101")


def timed(name, sql, params):
    ts = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        c.execute(sql, params).fetchall()
        ts.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"bench": "host_states", "figure": name, "vms": VMS, "min_ms": round(min(ts), 2),
                      "median_ms": round(statistics.median(ts), 2), "sqlite": sqlite3.sqlite_version}))


for tenant in ("t1", "*"):
    timed("counts_failed_stopped_tenant_" + tenant, COUNTS, (tenant,))
    timed("reference_counts_every_state_tenant_" + tenant, EVERY, (tenant,))
    timed("vms_host_state_boot_failed_first_page_tenant_" + tenant, PAGE, (tenant, -2**63))
c.close()
