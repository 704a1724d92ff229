"""AppTest harness: the real app.py over a real demo database, in English and Chinese.

Use the ``run_app`` fixture: ``at = run_app("pages/funnel.py", lang="zh")`` runs app.py, switches to the
page, and returns the AppTest; then ``assert_clean(at, "zh")`` checks what every page must satisfy.
Tests with a database of their own call :func:`open_app` directly; :func:`switch_language` clicks the
language switch.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from salesdash.config import settings
from salesdash.i18n import set_language

ROOT = Path(__file__).resolve().parents[2]
MISSING_KEY = re.compile(r"\[[a-z0-9_]+(\.[a-z0-9_]+)+\]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def open_app(folder: Path, page: str | None = None, *, lang: str = "en", query: dict | None = None,
             timeout: float = 180) -> AppTest:
    """Run the real app.py with AppTest (over SALESDASH_DB), switch to `page`, return the AppTest.

    The app runs from a copy of app.py in `folder`, away from pages/: beside a pages/ folder AppTest
    re-enables Streamlit's legacy pages mode before every run, which swallows switch_page(). app.py finds
    the pages from the project root, so the copy runs the real pages.
    """
    set_language(lang)  # AppTest formats widget options in this thread (see switch_language)
    entry = folder / "app.py"
    entry.write_text((ROOT / "app.py").read_text(encoding="utf-8"), encoding="utf-8")
    at = AppTest.from_file(str(entry), default_timeout=timeout)
    at.query_params["lang"] = lang
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if page is not None:
        at.switch_page(str(ROOT / page))
        at.run()
    return at


def switch_language(at: AppTest, lang: str) -> AppTest:
    """Click the language switch. The test thread follows once the run is done, because AppTest formats
    the options of select widgets here, outside the app's own thread: the widgets sent with the click are
    still the old language's, those of the next run the new one's."""
    at.sidebar.get("button_group")[0].set_value(lang)
    at.run()
    set_language(lang)
    return at


def clear_caches() -> None:
    settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture()
def run_app(demo_store, monkeypatch, tmp_path):
    """``run_app(page, lang=..., query=...)``: the app over the shared demo database (see open_app)."""
    monkeypatch.setenv("SALESDASH_DB", demo_store.url)
    clear_caches()

    def run(page: str | None = None, *, lang: str = "en", query: dict | None = None,
            timeout: float = 180) -> AppTest:
        return open_app(tmp_path, page, lang=lang, query=query, timeout=timeout)

    yield run
    clear_caches()
    set_language("en")


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
    if lang == "zh":
        raw = [f"{code!r} in {where}" for where, code in _raw_codes(at)]
        assert not raw, raw
    # An empty select widget shows its placeholder; without one Streamlit shows its own English
    # "Choose an option". A multiselect can always be emptied; a selectbox is empty when it holds None.
    untranslated = [e.label for e in [*at.multiselect, *[b for b in at.selectbox if b.value is None]]
                    if not e.proto.placeholder]
    assert not untranslated, untranslated


def _data_codes() -> dict[str, str]:
    """Codes of the data (``trade_show``, ``East``, ...) that have a Chinese label, -> their label key."""
    from salesdash.i18n import catalog

    data_kinds = {k.split(".", 1)[0] for k in catalog() if k.startswith(("source.", "stage.", "region."))}
    data_kinds |= {"activity_outcome", "activity_type", "campaign_type", "category", "channel_kind",
                   "channel_type", "complaint_category", "complaint_status", "customer_kind", "feedback_channel",
                   "gender", "income_band", "industry", "lost_reason", "occupation", "reservation_status",
                   "severity", "status", "target_segment", "team", "company_size"}
    return {key.split(".", 1)[1]: key for key, (en, zh) in catalog().items()
            if key.split(".", 1)[0] in data_kinds and zh != key.split(".", 1)[1]}


def _raw_codes(at: AppTest) -> list[tuple[str, str]]:
    """(table, code) for every cell of a shown table that is a data code with a Chinese label: on a Chinese
    page it should have been shown through ``label``."""
    codes = _data_codes()
    found = []
    for df in at.dataframe:
        frame = df.value
        for col in frame.columns:
            values = frame[col]
            if values.dtype == object or str(values.dtype).startswith(("string", "str")):
                hits = sorted({v for v in values.dropna().unique() if isinstance(v, str) and v in codes})
                found += [(f"column {col!r}", v) for v in hits[:3]]
    return found


def chart_specs(at: AppTest) -> list[dict]:
    import json

    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
