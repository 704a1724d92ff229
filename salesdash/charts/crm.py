"""Charts of the CRM page: health bars and trend, cohort heatmaps, scores with intervals, Pareto, paired bars.

Data in, ``go.Figure`` out; every word arrives translated; no queries, no streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from salesdash.charts import PALETTE, legend_below, themed

__all__ = ["STATUS_COLORS", "stacked_bars", "stacked_area", "cohort_heatmap", "score_trend", "score_bars",
           "pareto", "paired_bars", "bars_and_rate"]

#: active, at risk, churned
STATUS_COLORS = ("#2CA58D", "#EDC948", "#E15759")


def _legend_below(fig: go.Figure) -> go.Figure:
    """Legend under the plot (half-width charts have no room for it beside the title)."""
    return legend_below(fig)


def stacked_bars(df: pd.DataFrame, *, x: str, series: Sequence[tuple[str, str]], title: str,
                 colors: Sequence[str] | None = None, horizontal: bool = False, percent: bool = False,
                 x_title: str | None = None, y_title: str | None = None) -> go.Figure:
    """Bars stacked from the columns `series` ((column, legend name) pairs), optionally as shares of 100%."""
    fig = go.Figure()
    values = df[[c for c, _ in series]].astype(float)
    if percent:
        totals = values.sum(axis=1).replace(0, np.nan)
        values = values.div(totals, axis=0)
    for i, (col, name) in enumerate(series):
        color = (colors[i] if colors and i < len(colors) else PALETTE[i % len(PALETTE)])
        kw = dict(y=df[x], x=values[col], orientation="h") if horizontal else dict(x=df[x], y=values[col])
        fig.add_trace(go.Bar(name=name, marker_color=color, **kw))
    fig.update_layout(barmode="stack")
    _legend_below(fig)
    fmt = ".0%" if percent else None
    if horizontal:
        fig.update_xaxes(tickformat=fmt, title_text=y_title)
        fig.update_yaxes(autorange="reversed", title_text=x_title)
    else:
        fig.update_yaxes(tickformat=fmt, title_text=y_title)
        fig.update_xaxes(title_text=x_title)
    return themed(fig, title=title)


def stacked_area(df: pd.DataFrame, *, x: str, series: Sequence[tuple[str, str]], title: str,
                 colors: Sequence[str] | None = None, y_title: str | None = None,
                 y_format: str | None = None) -> go.Figure:
    """Stacked areas over time (e.g. active / at risk / churned customers by month end)."""
    fig = go.Figure()
    for i, (col, name) in enumerate(series):
        color = colors[i] if colors and i < len(colors) else PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(x=df[x], y=df[col], name=name, mode="lines", stackgroup="one",
                                 line=dict(width=0.5, color=color)))
    fig.update_yaxes(title_text=y_title, tickformat=y_format)
    _legend_below(fig)
    return themed(fig, title=title)


def cohort_heatmap(df: pd.DataFrame, *, value: str, title: str, x_title: str, y_title: str,
                   size_name: str, zmax: float | None = 1.0) -> go.Figure:
    """Cohort (rows, first-purchase month) × months since the first purchase (columns), coloured by `value`.

    `df` holds cohort, months_since, `value` and cohort_customers (shown on hover as `size_name`). `zmax`
    caps the colour scale (None: the largest value).
    """
    grid = df.pivot_table(index="cohort", columns="months_since", values=value, aggfunc="first")
    sizes = df.drop_duplicates("cohort").set_index("cohort")["cohort_customers"].reindex(grid.index)
    labels = [pd.Timestamp(c).strftime("%Y-%m") for c in grid.index]
    z = grid.to_numpy(dtype=float)
    text = np.where(np.isnan(z), "", np.vectorize(lambda v: f"{v:.0%}")(np.nan_to_num(z)))
    custom = np.repeat(sizes.to_numpy(dtype=float)[:, None], z.shape[1], axis=1)
    fig = go.Figure(go.Heatmap(
        z=z, x=[int(c) for c in grid.columns], y=labels, text=text, texttemplate="%{text}",
        colorscale="Blues", zmin=0, zmax=zmax,
        customdata=custom, colorbar=dict(tickformat=".0%"),
        hovertemplate=f"%{{y}} · {x_title} %{{x}}: %{{z:.1%}}<br>{size_name}: %{{customdata:,.0f}}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title_text=y_title, type="category")
    fig.update_xaxes(title_text=x_title, dtick=1)
    return themed(fig, title=title, height=max(320, 26 * len(labels) + 120))


def score_trend(df: pd.DataFrame, *, x: str, y: str, low: str, high: str, name: str, band_name: str,
                title: str, y_format: str | None = None, y_range: Sequence[float] | None = None) -> go.Figure:
    """A score over time with its 95% interval as a shaded band."""
    d = df.dropna(subset=[y])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=list(d[x]) + list(d[x])[::-1], y=list(d[high]) + list(d[low])[::-1],
                             fill="toself", fillcolor="rgba(47,107,255,0.15)", line=dict(width=0),
                             name=band_name, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=d[x], y=d[y], name=name, mode="lines+markers", line=dict(color=PALETTE[0], width=2)))
    fig.update_yaxes(tickformat=y_format, range=list(y_range) if y_range else None)
    _legend_below(fig)
    return themed(fig, title=title)


def score_bars(df: pd.DataFrame, *, x: str, y: str, low: str, high: str, title: str, y_title: str,
               y_format: str | None = None) -> go.Figure:
    """A score per group with its 95% interval as error bars."""
    d = df.dropna(subset=[y])
    fig = go.Figure(go.Bar(
        x=d[x], y=d[y], name=y_title, marker_color=PALETTE[0],
        error_y=dict(type="data", symmetric=False, array=(d[high] - d[y]).to_numpy(),
                     arrayminus=(d[y] - d[low]).to_numpy(), color="#555555"),
    ))
    fig.update_yaxes(title_text=y_title, tickformat=y_format)
    fig.update_layout(showlegend=False)
    return themed(fig, title=title)


def pareto(df: pd.DataFrame, *, x: str, y: str, cumulative: str, title: str, bar_name: str,
           line_name: str) -> go.Figure:
    """A Pareto chart: bars largest first, the cumulative share as a line on a right-hand axis."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=df[x], y=df[y], name=bar_name, marker_color=PALETTE[3]))
    fig.add_trace(go.Scatter(x=df[x], y=df[cumulative], name=line_name, mode="lines+markers", yaxis="y2",
                             line=dict(color="#333333")))
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", range=[0, 1.05], tickformat=".0%",
                                  showgrid=False), yaxis_title_text=bar_name)
    _legend_below(fig)
    return themed(fig, title=title)


def paired_bars(df: pd.DataFrame, *, x: str, series: Sequence[tuple[str, str]], title: str,
                y_format: str | None = None, y_title: str | None = None) -> go.Figure:
    """Grouped bars: two or more measures side by side per category (e.g. churn vs comparable churn)."""
    fig = go.Figure()
    for i, (col, name) in enumerate(series):
        fig.add_trace(go.Bar(x=df[x], y=df[col], name=name, marker_color=PALETTE[(3, 9, 0, 1)[i % 4]]))
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=y_format, title_text=y_title)
    _legend_below(fig)
    return themed(fig, title=title)


def bars_and_rate(df: pd.DataFrame, *, x: str, bars: str, rate: str, title: str, bar_name: str,
                  rate_name: str, rate_format: str | None = None) -> go.Figure:
    """Counts as bars and a rate as a line on a right-hand axis (complaints and complaints per 1,000 orders)."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=df[x], y=df[bars], name=bar_name, marker_color=PALETTE[0], opacity=0.85))
    fig.add_trace(go.Scatter(x=df[x], y=df[rate], name=rate_name, mode="lines+markers", yaxis="y2",
                             line=dict(color=PALETTE[3], width=2)))
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", tickformat=rate_format, showgrid=False,
                                  title_text=rate_name),
                      yaxis_title_text=bar_name)   # (update_yaxes would retitle the right-hand axis too)
    _legend_below(fig)
    return themed(fig, title=title)
