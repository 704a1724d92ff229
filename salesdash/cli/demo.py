"""``python -m salesdash demo [--db PATH] [--scale N] [--seed S]``: build the demo company."""

from __future__ import annotations

import argparse
import time

from salesdash.cli import CliError, add_db_option, open_cli_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build the demo company into the database (replaces its data)")
    add_db_option(p)
    p.add_argument("--scale", type=float, default=1.0, help="size multiplier (1 = about 5,000 customers)")
    p.add_argument("--seed", type=int, default=7, help="random seed; the same seed gives the same data")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from salesdash import demo

    if args.scale <= 0:
        raise CliError("--scale must be positive")
    store = open_cli_store(args.db, must_exist=False)
    t0 = time.perf_counter()
    company = demo.build(store, scale=args.scale, seed=args.seed)
    store.checkpoint()
    rows = {name: len(df) for name, df in company.tables.items()}
    print(f"demo company built in {time.perf_counter() - t0:.1f}s into {store.url}: "
          + ", ".join(f"{n} {k}" for k, n in rows.items()))
    return 0
