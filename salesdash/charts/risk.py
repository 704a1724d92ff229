"""Risk charts: the risk matrix, receivables aging, concentration, churn drivers, survival and anomalies.

Data in, ``go.Figure`` out; every word is passed in already translated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from salesdash.charts import PALETTE, themed

__all__ = ["risk_matrix_chart", "aging_chart", "concentration_chart", "drivers_chart", "survival_chart",
           "anomaly_chart"]


def risk_matrix_chart(items: pd.DataFrame, *, title: str, x_title: str, y_title: str) -> go.Figure:
    """A 5 x 5 likelihood x impact grid coloured by score, each risk a labelled marker in its cell.

    items : columns label (translated risk name), category_label, likelihood (1-5), impact (1-5).
    Each cell lists its risks one under another, marker at the cell's left and label to its right, so no
    label runs into another or off the grid.
    """
    z = np.outer(np.arange(1, 6), np.arange(1, 6))  # rows: likelihood, columns: impact
    fig = go.Figure(go.Heatmap(
        x=list(range(1, 6)), y=list(range(1, 6)), z=z, zmin=1, zmax=25, showscale=False, hoverinfo="skip",
        colorscale=[[0, "#DFF3E4"], [0.25, "#FFF3C4"], [0.55, "#FFD7A8"], [1, "#F6A5A5"]],
    ))
    x = pd.Series(np.nan, index=items.index)
    y = pd.Series(np.nan, index=items.index)
    for _, cell in items.groupby(["likelihood", "impact"], sort=False):
        offsets = np.linspace(0.3, -0.3, len(cell)) if len(cell) > 1 else np.zeros(1)
        x[cell.index] = cell["impact"] - 0.4
        y[cell.index] = cell["likelihood"] + offsets
    cats = list(dict.fromkeys(items["category_label"]))
    for i, cat in enumerate(cats):
        m = items["category_label"] == cat
        fig.add_trace(go.Scatter(
            x=x[m], y=y[m], mode="markers+text", text=items.loc[m, "label"], textposition="middle right",
            name=cat, marker=dict(size=11, color=PALETTE[i % len(PALETTE)], line=dict(color="white", width=1)),
            hovertemplate="%{text}<extra>" + cat + "</extra>", textfont=dict(size=12),
        ))
    fig.update_xaxes(title_text=x_title, range=[0.5, 5.5], dtick=1, showgrid=False)
    fig.update_yaxes(title_text=y_title, range=[0.5, 5.5], dtick=1, showgrid=False)
    return themed(fig, title=title, height=520)


def aging_chart(aging: pd.DataFrame, *, title: str, y_title: str) -> go.Figure:
    """Receivables by days past due. aging : columns label (translated bucket), amount, share."""
    colors = ["#2CA58D", "#EDC948", "#F28E2B", "#E15759", "#9C2F2F"][: len(aging)]
    fig = go.Figure(go.Bar(x=aging["label"], y=aging["amount"], marker_color=colors, customdata=aging["share"],
                           texttemplate="%{customdata:.0%}", textposition="outside",
                           hovertemplate="%{x}: %{y:,.0f} (%{customdata:.1%})<extra></extra>"))
    fig.update_yaxes(title_text=y_title, tickformat=",.0f", rangemode="tozero")
    fig.update_layout(showlegend=False)
    return themed(fig, title=title)


def concentration_chart(df: pd.DataFrame, *, title: str, hhi_name: str, share_name: str,
                        high_name: str, moderate_name: str) -> go.Figure:
    """HHI by group (bars, left axis) with the top-10 share (diamonds, right axis) and the 1,500 / 2,500
    reference lines. df : columns label, hhi, top_share."""
    fig = go.Figure(go.Bar(x=df["label"], y=df["hhi"], name=hhi_name, marker_color=PALETTE[0],
                           texttemplate="%{y:,.0f}", textposition="outside"))
    fig.add_trace(go.Scatter(x=df["label"], y=df["top_share"], name=share_name, mode="markers", yaxis="y2",
                             marker=dict(size=10, symbol="diamond", color="#333333")))
    fig.add_hline(y=2500, line=dict(color="#E15759", dash="dot"), annotation_text=high_name,
                  annotation_position="top right")
    fig.add_hline(y=1500, line=dict(color="#EDC948", dash="dot"), annotation_text=moderate_name,
                  annotation_position="bottom right")
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", tickformat=".0%", range=[0, 1.05], showgrid=False,
                                  title_text=share_name))
    fig.update_yaxes(title_text=hhi_name, tickformat=",.0f", rangemode="tozero", selector=dict(anchor="x"))
    return themed(fig, title=title)


def drivers_chart(drivers: pd.DataFrame, *, title: str, x_title: str) -> go.Figure:
    """Churn drivers: the coefficient per standard deviation of each feature, red when it raises churn.

    drivers : columns label (translated feature), coefficient.
    """
    colors = [PALETTE[3] if c > 0 else PALETTE[2] for c in drivers["coefficient"]]
    fig = go.Figure(go.Bar(y=drivers["label"], x=drivers["coefficient"], orientation="h", marker_color=colors,
                           texttemplate="%{x:+.2f}", textposition="outside"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=x_title, zeroline=True)
    fig.update_layout(showlegend=False)
    return themed(fig, title=title, height=100 + 32 * len(drivers))


def survival_chart(curves: pd.DataFrame, *, title: str, x_title: str, y_title: str) -> go.Figure:
    """Kaplan-Meier step curves per segment. curves : columns label (translated segment), days, survival."""
    fig = go.Figure()
    for i, (lab, part) in enumerate(curves.groupby("label", sort=False)):
        fig.add_trace(go.Scatter(x=part["days"], y=part["survival"], name=str(lab), mode="lines",
                                 line=dict(shape="hv", width=2, color=PALETTE[i % len(PALETTE)])))
    fig.update_xaxes(title_text=x_title, rangemode="tozero")
    fig.update_yaxes(title_text=y_title, tickformat=".0%", range=[0, 1.02])
    return themed(fig, title=title)


def anomaly_chart(series: pd.DataFrame, *, title: str, actual_name: str, expected_name: str, flagged_name: str,
                  y_format: str | None = ",.0f") -> go.Figure:
    """One measure by month: actual, seasonal expectation, and the flagged months as red markers.

    series : columns month, value, expected, flagged (bool), note (hover text of flagged months).
    """
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=series["month"], y=series["value"], name=actual_name, mode="lines+markers",
                             line=dict(color=PALETTE[0], width=2), marker=dict(size=4)))
    fig.add_trace(go.Scatter(x=series["month"], y=series["expected"], name=expected_name, mode="lines",
                             line=dict(color="#888888", width=1.5, dash="dot")))
    f = series[series["flagged"]]
    if not f.empty:
        fig.add_trace(go.Scatter(x=f["month"], y=f["value"], name=flagged_name, mode="markers",
                                 marker=dict(size=12, color=PALETTE[3], symbol="x"), text=f.get("note"),
                                 hovertemplate="%{text}<extra></extra>"))
    fig.update_yaxes(tickformat=y_format)
    return themed(fig, title=title, height=300)
