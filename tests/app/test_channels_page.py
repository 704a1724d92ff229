"""The Channels page in both languages over the demo company."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from salesdash.analysis import channels
from salesdash.filters import Filters
from salesdash.i18n import set_language
from salesdash.metrics import format_value
from tests.app.conftest import assert_clean, chart_specs

pytestmark = pytest.mark.timeout(600)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def open_page(run_app):
    """The page through app.py over the demo, in either language (tests/app/conftest.py: open_app)."""
    def open_(page: str, *, lang: str = "en", query: dict | None = None) -> AppTest:
        at = run_app(page, lang=lang, query=query)
        return at

    return open_


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_channels_page_renders(open_page, demo_store, lang):
    at = open_page("pages/channels.py", lang=lang)
    assert_clean(at, lang)
    labels = [m.label for m in at.metric]
    assert len(labels) == 8
    assert ("最佳渠道转化率倍数" if lang == "zh" else "Best channel's conversion vs the rest") in labels
    # the revenue shown is the analysis' revenue over the page's window, formatted in the page's language
    q = at.query_params
    one = lambda k: q[k][0] if isinstance(q[k], list) else q[k]  # noqa: E731
    f = Filters(start=dt.date.fromisoformat(one("start")), end=dt.date.fromisoformat(one("end")))
    set_language(lang)
    expected = format_value("revenue", channels.summary(demo_store, f).revenue)
    set_language("en")
    revenue = next(m for m in at.metric if m.label in ("Revenue", "销售额"))
    assert revenue.value == expected
    specs = chart_specs(at)
    assert len(specs) >= 8
    assert all(trace.get("x") is not None or trace.get("z") is not None or trace.get("y") is not None
               for spec in specs for trace in spec["data"])
    if lang == "en":  # the quadrant's axes follow the choice
        at.segmented_control(key="channels.quadrant").set_value("volume_conversion").run()
        assert_clean(at, "en")
        spec = next(s for s in chart_specs(at) if "Efficiency" in str(s["layout"].get("title")))
        assert "Opportunities" in str(spec["layout"]["xaxis"]["title"])


def test_channel_filter_narrows_the_page(open_page):
    at = open_page("pages/channels.py", query={"channels": "CH03", "period": "all"})
    assert_clean(at, "en")
    assert at.title[0].value == "Sales channels"
    per_channel = next(d.value for d in at.dataframe if "Conversion" in d.value.columns)
    assert list(per_channel["Channel"]) == ["Direct sales team"]


def test_the_page_is_in_the_navigation():
    assert '"pages/channels.py"' in (ROOT / "app.py").read_text(encoding="utf-8")
