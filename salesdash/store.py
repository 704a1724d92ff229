"""The store: open a backend from a URL, create the schema, run reads and atomic writes.

The default backend is an embedded DuckDB file. Any other ibis backend URL (``trino://...``,
``postgres://...``, ``bigquery://...``; a Spark session through :meth:`Store.from_backend`) opens through
``ibis.connect`` and serves the same analysis code read-only: analysis builds ibis expressions and never
SQL text, so it runs wherever ibis compiles.

DuckDB-specific code lives here and nowhere else.

Threads. A DuckDB connection is not thread-safe and Streamlit serves sessions on threads. The store keeps
one DuckDB database handle and gives every thread its own cursor (and its own ibis backend over that
cursor). Writes take a process-wide lock and run in one transaction on a fresh cursor, so readers on
other threads see either the state before a write or the state after it, never half of it.

Data version. Every committed write bumps ``_meta.data_version`` inside the same transaction; caches key
on it, so a page never shows results computed before the data changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pandas as pd

from salesdash import schema

__all__ = ["Store", "StoreError", "Writer", "open_store"]

_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "json": "VARCHAR",
}

_WRITE_LOCK = threading.Lock()


class StoreError(RuntimeError):
    """The store cannot do what was asked (missing file, read-only backend, bad URL)."""


def _duckdb_path(url: str) -> str | None:
    """The DuckDB database path a URL names, or None when the URL is another backend."""
    if url in (":memory:", "duckdb://", "duckdb://:memory:"):
        return ":memory:"
    if url.startswith("duckdb://"):
        return url[len("duckdb://"):]
    if "://" not in url:
        return url
    return None


class Writer:
    """What a write transaction can do. Obtained from :meth:`Store.transaction`, never built by hand."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cur = cursor

    def insert(self, table_name: str, frame: pd.DataFrame) -> int:
        """Append `frame` to a canonical table; columns missing from the frame are NULL.

        Values are cast to the schema's types by the engine, so a bad value fails the whole transaction.
        Returns the number of rows inserted.
        """
        tbl = schema.table(table_name)
        unknown = [c for c in frame.columns if c not in tbl.column_names]
        if unknown:
            raise StoreError(f"table {table_name} has no columns {unknown}")
        if frame.empty:
            return 0
        view = f"_incoming_{threading.get_ident()}"
        self._cur.register(view, frame)
        try:
            cols = [c for c in tbl.column_names if c in frame.columns]
            select = ", ".join(
                f'CAST("{c}" AS {_DUCKDB_TYPES[tbl.column(c).type]}) AS "{c}"' for c in cols
            )
            names = ", ".join(f'"{c}"' for c in cols)
            self._cur.execute(f'INSERT INTO "{table_name}" ({names}) SELECT {select} FROM "{view}"')
        finally:
            self._cur.unregister(view)
        return len(frame)

    def delete_all(self, table_name: str) -> None:
        schema.table(table_name)
        self._cur.execute(f'DELETE FROM "{table_name}"')

    def delete_keys(self, table_name: str, keys: pd.DataFrame) -> None:
        """Delete the rows whose key columns match a row of `keys` (used for upserts)."""
        tbl = schema.table(table_name)
        if keys.empty:
            return
        view = f"_keys_{threading.get_ident()}"
        self._cur.register(view, keys[list(tbl.key)])
        try:
            cond = " AND ".join(
                f'CAST(k."{c}" AS {_DUCKDB_TYPES[tbl.column(c).type]}) = t."{c}"' for c in tbl.key
            )
            self._cur.execute(
                f'DELETE FROM "{table_name}" t WHERE EXISTS (SELECT 1 FROM "{view}" k WHERE {cond})'
            )
        finally:
            self._cur.unregister(view)

    def delete_where_equal(self, table_name: str, column: str, value: Any) -> None:
        """Delete the rows whose `column` equals `value` (e.g. one saved segmentation)."""
        if column not in schema.table(table_name).column_names:
            raise StoreError(f"table {table_name} has no column {column!r}")
        self._cur.execute(f'DELETE FROM "{table_name}" WHERE "{column}" = ?', [value])

    def sql(self, statement: str, parameters: list[Any] | None = None) -> list[tuple]:
        """Run a statement inside the transaction (DuckDB only; for store-internal bookkeeping)."""
        return self._cur.execute(statement, parameters or []).fetchall()

    def frame(self, statement: str, parameters: list[Any] | None = None) -> pd.DataFrame:
        return self._cur.execute(statement, parameters or []).df()

    # ----- import support (added for salesdash.ingest; staging, keyed loads, undo) -----------------
    # Identifiers passed here (staging and undo table names) are generated by salesdash.ingest, never
    # taken from user input.

    def ibis(self) -> ibis.BaseBackend:
        """An ibis backend over this transaction's cursor: sees the staged rows and the uncommitted work."""
        return ibis.duckdb.from_connection(self._cur)

    def stage_frame(self, staging: str, table_name: str, frame: pd.DataFrame) -> int:
        """Create the temporary table `staging` from `frame`, cast to `table_name`'s types.

        The frame holds canonical columns (any subset), ``_row`` (the source row number) and optionally
        ``_bad`` (the row already has a reported problem); columns of the table that the frame lacks are NULL.
        """
        tbl = schema.table(table_name)
        view = f"_incoming_{threading.get_ident()}"
        self._cur.register(view, frame)
        try:
            select = ", ".join(
                (f'CAST("{c.name}" AS {_DUCKDB_TYPES[c.type]})' if c.name in frame.columns
                 else f"CAST(NULL AS {_DUCKDB_TYPES[c.type]})") + f' AS "{c.name}"'
                for c in tbl.columns
            )
            self._cur.execute(
                f'CREATE OR REPLACE TEMP TABLE "{staging}" AS SELECT {select}, CAST("_row" AS BIGINT) AS "_row", '
                + ('CAST("_bad" AS BOOLEAN)' if "_bad" in frame.columns else "false") + f' AS "_bad" FROM "{view}"'
            )
        finally:
            self._cur.unregister(view)
        return int(self._cur.execute(f'SELECT count(*) FROM "{staging}"').fetchone()[0])

    def append_csv(self, table_name: str, path: str | Path, *, columns: list[str], delimiter: str,
                   import_id: int, quote: str = '"') -> int:
        """Fast path: DuckDB reads a CSV in the canonical format straight into `table_name`, each row tagged
        with `import_id`, so every row is written once; the caller checks the rows by their tag and rolls
        the transaction back if any is wrong.

        `columns` are the file's header names (canonical names, in file order). A value that does not
        convert raises ``duckdb.Error``; the caller then falls back to the row-by-row reader, which names
        the row. Returns the number of rows written.
        """
        tbl = schema.table(table_name)
        types = ", ".join(f"'{c}': '{_DUCKDB_TYPES[tbl.column(c).type]}'" for c in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        row = self._cur.execute(
            f'INSERT INTO "{table_name}" ({names}, "{schema.IMPORT_ID}") SELECT {names}, ? '
            f"FROM read_csv(?, header = true, delim = ?, quote = ?, columns = {{{types}}}, "
            f"auto_detect = false, strict_mode = true)",
            [import_id, str(path), delimiter, quote],
        ).fetchone()
        return int(row[0])

    def view_of_import(self, view: str, table_name: str, import_id: int) -> None:
        """A temporary view `view` shaped like a staging table over the rows `import_id` wrote to
        `table_name` (``_row`` unknown, ``_bad`` false), so the staging checks run on them."""
        cols = ", ".join(f'"{c}"' for c in schema.table(table_name).column_names)
        self._cur.execute(
            f'CREATE OR REPLACE TEMP VIEW "{view}" AS SELECT {cols}, NULL::BIGINT AS "_row", false AS "_bad" '
            f'FROM "{table_name}" WHERE "{schema.IMPORT_ID}" = {int(import_id)}'
        )

    def begin_load(self, table_name: str, *, mode: str, undo: str) -> None:
        """Before rows of an import are written: keep what undo needs in ``{undo}_old``; for ``replace``
        that is the whole table, which is then emptied."""
        if mode not in ("append", "replace", "upsert", "missing"):
            raise StoreError(f"unknown load mode {mode!r}")
        if mode == "replace":
            self._cur.execute(f'CREATE TABLE "{undo}_old" AS SELECT * FROM "{table_name}"')
            self._cur.execute(f'DELETE FROM "{table_name}"')
        else:
            self._cur.execute(f'CREATE TABLE "{undo}_old" AS SELECT * FROM "{table_name}" LIMIT 0')

    def finish_load(self, table_name: str, *, mode: str, undo: str, import_id: int) -> int:
        """After rows of an import are written: for ``upsert``, move the older rows with the same keys into
        ``{undo}_old``. Returns the number of rows the import wrote."""
        tbl = schema.table(table_name)
        tag = f'"{schema.IMPORT_ID}"'
        if mode == "upsert":
            keys = ", ".join(f'"{c}"' for c in tbl.key)
            match = " AND ".join(f't."{c}" IS NOT DISTINCT FROM s."{c}"' for c in tbl.key)
            older = (f'FROM "{table_name}" t WHERE t.{tag} IS DISTINCT FROM {int(import_id)} AND EXISTS '
                     f'(SELECT 1 FROM (SELECT {keys} FROM "{table_name}" WHERE {tag} = {int(import_id)}) s '
                     f"WHERE {match})")
            self._cur.execute(f'INSERT INTO "{undo}_old" SELECT * {older}')
            self._cur.execute(f"DELETE {older}")
        row = self._cur.execute(f'SELECT count(*) FROM "{table_name}" WHERE {tag} = ?', [import_id]).fetchone()
        return int(row[0])

    def load_staged(self, table_name: str, staging: str, *, mode: str, undo: str, import_id: int,
                    skip_rows: list[int] | None = None) -> int:
        """Move the rows of `staging` into `table_name`, tagged with `import_id`; keep the rows they replace
        in ``{undo}_old``.

        Modes: ``append`` (insert every row), ``replace`` (empty the table first), ``upsert`` (rows whose key
        was in the table replace it) and ``missing`` (insert only rows whose key is not in the table yet:
        the customers, products... that a flat export mentions). `skip_rows` are ``_row`` numbers left out
        (rows the validation rejected). Returns the number of rows inserted.
        """
        tbl = schema.table(table_name)
        cols = ", ".join(f'"{c}"' for c in tbl.column_names)
        match = " AND ".join(f't."{c}" IS NOT DISTINCT FROM s."{c}"' for c in tbl.key)
        source = f'"{staging}"'
        if skip_rows:
            self._cur.execute('CREATE OR REPLACE TEMP TABLE "_skip_rows" ("_row" BIGINT)')
            self._cur.executemany('INSERT INTO "_skip_rows" VALUES (?)', [[int(r)] for r in skip_rows])
            source = f'(SELECT * FROM "{staging}" WHERE "_row" NOT IN (SELECT "_row" FROM "_skip_rows"))'
        self.begin_load(table_name, mode=mode, undo=undo)
        if mode == "missing":
            source = (f"(SELECT * FROM {source} s WHERE NOT EXISTS "
                      f'(SELECT 1 FROM "{table_name}" t WHERE {match}))')
        self._cur.execute(f'INSERT INTO "{table_name}" ({cols}, "{schema.IMPORT_ID}") '
                          f"SELECT {cols}, {int(import_id)} FROM {source}")
        return self.finish_load(table_name, mode=mode, undo=undo, import_id=import_id)

    def undo_load(self, table_name: str, undo: str, import_id: int) -> None:
        """Reverse a load: remove the rows import `import_id` wrote, put back the rows it removed."""
        schema.table(table_name)
        legacy = f"{undo}_new"   # imports made before rows carried their import id kept their keys here
        if self._cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [legacy]).fetchone()[0]:
            tbl = schema.table(table_name)
            match = " AND ".join(f't."{c}" IS NOT DISTINCT FROM n."{c}"' for c in tbl.key)
            self._cur.execute(
                f'DELETE FROM "{table_name}" t WHERE EXISTS (SELECT 1 FROM "{legacy}" n WHERE {match})'
            )
        else:
            self._cur.execute(f'DELETE FROM "{table_name}" WHERE "{schema.IMPORT_ID}" = ?', [import_id])
        self._cur.execute(f'INSERT INTO "{table_name}" BY NAME SELECT * FROM "{undo}_old"')
        self.drop_undo(undo)

    def drop_undo(self, undo: str) -> None:
        self._cur.execute(f'DROP TABLE IF EXISTS "{undo}_old"')
        self._cur.execute(f'DROP TABLE IF EXISTS "{undo}_new"')

    def drop_staging(self, staging: str) -> None:
        self._cur.execute(f'DROP TABLE IF EXISTS "{staging}"')

    def drop_view(self, view: str) -> None:
        self._cur.execute(f'DROP VIEW IF EXISTS "{view}"')


class Store:
    """A salesdash database.

    Parameters
    ----------
    url : a DuckDB file path, ``duckdb://PATH``, ``:memory:``, or any ``ibis.connect`` URL.
    read_only : open a DuckDB file read-only (other processes may then read it too).
    create : create the file and the schema when missing (default True).
    """

    def __init__(self, url: str | Path, *, read_only: bool = False, create: bool = True) -> None:
        self.url = str(url)
        self._local = threading.local()
        self._path = _duckdb_path(self.url)
        self._backend: ibis.BaseBackend | None = None
        self.read_only = read_only
        if self._path is not None:
            if self._path != ":memory:":
                p = Path(self._path)
                if not p.exists() and (read_only or not create):
                    raise StoreError(f"database file not found: {p}")
                p.parent.mkdir(parents=True, exist_ok=True)
            self._db = duckdb.connect(self._path, read_only=read_only)
            if create and not read_only:
                self.create_schema()
        else:
            self._db = None
            self._backend = ibis.connect(self.url)
            self.read_only = True

    @classmethod
    def from_backend(cls, backend: ibis.BaseBackend) -> Store:
        """Wrap an already connected ibis backend (Spark, Trino, a warehouse) read-only."""
        self = cls.__new__(cls)
        self.url = f"{backend.name}://"
        self._local = threading.local()
        self._path = None
        self._db = None
        self._backend = backend
        self.read_only = True
        return self

    # ----- reading ---------------------------------------------------------------------------------
    @property
    def is_duckdb(self) -> bool:
        return self._db is not None

    @property
    def con(self) -> ibis.BaseBackend:
        """This thread's ibis backend (for DuckDB: over this thread's own cursor)."""
        if self._backend is not None:
            return self._backend
        con = getattr(self._local, "con", None)
        if con is None:
            con = ibis.duckdb.from_connection(self._db.cursor())
            self._local.con = con
        return con

    def table(self, name: str) -> ibis.Table:
        """A canonical table as an ibis expression (nothing is read yet), without the store's own
        ``_import_id`` column."""
        schema.table(name)
        tbl = self.con.table(name)
        return tbl.drop(schema.IMPORT_ID) if schema.IMPORT_ID in tbl.columns else tbl

    def execute(self, expr: ibis.Expr) -> Any:
        """Run an ibis expression in the engine; a table comes back as a pandas DataFrame."""
        return self.con.execute(expr)

    def count(self, name: str) -> int:
        return int(self.execute(self.table(name).count()))

    @property
    def data_version(self) -> int:
        """A number that changes on every committed write (0 for read-only foreign backends)."""
        if self._db is None:
            return 0
        with self._cursor() as cur:
            row = cur.execute("SELECT value FROM _meta WHERE key = 'data_version'").fetchone()
        return int(row[0]) if row else 0

    def is_empty(self) -> bool:
        return all(self.count(t) == 0 for t in ("orders", "opportunities", "customers"))

    def meta(self, key: str) -> str | None:
        if self._db is None:
            return None
        with self._cursor() as cur:
            row = cur.execute("SELECT text FROM _meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    # ----- writing ---------------------------------------------------------------------------------
    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._db.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def create_schema(self) -> None:
        """Create every canonical table that is missing. Idempotent; never touches existing data."""
        self._require_writable()
        with self._cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value BIGINT, text VARCHAR)"
            )
            cur.execute(
                "INSERT INTO _meta VALUES ('data_version', 0, NULL) ON CONFLICT DO NOTHING"
            )
            for tbl in schema.TABLES.values():
                cols = ", ".join(f'"{c.name}" {_DUCKDB_TYPES[c.type]}' for c in tbl.columns)
                cur.execute(f'CREATE TABLE IF NOT EXISTS "{tbl.name}" ({cols}, "{schema.IMPORT_ID}" BIGINT)')
                # a database made by an older salesdash: add the columns the schema has gained since
                have = {r[0] for r in cur.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [tbl.name]
                ).fetchall()}
                for c in tbl.columns:
                    if c.name not in have:
                        cur.execute(f'ALTER TABLE "{tbl.name}" ADD COLUMN "{c.name}" {_DUCKDB_TYPES[c.type]}')
                if schema.IMPORT_ID not in have:
                    cur.execute(f'ALTER TABLE "{tbl.name}" ADD COLUMN "{schema.IMPORT_ID}" BIGINT')

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """One atomic write: everything inside lands together or not at all.

        The data version is bumped in the same transaction. If the process dies midway, DuckDB's
        write-ahead log discards the uncommitted work on the next open.
        """
        self._require_writable()
        with _WRITE_LOCK, self._cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield Writer(cur)
                cur.execute("UPDATE _meta SET value = value + 1 WHERE key = 'data_version'")
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def set_meta(self, writer: Writer, key: str, text: str | None) -> None:
        writer.sql(
            "INSERT INTO _meta VALUES (?, NULL, ?) ON CONFLICT (key) DO UPDATE SET text = excluded.text",
            [key, text],
        )

    def replace_all(self, frames: dict[str, pd.DataFrame], *, meta: dict[str, str] | None = None,
                    forget_imports: bool = False) -> None:
        """Replace the contents of the given tables in one transaction (used by the demo builder).

        `forget_imports` also clears the history of imports and what their undo kept: once the data is
        replaced, undoing an earlier import would put its old rows back into data they never belonged to.
        """
        with self.transaction() as w:
            for name, frame in frames.items():
                w.delete_all(name)
                w.insert(name, frame)
            for k, v in (meta or {}).items():
                self.set_meta(w, k, v)
            if forget_imports:
                for (undo,) in w.sql("SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, '_undo_')"):
                    w.sql(f'DROP TABLE "{undo}"')
                self.ensure_import_log(w)
                w.sql("DELETE FROM _import_log")

    def checkpoint(self) -> None:
        if self._db is not None and not self.read_only:
            with self._cursor() as cur:
                cur.execute("CHECKPOINT")

    def _require_writable(self) -> None:
        if self._db is None or self.read_only:
            raise StoreError(f"the store at {self.url} is read-only")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # ----- import support (added for salesdash.ingest) ---------------------------------------------
    _IMPORT_LOG_DDL = (
        "CREATE TABLE IF NOT EXISTS _import_log (import_id BIGINT PRIMARY KEY, imported_at TIMESTAMP, "
        "file VARCHAR, table_name VARCHAR, mode VARCHAR, rows BIGINT, tables VARCHAR, "
        "undone BOOLEAN DEFAULT false)"
    )

    def ensure_import_log(self, writer: Writer) -> None:
        """Create the bookkeeping table of imports (internal, like _meta) when missing."""
        writer.sql(self._IMPORT_LOG_DDL)

    def import_log(self) -> pd.DataFrame:
        """The history of imports, newest first: import_id, imported_at, file, table_name, mode, rows, tables, undone."""
        cols = ["import_id", "imported_at", "file", "table_name", "mode", "rows", "tables", "undone"]
        if self._db is None:
            return pd.DataFrame(columns=cols)
        with self._cursor() as cur:
            exists = cur.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_import_log'"
            ).fetchone()[0]
            if not exists:
                return pd.DataFrame(columns=cols)
            return cur.execute(f"SELECT {', '.join(cols)} FROM _import_log ORDER BY import_id DESC").df()


def open_store(url: str | Path | None = None, **kwargs: Any) -> Store:
    """Open the store at `url`, or at the configured SALESDASH_DB when None."""
    from salesdash.config import settings

    return Store(url if url is not None else settings().database_url, **kwargs)
