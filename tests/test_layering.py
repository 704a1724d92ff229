"""Data flows one way: streamlit only in app.py, pages/ and salesdash/ui/; no SQL text in pages."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_streamlit_is_imported_only_where_allowed():
    offenders = []
    for path in (ROOT / "salesdash").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("salesdash/ui/") or rel == "salesdash/cli/serve.py":   # serve starts the server
            continue
        if re.search(r"^\s*(import streamlit|from streamlit)", path.read_text(encoding="utf-8"), re.M):
            offenders.append(rel)
    assert not offenders


def test_pages_hold_no_sql_and_no_duckdb():
    for path in (ROOT / "pages").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bSELECT\b.+\bFROM\b", text), path.name
        assert "import duckdb" not in text, path.name


def test_duckdb_is_used_only_by_the_store_and_ingest_fast_path():
    allowed = {"salesdash/store.py"}
    users = {p.relative_to(ROOT).as_posix() for p in (ROOT / "salesdash").rglob("*.py")
             if re.search(r"^\s*import duckdb|^\s*from duckdb", p.read_text(encoding="utf-8"), re.M)}
    assert users <= allowed, users - allowed
