"""Market research (市场调研): demand by group, target groups, price sensitivity, market share, preferences.
Thin: read the Filters, call salesdash, render."""

import streamlit as st

from salesdash.analysis import market
from salesdash.charts import market as mcharts
from salesdash.i18n import label, t
from salesdash.metrics import format_value, metric
from salesdash.ui import (KpiCard, cached, chart, definitions, downloads, empty_state, guarded, kpi_row, not_enough,
                          page_start, pick, table)

ctx = page_start("market.title")
f = ctx.filters
window = t("common.window", start=f.start, end=f.end) if f.start else t("common.all_dates")
st.caption(t("market.caption", window=window))

_KINDS = {"region": "region", "category": "category", "gender": "gender", "income_band": "income_band",
          "occupation": "occupation"}


def group_label(dim: str, code) -> str:
    """A group code as a person reads it (age bands are already words)."""
    return str(code) if dim == "age_band" else label(_KINDS[dim], code)


def dim_label(dim: str) -> str:
    return t(f"market.dim.{dim}")


def test_line(res: market.GroupTest) -> None:
    """The chi-square verdict in words, or what the test needs."""
    if not res.enough:
        not_enough(t("market.test_needs", min=market.MIN_RESPONDENTS))
        return
    verdict = t("market.test_differs") if res.differs else t("market.test_same")
    st.markdown(t("market.test_result", verdict=verdict, p=f"{res.p_value:.3g}", v=f"{res.cramers_v:.2f}",
                  chi=f"{res.statistic:.1f}", dof=res.dof, n=res.n, groups=res.groups))
    if res.left_out:
        st.caption(t("market.test_left_out", n=res.left_out, min=market.MIN_RESPONDENTS))


s: market.MarketSummary = cached(market.summary, f)
if s.respondents == 0 and s.market_size is None:
    empty_state()
    st.stop()

comp_note = t("market.top_competitor_note", name=label("competitor", s.top_competitor)) if s.top_competitor else None
kpi_row([
    KpiCard("survey_respondents", s.respondents),
    KpiCard("interest_rate", s.interest_rate),
    KpiCard("intent_rate", s.intent_rate),
    KpiCard("market_size", s.market_size),
    KpiCard("our_market_revenue", s.our_revenue),
    KpiCard("our_share", s.market_share),
    KpiCard("top_competitor_share", s.top_competitor_share, note=comp_note),
])
definitions(["survey_respondents", "interest_rate", "intent_rate", "mean_interest", "group_difference_p",
             "cramers_v", "target_score", "size_share", "spending_index", "optimal_price", "indifference_price",
             "acceptable_low", "acceptable_high", "market_size", "our_market_revenue", "our_share",
             "top_competitor_share", "competitor_price", "our_price", "price_gap", "preference_share"])

tab_demand, tab_price, tab_share, tab_pref = st.tabs(
    [t("market.tab.demand"), t("market.tab.price"), t("market.tab.share"), t("market.tab.preferences")])

# ----- demand by group and the target-group finder -------------------------------------------------------
with tab_demand:
    if s.respondents == 0:
        not_enough(t("market.no_survey"))
    else:
        if s.top_group:
            st.success(t("market.top_group", dim=dim_label(s.top_group["by"]),
                         group=group_label(s.top_group["by"], s.top_group["group"]),
                         rate=format_value("interest_rate", s.top_group["interest_rate"]),
                         n=s.top_group["respondents"]))
        c1, c2 = st.columns(2)
        by = pick(c1.selectbox, t("market.by"), market.GROUP_DIMENSIONS, "market.by", "age_band",
                  format_func=dim_label)
        question = pick(c2.radio, t("market.question"), ("interest", "purchase_intent"), "market.question",
                        "interest", horizontal=True, format_func=lambda q: t(f"market.question.{q}"))
        with guarded():
            demand = cached(market.demand_by_group, f, by=by)
            if demand.empty:
                empty_state()
            else:
                demand["label"] = [group_label(by, g) for g in demand["group"]]
                value = "interest_rate" if question == "interest" else "intent_rate"
                chart(mcharts.demand_bars(
                    demand, label="label", value=value, too_few=t("market.too_few"),
                    title=t("market.demand_chart", question=t(f"market.question.{question}"), dim=dim_label(by)),
                    x_title=metric(value).label), key="market.demand_chart")
                test_line(cached(market.group_difference, f, by=by, question=question))
                shown = demand.assign(
                    interest_rate=[format_value("interest_rate", v) for v in demand["interest_rate"]],
                    intent_rate=[format_value("intent_rate", v) for v in demand["intent_rate"]],
                    mean_interest=[format_value("mean_interest", v) for v in demand["mean_interest"]],
                    rank=[str(r) if ok else t("market.too_few") for r, ok in zip(demand["rank"], demand["enough"])],
                )[["label", "respondents", "mean_interest", "interest_rate", "intent_rate", "rank"]].rename(columns={
                    "label": dim_label(by), "respondents": metric("survey_respondents").label,
                    "mean_interest": metric("mean_interest").label, "interest_rate": metric("interest_rate").label,
                    "intent_rate": metric("intent_rate").label, "rank": t("market.rank")})
                table(shown, key="market.demand_table")

        st.subheader(t("market.targets"))
        st.caption(t("market.targets_hint"))
        c1, c2 = st.columns(2)
        dims = pick(c1.multiselect, t("market.target_dims"), [d for d in market.GROUP_DIMENSIONS if d != "category"],
                    "market.target_dims", ["age_band", "occupation"], format_func=dim_label, max_selections=3)
        # "all" rather than None: a selectbox holding None shows its placeholder instead of the option
        cats = ["all"] + sorted({c for c in s.prices["category"]}) if not s.prices.empty else ["all"]
        category = pick(c2.selectbox, t("market.category"), cats, "market.target_category", "all",
                        format_func=lambda c: t("common.all") if c == "all" else label("category", c))
        category = None if category == "all" else category
        with guarded():
            if not dims:
                st.info(t("market.pick_dims"))
            else:
                targets = cached(market.target_groups, f, dims=tuple(dims), category=category)
                ranked = targets[targets["enough"]].head(12).copy()
                if ranked.empty:
                    not_enough(t("market.targets_need", min=market.MIN_RESPONDENTS))
                else:
                    def describe(row) -> str:
                        who = " · ".join(group_label(d, row[d]) for d in dims)
                        return t("market.group_for", group=who, category=label("category", row["category"]))

                    ranked["label"] = [describe(r) for _, r in ranked.iterrows()]
                    st.success(t("market.best_target", group=ranked["label"].iloc[0]))
                    chart(mcharts.target_bars(ranked, label="label", title=t("market.targets_chart"),
                                              x_title=metric("target_score").label), key="market.targets_chart")
                    few = int((~targets["enough"]).sum())
                    if few:
                        st.caption(t("market.targets_too_few", n=few, min=market.MIN_RESPONDENTS))
                    out = targets.copy()
                    out["rank"] = [str(r) if ok else t("market.too_few") for r, ok in zip(out["rank"], out["enough"])]
                    with st.expander(t("market.targets_table")):
                        shown = out.assign(
                            category=[label("category", c) for c in out["category"]],
                            **{d: [group_label(d, v) for v in out[d]] for d in dims},
                            interest_rate=[format_value("interest_rate", v) for v in out["interest_rate"]],
                            size_share=[format_value("size_share", v) for v in out["size_share"]],
                            spending_index=[format_value("spending_index", v) for v in out["spending_index"]],
                            score=[f"{v:.3f}" for v in out["score"]],
                        )[["rank", "category", *dims, "respondents", "interest_rate", "size_share", "spending_index",
                           "score"]].rename(columns={
                            "rank": t("market.rank"), "category": t("market.dim.category"),
                            **{d: dim_label(d) for d in dims},
                            "respondents": metric("survey_respondents").label,
                            "interest_rate": metric("interest_rate").label, "size_share": metric("size_share").label,
                            "spending_index": metric("spending_index").label, "score": metric("target_score").label})
                        table(shown, key="market.targets_table")
                        downloads(targets, name="target_groups", key="market.targets_download")

# ----- price sensitivity ---------------------------------------------------------------------------------
with tab_price:
    if s.prices.empty:
        not_enough(t("market.no_survey"))
    else:
        cats = sorted(s.prices["category"].unique())
        c1, c2, c3 = st.columns(3)
        category = pick(c1.selectbox, t("market.category"), cats, "market.price_category", cats[0],
                        format_func=lambda c: label("category", c))
        seg_by = pick(c2.selectbox, t("market.segment_by"),
                      ["all"] + [d for d in market.GROUP_DIMENSIONS if d != "category"], "market.price_by", "all",
                      format_func=lambda d: t("common.all") if d == "all" else dim_label(d))
        seg_by = None if seg_by == "all" else seg_by
        group = None
        if seg_by is not None:
            options = cached(market.demand_by_group, f, by=seg_by, min_respondents=1)["group"].tolist()
            group = pick(c3.selectbox, dim_label(seg_by), options, "market.price_group",
                         options[0] if options else None, format_func=lambda g: group_label(seg_by, g))
        with guarded():
            vw = cached(market.price_sensitivity, f, category=category, by=seg_by if group is not None else None,
                        group=group)
            if not vw.enough:
                not_enough(t("market.vw_needs", n=vw.n, min=market.MIN_RESPONDENTS))
            else:
                kpi_row([KpiCard("optimal_price", vw.opp), KpiCard("indifference_price", vw.ipp),
                         KpiCard("acceptable_low", vw.pmc), KpiCard("acceptable_high", vw.pme)])
                names = {q: t(f"market.vw.{q}") for q in ("too_cheap", "cheap", "expensive", "too_expensive",
                                                          "not_cheap", "not_expensive")}
                chart(mcharts.van_westendorp(
                    vw.curves, names=names, acceptable=vw.acceptable_range,
                    points={"PMC": vw.pmc, "OPP": vw.opp, "IPP": vw.ipp, "PME": vw.pme},
                    title=t("market.vw_chart", category=label("category", category)),
                    x_title=t("market.price"), y_title=t("market.share_of_respondents"),
                    range_name=t("market.acceptable_range")), key="market.vw_chart")
                st.caption(t("market.vw_note", n=vw.n, dropped=vw.dropped))
        with st.expander(t("market.price_points_table")), guarded():
            pts = s.prices
            shown = pts.assign(
                category=[label("category", c) for c in pts["category"]],
                **{k: [format_value("optimal_price", v) if ok else t("market.too_few") for v, ok in
                       zip(pts[k], pts["enough"])] for k in ("pmc", "opp", "ipp", "pme")},
            )[["category", "respondents", "pmc", "opp", "ipp", "pme"]].rename(columns={
                "category": t("market.dim.category"), "respondents": metric("survey_respondents").label,
                "pmc": metric("acceptable_low").label, "opp": metric("optimal_price").label,
                "ipp": metric("indifference_price").label, "pme": metric("acceptable_high").label})
            table(shown, key="market.price_points_table")
            downloads(pts, name="price_points", key="market.price_points_download")

# ----- market size and share -----------------------------------------------------------------------------
with tab_share:
    share_by = pick(st.radio, t("market.share_by"), ("region", "category"), "market.share_by", "region",
                    horizontal=True, format_func=dim_label)
    with guarded():
        by_key = cached(market.share_by, f, by=share_by)
        if by_key.empty:
            not_enough(t("market.no_market"))
        else:
            by_key["label"] = [label(share_by, k) for k in by_key["key"]]
            chart(mcharts.share_bars(by_key, label="label", title=t("market.share_chart", dim=dim_label(share_by)),
                                     names={"our_share": t("market.us"),
                                            "competitor_share": t("market.competitors"),
                                            "other_share": t("market.others")}), key="market.share_chart")
            trend = cached(market.share_trend, f)
            names = {p: (t("market.us") if p == "us" else label("competitor", p)) for p in trend["player"].unique()}
            chart(mcharts.share_lines(trend, names=names, title=t("market.share_trend"),
                                      y_title=metric("our_share").label), key="market.share_trend")
            with st.expander(t("market.share_table")):
                shown = by_key.assign(**{c: [format_value("our_share", v) for v in by_key[c]] for c in
                                         ("our_share", "competitor_share", "top_competitor_share")},
                                      market_size=[format_value("market_size", v) for v in by_key["market_size"]],
                                      our_revenue=[format_value("market_size", v) for v in by_key["our_revenue"]],
                                      top_competitor=[label("competitor", v) for v in by_key["top_competitor"]],
                                      )[["label", "market_size", "our_revenue", "our_share", "competitor_share",
                                         "top_competitor", "top_competitor_share"]].rename(columns={
                    "label": dim_label(share_by), "market_size": metric("market_size").label,
                    "our_revenue": metric("our_market_revenue").label, "our_share": metric("our_share").label,
                    "competitor_share": t("market.competitors"), "top_competitor": t("market.top_competitor"),
                    "top_competitor_share": metric("top_competitor_share").label})
                table(shown, key="market.share_table")
                downloads(by_key.drop(columns=["label"]), name=f"market_share_by_{share_by}",
                          key="market.share_download")
    with guarded():
        prices = cached(market.competitor_prices, f)
        if not prices.empty:
            prices["label"] = [label("category", c) for c in prices["category"]]
            prices["competitor"] = [label("competitor", c) for c in prices["competitor"]]
            chart(mcharts.price_bars(prices, label="label", ours=t("market.us"), title=t("market.price_chart"),
                                     y_title=t("market.price")), key="market.price_chart")
            with st.expander(t("market.price_table")):
                shown = prices.assign(
                    competitor_price=[format_value("competitor_price", v) for v in prices["competitor_price"]],
                    our_price=[format_value("our_price", v) for v in prices["our_price"]],
                    price_gap=[f"{v:+.0%}" if v == v else "–" for v in prices["price_gap"]],
                )[["label", "competitor", "competitor_price", "our_price", "price_gap"]].rename(columns={
                    "label": t("market.dim.category"), "competitor": t("market.competitor"),
                    "competitor_price": metric("competitor_price").label, "our_price": metric("our_price").label,
                    "price_gap": metric("price_gap").label})
                table(shown, key="market.price_table")

# ----- channels and brands -------------------------------------------------------------------------------
with tab_pref:
    c1, c2 = st.columns(2)
    pq = pick(c1.radio, t("market.pref_question"), market.PREFERENCE_QUESTIONS, "market.pref_question",
              "preferred_channel", horizontal=True, format_func=lambda q: t(f"market.pref.{q}"))
    pby = pick(c2.selectbox, t("market.by"), market.GROUP_DIMENSIONS, "market.pref_by", "age_band",
               format_func=dim_label)
    kind = "channel_type" if pq == "preferred_channel" else "competitor"
    with guarded():
        pref = cached(market.preferences, f, question=pq, by=pby)
        if pref.empty:
            not_enough(t("market.no_survey"))
        else:
            pref["group_label"] = [group_label(pby, g) for g in pref["group"]]
            pref["answer_label"] = [label(kind, a) for a in pref["answer"]]
            chart(mcharts.preference_heatmap(pref, group="group_label", answer="answer_label",
                                             title=t("market.pref_chart", question=t(f"market.pref.{pq}"),
                                                     dim=dim_label(pby))), key="market.pref_chart")
            test_line(cached(market.preference_difference, f, question=pq, by=pby))
            overall = cached(market.preferences, f, question=pq)
            with st.expander(t("market.pref_table")):
                shown = overall.assign(answer=[label(kind, a) for a in overall["answer"]],
                                       share=[format_value("preference_share", v) for v in overall["share"]],
                                       )[["answer", "respondents", "share"]].rename(columns={
                    "answer": t(f"market.pref.{pq}"), "respondents": metric("survey_respondents").label,
                    "share": metric("preference_share").label})
                table(shown, key="market.pref_table")
                downloads(pref.drop(columns=["group_label", "answer_label"]), name=f"survey_{pq}_by_{pby}",
                          key="market.pref_download")
