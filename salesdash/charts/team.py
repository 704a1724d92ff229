"""Charts of the Team page: targets against actuals, attainment spread, target tree, pace, activity, ramp.

Data in, figure out; callers pass every title and label already translated.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from salesdash.charts import PALETTE, themed

__all__ = ["target_vs_actual", "attainment_lines", "attainment_strip", "target_tree", "pace_chart",
           "activity_scatter", "ramp_curve", "score_bars"]


def target_vs_actual(df: pd.DataFrame, *, x: str, actual: str, target: str, title: str, actual_name: str,
                     target_name: str, y_title: str | None = None) -> go.Figure:
    """Bars of the actual per category with the target as a dash marker; bars coloured by attainment
    (green at or above target, orange within 80%, red below)."""
    ratio = df[actual] / df[target].where(df[target] > 0)
    colors = ["#2CA58D" if r >= 1 else "#F28E2B" if r >= 0.8 else "#E15759" if r == r else "#BAB0AC"
              for r in ratio]
    fig = go.Figure(go.Bar(x=df[x], y=df[actual], name=actual_name, marker_color=colors,
                           customdata=ratio, hovertemplate="%{x}: %{y:,.0f} (%{customdata:.0%})<extra></extra>"))
    fig.add_trace(go.Scatter(x=df[x], y=df[target], name=target_name, mode="markers",
                             marker=dict(symbol="line-ew", size=28, line=dict(width=3, color="#333333"))))
    fig.update_yaxes(title_text=y_title, tickformat=",.0f")
    return themed(fig, title=title)


def attainment_lines(df: pd.DataFrame, *, x: str, key: str, y: str, title: str, y_title: str | None = None,
                     target_line: float = 1.0) -> go.Figure:
    """Attainment over time, one line per `key`, with a dashed line at 100%."""
    fig = go.Figure()
    for i, (k, g) in enumerate(df.groupby(key, sort=True)):
        g = g.sort_values(x)
        fig.add_trace(go.Scatter(x=g[x], y=g[y], name=str(k), mode="lines+markers",
                                 line=dict(color=PALETTE[i % len(PALETTE)], width=2), marker=dict(size=5)))
    fig.add_hline(y=target_line, line=dict(dash="dash", color="#333333", width=1))
    fig.update_yaxes(title_text=y_title, tickformat=".0%")
    return themed(fig, title=title)


def attainment_strip(df: pd.DataFrame, *, group: str, value: str, text: str, title: str,
                     y_title: str | None = None) -> go.Figure:
    """Every rep's attainment as a point, grouped by team, over a box of the spread; a line at 100%."""
    fig = go.Figure()
    for i, (k, g) in enumerate(df.dropna(subset=[value]).groupby(group, sort=True)):
        fig.add_trace(go.Box(y=g[value], name=str(k), boxpoints="all", jitter=0.4, pointpos=0, text=g[text],
                             marker=dict(color=PALETTE[i % len(PALETTE)], size=7), line=dict(width=1),
                             hovertemplate="%{text}: %{y:.0%}<extra></extra>", showlegend=False))
    fig.add_hline(y=1.0, line=dict(dash="dash", color="#333333", width=1))
    fig.update_yaxes(title_text=y_title, tickformat=".0%")
    return themed(fig, title=title)


def target_tree(df: pd.DataFrame, *, levels: Sequence[str], value: str, color: str, root: str, title: str,
                hover_value: str, hover_color: str) -> go.Figure:
    """Targets broken down root -> level 1 -> level 2 (a sunburst): size the target, colour the attainment.

    `df` holds one row per leaf with the `levels` columns, `value` (target) and the leaf's actual in a
    column named ``actual``; attainment of an inner ring is its Σ actual ÷ Σ target.
    """
    ids, labels, parents, values, colors = [root], [root], [""], [float(df[value].sum())], []
    total_target = float(df[value].sum())
    colors.append(float(df["actual"].sum()) / total_target if total_target else np.nan)
    for depth in range(len(levels)):
        cols = list(levels[: depth + 1])
        g = df.groupby(cols, dropna=False, sort=True).agg(target=(value, "sum"), actual=("actual", "sum"))
        for keys, row in g.iterrows():
            keys = keys if isinstance(keys, tuple) else (keys,)
            node = "/".join([root, *map(str, keys)])
            parent = "/".join([root, *map(str, keys[:-1])])
            ids.append(node)
            labels.append(str(keys[-1]))
            parents.append(parent)
            values.append(float(row["target"]))
            colors.append(float(row["actual"]) / float(row["target"]) if row["target"] else np.nan)
    fig = go.Figure(go.Sunburst(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        marker=dict(colors=colors, colorscale=[[0, "#E15759"], [0.5, "#EDC948"], [1, "#2CA58D"]], cmin=0.5,
                    cmax=1.5, colorbar=dict(tickformat=".0%", title=dict(text=hover_color))),
        customdata=colors,
        hovertemplate=f"%{{label}}<br>{hover_value}: %{{value:,.0f}}<br>{hover_color}: %{{customdata:.0%}}"
                      "<extra></extra>",
    ))
    return themed(fig, title=title, height=480)


def pace_chart(daily: pd.DataFrame, *, period_end, projected: float | None, low: float | None,
               high: float | None, target: float | None, title: str, actual_name: str, projected_name: str,
               target_name: str, band_name: str) -> go.Figure:
    """Cumulative revenue so far (`daily`: columns date, cumulative), the run-rate to the period end with
    its interval as a band, and the period's target as a dashed line."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=daily["date"], y=daily["cumulative"], name=actual_name, mode="lines",
                             line=dict(color=PALETTE[0], width=3)))
    if projected is not None and len(daily):
        last_x, last_y = daily["date"].iloc[-1], float(daily["cumulative"].iloc[-1])
        xs = [last_x, pd.Timestamp(period_end)]
        if low is not None and high is not None:
            fig.add_trace(go.Scatter(x=xs + xs[::-1], y=[last_y, high, low, last_y], fill="toself",
                                     fillcolor="rgba(47,107,255,0.15)", line=dict(width=0), name=band_name,
                                     hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=xs, y=[last_y, projected], name=projected_name, mode="lines+markers",
                                 line=dict(color=PALETTE[0], dash="dot", width=2)))
    if target is not None:
        fig.add_hline(y=target, line=dict(dash="dash", color="#333333", width=1.5),
                      annotation_text=target_name, annotation_position="top left")
    fig.update_yaxes(tickformat=",.0f")
    return themed(fig, title=title)


def activity_scatter(df: pd.DataFrame, *, x: str, y: str, text: str, title: str, x_title: str,
                     y_title: str, color: str | None = None) -> go.Figure:
    """Reps as points (activities against wins) with the least-squares line across them."""
    fig = go.Figure()
    groups = df.groupby(color, sort=True, dropna=False) if color else [(None, df)]
    for i, (k, g) in enumerate(groups):
        fig.add_trace(go.Scatter(x=g[x], y=g[y], text=g[text], mode="markers", name=str(k) if k else "",
                                 showlegend=color is not None, marker=dict(size=10, color=PALETTE[i % len(PALETTE)],
                                                                           opacity=0.8),
                                 hovertemplate="%{text}: %{x}, %{y}<extra></extra>"))
    d = df[[x, y]].dropna()
    if len(d) >= 2 and d[x].nunique() >= 2:
        slope, intercept = np.polyfit(d[x].astype(float), d[y].astype(float), 1)
        xs = np.array([d[x].min(), d[x].max()], dtype=float)
        fig.add_trace(go.Scatter(x=xs, y=slope * xs + intercept, mode="lines", showlegend=False,
                                 line=dict(color="#333333", dash="dash", width=1), hoverinfo="skip"))
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return themed(fig, title=title, height=400)


def ramp_curve(curve: pd.DataFrame, *, full_share: float, title: str, x_title: str, y_title: str,
               mean_name: str, peers_name: str, full_name: str) -> go.Figure:
    """New hires' productivity (share of established peers' revenue) by months since hire, with the
    peers' level (100%) and the "fully ramped" share as reference lines."""
    fig = go.Figure(go.Scatter(x=curve["months_since_hire"], y=curve["productivity"], name=mean_name,
                               mode="lines+markers", line=dict(color=PALETTE[0], width=2),
                               customdata=curve["reps"], hovertemplate="%{x}: %{y:.0%} (n = %{customdata})"
                                                                       "<extra></extra>"))
    fig.add_hline(y=1.0, line=dict(dash="dash", color="#333333", width=1), annotation_text=peers_name,
                  annotation_position="top left")
    fig.add_hline(y=full_share, line=dict(dash="dot", color="#999999", width=1), annotation_text=full_name,
                  annotation_position="bottom right")
    fig.update_xaxes(title_text=x_title, dtick=1)
    fig.update_yaxes(title_text=y_title, tickformat=".0%", rangemode="tozero")
    return themed(fig, title=title)


def score_bars(df: pd.DataFrame, *, x: str, y: str, title: str, x_title: str | None = None) -> go.Figure:
    """Composite scores as horizontal bars, best first (0-100)."""
    fig = go.Figure(go.Bar(y=df[y], x=df[x], orientation="h", marker_color=PALETTE[0],
                           texttemplate="%{x:.0f}", textposition="outside"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=x_title, range=[0, 105])
    return themed(fig, title=title, height=max(320, 22 * len(df) + 120))
