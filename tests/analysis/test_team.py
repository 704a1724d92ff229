"""Team figures checked by hand on a small company, the planted truths on the demo, and Maven CRM by pandas."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from salesdash.analysis import overview, team
from salesdash.filters import Filters
from salesdash.store import Store

ROOT = Path(__file__).resolve().parents[2]
MAVEN = ROOT.parent / "shared" / "data" / "real" / "maven_crm"


def _ts(*days: str | None) -> pd.Series:
    return pd.to_datetime(list(days))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Store:
    """Three reps in two teams; window under test: 1 March to 15 April 2025 (see the comments)."""
    store = Store(tmp_path_factory.mktemp("team") / "small.duckdb")
    store.replace_all({
        "customers": pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "region": ["east", "east", "north"]}),
        "reps": pd.DataFrame({"rep_id": ["r1", "r2", "r3"], "name": ["Ann", "Bo", "Cy"], "team": ["A", "A", "B"],
                              "region": ["east", "north", "east"],
                              "hire_date": _ts("2024-01-01", "2023-06-01", "2025-01-15")}),
        # March wholly inside the window; April cut at the 15th: 15/30 of April's targets count.
        "targets": pd.DataFrame({
            "rep_id": ["r1", "r2", "r3"] * 2,
            "month": _ts(*["2025-03-01"] * 3, *["2025-04-01"] * 3),
            "target_amount": [310.0, 620.0, 310.0, 300.0, 300.0, 300.0],
        }),
        "orders": pd.DataFrame({
            "order_id": ["o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7"],
            "line": [1] * 8,
            "customer_id": ["c2", "c1", "c1", "c2", "c3", "c1", "c2", "c2"],
            "rep_id": ["r2", "r1", "r1", "r2", "r3", "r1", None, "r3"],
            "order_date": _ts("2025-02-01", "2025-03-02", "2025-03-20", "2025-03-05", "2025-04-01", "2025-04-10",
                              "2025-03-10", "2025-04-20"),
            "revenue": [70.0, 100.0, 200.0, 310.0, 300.0, 150.0, 999.0, 50.0],
            "cost": [0.0] * 8,
        }),
        "opportunities": pd.DataFrame({
            "opportunity_id": ["w1", "w2", "l1", "l2", "l3", "w3", "late", "open"],
            "rep_id": ["r1", "r1", "r1", "r2", "r2", "r3", "r3", "r1"],
            "created_at": _ts("2025-02-01", "2025-03-01", "2025-03-01", "2025-02-01", "2025-03-01", "2025-03-10",
                              "2025-03-10", "2025-03-01"),
            "closed_at": _ts("2025-03-03", "2025-03-11", "2025-03-05", "2025-03-10", "2025-04-02", "2025-04-09",
                             "2025-04-20", None),
            "stage": ["won", "won", "intent", "engaged", "prospect", "won", "won", "intent"],
            "status": ["won", "won", "lost", "lost", "lost", "won", "won", "open"],
            "amount": [1000.0, 500.0, 50.0, 70.0, 80.0, 200.0, 999.0, 10.0],
        }),
        "activities": pd.DataFrame({
            "activity_id": [f"a{i}" for i in range(10)],
            "rep_id": ["r1"] * 3 + ["r2"] * 5 + ["r3", "r3"],
            "opportunity_id": ["w1", "w1", "l1", "l2", "l2", "l2", "l3", None, "w3", "w3"],
            "type": ["call"] * 10,
            "occurred_at": _ts(*["2025-03-04"] * 9, "2025-05-01"),  # the last one is after the window
        }),
    })
    return store


WINDOW = Filters(start=dt.date(2025, 3, 1), end=dt.date(2025, 4, 15))


def test_targets_pro_rata_and_attainment_by_hand(small):
    reps = team.rep_table(small, WINDOW).set_index("rep_id")
    # targets: March in full + 15/30 of April
    assert reps.loc["r1", "target"] == pytest.approx(310 + 150)
    assert reps.loc["r2", "target"] == pytest.approx(620 + 150)
    assert reps.loc["r3", "target"] == pytest.approx(310 + 150)
    # revenue credited in the window: r1 100 + 200 + 150; r2 310; r3 300 (o0 is February, o7 after the window)
    assert list(reps.loc[["r1", "r2", "r3"], "revenue"]) == [450.0, 310.0, 300.0]
    assert reps.loc["r1", "attainment"] == pytest.approx(450 / 460)
    assert reps.loc["r2", "attainment"] == pytest.approx(310 / 770)
    teams = team.team_table(small, WINDOW).set_index("key")
    assert teams.loc["A", "attainment"] == pytest.approx((450 + 310) / (460 + 770))
    assert teams.loc["A", "reps"] == 2 and teams.loc["B", "reps"] == 1
    s = team.summary(small, WINDOW)
    # the order without a rep (o6) counts for no one: (450 + 310 + 300) / (460 + 770 + 460)
    assert s.attainment == pytest.approx(1060 / 1690)
    assert s.attainment == pytest.approx(overview.kpis(small, WINDOW).quota_attainment)
    assert s.target == pytest.approx(overview.kpis(small, WINDOW).revenue_target)
    # spread over the three reps (0.98, 0.40, 0.65): the median is r3's 300/460; nobody is on target
    assert s.median_attainment == pytest.approx(300 / 460)
    assert s.on_target_share == 0.0 and s.reps_with_target == 3


def test_deals_activities_and_new_customers_by_hand(small):
    reps = team.rep_table(small, WINDOW).set_index("rep_id")
    r1, r2, r3 = reps.loc["r1"], reps.loc["r2"], reps.loc["r3"]
    # r1 won w1 (1000, 30 days) and w2 (500, 10 days) and lost l1: win rate 2/3, median cycle 20 days
    assert (r1["won"], r1["lost"], r1["won_revenue"]) == (2, 1, 1500.0)
    assert r1["win_rate"] == pytest.approx(2 / 3) and r1["avg_deal_size"] == 750.0
    assert r1["cycle_days"] == pytest.approx(20.0)
    # r2 lost both; r3 won w3 (30 days) — "late" closes after the window
    assert (r2["won"], r2["lost"], r2["win_rate"]) == (0, 2, 0.0) and math.isnan(r2["avg_deal_size"])
    assert (r3["won"], r3["won_revenue"], r3["cycle_days"]) == (1, 200.0, pytest.approx(30.0))
    # activities in the window: r1 3, r2 5, r3 1 (its second one is in May)
    assert list(reps.loc[["r1", "r2", "r3"], "activities"]) == [3, 5, 1]
    # c1's first order ever (2 March) is r1's; c2 first bought in February; c3's first order (1 April) is r3's
    assert list(reps.loc[["r1", "r2", "r3"], "new_customers"]) == [1, 0, 1]
    js = team.summary(small, WINDOW).to_json()
    row = next(r for r in js["reps"] if r["rep"] == "r1")
    assert row["won_revenue"] == 1500.0 and row["team"] == "A" and row["attainment"] == pytest.approx(450 / 460)
    assert {t["team"] for t in js["teams"]} == {"A", "B"}


def test_attainment_by_period(small):
    q = team.attainment_by_period(small, WINDOW, period="month", by="team")
    april_a = q[(q["period"] == "2025-04-01") & (q["key"] == "A")].iloc[0]
    assert april_a["revenue"] == 150.0 and april_a["target"] == pytest.approx(300.0)  # 150 + 150
    company = team.attainment_by_period(small, WINDOW, period="quarter", by="company")
    assert list(company["revenue"]) == [610.0, 450.0]  # Q1: 100+200+310; Q2: 300+150
    assert company["target"].sum() == pytest.approx(1690.0)


def test_pace_projection_by_hand(small):
    p = team.pace(small, WINDOW, period="month", level=0.9)
    # April 1..15 elapsed (15 days), 15 to go; daily revenue 300 (1st), 150 (10th), zeros otherwise
    assert (p.as_of, p.elapsed_days, p.remaining_days) == (dt.date(2025, 4, 15), 15, 15)
    assert p.actual == 450.0 and p.target == pytest.approx(900.0) and p.target_to_date == pytest.approx(450.0)
    assert p.daily_mean == pytest.approx(30.0)
    assert p.projected == pytest.approx(450 + 30 * 15)
    # sd: squared deviations 270² + 120² + 13 × 30² = 99000, / 14 -> s = 84.09
    s = math.sqrt(99000 / 14)
    assert p.daily_sd == pytest.approx(s)
    half = 1.6448536 * s * math.sqrt(15 + 15 ** 2 / 15)
    assert p.high == pytest.approx(900 + half, rel=1e-6)
    assert p.low == 450.0  # 900 − 757.6 would be below what is already booked
    assert p.projected_attainment == pytest.approx(1.0)
    assert p.cumulative()["cumulative"].iloc[-1] == 450.0


def test_pace_needs_enough_days(small):
    p = team.pace(small, Filters(start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 3)))
    assert not p.enough and p.projected is None and "elapsed days" in p.reason


def test_scorecard_percentiles_and_weights(small):
    only_revenue = team.scorecard(small, WINDOW, weights=(("revenue", 1.0),)).set_index("rep_id")
    # revenue 450 > 310 > 300: percentile ranks 3/3, 2/3, 1/3
    assert only_revenue.loc["r1", "score"] == pytest.approx(100.0)
    assert only_revenue.loc["r2", "score"] == pytest.approx(200 / 3)
    assert only_revenue.loc["r3", "score"] == pytest.approx(100 / 3)
    with_cycle = team.scorecard(small, WINDOW, weights=(("revenue", 1.0), ("cycle_days", 1.0))).set_index("rep_id")
    # cycle: r1 20 days (best, 2/2), r3 30 days (1/2); r2 won nothing, so only revenue counts for r2
    assert with_cycle.loc["r3", "score"] == pytest.approx(100 * (1 / 3 + 1 / 2) / 2)
    assert with_cycle.loc["r2", "score"] == pytest.approx(200 / 3)
    assert with_cycle.loc["r1", "rank"] == 1
    with pytest.raises(ValueError):
        team.scorecard(small, WINDOW, weights=(("charm", 1.0),))


def test_activity_outcome_says_when_too_few(small):
    ao = team.activity_outcome(small, WINDOW)
    assert not ao.enough and ao.correlation is None and "reps" in ao.reason
    # deals closed in the window and their activities: w1 2, w2 0, l1 1, l2 3, l3 1, w3 2 -> median 1.5;
    # busy (more than 1.5): w1, l2, w3 -> 2 of 3 won; quiet: w2, l1, l3 -> 1 of 3 won
    assert ao.median_activities == pytest.approx(1.5)
    assert ao.win_rate_busy == pytest.approx(2 / 3) and ao.win_rate_quiet == pytest.approx(1 / 3)


def test_ramp_needs_new_hires(small):
    r = team.ramp(small, WINDOW)
    # the data starts in February 2025; every rep was hired before it, so no tenure is seen from its start
    assert not r.enough and r.new_hires == 0 and r.curve.empty and "hired" in r.reason


def test_empty_window_is_an_answer(small):
    s = team.summary(small, Filters(start=dt.date(2030, 1, 1), end=dt.date(2030, 1, 31)))
    assert s.reps == () and s.attainment is None and s.win_rate is None


# ----- the demo's planted truths ----------------------------------------------------------------------------

def test_demo_underperforming_team_is_about_60_percent(demo_company, demo_store):
    truths = demo_company.truths
    # over the history up to today (targets run three months ahead: they are outside this window)
    f = Filters(start=truths.history_start, end=truths.today)
    teams = team.team_table(demo_store, f).set_index("key")
    assert 0.55 <= teams.loc[truths.underperforming_team, "attainment"] <= 0.65
    others = teams.drop(index=truths.underperforming_team)["attainment"]
    assert others.between(0.85, 1.15).all(), others
    # the same figure by hand from the rep table: Σ revenue ÷ Σ target of the team's reps
    reps = team.rep_table(demo_store, f)
    west = reps[reps["team"] == truths.underperforming_team]
    assert teams.loc[truths.underperforming_team, "attainment"] == pytest.approx(
        west["revenue"].sum() / west["target"].sum())
    # and the spread shows it: the team's median rep is below every other team's median rep
    medians = reps.groupby("team")["attainment"].median()
    assert medians.idxmin() == truths.underperforming_team


def test_demo_new_hires_ramp_over_about_six_months(demo_store):
    # planted: productivity (tenure + 0.5) / 6, full after six months, against peers of the same team
    r = team.ramp(demo_store, Filters())
    assert r.enough and r.new_hires >= 5
    curve = r.curve.set_index("months_since_hire")["productivity"]
    assert curve.loc[0] < 0.3 and curve.loc[[6, 7, 8]].mean() > 0.8
    assert 3 <= r.months_to_full <= 6


def test_demo_attainment_agrees_with_the_overview(demo_store):
    f = Filters(start=dt.date(2026, 1, 10), end=dt.date(2026, 8, 20), regions=("east",))
    mine, theirs = team.summary(demo_store, f), overview.kpis(demo_store, f)
    assert mine.attainment == pytest.approx(theirs.quota_attainment)
    assert mine.target == pytest.approx(theirs.revenue_target)


# ----- Maven CRM (real data) --------------------------------------------------------------------------------

@pytest.mark.real_data
def test_maven_crm_won_revenue_and_win_rate_per_agent(tmp_path):
    if not (MAVEN / "sales_pipeline.csv").exists():
        pytest.skip(f"real data not found at {MAVEN} (a clone without ../shared/data/real)")
    raw = pd.read_csv(MAVEN / "sales_pipeline.csv")
    teams = pd.read_csv(MAVEN / "sales_teams.csv")
    # map by hand: deal_stage -> status and furthest stage; sales_agent -> rep; close_value -> amount
    status = raw["deal_stage"].map({"Won": "won", "Lost": "lost", "Engaging": "open", "Prospecting": "open"})
    stage = raw["deal_stage"].map({"Won": "won", "Lost": "engaged", "Engaging": "engaged", "Prospecting": "prospect"})
    engaged = pd.to_datetime(raw["engage_date"])
    opps = pd.DataFrame({
        "opportunity_id": raw["opportunity_id"], "rep_id": raw["sales_agent"], "stage": stage, "status": status,
        # Prospecting deals carry no date at all: created on the file's last day, so they are never closed
        "created_at": engaged.fillna(pd.to_datetime(raw["close_date"]).max()),
        "closed_at": pd.to_datetime(raw["close_date"]), "amount": raw["close_value"],
    })
    reps = pd.DataFrame({"rep_id": teams["sales_agent"], "name": teams["sales_agent"], "team": teams["manager"],
                         "manager": teams["manager"], "region": teams["regional_office"]})
    store = Store(tmp_path / "maven.duckdb")
    store.replace_all({"opportunities": opps, "reps": reps})

    # independently, on the raw CSV
    closed = raw[raw["deal_stage"].isin(["Won", "Lost"])]
    won = closed[closed["deal_stage"] == "Won"].groupby("sales_agent")["close_value"].agg(["sum", "count"])
    lost = closed[closed["deal_stage"] == "Lost"].groupby("sales_agent").size()
    expected = pd.DataFrame({"won_revenue": won["sum"], "won": won["count"]}).join(lost.rename("lost"), how="outer")
    expected = expected.fillna(0)
    expected["win_rate"] = expected["won"] / (expected["won"] + expected["lost"])

    got = team.rep_table(store, Filters()).set_index("rep_id")
    assert set(got.index) == set(expected.index)  # 30 agents with deals; the 5 without any are not listed
    for agent, row in expected.iterrows():
        assert got.loc[agent, "won_revenue"] == pytest.approx(row["won_revenue"]), agent
        assert got.loc[agent, "won"] == row["won"] and got.loc[agent, "lost"] == row["lost"], agent
        assert got.loc[agent, "win_rate"] == pytest.approx(row["win_rate"]), agent

    # a window on the close date: Q2 2017, by hand on the raw file
    q2 = Filters(start=dt.date(2017, 4, 1), end=dt.date(2017, 6, 30))
    in_q2 = closed[(closed["close_date"] >= "2017-04-01") & (closed["close_date"] <= "2017-06-30")]
    by_mgr = in_q2.merge(teams, on="sales_agent").groupby("manager")["deal_stage"]
    mgr_rate = by_mgr.apply(lambda s: (s == "Won").mean())
    got_teams = team.team_table(store, q2).set_index("key")
    for manager, rate in mgr_rate.items():
        assert got_teams.loc[manager, "win_rate"] == pytest.approx(rate), manager
    assert team.summary(store, q2).won == int((in_q2["deal_stage"] == "Won").sum())
