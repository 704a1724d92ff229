"""Shared widgets: page header, KPI row with definitions, charts, tables, downloads, empty states."""

from __future__ import annotations

import importlib
import io
import logging
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from salesdash.filters import Filters
from salesdash.i18n import t
from salesdash.metrics import format_value, metric
from salesdash.ui.state import PageContext, _open_store, context

__all__ = [
    "KpiCard", "page_start", "cached", "kpi_row", "definitions", "chart", "table", "downloads",
    "empty_state", "not_enough", "guarded",
]

log = logging.getLogger(__name__)


def page_start(title_key: str, caption: str | None = None) -> PageContext:
    """Title, messages about the URL, and the context; stops the page with an empty state when there is no data."""
    ctx = context()
    st.title(t(title_key))
    for msg in st.session_state.pop("filters.messages", []) or []:
        st.warning(msg)
    if ctx.data_end is None:
        st.info(t("common.empty_store"))
        st.caption(t("common.empty_store_hint"))
        st.stop()
    if caption:
        st.caption(caption)
    return ctx


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(fn_path: str, url: str, version: int, filters: Filters, kwargs: tuple) -> Any:
    module, name = fn_path.split(":")
    fn = getattr(importlib.import_module(module), name)
    return fn(_open_store(url), filters, **dict(kwargs))


def cached(fn: Callable[..., Any], filters: Filters, /, **kwargs: Any) -> Any:
    """Call an analysis function ``fn(store, filters, **kwargs)``, cached on the data version and arguments."""
    store = context().store
    return _cached_call(f"{fn.__module__}:{fn.__qualname__}", store.url, store.data_version, filters,
                        tuple(sorted(kwargs.items())))


@dataclass(frozen=True)
class KpiCard:
    """One figure of a KPI row: the metric, its value, the previous period's and the target (if any)."""

    key: str
    value: float | None
    previous: float | None = None
    target: float | None = None
    note: str | None = None


def _delta(card: KpiCard) -> str | None:
    m = metric(card.key)
    if card.value is None or card.previous is None:
        return None
    if m.unit in ("ratio",):
        return format_value("percent_points", card.value - card.previous)
    if m.unit in ("score", "days", "multiple"):
        return f"{card.value - card.previous:+.1f}"
    if card.previous == 0:
        return None
    return f"{(card.value - card.previous) / abs(card.previous) * 100:+.1f}%"


def kpi_row(cards: Sequence[KpiCard], *, per_row: int = 4) -> None:
    """Metrics with their change against the previous period, target and definition (hover the ⓘ)."""
    for i in range(0, len(cards), per_row):
        cols = st.columns(per_row)
        for col, card in zip(cols, cards[i:i + per_row]):
            m = metric(card.key)
            extra = []   # most informative first: a narrow card cuts the end off
            if card.target:
                extra.append(f"{format_value('ratio', (card.value or 0) / card.target)} {t('common.vs_target')}")
            if card.note:
                extra.append(card.note)
            if card.previous is not None:
                extra.append(t("common.vs_previous"))
            with col:
                st.metric(
                    m.label, format_value(card.key, card.value), _delta(card),
                    delta_color="normal" if m.higher_is_better else "inverse",
                    help=f"**{t('common.definition')}**: {m.definition}", border=True,
                    delta_description=" · ".join(extra) or None,
                )


def definitions(keys: Sequence[str]) -> None:
    """An expander listing the definition of every metric on the page (en / zh by the current language)."""
    with st.expander(t("common.definitions")):
        for k in dict.fromkeys(keys):
            m = metric(k)
            st.markdown(f"**{m.label}**: {m.definition}")


def chart(fig: go.Figure, *, key: str) -> None:
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def table(df: pd.DataFrame, *, key: str, column_config: dict | None = None, height: int | str = "auto") -> None:
    st.dataframe(df, hide_index=True, key=key, column_config=column_config, height=height)


def downloads(df: pd.DataFrame, *, name: str, key: str) -> None:
    """CSV and Excel download buttons for a table."""
    c1, c2 = st.columns(2)
    with c1:
        st.download_button(t("common.download_csv"), df.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"{name}.csv", mime="text/csv", key=f"{key}.csv", on_click="ignore")
    with c2:
        buf = io.BytesIO()
        df.to_excel(buf, index=False)
        st.download_button(t("common.download_xlsx"), buf.getvalue(), file_name=f"{name}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}.xlsx", on_click="ignore")


def empty_state() -> None:
    st.info(t("common.no_data"))
    st.caption(t("common.no_data_hint"))


def not_enough(what: str) -> None:
    """Say that the window holds too little for an analysis, and what is needed."""
    st.info(t("common.not_enough", what=what))


@contextmanager
def guarded() -> Iterator[None]:
    """Show a failure inside a section as a short message instead of a traceback (it is logged in full)."""
    try:
        yield
    except ScriptControlException:  # st.stop() / st.rerun() inside the section
        raise
    except Exception as e:  # noqa: BLE001 - the page stays usable; the log keeps the traceback
        log.error("section failed:\n%s", traceback.format_exc())
        st.error(t("common.error", error=f"{type(e).__name__}: {e}"))
