"""Checks on staged rows, run in the engine (ibis) before anything is written.

The same checks serve every path into the store: rows mapped in pandas and CSV files DuckDB read straight
into a staging table. A staging table has the canonical columns of its table, ``_row`` (the spreadsheet row)
and ``_bad`` (the row already has a reported problem, such as a bad date).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import pandas as pd

from salesdash import schema
from salesdash.i18n import t
from salesdash.ingest.profile import norm
from salesdash.ingest.report import EXAMPLES_PER_KIND, WARNING, ImportReport, Problem

__all__ = ["Staged", "check_staged"]

#: Up to this many known keys are pulled to look for near misses ("GTX Pro" versus "GTXPro").
_NEAR_MISS_LIMIT = 500_000


@dataclass(frozen=True)
class Staged:
    """A staging table waiting to be loaded: its canonical table and whether it is the file's main table."""

    table: str
    staging: str
    main: bool


def check_staged(con: ibis.BaseBackend, staged: list[Staged], report: ImportReport, *, mode: str,
                 sources: dict[str, str] | None = None) -> set[int]:
    """Run every check on the staged tables; add problems to `report`; return the rejected ``_row`` numbers.

    Parameters
    ----------
    con : an ibis backend that sees the staging tables and the store (the import's transaction).
    mode : ``append`` also rejects keys already in the table.
    sources : canonical column -> source header, so problems name the column the user knows.
    """
    sources = sources or {}
    bad: set[int] = set()
    pending = {s.table: s.staging for s in staged}
    for s in staged:
        tbl = schema.table(s.table)
        t_ = con.table(s.staging)
        label = (lambda c, s=s: sources.get(f"{s.table}.{c}") or (c if s.main else f"{s.table}.{c}"))
        ok_rows = ~t_._bad

        for c in tbl.columns:
            col = t_[c.name]
            if c.required:
                bad |= _collect(report, t_.filter(ok_rows & col.isnull()), c.name, "missing_value",
                                label(c.name), t("data.expected.value"))
            if c.allowed:
                bad |= _collect(report, t_.filter(col.notnull() & ~col.isin(list(c.allowed))), c.name,
                                "unknown_value", label(c.name),
                                t("data.expected.one_of", codes=", ".join(c.allowed)))
            if c.minimum is not None:
                kind = "negative" if c.minimum == 0 else "out_of_range"
                bad |= _collect(report, t_.filter(col < c.minimum), c.name, kind, label(c.name),
                                t("data.expected.at_least", minimum=_fmt(c.minimum)))
            if c.maximum is not None:
                bad |= _collect(report, t_.filter(col > c.maximum), c.name, "out_of_range", label(c.name),
                                t("data.expected.at_most", maximum=_fmt(c.maximum)))
            if c.ref and s.main:
                bad |= _check_ref(con, report, t_, c, label(c.name), pending)

        if s.main:
            key = list(tbl.key)
            w = ibis.window(group_by=[t_[k] for k in key], order_by=t_._row)
            dup = t_.mutate(_n=ibis.row_number().over(w)).filter(lambda x: x._n > 0)
            bad |= _collect(report, dup, key[0], "duplicate_key", ", ".join(label(k) for k in key),
                            t("data.expected.unique_key", key=", ".join(key)), value_of=key)
            if mode == "append":
                existing = con.table(s.table).select(*key)
                clash = t_.semi_join(existing, key)
                bad |= _collect(report, clash, key[0], "existing_key", ", ".join(label(k) for k in key),
                                t("data.expected.new_key"), value_of=key)
        else:
            _near_miss_keys(con, report, s)
    return bad


def _fmt(x: float) -> str:
    return f"{x:g}"


def _collect(report: ImportReport, offending: ibis.Table, column: str, kind: str, label: str, expected: str,
             *, value_of: list[str] | None = None) -> set[int]:
    """Count the offending rows, keep examples, return their row numbers."""
    cols = value_of or [column]
    frame = offending.select("_row", *cols).order_by("_row").execute()
    if frame.empty:
        return set()
    for r in frame.head(EXAMPLES_PER_KIND).to_dict("records"):
        value = ", ".join(_text(r[c]) for c in cols) if kind != "missing_value" else None
        report.add(Problem(kind, report.file, _row(r["_row"]), label, value, expected))
    rest = len(frame) - EXAMPLES_PER_KIND
    if rest > 0:
        report.add(Problem(kind, report.file, None, label, None, expected), rows=rest)
    return {int(x) for x in frame["_row"].dropna()}


def _row(x: object) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.isoformat(sep=" ")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _check_ref(con: ibis.BaseBackend, report: ImportReport, t_: ibis.Table, c: schema.Column, label: str,
               pending: dict[str, str]) -> set[int]:
    """Values that name a row of another table that neither exists nor comes with this import."""
    ref_table, ref_col = c.ref.split(".")
    known = con.table(ref_table).select(_k=con.table(ref_table)[ref_col])
    if ref_table in pending:
        known = known.union(con.table(pending[ref_table]).select(_k=con.table(pending[ref_table])[ref_col]))
    col = t_[c.name]
    missing = t_.filter(col.notnull()).anti_join(known, col == known._k)
    frame = missing.select("_row", c.name).order_by("_row").execute()
    if frame.empty:
        return set()
    keys = None
    if con.table(ref_table).count().execute() <= _NEAR_MISS_LIMIT:
        keys = known.distinct().execute()["_k"].dropna().astype(str).tolist()
    by_norm: dict[str, str] = {}
    for k in keys or []:
        by_norm.setdefault(norm(k), k)
    shown = 0
    for value, group in frame.groupby(c.name, sort=False):
        close = by_norm.get(norm(str(value)))
        kind, expected = ("near_miss", t("data.expected.did_you_mean", key=close, table=ref_table)) if close \
            else ("unknown_reference", t("data.expected.known_key", table=ref_table, column=ref_col))
        first = int(group["_row"].iloc[0])
        if shown < EXAMPLES_PER_KIND or close:
            report.add(Problem(kind, report.file, first, label, str(value), expected), rows=len(group))
            shown += 1
        else:
            report.add(Problem(kind, report.file, None, label, None, expected), rows=len(group))
    return {int(x) for x in frame["_row"]}


def _near_miss_keys(con: ibis.BaseBackend, report: ImportReport, s: Staged) -> None:
    """Warn when a file brings keys that differ from each other, or from existing keys, only by case or
    spaces ("GTX Pro" and "GTXPro"): probably the same thing written twice."""
    tbl = schema.table(s.table)
    if len(tbl.key) != 1:
        return
    key = tbl.key[0]
    new = con.table(s.staging).select(key, "_row").execute()
    if new.empty or con.table(s.table).count().execute() > _NEAR_MISS_LIMIT:
        return
    old = con.table(s.table).select(key).execute()[key].dropna().astype(str)
    seen: dict[str, str] = {norm(k): k for k in old}
    for k, r in zip(new[key].astype(str), new["_row"], strict=True):
        other = seen.get(norm(k))
        if other is not None and other != k:
            report.add(Problem("near_miss", report.file, _row(r), f"{s.table}.{key}", k,
                               t("data.expected.same_as", key=other), severity=WARNING))
        seen.setdefault(norm(k), k)
