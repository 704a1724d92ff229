"""Command-line plumbing shared by the commands: the error type and common options."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["CliError", "add_db_option", "open_cli_store"]


class CliError(Exception):
    """An expected failure, shown to the user as one line (no traceback)."""


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file or URL (default: SALESDASH_DB or data/salesdash.duckdb)")


def open_cli_store(db: str | None, *, must_exist: bool = True, read_only: bool = False):
    """Open the store named on the command line; a missing database is a CliError, not a traceback."""
    from salesdash.config import settings
    from salesdash.store import Store, StoreError

    url = db or settings().database_url
    if must_exist and "://" not in url and url != ":memory:" and not Path(url).exists():
        raise CliError(f"database not found: {url} (build the demo with `python -m salesdash demo --db {url}`)")
    try:
        return Store(url, read_only=read_only, create=not read_only)
    except StoreError as e:
        raise CliError(str(e)) from None
    except Exception as e:  # duckdb.IOException: locked by another process, not a database, ...
        raise CliError(f"cannot open {url}: {str(e).splitlines()[0]}") from None
