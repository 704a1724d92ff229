"""RFM scores by hand on a ten-customer fixture, and on the UCI Online Retail slices against pandas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesdash.analysis import rfm
from salesdash.filters import Filters
from salesdash.store import Store

MARCH = Filters(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
# Fixed thresholds used by the hand computation below (n_bins = 5).
FIXED = dict(recency=(2, 7, 20, 28), frequency=(1, 2, 3, 5), monetary=(50, 100, 300, 500))


def _orders(customer: str, dates: list[str], amounts: list[float], channels=None, discounts=None) -> list[dict]:
    rows = []
    for i, (d, a) in enumerate(zip(dates, amounts)):
        rows.append({"order_id": f"{customer}-{i}", "line": 1, "customer_id": customer, "product_id": "p1",
                     "channel_id": (channels or ["d"] * len(dates))[i], "order_date": d, "revenue": a,
                     "discount": (discounts or [0.0] * len(dates))[i], "cost": a / 2})
    return rows


def build_rfm_fixture(path) -> Store:
    """Ten customers buying in March 2025 (window end 2025-03-31) plus two with orders in February.

    customer  last order  recency  orders  revenue   region
    c01       03-29        2       3       300       east    (+ 100 on 02-20, the previous window)
    c02       03-30        1       1        50       east
    c03       03-31        0       5      1000       east    (2 of 5 orders discounted, 2 via partner)
    c04       03-01       30       2        80       east
    c05       03-05       26       1        20       east
    c06       03-25        6       4       400       north
    c07       03-15       16       1       500       north
    c08       03-28        3       2        60       north
    c09       03-02       29       6       600       north
    c10       03-10       21       1        10       north
    c11       (02-25 only: bought in the previous window, not in March)
    """
    rows = []
    rows += _orders("c01", ["2025-03-10", "2025-03-20", "2025-03-29", "2025-02-20"], [100, 100, 100, 100])
    rows += _orders("c02", ["2025-03-30"], [50])
    rows += _orders("c03", ["2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24", "2025-03-31"], [200] * 5,
                    channels=["d", "d", "d", "p", "p"], discounts=[0, 0, 0, 0.1, 0.1])
    rows += _orders("c04", ["2025-03-01", "2025-03-01"], [40, 40])
    rows += _orders("c05", ["2025-03-05"], [20])
    rows += _orders("c06", ["2025-03-04", "2025-03-11", "2025-03-18", "2025-03-25"], [100] * 4)
    rows += _orders("c07", ["2025-03-15"], [500])
    rows += _orders("c08", ["2025-03-20", "2025-03-28"], [30, 30])
    rows += _orders("c09", ["2025-03-01"] * 5 + ["2025-03-02"], [100] * 6)
    rows += _orders("c10", ["2025-03-10"], [10])
    rows += _orders("c11", ["2025-02-25"], [70])
    orders = pd.DataFrame(rows)
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    ids = [f"c{i:02d}" for i in range(1, 12)]
    customers = pd.DataFrame({
        "customer_id": ids,
        "name": [f"Customer {i}" for i in range(1, 12)],
        "region": ["east"] * 5 + ["north"] * 5 + ["east"],
        "signup_date": pd.to_datetime(["2024-03-31", None, "2024-03-31"] + [None] * 8),
        "birth_year": [1990] * 11,
    })
    store = Store(path)
    store.replace_all({
        "customers": customers,
        "channels": pd.DataFrame({"channel_id": ["d", "p"], "name": ["Own store", "Partner"],
                                  "type": ["own_store", "partner"]}),
        "products": pd.DataFrame({"product_id": ["p1"], "category": ["electronics"]}),
        "orders": orders,
    })
    return store


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory):
    store = build_rfm_fixture(tmp_path_factory.mktemp("rfm") / "rfm.duckdb")
    yield store
    store.close()


def test_fixed_thresholds_score_by_hand(fixture_store):
    m = rfm.rfm_members(fixture_store, MARCH, method="fixed", **FIXED).set_index("customer_id")
    # R = 5 - #(recency > t), t = 2, 7, 20, 28:  c04 30 days -> 4 above -> 1; c07 16 -> 2 above -> 3
    # F = 1 + #(orders > t), t = 1, 2, 3, 5:     c09 6 orders -> 5; c01 3 -> 3
    # M = 1 + #(revenue > t), t = 50, 100, 300, 500: c07 500 is not above 500 -> 4; c02 50 -> 1
    expected = {
        "c01": (2, 3, 300, 5, 3, 3, "potential"),
        "c02": (1, 1, 50, 5, 1, 1, "new"),
        "c03": (0, 5, 1000, 5, 4, 5, "champions"),
        "c04": (30, 2, 80, 1, 2, 2, "lost"),
        "c05": (26, 1, 20, 2, 1, 1, "hibernating"),
        "c06": (6, 4, 400, 4, 4, 4, "loyal"),
        "c07": (16, 1, 500, 3, 1, 4, "hibernating"),
        "c08": (3, 2, 60, 4, 2, 2, "potential"),
        "c09": (29, 6, 600, 1, 5, 5, "cant_lose"),
        "c10": (21, 1, 10, 2, 1, 1, "hibernating"),
    }
    assert sorted(m.index) == sorted(expected)  # c11 did not buy in March
    for cid, (rec, orders, revenue, r, f, mm, seg) in expected.items():
        row = m.loc[cid]
        assert (row.recency_days, row.orders, row.revenue) == (rec, orders, revenue), cid
        assert (row.r_score, row.f_score, row.m_score, row.segment) == (r, f, mm, seg), cid
    assert m.loc["c03", "rfm"] == "545"
    assert m.loc["c03", "name"] == "Customer 3"


def test_segment_table_adds_up(fixture_store):
    res = rfm.rfm_analysis(fixture_store, MARCH, method="fixed", **FIXED)
    assert res.enough and res.customers == 10 and res.as_of == dt.date(2025, 3, 31)
    seg = res.segments.set_index("segment")
    assert list(res.segments["segment"]) == list(rfm.SEGMENTS)
    # hibernating: c05 (20) + c07 (500) + c10 (10) = 530 from 3 of 10 customers
    assert seg.loc["hibernating", "customers"] == 3 and seg.loc["hibernating", "revenue"] == 530
    assert seg.loc["hibernating", "customer_share"] == pytest.approx(0.3)
    assert seg.loc["hibernating", "recency_days"] == pytest.approx((26 + 16 + 21) / 3)
    # potential: c01 (300) + c08 (60); total revenue 3020
    assert seg.loc["potential", "revenue"] == 360
    assert seg.loc["potential", "revenue_share"] == pytest.approx(360 / 3020)
    assert seg.loc["at_risk", "customers"] == 0
    assert seg["customers"].sum() == 10
    # the R x F grid: c05 and c10 share the cell R2 F1
    cell = res.grid[(res.grid.r_score == 2) & (res.grid.f_score == 1)].iloc[0]
    assert cell.customers == 2 and cell.segment == "hibernating"


def test_quantile_thresholds_by_hand(fixture_store):
    th = rfm.thresholds(fixture_store, MARCH, n_bins=5)
    # recency sorted: 0 1 2 3 6 16 21 26 29 30; q = 0.2 sits at position 0.2 * 9 = 1.8:
    # 1 + 0.8 * (2 - 1) = 1.8; q = 0.4 at 3.6: 3 + 0.6 * 3 = 4.8; 0.6 at 5.4: 16 + 0.4 * 5 = 18;
    # 0.8 at 7.2: 26 + 0.2 * 3 = 26.6
    assert th.recency == pytest.approx((1.8, 4.8, 18.0, 26.6))
    # orders sorted: 1 1 1 1 2 2 3 4 5 6 -> 1, 1 + 0.6 * 1 = 1.6 (pos 3.6), 2 + 0.4 * 1 = 2.4, 4 + 0.2 = 4.2
    assert th.frequency == pytest.approx((1.0, 1.6, 2.4, 4.2))
    res = rfm.rfm_members(fixture_store, MARCH).set_index("customer_id")
    # c04: 30 days > all four -> R1; 2 orders > 1 and > 1.6 -> F3
    assert (res.loc["c04", "r_score"], res.loc["c04", "f_score"]) == (1, 3)
    # the four one-order customers tie and get the same F
    assert set(res.loc[["c02", "c05", "c07", "c10"], "f_score"]) == {1}


def test_fewer_bins_use_the_same_map():
    # 3 bins: score 2 sits in the middle of the 1-5 scale (3), score 3 at the top (5)
    assert rfm.segment_for(3, 3, 3) == "champions"
    assert rfm.segment_for(2, 1, 3) == "hibernating"
    assert rfm.segment_for(1, 3, 3) == "cant_lose"
    assert rfm.segment_for(4, 1, 4) == "new"


def test_movement_between_periods(fixture_store):
    moves = rfm.rfm_movement(fixture_store, MARCH, method="fixed", **FIXED)
    got = {(a, b): n for a, b, n in moves.itertuples(index=False)}
    # previous window: 29 Jan - 28 Feb, scored with March's thresholds, as of 28 Feb.
    # c01: last order 20 Feb -> 8 days -> R3, 1 order -> F1: hibernating, then potential in March.
    # c11: 25 Feb -> 3 days -> R4, F1: new, then no order in March.
    assert got[("hibernating", "potential")] == 1
    assert got[("new", rfm.NOT_ACTIVE)] == 1
    assert got[(rfm.NOT_ACTIVE, "hibernating")] == 3
    assert sum(n for (a, _), n in got.items() if a == rfm.NOT_ACTIVE) == 9
    assert rfm.rfm_movement(fixture_store, Filters()).empty  # no previous window when open-ended


def test_too_few_customers_is_an_answer(fixture_store):
    one_day = Filters(start=dt.date(2025, 3, 31), end=dt.date(2025, 3, 31))
    res = rfm.rfm_analysis(fixture_store, one_day)
    assert not res.enough and res.customers == 1 and "at least" in res.reason
    assert res.to_json()["segments"] == []
    nothing = Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    assert not rfm.rfm_analysis(fixture_store, nothing).enough


def test_bad_fixed_thresholds_raise(fixture_store):
    with pytest.raises(ValueError, match="ascending"):
        rfm.rfm_analysis(fixture_store, MARCH, method="fixed", recency=(10, 5, 20, 30))
    with pytest.raises(ValueError, match="thresholds"):
        rfm.rfm_analysis(fixture_store, MARCH, method="fixed", frequency=(1, 2))


# ----- the UCI Online Retail slices -----------------------------------------------------------------------

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real" / "online_retail_subset"


def _online_retail() -> pd.DataFrame:
    if not REAL.is_dir():
        pytest.skip(f"the Online Retail slices are not here ({REAL}): they live in ../shared/data/real/")
    frames = [pd.read_csv(p, encoding="utf-8-sig", dtype={"InvoiceNo": str, "StockCode": str})
              for p in sorted(REAL.glob("*.csv"))]
    df = pd.concat(frames, ignore_index=True)
    df = df[~df["InvoiceNo"].str.startswith("C") & df["CustomerID"].notna()].copy()
    df["customer_id"] = df["CustomerID"].astype(int).astype(str)
    df["date"] = pd.to_datetime(df["InvoiceDate"], format="%m/%d/%Y %H:%M").dt.normalize()
    df["revenue"] = df["Quantity"] * df["UnitPrice"]
    return df


def test_rfm_on_online_retail_matches_pandas(tmp_path):
    raw = _online_retail()
    orders = pd.DataFrame({
        "order_id": raw["InvoiceNo"], "line": raw.groupby("InvoiceNo").cumcount() + 1,
        "customer_id": raw["customer_id"], "product_id": raw["StockCode"], "order_date": raw["date"],
        "quantity": raw["Quantity"].astype(float), "unit_price": raw["UnitPrice"].astype(float),
        "revenue": raw["revenue"],
    })
    customers = raw.groupby("customer_id", as_index=False)["Country"].first().rename(columns={"Country": "country"})
    store = Store(tmp_path / "retail.duckdb")
    store.replace_all({"orders": orders, "customers": customers})

    # by hand, in pandas: recency to the last invoice day, distinct invoices, revenue; quintile cut points by
    # linear interpolation; F = 1 + #(orders > t) etc.
    as_of = raw["date"].max()
    per = raw.groupby("customer_id").agg(last=("date", "max"), orders=("InvoiceNo", "nunique"),
                                         revenue=("revenue", "sum"))
    per["recency"] = (as_of - per["last"]).dt.days.astype(float)
    qs = [0.2, 0.4, 0.6, 0.8]
    cuts = {c: np.quantile(per[c].to_numpy(dtype=float), qs) for c in ("recency", "orders", "revenue")}
    per["r"] = 5 - (per["recency"].to_numpy()[:, None] > cuts["recency"]).sum(axis=1)
    per["f"] = 1 + (per["orders"].to_numpy()[:, None] > cuts["orders"]).sum(axis=1)
    per["m"] = 1 + (per["revenue"].to_numpy()[:, None] > cuts["revenue"]).sum(axis=1)

    res = rfm.rfm_analysis(store, Filters())
    assert res.enough and res.customers == len(per)
    assert res.as_of == as_of.date()
    assert res.thresholds.recency == pytest.approx(tuple(cuts["recency"]))
    assert res.thresholds.frequency == pytest.approx(tuple(cuts["orders"]))
    assert res.thresholds.monetary == pytest.approx(tuple(cuts["revenue"]), rel=1e-9)

    got = rfm.rfm_members(store, Filters()).set_index("customer_id").loc[per.index]
    assert (got["recency_days"].to_numpy() == per["recency"].to_numpy()).all()
    assert (got["orders"].to_numpy() == per["orders"].to_numpy()).all()
    assert np.allclose(got["revenue"], per["revenue"])
    assert (got["r_score"].to_numpy() == per["r"].to_numpy()).all()
    assert (got["f_score"].to_numpy() == per["f"].to_numpy()).all()
    # revenue sums may differ in the last bit between the engine and pandas: a customer exactly on a cut
    # point (here (customers - 1) x q is a whole number, so each cut point IS a customer's revenue) may fall
    # either side; nobody else may differ
    on_cut = np.isclose(per["revenue"].to_numpy()[:, None], cuts["revenue"], rtol=1e-9, atol=1e-9).any(axis=1)
    assert (got["m_score"].to_numpy() == per["m"].to_numpy())[~on_cut].all()
    assert on_cut.sum() <= len(qs)
    hand = pd.Series([rfm.segment_for(r, f) for r, f in zip(per["r"], per["f"])], index=per.index)
    assert (got["segment"] == hand).all()
    counts = res.segments.set_index("segment")["customers"]
    assert counts[counts > 0].to_dict() == hand.value_counts().to_dict()
    store.close()
