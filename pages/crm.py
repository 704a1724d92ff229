"""CRM health: customer base health, retention, lifetime value, satisfaction, complaints, interactions, comments.

Thin: read the Filters and the page's own settings, call salesdash.analysis.crm, render.
"""

import pandas as pd
import streamlit as st

from salesdash.analysis import crm
from salesdash.charts import bar as bar_chart
from salesdash.charts import crm as crm_charts
from salesdash.i18n import label, t
from salesdash.metrics import format_value, metric
from salesdash.ui import (KpiCard, cached, chart, definitions, downloads, empty_state, guarded, kpi_row,
                          not_enough, page_start, table)

ctx = page_start("crm.title")
f = ctx.filters
window = t("common.window", start=f.start, end=f.end) if f.start else t("common.all_dates")
st.caption(t("crm.caption", window=window))

with st.expander(t("crm.settings"), expanded=False):
    c1, c2, c3 = st.columns(3)
    active_days = int(c1.number_input(t("crm.active_days"), min_value=1, max_value=3650, value=90, step=15,
                                      key="crm.active_days"))
    at_risk_days = int(c2.number_input(t("crm.at_risk_days"), min_value=2, max_value=3650, value=180, step=15,
                                       key="crm.at_risk_days"))
    sla_days = float(c3.number_input(t("crm.sla_days"), min_value=0.5, max_value=90.0, value=3.0, step=0.5,
                                     key="crm.sla_days"))
if at_risk_days <= active_days:
    st.warning(t("crm.thresholds_fixed", active=active_days, at_risk=active_days + 1))
    at_risk_days = active_days + 1

s: crm.CrmSummary = cached(crm.summary, f, active_days=active_days, at_risk_days=at_risk_days, sla_days=sla_days)
if s.customers == 0 and s.nps_responses == 0 and s.complaints == 0:
    empty_state()
    st.stop()

STATUS_NAMES = {k: t(f"crm.status.{k}") for k in crm.HEALTH_STATUSES}
DIM_NAMES = {"segment": t("crm.by.segment"), "region": t("crm.by.region"), "channel": t("crm.by.channel"),
             "product": t("crm.by.product"), "rep": t("crm.by.rep")}


CHANNEL_NAMES = cached(crm.code_names, f, kind="channel")


def _code_label(by: str, code: str) -> str:
    if by == "channel":
        return label("channel_name", CHANNEL_NAMES.get(code, code))
    return label({"segment": "customer_kind", "region": "region"}.get(by, by), code)


def _note_nps() -> str | None:
    if s.nps is None:
        return t("crm.too_few_responses", n=s.nps_responses, min=crm.MIN_RESPONSES)
    return t("crm.interval", low=f"{s.nps_low:.1f}", high=f"{s.nps_high:.1f}")


kpi_row([
    KpiCard("crm_active_customers", s.active, note=format_value("ratio", s.active_share)),
    KpiCard("crm_at_risk_customers", s.at_risk),
    KpiCard("crm_churned_customers", s.churned),
    KpiCard("nps", s.nps, note=_note_nps()),
    KpiCard("crm_csat", s.csat, note=None if s.csat is not None else
            t("crm.too_few_responses", n=s.csat_responses, min=crm.MIN_RESPONSES)),
    KpiCard("crm_complaint_rate", s.complaint_rate, note=t("crm.complaints_n", n=s.complaints)),
    KpiCard("crm_within_sla", s.within_sla, note=t("crm.sla_note", days=f"{s.sla_days:g}")),
    KpiCard("crm_open_backlog", s.open_backlog,
            note=t("crm.backlog_age", age=format_value("days", s.backlog_median_age))),
])
st.caption(t("crm.as_of", date=s.as_of, active=active_days, at_risk=at_risk_days))

tabs = st.tabs([t("crm.tab.health"), t("crm.tab.retention"), t("crm.tab.clv"), t("crm.tab.satisfaction"),
                t("crm.tab.complaints"), t("crm.tab.interactions"), t("crm.tab.comments")])

# ----- health ---------------------------------------------------------------------------------------------
with tabs[0]:
    with guarded():
        trend = cached(crm.health_trend, f, active_days=active_days, at_risk_days=at_risk_days)
        if trend.empty:
            empty_state()
        else:
            chart(crm_charts.stacked_area(
                trend, x="month_end", title=t("crm.health_trend"), colors=crm_charts.STATUS_COLORS,
                series=[(k, STATUS_NAMES[k]) for k in crm.HEALTH_STATUSES], y_title=t("crm.customers")),
                key="crm.health_trend_chart")
    with guarded():
        by = st.radio(t("crm.split_by"), crm.CUSTOMER_DIMENSIONS, format_func=DIM_NAMES.get, horizontal=True,
                      key="crm.health_by")
        health = cached(crm.customer_health, f, active_days=active_days, at_risk_days=at_risk_days, by=by)
        if health.empty:
            empty_state()
        else:
            wide = health.pivot(index="group", columns="status", values="customers").reset_index()
            wide["name"] = [_code_label(by, g) for g in wide["group"]]
            chart(crm_charts.stacked_bars(
                wide, x="name", percent=True, horizontal=True, colors=crm_charts.STATUS_COLORS,
                series=[(k, STATUS_NAMES[k]) for k in crm.HEALTH_STATUSES],
                title=t("crm.health_by", by=DIM_NAMES[by]), y_title=t("common.share")), key="crm.health_by_chart")
            shown = wide[["name", *crm.HEALTH_STATUSES]].rename(columns={"name": DIM_NAMES[by], **STATUS_NAMES})
            table(shown, key="crm.health_table")

# ----- retention ------------------------------------------------------------------------------------------
with tabs[1]:
    with guarded():
        measure = st.radio(t("crm.cohort_measure"), ("retention", "revenue_retention"), horizontal=True,
                           format_func=lambda k: metric(f"crm_{k}").label, key="crm.cohort_measure")
        co = cached(crm.cohorts, f)
        if co.empty:
            empty_state()
        elif co["cohort"].nunique() < 2:
            not_enough(t("crm.need_cohorts"))
        else:
            chart(crm_charts.cohort_heatmap(
                co, value=measure, title=metric(f"crm_{measure}").label, x_title=t("crm.months_since"),
                y_title=t("crm.cohort"), size_name=t("crm.cohort_size"),
                zmax=1.0 if measure == "retention" else None), key="crm.cohort_chart")
            st.caption(t("crm.cohort_hint"))
            downloads(co, name="cohorts", key="crm.cohort_download")

# ----- lifetime value -------------------------------------------------------------------------------------
with tabs[2]:
    with guarded():
        c1, c2 = st.columns(2)
        horizon = int(c1.slider(t("crm.horizon"), min_value=3, max_value=36, value=12, step=3, key="crm.horizon"))
        rate = float(c2.number_input(t("crm.discount_rate"), min_value=0.0, max_value=0.2, value=0.01, step=0.005,
                                     format="%.3f", key="crm.discount_rate"))
        cl: crm.ClvResult = cached(crm.customer_lifetime_value, f, horizon_months=horizon, discount_rate=rate)
        if not cl.enough:
            not_enough(t("crm.clv_not_enough", reason=cl.reason))
        else:
            b, g = cl.bgnbd, cl.gamma_gamma
            kpi_row([
                KpiCard("crm_total_clv", cl.total_clv),
                KpiCard("crm_p_alive", float(cl.customers["p_alive"].mean()), note=t("crm.mean_over_customers")),
                KpiCard("crm_expected_purchases", float(cl.customers["expected_purchases"].sum()),
                        note=t("crm.over_horizon", months=horizon)),
                KpiCard("crm_expected_spend", float(cl.customers["expected_spend"].mean()),
                        note=t("crm.mean_over_customers")),
            ])
            st.caption(t("crm.clv_params", r=f"{b.r:.3f}", alpha=f"{b.alpha:.3f}", a=f"{b.a:.3f}", b=f"{b.b:.3f}",
                         p=f"{g.p:.3f}", q=f"{g.q:.3f}", gamma=f"{g.gamma:.3f}", unit=t(f"crm.unit.{cl.time_unit}"),
                         n=b.customers, m=g.customers, end=cl.calibration_end))
            if b.a / (b.a + b.b) < 1e-4:
                st.caption(t("crm.clv_no_dropout"))
            by_clv = st.radio(t("crm.split_by"), crm.CUSTOMER_DIMENSIONS, format_func=DIM_NAMES.get,
                              horizontal=True, key="crm.clv_by")
            seg = crm.clv_by(cl, by=by_clv)
            seg["name"] = [_code_label(by_clv, v) for v in seg["group"]]
            chart(bar_chart(seg, x="name", y="clv", title=t("crm.clv_by", by=DIM_NAMES[by_clv]),
                            y_title=metric("crm_total_clv").label, secondary=("p_alive", metric("crm_p_alive").label),
                            secondary_format=".0%"), key="crm.clv_by_chart")
            st.subheader(t("crm.top_customers"))
            top = cl.top(20)
            names = cached(crm.customer_names, f, ids=tuple(top["customer_id"]))
            shown = pd.DataFrame({
                t("crm.customer"): [names.get(c, c) for c in top["customer_id"]],
                DIM_NAMES["segment"]: [_code_label("segment", v) for v in top["segment"]],
                DIM_NAMES["region"]: [_code_label("region", v) for v in top["region"]],
                t("crm.repeat_purchases"): top["frequency"],
                metric("crm_p_alive").label: [format_value("ratio", v) for v in top["p_alive"]],
                metric("crm_expected_purchases").label: top["expected_purchases"].round(2),
                metric("crm_expected_spend").label: [format_value("currency", v) for v in top["expected_spend"]],
                metric("crm_clv").label: [format_value("currency", v) for v in top["clv"]],
            })
            table(shown, key="crm.top_table")
            downloads(cl.customers, name="customer_lifetime_value", key="crm.clv_download")

# ----- satisfaction ---------------------------------------------------------------------------------------
with tabs[3]:
    with guarded():
        st_trend = cached(crm.satisfaction_trend, f)
        if st_trend.empty:
            empty_state()
        else:
            left, right = st.columns(2)
            with left:
                chart(crm_charts.score_trend(st_trend, x="month", y="nps", low="nps_low", high="nps_high",
                                             name=metric("nps").label, band_name=t("crm.interval95"),
                                             title=t("crm.nps_trend"), y_range=(-100, 100)), key="crm.nps_trend")
            with right:
                chart(crm_charts.score_trend(st_trend, x="month", y="csat", low="csat_low", high="csat_high",
                                             name=metric("crm_csat").label, band_name=t("crm.interval95"),
                                             title=t("crm.csat_trend"), y_format=".0%", y_range=(0, 1)),
                      key="crm.csat_trend")
            chart(crm_charts.stacked_bars(st_trend, x="month", percent=True, title=t("crm.nps_mix"),
                                          colors=crm_charts.STATUS_COLORS,
                                          series=[("promoters", t("crm.promoters")), ("passives", t("crm.passives")),
                                                  ("detractors", t("crm.detractors"))], y_title=t("common.share")),
                  key="crm.nps_mix")
    with guarded():
        sat_by = st.selectbox(t("crm.split_by"), crm.FEEDBACK_DIMENSIONS, format_func=DIM_NAMES.get,
                              key="crm.satisfaction_by")
        sb = cached(crm.satisfaction_by, f, by=sat_by)
        if sb.empty:
            empty_state()
        else:
            sb["label"] = [_code_label(sat_by, g) if sat_by not in ("product", "rep") else n
                           for g, n in zip(sb["group"], sb["name"])]
            if sat_by == "channel":
                sb["label"] = [label("feedback_channel", g) for g in sb["group"]]
            top_sb = sb.head(15)
            left, right = st.columns(2)
            with left:
                chart(crm_charts.score_bars(top_sb, x="label", y="nps", low="nps_low", high="nps_high",
                                            title=t("crm.nps_by", by=DIM_NAMES[sat_by]), y_title=metric("nps").label),
                      key="crm.nps_by_chart")
            with right:
                chart(crm_charts.score_bars(top_sb, x="label", y="csat", low="csat_low", high="csat_high",
                                            title=t("crm.csat_by", by=DIM_NAMES[sat_by]),
                                            y_title=metric("crm_csat").label, y_format=".0%"),
                      key="crm.csat_by_chart")
            shown = pd.DataFrame({
                DIM_NAMES[sat_by]: sb["label"], metric("crm_nps_responses").label: sb["responses"],
                t("crm.promoters"): sb["promoters"], t("crm.passives"): sb["passives"],
                t("crm.detractors"): sb["detractors"],
                metric("nps").label: [format_value("nps", v) for v in sb["nps"]],
                metric("crm_csat").label: [format_value("ratio", v) for v in sb["csat"]],
            })
            table(shown, key="crm.satisfaction_table")

# ----- complaints -----------------------------------------------------------------------------------------
with tabs[4]:
    with guarded():
        ct = cached(crm.complaint_trend, f)
        if ct.empty or ct["complaints"].sum() == 0:
            empty_state()
        else:
            chart(crm_charts.bars_and_rate(ct, x="month", bars="complaints", rate="rate_per_1000",
                                           title=t("crm.complaint_trend"), bar_name=metric("crm_complaints").label,
                                           rate_name=metric("crm_complaint_rate").label), key="crm.complaint_trend")
            left, right = st.columns(2)
            with left:
                pa = cached(crm.complaint_pareto, f)
                pa["label"] = [label("complaint_category", c) for c in pa["category"]]
                chart(crm_charts.pareto(pa, x="label", y="complaints", cumulative="cumulative_share",
                                        title=t("crm.pareto"), bar_name=metric("crm_complaints").label,
                                        line_name=t("crm.cumulative_share")), key="crm.pareto_chart")
            with right:
                res = cached(crm.complaint_resolution, f, sla_days=sla_days)
                res["label"] = [t("common.all") if v == "all" else label("severity", v) for v in res["severity"]]
                chart(bar_chart(res, x="label", y="median_days", title=t("crm.resolution", days=f"{sla_days:g}"),
                                y_title=metric("crm_median_resolution_days").label,
                                secondary=("within_sla", metric("crm_within_sla").label), secondary_format=".0%"),
                      key="crm.resolution_chart")
    with guarded():
        left, right = st.columns(2)
        with left:
            bl = cached(crm.complaint_backlog, f)
            if bl.empty:
                st.caption(t("crm.no_backlog"))
            else:
                wide = bl.pivot_table(index="age_band", columns="severity", values="tickets", aggfunc="sum",
                                      fill_value=0)
                wide = wide.reindex([name for _, name in crm.BACKLOG_BANDS]).fillna(0).reset_index()
                sev = [c for c in wide.columns if c != "age_band"]
                wide["label"] = [t("crm.days_band", band=b) for b in wide["age_band"]]
                chart(crm_charts.stacked_bars(wide, x="label", series=[(c, label("severity", c)) for c in sev],
                                              title=t("crm.backlog", date=s.as_of), y_title=t("crm.tickets")),
                      key="crm.backlog_chart")
        with right:
            rc = cached(crm.repeat_complainers, f)
            st.markdown(f"**{t('crm.repeat_complainers', n=s.repeat_complainers, total=s.complainers)}**")
            if not rc.empty:
                table(pd.DataFrame({
                    t("crm.customer"): [n if isinstance(n, str) and n else c for c, n in zip(rc["customer_id"], rc["name"])],
                    metric("crm_complaints").label: rc["complaints"], t("crm.categories"): rc["categories"],
                    t("crm.last_opened"): pd.to_datetime(rc["last_opened"]).dt.date, t("crm.still_open"): rc["open"],
                }), key="crm.repeat_table")
    with guarded():
        st.subheader(t("crm.after_complaint"))
        followup = int(st.select_slider(t("crm.followup"), options=(90, 180, 365), value=180, key="crm.followup"))
        oc: crm.ComplaintOutcomes = cached(crm.complaint_outcomes, f, followup_days=followup)
        if not oc.enough:
            not_enough(t("crm.outcomes_not_enough", reason=oc.reason))
        else:
            d = oc.by_category.copy()
            d["label"] = [t("common.all") if c == "all" else label("complaint_category", c) for c in d["category"]]
            chart(crm_charts.paired_bars(d, x="label", y_format=".0%", title=t("crm.outcomes_chart", days=followup),
                                         series=[("churn_rate", metric("crm_churn_after_complaint").label),
                                                 ("baseline_churn_rate", metric("crm_baseline_churn").label)]),
                  key="crm.outcomes_chart")
            table(pd.DataFrame({
                t("crm.category"): d["label"], t("crm.complainers"): d["complainers"],
                metric("crm_churn_after_complaint").label: [format_value("ratio", v) for v in d["churn_rate"]],
                metric("crm_baseline_churn").label: [format_value("ratio", v) for v in d["baseline_churn_rate"]],
                metric("crm_churn_lift").label: [format_value("percent_points", v) for v in d["churn_lift"]],
                t("crm.spend_change"): [format_value("ratio", v) for v in d["spend_change"]],
                t("crm.baseline_spend_change"): [format_value("ratio", v) for v in d["baseline_spend_change"]],
            }), key="crm.outcomes_table")
            st.caption(t("crm.outcomes_hint"))

# ----- interactions ---------------------------------------------------------------------------------------
with tabs[5]:
    with guarded():
        ir = cached(crm.interactions_by_rep, f)
        if ir.empty:
            empty_state()
        else:
            from salesdash.schema import ACTIVITY_TYPES

            top_reps = ir.head(20)
            chart(crm_charts.stacked_bars(top_reps, x="name", horizontal=True, title=t("crm.interactions_by_rep"),
                                          series=[(k, label("activity_type", k)) for k in ACTIVITY_TYPES],
                                          y_title=metric("crm_activities").label), key="crm.interactions_chart")
            st.caption(t("crm.interactions_note", n=format_value("crm_activities", s.activities),
                         per=format_value("crm_activities_per_customer", s.activities_per_customer)))
    with guarded():
        left, right = st.columns(2)
        with left:
            vs = cached(crm.interactions_vs_satisfaction, f)
            if not vs.empty:
                vs["label"] = [t("crm.band", band=b) for b in vs["band"]]
                chart(crm_charts.score_bars(vs, x="label", y="nps", low="nps_low", high="nps_high",
                                            title=t("crm.interactions_vs_nps"), y_title=metric("nps").label),
                      key="crm.vs_nps_chart")
        with right:
            vc = cached(crm.interactions_vs_conversion, f)
            if not vc.empty:
                vc["label"] = [t("crm.band", band=b) for b in vc["band"]]
                chart(bar_chart(vc, x="label", y="win_rate", title=t("crm.interactions_vs_win"),
                                y_title=metric("win_rate").label, text_format=".0%"), key="crm.vs_win_chart")
        st.caption(t("crm.interactions_hint"))

# ----- comments -------------------------------------------------------------------------------------------
with tabs[6]:
    with guarded():
        k = int(st.slider(t("crm.n_topics"), min_value=2, max_value=12, value=8, key="crm.n_topics"))
        tp: crm.FeedbackTopics = cached(crm.feedback_topics, f, n_topics=k)
        if not tp.enough:
            not_enough(t("crm.topics_not_enough", reason=tp.reason))
        else:
            topics = tp.topics.copy()
            topics["label"] = [t("crm.topic", n=i + 1, terms=terms) for i, terms in zip(topics["topic"], topics["top_terms"])]
            left, right = st.columns(2)
            with left:
                chart(bar_chart(topics, x="label", y="share", horizontal=True, title=t("crm.topic_shares", n=tp.comments),
                                y_title=metric("crm_topic_share").label, text_format=".0%"), key="crm.topics_chart")
            with right:
                trend_t = tp.trend.pivot_table(index="month", columns="topic", values="share", fill_value=0)
                trend_t.columns = [f"t{c}" for c in trend_t.columns]
                trend_t = trend_t.reset_index()
                chart(crm_charts.stacked_area(trend_t, x="month", title=t("crm.topic_trend"), y_format=".0%",
                                              series=[(f"t{i}", t("crm.topic_short", n=i + 1)) for i in topics["topic"]
                                                      if f"t{i}" in trend_t.columns]),
                      key="crm.topic_trend_chart")
            ex = tp.examples
            for _, row in topics.iterrows():
                with st.expander(t("crm.topic_examples", topic=row["label"], share=format_value("ratio", row["share"]),
                                   score=format_value("score", row["nps"]))):
                    for c in ex.loc[ex["topic"] == row["topic"], "comment"]:
                        st.markdown(f"> {c}")

definitions(["crm_active_customers", "crm_at_risk_customers", "crm_churned_customers", "crm_active_share", "nps",
             "crm_nps_responses", "crm_csat", "crm_complaints", "crm_complaint_rate", "crm_median_resolution_days",
             "crm_within_sla", "crm_open_backlog", "crm_backlog_age", "crm_repeat_complainers", "crm_retention",
             "crm_revenue_retention", "crm_clv", "crm_total_clv", "crm_p_alive", "crm_expected_purchases",
             "crm_expected_spend", "crm_churn_after_complaint", "crm_baseline_churn", "crm_churn_lift",
             "crm_activities", "crm_activities_per_customer", "win_rate", "crm_topic_share"])
