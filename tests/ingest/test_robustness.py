"""Malformed files never give a traceback and never change the store; killing an import changes nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesdash.ingest import import_file
from salesdash.store import Store
from tests.ingest.conftest import REPO

HEADER = "order_id,line,customer_id,order_date,quantity,revenue"
cell = st.one_of(st.text(max_size=8), st.sampled_from(["", "1", "-1", "2024-02-30", "31/12/2024", "1,5", '"', "C1",
                                                       "NaN", "1e309", "\x00", "é", "客户"]))


def snapshot(store):
    return {t: store.count(t) for t in ("orders", "customers")}, store.data_version


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(st.lists(cell, min_size=0, max_size=8), max_size=6),
       header=st.one_of(st.just(HEADER), st.text(max_size=30)),
       encoding=st.sampled_from(["utf-8", "utf-16", "gb18030", "latin-1"]),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_malformed_files_give_a_clear_report(store, tmp_path, body, header, encoding, delimiter):
    text = header.replace(",", delimiter) + "\n" + "\n".join(delimiter.join(r) for r in body)
    path = tmp_path / "fuzz.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8", errors="replace"))
    before = snapshot(store)
    report = import_file(store, path, table="orders")
    if not report.loaded:
        assert snapshot(store) == before
        assert report.problems, "a refused import says why"
        for p in report.problems:
            assert p.file == "fuzz.csv" and p.expected and p.message()
    else:
        assert report.ok and store.count("orders") == before[0]["orders"] + report.rows_loadable
        from salesdash.ingest import undo_last_import

        undo_last_import(store)


def test_cli_import_of_garbage_exits_non_zero_without_traceback(tmp_path):
    bad = tmp_path / "garbage.xlsx"
    bad.write_bytes(os.urandom(2000))
    res = subprocess.run([sys.executable, "-m", "salesdash", "import", str(bad), "--table", "orders",
                          "--db", str(tmp_path / "db.duckdb")], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "garbage.xlsx" in res.stderr and "file cannot be read" in res.stderr


_KILL_SCRIPT = """
import sys
from salesdash.store import Store
from salesdash.ingest import import_file
store = Store(sys.argv[1])
print("ready", flush=True)
r = import_file(store, sys.argv[2], table="orders", mode=sys.argv[3])
print("done", r.loaded, flush=True)
"""


def test_killing_an_import_leaves_the_store_unchanged(tmp_path):
    db = tmp_path / "kill.duckdb"
    store = Store(db)
    (tmp_path / "c.csv").write_text("customer_id\nC1\n")
    assert import_file(store, tmp_path / "c.csv", table="customers").loaded
    store.checkpoint()
    store.close()
    big = tmp_path / "orders.csv"
    with big.open("w") as f:
        f.write("order_id,line,customer_id,order_date,revenue\n")
        for i in range(300_000):
            f.write(f"O{i},1,C1,2024-01-{1 + i % 28:02d},{i % 97}.5\n")
    rng = random.Random(3)
    outcomes = set()
    for attempt in range(6):
        proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(db), str(big), "replace"],
                                cwd=REPO, stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 1.5))
        proc.send_signal(signal.SIGKILL)
        out = proc.communicate()[0]
        s = Store(db)
        n = s.count("orders")
        assert n in (0, 300_000), n          # all or nothing, never half
        assert s.count("customers") == 1
        outcomes.add("done" in out and n == 300_000 or n == 0 and "done" not in out)
        if n:
            from salesdash.ingest import undo_last_import

            undo_last_import(s)
            assert s.count("orders") == 0
        s.close()
    assert outcomes == {True}
