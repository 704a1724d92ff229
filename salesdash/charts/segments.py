"""Charts of the Segments page: data in, ``go.Figure`` out. Titles and names arrive translated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from salesdash.charts import PALETTE, legend_below, themed

__all__ = ["size_value_bubbles", "rfm_grid", "segment_treemap", "movement_sankey", "k_choice", "cluster_radar",
           "projection_scatter", "stability_bars"]

#: One colour per RFM segment (best segments in blues/greens, the slipping ones in warm colours).
SEGMENT_COLORS = {
    "champions": "#2F6BFF", "loyal": "#2CA58D", "potential": "#76B7B2", "new": "#8E6CCF",
    "at_risk": "#F28E2B", "cant_lose": "#E15759", "hibernating": "#BAB0AC", "lost": "#9C755F",
    "not_active": "#DDDDDD",
}


def size_value_bubbles(df: pd.DataFrame, *, label: str, x: str, y: str, size: str, title: str, x_title: str,
                       y_title: str, hover: Sequence[tuple[str, str, str]] = ()) -> go.Figure:
    """Segments as bubbles: size (customers) across, value (revenue per customer) up, bubble area = revenue.

    hover : (column, name, d3 format) triples added to the tooltip.
    """
    area = df[size].clip(lower=0).to_numpy(dtype="float64")
    sizeref = 2.0 * area.max() / (60.0 ** 2) if len(area) and area.max() > 0 else 1
    custom = np.column_stack([df[c] for c, _, _ in hover]) if hover else None
    tip = "<b>%{text}</b><br>" + f"{x_title}: %{{x:,.0f}}<br>{y_title}: %{{y:,.0f}}"
    for i, (_, name, fmt) in enumerate(hover):
        tip += f"<br>{name}: %{{customdata[{i}]:{fmt}}}"
    fig = go.Figure(go.Scatter(
        x=df[x], y=df[y], text=df[label], mode="markers+text", textposition="top center",
        marker=dict(size=area, sizemode="area", sizeref=sizeref, sizemin=4, color=PALETTE[0], opacity=0.6,
                    line=dict(width=1, color="white")),
        customdata=custom, hovertemplate=tip + "<extra></extra>",
    ))
    fig.update_xaxes(title_text=x_title, rangemode="tozero")
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    return themed(fig, title=title, height=420)


def rfm_grid(grid: pd.DataFrame, *, n_bins: int, names: Mapping[str, str], title: str, x_title: str,
             y_title: str, value_name: str) -> go.Figure:
    """The R x F grid: customers per cell (colour), the cell's segment name written in it.

    grid : r_score, f_score, customers, segment (one row per cell holding customers).
    names : segment code -> name shown.
    """
    z = np.zeros((n_bins, n_bins))
    text = [["" for _ in range(n_bins)] for _ in range(n_bins)]
    for r in grid.itertuples():
        z[int(r.r_score) - 1, int(r.f_score) - 1] = r.customers
        text[int(r.r_score) - 1][int(r.f_score) - 1] = f"{names.get(r.segment, r.segment)}<br>{int(r.customers):,}"
    scores = list(range(1, n_bins + 1))
    fig = go.Figure(go.Heatmap(
        z=z, x=scores, y=scores, text=text, texttemplate="%{text}", colorscale="Blues",
        hovertemplate=f"R %{{y}} · F %{{x}}<br>{value_name}: %{{z:,.0f}}<extra></extra>",
        colorbar=dict(title=value_name),
    ))
    fig.update_xaxes(title_text=x_title, dtick=1, showgrid=False)
    fig.update_yaxes(title_text=y_title, dtick=1, showgrid=False)
    return themed(fig, title=title, height=420)


def segment_treemap(df: pd.DataFrame, *, label: str, value: str, code: str, title: str,
                    hover: Sequence[tuple[str, str, str]] = ()) -> go.Figure:
    """Segments as a treemap: area = `value` (customers or revenue), colour by segment code."""
    d = df[df[value] > 0]
    custom = np.column_stack([d[c] for c, _, _ in hover]) if hover else None
    tip = "<b>%{label}</b><br>%{value:,.0f}"
    for i, (_, name, fmt) in enumerate(hover):
        tip += f"<br>{name}: %{{customdata[{i}]:{fmt}}}"
    fig = go.Figure(go.Treemap(
        labels=d[label], parents=[""] * len(d), values=d[value], customdata=custom,
        marker=dict(colors=[SEGMENT_COLORS.get(c, PALETTE[i % len(PALETTE)]) for i, c in enumerate(d[code])]),
        hovertemplate=tip + "<extra></extra>", textinfo="label+percent root",
    ))
    return themed(fig, title=title, height=420)


def movement_sankey(df: pd.DataFrame, *, names: Mapping[str, str], order: Sequence[str], title: str,
                    before: str, after: str) -> go.Figure:
    """Customers flowing from the previous period's segments (left) to this period's (right).

    df : from_segment, to_segment, customers. `before` / `after` suffix the node names.
    """
    codes = [c for c in order if c in set(df["from_segment"]) | set(df["to_segment"])]
    left = {c: i for i, c in enumerate(codes)}
    right = {c: len(codes) + i for i, c in enumerate(codes)}
    labels = [f"{names.get(c, c)} ({before})" for c in codes] + [f"{names.get(c, c)} ({after})" for c in codes]
    colors = [SEGMENT_COLORS.get(c, "#CCCCCC") for c in codes] * 2
    link_colors = [_fade(SEGMENT_COLORS.get(c, "#CCCCCC")) for c in df["from_segment"]]
    fig = go.Figure(go.Sankey(
        node=dict(label=labels, color=colors, pad=12, thickness=14),
        link=dict(source=[left[c] for c in df["from_segment"]], target=[right[c] for c in df["to_segment"]],
                  value=df["customers"], color=link_colors),
    ))
    return themed(fig, title=title, height=480)


def _fade(hex_color: str, alpha: float = 0.35) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def k_choice(table: pd.DataFrame, *, elbow: str, title: str, k_title: str, silhouette_name: str,
             elbow_name: str, chosen: int | None = None) -> go.Figure:
    """Silhouette (left axis, higher is better) and the elbow measure (right axis) for each k."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=table["k"], y=table["silhouette"], name=silhouette_name, mode="lines+markers",
                             line=dict(color=PALETTE[0], width=2)))
    fig.add_trace(go.Scatter(x=table["k"], y=table[elbow], name=elbow_name, mode="lines+markers", yaxis="y2",
                             line=dict(color=PALETTE[1], width=2, dash="dot")))
    if chosen is not None:
        fig.add_vline(x=chosen, line=dict(color="#999999", dash="dash"))
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", showgrid=False, title_text=elbow_name),
                      yaxis_title_text=silhouette_name)   # (update_yaxes would retitle both axes)
    fig.update_xaxes(title_text=k_title, dtick=1)
    return legend_below(themed(fig, title=title))


def cluster_radar(centers: pd.DataFrame, *, features: Sequence[str], feature_names: Mapping[str, str],
                  cluster_names: Mapping[int, str], title: str) -> go.Figure:
    """Each cluster's profile on a radar: its mean of each feature in scaled space (0 = average customer).

    centers : cluster, then one column per feature.
    """
    theta = [feature_names.get(f, f) for f in features]
    fig = go.Figure()
    for i in range(len(centers)):
        row = centers.iloc[i]
        c = int(row["cluster"])
        r = [float(row[f]) for f in features]
        fig.add_trace(go.Scatterpolar(r=r + r[:1], theta=theta + theta[:1], name=cluster_names.get(c, str(c)),
                                      line=dict(color=PALETTE[(c - 1) % len(PALETTE)], width=2),
                                      fill="toself", opacity=0.55))
    fig.update_layout(polar=dict(radialaxis=dict(showticklabels=True, gridcolor="#EEEEEE")))
    return legend_below(themed(fig, title=title, height=480))   # cluster names are long: under the chart


def projection_scatter(proj: pd.DataFrame, *, cluster_names: Mapping[int, str], title: str, x_title: str,
                       y_title: str) -> go.Figure:
    """Customers on the first two principal components, one colour per cluster."""
    fig = go.Figure()
    for c in sorted(proj["cluster"].unique()):
        d = proj[proj["cluster"] == c]
        fig.add_trace(go.Scattergl(x=d["x"], y=d["y"], mode="markers", name=cluster_names.get(int(c), str(c)),
                                   marker=dict(size=4, opacity=0.6, color=PALETTE[(int(c) - 1) % len(PALETTE)]),
                                   text=d["customer_id"], hovertemplate="%{text}<extra></extra>"))
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return legend_below(themed(fig, title=title, height=480))


def stability_bars(labels: Sequence[str], values: Sequence[float], *, title: str, value_name: str,
                   good: float = 0.8) -> go.Figure:
    """Adjusted Rand index of each re-fit, with the 0.8 line a stable segmentation clears."""
    colors = [PALETTE[2] if v >= good else (PALETTE[1] if v >= 0.5 else PALETTE[3]) for v in values]
    fig = go.Figure(go.Bar(x=list(labels), y=list(values), marker_color=colors, name=value_name,
                           texttemplate="%{y:.2f}"))
    fig.add_hline(y=good, line=dict(color="#999999", dash="dash"))
    fig.update_yaxes(title_text=value_name, range=[min(0.0, min(values, default=0.0)), 1.05])
    fig.update_layout(showlegend=False)
    return themed(fig, title=title, height=320)
