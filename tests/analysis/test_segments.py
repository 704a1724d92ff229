"""Segments: the feature table and criteria segments by hand, saving as a global filter, clustering."""

from __future__ import annotations

import argparse
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from salesdash.analysis import clustering, segments
from salesdash.analysis.segments_bench import synthetic_store
from salesdash.filters import Filters, apply
from tests.analysis.test_rfm import MARCH, build_rfm_fixture


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory):
    store = build_rfm_fixture(tmp_path_factory.mktemp("seg") / "seg.duckdb")
    yield store
    store.close()


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """1,500 synthetic customers in four planted behavioural groups (see segments_bench.synthetic_store)."""
    store, groups = synthetic_store(tmp_path_factory.mktemp("planted") / "planted.duckdb", 1500, seed=3)
    yield store, groups
    store.close()


def test_feature_table_by_hand(fixture_store):
    df, spec = segments.customer_features(fixture_store, MARCH)
    assert spec.as_of == dt.date(2025, 3, 31)
    assert spec.channel_types == ("own_store", "partner") and spec.categories == ("electronics",)
    f = df.set_index("customer_id")
    assert len(f) == 10  # c11 bought only in February
    c03 = f.loc["c03"]
    # 5 orders of 200, last on 31 March; 2 of them discounted and through the partner: 400 / 1000
    assert (c03.recency_days, c03.orders, c03.revenue, c03.avg_order_value) == (0, 5, 1000, 200)
    assert c03.discount_share == pytest.approx(0.4)
    assert c03["channel:partner"] == pytest.approx(0.4) and c03["channel:own_store"] == pytest.approx(0.6)
    assert c03["category:electronics"] == 1.0
    assert c03.tenure_days == 365  # signed up 2024-03-31
    # c02 has no signup date: tenure counts from its first order in the window (30 March) -> 1 day
    assert f.loc["c02", "tenure_days"] == 1
    # c01's February order is outside the window: 3 orders, 300
    assert (f.loc["c01", "orders"], f.loc["c01", "revenue"]) == (3, 300)
    assert f.loc["c01", "age"] == 2025 - 1990


def test_criteria_segments_size_value_growth(fixture_store):
    cs = segments.criteria_segments(fixture_store, MARCH, criteria=("region",)).set_index("region")
    # north: c06..c10 = 400 + 500 + 60 + 600 + 10 = 1570, no revenue in the previous window -> growth NaN
    # east:  c01..c05 = 300 + 50 + 1000 + 80 + 20 = 1450; previous window (29 Jan - 28 Feb): c01's 100
    #        (c11 is east too but did not buy in March, so it is not a member) -> (1450 - 100) / 100 = 13.5
    assert list(cs.index) == ["north", "east"]  # largest revenue first
    assert cs.loc["north", "revenue"] == 1570 and cs.loc["north", "customers"] == 5
    assert np.isnan(cs.loc["north", "growth"])
    assert cs.loc["east", "previous_revenue"] == 100
    assert cs.loc["east", "growth"] == pytest.approx(13.5)
    assert cs.loc["east", "revenue_per_customer"] == pytest.approx(290)
    assert cs["customer_share"].sum() == pytest.approx(1.0)


def test_behavioural_criteria_by_hand(fixture_store):
    cs = segments.criteria_segments(fixture_store, MARCH, criteria=("frequency_band", "channel_preference"))
    got = {(a, b): n for a, b, n in cs[["frequency_band", "channel_preference", "customers"]].itertuples(index=False)}
    # one order: c02, c05, c07, c10 (all own store); 2-3: c01, c04, c08; 4-9: c03 (60 % own store), c06, c09
    assert got == {("1", "own_store"): 4, ("2_3", "own_store"): 3, ("4_9", "own_store"): 3}
    rec = segments.criteria_segments(fixture_store, MARCH, criteria=("recency_band",)).set_index("recency_band")
    # every March buyer bought within 30 days of 31 March (c04's 30 days is on the band's edge, inside)
    assert rec["customers"].to_dict() == {"0_30": 10}
    with pytest.raises(ValueError, match="unknown criteria"):
        segments.criteria_segments(fixture_store, MARCH, criteria=("star_sign",))


def test_save_segmentation_filters_every_table(tmp_path):
    store = build_rfm_fixture(tmp_path / "save.duckdb")
    members = segments.criteria_members(store, MARCH, criteria=("region",))
    assert segments.save_segmentation(store, "by region", members) == 10
    assert segments.segmentation_ids(store) == ["by region"]
    saved = segments.saved_segmentations(store)
    assert saved.set_index("segment")["customers"].to_dict() == {"east": 5, "north": 5}
    # the global filter now works on any table with a customer: north orders in March = 1570
    f = Filters(start=MARCH.start, end=MARCH.end, segmentation="by region", segments=("north",))
    o = apply(store, "orders", f)
    assert store.execute(o.revenue.sum()) == 1570
    # saving again replaces, it does not add
    members["segment"] = "everyone"
    segments.save_segmentation(store, "by region", members)
    assert segments.saved_members(store, "by region")["segment"].unique().tolist() == ["everyone"]
    with pytest.raises(ValueError, match="segmentation name"):
        segments.save_segmentation(store, "bad;name", members)
    with pytest.raises(ValueError, match="twice"):
        segments.save_segmentation(store, "dupes", pd.concat([members, members]))
    store.close()


def test_clustering_recovers_planted_groups(planted):
    store, groups = planted
    res = clustering.cluster_customers(store, Filters(), k=4)
    assert res.enough and res.customers == 1500 and res.silhouette > 0.4
    members = clustering.cluster_members(store, Filters(), k=4)
    truth = groups[members["customer_id"].astype(int).to_numpy()]
    assert adjusted_rand_score(truth, members["cluster"]) >= 0.8
    # cluster 1 has the highest revenue per customer and the sizes add up
    prof = res.profile
    assert prof["monetary"].iloc[0] == prof["monetary"].max()
    # revenue is the cluster's total, monetary its mean per customer
    assert prof["revenue"].to_numpy() == pytest.approx((prof["monetary"] * prof["customers"]).to_numpy())
    assert prof["revenue"].sum() == pytest.approx(members["revenue"].sum())
    assert prof["customers"].sum() == 1500
    assert set(res.projection["cluster"]) == {1, 2, 3, 4}
    gmm = clustering.cluster_members(store, Filters(), k=4, method="gmm")
    assert adjusted_rand_score(truth, gmm["cluster"]) >= 0.8


def test_sample_fit_then_assign_every_customer(planted):
    store, groups = planted
    df, _ = segments.customer_features(store, Filters())
    model = clustering.CustomerClusters(k=4, sample_size=400, chunk_size=250).fit(df)
    assert len(model.fit_rows_) == 400 and len(model.labels_) == len(df)
    truth = groups[df["customer_id"].astype(int).to_numpy()]
    assert adjusted_rand_score(truth, model.labels_) >= 0.8
    assert (model.predict(df) == model.labels_).all()


def test_k_scan_and_stability(planted):
    store, _ = planted
    scan = clustering.k_scan(store, Filters(), k_max=6)
    assert list(scan.table["k"]) == [2, 3, 4, 5, 6]
    sil = scan.table.set_index("k")["silhouette"]
    inertia = scan.table.set_index("k")["inertia"]
    # four planted groups: the silhouette rises up to k = 4 and the elbow bends there (the drop from 3 to 4
    # is larger than the drop from 4 to 5)
    assert sil[4] > sil[3] > 0.5 and sil[4] > sil[2]
    assert inertia.is_monotonic_decreasing
    assert inertia[3] - inertia[4] > inertia[4] - inertia[5]
    assert scan.best_k in (4, 5)
    stab = clustering.stability(store, Filters(), k=4, n_boot=3)
    assert stab.enough and min(stab.bootstrap_ari) >= 0.8
    assert stab.previous_ari is None and stab.previous_reason  # open-ended window: nothing before it
    # the last 18 months against the 18 before them: the same four groups are there in both
    window = Filters(start=dt.date(2025, 6, 1), end=dt.date(2026, 11, 29))
    stab2 = clustering.stability(store, window, k=4, n_boot=2)
    assert stab2.previous_ari is not None and stab2.previous_ari > 0.5


def test_noise_is_unstable(tmp_path):
    # customers with no structure at all: bootstrap re-fits at k = 6 disagree with each other
    rng = np.random.default_rng(0)
    n = 400
    dates = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    orders = pd.DataFrame({"order_id": np.arange(n), "line": 1, "customer_id": np.arange(n), "order_date": dates,
                           "revenue": rng.uniform(10, 20, n), "discount": rng.uniform(0, 0.2, n)})
    from salesdash.store import Store

    store = Store(tmp_path / "noise.duckdb")
    store.replace_all({"orders": orders})
    stab = clustering.stability(store, Filters(), k=6, n_boot=3, features=("recency_days", "avg_order_value"),
                                scaling="standard")
    assert stab.bootstrap_mean < 0.8
    store.close()


def test_too_few_customers_for_k(fixture_store):
    res = clustering.cluster_customers(fixture_store, MARCH, k=4)  # 10 customers, 20 needed
    assert not res.enough and "20" in res.reason
    assert res.to_json()["sizes"] == []
    assert not clustering.k_scan(fixture_store, MARCH, k_min=3).enough
    assert clustering.cluster_members(fixture_store, MARCH, k=4).empty
    with pytest.raises(ValueError, match="unknown features"):
        clustering.cluster_customers(fixture_store, MARCH, features=("shoe_size",))


def test_report_json_has_the_contract_keys(planted):
    store, _ = planted
    args = argparse.Namespace(k=3, method="gmm", features="recency_days,orders", scaling="standard", rfm_bins=4)
    out = segments.report_json(store, Filters(), args)
    assert out["customers"] == 1500
    assert {"segment", "customers", "revenue"} <= set(out["rfm_segments"][0])
    assert sum(s["customers"] for s in out["rfm_segments"]) == 1500
    c = out["clusters"]
    assert c["k"] == 3 and c["method"] == "gmm" and c["features"] == ["recency_days", "orders"]
    assert len(c["sizes"]) == 3 and isinstance(c["silhouette"], float)
    assert set(c["sizes"][0]) >= {"cluster", "customers", "revenue", "recency", "frequency", "monetary"}


# ----- the demo company's planted truths ---------------------------------------------------------------------

def test_demo_behaviour_groups_are_recovered(demo_store, demo_company):
    """Truth 1: four behavioural groups. k-means at k = 4 on the default features (recency, orders, revenue,
    discount share; log, then standardised) over all dates recovers them (ARI >= 0.8), and so does the
    Gaussian mixture with its shared covariance (ARI >= 0.75; 0.82-0.87 measured over scales and seeds)."""
    truth = demo_company.truths.behaviour_group  # customer_id -> group, every customer with an order
    members = clustering.cluster_members(demo_store, Filters(), k=4)
    assert set(members["customer_id"]) == set(truth.index)
    ari = adjusted_rand_score(truth.loc[members["customer_id"]].to_numpy(), members["cluster"].to_numpy())
    assert ari >= 0.8, ari
    gmm = clustering.cluster_members(demo_store, Filters(), k=4, method="gmm")
    gmm_ari = adjusted_rand_score(truth.loc[gmm["customer_id"]].to_numpy(), gmm["cluster"].to_numpy())
    assert gmm_ari >= 0.75, gmm_ari
    # the VIPs are the cluster with the highest revenue per customer (cluster 1)
    top = members.loc[members["cluster"] == 1, "customer_id"]
    assert (truth.loc[top] == "vip").mean() > 0.8


def test_demo_rfm_names_the_groups(demo_store, demo_company):
    """RFM over all dates: VIPs (last order 2-25 days ago, 20-45 orders) are champions or loyal; dormant
    customers (one or two orders over 540 days ago) are lost or hibernating."""
    from salesdash.analysis import rfm

    truth = demo_company.truths.behaviour_group
    m = rfm.rfm_members(demo_store, Filters()).set_index("customer_id")
    group = truth.loc[m.index]
    assert m.loc[group == "vip", "segment"].isin(["champions", "loyal"]).mean() >= 0.95
    assert m.loc[group == "dormant", "segment"].isin(["lost", "hibernating"]).mean() >= 0.95
    assert (m.loc[group == "vip", "segment"] == "champions").mean() > 0.5
