"""``python -m salesdash report PAGE [options]``: a page's headline figures as JSON or CSV.

The figures come from the same ``summary`` functions the pages call, so screen and report agree.
Each page is one line in :data:`REPORTS`: the analysis module, which provides
``report_json(store, filters, args) -> dict`` and, if it takes options of its own,
``add_report_arguments(parser)``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import json
import math
import sys

from salesdash.cli import CliError, add_db_option, open_cli_store
from salesdash.filters import Filters, known_values

# page name -> analysis module. One line per page.
REPORTS = {
    "overview": "salesdash.analysis.overview",
    "channels": "salesdash.analysis.channels",
    "team": "salesdash.analysis.team",
    "crm": "salesdash.analysis.crm",
    "funnel": "salesdash.analysis.funnel",
    "market": "salesdash.analysis.market",
    "presale": "salesdash.analysis.presale",
    "risk": "salesdash.analysis.risk",
    "forecast": "salesdash.analysis.forecast",
    "segments": "salesdash.analysis.segments",
}

_DIMS = (("region", "regions"), ("channel", "channels"), ("category", "categories"), ("team", "teams"),
         ("rep", "reps"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="print a page's headline figures (JSON or CSV)")
    pages = p.add_subparsers(dest="page", required=True, metavar="PAGE")
    for name, module_path in REPORTS.items():
        module = importlib.import_module(module_path)
        pp = pages.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
        add_db_option(pp)
        pp.add_argument("--start", help="first day, YYYY-MM-DD (default: the first day of the data)")
        pp.add_argument("--end", help="last day, YYYY-MM-DD (default: the last day of the data)")
        for flag, _ in _DIMS:
            pp.add_argument(f"--{flag}", action="append", help=f"only this {flag} (repeatable)")
        pp.add_argument("--format", choices=("json", "csv"), default="json")
        if hasattr(module, "add_report_arguments"):
            module.add_report_arguments(pp)
        pp.set_defaults(func=run, module=module_path)


def _date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{flag} {value!r} is not a date (expected YYYY-MM-DD)") from None


def filters_from_args(store, args: argparse.Namespace) -> Filters:
    """Validated Filters from the command line: unknown values and impossible dates are CliErrors."""
    start, end = _date(args.start, "--start"), _date(args.end, "--end")
    if start and end and end < start:
        raise CliError(f"--end {end} is before --start {start}")
    chosen = {}
    for flag, dim in _DIMS:
        values = tuple(getattr(args, flag) or ())
        if values:
            known = known_values(store, dim)
            bad = [v for v in values if v not in known]
            if bad:
                raise CliError(f"unknown {flag} {', '.join(map(repr, bad))}; known: {', '.join(known[:30])}")
        chosen[dim] = values
    return Filters(start=start, end=end, **chosen)


def _clean(v):
    """Plain JSON: NaN/inf become null, dates ISO, numpy scalars plain numbers."""
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _flatten(prefix: str, v, rows: list) -> None:
    if isinstance(v, dict):
        for k, x in v.items():
            _flatten(f"{prefix}.{k}" if prefix else k, x, rows)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _flatten(f"{prefix}[{i}]", x, rows)
    else:
        rows.append((prefix, v))


def run(args: argparse.Namespace) -> int:
    module = importlib.import_module(args.module)
    store = open_cli_store(args.db, read_only=True)
    filters = filters_from_args(store, args)
    data = _clean(module.report_json(store, filters, args))
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        rows: list = []
        _flatten("", data, rows)
        w = csv.writer(sys.stdout)
        w.writerow(["key", "value"])
        w.writerows(rows)
    return 0
