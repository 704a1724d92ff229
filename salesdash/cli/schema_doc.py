"""``python -m salesdash schema``: the canonical tables as Markdown (the import contract)."""

from __future__ import annotations

import argparse

from salesdash import schema


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="print the canonical tables and columns (Markdown)")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    zh = args.lang == "zh"
    for tbl in schema.TABLES.values():
        print(f"## {tbl.name}: {tbl.zh if zh else tbl.en}\n")
        print(f"key: {', '.join(tbl.key)}\n")
        print("| column | type | required | allowed / reference | meaning |\n|---|---|---|---|---|")
        for c in tbl.columns:
            rule = ", ".join(c.allowed) if c.allowed else (f"→ {c.ref}" if c.ref else "")
            if c.minimum is not None or c.maximum is not None:
                rule = (rule + " " if rule else "") + f"[{c.minimum if c.minimum is not None else ''}, " \
                       f"{c.maximum if c.maximum is not None else ''}]"
            print(f"| {c.name} | {c.type} | {'yes' if c.required else ''} | {rule} | {c.zh if zh else c.en} |")
        print()
    return 0
