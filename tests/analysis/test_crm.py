"""CRM health checked by hand on a tiny company, and the demo's planted truths recovered."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from salesdash.analysis import crm
from salesdash.filters import Filters
from salesdash.store import Store

H1 = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30))


@pytest.fixture()
def tiny(tmp_path) -> Store:
    """Six customers, seven orders, five complaints, twelve feedback responses. Figures worked out below."""
    store = Store(tmp_path / "crm.duckdb")
    ts = pd.to_datetime
    store.replace_all({
        "customers": pd.DataFrame({
            "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
            "name": ["Ann", "Bo", "Cy", "Di", "Ed", "Fay"],
            "kind": ["person", "company", "person", "company", "person", "person"],
            "region": ["east", "east", "north", "north", "east", "east"],
            "acquisition_channel_id": ["d", "d", "p", "p", "d", "d"],
        }),
        "reps": pd.DataFrame({"rep_id": ["r1", "r2"], "name": ["Rita", "Rob"], "team": ["A", "B"]}),
        "orders": pd.DataFrame({
            "order_id": ["o1", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8"],
            "line": [1, 2, 1, 1, 1, 1, 1, 1, 1],
            "customer_id": ["c1", "c1", "c1", "c2", "c3", "c4", "c6", "c6", "c5"],
            "order_date": ts(["2025-01-10", "2025-01-10", "2025-06-20", "2025-03-01", "2024-10-01", "2025-04-05",
                              "2025-01-15", "2025-02-15", "2025-07-05"]),
            "revenue": [60.0, 40.0, 60.0, 80.0, 70.0, 90.0, 50.0, 30.0, 20.0],
        }),
        "complaints": pd.DataFrame({
            "ticket_id": ["k1", "k2", "k3", "k4", "k5"],
            "customer_id": ["c1", "c1", "c2", "c6", "c3"],
            "opened_at": ts(["2025-02-01 09:00", "2025-03-01 00:00", "2025-03-10 00:00", "2025-06-29 00:00",
                             "2024-12-01 00:00"]),
            "category": ["delivery", "delivery", "billing", "quality", "billing"],
            "severity": ["high", "low", "medium", "critical", "low"],
            "resolved_at": ts(["2025-02-03 09:00", "2025-03-06 00:00", None, "2025-07-02 00:00", None]),
        }),
        "feedback": pd.DataFrame({
            "feedback_id": [f"f{i}" for i in range(12)],
            "customer_id": ["c1"] * 6 + ["c2"] * 6,
            "rep_id": ["r1"] * 6 + ["r2"] * 6,
            # ten in March, two in April
            "submitted_at": ts(["2025-03-10"] * 10 + ["2025-04-10"] * 2),
            "nps": [9, 10, 9, 10, 9, 7, 8, 7, 6, 0, 3, 5],
            "csat": [5, 5, 4, 4, 4, 3, 3, 2, 1, 5, 4, 2],
        }),
        "opportunities": pd.DataFrame({
            "opportunity_id": ["w1", "l1"], "customer_id": ["c1", "c2"], "rep_id": ["r1", "r2"],
            "created_at": ts(["2025-01-05", "2025-01-06"]), "stage": ["won", "intent"], "status": ["won", "lost"],
            "closed_at": ts(["2025-03-01", "2025-03-02"]),
        }),
        "activities": pd.DataFrame({
            "activity_id": ["a1", "a2", "a3", "a4"], "customer_id": ["c1", "c1", "c1", "c2"],
            "opportunity_id": ["w1", "w1", "w1", None], "rep_id": ["r1", "r1", "r1", "r2"],
            "type": ["call", "email", "visit", "call"],
            "occurred_at": ts(["2025-01-06", "2025-01-20", "2025-02-10", "2025-01-07"]),
        }),
    })
    return store


def test_health_by_hand(tiny):
    # Days from the last order (up to 30 June) to 30 June: c1 10 (active), c4 86 (active), c6 135 (at risk),
    # c2 121 (at risk), c3 272 (churned); c5 first ordered in July: not a customer yet.
    h = crm.customer_health(tiny, H1)
    assert dict(zip(h["status"], h["customers"])) == {"active": 2, "at_risk": 2, "churned": 1}
    assert h.loc[h["status"] == "active", "share"].iloc[0] == pytest.approx(2 / 5)
    # Thresholds are the user's: with active <= 130 days c2 (121) becomes active, c6 (135) stays at risk.
    h = crm.customer_health(tiny, H1, active_days=130, at_risk_days=200)
    assert dict(zip(h["status"], h["customers"])) == {"active": 3, "at_risk": 1, "churned": 1}
    by = crm.customer_health(tiny, H1, by="region").set_index(["group", "status"])["customers"]
    assert by["east", "active"] == 1 and by["east", "at_risk"] == 2 and by["north", "churned"] == 1
    assert by["north", "at_risk"] == 0  # every status is present for every group
    with pytest.raises(ValueError):
        crm.customer_health(tiny, H1, active_days=200, at_risk_days=100)


def test_health_trend_by_hand(tiny):
    tr = crm.health_trend(tiny, H1).set_index("month_end")
    # 31 January: customers c3 (Oct), c1 (10 Jan), c6 (15 Jan); active c1, c6; c3 (122 days) at risk.
    jan = tr.loc[pd.Timestamp("2025-01-31")]
    assert (jan["active"], jan["at_risk"], jan["churned"], jan["customers"]) == (2, 1, 0, 3)
    # 30 April: + c2 (1 Mar), c4 (5 Apr); c3 is 211 days away -> churned; c1 last 10 Jan = 110 days -> at risk.
    apr = tr.loc[pd.Timestamp("2025-04-30")]
    assert (apr["active"], apr["at_risk"], apr["churned"], apr["customers"]) == (3, 1, 1, 5)
    last = tr.iloc[-1]
    assert (last["active"], last["at_risk"], last["churned"]) == (2, 2, 1)  # the same as customer_health


def test_cohorts_by_hand(tiny):
    co = crm.cohorts(tiny, H1)
    jan = co[co["cohort"] == pd.Timestamp("2025-01-01")].set_index("months_since")
    # January cohort: c1 (100 on 10 Jan) and c6 (50 on 15 Jan) = 2 customers, 150 revenue.
    assert jan.loc[0, "cohort_customers"] == 2 and jan.loc[0, "cohort_revenue"] == 150
    assert jan.loc[1, "retention"] == pytest.approx(1 / 2)  # c6 in February
    assert jan.loc[1, "revenue_retention"] == pytest.approx(30 / 150)
    assert jan.loc[5, "retention"] == pytest.approx(1 / 2)  # c1 in June
    assert jan.loc[5, "revenue_retention"] == pytest.approx(60 / 150)
    # c3's first order (October 2024) is before the window: no cohort for it; c5 (July) is after it.
    assert set(co["cohort"]) == {pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-01"), pd.Timestamp("2025-04-01")}


def test_rfm_summary_by_hand(tiny):
    rfm = crm.rfm_summary(tiny, H1, time_unit="days").set_index("customer_id")
    # c1: purchase days 10 Jan (100, two lines) and 20 Jun (60): frequency 1, recency 161, T 171, m 60.
    assert rfm.loc["c1", "frequency"] == 1 and rfm.loc["c1", "recency"] == 161 and rfm.loc["c1", "T"] == 171
    assert rfm.loc["c1", "monetary_value"] == 60 and rfm.loc["c1", "revenue"] == 160
    # c2: one purchase day -> frequency 0, recency 0, no repeat spend.
    assert rfm.loc["c2", "frequency"] == 0 and rfm.loc["c2", "recency"] == 0 and math.isnan(rfm.loc["c2", "monetary_value"])
    assert "c3" not in rfm.index and "c5" not in rfm.index  # no order in the window
    weeks = crm.rfm_summary(tiny, H1, time_unit="weeks").set_index("customer_id")
    assert weeks.loc["c1", "T"] == pytest.approx(171 / 7)


def test_clv_needs_enough_customers(tiny):
    r = crm.customer_lifetime_value(tiny, H1)
    assert not r.enough and "customers=4" in r.reason and r.params_json() is None and r.total_clv is None
    assert crm.clv_by(r).empty


def test_nps_and_csat_by_hand(tiny):
    s = crm.summary(tiny, H1)
    # 12 responses: promoters 9,10,9,10,9 (5), passives 7,8,7 (3), detractors 6,0,3,5 (4)
    assert s.nps == pytest.approx(100 * (5 - 4) / 12) and s.nps_responses == 12
    # variance of a +1/0/-1 score: (5/12 + 4/12 - (1/12)^2) / 12; half-width 1.96 * 100 * sqrt(that)
    half = 1.959964 * 100 * math.sqrt((9 / 12 - (1 / 12) ** 2) / 12)
    assert s.nps_low == pytest.approx(100 / 12 - half, abs=1e-3) and s.nps_high == pytest.approx(100 / 12 + half, abs=1e-3)
    # CSAT: ratings of 4 or 5: 5,5,4,4,4,5,4 = 7 of 12
    assert s.csat == pytest.approx(7 / 12) and s.csat_responses == 12
    tr = crm.satisfaction_trend(tiny, H1).set_index("month")
    # March: first ten scores -> promoters 5, passives 3, detractors 2 -> NPS 30
    assert tr.loc[pd.Timestamp("2025-03-01"), "nps"] == pytest.approx(30.0)
    assert math.isnan(tr.loc[pd.Timestamp("2025-04-01"), "nps"])  # two responses are too few
    by_rep = crm.satisfaction_by(tiny, H1, by="rep", min_responses=1).set_index("group")
    assert by_rep.loc["r1", "name"] == "Rita"
    assert by_rep.loc["r1", "nps"] == pytest.approx(100 * (5 - 0) / 6)  # 9,10,9,10,9,7
    assert by_rep.loc["r2", "nps"] == pytest.approx(100 * (0 - 4) / 6)  # 8,7,6,0,3,5
    assert crm.nps_stats(1, 0, 0, min_responses=10) == (None, None, None)


def test_complaints_by_hand(tiny):
    s = crm.summary(tiny, H1, sla_days=3)
    # In the window: k1..k4 (k5 opened in December). Orders in the window: o1..o7 minus o4 (October) = 6.
    assert s.complaints == 4 and s.orders == 6
    assert s.complaint_rate == pytest.approx(1000 * 4 / 6)
    # Resolved: k1 in 2 days, k2 in 5, k4 in 3 -> median 3; within 3 days: k1, k4 -> 2 of 3
    assert s.median_resolution_days == pytest.approx(3.0) and s.within_sla == pytest.approx(2 / 3)
    # Open on 30 June: k3 (112 days old), k4 (1 day; resolved 2 July), k5 (211 days) -> median 112
    assert s.open_backlog == 3 and s.backlog_median_age == pytest.approx(112)
    assert (s.complainers, s.repeat_complainers) == (3, 1)  # c1 twice
    pa = crm.complaint_pareto(tiny, H1)
    assert pa["category"].tolist() == ["delivery", "billing", "quality"]
    assert pa["cumulative_share"].tolist() == pytest.approx([0.5, 0.75, 1.0])
    res = crm.complaint_resolution(tiny, H1, sla_days=3).set_index("severity")
    assert res.loc["low", "median_days"] == pytest.approx(5.0) and res.loc["low", "within_sla"] == 0
    assert res.loc["all", "complaints"] == 4 and res.loc["all", "resolved_share"] == pytest.approx(3 / 4)
    bl = crm.complaint_backlog(tiny, H1)
    assert bl.groupby("age_band")["tickets"].sum().to_dict() == {"0-7": 1, "90+": 2}
    rc = crm.repeat_complainers(tiny, H1)
    assert rc["customer_id"].tolist() == ["c1"] and rc["name"].iloc[0] == "Ann" and rc["complaints"].iloc[0] == 2
    tr = crm.complaint_trend(tiny, H1).set_index("month")
    assert tr.loc[pd.Timestamp("2025-03-01"), "rate_per_1000"] == pytest.approx(1000 * 2 / 1)  # k2, k3; o3
    oc = crm.complaint_outcomes(tiny, H1)
    assert not oc.enough and oc.reason


def test_interactions_by_hand(tiny):
    ir = crm.interactions_by_rep(tiny, H1).set_index("rep_id")
    assert ir.loc["r1", ["call", "email", "visit", "total", "customers"]].tolist() == [1, 1, 1, 3, 1]
    assert ir.loc["r1", "name"] == "Rita"
    vc = crm.interactions_vs_conversion(tiny, H1).set_index("band")
    assert vc.loc["3-5", "win_rate"] == 1.0 and vc.loc["0", "win_rate"] == 0.0  # w1 had 3, l1 none
    vs = crm.interactions_vs_satisfaction(tiny, H1, min_responses=1).set_index("band")
    # c1 (3 activities) gave 6 responses: NPS 100 * 5/6; c2 (1 activity) 6 responses: -400/6
    assert vs.loc["3-5", "nps"] == pytest.approx(500 / 6) and vs.loc["1-2", "nps"] == pytest.approx(-400 / 6)
    s = crm.summary(tiny, H1)
    assert s.activities == 4 and s.activities_per_customer == pytest.approx(2.0)


def test_report_json_is_plain_and_complete(tiny):
    out = crm.report_json(tiny, H1, None)
    for k in ("clv_model", "nps", "csat", "active", "at_risk", "churned"):
        assert k in out
    assert out["clv_model"] is None and "customers" in out["clv_model_reason"]
    assert out["active"] == 2 and out["as_of"] == dt.date(2025, 6, 30)


def test_an_empty_window_is_an_answer(tiny):
    empty = Filters(start=dt.date(2030, 1, 1), end=dt.date(2030, 1, 31))
    s = crm.summary(tiny, empty)
    assert s.nps is None and s.csat is None and s.complaint_rate is None and s.complaints == 0
    assert crm.cohorts(tiny, empty).empty and crm.satisfaction_trend(tiny, empty).empty
    assert not crm.feedback_topics(tiny, empty).enough
    assert not crm.customer_lifetime_value(tiny, empty).enough


# ----- the demo's planted truths ---------------------------------------------------------------------------

def test_demo_the_complaint_category_that_drives_churn(demo_store, demo_company):
    # Truth 9: product-quality complainants churn about twice as often as comparable customers.
    oc = crm.complaint_outcomes(demo_store, Filters(), followup_days=demo_company.truths.churn_window_days)
    assert oc.enough
    cats = oc.by_category[oc.by_category["category"] != "all"]
    top = cats.iloc[0]
    assert top["category"] == demo_company.truths.churn_complaint_category
    assert top["churn_lift"] > 0.04 and top["churn_rate"] / top["baseline_churn_rate"] > 1.2
    assert top["complainers"] >= 30  # a real group, not a handful


def test_demo_the_cohort_that_retains_better(demo_store, demo_company):
    # Truth 10: the Double 11 cohort comes back within 180 days more than any other, >= 1.5x the median.
    rr = crm.cohort_repeat_rate(demo_store, Filters(), days=180, min_customers=10)
    best = rr.loc[rr["repeat_rate"].idxmax()]
    assert best["cohort"] == pd.Timestamp(demo_company.truths.best_retention_cohort)
    assert best["vs_median"] >= 1.5
    # The heatmap's monthly retention shows it too: over months 1-6 it beats the median cohort.
    co = crm.cohorts(demo_store, Filters())
    early = co[co["months_since"].between(1, 6)].groupby("cohort")["retention"].mean()
    assert early[pd.Timestamp(demo_company.truths.best_retention_cohort)] > 1.3 * early.median()


def test_demo_health_clv_and_report(demo_store, demo_company):
    s = crm.summary(demo_store, Filters())
    # Truth 1: VIPs and bargain hunters bought within 60 days (active) unless they lapsed (truth 12);
    # dormant customers more than 200 days ago.
    groups = demo_company.truths.behaviour_group
    steady = groups.isin(["vip", "bargain_hunter"]) & ~groups.index.isin(demo_company.truths.lapsed_customer_ids)
    assert s.active >= steady.sum() * 0.95
    assert s.churned >= (groups == "dormant").sum() * 0.95
    cl = crm.customer_lifetime_value(demo_store, Filters())
    # every buying customer is fitted except those whose first purchase is the calibration end (T = 0)
    rfm = crm.rfm_summary(demo_store, Filters())
    assert cl.enough and cl.bgnbd.customers == int((rfm["T"] > 0).sum())
    assert s.customers - 5 <= cl.bgnbd.customers <= s.customers
    top = cl.top(50).merge(groups.rename("group"), left_on="customer_id", right_index=True)
    assert top["group"].isin(["vip", "occasional_big"]).mean() > 0.7  # the valuable customers lead
    out = crm.report_json(demo_store, Filters(), None)
    assert set(out["clv_model"]) >= {"r", "alpha", "a", "b", "p", "q", "gamma"}
    assert out["complaint_outcomes"][0]["category"] == demo_company.truths.churn_complaint_category


def test_demo_bgnbd_sees_the_lapsed_customers_drop_out(demo_store, demo_company):
    """Truth 12: bargain hunters who stopped buying have a low probability alive; the others a high one."""
    cl = crm.customer_lifetime_value(demo_store, Filters())
    b = cl.bgnbd
    assert b.a / (b.a + b.b) > 0.01   # the fit sees customers drop out after a purchase
    tr = demo_company.truths
    alive = cl.customers.set_index("customer_id")["p_alive"]
    hunters = tr.behaviour_group[tr.behaviour_group == "bargain_hunter"].index
    lapsed = alive[alive.index.isin(tr.lapsed_customer_ids)]
    steady = alive[alive.index.isin(hunters) & ~alive.index.isin(tr.lapsed_customer_ids)]
    assert len(lapsed) >= 30 and lapsed.median() < 0.7
    assert steady.median() > 0.9
