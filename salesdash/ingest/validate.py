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
    """A staging table waiting to be loaded: its canonical table and whether it is the file's main table.

    `import_id` is set when the staged rows are already in their table, tagged with that import id (the
    CSV fast path stages a view over them); the checks then compare them with the table's other rows only.
    """

    table: str
    staging: str
    main: bool
    import_id: int | None = None


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

        # One pass counts every column rule; only the rules some row breaks fetch their rows.
        rules = _column_rules(tbl, t_, label)
        failing = [r for r, fails in zip(rules, _failing(t_, [r.offending for r in rules]), strict=True) if fails]
        for c in tbl.columns:
            for r in (r for r in failing if r.column == c.name):
                bad |= _collect(report, t_.filter(r.offending), r.column, r.kind, r.label, r.expected)
            if c.ref and s.main:
                bad |= _check_ref(con, report, t_, c, label(c.name), pending)

        if s.main:
            key = list(tbl.key)
            # First only whether any key repeats (an unordered count: cheaper here than GROUP BY / HAVING);
            # the repeated rows, all but each key's first in file order, are fetched only when one does.
            by_key = [t_[k] for k in key]
            repeats = t_.mutate(_n=ibis.row_number().over(group_by=by_key)).filter(lambda x: x._n > 0)
            if repeats.count().execute():
                w = ibis.window(group_by=by_key, order_by=t_._row)
                dup = t_.mutate(_n=ibis.row_number().over(w)).filter(lambda x: x._n > 0)
                bad |= _collect(report, dup, key[0], "duplicate_key", ", ".join(label(k) for k in key),
                                t("data.expected.unique_key", key=", ".join(key)), value_of=key)
            if mode == "append":
                existing = con.table(s.table)
                if s.import_id is not None:
                    tag = existing[schema.IMPORT_ID]
                    existing = existing.filter(tag.isnull() | (tag != s.import_id))
                existing = existing.select(*key)
                clash = t_.semi_join(existing, key)
                bad |= _collect(report, clash, key[0], "existing_key", ", ".join(label(k) for k in key),
                                t("data.expected.new_key"), value_of=key)
        else:
            _near_miss_keys(con, report, s)
    return bad


def _fmt(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class _Rule:
    """One per-column check: the rows it rejects and how the report names them."""

    column: str
    kind: str
    label: str
    expected: str
    offending: ibis.BooleanValue


def _column_rules(tbl: schema.Table, t_: ibis.Table, label) -> list[_Rule]:
    """The schema's per-column checks (required, allowed codes, bounds) as predicates on the staging table."""
    rules = []
    for c in tbl.columns:
        col, name = t_[c.name], label(c.name)
        if c.required:
            rules.append(_Rule(c.name, "missing_value", name, t("data.expected.value"), ~t_._bad & col.isnull()))
        if c.allowed:
            rules.append(_Rule(c.name, "unknown_value", name, t("data.expected.one_of", codes=", ".join(c.allowed)),
                               col.notnull() & ~col.isin(list(c.allowed))))
        if c.minimum is not None:
            rules.append(_Rule(c.name, "negative" if c.minimum == 0 else "out_of_range", name,
                               t("data.expected.at_least", minimum=_fmt(c.minimum)), col < c.minimum))
        if c.maximum is not None:
            rules.append(_Rule(c.name, "out_of_range", name, t("data.expected.at_most", maximum=_fmt(c.maximum)),
                               col > c.maximum))
    return rules


def _failing(t_: ibis.Table, predicates: list[ibis.BooleanValue]) -> list[bool]:
    """Whether each predicate holds for at least one row, all counted in one pass over the table."""
    if not predicates:
        return []
    counts = t_.aggregate(**{f"_r{i}": p.fill_null(False).sum() for i, p in enumerate(predicates)}).execute()
    return [bool(_row(v)) for v in counts.iloc[0]]


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
    # The distinct values first (few), then the rows only when some value is unknown: joining the staged
    # rows to the known keys directly lets the engine build its hash table on the big side.
    values = t_.filter(col.notnull()).select(_v=col).distinct()
    unknown = values.anti_join(known, values._v == known._k)
    if not unknown.count().execute():
        return set()
    missing = t_.semi_join(unknown, col == unknown._v)
    frame = missing.select("_row", c.name).order_by("_row").execute()
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
