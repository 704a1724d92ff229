"""Sales team (销售团队的建设与管理): targets, leaderboard, pace, activity, ramp. Thin: read, call, render."""

import pandas as pd
import streamlit as st

from salesdash.analysis import team
from salesdash.charts import team as team_charts
from salesdash.i18n import label, t
from salesdash.metrics import format_value, metric
from salesdash.ui import (KpiCard, cached, chart, definitions, downloads, empty_state, guarded, kpi_row, not_enough,
                          page_start, table)

ctx = page_start("team.title")
f = ctx.filters
window = t("common.window", start=f.start, end=f.end) if f.start else t("common.all_dates")
st.caption(t("team.caption", window=window))

s: team.TeamSummary = cached(team.summary, f)
if not s.reps:
    st.info(t("team.no_reps"))
    empty_state()
    st.stop()

pace_period = st.session_state.get("team.pace_period") or "month"
pace_level = st.session_state.get("team.pace_level") or 0.9
p: team.Pace | None = cached(team.pace, f, period=pace_period, level=pace_level)

spread_note = None
if s.attainment_p25 is not None:
    spread_note = t("team.spread_note", low=format_value("ratio", s.attainment_p25),
                    high=format_value("ratio", s.attainment_p75))
pace_note = None
if p is not None and p.enough and p.target and p.remaining_days == 0:
    pace_note = t("team.pace_done")   # nothing left to project: an interval would be a point
elif p is not None and p.enough and p.target:
    pace_note = t("team.pace_note", low=format_value("ratio", p.low_attainment),
                  high=format_value("ratio", p.high_attainment), level=format_value("ratio", p.level, digits=0))
kpi_row([
    KpiCard("quota_attainment", s.attainment),
    KpiCard("rep_revenue", s.revenue, target=s.target),
    KpiCard("won_revenue", s.won_revenue),
    KpiCard("win_rate", s.win_rate),
    KpiCard("avg_deal_size", s.avg_deal_size),
    KpiCard("on_target_share", s.on_target_share),
    KpiCard("median_attainment", s.median_attainment, note=spread_note),
    KpiCard("pace_attainment", p.projected_attainment if p is not None else None, note=pace_note),
])
definitions(["quota_attainment", "rep_revenue", "revenue_target", "won_revenue", "deals_won", "deals_lost",
             "win_rate", "avg_deal_size", "sales_cycle", "activities", "new_customers", "rep_nps",
             "on_target_share", "median_attainment", "composite_score", "pace_projection", "pace_attainment",
             "activity_correlation", "activity_slope", "busy_deal_lift", "ramp_productivity", "months_to_full"])


def _group_label(by: str, key) -> str:
    if by == "company":
        return t("team.company")
    if by == "team":
        return label("team", key)
    if by == "region":
        return label("region", key)
    return names.get(key, str(key))


reps = cached(team.rep_table, f)
names = dict(zip(reps["rep_id"], [n if isinstance(n, str) else r for r, n in zip(reps["rep_id"], reps["name"])]))
reps["rep_label"] = [names[r] for r in reps["rep_id"]]
reps["team_label"] = [label("team", v) for v in reps["team"]]

targets_tab, board_tab, pace_tab, activity_tab, ramp_tab = st.tabs([
    t("team.tab.targets"), t("team.tab.leaderboard"), t("team.tab.pace"), t("team.tab.activity"),
    t("team.tab.ramp")])

with targets_tab:
    c1, c2 = st.columns(2)
    with c1:
        by = st.segmented_control(t("team.group_by"), ("company", "team", "region", "rep_id"), key="team.by",
                                  default="team", format_func=lambda v: t(f"team.group.{v}")) or "team"
    with c2:
        period = st.segmented_control(t("team.period"), ("month", "quarter", "year"), key="team.period",
                                      default="quarter", format_func=lambda v: t(f"team.period.{v}")) or "quarter"
    with guarded():
        if by == "company":
            groups = pd.DataFrame({"label": [t("team.company")], "revenue": [s.revenue],
                                   "target": [s.target if s.target is not None else float("nan")]})
        elif by == "rep_id":
            groups = reps.assign(label=reps["rep_label"])
        elif by == "team":
            groups = pd.DataFrame({"label": [label("team", g.team) for g in s.teams],
                                   "revenue": [g.revenue for g in s.teams],
                                   "target": [g.target if g.target is not None else float("nan") for g in s.teams]})
        else:
            groups = cached(team.team_table, f, by=by)
            groups["label"] = [_group_label(by, k) for k in groups["key"]]
        chart(team_charts.target_vs_actual(groups, x="label", actual="revenue", target="target",
                                           title=t("team.vs_target"), actual_name=t("common.actual"),
                                           target_name=t("common.target")), key="team.vs_target")
    with guarded():
        over = cached(team.attainment_by_period, f, period=period, by=by)
        if over.empty:
            empty_state()
        else:
            over["label"] = [_group_label(by, k) for k in over["key"]]
            chart(team_charts.attainment_lines(over, x="period", key="label", y="attainment",
                                               title=t("team.over_time"), y_title=metric("quota_attainment").label),
                  key="team.over_time")
    left, right = st.columns(2)
    with left, guarded():
        chart(team_charts.attainment_strip(reps, group="team_label", value="attainment", text="rep_label",
                                           title=t("team.spread"), y_title=metric("quota_attainment").label),
              key="team.spread")
    with right, guarded():
        tree = reps.dropna(subset=["target"]).assign(actual=lambda d: d["revenue"])
        chart(team_charts.target_tree(tree, levels=["team_label", "rep_label"], value="target", color="attainment",
                                      root=t("team.company"), title=t("team.tree"),
                                      hover_value=metric("revenue_target").label,
                                      hover_color=metric("quota_attainment").label), key="team.tree")
    with st.expander(t("team.rep_table")):
        cols = {"rep_label": t("team.col.rep"), "team_label": t("team.col.team"),
                "revenue": metric("rep_revenue").label, "target": metric("revenue_target").label,
                "attainment": metric("quota_attainment").label, "won_revenue": metric("won_revenue").label,
                "won": metric("deals_won").label, "lost": metric("deals_lost").label,
                "win_rate": metric("win_rate").label}
        shown = reps.assign(
            revenue=[format_value("rep_revenue", v) for v in reps["revenue"]],
            target=[format_value("revenue_target", v) for v in reps["target"]],
            attainment=[format_value("quota_attainment", v) for v in reps["attainment"]],
            won_revenue=[format_value("won_revenue", v) for v in reps["won_revenue"]],
            win_rate=[format_value("win_rate", v) for v in reps["win_rate"]],
        )[list(cols)].rename(columns=cols)
        table(shown, key="team.rep_table")
        downloads(reps.drop(columns=["rep_label", "team_label"]), name="reps", key="team.rep_download")

with board_tab:
    st.caption(t("team.weights_hint"))
    defaults = dict(team.DEFAULT_WEIGHTS)
    weights = []
    slider_cols = st.columns(4)
    for i, (comp, _) in enumerate(team.SCORE_COMPONENTS):
        with slider_cols[i % 4]:
            w = st.slider(t(f"team.comp.{comp}"), 0.0, 5.0, float(defaults[comp]), 0.5, key=f"team.w.{comp}")
        weights.append((comp, float(w)))
    with guarded():
        card = team.score_reps(reps.drop(columns=["rep_label", "team_label"]), weights=tuple(weights))
        card["rep_label"] = [names.get(r, r) for r in card["rep_id"]]
        card["team_label"] = [label("team", v) for v in card["team"]]
        scored = card.dropna(subset=["score"])
        if scored.empty:
            empty_state()
        else:
            chart(team_charts.score_bars(scored, x="score", y="rep_label", title=t("team.scores"),
                                         x_title=metric("composite_score").label), key="team.scores")
        comp_metric = {"revenue": "rep_revenue", "attainment": "quota_attainment", "win_rate": "win_rate",
                       "avg_deal_size": "avg_deal_size", "cycle_days": "sales_cycle", "activities": "activities",
                       "new_customers": "new_customers", "nps": "rep_nps"}
        bcols = {"rank": t("team.col.rank"), "rep_label": t("team.col.rep"), "team_label": t("team.col.team"),
                 "score": metric("composite_score").label,
                 **{c: metric(m).label for c, m in comp_metric.items()}}
        shown = card.assign(
            score=[format_value("composite_score", v) for v in card["score"]],
            **{c: [format_value(m, v) for v in card[c]] for c, m in comp_metric.items()},
        )[list(bcols)].rename(columns=bcols)
        st.subheader(t("team.scorecard"))
        table(shown, key="team.scorecard")
        downloads(card.drop(columns=["rep_label", "team_label"]), name="scorecard", key="team.scorecard_download")

with pace_tab:
    c1, c2 = st.columns(2)
    with c1:
        st.segmented_control(t("team.pace_period"), ("month", "quarter", "year"), key="team.pace_period",
                             default="month", format_func=lambda v: t(f"team.period.{v}"))
    with c2:
        st.segmented_control(t("team.pace_level"), (0.8, 0.9, 0.95), key="team.pace_level", default=0.9,
                             format_func=lambda v: format_value("ratio", v, digits=0))
    with guarded():
        if p is None:
            empty_state()
        else:
            st.caption(t("team.pace_caption", as_of=p.as_of.isoformat(), elapsed=p.elapsed_days,
                         remaining=p.remaining_days, target=format_value("revenue_target", p.target)))
            if not p.enough:
                not_enough(t("team.pace_not_enough", n=team.MIN_PACE_DAYS))
            kpi_row([
                KpiCard("rep_revenue", p.actual, target=p.target_to_date),
                KpiCard("pace_projection", p.projected, target=p.target),
                KpiCard("pace_attainment", p.projected_attainment, note=pace_note),
            ], per_row=3)
            chart(team_charts.pace_chart(p.cumulative(), period_end=p.period_end, projected=p.projected, low=p.low,
                                         high=p.high, target=p.target,
                                         title=t("team.pace_chart", end=p.period_end.isoformat()),
                                         actual_name=t("team.so_far"), projected_name=t("team.projected"),
                                         target_name=t("common.target"), band_name=t("team.band")),
                  key="team.pace")

with activity_tab, guarded():
    ao: team.ActivityOutcome = cached(team.activity_outcome, f)
    if not ao.enough:
        not_enough(t("team.activity_not_enough", n=team.MIN_ACTIVITY_REPS))
    kpi_row([
        KpiCard("activity_correlation", ao.correlation),
        KpiCard("activity_slope", ao.slope),
        KpiCard("busy_deal_lift", ao.lift),
    ], per_row=3)
    if not ao.reps.empty:
        act = ao.reps.assign(rep_label=[names.get(r, r) for r in ao.reps["rep_id"]],
                             team_label=[label("team", v) for v in ao.reps["team"]])
        chart(team_charts.activity_scatter(act, x="activities", y="won", text="rep_label", color="team_label",
                                           title=t("team.activity_chart"), x_title=metric("activities").label,
                                           y_title=metric("deals_won").label), key="team.activity")
        st.caption(t("team.busy_hint", median=format_value("number", ao.median_activities, digits=0)))
        acols = {"rep_label": t("team.col.rep"), "team_label": t("team.col.team"),
                 "activities": metric("activities").label, "won": metric("deals_won").label,
                 "win_rate": metric("win_rate").label, "win_rate_busy": t("team.busy"),
                 "win_rate_quiet": t("team.quiet")}
        shown = act.assign(**{c: [format_value("win_rate", v) for v in act[c]]
                              for c in ("win_rate", "win_rate_busy", "win_rate_quiet")})[list(acols)]
        with st.expander(t("team.activity_table")):
            table(shown.rename(columns=acols), key="team.activity_table")

with ramp_tab, guarded():
    r: team.Ramp = cached(team.ramp, f)
    if not r.enough:
        not_enough(t("team.ramp_not_enough", n=team.MIN_NEW_HIRES))
    else:
        st.caption(t("team.ramp_caption", n=r.new_hires))
        kpi_row([
            KpiCard("months_to_full", r.months_to_full,
                    note=None if r.months_to_full is not None else t("team.not_reached")),
            KpiCard("ramp_productivity", float(r.curve["productivity"].iloc[0]) if len(r.curve) else None,
                    note=t("team.first_month")),
        ], per_row=2)
        chart(team_charts.ramp_curve(r.curve, full_share=r.full_share, title=t("team.ramp_chart"),
                                     x_title=t("team.ramp_x"), y_title=metric("ramp_productivity").label,
                                     mean_name=t("team.ramp_mean"), peers_name=t("team.ramp_benchmark"),
                                     full_name=t("team.ramp_full", share=format_value("ratio", r.full_share,
                                                                                     digits=0))),
              key="team.ramp")
