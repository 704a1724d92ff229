"""Benchmark: importing a large canonical CSV against DuckDB's own ``read_csv`` of the same file.

``bench_import(rows)`` writes an order-lines CSV in the canonical format, then times (1) DuckDB reading it
into a new table by itself (``CREATE TABLE ... AS SELECT * FROM read_csv(...)``, committed) and (2)
``import_file`` loading it into the orders table (every check, the load, the history row, one transaction). It prints one JSON object and returns the figures. Nothing here is asserted: speed is
measured, not tested.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from salesdash.ingest.load import import_file
from salesdash.store import Store

__all__ = ["BenchResult", "bench_import", "write_orders_csv"]


@dataclass(frozen=True)
class BenchResult:
    rows: int
    file_mb: float
    duckdb_read_csv_s: float
    import_s: float
    ratio: float
    fast_path: bool
    loaded_rows: int


def write_orders_csv(path: Path, rows: int, *, customers: int = 10_000, seed: int = 1) -> None:
    """A canonical order-lines CSV of `rows` lines (written in chunks, so memory stays small)."""
    rng = np.random.default_rng(seed)
    chunk = 1_000_000
    with path.open("w", encoding="utf-8") as f:
        f.write("order_id,line,customer_id,product_id,order_date,quantity,unit_price,revenue\n")
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            idx = np.arange(start, start + n)
            qty = rng.integers(1, 10, n)
            price = np.round(rng.uniform(1, 500, n), 2)
            frame = pd.DataFrame({
                "order_id": "O" + pd.Series(idx // 3).astype(str), "line": idx % 3 + 1,
                "customer_id": "C" + pd.Series(rng.integers(0, customers, n)).astype(str),
                "product_id": "P" + pd.Series(rng.integers(0, 500, n)).astype(str),
                "order_date": (pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730, n), "D")).strftime("%Y-%m-%d"),
                "quantity": qty, "unit_price": price, "revenue": np.round(qty * price, 2),
            })
            frame.to_csv(f, header=False, index=False)


def bench_import(rows: int = 10_000_000, *, folder: str | Path | None = None) -> BenchResult:
    """Time DuckDB's read_csv and ``import_file`` on the same `rows`-line CSV; print and return the figures."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "orders.csv"
        write_orders_csv(csv_path, rows)
        store = Store(tmp / "bench.duckdb")
        pd.DataFrame({"customer_id": [f"C{i}" for i in range(10_000)]}).to_csv(tmp / "c.csv", index=False)
        pd.DataFrame({"product_id": [f"P{i}" for i in range(500)]}).to_csv(tmp / "p.csv", index=False)
        import_file(store, tmp / "c.csv", table="customers")
        import_file(store, tmp / "p.csv", table="products")

        t0 = time.perf_counter()
        with store.transaction() as w:   # DuckDB alone: read the file into a table and commit, nothing else
            w.sql("CREATE TABLE _bench_raw AS SELECT * FROM read_csv(?)", [str(csv_path)])
        duck = time.perf_counter() - t0
        with store.transaction() as w:
            w.sql("DROP TABLE _bench_raw")

        t0 = time.perf_counter()
        report = import_file(store, csv_path, table="orders", max_mb=float("inf"))
        ours = time.perf_counter() - t0
        result = BenchResult(rows=rows, file_mb=round(csv_path.stat().st_size / 1e6, 1),
                             duckdb_read_csv_s=round(duck, 2), import_s=round(ours, 2),
                             ratio=round(ours / duck, 2), fast_path=report.fast_path,
                             loaded_rows=store.count("orders"))
        store.close()
    print(json.dumps(asdict(result)))
    return result
