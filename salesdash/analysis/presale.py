"""Presale campaigns: results, conversion, ROI, lift against a baseline, early demand forecast, a planner.

A campaign (``campaigns``) has a type (online presale, offline presale, limited-time discount, member-only),
dates, a product, a discount, a budget and a target group. Customers reserve with a deposit
(``reservations``); a reservation is later converted (final payment made, ``order_id`` set), cancelled,
refunded, or still pending.

Conventions
-----------
* The date window picks campaigns by their start date; everything about a picked campaign counts (its
  reservations and orders may fall after the window). Region filters reach reservations and orders through
  the customer, channel and category filters reach the campaign itself.
* A campaign's revenue is the net revenue of the order lines attributed to it: lines carrying its
  ``campaign_id``, plus the orders its converted reservations point to.
* Cost = the campaign's budget + the marketing spend booked against it beyond that budget, i.e. the larger
  of the two: sources (the demo among them) book the budget itself as the campaign's marketing spend month by
  month, and adding both would count it twice. ROI = (revenue − cost) ÷ cost.
* Conversion rate (deposit -> final payment) = converted ÷ decided reservations (converted + cancelled +
  refunded). Pending reservations, whose final payment may still come, are left out until decided.
* A campaign is finished when it ended before the last day of the data, running when that day falls inside
  it. Comparisons between types, the forecaster and the planner learn from finished campaigns only.

:func:`summary` is the single source of the Presale page's KPI row and of ``python -m salesdash report presale``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd
from scipy import stats

from salesdash.filters import Filters, apply
from salesdash.schema import CAMPAIGN_TYPES
from salesdash.store import Store

__all__ = [
    "CAMPAIGN_TYPES", "TARGET_SEGMENTS", "NEW_CUSTOMER_DAYS", "TAIL_DAYS",
    "campaign_results", "type_comparison", "reservation_curves", "campaign_lift", "lift_by_type",
    "EarlyForecast", "ReservationForecaster", "forecast_path", "forecast_backtest",
    "CampaignPlanEstimate", "plan_campaign", "product_choices", "current_forecasts", "PresaleSummary", "summary",
    "report_json",
]

#: Target groups a campaign can name, and how a customer is recognised as one (see :func:`_in_target`).
TARGET_SEGMENTS: tuple[str, ...] = ("all_customers", "members", "new_customers", "young_professionals")
#: A "new customer" of a campaign signed up at most this many days before its start.
NEW_CUSTOMER_DAYS = 90
#: Final payments can follow the end of a presale: sales are counted up to this many days after the end.
TAIL_DAYS = 7
#: Fewer finished campaigns than this and the forecaster or a comparison says "not enough".
MIN_CAMPAIGNS = 4


def _num(v) -> float:
    return 0.0 if v is None or pd.isna(v) else float(v)


def _as_date(v) -> dt.date | None:
    if v is None or pd.isna(v):
        return None
    return pd.Timestamp(v).date()


def as_of(store: Store) -> dt.date | None:
    """The last day of the data: the latest order date or reservation time (None when there is neither)."""
    o, r = store.table("orders"), store.table("reservations")
    a = _as_date(store.execute(o.order_date.max()))
    b = _as_date(store.execute(r.reserved_at.max()))
    days = [d for d in (a, b) if d is not None]
    return max(days) if days else None


def _campaigns(store: Store, filters: Filters) -> ibis.Table:
    return apply(store, "campaigns", filters)


def _attributed_orders(store: Store, filters: Filters) -> ibis.Table:
    """Order lines with ``attributed_campaign``: the line's campaign, or that of the reservation it settles."""
    o = apply(store, "orders", filters, date_column=None)
    r = store.table("reservations")
    links = (r.filter(r.order_id.notnull()).group_by("order_id")
             .aggregate(reservation_campaign=r.campaign_id.min()))
    j = o.left_join(links, o.order_id == links.order_id)
    return j.mutate(attributed_campaign=ibis.coalesce(j.campaign_id, j.reservation_campaign))


# ----- campaign results ------------------------------------------------------------------------------------
def campaign_results(store: Store, filters: Filters) -> pd.DataFrame:
    """One row per campaign starting in the window: reservations, conversion, refunds, revenue, cost, ROI.

    Returns
    -------
    DataFrame: campaign_id, name, type, product_id, category, channel_id, target_segment, start_date,
    end_date (dates), days (duration), discount, deposit, budget, status (``finished`` / ``running`` /
    ``planned``), reservations, converted, pending, cancelled, refunds (refunded reservations),
    decided (converted + cancelled + refunds), conversion_rate (converted ÷ decided), cancel_rate
    ((cancelled + refunded) ÷ decided),
    deposits (deposits paid), revenue, marketing_spend (booked against the campaign), cost (budget + spend
    beyond the budget = max(budget, marketing_spend)), roi ((revenue − cost) ÷ cost). Rates are None where
    the denominator is 0. Latest start first.
    """
    c = _campaigns(store, filters)
    p = store.table("products").select("product_id", "category")
    camp = store.execute(c.left_join(p, c.product_id == p.product_id).select(
        "campaign_id", "name", "type", c.product_id, "category", "channel_id", "target_segment", "start_date",
        "end_date", "discount", "deposit", "budget"))
    cols = ["campaign_id", "name", "type", "product_id", "category", "channel_id", "target_segment",
            "start_date", "end_date", "days", "discount", "deposit", "budget", "status", "reservations",
            "converted", "pending", "cancelled", "refunds", "decided", "conversion_rate", "cancel_rate", "deposits",
            "revenue", "marketing_spend", "cost", "roi"]
    if camp.empty:
        return pd.DataFrame(columns=cols)
    ids = c.campaign_id
    r = apply(store, "reservations", filters, date_column=None)
    r = r.filter(r.campaign_id.isin(ids))
    res = store.execute(r.group_by("campaign_id").aggregate(
        reservations=r.count(),
        converted=(r.status == "converted").sum(),
        pending=(r.status == "pending").sum(),
        cancelled=(r.status == "cancelled").sum(),
        refunds=(r.status == "refunded").sum(),
        deposits=r.deposit.sum(),
    ))
    o = _attributed_orders(store, filters)
    o = o.filter(o.attributed_campaign.isin(ids))
    rev = store.execute(o.group_by(campaign_id=o.attributed_campaign).aggregate(revenue=o.revenue.sum()))
    m = store.table("marketing_spend")
    m = m.filter(m.campaign_id.isin(ids))
    spend = store.execute(m.group_by("campaign_id").aggregate(marketing_spend=m.spend.sum()))
    df = camp.merge(res, on="campaign_id", how="left").merge(rev, on="campaign_id", how="left")
    df = df.merge(spend, on="campaign_id", how="left")
    for col in ("reservations", "converted", "pending", "cancelled", "refunds"):
        df[col] = df[col].fillna(0).astype("int64")
    for col in ("deposits", "revenue", "marketing_spend", "budget"):
        df[col] = df[col].astype(float).fillna(0.0)
    df["start_date"] = [_as_date(v) for v in df["start_date"]]
    df["end_date"] = [_as_date(v) for v in df["end_date"]]
    df["days"] = [(e - s).days + 1 if s and e else None for s, e in zip(df["start_date"], df["end_date"])]
    today = as_of(store)
    df["status"] = [_status(s, e, today) for s, e in zip(df["start_date"], df["end_date"])]
    df["decided"] = df["converted"] + df["cancelled"] + df["refunds"]
    n = df["decided"].where(df["decided"] > 0)
    df["conversion_rate"] = df["converted"] / n
    df["cancel_rate"] = (df["cancelled"] + df["refunds"]) / n
    df["cost"] = df["budget"] + (df["marketing_spend"] - df["budget"]).clip(lower=0)
    df["roi"] = (df["revenue"] - df["cost"]) / df["cost"].where(df["cost"] > 0)
    df = df.astype({"conversion_rate": "float64", "cancel_rate": "float64", "roi": "float64"})
    return df.sort_values(["start_date", "campaign_id"], ascending=[False, True], ignore_index=True)[cols]


def _status(start: dt.date | None, end: dt.date | None, today: dt.date | None) -> str:
    if today is None or start is None or end is None:
        return "planned"
    if end < today:
        return "finished"
    return "running" if start <= today else "planned"


def _wilson(k: float, n: float, z: float = 1.96) -> tuple[float | None, float | None]:
    if n <= 0:
        return None, None
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return mid - half, mid + half


def type_comparison(store: Store, filters: Filters, *, results: pd.DataFrame | None = None) -> pd.DataFrame:
    """Campaign types compared over their finished campaigns.

    Returns
    -------
    DataFrame, one row per type with finished campaigns: type, campaigns, reservations, decided, converted,
    conversion_rate (pooled: converted ÷ decided reservations), conversion_low / conversion_high (95% Wilson
    interval of the pooled rate), refunds, cancel_rate, revenue, cost, roi (pooled: (Σ revenue − Σ cost) ÷
    Σ cost), mean_roi (average of the campaigns' ROI), rank (1 = converts best). Best converting first.
    """
    df = campaign_results(store, filters) if results is None else results
    df = df[df["status"] == "finished"]
    cols = ["type", "campaigns", "reservations", "decided", "converted", "conversion_rate", "conversion_low",
            "conversion_high", "refunds", "cancel_rate", "revenue", "cost", "roi", "mean_roi", "rank"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    g = df.groupby("type", as_index=False).agg(
        campaigns=("campaign_id", "count"), reservations=("reservations", "sum"), decided=("decided", "sum"),
        converted=("converted", "sum"),
        cancelled=("cancelled", "sum"), refunds=("refunds", "sum"), revenue=("revenue", "sum"),
        cost=("cost", "sum"), mean_roi=("roi", "mean"))
    n = g["decided"].where(g["decided"] > 0)
    g["conversion_rate"] = (g["converted"] / n).astype(float)
    bounds = [_wilson(k, m) for k, m in zip(g["converted"], g["decided"])]
    g["conversion_low"] = [b[0] for b in bounds]
    g["conversion_high"] = [b[1] for b in bounds]
    g["cancel_rate"] = ((g["cancelled"] + g["refunds"]) / n).astype(float)
    g["roi"] = (g["revenue"] - g["cost"]) / g["cost"].where(g["cost"] > 0)
    g = g.sort_values("conversion_rate", ascending=False, ignore_index=True, na_position="last")
    g["rank"] = range(1, len(g) + 1)
    return g[cols]


# ----- reservations over the campaign's days ----------------------------------------------------------------
def reservation_curves(store: Store, filters: Filters, *, campaign_ids: tuple[str, ...] | None = None,
                       ) -> pd.DataFrame:
    """Reservations per campaign day and their running total.

    Parameters
    ----------
    campaign_ids : only these campaigns (default: every campaign starting in the window).

    Returns
    -------
    DataFrame: campaign_id, day (0 = the start date), date, reservations (made that day), cumulative,
    days (the campaign's duration). Every day from the start to the end (or to the last day of the data
    for a running campaign) has a row, zero-filled; reservations before the start count on day 0 and those
    after the end on the last day.
    """
    c = _campaigns(store, filters)
    if campaign_ids is not None:
        c = c.filter(c.campaign_id.isin(list(campaign_ids)))
    r = apply(store, "reservations", filters, date_column=None)
    j = r.join(c.select("campaign_id", "start_date", "end_date"), "campaign_id")
    day = j.reserved_at.date().delta(j.start_date, unit="day")
    daily = store.execute(j.group_by("campaign_id", day=day).aggregate(reservations=j.count()))
    camp = store.execute(c.select("campaign_id", "start_date", "end_date"))
    cols = ["campaign_id", "day", "date", "reservations", "cumulative", "days"]
    if camp.empty:
        return pd.DataFrame(columns=cols)
    today = as_of(store)
    frames = []
    for rec in camp.itertuples(index=False):
        start, end = _as_date(rec.start_date), _as_date(rec.end_date)
        if start is None or end is None:
            continue
        days = (end - start).days + 1
        last = days - 1 if today is None else min(days - 1, (today - start).days)
        if last < 0:
            continue
        d = daily[daily["campaign_id"] == rec.campaign_id]
        counts = np.zeros(last + 1)
        for dd, n in zip(d["day"], d["reservations"]):
            counts[int(min(max(dd, 0), last))] += n
        frames.append(pd.DataFrame({
            "campaign_id": rec.campaign_id, "day": np.arange(last + 1),
            "date": [start + dt.timedelta(days=i) for i in range(last + 1)],
            "reservations": counts.astype("int64"), "cumulative": np.cumsum(counts).astype("int64"),
            "days": days,
        }))
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


# ----- early demand forecast ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EarlyForecast:
    """A campaign's final reservation count predicted from its first days.

    ``predicted`` is the expected final count, ``lower``/``upper`` a prediction interval at ``level``.
    ``enough`` False (with ``reason``) when there were too few reference campaigns or no reservations yet.
    """

    campaign_id: str | None
    day: int
    days: int
    reservations_so_far: int
    predicted: float | None
    lower: float | None
    upper: float | None
    level: float
    reference_campaigns: int
    enough: bool
    reason: str | None = None

    def to_json(self) -> dict:
        return {"campaign_id": self.campaign_id, "day": self.day, "days": self.days,
                "reservations_so_far": self.reservations_so_far, "predicted": self.predicted,
                "lower": self.lower, "upper": self.upper, "level": self.level,
                "reference_campaigns": self.reference_campaigns, "reason": self.reason}


class ReservationForecaster:
    """Predict a campaign's final reservations from the share past campaigns had reached at the same point.

    For each past (finished) campaign, the cumulative share of its final count is taken at every fraction of
    its duration (linear interpolation between days). A new campaign with R reservations after d of its D
    days (elapsed fraction d ÷ D) is predicted to end at R ÷ s, where log s is the mean of the past
    campaigns' log shares at that fraction; the interval uses their spread:
    R × exp(−mean ∓ t × sd × sqrt(1 + 1/n)) (Student t, n − 1 degrees of freedom), never below R.

    Parameters
    ----------
    level : the interval's coverage (default 0.9).
    min_campaigns : fewer reference campaigns give ``enough`` False.
    by_type : learn one curve per campaign type when that type has at least `min_campaigns` campaigns
        (otherwise all types together).

    Learned: ``shares_`` (DataFrame: campaign_id, type, final, then one column per point of ``grid_``),
    ``grid_`` (elapsed fractions 0.01-1).
    """

    def __init__(self, *, level: float = 0.9, min_campaigns: int = MIN_CAMPAIGNS, by_type: bool = True) -> None:
        self.level = level
        self.min_campaigns = min_campaigns
        self.by_type = by_type

    def fit(self, curves: pd.DataFrame, campaigns: pd.DataFrame) -> ReservationForecaster:
        """Learn from finished campaigns.

        Parameters
        ----------
        curves : :func:`reservation_curves` output (campaign_id, day, cumulative, days).
        campaigns : campaign_id, type (only campaigns listed here, with at least one reservation, are used).
        """
        for col in ("campaign_id", "day", "cumulative", "days"):
            if col not in curves.columns:
                raise ValueError(f"curves lack the column {col!r}")
        self.grid_ = np.linspace(0.01, 1.0, 100)
        types = dict(zip(campaigns["campaign_id"], campaigns["type"]))
        rows = []
        for cid, cur in curves[curves["campaign_id"].isin(list(types))].groupby("campaign_id"):
            cur = cur.sort_values("day")
            days = int(cur["days"].iloc[0])
            final = float(cur["cumulative"].iloc[-1])
            if final <= 0 or len(cur) < days:
                continue
            # cumulative share at the end of day k is reached at elapsed fraction (k + 1) / days
            x = np.concatenate([[0.0], (cur["day"].to_numpy() + 1) / days])
            y = np.concatenate([[0.0], cur["cumulative"].to_numpy() / final])
            rows.append([cid, types[cid], final, *np.interp(self.grid_, x, y)])
        self.shares_ = pd.DataFrame(rows, columns=["campaign_id", "type", "final",
                                                   *[f"s{i}" for i in range(len(self.grid_))]])
        return self

    def _reference(self, type_: str | None, exclude: str | None) -> pd.DataFrame:
        ref = self.shares_[self.shares_["campaign_id"] != exclude]
        if self.by_type and type_ is not None:
            same = ref[ref["type"] == type_]
            if len(same) >= self.min_campaigns:
                return same
        return ref

    def predict(self, *, reservations_so_far: int, day: int, days: int, type: str | None = None,  # noqa: A002
                campaign_id: str | None = None, exclude: str | None = None) -> EarlyForecast:
        """Forecast after `day` complete days (1 = the first day is over) of a `days`-long campaign.

        `exclude` leaves one campaign out of the references (for back-testing a finished campaign).
        """
        ref = self._reference(type, exclude)
        n = len(ref)

        def nope(reason: str) -> EarlyForecast:
            return EarlyForecast(campaign_id, day, days, reservations_so_far, None, None, None, self.level, n,
                                 False, reason)

        if n < self.min_campaigns:
            return nope(f"at least {self.min_campaigns} finished campaigns with reservations to learn from")
        if day < 1:
            return nope("at least one complete day of the campaign")
        if reservations_so_far <= 0:
            return nope("at least one reservation so far")
        frac = min(day / days, 1.0)
        cols = [f"s{i}" for i in range(len(self.grid_))]
        shares = np.array([np.interp(frac, self.grid_, row) for row in ref[cols].to_numpy()])
        shares = np.clip(shares, 1e-3, 1.0)
        logs = np.log(shares)
        mean, sd = float(logs.mean()), float(logs.std(ddof=1)) if n > 1 else 0.0
        tq = float(stats.t.ppf(0.5 + self.level / 2, n - 1))
        half = tq * sd * math.sqrt(1 + 1 / n)
        r = float(reservations_so_far)
        return EarlyForecast(
            campaign_id, day, days, reservations_so_far,
            predicted=max(r * math.exp(-mean), r),
            lower=max(r * math.exp(-mean - half), r),
            upper=max(r * math.exp(-mean + half), r),
            level=self.level, reference_campaigns=n, enough=True,
        )


def _fitted(store: Store, filters: Filters, *, level: float) -> tuple[ReservationForecaster, pd.DataFrame,
                                                                      pd.DataFrame]:
    """A forecaster fitted on every finished campaign (all dates: the past is the reference), the results
    of the window's campaigns and their curves."""
    history = Filters(channels=filters.channels, categories=filters.categories, regions=filters.regions)
    past = campaign_results(store, history)
    curves = reservation_curves(store, history)
    finished = past[past["status"] == "finished"]
    model = ReservationForecaster(level=level).fit(curves, finished)
    return model, past, curves


def forecast_path(store: Store, filters: Filters, *, campaign_id: str, level: float = 0.9) -> pd.DataFrame:
    """How the forecast of one campaign's final reservations evolved day by day.

    The forecaster learns from every other finished campaign (whatever their dates). Returns a DataFrame:
    day (complete days, 1 = after the first day), date, cumulative (reservations so far), predicted, lower,
    upper (None where it cannot forecast), actual_final (the final count for a finished campaign, else
    None), reference_campaigns.
    """
    model, past, curves = _fitted(store, filters, level=level)
    cols = ["day", "date", "cumulative", "predicted", "lower", "upper", "actual_final", "reference_campaigns"]
    info = past[past["campaign_id"] == campaign_id]
    cur = curves[curves["campaign_id"] == campaign_id].sort_values("day")
    if info.empty or cur.empty:
        return pd.DataFrame(columns=cols)
    rec = info.iloc[0]
    finished = rec["status"] == "finished"
    rows = []
    for d, date, cum in zip(cur["day"], cur["date"], cur["cumulative"]):
        fc = model.predict(reservations_so_far=int(cum), day=int(d) + 1, days=int(rec["days"]), type=rec["type"],
                           campaign_id=campaign_id, exclude=campaign_id)
        rows.append({"day": int(d) + 1, "date": date, "cumulative": int(cum), "predicted": fc.predicted,
                     "lower": fc.lower, "upper": fc.upper,
                     "actual_final": int(cur["cumulative"].iloc[-1]) if finished else None,
                     "reference_campaigns": fc.reference_campaigns})
    return pd.DataFrame(rows, columns=cols)


def forecast_backtest(store: Store, filters: Filters, *, day: int = 3, level: float = 0.9) -> pd.DataFrame:
    """Leave-one-out test of the early forecast on finished campaigns starting in the window.

    Each campaign is forecast from its first `day` days by a forecaster that learned from all the other
    finished campaigns. Returns a DataFrame: campaign_id, type, day, reservations_so_far, predicted, lower,
    upper, actual_final, error (predicted ÷ actual − 1), covered (actual inside the interval); rows where the
    forecast cannot be made are left out.
    """
    model, past, curves = _fitted(store, filters, level=level)
    window = campaign_results(store, filters)
    window = window[window["status"] == "finished"]
    rows = []
    for rec in window.itertuples(index=False):
        cur = curves[curves["campaign_id"] == rec.campaign_id].sort_values("day")
        if cur.empty or int(cur["cumulative"].iloc[-1]) == 0:
            continue
        k = min(day, len(cur))
        so_far = int(cur["cumulative"].iloc[k - 1])
        fc = model.predict(reservations_so_far=so_far, day=k, days=int(rec.days), type=rec.type,
                           campaign_id=rec.campaign_id, exclude=rec.campaign_id)
        if not fc.enough:
            continue
        actual = int(cur["cumulative"].iloc[-1])
        rows.append({"campaign_id": rec.campaign_id, "type": rec.type, "day": k, "reservations_so_far": so_far,
                     "predicted": fc.predicted, "lower": fc.lower, "upper": fc.upper, "actual_final": actual,
                     "error": fc.predicted / actual - 1, "covered": fc.lower <= actual <= fc.upper})
    return pd.DataFrame(rows, columns=["campaign_id", "type", "day", "reservations_so_far", "predicted", "lower",
                                       "upper", "actual_final", "error", "covered"])


def current_forecasts(store: Store, filters: Filters, *, level: float = 0.9) -> list[EarlyForecast]:
    """The early forecast of every running campaign that started in the window."""
    model, past, curves = _fitted(store, filters, level=level)
    window = campaign_results(store, filters)
    out = []
    for rec in window[window["status"] == "running"].itertuples(index=False):
        cur = curves[curves["campaign_id"] == rec.campaign_id].sort_values("day")
        so_far = int(cur["cumulative"].iloc[-1]) if not cur.empty else 0
        out.append(model.predict(reservations_so_far=so_far, day=len(cur), days=int(rec.days), type=rec.type,
                                 campaign_id=rec.campaign_id))
    return out


# ----- lift -------------------------------------------------------------------------------------------------
def _in_target(j: ibis.Table) -> ibis.BooleanValue:
    """Is the customer of a joined (campaign × order × customer) row in the campaign's target group?

    members: a loyalty member; new_customers: signed up within :data:`NEW_CUSTOMER_DAYS` days before the
    start (or during the campaign); young_professionals: white-collar and 25-34 years old at the start;
    all_customers (or a group not listed): everyone.
    """
    age = j.start_date.year() - j.birth_year
    new_from = j.start_date - ibis.interval(days=NEW_CUSTOMER_DAYS)
    return ibis.cases(
        (j.target_segment == "members", j.is_member.fill_null(False)),
        (j.target_segment == "new_customers",
         (j.signup_date >= new_from).fill_null(False) & (j.signup_date <= j.end_date).fill_null(False)),
        (j.target_segment == "young_professionals",
         ((j.occupation == "white_collar") & age.between(25, 34)).fill_null(False)),
        else_=True,
    )


def _log_ratio(during: np.ndarray, before: np.ndarray) -> tuple[float, float] | None:
    """log(mean during ÷ mean before) and its variance by the delta method (None when a mean is 0)."""
    m1, m0 = during.mean(), before.mean()
    if m1 <= 0 or m0 <= 0:
        return None
    v = during.var(ddof=1) / (len(during) * m1 * m1) + before.var(ddof=1) / (len(before) * m0 * m0)
    return math.log(m1 / m0), v


def campaign_lift(store: Store, filters: Filters, *, tail_days: int = TAIL_DAYS, level: float = 0.95,
                  ) -> pd.DataFrame:
    """Sales lift of each campaign: its product bought by its target group, against a baseline.

    Campaign period: the start date to `tail_days` after the end (final payments of a presale come after
    it), cut at the last day of the data; baseline period: the same number of days just before the start.
    Sales are the net revenue of the campaign product's order lines (every order, with or without the
    campaign), counted per day and zero-filled.

    * ``lift`` (vs before): mean daily sales to the target group in the campaign period ÷ the baseline − 1.
    * ``lift_vs_control``: the same ratio for the target group ÷ the ratio for customers outside it − 1
      (a difference-in-differences on the log scale: what the campaign added beyond what happened to
      everyone else). None when the campaign targets all customers (there is no control group).

    Intervals at `level` use the delta method on the log of the ratio of mean daily sales.

    Returns
    -------
    DataFrame: campaign_id, type, target_segment, period_days, sales, baseline_sales (target group),
    lift, lift_low, lift_high, control_sales, control_baseline_sales, lift_vs_control, control_low,
    control_high. Rates as fractions (0.25 = +25%); None where a baseline is zero.
    """
    today = as_of(store)
    c = _campaigns(store, filters)
    cols = ["campaign_id", "type", "target_segment", "period_days", "sales", "baseline_sales", "lift", "lift_low",
            "lift_high", "control_sales", "control_baseline_sales", "lift_vs_control", "control_low",
            "control_high"]
    if today is None:
        return pd.DataFrame(columns=cols)
    camp = store.execute(c.select("campaign_id", "type", "target_segment", "product_id", "start_date", "end_date"))
    camp = camp.dropna(subset=["start_date", "end_date", "product_id"])
    camp["start_date"] = [_as_date(v) for v in camp["start_date"]]
    camp["end_date"] = [_as_date(v) for v in camp["end_date"]]
    camp = camp[camp["start_date"] <= today]
    if camp.empty:
        return pd.DataFrame(columns=cols)
    camp["period_end"] = [min(e + dt.timedelta(days=tail_days), today) for e in camp["end_date"]]
    camp["period_days"] = [(pe - s).days + 1 for s, pe in zip(camp["start_date"], camp["period_end"])]
    camp["base_start"] = [s - dt.timedelta(days=n) for s, n in zip(camp["start_date"], camp["period_days"])]
    windows = ibis.memtable(camp[["campaign_id", "target_segment", "product_id", "start_date", "end_date",
                                  "period_end", "base_start"]].astype({"start_date": "datetime64[s]",
                                                                      "end_date": "datetime64[s]",
                                                                      "period_end": "datetime64[s]",
                                                                      "base_start": "datetime64[s]"}))
    windows = windows.mutate(start_date=windows.start_date.date(), end_date=windows.end_date.date(),
                             period_end=windows.period_end.date(), base_start=windows.base_start.date())
    o = apply(store, "orders", filters, date_column=None)
    cu = store.table("customers").select("customer_id", "is_member", "signup_date", "birth_year", "occupation")
    j = windows.join(o, [windows.product_id == o.product_id, o.order_date >= windows.base_start,
                         o.order_date <= windows.period_end])
    j = j.left_join(cu, j.customer_id == cu.customer_id)
    j = j.mutate(in_target=_in_target(j), during=j.order_date >= j.start_date)
    daily = store.execute(j.group_by("campaign_id", "in_target", "during", "order_date")
                          .aggregate(sales=j.revenue.sum()))
    z = float(stats.norm.ppf(0.5 + level / 2))
    rows = []
    for rec in camp.itertuples(index=False):
        d = daily[daily["campaign_id"] == rec.campaign_id]
        n = int(rec.period_days)

        def series(target: bool, during: bool) -> np.ndarray:
            s = d[(d["in_target"] == target) & (d["during"] == during)]["sales"].to_numpy(dtype=float)
            return np.concatenate([s, np.zeros(max(n - len(s), 0))])

        t1, t0 = series(True, True), series(True, False)
        row = {"campaign_id": rec.campaign_id, "type": rec.type, "target_segment": rec.target_segment,
               "period_days": n, "sales": t1.sum(), "baseline_sales": t0.sum(), "lift": None, "lift_low": None,
               "lift_high": None, "control_sales": None, "control_baseline_sales": None, "lift_vs_control": None,
               "control_low": None, "control_high": None}
        lr = _log_ratio(t1, t0) if n > 1 else None
        if lr is not None:
            est, var = lr
            row.update(lift=math.exp(est) - 1, lift_low=math.exp(est - z * math.sqrt(var)) - 1,
                       lift_high=math.exp(est + z * math.sqrt(var)) - 1)
        if rec.target_segment in TARGET_SEGMENTS[1:]:
            c1, c0 = series(False, True), series(False, False)
            row.update(control_sales=c1.sum(), control_baseline_sales=c0.sum())
            lc = _log_ratio(c1, c0) if n > 1 else None
            if lr is not None and lc is not None:
                est, var = lr[0] - lc[0], lr[1] + lc[1]
                row.update(lift_vs_control=math.exp(est) - 1, control_low=math.exp(est - z * math.sqrt(var)) - 1,
                           control_high=math.exp(est + z * math.sqrt(var)) - 1)
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    for col in cols[5:]:
        out[col] = out[col].astype(float)
    return out


def lift_by_type(store: Store, filters: Filters, *, lift: pd.DataFrame | None = None, level: float = 0.95,
                 ) -> pd.DataFrame:
    """Campaign types compared by lift: the geometric mean of their campaigns' lifts vs the baseline.

    Returns columns: type, campaigns (with a lift), lift, lift_low, lift_high (a t interval over the
    campaigns' log ratios at `level`; None with a single campaign). Largest lift first.
    """
    df = campaign_lift(store, filters) if lift is None else lift
    df = df.dropna(subset=["lift"])
    rows = []
    for type_, g in df.groupby("type"):
        logs = np.log1p(g["lift"].to_numpy(dtype=float))
        n = len(logs)
        est = float(logs.mean())
        lo = hi = None
        if n > 1:
            half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * float(logs.std(ddof=1)) / math.sqrt(n)
            lo, hi = math.expm1(est - half), math.expm1(est + half)
        rows.append({"type": type_, "campaigns": n, "lift": math.expm1(est), "lift_low": lo, "lift_high": hi})
    out = pd.DataFrame(rows, columns=["type", "campaigns", "lift", "lift_low", "lift_high"])
    return out.sort_values("lift", ascending=False, ignore_index=True)


def product_choices(store: Store, filters: Filters) -> pd.DataFrame:
    """Products a campaign can be planned for (category filter applies): product_id, name, category,
    list_price, past_campaigns (how many campaigns featured it). Most campaigned first, then by name."""
    p = apply(store, "products", filters, date_column=None)
    c = store.table("campaigns")
    counts = c.group_by("product_id").aggregate(past_campaigns=c.count())
    j = p.left_join(counts, p.product_id == counts.product_id)
    df = store.execute(j.select(p.product_id, p.name, p.category, p.list_price,
                                past_campaigns=j.past_campaigns.fill_null(0)))
    df["past_campaigns"] = df["past_campaigns"].astype("int64")
    return df.sort_values(["past_campaigns", "product_id"], ascending=[False, True], ignore_index=True)


# ----- planner ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CampaignPlanEstimate:
    """What comparable past campaigns suggest for a planned campaign.

    ``reservations`` scales each comparable's reservations per day to the planned duration; ``conversion_rate``
    and ``roi`` are the comparables' values. Expected values are similarity-weighted means, ``*_low`` /
    ``*_high`` the smallest and largest among the comparables. ``comparables`` lists them (campaign_id, name,
    type, category, target_segment, discount, days, reservations, conversion_rate, roi, distance, weight).
    """

    type: str
    product_id: str
    target_segment: str
    discount: float
    days: int
    reservations: float | None
    reservations_low: float | None
    reservations_high: float | None
    conversion_rate: float | None
    conversion_low: float | None
    conversion_high: float | None
    roi: float | None
    roi_low: float | None
    roi_high: float | None
    comparables: pd.DataFrame
    enough: bool
    reason: str | None = None


def plan_campaign(store: Store, filters: Filters, *, product_id: str, target_segment: str, type: str,  # noqa: A002
                  discount: float, start: dt.date, end: dt.date, k: int = 5) -> CampaignPlanEstimate:
    """Expected reservations, conversion and ROI of a planned campaign from the `k` most comparable past ones.

    Comparable: finished campaigns (any dates; channel, category and region filters apply) of the same type
    when at least two exist, otherwise of any type. Distance = 1 if the category differs + 0.5 if the
    product differs + 1 if the target group differs + |discount difference| ÷ 0.05 + |log of the duration
    ratio| (+ 2 for another type); weight = 1 ÷ (1 + distance).
    """
    if end < start:
        raise ValueError("the end date is before the start date")
    days = (end - start).days + 1
    history = Filters(channels=filters.channels, categories=filters.categories, regions=filters.regions)
    past = campaign_results(store, history)
    past = past[(past["status"] == "finished") & (past["reservations"] > 0)].copy()
    comp_cols = ["campaign_id", "name", "type", "category", "target_segment", "discount", "days", "reservations",
                 "conversion_rate", "roi", "distance", "weight"]

    def nope(reason: str) -> CampaignPlanEstimate:
        return CampaignPlanEstimate(type, product_id, target_segment, discount, days, None, None, None, None, None,
                                    None, None, None, None, pd.DataFrame(columns=comp_cols), False, reason)

    if past.empty:
        return nope("at least one finished campaign with reservations")
    p = store.table("products")
    cat = store.execute(p.filter(p.product_id == product_id).select("category"))
    category = cat["category"].iloc[0] if not cat.empty else None
    if (past["type"] == type).sum() >= 2:
        past = past[past["type"] == type].copy()
    past["distance"] = (
        (past["category"] != category).astype(float)
        + 0.5 * (past["product_id"] != product_id).astype(float)
        + (past["target_segment"] != target_segment).astype(float)
        + (past["discount"].astype(float) - discount).abs() / 0.05
        + np.abs(np.log(past["days"].astype(float) / days))
        + 2.0 * (past["type"] != type).astype(float)
    )
    near = past.nsmallest(k, "distance").copy()
    near["weight"] = 1 / (1 + near["distance"])
    scaled = near["reservations"] / near["days"] * days
    w = near["weight"]

    def wmean(v: pd.Series) -> float | None:
        ok = v.notna()
        return float((v[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else None

    def lo_hi(v: pd.Series) -> tuple[float | None, float | None]:
        v = v.dropna()
        return (float(v.min()), float(v.max())) if len(v) else (None, None)

    r_lo, r_hi = lo_hi(scaled)
    c_lo, c_hi = lo_hi(near["conversion_rate"])
    o_lo, o_hi = lo_hi(near["roi"])
    return CampaignPlanEstimate(
        type, product_id, target_segment, discount, days,
        reservations=wmean(scaled), reservations_low=r_lo, reservations_high=r_hi,
        conversion_rate=wmean(near["conversion_rate"]), conversion_low=c_lo, conversion_high=c_hi,
        roi=wmean(near["roi"]), roi_low=o_lo, roi_high=o_hi,
        comparables=near[comp_cols].reset_index(drop=True), enough=True,
    )


# ----- the headline figures --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PresaleSummary:
    """The Presale page's headline figures over the campaigns starting in the window."""

    start: dt.date | None
    end: dt.date | None
    campaigns: pd.DataFrame
    by_type: pd.DataFrame
    reservations: int
    converted: int
    decided: int
    conversion_rate: float | None
    refunds: int
    cancelled: int
    revenue: float
    cost: float
    roi: float | None
    best_type: str | None
    forecasts: tuple[EarlyForecast, ...]

    def to_json(self) -> dict:
        """Plain JSON: numbers, rates as 0-1 fractions, ISO dates, null where a figure cannot be computed."""
        def clean(v):
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                return None
            if isinstance(v, np.generic):
                return v.item()
            return v

        camp_keys = ("campaign_id", "name", "type", "status", "start_date", "end_date", "reservations", "converted",
                     "pending", "conversion_rate", "cancelled", "refunds", "revenue", "cost", "roi")
        type_keys = ("type", "campaigns", "reservations", "converted", "conversion_rate", "conversion_low",
                     "conversion_high", "revenue", "cost", "roi", "rank")
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "campaign_count": len(self.campaigns),
            "reservations": self.reservations,
            "converted": self.converted,
            "pending": self.reservations - self.decided,
            "conversion_rate": self.conversion_rate,
            "cancelled": self.cancelled,
            "refunds": self.refunds,
            "revenue": self.revenue,
            "cost": self.cost,
            "roi": self.roi,
            "best_converting_type": self.best_type,
            "by_type": [{k: clean(r[k]) for k in type_keys} for r in self.by_type.to_dict(orient="records")],
            "campaigns": [{k: clean(r[k]) for k in camp_keys} for r in self.campaigns.to_dict(orient="records")],
            "running_forecasts": [f.to_json() for f in self.forecasts],
        }


def summary(store: Store, filters: Filters) -> PresaleSummary:
    """The headline figures: totals over the window's campaigns, types compared, running campaigns' forecasts."""
    df = campaign_results(store, filters)
    by_type = type_comparison(store, filters, results=df)
    reservations = int(df["reservations"].sum()) if not df.empty else 0
    converted = int(df["converted"].sum()) if not df.empty else 0
    decided = int(df["decided"].sum()) if not df.empty else 0
    revenue = float(df["revenue"].sum()) if not df.empty else 0.0
    cost = float(df["cost"].sum()) if not df.empty else 0.0
    forecasts = tuple(current_forecasts(store, filters)) if (df["status"] == "running").any() else ()
    return PresaleSummary(
        start=filters.start, end=filters.end, campaigns=df, by_type=by_type,
        reservations=reservations, converted=converted, decided=decided,
        conversion_rate=converted / decided if decided else None,
        refunds=int(df["refunds"].sum()) if not df.empty else 0,
        cancelled=int(df["cancelled"].sum()) if not df.empty else 0,
        revenue=revenue, cost=cost, roi=(revenue - cost) / cost if cost else None,
        best_type=str(by_type["type"].iloc[0]) if not by_type.empty else None,
        forecasts=forecasts,
    )


def report_json(store: Store, filters: Filters, args=None) -> dict:
    """``python -m salesdash report presale``: :func:`summary` as plain JSON."""
    return summary(store, filters).to_json()
