"""Overview: the executive page for meetings. Thin: read the Filters, call salesdash, render."""

import streamlit as st

from salesdash import charts
from salesdash.analysis import overview
from salesdash.i18n import label, t
from salesdash.metrics import format_value, metric
from salesdash.ui import KpiCard, cached, chart, definitions, downloads, empty_state, guarded, kpi_row, page_start, table

ctx = page_start("overview.title")
f = ctx.filters
window = t("common.window", start=f.start, end=f.end) if f.start else t("common.all_dates")
st.caption(t("overview.caption", window=window))

s: overview.OverviewSummary = cached(overview.summary, f)
cur, prev = s.current, s.previous


def _prev(key: str):
    return getattr(prev, key) if prev is not None else None


if cur.orders == 0 and cur.pipeline_value == 0:
    empty_state()
    st.stop()

nps_note = None
if cur.nps is None:
    nps_note = t("overview.nps_too_few", n=cur.nps_responses, min=overview.MIN_NPS_RESPONSES)
kpi_row([
    KpiCard("revenue", cur.revenue, _prev("revenue"), target=cur.revenue_target),
    KpiCard("gross_profit", cur.gross_profit, _prev("gross_profit")),
    KpiCard("gross_margin", cur.gross_margin, _prev("gross_margin")),
    KpiCard("orders", cur.orders, _prev("orders")),
    KpiCard("customers", cur.customers, _prev("customers")),
    KpiCard("win_rate", cur.win_rate, _prev("win_rate")),
    KpiCard("pipeline_value", cur.pipeline_value, _prev("pipeline_value")),
    KpiCard("pipeline_coverage", cur.pipeline_coverage, _prev("pipeline_coverage")),
    KpiCard("quota_attainment", cur.quota_attainment, _prev("quota_attainment")),
    KpiCard("market_share", cur.market_share, _prev("market_share")),
    KpiCard("nps", cur.nps, _prev("nps"), note=nps_note),
    KpiCard("revenue_yoy", s.revenue_yoy),
])
definitions(["revenue", "revenue_target", "gross_profit", "gross_margin", "orders", "customers", "win_rate",
             "pipeline_value", "pipeline_coverage", "quota_attainment", "market_share", "nps", "revenue_growth",
             "revenue_yoy"])

with guarded():
    trend = cached(overview.revenue_trend, f)
    if trend.empty:
        empty_state()
    else:
        chart(charts.time_series(
            trend, x="month", bars=("revenue",), dashed=("target",), title=t("overview.trend"),
            series=[("revenue", t("chart.revenue")), ("gross_profit", t("chart.gross_profit")),
                    ("target", t("chart.target"))],
            y_format=",.0f",
        ), key="overview.trend")

left, right = st.columns(2)
with left, guarded():
    by_region = cached(overview.revenue_by, f, by="region")
    by_region["label"] = [label("region", r) for r in by_region["key"]]
    chart(charts.bar(by_region, x="label", y="revenue", horizontal=True, title=t("overview.by_region"),
                     y_title=t("chart.revenue")), key="overview.by_region")
with right, guarded():
    by_channel = cached(overview.revenue_by, f, by="channel")
    by_channel["label"] = [label("channel_name", n) for n in by_channel["name"]]
    by_channel["kind_label"] = [label("channel_kind", k) for k in by_channel["kind"]]
    chart(charts.bar(by_channel, x="label", y="revenue", color="kind_label", title=t("overview.by_channel"),
                     y_title=t("chart.revenue"), secondary=("gross_margin", t("chart.gross_margin")),
                     secondary_format=".0%"), key="overview.by_channel")

with st.expander(t("overview.table")):
    shown = by_channel.assign(
        kind=[label("channel_kind", k) for k in by_channel["kind"]],
        revenue=[format_value("revenue", v) for v in by_channel["revenue"]],
        gross_margin=[format_value("gross_margin", v) for v in by_channel["gross_margin"]],
    )[["label", "kind", "revenue", "gross_margin", "orders"]].rename(columns={
        "label": t("overview.channel"), "kind": t("overview.kind"), "revenue": t("chart.revenue"),
        "gross_margin": t("chart.gross_margin"), "orders": metric("orders").label,
    })
    table(shown, key="overview.channel_table")
    downloads(by_channel.drop(columns=["label"]), name="revenue_by_channel", key="overview.channel_download")
