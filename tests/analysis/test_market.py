"""Market research figures checked by hand on small fixtures, and the planted truths recovered on the demo."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from salesdash.analysis import market
from salesdash.filters import Filters
from salesdash.store import Store

# Five respondents; the fifth is inconsistent (too cheap 50 > cheap 20) and is left out.
VW_ANSWERS = pd.DataFrame({
    "too_cheap": [10, 10, 20, 20, 50],
    "cheap": [20, 20, 30, 30, 20],
    "expensive": [30, 40, 40, 50, 30],
    "too_expensive": [40, 50, 50, 60, 40],
})


def test_van_westendorp_by_hand():
    vw = market.van_westendorp(VW_ANSWERS)
    assert vw.n == 4 and vw.dropped == 1 and vw.enough
    c = vw.curves.set_index("price")
    assert list(c.index) == [10, 20, 30, 40, 50, 60]  # every price answered by the 4 kept respondents
    # too cheap (answer >= p): 4/4, 2/4, 0 ...; too expensive (answer <= p): 0, 0, 0, 1/4, 3/4, 4/4
    assert list(c["too_cheap"]) == [1, 0.5, 0, 0, 0, 0]
    assert list(c["too_expensive"]) == [0, 0, 0, 0.25, 0.75, 1]
    # cheap (>= p): 1, 1, .5, 0 ...; expensive (<= p): 0, 0, .25, .75, 1, 1
    assert list(c["cheap"]) == [1, 1, 0.5, 0, 0, 0]
    assert list(c["expensive"]) == [0, 0, 0.25, 0.75, 1, 1]
    # OPP: too_cheap − too_expensive = 1, .5, 0 -> reaches 0 exactly at 30
    assert vw.opp == pytest.approx(30)
    # IPP: cheap − expensive = 1, 1, .25, −.75 -> 30 + 10 × .25 / (.25 + .75) = 32.5
    assert vw.ipp == pytest.approx(32.5)
    # PMC: too_cheap − not_cheap = 1 − 0, .5 − 0, 0 − .5 -> 20 + 10 × .5 / (.5 + .5) = 25
    assert vw.pmc == pytest.approx(25)
    # PME: not_expensive − too_expensive = 1, 1, .75, 0 -> 0 at 40
    assert vw.pme == pytest.approx(40)
    assert vw.acceptable_range == (pytest.approx(25), pytest.approx(40))


def test_van_westendorp_takes_the_middle_of_a_tie():
    # too cheap (>= p) at 10..60: 1, .5, 0, 0, 0, 0; too expensive (<= p): 0, 0, 0, 0, .5, 1
    # equal (both 0) at 30 and 40: OPP = (30 + 40) / 2
    vw = market.van_westendorp(pd.DataFrame({"too_cheap": [10, 20], "cheap": [20, 30], "expensive": [30, 40],
                                             "too_expensive": [50, 60]}))
    assert vw.opp == pytest.approx(35)


def test_van_westendorp_keeps_inconsistent_answers_when_asked_and_needs_respondents():
    vw = market.van_westendorp(VW_ANSWERS, consistent_only=False)
    assert vw.n == 5 and vw.dropped == 0
    few = market.van_westendorp(VW_ANSWERS, min_respondents=10)
    assert not few.enough and few.opp is None and "10" in few.reason
    with pytest.raises(ValueError, match="too_expensive"):
        market.van_westendorp(VW_ANSWERS.drop(columns="too_expensive"))


def test_chi_square_by_hand():
    counts = pd.DataFrame({"group": ["a", "a", "b", "b", "c"], "answer": ["high", "low", "high", "low", "high"],
                           "n": [30, 10, 10, 30, 3]})
    res = market.chi_square(counts, min_respondents=10)
    # c (3 respondents) is left out; expected 20 in each of the 4 cells: χ² = 4 × (10² / 20) = 20, 1 dof
    assert res.enough and res.groups == 2 and res.left_out == 1 and res.n == 80
    assert res.statistic == pytest.approx(20.0) and res.dof == 1
    assert res.cramers_v == pytest.approx(np.sqrt(20 / 80))
    assert res.p_value < 0.001 and res.differs
    sparse = market.chi_square(counts.assign(n=[3, 1, 1, 3, 1]), min_respondents=1)
    assert not sparse.enough and sparse.p_value is None and "expected" in sparse.reason


def _tiny_survey(path) -> Store:
    store = Store(path)
    rows = []
    # 25-34 white-collar: 6 respondents, 5 interested (4-5); 45-54 retired: 4 respondents, 1 interested.
    for i, interest in enumerate([5, 5, 4, 4, 5, 2]):
        rows.append(dict(age=28, occupation="white_collar", income_band="high", interest=interest))
    for interest in [1, 2, 4, 3]:
        rows.append(dict(age=50, occupation="retired", income_band="low", interest=interest))
    rows.append(dict(age=16, occupation="student", income_band="low", interest=5))  # under 18: no age band
    df = pd.DataFrame(rows)
    df["response_id"] = [f"s{i}" for i in range(len(df))]
    df["surveyed_at"] = pd.Timestamp("2025-03-10")
    df["category"] = "electronics"
    df["region"] = ["east"] * 6 + ["north"] * 5
    df["purchase_intent"] = df["interest"]
    for q, v in zip(market.PRICE_QUESTIONS, (10, 20, 30, 40)):
        df[q] = float(v)
    df["preferred_channel"] = ["online_store"] * 5 + ["own_store"] * 6
    store.replace_all({"survey_responses": df})
    return store


def test_demand_by_group_and_target_groups_by_hand(tmp_path):
    store = _tiny_survey(tmp_path / "s.duckdb")
    d = market.demand_by_group(store, Filters(), by="age_band", min_respondents=5)
    assert list(d["group"]) == ["25-34", "45-54"]  # the 16-year-old is in no band
    top = d.iloc[0]
    assert top["respondents"] == 6 and top["interest_rate"] == pytest.approx(5 / 6) and top["rank"] == 1
    assert not d.iloc[1]["enough"] and pd.isna(d.iloc[1]["rank"])  # 4 < 5 respondents: too few
    assert d.iloc[1]["mean_interest"] == pytest.approx((1 + 2 + 4 + 3) / 4)

    g = market.target_groups(store, Filters(), dims=("age_band", "occupation"), min_respondents=2)
    best = g.iloc[0]
    assert (best["age_band"], best["occupation"]) == ("25-34", "white_collar")
    # category income mean over the 10 banded respondents: (6 × 5 + 4 × 1) / 10 = 3.4
    assert best["size_share"] == pytest.approx(6 / 10)
    assert best["spending_index"] == pytest.approx(5 / 3.4)
    assert best["score"] == pytest.approx(5 / 6 * 6 / 10 * 5 / 3.4)

    east = market.demand_by_group(store, Filters(regions=("east",)), by="age_band", min_respondents=1)
    assert list(east["respondents"]) == [6]

    pref = market.preferences(store, Filters(), question="preferred_channel", by="region")
    east_online = pref[(pref["group"] == "east") & (pref["answer"] == "online_store")]
    assert east_online["share"].iloc[0] == pytest.approx(5 / 6)


def test_price_sensitivity_from_the_store_matches_the_hand_fixture(tmp_path):
    store = Store(tmp_path / "vw.duckdb")
    df = VW_ANSWERS.astype(float).assign(
        response_id=[f"r{i}" for i in range(5)], surveyed_at=pd.Timestamp("2025-01-05"), category="apparel")
    store.replace_all({"survey_responses": df})
    vw = market.price_sensitivity(store, Filters(), category="apparel", min_respondents=4)
    assert (vw.opp, vw.ipp, vw.pmc, vw.pme) == (pytest.approx(30), pytest.approx(32.5), pytest.approx(25),
                                                 pytest.approx(40))
    assert vw.dropped == 1
    assert not market.price_sensitivity(store, Filters(), category="apparel").enough  # 4 < 30


def test_share_by_hand(tmp_path):
    from tests.tiny_company import build_tiny

    store = build_tiny(tmp_path / "tiny.duckdb")
    march = Filters(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    by_region = market.share_by(store, march, by="region").set_index("key")
    # east: market 2000 (repeated on the X and Y rows), our revenue 100 + 50 + 200; north: 1000 and 150
    assert by_region.loc["east", "market_size"] == 2000 and by_region.loc["east", "our_revenue"] == 350
    assert by_region.loc["east", "our_share"] == pytest.approx(350 / 2000)
    assert by_region.loc["east", "competitor_share"] == pytest.approx((500 + 300) / 2000)
    assert by_region.loc["east", "top_competitor"] == "X"
    assert by_region.loc["north", "our_share"] == pytest.approx(150 / 1000)
    trend = market.share_trend(store, march)
    us = trend[trend["player"] == "us"]
    assert us["share"].iloc[0] == pytest.approx(500 / 3000)
    # a window that holds no whole month has no market figures
    assert market.share_by(store, Filters(start=dt.date(2025, 3, 5), end=dt.date(2025, 3, 20)), by="month").empty


# ----- the demo's planted truths -------------------------------------------------------------------------
def test_demo_highest_interest_group(demo_store, demo_company):
    """Truth 8: 25-34 white-collar respondents asked about electronics are the most interested group."""
    age_band, occupation, category = demo_company.truths.highest_interest_group
    groups = market.target_groups(demo_store, Filters(), dims=("age_band", "occupation"), category=category)
    ranked = groups[groups["enough"]].sort_values("mean_interest", ascending=False)
    first = ranked.iloc[0]
    assert (first["age_band"], first["occupation"]) == (age_band, occupation)
    if len(ranked) > 1:
        assert first["mean_interest"] - ranked.iloc[1]["mean_interest"] >= 0.5
    # and the target-group finder (interest x size x spending power, every category) ranks it first
    finder = market.target_groups(demo_store, Filters())
    top = finder.iloc[0]
    assert (top["category"], top["age_band"], top["occupation"]) == (category, age_band, occupation)
    assert top["rank"] == 1
    # interest differs between categories (the planted group lifts electronics)
    assert market.group_difference(demo_store, Filters(), by="category").differs


def test_demo_optimal_price(tmp_path, demo_store, demo_company):
    """Truth 8: Van Westendorp answers are drawn around a planted optimal price per category.

    The too-cheap and too-expensive curves cross deep in their tails (about 0.4% of respondents each), so
    the crossing rests on a handful of answers: at the shared demo's scale (about 100 respondents per
    category) it misses the planted price by up to about 13%. The 5% recovery is checked on the same
    generator's survey at scale 3 (1,300-3,600 respondents per category); the shared demo is checked for a
    sane ordering of the price points.
    """
    from salesdash import demo
    from tests.conftest import DEMO_PARAMS

    big = demo.generate(**{**DEMO_PARAMS, "scale": 3.0})
    store = Store(tmp_path / "survey.duckdb")
    store.replace_all({"survey_responses": big.tables["survey_responses"]})
    points = market.price_points(store, Filters()).set_index("category")
    for category, price in big.truths.optimal_price.items():
        assert points.loc[category, "enough"]
        assert points.loc[category, "opp"] == pytest.approx(price, rel=0.05), category
    for category, price in demo_company.truths.optimal_price.items():
        vw = market.price_sensitivity(demo_store, Filters(), category=category)
        assert vw.enough and vw.dropped == 0
        assert vw.pmc < vw.opp < vw.pme and vw.pmc < vw.ipp < vw.pme
        assert vw.pmc < price < vw.pme  # the planted price is inside the range of acceptable prices


def test_demo_share_and_report(demo_store):
    """The demo's market size is our sales ÷ a share of 8-30%, so every region's share lands there."""
    by_region = market.share_by(demo_store, Filters(), by="region")
    assert len(by_region) == 7
    assert by_region["our_share"].between(0.08, 0.30).all()
    assert (by_region["competitor_share"] + by_region["our_share"]).round(6).le(1.0).all()
    js = market.report_json(demo_store, Filters())
    import json

    json.dumps(js)  # plain JSON
    assert js["respondents"] > 0 and 0.08 <= js["market_share"] <= 0.30
    assert {p["category"] for p in js["prices"]} == {"electronics", "home_appliances", "personal_care", "apparel",
                                                      "food_beverage"}
    assert js["target_groups"][0]["age_band"] == "25-34"
