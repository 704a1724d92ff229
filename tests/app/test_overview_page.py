"""The Overview page in both languages over the demo company."""

from __future__ import annotations

import pytest

from tests.app.conftest import ROOT, assert_clean, chart_specs, switch_language

pytestmark = pytest.mark.timeout(600)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_renders_kpis_and_charts(run_app, lang):
    at = run_app(lang=lang)
    assert_clean(at, lang)
    labels = [m.label for m in at.metric]
    assert len(labels) == 12
    if lang == "zh":
        assert "销售额" in labels and "赢单率" in labels
    else:
        assert "Revenue" in labels and "Win rate" in labels
    revenue = next(m for m in at.metric if m.label in ("Revenue", "销售额"))
    assert revenue.value.startswith("¥") and revenue.value != "¥0"
    specs = chart_specs(at)
    assert len(specs) == 3
    assert all(trace.get("x") or trace.get("y") for spec in specs for trace in spec["data"])
    # The channel chart says what its colours and its right-hand axis are, in the page's language.
    channel = specs[2]
    names = [trace.get("name") for trace in channel["data"]]
    margin = "毛利率" if lang == "zh" else "Gross margin"
    assert names == (["直销", "分销", margin] if lang == "zh" else ["Direct", "Indirect", margin])
    assert "title" not in channel["layout"]["yaxis2"]    # the legend names it (see charts.bar)
    assert channel["layout"]["yaxis"]["title"]["text"] == ("销售额" if lang == "zh" else "Revenue")


def test_filters_go_to_the_url_and_back(run_app):
    at = run_app(query={"start": "2025-01-01", "end": "2025-06-30", "regions": "east"})
    assert_clean(at, "en")
    assert at.query_params["start"] == ["2025-01-01"] or at.query_params["start"] == "2025-01-01"
    assert at.sidebar.multiselect(key="filters.regions@en").value == ["east"]


def test_bad_url_gives_a_message_and_the_nearest_view(run_app):
    at = run_app(query={"start": "2025-13-40", "regions": "atlantis"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "2025-13-40" in warnings and "atlantis" in warnings
    assert at.sidebar.multiselect(key="filters.regions@en").value == []
    assert len(at.metric) == 12


def test_empty_window_shows_an_empty_state(run_app):
    at = run_app(query={"start": "2026-11-28", "end": "2026-11-28", "regions": "northwest"})
    assert not at.exception and not at.error


def test_demo_notice_is_shown(run_app):
    at = run_app()
    assert any("demo" in i.value.lower() for i in at.sidebar.info)


def test_language_switch_keeps_filters_and_survives_page_changes(run_app):
    """Switching to Chinese keeps the chosen region; moving to another page keeps both."""
    at = run_app()
    at.sidebar.multiselect(key="filters.regions@en").set_value(["east"]).run()
    assert at.query_params["regions"] in ("east", ["east"])
    switch_language(at, "zh")
    assert at.title[0].value == "经营总览"
    assert at.sidebar.multiselect(key="filters.regions@zh").value == ["east"]
    at.run()  # a second run in Chinese must not trip over labels stored in English
    assert not at.exception
    at.switch_page(str(ROOT / "pages/funnel.py")).run()
    assert at.title[0].value == "销售漏斗管理"
    assert not at.exception
    assert at.query_params["lang"] in ("zh", ["zh"]) and at.query_params["regions"] in ("east", ["east"])
