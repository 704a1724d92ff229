"""Customer segmentation: the per-customer feature table, criteria segments, saving and the report.

The Segments page (客户细分) is a lab for marketers. This module holds what the three approaches share:

- :func:`customer_features`: one row per buying customer, aggregated in the engine from the filtered orders
  (recency at the window end, orders, revenue, average order value, discount share, channel and category
  preference shares, tenure) joined to the customer's demographic and geographic attributes.
- :func:`criteria_segments`: segments made of criteria a marketer picks (age band x region, recency band x
  channel preference...), each with its size, value and growth against the previous period.
- :func:`save_segmentation` / :func:`saved_members`: a segmentation's members in ``segment_members``, which
  the global sidebar offers as a filter on every page.
- :func:`summary` and :func:`report_json`: the page's headline figures and ``python -m salesdash report
  segments``.

RFM scoring is in :mod:`salesdash.analysis.rfm`, clustering and its stability in
:mod:`salesdash.analysis.clustering`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import reduce
from threading import Lock

import ibis
import numpy as np
import pandas as pd

from salesdash.filters import Filters, apply, data_window
from salesdash.store import Store

__all__ = [
    "BASE_FEATURES", "CRITERIA", "CRITERIA_GROUPS", "FeatureSpec", "SegmentsSummary",
    "as_of_date", "feature_spec", "features_expr", "customer_features", "criteria_segments",
    "criteria_members", "save_segmentation", "saved_members", "saved_segmentations", "segmentation_ids", "summary",
    "report_json", "add_report_arguments", "MAX_CATEGORY_FEATURES",
]

#: The behavioural features every customer has (share columns are added per channel type and category).
BASE_FEATURES: tuple[str, ...] = (
    "recency_days", "orders", "revenue", "avg_order_value", "discount_share", "tenure_days",
)

#: Categories beyond this many (by revenue in the window) get no share column of their own.
MAX_CATEGORY_FEATURES = 10

#: The criteria a marketer can combine, by the method's four groups.
CRITERIA_GROUPS: dict[str, tuple[str, ...]] = {
    "demographic": ("age_band", "gender", "income_band", "kind"),
    "geographic": ("region", "city_tier"),
    "behavioural": ("recency_band", "frequency_band", "monetary_band", "channel_preference",
                    "category_preference", "discount_sensitivity", "membership"),
    "psychographic": (),
}
CRITERIA: tuple[str, ...] = tuple(c for group in CRITERIA_GROUPS.values() for c in group)

#: Band edges (inclusive upper bounds) and their codes; the last band is open-ended.
AGE_BANDS = ((24, "under_25"), (34, "25_34"), (44, "35_44"), (54, "45_54"), (64, "55_64"))
AGE_LAST = "65_plus"
RECENCY_BANDS = ((30, "0_30"), (90, "31_90"), (180, "91_180"), (365, "181_365"))
RECENCY_LAST = "over_365"
FREQUENCY_BANDS = ((1, "1"), (3, "2_3"), (9, "4_9"))
FREQUENCY_LAST = "10_plus"
#: Discount sensitivity from the share of revenue bought at a discount.
DISCOUNT_BANDS = ((0.0, "none"), (0.25, "low"), (0.6, "medium"))
DISCOUNT_LAST = "high"


@dataclass(frozen=True)
class FeatureSpec:
    """What the feature table of a window holds.

    ``channel_types`` and ``categories`` are the codes behind the ``channel:<type>`` and
    ``category:<name>`` share columns, in that order. ``as_of`` is the day recency and tenure are counted to.
    """

    as_of: dt.date
    channel_types: tuple[str, ...]
    categories: tuple[str, ...]

    @property
    def share_features(self) -> tuple[str, ...]:
        return tuple(f"channel:{c}" for c in self.channel_types) + tuple(f"category:{c}" for c in self.categories)

    @property
    def features(self) -> tuple[str, ...]:
        """Every numeric feature a clustering may use."""
        return BASE_FEATURES + self.share_features


def _as_date(v) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return pd.Timestamp(v).date()


def as_of_date(store: Store, filters: Filters) -> dt.date | None:
    """The day recency is counted to: the window's end, or the last order date when the window is open.

    None when the store holds no orders.
    """
    if filters.end is not None:
        return filters.end
    window = data_window(store)
    return window[1] if window else None


def _orders_enriched(store: Store, filters: Filters) -> ibis.Table:
    """Filtered order lines with the channel type and product category of each line."""
    o = apply(store, "orders", filters)
    ch = store.table("channels").select(ch_id="channel_id", channel_type="type")
    p = store.table("products").select(p_id="product_id", category="category")
    j = o.left_join(ch, o.channel_id == ch.ch_id).left_join(p, o.product_id == p.p_id)
    return j.select("customer_id", "order_id", "order_date", "revenue", "discount", "channel_type", "category")


def feature_spec(store: Store, filters: Filters) -> FeatureSpec | None:
    """The channel types and categories of the window's orders (None when the window has no orders)."""
    as_of = as_of_date(store, filters)
    if as_of is None:
        return None
    j = _orders_enriched(store, filters)
    types = store.execute(j.filter(j.channel_type.notnull()).select("channel_type").distinct()
                          .order_by("channel_type"))
    cats = store.execute(
        j.filter(j.category.notnull()).group_by("category").aggregate(rev=j.revenue.sum())
        .order_by([ibis.desc("rev"), "category"]).limit(MAX_CATEGORY_FEATURES)
    )
    return FeatureSpec(as_of=as_of, channel_types=tuple(str(v) for v in types["channel_type"]),
                       categories=tuple(sorted(str(v) for v in cats["category"])))


def _share(part: ibis.Value, whole: ibis.Value) -> ibis.Value:
    return ibis.cases((whole > 0, part / whole), else_=ibis.literal(0.0)).cast("float64")


def features_expr(store: Store, filters: Filters, spec: FeatureSpec) -> ibis.Table:
    """The per-customer feature table as an ibis expression (nothing is read yet).

    See :func:`customer_features` for the columns.
    """
    j = _orders_enriched(store, filters)
    as_of = ibis.date(spec.as_of.isoformat())
    aggs = dict(
        last_order=j.order_date.max(),
        first_order=j.order_date.min(),
        orders=j.order_id.nunique(),
        revenue=j.revenue.sum(),
        discounted_revenue=j.revenue.sum(where=j.discount > 0),
    )
    for c in spec.channel_types:
        aggs[f"_ch:{c}"] = j.revenue.sum(where=j.channel_type == c)
    for c in spec.categories:
        aggs[f"_cat:{c}"] = j.revenue.sum(where=j.category == c)
    g = j.group_by("customer_id").aggregate(**aggs)
    positive = ibis.greatest(g.revenue, 0)
    mutations = dict(
        recency_days=as_of.delta(g.last_order, unit="day").cast("float64"),
        avg_order_value=(g.revenue / g.orders).cast("float64"),
        discount_share=_share(g.discounted_revenue.fill_null(0), positive),
    )
    for c in spec.channel_types:
        mutations[f"channel:{c}"] = _share(g[f"_ch:{c}"].fill_null(0), positive)
    for c in spec.categories:
        mutations[f"category:{c}"] = _share(g[f"_cat:{c}"].fill_null(0), positive)
    g = g.mutate(**mutations)
    cust = store.table("customers").select(
        c_id="customer_id", name="name", kind="kind", gender="gender", birth_year="birth_year",
        income_band="income_band", region="region", city_tier="city_tier", signup_date="signup_date",
        is_member="is_member",
    )
    f = g.left_join(cust, g.customer_id == cust.c_id)
    start = ibis.least(f.signup_date.fill_null(f.first_order), f.first_order)
    age = ibis.literal(spec.as_of.year) - f.birth_year
    return f.select(
        "customer_id", "name",
        recency_days=f.recency_days,
        orders=f.orders.cast("int64"),
        revenue=f.revenue.cast("float64"),
        avg_order_value=f.avg_order_value,
        discount_share=f.discount_share,
        tenure_days=as_of.delta(start, unit="day").cast("float64"),
        **{k: f[k] for k in spec.share_features},
        last_order=f.last_order,
        first_order=f.first_order,
        kind=f.kind, gender=f.gender, age=age.cast("int64"), income_band=f.income_band,
        region=f.region, city_tier=f.city_tier, is_member=f.is_member,
    )


# A small in-process cache of pulled feature tables: moving a slider on the page re-fits a model, it should
# not re-read a million customers. Keyed on the store, its data version and the filters.
_FEATURE_CACHE: OrderedDict = OrderedDict()
_FEATURE_CACHE_SIZE = 3
_FEATURE_LOCK = Lock()


def customer_features(store: Store, filters: Filters) -> tuple[pd.DataFrame, FeatureSpec | None]:
    """One row per customer who bought in the window, aggregated in the engine.

    Returns
    -------
    (frame, spec). `spec` is None and the frame empty when the window holds no orders. Columns:

    - customer_id, name
    - recency_days : days from the customer's last order in the window to the window's end (``spec.as_of``)
    - orders : distinct orders in the window
    - revenue : net revenue in the window
    - avg_order_value : revenue / orders
    - discount_share : share of the customer's revenue bought with a discount (0-1)
    - tenure_days : days from signup (or the first order, when earlier or no signup date) to the window's end
    - ``channel:<type>`` : share of revenue through each channel type (0-1), one column per type
    - ``category:<name>`` : share of revenue in each of the window's top categories (0-1)
    - last_order, first_order : dates, in the window
    - kind, gender, age (years at the window's end), income_band, region, city_tier, is_member: from customers
    """
    key = (store.url, store.data_version, filters)
    with _FEATURE_LOCK:
        if key in _FEATURE_CACHE:
            _FEATURE_CACHE.move_to_end(key)
            return _FEATURE_CACHE[key]
    spec = feature_spec(store, filters)
    if spec is None:
        df = pd.DataFrame(columns=["customer_id", *BASE_FEATURES])
    else:
        df = store.execute(features_expr(store, filters, spec).order_by("customer_id"))
        for c in spec.features:
            df[c] = df[c].astype("float64")
    result = (df, spec)
    with _FEATURE_LOCK:
        _FEATURE_CACHE[key] = result
        while len(_FEATURE_CACHE) > _FEATURE_CACHE_SIZE:
            _FEATURE_CACHE.popitem(last=False)
    return result


# ----- criteria segments ---------------------------------------------------------------------------------

def _banded(value: ibis.Value, bands, last: str) -> ibis.Value:
    return ibis.cases(*[(value <= edge, code) for edge, code in bands], else_=last)


def _argmax_code(f: ibis.Table, columns: dict[str, str]) -> ibis.Value:
    """The code whose share column is largest (the first on ties); None when every share is 0."""
    if not columns:
        return ibis.null().cast("string")
    cols = [f[c] for c in columns]
    top = reduce(ibis.greatest, cols) if len(cols) > 1 else cols[0]
    return ibis.cases((top <= 0, ibis.null().cast("string")),
                      *[(f[c] == top, code) for c, code in columns.items()],
                      else_=ibis.null().cast("string"))


def _criteria_columns(f: ibis.Table, spec: FeatureSpec) -> dict[str, ibis.Value]:
    """Each criterion as a string expression over the feature table (one code per customer)."""
    return {
        "age_band": ibis.cases((f.age.isnull(), ibis.null().cast("string")),
                               *[(f.age <= e, c) for e, c in AGE_BANDS], else_=AGE_LAST),
        "gender": f.gender,
        "income_band": f.income_band,
        "kind": f.kind,
        "region": f.region,
        "city_tier": f.city_tier.cast("string"),
        "recency_band": _banded(f.recency_days, RECENCY_BANDS, RECENCY_LAST),
        "frequency_band": _banded(f.orders, FREQUENCY_BANDS, FREQUENCY_LAST),
        # quintiles of revenue: 5 = the top fifth of buying customers
        "monetary_band": (ibis.ntile(5).over(order_by=[f.revenue, f.customer_id]) + 1).cast("string"),
        "channel_preference": _argmax_code(f, {f"channel:{c}": c for c in spec.channel_types}),
        "category_preference": _argmax_code(f, {f"category:{c}": c for c in spec.categories}),
        "discount_sensitivity": _banded(f.discount_share, DISCOUNT_BANDS, DISCOUNT_LAST),
        "membership": ibis.cases((f.is_member.isnull(), ibis.null().cast("string")),
                                 (f.is_member, "member"), else_="non_member"),
    }


def _check_criteria(criteria) -> tuple[str, ...]:
    criteria = tuple(criteria)
    bad = [c for c in criteria if c not in CRITERIA]
    if bad:
        raise ValueError(f"unknown criteria {bad}; known: {', '.join(CRITERIA)}")
    if not criteria:
        raise ValueError("pick at least one criterion")
    return criteria


def _previous_revenue(store: Store, filters: Filters) -> ibis.Table | None:
    prev = filters.previous()
    if prev is None:
        return None
    o = apply(store, "orders", prev)
    return o.group_by(p_id=o.customer_id).aggregate(previous_revenue=o.revenue.sum())


def criteria_segments(store: Store, filters: Filters, *, criteria: tuple[str, ...]) -> pd.DataFrame:
    """Segments made of the chosen criteria, each with its size, value and growth (aggregated in the engine).

    A customer belongs to the segment of its codes on every criterion (demographic and geographic codes from
    the customer record, behavioural codes from its orders in the window). Growth compares the revenue of the
    segment's members in the window with their revenue in the previous window of equal length.

    Parameters
    ----------
    criteria : names from :data:`CRITERIA`, e.g. ``("region", "recency_band")``.

    Returns
    -------
    One row per segment, largest revenue first. Columns: one per criterion (the code; None when unknown),
    segment (the codes joined by " · "), customers, revenue, revenue_per_customer, orders_per_customer,
    recency_days (mean), customer_share, revenue_share, previous_revenue (NaN when the window is open-ended),
    growth (NaN when there is no previous revenue).
    """
    criteria = _check_criteria(criteria)
    spec = feature_spec(store, filters)
    cols = list(criteria) + ["segment", "customers", "revenue", "revenue_per_customer", "orders_per_customer",
                             "recency_days", "customer_share", "revenue_share", "previous_revenue", "growth"]
    if spec is None:
        return pd.DataFrame(columns=cols)
    f = features_expr(store, filters, spec)
    codes = _criteria_columns(f, spec)
    f = f.mutate(**{c: codes[c] for c in criteria})
    prev = _previous_revenue(store, filters)
    if prev is not None:
        f = f.left_join(prev, f.customer_id == prev.p_id).drop("p_id")
        prev_col = f.previous_revenue.fill_null(0).sum()
    else:
        prev_col = ibis.null().cast("float64")
    df = store.execute(
        f.group_by(list(criteria)).aggregate(
            customers=f.count(), revenue=f.revenue.sum(), orders=f.orders.sum(),
            recency_days=f.recency_days.mean(), previous_revenue=prev_col,
        )
    )
    df = df.astype({"revenue": "float64", "recency_days": "float64", "previous_revenue": "float64"})
    df["segment"] = [" · ".join("–" if v is None or v != v else str(v) for v in row)
                     for row in df[list(criteria)].itertuples(index=False)]
    df["revenue_per_customer"] = df["revenue"] / df["customers"]
    df["orders_per_customer"] = df["orders"] / df["customers"]
    df["customer_share"] = df["customers"] / df["customers"].sum()
    total = df["revenue"].sum()
    df["revenue_share"] = df["revenue"] / total if total else np.nan
    prev_rev = df["previous_revenue"]
    df["growth"] = (df["revenue"] - prev_rev) / prev_rev.where(prev_rev > 0)
    return df[cols].sort_values(["revenue", "segment"], ascending=[False, True], ignore_index=True)


def criteria_members(store: Store, filters: Filters, *, criteria: tuple[str, ...]) -> pd.DataFrame:
    """Each buying customer's criteria segment, for saving or a campaign export.

    Returns columns: customer_id, name, segment (codes joined by " · "), one column per criterion, recency_days,
    orders, revenue.
    """
    criteria = _check_criteria(criteria)
    spec = feature_spec(store, filters)
    if spec is None:
        return pd.DataFrame(columns=["customer_id", "name", "segment", *criteria])
    f = features_expr(store, filters, spec)
    codes = _criteria_columns(f, spec)
    df = store.execute(f.select("customer_id", "name", *[codes[c].name(c) for c in criteria],
                                "recency_days", "orders", "revenue").order_by("customer_id"))
    df.insert(2, "segment", [" · ".join("–" if v is None or v != v else str(v) for v in row)
                             for row in df[list(criteria)].itertuples(index=False)])
    return df


# ----- saving ----------------------------------------------------------------------------------------------

_ID = re.compile(r"^[\w\-. ]{1,60}$", re.UNICODE)


def save_segmentation(store: Store, segmentation_id: str, members: pd.DataFrame) -> int:
    """Save (or replace) a segmentation: one row per customer in ``segment_members``.

    Parameters
    ----------
    segmentation_id : the name the sidebar shows (letters, digits, spaces, ``-_.``; at most 60).
    members : columns customer_id and segment (the segment's name as people should read it).

    Returns the number of customers saved. Raises ``ValueError`` for a bad id, missing columns, a customer
    listed twice or an empty segment name.
    """
    sid = (segmentation_id or "").strip()
    if not _ID.match(sid):
        raise ValueError(f"segmentation name {segmentation_id!r}: use 1-60 letters, digits, spaces, '-', '_' or '.'")
    for col in ("customer_id", "segment"):
        if col not in members.columns:
            raise ValueError(f"members need a column {col!r}")
    df = members[["customer_id", "segment"]].copy()
    df["customer_id"] = df["customer_id"].astype(str)
    df["segment"] = df["segment"].astype(str).str.strip()
    if df["customer_id"].duplicated().any():
        raise ValueError("a customer is listed twice in the segmentation")
    if (df["segment"] == "").any() or df["segment"].isin(["nan", "None"]).any():
        raise ValueError("every customer needs a segment name")
    df.insert(0, "segmentation_id", sid)
    with store.transaction() as w:
        w.delete_where_equal("segment_members", "segmentation_id", sid)
        w.insert("segment_members", df)
    return len(df)


def segmentation_ids(store: Store) -> list[str]:
    """The saved segmentations' ids, sorted."""
    m = store.table("segment_members")
    df = store.execute(m.select("segmentation_id").distinct().order_by("segmentation_id"))
    return [str(v) for v in df["segmentation_id"]]


def saved_segmentations(store: Store) -> pd.DataFrame:
    """Every saved segmentation and its segments: segmentation_id, segment, customers (sorted)."""
    m = store.table("segment_members")
    return store.execute(m.group_by("segmentation_id", "segment").aggregate(customers=m.count())
                         .order_by(["segmentation_id", "segment"]))


def saved_members(store: Store, segmentation_id: str) -> pd.DataFrame:
    """The members of a saved segmentation: customer_id, segment (sorted by customer)."""
    m = store.table("segment_members")
    return store.execute(m.filter(m.segmentation_id == segmentation_id).select("customer_id", "segment")
                         .order_by("customer_id"))


# ----- headline figures and the report ---------------------------------------------------------------------

@dataclass(frozen=True)
class SegmentsSummary:
    """The Segments page's headline figures for the window."""

    start: dt.date | None
    end: dt.date | None
    as_of: dt.date | None
    customers: int
    revenue: float
    revenue_per_customer: float | None
    mean_recency_days: float | None
    orders_per_customer: float | None
    repeat_share: float | None

    def to_json(self) -> dict:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "customers": self.customers, "revenue": self.revenue,
            "revenue_per_customer": self.revenue_per_customer,
            "mean_recency_days": self.mean_recency_days,
            "orders_per_customer": self.orders_per_customer, "repeat_share": self.repeat_share,
        }


def summary(store: Store, filters: Filters) -> SegmentsSummary:
    """Buying customers, their revenue, value per customer, mean recency, frequency and repeat share."""
    spec = feature_spec(store, filters)
    if spec is None:
        return SegmentsSummary(filters.start, filters.end, None, 0, 0.0, None, None, None, None)
    f = features_expr(store, filters, spec)
    r = store.execute(f.aggregate(
        customers=f.count(), revenue=f.revenue.sum(), orders=f.orders.sum(),
        recency=f.recency_days.mean(), repeat=(f.orders >= 2).sum(),
    )).iloc[0]
    n = int(r["customers"] or 0)
    revenue = float(r["revenue"] or 0.0)
    return SegmentsSummary(
        start=filters.start, end=filters.end, as_of=spec.as_of, customers=n, revenue=revenue,
        revenue_per_customer=revenue / n if n else None,
        mean_recency_days=float(r["recency"]) if n else None,
        orders_per_customer=float(r["orders"]) / n if n else None,
        repeat_share=float(r["repeat"]) / n if n else None,
    )


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """``--k``, ``--method``, ``--features``, ``--scaling``, ``--rfm-bins``."""
    from salesdash.analysis import clustering

    parser.add_argument("--k", type=int, default=4, help="number of clusters (default 4)")
    parser.add_argument("--method", choices=clustering.METHODS, default="kmeans")
    parser.add_argument("--features", help="comma-separated clustering features (default: "
                        + ",".join(clustering.DEFAULT_FEATURES) + ")")
    parser.add_argument("--scaling", choices=clustering.SCALINGS, default="log_standard")
    parser.add_argument("--rfm-bins", type=int, default=5, choices=(3, 4, 5), help="RFM scores per dimension")


def report_json(store: Store, filters: Filters, args=None) -> dict:
    """``python -m salesdash report segments``: RFM segments and a clustering of the window's customers."""
    from salesdash.analysis import clustering, rfm
    from salesdash.cli import CliError

    k = getattr(args, "k", 4) if args is not None else 4
    method = getattr(args, "method", "kmeans") if args is not None else "kmeans"
    scaling = getattr(args, "scaling", "log_standard") if args is not None else "log_standard"
    n_bins = getattr(args, "rfm_bins", 5) if args is not None else 5
    raw = getattr(args, "features", None) if args is not None else None
    features = tuple(x.strip() for x in raw.split(",") if x.strip()) if raw else clustering.DEFAULT_FEATURES
    spec = feature_spec(store, filters)
    known = spec.features if spec else BASE_FEATURES
    bad = [x for x in features if x not in known]
    if bad:
        raise CliError(f"unknown features {', '.join(bad)}; known: {', '.join(known)}")
    if method not in clustering.METHODS:
        raise CliError(f"--method must be one of {', '.join(clustering.METHODS)}")
    if k < 2:
        raise CliError("--k must be at least 2")

    out = summary(store, filters).to_json()
    r = rfm.rfm_analysis(store, filters, n_bins=n_bins)
    out["rfm"] = r.to_json()
    out["rfm_segments"] = out["rfm"].pop("segments")
    c = clustering.cluster_customers(store, filters, k=k, method=method, features=features, scaling=scaling)
    out["clusters"] = c.to_json()
    return out
