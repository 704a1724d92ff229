"""Channels (销售渠道管理): revenue, margin, conversion, acquisition and partners. Thin: read, call, render."""

import streamlit as st

from salesdash import charts
from salesdash.analysis import channels
from salesdash.charts import channels as channel_charts
from salesdash.i18n import label, t
from salesdash.metrics import format_value, metric
from salesdash.ui import (KpiCard, cached, chart, definitions, downloads, empty_state, guarded, kpi_row, page_start,
                          table)

ctx = page_start("channels.title")
f = ctx.filters
window = t("common.window", start=f.start, end=f.end) if f.start else t("common.all_dates")
st.caption(t("channels.caption", window=window))

s: channels.ChannelsSummary = cached(channels.summary, f)
if s.revenue == 0 and not any(c.opportunities or c.won or c.lost for c in s.channels):
    empty_state()
    st.stop()


def _name(channel_id, name) -> str:
    return label("channel_name", name if isinstance(name, str) else channel_id)


best_note = None
if s.best_channel is not None:
    best_note = t("channels.best_note", channel=_name(s.best_channel, s.best_channel_name),
                  rate=format_value("channel_conversion", s.best_conversion))
kpi_row([
    KpiCard("revenue", s.revenue),
    KpiCard("direct_share", s.direct_share),
    KpiCard("win_rate", s.conversion),
    KpiCard("conversion_lift", s.conversion_lift, note=best_note),
    KpiCard("marketing_spend", s.spend),
    KpiCard("new_customers", s.new_customers),
    KpiCard("cac", s.cac),
    KpiCard("marketing_roi", s.marketing_roi),
])
definitions(["revenue", "gross_margin", "orders", "customers", "channel_revenue_share", "revenue_growth",
             "direct_share", "win_rate", "channel_conversion", "conversion_lift", "channel_opportunities",
             "sales_cycle", "stage_reach", "marketing_spend", "new_customers", "cac", "marketing_roi",
             "first_order_value", "value_later", "partner_rank"])

COLS = {
    "label": t("channels.col.channel"), "kind_label": t("channels.col.kind"), "revenue": metric("revenue").label,
    "gross_margin": metric("gross_margin").label, "orders": metric("orders").label,
    "customers": metric("customers").label, "revenue_share": metric("channel_revenue_share").label,
    "growth": metric("revenue_growth").label, "opportunities": metric("channel_opportunities").label,
    "won": metric("deals_won").label, "lost": metric("deals_lost").label,
    "conversion": metric("channel_conversion").label, "cycle_days": metric("sales_cycle").label,
}

perf, funnel, acquisition, partners = st.tabs([t("channels.tab.performance"), t("channels.tab.funnel"),
                                               t("channels.tab.acquisition"), t("channels.tab.partners")])

with perf:
    table_df = cached(channels.channel_table, f)
    table_df["label"] = [_name(c, n) for c, n in zip(table_df["channel_id"], table_df["name"])]
    table_df["kind_label"] = [label("channel_kind", k) for k in table_df["kind"]]
    left, right = st.columns([3, 2])
    with left, guarded():
        chart(charts.bar(table_df, x="label", y="revenue", color="kind_label", title=t("channels.by_channel"),
                         y_title=t("chart.revenue"), secondary=("gross_margin", t("chart.gross_margin")),
                         secondary_format=".0%"), key="channels.by_channel")
    with right, guarded():
        kinds = cached(channels.kind_table, f)
        kinds["label"] = [label("channel_kind", k) for k in kinds["kind"]]
        chart(channel_charts.grouped_bars(kinds, x="label", series=[
            ("revenue_share", metric("channel_revenue_share").label), ("gross_margin", t("chart.gross_margin")),
            ("conversion", metric("channel_conversion").label)], title=t("channels.by_kind"), y_format=".0%"),
            key="channels.by_kind")
    with guarded():
        by = st.segmented_control(t("channels.mix_by"), ("kind", "channel"), key="channels.mix_by", default="kind",
                                  format_func=lambda v: t(f"channels.mix_by.{v}")) or "kind"
        mix = cached(channels.mix_over_time, f, by=by)
        if mix.empty:
            empty_state()
        else:
            mix["label"] = [label("channel_kind", k) if by == "kind" else _name(k, n)
                            for k, n in zip(mix["key"], mix["name"])]
            chart(channel_charts.mix_area(mix, x="month", key="label", y="share", title=t("channels.mix"),
                                          y_title=metric("channel_revenue_share").label), key="channels.mix")
    with st.expander(t("channels.table")):
        shown = table_df.assign(
            revenue=[format_value("revenue", v) for v in table_df["revenue"]],
            gross_margin=[format_value("gross_margin", v) for v in table_df["gross_margin"]],
            revenue_share=[format_value("channel_revenue_share", v) for v in table_df["revenue_share"]],
            growth=[format_value("revenue_growth", v) for v in table_df["growth"]],
            conversion=[format_value("channel_conversion", v) for v in table_df["conversion"]],
            cycle_days=[format_value("sales_cycle", v) for v in table_df["cycle_days"]],
        )[list(COLS)].rename(columns=COLS)
        table(shown, key="channels.table")
        downloads(table_df.drop(columns=["label", "kind_label"]), name="channels", key="channels.table_download")

with funnel:
    closed = table_df[(table_df["won"] + table_df["lost"]) > 0]
    left, right = st.columns(2)
    with left, guarded():
        if closed.empty:
            st.info(t("channels.no_deals"))
        else:
            chart(charts.bar(closed.sort_values("conversion", ascending=False), x="label", y="conversion",
                             title=t("channels.conversion_chart"), text_format=".0%",
                             y_title=metric("channel_conversion").label), key="channels.conversion")
    with right, guarded():
        cyc = table_df.dropna(subset=["cycle_days"])
        if cyc.empty:
            st.info(t("channels.no_deals"))
        else:
            chart(charts.bar(cyc.sort_values("cycle_days"), x="label", y="cycle_days",
                             title=t("channels.cycle_chart"), text_format=".0f",
                             y_title=metric("sales_cycle").label), key="channels.cycle")
    with guarded():
        stages = cached(channels.funnel_by_channel, f)
        if stages.empty:
            st.info(t("channels.no_deals"))
        else:
            stages["label"] = [_name(c, n) for c, n in zip(stages["channel_id"], stages["name"])]
            stages["stage_label"] = [label("stage", v) for v in stages["stage"]]
            chart(channel_charts.stage_heatmap(stages, row="label", column="stage_label", value="of_created",
                                               title=t("channels.funnel_heatmap")), key="channels.funnel")
    with guarded():
        axes = st.segmented_control(t("channels.quadrant_axes"), ("growth_margin", "volume_conversion"),
                                    key="channels.quadrant", default="growth_margin",
                                    format_func=lambda v: t(f"channels.quadrant.{v}")) or "growth_margin"
        if axes == "growth_margin":
            x, y, xf, yf = "growth", "gross_margin", ".0%", ".0%"
            xt, yt = metric("revenue_growth").label, metric("gross_margin").label
        else:
            x, y, xf, yf = "opportunities", "conversion", ",.0f", ".0%"
            xt, yt = metric("channel_opportunities").label, metric("channel_conversion").label
        if table_df[x].notna().sum() == 0:
            st.info(t("channels.no_growth") if x == "growth" else t("channels.no_deals"))
        else:
            chart(channel_charts.quadrant(table_df, x=x, y=y, size="revenue", text="label", color="kind_label",
                                          title=t("channels.quadrant"), x_title=xt, y_title=yt, x_format=xf,
                                          y_format=yf), key="channels.quadrant_chart")
            st.caption(t("channels.quadrant_hint"))

with acquisition:
    with guarded():
        acq = cached(channels.acquisition, f)
        acq["label"] = [_name(c, n) for c, n in zip(acq["channel_id"], acq["name"])]
        left, right = st.columns(2)
        with left:
            chart(charts.bar(acq, x="label", y="new_customers", title=t("channels.new_chart"),
                             y_title=metric("new_customers").label, text_format=",.0f"), key="channels.new")
        with right:
            paid = acq.dropna(subset=["cac"])
            if paid.empty:
                st.info(t("channels.no_spend"))
            else:
                chart(channel_charts.grouped_bars(paid, x="label", series=[
                    ("cac", metric("cac").label), ("value_later", metric("value_later").label)],
                    title=t("channels.acq_chart"), y_format=",.0f"), key="channels.cac")
        acq_cols = {"label": t("channels.col.channel"), "spend": metric("marketing_spend").label,
                    "new_customers": metric("new_customers").label, "cac": metric("cac").label,
                    "first_order_value": metric("first_order_value").label,
                    "mature_customers": t("channels.col.mature"), "value_later": metric("value_later").label,
                    "roi": metric("marketing_roi").label}
        with st.expander(t("channels.acq_table"), expanded=True):
            shown = acq.assign(**{
                k: [format_value(m, v) for v in acq[k]] for k, m in (
                    ("spend", "marketing_spend"), ("cac", "cac"), ("first_order_value", "first_order_value"),
                    ("value_later", "value_later"), ("roi", "marketing_roi"))
            })[list(acq_cols)].rename(columns=acq_cols)
            table(shown, key="channels.acq_table")
            downloads(acq.drop(columns=["label"]), name="channel_acquisition", key="channels.acq_download")

with partners, guarded():
    board = cached(channels.partner_leaderboard, f)
    if board.empty:
        st.info(t("channels.no_partners"))
    else:
        board["label"] = [label("channel_name", p) for p in board["partner"]]
        chart(charts.bar(board, x="label", y="revenue", horizontal=True, title=t("channels.partners_chart"),
                         y_title=t("chart.revenue"), color="type"), key="channels.partners")
        pcols = {"rank": metric("partner_rank").label, "label": t("channels.col.partner"),
                 "type_label": t("channels.col.type"), "channels": t("channels.col.channels"),
                 "revenue": metric("revenue").label, "gross_margin": metric("gross_margin").label,
                 "orders": metric("orders").label, "customers": metric("customers").label,
                 "growth": metric("revenue_growth").label}
        shown = board.assign(
            type_label=[label("channel_type", v) for v in board["type"]],
            revenue=[format_value("revenue", v) for v in board["revenue"]],
            gross_margin=[format_value("gross_margin", v) for v in board["gross_margin"]],
            growth=[format_value("revenue_growth", v) for v in board["growth"]],
        )[list(pcols)].rename(columns=pcols)
        table(shown, key="channels.partner_table")
        downloads(board.drop(columns=["label"]), name="partners", key="channels.partner_download")
