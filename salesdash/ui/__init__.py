"""The only part of the package that imports streamlit: session state, the sidebar, shared widgets.

Pages use: ``page_start`` (title + context + empty state), ``cached`` (analysis calls cached on the data
version), ``kpi_row`` / ``definitions`` (figures with their formulas), ``chart``, ``table``, ``downloads``,
``empty_state``, ``not_enough``, ``guarded``; ``pick`` for select widgets with translated options.
"""

from salesdash.ui.state import PageContext, context, get_store, keep, lang_key, pick, setup
from salesdash.ui.widgets import (
    KpiCard,
    cached,
    chart,
    definitions,
    downloads,
    empty_state,
    guarded,
    kpi_row,
    not_enough,
    page_start,
    table,
)

__all__ = [
    "PageContext", "context", "get_store", "keep", "lang_key", "pick", "setup", "KpiCard", "cached", "chart", "definitions", "downloads",
    "empty_state", "guarded", "kpi_row", "not_enough", "page_start", "table",
]
