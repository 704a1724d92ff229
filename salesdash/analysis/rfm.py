"""RFM: recency, frequency and monetary scores, named segments and the movement between periods.

Every buying customer of the window gets three scores from 1 to ``n_bins`` (5 by default):

- recency ``R``: days from the last order in the window to the window's end; fewer days, higher score;
- frequency ``F``: distinct orders in the window; more orders, higher score;
- monetary ``M``: net revenue in the window; more revenue, higher score.

Scores come from ``n_bins - 1`` ascending thresholds per dimension, either the data's own quantiles
(``method="quantile"``: the 20/40/60/80 % points for 5 bins, linear interpolation as ``numpy.quantile``) or
fixed values a marketer types in (``method="fixed"``). With thresholds ``t1 <= ... <= t(n-1)``::

    F = 1 + #{ti : orders > ti}          M = 1 + #{ti : revenue > ti}
    R = n_bins - #{ti : recency_days > ti}

so equal values always get equal scores (ties are never split at random), and a value on a threshold
belongs to the lower band. Scores are computed in the engine; only the R x F x M grid (at most 125 cells)
comes back, or the members when they are exported or saved.

The named segments follow the usual R x F map (scores rescaled to 1-5 when ``n_bins`` is 3 or 4)::

    R\\F   1            2            3          4          5
    5     new          potential    potential  champions  champions
    4     new          potential    potential  loyal      loyal
    3     hibernating  hibernating  at_risk    loyal      loyal
    2     hibernating  hibernating  at_risk    at_risk    cant_lose
    1     lost         lost         at_risk    at_risk    cant_lose
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce

import ibis
import numpy as np
import pandas as pd

from salesdash.analysis.segments import as_of_date
from salesdash.filters import Filters, apply
from salesdash.store import Store

__all__ = [
    "SEGMENTS", "SEGMENT_GRID", "NOT_ACTIVE", "METHODS", "MIN_CUSTOMERS", "DEFAULT_FIXED",
    "RfmThresholds", "RfmResult", "segment_for", "rfm_base", "thresholds", "rfm_analysis",
    "rfm_members", "rfm_movement",
]

#: Segment codes, best first (texts: ``segments.rfm.<code>``).
SEGMENTS: tuple[str, ...] = ("champions", "loyal", "potential", "new", "at_risk", "cant_lose", "hibernating",
                             "lost")
#: A customer with no order in a period (movement between periods).
NOT_ACTIVE = "not_active"
METHODS = ("quantile", "fixed")
#: Fewer buying customers than this and RFM bins are not meaningful.
MIN_CUSTOMERS = 10

#: SEGMENT_GRID[r - 1][f - 1] on the 1-5 scale.
SEGMENT_GRID: tuple[tuple[str, ...], ...] = (
    ("lost", "lost", "at_risk", "at_risk", "cant_lose"),                      # R = 1
    ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),        # R = 2
    ("hibernating", "hibernating", "at_risk", "loyal", "loyal"),              # R = 3
    ("new", "potential", "potential", "loyal", "loyal"),                      # R = 4
    ("new", "potential", "potential", "champions", "champions"),              # R = 5
)

#: Fixed thresholds a marketer starts from (days; orders); monetary has no sensible fixed default.
DEFAULT_FIXED = {"recency": (30.0, 90.0, 180.0, 365.0), "frequency": (1.0, 2.0, 4.0, 8.0)}


def _to_five(score: int, n_bins: int) -> int:
    """A score on a 1..n_bins scale placed on the 1..5 scale of the segment map."""
    if n_bins == 5:
        return score
    return int(round(1 + (score - 1) * 4 / (n_bins - 1)))


def segment_for(r_score: int, f_score: int, n_bins: int = 5) -> str:
    """The named segment of an R score and an F score (each 1..n_bins)."""
    return SEGMENT_GRID[_to_five(int(r_score), n_bins) - 1][_to_five(int(f_score), n_bins) - 1]


@dataclass(frozen=True)
class RfmThresholds:
    """The ``n_bins - 1`` ascending thresholds of each dimension, and how they were chosen."""

    method: str
    n_bins: int
    recency: tuple[float, ...]
    frequency: tuple[float, ...]
    monetary: tuple[float, ...]

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"RFM method must be one of {METHODS}, not {self.method!r}")
        if self.n_bins not in (3, 4, 5):
            raise ValueError("RFM needs 3, 4 or 5 bins")
        for name in ("recency", "frequency", "monetary"):
            values = getattr(self, name)
            if len(values) != self.n_bins - 1:
                raise ValueError(f"{name} needs {self.n_bins - 1} thresholds for {self.n_bins} bins, got {len(values)}")
            if any(b < a for a, b in zip(values, values[1:])):
                raise ValueError(f"{name} thresholds must be ascending: {values}")

    def to_json(self) -> dict:
        return {"method": self.method, "n_bins": self.n_bins, "recency": list(self.recency),
                "frequency": list(self.frequency), "monetary": list(self.monetary)}


def rfm_base(store: Store, filters: Filters, as_of: dt.date) -> ibis.Table:
    """Per customer of the window: customer_id, recency_days (to `as_of`), orders, revenue (an ibis expression)."""
    o = apply(store, "orders", filters)
    g = o.group_by("customer_id").aggregate(last_order=o.order_date.max(), orders=o.order_id.nunique(),
                                            revenue=o.revenue.sum())
    return g.select("customer_id",
                    recency_days=ibis.date(as_of.isoformat()).delta(g.last_order, unit="day").cast("float64"),
                    orders=g.orders.cast("int64"), revenue=g.revenue.cast("float64"))


def _quantiles(n_bins: int) -> list[float]:
    return [i / n_bins for i in range(1, n_bins)]


def thresholds(store: Store, filters: Filters, *, n_bins: int = 5) -> RfmThresholds | None:
    """Quantile thresholds of the window's customers (None when the window has no buying customer)."""
    as_of = as_of_date(store, filters)
    if as_of is None:
        return None
    b = rfm_base(store, filters, as_of)
    qs = _quantiles(n_bins)
    row = store.execute(b.aggregate(
        n=b.count(), r=b.recency_days.quantile(qs), f=b.orders.cast("float64").quantile(qs),
        m=b.revenue.quantile(qs),
    )).iloc[0]
    if not row["n"]:
        return None
    return RfmThresholds("quantile", n_bins, *(tuple(float(v) for v in row[c]) for c in ("r", "f", "m")))


def _count_above(value: ibis.Value, cuts: tuple[float, ...]) -> ibis.Value:
    return reduce(lambda a, b: a + b, [(value > float(c)).cast("int64") for c in cuts], ibis.literal(0))


def _scored(base: ibis.Table, th: RfmThresholds) -> ibis.Table:
    return base.mutate(
        r_score=(th.n_bins - _count_above(base.recency_days, th.recency)).cast("int64"),
        f_score=(1 + _count_above(base.orders, th.frequency)).cast("int64"),
        m_score=(1 + _count_above(base.revenue, th.monetary)).cast("int64"),
    )


@dataclass(frozen=True)
class RfmResult:
    """RFM of a window.

    ``enough`` is False (and the frames empty) when the window holds fewer than :data:`MIN_CUSTOMERS`
    buying customers; ``reason`` then says what is needed.

    cells : one row per (r_score, f_score, m_score) holding customers: customers, revenue, recency_days (mean),
        orders (sum), segment.
    grid : one row per (r_score, f_score): customers, revenue, segment (the R x F grid).
    segments : one row per named segment in :data:`SEGMENTS` order: segment, customers, revenue,
        customer_share, revenue_share, recency_days (mean), orders_per_customer, revenue_per_customer.
    """

    enough: bool
    reason: str | None
    as_of: dt.date | None
    customers: int
    thresholds: RfmThresholds | None
    cells: pd.DataFrame = field(repr=False)
    grid: pd.DataFrame = field(repr=False)
    segments: pd.DataFrame = field(repr=False)

    def to_json(self) -> dict:
        segs = [] if not self.enough else [
            {"segment": r.segment, "customers": int(r.customers), "revenue": float(r.revenue),
             "customer_share": float(r.customer_share), "revenue_share": _f(r.revenue_share),
             "recency_days": _f(r.recency_days), "orders_per_customer": _f(r.orders_per_customer),
             "revenue_per_customer": _f(r.revenue_per_customer)}
            for r in self.segments.itertuples()
        ]
        return {"enough": self.enough, "reason": self.reason,
                "as_of": self.as_of.isoformat() if self.as_of else None, "customers": self.customers,
                "thresholds": self.thresholds.to_json() if self.thresholds else None, "segments": segs}


def _f(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _resolve(store: Store, filters: Filters, *, n_bins: int, method: str, recency, frequency,
             monetary) -> RfmThresholds | None:
    """The thresholds to use: quantiles of the window, with any fixed dimension given overriding them."""
    if method not in METHODS:
        raise ValueError(f"RFM method must be one of {METHODS}, not {method!r}")
    q = thresholds(store, filters, n_bins=n_bins)
    if q is None:
        return None
    if method == "quantile":
        return q
    return RfmThresholds(
        "fixed", n_bins,
        tuple(float(x) for x in recency) if recency is not None else q.recency,
        tuple(float(x) for x in frequency) if frequency is not None else q.frequency,
        tuple(float(x) for x in monetary) if monetary is not None else q.monetary,
    )


def _with_segments(df: pd.DataFrame, n_bins: int) -> pd.DataFrame:
    """Add the named segment of every row's (r_score, f_score), vectorised (a million rows at once)."""
    five = np.array([_to_five(s, n_bins) for s in range(1, n_bins + 1)]) - 1
    grid = np.array(SEGMENT_GRID, dtype=object)
    r = df["r_score"].to_numpy(dtype="int64") - 1
    f = df["f_score"].to_numpy(dtype="int64") - 1
    df["segment"] = grid[five[r], five[f]] if len(df) else pd.Series(dtype=object)
    return df


def rfm_analysis(store: Store, filters: Filters, *, n_bins: int = 5, method: str = "quantile",
                 recency: tuple[float, ...] | None = None, frequency: tuple[float, ...] | None = None,
                 monetary: tuple[float, ...] | None = None) -> RfmResult:
    """RFM scores of the window's buying customers, aggregated to the R x F x M grid in the engine.

    Parameters
    ----------
    n_bins : scores per dimension, 3, 4 or 5.
    method : "quantile" (the window's own quantiles) or "fixed" (the thresholds given; a dimension left None
        falls back to its quantiles).
    recency, frequency, monetary : ``n_bins - 1`` ascending thresholds (days, orders, currency) for "fixed".
    """
    as_of = as_of_date(store, filters)
    empty_cells = pd.DataFrame(columns=["r_score", "f_score", "m_score", "customers", "revenue", "recency_days",
                                        "orders", "segment"])
    th = _resolve(store, filters, n_bins=n_bins, method=method, recency=recency, frequency=frequency,
                  monetary=monetary) if as_of else None
    if th is None:
        return RfmResult(False, f"at least {MIN_CUSTOMERS} buying customers in the window (there are none)",
                         as_of, 0, None, empty_cells, empty_cells, _segment_table(empty_cells))
    s = _scored(rfm_base(store, filters, as_of), th)
    cells = store.execute(
        s.group_by("r_score", "f_score", "m_score").aggregate(
            customers=s.count(), revenue=s.revenue.sum(), recency_days=s.recency_days.mean(),
            orders=s.orders.sum())
        .order_by(["r_score", "f_score", "m_score"])
    )
    cells = _with_segments(cells.astype({"revenue": "float64", "recency_days": "float64"}), n_bins)
    n = int(cells["customers"].sum())
    if n < MIN_CUSTOMERS:
        return RfmResult(False, f"at least {MIN_CUSTOMERS} buying customers in the window (there are {n})",
                         as_of, n, th, empty_cells, empty_cells, _segment_table(empty_cells))
    grid = (cells.groupby(["r_score", "f_score"], as_index=False)
            .agg(customers=("customers", "sum"), revenue=("revenue", "sum")))
    grid = _with_segments(grid, n_bins)
    return RfmResult(True, None, as_of, n, th, cells, grid, _segment_table(cells))


def _segment_table(cells: pd.DataFrame) -> pd.DataFrame:
    c = cells.assign(recency_sum=cells["recency_days"].astype("float64") * cells["customers"].astype("float64"))
    g = c.groupby("segment").agg(customers=("customers", "sum"), revenue=("revenue", "sum"),
                                 recency_sum=("recency_sum", "sum"), orders=("orders", "sum"))
    g = g.reindex(list(SEGMENTS)).fillna(0).reset_index().rename(columns={"index": "segment"})
    g["customers"] = g["customers"].astype("int64")
    n, total = g["customers"].sum(), g["revenue"].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        per = g["customers"].where(g["customers"] > 0)
        g["customer_share"] = g["customers"] / n if n else 0.0
        g["revenue_share"] = g["revenue"] / total if total else np.nan
        g["recency_days"] = g["recency_sum"] / per
        g["orders_per_customer"] = g["orders"] / per
        g["revenue_per_customer"] = g["revenue"] / per
    return g[["segment", "customers", "revenue", "customer_share", "revenue_share", "recency_days",
              "orders_per_customer", "revenue_per_customer"]]


def rfm_members(store: Store, filters: Filters, *, n_bins: int = 5, method: str = "quantile",
                recency: tuple[float, ...] | None = None, frequency: tuple[float, ...] | None = None,
                monetary: tuple[float, ...] | None = None) -> pd.DataFrame:
    """Every buying customer of the window with its scores and segment (for saving and campaign exports).

    Returns columns: customer_id, name, recency_days, orders, revenue, r_score, f_score, m_score,
    rfm (the three scores as text, "545"), segment; sorted by customer_id. Empty when there are no buyers.
    """
    as_of = as_of_date(store, filters)
    cols = ["customer_id", "name", "recency_days", "orders", "revenue", "r_score", "f_score", "m_score", "rfm",
            "segment"]
    th = _resolve(store, filters, n_bins=n_bins, method=method, recency=recency, frequency=frequency,
                  monetary=monetary) if as_of else None
    if th is None:
        return pd.DataFrame(columns=cols)
    s = _scored(rfm_base(store, filters, as_of), th)
    c = store.table("customers").select(c_id="customer_id", name="name")
    j = s.left_join(c, s.customer_id == c.c_id).drop("c_id")
    df = store.execute(j.order_by("customer_id"))
    df = _with_segments(df, n_bins)
    df["rfm"] = df["r_score"].astype(str) + df["f_score"].astype(str) + df["m_score"].astype(str)
    return df[cols]


def rfm_movement(store: Store, filters: Filters, *, n_bins: int = 5, method: str = "quantile",
                 recency: tuple[float, ...] | None = None, frequency: tuple[float, ...] | None = None,
                 monetary: tuple[float, ...] | None = None) -> pd.DataFrame:
    """How customers moved between segments from the previous window (of equal length) to this one.

    Both windows are scored with THIS window's thresholds, so a move reflects a change of behaviour, not a
    change of the bins. A customer who bought in only one of the two windows comes from or goes to
    :data:`NOT_ACTIVE`.

    Returns columns: from_segment, to_segment, customers (only pairs with customers; empty when the window is
    open-ended or has no buyers).
    """
    cols = ["from_segment", "to_segment", "customers"]
    prev = filters.previous()
    as_of = as_of_date(store, filters)
    if prev is None or as_of is None:
        return pd.DataFrame(columns=cols)
    th = _resolve(store, filters, n_bins=n_bins, method=method, recency=recency, frequency=frequency,
                  monetary=monetary)
    if th is None:
        return pd.DataFrame(columns=cols)
    now = _scored(rfm_base(store, filters, as_of), th).select("customer_id", "r_score", "f_score")
    before = _scored(rfm_base(store, prev, prev.end), th).select(
        b_id="customer_id", b_r="r_score", b_f="f_score")
    j = now.outer_join(before, now.customer_id == before.b_id)
    df = store.execute(j.group_by("b_r", "b_f", "r_score", "f_score").aggregate(customers=j.count()))

    def name(r, f) -> str:
        return NOT_ACTIVE if r is None or pd.isna(r) else segment_for(int(r), int(f), n_bins)

    df["from_segment"] = [name(r, f) for r, f in zip(df["b_r"], df["b_f"])]
    df["to_segment"] = [name(r, f) for r, f in zip(df["r_score"], df["f_score"])]
    out = df.groupby(["from_segment", "to_segment"], as_index=False)["customers"].sum()
    order = {s: i for i, s in enumerate((*SEGMENTS, NOT_ACTIVE))}
    out = out.sort_values(["from_segment", "to_segment"], key=lambda s: s.map(order), ignore_index=True)
    out["customers"] = out["customers"].astype("int64")
    return out[cols]
