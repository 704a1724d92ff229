"""Plotly builders: data in, ``go.Figure`` out, one theme. No queries, no streamlit.

Callers pass titles and axis names already translated with ``t()``; builders never invent words.
Topic-specific charts (a funnel, a heatmap of cohorts) live in ``charts/<topic>.py`` and use
:func:`themed` so every chart looks the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

__all__ = ["PALETTE", "themed", "time_series", "bar", "THEME"]

PALETTE = ["#2F6BFF", "#F28E2B", "#2CA58D", "#E15759", "#8E6CCF", "#76B7B2", "#EDC948", "#B07AA1",
           "#9C755F", "#BAB0AC"]
THEME = "salesdash"

pio.templates[THEME] = go.layout.Template(
    layout=go.Layout(
        colorway=PALETTE,
        font=dict(family="Inter, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif", size=13),
        title=dict(font=dict(size=15), x=0, xanchor="left"),
        plot_bgcolor="white",
        paper_bgcolor="white",
        xaxis=dict(showgrid=False, linecolor="#CCCCCC", ticks="outside"),
        yaxis=dict(gridcolor="#EEEEEE", zerolinecolor="#CCCCCC"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
        margin=dict(l=10, r=10, t=50, b=10),
        hoverlabel=dict(namelength=-1),
    )
)


def themed(fig: go.Figure, *, title: str | None = None, height: int = 360) -> go.Figure:
    """Apply the salesdash theme, a title and a height.

    Date axes get numeric tick labels (YYYY-MM for monthly data - first or last days of months -,
    YYYY-MM-DD otherwise): Plotly's own
    month names are English whatever the page language.
    """
    fig.update_layout(template=THEME, height=height)
    if title is not None:
        fig.update_layout(title_text=title)
    dates = _date_values(fig)
    if dates is not None:
        monthly = (dates.day == 1).all() or dates.is_month_end.all()
        fig.update_xaxes(tickformat="%Y-%m" if monthly else "%Y-%m-%d")
    return fig


def legend_below(fig: go.Figure) -> go.Figure:
    """Put the legend at the bottom of the figure, under the axis title (for charts whose legend has no room
    beside the title). Measured from the figure's edge, so it never covers tick labels or the axis title."""
    fig.update_layout(legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", xanchor="left", x=0),
                      margin=dict(b=60))
    return fig


def _date_values(fig: go.Figure) -> pd.DatetimeIndex | None:
    """The x values of the figure's traces when they are dates (None otherwise)."""
    values = []
    for trace in fig.data:
        x = getattr(trace, "x", None)
        if x is None or len(x) == 0 or getattr(trace, "orientation", None) == "h":
            continue
        first = x[0]
        if not isinstance(first, (pd.Timestamp, np.datetime64, dt.date)):
            return None
        values.extend(pd.to_datetime(list(x)))
    return pd.DatetimeIndex(values) if values else None


def time_series(
    df: pd.DataFrame,
    *,
    x: str,
    series: Sequence[tuple[str, str]],
    title: str,
    dashed: Sequence[str] = (),
    bars: Sequence[str] = (),
    y_title: str | None = None,
    y_format: str | None = None,
) -> go.Figure:
    """Lines (and optional bars) over time.

    Parameters
    ----------
    series : (column, legend name) pairs, drawn in order.
    dashed : columns drawn as dashed lines (targets, forecasts).
    bars : columns drawn as bars instead of lines.
    y_format : a d3 tick format such as ",.0f" or ".0%".
    """
    fig = go.Figure()
    for col, name in series:
        if col in bars:
            fig.add_trace(go.Bar(x=df[x], y=df[col], name=name, opacity=0.85))
        else:
            fig.add_trace(go.Scatter(
                x=df[x], y=df[col], name=name, mode="lines+markers",
                line=dict(dash="dash" if col in dashed else "solid", width=2),
                marker=dict(size=4),
            ))
    fig.update_yaxes(title_text=y_title, tickformat=y_format)
    return themed(fig, title=title)


def bar(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    horizontal: bool = False,
    color: str | None = None,
    text_format: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    secondary: tuple[str, str] | None = None,
    secondary_format: str | None = None,
) -> go.Figure:
    """A bar chart of `y` by the category `x`, optionally coloured by a column (its values, already
    translated, name the legend entries) and with a second measure (column, legend name) drawn as markers
    on a right-hand axis. Categories keep the frame's order."""
    groups = [(None, df)] if color is None else [(k, df[df[color] == k]) for k in dict.fromkeys(df[color])]
    template = f"%{{{'x' if horizontal else 'y'}:{text_format}}}" if text_format else None
    fig = go.Figure()
    for i, (key, part) in enumerate(groups):
        kw = dict(y=part[x], x=part[y], orientation="h") if horizontal else dict(x=part[x], y=part[y])
        fig.add_trace(go.Bar(**kw, name=str(key) if key is not None else (y_title or y),
                             marker_color=PALETTE[i % len(PALETTE)], texttemplate=template))
    categories = dict(categoryorder="array", categoryarray=list(df[x]))
    if secondary is not None and not horizontal:
        col, name = secondary
        fig.add_trace(go.Scatter(x=df[x], y=df[col], name=name, mode="markers", yaxis="y2",
                                 marker=dict(size=10, symbol="diamond", color="#333333")))
        # no axis title: beside another chart it would read as that chart's; the legend names the markers
        fig.update_layout(yaxis2=dict(overlaying="y", side="right", tickformat=secondary_format, showgrid=False))
    if horizontal:
        fig.update_layout(yaxis=dict(autorange="reversed", title_text=x_title, **categories),
                          xaxis_title_text=y_title)
    else:
        fig.update_layout(xaxis=dict(title_text=x_title, **categories), yaxis_title_text=y_title)
    fig.update_layout(showlegend=secondary is not None or len(groups) > 1,
                      barmode="overlay" if len(groups) > 1 else None)
    return themed(fig, title=title)
