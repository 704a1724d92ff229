"""Charts of the Presale page: cumulative reservations, outcomes, conversion by type, lift, forecasts.
Data in, ``go.Figure`` out; every word arrives translated."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from salesdash.charts import PALETTE, legend_below, themed

__all__ = ["cumulative_curves", "outcome_bars", "rate_with_interval", "lift_points", "forecast_fan", "roi_bars"]


def _legend_below(fig: go.Figure) -> go.Figure:
    """Legend under the plot (half-width charts have no room for it beside the title)."""
    return legend_below(fig)


def cumulative_curves(curves: pd.DataFrame, *, names: Mapping[str, str], title: str, x_title: str,
                      y_title: str) -> go.Figure:
    """Cumulative reservations over the campaign's days, one line per campaign (columns campaign_id, day,
    cumulative)."""
    fig = go.Figure()
    for i, (cid, g) in enumerate(curves.groupby("campaign_id", sort=False)):
        fig.add_trace(go.Scatter(x=g["day"] + 1, y=g["cumulative"], name=names.get(cid, cid), mode="lines",
                                 line=dict(width=2, color=PALETTE[i % len(PALETTE)])))
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title, tickformat=",.0f")
    return _legend_below(themed(fig, title=title, height=440))


def outcome_bars(df: pd.DataFrame, *, label: str, names: Mapping[str, str], title: str) -> go.Figure:
    """What became of each campaign's reservations: stacked horizontal bars of converted, pending,
    cancelled and refunded (`names` maps those columns to legend names)."""
    fig = go.Figure()
    colors = {"converted": PALETTE[2], "pending": PALETTE[6], "cancelled": PALETTE[1], "refunds": PALETTE[3]}
    for col, color in colors.items():
        fig.add_trace(go.Bar(y=df[label], x=df[col], name=names[col], orientation="h", marker_color=color))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=",.0f")
    return legend_below(themed(fig, title=title, height=max(300, 28 * len(df) + 140)))


def rate_with_interval(df: pd.DataFrame, *, label: str, value: str, low: str, high: str, title: str,
                       y_title: str, fmt: str = ".0%") -> go.Figure:
    """Bars of a rate with its interval as error bars (e.g. conversion by campaign type)."""
    fig = go.Figure(go.Bar(
        x=df[label], y=df[value], marker_color=PALETTE[0],
        error_y=dict(type="data", symmetric=False, array=(df[high] - df[value]).fillna(0),
                     arrayminus=(df[value] - df[low]).fillna(0), color="#333333"),
        text=[format(v, fmt) if pd.notna(v) else "" for v in df[value]], textposition="inside",
    ))
    fig.update_yaxes(title_text=y_title, tickformat=fmt)
    return themed(fig, title=title)


def lift_points(df: pd.DataFrame, *, label: str, value: str, low: str, high: str, title: str,
                x_title: str) -> go.Figure:
    """Lift per row as a point with its interval, drawn as the sales ratio (1 + lift) on a log axis so a
    +30% and a +3,000% campaign both read; a line at ×1 (no lift). Hover shows the lift in %."""
    d = df.dropna(subset=[value])
    ratio, lo, hi = 1 + d[value], 1 + d[low].fillna(d[value]), 1 + d[high].fillna(d[value])
    lo = lo.clip(lower=1e-3)
    fig = go.Figure(go.Scatter(
        y=d[label], x=ratio, mode="markers", marker=dict(size=10, color=PALETTE[0]),
        error_x=dict(type="data", symmetric=False, array=(hi - ratio), arrayminus=(ratio - lo), color="#555555"),
        customdata=d[value], hovertemplate="%{y}: %{customdata:+.0%}<extra></extra>",
    ))
    fig.add_vline(x=1, line=dict(color="#999999", width=1))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=x_title, type="log", ticksuffix="×")
    return themed(fig, title=title, height=max(280, 30 * len(d) + 110))


def forecast_fan(path: pd.DataFrame, *, names: Mapping[str, str], title: str, x_title: str,
                 y_title: str) -> go.Figure:
    """The early forecast as days pass: reservations so far, the forecast final count with its interval,
    and the actual final count when known.

    `path` columns: day, cumulative, predicted, lower, upper, actual_final. `names` maps cumulative,
    predicted, interval and actual_final to legend names.
    """
    fig = go.Figure()
    ok = path.dropna(subset=["predicted"])
    fig.add_trace(go.Scatter(x=ok["day"], y=ok["upper"], mode="lines", line=dict(width=0), showlegend=False,
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=ok["day"], y=ok["lower"], mode="lines", line=dict(width=0), fill="tonexty",
                             fillcolor="rgba(47,107,255,0.15)", name=names["interval"]))
    fig.add_trace(go.Scatter(x=ok["day"], y=ok["predicted"], mode="lines+markers", name=names["predicted"],
                             line=dict(color=PALETTE[0], width=2, dash="dash"), marker=dict(size=5)))
    fig.add_trace(go.Scatter(x=path["day"], y=path["cumulative"], mode="lines+markers", name=names["cumulative"],
                             line=dict(color=PALETTE[1], width=2), marker=dict(size=5)))
    actual = path["actual_final"].dropna()
    if len(actual):
        fig.add_hline(y=float(actual.iloc[0]), line=dict(color=PALETTE[2], width=2),
                      annotation_text=names["actual_final"], annotation_position="bottom right")
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title, tickformat=",.0f", rangemode="tozero")
    return _legend_below(themed(fig, title=title, height=440))


def roi_bars(df: pd.DataFrame, *, label: str, title: str, x_title: str, color: str | None = None) -> go.Figure:
    """ROI per campaign as horizontal bars in the order given (coloured by `color`, e.g. the campaign type),
    a line at zero."""
    keys = list(dict.fromkeys(df[color])) if color else []
    cmap = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}
    fig = go.Figure()
    if color:
        for k in keys:
            g = df[df[color] == k]
            fig.add_trace(go.Bar(y=g[label], x=g["roi"], name=str(k), marker_color=cmap[k], orientation="h",
                                 hovertemplate="%{y}: %{x:.2f}×<extra></extra>"))
    else:
        fig.add_trace(go.Bar(y=df[label], x=df["roi"], marker_color=PALETTE[0], orientation="h"))
    fig.add_vline(x=0, line=dict(color="#999999", width=1))
    fig.update_xaxes(title_text=x_title, tickformat=".1f", ticksuffix="×")
    fig.update_yaxes(categoryorder="array", categoryarray=list(df[label]), autorange="reversed")
    return themed(fig, title=title, height=max(300, 24 * len(df) + 150))   # legend above: the axis title is below
