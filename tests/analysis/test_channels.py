"""Channel figures checked by hand on a small company, and the planted truth recovered on the demo."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from salesdash.analysis import channels, overview
from salesdash.filters import Filters
from salesdash.store import Store


def _ts(*days: str | None) -> pd.Series:
    return pd.to_datetime(list(days))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Store:
    """Four channels, two of them one partner's; window under test: March 2025 (see the comments)."""
    store = Store(tmp_path_factory.mktemp("channels") / "small.duckdb")
    store.replace_all({
        "customers": pd.DataFrame({
            "customer_id": ["c1", "c2", "c3", "c4"], "region": ["east", "east", "north", "north"],
            # c4 first buys through the mall but was won by the own store
            "acquisition_channel_id": [None, None, None, "d"],
        }),
        "channels": pd.DataFrame({
            "channel_id": ["d", "p1", "p2", "m"], "name": ["Own store", "Acme wholesale", "Acme online", "Mall"],
            "kind": ["direct", "indirect", "indirect", "indirect"],
            "type": ["own_store", "distributor", "marketplace", "marketplace"],
            "partner_name": [None, "Acme", "Acme", None],
        }),
        "campaigns": pd.DataFrame({"campaign_id": ["k1"], "channel_id": ["p1"]}),
        "marketing_spend": pd.DataFrame({
            "month": _ts("2025-02-01", "2025-03-01", "2025-03-01"),
            "channel_id": ["d", "d", None], "campaign_id": [None, None, "k1"],
            "spend": [500.0, 100.0, 60.0],
        }),
        "orders": pd.DataFrame({
            "order_id": [f"o{i}" for i in range(1, 8)],
            "line": [1] * 7,
            "customer_id": ["c1", "c3", "c1", "c2", "c3", "c3", "c4"],
            "channel_id": ["d", "p1", "d", "d", "p1", "p2", "m"],
            "order_date": _ts("2025-02-10", "2025-02-15", "2025-03-02", "2025-03-08", "2025-03-05", "2025-03-05",
                              "2025-03-20"),
            "revenue": [80.0, 100.0, 100.0, 200.0, 300.0, 100.0, 50.0],
            "cost": [40.0, 80.0, 60.0, 100.0, 240.0, 70.0, 25.0],
        }),
        "opportunities": pd.DataFrame({
            "opportunity_id": ["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "b5", "m1"],
            "channel_id": ["d"] * 5 + ["p1"] * 5 + ["m"],
            "created_at": _ts("2025-03-01", "2025-02-01", "2025-03-02", "2025-03-03", "2025-03-05",
                              *["2025-03-01"] * 5, "2025-02-20"),
            "closed_at": _ts("2025-03-11", "2025-03-03", "2025-03-10", "2025-03-12", None,
                             *["2025-03-21"] * 4, "2025-03-06", "2025-03-02"),
            "stage": ["won", "won", "intent", "engaged", "prospect", "won", "won", "won", "won", "prospect",
                      "intent"],
            "status": ["won", "won", "lost", "lost", "open", "won", "won", "won", "won", "lost", "lost"],
            "amount": [100.0, 300.0, 50.0, 50.0, 10.0, 10.0, 20.0, 30.0, 40.0, 5.0, 7.0],
        }),
    })
    return store


MARCH = Filters(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))


def test_channel_figures_by_hand(small):
    t = channels.channel_table(small, MARCH).set_index("channel_id")
    d, p1, p2, m = t.loc["d"], t.loc["p1"], t.loc["p2"], t.loc["m"]
    # March orders: d 100 + 200 (cost 60 + 100), p1 300 (240), p2 100 (70), m 50 (25); 750 in all
    assert (d["revenue"], d["gross_profit"], d["orders"], d["customers"]) == (300.0, 140.0, 2, 2)
    assert d["gross_margin"] == pytest.approx(140 / 300) and p1["gross_margin"] == pytest.approx(60 / 300)
    assert d["revenue_share"] == pytest.approx(300 / 750)
    # previous window (29 Jan - 28 Feb): d 80, p1 100, nothing for p2
    assert d["growth"] == pytest.approx((300 - 80) / 80) and p1["growth"] == pytest.approx(2.0)
    assert math.isnan(p2["growth"])
    # deals closed in March: d won a1, a2 and lost a3, a4; p1 won b1-b4, lost b5; the mall lost m1
    assert (d["won"], d["lost"], d["conversion"]) == (2, 2, 0.5)
    assert (p1["won"], p1["lost"], p1["conversion"]) == (4, 1, pytest.approx(0.8))
    assert (m["won"], m["lost"], m["conversion"]) == (0, 1, 0.0)
    # created in March: a1, a3, a4, a5 (a2 is February's); b1-b5; m1 is February's
    assert (d["opportunities"], p1["opportunities"], m["opportunities"]) == (4, 5, 0)
    # cycle of the deals won: a1 10 days, a2 30 days -> median 20; b1-b4 20 days
    assert d["cycle_days"] == pytest.approx(20.0) and p1["cycle_days"] == pytest.approx(20.0)
    assert d["won_amount"] == 400.0
    assert t["revenue"].sum() == overview.kpis(small, MARCH).revenue


def test_kinds_count_a_customer_once(small):
    k = channels.kind_table(small, MARCH).set_index("kind")
    # indirect: p1 + p2 + m = 450; customers c3 (through p1 and p2) and c4 -> 2, not 3
    assert k.loc["indirect", "revenue"] == 450.0 and k.loc["indirect", "customers"] == 2
    assert k.loc["direct", "conversion"] == 0.5
    assert k.loc["indirect", "conversion"] == pytest.approx(4 / 6)  # p1 4 of 5, m 0 of 1


def test_best_converter_and_summary(small):
    s = channels.summary(small, MARCH, min_closed=3)
    # p1 converts 0.8; the others pooled: d 2 won of 4, m 0 of 1 -> 2/5 = 0.4; lift 2.0
    assert s.best_channel == "p1" and s.best_conversion == pytest.approx(0.8)
    assert s.conversion_lift == pytest.approx(2.0)
    assert s.conversion == pytest.approx(6 / 10)
    assert s.direct_share == pytest.approx(300 / 750)
    # a channel needs min_closed deals to compete: with 6 nobody qualifies
    assert channels.summary(small, MARCH, min_closed=6).best_channel is None
    js = s.to_json()
    row = next(c for c in js["channels"] if c["channel"] == "p1")
    assert row["kind"] == "indirect" and row["revenue"] == 300.0 and row["conversion"] == pytest.approx(0.8)
    assert {"channel", "kind", "revenue", "gross_margin", "orders", "customers", "opportunities", "won",
            "conversion"} <= set(row)


def test_mix_and_partners(small):
    mix = channels.mix_over_time(small, Filters(), by="kind")
    march = mix[mix["month"] == "2025-03-01"].set_index("key")
    assert march.loc["direct", "share"] == pytest.approx(300 / 750)
    feb = mix[mix["month"] == "2025-02-01"].set_index("key")
    assert feb.loc["indirect", "share"] == pytest.approx(100 / 180)
    board = channels.partner_leaderboard(small, MARCH)
    # Acme = p1 300 + p2 100 (one customer, c3); the mall has no partner name: its channel name stands in
    assert list(board["partner"]) == ["Acme", "Mall"] and list(board["rank"]) == [1, 2]
    acme = board.iloc[0]
    assert (acme["revenue"], acme["channels"], acme["customers"]) == (400.0, 2, 1)
    assert acme["growth"] == pytest.approx((400 - 100) / 100)


def test_funnel_by_channel(small):
    f = channels.funnel_by_channel(small, MARCH)
    d = f[f["channel_id"] == "d"].set_index("stage")
    # created in March through d: a1 (won), a3 (intent), a4 (engaged), a5 (prospect)
    assert list(d["reached"]) == [4, 3, 2, 1]
    assert list(d["of_created"]) == [1.0, 0.75, 0.5, 0.25]
    assert d.loc["engaged", "step_conversion"] == pytest.approx(2 / 3)
    p1 = f[f["channel_id"] == "p1"].set_index("stage")
    assert list(p1["reached"]) == [5, 4, 4, 4]


def test_acquisition_cost_and_roi(small):
    a = channels.acquisition(small, MARCH).set_index("channel_id")
    # new in March: c2 (first order through d) and c4 (won by d, first bought at the mall); c1, c3 bought in Feb
    assert a.loc["d", "new_customers"] == 2 and a.loc["m", "new_customers"] == 0
    # spend of March: d 100; the campaign's 60 goes to its channel p1 (February's 500 is outside)
    assert a.loc["d", "spend"] == 100.0 and a.loc["p1", "spend"] == 60.0
    assert a.loc["d", "cac"] == 50.0 and math.isnan(a.loc["p1", "cac"])
    assert a.loc["d", "first_order_value"] == pytest.approx((200 + 50) / 2)
    assert a.loc["d", "roi"] == pytest.approx((140 - 100) / 100) and a.loc["p1", "roi"] == pytest.approx(0.0)
    s = channels.summary(small, MARCH)
    assert s.spend == 160.0 and s.new_customers == 2 and s.cac == 80.0
    assert s.marketing_roi == pytest.approx((140 + 60 - 160) / 160)


def test_value_later_counts_only_mature_customers(small):
    feb = Filters(start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 28))
    a = channels.acquisition(small, feb, value_days=30).set_index("channel_id")
    # last order 20 March; mature = first order on or before 18 February: c1 (10 Feb, d), c3 (15 Feb, p1)
    # c1 within 30 days of 10 Feb: 80 + 100 (2 March); c3 within 30 days of 15 Feb: 100 + 300 + 100
    assert a.loc["d", "mature_customers"] == 1 and a.loc["d", "value_later"] == 180.0
    assert a.loc["p1", "value_later"] == 500.0
    assert math.isnan(channels.acquisition(small, feb).set_index("channel_id").loc["d", "value_later"])


def test_channel_filter_and_empty_window(small):
    only = channels.channel_table(small, Filters(start=MARCH.start, end=MARCH.end, channels=("p1",)))
    assert list(only["channel_id"]) == ["p1"]
    s = channels.summary(small, Filters(start=dt.date(2030, 1, 1), end=dt.date(2030, 1, 31)))
    assert s.revenue == 0 and s.channels == () and s.conversion is None and s.cac is None


# ----- the demo's planted truth -----------------------------------------------------------------------------

def test_demo_fast_channel_converts_about_twice(demo_company, demo_store):
    truths = demo_company.truths
    s = channels.summary(demo_store, Filters(start=truths.history_start, end=truths.today))
    assert s.best_channel == truths.fast_channel_id
    # about twice all the other channels together, and about twice the slow channel
    assert 1.6 <= s.conversion_lift <= 2.5
    by_id = {c.channel: c for c in s.channels}
    assert 1.6 <= by_id[truths.fast_channel_id].conversion / by_id[truths.slow_channel_id].conversion <= 2.5
    kinds = {k.kind: k for k in s.kinds}
    assert kinds["direct"].revenue + kinds["indirect"].revenue == pytest.approx(s.revenue)
