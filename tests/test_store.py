"""The store: idempotent schema, atomic writes, a data version, and correct reads under concurrent writes."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from salesdash import schema
from salesdash.store import Store, StoreError


def _orders(ids, revenue):
    return pd.DataFrame({"order_id": ids, "line": 1, "customer_id": "c1",
                         "order_date": pd.Timestamp("2025-01-01"), "revenue": revenue})


def test_schema_is_created_once_and_idempotent(tmp_path):
    path = tmp_path / "s.duckdb"
    s = Store(path)
    with s.transaction() as w:
        w.insert("orders", _orders(["o1"], [5.0]))
    s.create_schema()  # again: must not touch data
    assert s.count("orders") == 1
    for name, tbl in schema.TABLES.items():
        assert list(s.table(name).columns) == list(tbl.column_names), name
    s.close()
    reopened = Store(path)
    assert reopened.count("orders") == 1 and reopened.data_version == 1


def test_failed_write_leaves_store_exactly_as_it_was(tmp_path):
    s = Store(tmp_path / "s.duckdb")
    with s.transaction() as w:
        w.insert("orders", _orders(["o1"], [5.0]))
    version = s.data_version
    with pytest.raises(Exception):
        with s.transaction() as w:
            w.insert("orders", _orders(["o2"], [7.0]))
            w.insert("orders", _orders(["o3"], ["not a number"]))
    assert s.count("orders") == 1 and s.data_version == version


def test_read_only_store_refuses_writes(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    ro = Store(path, read_only=True)
    with pytest.raises(StoreError):
        with ro.transaction():
            pass
    with pytest.raises(StoreError, match="not found"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_concurrent_readers_see_whole_writes_only(tmp_path):
    """A writer keeps total revenue at 100 while moving it between rows; readers must always see 100."""
    s = Store(tmp_path / "s.duckdb")
    with s.transaction() as w:
        w.insert("orders", _orders(["a", "b"], [60.0, 40.0]))
    errors: list[str] = []
    reads = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            t = s.table("orders")
            total = s.execute(t.revenue.sum())
            n = s.execute(t.count())
            reads.append(total)
            if total != 100.0 or n != 2:
                errors.append(f"saw total={total} rows={n}")

    def writer():
        for i in range(60):
            with s.transaction() as w:
                w.delete_all("orders")
                w.insert("orders", _orders(["a", "b"], [float(i), 100.0 - i]))

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for r in readers:
        r.start()
    wt = threading.Thread(target=writer)
    wt.start()
    wt.join()
    stop.set()
    for r in readers:
        r.join()
    assert not errors, errors[:5]
    assert len(reads) > 20
    assert s.data_version == 61
    assert sorted(s.execute(s.table("orders")).revenue) == [41.0, 59.0]


def test_an_older_database_gains_new_columns(tmp_path):
    """A file made before a column was added to the schema is brought up to date, data kept."""
    path = tmp_path / "old.duckdb"
    s = Store(path)
    with s.transaction() as w:
        w.insert("orders", _orders(["o1"], [5.0]))
        w.sql('ALTER TABLE orders DROP COLUMN "extra"')
        w.sql('ALTER TABLE orders DROP COLUMN "_import_id"')
    s.close()
    s = Store(path)
    assert "extra" in s.table("orders").columns and s.count("orders") == 1
    assert "_import_id" in s.con.table("orders").columns       # the store's own column, for undo
    assert "_import_id" not in s.table("orders").columns
