"""The Funnel page in both languages over the demo company."""

from __future__ import annotations

import pytest

from salesdash.analysis import funnel
from salesdash.filters import Filters
from salesdash.i18n import set_language
from salesdash.metrics import format_value
from tests.app.conftest import assert_clean, chart_specs

pytestmark = pytest.mark.timeout(600)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_funnel_page_renders(run_app, demo_store, lang):
    set_language(lang)  # AppTest formats widget values in this thread: keep it in the page's language
    try:
        at = run_app("pages/funnel.py", lang=lang, query={"period": "all"})
        assert_clean(at, lang)
        labels = [m.label for m in at.metric]
        assert ("赢单率（按创建）" if lang == "zh" else "Win rate (deals created)") in labels
        # the win rate shown is the analysis' win rate over all dates
        expected = format_value("funnel_win_rate", funnel.summary(demo_store, Filters()).total.win_rate)
        win = next(m for m in at.metric if m.label in ("Win rate (deals created)", "赢单率（按创建）"))
        assert win.value == expected
    finally:
        set_language("en")
    specs = chart_specs(at)
    kinds = {trace.get("type") for spec in specs for trace in spec["data"]}
    assert {"funnel", "waterfall", "heatmap"} <= kinds
    stage_table = at.dataframe[0].value  # the figures under the funnel: one row per stage
    assert len(stage_table) == 4
    if lang == "en":  # picking a stage lists its deals; comparing channels states the test in words
        at.selectbox(key="funnel.stage").set_value("won").run()
        assert_clean(at, "en")
        deals = at.dataframe[1].value  # the deals of the picked stage
        assert len(deals) == funnel.summary(demo_store, Filters()).total.won
        assert set(deals["Status"]) == {"Won"}
        at.selectbox(key="funnel.by").set_value("channel").run()
        assert_clean(at, "en")
        assert any("Significant at 95%" in m.value for m in at.markdown)
