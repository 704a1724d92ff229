"""Funnel and pipeline (销售漏斗管理). Thin: read the Filters, call salesdash, render."""

import pandas as pd
import streamlit as st

from salesdash import charts
from salesdash.analysis import funnel as F
from salesdash.analysis import win_probability as W
from salesdash.charts import funnel as fc
from salesdash.i18n import has, label, t
from salesdash.metrics import format_value, metric
from salesdash.schema import OPEN_STAGES, STAGES
from salesdash.ui import KpiCard, cached, definitions, downloads, empty_state, guarded, kpi_row, not_enough, page_start, table

ctx = page_start("funnel.title")
f = ctx.filters
window = t("common.window", start=f.start, end=f.end) if f.start else t("common.all_dates")
st.caption(t("funnel.caption", window=window))


def stage_name(code: str) -> str:
    return label("stage", code) if has(f"stage.{code}") else t(f"funnel.stage.{code}")


_KINDS = {"channel": "channel_name", "region": "region", "source": "source", "team": "team",
          "category": "category", "segment": "segment"}


def group_label(by: str, code, name) -> str:
    if code is None or (isinstance(code, float) and code != code):
        return t("common.none")
    if by == "channel":
        return label("channel_name", name if isinstance(name, str) else code)
    if by in ("rep", "product"):
        return str(name if isinstance(name, str) else code)
    return label(_KINDS[by], code)


def deal_view(deals: pd.DataFrame) -> pd.DataFrame:
    """A table of deals as a person reads it: codes through their labels, column titles translated."""
    shown = {
        "stage": stage_name, "status": lambda x: t(f"funnel.status.{x}"),
        "channel": lambda x: label("channel_name", x), "team": lambda x: label("team", x),
        "source": lambda x: label("source", x), "lost_reason": lambda x: label("lost_reason", x),
    }
    view = deals.assign(**{c: [fn(x) if isinstance(x, str) else "" for x in deals[c]]
                           for c, fn in shown.items() if c in deals.columns})
    return view.rename(columns=lambda c: t(f"funnel.col.{c}"))


def pct(v) -> str:
    return format_value("ratio", None if v is None or v != v else float(v))


def interval(v, lo, hi) -> str:
    if v is None or v != v:
        return "–"
    if lo is None or lo != lo:
        return pct(v)
    return f"{pct(v)} [{pct(lo)} – {pct(hi)}]"


def verdict_text(test: F.SignificanceTest) -> str:
    if test.verdict == "significant":
        chance = t("funnel.chance_tiny") if test.p_value < 0.001 else pct(test.p_value)
        return t("funnel.verdict.significant", p=f"{test.p_value:.2g}", chance=chance)
    if test.verdict == "not_significant":
        if test.more_needed is None:
            return t("funnel.verdict.no_difference", p=f"{test.p_value:.2g}")
        return t("funnel.verdict.not_significant", p=f"{test.p_value:.2g}", n=f"{test.more_needed:,}")
    return t("funnel.verdict.too_few")


s: F.FunnelSummary = cached(F.summary, f)
tot = s.total
if tot.created == 0 and s.pipeline_value == 0:
    empty_state()
    st.stop()

win_note = t("funnel.interval", lo=pct(tot.win_rate_low), hi=pct(tot.win_rate_high)) if tot.win_rate is not None \
    else t("funnel.no_closed")
kpi_row([
    KpiCard("funnel_created", tot.created),
    KpiCard("funnel_win_rate", tot.win_rate, note=win_note),
    KpiCard("funnel_won", tot.won),
    KpiCard("funnel_lost", tot.lost),
    KpiCard("funnel_open", tot.open),
    KpiCard("funnel_avg_deal_size", tot.avg_deal_size),
    KpiCard("funnel_cycle_days", tot.median_cycle_days),
    KpiCard("funnel_weighted_pipeline", s.weighted_pipeline,
            note=t("funnel.of_open", value=format_value("pipeline_value", s.pipeline_value))),
])
definitions(["funnel_created", "funnel_reached", "funnel_conversion_previous", "funnel_conversion_first",
             "funnel_drop_off", "funnel_win_rate", "funnel_won", "funnel_lost", "funnel_open", "funnel_won_value",
             "funnel_avg_deal_size", "funnel_cycle_days", "funnel_stage_median_days", "funnel_stage_p90_days",
             "funnel_stale_deals", "funnel_cohort_conversion", "funnel_lost_share", "pipeline_value",
             "funnel_weighted_pipeline", "funnel_crm_weighted_pipeline", "funnel_stage_win_probability",
             "funnel_crm_probability", "funnel_model_probability", "funnel_model_auc", "funnel_expected_value",
             "funnel_whatif_won", "funnel_pipeline_needed", "funnel_coverage", "funnel_waterfall", "funnel_p_value"])
st.caption(t("funnel.as_of", date=s.as_of.isoformat()))

tabs = st.tabs([t(f"funnel.tab.{k}") for k in
                ("funnel", "compare", "velocity", "cohorts", "pipeline", "waterfall", "probability", "whatif")])

# ---------------------------------------------------------------------------------------------------- funnel
with tabs[0], guarded():
    measure = st.segmented_control(t("funnel.measure"), F.MEASURES, key="funnel.measure", default="count",
                                   required=True, format_func=lambda m: t(f"funnel.measure.{m}")) or "count"
    fun = cached(F.stage_funnel, f, measure=measure)
    vf = ",.0f"
    fig = fc.funnel(fun, labels=[stage_name(x) for x in fun["stage"]], title=t("funnel.chart.funnel"),
                    hover=t("funnel.hover"), text=t("funnel.bar_text"), value_format=vf)
    event = st.plotly_chart(fig, key="funnel.chart", on_select="rerun", selection_mode="points",
                            width="stretch", config={"displaylogo": False})
    clicked = None
    try:
        points = event.selection.points if event is not None else []
        if points:
            idx = points[0].get("point_index", points[0].get("point_number"))
            clicked = STAGES[int(idx)] if idx is not None else None
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        clicked = None
    if clicked is not None:
        st.session_state["funnel.stage"] = clicked
    shown = pd.DataFrame({
        t("funnel.col.stage"): [stage_name(x) for x in fun["stage"]],
        metric("funnel_reached").label: [format_value("count" if measure == "count" else "currency", v)
                                         for v in fun["amount"]],
        metric("funnel_conversion_previous").label: [interval(*r) for r in zip(
            fun["conversion_from_previous"], fun["conversion_from_previous_low"], fun["conversion_from_previous_high"])],
        metric("funnel_conversion_first").label: [interval(*r) for r in zip(
            fun["conversion_from_first"], fun["conversion_from_first_low"], fun["conversion_from_first_high"])],
        metric("funnel_drop_off").label: [format_value("count" if measure == "count" else "currency", v)
                                          for v in fun["drop_off"]],
    })
    table(shown, key="funnel.stage_table")
    st.subheader(t("funnel.deals_header"))
    st.caption(t("funnel.click_hint"))
    c1, c2 = st.columns([2, 1])
    with c1:
        stage = st.selectbox(t("funnel.col.stage"), STAGES, key="funnel.stage", format_func=stage_name)
    with c2:
        stopped = st.toggle(t("funnel.only_stopped"), key="funnel.only_stopped")
    deals = cached(F.stage_deals, f, stage=stage, only_stopped=stopped)
    if deals.empty:
        empty_state()
    else:
        if len(deals) >= F.MAX_DEALS:
            st.caption(t("funnel.cut", n=F.MAX_DEALS))
        table(deal_view(deals), key="funnel.deals")
        downloads(deals, name=f"deals_{stage}", key="funnel.deals_download")

# ---------------------------------------------------------------------------------------------------- compare
with tabs[1], guarded():
    c1, c2 = st.columns(2)
    with c1:
        by = st.selectbox(t("funnel.by"), F.DIMENSIONS, key="funnel.by", format_func=lambda d: t(f"funnel.dim.{d}"))
    rates = ("win_rate", "overall") + tuple(f"to_{x}" for x in STAGES[1:])
    with c2:
        rate = st.selectbox(t("funnel.rate"), rates, key="funnel.rate",
                            format_func=lambda r: t(f"funnel.rate.{r}") if not r.startswith("to_")
                            else t("funnel.rate.to", stage=stage_name(r[3:])))
    comp: F.GroupComparison = cached(F.compare_groups, f, by=by, rate=rate)
    if comp.table.empty:
        empty_state()
    else:
        names = {r.group: group_label(by, r.group, r.group_name) for r in comp.table.itertuples()}
        st.markdown(f"**{t('funnel.overall_test', n=comp.groups_tested)}** {verdict_text(comp.overall)}")
        tab = comp.table
        total_s, total_n = tab["successes"].sum(), tab["trials"].sum()
        chart_df = tab[tab["trials"] > 0].head(20)
        st.plotly_chart(fc.rate_comparison(
            chart_df, labels=[names[g] for g in chart_df["group"]], title=t("funnel.chart.rates"),
            x_title=t(f"funnel.rate.{rate}") if not rate.startswith("to_") else t("funnel.rate.to", stage=stage_name(rate[3:])),
            overall=total_s / total_n if total_n else None, overall_name=t("funnel.all_groups"),
        ), key="funnel.rates_chart", width="stretch")
        view = pd.DataFrame({
            t("funnel.col.group"): [names[g] for g in tab["group"]],
            t("funnel.col.trials"): tab["trials"], t("funnel.col.successes"): tab["successes"],
            t("funnel.col.rate"): [interval(*r) for r in zip(tab["rate"], tab["rate_low"], tab["rate_high"])],
            t("funnel.col.lift"): [format_value("multiple", v if v == v else None) for v in tab["lift"]],
            t("funnel.col.vs_rest"): [verdict_text(F.SignificanceTest(r.verdict, r.p_value, None,
                                                                      None if r.more_needed != r.more_needed
                                                                      else r.more_needed))
                                      for r in tab.itertuples()],
        })
        table(view, key="funnel.compare_table")
        downloads(tab, name=f"conversion_by_{by}", key="funnel.compare_download")

        st.subheader(t("funnel.side_by_side"))
        options = list(tab["group"])
        default = options[: min(3, len(options))]
        picked = st.multiselect(t("funnel.groups"), options, default=default, key=f"funnel.groups.{by}",
                                placeholder=t("common.choose"),
                                format_func=lambda g: names.get(g, str(g)), max_selections=6)
        if picked:
            split = cached(F.stage_funnel, f, by=by)
            split = split[split["group"].isin(picked)]
            st.plotly_chart(fc.funnels_side_by_side(
                split, stage_labels={x: stage_name(x) for x in STAGES}, group_labels=names,
                title=t("funnel.chart.side_by_side"), y_title=metric("funnel_reached").label,
            ), key="funnel.side_chart", width="stretch")
        if len(options) >= 2:
            a1, a2 = st.columns(2)
            with a1:
                ga = st.selectbox(t("funnel.group_a"), options, index=0, key=f"funnel.a.{by}",
                                  format_func=lambda g: names.get(g, str(g)))
            with a2:
                gb = st.selectbox(t("funnel.group_b"), options, index=1, key=f"funnel.b.{by}",
                                  format_func=lambda g: names.get(g, str(g)))
            ra = tab[tab["group"] == ga].iloc[0]
            rb = tab[tab["group"] == gb].iloc[0]
            if ga != gb:
                test = F.test_two_proportions(int(ra.successes), int(ra.trials), int(rb.successes), int(rb.trials))
                st.markdown(t("funnel.pair", a=names[ga], b=names[gb], ra=pct(ra.rate), rb=pct(rb.rate))
                            + " " + verdict_text(test))

# ---------------------------------------------------------------------------------------------------- velocity
with tabs[2], guarded():
    vel: F.Velocity = cached(F.velocity, f)
    kpi_row([KpiCard("funnel_cycle_days", vel.cycle_median_days,
                     note=t("funnel.p90_note", days=format_value("days", vel.cycle_p90_days))),
             KpiCard("funnel_won", vel.won_deals)], per_row=4)
    if not vel.enough:
        not_enough(t("funnel.need_history"))
    else:
        stg = vel.stages
        st.plotly_chart(fc.stage_days(stg, labels=[stage_name(x) for x in stg["stage"]],
                                      title=t("funnel.chart.stage_days"),
                                      median_name=metric("funnel_stage_median_days").label,
                                      p90_name=metric("funnel_stage_p90_days").label, y_title=t("funnel.days")),
                        key="funnel.stage_days", width="stretch")
    trend = cached(F.cycle_trend, f)
    if not trend.empty:
        st.plotly_chart(charts.time_series(trend, x="month", series=[
            ("median_days", metric("funnel_cycle_days").label), ("p90_days", t("funnel.p90"))],
            dashed=("p90_days",), title=t("funnel.chart.cycle_trend"), y_title=t("funnel.days")),
            key="funnel.cycle_trend", width="stretch")
    if vel.enough:
        stale = cached(F.stale_deals, f)
        st.subheader(t("funnel.stale_header", n=len(stale)))
        st.caption(t("funnel.stale_hint"))
        if stale.empty:
            st.info(t("funnel.no_stale"))
        else:
            table(deal_view(stale), key="funnel.stale")
            downloads(stale, name="stale_deals", key="funnel.stale_download")
    slipping = cached(F.slipping_deals, f)
    st.subheader(t("funnel.slipping_header", n=len(slipping)))
    st.caption(t("funnel.slipping_hint"))
    if not slipping.empty:
        table(deal_view(slipping), key="funnel.slipping")
        downloads(slipping, name="slipping_deals", key="funnel.slipping_download")

# ---------------------------------------------------------------------------------------------------- cohorts
with tabs[3], guarded():
    target_stage = st.selectbox(t("funnel.cohort_stage"), STAGES[1:], index=len(STAGES) - 2,
                                key="funnel.cohort_stage", format_func=stage_name)
    coh = cached(F.cohort_conversion, f, stage=target_stage)
    if coh.empty:
        empty_state()
    else:
        coh = coh.assign(cohort_label=coh["cohort"].dt.strftime("%Y-%m"))
        st.plotly_chart(fc.heatmap(coh, x="months_since", y="cohort_label", z="rate",
                                   title=t("funnel.chart.cohorts", stage=stage_name(target_stage)),
                                   x_title=t("funnel.months_since"), y_title=t("funnel.cohort")),
                        key="funnel.cohorts", width="stretch")
        st.caption(t("funnel.cohort_hint"))
        downloads(coh.drop(columns="cohort_label"), name="cohorts", key="funnel.cohort_download")

# ---------------------------------------------------------------------------------------------------- pipeline
with tabs[4], guarded():
    left, right = st.columns(2)
    with left:
        lr = cached(F.lost_reasons, f)
        if lr.empty:
            st.info(t("funnel.no_lost"))
        else:
            lr = lr.head(15)
            st.plotly_chart(fc.pareto(lr, labels=[label("lost_reason", x) for x in lr["lost_reason"]], y="deals",
                                      title=t("funnel.chart.lost"), y_title=metric("funnel_lost").label,
                                      line_name=t("funnel.cumulative")), key="funnel.lost", width="stretch")
    with right:
        pipe = cached(F.pipeline_by_stage, f)
        long = pd.concat([
            pipe.assign(kind=k, amount=pipe[col]) for k, col in
            (("value", "value"), ("weighted", "weighted_value"), ("crm", "crm_weighted_value"))])
        fig = charts.bar(pipe.assign(label=[stage_name(x) for x in pipe["stage"]]), x="label", y="value",
                         title=t("funnel.chart.pipeline_stage"), y_title=metric("pipeline_value").label,
                         secondary=("weighted_value", metric("funnel_weighted_pipeline").label),
                         secondary_format=",.0f")
        st.plotly_chart(fig, key="funnel.pipeline_stage", width="stretch")
    by_month = cached(F.pipeline_by_close_month, f)
    if not by_month.empty:
        bm = by_month.assign(month=by_month["month"].dt.strftime("%Y-%m").fillna(t("funnel.no_close_date")))
        st.plotly_chart(fc.stacked_bars(bm, x="month", y="value", color="stage",
                                        color_labels={x: stage_name(x) for x in OPEN_STAGES},
                                        order=OPEN_STAGES, title=t("funnel.chart.close_month"),
                                        y_title=metric("pipeline_value").label, x_title=t("funnel.close_month")),
                        key="funnel.close_month", width="stretch")
    view = pd.DataFrame({
        t("funnel.col.stage"): [stage_name(x) for x in pipe["stage"]],
        t("funnel.col.deals"): pipe["deals"],
        metric("pipeline_value").label: [format_value("pipeline_value", v) for v in pipe["value"]],
        metric("funnel_stage_win_probability").label: [pct(v) for v in pipe["win_probability"]],
        metric("funnel_weighted_pipeline").label: [format_value("currency", v) for v in pipe["weighted_value"]],
        metric("funnel_crm_weighted_pipeline").label: [format_value("currency", v) for v in pipe["crm_weighted_value"]],
    })
    table(view, key="funnel.pipeline_table")
    wl_by = st.selectbox(t("funnel.by"), F.DIMENSIONS, key="funnel.winloss_by",
                         format_func=lambda d: t(f"funnel.dim.{d}"))
    wl = cached(F.win_loss_by, f, by=wl_by)
    wl_view = pd.DataFrame({
        t("funnel.col.group"): [group_label(wl_by, g, n) for g, n in zip(wl["group"], wl["group_name"])],
        metric("funnel_won").label: wl["won"], metric("funnel_lost").label: wl["lost"],
        metric("funnel_win_rate").label: [interval(*r) for r in zip(wl["win_rate"], wl["win_rate_low"], wl["win_rate_high"])],
        metric("funnel_avg_deal_size").label: [format_value("currency", v if v == v else None) for v in wl["avg_deal_size"]],
        metric("funnel_cycle_days").label: [format_value("days", v if v == v else None) for v in wl["median_cycle_days"]],
    })
    table(wl_view, key="funnel.winloss_table")
    downloads(wl, name=f"win_loss_by_{wl_by}", key="funnel.winloss_download")

# ---------------------------------------------------------------------------------------------------- waterfall
with tabs[5], guarded():
    snaps = cached(F.snapshot_dates, f)
    q0, q1 = F.quarter_of(s.as_of)
    modes = ("dates", "snapshots") if len(snaps) >= 2 else ("dates",)
    mode = st.segmented_control(t("funnel.waterfall_mode"), modes, key="funnel.wf_mode", default="dates",
                                required=True, format_func=lambda m: t(f"funnel.wf_mode.{m}")) or "dates"
    c1, c2, c3 = st.columns(3)
    if mode == "snapshots":
        with c1:
            d0 = st.selectbox(t("funnel.wf_from"), snaps, index=max(len(snaps) - 2, 0), key="funnel.wf_snap0")
        with c2:
            d1 = st.selectbox(t("funnel.wf_to"), snaps, index=len(snaps) - 1, key="funnel.wf_snap1")
    else:
        lo = ctx.data_start or q0
        with c1:
            d0 = st.date_input(t("funnel.wf_from"), value=max(q0, lo), key="funnel.wf_d0",
                               format="YYYY-MM-DD")
        with c2:
            d1 = st.date_input(t("funnel.wf_to"), value=s.as_of, key="funnel.wf_d1", format="YYYY-MM-DD")
    with c3:
        horizon = st.date_input(t("funnel.wf_close_by"), value=q1, key="funnel.wf_close_by", format="YYYY-MM-DD")
    all_open = st.toggle(t("funnel.wf_all_open"), key="funnel.wf_all_open")
    wf: F.WaterfallResult = cached(F.pipeline_waterfall, f, start_date=d0, end_date=d1,
                                   close_by=None if all_open else horizon)
    if wf.source == "reconstructed":
        st.caption(t("funnel.wf_reconstructed"))
    steps = wf.steps
    st.plotly_chart(fc.waterfall(steps, labels=[t(f"funnel.wf.{x}") for x in steps["step"]],
                                 title=t("funnel.chart.waterfall", start=wf.start_date, end=wf.end_date),
                                 y_title=metric("funnel_waterfall").label), key="funnel.waterfall", width="stretch")
    table(pd.DataFrame({t("funnel.col.step"): [t(f"funnel.wf.{x}") for x in steps["step"]],
                        metric("funnel_waterfall").label: [format_value("currency", v) for v in steps["value"]],
                        t("funnel.col.deals"): steps["deals"]}), key="funnel.wf_table")

# ---------------------------------------------------------------------------------------------------- probability
with tabs[6], guarded():
    method = st.segmented_control(t("funnel.method"), W.METHODS, key="funnel.method", default="logistic",
                                  required=True, format_func=lambda m: t(f"funnel.method.{m}")) or "logistic"
    res: W.WinProbabilityResult = cached(W.evaluate, f, method=method)
    stg = res.stages
    st.plotly_chart(charts.bar(stg.assign(label=[stage_name(x) for x in stg["stage"]]), x="label", y="rate",
                               title=t("funnel.chart.history_vs_crm"),
                               y_title=metric("funnel_stage_win_probability").label, text_format=".0%",
                               secondary=("crm_probability", metric("funnel_crm_probability").label),
                               secondary_format=".0%"), key="funnel.history_vs_crm", width="stretch")
    if not res.enough:
        not_enough(t(f"funnel.model_reason.{res.reason}", n=W.MIN_CLOSED))
    else:
        cards = [KpiCard("funnel_model_auc", res.auc, note=t("funnel.auc_note", train=res.n_train,
                                                             test=res.n_holdout, cutoff=res.cutoff))]
        if res.auc_crm is not None:
            cards.append(KpiCard("funnel_model_auc", res.auc_crm, note=t("funnel.auc_crm_note")))
        else:
            st.caption(t("funnel.crm_not_scored"))
        kpi_row(cards, per_row=4)
        st.plotly_chart(fc.calibration(res.calibration, names={"model": t("funnel.model"), "crm": t("funnel.crm")},
                                       title=t("funnel.chart.calibration"), x_title=t("funnel.predicted"),
                                       y_title=t("funnel.observed"), ideal_name=t("funnel.ideal")),
                        key="funnel.calibration", width="stretch")
        scored = cached(W.score_open_deals, f, method=method)
        st.subheader(t("funnel.scored_header", n=len(scored)))
        cols = ["rank", "opportunity_id", "customer", "rep", "channel", "stage", "amount", "days_in_stage",
                "crm_probability", "stage_probability", "model_probability", "expected_value"]
        table(deal_view(scored[cols]), key="funnel.scored",
              column_config={t(f"funnel.col.{c}"): st.column_config.ProgressColumn(
                  t(f"funnel.col.{c}"), min_value=0.0, max_value=1.0, format="percent")
                  for c in ("crm_probability", "stage_probability", "model_probability")})
        downloads(scored, name="scored_open_deals", key="funnel.scored_download")

# ---------------------------------------------------------------------------------------------------- what-if
with tabs[7], guarded():
    base: F.WhatIfBase = cached(F.what_if_base, f)
    st.caption(t("funnel.whatif_hint", start=base.quarter_start, end=base.quarter_end, as_of=base.as_of))
    if not base.enough:
        not_enough(t("funnel.whatif_need"))
    else:
        cols = st.columns(len(OPEN_STAGES) + 1)
        changes = []
        for i, col in enumerate(cols[:-1]):
            with col:
                changes.append(st.slider(
                    t("funnel.slider_conversion", a=stage_name(STAGES[i]), b=stage_name(STAGES[i + 1]),
                      now=pct(base.conversion[i])),
                    -50, 50, 0, step=5, format="%d%%", key=f"funnel.whatif.conv{i}") / 100)
        with cols[-1]:
            factor = st.slider(t("funnel.slider_cycle"), 50, 200, 100, step=10, format="%d%%",
                               key="funnel.whatif.cycle") / 100
        r = F.what_if(base, conversion_change=tuple(changes), cycle_factor=factor)
        kpi_row([KpiCard("funnel_whatif_won", r.baseline, note=t("funnel.baseline")),
                 KpiCard("funnel_whatif_won", r.scenario, note=t("funnel.scenario_change",
                                                                 change=format_value("currency", r.change)))],
                per_row=4)
        st.plotly_chart(fc.scenario_bars([t("funnel.won_so_far"), t("funnel.baseline"), t("funnel.scenario")],
                                         [r.won_so_far, r.baseline, r.scenario], title=t("funnel.chart.whatif"),
                                         y_title=metric("funnel_whatif_won").label),
                        key="funnel.whatif_chart", width="stretch")
    st.subheader(t("funnel.coverage_header"))
    cov_by = st.segmented_control(t("funnel.coverage_by"), ("rep", "team"), key="funnel.coverage_by", default="rep",
                                  required=True, format_func=lambda d: t(f"funnel.dim.{d}")) or "rep"
    cov = cached(F.coverage_plan, f, by=cov_by)
    if cov.empty:
        not_enough(t("funnel.coverage_need"))
    else:
        money = lambda v: format_value("currency", v if v == v else None)  # noqa: E731
        view = pd.DataFrame({
            t(f"funnel.dim.{cov_by}"): [group_label(cov_by, g, n) for g, n in zip(cov["group"], cov["group_name"])],
            t("funnel.col.target"): [money(v) for v in cov["target"]],
            t("funnel.col.closed"): [money(v) for v in cov["closed"]],
            t("funnel.col.win_rate"): [pct(v) for v in cov["win_rate"]],
            metric("funnel_pipeline_needed").label: [money(v) for v in cov["pipeline_needed"]],
            metric("pipeline_value").label: [money(v) for v in cov["open_pipeline"]],
            metric("funnel_coverage").label: [format_value("multiple", v if v == v else None) for v in cov["coverage"]],
            t("funnel.col.shortfall"): [money(v) for v in cov["shortfall"]],
        })
        table(view, key="funnel.coverage_table")
        downloads(cov, name=f"coverage_by_{cov_by}", key="funnel.coverage_download")
