"""End to end: a real `streamlit run` on 127.0.0.1, driven by Debian's Chromium through Playwright.

Loads the Overview, checks the KPIs and charts drew, switches to Chinese, visits every page in the
navigation, and fails on any browser console error or Streamlit exception box.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from salesdash import demo
    from salesdash.store import Store

    db = tmp_path_factory.mktemp("e2e") / "e2e.duckdb"
    store = Store(db)
    demo.build(store, scale=0.2, seed=7)
    store.close()  # the server process must be the only one holding the file
    return db


@contextmanager
def _serve(db: Path):
    """A fresh server started the way `make run` starts it (`python -m salesdash serve`)."""
    port = _free_port()
    env = {**os.environ, "SALESDASH_DB": str(db), "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "salesdash", "serve", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start:\n" + (proc.stdout.read() if proc.stdout else ""))
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server(demo_db):
    with _serve(demo_db) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def _wait_ready(page, *, charts: int = 1) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]') "
        "|| !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=120_000,
    )
    if charts:
        page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
                               timeout=120_000)


def test_overview_language_and_every_page(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))

    page.goto(server, wait_until="domcontentloaded")
    _wait_ready(page, charts=3)
    assert page.locator('[data-testid="stMetric"]').count() == 12
    assert page.get_by_role("heading", name="Overview").count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(tmp_path / "overview-en.png"), full_page=True)

    # Switch to Chinese: the title, the KPI labels and the navigation change; charts redraw.
    page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).first.click()
    page.wait_for_function("() => document.body.innerText.includes('经营总览')", timeout=60_000)
    _wait_ready(page, charts=3)
    assert "销售额" in page.inner_text('[data-testid="stMain"]')
    assert "lang=zh" in page.url

    # Visit every page in the navigation; each must draw without an exception box.
    links = page.locator('[data-testid="stSidebarNav"] a')
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs, "no navigation links"
    for href in hrefs:
        links = page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]')
        links.first.click()
        _wait_ready(page, charts=0)
        page.wait_for_timeout(500)
        _wait_ready(page, charts=0)
        assert page.locator('[data-testid="stException"]').count() == 0, href
        assert "lang=zh" in page.url, f"the language was lost on {href}"
    page.screenshot(path=str(tmp_path / "last-page-zh.png"), full_page=True)
    assert not console_errors, console_errors


def test_a_link_to_a_page_opens_that_page_on_a_fresh_server(demo_db, browser, tmp_path):
    """The first visitor of a just-started server follows a shared link: the page and its filters open,
    with no "Page not found" dialog (Streamlit's legacy pages/ mode would otherwise take the first session)."""
    db = tmp_path / "fresh.duckdb"   # the module's server holds a lock on demo_db
    shutil.copy(demo_db, db)
    with _serve(db) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        console_errors: list[str] = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.goto(f"{base}/sales-risk?lang=zh&regions=east", wait_until="domcontentloaded")
        _wait_ready(page, charts=1)
        assert page.get_by_role("heading", name="销售风险管理").count() >= 1
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_text("Deploy", exact=True).count() == 0   # a viewer's toolbar
        assert "regions=east" in page.url and "lang=zh" in page.url
        assert page.locator('[data-testid="stException"]').count() == 0
        # Streamlit's client first probes /<page>/_stcore/... for a base path; those 404s are its own.
        ours = [e for e in console_errors if "404" not in e]
        assert not ours, console_errors


def test_uploading_a_crm_export_picks_its_table_and_preset_and_imports_it(demo_db, browser, tmp_path):
    """The Data page as a person uses it: upload a Zoho CRM deals export, see it recognised (opportunities,
    the Zoho preset), import it, find it in the history."""
    db = tmp_path / "upload.duckdb"
    shutil.copy(demo_db, db)
    from playwright.sync_api import expect

    with _serve(db) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(f"{base}/data-import?lang=en", wait_until="domcontentloaded")
        _wait_ready(page, charts=0)
        page.locator('input[type="file"]').set_input_files(str(ROOT / "tests/ingest/samples/zoho_deals.csv"))
        expect(page.get_by_role("combobox", name="Mapping")).to_have_value("Zoho CRM Deals", timeout=60_000)
        expect(page.get_by_role("combobox", name="Table")).to_have_value(re.compile(r"^opportunities - "))
        page.get_by_role("button", name="Import", exact=True).click()
        # (Streamlit's markdown draws the report's "->" as an arrow)
        page.get_by_text(re.compile(r"zoho_deals\.csv \S+ opportunities: loaded")).first.wait_for(timeout=120_000)
        page.get_by_role("tab", name="History").click()
        assert page.get_by_text("zoho_deals.csv").count() >= 1
        assert page.locator('[data-testid="stException"]').count() == 0
