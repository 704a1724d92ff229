"""``python -m salesdash COMMAND``: demo, report, bench, import, profile, export, schema, serve.

Each command lives in its own module with ``register(subparsers)``; the module sets ``func`` on its parser.
A command returns an exit status. Expected failures raise :class:`salesdash.cli.CliError` and are printed
as one line on stderr (exit 2); nothing a user can cause prints a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings

from salesdash.cli import CliError

# One line per command module; each has register(subparsers).
COMMAND_MODULES = (
    "salesdash.cli.demo",
    "salesdash.cli.report",
    "salesdash.cli.bench",
    "salesdash.cli.schema_doc",
    "salesdash.cli.ingest",
    "salesdash.cli.serve",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m salesdash", description="salesdash command line")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore", message=".*fetch_arrow_table.*")
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if args.command == "serve":   # everything after `serve` belongs to `streamlit run`
        args.streamlit_args = unknown + list(args.streamlit_args)
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return int(args.func(args) or 0)
    except CliError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `report ... | head`: the reader has seen enough
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
