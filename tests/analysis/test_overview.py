"""Overview figures checked by hand on a tiny company, and the planted truths recovered on the demo."""

from __future__ import annotations

import datetime as dt

import pytest

from salesdash.analysis import overview
from salesdash.filters import Filters
from salesdash.store import Store
from tests.tiny_company import build_tiny


@pytest.fixture()
def tiny(tmp_path) -> Store:
    return build_tiny(tmp_path / "tiny.duckdb")


MARCH = Filters(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))


def test_kpis_by_hand(tiny):
    k = overview.kpis(tiny, MARCH)
    assert k.revenue == 500.0  # 100 + 50 + 200 + 150
    assert k.gross_profit == 500.0 - 330.0
    assert k.gross_margin == pytest.approx(170 / 500)
    assert k.orders == 3 and k.customers == 3
    assert (k.won, k.lost) == (2, 1) and k.win_rate == pytest.approx(2 / 3)
    assert k.pipeline_value == 1000 + 500 + 700  # open1, open2 and "late" (closed in April)
    assert k.revenue_target == 620.0
    assert k.quota_attainment == pytest.approx(300 / 620)  # o2 has no rep
    assert k.nps == pytest.approx(100 * (5 - 4) / 12) and k.nps_responses == 12
    assert k.market_share == pytest.approx(500 / 3000)
    # April + May targets (June has none) × the share of the year's revenue won through deals: w1 + w2 won
    # 300 of the 580 of orders up to 31 March ("late" is won in April)
    assert k.pipeline_coverage == pytest.approx(2200 / (400 * 300 / 580))


def test_region_filter_reaches_orders_targets_and_market(tiny):
    k = overview.kpis(tiny, Filters(start=MARCH.start, end=MARCH.end, regions=("north",)))
    assert k.revenue == 150.0
    assert k.revenue_target == 310.0  # r2 works in the north
    assert k.market_share == pytest.approx(150 / 1000)
    assert k.pipeline_value == 500.0


def test_previous_window_and_growth(tiny):
    s = overview.summary(tiny, MARCH)
    assert s.previous.revenue == 80.0  # previous window: the 31 days before 1 March
    assert s.revenue_growth == pytest.approx((500 - 80) / 80)
    assert s.year_before.revenue == 0.0 and s.revenue_yoy is None
    js = s.to_json()
    assert js["revenue"] == 500.0 and js["previous"]["revenue"] == 80.0 and js["start"] == "2025-03-01"


def test_nps_needs_enough_responses(tiny):
    k = overview.kpis(tiny, Filters(start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 28)))
    assert k.nps is None and k.nps_responses == 0
    assert k.market_share is None  # no market data for February


def test_partial_month_target_is_pro_rata(tiny):
    k = overview.kpis(tiny, Filters(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 10)))
    assert k.revenue_target == pytest.approx(620 * 10 / 31)
    assert k.market_share is None  # no whole month inside the window


def test_empty_window_is_an_answer(tiny):
    k = overview.kpis(tiny, Filters(start=dt.date(2030, 1, 1), end=dt.date(2030, 1, 31)))
    assert k.revenue == 0 and k.orders == 0 and k.gross_margin is None and k.win_rate is None


def test_breakdowns(tiny):
    by_region = overview.revenue_by(tiny, MARCH, by="region")
    assert list(by_region["key"]) == ["east", "north"] and list(by_region["revenue"]) == [350.0, 150.0]
    by_channel = overview.revenue_by(tiny, MARCH, by="channel")
    assert by_channel.set_index("key").loc["p", "kind"] == "indirect"
    assert by_channel.set_index("key").loc["d", "gross_margin"] == pytest.approx((300 - 180) / 300)
    trend = overview.revenue_trend(tiny, Filters())
    assert list(trend["revenue"]) == [80.0, 500.0] and trend["target"].iloc[1] == 620.0
