"""Check a set of canonical tables against salesdash.schema, generically: every table, every column.

:func:`problems` returns one line per violation (empty when the tables keep the contract): unknown
columns, wrong types, missing required values, duplicate keys, codes outside ``allowed``, numbers outside
``minimum``/``maximum``, references (``Column.ref``) to rows that do not exist, dates with a time of day.
"""

from __future__ import annotations

import pandas as pd
from pandas.api import types as ptypes

from salesdash import schema


def _type_ok(kind: str, s: pd.Series) -> bool:
    if s.isna().all():
        return True
    if kind in ("string", "json"):
        return ptypes.is_string_dtype(s.dtype)
    if kind == "int":
        return ptypes.is_integer_dtype(s.dtype)
    if kind == "float":
        return ptypes.is_float_dtype(s.dtype)
    if kind == "bool":
        return ptypes.is_bool_dtype(s.dtype)
    return ptypes.is_datetime64_any_dtype(s.dtype)  # date, timestamp


def problems(tables: dict[str, pd.DataFrame]) -> list[str]:
    found: list[str] = []
    for name, frame in tables.items():
        tbl = schema.table(name)
        unknown = [c for c in frame.columns if c not in tbl.column_names]
        if unknown:
            found.append(f"{name}: unknown columns {unknown}")
        for col in tbl.required:
            if col not in frame.columns:
                found.append(f"{name}.{col}: required column missing")
            elif frame[col].isna().any():
                found.append(f"{name}.{col}: {int(frame[col].isna().sum())} missing required values")
        if all(k in frame.columns for k in tbl.key):
            dup = frame.duplicated(list(tbl.key))
            if dup.any():
                found.append(f"{name}: {int(dup.sum())} duplicate keys {tbl.key}")
        for column in tbl.columns:
            if column.name not in frame.columns:
                continue
            s = frame[column.name]
            where = f"{name}.{column.name}"
            if not _type_ok(column.type, s):
                found.append(f"{where}: dtype {s.dtype} is not a {column.type}")
                continue
            values = s.dropna()
            if column.allowed is not None:
                bad = sorted(set(values.unique()) - set(column.allowed))
                if bad:
                    found.append(f"{where}: codes {bad[:5]} not in {column.allowed}")
            if column.minimum is not None and (values < column.minimum).any():
                found.append(f"{where}: {int((values < column.minimum).sum())} values below {column.minimum}")
            if column.maximum is not None and (values > column.maximum).any():
                found.append(f"{where}: {int((values > column.maximum).sum())} values above {column.maximum}")
            if column.type == "date" and (values != values.dt.normalize()).any():
                found.append(f"{where}: dates with a time of day")
            if column.ref is not None:
                ref_table, ref_column = column.ref.split(".")
                if ref_table not in tables or ref_column not in tables[ref_table].columns:
                    found.append(f"{where}: references {column.ref}, which is not in the tables")
                    continue
                known = set(tables[ref_table][ref_column].dropna())
                dangling = ~values.isin(known)
                if dangling.any():
                    found.append(f"{where}: {int(dangling.sum())} references to missing {column.ref}, "
                                 f"e.g. {values[dangling].iloc[0]!r}")
    return found
