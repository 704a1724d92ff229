"""Benchmark of the Segments page at a million customers: ``python -m salesdash.analysis.segments_bench [N]``.

:func:`synthetic_store` writes a store of `n_customers` buying customers in four planted behavioural groups
(like the demo's: VIPs, bargain hunters, occasional big spenders, dormant), with order lines only as wide as
the page needs. :func:`bench_segments` times, on it: the per-customer feature aggregation in the engine, RFM,
the clustering fit on a sample, the assignment of every customer in chunks, the silhouette and elbow scan,
and reports the agreement with the planted groups. Figures are printed as JSON, never asserted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from salesdash.filters import Filters
from salesdash.store import Store

__all__ = ["synthetic_store", "bench_segments", "GROUPS"]

GROUPS = ("vip", "bargain_hunter", "occasional_big", "dormant")
_MIX = np.array([0.06, 0.32, 0.30, 0.32])
END = dt.date(2026, 11, 29)
DAYS = 3 * 365


def synthetic_store(path: str | Path, n_customers: int, *, seed: int = 7) -> tuple[Store, np.ndarray]:
    """A store of `n_customers` customers with orders over three years; returns (store, planted group codes).

    Groups (codes 0..3 as in :data:`GROUPS`): VIPs order ~25 times, last a few days before the end;
    bargain hunters ~8 cheap discounted orders, last within two months; occasional big spenders 2-3 large
    orders, last 100-330 days before; dormant 1-2 orders, last over 480 days before.
    """
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    group = rng.choice(4, size=n, p=_MIX)
    n_orders = np.select([group == 0, group == 1, group == 2, group == 3],
                         [20 + rng.poisson(6, n), 6 + rng.poisson(3, n), 2 + rng.binomial(1, 0.5, n),
                          1 + (rng.random(n) < 0.35)]).astype(np.int64)
    last = np.select([group == 0, group == 1, group == 2, group == 3],
                     [rng.integers(2, 26, n), rng.integers(8, 61, n), rng.integers(100, 331, n),
                      rng.integers(480, DAYS, n)])
    span = np.select([group == 0, group == 1, group == 2, group == 3],
                     [rng.integers(300, 900, n), rng.integers(60, 200, n), rng.integers(150, 600, n),
                      rng.integers(0, 200, n)])
    first = np.minimum(last + span, DAYS)  # days before the end
    cust = np.repeat(np.arange(n), n_orders)
    m = len(cust)
    u = rng.random(m)
    days_before = (last[cust] + u * (first[cust] - last[cust])).astype(np.int64)
    # each customer's last order sits exactly on its planned last day
    is_last = np.r_[cust[1:] != cust[:-1], True]
    days_before[is_last] = last[cust[is_last]]
    g = group[cust]
    price = np.select([g == 0, g == 1, g == 2, g == 3],
                      [rng.lognormal(6.2, 0.3, m), rng.lognormal(4.6, 0.3, m), rng.lognormal(7.6, 0.3, m),
                       rng.lognormal(5.5, 0.4, m)])
    discount = np.where(g == 1, np.where(rng.random(m) < 0.8, 0.3, 0.0),
                        np.where(rng.random(m) < 0.1, 0.1, 0.0))
    order_date = pd.Timestamp(END) - pd.to_timedelta(days_before, unit="D")
    orders = pd.DataFrame({
        "order_id": np.arange(m), "line": 1, "customer_id": cust,
        "product_id": rng.integers(0, 5, m), "channel_id": rng.integers(0, 4, m),
        "order_date": order_date, "quantity": 1.0, "unit_price": price, "discount": discount,
        "revenue": price * (1 - discount), "cost": price * 0.6,
    })
    customers = pd.DataFrame({"customer_id": np.arange(n), "region": rng.choice(
        ["north", "east", "south", "west"], size=n), "city_tier": rng.integers(1, 5, n)})
    channels = pd.DataFrame({"channel_id": np.arange(4), "type": ["online_store", "own_store", "sales_team",
                                                                  "marketplace"]})
    products = pd.DataFrame({"product_id": np.arange(5), "category": [f"cat{i}" for i in range(5)]})
    store = Store(path)
    store.replace_all({"customers": customers, "channels": channels, "products": products, "orders": orders})
    store.checkpoint()
    return store, group


def bench_segments(n_customers: int = 1_000_000, *, k: int = 4, method: str = "kmeans", path: str | None = None,
                   out=sys.stdout) -> dict:
    """Time the Segments page's steps on `n_customers` synthetic customers; print and return the JSON."""
    from sklearn.metrics import adjusted_rand_score

    from salesdash.analysis import clustering, rfm, segments

    timings: dict = {"n_customers": n_customers, "cpus": os.cpu_count(), "k": k, "method": method}
    with tempfile.TemporaryDirectory() as tmp:
        db = path or str(Path(tmp) / "segments_bench.duckdb")
        t0 = time.perf_counter()
        store, group = synthetic_store(db, n_customers)
        timings["build_seconds"] = round(time.perf_counter() - t0, 2)
        timings["order_lines"] = store.count("orders")
        f = Filters()

        t0 = time.perf_counter()
        df, spec = segments.customer_features(store, f)
        timings["feature_aggregation_seconds"] = round(time.perf_counter() - t0, 2)

        t0 = time.perf_counter()
        r = rfm.rfm_analysis(store, f)
        timings["rfm_seconds"] = round(time.perf_counter() - t0, 2)
        timings["rfm_customers"] = r.customers

        t0 = time.perf_counter()
        segments.criteria_segments(store, f, criteria=("region", "recency_band"))
        timings["criteria_segments_seconds"] = round(time.perf_counter() - t0, 2)

        model = clustering.CustomerClusters(k=k, method=method)
        sample_n = min(len(df), clustering.SAMPLE_SIZE)
        sample = df.sample(n=sample_n, random_state=0) if sample_n < len(df) else df
        t0 = time.perf_counter()
        model.fit(sample)
        timings["sample_fit_seconds"] = round(time.perf_counter() - t0, 2)
        timings["fitted_on"] = sample_n

        t0 = time.perf_counter()
        labels = model.predict(df)
        timings["assignment_seconds"] = round(time.perf_counter() - t0, 2)
        truth = group[df["customer_id"].astype(int).to_numpy()]
        timings["ari_vs_planted_groups"] = round(float(adjusted_rand_score(truth, labels)), 3)
        timings["silhouette"] = model.silhouette_

        t0 = time.perf_counter()
        clustering.k_scan(store, f, method=method, k_max=8)
        timings["k_scan_2_to_8_seconds"] = round(time.perf_counter() - t0, 2)

        t0 = time.perf_counter()
        members = rfm.rfm_members(store, f)
        timings["rfm_members_seconds"] = round(time.perf_counter() - t0, 2)
        timings["members"] = len(members)
        store.close()
    timings["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    json.dump(timings, out, indent=2)
    out.write("\n")
    return timings


if __name__ == "__main__":  # pragma: no cover
    bench_segments(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
