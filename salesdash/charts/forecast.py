"""Forecast charts: actuals and forecast with its interval, backtest errors, the quarter's pipeline forecast.

Data in, ``go.Figure`` out; every word is passed in already translated.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from salesdash.charts import PALETTE, themed

__all__ = ["forecast_chart", "backtest_chart", "quarter_chart", "stage_win_rate_chart"]


def forecast_chart(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    title: str,
    actual_name: str,
    forecast_name: str,
    interval_name: str,
    partial: tuple[pd.Timestamp, float] | None = None,
    partial_name: str | None = None,
    y_title: str | None = None,
    y_format: str | None = ",.0f",
) -> go.Figure:
    """Actuals as a solid line, the forecast as a dashed line with a shaded prediction interval.

    Parameters
    ----------
    history : columns month, value (complete months).
    forecast : columns month, value, lower, upper.
    partial : (month, value so far) of the month in progress, drawn as a hollow marker.
    """
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=history["month"], y=history["value"], name=actual_name, mode="lines+markers",
                             line=dict(color=PALETTE[0], width=2), marker=dict(size=4)))
    if not forecast.empty:
        band_x = list(forecast["month"]) + list(forecast["month"])[::-1]
        band_y = list(forecast["upper"]) + list(forecast["lower"])[::-1]
        fig.add_trace(go.Scatter(x=band_x, y=band_y, fill="toself", fillcolor="rgba(242,142,43,0.18)", mode="lines",
                                 line=dict(width=0), name=interval_name, hoverinfo="skip"))
        # join the forecast to the last actual so the two read as one story, drawn differently
        join = history.tail(1)[["month", "value"]]
        fx = list(join["month"]) + list(forecast["month"])
        fy = list(join["value"]) + list(forecast["value"])
        fig.add_trace(go.Scatter(x=fx, y=fy, name=forecast_name, mode="lines+markers",
                                 line=dict(color=PALETTE[1], width=2, dash="dash"), marker=dict(size=5)))
    if partial is not None and partial_name:
        fig.add_trace(go.Scatter(x=[partial[0]], y=[partial[1]], name=partial_name, mode="markers",
                                 marker=dict(size=10, symbol="circle-open", color=PALETTE[0], line=dict(width=2))))
    fig.update_yaxes(title_text=y_title, tickformat=y_format, rangemode="tozero")
    return themed(fig, title=title, height=400)


def backtest_chart(errors: pd.DataFrame, *, title: str, x_title: str) -> go.Figure:
    """Backtest MAPE of the chosen model and the baselines as horizontal bars.

    errors : columns name (already translated), mape (0-1), chosen (bool: drawn in the accent colour).
    """
    colors = [PALETTE[1] if c else "#BAB0AC" for c in errors["chosen"]]
    fig = go.Figure(go.Bar(y=errors["name"], x=errors["mape"], orientation="h", marker_color=colors,
                           texttemplate="%{x:.1%}", textposition="outside"))
    fig.update_xaxes(tickformat=".0%", title_text=x_title, rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=False)
    return themed(fig, title=title, height=80 + 40 * len(errors))


def quarter_chart(steps: pd.DataFrame, *, title: str, target: float | None, target_name: str) -> go.Figure:
    """Booked, commit, best case, pipeline and the weighted forecast as bars, the target as a line.

    steps : columns name (translated), value, kind ("booked", "category", "forecast").
    """
    colors = {"booked": PALETTE[2], "category": PALETTE[0], "forecast": PALETTE[1]}
    fig = go.Figure(go.Bar(x=steps["name"], y=steps["value"], marker_color=[colors[k] for k in steps["kind"]],
                           texttemplate="%{y:,.3s}", textposition="outside"))
    if target:
        fig.add_hline(y=target, line=dict(color="#E15759", dash="dot", width=2),
                      annotation_text=target_name, annotation_position="top left")
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    fig.update_layout(showlegend=False)
    return themed(fig, title=title)


def stage_win_rate_chart(rates: pd.DataFrame, *, title: str, y_title: str) -> go.Figure:
    """P(won | reached stage) by stage. rates : columns label (translated stage), win_rate, reached."""
    fig = go.Figure(go.Bar(x=rates["label"], y=rates["win_rate"], marker_color=PALETTE[0],
                           customdata=rates["reached"], texttemplate="%{y:.0%}", textposition="outside",
                           hovertemplate="%{x}: %{y:.1%} (n=%{customdata})<extra></extra>"))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.1], title_text=y_title)
    fig.update_layout(showlegend=False)
    return themed(fig, title=title, height=300)
