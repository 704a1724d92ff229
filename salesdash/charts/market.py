"""Charts of the Market research page: demand by group, target groups, Van Westendorp, share, prices,
preferences. Data in, ``go.Figure`` out; every word arrives translated."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from salesdash.charts import PALETTE, legend_below, themed

__all__ = ["demand_bars", "target_bars", "van_westendorp", "share_bars", "share_lines", "price_bars",
           "preference_heatmap"]

_MUTED = "#BAB0AC"


def demand_bars(df: pd.DataFrame, *, label: str, value: str, title: str, x_title: str, too_few: str) -> go.Figure:
    """Horizontal bars of a rate by group; groups with too few respondents are grey and say so.

    `df` needs the columns `label`, `value`, respondents and enough (as from ``market.demand_by_group``).
    """
    colors = [PALETTE[0] if ok else _MUTED for ok in df["enough"]]
    text = [f"{v:.0%}" if ok else f"{v:.0%} · {too_few}" for v, ok in zip(df[value], df["enough"])]
    fig = go.Figure(go.Bar(
        y=df[label], x=df[value], orientation="h", marker_color=colors, text=text, textposition="auto",
        customdata=df["respondents"], hovertemplate="%{y}: %{x:.1%} (n=%{customdata})<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    top = float(df[value].max()) if len(df) and pd.notna(df[value].max()) else 1.0
    fig.update_xaxes(title_text=x_title, tickformat=".0%", range=[0, min(1.0, top * 1.2) or 1.0])
    return themed(fig, title=title, height=max(260, 34 * len(df) + 90))


def target_bars(df: pd.DataFrame, *, label: str, title: str, x_title: str) -> go.Figure:
    """The target-group ranking: score bars, best on top; hover shows its three factors."""
    custom = df[["interest_rate", "size_share", "spending_index", "respondents"]].to_numpy()
    fig = go.Figure(go.Bar(
        y=df[label], x=df["score"], orientation="h", marker_color=PALETTE[2], customdata=custom,
        hovertemplate=("%{y}<br>%{x:.3f} = %{customdata[0]:.0%} × %{customdata[1]:.1%} × %{customdata[2]:.2f}"
                       " (n=%{customdata[3]})<extra></extra>"),
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=x_title)
    return themed(fig, title=title, height=max(260, 30 * len(df) + 90))


def van_westendorp(curves: pd.DataFrame, *, names: Mapping[str, str], points: Mapping[str, float | None],
                   acceptable: tuple[float | None, float | None], title: str, x_title: str, y_title: str,
                   range_name: str) -> go.Figure:
    """The four Van Westendorp curves (plus not cheap / not expensive dotted), the price points marked and
    the range of acceptable prices shaded.

    Parameters
    ----------
    names : curve column -> legend name, for too_cheap, cheap, expensive, too_expensive, not_cheap,
        not_expensive.
    points : label -> price (None is skipped), drawn as dashed vertical lines.
    acceptable : (low, high) of the range of acceptable prices, shaded when both are known.
    """
    fig = go.Figure()
    colors = {"too_cheap": PALETTE[3], "cheap": PALETTE[1], "expensive": PALETTE[0], "too_expensive": PALETTE[4],
              "not_cheap": PALETTE[1], "not_expensive": PALETTE[0]}
    for col in ("too_cheap", "cheap", "expensive", "too_expensive", "not_cheap", "not_expensive"):
        fig.add_trace(go.Scatter(
            x=curves["price"], y=curves[col], name=names[col], mode="lines",
            line=dict(color=colors[col], width=2, dash="dot" if col.startswith("not_") else "solid"),
        ))
    lo, hi = acceptable
    if lo is not None and hi is not None and hi > lo:
        fig.add_vrect(x0=lo, x1=hi, fillcolor=PALETTE[2], opacity=0.10, line_width=0,
                      annotation_text=range_name, annotation_position="bottom left")
    for i, (name, p) in enumerate(points.items()):
        if p is None:
            continue
        fig.add_vline(x=p, line=dict(color="#555555", width=1, dash="dash"))
        fig.add_annotation(x=p, y=0.98 - 0.08 * i, text=f"{name} {p:,.0f}", showarrow=False, xanchor="left",
                           yanchor="top", font=dict(size=11), bgcolor="rgba(255,255,255,0.85)")
    fig.update_xaxes(title_text=x_title, tickformat=",.0f")
    fig.update_yaxes(title_text=y_title, tickformat=".0%", range=[0, 1.02])
    return legend_below(themed(fig, title=title, height=480))


def share_bars(df: pd.DataFrame, *, label: str, names: Mapping[str, str], title: str) -> go.Figure:
    """Stacked horizontal bars of market share per key: ours, the competitors', the rest.

    `names` maps our_share, competitor_share and other_share to legend names.
    """
    fig = go.Figure()
    for col, color in (("our_share", PALETTE[0]), ("competitor_share", PALETTE[1]), ("other_share", _MUTED)):
        fig.add_trace(go.Bar(y=df[label], x=df[col], name=names[col], orientation="h", marker_color=color,
                             hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=".0%")
    return themed(fig, title=title, height=max(280, 32 * len(df) + 110))


def share_lines(df: pd.DataFrame, *, names: Mapping[str, str], title: str, y_title: str,
                highlight: str = "us") -> go.Figure:
    """Monthly share of the market per player (long frame: month, player, share); ours drawn thicker."""
    fig = go.Figure()
    for i, (player, g) in enumerate(df.groupby("player", sort=False)):
        mine = player == highlight
        fig.add_trace(go.Scatter(
            x=g["month"], y=g["share"], name=names.get(player, player), mode="lines+markers",
            line=dict(width=3.5 if mine else 1.6, color=PALETTE[0] if mine else PALETTE[(i % 9) + 1]),
            marker=dict(size=4),
        ))
    fig.update_yaxes(title_text=y_title, tickformat=".0%")
    return themed(fig, title=title)


def price_bars(df: pd.DataFrame, *, label: str, ours: str, title: str, y_title: str) -> go.Figure:
    """Grouped bars per category: each competitor's average price and ours (a diamond)."""
    fig = go.Figure()
    for i, (comp, g) in enumerate(df.groupby("competitor", sort=False)):
        fig.add_trace(go.Bar(x=g[label], y=g["competitor_price"], name=str(comp),
                             marker_color=PALETTE[(i % 9) + 1]))
    us = df.drop_duplicates(label)
    fig.add_trace(go.Scatter(x=us[label], y=us["our_price"], name=ours, mode="markers",
                             marker=dict(symbol="diamond", size=13, color=PALETTE[0],
                                         line=dict(color="white", width=1))))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=y_title, tickformat=",.0f")
    return themed(fig, title=title, height=400)


def preference_heatmap(df: pd.DataFrame, *, group: str, answer: str, title: str) -> go.Figure:
    """Share of each answer within each group (rows: groups, columns: answers)."""
    pivot = df.pivot_table(index=group, columns=answer, values="share", aggfunc="sum", fill_value=0.0, sort=False)
    fig = go.Figure(go.Heatmap(
        z=pivot.to_numpy(), x=list(pivot.columns), y=list(pivot.index), colorscale="Blues", zmin=0,
        text=[[f"{v:.0%}" for v in row] for row in pivot.to_numpy()], texttemplate="%{text}",
        hovertemplate="%{y} · %{x}: %{z:.1%}<extra></extra>", colorbar=dict(tickformat=".0%"),
    ))
    fig.update_yaxes(autorange="reversed")
    return themed(fig, title=title, height=max(280, 36 * len(pivot) + 120))
