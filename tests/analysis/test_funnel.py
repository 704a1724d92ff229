"""Funnel figures checked by hand on a tiny company (tests/analysis/funnel_fixture.py), and the demo's
planted truths recovered by the funnel analysis."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from salesdash.analysis import funnel as F
from salesdash.filters import Filters
from tests.analysis.funnel_fixture import build_funnel_company, build_waterfall_company

Q1 = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_funnel_company(tmp_path_factory.mktemp("funnel") / "f.duckdb")


def test_funnel_by_count_by_hand(tiny):
    fun = F.stage_funnel(tiny, Q1)
    # reached: prospect all 8; intent d1 d2 d3 d4 d6 d7 = 6; engaged d1 d2 d3 d7 = 4; won d1 d2 = 2
    assert list(fun["reached"]) == [8, 6, 4, 2]
    assert fun["conversion_from_previous"].tolist()[1:] == pytest.approx([6 / 8, 4 / 6, 2 / 4])
    assert fun["conversion_from_first"].tolist() == pytest.approx([1, 6 / 8, 4 / 8, 2 / 8])
    assert list(fun["drop_off"]) == [0, 2, 2, 2]
    # Wilson 95% for 6/8: (p + z²/2n ± z√(p(1-p)/n + z²/4n²)) / (1 + z²/n), z = 1.96
    z, n, p = 1.959964, 8, 0.75
    centre, half = (p + z * z / (2 * n)), z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lo, hi = (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)
    assert fun["conversion_from_previous_low"][1] == pytest.approx(lo, abs=1e-6)
    assert fun["conversion_from_previous_high"][1] == pytest.approx(hi, abs=1e-6)
    assert np.isnan(fun["conversion_from_first_low"][0])  # the first stage is 1 by definition


def test_funnel_by_value_by_hand(tiny):
    fun = F.stage_funnel(tiny, Q1, measure="value")
    # prospect 100+...+800 = 3600; intent 100+200+300+400+600+700 = 2300; engaged 100+200+300+700 = 1300; won 300
    assert list(fun["amount"]) == [3600, 2300, 1300, 300]
    assert fun["conversion_from_previous"][3] == pytest.approx(300 / 1300)
    assert fun["conversion_from_first"][2] == pytest.approx(1300 / 3600)
    lo, hi = fun["conversion_from_previous_low"][3], fun["conversion_from_previous_high"][3]
    assert 0 <= lo < 300 / 1300 < hi <= 1


def test_summary_and_groups_by_hand(tiny):
    s = F.summary(tiny, Q1, by="channel")
    tot = s.total
    assert (tot.created, tot.won, tot.lost, tot.open) == (8, 2, 3, 3)
    assert tot.win_rate == pytest.approx(2 / 5)
    assert tot.median_cycle_days == pytest.approx(45)  # d1 30 days, d2 60 days
    assert tot.avg_deal_size == pytest.approx(150)  # (100 + 200) / 2
    # open at 2025-03-31: d8 prospect 800, d6 intent 600, d7 engaged 700; history P(win | reached):
    # prospect 2/5, intent 2/4 (d1 d2 d3 d4), engaged 2/3 (d1 d2 d3)
    assert s.pipeline_value == pytest.approx(2100)
    assert s.weighted_pipeline == pytest.approx(800 * 2 / 5 + 600 * 2 / 4 + 700 * 2 / 3)
    groups = {g.group: g for g in s.groups}
    a, b = groups["a"], groups["b"]  # a: d1 d2 d3 d7; b: d4 d5 d6 d8
    assert [st.reached for st in a.stages] == [4, 4, 4, 2]
    assert [st.reached for st in b.stages] == [4, 2, 0, 0]
    assert (a.won, a.lost, b.won, b.lost) == (2, 1, 0, 2)
    assert b.stages[3].conversion_from_previous is None  # 0 reached engaged: no rate, not 0
    js = s.to_json()
    assert js["win_rate"] == pytest.approx(0.4) and js["stages"][1]["reached"] == 6
    assert {g["group"] for g in js["groups"]} == {"a", "b"}


def test_velocity_and_stale_by_hand(tiny):
    v = F.velocity(tiny, Q1)
    stg = v.stages.set_index("stage")
    # days to the next stage; deals lost in a stage are left out (d5, d4, d3), deals sitting there now are
    # counted as in_stage_now.
    # prospect: d1 5, d2 10, d3 10, d4 10, d6 5, d7 5 -> sorted 5 5 5 10 10 10: median 7.5; d8 still there
    assert stg.loc["prospect", "completed"] == 6 and stg.loc["prospect", "median_days"] == pytest.approx(7.5)
    assert stg.loc["prospect", "in_stage_now"] == 1
    # intent: d7 5, d1 10, d3 10, d2 20 -> median 10; p90 at position 0.9 * 3 = 2.7: 10 + 0.7 * 10 = 17
    assert stg.loc["intent", "median_days"] == pytest.approx(10) and stg.loc["intent", "p90_days"] == pytest.approx(17)
    # engaged: d1 15, d2 30 -> median 22.5; p90 = 15 + 0.9 * 15 = 28.5
    assert stg.loc["engaged", "median_days"] == pytest.approx(22.5)
    assert stg.loc["engaged", "p90_days"] == pytest.approx(28.5)
    assert v.cycle_median_days == pytest.approx(45)
    stale = F.stale_deals(tiny, Q1)
    # d6 in intent since 03-06: 26 days > 17; d8 in prospect since 03-20: 12 > 10; d7 engaged 17 < 28.5
    assert list(stale["opportunity_id"]) == ["d6", "d8"]
    assert stale["days_over"].tolist() == pytest.approx([9, 2])
    assert stale["overdue"].tolist() == [False, True]  # d8 was expected to close on 03-25


def test_cohorts_hide_what_a_young_cohort_has_not_had_time_for(tiny):
    c = F.cohort_conversion(tiny, Q1, max_months=3).set_index(["cohort", "months_since"])
    jan, mar = np.datetime64("2025-01-01"), np.datetime64("2025-03-01")
    # January (d1 d2 d3): d1 won in February (month 1), d2 in March (month 2)
    assert c.loc[(jan, 0), "rate"] == 0 and c.loc[(jan, 1), "rate"] == pytest.approx(1 / 3)
    assert c.loc[(jan, 2), "rate"] == pytest.approx(2 / 3)
    assert np.isnan(c.loc[(jan, 3), "rate"])  # April has not happened by 2025-03-31
    assert c.loc[(mar, 0), "observable"] and not c.loc[(mar, 1), "observable"]


def test_lost_reasons_pareto(tiny):
    lr = F.lost_reasons(tiny, Q1)
    assert list(lr["lost_reason"]) == ["price", "timing"]
    assert list(lr["deals"]) == [2, 1] and list(lr["value"]) == [700, 500]  # price: d3 300 + d4 400
    assert lr["cumulative_share"].tolist() == pytest.approx([2 / 3, 1])


def test_pipeline_by_stage_and_close_month(tiny):
    p = F.pipeline_by_stage(tiny, Q1).set_index("stage")
    assert p["value"].tolist() == [800, 600, 700]
    assert p["win_probability"].tolist() == pytest.approx([2 / 5, 2 / 4, 2 / 3])
    assert p["crm_weighted_value"].tolist() == pytest.approx([800 * 0.1, 600 * 0.3, 700 * 0.6])
    m = F.pipeline_by_close_month(tiny, Q1)
    assert [str(x)[:7] for x in m["month"]] == ["2025-03", "2025-04", "2025-05"]
    # as of mid-February the pipeline is d2 (engaged since 02-09), d4 (intent since 02-11), d5 (prospect)
    feb = F.pipeline_by_stage(tiny, Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 15))).set_index("stage")
    assert feb["value"].tolist() == [500, 400, 200]


def test_stage_deals_lists_the_deals_behind_a_bar(tiny):
    d = F.stage_deals(tiny, Q1, stage="engaged")
    assert list(d["opportunity_id"]) == ["d7", "d3", "d2", "d1"]  # largest first
    assert d["rep"].tolist()[0] == "Li" and d["channel"].tolist()[0] == "Channel A"
    stopped = F.stage_deals(tiny, Q1, stage="intent", only_stopped=True)
    assert sorted(stopped["opportunity_id"]) == ["d4", "d6"]


def test_waterfall_reconstructed_by_hand(tiny):
    w = F.pipeline_waterfall(tiny, Q1, start_date=dt.date(2025, 2, 15), end_date=dt.date(2025, 3, 31))
    steps = dict(zip(w.steps["step"], w.steps["value"]))
    assert w.source == "reconstructed"
    # open at 02-15: d2 200, d4 400, d5 500; created after: d6 d7 d8; d2 won, d4 d5 lost
    assert steps["start"] == 1100 and steps["new"] == 2100
    assert steps["won"] == -200 and steps["lost"] == -900 and steps["end"] == 2100
    assert sum(v for k, v in steps.items() if k not in ("start", "end")) + steps["start"] == steps["end"]


def test_waterfall_from_snapshots_by_hand(tmp_path):
    store = build_waterfall_company(tmp_path / "w.duckdb")
    w = F.pipeline_waterfall(store, Filters(), start_date=dt.date(2025, 2, 28), end_date=dt.date(2025, 3, 31),
                             close_by=dt.date(2025, 3, 31))
    steps = dict(zip(w.steps["step"], w.steps["value"]))
    assert w.source == "snapshots"
    assert steps == pytest.approx({
        "start": 1300,  # w1 100 + w2 200 + w3 300 + w7 700 (w4 expected in June: outside)
        "new": 1100,  # w5 500 + w6 600
        "pulled_in": 400,  # w4 moved to 03-30
        "increased": 50,  # w1 100 -> 150
        "decreased": -20,  # w2 200 -> won at 180
        "won": -180,
        "lost": -1300,  # w6 600 + w7 700
        "pushed_out": -300,  # w3 moved to May
        "end": 1050,  # w1 150 + w4 400 + w5 500
    })
    assert sum(steps.values()) - steps["end"] == pytest.approx(steps["end"])


def test_two_proportion_test_in_words():
    sig = F.test_two_proportions(60, 100, 30, 100)
    assert sig.verdict == "significant" and sig.p_value < 0.001
    close = F.test_two_proportions(33, 100, 30, 100)
    assert close.verdict == "not_significant" and close.more_needed > 1000  # 33% vs 30% needs thousands
    few = F.test_two_proportions(2, 3, 0, 2)
    assert few.verdict == "too_few" and few.p_value is None


def test_compare_groups_says_too_few_on_a_tiny_fixture(tiny):
    c = F.compare_groups(tiny, Q1, by="channel")
    # a: 2 won of 3 closed; b: 0 of 2 -> expected counts below 5
    assert c.overall.verdict == "too_few"
    t = c.table.set_index("group")
    assert t.loc["a", "rate"] == pytest.approx(2 / 3) and t.loc["b", "trials"] == 2


def test_what_if_by_hand(tiny):
    # as of 2025-02-28 (quarter 2025-01-01..03-31, 31 days left): closed history d1 (won), d3 (lost), d5 (lost)
    f = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 28))
    base = F.what_if_base(tiny, f)
    assert base.won_so_far == 100  # d1 won 02-04
    # conversions: reached prospect 3, intent 2 (d1 d3), engaged 2, won 1
    assert base.conversion == pytest.approx((2 / 3, 1.0, 0.5))
    assert not base.enough  # one won deal is not a history
    r = F.what_if(base)
    assert r.baseline >= r.won_so_far
    up = F.what_if(base, conversion_change=(0, 0, 0.5))
    assert up.scenario >= r.baseline


def test_coverage_plan_by_hand(tiny):
    cov = F.coverage_plan(tiny, Q1).set_index("group")
    # r1: Q1 target 600, order revenue booked in Q1 250; 12-month win rate: d1 d2 won, d5 lost -> 2/3
    assert cov.loc["r1", "target"] == 600 and cov.loc["r1", "closed"] == 250
    assert cov.loc["r1", "pipeline_needed"] == pytest.approx((600 - 250) / (2 / 3))
    assert cov.loc["r1", "open_pipeline"] == 1500  # d7 700 + d8 800
    # r2 lost everything: a win rate of 0 cannot size a pipeline
    assert np.isnan(cov.loc["r2", "pipeline_needed"])


def test_report_json_contract(tiny):
    class Args:
        by = "team"
    js = F.report_json(tiny, Q1, Args())
    for key in ("stages", "won", "lost", "open", "win_rate", "median_cycle_days", "groups"):
        assert key in js
    assert [s["stage"] for s in js["stages"]] == ["prospect", "intent", "engaged", "won"]
    assert set(js["stages"][0]) >= {"stage", "reached", "conversion_from_previous", "conversion_from_first"}
    assert {g["group"] for g in js["groups"]} == {"A", "B"}


def test_cli_report(tmp_path, capsys):
    from salesdash.__main__ import main

    store = build_funnel_company(tmp_path / "cli.duckdb")
    url = store.url
    store.close()  # the command opens the file itself
    code = main(["report", "funnel", "--db", url, "--start", "2025-01-01", "--end", "2025-03-31", "--by", "channel"])
    assert code == 0
    js = json.loads(capsys.readouterr().out)
    assert js["won"] == 2 and js["win_rate"] == pytest.approx(0.4)
    assert [g["group"] for g in js["groups"]] == ["a", "b"] and js["stages"][3]["reached"] == 2


# ---------------------------------------------------------------------------------------------------------
# the demo's planted truths (salesdash/demo/truths.py), recovered by the funnel analysis

ALL = Filters()


def test_demo_partner_channel_wins_about_twice_as_often(demo_store, demo_company):
    tr = demo_company.truths
    c = F.compare_groups(demo_store, ALL, by="channel", rate="win_rate")
    t = c.table.set_index("group")
    fast, slow = t.loc[tr.fast_channel_id], t.loc[tr.slow_channel_id]
    assert 1.6 <= fast["rate"] / slow["rate"] <= 2.5
    assert t["rate"].idxmax() == tr.fast_channel_id
    assert c.overall.verdict == "significant"
    pair = F.test_two_proportions(int(fast["successes"]), int(fast["trials"]), int(slow["successes"]),
                                  int(slow["trials"]))
    assert pair.verdict == "significant" and pair.p_value < 0.01


def test_demo_stage_durations_and_funnel_shape(demo_store, demo_company):
    medians = demo_company.truths.stage_median_days
    v = F.velocity(demo_store, ALL).stages.set_index("stage")
    for stage, planted in medians.items():
        assert abs(v.loc[stage, "median_days"] - planted) <= 2, (stage, v.loc[stage, "median_days"], planted)
    # right-skewed (lognormal, sigma 0.6): the p90 is well above the median
    assert (v["p90_days"] > 1.6 * v["median_days"]).all()
    fun = F.stage_funnel(demo_store, ALL)
    # about 64% reach intent, 61% of those engaged, 49% of those are won
    assert fun["conversion_from_previous"].tolist()[1:] == pytest.approx([0.64, 0.61, 0.49], abs=0.05)


def test_demo_slipping_deals_are_found(demo_store, demo_company):
    planted = set(demo_company.truths.slipping_opportunity_ids)
    slipping = F.slipping_deals(demo_store, ALL)
    assert set(slipping["opportunity_id"]) == planted
    assert (slipping["pushes"] >= 2).all() and (slipping["days_pushed"] > 0).all()
    # stalled 2.5-5 months in intent or engaged: most of them are also stale by the p90 rule
    stale = set(F.stale_deals(demo_store, ALL)["opportunity_id"])
    assert len(planted & stale) >= 0.8 * len(planted)


def test_demo_summary_is_consistent(demo_store):
    s = F.summary(demo_store, ALL)
    tot = s.total
    assert tot.created == tot.won + tot.lost + tot.open
    assert tot.stages[-1].reached == tot.won  # only won deals reach "won"
    assert tot.win_rate_low < tot.win_rate < tot.win_rate_high
    assert 0 < s.weighted_pipeline < s.pipeline_value
    # snapshots on the first of each month and today; the pipeline expected to close by the end of November
    w = F.pipeline_waterfall(demo_store, ALL, start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 11, 29),
                             close_by=dt.date(2026, 11, 30))
    steps = dict(zip(w.steps["step"], w.steps["value"]))
    assert w.source == "snapshots"
    assert sum(v for k, v in steps.items() if k != "end") == pytest.approx(steps["end"])
    assert steps["pushed_out"] < 0 and steps["won"] < 0 and steps["new"] > 0
    # the end is the open pipeline of the last snapshot expected by 30 November
    snap = demo_store.table("opportunity_snapshots")
    snap = snap.filter(snap.snapshot_date == dt.date(2026, 11, 29), snap.status == "open",
                       snap.expected_close_date <= dt.date(2026, 11, 30))
    assert steps["end"] == pytest.approx(float(demo_store.execute(snap.amount.sum())))
    # counting every open deal, nothing can be pushed out of or pulled into the horizon
    every = F.pipeline_waterfall(demo_store, ALL, start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 11, 29))
    moves = dict(zip(every.steps["step"], every.steps["value"]))
    assert moves["pushed_out"] == 0 and moves["pulled_in"] == 0
