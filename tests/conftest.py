"""Fixtures shared by every test folder: the demo company in memory, and a DuckDB store built from it."""

from __future__ import annotations

import datetime as dt

import pytest

#: the demo every test shares: small, seeded, and with a fixed "today" so figures do not move with the clock
DEMO_PARAMS = {"scale": 0.2, "seed": 7, "today": dt.date(2026, 11, 29)}


@pytest.fixture(scope="session")
def demo_company():
    """The demo company at scale 0.2 (about 1,000 customers, 13,000 order lines), generated once."""
    from salesdash import demo

    return demo.generate(**DEMO_PARAMS)


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """A real DuckDB file holding the same demo company, built with ``demo.build``."""
    from salesdash import demo
    from salesdash.store import Store

    store = Store(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    demo.build(store, **DEMO_PARAMS)
    yield store
    store.close()
