"""Charts of the Channels page: mix over time, efficiency quadrant, funnel heatmap. Data in, figure out.

Callers pass every title and label already translated (and channel names already labelled).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from salesdash.charts import PALETTE, themed

__all__ = ["mix_area", "quadrant", "stage_heatmap", "grouped_bars"]


def mix_area(df: pd.DataFrame, *, x: str, key: str, y: str, title: str, y_title: str | None = None,
             y_format: str = ".0%") -> go.Figure:
    """Stacked areas of `y` over `x`, one band per `key` (long data: one row per x and key)."""
    fig = go.Figure()
    for i, (k, g) in enumerate(df.groupby(key, sort=False)):
        g = g.sort_values(x)
        fig.add_trace(go.Scatter(x=g[x], y=g[y], name=str(k), mode="lines", stackgroup="mix",
                                 line=dict(width=0.5, color=PALETTE[i % len(PALETTE)])))
    fig.update_yaxes(title_text=y_title, tickformat=y_format)
    return themed(fig, title=title)


def quadrant(df: pd.DataFrame, *, x: str, y: str, size: str, text: str, title: str, x_title: str,
             y_title: str, x_format: str | None = None, y_format: str | None = None,
             color: str | None = None) -> go.Figure:
    """A bubble chart split into four quadrants by the medians of `x` and `y` (dotted lines).

    Rows with a missing `x` or `y` are left out; bubble area follows `size`.
    """
    d = df.dropna(subset=[x, y])
    fig = go.Figure()
    if d.empty:
        return themed(fig, title=title)
    peak = float(d[size].abs().max()) or 1.0
    groups = d.groupby(color, sort=False, dropna=False) if color else [(None, d)]
    for i, (k, g) in enumerate(groups):
        fig.add_trace(go.Scatter(
            x=g[x], y=g[y], text=g[text], mode="markers+text", textposition="top center",
            name=str(k) if k is not None else "", showlegend=color is not None,
            marker=dict(size=(g[size].abs() / peak) ** 0.5 * 50 + 8, color=PALETTE[i % len(PALETTE)],
                        opacity=0.75, line=dict(width=1, color="white")),
        ))
    fig.add_vline(x=float(d[x].median()), line=dict(dash="dot", color="#999999", width=1))
    fig.add_hline(y=float(d[y].median()), line=dict(dash="dot", color="#999999", width=1))
    fig.update_xaxes(title_text=x_title, tickformat=x_format)
    fig.update_yaxes(title_text=y_title, tickformat=y_format)
    return themed(fig, title=title, height=420)


def stage_heatmap(df: pd.DataFrame, *, row: str, column: str, value: str, title: str,
                  value_format: str = ".0%") -> go.Figure:
    """A heatmap of `value` (0-1) with rows (channels) and columns (stages) in the order they appear."""
    rows = list(dict.fromkeys(df[row]))
    cols = list(dict.fromkeys(df[column]))
    grid = df.pivot_table(index=row, columns=column, values=value, aggfunc="first").reindex(index=rows,
                                                                                             columns=cols)
    fig = go.Figure(go.Heatmap(
        z=grid.values, x=cols, y=rows, colorscale="Blues", zmin=0, zmax=1,
        texttemplate=f"%{{z:{value_format}}}", hoverongaps=False, colorbar=dict(tickformat=value_format),
    ))
    fig.update_yaxes(autorange="reversed")
    return themed(fig, title=title, height=max(260, 48 * len(rows) + 120))


def grouped_bars(df: pd.DataFrame, *, x: str, series: list[tuple[str, str]], title: str,
                 y_title: str | None = None, y_format: str | None = None, horizontal: bool = False) -> go.Figure:
    """Bars of several measures side by side per category `x`; series are (column, legend name) pairs."""
    fig = go.Figure()
    for col, name in series:
        kw = dict(y=df[x], x=df[col], orientation="h") if horizontal else dict(x=df[x], y=df[col])
        fig.add_trace(go.Bar(**kw, name=name))
    fig.update_layout(barmode="group")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title_text=y_title, tickformat=y_format)
    else:
        fig.update_yaxes(title_text=y_title, tickformat=y_format)
    return themed(fig, title=title)
