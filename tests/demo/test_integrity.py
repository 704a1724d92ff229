"""The demo keeps the schema's contract and is consistent with itself, table by table and across tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesdash import schema
from salesdash.demo import reference as ref
from tests.demo.companies import TODAY, company
from tests.demo.schema_check import problems

END_OF_TODAY = pd.Timestamp(TODAY) + pd.Timedelta(days=1)


@pytest.mark.parametrize("scale, seed", [(0.2, 7), (0.05, 3), (1.0, 7)])
def test_tables_keep_the_schema_contract(scale, seed):
    assert problems(company(scale, seed).tables) == []


def test_the_schema_check_catches_broken_data(demo_company):
    broken = {name: frame.copy() for name, frame in demo_company.tables.items()}
    broken["orders"].loc[0, "customer_id"] = "C999999"
    broken["opportunities"].loc[1, "stage"] = "negotiation"
    broken["feedback"].loc[2, "nps"] = 11
    broken["customers"].loc[3, "customer_id"] = broken["customers"].loc[4, "customer_id"]
    broken["orders"].loc[5, "order_date"] = pd.NaT
    found = "\n".join(problems(broken))
    for expected in ("references to missing customers.customer_id, e.g. 'C999999'",
                     "opportunities.stage: codes ['negotiation']",
                     "feedback.nps: 1 values above 10", "customers: 1 duplicate keys",
                     "orders.order_date: 1 missing required values"):
        assert expected in found, found


def test_codes_follow_the_brief(demo_company):
    t = demo_company.tables
    assert set(t["customers"]["region"]) == set(ref.REGIONS)
    assert set(t["customers"]["country"]) == {"China"}
    assert set(t["customers"]["income_band"].dropna()) == set(schema.INCOME_BANDS)
    assert set(t["customers"]["occupation"].dropna()) == set(ref.OCCUPATIONS)
    assert set(t["products"]["category"]) == set(ref.CATEGORIES)
    assert set(t["campaigns"]["type"]) == set(schema.CAMPAIGN_TYPES)
    assert set(t["opportunities"]["lost_reason"].dropna()) == set(ref.LOST_REASONS)
    assert set(t["opportunities"]["source"]) == set(ref.LEAD_SOURCES)
    assert set(t["complaints"]["category"]) == set(ref.COMPLAINT_CATEGORIES)
    assert set(t["feedback"]["language"].dropna()) == {"en", "zh"}
    assert set(t["survey_responses"]["preferred_channel"]) <= set(schema.CHANNEL_TYPES)
    assert set(t["survey_responses"]["brand_used"]) == {"Our brand", "Huaxing", "Meida", "Lianchuang", "Others"}
    assert set(t["market"]["competitor"]) == {"Huaxing", "Meida", "Lianchuang", "Others"}
    assert set(t["reps"]["team"]) == {"North", "East", "South", "West", "Key Accounts"}
    assert set(t["customers"]["city_tier"]) == {1, 2, 3, 4}


def test_customers_look_like_people_and_companies(demo_company):
    c = demo_company.tables["customers"]
    people, companies = c[c["kind"] == "person"], c[c["kind"] == "company"]
    assert 0.8 < len(people) / len(c) < 0.95
    assert people["name"].str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()
    assert people[["gender", "birth_year", "income_band", "occupation"]].notna().all().all()
    assert companies[["industry", "company_size"]].notna().all().all()
    assert companies["gender"].isna().all() and companies["birth_year"].isna().all()
    assert companies["name"].str.contains(r"Co\., Ltd\.").all()
    assert 0.2 < c["is_member"].mean() < 0.4
    ages = TODAY.year - people["birth_year"]
    assert ages.between(18, 80).all()
    # one province and one region per city, as in reality
    assert (c.groupby("city")[["province", "region", "city_tier"]].nunique() == 1).all().all()


def test_order_lines_add_up(demo_company):
    o = demo_company.tables["orders"]
    assert np.allclose(o["revenue"], o["quantity"] * o["unit_price"] * (1 - o["discount"]), atol=0.01)
    assert (o["quantity"] >= 1).all() and (o["quantity"] == o["quantity"].round()).all()
    # lines are numbered 1..n within an order, and an order has one customer, day and channel
    assert (o.groupby("order_id")["line"].agg(lambda s: list(s) == list(range(1, len(s) + 1)))).all()
    assert (o.groupby("order_id")[["customer_id", "order_date", "channel_id"]].nunique() == 1).all().all()
    assert o["rep_id"].notna().mean() > 0.6, "most lines carry a rep"


def test_margins_differ_by_category_and_channel(demo_company):
    o = demo_company.tables["orders"].merge(demo_company.tables["products"][["product_id", "category"]])
    o = o.merge(demo_company.tables["channels"][["channel_id", "kind"]])
    margin = lambda g: 1 - g["cost"].sum() / g["revenue"].sum()  # noqa: E731
    by_category = o.groupby("category").apply(margin, include_groups=False)
    assert by_category["apparel"] > by_category["personal_care"] > by_category["home_appliances"] > \
        by_category["electronics"]
    by_kind = o.groupby("kind").apply(margin, include_groups=False)
    assert by_kind["indirect"] < by_kind["direct"] - 0.05


def test_payments(demo_company):
    o = demo_company.tables["orders"].merge(demo_company.tables["customers"][["customer_id", "kind"]])
    person, company_ = o[o["kind"] == "person"], o[o["kind"] == "company"]
    assert (person["due_date"] == person["order_date"]).all()
    assert ((company_["due_date"] - company_["order_date"]).dt.days == 30).all()
    paid = o.dropna(subset=["paid_date"])
    assert (paid["paid_date"] >= paid["order_date"]).all() and (paid["paid_date"] <= pd.Timestamp(TODAY)).all()
    late = (company_["paid_date"] > company_["due_date"]).mean()
    assert 0.1 < late < 0.4
    long_due = company_["due_date"] < pd.Timestamp(TODAY) - pd.Timedelta(days=90)
    overdue = company_[company_["paid_date"].isna() & long_due]
    assert len(overdue) > 0, "some old receivables are still unpaid"


def test_every_timestamp_is_inside_the_history(demo_company):
    start = pd.Timestamp(demo_company.truths.history_start)
    for name, frame in demo_company.tables.items():
        for column in schema.table(name).columns:
            if column.type not in ("date", "timestamp") or column.name not in frame:
                continue
            values = frame[column.name].dropna()
            if name in ("targets", "opportunities", "opportunity_snapshots") and column.name in (
                    "month", "expected_close_date"):
                continue  # targets and expected close dates look ahead
            if (name, column.name) in (("customers", "signup_date"), ("products", "launch_date"),
                                       ("reps", "hire_date"), ("orders", "due_date"),
                                       ("campaigns", "end_date")):
                assert (values < END_OF_TODAY + pd.Timedelta(days=31)).all(), (name, column.name)
                continue
            assert values.between(start, END_OF_TODAY).all(), (name, column.name)


def test_stage_history_is_ordered_and_inside_the_deal(demo_company):
    opps = demo_company.tables["opportunities"].set_index("opportunity_id")
    sh = demo_company.tables["stage_history"].copy()
    sh["rank"] = sh["stage"].map({s: i for i, s in enumerate(schema.STAGES)})
    sh = sh.sort_values(["opportunity_id", "rank"])
    assert (sh.groupby("opportunity_id")["rank"].agg(lambda r: list(r) == list(range(len(r))))).all(), \
        "stages are entered in order, none skipped"
    assert (sh.groupby("opportunity_id")["entered_at"].diff().dropna() > pd.Timedelta(0)).all()
    sh = sh.join(opps[["created_at", "closed_at", "stage", "status"]], on="opportunity_id", suffixes=("", "_now"))
    assert (sh["entered_at"] >= sh["created_at"]).all()
    closed = sh.dropna(subset=["closed_at"])
    assert (closed["entered_at"] <= closed["closed_at"]).all()
    first = sh.groupby("opportunity_id").first()
    assert (first["entered_at"] == first["created_at"]).all()
    last = sh.groupby("opportunity_id").last()
    assert (last["stage"] == last["stage_now"]).all(), "the deal's stage is the furthest it reached"
    won = last[last["status"] == "won"]
    assert (won["entered_at"] == won["closed_at"]).all()


def test_opportunity_fields_agree_with_status(demo_company):
    o = demo_company.tables["opportunities"]
    won, lost, open_ = (o[o["status"] == s] for s in ("won", "lost", "open"))
    assert (won["stage"] == "won").all() and (won["probability"] == 1.0).all()
    assert (lost["stage"] != "won").all() and lost["lost_reason"].notna().all() and (lost["probability"] == 0).all()
    assert open_["closed_at"].isna().all() and open_["lost_reason"].isna().all()
    assert (open_["stage"] != "won").all()
    assert won["closed_at"].notna().all() and lost["closed_at"].notna().all()
    assert (o["closed_at"].dropna() >= o.loc[o["closed_at"].notna(), "created_at"]).all()
    by_stage = open_.groupby("stage")["probability"].mean()
    assert by_stage["prospect"] < by_stage["intent"] < by_stage["engaged"]
    # deals still open are recent
    assert (open_["created_at"] > pd.Timestamp(TODAY) - pd.Timedelta(days=200)).all()
    # lost reasons are Pareto-like: price and competitor lead
    reasons = lost["lost_reason"].value_counts(normalize=True)
    assert list(reasons.index[:2]) == ["price", "competitor"] and reasons.iloc[:2].sum() > 0.45


def test_won_deals_are_orders(demo_company):
    """Every won deal is an order of its customer on the close day, for the deal's amount."""
    o = demo_company.tables["orders"]
    orders = o.groupby("order_id").agg(customer_id=("customer_id", "first"), day=("order_date", "first"),
                                       value=("revenue", "sum")).reset_index()
    won = demo_company.tables["opportunities"].query("status == 'won'").copy()
    won["day"] = won["closed_at"].dt.normalize()
    matched = won.merge(orders, on=["customer_id", "day"], how="left")
    matched["hit"] = (matched["value"] - matched["amount"]).abs() < 0.01
    assert matched.groupby("opportunity_id")["hit"].any().all()


def test_snapshots_agree_with_the_opportunities(demo_company):
    snaps = demo_company.tables["opportunity_snapshots"]
    opps = demo_company.tables["opportunities"].set_index("opportunity_id")
    days = sorted(snaps["snapshot_date"].unique())
    assert len(days) == 13 and days[-1] == pd.Timestamp(TODAY)
    assert all(d.day == 1 for d in days[:-1])
    today = snaps[snaps["snapshot_date"] == days[-1]].set_index("opportunity_id")
    still_open = opps[opps["status"] == "open"]
    assert set(today.index[today["status"] == "open"]) == set(still_open.index)
    joined = today.join(opps, suffixes=("", "_now"))
    for col in ("stage", "status", "amount", "expected_close_date"):
        assert (joined[col] == joined[f"{col}_now"]).all(), col
    # a deal never appears before it was created, nor long after it closed
    snaps = snaps.join(opps[["created_at", "closed_at"]], on="opportunity_id")
    assert (snaps["created_at"] <= snaps["snapshot_date"] + pd.Timedelta(days=1)).all()
    closed = snaps.dropna(subset=["closed_at"])
    assert (closed["closed_at"] > closed["snapshot_date"] - pd.Timedelta(days=32)).all()
    # some amounts change between snapshots
    changed = snaps.groupby("opportunity_id")["amount"].nunique()
    assert (changed > 1).any()


def test_reservations_point_at_their_orders(demo_company):
    t = demo_company.tables
    r = t["reservations"].merge(t["campaigns"][["campaign_id", "product_id", "start_date", "end_date",
                                                 "discount"]], on="campaign_id")
    converted = r[r["status"] == "converted"]
    assert converted["final_paid_at"].notna().all() and converted["order_id"].notna().all()
    assert r.loc[r["status"] != "converted", ["final_paid_at", "order_id"]].isna().all().all()
    lines = t["orders"].set_index("order_id")
    assert converted["order_id"].isin(lines.index).all()
    line = lines.loc[converted["order_id"]]
    assert (line["product_id"].to_numpy() == converted["product_id"].to_numpy()).all()
    assert (line["campaign_id"].to_numpy() == converted["campaign_id"].to_numpy()).all()
    assert (line["customer_id"].to_numpy() == converted["customer_id"].to_numpy()).all()
    assert (line["order_date"].to_numpy() == converted["final_paid_at"].dt.normalize().to_numpy()).all()
    assert (r["reserved_at"] >= r["start_date"]).all()
    assert (r["reserved_at"] < r["end_date"] + pd.Timedelta(days=1)).all()
    assert (converted["final_paid_at"] > converted["reserved_at"]).all()
    assert (r["deposit"] > 0).all()
    assert set(r["status"]) == {"pending", "converted", "cancelled", "refunded"}
    running = r["end_date"] >= pd.Timestamp(TODAY)
    assert (r.loc[running, "status"] == "pending").all() and (r.loc[~running, "status"] != "pending").all()


def test_activities_belong_to_their_deals(demo_company):
    a = demo_company.tables["activities"]
    opps = demo_company.tables["opportunities"].set_index("opportunity_id")
    on_deal = a.dropna(subset=["opportunity_id"]).join(opps[["created_at", "closed_at", "customer_id", "rep_id",
                                                             "status"]], on="opportunity_id", suffixes=("", "_deal"))
    assert (on_deal["occurred_at"] >= on_deal["created_at"]).all()
    closed = on_deal.dropna(subset=["closed_at"])
    assert (closed["occurred_at"] <= closed["closed_at"]).all()
    assert (on_deal["customer_id"] == on_deal["customer_id_deal"]).all()
    assert (on_deal["rep_id"] == on_deal["rep_id_deal"]).all()
    per_deal = on_deal.groupby("opportunity_id").size().reindex(opps.index, fill_value=0)
    assert per_deal[opps["status"] == "won"].mean() > per_deal[opps["status"] == "lost"].mean() + 2
    # some open deals have had no activity for 30 days or more
    open_ids = opps.index[opps["status"] == "open"]
    last = on_deal.groupby("opportunity_id")["occurred_at"].max().reindex(open_ids)
    quiet = last.isna() | (last < pd.Timestamp(TODAY) - pd.Timedelta(days=30))
    assert 0.03 < quiet.mean() < 0.5


def test_complaints_and_feedback(demo_company):
    t = demo_company.tables
    c = t["complaints"]
    assert c["order_id"].isin(t["orders"]["order_id"]).all()
    resolved = c[c["status"] == "resolved"]
    assert resolved["resolved_at"].notna().all() and c.loc[c["status"] != "resolved", "resolved_at"].isna().all()
    hours = (resolved["resolved_at"] - resolved["opened_at"]).dt.total_seconds() / 3600
    assert (hours > 0).all() and 0.6 < (hours <= 72).mean() < 0.95 and (hours > 24 * 10).any()
    f = t["feedback"]
    assert f["nps"].between(0, 10).all() and f["csat"].between(1, 5).all()
    assert 0.6 < (f["language"] == "zh").sum() / f["comment"].notna().sum() < 0.9
    zh = f[f["language"] == "zh"]["comment"]
    assert zh.str.contains(r"[\u4e00-\u9fff]").all()
    promoters, detractors = f[f["nps"] >= 9], f[f["nps"] <= 6]
    praise = {x for (_, mood, _), texts in ref.FEEDBACK_TEMPLATES.items() if mood == "positive" for x in texts}
    gripes = {x for (_, mood, _), texts in ref.FEEDBACK_TEMPLATES.items() if mood == "negative" for x in texts}
    assert promoters["comment"].dropna().isin(praise).all()
    assert detractors["comment"].dropna().isin(gripes).all()
    assert f["comment"].dropna().nunique() > 40
    assert f["csat"].corr(f["nps"]) > 0.6


def test_market_adds_up(demo_company):
    m = demo_company.tables["market"]
    cells = m.groupby(["month", "region", "category"]).agg(size=("market_size", "first"),
                                                           sizes=("market_size", "nunique"),
                                                           competitors=("competitor_sales", "sum"))
    assert (cells["sizes"] == 1).all()
    our_share = 1 - cells["competitors"] / cells["size"]
    assert our_share.between(0.07, 0.31).all()
    assert 0.1 < our_share.mean() < 0.25
    o = demo_company.tables["orders"].merge(demo_company.tables["customers"][["customer_id", "region"]])
    total_market = cells["size"].sum()
    assert 0.1 < o["revenue"].sum() / total_market < 0.25, "our sales are 10-25% of the market"


def test_marketing_spend(demo_company):
    s = demo_company.tables["marketing_spend"]
    campaigns = demo_company.tables["campaigns"].set_index("campaign_id")
    per_campaign = s.dropna(subset=["campaign_id"]).groupby("campaign_id")["spend"].sum()
    assert set(per_campaign.index) == set(campaigns.index)
    ended = campaigns.index[campaigns["end_date"] < pd.Timestamp(TODAY).replace(day=1)]
    assert np.allclose(per_campaign[ended], campaigns.loc[ended, "budget"], rtol=0.02)
    running = campaigns.index.difference(ended)
    assert (per_campaign[running] <= campaigns.loc[running, "budget"]).all(), "no spend booked in the future"
    channel_months = s[s["campaign_id"].isna()].groupby("channel_id")["month"].nunique()
    assert (channel_months == 36).all() and len(channel_months) == 8


def test_targets_cover_every_rep_month(demo_company):
    t = demo_company.tables["targets"].merge(demo_company.tables["reps"][["rep_id", "hire_date"]])
    per_rep = t.groupby("rep_id")["month"].agg(["min", "max", "count"])
    assert (per_rep["max"] == pd.Timestamp("2027-02-01")).all()
    months = lambda d: d.dt.year * 12 + d.dt.month  # noqa: E731
    span = months(per_rep["max"]) - months(per_rep["min"]) + 1
    assert (per_rep["count"] == span).all(), "no gaps"
    assert (t["month"] + pd.offsets.MonthEnd(0) >= t["hire_date"]).all()
    new_hires = demo_company.tables["reps"]["hire_date"] > pd.Timestamp(TODAY) - pd.Timedelta(days=365)
    assert 3 <= new_hires.sum() <= 6
