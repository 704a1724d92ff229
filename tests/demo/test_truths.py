"""Every planted truth (salesdash/demo/truths.py) is found in the data the way an analyst would find it.

The figures are computed from the generated tables only; Truths supplies just the names to look for
(which channel, which team, which customer...), never the answer itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from salesdash import schema
from tests.demo.companies import TODAY, company

TODAY_TS = pd.Timestamp(TODAY)


def _monthly_revenue(tables) -> pd.Series:
    o = tables["orders"]
    return o.groupby(o["order_date"].dt.to_period("M"))["revenue"].sum()


# ----- 1. behavioural groups ---------------------------------------------------------------------------------

def rfm_features(orders: pd.DataFrame, today: pd.Timestamp) -> pd.DataFrame:
    per = orders.groupby("customer_id").agg(
        last=("order_date", "max"), orders=("order_id", "nunique"), revenue=("revenue", "sum"),
        discount_share=("discount", lambda d: (d > 0).mean()),
    )
    per["recency_days"] = (today - per["last"]).dt.days
    return per


@pytest.mark.parametrize("scale, seed", [(0.1, 1), (0.1, 2), (0.2, 7), (0.3, 3), (1.0, 4), (2.0, 5)])
def test_1_behaviour_groups_are_recovered_by_kmeans(scale, seed):
    c = company(scale, seed)
    f = rfm_features(c.tables["orders"], TODAY_TS)
    x = np.column_stack([np.log1p(f["recency_days"]), np.log1p(f["orders"]), np.log1p(f["revenue"]),
                         f["discount_share"]])
    labels = KMeans(n_clusters=4, n_init=10, random_state=0).fit_predict(StandardScaler().fit_transform(x))
    truth = c.truths.behaviour_group.reindex(f.index)
    assert truth.notna().all() and len(truth) == len(c.truths.behaviour_group)
    assert adjusted_rand_score(truth, labels) >= 0.8


def test_1_groups_differ_in_recency_frequency_money_and_discounts(demo_company):
    f = rfm_features(demo_company.tables["orders"], TODAY_TS).join(demo_company.truths.behaviour_group)
    g = f.groupby("group")[["recency_days", "orders", "revenue", "discount_share"]].median()
    assert g["recency_days"].idxmax() == "dormant" and g["recency_days"].idxmin() == "vip"
    assert g["orders"].idxmax() == "vip" and g["orders"].idxmin() == "dormant"
    assert g["discount_share"].idxmax() == "bargain_hunter"
    assert g.loc["occasional_big", "revenue"] > g.loc["bargain_hunter", "revenue"] > g.loc["dormant", "revenue"]
    customers = demo_company.tables["customers"]
    assert 0.03 < 1 - len(f) / len(customers) < 0.15, "some customer records are leads that never bought"


# ----- 2. one channel wins twice as often ---------------------------------------------------------------------

def test_2_fast_channel_wins_twice_as_often_as_the_slow_one(demo_company):
    t = demo_company.truths
    opps = demo_company.tables["opportunities"]
    closed = opps[opps["status"].isin(["won", "lost"])]
    table = pd.crosstab(closed["channel_id"], closed["status"])
    rate = table["won"] / table.sum(axis=1)
    assert rate[t.fast_channel_id] / rate[t.slow_channel_id] == pytest.approx(2.0, rel=0.2)
    assert rate.idxmax() == t.fast_channel_id
    assert table.loc[[t.fast_channel_id, t.slow_channel_id]].sum(axis=1).min() >= 300
    _, p, _, _ = chi2_contingency(table.loc[[t.fast_channel_id, t.slow_channel_id]])
    assert p < 0.01
    rest = table.drop(index=t.fast_channel_id).sum()
    assert rate[t.fast_channel_id] / (rest["won"] / rest.sum()) == pytest.approx(2.0, rel=0.2)


def test_2_funnel_drop_off(demo_company):
    opps = demo_company.tables["opportunities"]
    reached = opps["stage"].map({s: i for i, s in enumerate(schema.STAGES)})
    closed = opps["status"] != "open"
    counts = [(reached[closed] >= i).sum() for i in range(4)]
    assert counts[1] / counts[0] == pytest.approx(0.62, abs=0.06)
    assert counts[2] / counts[1] == pytest.approx(0.58, abs=0.07)
    assert counts[3] / counts[2] == pytest.approx(0.47, abs=0.07)


# ----- 3. December peak -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("scale, seed", [(0.2, 7), (1.0, 7), (0.3, 9)])
def test_3_december_peaks_in_every_full_year(scale, seed):
    monthly = _monthly_revenue(company(scale, seed).tables)
    monthly = monthly[monthly.index < TODAY_TS.to_period("M")]  # the current month is partial
    full_years = [y for y, n in monthly.groupby(monthly.index.year).size().items() if n == 12]
    assert len(full_years) >= 2
    for year in full_years:
        months = monthly[monthly.index.year == year]
        ratio = months[months.index.month == 12].iloc[0] / months.mean()
        assert 1.6 <= ratio <= 1.8, (year, ratio)
        assert months.idxmax().month == 12
        assert months.index[months.argmin()].month == 2, "the Spring Festival dip"
        assert months[months.index.month == 11].iloc[0] > months.mean() * 1.15, "Double 11"
    growth = monthly[monthly.index.year == full_years[-1]].sum() / monthly[monthly.index.year == full_years[-2]].sum()
    assert 1.08 < growth < 1.25


def test_3_a_seasonal_model_beats_seasonal_naive():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    monthly = _monthly_revenue(company(1.0, 7).tables)
    monthly = monthly[monthly.index < TODAY_TS.to_period("M")]
    train, test = monthly.iloc[:-11], monthly.iloc[-11:]
    model = ExponentialSmoothing(train.to_numpy(), trend="add", seasonal="mul", seasonal_periods=12).fit()
    forecast = model.forecast(len(test))
    naive = monthly.shift(12).iloc[-11:].to_numpy()
    mape = lambda f: np.mean(np.abs(f - test.to_numpy()) / test.to_numpy())  # noqa: E731
    assert mape(forecast) < mape(naive)


# ----- 4. slipping deals ----------------------------------------------------------------------------------------

def _pushes(snapshots: pd.DataFrame) -> pd.Series:
    s = snapshots.sort_values(["opportunity_id", "snapshot_date"])
    moved_later = s.groupby("opportunity_id")["expected_close_date"].diff() > pd.Timedelta(0)
    return moved_later.groupby(s["opportunity_id"]).sum()


@pytest.mark.parametrize("scale, seed", [(0.2, 7), (1.0, 7)])
def test_4_slipping_deals_are_the_ones_pushed_twice(scale, seed):
    c = company(scale, seed)
    snaps = c.tables["opportunity_snapshots"]
    last = snaps[snaps["snapshot_date"] == snaps["snapshot_date"].max()]
    open_now = last.loc[last["status"] == "open", "opportunity_id"]
    pushes = _pushes(snaps).reindex(open_now, fill_value=0)
    slipping = set(pushes.index[pushes >= 2])
    assert slipping == set(c.truths.slipping_opportunity_ids)
    assert len(slipping) / len(open_now) == pytest.approx(0.05, abs=0.015)
    assert (pushes == 1).sum() > 0, "other deals move too, once"


# ----- 5. underperforming team ----------------------------------------------------------------------------------

def test_5_one_team_at_sixty_percent_of_quota(demo_company):
    t = demo_company.tables
    team_of = t["reps"].set_index("rep_id")["team"]
    orders = t["orders"].dropna(subset=["rep_id"])
    revenue = orders.groupby(orders["rep_id"].map(team_of))["revenue"].sum()
    targets = t["targets"][t["targets"]["month"] <= TODAY_TS]
    quota = targets.groupby(targets["rep_id"].map(team_of))["target_amount"].sum()
    attainment = revenue / quota
    worst = demo_company.truths.underperforming_team
    assert attainment[worst] == pytest.approx(0.60, abs=0.05)
    assert attainment.drop(worst).between(0.85, 1.15).all(), attainment


def test_5_new_hires_ramp_up():
    t = company(1.0, 7).tables
    reps, orders = t["reps"], t["orders"].dropna(subset=["rep_id"]).drop_duplicates("order_id")
    new = reps.loc[reps["hire_date"] > TODAY_TS - pd.Timedelta(days=365), ["rep_id", "hire_date"]]
    o = orders.merge(new, on="rep_id")
    tenure = (o["order_date"] - o["hire_date"]).dt.days // 30
    served = ((TODAY_TS - new["hire_date"]).dt.days // 30).to_numpy()  # full months each rep has served
    reps_in_month = pd.Series({k: int((served > k).sum()) for k in range(12)})
    per_month = (o[tenure < served.max()].groupby(tenure).size() / reps_in_month).dropna()
    assert per_month.loc[0] < 0.5 * per_month.loc[4:6].mean()
    assert per_month.loc[0] < per_month.loc[2] < per_month.loc[4:6].mean() * 1.1


# ----- 6. concentration -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("scale, seed", [(0.2, 7), (0.1, 2), (1.0, 7)])
def test_6_one_customer_holds_a_quarter_of_a_region(scale, seed):
    c = company(scale, seed)
    o = c.tables["orders"].merge(c.tables["customers"][["customer_id", "region"]])
    by_customer = o.groupby(["region", "customer_id"])["revenue"].sum()
    share = by_customer / by_customer.groupby(level="region").transform("sum")
    planted = (c.truths.concentrated_region, c.truths.concentrated_customer_id)
    assert share[planted] == pytest.approx(0.25, abs=0.03)
    assert share.drop(planted).max() < 0.10


# ----- 7. presale conversion ----------------------------------------------------------------------------------

def test_7_member_only_campaigns_convert_deposits_best(demo_company):
    t = demo_company.tables
    r = t["reservations"].merge(t["campaigns"][["campaign_id", "type", "start_date", "end_date"]])
    finished = r[r["status"] != "pending"]
    conversion = (finished["status"] == "converted").groupby(finished["type"]).mean()
    assert conversion.idxmax() == demo_company.truths.best_campaign_type == "member_only"
    assert conversion["member_only"] == pytest.approx(0.80, abs=0.06)
    assert conversion.drop("member_only").between(0.45, 0.70).all(), conversion
    # reservations are front-loaded: half arrive within the first fifth of the campaign
    length = (r["end_date"] - r["start_date"]).dt.days + 1
    position = (r["reserved_at"] - r["start_date"]).dt.total_seconds() / 86400 / length
    assert position.median() < 0.2


def test_7_campaigns_lift_their_product(demo_company):
    t = demo_company.tables
    o = t["orders"]
    lifts = []
    for c in t["campaigns"].itertuples():  # ~24 campaigns
        sold = o[o["product_id"] == c.product_id].groupby("order_date")["quantity"].sum()
        during = sold[(sold.index >= c.start_date) & (sold.index <= c.end_date + pd.Timedelta(days=3))].sum()
        before = sold[(sold.index >= c.start_date - pd.Timedelta(days=56)) & (sold.index < c.start_date)].sum()
        days = (c.end_date - c.start_date).days + 4
        lifts.append((during / days) / max(before / 56, 1e-9))
    assert np.median(lifts) > 2 and np.mean(np.array(lifts) > 1.5) > 0.8


# ----- 8. survey ------------------------------------------------------------------------------------------------

def _age_band(age: pd.Series) -> pd.Series:
    return pd.cut(age, [17, 24, 34, 44, 54, 200], labels=["18-24", "25-34", "35-44", "45-54", "55-70"])


def test_8_young_white_collar_are_most_interested_in_electronics():
    c = company(1.0, 7)
    s = c.tables["survey_responses"]
    band, occupation, category = c.truths.highest_interest_group
    e = s[s["category"] == category]
    groups = e.groupby([_age_band(e["age"]), e["occupation"]], observed=True)["interest"].agg(["mean", "size"])
    groups = groups[groups["size"] >= 30].sort_values("mean", ascending=False)
    assert groups.index[0] == (band, occupation)
    assert groups["mean"].iloc[0] - groups["mean"].iloc[1] >= 0.5


def van_westendorp_optimal(s: pd.DataFrame) -> float:
    """The price where the share finding it too cheap meets the share finding it too expensive."""
    grid = np.linspace(s["too_cheap"].min(), s["too_expensive"].max(), 2000)
    too_cheap = (s["too_cheap"].to_numpy()[None, :] >= grid[:, None]).mean(axis=1)
    too_expensive = (s["too_expensive"].to_numpy()[None, :] <= grid[:, None]).mean(axis=1)
    return float(grid[np.argmax(too_expensive >= too_cheap)])


@pytest.mark.parametrize("scale, seed", [(1.0, 7), (0.2, 7)])
def test_8_van_westendorp_optimal_price(scale, seed):
    c = company(scale, seed)
    s = c.tables["survey_responses"]
    assert (s["too_cheap"] <= s["cheap"]).all() and (s["cheap"] <= s["expensive"]).all()
    assert (s["expensive"] <= s["too_expensive"]).all()
    for category, price in c.truths.optimal_price.items():
        found = van_westendorp_optimal(s[s["category"] == category])
        assert found == pytest.approx(price, rel=0.05), category


# ----- 9. quality complaints and churn --------------------------------------------------------------------------

@pytest.mark.parametrize("scale, seed", [(0.2, 7), (1.0, 7)])
def test_9_quality_complainants_churn_twice_as_often(scale, seed):
    c = company(scale, seed)
    o, complaints = c.tables["orders"], c.tables["complaints"]
    window = c.truths.churn_window_days
    churn_start = TODAY_TS - pd.Timedelta(days=window - 1)
    half_year = (o["order_date"] >= churn_start - pd.Timedelta(days=180)) & (o["order_date"] < churn_start)
    active = set(o.loc[half_year, "customer_id"])
    recent = set(o.loc[o["order_date"] >= churn_start, "customer_id"])
    quality = complaints[(complaints["category"] == c.truths.churn_complaint_category)
                         & (complaints["opened_at"] >= churn_start - pd.Timedelta(days=180))
                         & (complaints["opened_at"] < churn_start + pd.Timedelta(days=15))]
    complainants = active & set(quality["customer_id"])
    calm = active - set(complaints["customer_id"])
    churn = lambda who: np.mean([x not in recent for x in who])  # noqa: E731
    assert len(complainants) >= 15
    ratio = churn(complainants) / churn(calm)
    assert 1.6 <= ratio <= 2.6, (churn(complainants), churn(calm))


# ----- 10. retention cohort -------------------------------------------------------------------------------------

@pytest.mark.parametrize("scale, seed", [(0.2, 7), (1.0, 7), (0.3, 9)])
def test_10_one_cohort_comes_back_more(scale, seed):
    c = company(scale, seed)
    o = c.tables["orders"][["customer_id", "order_date"]].drop_duplicates()
    first = o.groupby("customer_id")["order_date"].min().rename("first")
    o = o.join(first, on="customer_id")
    again = o[(o["order_date"] > o["first"]) & (o["order_date"] <= o["first"] + pd.Timedelta(days=180))]
    came_back = first.index.isin(again["customer_id"])
    cohorts = pd.DataFrame({"cohort": first.dt.to_period("M"), "back": came_back}, index=first.index)
    cohorts = cohorts[first <= TODAY_TS - pd.Timedelta(days=180)]
    rate = cohorts.groupby("cohort")["back"].agg(["mean", "size"])
    rate = rate[rate["size"] >= 10]["mean"]
    best = pd.Period(c.truths.best_retention_cohort, "M")
    assert rate.idxmax() == best
    assert rate[best] >= 1.5 * rate.median()
    assert rate.drop(best).max() < rate[best] - 0.05

    # the cohort heatmap: share of each cohort ordering in month k = 1..6 after its first month
    cohort_of = first.dt.to_period("M")
    month_number = lambda d: d.dt.year * 12 + d.dt.month  # noqa: E731
    o["k"] = month_number(o["order_date"]) - month_number(o["first"])
    active = o[o["k"].between(1, 6)].drop_duplicates(["customer_id", "k"])
    size = cohort_of.value_counts()
    heat = active.groupby([cohort_of[active["customer_id"]].to_numpy(), "k"]).size().unstack(fill_value=0)
    heat = heat.div(size.reindex(heat.index), axis=0).mean(axis=1)
    heat = heat[(size.reindex(heat.index) >= 10) & (heat.index <= (TODAY_TS - pd.Timedelta(days=200)).to_period("M"))]
    assert heat.idxmax() == best and heat[best] >= 2 * heat.median()


# ----- 11. days in stage ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("scale, seed", [(0.2, 7), (1.0, 7)])
def test_11_median_days_in_stage(scale, seed):
    c = company(scale, seed)
    sh = c.tables["stage_history"].pivot(index="opportunity_id", columns="stage", values="entered_at")
    for stage, following in zip(schema.STAGES[:-1], schema.STAGES[1:]):
        days = ((sh[following] - sh[stage]).dt.total_seconds() / 86400).dropna()
        assert days.median() == pytest.approx(c.truths.stage_median_days[stage], abs=2), stage
        assert days.mean() > days.median(), "right-skewed"
