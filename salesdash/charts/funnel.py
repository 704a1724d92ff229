"""Funnel-page charts: data in, ``go.Figure`` out. Every word arrives translated; no queries, no streamlit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from salesdash.charts import PALETTE, themed

__all__ = [
    "funnel", "funnels_side_by_side", "rate_comparison", "stage_days", "heatmap", "pareto", "stacked_bars",
    "waterfall", "calibration", "scenario_bars",
]


def _pct(v) -> str:
    return "–" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v * 100:.1f}%"


def funnel(df: pd.DataFrame, *, labels: Sequence[str], title: str, hover: str, text: str,
           value_format: str = ",.0f") -> go.Figure:
    """One funnel from :func:`salesdash.analysis.funnel.stage_funnel` rows (one group).

    `hover` is a template with {prev}, {prev_lo}, {prev_hi}, {first}, {first_lo}, {first_hi}, {drop}
    placeholders, already translated; `text` (on the bars) has {value}, {prev} and {first}. Points carry
    the stage code in customdata (for click-through).
    """
    bar_texts = [text.format(value=f"{r.amount:{value_format}}", prev=_pct(r.conversion_from_previous),
                             first=_pct(r.conversion_from_first)) for r in df.itertuples()]
    texts = [hover.format(
        prev=_pct(r.conversion_from_previous), prev_lo=_pct(r.conversion_from_previous_low),
        prev_hi=_pct(r.conversion_from_previous_high), first=_pct(r.conversion_from_first),
        first_lo=_pct(r.conversion_from_first_low), first_hi=_pct(r.conversion_from_first_high),
        drop=f"{r.drop_off:{value_format}}",
    ) for r in df.itertuples()]
    fig = go.Figure(go.Funnel(
        y=list(labels), x=df["amount"], customdata=df["stage"], hovertext=texts,
        hovertemplate="%{y}: %{x:" + value_format + "}<br>%{hovertext}<extra></extra>",
        text=bar_texts, textinfo="text",
        marker=dict(color=PALETTE[: len(df)]),
    ))
    return themed(fig, title=title, height=380)


def funnels_side_by_side(df: pd.DataFrame, *, stage_labels: dict[str, str], group_labels: dict, title: str,
                         y_title: str, value_format: str = ",.0f") -> go.Figure:
    """Grouped bars: one colour per group, one cluster per stage, % of first stage as text."""
    fig = go.Figure()
    for k, (g, part) in enumerate(df.groupby("group", dropna=False, sort=False)):
        fig.add_trace(go.Bar(
            x=[stage_labels[s] for s in part["stage"]], y=part["amount"], name=group_labels.get(g, str(g)),
            text=[_pct(v) for v in part["conversion_from_first"]], textposition="outside",
            marker_color=PALETTE[k % len(PALETTE)], customdata=part["stage"],
            hovertemplate="%{x}: %{y:" + value_format + "} (%{text})<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(barmode="group", yaxis_title=y_title)
    return themed(fig, title=title, height=400)


def rate_comparison(df: pd.DataFrame, *, labels: Sequence[str], title: str, x_title: str,
                    overall: float | None = None, overall_name: str = "") -> go.Figure:
    """Rates with their 95% interval per group (a forest plot); columns rate, rate_low, rate_high."""
    r = df["rate"].astype(float)
    fig = go.Figure(go.Scatter(
        x=r, y=list(labels), mode="markers", marker=dict(size=11, color=PALETTE[0]),
        error_x=dict(type="data", symmetric=False, array=(df["rate_high"].astype(float) - r).clip(lower=0),
                     arrayminus=(r - df["rate_low"].astype(float)).clip(lower=0), color=PALETTE[0]),
        hovertemplate="%{y}: %{x:.1%}<extra></extra>", showlegend=False,
    ))
    if overall is not None:
        fig.add_vline(x=overall, line_dash="dash", line_color="#888888", annotation_text=overall_name)
    fig.update_xaxes(tickformat=".0%", title_text=x_title, rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return themed(fig, title=title, height=max(260, 40 * len(df) + 120))


def stage_days(df: pd.DataFrame, *, labels: Sequence[str], title: str, median_name: str, p90_name: str,
               y_title: str) -> go.Figure:
    """Median and p90 days in each stage (bars)."""
    fig = go.Figure([
        go.Bar(x=list(labels), y=df["median_days"], name=median_name, marker_color=PALETTE[0],
               texttemplate="%{y:.0f}"),
        go.Bar(x=list(labels), y=df["p90_days"], name=p90_name, marker_color=PALETTE[1], texttemplate="%{y:.0f}"),
    ])
    fig.update_layout(barmode="group", yaxis_title=y_title)
    return themed(fig, title=title)


def heatmap(df: pd.DataFrame, *, x: str, y: str, z: str, title: str, x_title: str, y_title: str,
            z_format: str = ".0%", y_labels: Sequence[str] | None = None) -> go.Figure:
    """A heatmap of `z` on (x, y) from a long table; missing cells stay blank."""
    piv = df.pivot(index=y, columns=x, values=z)
    text = [[("" if v != v else f"{v:{z_format}}") for v in row] for row in piv.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=piv.to_numpy(dtype=float), x=[str(c) for c in piv.columns],
        y=list(y_labels) if y_labels is not None else [str(i) for i in piv.index],
        text=text, texttemplate="%{text}", colorscale="Blues", hoverongaps=False,
        colorbar=dict(tickformat=z_format),
    ))
    fig.update_xaxes(title_text=x_title, type="category")
    fig.update_yaxes(title_text=y_title, autorange="reversed", type="category")
    return themed(fig, title=title, height=max(320, 26 * len(piv) + 140))


def pareto(df: pd.DataFrame, *, labels: Sequence[str], y: str, title: str, y_title: str, line_name: str) -> go.Figure:
    """Bars of `y` largest first with the cumulative share as a line on a right-hand axis."""
    fig = go.Figure([
        go.Bar(x=list(labels), y=df[y], name=y_title, marker_color=PALETTE[3]),
        go.Scatter(x=list(labels), y=df["cumulative_share"], name=line_name, yaxis="y2", mode="lines+markers",
                   line=dict(color="#333333")),
    ])
    fig.update_layout(yaxis=dict(title_text=y_title),
                      yaxis2=dict(overlaying="y", side="right", tickformat=".0%", range=[0, 1.05], showgrid=False))
    return themed(fig, title=title)


def stacked_bars(df: pd.DataFrame, *, x: str, y: str, color: str, color_labels: dict, title: str, y_title: str,
                 x_title: str | None = None, order: Sequence | None = None) -> go.Figure:
    """Stacked bars of `y` by `x`, one colour per value of `color`."""
    fig = go.Figure()
    keys = list(order) if order is not None else list(dict.fromkeys(df[color]))
    for k, key in enumerate(keys):
        part = df[df[color] == key]
        if part.empty:
            continue
        fig.add_trace(go.Bar(x=part[x], y=part[y], name=color_labels.get(key, str(key)),
                             marker_color=PALETTE[k % len(PALETTE)]))
    fig.update_layout(barmode="stack", yaxis_title=y_title, xaxis_title=x_title)
    return themed(fig, title=title)


def waterfall(steps: pd.DataFrame, *, labels: Sequence[str], title: str, y_title: str) -> go.Figure:
    """The pipeline waterfall: the first and last steps are totals, the others moves."""
    n = len(steps)
    measure = ["absolute"] + ["relative"] * (n - 2) + ["total"]
    fig = go.Figure(go.Waterfall(
        x=list(labels), y=steps["value"], measure=measure, texttemplate="%{y:,.3s}", textposition="outside",
        increasing=dict(marker=dict(color=PALETTE[2])), decreasing=dict(marker=dict(color=PALETTE[3])),
        totals=dict(marker=dict(color=PALETTE[0])), connector=dict(line=dict(color="#BBBBBB")),
    ))
    fig.update_layout(yaxis_title=y_title, showlegend=False)
    return themed(fig, title=title, height=400)


def calibration(df: pd.DataFrame, *, names: dict[str, str], title: str, x_title: str, y_title: str,
                ideal_name: str) -> go.Figure:
    """Predicted vs observed win share per bin, one line per source, with the diagonal."""
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=ideal_name,
                               line=dict(dash="dash", color="#999999")))
    for k, (src, part) in enumerate(df.groupby("source", sort=False)):
        fig.add_trace(go.Scatter(x=part["predicted"], y=part["observed"], mode="lines+markers",
                                 name=names.get(src, src), line=dict(color=PALETTE[k % len(PALETTE)])))
    fig.update_xaxes(title_text=x_title, tickformat=".0%", range=[0, 1])
    fig.update_yaxes(title_text=y_title, tickformat=".0%", range=[0, 1])
    return themed(fig, title=title, height=380)


def scenario_bars(labels: Sequence[str], values: Sequence[float], *, title: str, y_title: str) -> go.Figure:
    """A few bars side by side (the what-if: baseline vs scenario)."""
    fig = go.Figure(go.Bar(x=list(labels), y=list(values), marker_color=[PALETTE[0], PALETTE[1], PALETTE[2]][: len(values)],
                           texttemplate="%{y:,.3s}", textposition="outside"))
    fig.update_layout(yaxis_title=y_title, showlegend=False)
    return themed(fig, title=title, height=320)
