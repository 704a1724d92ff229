"""``python -m salesdash import | profile suggest | export``: bring data in and take it out.

- ``import FILE --table TABLE [--profile FILE | --preset NAME] [--mode append|replace|upsert] [--db PATH]
  [--dry-run] [--date-order dmy|mdy] [--skip-bad-rows]``: prints the validation report; exit status 0 only
  when the rows loaded (with ``--dry-run``: when they would load), otherwise 1 with the report.
- ``profile suggest FILE [--table TABLE]``: prints the suggested profile as JSON (what ``--profile`` reads);
  without ``--table``, for the table the headers suggest.
- ``export TABLE --to FILE``: writes a table to .csv or .xlsx.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from salesdash.cli import CliError, add_db_option, open_cli_store


def register(sub: argparse._SubParsersAction) -> None:
    from salesdash import schema

    p = sub.add_parser("import", help="import a CSV/TSV/XLSX/Parquet file into a table (one transaction)")
    p.add_argument("file")
    p.add_argument("--table", required=True, choices=list(schema.TABLES))
    src = p.add_mutually_exclusive_group()
    src.add_argument("--profile", help="mapping profile file (.json or .toml)")
    src.add_argument("--preset", help="built-in preset (zoho_deals, fxiaoke_opportunities, ...)")
    p.add_argument("--mode", choices=["append", "replace", "upsert"], default="append")
    p.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    p.add_argument("--date-order", choices=["dmy", "mdy"], help="day-first or month-first, when the data cannot tell")
    p.add_argument("--skip-bad-rows", action="store_true", help="load the good rows, list the bad ones")
    p.add_argument("--encoding", help="text encoding (default: detected)")
    p.add_argument("--delimiter", help="field delimiter (default: detected)")
    p.add_argument("--snapshot-date", help="date the export was taken, YYYY-MM-DD (default: today)")
    p.add_argument("--lang", choices=["en", "zh"], help="language of the report")
    add_db_option(p)
    p.set_defaults(func=run_import)

    prof = sub.add_parser("profile", help="mapping profiles")
    psub = prof.add_subparsers(dest="profile_command", required=True, metavar="ACTION")
    s = psub.add_parser("suggest", help="print a suggested profile for a file (JSON, for --profile)")
    s.add_argument("file")
    s.add_argument("--table", choices=list(schema.TABLES),
                   help="the table the file holds (default: guessed from its headers, as the Data page does)")
    s.add_argument("--lang", choices=["en", "zh"])
    s.set_defaults(func=run_suggest)

    e = sub.add_parser("export", help="export a table to .csv or .xlsx")
    e.add_argument("table", choices=list(schema.TABLES))
    e.add_argument("--to", required=True, dest="to", help="output file (.csv or .xlsx)")
    e.add_argument("--lang", choices=["en", "zh"])
    add_db_option(e)
    e.set_defaults(func=run_export)


def _language(args: argparse.Namespace) -> None:
    from salesdash.config import settings
    from salesdash.i18n import set_language

    set_language(getattr(args, "lang", None) or settings().default_language)


def run_import(args: argparse.Namespace) -> int:
    from salesdash.i18n import t
    from salesdash.ingest import IngestError, import_file, load_profile, pipeline_hygiene, preset

    _language(args)
    try:
        profile = load_profile(args.profile) if args.profile else preset(args.preset) if args.preset else None
    except IngestError as e:
        raise CliError(e.problem.message()) from None
    snapshot = None
    if args.snapshot_date:
        try:
            snapshot = dt.date.fromisoformat(args.snapshot_date)
        except ValueError:
            raise CliError(t("data.cli.bad_snapshot_date", value=args.snapshot_date)) from None
    store = open_cli_store(args.db, must_exist=False)
    report = import_file(store, args.file, table=args.table, profile=profile, mode=args.mode,
                         dry_run=args.dry_run, on_error="skip" if args.skip_bad_rows else "refuse",
                         date_order=args.date_order, snapshot_date=snapshot, encoding=args.encoding,
                         delimiter=args.delimiter)
    print("\n".join(report.lines()), file=sys.stdout if report.loaded or report.ok else sys.stderr)
    if report.loaded and args.table == "opportunities":
        h = pipeline_hygiene(store)
        print(t("data.hygiene.cli", zero=len(h.zero_amount_late), overdue=len(h.overdue), stale=len(h.stale),
                slipping=len(h.slipping)))
    store.close()
    if args.dry_run:
        return 0 if report.ok and report.rows_loadable > 0 else 1
    return 0 if report.loaded else 1


def run_suggest(args: argparse.Namespace) -> int:
    from salesdash.ingest import IngestError, read_table, suggest_profile, suggest_table

    _language(args)
    try:
        raw = read_table(args.file)
    except IngestError as e:
        raise CliError(e.problem.message()) from None
    print(suggest_profile(raw, args.table or suggest_table(raw)).to_json())
    return 0


def run_export(args: argparse.Namespace) -> int:
    from salesdash.i18n import t
    from salesdash.ingest import IngestError, export_table

    _language(args)
    store = open_cli_store(args.db, read_only=True)
    try:
        n = export_table(store, args.table, args.to)
    except IngestError as e:
        raise CliError(e.problem.message()) from None
    except OSError as e:
        raise CliError(t("data.cli.cannot_write", path=args.to, reason=e.strerror or str(e))) from None
    print(t("data.cli.exported", rows=n, table=args.table, path=args.to))
    return 0
