"""Risk: deals at risk, customers likely to churn, concentration, receivables, anomalies and the risk matrix.

Everything stands on an *as-of day*: the end of the window (the last order date when the window is
unbounded). Deal risk looks at the deals open at the end of that day, receivables at what was owed then,
churn at who is likely to stop buying after it. Concentration is over the window's revenue. The region,
channel, category, team and rep filters apply everywhere.

- Deal risk (:func:`deal_risk`): one ranked list of open deals with a reason for each flag: *slipping* (the
  expected close date moved later in at least two consecutive snapshot pairs, found with window functions
  in the engine), *stalled* (longer in the current stage than 90% of the deals that moved on from it),
  *quiet* (no sales activity for 30 days) and *deep discount* (a late-stage deal on a campaign discount of
  20% or more).
- Customer risk (:func:`churn_risk`, :func:`lifetime_survival`): a logistic regression on a per-customer
  feature table aggregated in the engine (recency, frequency and its trend, spend, complaints,
  satisfaction, interactions); label = no order in the 180 days after a cutoff; judged by AUC on a later
  cutoff (temporal holdout); Kaplan-Meier curves of customer lifetime by segment (statsmodels).
- Concentration (:func:`concentration`, :func:`partner_dependence`): top-10 customer share and the
  Herfindahl-Hirschman index on shares in percent (0-10,000), in total and by region, channel or category.
- Receivables (:func:`receivables`, :func:`overdue_by`): aging buckets, overdue by customer / rep /
  channel, days sales outstanding.
- Anomalies (:func:`anomalies`): revenue, orders, win rate and complaints by month against their seasonal
  expectation (STL), each flagged month explained by its value, expectation and robust z-score.
- The risk matrix (:func:`risk_matrix`): likelihood x impact of market, customer, competition and
  operation risks, each built from the signals above and pointing to its evidence.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from salesdash.analysis.forecast import as_of_date, monthly_history, open_deals_at
from salesdash.filters import Filters, apply
from salesdash.schema import STAGES
from salesdash.store import Store

__all__ = [
    "REASONS",
    "AGING_BUCKETS",
    "SURVIVAL_SEGMENTS",
    "ANOMALY_MEASURES",
    "RISK_CATEGORIES",
    "slipping_deals",
    "deal_risk",
    "concentration",
    "partner_dependence",
    "Receivables",
    "receivables",
    "overdue_by",
    "Anomalies",
    "anomalies",
    "CHURN_FEATURES",
    "customer_features",
    "ChurnModel",
    "ChurnResult",
    "churn_risk",
    "SurvivalResult",
    "lifetime_survival",
    "RiskItem",
    "risk_matrix",
    "market_share_change",
    "competitive_losses",
    "RiskSummary",
    "summary",
    "RiskDetails",
    "details",
    "report_json",
    "add_report_arguments",
]

#: Why a deal is flagged, in the order they weigh in the ranking.
REASONS: tuple[str, ...] = ("slipping", "stalled", "quiet", "deep_discount")
AGING_BUCKETS: tuple[str, ...] = ("current", "1_30", "31_60", "61_90", "90_plus")
SURVIVAL_SEGMENTS: tuple[str, ...] = ("kind", "region", "is_member", "channel_type")
ANOMALY_MEASURES: tuple[str, ...] = ("revenue", "orders", "win_rate", "complaints")
RISK_CATEGORIES: tuple[str, ...] = ("market", "customer", "competition", "operation")
#: Late stage: the last open stage before won.
LATE_STAGES: tuple[str, ...] = ("engaged",)


def _d(d: dt.date) -> ibis.Value:
    return ibis.date(d.isoformat())


def _ts_after(d: dt.date) -> ibis.Value:
    """The first moment after day `d` (timestamp bound for "on or before d")."""
    return ibis.timestamp((d + dt.timedelta(days=1)).isoformat())


def _num(v) -> float:
    return 0.0 if v is None or pd.isna(v) else float(v)


def _days(later: ibis.Value, earlier: ibis.Value) -> ibis.Value:
    return (later - earlier).cast("int64")


def _to_date(v) -> dt.date | None:
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


# ----------------------------------------------------------------------------------------------------------
# deal risk
# ----------------------------------------------------------------------------------------------------------
def _reaches_data_end(store: Store, as_of: dt.date) -> bool:
    """Whether `as_of` is at (or after) the last order date: the window means "now"."""
    o = store.table("orders")
    last = _to_date(store.execute(o.order_date.max()))
    return last is None or as_of >= last


def slipping_deals(store: Store, filters: Filters, *, min_slips: int = 2) -> pd.DataFrame:
    """Open deals whose expected close date moved later in at least `min_slips` consecutive snapshot pairs.

    Snapshots up to the as-of day (all of them when the window reaches the last order date: a snapshot taken
    "today" counts even if today has no order yet) are ordered per deal; a pair of consecutive snapshots
    *slips* when the
    later one's expected close date is after the earlier one's. Runs of consecutive slips are found with
    ``lag`` and a running count in the engine (gaps and islands).

    Returns columns: opportunity_id, longest_run (most consecutive slipping pairs), slips (slipping pairs in
    all), first_expected_close, last_expected_close, days_slipped (last - first expected close date);
    longest run first.
    """
    cols = ["opportunity_id", "longest_run", "slips", "first_expected_close", "last_expected_close",
            "days_slipped"]
    as_of = as_of_date(store, filters)
    if as_of is None:
        return pd.DataFrame(columns=cols)
    deals = open_deals_at(store, filters, as_of)
    s = store.table("opportunity_snapshots")
    s = s.filter(s.expected_close_date.notnull(), s.opportunity_id.isin(deals.opportunity_id))
    if not _reaches_data_end(store, as_of):
        s = s.filter(s.snapshot_date <= _d(as_of))
    w = ibis.window(group_by="opportunity_id", order_by="snapshot_date")
    s = s.mutate(prev=s.expected_close_date.lag().over(w))
    s = s.mutate(slip=(s.expected_close_date > s.prev).fill_null(False))
    s = s.mutate(run=(~s.slip).cast("int64").cumsum(group_by="opportunity_id", order_by="snapshot_date"))
    runs = s.filter(s.slip).group_by("opportunity_id", "run").aggregate(length=ibis._.count())
    per_deal = runs.group_by("opportunity_id").aggregate(longest_run=runs.length.max(), slips=runs.length.sum())
    span = s.group_by("opportunity_id").aggregate(
        first_expected_close=s.expected_close_date.argmin(s.snapshot_date),
        last_expected_close=s.expected_close_date.argmax(s.snapshot_date),
    )
    j = per_deal.filter(per_deal.longest_run >= min_slips)
    j = j.join(span, "opportunity_id")
    j = j.mutate(days_slipped=_days(j.last_expected_close, j.first_expected_close))
    df = store.execute(j.select(*cols).order_by([ibis.desc("longest_run"), ibis.desc("days_slipped")]))
    for c in ("first_expected_close", "last_expected_close"):
        df[c] = pd.to_datetime(df[c]).dt.date
    return df


def _stage_exit_quantiles(store: Store, filters: Filters, as_of: dt.date, q: float,
                          min_exits: int) -> dict[str, float]:
    """Per stage, the `q` quantile of the days deals spent there before entering a later stage."""
    h = store.table("stage_history")
    o = apply(store, "opportunities", filters, date_column=None)
    h = h.filter(h.entered_at < _ts_after(as_of), h.opportunity_id.isin(o.opportunity_id))
    w = ibis.window(group_by="opportunity_id", order_by="entered_at")
    h = h.mutate(next_at=h.entered_at.lead().over(w))
    h = h.filter(h.next_at.notnull())
    dur = (h.next_at.epoch_seconds() - h.entered_at.epoch_seconds()) / 86400.0
    df = store.execute(h.group_by("stage").aggregate(days=dur.quantile(q), n=h.count()))
    return {r.stage: float(r.days) for r in df.itertuples() if r.n >= min_exits and pd.notna(r.days)}


def deal_risk(
    store: Store,
    filters: Filters,
    *,
    min_slips: int = 2,
    stall_quantile: float = 0.9,
    min_stall_days: int = 14,
    min_stage_exits: int = 10,
    quiet_days: int = 30,
    discount_threshold: float = 0.2,
) -> pd.DataFrame:
    """One ranked list of the open deals at risk, with every reason each is flagged.

    Parameters
    ----------
    min_slips : consecutive slipping snapshot pairs that make a deal *slipping*.
    stall_quantile : a deal is *stalled* when it has been in its stage longer than this quantile of the
        days deals spent in that stage before moving on (and at least `min_stall_days`); a stage with fewer
        than `min_stage_exits` exits on record has no threshold (nothing is flagged stalled there).
    quiet_days : a deal is *quiet* when its last logged activity (or its creation) is older than this.
    discount_threshold : a late-stage deal is *deep_discount* when its campaign's discount is at least this.

    Returns columns: opportunity_id, customer_id, rep_id, stage, amount, expected_close_date, reasons
    (tuple of codes from :data:`REASONS`), reason (the codes joined by ", "), flags (number of reasons),
    longest_run, days_slipped, days_in_stage, stall_days (the stage's threshold), days_quiet, discount;
    ranked by number of reasons, then amount (largest first).
    """
    cols = ["opportunity_id", "customer_id", "rep_id", "stage", "amount", "expected_close_date", "reasons",
            "reason", "flags", "longest_run", "days_slipped", "days_in_stage", "stall_days", "days_quiet",
            "discount"]
    as_of = as_of_date(store, filters)
    if as_of is None:
        return pd.DataFrame(columns=cols)
    deals = open_deals_at(store, filters, as_of)
    cut = _ts_after(as_of)

    # days in the current stage: since the last stage entry up to the as-of day (else since creation)
    h = store.table("stage_history")
    h = h.filter(h.entered_at < cut, h.opportunity_id.isin(deals.opportunity_id))
    last_entry = h.group_by("opportunity_id").aggregate(stage_since=h.entered_at.max())
    # last activity on the deal
    a = store.table("activities")
    a = a.filter(a.occurred_at < cut, a.opportunity_id.isin(deals.opportunity_id))
    last_act = a.group_by("opportunity_id").aggregate(last_activity=a.occurred_at.max())
    # campaign discount
    c = store.table("campaigns").select("campaign_id", campaign_discount="discount")
    o = store.table("opportunities").select("opportunity_id", "campaign_id")
    disc = o.join(c, "campaign_id").select("opportunity_id", "campaign_discount")

    j = deals.left_join(last_entry, "opportunity_id").left_join(last_act, "opportunity_id") \
        .left_join(disc, "opportunity_id")
    as_of_ts = ibis.timestamp(as_of.isoformat())
    since = ibis.coalesce(j.stage_since, j.created_at)
    quiet_since = ibis.coalesce(j.last_activity, j.created_at)
    j = j.select(
        "opportunity_id", "customer_id", "rep_id", "stage", "amount", "expected_close_date",
        days_in_stage=_days(as_of_ts.date(), since.date()),
        days_quiet=_days(as_of_ts.date(), quiet_since.date()),
        discount=j.campaign_discount,
    )
    df = store.execute(j)
    if df.empty:
        return pd.DataFrame(columns=cols)
    slips = slipping_deals(store, filters, min_slips=min_slips)
    df = df.merge(slips[["opportunity_id", "longest_run", "days_slipped"]], on="opportunity_id", how="left")
    limits = _stage_exit_quantiles(store, filters, as_of, stall_quantile, min_stage_exits)
    df["stall_days"] = [max(limits.get(s, np.nan), min_stall_days) if s in limits else np.nan
                        for s in df["stage"]]
    flags = {
        "slipping": df["longest_run"].fillna(0) >= min_slips,
        "stalled": df["days_in_stage"] > df["stall_days"],
        "quiet": df["days_quiet"] > quiet_days,
        "deep_discount": df["stage"].isin(LATE_STAGES) & (df["discount"].fillna(0) >= discount_threshold),
    }
    reasons = [tuple(r for r in REASONS if flags[r].iloc[i]) for i in range(len(df))]
    df["reasons"] = reasons
    df["reason"] = [", ".join(r) for r in reasons]
    df["flags"] = [len(r) for r in reasons]
    df = df[df["flags"] > 0]
    df["expected_close_date"] = pd.to_datetime(df["expected_close_date"]).dt.date
    df["amount"] = df["amount"].astype(float)
    df = df.sort_values(["flags", "amount"], ascending=[False, False], ignore_index=True)
    return df[cols]


# ----------------------------------------------------------------------------------------------------------
# concentration
# ----------------------------------------------------------------------------------------------------------
CONCENTRATION_BY: tuple[str, ...] = ("region", "channel", "category")


def _orders_with_group(store: Store, filters: Filters, by: str | None) -> tuple[ibis.Table, ibis.Value]:
    o = apply(store, "orders", filters)
    if by is None:
        return o, ibis.literal("all")
    if by == "region":
        c = store.table("customers").select("customer_id", "region")
        j = o.left_join(c, "customer_id")
        return j, j.region
    if by == "channel":
        return o, o.channel_id
    if by == "category":
        p = store.table("products").select("product_id", "category")
        j = o.left_join(p, "product_id")
        return j, j.category
    raise ValueError(f"by must be one of {CONCENTRATION_BY} or None, not {by!r}")


def concentration(store: Store, filters: Filters, *, by: str | None = None, top: int = 10) -> pd.DataFrame:
    """How much of the window's revenue depends on a few customers, in total or within each group.

    Shares are each customer's revenue ÷ the group's revenue (customers with net revenue ≤ 0 left out).
    HHI = Σ (share in percent)², from near 0 (many small customers) to 10,000 (one customer).

    Returns columns: group ("all" when `by` is None), revenue, customers, top_share (the `top` largest
    customers' share, 0-1), hhi (0-10,000), largest_customer, largest_share (0-1); largest revenue first.
    """
    o, g = _orders_with_group(store, filters, by)
    per = o.group_by([g.name("group"), o.customer_id]).aggregate(revenue=o.revenue.sum())
    per = per.filter(per.revenue > 0)
    wg = ibis.window(group_by="group")
    per = per.mutate(share=per.revenue / per.revenue.sum().over(wg),
                     rank=ibis.row_number().over(ibis.window(group_by="group",
                                                             order_by=[ibis.desc("revenue"), "customer_id"])))
    agg = per.group_by("group").aggregate(
        revenue=per.revenue.sum(),
        customers=per.count(),
        top_share=per.share.sum(where=per["rank"] < top),
        hhi=((per.share * 100) ** 2).sum(),
        largest_customer=per.customer_id.argmax(per.share),
        largest_share=per.share.max(),
    )
    df = store.execute(agg.order_by(ibis.desc("revenue")))
    df["top_share"] = df["top_share"].fillna(0.0)
    return df


def partner_dependence(store: Store, filters: Filters) -> pd.DataFrame:
    """Revenue through each partner or distributor (channels with a partner name) in the window.

    Returns columns: partner_name, channels (number of channels), revenue, share_of_total (0-1),
    share_of_indirect (0-1, of revenue through all partners); largest first.
    """
    o = apply(store, "orders", filters)
    ch = store.table("channels").select("channel_id", "partner_name")
    j = o.left_join(ch, "channel_id")
    total = _num(store.execute(o.revenue.sum()))
    j = j.filter(j.partner_name.notnull())
    df = store.execute(j.group_by("partner_name").aggregate(channels=j.channel_id.nunique(),
                                                            revenue=j.revenue.sum())
                       .order_by(ibis.desc("revenue")))
    indirect = float(df["revenue"].sum()) if not df.empty else 0.0
    df["share_of_total"] = df["revenue"] / total if total else np.nan
    df["share_of_indirect"] = df["revenue"] / indirect if indirect else np.nan
    return df


# ----------------------------------------------------------------------------------------------------------
# receivables
# ----------------------------------------------------------------------------------------------------------
def _open_receivables(store: Store, filters: Filters, as_of: dt.date) -> ibis.Table:
    """Order lines owed at the end of `as_of`: ordered by then, with a due date, not paid by then.

    Adds days_overdue (as-of day − due date; ≤ 0 is not yet due) and bucket (see :data:`AGING_BUCKETS`).
    """
    o = apply(store, "orders", filters, date_column=None)
    o = o.filter(o.order_date <= _d(as_of), o.due_date.notnull(), o.paid_date.isnull() | (o.paid_date > _d(as_of)))
    days = _days(_d(as_of), o.due_date)
    o = o.mutate(days_overdue=days)
    bucket = ibis.cases(
        (o.days_overdue <= 0, "current"),
        (o.days_overdue <= 30, "1_30"),
        (o.days_overdue <= 60, "31_60"),
        (o.days_overdue <= 90, "61_90"),
        else_="90_plus",
    )
    return o.mutate(bucket=bucket)


@dataclass(frozen=True, eq=False)
class Receivables:
    """What customers owed at the end of the as-of day.

    Attributes
    ----------
    as_of : the day.
    outstanding : revenue of order lines with a due date, ordered by then and not paid by then.
    overdue_amount : the part past its due date.
    aging : columns bucket (:data:`AGING_BUCKETS`), amount, lines, share (of outstanding, 0-1).
    dso : days sales outstanding = outstanding ÷ credit sales (lines with a due date) of the 90 days up to
        the as-of day × 90 (None without such sales).
    credit_sales_90d : that denominator.
    """

    as_of: dt.date | None
    outstanding: float
    overdue_amount: float
    aging: pd.DataFrame
    dso: float | None
    credit_sales_90d: float

    @property
    def overdue_share(self) -> float | None:
        return self.overdue_amount / self.outstanding if self.outstanding else None


def receivables(store: Store, filters: Filters, *, dso_days: int = 90) -> Receivables:
    """Aging buckets, overdue amount and DSO at the as-of day (see :class:`Receivables`)."""
    as_of = as_of_date(store, filters)
    empty = pd.DataFrame({"bucket": AGING_BUCKETS, "amount": 0.0, "lines": 0, "share": np.nan})
    if as_of is None:
        return Receivables(None, 0.0, 0.0, empty, None, 0.0)
    r = _open_receivables(store, filters, as_of)
    df = store.execute(r.group_by("bucket").aggregate(amount=r.revenue.sum(), lines=r.count()))
    aging = empty[["bucket"]].merge(df, on="bucket", how="left").fillna({"amount": 0.0, "lines": 0})
    aging["lines"] = aging["lines"].astype(int)
    outstanding = float(aging["amount"].sum())
    aging["share"] = aging["amount"] / outstanding if outstanding else np.nan
    overdue = float(aging.loc[aging["bucket"] != "current", "amount"].sum())
    o = apply(store, "orders", filters, date_column=None)
    o = o.filter(o.order_date > _d(as_of - dt.timedelta(days=dso_days)), o.order_date <= _d(as_of),
                 o.due_date.notnull())
    sales = _num(store.execute(o.revenue.sum()))
    return Receivables(as_of=as_of, outstanding=outstanding, overdue_amount=overdue, aging=aging,
                       dso=outstanding / sales * dso_days if sales else None, credit_sales_90d=sales)


OVERDUE_BY: tuple[str, ...] = ("customer", "rep", "channel")


def overdue_by(store: Store, filters: Filters, *, by: str = "customer", limit: int = 50) -> pd.DataFrame:
    """Receivables at the as-of day by customer, rep or channel, most overdue first.

    Returns columns: key, name, outstanding, overdue, over_90 (more than 90 days past due), oldest_days
    (the most days past due of a line; ≤ 0 when nothing is due yet), lines; at most `limit` rows, only keys
    with something overdue.
    """
    cols = ["key", "name", "outstanding", "overdue", "over_90", "oldest_days", "lines"]
    as_of = as_of_date(store, filters)
    if as_of is None:
        return pd.DataFrame(columns=cols)
    if by not in OVERDUE_BY:
        raise ValueError(f"by must be one of {OVERDUE_BY}, not {by!r}")
    r = _open_receivables(store, filters, as_of)
    key = {"customer": r.customer_id, "rep": r.rep_id, "channel": r.channel_id}[by]
    g = r.group_by(key.name("key")).aggregate(
        outstanding=r.revenue.sum(),
        overdue=r.revenue.sum(where=r.days_overdue > 0),
        over_90=r.revenue.sum(where=r.days_overdue > 90),
        oldest_days=r.days_overdue.max(),
        lines=r.count(),
    )
    g = g.filter(g.overdue > 0)
    table, id_col = {"customer": ("customers", "customer_id"), "rep": ("reps", "rep_id"),
                     "channel": ("channels", "channel_id")}[by]
    names = store.table(table).select(k=ibis._[id_col], name=ibis._["name"])
    g = g.left_join(names, g.key == names.k)
    df = store.execute(g.select(*cols).order_by([ibis.desc("overdue"), "key"]).limit(limit))
    df["over_90"] = df["over_90"].fillna(0.0)
    df["name"] = df["name"].fillna(df["key"])
    return df


# ----------------------------------------------------------------------------------------------------------
# anomalies against the seasonal expectation
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Anomalies:
    """Months that broke their seasonal pattern.

    Attributes
    ----------
    enough : False when no measure has the 24 complete months STL needs (``reason`` says so).
    reason : "too_short" or None.
    months : complete months of history used (the month holding the as-of day is left out unless complete).
    series : columns measure, month, value, expected (STL trend + seasonal), residual, z (robust z-score:
        residual ÷ (1.4826 × median absolute residual)), flagged (bool: |z| ≥ threshold and the month in
        the window).
    flagged : the flagged rows of ``series`` plus change (value ÷ expected − 1; None when expected is 0) and
        direction ("above" / "below"), largest |z| first.
    threshold : the |z| that flags a month.
    """

    enough: bool
    reason: str | None
    months: int
    series: pd.DataFrame
    flagged: pd.DataFrame
    threshold: float


def _monthly_measures(store: Store, filters: Filters, as_of: dt.date) -> pd.DataFrame:
    """Monthly revenue, orders, win rate and complaints up to the last complete month (long format)."""
    last_complete = as_of.replace(day=1) if (as_of + dt.timedelta(days=1)).day != 1 else \
        (as_of + dt.timedelta(days=1))
    frames = []
    for m in ("revenue", "orders"):
        s = monthly_history(store, filters, measure=m)
        frames.append(s.assign(measure=m)[["measure", "month", "value"]])
    cut = _ts_after(as_of)
    o = apply(store, "opportunities", filters, date_column=None)
    o = o.filter(o.status.isin(("won", "lost")), o.closed_at.notnull(), o.closed_at < cut)
    month = o.closed_at.truncate("M").cast("date").name("month")
    wr = store.execute(o.group_by(month).aggregate(won=(o.status == "won").sum(), closed=o.count()))
    wr["value"] = wr["won"] / wr["closed"]
    frames.append(wr.assign(measure="win_rate")[["measure", "month", "value"]])
    c = apply(store, "complaints", filters, date_column=None)
    c = c.filter(c.opened_at < cut)
    cm = store.execute(c.group_by(c.opened_at.truncate("M").cast("date").name("month")).aggregate(value=c.count()))
    frames.append(cm.assign(measure="complaints")[["measure", "month", "value"]])
    df = pd.concat([f for f in frames if not f.empty], ignore_index=True) if any(
        not f.empty for f in frames) else pd.DataFrame(columns=["measure", "month", "value"])
    df["month"] = pd.to_datetime(df["month"])
    df["value"] = df["value"].astype(float)
    out = []
    for m, part in df.groupby("measure", sort=False):
        months = pd.date_range(part["month"].min(), pd.Timestamp(last_complete) - pd.offsets.MonthBegin(1),
                               freq="MS")
        s = part.set_index("month")["value"].reindex(months)
        if m in ("orders", "complaints", "revenue"):
            s = s.fillna(0.0)
        out.append(pd.DataFrame({"measure": m, "month": months, "value": s.to_numpy()}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["measure", "month", "value"])


def anomalies(store: Store, filters: Filters, *, threshold: float = 3.0) -> Anomalies:
    """Revenue, orders, win rate and complaints by month checked against STL's seasonal expectation.

    Each measure's complete months up to the as-of day are decomposed with robust STL (period 12, a
    near-periodic seasonal: the seasonal window spans the whole series, degree 0); a month
    is flagged when its residual is at least `threshold` robust standard deviations from zero and it lies
    in the window. Needs 24 complete months of a measure (two seasons).
    """
    from statsmodels.tsa.seasonal import STL

    as_of = as_of_date(store, filters)
    cols = ["measure", "month", "value", "expected", "residual", "z", "flagged"]
    empty = pd.DataFrame(columns=cols)
    if as_of is None:
        return Anomalies(False, "too_short", 0, empty, empty.assign(change=[], direction=[]), threshold)
    data = _monthly_measures(store, filters, as_of)
    out = []
    for m in ANOMALY_MEASURES:
        part = data[data["measure"] == m].reset_index(drop=True)
        y = part["value"].interpolate(limit_direction="both") if part["value"].notna().any() else part["value"]
        if len(part) < 24 or y.isna().any():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # A near-periodic seasonal (a long seasonal window, degree 0): with only a few years, a flexible
            # seasonal would absorb the very months we look for.
            res = STL(pd.Series(y.to_numpy(), index=pd.DatetimeIndex(part["month"], freq="MS")),
                      period=12, seasonal=2 * len(part) + 1, seasonal_deg=0, robust=True).fit()
        expected = np.asarray(res.trend) + np.asarray(res.seasonal)
        resid = part["value"].to_numpy() - expected
        finite = resid[np.isfinite(resid)]
        mad = float(np.median(np.abs(finite - np.median(finite)))) * 1.4826 if len(finite) else 0.0
        mad = max(mad, 0.01 * float(np.nanmedian(np.abs(part["value"]))))  # a floor: 1% of the typical level
        z = resid / mad if mad > 0 else np.zeros_like(resid)
        out.append(part.assign(expected=expected, residual=resid, z=z))
    if not out:
        months = int(data.groupby("measure").size().max()) if not data.empty else 0
        return Anomalies(False, "too_short", months, empty, empty.assign(change=[], direction=[]), threshold)
    series = pd.concat(out, ignore_index=True)
    in_window = pd.Series(True, index=series.index)
    if filters.start is not None:
        in_window &= series["month"] >= pd.Timestamp(filters.start.replace(day=1))
    series["flagged"] = (series["z"].abs() >= threshold) & in_window & series["value"].notna()
    flagged = series[series["flagged"]].copy()
    flagged["change"] = np.where(flagged["expected"] != 0, flagged["value"] / flagged["expected"] - 1, np.nan)
    flagged["direction"] = np.where(flagged["residual"] > 0, "above", "below")
    flagged = flagged.reindex(flagged["z"].abs().sort_values(ascending=False).index).reset_index(drop=True)
    return Anomalies(True, None, int(series.groupby("measure").size().max()), series[cols], flagged, threshold)


# ----------------------------------------------------------------------------------------------------------
# churn
# ----------------------------------------------------------------------------------------------------------
CHURN_FEATURES: tuple[str, ...] = (
    "recency_days", "orders_180d", "frequency_trend", "revenue_365d", "complaints_365d", "csat_mean",
    "activities_180d", "tenure_days",
)


def customer_features(store: Store, filters: Filters, *, cutoff: dt.date, horizon_days: int = 180,
                      active_days: int = 365) -> pd.DataFrame:
    """One row per customer active before `cutoff`, with behaviour as of the cutoff and the churn label.

    Active: at least one order in the `active_days` before the cutoff. Aggregated in the engine.

    Returns columns: customer_id, recency_days (days from the last order to the cutoff), orders_180d
    (orders in the 180 days before), frequency_trend (orders_180d − orders in the 180 days before those),
    revenue_365d, complaints_365d, csat_mean (mean satisfaction 1-5 over the year before; the customers'
    mean where missing), activities_180d (sales activities), tenure_days (first order to cutoff), churned
    (1 = no order in the `horizon_days` after the cutoff; NaN when those days are not all in the data).
    """
    as_of = as_of_date(store, filters)
    cut = _d(cutoff)
    o = apply(store, "orders", filters, date_column=None)
    before = o.filter(o.order_date <= cut)
    d180, d360, d365 = (_d(cutoff - dt.timedelta(days=k)) for k in (180, 360, active_days))
    per = before.group_by("customer_id").aggregate(
        last_order=before.order_date.max(),
        first_order=before.order_date.min(),
        orders_180d=before.order_id.nunique(where=before.order_date > d180),
        orders_prev_180d=before.order_id.nunique(where=(before.order_date > d360) & (before.order_date <= d180)),
        revenue_365d=before.revenue.sum(where=before.order_date > d365),
    )
    per = per.filter(per.last_order > d365)
    after = o.filter(o.order_date > cut, o.order_date <= _d(cutoff + dt.timedelta(days=horizon_days)))
    bought = after.group_by("customer_id").aggregate(after_orders=after.order_id.nunique())
    cut_ts = _ts_after(cutoff)
    year_ts = ibis.timestamp((cutoff - dt.timedelta(days=active_days - 1)).isoformat())
    c = store.table("complaints")
    c = c.filter(c.opened_at < cut_ts, c.opened_at >= year_ts, c.customer_id.notnull())
    comp = c.group_by("customer_id").aggregate(complaints_365d=c.count())
    f = store.table("feedback")
    f = f.filter(f.submitted_at < cut_ts, f.submitted_at >= year_ts, f.csat.notnull(), f.customer_id.notnull())
    sat = f.group_by("customer_id").aggregate(csat_mean=f.csat.mean())
    a = store.table("activities")
    a = a.filter(a.occurred_at < cut_ts, a.occurred_at >= ibis.timestamp((cutoff - dt.timedelta(days=179)).isoformat()),
                 a.customer_id.notnull())
    act = a.group_by("customer_id").aggregate(activities_180d=a.count())
    j = per.left_join(bought, "customer_id").left_join(comp, "customer_id").left_join(sat, "customer_id") \
        .left_join(act, "customer_id")
    j = j.select(
        "customer_id",
        recency_days=_days(cut, j.last_order),
        orders_180d=j.orders_180d,
        frequency_trend=j.orders_180d - j.orders_prev_180d,
        revenue_365d=j.revenue_365d,
        complaints_365d=j.complaints_365d.fill_null(0),
        csat_mean=j.csat_mean,
        activities_180d=j.activities_180d.fill_null(0),
        tenure_days=_days(cut, j.first_order),
        after_orders=j.after_orders.fill_null(0),
    )
    df = store.execute(j.order_by("customer_id"))
    labelled = as_of is not None and cutoff + dt.timedelta(days=horizon_days) <= as_of
    df["churned"] = (df.pop("after_orders") == 0).astype(float) if labelled else np.nan
    df["csat_mean"] = df["csat_mean"].astype(float)
    df["csat_mean"] = df["csat_mean"].fillna(df["csat_mean"].mean() if df["csat_mean"].notna().any() else 3.0)
    for col in CHURN_FEATURES:
        df[col] = df[col].astype(float).fillna(0.0)
    return df


class ChurnModel:
    """Logistic regression of churn on standardised behaviour features (scikit-learn style).

    Parameters
    ----------
    features : the feature columns (default :data:`CHURN_FEATURES`).
    C : inverse regularisation strength.

    Fitted attributes: ``pipeline_`` (scaler + logistic regression), ``coef_`` (a Series: the change in the
    log-odds of churn per standard deviation of each feature), ``churn_rate_`` (share churned in training).
    """

    def __init__(self, *, features: tuple[str, ...] = CHURN_FEATURES, C: float = 1.0) -> None:
        self.features = features
        self.C = C

    def fit(self, df: pd.DataFrame, *, label: str = "churned") -> ChurnModel:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        missing = [c for c in (*self.features, label) if c not in df.columns]
        if missing:
            raise ValueError(f"the feature table has no column {missing[0]!r}")
        X = df[list(self.features)].to_numpy(dtype=float)
        y = df[label].to_numpy(dtype=int)
        self.pipeline_ = make_pipeline(StandardScaler(), LogisticRegression(C=self.C, max_iter=1000))
        self.pipeline_.fit(X, y)
        self.coef_ = pd.Series(self.pipeline_[-1].coef_[0], index=list(self.features))
        self.churn_rate_ = float(y.mean())
        return self

    def predict_proba(self, df: pd.DataFrame) -> np.ndarray:
        """P(churn) for each row of `df`."""
        return self.pipeline_.predict_proba(df[list(self.features)].to_numpy(dtype=float))[:, 1]


@dataclass(frozen=True, eq=False)
class ChurnResult:
    """Churn probabilities of the active customers and how well the model separates churners.

    Attributes
    ----------
    enough : False when history or cases are too few (``reason``: "too_short" - fewer than 2 × horizon +
        365 days of orders; "too_few_cases" - under 30 customers or under 5 of either class).
    as_of, train_cutoff, test_cutoff : the model is trained on features at ``train_cutoff`` (labels: the
        180 days after), evaluated on ``test_cutoff`` (labels: the 180 days up to ``as_of``), then refitted
        on ``test_cutoff`` to score the customers at ``as_of``.
    auc : holdout ROC AUC (0.5 = chance, 1 = perfect).
    train_customers, test_customers, test_churn_rate : the two samples.
    drivers : columns feature, coefficient (log-odds per standard deviation), direction ("raises" /
        "lowers"), largest |coefficient| first.
    customers : columns customer_id, name, region, churn_probability, revenue_365d, revenue_at_risk
        (probability × revenue of the last 365 days), recency_days, orders_180d, complaints_365d, csat_mean;
        highest revenue at risk first.
    """

    enough: bool
    reason: str | None
    as_of: dt.date | None
    train_cutoff: dt.date | None
    test_cutoff: dt.date | None
    auc: float | None
    train_customers: int
    test_customers: int
    test_churn_rate: float | None
    drivers: pd.DataFrame
    customers: pd.DataFrame

    @property
    def revenue_at_risk(self) -> float:
        return float(self.customers["revenue_at_risk"].sum()) if not self.customers.empty else 0.0

    @property
    def weighted_churn(self) -> float | None:
        """Revenue-weighted mean churn probability of the active customers."""
        c = self.customers
        total = c["revenue_365d"].clip(lower=0).sum() if not c.empty else 0.0
        return float((c["churn_probability"] * c["revenue_365d"].clip(lower=0)).sum() / total) if total else None


def churn_risk(store: Store, filters: Filters, *, horizon_days: int = 180, min_customers: int = 30) -> ChurnResult:
    """Fit the churn model with a temporal holdout and score today's active customers (see :class:`ChurnResult`)."""
    from sklearn.metrics import roc_auc_score

    as_of = as_of_date(store, filters)
    empty_d = pd.DataFrame(columns=["feature", "coefficient", "direction"])
    empty_c = pd.DataFrame(columns=["customer_id", "name", "region", "churn_probability", "revenue_365d",
                                    "revenue_at_risk", "recency_days", "orders_180d", "complaints_365d",
                                    "csat_mean"])

    def none(reason, train=0, test=0):
        return ChurnResult(False, reason, as_of, None, None, None, train, test, None, empty_d, empty_c)

    if as_of is None:
        return none("too_short")
    o = apply(store, "orders", filters, date_column=None)
    first = _to_date(store.execute(o.order_date.min()))
    test_cut = as_of - dt.timedelta(days=horizon_days)
    train_cut = test_cut - dt.timedelta(days=horizon_days)
    if first is None or (train_cut - first).days < 365:
        return none("too_short")
    train = customer_features(store, filters, cutoff=train_cut, horizon_days=horizon_days)
    test = customer_features(store, filters, cutoff=test_cut, horizon_days=horizon_days)

    def ok(df):
        return len(df) >= min_customers and df["churned"].sum() >= 5 and (1 - df["churned"]).sum() >= 5

    if not (ok(train) and ok(test)):
        return none("too_few_cases", len(train), len(test))
    model = ChurnModel().fit(train)
    auc = float(roc_auc_score(test["churned"], model.predict_proba(test)))
    final = ChurnModel().fit(test)
    now = customer_features(store, filters, cutoff=as_of, horizon_days=horizon_days)
    now["churn_probability"] = final.predict_proba(now) if not now.empty else []
    now["revenue_at_risk"] = now["churn_probability"] * now["revenue_365d"].clip(lower=0)
    cust = store.table("customers").select("customer_id", "name", "region")
    info = store.execute(cust.filter(cust.customer_id.isin(now["customer_id"].tolist()))) if len(now) <= 50_000 \
        else store.execute(cust)
    now = now.merge(info, on="customer_id", how="left")
    drivers = final.coef_.rename("coefficient").rename_axis("feature").reset_index()
    drivers["direction"] = np.where(drivers["coefficient"] > 0, "raises", "lowers")
    drivers = drivers.reindex(drivers["coefficient"].abs().sort_values(ascending=False).index).reset_index(drop=True)
    return ChurnResult(
        enough=True, reason=None, as_of=as_of, train_cutoff=train_cut, test_cutoff=test_cut, auc=auc,
        train_customers=len(train), test_customers=len(test), test_churn_rate=float(test["churned"].mean()),
        drivers=drivers,
        customers=now[list(empty_c.columns)].sort_values("revenue_at_risk", ascending=False, ignore_index=True),
    )


# ----------------------------------------------------------------------------------------------------------
# survival of customer lifetime
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SurvivalResult:
    """Kaplan-Meier curves of customer lifetime by segment.

    Lifetime runs from a customer's first order to the last; a customer with no order in the
    ``churn_days`` before the as-of day has ended it (an event), the others are still alive (censored at the
    as-of day).

    Attributes
    ----------
    by : the segment column (:data:`SURVIVAL_SEGMENTS`).
    curves : columns segment, days, survival (share still buying), lower, upper (95% pointwise band).
    segments : columns segment, customers, churned, median_days (None when more than half still buy).
    enough : False when no segment has at least ``min_customers`` customers.
    """

    by: str
    churn_days: int
    enough: bool
    reason: str | None
    curves: pd.DataFrame
    segments: pd.DataFrame


def lifetime_survival(store: Store, filters: Filters, *, by: str = "kind", churn_days: int = 180,
                      min_customers: int = 20) -> SurvivalResult:
    """Customer lifetime curves by segment (statsmodels ``SurvfuncRight``); see :class:`SurvivalResult`."""
    from statsmodels.duration.survfunc import SurvfuncRight

    if by not in SURVIVAL_SEGMENTS:
        raise ValueError(f"by must be one of {SURVIVAL_SEGMENTS}, not {by!r}")
    as_of = as_of_date(store, filters)
    curves_cols = ["segment", "days", "survival", "lower", "upper"]
    seg_cols = ["segment", "customers", "churned", "median_days"]
    if as_of is None:
        return SurvivalResult(by, churn_days, False, "too_few_cases", pd.DataFrame(columns=curves_cols),
                              pd.DataFrame(columns=seg_cols))
    o = apply(store, "orders", filters, date_column=None)
    o = o.filter(o.order_date <= _d(as_of))
    per = o.group_by("customer_id").aggregate(first=o.order_date.min(), last=o.order_date.max())
    c = store.table("customers")
    if by == "channel_type":
        ch = store.table("channels").select(acquisition_channel_id="channel_id", segment="type")
        seg = c.left_join(ch, "acquisition_channel_id").select("customer_id", "segment")
    else:
        seg = c.select("customer_id", segment=c[by].cast("string"))
    j = per.left_join(seg, "customer_id")
    churned = j["last"] < _d(as_of - dt.timedelta(days=churn_days))
    j = j.select(
        segment=j.segment,
        churned=churned.cast("int64"),
        days=ibis.ifelse(churned, _days(j["last"], j["first"]), _days(_d(as_of), j["first"])),
    )
    df = store.execute(j)
    df["segment"] = df["segment"].fillna("unknown").astype(str)
    curves, segs = [], []
    for name, part in df.groupby("segment"):
        if len(part) < min_customers:
            continue
        sf = SurvfuncRight(part["days"].to_numpy(float), part["churned"].to_numpy(int))
        t = np.concatenate([[0.0], sf.surv_times])
        p = np.concatenate([[1.0], sf.surv_prob])
        se = np.concatenate([[0.0], np.nan_to_num(sf.surv_prob_se)])
        curves.append(pd.DataFrame({"segment": name, "days": t, "survival": p,
                                    "lower": np.clip(p - 1.96 * se, 0, 1), "upper": np.clip(p + 1.96 * se, 0, 1)}))
        med = t[np.argmax(p <= 0.5)] if (p <= 0.5).any() else None
        segs.append({"segment": name, "customers": len(part), "churned": int(part["churned"].sum()),
                     "median_days": med})
    if not curves:
        return SurvivalResult(by, churn_days, False, "too_few_cases", pd.DataFrame(columns=curves_cols),
                              pd.DataFrame(columns=seg_cols))
    return SurvivalResult(by, churn_days, True, None, pd.concat(curves, ignore_index=True),
                          pd.DataFrame(segs).sort_values("customers", ascending=False, ignore_index=True))


# ----------------------------------------------------------------------------------------------------------
# the risk matrix
# ----------------------------------------------------------------------------------------------------------
#: Cut points from a 0-1 likelihood signal to a 1-5 score (above the first: 2, ...).
LIKELIHOOD_CUTS = (0.05, 0.15, 0.30, 0.50)
#: Cut points from a 0-1 impact signal (share of revenue or pipeline exposed) to a 1-5 score.
IMPACT_CUTS = (0.02, 0.05, 0.10, 0.20)


def _band(v: float | None, cuts: tuple[float, ...]) -> int:
    if v is None or not np.isfinite(v):
        return 1
    return 1 + int(sum(v > c for c in cuts))


@dataclass(frozen=True)
class RiskItem:
    """One risk in the matrix.

    Attributes
    ----------
    key : the risk ("customer_churn", ...); text key ``risk.item.<key>``.
    category : market, customer, competition or operation.
    likelihood_signal, impact_signal : the 0-1 figures behind the scores (see ``metrics/risk.py``).
    likelihood, impact : 1-5 scores (cut points :data:`LIKELIHOOD_CUTS`, :data:`IMPACT_CUTS`).
    evidence : the section of the Risk page holding the evidence (an anchor).
    control : text key of the suggested control (``risk.control.<key>``).
    available : False when the signal cannot be computed from the data (then scores are 1 and not shown).
    """

    key: str
    category: str
    likelihood_signal: float | None
    impact_signal: float | None
    likelihood: int
    impact: int
    evidence: str
    available: bool = True

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


def _item(key, category, lik, imp, evidence) -> RiskItem:
    ok = lik is not None and imp is not None and np.isfinite(lik) and np.isfinite(imp)
    return RiskItem(key, category, None if lik is None else float(lik), None if imp is None else float(imp),
                    _band(lik, LIKELIHOOD_CUTS), _band(imp, IMPACT_CUTS), evidence, bool(ok))


def market_share_change(store: Store, filters: Filters) -> pd.DataFrame:
    """Our market share by region x category: the 12 complete months before the as-of month against the 12
    before those.

    Returns columns: region, category, share_before, share_recent (our revenue ÷ market size, 0-1), change
    (share_recent − share_before), revenue_recent; cells with market data in both years only, largest fall
    first.
    """
    cols = ["region", "category", "share_before", "share_recent", "change", "revenue_recent"]
    as_of = as_of_date(store, filters)
    if as_of is None:
        return pd.DataFrame(columns=cols)
    last = as_of.replace(day=1)  # the months before the (possibly partial) as-of month
    lo, mid = _d(dt.date(last.year - 2, last.month, 1)), _d(dt.date(last.year - 1, last.month, 1))
    m = apply(store, "market", filters, date_column=None)
    m = m.filter(m.month >= lo, m.month < _d(last))
    # market_size repeats on every competitor row of a (month, region, category): take it once
    size = m.group_by("month", "region", "category").aggregate(size=m.market_size.max())
    size = size.mutate(recent=size.month >= mid)
    msize = size.group_by("region", "category", "recent").aggregate(size=size.size.sum())
    o = apply(store, "orders", filters, date_column=None)
    o = o.filter(o.order_date >= lo, o.order_date < _d(last))
    c = store.table("customers").select("customer_id", "region")
    p = store.table("products").select("product_id", "category")
    j = o.left_join(c, "customer_id").left_join(p, "product_id")
    ours = j.group_by("region", "category", recent=j.order_date >= mid).aggregate(revenue=j.revenue.sum())
    both = store.execute(msize.join(ours, ["region", "category", "recent"]))
    if both.empty:
        return pd.DataFrame(columns=cols)
    both["share"] = both["revenue"] / both["size"].where(both["size"] > 0)
    recent = both[both["recent"]].set_index(["region", "category"])
    before = both[~both["recent"]].set_index(["region", "category"])
    out = pd.DataFrame({"share_before": before["share"], "share_recent": recent["share"],
                        "revenue_recent": recent["revenue"]}).dropna().reset_index()
    out["change"] = out["share_recent"] - out["share_before"]
    return out[cols].sort_values("change", ignore_index=True)


def competitive_losses(store: Store, filters: Filters) -> pd.DataFrame:
    """Deals closed in the window by outcome and loss reason.

    Returns columns: lost_reason (None for won deals), status (won / lost), deals, amount; largest first.
    """
    closed = apply(store, "opportunities", filters, date_column="closed_at")
    closed = closed.filter(closed.status.isin(("won", "lost")))
    reason = ibis.ifelse(closed.status == "lost", closed.lost_reason, ibis.null("string"))
    df = store.execute(closed.group_by([reason.name("lost_reason"), closed.status]).aggregate(
        deals=closed.count(), amount=closed.amount.sum()))
    return df.sort_values("amount", ascending=False, ignore_index=True)


#: loss reasons that mean a competitor won the deal
COMPETITIVE_REASONS: tuple[str, ...] = ("competitor", "price")


def risk_matrix(store: Store, filters: Filters, *, deals: pd.DataFrame | None = None,
                churn: ChurnResult | None = None, conc: pd.DataFrame | None = None,
                recv: Receivables | None = None, anom: Anomalies | None = None) -> tuple[RiskItem, ...]:
    """Likelihood x impact of the risks in four categories, built from the page's signals.

    Already computed parts may be passed in (the page does) to avoid recomputing them.

    - market / demand_shortfall: likelihood = share of the last 12 complete months with revenue below its
      seasonal expectation by more than one robust standard deviation; impact = the revenue shortfall of
      those months ÷ the revenue of the 12 months.
    - customer / customer_churn: likelihood = revenue-weighted churn probability; impact = share of the last
      year's revenue from customers with churn probability ≥ 0.5.
    - customer / customer_concentration: likelihood = the top-10 customers' share; impact = the largest
      customer's share.
    - customer / partner_dependence: likelihood = the largest partner's share of partner revenue; impact =
      its share of all revenue.
    - competition / share_loss: likelihood = share of region x category markets where our market share fell
      against the year before; impact = their share of our revenue.
    - competition / lost_deals: likelihood = deals lost to a competitor or on price ÷ closed deals in the
      window; impact = their amount ÷ the closed amount.
    - operation / receivables: likelihood = overdue ÷ outstanding; impact = overdue ÷ revenue of the window.
    - operation / pipeline_slippage: likelihood = flagged ÷ open deals; impact = flagged ÷ open amount.
    - operation / complaints: likelihood = share of the last 6 complete months with complaints above their
      seasonal expectation by more than one robust standard deviation; impact = share of the window's
      revenue from customers who complained in the window.
    """
    as_of = as_of_date(store, filters)
    if as_of is None:
        return ()
    deals = deal_risk(store, filters) if deals is None else deals
    churn = churn_risk(store, filters) if churn is None else churn
    conc = concentration(store, filters) if conc is None else conc
    recv = receivables(store, filters) if recv is None else recv
    anom = anomalies(store, filters) if anom is None else anom
    o = apply(store, "orders", filters)
    revenue = _num(store.execute(o.revenue.sum()))
    items = []

    # market: revenue below its seasonal expectation
    lik = imp = None
    if anom.enough:
        s = anom.series[anom.series["measure"] == "revenue"].tail(12)
        if len(s):
            mad = (s["residual"] / s["z"].replace(0, np.nan)).abs().median()
            below = s[s["residual"] < -(mad if np.isfinite(mad) else 0)]
            lik = len(below) / len(s)
            total = s["value"].sum()
            imp = float(-below["residual"].sum() / total) if total else None
    items.append(_item("demand_shortfall", "market", lik, imp, "risk-anomalies"))

    # customer: churn, concentration, partner dependence
    if churn.enough:
        c = churn.customers
        rev = c["revenue_365d"].clip(lower=0)
        items.append(_item("customer_churn", "customer", churn.weighted_churn,
                           float(rev[c["churn_probability"] >= 0.5].sum() / rev.sum()) if rev.sum() else None,
                           "risk-customers"))
    else:
        items.append(_item("customer_churn", "customer", None, None, "risk-customers"))
    total = conc[conc["group"] == "all"] if "group" in conc else conc
    if not total.empty:
        items.append(_item("customer_concentration", "customer", float(total["top_share"].iloc[0]),
                           float(total["largest_share"].iloc[0]), "risk-concentration"))
    else:
        items.append(_item("customer_concentration", "customer", None, None, "risk-concentration"))
    partners = partner_dependence(store, filters)
    if not partners.empty:
        items.append(_item("partner_dependence", "customer", float(partners["share_of_indirect"].iloc[0]),
                           float(partners["share_of_total"].iloc[0]), "risk-concentration"))
    else:
        items.append(_item("partner_dependence", "customer", None, None, "risk-concentration"))

    # competition: market share lost, deals lost
    share = market_share_change(store, filters)
    if share.empty:
        items.append(_item("share_loss", "competition", None, None, "risk-competition"))
    else:
        fell = share["change"] < 0
        rev = share["revenue_recent"].clip(lower=0)
        items.append(_item("share_loss", "competition", float(fell.mean()),
                           float(rev[fell].sum() / rev.sum()) if rev.sum() else None, "risk-competition"))
    losses = competitive_losses(store, filters)
    n, amount = float(losses["deals"].sum()), float(losses["amount"].fillna(0).sum())
    comp = losses[losses["lost_reason"].isin(COMPETITIVE_REASONS)]
    items.append(_item("lost_deals", "competition", float(comp["deals"].sum()) / n if n else None,
                       float(comp["amount"].fillna(0).sum()) / amount if amount else None, "risk-competition"))

    # operation: receivables, pipeline slippage, complaints
    items.append(_item("receivables", "operation", recv.overdue_share,
                       recv.overdue_amount / revenue if revenue else None, "risk-receivables"))
    open_t = open_deals_at(store, filters, as_of)
    op = store.execute(open_t.aggregate(n=open_t.count(), amount=open_t.amount.sum())).iloc[0]
    n_open, open_amount = _num(op["n"]), _num(op["amount"])
    items.append(_item("pipeline_slippage", "operation", len(deals) / n_open if n_open else None,
                       float(deals["amount"].sum()) / open_amount if open_amount else None, "risk-deals"))
    lik = imp = None
    if anom.enough:
        s = anom.series[anom.series["measure"] == "complaints"].tail(6)
        if len(s):
            mad = (s["residual"] / s["z"].replace(0, np.nan)).abs().median()
            lik = float((s["residual"] > (mad if np.isfinite(mad) else 0)).mean())
    comp = apply(store, "complaints", filters)
    who = o.filter(o.customer_id.isin(comp.filter(comp.customer_id.notnull()).customer_id))
    if revenue:
        imp = _num(store.execute(who.revenue.sum())) / revenue
    items.append(_item("complaints", "operation", lik, imp, "risk-anomalies"))
    return tuple(items)


# ----------------------------------------------------------------------------------------------------------
# summary and report
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RiskSummary:
    """The Risk page's headline figures (shared with ``report risk``)."""

    as_of: dt.date | None
    deals: pd.DataFrame
    open_deals: int
    concentration: pd.DataFrame
    receivables: Receivables

    @property
    def flagged_amount(self) -> float:
        return float(self.deals["amount"].sum()) if not self.deals.empty else 0.0

    @property
    def hhi(self) -> float | None:
        return float(self.concentration["hhi"].iloc[0]) if not self.concentration.empty else None

    @property
    def top10_share(self) -> float | None:
        return float(self.concentration["top_share"].iloc[0]) if not self.concentration.empty else None

    def to_json(self) -> dict:
        r = self.receivables
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "open_deals": self.open_deals,
            "flagged_deals": len(self.deals),
            "flagged_amount": self.flagged_amount,
            "flags": [
                {"opportunity_id": d.opportunity_id, "reason": d.reason, "reasons": list(d.reasons),
                 "amount": float(d.amount), "stage": d.stage}
                for d in self.deals.itertuples()
            ],
            "hhi": self.hhi,
            "hhi_scale": "shares in percent, 0-10000",
            "top10_share": self.top10_share,
            "outstanding": r.outstanding,
            "overdue_amount": r.overdue_amount,
            "overdue_share": r.overdue_share,
            "dso": r.dso,
            "aging": {b.bucket: float(b.amount) for b in r.aging.itertuples()},
        }


def summary(store: Store, filters: Filters) -> RiskSummary:
    """Flagged deals, concentration of the window's revenue and receivables at the as-of day."""
    as_of = as_of_date(store, filters)
    n_open = 0
    if as_of is not None:
        t = open_deals_at(store, filters, as_of)
        n_open = int(store.execute(t.count()))
    return RiskSummary(as_of=as_of, deals=deal_risk(store, filters), open_deals=n_open,
                       concentration=concentration(store, filters), receivables=receivables(store, filters))


@dataclass(frozen=True, eq=False)
class RiskDetails:
    """Everything the Risk page shows that needs models, computed once: the summary, churn, anomalies and
    the risk matrix built from them."""

    summary: RiskSummary
    churn: ChurnResult
    anomalies: Anomalies
    matrix: tuple[RiskItem, ...]


def details(store: Store, filters: Filters) -> RiskDetails:
    """The summary, the churn model, the anomalies and the risk matrix, each computed once."""
    s = summary(store, filters)
    churn = churn_risk(store, filters)
    anom = anomalies(store, filters)
    matrix = risk_matrix(store, filters, deals=s.deals, churn=churn, conc=s.concentration, recv=s.receivables,
                         anom=anom)
    return RiskDetails(summary=s, churn=churn, anomalies=anom, matrix=matrix)


def add_report_arguments(parser) -> None:
    parser.add_argument("--full", action="store_true",
                        help="also churn, anomalies and the risk matrix (slower: fits models)")


def report_json(store: Store, filters: Filters, args=None) -> dict:
    """``python -m salesdash report risk``: flagged deals, HHI, top-10 share, receivables (and, with
    ``--full``, churn, anomalies and the risk matrix)."""
    s = summary(store, filters)
    out = s.to_json()
    if getattr(args, "full", False):
        d = details(store, filters)
        churn, anom = d.churn, d.anomalies
        out["churn"] = {
            "enough": churn.enough, "reason": churn.reason, "auc": churn.auc,
            "revenue_at_risk": churn.revenue_at_risk if churn.enough else None,
            "drivers": [{"feature": d.feature, "coefficient": float(d.coefficient)} for d in churn.drivers.itertuples()],
        }
        out["anomalies"] = [
            {"measure": a.measure, "month": pd.Timestamp(a.month).date().isoformat(), "value": float(a.value),
             "expected": float(a.expected), "z": float(a.z), "direction": a.direction}
            for a in anom.flagged.itertuples()
        ]
        out["risk_matrix"] = [
            {"risk": i.key, "category": i.category, "likelihood": i.likelihood, "impact": i.impact,
             "likelihood_signal": i.likelihood_signal, "impact_signal": i.impact_signal, "evidence": i.evidence}
            for i in d.matrix
        ]
    return out
