"""The command line as a user runs it: a real process, a real database file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tiny_company import build_tiny

ROOT = Path(__file__).resolve().parents[1]


def salesdash(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "salesdash", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory) -> str:
    store = build_tiny(tmp_path_factory.mktemp("cli") / "tiny.duckdb")
    url = store.url
    store.close()
    return url


def test_report_overview_json(tiny_db):
    r = salesdash("report", "overview", "--db", tiny_db, "--start", "2025-03-01", "--end", "2025-03-31")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    for key in ("revenue", "gross_profit", "gross_margin", "orders", "customers", "win_rate", "pipeline_value",
                "quota_attainment", "nps"):
        assert key in data and key in data["previous"], key
    assert data["revenue"] == 500.0 and data["previous"]["revenue"] == 80.0
    assert data["win_rate"] == pytest.approx(2 / 3)
    assert data["start"] == "2025-03-01"


def test_report_without_window_covers_all_data(tiny_db):
    data = json.loads(salesdash("report", "overview", "--db", tiny_db).stdout)
    assert data["revenue"] == 580.0 and data["previous"] is None


def test_report_region_and_csv(tiny_db):
    r = salesdash("report", "overview", "--db", tiny_db, "--region", "north", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = dict(line.split(",", 1) for line in r.stdout.strip().splitlines()[1:])
    assert float(rows["revenue"]) == 150.0


@pytest.mark.parametrize("args, message", [
    (["report", "nosuchpage"], "invalid choice"),
    (["report", "overview", "--region", "atlantis"], "unknown region 'atlantis'"),
    (["report", "overview", "--start", "2025-02-30"], "is not a date"),
    (["report", "overview", "--start", "2025-03-01", "--end", "2025-01-01"], "is before --start"),
])
def test_bad_options_exit_non_zero_with_one_clear_line(tiny_db, args, message):
    if "--db" not in args and args[1] == "overview":
        args = args + ["--db", tiny_db]
    r = salesdash(*args)
    assert r.returncode != 0
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_database_is_one_line(tmp_path):
    r = salesdash("report", "overview", "--db", str(tmp_path / "nope.duckdb"))
    assert r.returncode == 2 and "database not found" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_schema_doc_lists_every_table():
    from salesdash import schema

    out = salesdash("schema").stdout
    for name in schema.TABLES:
        assert f"## {name}:" in out


def test_serve_passes_options_to_streamlit_and_adds_only_missing_defaults():
    from salesdash.cli.serve import streamlit_options

    from salesdash.config import settings

    limit = str(int(settings().max_import_mb))   # the uploader takes what an import takes
    assert streamlit_options(["--server.port", "8502"]) == [
        "--server.port", "8502", "--client.toolbarMode", "viewer", "--browser.gatherUsageStats", "false",
        "--server.maxUploadSize", limit]
    assert streamlit_options(["--client.toolbarMode=developer", "--browser.gatherUsageStats", "true",
                              "--server.maxUploadSize=50"]) == [
        "--client.toolbarMode=developer", "--browser.gatherUsageStats", "true", "--server.maxUploadSize=50"]


def test_profile_suggest_then_import_with_it(tmp_path):
    sample = Path(__file__).parent / "ingest" / "samples" / "zoho_deals.csv"
    suggested = salesdash("profile", "suggest", str(sample))   # no --table: the headers say opportunities
    assert suggested.returncode == 0, suggested.stderr
    profile = json.loads(suggested.stdout)
    assert profile["table"] == "opportunities" and profile["name"] == "Zoho CRM Deals"
    (tmp_path / "p.json").write_text(suggested.stdout, encoding="utf-8")
    db = str(tmp_path / "cli.duckdb")
    salesdash("demo", "--db", db, "--scale", "0.05")
    dry = salesdash("import", str(sample), "--table", "opportunities", "--profile", str(tmp_path / "p.json"),
                    "--db", db, "--dry-run")
    assert dry.returncode == 0 and "dry run" in dry.stdout   # 0: it would load (and wrote nothing: see next)
    done = salesdash("import", str(sample), "--table", "opportunities", "--profile", str(tmp_path / "p.json"),
                     "--db", db)
    assert done.returncode == 0 and "loaded" in done.stdout, done.stdout + done.stderr
    again = salesdash("import", str(sample), "--table", "opportunities", "--profile", str(tmp_path / "p.json"),
                      "--db", db, "--dry-run")   # the same deals again: their keys exist now
    assert again.returncode == 1 and "NOT loaded" in again.stderr and "zcrm_" in again.stderr
