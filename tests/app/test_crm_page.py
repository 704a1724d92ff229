"""The CRM health page in both languages over the demo company."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from salesdash.analysis import crm
from salesdash.filters import Filters
from salesdash.metrics import format_value
from tests.app.conftest import assert_clean, chart_specs

pytestmark = pytest.mark.timeout(600)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def open_crm(run_app):
    """The page through app.py over the demo, in either language (tests/app/conftest.py: open_app)."""
    def open_(*, lang: str = "en", query: dict | None = None) -> AppTest:
        at = run_app("pages/crm.py", lang=lang, query=query)
        return at

    return open_


def _window(at) -> Filters:
    def one(k):
        v = at.query_params.get(k)
        v = v[-1] if isinstance(v, list) else v
        return dt.date.fromisoformat(v) if v else None

    return Filters(start=one("start"), end=one("end"))


def _metric(at, *labels):
    return next(m for m in at.metric if m.label in labels)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_crm_page_renders_in_both_languages(open_crm, demo_store, lang):
    at = open_crm(lang=lang)
    assert_clean(at, lang)
    labels = [m.label for m in at.metric]
    if lang == "zh":
        assert "活跃客户" in labels and "净推荐值" in labels and "客户满意度（CSAT）" in labels
    else:
        assert "Active customers" in labels and "NPS" in labels and "CSAT" in labels
    # The KPI a manager checks first agrees with the analysis on the same window.
    s = crm.summary(demo_store, _window(at))
    assert _metric(at, "Active customers", "活跃客户").value == format_value("crm_active_customers", s.active)
    assert _metric(at, "NPS", "净推荐值").value == format_value("nps", s.nps)
    assert s.active > 0 and s.at_risk > 0 and s.churned > 0
    specs = chart_specs(at)
    assert len(specs) >= 12
    assert all(trace.get("x") is not None or trace.get("z") is not None for spec in specs for trace in spec["data"])
    captions = " ".join(c.value for c in at.caption)
    assert "BG/NBD" in captions  # the fitted CLV parameters are shown


def test_thresholds_are_the_users(open_crm):
    at = open_crm()
    before = int(_metric(at, "Active customers").value.replace(",", ""))
    at.number_input(key="crm.active_days").set_value(30).run()
    assert not at.exception and not at.error
    after = int(_metric(at, "Active customers").value.replace(",", ""))
    assert after < before


def test_an_empty_window_shows_an_empty_state(open_crm):
    at = open_crm(query={"start": "2026-11-28", "end": "2026-11-28", "regions": "northwest"})
    assert not at.exception and not at.error


def test_the_page_is_in_the_navigation(run_app):
    at = run_app("pages/crm.py")
    assert not at.exception
    assert at.title and at.title[0].value == "CRM health"
