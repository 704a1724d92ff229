"""Export a canonical table to CSV or XLSX, in the canonical format (it imports back with no profile)."""

from __future__ import annotations

from pathlib import Path

from salesdash import schema
from salesdash.i18n import t
from salesdash.ingest.report import IngestError, Problem
from salesdash.store import Store

__all__ = ["export_table", "table_frame"]


def table_frame(store: Store, table: str):
    """A canonical table as a pandas DataFrame, in its key order."""
    tbl = schema.table(table)
    return store.execute(store.table(table).order_by(list(tbl.key)))


def export_table(store: Store, table: str, path: str | Path) -> int:
    """Write `table` to `path` (.csv or .xlsx); returns the number of rows written."""
    p = Path(path)
    if table not in schema.TABLES:
        raise IngestError(Problem("bad_option", p.name, None, "table", table,
                                  t("data.expected.one_of", codes=", ".join(schema.TABLES))))
    frame = table_frame(store, table)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        frame.to_excel(p, index=False, sheet_name=table[:31])
    elif suffix in (".csv", ".txt", ""):
        frame.to_csv(p, index=False)
    else:
        raise IngestError(Problem("bad_option", p.name, None, "--to", suffix, t("data.expected.one_of",
                                                                                 codes=".csv, .xlsx")))
    return len(frame)
