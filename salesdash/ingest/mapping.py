"""Apply a profile to a file read as text: canonical columns, typed values, and the cells that failed.

The result has one frame per canonical table the profile fills (a flat export fills several), each with
the canonical columns it maps and ``_row``, the spreadsheet row the values came from. Cells that cannot be
read are reported (file, row, column, value, expected) and left blank; their rows are marked bad.
"""

from __future__ import annotations

import ast
import json
import operator
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from salesdash import schema
from salesdash.i18n import t
from salesdash.ingest.parse import (DATE_ORDERS, detect_date_order, detect_decimal, parse_bools, parse_dates,
                                    parse_numbers)
from salesdash.ingest.profile import Profile, Target, norm
from salesdash.ingest.readers import RawTable
from salesdash.ingest.report import WARNING, ImportReport, Problem

__all__ = ["MappedTable", "Mapped", "apply_profile", "FIRST_ROW"]

#: The spreadsheet row of the first record (the header is row 1).
FIRST_ROW = 2

_EXPR_NAME = re.compile(r"\{([^{}]+)\}")
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


@dataclass(frozen=True)
class MappedTable:
    """Rows for one canonical table: canonical columns plus ``_row``. ``main`` is the table asked for."""

    table: str
    frame: pd.DataFrame
    main: bool


@dataclass
class Mapped:
    """What :func:`apply_profile` produced: the tables, the rows that had a bad cell, the decisions."""

    tables: list[MappedTable] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    fatal: bool = False
    date_order: str | None = None
    decimal: str | None = None
    used_headers: set[str] = field(default_factory=set)

    def table(self, name: str) -> MappedTable | None:
        return next((m for m in self.tables if m.table == name), None)


class _Columns:
    """Header lookup regardless of case, spaces, underscores and hyphens."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.by_norm: dict[str, str] = {}
        for h in frame.columns:
            self.by_norm.setdefault(norm(h), h)

    def find(self, spec: str | list[str]) -> str | None:
        for name in [spec] if isinstance(spec, str) else spec:
            h = self.by_norm.get(norm(name))
            if h is not None:
                return h
        return None


def _expression_headers(expr: str) -> list[list[str]]:
    """The headers an expression reads; ``{A|B}`` means header A, or B when A is absent."""
    return [name.split("|") for name in _EXPR_NAME.findall(expr)]


def _eval(expr: str, columns: dict[str, pd.Series]) -> pd.Series:
    names: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        names.setdefault(m.group(1), f"v{len(names)}")
        return names[m.group(1)]

    tree = ast.parse(_EXPR_NAME.sub(sub, expr.lstrip("= ").strip()), mode="eval")
    env = {v: columns[k.split("|")[0]] for k, v in names.items()}

    def ev(node: ast.AST):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id in env:
            return env[node.id]
        raise ValueError(expr)

    return ev(tree)


def _fk_fill(profile: Profile) -> dict[str, Target]:
    """Main-table columns that reference another mapped table's key and are not mapped themselves."""
    main = schema.table(profile.table)
    mapped = {tg.key for tg in profile.targets()}
    fill: dict[str, Target] = {}
    for c in main.columns:
        if c.ref and f"{main.name}.{c.name}" not in mapped and c.ref in mapped:
            ref_table, ref_col = c.ref.split(".")
            if ref_table != main.name:
                fill[c.name] = Target(ref_table, ref_col)
    return fill


def apply_profile(raw: RawTable, profile: Profile, report: ImportReport, *,
                  date_order: str | None = None) -> Mapped:
    """Map `raw` through `profile`; problems go to `report`.

    Parameters
    ----------
    date_order : ``dmy`` / ``mdy``: how to read ``a/b/yyyy`` dates (overrides the profile). When neither
        sets it and the data does not decide, an ``ambiguous_dates`` error asks for it.
    """
    file = raw.file
    cols = _Columns(raw.frame)
    out = Mapped()
    n = len(raw.frame)
    rows = pd.Series(np.arange(n) + FIRST_ROW, index=raw.frame.index)

    # 1. where every target's text comes from
    sources: dict[str, tuple[Target, str | None, str | None]] = {}  # key -> (target, header, expression)
    for tg in profile.targets():
        spec = profile.spec(tg)
        header = expr = None
        if isinstance(spec, str) and spec.strip().startswith("="):
            expr = spec
            missing = [h for h in _expression_headers(spec) if cols.find(h) is None]
            if missing:
                if schema.table(tg.table).column(tg.column).required and profile.default(tg) is None:
                    report.add(Problem("missing_column", file, None, " | ".join(missing[0]), None,
                                       t("data.expected.column_for", column=tg.key)))
                    out.fatal = True
                continue
            out.used_headers.update(cols.find(h) for h in _expression_headers(spec))
        elif spec is not None:
            header = cols.find(spec)
            if header is None and profile.default(tg) is None:
                continue
            if header:
                out.used_headers.add(header)
        sources[tg.key] = (tg, header, expr)
    for col, ref in _fk_fill(profile).items():
        if ref.key in sources:
            tg = Target(profile.table, col)
            sources[tg.key] = (tg, sources[ref.key][1], sources[ref.key][2])

    # 2. required columns of the main table
    main = schema.table(profile.table)
    for c in main.columns:
        if c.required and f"{main.name}.{c.name}" not in sources and not _derivable(main.name, c.name):
            report.add(Problem("missing_column", file, None, c.name, None,
                               t("data.expected.required_column", column=c.name, table=main.name)))
            out.fatal = True

    # 3. decisions from the data: decimal mark and date order
    numeric_inputs: list[pd.Series] = []
    date_inputs: list[pd.Series] = []
    for tg, header, expr in sources.values():
        ctype = schema.table(tg.table).column(tg.column).type
        if expr:
            numeric_inputs += [raw.frame[cols.find(h)] for h in _expression_headers(expr)]
        elif header and ctype in ("int", "float"):
            numeric_inputs.append(raw.frame[header])
        elif header and ctype in ("date", "timestamp"):
            date_inputs.append(raw.frame[header])
    out.decimal = profile.decimal or detect_decimal(numeric_inputs) or "."
    if out.decimal == "," and not profile.decimal:
        report.notes.append(t("data.note.decimal_comma"))
    order = date_order or profile.date_order
    found = detect_date_order(date_inputs)
    if order is None:
        if found.ambiguous:
            report.add(Problem("ambiguous_dates", file, None, None, found.evidence,
                               t("data.expected.date_order_conflict" if found.conflict
                                 else "data.expected.date_order")))
            out.fatal = True
        else:
            order = found.order
            if order:
                report.notes.append(t(f"data.note.order_{order}", example=found.evidence))
    out.date_order = order
    report.date_order = order

    # 4. convert, column by column
    numbers_cache: dict[str, pd.Series] = {}

    def number_column(header: str) -> pd.Series:
        if header not in numbers_cache:
            parsed = parse_numbers(raw.frame[header], decimal=out.decimal)
            _report_bad(report, out, parsed.bad, raw.frame[header], rows, file, header,
                        "bad_number", t("data.expected.number"))
            numbers_cache[header] = parsed.values
        return numbers_cache[header]

    values: dict[str, dict[str, pd.Series]] = {}
    for key, (tg, header, expr) in sources.items():
        col = schema.table(tg.table).column(tg.column)
        default = profile.default(tg)
        if expr:
            series = _eval(expr, {h[0]: number_column(cols.find(h)) for h in _expression_headers(expr)})
            series = pd.Series(series, index=raw.frame.index, dtype=float)
        else:
            text = raw.frame[header] if header else pd.Series(None, index=raw.frame.index, dtype=object)
            if default is not None:
                text = text.where(text.notna(), default)
            vmap = profile.value_map(tg)
            if vmap or col.allowed:
                text = _map_values(text, vmap or {}, col.allowed)
            label = header or key
            if col.type in ("int", "float"):
                if header and not vmap and default is None:
                    series = number_column(header)
                else:
                    parsed = parse_numbers(text, decimal=out.decimal)
                    _report_bad(report, out, parsed.bad, text, rows, file, label, "bad_number",
                                t("data.expected.number"))
                    series = parsed.values
                if col.type == "int":
                    frac = series.notna() & ((series != series.round()) | (series.abs() > 2**53))
                    _report_bad(report, out, frac, text, rows, file, label, "bad_number",
                                t("data.expected.whole_number"))
                    series = series.where(~frac).round().astype("Int64")
            elif col.type in ("date", "timestamp"):
                parsed = parse_dates(text, order=order if order in DATE_ORDERS else None,
                                     timezone=profile.timezone)
                if not out.fatal:
                    _report_bad(report, out, parsed.bad, text, rows, file, label, "bad_date",
                                t("data.expected.date"))
                series = parsed.values.dt.normalize() if col.type == "date" else parsed.values
            elif col.type == "bool":
                parsed = parse_bools(text)
                _report_bad(report, out, parsed.bad, text, rows, file, label, "bad_value",
                            t("data.expected.bool"))
                series = parsed.values
            else:
                series = text
        values.setdefault(tg.table, {})[tg.column] = series

    # 5. what is not mapped: kept as extra attributes, or said out loud
    unused = [h for h in raw.frame.columns if h not in out.used_headers]
    if unused:
        if "extra" in main.column_names and f"{main.name}.extra" not in sources:
            values.setdefault(main.name, {})["extra"] = _extra_json(raw.frame[unused])
            report.notes.append(t("data.note.extra", columns=", ".join(unused)))
        else:
            for h in unused:
                report.add(Problem("not_loaded_column", file, None, h, None,
                                   t("data.expected.not_loaded", table=main.name), severity=WARNING))

    # 6. frames: the main table, then every other table the file mentions
    for name in profile.tables():
        cols_of = values.get(name, {})
        frame = pd.DataFrame(cols_of, index=raw.frame.index)
        frame["_row"] = rows
        if name == main.name:
            if name == "orders" and "line" not in frame.columns and "order_id" in frame.columns:
                frame["line"] = frame.groupby("order_id", sort=False, dropna=False).cumcount() + 1
                report.notes.append(t("data.note.line_numbers"))
            out.tables.append(MappedTable(name, frame, True))
            continue
        key = list(schema.table(name).key)
        if not set(key) <= set(frame.columns):
            continue
        frame = frame.dropna(subset=key).drop_duplicates(subset=key, keep="first")
        out.tables.append(MappedTable(name, frame.reset_index(drop=True), False))
    return out


def _derivable(table: str, column: str) -> bool:
    return (table, column) == ("orders", "line")


def _map_values(text: pd.Series, vmap: dict[str, str], allowed: tuple[str, ...] | None) -> pd.Series:
    """Source values -> canonical codes; canonical codes match regardless of case; ``*`` catches the rest."""
    lookup = {norm(k): v for k, v in vmap.items() if k != "*"}
    if allowed:
        for code in allowed:
            lookup.setdefault(norm(code), code)
    fallback = vmap.get("*")
    uniq = pd.Series(text.dropna().unique())
    table = {u: lookup.get(norm(u), fallback if fallback is not None else u) for u in uniq}
    return text.map(table, na_action="ignore").astype(object).where(text.notna(), None)


def _extra_json(frame: pd.DataFrame) -> pd.Series:
    records = frame.to_dict(orient="records")
    return pd.Series([json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False)
                      for r in records], index=frame.index, dtype=object)


def _report_bad(report: ImportReport, out: Mapped, bad: pd.Series, text: pd.Series, rows: pd.Series,
                file: str, column: str, kind: str, expected: str) -> None:
    if not bad.any():
        return
    idx = bad[bad].index
    out.bad_rows.update(int(r) for r in rows[idx])
    for i in idx[:20]:
        report.add(Problem(kind, file, int(rows[i]), column, str(text[i]), expected))
    if len(idx) > 20:
        report.add(Problem(kind, file, int(rows[idx[20]]), column, str(text[idx[20]]), expected),
                   rows=len(idx) - 20)
