"""The Segments page in both languages over the demo company; saving a segmentation feeds the sidebar filter."""

from __future__ import annotations

import tempfile
from pathlib import Path

import datetime as dt

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from salesdash.config import settings
from salesdash.i18n import set_language
from tests.app.conftest import assert_clean, chart_specs, open_app

pytestmark = pytest.mark.timeout(600)

PAGE = "pages/segments.py"


def frame(at: AppTest, *, has: str, lacks: str | None = None):
    """The first table on the page with a column `has` (and without `lacks`): AppTest tables carry no key."""
    for d in at.dataframe:
        cols = list(d.value.columns)
        if has in cols and (lacks is None or lacks not in cols):
            return d.value
    raise AssertionError(f"no table with a column {has!r}")


def rfm_table(at: AppTest, lang: str = "en"):
    return frame(at, has="客户占比" if lang == "zh" else "Share of customers",
                 lacks="细分增长" if lang == "zh" else "Segment growth")


def open_page(*, lang: str = "en", query: dict | None = None) -> AppTest:
    """The page through app.py (tests/app/conftest.py: open_app). The caller's fixture points
    SALESDASH_DB at a database first."""
    at = open_app(Path(tempfile.mkdtemp(prefix="segments-app-")), PAGE, lang=lang, query=query)
    return at


@pytest.fixture()
def language():
    """AppTest formats widget values in the test's thread: keep that thread in the page's language."""
    yield set_language
    set_language("en")


def buying_customers(at: AppTest) -> int:
    m = next(m for m in at.metric if m.label in ("Buying customers", "购买客户数"))
    return int(m.value.replace(",", ""))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_segments_page_renders(run_app, language, lang):
    language(lang)
    at = open_page(lang=lang)
    assert_clean(at, lang)
    title = at.title[0].value
    assert title == ("客户细分" if lang == "zh" else "Customer segments")
    customers = buying_customers(at)
    assert customers > 0
    # RFM tab: the segment table names the segments in the page's language
    rfm = rfm_table(at, lang)
    names = set(rfm.iloc[:, 0])
    assert ("冠军客户" if lang == "zh" else "Champions") in names
    # every buying customer of the window is in exactly one RFM segment
    assert rfm.iloc[:, 1].sum() == customers
    specs = chart_specs(at)
    kinds = {trace["type"] for spec in specs for trace in spec["data"]}
    assert {"heatmap", "treemap", "sankey", "scatterpolar"} <= kinds
    # the cluster profile has k = 4 rows by default
    profile = frame(at, has="名称" if lang == "zh" else "Name", lacks="cluster")
    assert len(profile) == 4


def test_stability_and_other_controls(run_app):
    at = open_page()
    # one rerun with every control moved (each rerun draws the whole page)
    at.toggle(key="segments.cluster.stability").set_value(True)
    at.slider(key="segments.cluster.k").set_value(3)
    at.radio(key="segments.rfm.method@en").set_value("fixed")
    at.multiselect(key="segments.criteria.demographic@en").set_value(["income_band"])
    at.run()
    assert_clean(at, "en")
    assert len(frame(at, has="Name", lacks="cluster")) == 3
    messages = " ".join(m.value for m in at.success) + " ".join(m.value for m in at.warning)
    assert "ARI" in messages
    thresholds = " ".join(c.value for c in at.caption)
    assert "R (days): 30, 90, 180, 365" in thresholds  # the fixed defaults are in use
    crit = frame(at, has="Segment growth")
    # income band x region x recency: every buying customer falls in one segment
    assert crit.iloc[:, 1].sum() == buying_customers(at)


def test_too_short_a_window_says_so(run_app):
    # one day holds a handful of buyers: too few for 4 clusters of 5 customers each
    at = open_page(query={"start": "2026-11-21", "end": "2026-11-21"})
    assert_clean(at, "en")
    n = buying_customers(at)
    assert 0 < n < 20
    infos = [i.value for i in at.info]
    assert f"Not enough data: at least 20 buying customers (there are {n})" in infos
    if n >= 10:  # RFM needs 10
        assert rfm_table(at).iloc[:, 1].sum() == n
    else:
        assert f"Not enough data: at least 10 buying customers (there are {n})" in infos


@pytest.fixture()
def own_store_app(tmp_path, monkeypatch):
    """The app over a small demo company of its own (this test writes a segmentation)."""
    from salesdash import demo
    from salesdash.store import Store

    store = Store(tmp_path / "segments_app.duckdb")
    demo.build(store, scale=0.05, seed=7, today=dt.date(2026, 11, 29))
    store.close()
    monkeypatch.setenv("SALESDASH_DB", str(tmp_path / "segments_app.duckdb"))
    settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()


def test_saving_a_segmentation_adds_it_to_the_sidebar(own_store_app):
    at = open_page(query={"period": "all"})
    assert not at.exception
    customers = buying_customers(at)
    champions = rfm_table(at).set_index("Segment").loc["Champions"].iloc[0]
    at.text_input(key="segments.rfm.name").set_value("spring campaign")
    at.button(key="segments.rfm.save").click().run()
    assert_clean(at, "en")
    assert any(f"“spring campaign”: {customers:,} customers" in s.value for s in at.success)
    # a new session (AppTest redraws the sidebar only when a session starts): the sidebar offers the saved
    # segmentation, and picking its champions filters the page to exactly them
    at = open_page(query={"period": "all", "segmentation": "spring campaign", "segments": "champions"})
    assert_clean(at, "en")
    seg = next(w for w in at.sidebar.selectbox if w.label == "Segmentation")
    assert "spring campaign" in seg.options and seg.value == "spring campaign"
    picked = next(w for w in at.sidebar.multiselect if w.label == "Customer segment")
    assert picked.value == ["champions"] and "Champions" in picked.options  # saved as codes, shown translated
    assert buying_customers(at) == champions
    saved = frame(at, has="Segmentation")
    assert saved["Customers"].sum() == customers
