"""The sales team (销售团队的建设与管理): targets against actuals, scorecards, pace, activity and ramp.

Definitions are the Overview's (``salesdash/analysis/overview.py``):

- quota attainment = revenue of orders credited to reps ÷ those reps' targets in the window, a month cut by
  the window counted pro rata by days (the proration is the Overview's own, see :func:`_month_weights`);
- win rate = won ÷ (won + lost) over opportunities closed in the window;
- won revenue = amount of the opportunities won (closed) in the window.

Every figure is aggregated in the engine per rep (or team, region, manager); what comes back is one row per
group. :func:`summary` is the single source of the page's KPI row and of ``python -m salesdash report team``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from statistics import NormalDist

import ibis
import numpy as np
import pandas as pd

from salesdash.analysis import overview
from salesdash.analysis.channels import first_orders
from salesdash.filters import Filters, apply
from salesdash.store import Store

__all__ = [
    "RepFigures", "TeamSummary", "Pace", "ActivityOutcome", "Ramp", "rep_table", "team_table", "summary",
    "targets_by_month", "attainment_by_period", "pace", "scorecard", "score_reps", "activity_outcome", "ramp",
    "SCORE_COMPONENTS", "DEFAULT_WEIGHTS", "MIN_PACE_DAYS", "report_json", "add_report_arguments",
]

#: Fewer elapsed days than this and the run-rate is not projected.
MIN_PACE_DAYS = 7
#: Scorecard components and whether a higher value is better.
SCORE_COMPONENTS: tuple[tuple[str, bool], ...] = (
    ("revenue", True), ("attainment", True), ("win_rate", True), ("avg_deal_size", True),
    ("cycle_days", False), ("activities", True), ("new_customers", True), ("nps", True),
)
#: The manager's default weights (the page's sliders start here).
DEFAULT_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("revenue", 2.0), ("attainment", 3.0), ("win_rate", 2.0), ("avg_deal_size", 1.0), ("cycle_days", 1.0),
    ("activities", 1.0), ("new_customers", 1.0), ("nps", 1.0),
)
_GROUPS = ("rep_id", "team", "region", "manager")


def _num(v) -> float:
    return 0.0 if v is None or pd.isna(v) else float(v)


def _none(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _text(v) -> str | None:
    return None if v is None or pd.isna(v) else str(v)


def _month_end(m: dt.date) -> dt.date:
    return m.replace(day=calendar.monthrange(m.year, m.month)[1])


# ----- targets, pro rata by days (the Overview's proration) ---------------------------------------------

def _month_weights(store: Store, filters: Filters, start: dt.date | None, end: dt.date | None
                   ) -> dict[dt.date, float]:
    """The share of each month's target that falls inside [start, end], for the months the window cuts.

    Months wholly inside the window count in full and are not listed. For a cut month the weight is taken
    from the Overview's own proration, ``overview._target`` (targets of the cut ÷ targets of the whole
    month, over the filtered reps), so both pages prorate alike by construction. At most two months are cut.
    """
    cut: list[tuple[dt.date, dt.date, dt.date]] = []
    if start is not None and start.day != 1:
        m = start.replace(day=1)
        cut.append((m, start, min(_month_end(m), end) if end else _month_end(m)))
    if end is not None and end != _month_end(end):
        m = end.replace(day=1)
        if not cut or cut[0][0] != m:
            cut.append((m, max(m, start) if start else m, end))
    weights = {}
    for m, lo, hi in cut:
        whole = overview._target(store, filters, m, _month_end(m))
        part = overview._target(store, filters, lo, hi)
        weights[m] = (part or 0.0) / whole if whole else 0.0
    return weights


def targets_by_month(store: Store, filters: Filters, start: dt.date | None = None,
                     end: dt.date | None = None) -> pd.DataFrame:
    """Each filtered rep's target per month over [start, end] (default: the filters' window), pro rata by days.

    Returns columns: rep_id, month (date, first day), target (the month's target × the share of its days in
    the window).
    """
    start = filters.start if start is None else start
    end = filters.end if end is None else end
    t = apply(store, "targets", filters, date_column=None)
    if start is not None:
        t = t.filter(t.month >= ibis.date(start.replace(day=1).isoformat()))
    if end is not None:
        t = t.filter(t.month <= ibis.date(end.isoformat()))
    df = store.execute(t.group_by(["rep_id", "month"]).aggregate(target=t.target_amount.sum()))
    df["month"] = [pd.Timestamp(m).date() for m in df["month"]]
    weights = _month_weights(store, filters, start, end)
    if weights:
        df["target"] = df["target"] * df["month"].map(weights).fillna(1.0)
    return df[["rep_id", "month", "target"]]


# ----- facts per rep (or team, region, manager) -----------------------------------------------------------

def _reps(store: Store, filters: Filters) -> pd.DataFrame:
    r = apply(store, "reps", filters, date_column=None)
    return store.execute(r.select("rep_id", "name", "team", "region", "manager", "hire_date"))


def _keyed(store: Store, t: ibis.Table, by: str) -> tuple[ibis.Table, str]:
    """`t` (with rep_id) with the rep's `by` attribute as column ``key``."""
    if by == "rep_id":
        return t.mutate(key=t.rep_id), "key"
    r = store.table("reps").select(r_id="rep_id", key=ibis._[by])
    return t.left_join(r, t.rep_id == r.r_id).drop("r_id"), "key"


def _facts(store: Store, filters: Filters, *, by: str) -> pd.DataFrame:
    """Revenue, targets, deals, activities, new customers and NPS per `by` (rep_id, team, region, manager)."""
    if by not in _GROUPS:
        raise ValueError(f"by must be one of {_GROUPS}, not {by!r}")
    o = apply(store, "orders", filters)
    o, k = _keyed(store, o.filter(o.rep_id.notnull()), by)
    df = store.execute(o.group_by(k).aggregate(revenue=o.revenue.sum(), orders=o.order_id.nunique(),
                                               customers=o.customer_id.nunique()))

    tg = targets_by_month(store, filters)
    if by != "rep_id":
        attrs = store.execute(store.table("reps").select("rep_id", key=ibis._[by]))
        tg = tg.merge(attrs, on="rep_id", how="left")
    else:
        tg["key"] = tg["rep_id"]
    tg = tg.groupby("key", dropna=False, as_index=False)["target"].sum()
    df = df.merge(tg, on="key", how="outer")

    c = apply(store, "opportunities", filters, date_column="closed_at")
    c, _ = _keyed(store, c.filter(c.status.isin(("won", "lost"))), by)
    days = (c.closed_at.epoch_seconds() - c.created_at.epoch_seconds()) / 86400.0
    deals = store.execute(c.group_by(k).aggregate(
        won=(c.status == "won").sum(), lost=(c.status == "lost").sum(),
        won_revenue=c.amount.sum(where=c.status == "won"), cycle_days=days.median(where=c.status == "won"),
    ))
    df = df.merge(deals, on="key", how="outer")

    a = apply(store, "activities", filters)
    a, _ = _keyed(store, a.filter(a.rep_id.notnull()), by)
    df = df.merge(store.execute(a.group_by(k).aggregate(activities=a.count())), on="key", how="outer")

    n = first_orders(store, filters)
    n, _ = _keyed(store, n.filter(n.rep_id.notnull()), by)
    df = df.merge(store.execute(n.group_by(k).aggregate(new_customers=n.count())), on="key", how="outer")

    fb = apply(store, "feedback", filters)
    fb, _ = _keyed(store, fb.filter(fb.rep_id.notnull() & fb.nps.notnull()), by)
    nps = store.execute(fb.group_by(k).aggregate(nps_responses=fb.count(), promoters=(fb.nps >= 9).sum(),
                                                 detractors=(fb.nps <= 6).sum()))
    df = df.merge(nps, on="key", how="outer")

    for col in ("revenue", "orders", "customers", "won", "lost", "won_revenue", "activities", "new_customers",
                "nps_responses", "promoters", "detractors"):
        df[col] = df[col].fillna(0)
    for col in ("orders", "customers", "won", "lost", "activities", "new_customers", "nps_responses"):
        df[col] = df[col].astype("int64")
    df["target"] = df["target"].where(df["target"] > 0)
    df["attainment"] = df["revenue"] / df["target"]
    closed = df["won"] + df["lost"]
    df["win_rate"] = df["won"] / closed.where(closed > 0)
    df["avg_deal_size"] = df["won_revenue"] / df["won"].where(df["won"] > 0)
    enough = df["nps_responses"] >= overview.MIN_NPS_RESPONSES
    df["nps"] = (100.0 * (df["promoters"] - df["detractors"]) / df["nps_responses"]).where(enough)
    return df.drop(columns=["promoters", "detractors"])


_FACT_COLUMNS = ["revenue", "target", "attainment", "won_revenue", "won", "lost", "win_rate", "avg_deal_size",
                 "cycle_days", "orders", "customers", "activities", "new_customers", "nps", "nps_responses"]


def rep_table(store: Store, filters: Filters) -> pd.DataFrame:
    """Targets against actuals and the scorecard figures of every rep active in the window.

    A rep is listed when they have revenue, a target, a closed deal or an activity in the window under the
    filters (a rep missing from the reps table is listed with empty attributes, not dropped).

    Returns
    -------
    DataFrame, highest revenue first. Columns:

    - rep_id, name, team, region, manager, hire_date: the rep (from the reps table).
    - revenue, orders, customers: orders credited to the rep with an order date in the window.
    - target: the rep's monthly targets in the window, pro rata by days (NaN: no target).
    - attainment: revenue ÷ target.
    - won_revenue, won, lost, win_rate, avg_deal_size, cycle_days: opportunities closed in the window;
      won_revenue is the amount won, win rate won ÷ (won + lost), average deal size won_revenue ÷ won,
      cycle_days the median days from creation to close of the deals won.
    - activities: activities logged in the window.
    - new_customers: customers whose first order ever falls in the window and was credited to the rep.
    - nps, nps_responses: NPS of the feedback about the rep in the window (NaN under
      ``overview.MIN_NPS_RESPONSES`` responses).
    """
    facts = _facts(store, filters, by="rep_id").rename(columns={"key": "rep_id"})
    reps = store.execute(store.table("reps").select("rep_id", "name", "team", "region", "manager", "hire_date"))
    df = facts[facts["rep_id"].notna()].merge(reps, on="rep_id", how="left")
    active = (df["revenue"] != 0) | df["target"].notna() | (df["won"] + df["lost"] > 0) | (df["activities"] > 0)
    df = df[active]
    cols = ["rep_id", "name", "team", "region", "manager", "hire_date", *_FACT_COLUMNS]
    return df[cols].sort_values(["revenue", "won_revenue"], ascending=False, ignore_index=True)


def team_table(store: Store, filters: Filters, *, by: str = "team") -> pd.DataFrame:
    """The same figures as :func:`rep_table` per team, region (the rep's) or manager.

    Returns columns: key (the team, region or manager), reps (reps listed in :func:`rep_table`), then
    revenue, target, attainment, won_revenue, won, lost, win_rate, avg_deal_size, cycle_days (median over the
    group's won deals), orders, customers, activities, new_customers, nps, nps_responses; highest revenue
    first.
    """
    if by not in ("team", "region", "manager"):
        raise ValueError(f"by must be 'team', 'region' or 'manager', not {by!r}")
    return _group_table(store, filters, by=by, reps=rep_table(store, filters))


def _group_table(store: Store, filters: Filters, *, by: str, reps: pd.DataFrame) -> pd.DataFrame:
    facts = _facts(store, filters, by=by)
    counts = reps.groupby(by, dropna=False).size().rename("reps").reset_index().rename(columns={by: "key"})
    df = facts.merge(counts, on="key", how="left")
    df["reps"] = df["reps"].fillna(0).astype("int64")
    active = (df["revenue"] != 0) | df["target"].notna() | (df["won"] + df["lost"] > 0) | (df["activities"] > 0)
    return df[active][["key", "reps", *_FACT_COLUMNS]].sort_values("revenue", ascending=False, ignore_index=True)


# ----- summary (the KPI row and the report) --------------------------------------------------------------

@dataclass(frozen=True)
class RepFigures:
    """One rep's (or team's) targets and deals in the window; ``None`` where it cannot be computed."""

    rep: str | None
    name: str | None
    team: str | None
    revenue: float
    target: float | None
    attainment: float | None
    won_revenue: float
    won: int
    lost: int
    win_rate: float | None
    avg_deal_size: float | None
    cycle_days: float | None
    activities: int
    new_customers: int
    nps: float | None

    def to_json(self, *, team_row: bool = False) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        if team_row:
            out.pop("rep")
            out.pop("name")
        return out


def _figures(r: pd.Series, *, rep, name, team) -> RepFigures:
    return RepFigures(
        rep=rep, name=name, team=team, revenue=float(r["revenue"]), target=_none(r["target"]),
        attainment=_none(r["attainment"]), won_revenue=float(r["won_revenue"]), won=int(r["won"]),
        lost=int(r["lost"]), win_rate=_none(r["win_rate"]), avg_deal_size=_none(r["avg_deal_size"]),
        cycle_days=_none(r["cycle_days"]), activities=int(r["activities"]), new_customers=int(r["new_customers"]),
        nps=_none(r["nps"]),
    )


@dataclass(frozen=True)
class TeamSummary:
    """The Team page's headline figures for a window.

    ``attainment`` equals the Overview's quota attainment for the same filters. The spread (median,
    quartiles, share on target) is over the reps that have a target.
    """

    start: dt.date | None
    end: dt.date | None
    revenue: float
    target: float | None
    attainment: float | None
    won_revenue: float
    won: int
    lost: int
    win_rate: float | None
    avg_deal_size: float | None
    reps_with_target: int
    on_target_share: float | None
    median_attainment: float | None
    attainment_p25: float | None
    attainment_p75: float | None
    reps: tuple[RepFigures, ...]
    teams: tuple[RepFigures, ...]

    def to_json(self) -> dict:
        keys = ("revenue", "target", "attainment", "won_revenue", "won", "lost", "win_rate", "avg_deal_size",
                "reps_with_target", "on_target_share", "median_attainment", "attainment_p25", "attainment_p75")
        out: dict = {"start": self.start.isoformat() if self.start else None,
                     "end": self.end.isoformat() if self.end else None}
        out.update({k: getattr(self, k) for k in keys})
        out["reps"] = [r.to_json() for r in self.reps]
        out["teams"] = [t.to_json(team_row=True) for t in self.teams]
        return out


def summary(store: Store, filters: Filters) -> TeamSummary:
    """The Team page's headline figures: the whole team, every rep and every team."""
    reps = rep_table(store, filters)
    teams = _group_table(store, filters, by="team", reps=reps)
    revenue = float(teams["revenue"].sum())
    target = float(teams["target"].sum()) or None
    won, lost = int(teams["won"].sum()), int(teams["lost"].sum())
    won_revenue = float(teams["won_revenue"].sum())
    att = reps["attainment"].dropna()
    return TeamSummary(
        start=filters.start,
        end=filters.end,
        revenue=revenue,
        target=target,
        attainment=revenue / target if target else None,
        won_revenue=won_revenue,
        won=won,
        lost=lost,
        win_rate=won / (won + lost) if won + lost else None,
        avg_deal_size=won_revenue / won if won else None,
        reps_with_target=int(att.size),
        on_target_share=float((att >= 1).mean()) if att.size else None,
        median_attainment=float(att.median()) if att.size else None,
        attainment_p25=float(att.quantile(0.25)) if att.size else None,
        attainment_p75=float(att.quantile(0.75)) if att.size else None,
        reps=tuple(_figures(r, rep=_text(r["rep_id"]), name=_text(r["name"]), team=_text(r["team"]))
                   for _, r in reps.iterrows()),
        teams=tuple(_figures(r, rep=None, name=None, team=_text(r["key"])) for _, r in teams.iterrows()),
    )


# ----- targets against actuals over time ------------------------------------------------------------------

_PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}


def _period_start(d: dt.date, period: str) -> dt.date:
    if period == "month":
        return d.replace(day=1)
    if period == "quarter":
        return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return dt.date(d.year, 1, 1)


def _period_end(d: dt.date, period: str) -> dt.date:
    s = _period_start(d, period)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    y, m = divmod(s.month - 1 + months, 12)
    return dt.date(s.year + y, m + 1, 1) - dt.timedelta(days=1)


def attainment_by_period(store: Store, filters: Filters, *, period: str = "month", by: str = "company"
                         ) -> pd.DataFrame:
    """Revenue credited to reps against their targets per month, quarter or year of the window.

    Parameters
    ----------
    period : "month", "quarter" or "year" (calendar periods, cut by the window; targets pro rata by days).
    by : "company" (one row per period), "team", "region" (the rep's) or "rep_id".

    Returns columns: period (Timestamp, first day), key ("company", the team, region or rep_id), revenue,
    target (NaN: none), attainment (revenue ÷ target); by period then key.
    """
    if period not in _PERIODS:
        raise ValueError(f"period must be one of {tuple(_PERIODS)}, not {period!r}")
    if by not in ("company", "team", "region", "rep_id"):
        raise ValueError(f"by must be 'company', 'team', 'region' or 'rep_id', not {by!r}")
    o = apply(store, "orders", filters)
    o = o.filter(o.rep_id.notnull())
    p = o.order_date.truncate(_PERIODS[period]).name("period")
    if by == "company":
        rev = store.execute(o.group_by(p).aggregate(revenue=o.revenue.sum()))
        rev["key"] = "company"
    else:
        o, _ = _keyed(store, o, by)
        rev = store.execute(o.group_by([p, "key"]).aggregate(revenue=o.revenue.sum()))
    rev["period"] = pd.to_datetime(rev["period"])
    tg = targets_by_month(store, filters)
    tg["period"] = pd.to_datetime([_period_start(m, period) for m in tg["month"]])
    if by == "company":
        tg["key"] = "company"
    elif by == "rep_id":
        tg["key"] = tg["rep_id"]
    else:
        attrs = store.execute(store.table("reps").select("rep_id", key=ibis._[by]))
        tg = tg.merge(attrs, on="rep_id", how="left")
    tg = tg.groupby(["period", "key"], dropna=False, as_index=False)["target"].sum()
    df = rev.merge(tg, on=["period", "key"], how="outer")
    df["revenue"] = df["revenue"].fillna(0.0)
    df["target"] = df["target"].where(df["target"] > 0)
    df["attainment"] = df["revenue"] / df["target"]
    return df[["period", "key", "revenue", "target", "attainment"]].sort_values(
        ["period", "key"], ignore_index=True)


# ----- pace to target -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pace:
    """Run-rate projection of the revenue credited to reps to the end of the period that holds ``as_of``.

    The elapsed days' daily revenue (days without orders count as 0) has mean m and standard deviation s
    over n days. With R days remaining: projected = actual + m × R. The interval treats the remaining days
    as independent draws with the same mean and spread and adds the uncertainty of m itself:
    sd = s × √(R + R² / n); interval = projected ± z × sd, z the normal quantile of ``level`` (two-sided),
    the lower end never below the actual revenue already booked.
    """

    period: str
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    elapsed_days: int
    remaining_days: int
    actual: float
    target: float | None
    target_to_date: float | None
    daily_mean: float | None
    daily_sd: float | None
    projected: float | None
    low: float | None
    high: float | None
    level: float
    enough: bool
    reason: str | None
    #: revenue of each elapsed day, from period_start to as_of
    daily: tuple[float, ...] = ()

    def cumulative(self) -> pd.DataFrame:
        """Columns date (Timestamp), revenue, cumulative: the elapsed days of the period."""
        dates = pd.date_range(self.period_start, self.as_of, freq="D")
        rev = pd.Series(self.daily, dtype="float64")
        return pd.DataFrame({"date": dates, "revenue": rev.values, "cumulative": rev.cumsum().values})

    def _share(self, v: float | None) -> float | None:
        return v / self.target if v is not None and self.target else None

    @property
    def attainment_to_date(self) -> float | None:
        return self._share(self.actual)

    @property
    def projected_attainment(self) -> float | None:
        return self._share(self.projected)

    @property
    def low_attainment(self) -> float | None:
        return self._share(self.low)

    @property
    def high_attainment(self) -> float | None:
        return self._share(self.high)

    def to_json(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "daily"}
        for k in ("period_start", "period_end", "as_of"):
            out[k] = out[k].isoformat()
        out["projected_attainment"] = self.projected_attainment
        out["low_attainment"] = self.low_attainment
        out["high_attainment"] = self.high_attainment
        return out


def _data_end(store: Store) -> dt.date | None:
    o = store.table("orders")
    v = store.execute(o.order_date.max())
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def pace(store: Store, filters: Filters, *, period: str = "month", level: float = 0.9) -> Pace | None:
    """Pace to target of the month, quarter or year that holds the end of the window (None: no orders).

    ``as_of`` is the end of the window, or the last order date when that is earlier (or the window is open).
    Dimension filters apply; the window's start does not (the period starts where it starts).
    """
    if period not in _PERIODS:
        raise ValueError(f"period must be one of {tuple(_PERIODS)}, not {period!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level!r}")
    last = _data_end(store)
    if last is None:
        return None
    as_of = min(filters.end, last) if filters.end else last
    start, end = _period_start(as_of, period), _period_end(as_of, period)
    window = Filters(start=start, end=as_of, regions=filters.regions, channels=filters.channels,
                     categories=filters.categories, teams=filters.teams, reps=filters.reps,
                     segmentation=filters.segmentation, segments=filters.segments)
    o = apply(store, "orders", window)
    o = o.filter(o.rep_id.notnull())
    daily = store.execute(o.group_by("order_date").aggregate(revenue=o.revenue.sum()))
    n = (as_of - start).days + 1
    values = np.zeros(n)
    for d, v in zip(daily["order_date"], daily["revenue"]):
        values[(pd.Timestamp(d).date() - start).days] = float(v)
    actual = float(values.sum())
    remaining = (end - as_of).days
    target = overview._target(store, window, start, end)
    to_date = overview._target(store, window, start, as_of)
    base = dict(period=period, period_start=start, period_end=end, as_of=as_of, elapsed_days=n,
                remaining_days=remaining, actual=actual, target=target, target_to_date=to_date, level=level,
                daily=tuple(float(v) for v in values))
    if n < MIN_PACE_DAYS:
        return Pace(**base, daily_mean=None, daily_sd=None, projected=None, low=None, high=None, enough=False,
                    reason=f"at least {MIN_PACE_DAYS} elapsed days of the {period}")
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    projected = actual + mean * remaining
    z = NormalDist().inv_cdf(0.5 + level / 2)
    half = float(z * sd * np.sqrt(remaining + remaining ** 2 / n))
    return Pace(**base, daily_mean=mean, daily_sd=sd, projected=projected, low=max(actual, projected - half),
                high=projected + half, enough=True, reason=None)


# ----- scorecard ------------------------------------------------------------------------------------------

def scorecard(store: Store, filters: Filters, *, weights: tuple[tuple[str, float], ...] = DEFAULT_WEIGHTS
              ) -> pd.DataFrame:
    """The rep leaderboard with a composite score whose weights the manager sets.

    Each component (``SCORE_COMPONENTS``) becomes a percentile rank among the reps that have a value for
    it: the rep's average rank (ties share it) ÷ the number of such reps, so the best rep scores 1 and the
    others fall evenly below; for cycle length a shorter cycle ranks higher. The composite score is
    100 × Σ weight × percentile ÷ Σ weight over the components the rep has (a missing NPS does not count
    as a bad one). Weights are (component, weight ≥ 0) pairs; components left out weigh 0.

    Returns
    -------
    :func:`rep_table`'s columns plus ``pct_<component>`` for every component, ``score`` (0-100) and
    ``rank`` (1 = highest score); best score first.
    """
    return score_reps(rep_table(store, filters), weights=weights)


def score_reps(reps: pd.DataFrame, *, weights: tuple[tuple[str, float], ...] = DEFAULT_WEIGHTS) -> pd.DataFrame:
    """:func:`scorecard` on a :func:`rep_table` already computed (pure pandas on one row per rep)."""
    w = dict(weights)
    unknown = set(w) - {c for c, _ in SCORE_COMPONENTS}
    if unknown:
        raise ValueError(f"unknown scorecard components {sorted(unknown)}")
    if any(v < 0 for v in w.values()):
        raise ValueError("scorecard weights must be 0 or more")
    missing = [c for c, _ in SCORE_COMPONENTS if c not in reps.columns]
    if missing:
        raise ValueError(f"the rep table lacks the columns {missing}")
    df = reps.copy()
    num = pd.Series(0.0, index=df.index)
    den = pd.Series(0.0, index=df.index)
    for comp, higher in SCORE_COMPONENTS:
        values = df[comp] if higher else -df[comp]
        pct = values.rank(method="average", pct=True)
        df[f"pct_{comp}"] = pct
        weight = float(w.get(comp, 0.0))
        has = pct.notna()
        num = num + (pct.fillna(0.0) * weight)
        den = den + has * weight
    df["score"] = 100.0 * num / den.where(den > 0)
    df["rank"] = df["score"].rank(method="min", ascending=False).astype("Int64")
    return df.sort_values(["score", "revenue"], ascending=False, ignore_index=True, na_position="last")


# ----- activity against outcome ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ActivityOutcome:
    """Does more activity bring more wins?

    ``reps`` has one row per rep with closed deals in the window: rep_id, name, team, activities (in the
    window), won, lost, win_rate, deals_busy / deals_quiet (closed deals with more
    activities logged on them than the median closed deal, ``median_activities`` / the others),
    win_rate_busy, win_rate_quiet.
    ``correlation`` is the Spearman rank correlation across reps of activities and deals won; ``slope`` the
    least-squares extra deals won per 100 activities across reps; ``lift`` the win rate of busy deals minus
    that of quiet ones over all reps (percentage points as a 0-1 difference).
    """

    reps: pd.DataFrame
    median_activities: float | None
    correlation: float | None
    slope: float | None
    win_rate_busy: float | None
    win_rate_quiet: float | None
    enough: bool
    reason: str | None

    @property
    def lift(self) -> float | None:
        if self.win_rate_busy is None or self.win_rate_quiet is None:
            return None
        return self.win_rate_busy - self.win_rate_quiet


#: Fewer reps with closed deals than this and no correlation is computed.
MIN_ACTIVITY_REPS = 5


def activity_outcome(store: Store, filters: Filters) -> ActivityOutcome:
    """Activity against outcome, across reps and deal by deal within each rep (see :class:`ActivityOutcome`)."""
    c = apply(store, "opportunities", filters, date_column="closed_at")
    c = c.filter(c.status.isin(("won", "lost")), c.rep_id.notnull())
    a = store.table("activities")
    a = a.filter(a.opportunity_id.notnull())
    per_deal = a.group_by("opportunity_id").aggregate(n=a.count())
    deals = c.left_join(per_deal, c.opportunity_id == per_deal.opportunity_id).select(
        "rep_id", won=(c.status == "won").cast("int64"), n=ibis._.n.fill_null(0))
    median = _none(store.execute(deals.n.median()))
    busy = deals.n > (median if median is not None else 0)
    per_rep = store.execute(deals.group_by("rep_id").aggregate(
        won=deals.won.sum(), closed=deals.count(),
        deals_busy=busy.cast("int64").sum(), won_busy=deals.won.sum(where=busy),
        won_quiet=deals.won.sum(where=~busy),
    ))
    act = apply(store, "activities", filters)
    act = act.filter(act.rep_id.notnull())
    act = store.execute(act.group_by("rep_id").aggregate(activities=act.count()))
    reps = store.execute(store.table("reps").select("rep_id", "name", "team"))
    df = per_rep.merge(reps, on="rep_id", how="left").merge(act, on="rep_id", how="left")
    for col in ("won", "closed", "deals_busy", "won_busy", "won_quiet", "activities"):
        df[col] = df[col].fillna(0).astype("int64")
    df["lost"] = df["closed"] - df["won"]
    df["deals_quiet"] = df["closed"] - df["deals_busy"]
    df["win_rate"] = df["won"] / df["closed"].where(df["closed"] > 0)
    df["win_rate_busy"] = df["won_busy"] / df["deals_busy"].where(df["deals_busy"] > 0)
    df["win_rate_quiet"] = df["won_quiet"] / df["deals_quiet"].where(df["deals_quiet"] > 0)
    rate_busy = _ratio(df["won_busy"].sum(), df["deals_busy"].sum())
    rate_quiet = _ratio(df["won_quiet"].sum(), df["deals_quiet"].sum())
    out = df[["rep_id", "name", "team", "activities", "won", "lost", "win_rate", "deals_busy", "deals_quiet",
              "win_rate_busy", "win_rate_quiet"]].sort_values("activities", ascending=False, ignore_index=True)
    if len(out) < MIN_ACTIVITY_REPS or out["activities"].nunique() < 2:
        return ActivityOutcome(out, median, None, None, rate_busy, rate_quiet, False,
                               f"at least {MIN_ACTIVITY_REPS} reps with closed deals and logged activities")
    corr = float(out["activities"].rank().corr(out["won"].rank()))
    slope = float(np.polyfit(out["activities"].astype(float), out["won"].astype(float), 1)[0]) * 100
    return ActivityOutcome(out, median, corr if np.isfinite(corr) else None, slope, rate_busy, rate_quiet,
                           True, None)


def _ratio(num, den) -> float | None:
    num, den = _num(num), _num(den)
    return num / den if den else None


# ----- ramp of new hires ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ramp:
    """How new hires ramp up: their revenue against established peers', by months since hire.

    ``curve`` columns: months_since_hire (0 = the month of hire), reps (new hires observed that month),
    revenue_mean, revenue_median (monthly revenue credited; months without orders count as 0), target,
    attainment (Σ revenue ÷ Σ target of those reps that month), productivity (the mean over new hires of
    their revenue ÷ the mean revenue of the established reps of their team in the same calendar month, so
    season, growth and territory cancel out; the whole company's established reps when the team has none).
    An established rep was hired more than ``months`` months before the month in question.
    ``benchmark`` is the established reps' mean monthly revenue (for reference); ``months_to_full`` the
    first month since hire whose productivity reaches ``full_share``.
    """

    curve: pd.DataFrame
    new_hires: int
    benchmark: float | None
    months_to_full: int | None
    full_share: float
    enough: bool
    reason: str | None


#: Fewer new hires than this and no ramp curve is drawn.
MIN_NEW_HIRES = 2


def ramp(store: Store, filters: Filters, *, months: int = 12, full_share: float = 0.8) -> Ramp:
    """Ramp of the reps hired while the data runs, over all dates (the window does not apply).

    A new hire is a rep hired on or after the first order in the data, so their whole tenure is observed.
    Region, team and rep filters select the reps; channel and category filters apply to the revenue.
    """
    all_dates = Filters(regions=filters.regions, channels=filters.channels, categories=filters.categories,
                        teams=filters.teams, reps=filters.reps, segmentation=filters.segmentation,
                        segments=filters.segments)
    empty = pd.DataFrame(columns=["months_since_hire", "reps", "revenue_mean", "revenue_median", "target",
                                  "attainment", "productivity"])
    o_all = store.table("orders")
    span = store.execute(o_all.aggregate(lo=o_all.order_date.min(), hi=o_all.order_date.max())).iloc[0]
    if pd.isna(span["lo"]):
        return Ramp(empty, 0, None, None, full_share, False, "orders credited to reps")
    lo, hi = pd.Timestamp(span["lo"]).date(), pd.Timestamp(span["hi"]).date()
    reps = _reps(store, filters).dropna(subset=["hire_date"])
    reps["hire_month"] = [pd.Timestamp(d).date().replace(day=1) for d in reps["hire_date"]]
    o = apply(store, "orders", all_dates)
    o = o.filter(o.rep_id.notnull())
    month = o.order_date.truncate("M").name("month")
    rev = store.execute(o.group_by(["rep_id", month]).aggregate(revenue=o.revenue.sum()))
    rev["month"] = [pd.Timestamp(m).date() for m in rev["month"]]
    tg = targets_by_month(store, all_dates, None, None)
    first_month, last_month = lo.replace(day=1), hi.replace(day=1)
    months_all = pd.date_range(first_month, last_month, freq="MS").date
    grid = reps[["rep_id", "team", "hire_month"]].merge(pd.DataFrame({"month": months_all}), how="cross")
    grid = grid[grid["month"] >= grid["hire_month"]]
    grid["months_since_hire"] = [(m.year - h.year) * 12 + m.month - h.month
                                 for m, h in zip(grid["month"], grid["hire_month"])]
    grid = grid.merge(rev, on=["rep_id", "month"], how="left").merge(tg, on=["rep_id", "month"], how="left")
    grid["revenue"] = grid["revenue"].fillna(0.0)
    new = grid[grid["hire_month"] >= first_month]
    new_hires = int(new["rep_id"].nunique())
    established = grid[grid["months_since_hire"] > months]
    benchmark = float(established["revenue"].mean()) if not established.empty else None
    if new_hires < MIN_NEW_HIRES or established.empty:
        return Ramp(empty, new_hires, benchmark, None, full_share, False,
                    f"at least {MIN_NEW_HIRES} reps hired while the data runs, and established reps")
    peers = established.groupby(["team", "month"], dropna=False)["revenue"].mean().rename("peers").reset_index()
    company = established.groupby("month")["revenue"].mean().rename("company").reset_index()
    new = new[new["months_since_hire"] <= months].merge(peers, on=["team", "month"], how="left") \
        .merge(company, on="month", how="left")
    level = new["peers"].where(new["peers"] > 0, new["company"])
    new["productivity"] = new["revenue"] / level.where(level > 0)
    curve = new.groupby("months_since_hire").agg(
        reps=("rep_id", "nunique"), revenue_mean=("revenue", "mean"), revenue_median=("revenue", "median"),
        revenue_sum=("revenue", "sum"), target=("target", "sum"), productivity=("productivity", "mean"),
    ).reset_index()
    curve["target"] = curve["target"].where(curve["target"] > 0)
    curve["attainment"] = curve["revenue_sum"] / curve["target"]
    full = curve[curve["productivity"] >= full_share]["months_since_hire"]
    curve = curve[["months_since_hire", "reps", "revenue_mean", "revenue_median", "target", "attainment",
                   "productivity"]]
    return Ramp(curve, new_hires, benchmark, int(full.iloc[0]) if len(full) else None, full_share, True, None)


# ----- the report -----------------------------------------------------------------------------------------

def add_report_arguments(parser) -> None:
    parser.add_argument("--pace-period", choices=tuple(_PERIODS), default="month",
                        help="period of the pace-to-target projection (default month)")


def report_json(store: Store, filters: Filters, args=None) -> dict:
    """``python -m salesdash report team``: :func:`summary` as plain JSON (keys ``reps`` and ``teams``)."""
    out = summary(store, filters).to_json()
    p = pace(store, filters, period=getattr(args, "pace_period", "month") if args is not None else "month")
    out["pace"] = p.to_json() if p is not None else None
    return out
