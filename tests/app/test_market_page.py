"""The Market research page in both languages over the demo company."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from salesdash.analysis import market
from salesdash.filters import Filters
from salesdash.metrics import format_value
from salesdash.i18n import set_language
from tests.app.conftest import assert_clean, chart_specs

pytestmark = pytest.mark.timeout(600)


def _open(run_app, lang: str, query: dict) -> AppTest:
    """The page through app.py in `lang` (see tests/app/conftest.py: open_app)."""
    return run_app("pages/market.py", lang=lang, query=query)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_market_page_renders(run_app, demo_store, lang):
    set_language(lang)
    try:
        at = _open(run_app, lang, {"period": "all"})
        assert_clean(at, lang)
        category = at.selectbox(key=f"market.price_category@{lang}").value
    finally:
        set_language("en")
    labels = {m.label: m.value for m in at.metric}
    respondents = market.summary(demo_store, Filters()).respondents
    key = "调研样本数" if lang == "zh" else "Survey respondents"
    assert labels[key] == format_value("survey_respondents", respondents)
    # the planted target group is named first (codes are translated in Chinese)
    best = " ".join(s.value for s in at.success)
    assert ("25-34 · 白领" in best and "电子" in best) if lang == "zh" else "25-34 · White-collar" in best
    specs = chart_specs(at)
    assert len(specs) >= 6
    titles = [spec["layout"]["title"]["text"] for spec in specs]
    assert any("Van Westendorp" in x for x in titles)
    # the Van Westendorp chart marks the optimal price point the analysis finds
    vw = market.price_sensitivity(demo_store, Filters(), category=category)
    opp = next(a for spec in specs for a in spec["layout"].get("annotations", []) if a["text"].startswith("OPP"))
    assert opp["x"] == pytest.approx(vw.opp)


def test_market_page_switches_group_and_segment(run_app):
    at = _open(run_app, "en", {"period": "all"})
    at.selectbox(key="market.by@en").set_value("occupation").run()
    at.selectbox(key="market.price_by@en").set_value("income_band").run()
    assert_clean(at, "en")
    assert at.selectbox(key="market.price_group@en").value is not None
    at.radio(key="market.share_by@en").set_value("category").run()
    at.radio(key="market.pref_question@en").set_value("brand_used").run()
    assert_clean(at, "en")


def test_market_page_with_too_little_survey_data(run_app):
    # one week of survey answers: groups are too few to rank, the meter and the tests say what they need
    at = _open(run_app, "en", {"start": "2026-11-21", "end": "2026-11-27"})
    assert not at.exception and not at.error
    texts = " ".join(i.value for i in at.info)
    assert "Not enough data" in texts
