"""Session state: the store, the language and the global Filters, kept in the URL.

``app.py`` calls :func:`setup` once per run, before the page runs. Pages call :func:`context` to get the
store and the current Filters.

The URL is the source of truth when a session starts (a shared link opens the same view); from then on the
sidebar widgets are, and every run writes the Filters back to ``st.query_params`` so navigation keeps them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import streamlit as st

from salesdash import filters as F
from salesdash.config import settings
from salesdash.i18n import LANGUAGES, label, set_language, t
from salesdash.store import Store

__all__ = ["PageContext", "get_store", "setup", "context", "PRESETS", "lang_key", "keep"]

log = logging.getLogger(__name__)

PRESETS = ("last_12_months", "this_quarter", "last_quarter", "this_year", "last_year", "all", "custom")


@dataclass(frozen=True)
class PageContext:
    store: Store
    filters: F.Filters
    data_start: dt.date | None
    data_end: dt.date | None


@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> Store:
    return Store(url)


def get_store() -> Store:
    """The store for the configured SALESDASH_DB (one per process; reads use a cursor per thread).

    A database that cannot be opened (locked by another process, not a database file) stops the page
    with a message naming the file and the reason.
    """
    url = settings().database_url
    try:
        return _open_store(url)
    except Exception as e:  # duckdb.IOException and friends: answered, not shown as a traceback
        st.error(t("common.store_unavailable", url=url, reason=str(e).splitlines()[0]))
        st.stop()


@st.cache_data(show_spinner=False, max_entries=64)
def _data_window(url: str, version: int) -> tuple[dt.date, dt.date] | None:
    return F.data_window(_open_store(url))


@st.cache_data(show_spinner=False, max_entries=64)
def _options(url: str, version: int, dim: str) -> list[str]:
    return F.known_values(_open_store(url), dim)


@st.cache_data(show_spinner=False, max_entries=64)
def _names(url: str, version: int, table: str, key: str) -> dict[str, str]:
    store = _open_store(url)
    tb = store.table(table)
    df = store.execute(tb.select(k=tb[key], n=tb["name"]))
    return {str(k): (str(n) if n is not None and n == n else str(k)) for k, n in zip(df["k"], df["n"])}


@st.cache_data(show_spinner=False, max_entries=64)
def _segmentations(url: str, version: int) -> dict[str, list[str]]:
    store = _open_store(url)
    m = store.table("segment_members")
    df = store.execute(m.select("segmentation_id", "segment").distinct().order_by(["segmentation_id", "segment"]))
    out: dict[str, list[str]] = {}
    for sid, seg in zip(df["segmentation_id"], df["segment"]):
        out.setdefault(sid, []).append(seg)
    return out


def lang_key(name: str) -> str:
    """A widget key for a widget whose option labels are translated.

    Streamlit stores a select widget's value by its formatted label, so switching language would leave
    it holding a label that no longer exists. The widget therefore gets one key per language, seeded from
    the language-neutral value kept under `name`; call :func:`keep` with the widget's return value.
    """
    lang = st.session_state.get("lang") or "en"
    wk = f"{name}@{lang}"
    if wk not in st.session_state and name in st.session_state:
        st.session_state[wk] = st.session_state[name]
    return wk


def keep(name: str, value):
    """Remember a widget's value under its language-neutral name (see :func:`lang_key`)."""
    st.session_state[name] = value
    return value


def pick(widget, text: str, options, name: str, default, **kw):
    """A select widget whose option labels are translated: one key per language (see :func:`lang_key`),
    the value kept under `name`; a remembered value no longer among the options falls back to `default`.

    `widget` is ``st.selectbox``, ``st.multiselect``, ``st.radio``... (or a column's); the placeholder of a
    select box is translated too.
    """
    key = lang_key(name)
    options = list(options)
    value = st.session_state.get(key, default)
    if isinstance(value, list):
        value = [v for v in value if v in options]
    elif value not in options:
        value = default
    st.session_state[key] = value
    if getattr(widget, "__name__", "") in ("selectbox", "multiselect"):
        kw.setdefault("placeholder", t("common.choose"))
    return keep(name, widget(text, options, key=key, **kw))


def _window_for(preset: str, lo: dt.date, hi: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The window a period preset means, anchored at the end of the data (not today)."""
    if preset == "all":
        return None, None
    q_start = dt.date(hi.year, 3 * ((hi.month - 1) // 3) + 1, 1)
    if preset == "last_12_months":
        y, m = (hi.year - 1, hi.month + 1) if hi.month < 12 else (hi.year, 1)
        return max(dt.date(y, m, 1), lo), hi
    if preset == "this_quarter":
        return q_start, hi
    if preset == "last_quarter":
        end = q_start - dt.timedelta(days=1)
        return dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end
    if preset == "this_year":
        return dt.date(hi.year, 1, 1), hi
    if preset == "last_year":
        return dt.date(hi.year - 1, 1, 1), dt.date(hi.year - 1, 12, 31)
    raise ValueError(preset)


def _language() -> str:
    if "lang" not in st.session_state:
        q = st.query_params.get("lang")
        st.session_state["lang"] = q if q in LANGUAGES else settings().default_language
    with st.sidebar:
        st.segmented_control(
            t("common.language"), LANGUAGES, key="lang", required=True,
            format_func=lambda c: {"en": "English", "zh": "中文"}[c], label_visibility="collapsed",
        )
    lang = st.session_state["lang"] or "en"
    set_language(lang)
    return lang


def _init_from_url(store: Store, lo: dt.date, hi: dt.date) -> list[str]:
    """Seed the sidebar widgets from the URL once per session; return messages about what was dropped."""
    requested, problems = F.from_query(dict(st.query_params))
    cleaned, unknown = F.validate(store, requested)
    messages = []
    for p in problems + unknown:
        messages.append(t(p.problem, value=p.value, field=t(f"filters.{p.field}") if p.field in
                          ("regions", "channels", "categories", "teams", "reps") else p.field))
    if cleaned.start or cleaned.end:
        start, end = cleaned.start or lo, cleaned.end or hi
        if end < lo or start > hi:
            messages.append(t("filters.outside_data", start=lo.isoformat(), end=hi.isoformat()))
            start, end = _window_for("last_12_months", lo, hi)
        elif start < lo or end > hi:  # partly outside the data: keep the part inside it
            messages.append(t("filters.outside_data", start=lo.isoformat(), end=hi.isoformat()))
            start, end = max(start, lo), min(end, hi)
        st.session_state["filters.preset"] = "custom"
        st.session_state["filters.window"] = (start, end)
    else:
        st.session_state["filters.preset"] = "all" if st.query_params.get("period") == "all" else "last_12_months"
    for dim in ("regions", "channels", "categories", "teams", "reps"):
        st.session_state[f"filters.{dim}"] = list(getattr(cleaned, dim))
    segs = _segmentations(store.url, store.data_version)
    if cleaned.segmentation in segs:
        st.session_state["filters.segmentation"] = cleaned.segmentation
        st.session_state["filters.segments"] = [s for s in cleaned.segments if s in segs[cleaned.segmentation]]
    return messages


def _sidebar_filters(store: Store, lo: dt.date, hi: dt.date) -> F.Filters:
    version = store.data_version
    with st.sidebar:
        st.subheader(t("filters.header"))
        preset = keep("filters.preset", st.selectbox(
            t("filters.preset"), PRESETS, key=lang_key("filters.preset"),
            format_func=lambda p: t(f"filters.preset.{p}")))
        if preset == "custom":
            st.session_state.setdefault("filters.window", _window_for("last_12_months", lo, hi))
            window = st.date_input(t("filters.window"), key="filters.window", min_value=lo, max_value=hi,
                                   format="YYYY-MM-DD")
            start, end = (window[0], window[-1]) if isinstance(window, (tuple, list)) and window else (lo, hi)
        else:
            start, end = _window_for(preset, lo, hi)
        if start is not None:
            st.caption(t("common.window", start=start.isoformat(), end=end.isoformat()))

        names = {
            "channels": _names(store.url, version, "channels", "channel_id"),
            "reps": _names(store.url, version, "reps", "rep_id"),
        }
        kinds = {"regions": "region", "categories": "category", "teams": "team"}
        chosen: dict[str, tuple[str, ...]] = {}
        for dim in ("regions", "channels", "categories", "teams", "reps"):
            options = _options(store.url, version, dim)
            if dim in names:
                fmt = (lambda n: (lambda v: label("channel_name", n.get(v, v))))(names[dim]) if dim == "channels" \
                    else (lambda n: (lambda v: n.get(v, v)))(names[dim])
            else:
                fmt = (lambda k: (lambda v: label(k, v)))(kinds[dim])
            name = f"filters.{dim}"
            st.session_state[name] = [v for v in st.session_state.get(name, []) if v in options]
            chosen[dim] = tuple(keep(name, st.multiselect(
                t(name), options, key=lang_key(name), format_func=fmt, placeholder=t("common.all"))))
        segmentation, segments = None, ()
        segs = _segmentations(store.url, version)
        if segs:
            ids = [""] + list(segs)
            if st.session_state.get("filters.segmentation") not in ids:
                st.session_state["filters.segmentation"] = ""
            segmentation = keep("filters.segmentation", st.selectbox(
                t("filters.segmentation"), ids, key=lang_key("filters.segmentation"),
                format_func=lambda s: s or t("common.all"))) or None
            if segmentation:
                st.session_state["filters.segments"] = [
                    v for v in st.session_state.get("filters.segments", []) if v in segs[segmentation]]
                segments = tuple(keep("filters.segments", st.multiselect(
                    t("filters.segment"), segs[segmentation], key=lang_key("filters.segments"),
                    format_func=lambda v: label("segment", v), placeholder=t("common.all"))))
        st.button(t("filters.reset"), key="filters.reset", on_click=_reset)
        st.caption(t("filters.share_hint"))
    return F.Filters(start=start, end=end, segmentation=segmentation, segments=segments, **chosen)


def _reset() -> None:
    for k in [k for k in st.session_state if str(k).startswith("filters.") and "@" in str(k)]:
        del st.session_state[k]
    for dim in ("regions", "channels", "categories", "teams", "reps", "segments"):
        st.session_state[f"filters.{dim}"] = []
    st.session_state["filters.preset"] = "last_12_months"
    st.session_state["filters.segmentation"] = ""


def _leave_legacy_pages_mode() -> None:
    """Make sure this run is a plain st.navigation run.

    A process whose app sits beside a ``pages/`` folder starts in Streamlit's legacy multipage mode: its
    first run wraps app.py in an automatic navigation over pages/*.py, and the session that run belongs
    to then loses its widget state on every rerun (the language switch does nothing). Our
    ``st.navigation`` call switches the legacy mode off for the process; doing it here and rerunning once
    gives that first session a clean start too. (Streamlit 1.67; the flag is internal, hence the guard.)
    """
    from streamlit.runtime.pages_manager import PagesManager

    if not getattr(PagesManager, "uses_pages_directory", False):
        return
    PagesManager.uses_pages_directory = False
    st.rerun()


def setup() -> PageContext:
    """Run once per script run from app.py: language, store, filters, URL, notices."""
    _leave_legacy_pages_mode()
    lang = _language()
    store = get_store()
    window = _data_window(store.url, store.data_version)
    if window is None:
        filters, lo, hi = F.Filters(), None, None
    else:
        lo, hi = window
        if "filters.initialised" not in st.session_state:
            st.session_state["filters.messages"] = _init_from_url(store, lo, hi)
            st.session_state["filters.initialised"] = True
        filters = _sidebar_filters(store, lo, hi)
    query = filters.to_query()
    if window is not None and filters.start is None:
        query["period"] = "all"
    query["lang"] = lang
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)
    ctx = PageContext(store=store, filters=filters, data_start=lo, data_end=hi)
    st.session_state["salesdash.context"] = ctx
    if store.meta("source") == "demo":
        st.sidebar.info(t("common.demo_notice"))
    return ctx


def context() -> PageContext:
    """The current run's store and Filters (set by app.py before the page runs)."""
    ctx = st.session_state.get("salesdash.context")
    if ctx is None:  # a page script run on its own (tests): build the context here
        ctx = setup()
    return ctx
