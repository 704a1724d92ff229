"""Presale figures checked by hand on a tiny set of campaigns, and the planted truths recovered on the demo."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from salesdash.analysis import presale
from salesdash.filters import Filters
from salesdash.store import Store


def _tiny(path) -> Store:
    """Two finished campaigns of product p1; every figure below is worked out in the tests' comments."""
    store = Store(path)
    frames = {
        "products": pd.DataFrame({"product_id": ["p1"], "category": ["electronics"]}),
        "customers": pd.DataFrame({"customer_id": ["c1", "c2"], "region": ["east", "north"],
                                   "is_member": [True, False]}),
        "campaigns": pd.DataFrame({
            "campaign_id": ["K1", "K2"], "name": ["Spring presale", "Members week"],
            "type": ["online_presale", "member_only"], "product_id": ["p1", "p1"], "channel_id": ["d", "d"],
            "start_date": pd.to_datetime(["2025-03-01", "2025-04-01"]),
            "end_date": pd.to_datetime(["2025-03-05", "2025-04-03"]),
            "discount": [0.1, 0.2], "deposit": [10.0, 20.0], "budget": [100.0, 50.0],
            "target_segment": ["all_customers", "members"],
        }),
        "reservations": pd.DataFrame({
            "reservation_id": ["r1", "r2", "r3", "r4", "r5", "r6"],
            "campaign_id": ["K1", "K1", "K1", "K1", "K2", "K2"],
            "customer_id": ["c1", "c2", "c2", "c1", "c1", "c1"],
            # K1: two on day 0, one on day 2, one on day 4
            "reserved_at": pd.to_datetime(["2025-03-01 09:00", "2025-03-01 20:00", "2025-03-03 10:00",
                                           "2025-03-05 23:00", "2025-04-01 08:00", "2025-04-02 08:00"]),
            "deposit": [10.0, 10.0, 10.0, 10.0, 20.0, 20.0],
            "status": ["converted", "converted", "cancelled", "refunded", "converted", "converted"],
            "order_id": ["o1", "o2", None, None, "o3", "o4"],
        }),
        "orders": pd.DataFrame({
            "order_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
            "line": [1] * 6,
            "customer_id": ["c1", "c2", "c1", "c1", "c2", "c2"],
            "product_id": ["p1"] * 6,
            "channel_id": ["d"] * 6,
            # o2 carries no campaign: it counts for K1 through reservation r2
            "campaign_id": ["K1", None, "K2", "K2", None, None],
            "order_date": pd.to_datetime(["2025-03-06", "2025-03-08", "2025-04-05", "2025-04-05", "2025-02-25",
                                          "2025-05-31"]),
            "revenue": [300.0, 200.0, 100.0, 100.0, 100.0, 10.0],
        }),
        # K1 spent 150 against a budget of 100; K2 booked 20 of its budget of 50 as spend
        "marketing_spend": pd.DataFrame({"month": pd.to_datetime(["2025-03-01", "2025-04-01"]),
                                         "channel_id": ["d", "d"], "campaign_id": ["K1", "K2"],
                                         "spend": [150.0, 20.0]}),
    }
    store.replace_all(frames)
    return store


@pytest.fixture()
def tiny(tmp_path) -> Store:
    return _tiny(tmp_path / "presale.duckdb")


def test_campaign_results_by_hand(tiny):
    df = presale.campaign_results(tiny, Filters()).set_index("campaign_id")
    k1, k2 = df.loc["K1"], df.loc["K2"]
    assert k1["status"] == "finished" and k1["days"] == 5
    assert (k1["reservations"], k1["converted"], k1["cancelled"], k1["refunds"]) == (4, 2, 1, 1)
    assert k1["conversion_rate"] == pytest.approx(2 / 4) and k1["cancel_rate"] == pytest.approx(2 / 4)
    assert k1["revenue"] == 500.0  # o1 (tagged K1) + o2 (through reservation r2)
    assert k1["cost"] == 150.0  # budget 100 + the 50 spent beyond it
    assert k1["roi"] == pytest.approx((500 - 150) / 150)
    assert k2["revenue"] == 200.0 and k2["cost"] == 50.0 and k2["roi"] == pytest.approx(3.0)  # 20 is within budget
    assert k2["conversion_rate"] == 1.0
    # the window picks campaigns by start date; a region filter reaches reservations through the customer
    march = presale.campaign_results(tiny, Filters(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31),
                                                   regions=("east",)))
    assert list(march["campaign_id"]) == ["K1"] and march["reservations"].iloc[0] == 2  # r1, r4 (c1)
    assert march["revenue"].iloc[0] == 300.0


def test_type_comparison_and_summary_by_hand(tiny):
    types = presale.type_comparison(tiny, Filters())
    assert list(types["type"]) == ["member_only", "online_presale"]  # 2/2 converts better than 2/4
    lo, hi = types["conversion_low"].iloc[1], types["conversion_high"].iloc[1]
    assert lo < 0.5 < hi
    s = presale.summary(tiny, Filters())
    assert s.reservations == 6 and s.converted == 4 and s.conversion_rate == pytest.approx(4 / 6)
    assert s.roi == pytest.approx((700 - 200) / 200) and s.best_type == "member_only"
    js = s.to_json()
    k1 = next(c for c in js["campaigns"] if c["campaign_id"] == "K1")
    assert {"campaign_id", "type", "reservations", "converted", "conversion_rate", "refunds", "revenue", "cost",
            "roi"} <= set(k1)
    assert k1["refunds"] == 1 and isinstance(k1["reservations"], int)


def test_reservation_curve_by_hand(tiny):
    cur = presale.reservation_curves(tiny, Filters(), campaign_ids=("K1",))
    assert list(cur["reservations"]) == [2, 0, 1, 0, 1]
    assert list(cur["cumulative"]) == [2, 2, 3, 3, 4]
    assert cur["date"].iloc[0] == dt.date(2025, 3, 1)


def test_lift_by_hand(tiny):
    lift = presale.campaign_lift(tiny, Filters(), tail_days=14).set_index("campaign_id")
    k1 = lift.loc["K1"]
    # period 1-19 March (5 days + 14), baseline the 19 days before: 10-28 February
    assert k1["period_days"] == 19
    assert k1["sales"] == 500.0 and k1["baseline_sales"] == 100.0  # o1 + o2; o5 on 25 February
    assert k1["lift"] == pytest.approx((500 / 19) / (100 / 19) - 1)
    assert k1["lift_low"] < k1["lift"] < k1["lift_high"]
    assert math.isnan(k1["lift_vs_control"])  # all customers: no control group
    # K2 targets members: c1 bought nothing of p1 in the 17 days before 1 April -> no baseline, no lift
    assert lift.loc["K2", "sales"] == 200.0 and math.isnan(lift.loc["K2", "lift"])


def test_forecaster_by_hand():
    # Two past 4-day campaigns. A reaches 50% of its final count after day 1, B 25%.
    curves = pd.DataFrame({
        "campaign_id": ["A"] * 4 + ["B"] * 4, "day": [0, 1, 2, 3] * 2, "days": [4] * 8,
        "cumulative": [50, 75, 100, 100, 25, 50, 75, 100],
    })
    camps = pd.DataFrame({"campaign_id": ["A", "B"], "type": ["online_presale"] * 2})
    model = presale.ReservationForecaster(min_campaigns=2, level=0.9).fit(curves, camps)
    fc = model.predict(reservations_so_far=10, day=1, days=4, type="online_presale")
    # geometric mean share = sqrt(0.5 × 0.25) = 0.35355 -> 10 / 0.35355 = 28.28
    assert fc.enough and fc.predicted == pytest.approx(10 / math.sqrt(0.5 * 0.25), rel=1e-3)
    assert fc.lower < fc.predicted < fc.upper and fc.lower >= 10
    # halfway (day 2 of 4): shares 0.75 and 0.5
    assert model.predict(reservations_so_far=30, day=2, days=4).predicted == pytest.approx(
        30 / math.sqrt(0.75 * 0.5), rel=1e-3)
    lone = model.predict(reservations_so_far=10, day=1, days=4, exclude="A")
    assert not lone.enough and lone.predicted is None and "2" in lone.reason
    assert not model.predict(reservations_so_far=0, day=1, days=4).enough


# ----- the demo's planted truths -------------------------------------------------------------------------
def test_demo_best_converting_type(demo_store, demo_company):
    """Truth 7: member-only campaigns convert deposits best (0.80 against 0.52-0.62)."""
    truths = demo_company.truths
    types = presale.type_comparison(demo_store, Filters()).set_index("type")
    assert types.index[0] == truths.best_campaign_type
    for type_, planned in truths.conversion_by_type.items():
        assert types.loc[type_, "conversion_rate"] == pytest.approx(planned, abs=0.06), type_
    best = types.iloc[0]
    assert best["conversion_low"] > types.iloc[1]["conversion_high"]  # the intervals do not overlap
    js = presale.report_json(demo_store, Filters())
    assert js["best_converting_type"] == truths.best_campaign_type
    assert len(js["campaigns"]) == len(presale.campaign_results(demo_store, Filters()))
    first = js["campaigns"][0]
    assert {"campaign_id", "type", "reservations", "converted", "conversion_rate", "refunds", "revenue", "cost",
            "roi"} <= set(first)
    assert first["roi"] == pytest.approx((first["revenue"] - first["cost"]) / first["cost"])


def test_demo_curves_are_front_loaded_and_the_early_forecast_holds(demo_store):
    """Truth 7: reservations arrive front-loaded (about half in the first tenth of a campaign), which lets
    the first three days predict the final count: back-tested on every finished campaign."""
    curves = presale.reservation_curves(demo_store, Filters())
    finals = curves.groupby("campaign_id")["cumulative"].transform("max")
    tenth = curves[(curves["day"] + 1) == np.ceil(curves["days"] / 10)]
    share = (tenth["cumulative"] / finals[tenth.index]).median()
    assert 0.3 <= share <= 0.7
    bt = presale.forecast_backtest(demo_store, Filters(), day=3)
    assert len(bt) >= 20
    assert bt["covered"].mean() >= 0.75  # a 90% interval
    assert bt["error"].abs().median() <= 0.2


def test_demo_planner_uses_comparable_campaigns(demo_store, demo_company):
    est = presale.plan_campaign(demo_store, Filters(), product_id="P21", target_segment="members",
                                type="member_only", discount=0.2, start=dt.date(2027, 3, 1), end=dt.date(2027, 3, 8))
    assert est.enough and (est.comparables["type"] == "member_only").all()
    assert est.conversion_rate == pytest.approx(demo_company.truths.conversion_by_type["member_only"], abs=0.08)
    assert est.reservations_low <= est.reservations <= est.reservations_high
    assert est.roi_low <= est.roi <= est.roi_high


def test_demo_lift_is_positive_for_member_campaigns(demo_store):
    """Campaign orders come on top of the product's regular sales, so lift vs before is mostly positive."""
    lift = presale.campaign_lift(demo_store, Filters())
    assert len(lift) == len(presale.campaign_results(demo_store, Filters()))
    shown = lift.dropna(subset=["lift"])
    assert (shown["lift"] > 0).mean() >= 0.7
    assert (shown["lift_low"] <= shown["lift"]).all() and (shown["lift"] <= shown["lift_high"]).all()
    by_type = presale.lift_by_type(demo_store, Filters(), lift=lift)
    assert set(by_type["type"]) <= set(presale.CAMPAIGN_TYPES)
