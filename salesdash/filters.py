"""Global filters: one frozen, hashable object shared by every page, the URL and the CLI.

A :class:`Filters` holds a date window and optional dimension choices. :func:`apply` turns it into ibis
predicates on a canonical table (never SQL text): a column the table has is filtered directly, and a
dimension it reaches through a key (an order's region through its customer, a deal's team through its rep)
becomes a semi-join, which every engine runs.

Query params round-trip with :meth:`Filters.to_query` / :func:`from_query`. Parsing never raises: a bad
value is dropped and reported in plain words, so a hand-edited URL opens the nearest valid view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import ibis

from salesdash import schema
from salesdash.store import Store

__all__ = ["Filters", "FilterProblem", "apply", "from_query", "validate", "data_window"]

_DIMENSIONS = ("regions", "channels", "categories", "teams", "reps")


@dataclass(frozen=True)
class Filters:
    """The global filters. Empty tuples mean "all"; ``start``/``end`` None means "all dates".

    ``end`` is inclusive. ``segmentation`` + ``segments`` pick customers of saved segments.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    regions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    reps: tuple[str, ...] = ()
    segmentation: str | None = None
    segments: tuple[str, ...] = field(default=())

    def with_window(self, start: dt.date | None, end: dt.date | None) -> Filters:
        return replace(self, start=start, end=end)

    def previous(self) -> Filters | None:
        """The same filters over the window of equal length just before this one (None if unbounded)."""
        if self.start is None or self.end is None:
            return None
        days = (self.end - self.start).days + 1
        return replace(self, start=self.start - dt.timedelta(days=days), end=self.start - dt.timedelta(days=1))

    def year_before(self) -> Filters | None:
        if self.start is None or self.end is None:
            return None
        return replace(self, start=_shift_year(self.start, -1), end=_shift_year(self.end, -1))

    @property
    def is_default(self) -> bool:
        return self == Filters(start=self.start, end=self.end)

    def to_query(self) -> dict[str, str]:
        """Query params for the URL (only what is set)."""
        q: dict[str, str] = {}
        if self.start:
            q["start"] = self.start.isoformat()
        if self.end:
            q["end"] = self.end.isoformat()
        for dim in _DIMENSIONS:
            values = getattr(self, dim)
            if values:
                q[dim] = ",".join(values)
        if self.segmentation and self.segments:
            q["segmentation"] = self.segmentation
            q["segments"] = ",".join(self.segments)
        return q


def _shift_year(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


@dataclass(frozen=True)
class FilterProblem:
    """Something wrong with a requested filter, and what was done about it."""

    field: str
    value: str
    problem: str  # an i18n key: filters.bad_date, filters.end_before_start, filters.unknown_value


def from_query(params: dict[str, str | list[str]]) -> tuple[Filters, list[FilterProblem]]:
    """Parse URL query params into Filters; bad values are dropped and reported, never raised."""
    problems: list[FilterProblem] = []

    def one(name: str) -> str | None:
        v = params.get(name)
        if isinstance(v, list):
            v = v[-1] if v else None
        return v or None

    def date(name: str) -> dt.date | None:
        raw = one(name)
        if raw is None:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            problems.append(FilterProblem(name, raw, "filters.bad_date"))
            return None

    start, end = date("start"), date("end")
    if start and end and end < start:
        problems.append(FilterProblem("end", end.isoformat(), "filters.end_before_start"))
        start, end = end, start
    values = {}
    for dim in _DIMENSIONS:
        raw = one(dim)
        values[dim] = tuple(v for v in (raw or "").split(",") if v)
    segs = tuple(v for v in (one("segments") or "").split(",") if v)
    return Filters(start=start, end=end, segmentation=one("segmentation"), segments=segs, **values), problems


def data_window(store: Store) -> tuple[dt.date, dt.date] | None:
    """The first and last order date in the store (None when there are no orders)."""
    t = store.table("orders")
    row = store.execute(t.aggregate(lo=t.order_date.min(), hi=t.order_date.max()))
    lo, hi = row["lo"].iloc[0], row["hi"].iloc[0]
    if lo is None or hi is None or str(lo) == "NaT":
        return None
    return _as_date(lo), _as_date(hi)


def _as_date(v) -> dt.date:
    return v.date() if hasattr(v, "date") and callable(v.date) else v


def known_values(store: Store, dim: str) -> list[str]:
    """The values a dimension can take in this store (for pickers and URL validation)."""
    if dim == "regions":
        t = store.table("customers")
        col = t.region
    elif dim == "channels":
        t = store.table("channels")
        col = t.channel_id
    elif dim == "categories":
        t = store.table("products")
        col = t.category
    elif dim == "teams":
        t = store.table("reps")
        col = t.team
    elif dim == "reps":
        t = store.table("reps")
        col = t.rep_id
    else:
        raise ValueError(f"unknown dimension {dim!r}")
    df = store.execute(t.filter(col.notnull()).select(v=col).distinct().order_by("v"))
    return [str(v) for v in df["v"]]


def validate(store: Store, filters: Filters) -> tuple[Filters, list[FilterProblem]]:
    """Drop values the store does not know; the result is the nearest valid view."""
    problems: list[FilterProblem] = []
    cleaned = {}
    for dim in _DIMENSIONS:
        chosen = getattr(filters, dim)
        if not chosen:
            cleaned[dim] = ()
            continue
        known = set(known_values(store, dim))
        keep = tuple(v for v in chosen if v in known)
        for v in chosen:
            if v not in known:
                problems.append(FilterProblem(dim, v, "filters.unknown_value"))
        cleaned[dim] = keep
    return replace(filters, **cleaned), problems


def _date_predicate(col: ibis.Column, f: Filters) -> list[ibis.BooleanValue]:
    preds = []
    is_ts = col.type().is_timestamp()
    if f.start is not None:
        preds.append(col >= (ibis.timestamp(f.start.isoformat()) if is_ts else ibis.date(f.start.isoformat())))
    if f.end is not None:
        if is_ts:
            preds.append(col < ibis.timestamp((f.end + dt.timedelta(days=1)).isoformat()))
        else:
            preds.append(col <= ibis.date(f.end.isoformat()))
    return preds


def apply(
    store: Store,
    table_name: str,
    filters: Filters,
    *,
    date_column: str | None = "default",
    dimensions: bool = True,
) -> ibis.Table:
    """The canonical table `table_name` with `filters` applied, as an ibis expression.

    Parameters
    ----------
    date_column : the column the date window applies to; "default" uses the table's own date column,
        None skips the window (for "as of" questions that look at all history).
    dimensions : apply region / channel / category / team / rep / segment choices.
    """
    tbl_def = schema.table(table_name)
    t = store.table(table_name)
    cols = set(tbl_def.column_names)
    preds: list[ibis.BooleanValue] = []
    dc = tbl_def.date_column if date_column == "default" else date_column
    if dc is not None:
        preds += _date_predicate(t[dc], filters)
    if dimensions:
        preds += _dimension_predicates(store, t, cols, filters, table_name)
    return t.filter(*preds) if preds else t


def _dimension_predicates(store: Store, t: ibis.Table, cols: set[str], f: Filters, name: str) -> list:
    preds = []
    if f.regions:
        if "region" in cols and name != "reps":
            preds.append(t.region.isin(f.regions))
        elif "customer_id" in cols:
            c = store.table("customers")
            preds.append(t.customer_id.isin(c.filter(c.region.isin(f.regions)).customer_id))
        elif "rep_id" in cols:  # targets: a rep's own region
            r = store.table("reps")
            preds.append(t.rep_id.isin(r.filter(r.region.isin(f.regions)).rep_id))
    if f.channels:
        if "channel_id" in cols:
            preds.append(t.channel_id.isin(f.channels))
        elif name == "customers":
            preds.append(t.acquisition_channel_id.isin(f.channels))
    if f.categories:
        if "category" in cols:
            preds.append(t.category.isin(f.categories))
        elif "product_id" in cols:
            p = store.table("products")
            preds.append(t.product_id.isin(p.filter(p.category.isin(f.categories)).product_id))
    if f.teams:
        if "team" in cols:
            preds.append(t.team.isin(f.teams))
        elif "rep_id" in cols:
            r = store.table("reps")
            preds.append(t.rep_id.isin(r.filter(r.team.isin(f.teams)).rep_id))
    if f.reps and "rep_id" in cols:
        preds.append(t.rep_id.isin(f.reps))
    if f.segmentation and f.segments and "customer_id" in cols:
        m = store.table("segment_members")
        members = m.filter(m.segmentation_id == f.segmentation, m.segment.isin(f.segments)).customer_id
        preds.append(t.customer_id.isin(members))
    return preds
