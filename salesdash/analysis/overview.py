"""The executive overview: revenue, profit, growth, share, win rate, pipeline, quota and NPS.

Every figure is aggregated in the engine; what comes back is one row per query (or one row per month,
region or channel for the charts). :func:`summary` is the single source of the page's KPI row and of
``python -m salesdash report overview``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, fields

import ibis
import pandas as pd

from salesdash.filters import Filters, apply
from salesdash.store import Store

__all__ = ["Kpis", "OverviewSummary", "kpis", "summary", "revenue_trend", "revenue_by", "MIN_NPS_RESPONSES"]

#: Fewer feedback responses than this and NPS is not shown (a score from a handful is noise).
MIN_NPS_RESPONSES = 10


@dataclass(frozen=True)
class Kpis:
    """The headline figures of one window. ``None`` means "cannot be computed from this window"."""

    revenue: float
    gross_profit: float
    gross_margin: float | None
    orders: int
    customers: int
    win_rate: float | None
    won: int
    lost: int
    pipeline_value: float
    quota_attainment: float | None
    revenue_target: float | None
    nps: float | None
    nps_responses: int
    market_share: float | None
    pipeline_coverage: float | None


@dataclass(frozen=True)
class OverviewSummary:
    """The Overview's figures for a window, the equal window before it and the same window a year earlier."""

    start: dt.date | None
    end: dt.date | None
    current: Kpis
    previous: Kpis | None
    year_before: Kpis | None

    @property
    def revenue_growth(self) -> float | None:
        return _growth(self.current.revenue, self.previous.revenue if self.previous else None)

    @property
    def revenue_yoy(self) -> float | None:
        return _growth(self.current.revenue, self.year_before.revenue if self.year_before else None)

    def to_json(self) -> dict:
        """Plain JSON: the report's contract (numbers, rates as 0-1 fractions, ISO dates)."""
        keys = ("revenue", "gross_profit", "gross_margin", "orders", "customers", "win_rate",
                "pipeline_value", "quota_attainment", "nps", "market_share", "pipeline_coverage",
                "revenue_target")
        out: dict = {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }
        out.update({k: getattr(self.current, k) for k in keys})
        out["revenue_growth"] = self.revenue_growth
        out["revenue_yoy"] = self.revenue_yoy
        out["previous"] = {k: getattr(self.previous, k) for k in keys} if self.previous else None
        out["year_before"] = {k: getattr(self.year_before, k) for k in keys} if self.year_before else None
        return out


def _growth(now: float, before: float | None) -> float | None:
    if before is None or before == 0:
        return None
    return (now - before) / before


def _num(v) -> float:
    return 0.0 if v is None or pd.isna(v) else float(v)


def _day_after(d: dt.date) -> str:
    return (d + dt.timedelta(days=1)).isoformat()


def kpis(store: Store, filters: Filters) -> Kpis:
    """The headline figures for one window (see the metric definitions in ``metrics/overview.py``)."""
    o = apply(store, "orders", filters)
    row = store.execute(
        o.aggregate(
            revenue=o.revenue.sum(),
            cost=o.cost.sum(),
            orders=o.order_id.nunique(),
            customers=o.customer_id.nunique(),
            rep_revenue=o.revenue.sum(where=o.rep_id.notnull()),
        )
    ).iloc[0]
    revenue, cost = _num(row["revenue"]), _num(row["cost"])
    gross_profit = revenue - cost

    closed = apply(store, "opportunities", filters, date_column="closed_at")
    wl = store.execute(
        closed.aggregate(won=(closed.status == "won").sum(), lost=(closed.status == "lost").sum())
    ).iloc[0]
    won, lost = int(_num(wl["won"])), int(_num(wl["lost"]))

    pipeline = _pipeline_value(store, filters)
    target = _target(store, filters, filters.start, filters.end)
    nps, n_nps = _nps(store, filters)
    next_target, share = None, None
    if filters.end is not None:
        share = deal_share(store, filters, filters.end)
        nxt_start = filters.end + dt.timedelta(days=1)
        next_target = _target(store, filters, nxt_start, _add_months(nxt_start, 3) - dt.timedelta(days=1))
    return Kpis(
        revenue=revenue,
        gross_profit=gross_profit,
        gross_margin=gross_profit / revenue if revenue else None,
        orders=int(_num(row["orders"])),
        customers=int(_num(row["customers"])),
        win_rate=won / (won + lost) if won + lost else None,
        won=won,
        lost=lost,
        pipeline_value=pipeline,
        quota_attainment=_num(row["rep_revenue"]) / target if target else None,
        revenue_target=target,
        nps=nps,
        nps_responses=n_nps,
        market_share=_market_share(store, filters),
        pipeline_coverage=pipeline / (next_target * share) if next_target and share else None,
    )


def deal_share(store: Store, filters: Filters, as_of: dt.date, *, days: int = 365) -> float | None:
    """Share of the order revenue of the `days` up to `as_of` that came through won deals: the amount of
    deals won in those days ÷ the order revenue of those days, at most 1 (None without revenue)."""
    lo, hi = ibis.date((as_of - dt.timedelta(days=days - 1)).isoformat()), ibis.date(as_of.isoformat())
    o = apply(store, "orders", filters, date_column=None)
    revenue = _num(store.execute(o.filter(o.order_date >= lo, o.order_date <= hi).revenue.sum()))
    if revenue <= 0:
        return None
    d = apply(store, "opportunities", filters, date_column=None)
    closed = d.closed_at.date()
    won = _num(store.execute(d.filter(d.status == "won", closed >= lo, closed <= hi).amount.sum()))
    return min(won / revenue, 1.0)


def _pipeline_value(store: Store, f: Filters) -> float:
    """Amount of opportunities open at the end of the window (all open deals when the window is open-ended)."""
    t = apply(store, "opportunities", f, date_column=None)
    if f.end is None:
        t = t.filter(t.status == "open")
    else:
        cut = ibis.timestamp(_day_after(f.end))
        t = t.filter(t.created_at < cut, t.closed_at.isnull() | (t.closed_at >= cut))
    return _num(store.execute(t.amount.sum()))


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _target(store: Store, f: Filters, start: dt.date | None, end: dt.date | None) -> float | None:
    """Targets of the filtered reps over [start, end], months cut by the window counted pro rata by days."""
    t = apply(store, "targets", f, date_column=None)
    if start is not None:
        t = t.filter(t.month >= ibis.date(start.replace(day=1).isoformat()))
    if end is not None:
        t = t.filter(t.month <= ibis.date(end.isoformat()))
    monthly = store.execute(t.group_by("month").aggregate(target=t.target_amount.sum()))
    if monthly.empty:
        return None
    total = 0.0
    for month, target in zip(monthly["month"], monthly["target"]):
        m = pd.Timestamp(month).date()
        days = calendar.monthrange(m.year, m.month)[1]
        first = max(m, start) if start else m
        last = min(m.replace(day=days), end) if end else m.replace(day=days)
        total += float(target) * max((last - first).days + 1, 0) / days
    return total or None


def _nps(store: Store, f: Filters) -> tuple[float | None, int]:
    t = apply(store, "feedback", f).filter(lambda t: t.nps.notnull())
    r = store.execute(
        t.aggregate(n=t.count(), promoters=(t.nps >= 9).sum(), detractors=(t.nps <= 6).sum())
    ).iloc[0]
    n = int(_num(r["n"]))
    if n < MIN_NPS_RESPONSES:
        return None, n
    return 100.0 * (_num(r["promoters"]) - _num(r["detractors"])) / n, n


def _whole_months(f: Filters) -> tuple[dt.date, dt.date] | None:
    """The first and last whole months inside the window (None when it holds no whole month)."""
    if f.start is None or f.end is None:
        return None
    first = f.start if f.start.day == 1 else _add_months(f.start, 1)
    after_end = f.end + dt.timedelta(days=1)
    last_excl = after_end if after_end.day == 1 else after_end.replace(day=1)
    if last_excl <= first:
        return None
    return first, last_excl


def _market_share(store: Store, f: Filters) -> float | None:
    m = apply(store, "market", f, date_column=None)
    o = apply(store, "orders", f, date_column=None)
    months = _whole_months(f)
    if months is not None:
        lo, hi = ibis.date(months[0].isoformat()), ibis.date(months[1].isoformat())
        m = m.filter(m.month >= lo, m.month < hi)
        o = o.filter(o.order_date >= lo, o.order_date < hi)
    elif f.start is not None or f.end is not None:
        return None
    else:  # all data: only the months the market table covers
        span = m.aggregate(lo=m.month.min(), hi=m.month.max())
        o = o.filter(o.order_date >= span.lo.as_scalar(),
                     o.order_date < span.hi.as_scalar() + ibis.interval(months=1))
    # market_size repeats on every competitor row of a (month, region, category): take it once.
    size = m.group_by("month", "region", "category").aggregate(size=m.market_size.max()).size.sum()
    market = _num(store.execute(size))
    if not market:
        return None
    return _num(store.execute(o.revenue.sum())) / market


def summary(store: Store, filters: Filters) -> OverviewSummary:
    """The Overview's headline figures: this window, the one before it and the same window a year earlier."""
    prev, yb = filters.previous(), filters.year_before()
    return OverviewSummary(
        start=filters.start,
        end=filters.end,
        current=kpis(store, filters),
        previous=kpis(store, prev) if prev else None,
        year_before=kpis(store, yb) if yb else None,
    )


def revenue_trend(store: Store, filters: Filters) -> pd.DataFrame:
    """Monthly revenue, gross profit and target in the window.

    Returns columns: month (Timestamp, first day), revenue, gross_profit, target (NaN where none).
    """
    o = apply(store, "orders", filters)
    month = o.order_date.truncate("M").name("month")
    df = store.execute(
        o.group_by(month).aggregate(revenue=o.revenue.sum(), gross_profit=(o.revenue - o.cost).sum())
        .order_by("month")
    )
    t = apply(store, "targets", filters)
    tg = store.execute(t.group_by("month").aggregate(target=t.target_amount.sum()))
    df["month"] = pd.to_datetime(df["month"])
    tg["month"] = pd.to_datetime(tg["month"])
    return df.merge(tg, on="month", how="left")


def revenue_by(store: Store, filters: Filters, *, by: str) -> pd.DataFrame:
    """Revenue and gross margin by region or channel.

    Parameters
    ----------
    by : "region" (the customer's region) or "channel".

    Returns columns: key (region code or channel_id), name (channel name; the region code for regions),
    kind (channel kind; None for regions), revenue, gross_profit, gross_margin, orders; largest first.
    """
    o = apply(store, "orders", filters)
    if by == "region":
        c = store.table("customers")
        j = o.join(c, o.customer_id == c.customer_id)
        g = j.group_by(key=j.region).aggregate(
            revenue=j.revenue.sum(), gross_profit=(j.revenue - j.cost).sum(), orders=j.order_id.nunique()
        )
        df = store.execute(g)
        df["name"] = df["key"]
        df["kind"] = None
    elif by == "channel":
        ch = store.table("channels")
        g = o.group_by(key=o.channel_id).aggregate(
            revenue=o.revenue.sum(), gross_profit=(o.revenue - o.cost).sum(), orders=o.order_id.nunique()
        )
        g = g.left_join(ch, g.key == ch.channel_id).select("key", "revenue", "gross_profit", "orders",
                                                          name=ch.name, kind=ch.kind)
        df = store.execute(g)
    else:
        raise ValueError(f"by must be 'region' or 'channel', not {by!r}")
    df["gross_margin"] = df["gross_profit"] / df["revenue"].where(df["revenue"] != 0)
    cols = ["key", "name", "kind", "revenue", "gross_profit", "gross_margin", "orders"]
    return df[cols].sort_values("revenue", ascending=False, ignore_index=True)


KPI_FIELDS = tuple(f.name for f in fields(Kpis))


def report_json(store: Store, filters: Filters, args=None) -> dict:
    """``python -m salesdash report overview``: :func:`summary` as plain JSON."""
    return summary(store, filters).to_json()
