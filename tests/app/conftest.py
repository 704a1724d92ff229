"""AppTest harness: the real app.py over a real demo database, in English and Chinese.

Use the ``run_app`` fixture: ``at = run_app("pages/funnel.py", lang="zh")`` runs app.py, switches to the
page, and returns the AppTest; then ``assert_clean(at, "zh")`` checks what every page must satisfy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from salesdash.config import settings

ROOT = Path(__file__).resolve().parents[2]
MISSING_KEY = re.compile(r"\[[a-z0-9_]+(\.[a-z0-9_]+)+\]")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture()
def run_app(demo_store, monkeypatch):
    monkeypatch.setenv("SALESDASH_DB", demo_store.url)
    settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()

    def run(page: str | None = None, *, lang: str = "en", query: dict | None = None,
            timeout: float = 180) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        at.query_params["lang"] = lang
        for k, v in (query or {}).items():
            at.query_params[k] = v
        at.run()
        if page is not None:
            at.switch_page(page)
            at.run()
        return at

    yield run
    settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()


def visible_texts(at: AppTest) -> list[str]:
    """Every piece of text a person reads on the rendered page (main area and sidebar)."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        texts += [m.label, str(m.value)]
    for kind in ("button", "selectbox", "multiselect", "radio", "slider", "checkbox", "tabs", "expander"):
        for e in getattr(at, kind, []):
            lab = getattr(e, "label", None)
            if lab:
                texts.append(str(lab))
    return texts


def assert_clean(at: AppTest, lang: str) -> None:
    """No exception, no error box, no untranslated key; Chinese pages show Chinese."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    texts = visible_texts(at)
    missing = [x for x in texts if MISSING_KEY.search(x)]
    assert not missing, missing
    assert at.title, "the page has no title"
    if lang == "zh":
        assert HAN.search(at.title[0].value), at.title[0].value


def chart_specs(at: AppTest) -> list[dict]:
    import json

    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
