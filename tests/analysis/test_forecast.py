"""Forecast figures checked by hand, the short-history answers, and the demo's seasonality beaten."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from salesdash.analysis import forecast as fc
from salesdash.filters import Filters
from salesdash.store import Store


def _monthly(values, start="2023-01-01") -> pd.DataFrame:
    return pd.DataFrame({"month": pd.date_range(start, periods=len(values), freq="MS"), "value": values})


def test_backtest_baselines_by_hand():
    # y = 100 + t over 30 months: two seasons, so seasonal candidates and the seasonal-naive baseline apply.
    y = 100.0 + np.arange(30)
    m = fc.MonthlyForecaster(horizon=3, origins=4, backtest_horizon=3, candidates=("ARIMA(1,1,0)",)).fit(_monthly(y))
    bt = m.backtest_
    assert m.seasonal_ and m.enough_ and bt.origins == 4 and bt.horizon == 3
    # origins o = 24..27, steps j = 0..2; naive repeats y[o-1], so it is off by j + 1; seasonal naive uses
    # y[o-12+j], off by 12 every time.
    cases = [(o, j) for o in range(24, 28) for j in range(3)]
    assert bt.naive_mape == pytest.approx(np.mean([(j + 1) / (100 + o + j) for o, j in cases]))
    assert bt.seasonal_naive_mape == pytest.approx(np.mean([12 / (100 + o + j) for o, j in cases]))
    # MASE scales by the in-sample seasonal-naive error, which is 12 on every training series
    assert bt.naive_mase == pytest.approx(np.mean([j + 1 for _, j in cases]) / 12)
    assert bt.seasonal_naive_mase == pytest.approx(1.0)
    # a straight line is easy for a trend model: it beats both baselines
    assert bt.model_mape < bt.naive_mape < bt.seasonal_naive_mape
    assert m.model_ == "ARIMA(1,1,0)" and list(bt.candidates["model"]) == ["ARIMA(1,1,0)"]


def test_forecast_frame_and_interval():
    rng = np.random.default_rng(3)
    t = np.arange(36)
    y = 1000 * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) * np.exp(rng.normal(0, 0.03, 36))
    m = fc.MonthlyForecaster(horizon=5, level=0.9, candidates=("SARIMA(0,1,1)(0,1,1)12",)).fit(_monthly(y))
    f = m.forecast_
    assert list(f.columns) == ["month", "value", "lower", "upper"] and len(f) == 5
    assert f["month"].iloc[0] == pd.Timestamp("2026-01-01")  # the month after the last one fitted
    assert (f["lower"] <= f["value"]).all() and (f["value"] <= f["upper"]).all() and (f["lower"] >= 0).all()


def test_too_short_says_what_is_needed():
    m = fc.MonthlyForecaster().fit(_monthly(np.arange(10.0) + 5))
    assert not m.enough_ and m.reason_ == "too_short" and m.model_ is None and m.forecast_.empty
    assert m.backtest_ is None


def test_under_two_seasons_falls_back_to_non_seasonal():
    m = fc.MonthlyForecaster(horizon=4).fit(_monthly(100 + np.arange(18.0)))
    assert m.enough_ and not m.seasonal_ and m.reason_ == "not_seasonal"
    assert m.model_ in fc.NONSEASONAL_CANDIDATES and len(m.forecast_) == 4
    assert set(m.backtest_.candidates["model"]) <= set(fc.NONSEASONAL_CANDIDATES)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="value"):
        fc.MonthlyForecaster().fit(pd.DataFrame({"month": []}))


# ---- from a store: the monthly series, the partial month, and the pipeline forecast ----------------------
def _tiny_store(path) -> Store:
    """Orders on the 10th of every month January 2023 - May 2025 (April 2024 has none) and one on 15 June
    2025; revenue of month k (0-based) is 1000 + 10 k. Closed deals fit the win rates; open deals are Q2's
    pipeline as of 30 June 2025."""
    store = Store(path)
    months = pd.date_range("2023-01-01", "2025-05-01", freq="MS") + pd.Timedelta(days=9)
    months = [m for m in months if m.strftime("%Y-%m") != "2024-04"]
    k = [(m.year - 2023) * 12 + m.month - 1 for m in months]
    orders = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(len(months))] + ["june"],
        "line": 1,
        "customer_id": "c1",
        "order_date": list(months) + [pd.Timestamp("2025-06-15")],
        "revenue": [1000.0 + 10 * i for i in k] + [77.0],
    })
    d = pd.to_datetime
    opps = pd.DataFrame({
        # closed: w1, w2 won; l1 lost at intent, l2 at prospect, l3 at engaged. Open at 30 June: o1 intent
        # (expected 30 June), o2 engaged (expected 10 June: already passed), o3 prospect (expected July: next
        # quarter).
        "opportunity_id": ["w1", "w2", "l1", "l2", "l3", "o1", "o2", "o3"],
        "created_at": d(["2025-01-05"] * 5 + ["2025-05-01"] * 3),
        "stage": ["won", "won", "intent", "prospect", "engaged", "intent", "engaged", "prospect"],
        "status": ["won", "won", "lost", "lost", "lost", "open", "open", "open"],
        "amount": [10.0, 10.0, 10.0, 10.0, 10.0, 1000.0, 600.0, 1000.0],
        "expected_close_date": d(["2025-02-01"] * 5 + ["2025-06-30", "2025-06-10", "2025-07-15"]),
        "closed_at": d(["2025-02-01"] * 5 + [None] * 3),
    })
    targets = pd.DataFrame({"rep_id": "r1", "month": d(["2025-04-01", "2025-05-01", "2025-06-01", "2025-07-01"]),
                            "target_amount": [1000.0, 1000.0, 1000.0, 5000.0]})
    store.replace_all({"customers": pd.DataFrame({"customer_id": ["c1"]}), "orders": orders,
                       "opportunities": opps, "targets": targets})
    return store


@pytest.fixture()
def tiny(tmp_path) -> Store:
    return _tiny_store(tmp_path / "fc.duckdb")


def test_monthly_history_fills_gaps_and_the_partial_month_is_left_out(tiny):
    f = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 15))  # the window's start does not cut history
    h = fc.monthly_history(tiny, f)
    assert h["month"].min() == pd.Timestamp("2023-01-01") and h["month"].max() == pd.Timestamp("2025-06-01")
    assert h.loc[h["month"] == pd.Timestamp("2024-04-01"), "value"].item() == 0.0
    assert h.loc[h["month"] == pd.Timestamp("2024-03-01"), "value"].item() == 1000.0 + 10 * 14
    r = fc.forecast(tiny, f, horizon=3)
    # January 2023 - May 2025 = 29 complete months; June is partial (data up to the 15th) and forecast instead
    assert r.partial_month == dt.date(2025, 6, 1) and r.partial_value == 77.0 and r.months == 29
    assert r.enough and r.seasonal and r.forecast["month"].iloc[0] == pd.Timestamp("2025-06-01")
    js = r.to_json()
    assert js["excluded_partial_month"] == "2025-06-01" and len(js["forecast"]) == 3
    assert set(js["forecast"][0]) == {"month", "value", "lower", "upper"}
    assert set(js["backtest"]) >= {"model_mape", "naive_mape", "seasonal_naive_mape"}


def test_a_window_ending_on_a_month_end_keeps_that_month(tiny):
    r = fc.forecast(tiny, Filters(end=dt.date(2025, 5, 31)), horizon=2)
    assert r.partial_month is None and r.months == 29


def test_a_short_window_says_so_in_the_report(tiny):
    js = fc.report_json(tiny, Filters(end=dt.date(2023, 9, 30)), None)  # 9 months of history
    assert js["model"] is None and js["forecast"] == [] and js["backtest"] is None
    assert "12" in js["reason"] and "9" in js["reason"]


def test_stage_win_rates_by_hand(tiny):
    rates = fc.stage_win_rates(tiny, Filters(end=dt.date(2025, 6, 30)))
    # reached prospect: all 5 closed (2 won); intent: w1 w2 l1 l3 (2 won); engaged: w1 w2 l3 (2 won)
    assert rates.rate("prospect") == pytest.approx(2 / 5)
    assert rates.rate("intent") == pytest.approx(2 / 4)
    assert rates.rate("engaged") == pytest.approx(2 / 3)
    assert rates.closed == 5


def test_pipeline_forecast_by_hand(tiny):
    p = fc.pipeline_forecast(tiny, Filters(end=dt.date(2025, 6, 30)))
    assert (p.quarter_start, p.quarter_end) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    # booked in Q2: April 1000 + 10*27, May 1000 + 10*28, 15 June 77
    assert p.booked == pytest.approx(1270 + 1280 + 77)
    # o1: 1000 x 1/2; o2: 600 x 2/3 (its date passed, still counted); o3 closes next quarter
    assert p.weighted_pipeline == pytest.approx(500 + 400)
    assert set(p.deals["opportunity_id"]) == {"o1", "o2"}
    assert p.deals.set_index("opportunity_id").loc["o2", "overdue"]
    assert p.forecast == pytest.approx(2627 + 900)
    assert p.target == 3000.0 and p.gap == pytest.approx(3000 - 3527)
    # both have P(won) >= 50%: commit = booked + 1600; nothing else
    assert p.commit == pytest.approx(2627 + 1600) == pytest.approx(p.best_case) == pytest.approx(p.pipeline)


def test_report_rejects_a_bad_horizon(tiny):
    from types import SimpleNamespace

    from salesdash.cli import CliError

    with pytest.raises(CliError, match="horizon"):
        fc.report_json(tiny, Filters(), SimpleNamespace(horizon=0, measure="revenue"))


# ---- the demo: its seasonality is learned -----------------------------------------------------------------
def test_demo_forecast_beats_seasonal_naive(demo_store, demo_company):
    r = fc.forecast(demo_store, Filters(), horizon=6)
    today = demo_company.truths.today
    # the demo's history is 36 calendar months ending today: the current month is partial and left out
    assert r.partial_month == today.replace(day=1) and r.months == 35
    assert r.enough and r.seasonal and r.model in fc.SEASONAL_CANDIDATES
    assert r.backtest.model_mape < r.backtest.seasonal_naive_mape
    # December is the planted peak (about 1.6x an average month): the forecast puts it above its neighbours
    f = r.forecast.set_index("month")["value"]
    dec = f[pd.Timestamp(today.year, 12, 1)]
    assert dec > f[pd.Timestamp(today.year + 1, 1, 1)] and dec > f[pd.Timestamp(today.year, 11, 1)]


def test_demo_pipeline_forecast(demo_store):
    p = fc.pipeline_forecast(demo_store, Filters())
    assert p.enough and p.quarter_start <= p.as_of <= p.quarter_end
    rates = [p.win_rates.rate(s) for s in ("prospect", "intent", "engaged")]
    assert rates == sorted(rates) and all(0 < r < 1 for r in rates)  # later stages win more often
    assert p.forecast == pytest.approx(p.booked + p.weighted_pipeline + p.run_rate)
    assert p.commit <= p.best_case <= p.pipeline


def test_pipeline_forecast_adds_the_run_rate_business_by_hand(tiny):
    import dataclasses

    f = Filters(end=dt.date(2025, 6, 15))
    made = fc.forecast(tiny, f, horizon=3)
    monthly = dataclasses.replace(made, forecast=pd.DataFrame({
        "month": pd.to_datetime(["2025-06-01", "2025-07-01"]), "value": [3000.0, 5000.0],
        "lower": [0.0, 0.0], "upper": [1e9, 1e9]}))
    p = fc.pipeline_forecast(tiny, f, monthly=monthly)
    # won in the year to 15 June 2025: w1 + w2 = 20; order revenue then: July 2024 - May 2025
    # (k = 18..28: 11 x 1000 + 10 x 253) + 77 on 15 June
    share = 20 / (11_000 + 2_530 + 77)
    assert p.deal_share == pytest.approx(share)
    # the rest of the quarter is 16-30 June: 15 of June's 30 days of the monthly forecast
    assert p.run_rate_basis == "forecast" and p.run_rate == pytest.approx((1 - share) * 3000 * 15 / 30)
    assert p.forecast == pytest.approx(p.booked + 900 + p.run_rate)
    # without a usable monthly forecast: the last 90 days' daily revenue (10 April, 10 May, 15 June)
    short = fc.pipeline_forecast(tiny, f, monthly=dataclasses.replace(made, enough=False))
    assert short.run_rate_basis == "trailing_90_days"
    assert short.run_rate == pytest.approx((1 - share) * (1270 + 1280 + 77) / 90 * 15)


def test_demo_quarter_forecast_lands_near_what_the_quarter_brought(demo_store):
    """Standing on 15 August, Q3's forecast is close to Q3's actual revenue; booked revenue and the
    weighted pipeline alone fall far short, because most demo revenue never passes through deals."""
    p = fc.pipeline_forecast(demo_store, Filters(end=dt.date(2026, 8, 15)))
    o = demo_store.table("orders")
    actual = demo_store.execute(o.filter(o.order_date >= p.quarter_start, o.order_date <= p.quarter_end)
                                .revenue.sum())
    assert p.run_rate_basis == "forecast" and 0.05 < p.deal_share < 0.3
    assert abs(p.forecast / actual - 1) < 0.1
    assert (p.booked + p.weighted_pipeline) / actual < 0.7
