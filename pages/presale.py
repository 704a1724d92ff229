"""Presale strategy (预售策略): campaign results, lift, early demand forecast and a campaign planner.
Thin: read the Filters, call salesdash, render."""

import datetime as dt

import streamlit as st

from salesdash.analysis import presale
from salesdash.charts import presale as pcharts
from salesdash.i18n import label, t
from salesdash.metrics import format_value, metric
from salesdash.ui import (KpiCard, cached, chart, definitions, downloads, empty_state, guarded, kpi_row, not_enough,
                          page_start, pick, table)

ctx = page_start("presale.title")
f = ctx.filters
window = t("common.window", start=f.start, end=f.end) if f.start else t("common.all_dates")
st.caption(t("presale.caption", window=window))

s: presale.PresaleSummary = cached(presale.summary, f)
camps = s.campaigns
if camps.empty:
    empty_state()
    st.stop()


def type_label(code) -> str:
    return label("campaign_type", code)


def pct(key: str, v) -> str:
    return format_value(key, v)


names = dict(zip(camps["campaign_id"], camps["name"].fillna(camps["campaign_id"])))
kpi_row([
    KpiCard("presale_campaigns", len(camps)),
    KpiCard("presale_reservations", s.reservations),
    KpiCard("presale_conversion_rate", s.conversion_rate),
    KpiCard("presale_cancel_rate", (s.cancelled + s.refunds) / s.decided if s.decided else None),
    KpiCard("presale_revenue", s.revenue),
    KpiCard("presale_cost", s.cost),
    KpiCard("presale_roi", s.roi),
    KpiCard("presale_refunds", s.refunds),
])
definitions(["presale_campaigns", "presale_reservations", "presale_converted", "presale_conversion_rate",
             "presale_cancel_rate", "presale_refunds", "presale_revenue", "presale_cost", "presale_roi",
             "presale_lift", "presale_lift_vs_control", "presale_forecast", "presale_forecast_error",
             "presale_plan_reservations"])

tab_camp, tab_lift, tab_fc, tab_plan = st.tabs(
    [t("presale.tab.campaigns"), t("presale.tab.lift"), t("presale.tab.forecast"), t("presale.tab.planner")])

# ----- campaigns --------------------------------------------------------------------------------------------
with tab_camp:
    with guarded():
        by_type = s.by_type
        if by_type.empty:
            not_enough(t("presale.types_need"))
        else:
            best = by_type.iloc[0]
            st.success(t("presale.best_type", type=type_label(best["type"]),
                         rate=pct("presale_conversion_rate", best["conversion_rate"]), n=int(best["campaigns"])))
            bt = by_type.assign(label=[type_label(x) for x in by_type["type"]])
            left, right = st.columns(2)
            with left:
                chart(pcharts.rate_with_interval(bt, label="label", value="conversion_rate", low="conversion_low",
                                                 high="conversion_high", title=t("presale.type_conversion"),
                                                 y_title=metric("presale_conversion_rate").label),
                      key="presale.type_conversion")
            with right:
                chart(pcharts.rate_with_interval(bt.assign(lo=bt["roi"], hi=bt["roi"]), label="label", value="roi",
                                                 low="lo", high="hi", title=t("presale.type_roi"),
                                                 y_title=metric("presale_roi").label, fmt=".2f"),
                      key="presale.type_roi")
    with guarded():
        ordered = camps.sort_values("start_date")
        ordered = ordered.assign(label=[f"{n} · {type_label(x)}" for n, x in zip(ordered["name"], ordered["type"])])
        chart(pcharts.outcome_bars(ordered.iloc[::-1], label="label", title=t("presale.outcomes"),
                                   names={"converted": label("reservation_status", "converted"),
                                          "pending": label("reservation_status", "pending"),
                                          "cancelled": label("reservation_status", "cancelled"),
                                          "refunds": label("reservation_status", "refunded")}),
              key="presale.outcomes")
        # A running campaign has spent its budget but not yet collected its final payments: say so.
        roi_rows = ordered.iloc[::-1].assign(
            type_label=[type_label(x) for x in ordered["type"][::-1]],
            roi_label=[n if st_ != "running" else f"{n} ({t('presale.status.running')})"
                       for n, st_ in zip(ordered["name"][::-1], ordered["status"][::-1])])
        chart(pcharts.roi_bars(roi_rows, label="roi_label", color="type_label", title=t("presale.roi_chart"),
                               x_title=metric("presale_roi").label), key="presale.roi_chart")
    with guarded():
        latest = list(camps["campaign_id"][:6])
        chosen = st.multiselect(t("presale.curve_campaigns"), list(camps["campaign_id"]), default=latest,
                                placeholder=t("common.choose"),
                                key="presale.curve_campaigns", format_func=lambda c: names.get(c, c))
        if chosen:
            curves = cached(presale.reservation_curves, f, campaign_ids=tuple(chosen))
            if curves.empty:
                empty_state()
            else:
                chart(pcharts.cumulative_curves(curves, names=names, title=t("presale.curves"),
                                                x_title=t("presale.campaign_day"), y_title=t("presale.cumulative")),
                      key="presale.curves")
    with st.expander(t("presale.table")):
        shown = camps.assign(
            type=[type_label(x) for x in camps["type"]],
            status=[t(f"presale.status.{x}") for x in camps["status"]],
            target_segment=[label("target_segment", x) for x in camps["target_segment"]],
            conversion_rate=[pct("presale_conversion_rate", v) for v in camps["conversion_rate"]],
            revenue=[format_value("presale_revenue", v) for v in camps["revenue"]],
            cost=[format_value("presale_cost", v) for v in camps["cost"]],
            roi=[format_value("presale_roi", v) for v in camps["roi"]],
        )[["name", "type", "status", "start_date", "end_date", "target_segment", "reservations", "converted",
           "conversion_rate", "cancelled", "refunds", "revenue", "cost", "roi"]].rename(columns={
            "name": t("presale.campaign"), "type": t("presale.type"), "status": t("presale.status"),
            "start_date": t("presale.start"), "end_date": t("presale.end"), "target_segment": t("presale.target"),
            "reservations": metric("presale_reservations").label, "converted": metric("presale_converted").label,
            "conversion_rate": metric("presale_conversion_rate").label,
            "cancelled": label("reservation_status", "cancelled"), "refunds": metric("presale_refunds").label,
            "revenue": metric("presale_revenue").label, "cost": metric("presale_cost").label,
            "roi": metric("presale_roi").label})
        table(shown, key="presale.table")
        downloads(camps, name="presale_campaigns", key="presale.download")

# ----- lift -------------------------------------------------------------------------------------------------
with tab_lift:
    st.caption(t("presale.lift_hint", tail=presale.TAIL_DAYS))
    baseline = pick(st.radio, t("presale.baseline"), ("before", "control"), "presale.baseline", "before",
                    horizontal=True, format_func=lambda b: t(f"presale.baseline.{b}"))
    with guarded():
        lift = cached(presale.campaign_lift, f)
        col, lo, hi = (("lift", "lift_low", "lift_high") if baseline == "before"
                       else ("lift_vs_control", "control_low", "control_high"))
        shown_lift = lift.dropna(subset=[col])
        if shown_lift.empty:
            not_enough(t("presale.lift_need"))
        else:
            shown_lift = shown_lift.assign(label=[f"{names.get(c, c)} · {label('target_segment', g)}" for c, g in
                                                  zip(shown_lift["campaign_id"], shown_lift["target_segment"])])
            chart(pcharts.lift_points(shown_lift, label="label", value=col, low=lo, high=hi,
                                      title=t(f"presale.lift_chart.{baseline}"), x_title=t("presale.lift_axis")),
                  key="presale.lift_chart")
            missing = len(lift) - len(shown_lift)
            if missing:
                st.caption(t(f"presale.lift_missing.{baseline}", n=missing))
        types = cached(presale.lift_by_type, f)
        if not types.empty:
            types = types.assign(label=[type_label(x) for x in types["type"]])
            chart(pcharts.lift_points(types, label="label", value="lift", low="lift_low", high="lift_high",
                                      title=t("presale.lift_by_type"), x_title=t("presale.lift_axis")),
                  key="presale.lift_by_type")
        with st.expander(t("presale.lift_table")):
            out = lift.assign(campaign=[names.get(c, c) for c in lift["campaign_id"]],
                              type=[type_label(x) for x in lift["type"]],
                              **{c: [f"{v:+.0%}" if v == v else "–" for v in lift[c]] for c in
                                 ("lift", "lift_low", "lift_high", "lift_vs_control", "control_low", "control_high")})
            table(out[["campaign", "type", "period_days", "sales", "baseline_sales", "lift", "lift_low", "lift_high",
                       "lift_vs_control", "control_low", "control_high"]].rename(columns={
                "campaign": t("presale.campaign"), "type": t("presale.type"), "period_days": t("presale.period_days"),
                "sales": t("presale.sales"), "baseline_sales": t("presale.baseline_sales"),
                "lift": metric("presale_lift").label, "lift_low": t("presale.low"), "lift_high": t("presale.high"),
                "lift_vs_control": metric("presale_lift_vs_control").label, "control_low": t("presale.control_low"),
                "control_high": t("presale.control_high")}),
                key="presale.lift_table")
            downloads(lift, name="presale_lift", key="presale.lift_download")

# ----- early demand forecast ------------------------------------------------------------------------------
with tab_fc:
    st.caption(t("presale.forecast_hint"))
    with guarded():
        for fc in s.forecasts:
            if fc.enough:
                st.info(t("presale.running_forecast", name=names.get(fc.campaign_id, fc.campaign_id), day=fc.day,
                          days=fc.days, so_far=fc.reservations_so_far, predicted=f"{fc.predicted:,.0f}",
                          low=f"{fc.lower:,.0f}", high=f"{fc.upper:,.0f}"))
        ordered_ids = list(camps.sort_values(["status", "start_date"], ascending=[False, False])["campaign_id"])
        running = [c for c in camps.loc[camps["status"] == "running", "campaign_id"]]
        cid = st.selectbox(t("presale.forecast_campaign"), ordered_ids, key="presale.forecast_campaign",
                           index=ordered_ids.index(running[0]) if running else 0,
                           format_func=lambda c: names.get(c, c))
        path = cached(presale.forecast_path, f, campaign_id=cid)
        if path.empty or path["predicted"].isna().all():
            not_enough(t("presale.forecast_need", min=presale.MIN_CAMPAIGNS))
        else:
            chart(pcharts.forecast_fan(path, names={"cumulative": t("presale.cumulative"),
                                                    "predicted": metric("presale_forecast").label,
                                                    "interval": t("presale.interval90"),
                                                    "actual_final": t("presale.actual_final")},
                                       title=t("presale.forecast_chart", name=names.get(cid, cid)),
                                       x_title=t("presale.days_done"), y_title=t("presale.reservations")),
                  key="presale.forecast_chart")
            first = path.dropna(subset=["predicted"]).iloc[0]
            st.caption(t("presale.forecast_from", day=int(first["day"]), predicted=f"{first['predicted']:,.0f}",
                         low=f"{first['lower']:,.0f}", high=f"{first['upper']:,.0f}",
                         n=int(first["reference_campaigns"])))
        bt = cached(presale.forecast_backtest, f, day=3)
        if len(bt):
            err = float(bt["error"].abs().median())
            kpi_row([KpiCard("presale_forecast_error", err,
                             note=t("presale.coverage", covered=int(bt["covered"].sum()), n=len(bt)))], per_row=3)

# ----- planner ----------------------------------------------------------------------------------------------
with tab_plan:
    st.caption(t("presale.planner_hint"))
    with guarded():
        products = cached(presale.product_choices, f)
        if products.empty:
            empty_state()
        else:
            pnames = dict(zip(products["product_id"], products["name"].fillna(products["product_id"])))
            c1, c2, c3 = st.columns(3)
            product_id = c1.selectbox(t("presale.product"), list(products["product_id"]), key="presale.plan_product",
                                      format_func=lambda p: pnames.get(p, p))
            ctype = pick(c2.selectbox, t("presale.type"), presale.CAMPAIGN_TYPES, "presale.plan_type",
                         presale.CAMPAIGN_TYPES[0], format_func=type_label)
            segment = pick(c3.selectbox, t("presale.target"), presale.TARGET_SEGMENTS, "presale.plan_segment",
                           presale.TARGET_SEGMENTS[0], format_func=lambda g: label("target_segment", g))
            c4, c5 = st.columns(2)
            discount = c4.slider(t("presale.discount"), 0, 50, 10, step=1, key="presale.plan_discount",
                                 format="%d%%") / 100
            start0 = (ctx.data_end or dt.date.today()) + dt.timedelta(days=14)
            dates = c5.date_input(t("presale.dates"), (start0, start0 + dt.timedelta(days=13)),
                                  key="presale.plan_dates", format="YYYY-MM-DD")
            if not isinstance(dates, (tuple, list)) or len(dates) != 2:
                st.info(t("presale.pick_dates"))
            else:
                est = cached(presale.plan_campaign, f, product_id=product_id, target_segment=segment, type=ctype,
                             discount=float(discount), start=dates[0], end=dates[1])
                if not est.enough:
                    not_enough(t("presale.plan_need"))
                else:
                    def rng(key: str, lo, hi) -> str:
                        return t("presale.range", low=format_value(key, lo), high=format_value(key, hi))

                    kpi_row([
                        KpiCard("presale_plan_reservations", est.reservations,
                                note=rng("presale_plan_reservations", est.reservations_low, est.reservations_high)),
                        KpiCard("presale_conversion_rate", est.conversion_rate,
                                note=rng("presale_conversion_rate", est.conversion_low, est.conversion_high)),
                        KpiCard("presale_roi", est.roi, note=rng("presale_roi", est.roi_low, est.roi_high)),
                    ], per_row=3)
                    st.caption(t("presale.plan_basis", n=len(est.comparables), days=est.days))
                    comp = est.comparables
                    table(comp.assign(type=[type_label(x) for x in comp["type"]],
                                      category=[label("category", c) for c in comp["category"]],
                                      target_segment=[label("target_segment", g) for g in comp["target_segment"]],
                                      discount=[f"{v:.0%}" for v in comp["discount"]],
                                      conversion_rate=[pct("presale_conversion_rate", v)
                                                       for v in comp["conversion_rate"]],
                                      roi=[format_value("presale_roi", v) for v in comp["roi"]],
                                      weight=[f"{v:.2f}" for v in comp["weight"]],
                                      )[["name", "type", "category", "target_segment", "discount", "days",
                                         "reservations", "conversion_rate", "roi", "weight"]].rename(columns={
                        "name": t("presale.campaign"), "type": t("presale.type"), "category": t("presale.category"),
                        "target_segment": t("presale.target"), "discount": t("presale.discount"),
                        "days": t("presale.days"), "reservations": metric("presale_reservations").label,
                        "conversion_rate": metric("presale_conversion_rate").label,
                        "roi": metric("presale_roi").label, "weight": t("presale.weight")}),
                        key="presale.plan_table")
