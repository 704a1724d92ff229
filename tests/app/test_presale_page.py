"""The Presale page in both languages over the demo company."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from salesdash.analysis import presale
from salesdash.filters import Filters
from salesdash.metrics import format_value
from salesdash.i18n import set_language
from tests.app.conftest import assert_clean, chart_specs

pytestmark = pytest.mark.timeout(600)


def _open(run_app, lang: str, query: dict) -> AppTest:
    """The page through app.py in `lang` (see tests/app/conftest.py: open_app)."""
    return run_app("pages/presale.py", lang=lang, query=query)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presale_page_renders(run_app, demo_store, lang):
    set_language(lang)
    try:
        at = _open(run_app, lang, {"period": "all"})
        assert_clean(at, lang)
    finally:
        set_language("en")
    s = presale.summary(demo_store, Filters())
    labels = {}
    for m in at.metric:  # the KPI row comes first (the planner repeats some labels further down)
        labels.setdefault(m.label, m.value)
    conversion = "定金→尾款转化率" if lang == "zh" else "Deposit → final payment"
    assert labels[conversion] == format_value("presale_conversion_rate", s.conversion_rate)
    assert labels["ROI" if lang == "en" else "投资回报率"] == format_value("presale_roi", s.roi)
    best = " ".join(x.value for x in at.success)
    assert ("会员专享" if lang == "zh" else "Members only") in best
    specs = chart_specs(at)
    assert len(specs) >= 7
    assert all(trace.get("x") is not None or trace.get("y") is not None for spec in specs for trace in spec["data"])


def test_presale_planner_and_forecast_respond(run_app, demo_store):
    at = _open(run_app, "en", {"period": "all"})
    at.selectbox(key="presale.plan_type@en").set_value("member_only").run()
    at.selectbox(key="presale.plan_segment@en").set_value("members").run()
    assert_clean(at, "en")
    expected = next(m for m in at.metric if m.label == "Expected reservations")
    assert expected.value not in ("–", "0")
    at.radio(key="presale.baseline@en").set_value("control").run()
    ids = list(presale.campaign_results(demo_store, Filters())["campaign_id"])
    at.selectbox(key="presale.forecast_campaign").set_value(ids[-1]).run()
    assert_clean(at, "en")
    titles = [spec["layout"]["title"]["text"] for spec in chart_specs(at)]
    assert any("Forecast of the final reservations" in x for x in titles)


def test_presale_page_without_campaigns_shows_an_empty_state(run_app):
    at = _open(run_app, "en", {"start": "2026-11-20", "end": "2026-11-27"})
    assert not at.exception and not at.error
    assert at.info  # no campaign started in those days
