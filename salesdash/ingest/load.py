"""Import a file into the store: read, map, check, load, all-or-nothing, with a history and undo.

An import is one transaction (:meth:`Store.transaction`): the rows are staged, checked in the engine,
and moved into their tables, the history row is written and the data version bumps, together. If anything
fails, or the process is killed, the store stays exactly as it was. A CSV already in the canonical format
skips staging: DuckDB reads it straight into its table and the checks run there, before the commit.

Every row an import writes carries its id (``schema.IMPORT_ID``); undo deletes those rows and puts back
the rows the import replaced, which it kept in ``_undo_<id>_<table>_old``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from salesdash import schema
from salesdash.i18n import t
from salesdash.ingest.mapping import apply_profile
from salesdash.ingest.pipeline import snapshots_from, stage_history_from
from salesdash.ingest.profile import Profile, canonical_profile, norm
from salesdash.ingest.readers import check_size, detect_delimiter, detect_encoding, file_kind, read_table
from salesdash.ingest.report import ImportReport, IngestError, Problem, TableLoad
from salesdash.ingest.validate import Staged, check_staged
from salesdash.store import Store

__all__ = ["import_file", "undo_last_import", "UndoResult", "MODES", "import_history"]

MODES = ("append", "replace", "upsert")
ON_ERROR = ("refuse", "skip")


class _Rollback(Exception):
    """Raised inside the transaction to leave the store untouched (dry run, or errors and refuse)."""


@dataclass(frozen=True)
class UndoResult:
    """What :func:`undo_last_import` reversed."""

    import_id: int
    file: str
    tables: tuple[str, ...]


def import_file(store: Store, path: str | Path, *, table: str, profile: Profile | None = None,
                mode: str = "append", dry_run: bool = False, on_error: str = "refuse",
                date_order: str | None = None, snapshot_date: dt.date | None = None,
                encoding: str | None = None, delimiter: str | None = None,
                max_mb: float | None = None, file_name: str | None = None) -> ImportReport:
    """Import one file into `table` (and the other tables a flat export fills).

    Parameters
    ----------
    store : the store to load into.
    path : CSV/TSV/TXT, XLSX or Parquet file.
    table : the canonical table the file's rows are (orders, opportunities, customers, ...).
    profile : how the file maps to canonical columns; None means the file is in the canonical format.
    mode : ``append`` (new keys only), ``replace`` (the table's rows are replaced) or ``upsert`` (rows with
        the same key are replaced, the others added).
    dry_run : check and report, write nothing.
    on_error : ``refuse`` (any error: nothing loads) or ``skip`` (rows with an error are left out and
        listed in the report; the rest loads).
    date_order : ``dmy`` / ``mdy`` when the data does not decide day-first versus month-first.
    snapshot_date : the date an opportunities export was taken (default: today).
    encoding, delimiter : override detection for text files.
    max_mb : refuse larger files (default: SALESDASH_MAX_IMPORT_MB).
    file_name : the name shown in the report and the history (default: the file's name).

    Returns
    -------
    ImportReport : ``loaded`` is True only when the rows are in the store.
    """
    name = file_name or Path(path).name
    report = ImportReport(file=name, table=table, mode=mode, dry_run=dry_run)
    try:
        _check_options(table, mode, on_error, date_order, name)
        check_size(path, max_mb=max_mb)
        if profile is None and file_kind(path) == "csv" and not dry_run and table != "opportunities":
            fast = _try_fast_path(store, Path(path), report, table=table, mode=mode, encoding=encoding,
                                  delimiter=delimiter)
            if fast is not None:
                return fast
        prof = (profile.with_table(table) if profile is not None and profile.table != table else profile)
        raw = read_table(path, encoding=encoding or (prof.encoding if prof else None),
                         delimiter=delimiter or (prof.delimiter if prof else None),
                         sheet=prof.sheet if prof else None, max_mb=max_mb)
    except IngestError as e:
        report.add(_renamed(e.problem, name))
        return report
    raw = raw if raw.file == name else type(raw)(raw.frame, name, raw.kind, raw.encoding, raw.delimiter)
    report.encoding, report.delimiter = raw.encoding, raw.delimiter
    report.rows_read = len(raw.frame)
    if raw.frame.empty:
        report.add(Problem("empty", name, None, None, None, t("data.expected.rows")))
        return report
    prof = prof or canonical_profile(table, list(raw.frame.columns))
    mapped = apply_profile(raw, prof, report, date_order=date_order)
    if mapped.fatal:
        return report

    frames = {m.table: m.frame for m in mapped.tables}
    main = frames[table]
    main["_bad"] = main["_row"].isin(mapped.bad_rows)
    if table == "opportunities":
        snap = snapshot_date or dt.date.today()
        existing = _existing_ids(store, main)
        frames["stage_history"] = stage_history_from(main, existing=existing, as_of=snap)
        frames["opportunity_snapshots"] = snapshots_from(main, snapshot_date=snap)
    sources = {}
    for tg in prof.targets():
        spec = prof.spec(tg)
        if isinstance(spec, str) and not spec.startswith("="):
            sources[tg.key] = spec
        elif isinstance(spec, list):
            sources[tg.key] = next((h for h in spec if norm(h) in {norm(c) for c in raw.frame.columns}), spec[0])
    return _load(store, report, frames, table=table, mode=mode, dry_run=dry_run, on_error=on_error,
                 parse_bad=mapped.bad_rows, sources=sources)


def _check_options(table: str, mode: str, on_error: str, date_order: str | None, file: str) -> None:
    def bad(what: str, value: str, allowed: str) -> IngestError:
        return IngestError(Problem("bad_option", file, None, what, value, t("data.expected.one_of", codes=allowed)))

    if table not in schema.TABLES:
        raise bad("table", table, ", ".join(schema.TABLES))
    if mode not in MODES:
        raise bad("mode", mode, ", ".join(MODES))
    if on_error not in ON_ERROR:
        raise bad("on_error", on_error, ", ".join(ON_ERROR))
    if date_order not in (None, "dmy", "mdy"):
        raise bad("date_order", date_order, "dmy, mdy")


def _renamed(p: Problem, name: str) -> Problem:
    return p if p.file == name or p.kind == "bad_profile" else Problem(p.kind, name, p.row, p.column, p.value,
                                                                      p.expected, p.severity)


def _existing_ids(store: Store, opps: pd.DataFrame) -> set[str]:
    ids = opps["opportunity_id"].dropna().astype(str).unique().tolist() if "opportunity_id" in opps else []
    if not ids:
        return set()
    tbl = store.table("opportunities")
    found = store.execute(tbl.filter(tbl.opportunity_id.isin(ids)).select("opportunity_id"))
    return set(found["opportunity_id"].astype(str))


def _load(store: Store, report: ImportReport, frames: dict[str, pd.DataFrame], *, table: str, mode: str,
          dry_run: bool, on_error: str, parse_bad: set[int], sources: dict[str, str]) -> ImportReport:
    """Stage, check and (unless refused) load the frames in one transaction."""
    try:
        with store.transaction() as w:
            staged = []
            for name, frame in frames.items():
                staging = f"_stage_{name}"
                w.stage_frame(staging, name, frame)
                staged.append(Staged(name, staging, name == table))
            checked = [s for s in staged if s.table in (table,) or s.table not in
                       ("stage_history", "opportunity_snapshots")]
            rejected = check_staged(w.ibis(), checked, report, mode=mode, sources=sources) | parse_bad
            report.rows_loadable = report.rows_read - len(rejected & set(frames[table]["_row"]))
            plan = [(s, mode if s.main else _secondary_mode(s.table)) for s in staged]
            report.tables = [TableLoad(s.table, _rows_after(frames[s.table], rejected, s.main), m) for s, m in plan]
            if dry_run or (report.errors and on_error == "refuse") or report.rows_loadable == 0:
                raise _Rollback
            store.ensure_import_log(w)
            import_id = int(w.sql("SELECT coalesce(max(import_id), 0) + 1 FROM _import_log")[0][0])
            loaded = {}
            for s, m in plan:
                undo = f"_undo_{import_id}_{s.table}"
                rows = w.load_staged(s.table, s.staging, mode=m, undo=undo, import_id=import_id,
                                     skip_rows=sorted(rejected))
                loaded[s.table] = {"rows": rows, "mode": m, "undo": undo}
                w.drop_staging(s.staging)
            report.tables = [TableLoad(k, v["rows"], v["mode"]) for k, v in loaded.items()]
            w.sql("INSERT INTO _import_log VALUES (?, ?, ?, ?, ?, ?, ?, false)",
                  [import_id, dt.datetime.now().replace(microsecond=0), report.file, table, mode,
                   loaded[table]["rows"], json.dumps(loaded)])
            report.import_id = import_id
            report.loaded = True
    except _Rollback:
        pass
    return report


def _secondary_mode(table: str) -> str:
    """Tables filled on the side of a flat export only gain rows they lack; snapshots of the same date are
    replaced."""
    return "upsert" if table == "opportunity_snapshots" else "missing"


def _rows_after(frame: pd.DataFrame, rejected: set[int], main: bool) -> int:
    return int((~frame["_row"].isin(rejected)).sum()) if main or not frame.empty else 0


def _try_fast_path(store: Store, path: Path, report: ImportReport, *, table: str, mode: str,
                   encoding: str | None, delimiter: str | None) -> ImportReport | None:
    """A CSV already in the canonical format goes straight from DuckDB's reader into its table.

    Each row is written once, tagged with the import's id; the checks then run on the tagged rows inside
    the same transaction, which rolls back if any check fails. Returns None (use the general path, which
    names every bad cell and row) when the file is not plainly canonical or anything at all is wrong with it.
    """
    head = path.open("rb").read(1 << 16)
    enc = encoding or detect_encoding(head)
    if enc not in ("utf-8", "utf-8-sig", "ascii"):
        return None
    try:
        first = head.decode(enc, errors="strict").lstrip("\ufeff").splitlines()[0]
    except (UnicodeDecodeError, IndexError):
        return None
    delim = delimiter or detect_delimiter(head.decode(enc, errors="ignore"), suffix=path.suffix.lower())
    header = [h.strip().strip('"') for h in first.split(delim)]
    tbl = schema.table(table)
    if not header or any(h not in tbl.column_names for h in header) or len(set(header)) != len(header):
        return None
    if any(c not in header for c in tbl.required) or any(tbl.column(h).type in ("bool", "json") for h in header):
        return None
    trial = ImportReport(file=report.file, table=table, mode=mode, encoding=enc, delimiter=delim, fast_path=True)
    try:
        with store.transaction() as w:
            store.ensure_import_log(w)
            import_id = int(w.sql("SELECT coalesce(max(import_id), 0) + 1 FROM _import_log")[0][0])
            undo = f"_undo_{import_id}_{table}"
            w.begin_load(table, mode=mode, undo=undo)
            try:
                n = w.append_csv(table, path, columns=header, delimiter=delim, import_id=import_id)
            except Exception:  # duckdb conversion / parser error: the general path will name the cell
                raise _Rollback from None
            trial.rows_read = n
            view = f"_stage_{table}"
            w.view_of_import(view, table, import_id)
            check_staged(w.ibis(), [Staged(table, view, True, import_id)], trial, mode=mode)
            w.drop_view(view)
            if trial.problems or n == 0:
                raise _Rollback
            rows = w.finish_load(table, mode=mode, undo=undo, import_id=import_id)
            w.sql("INSERT INTO _import_log VALUES (?, ?, ?, ?, ?, ?, ?, false)",
                  [import_id, dt.datetime.now().replace(microsecond=0), report.file, table, mode, rows,
                   json.dumps({table: {"rows": rows, "mode": mode, "undo": undo}})])
    except _Rollback:
        return None
    trial.rows_loadable = trial.rows_read
    trial.tables = [TableLoad(table, rows, mode)]
    trial.import_id = import_id
    trial.loaded = True
    return trial


def import_history(store: Store) -> pd.DataFrame:
    """The imports, newest first: import_id, imported_at, file, table_name, mode, rows, undone."""
    return store.import_log().drop(columns=["tables"], errors="ignore")


def undo_last_import(store: Store) -> UndoResult | None:
    """Reverse the newest import that has not been undone (None when there is none), in one transaction."""
    with store.transaction() as w:
        store.ensure_import_log(w)
        rows = w.sql("SELECT import_id, file, tables FROM _import_log WHERE NOT undone "
                     "ORDER BY import_id DESC LIMIT 1")
        if not rows:
            return None
        import_id, file, tables_json = rows[0]
        tables = json.loads(tables_json)
        for name in reversed(list(tables)):
            w.undo_load(name, tables[name]["undo"], int(import_id))
        w.sql("UPDATE _import_log SET undone = true WHERE import_id = ?", [import_id])
    return UndoResult(int(import_id), str(file), tuple(tables))
