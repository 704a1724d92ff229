"""CRM health: who is healthy, who is slipping away, what customers say and whether complaints are handled.

Customer health, cohorts, lifetime value (BG/NBD + Gamma-Gamma, see :mod:`salesdash.analysis.clv`),
satisfaction (NPS, CSAT), complaints and what follows them, sales interactions and the topics of feedback
comments. Everything is aggregated in the engine; what comes back is one row per status, month, cohort,
group or customer (the CLV model is fitted on a per-customer RFM table aggregated in the engine).

"As of" figures (health, backlog) are taken at the end of the window: the window's end date, or the last
order date when the window is open. :func:`summary` is the single source of the page's KPI row and of
``python -m salesdash report crm``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd

from salesdash.analysis import clv as clv_models
from salesdash.analysis import text_topics
from salesdash.filters import Filters, apply, data_window
from salesdash.store import Store

__all__ = [
    "HEALTH_STATUSES", "CUSTOMER_DIMENSIONS", "FEEDBACK_DIMENSIONS", "TIME_UNITS", "MIN_RESPONSES",
    "CrmSummary", "ClvResult", "ComplaintOutcomes", "FeedbackTopics",
    "as_of", "customer_health", "health_trend", "cohorts", "cohort_repeat_rate", "rfm_summary", "customer_lifetime_value", "clv_by",
    "nps_stats", "satisfaction_trend", "satisfaction_by", "complaint_trend", "complaint_pareto",
    "complaint_resolution", "complaint_backlog", "repeat_complainers", "complaint_outcomes",
    "interactions_by_rep", "interactions_vs_satisfaction", "interactions_vs_conversion", "feedback_topics",
    "code_names", "customer_names", "summary", "report_json", "add_report_arguments",
]

HEALTH_STATUSES = ("active", "at_risk", "churned")
#: Customer attributes the health and CLV views can be split by.
CUSTOMER_DIMENSIONS = ("segment", "region", "channel")
#: What satisfaction can be split by.
FEEDBACK_DIMENSIONS = ("segment", "region", "channel", "product", "rep")
#: Time units of the RFM summary and their length in days.
TIME_UNITS = {"days": 1.0, "weeks": 7.0, "months": 30.4375}
#: Fewer responses than this and an NPS or CSAT is not given (a score from a handful is noise).
MIN_RESPONSES = 10
#: The CLV models need at least this many customers, and this many repeat customers for spend.
MIN_CLV_CUSTOMERS = 50
MIN_CLV_REPEAT_CUSTOMERS = 20
#: Backlog age bands (days, upper bounds inclusive; the last band is open-ended).
BACKLOG_BANDS = ((7, "0-7"), (30, "8-30"), (90, "31-90"), (None, "90+"))
#: Activity count bands for the interaction views.
ACTIVITY_BANDS = ((0, "0"), (2, "1-2"), (5, "3-5"), (None, "6+"))

_Z95 = 1.959963984540054


# ----- helpers --------------------------------------------------------------------------------------------

def _num(v) -> float:
    return 0.0 if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v) else float(v)


def _opt(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def as_of(store: Store, filters: Filters) -> dt.date | None:
    """The date "as of" figures are taken: the window's end, or the last order date when open-ended."""
    if filters.end is not None:
        return filters.end
    span = data_window(store)
    return span[1] if span else None


def _orders_until(store: Store, filters: Filters, end: dt.date) -> ibis.Table:
    """Orders of all history up to `end` (inclusive), dimension filters applied."""
    o = apply(store, "orders", filters, date_column=None)
    return o.filter(o.order_date <= ibis.date(end.isoformat()))


def _customer_dims(store: Store, filters: Filters) -> ibis.Table:
    """customer_id, segment, region, channel for every customer.

    The segment is the saved segment when the filters pick a segmentation, else the customer's kind
    (person or company).
    """
    c = store.table("customers")
    dims = c.select("customer_id", region=c.region, channel=c.acquisition_channel_id, segment=c.kind)
    if filters.segmentation:
        m = store.table("segment_members")
        m = m.filter(m.segmentation_id == filters.segmentation).select(sm_id="customer_id", sm_segment="segment")
        dims = dims.left_join(m, dims.customer_id == m.sm_id).select(
            "customer_id", "region", "channel", segment=ibis.coalesce(m.sm_segment, dims.segment))
    return dims


def _check_by(by: str | None, allowed: tuple[str, ...]) -> None:
    if by is not None and by not in allowed:
        raise ValueError(f"by must be one of {allowed} or None, not {by!r}")


def _days_between(later, earlier):
    """Whole days from `earlier` to `later` (ibis date expressions)."""
    return later.epoch_days() - earlier.epoch_days()


def _month_index(d):
    return d.year() * 12 + d.month() - 1


def _wilson(successes: float, n: float) -> tuple[float | None, float | None]:
    if n <= 0:
        return None, None
    p = successes / n
    z2 = _Z95 ** 2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre - half, centre + half


def nps_stats(promoters: float, passives: float, detractors: float, *, min_responses: int = MIN_RESPONSES
              ) -> tuple[float | None, float | None, float | None]:
    """NPS and its 95% interval from counts: (nps, low, high), None when fewer than `min_responses`.

    NPS = 100 × (promoters − detractors) / responses. Its variance is
    (p_P + p_D − (p_P − p_D)²) / n (each response scores +1, 0 or −1), so the interval is
    NPS ± 1.96 × 100 × sqrt(that).
    """
    n = promoters + passives + detractors
    if n < max(min_responses, 1):
        return None, None, None
    pp, pd_ = promoters / n, detractors / n
    score = 100.0 * (pp - pd_)
    half = 100.0 * _Z95 * math.sqrt(max(pp + pd_ - (pp - pd_) ** 2, 0.0) / n)
    return score, max(score - half, -100.0), min(score + half, 100.0)


# ----- customer health ------------------------------------------------------------------------------------

def _status_expr(days, active_days: int, at_risk_days: int):
    return ibis.cases((days <= active_days, "active"), (days <= at_risk_days, "at_risk"), else_="churned")


def _check_thresholds(active_days: int, at_risk_days: int) -> None:
    if not 0 < active_days < at_risk_days:
        raise ValueError(f"need 0 < active_days < at_risk_days, got {active_days} and {at_risk_days}")


def customer_health(store: Store, filters: Filters, *, active_days: int = 90, at_risk_days: int = 180,
                    by: str | None = None) -> pd.DataFrame:
    """Customers by health status at the end of the window.

    A customer (anyone with an order up to the window's end) is *active* when the last order is at most
    `active_days` old, *at risk* when at most `at_risk_days` old, and *churned* beyond.

    Parameters
    ----------
    by : None, "segment", "region" or "channel" (the channel that won the customer).

    Returns columns: group (the dimension's code; "all" when `by` is None), status (active, at_risk,
    churned), customers, share (of the group's customers). Every status is present for every group.
    """
    _check_thresholds(active_days, at_risk_days)
    _check_by(by, CUSTOMER_DIMENSIONS)
    end = as_of(store, filters)
    cols = ["group", "status", "customers", "share"]
    if end is None:
        return pd.DataFrame(columns=cols)
    o = _orders_until(store, filters, end)
    last = o.group_by("customer_id").aggregate(last=o.order_date.max())
    last = last.mutate(status=_status_expr(_days_between(ibis.date(end.isoformat()), last["last"]),
                                           active_days, at_risk_days))
    if by is None:
        g = last.group_by("status").aggregate(customers=last.count()).mutate(group=ibis.literal("all"))
    else:
        d = _customer_dims(store, filters)
        j = last.left_join(d, last.customer_id == d.customer_id)
        g = j.group_by(group=j[by].cast("string"), status=j.status).aggregate(customers=j.count())
    df = store.execute(g)
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["group"] = df["group"].fillna("(none)")
    full = pd.MultiIndex.from_product([sorted(df["group"].unique()), HEALTH_STATUSES], names=["group", "status"])
    df = df.set_index(["group", "status"])["customers"].reindex(full, fill_value=0).reset_index()
    df["customers"] = df["customers"].astype(int)
    totals = df.groupby("group")["customers"].transform("sum")
    df["share"] = df["customers"] / totals.where(totals > 0)
    return df[cols]


def _month_ends(start: dt.date, end: dt.date, *, max_months: int = 36) -> list[dt.date]:
    """The last day of every month from `start` to `end` (`end` itself for the last, cut month)."""
    out: list[dt.date] = []
    m = dt.date(start.year, start.month, 1)
    while m <= end:
        nxt = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        out.append(min(nxt - dt.timedelta(days=1), end))
        m = nxt
    return out[-max_months:]


def health_trend(store: Store, filters: Filters, *, active_days: int = 90, at_risk_days: int = 180,
                 max_months: int = 36) -> pd.DataFrame:
    """Active, at-risk and churned customers at the end of each month of the window.

    Returns columns: month_end (Timestamp), active, at_risk, churned, customers (all who had bought by
    then), active_share. At most the last `max_months` months.
    """
    _check_thresholds(active_days, at_risk_days)
    cols = ["month_end", "active", "at_risk", "churned", "customers", "active_share"]
    end = as_of(store, filters)
    if end is None:
        return pd.DataFrame(columns=cols)
    start = filters.start or data_window(store)[0]
    ends = _month_ends(start, end, max_months=max_months)
    months = ibis.memtable(pd.DataFrame({"me": [(e - dt.date(1970, 1, 1)).days for e in ends]}))
    o = _orders_until(store, filters, end)
    days = o.select("customer_id", day=o.order_date.epoch_days()).distinct()
    j = days.join(months, (days.day <= months.me) & (days.day > months.me - at_risk_days))
    recent = store.execute(j.group_by("me").aggregate(
        recent=j.customer_id.nunique(),
        active=j.customer_id.nunique(where=j.day > j.me - active_days),
    ))
    first = days.group_by("customer_id").aggregate(first=days.day.min())
    fj = first.join(months, first["first"] <= months.me)
    ever = store.execute(fj.group_by("me").aggregate(customers=fj.count()))
    df = pd.DataFrame({"me": [(e - dt.date(1970, 1, 1)).days for e in ends]})
    df = df.merge(recent, on="me", how="left").merge(ever, on="me", how="left").fillna(0)
    df["month_end"] = pd.to_datetime(df["me"], unit="D")
    df["active"] = df["active"].astype(int)
    df["at_risk"] = (df["recent"] - df["active"]).astype(int)
    df["customers"] = df["customers"].astype(int)
    df["churned"] = (df["customers"] - df["recent"]).astype(int)
    df["active_share"] = df["active"] / df["customers"].where(df["customers"] > 0)
    return df[cols]


# ----- cohorts --------------------------------------------------------------------------------------------

def cohorts(store: Store, filters: Filters, *, max_months: int = 24) -> pd.DataFrame:
    """Retention by first-purchase month: customers and revenue retained, month by month.

    A cohort is the customers whose first order (over all history, with the dimension filters) falls in a
    month of the window; their orders up to the window's end are followed.

    Returns columns: cohort (Timestamp, first day of the month), months_since (0 = the first month),
    customers (who bought in that month), revenue, cohort_customers (size of the cohort),
    cohort_revenue (its revenue in month 0), retention (customers / cohort_customers),
    revenue_retention (revenue / cohort_revenue).
    """
    cols = ["cohort", "months_since", "customers", "revenue", "cohort_customers", "cohort_revenue", "retention",
            "revenue_retention"]
    end = as_of(store, filters)
    if end is None:
        return pd.DataFrame(columns=cols)
    o = _orders_until(store, filters, end)
    first = o.group_by(fc_id=o.customer_id).aggregate(first=o.order_date.min())
    if filters.start is not None:
        first = first.filter(first["first"] >= ibis.date(filters.start.isoformat()))
    j = o.join(first, o.customer_id == first.fc_id)
    j = j.mutate(cohort=j["first"].truncate("M"), months_since=_month_index(j.order_date) - _month_index(j["first"]))
    j = j.filter(j.months_since <= max_months)
    df = store.execute(j.group_by("cohort", "months_since").aggregate(
        customers=j.customer_id.nunique(), revenue=j.revenue.sum()))
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["cohort"] = pd.to_datetime(df["cohort"])
    df = df.sort_values(["cohort", "months_since"], ignore_index=True)
    base = df[df["months_since"] == 0].set_index("cohort")
    df["cohort_customers"] = df["cohort"].map(base["customers"]).astype(float)
    df["cohort_revenue"] = df["cohort"].map(base["revenue"]).astype(float)
    df["retention"] = df["customers"] / df["cohort_customers"]
    df["revenue_retention"] = df["revenue"] / df["cohort_revenue"].where(df["cohort_revenue"] > 0)
    df["months_since"] = df["months_since"].astype(int)
    return df[cols]


def cohort_repeat_rate(store: Store, filters: Filters, *, days: int = 180, min_customers: int = 10) -> pd.DataFrame:
    """Per first-purchase month, the share of customers who ordered again within `days` of their first order.

    Only cohorts whose every customer can be followed for `days` before the window's end, and with at
    least `min_customers` customers, are returned.

    Returns columns: cohort (Timestamp, first day of the month), customers, repeaters, repeat_rate,
    vs_median (repeat_rate ÷ the median cohort's).
    """
    cols = ["cohort", "customers", "repeaters", "repeat_rate", "vs_median"]
    end = as_of(store, filters)
    if end is None:
        return pd.DataFrame(columns=cols)
    o = _orders_until(store, filters, end)
    d = o.select("customer_id", day=o.order_date.epoch_days()).distinct()
    first = d.group_by(fc_id=d.customer_id).aggregate(first=d.day.min())
    last_day = (end - dt.date(1970, 1, 1)).days
    first = first.filter(first["first"] + days <= last_day)
    if filters.start is not None:
        first = first.filter(first["first"] >= (filters.start - dt.date(1970, 1, 1)).days)
    j = first.left_join(d, (first.fc_id == d.customer_id) & (d.day > first["first"])
                        & (d.day <= first["first"] + days))
    per = j.group_by(j.fc_id, j["first"]).aggregate(again=j.day.count())
    per = per.mutate(cohort=(ibis.date("1970-01-01") + per["first"].cast("int32").as_interval("D")).truncate("M"))
    df = store.execute(per.group_by("cohort").aggregate(customers=per.count(),
                                                        repeaters=(per.again > 0).sum()).order_by("cohort"))
    df = df[df["customers"] >= min_customers]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["cohort"] = pd.to_datetime(df["cohort"])
    df["repeaters"] = df["repeaters"].astype(int)
    df["repeat_rate"] = df["repeaters"] / df["customers"]
    med = df["repeat_rate"].median()
    df["vs_median"] = df["repeat_rate"] / med if med else np.nan
    return df.reset_index(drop=True)[cols]


# ----- lifetime value -------------------------------------------------------------------------------------

def rfm_summary(store: Store, filters: Filters, *, time_unit: str = "weeks") -> pd.DataFrame:
    """The RFM summary of every customer with an order in the window, aggregated in the engine.

    Purchases are counted as purchase *days* (several orders on one day are one purchase, as in the
    BG/NBD literature). The window's end is the calibration end.

    Parameters
    ----------
    time_unit : "days", "weeks" or "months" (30.4375 days) for recency and T.

    Returns columns: customer_id, frequency (repeat purchase days = purchase days − 1), recency (first to
    last purchase), T (first purchase to the calibration end), monetary_value (mean spend of the repeat
    purchase days; NaN when frequency is 0), revenue (all spend in the window), first_purchase,
    last_purchase (dates), segment, region, channel.
    """
    if time_unit not in TIME_UNITS:
        raise ValueError(f"time_unit must be one of {tuple(TIME_UNITS)}, not {time_unit!r}")
    cols = ["customer_id", "frequency", "recency", "T", "monetary_value", "revenue", "first_purchase",
            "last_purchase", "segment", "region", "channel"]
    end = as_of(store, filters)
    if end is None:
        return pd.DataFrame(columns=cols)
    o = apply(store, "orders", filters)
    o = o.filter(o.order_date <= ibis.date(end.isoformat()))
    day = o.group_by("customer_id", "order_date").aggregate(spend=o.revenue.sum())
    day = day.mutate(first=day.order_date.min().over(group_by="customer_id"))
    per = day.group_by("customer_id").aggregate(
        days=day.count(),
        first_purchase=day.order_date.min(),
        last_purchase=day.order_date.max(),
        revenue=day.spend.sum(),
        repeat_spend=day.spend.sum(where=day.order_date > day["first"]),
    )
    d = _customer_dims(store, filters)
    per = per.left_join(d, per.customer_id == d.customer_id).select(
        per.customer_id, per.days, per.first_purchase, per.last_purchase, per.revenue, per.repeat_spend,
        d.segment, d.region, d.channel)
    per = per.mutate(
        recency_days=_days_between(per.last_purchase, per.first_purchase),
        age_days=_days_between(ibis.date(end.isoformat()), per.first_purchase),
    )
    df = store.execute(per.order_by("customer_id"))
    if df.empty:
        return pd.DataFrame(columns=cols)
    unit = TIME_UNITS[time_unit]
    df["frequency"] = (df["days"] - 1).astype(int)
    df["recency"] = df["recency_days"] / unit
    df["T"] = df["age_days"] / unit
    df["monetary_value"] = (df["repeat_spend"] / df["frequency"].where(df["frequency"] > 0)).astype(float)
    return df[cols]


@dataclass(frozen=True)
class ClvResult:
    """The CLV models fitted on the window and what they predict.

    Attributes
    ----------
    enough, reason : False with what is needed when the window holds too few (repeat) customers.
    calibration_end : the window's end (the models' "now").
    time_unit, horizon_months, discount_rate : the settings used.
    bgnbd, gamma_gamma : the fitted parameters (None when not enough).
    customers : one row per customer, highest CLV first: customer_id, segment, region, channel, frequency,
        recency, T, monetary_value, revenue, p_alive (probability still a customer), expected_purchases
        (over the horizon), expected_spend (per purchase), clv (discounted expected spend over the horizon).
    """

    enough: bool
    reason: str | None
    calibration_end: dt.date | None
    time_unit: str
    horizon_months: int
    discount_rate: float
    bgnbd: clv_models.BetaGeoParams | None = None
    gamma_gamma: clv_models.GammaGammaParams | None = None
    customers: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def total_clv(self) -> float | None:
        return float(self.customers["clv"].sum()) if self.enough else None

    def top(self, n: int = 20) -> pd.DataFrame:
        """The `n` customers with the highest CLV (same columns as `customers`)."""
        return self.customers.head(n).reset_index(drop=True)

    def params_json(self) -> dict | None:
        """The fitted parameters as plain JSON (r, alpha, a, b, p, q, gamma), None when not enough."""
        if not self.enough:
            return None
        b, g = self.bgnbd, self.gamma_gamma
        return {"r": b.r, "alpha": b.alpha, "a": b.a, "b": b.b, "p": g.p, "q": g.q, "gamma": g.gamma,
                "time_unit": self.time_unit, "customers": b.customers, "repeat_customers": g.customers,
                "calibration_end": self.calibration_end}


def customer_lifetime_value(store: Store, filters: Filters, *, time_unit: str = "weeks", horizon_months: int = 12,
                            discount_rate: float = 0.01) -> ClvResult:
    """Fit BG/NBD and Gamma-Gamma on the window's orders and predict each customer's next `horizon_months`.

    Parameters
    ----------
    time_unit : unit of recency and T for the fit ("days", "weeks", "months"); predictions do not depend on
        it beyond rounding.
    horizon_months : how far ahead expected purchases and CLV look.
    discount_rate : monthly discount rate of the CLV.
    """
    end = as_of(store, filters)
    kw = dict(calibration_end=end, time_unit=time_unit, horizon_months=horizon_months,
              discount_rate=discount_rate)
    rfm = rfm_summary(store, filters, time_unit=time_unit)
    rfm = rfm[rfm["T"] > 0]  # a customer whose first purchase is the last day has no history to fit
    if len(rfm) < MIN_CLV_CUSTOMERS:
        return ClvResult(False, f"customers={len(rfm)} < {MIN_CLV_CUSTOMERS}", **kw)
    repeat = rfm[(rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)]
    if len(repeat) < MIN_CLV_REPEAT_CUSTOMERS:
        return ClvResult(False, f"repeat customers={len(repeat)} < {MIN_CLV_REPEAT_CUSTOMERS}", **kw)
    bg = clv_models.BetaGeoModel().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    gg = clv_models.GammaGammaModel().fit(repeat["frequency"], repeat["monetary_value"])
    step = TIME_UNITS["months"] / TIME_UNITS[time_unit]
    f, r, T = rfm["frequency"].to_numpy(), rfm["recency"].to_numpy(), rfm["T"].to_numpy()
    m = rfm["monetary_value"].clip(lower=0).fillna(0).to_numpy()
    out = rfm.copy()
    out["p_alive"] = bg.conditional_probability_alive(f, r, T)
    out["expected_purchases"] = bg.predict(horizon_months * step, f, r, T)
    out["expected_spend"] = gg.conditional_expected_average_profit(f, m)
    out["clv"] = clv_models.customer_lifetime_value(bg, gg, f, r, T, m, horizon=horizon_months, step=step,
                                                    discount_rate=discount_rate)
    cols = ["customer_id", "segment", "region", "channel", "frequency", "recency", "T", "monetary_value",
            "revenue", "p_alive", "expected_purchases", "expected_spend", "clv"]
    out = out[cols].sort_values(["clv", "customer_id"], ascending=[False, True], ignore_index=True)
    return ClvResult(True, None, bgnbd=bg.params_, gamma_gamma=gg.params_, customers=out, **kw)


def clv_by(result: ClvResult, *, by: str = "segment") -> pd.DataFrame:
    """CLV per segment, region or channel.

    Returns columns: group, customers, p_alive (mean), expected_purchases (sum), clv (sum), clv_per_customer,
    clv_share; largest CLV first. Empty when the models could not be fitted.
    """
    _check_by(by, CUSTOMER_DIMENSIONS)
    cols = ["group", "customers", "p_alive", "expected_purchases", "clv", "clv_per_customer", "clv_share"]
    if not result.enough:
        return pd.DataFrame(columns=cols)
    c = result.customers.assign(group=result.customers[by].fillna("(none)").astype(str))
    g = c.groupby("group", as_index=False).agg(customers=("customer_id", "size"), p_alive=("p_alive", "mean"),
                                               expected_purchases=("expected_purchases", "sum"), clv=("clv", "sum"))
    g["clv_per_customer"] = g["clv"] / g["customers"]
    g["clv_share"] = g["clv"] / g["clv"].sum() if g["clv"].sum() else np.nan
    return g.sort_values("clv", ascending=False, ignore_index=True)[cols]


# ----- satisfaction ---------------------------------------------------------------------------------------

def _feedback(store: Store, filters: Filters) -> ibis.Table:
    return apply(store, "feedback", filters)


def _satisfaction_aggs(t: ibis.Table) -> dict:
    return dict(
        responses=t.nps.count(),
        promoters=(t.nps >= 9).sum(),
        passives=((t.nps >= 7) & (t.nps <= 8)).sum(),
        detractors=(t.nps <= 6).sum(),
        csat_responses=t.csat.count(),
        csat_satisfied=(t.csat >= 4).sum(),
        csat_mean=t.csat.mean(),
    )


def _satisfaction_scores(df: pd.DataFrame, min_responses: int) -> pd.DataFrame:
    for c in ("responses", "promoters", "passives", "detractors", "csat_responses", "csat_satisfied"):
        df[c] = df[c].fillna(0).astype(int)
    nps = [nps_stats(p, s, d, min_responses=min_responses)
           for p, s, d in zip(df["promoters"], df["passives"], df["detractors"])]
    df["nps"] = [x[0] for x in nps]
    df["nps_low"] = [x[1] for x in nps]
    df["nps_high"] = [x[2] for x in nps]
    ok = df["csat_responses"] >= min_responses
    df["csat"] = (df["csat_satisfied"] / df["csat_responses"].where(ok)).astype(float)
    bounds = [_wilson(s, n) if n >= min_responses else (None, None)
              for s, n in zip(df["csat_satisfied"], df["csat_responses"])]
    df["csat_low"] = pd.array([b[0] for b in bounds], dtype="Float64").astype(float)
    df["csat_high"] = pd.array([b[1] for b in bounds], dtype="Float64").astype(float)
    df["csat_mean"] = df["csat_mean"].where(ok).astype(float)
    for c in ("nps", "nps_low", "nps_high"):
        df[c] = pd.array(df[c], dtype="Float64").astype(float)
    return df


_SAT_COLS = ["responses", "promoters", "passives", "detractors", "nps", "nps_low", "nps_high", "csat_responses",
             "csat_satisfied", "csat", "csat_low", "csat_high", "csat_mean"]


def satisfaction_trend(store: Store, filters: Filters, *, min_responses: int = MIN_RESPONSES) -> pd.DataFrame:
    """NPS and CSAT by month with 95% intervals.

    Returns columns: month (Timestamp), responses (NPS answers), promoters (9-10), passives (7-8),
    detractors (0-6), nps, nps_low, nps_high, csat_responses, csat_satisfied (4-5), csat (share satisfied),
    csat_low, csat_high (Wilson interval), csat_mean (mean score 1-5). Scores are NaN for months with fewer
    than `min_responses` answers.
    """
    t = _feedback(store, filters)
    g = t.group_by(month=t.submitted_at.truncate("M")).aggregate(**_satisfaction_aggs(t)).order_by("month")
    df = store.execute(g)
    if df.empty:
        return pd.DataFrame(columns=["month", *_SAT_COLS])
    df["month"] = pd.to_datetime(df["month"])
    return _satisfaction_scores(df, min_responses)[["month", *_SAT_COLS]]


def satisfaction_by(store: Store, filters: Filters, *, by: str, min_responses: int = MIN_RESPONSES) -> pd.DataFrame:
    """NPS and CSAT by segment, region, feedback channel, product or rep.

    Returns columns: group (code), name (product or rep name; the code otherwise), and the columns of
    :func:`satisfaction_trend` except month; most responses first.
    """
    _check_by(by, FEEDBACK_DIMENSIONS)
    t = _feedback(store, filters)
    if by in ("segment", "region"):
        d = _customer_dims(store, filters)
        t = t.left_join(d, t.customer_id == d.customer_id)
        key = t[by]
    elif by == "channel":
        key = t.channel
    elif by == "product":
        key = t.product_id
    else:
        key = t.rep_id
    df = store.execute(t.group_by(group=key.cast("string")).aggregate(**_satisfaction_aggs(t)))
    if df.empty:
        return pd.DataFrame(columns=["group", "name", *_SAT_COLS])
    df["group"] = df["group"].fillna("(none)")
    df["name"] = df["group"]
    if by in ("product", "rep"):
        names = _names(store, "products" if by == "product" else "reps", "product_id" if by == "product" else "rep_id")
        df["name"] = [names.get(k, k) for k in df["group"]]
    df = _satisfaction_scores(df, min_responses)
    return df.sort_values(["responses", "group"], ascending=[False, True], ignore_index=True)[["group", "name", *_SAT_COLS]]


def code_names(store: Store, filters: Filters, *, kind: str) -> dict[str, str]:
    """Names of the channels, products or reps by code (`kind` "channel", "product" or "rep")."""
    table, key = {"channel": ("channels", "channel_id"), "product": ("products", "product_id"),
                  "rep": ("reps", "rep_id")}[kind]
    return _names(store, table, key)


def customer_names(store: Store, filters: Filters, *, ids: tuple[str, ...]) -> dict[str, str]:
    """Names of the customers `ids` (the id itself when a customer has no name)."""
    if not ids:
        return {}
    c = store.table("customers")
    df = store.execute(c.filter(c.customer_id.isin(list(ids))).select("customer_id", "name"))
    return {str(k): (str(n) if isinstance(n, str) and n else str(k)) for k, n in zip(df["customer_id"], df["name"])}


def _names(store: Store, table: str, key: str) -> dict[str, str]:
    tb = store.table(table)
    df = store.execute(tb.select(k=tb[key], n=tb["name"]))
    return {str(k): (str(n) if isinstance(n, str) and n else str(k)) for k, n in zip(df["k"], df["n"])}


# ----- complaints -----------------------------------------------------------------------------------------

def _complaints(store: Store, filters: Filters) -> ibis.Table:
    return apply(store, "complaints", filters)


def _resolution_days(t: ibis.Table):
    return (t.resolved_at.epoch_seconds() - t.opened_at.epoch_seconds()).cast("float64") / 86400.0


def complaint_trend(store: Store, filters: Filters) -> pd.DataFrame:
    """Complaints and orders by month, and complaints per 1,000 orders.

    Returns columns: month (Timestamp), complaints, orders, rate_per_1000 (NaN without orders).
    """
    c = _complaints(store, filters)
    cm = store.execute(c.group_by(month=c.opened_at.truncate("M")).aggregate(complaints=c.count()))
    o = apply(store, "orders", filters)
    om = store.execute(o.group_by(month=o.order_date.truncate("M")).aggregate(orders=o.order_id.nunique()))
    if cm.empty and om.empty:
        return pd.DataFrame(columns=["month", "complaints", "orders", "rate_per_1000"])
    cm["month"] = pd.to_datetime(cm["month"])
    om["month"] = pd.to_datetime(om["month"])
    df = om.merge(cm, on="month", how="outer").fillna(0).sort_values("month", ignore_index=True)
    df["complaints"] = df["complaints"].astype(int)
    df["orders"] = df["orders"].astype(int)
    df["rate_per_1000"] = 1000.0 * df["complaints"] / df["orders"].where(df["orders"] > 0)
    return df[["month", "complaints", "orders", "rate_per_1000"]]


def complaint_pareto(store: Store, filters: Filters) -> pd.DataFrame:
    """Complaints by category, largest first, with the cumulative share (a Pareto chart).

    Returns columns: category, complaints, share, cumulative_share, high_severity (high or critical).
    """
    c = _complaints(store, filters)
    df = store.execute(c.group_by(category=c.category).aggregate(
        complaints=c.count(), high_severity=c.severity.isin(("high", "critical")).sum()))
    if df.empty:
        return pd.DataFrame(columns=["category", "complaints", "share", "cumulative_share", "high_severity"])
    df["category"] = df["category"].fillna("(none)")
    df = df.sort_values(["complaints", "category"], ascending=[False, True], ignore_index=True)
    df["share"] = df["complaints"] / df["complaints"].sum()
    df["cumulative_share"] = df["share"].cumsum()
    df["high_severity"] = df["high_severity"].fillna(0).astype(int)
    return df[["category", "complaints", "share", "cumulative_share", "high_severity"]]


def complaint_resolution(store: Store, filters: Filters, *, sla_days: float = 3.0) -> pd.DataFrame:
    """Resolution time against the SLA, by severity (complaints opened in the window).

    Returns columns: severity (low..critical, then "all"), complaints, resolved, median_days, p90_days,
    within_sla (share of resolved complaints resolved within `sla_days`), resolved_share.
    """
    c = _complaints(store, filters)
    days = _resolution_days(c)
    aggs = dict(complaints=c.count(), resolved=c.resolved_at.count(), median_days=days.median(),
                p90_days=days.quantile(0.9), within=(days <= sla_days).sum())
    by = store.execute(c.group_by(severity=c.severity).aggregate(**aggs))
    total = store.execute(c.aggregate(**aggs)).assign(severity="all")
    cols = ["severity", "complaints", "resolved", "median_days", "p90_days", "within_sla", "resolved_share"]
    if by.empty:
        return pd.DataFrame(columns=cols)
    from salesdash.schema import SEVERITIES

    by["severity"] = by["severity"].fillna("(none)")
    order = {s: i for i, s in enumerate(SEVERITIES)}
    by = by.sort_values("severity", key=lambda s: s.map(lambda v: order.get(v, 99)))
    df = pd.concat([by, total], ignore_index=True)
    df["within"] = df["within"].fillna(0).astype(float)
    df["resolved"] = df["resolved"].fillna(0).astype(int)
    df["within_sla"] = df["within"] / df["resolved"].where(df["resolved"] > 0)
    df["resolved_share"] = df["resolved"] / df["complaints"].where(df["complaints"] > 0)
    for col in ("median_days", "p90_days", "within_sla", "resolved_share"):
        df[col] = df[col].astype(float)
    return df[cols]


def _backlog(store: Store, filters: Filters, end: dt.date) -> ibis.Table:
    """Complaints open at the end of `end` (opened by then, not resolved by then), any opening date."""
    c = apply(store, "complaints", filters, date_column=None)
    cut = ibis.timestamp((end + dt.timedelta(days=1)).isoformat())
    c = c.filter(c.opened_at < cut, c.resolved_at.isnull() | (c.resolved_at >= cut))
    return c.mutate(age=_days_between(ibis.date(end.isoformat()), c.opened_at.date()))


def complaint_backlog(store: Store, filters: Filters) -> pd.DataFrame:
    """The open backlog at the window's end by age band and severity.

    Returns columns: age_band ("0-7", "8-30", "31-90", "90+" days), severity, tickets.
    """
    cols = ["age_band", "severity", "tickets"]
    end = as_of(store, filters)
    if end is None:
        return pd.DataFrame(columns=cols)
    b = _backlog(store, filters, end)
    cases = [(b.age <= hi, name) for hi, name in BACKLOG_BANDS if hi is not None]
    band = ibis.cases(*cases, else_=BACKLOG_BANDS[-1][1])
    df = store.execute(b.group_by(age_band=band, severity=b.severity).aggregate(tickets=b.count()))
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["severity"] = df["severity"].fillna("(none)")
    order = {name: i for i, (_, name) in enumerate(BACKLOG_BANDS)}
    return df.sort_values(["age_band", "severity"], key=lambda s: s.map(order) if s.name == "age_band" else s,
                          ignore_index=True)[cols]


def repeat_complainers(store: Store, filters: Filters, *, min_complaints: int = 2, top: int = 20) -> pd.DataFrame:
    """Customers with at least `min_complaints` complaints in the window, most first.

    Returns columns: customer_id, name, complaints, categories (distinct), first_opened, last_opened, open
    (not resolved now).
    """
    c = _complaints(store, filters).filter(lambda t: t.customer_id.notnull())
    g = c.group_by("customer_id").aggregate(
        complaints=c.count(), categories=c.category.nunique(), first_opened=c.opened_at.min(),
        last_opened=c.opened_at.max(), open=c.resolved_at.isnull().sum())
    g = g.filter(g.complaints >= min_complaints).order_by([ibis.desc("complaints"), "customer_id"]).limit(top)
    cu = store.table("customers")
    g = g.left_join(cu, g.customer_id == cu.customer_id).select(
        g.customer_id, name=cu.name, complaints=g.complaints, categories=g.categories,
        first_opened=g.first_opened, last_opened=g.last_opened, open=g.open)
    df = store.execute(g.order_by([ibis.desc("complaints"), "customer_id"]))
    return df[["customer_id", "name", "complaints", "categories", "first_opened", "last_opened", "open"]]


def _repeat_complainer_count(store: Store, filters: Filters, *, min_complaints: int = 2) -> tuple[int, int]:
    c = _complaints(store, filters).filter(lambda t: t.customer_id.notnull())
    g = c.group_by("customer_id").aggregate(n=c.count())
    row = store.execute(g.aggregate(complainers=g.count(), repeat=(g.n >= min_complaints).sum())).iloc[0]
    return int(_num(row["complainers"])), int(_num(row["repeat"]))


@dataclass(frozen=True)
class ComplaintOutcomes:
    """What follows a complaint: churn and spend of complainers against comparable customers.

    A complainer is followed from the day of her first complaint of a category in the window; a comparable
    customer is one who did not complain in the window and was active on a reference day in the same month
    (the 15th), with as many purchase days in the `followup_days` before (1, 2-3, 4+) as the complainer. Both are followed for `followup_days`; only
    complaints whose follow-up ends by the last order date are counted. The baseline is weighted to the
    complainers' months and activity bands, so seasonality and heavy buyers do not pass for an effect.

    Attributes
    ----------
    enough, reason : False with what is needed when too few complaints have a full follow-up.
    followup_days : the follow-up length.
    by_category : one row per category and a last row "all": category, complainers, churn_rate (no order in
        the follow-up), baseline_churn_rate, churn_lift (difference, in shares), spend_before (mean, the
        `followup_days` before), spend_after (mean, the follow-up), baseline_spend_before,
        baseline_spend_after, spend_change (after / before − 1) and baseline_spend_change. Largest lift first.
    """

    enough: bool
    reason: str | None
    followup_days: int
    by_category: pd.DataFrame


_OUTCOME_COLS = ["category", "complainers", "churn_rate", "baseline_churn_rate", "churn_lift", "spend_before",
                 "spend_after", "baseline_spend_before", "baseline_spend_after", "spend_change",
                 "baseline_spend_change"]
#: Complainers a category needs for its outcome to be shown.
MIN_OUTCOME_COMPLAINERS = 10


def complaint_outcomes(store: Store, filters: Filters, *, followup_days: int = 180) -> ComplaintOutcomes:
    """Churn and spend after a complaint, by category, against comparable customers (see ComplaintOutcomes)."""
    empty = pd.DataFrame(columns=_OUTCOME_COLS)
    span = data_window(store)
    if span is None:
        return ComplaintOutcomes(False, "orders=0", followup_days, empty)
    last_day = (span[1] - dt.date(1970, 1, 1)).days
    F = int(followup_days)
    o = apply(store, "orders", filters, date_column=None)
    od = o.group_by("customer_id", day=o.order_date.epoch_days()).aggregate(spend=o.revenue.sum())

    c = _complaints(store, filters).filter(lambda t: t.customer_id.notnull())
    c = c.mutate(category=c.category.fill_null("(none)"), idx=c.opened_at.date().epoch_days())
    first = c.group_by(cc_id=c.customer_id, category=c.category).aggregate(idx=c.idx.min())
    first = first.filter(first.idx + F <= last_day)
    j = first.join(od, (first.cc_id == od.customer_id) & (od.day > first.idx - F) & (od.day <= first.idx + F))
    per = j.group_by(j.cc_id, j.category, j.idx).aggregate(
        before=j.spend.sum(where=j.day <= j.idx), after=j.spend.sum(where=j.day > j.idx),
        n_before=(j.day <= j.idx).sum(), n_after=(j.day > j.idx).sum())
    per = per.filter(per.n_before > 0)
    comp = store.execute(per.select("cc_id", "category", "idx", "before", "after", "n_before", "n_after"))
    if comp.empty:
        return ComplaintOutcomes(False, "complaints with a full follow-up=0", F, empty)
    comp["month"] = pd.to_datetime(comp["idx"], unit="D").dt.to_period("M")
    comp["band"] = _activity_band(comp["n_before"])
    comp["churned"] = (comp["n_after"].fillna(0) == 0).astype(float)
    comp["after"] = comp["after"].fillna(0.0)
    comp["before"] = comp["before"].fillna(0.0)

    # Comparable customers: did not complain in the window, active on the 15th of each complaint month,
    # with as many purchase days in the `followup_days` before as the complainer (bands 1, 2-3, 4+).
    refs = sorted({(p.to_timestamp() + pd.Timedelta(days=14)) for p in comp["month"].unique()})
    ref_days = [int((r - pd.Timestamp("1970-01-01")).days) for r in refs]
    ref_days = [d for d in ref_days if d + F <= last_day]
    if not ref_days:
        return ComplaintOutcomes(False, "comparable customers=0", F, empty)
    months = ibis.memtable(pd.DataFrame({"ref": ref_days}))
    cm = _complaints(store, filters)
    odn = od.filter(~od.customer_id.isin(cm.filter(cm.customer_id.notnull()).customer_id))
    bj = odn.join(months, (odn.day > months.ref - F) & (odn.day <= months.ref + F))
    bper = bj.group_by(bj.customer_id, bj.ref).aggregate(
        before=bj.spend.sum(where=bj.day <= bj.ref), after=bj.spend.sum(where=bj.day > bj.ref),
        n_before=(bj.day <= bj.ref).sum(), n_after=(bj.day > bj.ref).sum())
    bper = bper.filter(bper.n_before > 0)
    bband = ibis.cases((bper.n_before <= 1, "1"), (bper.n_before <= 3, "2-3"), else_="4+")
    base = store.execute(bper.group_by(bper.ref, band=bband).aggregate(
        n=bper.count(), churned=(bper.n_after == 0).sum(), before=bper.before.sum(),
        after=bper.after.sum()))
    if base.empty:
        return ComplaintOutcomes(False, "comparable customers=0", F, empty)
    base["month"] = pd.to_datetime(base["ref"], unit="D").dt.to_period("M")
    base = base.set_index(["month", "band"])
    rate = (base["churned"] / base["n"]).rename("b_churn")
    b_before = (base["before"].fillna(0) / base["n"]).rename("b_before")
    b_after = (base["after"].fillna(0) / base["n"]).rename("b_after")
    cells = pd.concat([rate, b_before, b_after], axis=1).reset_index()
    comp = comp.merge(cells, on=["month", "band"], how="inner")

    rows = []
    groups = [(cat, g) for cat, g in comp.groupby("category")]
    all_first = comp.sort_values("idx").drop_duplicates("cc_id")  # each complainer once, first complaint
    for cat, g in [*groups, ("all", all_first)]:
        if len(g) < MIN_OUTCOME_COMPLAINERS:
            continue
        rows.append({
            "category": cat, "complainers": len(g),
            "churn_rate": g["churned"].mean(), "baseline_churn_rate": g["b_churn"].mean(),
            "spend_before": g["before"].mean(), "spend_after": g["after"].mean(),
            "baseline_spend_before": g["b_before"].mean(), "baseline_spend_after": g["b_after"].mean(),
        })
    if not any(r["category"] != "all" for r in rows):
        return ComplaintOutcomes(False, f"complainers per category < {MIN_OUTCOME_COMPLAINERS}", F, empty)
    df = pd.DataFrame(rows)
    df["churn_lift"] = df["churn_rate"] - df["baseline_churn_rate"]
    df["spend_change"] = df["spend_after"] / df["spend_before"].where(df["spend_before"] > 0) - 1
    df["baseline_spend_change"] = (df["baseline_spend_after"]
                                   / df["baseline_spend_before"].where(df["baseline_spend_before"] > 0) - 1)
    cats = df[df["category"] != "all"].sort_values(["churn_lift", "category"], ascending=[False, True])
    df = pd.concat([cats, df[df["category"] == "all"]], ignore_index=True)
    return ComplaintOutcomes(True, None, F, df[_OUTCOME_COLS])


# ----- interactions ---------------------------------------------------------------------------------------

def _activity_band(n: pd.Series) -> pd.Series:
    """Purchase days in the look-back: "1", "2-3" or "4+" (the comparability bands of complaint outcomes)."""
    n = n.fillna(0)
    return pd.Series(np.where(n <= 1, "1", np.where(n <= 3, "2-3", "4+")), index=n.index)


def _band_expr(n):
    cases = [(n <= hi, name) for hi, name in ACTIVITY_BANDS if hi is not None]
    return ibis.cases(*cases, else_=ACTIVITY_BANDS[-1][1])


def _band_order(df: pd.DataFrame) -> pd.DataFrame:
    order = {name: i for i, (_, name) in enumerate(ACTIVITY_BANDS)}
    return df.sort_values("band", key=lambda s: s.map(order), ignore_index=True)


def interactions_by_rep(store: Store, filters: Filters) -> pd.DataFrame:
    """Calls, emails, meetings, visits and social touches per rep in the window.

    Returns columns: rep_id, name, team, call, email, meeting, visit, social, total, customers (touched),
    per_customer (total / customers); most active first.
    """
    from salesdash.schema import ACTIVITY_TYPES

    a = apply(store, "activities", filters)
    aggs = {k: (a.type == k).sum() for k in ACTIVITY_TYPES}
    g = a.group_by("rep_id").aggregate(**aggs, total=a.count(), customers=a.customer_id.nunique())
    r = store.table("reps")
    g = g.left_join(r, g.rep_id == r.rep_id).select(g, name=r.name, team=r.team)
    df = store.execute(g)
    cols = ["rep_id", "name", "team", *ACTIVITY_TYPES, "total", "customers", "per_customer"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["rep_id"] = df["rep_id"].fillna("(none)")
    df["name"] = df["name"].where(df["name"].notna(), df["rep_id"])
    df["per_customer"] = df["total"] / df["customers"].where(df["customers"] > 0)
    return df.sort_values(["total", "rep_id"], ascending=[False, True], ignore_index=True)[cols]


def interactions_vs_satisfaction(store: Store, filters: Filters, *, min_responses: int = MIN_RESPONSES) -> pd.DataFrame:
    """Satisfaction of customers by how many interactions they had in the window.

    Customers who gave feedback in the window are banded by their number of activities (0, 1-2, 3-5, 6+).

    Returns columns: band, customers, activities (mean over the band's responses), and the NPS/CSAT columns of
    :func:`satisfaction_trend` (responses, nps, nps_low, nps_high, csat, ...).
    """
    fb = _feedback(store, filters)
    a = apply(store, "activities", filters)
    acts = a.group_by(a_id=a.customer_id).aggregate(n=a.count())
    j = fb.left_join(acts, fb.customer_id == acts.a_id)
    j = j.mutate(n=j.n.fill_null(0))
    j = j.mutate(band=_band_expr(j.n))
    aggs = _satisfaction_aggs(j)
    df = store.execute(j.group_by("band").aggregate(customers=j.customer_id.nunique(), activities=j.n.mean(), **aggs))
    if df.empty:
        return pd.DataFrame(columns=["band", "customers", "activities", *_SAT_COLS])
    df = _satisfaction_scores(df, min_responses)
    return _band_order(df)[["band", "customers", "activities", *_SAT_COLS]]


def interactions_vs_conversion(store: Store, filters: Filters) -> pd.DataFrame:
    """Win rate of the deals closed in the window by how many activities were logged on them.

    Returns columns: band (0, 1-2, 3-5, 6+ activities), deals, won, win_rate, activities (mean).
    """
    op = apply(store, "opportunities", filters, date_column="closed_at")
    op = op.filter(op.status.isin(("won", "lost")))
    a = apply(store, "activities", filters, date_column=None)
    a = a.filter(a.opportunity_id.notnull())
    acts = a.group_by(a_opp=a.opportunity_id).aggregate(n=a.count())
    j = op.left_join(acts, op.opportunity_id == acts.a_opp)
    j = j.mutate(n=j.n.fill_null(0))
    j = j.mutate(band=_band_expr(j.n))
    df = store.execute(j.group_by("band").aggregate(deals=j.count(), won=(j.status == "won").sum(),
                                                    activities=j.n.mean()))
    if df.empty:
        return pd.DataFrame(columns=["band", "deals", "won", "win_rate", "activities"])
    df["win_rate"] = df["won"] / df["deals"]
    return _band_order(df)[["band", "deals", "won", "win_rate", "activities"]]


# ----- feedback topics ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedbackTopics:
    """Topics of the feedback comments in the window.

    Attributes
    ----------
    enough, reason : False with what is needed when there are too few comments.
    comments : number of comments analysed (a deterministic sample when there were more than the cap).
    topics : topic, top_terms, comments, share, language, nps (mean score of its comments), csat (mean).
    examples : topic, comment, weight (the clearest comments of each topic).
    trend : month (Timestamp), topic, comments, share (of that month's comments with a topic).
    """

    enough: bool
    reason: str | None
    comments: int
    topics: pd.DataFrame
    examples: pd.DataFrame
    trend: pd.DataFrame


def feedback_topics(store: Store, filters: Filters, *, n_topics: int = 8, max_comments: int = 4000,
                    examples_per_topic: int = 3) -> FeedbackTopics:
    """Topics of the window's feedback comments (Chinese and English), with examples and shares by month.

    At most `max_comments` comments are read (a deterministic sample by hashed key when there are more).
    """
    t = _feedback(store, filters)
    t = t.filter(t.comment.notnull() & (t.comment.strip().length() > 0))
    t = t.select("feedback_id", "comment", "nps", "csat", month=t.submitted_at.truncate("M"),
                 key=t.feedback_id.hash())
    df = store.execute(t.order_by(["key", "feedback_id"]).limit(max_comments))
    empty_topics = pd.DataFrame(columns=["topic", "top_terms", "comments", "share", "language", "nps", "csat"])
    if df.empty:
        return FeedbackTopics(False, f"comments=0 < {text_topics.MIN_COMMENTS}", 0, empty_topics,
                              pd.DataFrame(columns=["topic", "comment", "weight"]),
                              pd.DataFrame(columns=["month", "topic", "comments", "share"]))
    df = df.sort_values("feedback_id", ignore_index=True)
    comments = df["comment"].tolist()
    model = text_topics.fit_topics(comments, n_topics=n_topics)
    if not model.enough:
        return FeedbackTopics(False, model.reason, len(df), empty_topics,
                              pd.DataFrame(columns=["topic", "comment", "weight"]),
                              pd.DataFrame(columns=["month", "topic", "comments", "share"]))
    a = model.assignments.merge(df[["month", "nps", "csat"]], left_on="position", right_index=True)
    topics = model.topics.merge(a.groupby("topic", as_index=False).agg(nps=("nps", "mean"), csat=("csat", "mean")),
                                on="topic", how="left")
    a["month"] = pd.to_datetime(a["month"])
    trend = a.groupby(["month", "topic"], as_index=False).agg(comments=("position", "size"))
    trend["share"] = trend["comments"] / trend.groupby("month")["comments"].transform("sum")
    return FeedbackTopics(True, None, len(df), topics, model.examples(comments, per_topic=examples_per_topic),
                          trend)


# ----- the headline figures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CrmSummary:
    """The CRM page's headline figures for a window. None means "cannot be computed from this window"."""

    start: dt.date | None
    end: dt.date | None
    as_of: dt.date | None
    active_days: int
    at_risk_days: int
    sla_days: float
    customers: int
    active: int
    at_risk: int
    churned: int
    nps: float | None
    nps_low: float | None
    nps_high: float | None
    nps_responses: int
    csat: float | None
    csat_responses: int
    complaints: int
    orders: int
    complaint_rate: float | None
    median_resolution_days: float | None
    within_sla: float | None
    open_backlog: int
    backlog_median_age: float | None
    complainers: int
    repeat_complainers: int
    activities: int
    activity_customers: int

    @property
    def active_share(self) -> float | None:
        return self.active / self.customers if self.customers else None

    @property
    def activities_per_customer(self) -> float | None:
        return self.activities / self.activity_customers if self.activity_customers else None

    def to_json(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["active_share"] = self.active_share
        out["activities_per_customer"] = self.activities_per_customer
        return out


def summary(store: Store, filters: Filters, *, active_days: int = 90, at_risk_days: int = 180,
            sla_days: float = 3.0) -> CrmSummary:
    """The CRM headline figures: health at the window's end, NPS, CSAT, complaints and their handling."""
    end = as_of(store, filters)
    health = customer_health(store, filters, active_days=active_days, at_risk_days=at_risk_days)
    counts = dict(zip(health["status"], health["customers"])) if not health.empty else {}
    fb = _feedback(store, filters)
    srow = store.execute(fb.aggregate(**_satisfaction_aggs(fb)))
    sat = _satisfaction_scores(srow, MIN_RESPONSES).iloc[0]
    c = _complaints(store, filters)
    days = _resolution_days(c)
    crow = store.execute(c.aggregate(n=c.count(), resolved=c.resolved_at.count(), median=days.median(),
                                     within=(days <= sla_days).sum())).iloc[0]
    o = apply(store, "orders", filters)
    n_orders = int(_num(store.execute(o.order_id.nunique())))
    if end is not None:
        b = _backlog(store, filters, end)
        brow = store.execute(b.aggregate(n=b.count(), age=b.age.median())).iloc[0]
        backlog, backlog_age = int(_num(brow["n"])), _opt(brow["age"])
    else:
        backlog, backlog_age = 0, None
    complainers, repeat = _repeat_complainer_count(store, filters)
    n_complaints, n_resolved = int(_num(crow["n"])), int(_num(crow["resolved"]))
    a = apply(store, "activities", filters)
    arow = store.execute(a.aggregate(n=a.count(), customers=a.customer_id.nunique())).iloc[0]
    return CrmSummary(
        start=filters.start, end=filters.end, as_of=end, active_days=active_days, at_risk_days=at_risk_days,
        sla_days=sla_days,
        customers=int(sum(counts.values())), active=int(counts.get("active", 0)),
        at_risk=int(counts.get("at_risk", 0)), churned=int(counts.get("churned", 0)),
        nps=_opt(sat["nps"]), nps_low=_opt(sat["nps_low"]), nps_high=_opt(sat["nps_high"]),
        nps_responses=int(sat["responses"]), csat=_opt(sat["csat"]), csat_responses=int(sat["csat_responses"]),
        complaints=n_complaints, orders=n_orders,
        complaint_rate=1000.0 * n_complaints / n_orders if n_orders else None,
        median_resolution_days=_opt(crow["median"]),
        within_sla=_num(crow["within"]) / n_resolved if n_resolved else None,
        open_backlog=backlog, backlog_median_age=backlog_age,
        complainers=complainers, repeat_complainers=repeat,
        activities=int(_num(arow["n"])), activity_customers=int(_num(arow["customers"])),
    )


def add_report_arguments(parser) -> None:
    """Options of ``python -m salesdash report crm``."""
    parser.add_argument("--active-days", type=int, default=90, help="active: last order at most this many days ago")
    parser.add_argument("--at-risk-days", type=int, default=180,
                        help="at risk: last order at most this many days ago (churned beyond)")
    parser.add_argument("--sla-days", type=float, default=3.0, help="complaint resolution SLA in days")
    parser.add_argument("--horizon-months", type=int, default=12, help="CLV horizon in months")
    parser.add_argument("--discount-rate", type=float, default=0.01, help="CLV monthly discount rate")
    parser.add_argument("--time-unit", choices=tuple(TIME_UNITS), default="weeks", help="time unit of the CLV fit")


def report_json(store: Store, filters: Filters, args=None) -> dict:
    """``python -m salesdash report crm``: the headline figures, the CLV model and the top complaint driver."""
    active_days = getattr(args, "active_days", 90)
    at_risk_days = getattr(args, "at_risk_days", 180)
    _check_thresholds(active_days, at_risk_days)
    s = summary(store, filters, active_days=active_days, at_risk_days=at_risk_days,
                sla_days=getattr(args, "sla_days", 3.0))
    out = s.to_json()
    cl = customer_lifetime_value(store, filters, time_unit=getattr(args, "time_unit", "weeks"),
                                 horizon_months=getattr(args, "horizon_months", 12),
                                 discount_rate=getattr(args, "discount_rate", 0.01))
    out["clv_model"] = cl.params_json()
    out["clv_model_reason"] = cl.reason
    out["clv_total"] = cl.total_clv
    out["clv_horizon_months"] = cl.horizon_months
    out["top_customers"] = (cl.top(10)[["customer_id", "clv", "p_alive", "expected_purchases"]]
                            .to_dict(orient="records") if cl.enough else [])
    oc = complaint_outcomes(store, filters)
    out["complaint_outcomes"] = (oc.by_category[["category", "complainers", "churn_rate", "baseline_churn_rate",
                                                 "churn_lift"]].to_dict(orient="records") if oc.enough else None)
    out["complaint_outcomes_reason"] = oc.reason
    return out
