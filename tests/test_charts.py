"""Chart builders: each axis says what it measures (a right-hand axis is not retitled by the left one)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from salesdash import charts
from salesdash.charts import crm, segments


def _title(axis) -> str | None:
    return axis.title.text if axis.title is not None else None


def test_right_hand_axes_keep_their_own_titles():
    df = pd.DataFrame({"m": ["a", "b"], "n": [3, 5], "rate": [0.1, 0.2], "k": [2, 3], "silhouette": [0.4, 0.5],
                       "inertia": [10.0, 6.0], "kind": ["Direct", "Indirect"]})
    fig = crm.bars_and_rate(df, x="m", bars="n", rate="rate", title="t", bar_name="Complaints",
                            rate_name="Per 1,000 orders")
    assert (_title(fig.layout.yaxis), _title(fig.layout.yaxis2)) == ("Complaints", "Per 1,000 orders")
    fig = segments.k_choice(df, elbow="inertia", title="t", k_title="k", silhouette_name="Silhouette",
                            elbow_name="Inertia")
    assert (_title(fig.layout.yaxis), _title(fig.layout.yaxis2)) == ("Silhouette", "Inertia")
    fig = crm.pareto(df, x="m", y="n", cumulative="rate", title="t", bar_name="Tickets", line_name="Cumulative")
    assert _title(fig.layout.yaxis) == "Tickets" and _title(fig.layout.yaxis2) != "Tickets"
    fig = charts.bar(df, x="m", y="n", title="t", y_title="Revenue", color="kind", secondary=("rate", "Margin"))
    assert _title(fig.layout.yaxis) == "Revenue" and _title(fig.layout.yaxis2) != "Revenue"
    assert [tr.name for tr in fig.data] == ["Direct", "Indirect", "Margin"]


def test_legends_under_a_chart_are_measured_from_its_bottom_edge():
    fig = charts.legend_below(charts.themed(go.Figure(), title="t"))
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0
