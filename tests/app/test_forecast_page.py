"""The Forecast page in both languages over the demo company."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from salesdash.i18n import set_language
from tests.app.conftest import assert_clean, chart_specs

pytestmark = pytest.mark.timeout(600)


@pytest.fixture()
def open_page(run_app):
    """The page through app.py over the demo, in either language (tests/app/conftest.py: open_app)."""

    def run(lang: str = "en", query: dict | None = None) -> AppTest:
        set_language(lang)  # AppTest formats widget values in this thread
        at = run_app("pages/forecast.py", lang=lang, query=query)
        return at

    yield run
    set_language("en")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_forecast_page_renders(open_page, lang):
    at = open_page(lang)
    assert_clean(at, lang)
    labels = [m.label for m in at.metric]
    assert ("Forecast, next month" if lang == "en" else "下月预测") in labels
    nxt = next(m for m in at.metric if m.label in ("Forecast, next month", "下月预测"))
    assert nxt.value.startswith("¥") and nxt.value != "¥0"
    mape = next(m for m in at.metric if m.label in ("Backtest error (MAPE)", "回测误差（MAPE）"))
    assert mape.value.endswith("%")
    specs = chart_specs(at)
    # the forecast chart: actuals solid, forecast dashed, a shaded interval, and the month in progress
    main = specs[0]
    dashes = {tr.get("name"): (tr.get("line") or {}).get("dash") for tr in main["data"]}
    assert "dash" in dashes.values() and any(tr.get("fill") == "toself" for tr in main["data"])
    assert len(specs) >= 4  # forecast, backtest, quarter, win rate by stage
    if lang == "zh":
        return
    # a shorter horizon, split by region (done here to save a run of the page)
    at.slider(key="forecast.horizon").set_value(3)
    at.selectbox(key="forecast.by").set_value("region").run()
    assert_clean(at, "en")
    main = chart_specs(at)[0]
    fc_trace = next(tr for tr in main["data"] if (tr.get("line") or {}).get("dash") == "dash")
    assert len(fc_trace["x"]) == 3 + 1  # three forecast months, joined to the last actual
    assert len(chart_specs(at)) >= 6  # plus the regions' charts


def test_short_history_says_what_is_needed(open_page):
    at = open_page(query={"start": "2024-01-01", "end": "2024-06-30"})
    assert not at.exception and not at.error
    texts = " ".join(i.value for i in at.info)
    assert "12" in texts  # fewer than 12 complete months: no model, and the page says so
