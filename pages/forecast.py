"""Forecast (数据分析与预测): monthly forecast with its backtest, by group, and the quarter from the pipeline."""

import pandas as pd
import streamlit as st

from salesdash.analysis import forecast as fc
from salesdash.charts import forecast as fcharts
from salesdash.i18n import label, t
from salesdash.metrics import format_value, metric
from salesdash.ui import KpiCard, cached, chart, definitions, downloads, guarded, kpi_row, not_enough, page_start, table

ctx = page_start("forecast.title")
f = ctx.filters

c1, c2, c3 = st.columns([2, 1, 1])
with c1:
    horizon = st.slider(t("forecast.horizon"), 1, 24, 6, key="forecast.horizon")
with c2:
    measure = st.selectbox(t("forecast.measure"), fc.MEASURES, key="forecast.measure",
                           format_func=lambda m: t(f"forecast.measure.{m}"))
with c3:
    by = st.selectbox(t("forecast.by"), ("total", *fc.BY_OPTIONS), key="forecast.by",
                      format_func=lambda b: t(f"forecast.by.{b}"))

s: fc.ForecastSummary = cached(fc.summary, f, horizon=horizon, measure=measure)
r = s.revenue
measure_word = t(f"forecast.measure.{measure}")
st.caption(t("forecast.caption", measure=measure_word, as_of=r.as_of.isoformat() if r.as_of else "–"))
value_key = "revenue" if measure == "revenue" else "orders"

if not r.enough:
    not_enough(t(f"forecast.reason.{r.reason or 'too_short'}", have=r.months, need=r.months_needed,
                 min=fc.MIN_MONTHS))
else:
    if r.reason == "not_seasonal":
        st.warning(t("forecast.reason.not_seasonal", have=r.months, need=r.months_needed, min=fc.MIN_MONTHS))
    bt = r.backtest
    next_key = "forecast_next_month" if measure == "revenue" else "forecast_next_month_orders"
    total_key = "forecast_horizon_total" if measure == "revenue" else "forecast_horizon_total_orders"
    kpi_row([
        KpiCard(next_key, s.next_month),
        KpiCard(total_key, s.horizon_total),
        KpiCard("forecast_mape", bt.model_mape if bt else None),
        KpiCard("forecast_mase", bt.model_mase if bt else None),
        KpiCard("forecast_naive_mape", bt.naive_mape if bt else None),
        KpiCard("forecast_seasonal_naive_mape", bt.seasonal_naive_mape if bt else None),
    ], per_row=3)
    st.caption(t("forecast.fitted_on", months=r.months, first=r.history["month"].min().strftime("%Y-%m"),
                 last=r.history["month"].max().strftime("%Y-%m"), model=r.model))
    if r.partial_month is not None:
        st.caption(t("forecast.partial_month", month=r.partial_month.strftime("%Y-%m"), as_of=r.as_of.isoformat(),
                     value=format_value(value_key, r.partial_value)))

    with guarded():
        chart(fcharts.forecast_chart(
            r.history, r.forecast, title=t("forecast.chart", measure=measure_word),
            actual_name=t("forecast.actual"), forecast_name=t("forecast.forecast"),
            interval_name=t("forecast.interval", level=round(r.level * 100)),
            partial=(pd.Timestamp(r.partial_month), r.partial_value) if r.partial_month else None,
            partial_name=t("forecast.month_so_far"),
        ), key="forecast.chart")
        with st.expander(t("forecast.table")):
            shown = pd.DataFrame({
                t("forecast.col.month"): r.forecast["month"].dt.strftime("%Y-%m"),
                t("forecast.col.value"): [format_value(value_key, v) for v in r.forecast["value"]],
                t("forecast.col.lower"): [format_value(value_key, v) for v in r.forecast["lower"]],
                t("forecast.col.upper"): [format_value(value_key, v) for v in r.forecast["upper"]],
            })
            table(shown, key="forecast.table")
            downloads(r.forecast.assign(month=r.forecast["month"].dt.date), name=f"{measure}_forecast",
                      key="forecast.download")

    st.subheader(t("forecast.backtest"))
    with guarded():
        if bt is not None:
            st.caption(t("forecast.backtest_caption", origins=bt.origins, horizon=bt.horizon))
            rows = [{"name": c.model, "mape": c.mape, "chosen": bool(c.chosen)} for c in bt.candidates.itertuples()]
            rows += [{"name": t("forecast.naive"), "mape": bt.naive_mape, "chosen": False},
                     {"name": t("forecast.seasonal_naive"), "mape": bt.seasonal_naive_mape, "chosen": False}]
            errors = pd.DataFrame(rows).dropna(subset=["mape"])
            chart(fcharts.backtest_chart(errors, title=t("forecast.backtest_chart"),
                                         x_title=metric("forecast_mape").label), key="forecast.backtest")
            beats = bt.beats_seasonal_naive
            if beats is not None:
                msg = t("forecast.beats" if beats else "forecast.does_not_beat",
                        model=format_value("ratio", bt.model_mape), naive=format_value("ratio", bt.seasonal_naive_mape))
                (st.success if beats else st.warning)(msg)

if by != "total" and r.enough:
    st.subheader(t("forecast.by_groups", by=t(f"forecast.by.{by}")))
    with guarded():
        groups = cached(fc.forecast_by, f, by=by, measure=measure, horizon=horizon)
        st.caption(t("forecast.by_groups_caption", n=len(groups)))
        kind = {"region": "region", "channel": "channel_name", "category": "category"}[by]
        cols = st.columns(2)
        for i, g in enumerate(groups):
            name = label(kind, g.group_name)
            with cols[i % 2]:
                if not g.enough:
                    st.info(t("forecast.group_not_enough", group=name, have=g.months))
                    continue
                chart(fcharts.forecast_chart(
                    g.history.tail(24), g.forecast, title=t("forecast.chart_group", group=name),
                    actual_name=t("forecast.actual"), forecast_name=t("forecast.forecast"),
                    interval_name=t("forecast.interval", level=round(g.level * 100)),
                ), key=f"forecast.group.{i}")
                if g.backtest is not None:
                    st.caption(t("forecast.group_mape", model=format_value("ratio", g.backtest.model_mape),
                                 naive=format_value("ratio", g.backtest.seasonal_naive_mape)))

st.subheader(t("forecast.pipeline"))
p = s.pipeline
with guarded():
    if p is None:
        not_enough(t("forecast.no_closed"))
    else:
        if not p.enough:
            not_enough(t("forecast.no_closed"))
        st.caption(t("forecast.pipeline_caption", start=p.quarter_start.isoformat(), end=p.quarter_end.isoformat(),
                     as_of=p.as_of.isoformat(), overdue=int(p.deals["overdue"].sum()) if not p.deals.empty else 0,
                     closed=p.win_rates.closed) + " " + t("forecast.switch_win_model") + " "
                   + t(f"forecast.run_rate_caption.{p.run_rate_basis}",
                       share=format_value("ratio", p.deal_share) if p.deal_share is not None else "—"))
        kpi_row([
            KpiCard("forecast_booked", p.booked),
            KpiCard("forecast_weighted_pipeline", p.weighted_pipeline),
            KpiCard("forecast_run_rate", p.run_rate),
            KpiCard("forecast_quarter_forecast", p.forecast, target=p.target),
            KpiCard("forecast_gap", p.gap),
            KpiCard("forecast_quarter_target", p.target),
            KpiCard("forecast_commit", p.commit),
            KpiCard("forecast_best_case", p.best_case),
            KpiCard("forecast_pipeline_total", p.pipeline),
        ])
        left, right = st.columns(2)
        with left:
            steps = pd.DataFrame([
                {"name": t("forecast.step.booked"), "value": p.booked, "kind": "booked"},
                {"name": t("forecast.step.run_rate"), "value": p.booked + p.run_rate, "kind": "booked"},
                {"name": t("forecast.category.commit"), "value": p.commit, "kind": "category"},
                {"name": t("forecast.category.best_case"), "value": p.best_case, "kind": "category"},
                {"name": t("forecast.category.pipeline"), "value": p.pipeline, "kind": "category"},
                {"name": t("forecast.step.forecast"), "value": p.forecast, "kind": "forecast"},
            ])
            chart(fcharts.quarter_chart(steps, title=t("forecast.quarter_chart"), target=p.target,
                                        target_name=t("common.target")), key="forecast.quarter")
        with right:
            rates = p.win_rates.table[p.win_rates.table["stage"] != "won"].assign(
                label=lambda d: [label("stage", s_) for s_ in d["stage"]])
            chart(fcharts.stage_win_rate_chart(rates, title=t("forecast.stage_chart"),
                                               y_title=metric("forecast_stage_win_rate").label), key="forecast.stages")
        with st.expander(t("forecast.deals")):
            d = p.deals
            shown = pd.DataFrame({
                t("forecast.col.deal"): d["opportunity_id"],
                t("forecast.col.customer"): d["customer_id"],
                t("forecast.col.rep"): d["rep_id"],
                t("forecast.col.stage"): [label("stage", x) for x in d["stage"]],
                t("forecast.col.amount"): [format_value("currency", x) for x in d["amount"]],
                t("forecast.col.expected_close"): [x.isoformat() if x else "" for x in d["expected_close_date"]],
                t("forecast.col.overdue"): [t("forecast.yes") if x else t("forecast.no") for x in d["overdue"]],
                t("forecast.col.probability"): [format_value("ratio", x) for x in d["win_probability"]],
                t("forecast.col.expected_value"): [format_value("currency", x) for x in d["expected_value"]],
                t("forecast.col.category"): [t(f"forecast.category.{x}") for x in d["category"]],
            })
            table(shown, key="forecast.deals_table")
            downloads(d, name="quarter_pipeline", key="forecast.deals_download")

definitions(["forecast_next_month", "forecast_horizon_total", "forecast_next_month_orders",
             "forecast_horizon_total_orders", "forecast_mape", "forecast_mase", "forecast_naive_mape",
             "forecast_seasonal_naive_mape", "forecast_booked", "forecast_weighted_pipeline", "forecast_run_rate",
             "forecast_deal_share",
             "forecast_quarter_forecast", "forecast_quarter_target", "forecast_gap", "forecast_commit",
             "forecast_best_case", "forecast_pipeline_total", "forecast_stage_win_rate"])
