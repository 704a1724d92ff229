"""Risk (销售风险管理): the risk matrix and its evidence: deals, customers, concentration, receivables, anomalies."""

import pandas as pd
import streamlit as st

from salesdash.analysis import risk
from salesdash.charts import risk as rcharts
from salesdash.i18n import label, t
from salesdash.metrics import format_value, metric
from salesdash.ui import KpiCard, cached, chart, definitions, downloads, empty_state, guarded, kpi_row, not_enough, \
    page_start, table

ctx = page_start("risk.title")
f = ctx.filters
full: risk.RiskDetails = cached(risk.details, f)
s, churn, anom = full.summary, full.churn, full.anomalies
if s.as_of is None:
    empty_state()
    st.stop()
window = t("common.window", start=f.start, end=f.end) if f.start else t("common.all_dates")
st.caption(t("risk.caption", as_of=s.as_of.isoformat(), window=window))

rec = s.receivables
kpi_row([
    KpiCard("risk_flagged_deals", len(s.deals)),
    KpiCard("risk_flagged_amount", s.flagged_amount),
    KpiCard("risk_flagged_share", len(s.deals) / s.open_deals if s.open_deals else None),
    KpiCard("risk_revenue_at_risk", churn.revenue_at_risk if churn.enough else None),
    KpiCard("risk_hhi", s.hhi),
    KpiCard("risk_top10_share", s.top10_share),
    KpiCard("risk_overdue", rec.overdue_amount),
    KpiCard("risk_dso", rec.dso),
])


def _pct(v):
    return format_value("ratio", v)


# ---- the matrix -------------------------------------------------------------------------------------------
st.header(t("risk.matrix"), anchor="risk-matrix")
st.caption(t("risk.matrix_caption"))
with guarded():
    items = full.matrix
    df = pd.DataFrame([{
        "key": i.key, "label": t(f"risk.item.{i.key}"), "category_label": t(f"risk.category.{i.category}"),
        "likelihood": i.likelihood, "impact": i.impact, "score": i.score, "available": i.available,
        "basis": t(f"risk.basis.{i.key}", lik=_pct(i.likelihood_signal), imp=_pct(i.impact_signal))
        if i.available else t("risk.not_available"),
        "control": t(f"risk.control.{i.key}"), "evidence": f"#{i.evidence}",
    } for i in items])
    shown_items = df[df["available"]].reset_index(drop=True)
    chart(rcharts.risk_matrix_chart(shown_items, title=t("risk.matrix_chart"), x_title=t("risk.impact"),
                                    y_title=t("risk.likelihood")), key="risk.matrix")
    ordered = df.sort_values(["available", "score"], ascending=[False, False])
    st.markdown("\n".join(
        [f"| {t('risk.col.risk')} | {t('risk.col.category')} | {t('risk.col.likelihood')} | {t('risk.col.impact')} "
         f"| {t('risk.col.signals')} | {t('risk.col.control')} | {t('risk.col.evidence')} |",
         "|---|---|---|---|---|---|---|"]
        + [f"| **{r.label}** | {r.category_label} | {r.likelihood if r.available else '–'} | "
           f"{r.impact if r.available else '–'} | {r.basis} | {r.control} | [{t('risk.evidence_link')}]({r.evidence}) |"
           for r in ordered.itertuples()]))

# ---- deals ------------------------------------------------------------------------------------------------
st.header(t("risk.deals"), anchor="risk-deals")
with guarded():
    d = s.deals
    if d.empty:
        st.info(t("risk.no_flags"))
    else:
        st.caption(t("risk.deals_caption", n=len(d), open=s.open_deals))

        def _why(r) -> str:
            parts = []
            for code in r.reasons:
                if code == "slipping":
                    parts.append(t("risk.reason.slipping", runs=int(r.longest_run), days=int(r.days_slipped)))
                elif code == "stalled":
                    parts.append(t("risk.reason.stalled", days=int(r.days_in_stage), limit=int(r.stall_days)))
                elif code == "quiet":
                    parts.append(t("risk.reason.quiet", days=int(r.days_quiet)))
                else:
                    parts.append(t("risk.reason.deep_discount", discount=_pct(r.discount)))
            return "; ".join(parts)

        shown = pd.DataFrame({
            t("risk.col.deal"): d["opportunity_id"],
            t("risk.col.customer"): d["customer_id"],
            t("risk.col.rep"): d["rep_id"],
            t("risk.col.stage"): [label("stage", x) for x in d["stage"]],
            t("risk.col.amount"): [format_value("currency", x) for x in d["amount"]],
            t("risk.col.expected_close"): [x.isoformat() if x else "" for x in d["expected_close_date"]],
            t("risk.col.reasons"): [_why(r) for r in d.itertuples()],
        })
        table(shown, key="risk.deals_table", height=360)
        downloads(d.assign(reasons=d["reason"]).drop(columns=["reason"]), name="deals_at_risk",
                  key="risk.deals_download")

# ---- customers --------------------------------------------------------------------------------------------
st.header(t("risk.customers"), anchor="risk-customers")
with guarded():
    if not churn.enough:
        not_enough(t(f"risk.churn_not_enough.{churn.reason}"))
    else:
        st.caption(t("risk.churn_caption", train=churn.train_cutoff.isoformat(), test=churn.test_cutoff.isoformat(),
                     auc=f"{churn.auc:.2f}", n=churn.test_customers, rate=_pct(churn.test_churn_rate),
                     active=len(churn.customers), as_of=churn.as_of.isoformat()))
        if churn.auc is not None and churn.auc < 0.6:
            st.warning(t("risk.churn_weak", auc=f"{churn.auc:.2f}"))
        kpi_row([KpiCard("risk_churn_auc", churn.auc), KpiCard("risk_weighted_churn", churn.weighted_churn),
                 KpiCard("risk_revenue_at_risk", churn.revenue_at_risk)], per_row=3)
        left, right = st.columns([2, 3])
        with left:
            drivers = churn.drivers.assign(label=[t(f"risk.feature.{x}") for x in churn.drivers["feature"]])
            chart(rcharts.drivers_chart(drivers, title=t("risk.drivers"), x_title=t("risk.drivers_axis")),
                  key="risk.drivers")
        with right:
            st.markdown(f"**{t('risk.top_customers')}**")
            c = churn.customers.head(100)
            shown = pd.DataFrame({
                t("risk.col.customer"): c["name"].fillna(c["customer_id"]),
                t("risk.col.region"): [label("region", x) for x in c["region"]],
                t("risk.col.churn_probability"): [_pct(x) for x in c["churn_probability"]],
                t("risk.col.revenue_365d"): [format_value("currency", x) for x in c["revenue_365d"]],
                t("risk.col.revenue_at_risk"): [format_value("currency", x) for x in c["revenue_at_risk"]],
                t("risk.col.recency"): c["recency_days"].astype(int),
            })
            table(shown, key="risk.churn_table", height=360)
            downloads(churn.customers, name="churn_risk", key="risk.churn_download")

    st.subheader(t("risk.survival"))
    by = st.selectbox(t("risk.survival_by"), risk.SURVIVAL_SEGMENTS, key="risk.survival_by",
                      format_func=lambda b: t(f"risk.survival_by.{b}"))
    surv: risk.SurvivalResult = cached(risk.lifetime_survival, f, by=by)
    if not surv.enough:
        not_enough(t("risk.survival_not_enough"))
    else:
        kind = {"kind": "risk.kind", "region": "region", "is_member": "risk.value",
                "channel_type": "channel_type"}[by]

        def seg_label(v: str) -> str:
            return label(kind, str(v).lower() if by == "is_member" else v)

        curves = surv.curves.assign(label=[seg_label(v) for v in surv.curves["segment"]])
        chart(rcharts.survival_chart(curves, title=t("risk.survival_chart"), x_title=t("risk.survival_x"),
                                     y_title=t("risk.survival_y")), key="risk.survival")
        sg = surv.segments
        table(pd.DataFrame({
            t("risk.col.segment"): [seg_label(v) for v in sg["segment"]],
            t("risk.col.customers"): sg["customers"],
            t("risk.col.churned"): sg["churned"],
            t("risk.col.median_days"): [f"{m:.0f}" if m is not None and m == m else t("risk.median_not_reached")
                                        for m in sg["median_days"]],
        }), key="risk.survival_table")

# ---- concentration ----------------------------------------------------------------------------------------
st.header(t("risk.concentration"), anchor="risk-concentration")
with guarded():
    cby = st.selectbox(t("risk.concentration_by"), risk.CONCENTRATION_BY, key="risk.concentration_by",
                       format_func=lambda b: t(f"risk.concentration_by.{b}"))
    conc = cached(risk.concentration, f, by=cby)
    if conc.empty:
        empty_state()
    else:
        total = s.concentration.assign(label=t("common.all"))
        kind = {"region": "region", "channel": "channel_id", "category": "category"}[cby]
        both = pd.concat([total, conc.assign(label=[label(kind, g) for g in conc["group"]])], ignore_index=True)
        chart(rcharts.concentration_chart(both, title=t("risk.concentration_chart"), hhi_name=metric("risk_hhi").label,
                                          share_name=metric("risk_top10_share").label, high_name=t("risk.hhi_high"),
                                          moderate_name=t("risk.hhi_moderate")), key="risk.concentration")
        table(pd.DataFrame({
            t("risk.col.group"): both["label"],
            t("risk.col.revenue"): [format_value("currency", x) for x in both["revenue"]],
            t("risk.col.customers"): both["customers"],
            t("risk.col.hhi"): [f"{x:,.0f}" for x in both["hhi"]],
            t("risk.col.top_share"): [_pct(x) for x in both["top_share"]],
            t("risk.col.largest"): both["largest_customer"],
            t("risk.col.largest_share"): [_pct(x) for x in both["largest_share"]],
        }), key="risk.concentration_table")
    st.subheader(t("risk.partners"))
    partners = cached(risk.partner_dependence, f)
    if partners.empty:
        st.info(t("risk.no_partners"))
    else:
        table(pd.DataFrame({
            t("risk.col.partner"): partners["partner_name"],
            t("risk.col.revenue"): [format_value("currency", x) for x in partners["revenue"]],
            t("risk.col.share_of_total"): [_pct(x) for x in partners["share_of_total"]],
            t("risk.col.share_of_indirect"): [_pct(x) for x in partners["share_of_indirect"]],
        }), key="risk.partners_table")

# ---- competition ------------------------------------------------------------------------------------------
st.header(t("risk.competition"), anchor="risk-competition")
with guarded():
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('risk.share_change')}**")
        share = cached(risk.market_share_change, f)
        if share.empty:
            st.info(t("risk.no_market"))
        else:
            table(pd.DataFrame({
                t("risk.col.region"): [label("region", x) for x in share["region"]],
                t("risk.col.category_name"): [label("category", x) for x in share["category"]],
                t("risk.col.share_before"): [_pct(x) for x in share["share_before"]],
                t("risk.col.share_recent"): [_pct(x) for x in share["share_recent"]],
                t("risk.col.change"): [format_value("percent_points", x) for x in share["change"]],
            }), key="risk.share_table", height=320)
    with right:
        st.markdown(f"**{t('risk.losses')}**")
        losses = cached(risk.competitive_losses, f)
        table(pd.DataFrame({
            t("risk.col.outcome"): [t(f"risk.status.{x}") for x in losses["status"]],
            t("risk.col.reasons"): [label("lost_reason", x) if x is not None and x == x else "" for x in
                                    losses["lost_reason"]],
            t("risk.col.deals"): losses["deals"],
            t("risk.col.amount"): [format_value("currency", x) for x in losses["amount"]],
        }), key="risk.losses_table")

# ---- receivables ------------------------------------------------------------------------------------------
st.header(t("risk.receivables"), anchor="risk-receivables")
with guarded():
    kpi_row([KpiCard("risk_outstanding", rec.outstanding), KpiCard("risk_overdue", rec.overdue_amount),
             KpiCard("risk_overdue_share", rec.overdue_share), KpiCard("risk_dso", rec.dso)])
    if rec.outstanding == 0:
        st.info(t("risk.no_receivables"))
    else:
        left, right = st.columns([2, 3])
        with left:
            aging = rec.aging.assign(label=[t(f"risk.bucket.{b}") for b in rec.aging["bucket"]])
            chart(rcharts.aging_chart(aging, title=t("risk.aging_chart"), y_title=metric("risk_aging_amount").label),
                  key="risk.aging")
        with right:
            oby = st.selectbox(t("risk.overdue_by"), risk.OVERDUE_BY, key="risk.overdue_by",
                               format_func=lambda b: t(f"risk.overdue_by.{b}"))
            od = cached(risk.overdue_by, f, by=oby)
            names = [label("channel_name", n) for n in od["name"]] if oby == "channel" else list(od["name"])
            table(pd.DataFrame({
                t("risk.col.name"): names,
                t("risk.col.outstanding"): [format_value("currency", x) for x in od["outstanding"]],
                t("risk.col.overdue"): [format_value("currency", x) for x in od["overdue"]],
                t("risk.col.over_90"): [format_value("currency", x) for x in od["over_90"]],
                t("risk.col.oldest_days"): od["oldest_days"],
            }), key="risk.overdue_table", height=320)
            downloads(od, name=f"overdue_by_{oby}", key="risk.overdue_download")

# ---- anomalies --------------------------------------------------------------------------------------------
st.header(t("risk.anomalies"), anchor="risk-anomalies")
with guarded():
    if not anom.enough:
        not_enough(t("risk.anomalies_not_enough"))
    else:
        st.caption(t("risk.anomalies_caption", threshold=f"{anom.threshold:g}"))
        unit = {"revenue": "currency", "orders": "count", "win_rate": "ratio", "complaints": "count"}

        def note(r) -> str:
            return t("risk.anomaly_line", measure=t(f"risk.measure.{r.measure}"), month=r.month.strftime("%Y-%m"),
                     value=format_value(unit[r.measure], r.value), expected=format_value(unit[r.measure], r.expected),
                     change=format_value("percent_points", r.change).replace(" pp", "%") if r.change == r.change
                     else "–", z=f"{abs(r.z):.1f}", direction=t(f"risk.direction.{r.direction}"))

        if anom.flagged.empty:
            st.info(t("risk.no_anomalies"))
        else:
            st.markdown("\n".join(f"- {note(r)}" for r in anom.flagged.itertuples()))
        measures = [m for m in risk.ANOMALY_MEASURES if (anom.series["measure"] == m).any()]
        pick = st.selectbox(t("risk.anomaly_measure"), measures, key="risk.anomaly_measure",
                            format_func=lambda m: t(f"risk.measure.{m}"))
        part = anom.series[anom.series["measure"] == pick].copy()
        notes = {(r.measure, r.month): note(r) for r in anom.flagged.itertuples()}
        part["note"] = [notes.get((pick, m), "") for m in part["month"]]
        chart(rcharts.anomaly_chart(part, title=t(f"risk.measure.{pick}"), actual_name=t("common.actual"),
                                    expected_name=t("risk.expected"), flagged_name=t("risk.flagged"),
                                    y_format=".0%" if pick == "win_rate" else ",.0f"), key="risk.anomaly_chart")

definitions(["risk_flagged_deals", "risk_flagged_amount", "risk_flagged_share", "risk_hhi", "risk_top10_share",
             "risk_largest_share", "risk_partner_share", "risk_outstanding", "risk_overdue", "risk_overdue_share",
             "risk_dso", "risk_aging_amount", "risk_churn_probability", "risk_churn_auc", "risk_revenue_at_risk",
             "risk_weighted_churn", "risk_median_lifetime", "risk_anomaly_z", "risk_likelihood", "risk_impact"])
