"""``python -m salesdash bench [--scale N] [--db PATH]``: time every page's analysis, print JSON.

For each report page: ``cold`` is a fresh process running ``report PAGE`` (imports, open, query), with its
peak memory; ``warm`` is the same analysis called again in this process on an open store (median of
--repeat runs). Without --db, a demo company of --scale is built in a temporary folder first (its build
time is reported too). Figures are printed, never asserted: speed is measured, not promised.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from salesdash.cli import add_db_option, open_cli_store
from salesdash.cli.report import REPORTS
from salesdash.filters import Filters


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="time each page's analysis cold and warm; print JSON")
    add_db_option(p)
    p.add_argument("--scale", type=float, default=1.0, help="demo size when --db is not given")
    p.add_argument("--repeat", type=int, default=3, help="warm runs per page (median reported)")
    p.add_argument("--pages", help="comma-separated pages (default: all)")
    p.add_argument("--segments", type=int, metavar="N",
                   help="also time the Segments page's steps on N synthetic customers (e.g. 1000000)")
    p.add_argument("--import-rows", type=int, metavar="N",
                   help="also time importing an N-line CSV against DuckDB's own read_csv (e.g. 10000000)")
    p.set_defaults(func=run)


def _cold(page: str, db: str) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c",
         "import resource, sys\n"
         "from salesdash.__main__ import main\n"
         f"rc = main(['report', {page!r}, '--db', {db!r}])\n"
         "sys.stderr.write('MAXRSS %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
         "sys.exit(rc)\n"],
        capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    seconds = time.perf_counter() - t0
    rss = [int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("MAXRSS")]
    return {"seconds": round(seconds, 3), "peak_mb": round(rss[0] / 1024, 1) if rss else None,
            "ok": proc.returncode == 0}


def _warm(page: str, store, repeat: int) -> dict:
    module = importlib.import_module(REPORTS[page])
    args = argparse.Namespace()
    module.report_json(store, Filters(), args)  # first call: caches, plans
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        module.report_json(store, Filters(), args)
        times.append(time.perf_counter() - t0)
    return {"seconds": round(statistics.median(times), 3)}


def run(args: argparse.Namespace) -> int:
    from salesdash import demo

    pages = args.pages.split(",") if args.pages else list(REPORTS)
    out: dict = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "pages": {}}
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = str(Path(tmp) / "bench.duckdb")
            store = open_cli_store(db, must_exist=False)
            t0 = time.perf_counter()
            company = demo.build(store, scale=args.scale, seed=7)
            store.checkpoint()
            out["demo"] = {"scale": args.scale, "build_seconds": round(time.perf_counter() - t0, 2),
                           "order_lines": len(company.tables["orders"]),
                           "opportunities": len(company.tables["opportunities"])}
            store.close()
        for page in pages:
            out["pages"][page] = {"cold": _cold(page, db)}
        store = open_cli_store(db, read_only=True)
        for page in pages:
            out["pages"][page]["warm"] = _warm(page, store, args.repeat)
        store.close()
    if args.segments:
        from salesdash.analysis.segments_bench import bench_segments

        out["segments"] = bench_segments(args.segments, out=io.StringIO())
    if args.import_rows:
        from dataclasses import asdict

        from salesdash.ingest.bench import bench_import

        with contextlib.redirect_stdout(io.StringIO()):  # it prints its own JSON; ours includes it
            out["import"] = asdict(bench_import(args.import_rows))
    out["peak_mb_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
