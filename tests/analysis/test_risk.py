"""Risk figures checked by hand on a tiny company, and the planted truths recovered on the demo."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from salesdash.analysis import risk
from salesdash.filters import Filters
from salesdash.store import Store

# The tiny company stands on 30 June 2025 (the window is June 2025).
JUNE = Filters(start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30))


def build_tiny_risk(path) -> Store:
    """Four customers, three channels, four deals; every figure is worked out in the tests' comments."""
    store = Store(path)
    d = pd.to_datetime
    frames = {
        "customers": pd.DataFrame({"customer_id": ["c1", "c2", "c3", "c4"], "name": ["A", "B", "C", "D"],
                                   "region": ["east", "east", "north", "north"]}),
        "channels": pd.DataFrame({"channel_id": ["d", "p1", "p2"], "name": ["Direct", "Alpha shop", "Beta shop"],
                                  "kind": ["direct", "indirect", "indirect"],
                                  "partner_name": [None, "Alpha", "Beta"]}),
        "reps": pd.DataFrame({"rep_id": ["r1", "r2"], "name": ["Rep 1", "Rep 2"]}),
        "products": pd.DataFrame({"product_id": ["p"], "category": ["tea"]}),
        # June revenue: c1 500, c2 300, c3 150, c4 50 (o5-o7 are older and only matter for receivables)
        "orders": pd.DataFrame({
            "order_id": ["o1", "o2", "o3", "o4", "o5", "o6", "o7"],
            "line": [1] * 7,
            "customer_id": ["c1", "c2", "c3", "c4", "c1", "c2", "c3"],
            "product_id": ["p"] * 7,
            "channel_id": ["d", "p1", "p2", "p1", "d", "d", "d"],
            "rep_id": ["r1", "r2", "r1", "r2", "r1", "r2", "r1"],
            "order_date": d(["2025-06-01", "2025-06-02", "2025-06-03", "2025-06-04", "2025-03-01", "2025-01-10",
                             "2025-04-20"]),
            "revenue": [500.0, 300.0, 150.0, 50.0, 200.0, 100.0, 80.0],
            "due_date": d(["2025-07-01", "2025-06-15", "2025-06-15", "2025-06-10", "2025-04-15", "2025-02-01",
                           "2025-05-20"]),
            "paid_date": d([None, None, "2025-06-20", "2025-07-05", None, None, None]),
        }),
        "campaigns": pd.DataFrame({"campaign_id": ["big"], "discount": [0.3]}),
        # s1 slips twice in a row; s2 slips twice but not in a row; s3 never slips; s4 slipped but is won.
        "opportunities": pd.DataFrame({
            "opportunity_id": ["s1", "s2", "s3", "s4"],
            "customer_id": ["c1", "c2", "c3", "c4"],
            "rep_id": ["r1", "r1", "r2", "r2"],
            "campaign_id": ["big", None, "big", None],
            "created_at": d(["2025-05-20", "2025-05-01", "2025-05-01", "2025-04-01"]),
            "stage": ["intent", "prospect", "engaged", "won"],
            "status": ["open", "open", "open", "won"],
            "amount": [1000.0, 2000.0, 3000.0, 4000.0],
            "expected_close_date": d(["2025-07-30", "2025-07-20", "2025-07-01", "2025-06-20"]),
            "closed_at": d([None, None, None, "2025-06-20"]),
        }),
        "opportunity_snapshots": pd.DataFrame({
            "snapshot_date": d(["2025-06-02", "2025-06-09", "2025-06-16", "2025-06-23"] * 4),
            "opportunity_id": ["s1"] * 4 + ["s2"] * 4 + ["s3"] * 4 + ["s4"] * 4,
            "expected_close_date": d(["2025-07-01", "2025-07-15", "2025-07-30", "2025-07-30",
                                      "2025-07-01", "2025-07-15", "2025-07-10", "2025-07-20",
                                      "2025-07-01", "2025-07-01", "2025-07-01", "2025-07-01",
                                      "2025-06-01", "2025-06-10", "2025-06-15", "2025-06-20"]),
        }),
        # s1 entered intent on 06-20 (10 days); s2 is in prospect since 05-01 (60 days); s3 engaged on 06-01
        # (29 days). Stage exits on record: prospect -> intent after 10 days (s1) and 20 days (s3),
        # intent -> engaged after 11 days (s3); s4 went prospect -> intent -> engaged -> won.
        "stage_history": pd.DataFrame({
            "opportunity_id": ["s1", "s1", "s2", "s3", "s3", "s3", "s4", "s4", "s4", "s4"],
            "stage": ["prospect", "intent", "prospect", "prospect", "intent", "engaged",
                      "prospect", "intent", "engaged", "won"],
            "entered_at": d(["2025-05-20", "2025-06-20", "2025-05-01", "2025-05-01", "2025-05-21", "2025-06-01",
                             "2025-04-01", "2025-04-10", "2025-05-01", "2025-06-20"]),
        }),
        # s1 was worked on 5 days ago; s2 never; s3 last on 15 May (46 days before 30 June)
        "activities": pd.DataFrame({
            "activity_id": ["a1", "a2"], "opportunity_id": ["s1", "s3"], "customer_id": ["c1", "c3"],
            "type": ["call", "visit"], "occurred_at": d(["2025-06-25 10:00", "2025-05-15 09:00"]),
        }),
    }
    store.replace_all(frames)
    return store


@pytest.fixture()
def tiny(tmp_path) -> Store:
    return build_tiny_risk(tmp_path / "risk.duckdb")


def test_slipping_needs_two_consecutive_pushes(tiny):
    s = risk.slipping_deals(tiny, JUNE)
    # s1: 07-01 -> 07-15 -> 07-30 -> 07-30: two slipping pairs in a row. s2: 07-01 -> 07-15 -> 07-10 -> 07-20:
    # two slips, not in a row. s3 never moves; s4 slipped three times but was won on 20 June.
    assert list(s["opportunity_id"]) == ["s1"]
    row = s.iloc[0]
    assert row["longest_run"] == 2 and row["slips"] == 2 and row["days_slipped"] == 29  # 1 July -> 30 July


def test_deal_risk_reasons_by_hand(tiny):
    d = risk.deal_risk(tiny, JUNE, stall_quantile=1.0, min_stage_exits=1, quiet_days=30, discount_threshold=0.2)
    by_id = d.set_index("opportunity_id")
    # stage exits on record (days): prospect s1 31, s3 20, s4 9 -> max 31; intent s3 11, s4 21 -> 21;
    # engaged s4 50. s2 has been in prospect 60 days (> 31): stalled; s1 10 days in intent, s3 29 in engaged.
    # quiet: s2 no activity since creation on 1 May (60 days), s3 since 15 May (46 days); s1 5 days.
    # deep discount: s3 is engaged on a 30% campaign; s1 has the same campaign but is only in intent.
    assert by_id.loc["s1", "reasons"] == ("slipping",)
    assert by_id.loc["s2", "reasons"] == ("stalled", "quiet")
    assert by_id.loc["s3", "reasons"] == ("quiet", "deep_discount")
    assert by_id.loc["s2", "days_in_stage"] == 60 and by_id.loc["s2", "stall_days"] == 31
    assert by_id.loc["s3", "days_quiet"] == 46
    # ranked by number of reasons, then amount: s3 (2 reasons, 3000), s2 (2, 2000), s1 (1)
    assert list(d["opportunity_id"]) == ["s3", "s2", "s1"]
    assert "s4" not in by_id.index  # won deals are not at risk


def test_no_stall_threshold_without_enough_history(tiny):
    d = risk.deal_risk(tiny, JUNE)  # default: a stage needs 10 exits on record before anyone is "stalled"
    assert not any("stalled" in r for r in d["reasons"])


def test_concentration_and_hhi_by_hand(tiny):
    c = risk.concentration(tiny, JUNE).iloc[0]
    # June revenue 500 / 300 / 150 / 50 of 1000: shares 50%, 30%, 15%, 5%
    assert c["revenue"] == 1000.0 and c["customers"] == 4
    assert c["hhi"] == pytest.approx(50**2 + 30**2 + 15**2 + 5**2)  # = 3650, shares in percent
    assert c["top_share"] == pytest.approx(1.0) and c["largest_customer"] == "c1" and c["largest_share"] == 0.5
    assert risk.concentration(tiny, JUNE, top=2).iloc[0]["top_share"] == pytest.approx(0.8)
    by_region = risk.concentration(tiny, JUNE, by="region", top=1).set_index("group")
    # east: c1 500, c2 300 -> 62.5%, 37.5%; north: c3 150, c4 50 -> 75%, 25%
    assert by_region.loc["east", "hhi"] == pytest.approx(62.5**2 + 37.5**2)
    assert by_region.loc["north", "hhi"] == pytest.approx(75**2 + 25**2)
    assert by_region.loc["east", "top_share"] == pytest.approx(0.625)


def test_partner_dependence_by_hand(tiny):
    p = risk.partner_dependence(tiny, JUNE).set_index("partner_name")
    # Alpha: o2 300 + o4 50 = 350 of 1000 in all and of 500 through partners; Beta: o3 150
    assert p.loc["Alpha", "share_of_total"] == pytest.approx(0.35)
    assert p.loc["Alpha", "share_of_indirect"] == pytest.approx(0.7)
    assert p.loc["Beta", "revenue"] == 150.0


def test_aging_buckets_and_dso_by_hand(tiny):
    r = risk.receivables(tiny, JUNE)
    # owed on 30 June: o1 500 (due 1 July: current), o2 300 (15 days past due), o4 50 (due 10 June, paid only on
    # 5 July: 20 days), o7 80 (due 20 May: 41 days), o5 200 (due 15 April: 76 days), o6 100 (due 1 Feb: 149
    # days). o3 was paid on 20 June.
    aging = r.aging.set_index("bucket")["amount"].to_dict()
    assert aging == {"current": 500.0, "1_30": 350.0, "31_60": 80.0, "61_90": 200.0, "90_plus": 100.0}
    assert r.outstanding == 1230.0 and r.overdue_amount == 730.0
    # credit sales of the 90 days to 30 June (after 1 April): o1-o4 1000 + o7 80 = 1080
    assert r.credit_sales_90d == 1080.0 and r.dso == pytest.approx(1230 / 1080 * 90)
    by_customer = risk.overdue_by(tiny, JUNE, by="customer").set_index("key")
    assert by_customer.loc["c2", "overdue"] == 400.0 and by_customer.loc["c2", "over_90"] == 100.0
    assert by_customer.loc["c2", "oldest_days"] == 149 and by_customer.loc["c1", "overdue"] == 200.0
    assert list(by_customer.index[:1]) == ["c2"]  # most overdue first


def test_summary_json_contract(tiny):
    js = risk.report_json(tiny, JUNE, None)
    assert {"flags", "hhi", "top10_share", "overdue_amount", "aging"} <= set(js)
    assert all(set(f) >= {"opportunity_id", "reason"} for f in js["flags"])
    assert js["hhi"] == pytest.approx(3650.0) and js["overdue_amount"] == 730.0
    assert js["aging"]["90_plus"] == 100.0 and js["open_deals"] == 3


def test_short_history_is_an_answer(tiny):
    churn = risk.churn_risk(tiny, JUNE)
    assert not churn.enough and churn.reason == "too_short" and churn.customers.empty
    anom = risk.anomalies(tiny, JUNE)
    assert not anom.enough and anom.reason == "too_short"


# ---- the demo: planted truths -----------------------------------------------------------------------------
ALL = Filters()


def test_demo_slipping_deals_are_found(demo_store, demo_company):
    truth = set(demo_company.truths.slipping_opportunity_ids)
    found = set(risk.slipping_deals(demo_store, ALL)["opportunity_id"])
    assert len(truth & found) / len(truth) >= 0.9
    assert len(found - truth) <= max(1, len(truth) // 5)  # and hardly anything else
    flagged = risk.deal_risk(demo_store, ALL)
    slipping = {d.opportunity_id for d in flagged.itertuples() if "slipping" in d.reasons}
    assert truth & found <= slipping  # the ranked list carries the same flag


def test_demo_concentrated_customer(demo_store, demo_company):
    tr = demo_company.truths
    row = risk.concentration(demo_store, ALL, by="region").set_index("group").loc[tr.concentrated_region]
    assert row["largest_customer"] == tr.concentrated_customer_id
    assert 0.2 <= row["largest_share"] <= 0.3


def test_demo_risk_parts_compute(demo_store):
    churn = risk.churn_risk(demo_store, ALL)
    assert churn.enough and 0 <= churn.auc <= 1 and set(churn.drivers["feature"]) == set(risk.CHURN_FEATURES)
    assert churn.customers["churn_probability"].between(0, 1).all()
    anom = risk.anomalies(demo_store, ALL)
    assert anom.enough and set(anom.series["measure"]) == set(risk.ANOMALY_MEASURES)
    assert (anom.flagged["z"].abs() >= anom.threshold).all()
    surv = risk.lifetime_survival(demo_store, ALL, by="is_member")
    assert surv.enough and surv.curves["survival"].between(0, 1).all()
    items = risk.risk_matrix(demo_store, ALL, churn=churn, anom=anom)
    assert {i.category for i in items} == set(risk.RISK_CATEGORIES)
    assert all(1 <= i.likelihood <= 5 and 1 <= i.impact <= 5 for i in items)


def test_demo_lapsed_customers_are_the_churn_risks(demo_store, demo_company):
    """Truth 12: the model trained on one half-year separates the next half-year's churners, longer
    recency raises churn, and the bargain hunters who lapsed score well above those who did not."""
    churn = risk.churn_risk(demo_store, ALL)
    assert churn.enough and churn.auc > 0.6
    drivers = churn.drivers.set_index("feature")["coefficient"]
    assert drivers["recency_days"] > 0
    tr = demo_company.truths
    scored = churn.customers.set_index("customer_id")["churn_probability"]
    hunters = tr.behaviour_group[tr.behaviour_group == "bargain_hunter"].index
    lapsed = scored[scored.index.isin(tr.lapsed_customer_ids)]
    steady = scored[scored.index.isin(hunters) & ~scored.index.isin(tr.lapsed_customer_ids)]
    assert len(lapsed) >= 20 and len(steady) >= 100
    assert lapsed.median() > 1.5 * steady.median()
