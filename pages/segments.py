"""Segments (客户细分): a segmentation lab for marketers. Thin: read the Filters, call salesdash, render."""

import pandas as pd
import streamlit as st

from salesdash import charts
from salesdash.analysis import clustering, rfm, segments
from salesdash.charts import segments as seg_charts
from salesdash.i18n import label, t
from salesdash.metrics import format_value, metric
from salesdash.ui import (KpiCard, cached, chart, definitions, downloads, empty_state, guarded, kpi_row, not_enough,
                          page_start, pick, table)

ctx = page_start("segments.title")
f = ctx.filters
s: segments.SegmentsSummary = cached(segments.summary, f)
window = t("common.window", start=f.start, end=f.end) if f.start else t("common.all_dates")
st.caption(t("segments.caption", window=window, as_of=s.as_of or "–"))
if s.customers == 0:
    empty_state()
    st.stop()

kpi_row([
    KpiCard("customers", s.customers),
    KpiCard("revenue", s.revenue),
    KpiCard("segment_revenue_per_customer", s.revenue_per_customer),
    KpiCard("segment_recency", s.mean_recency_days),
    KpiCard("segment_orders_per_customer", s.orders_per_customer),
    KpiCard("segment_repeat_share", s.repeat_share),
], per_row=3)
definitions(["customers", "revenue", "segment_revenue_per_customer", "segment_recency",
             "segment_orders_per_customer", "segment_repeat_share", "segment_customers", "segment_revenue",
             "segment_customer_share", "segment_revenue_share", "segment_growth", "segment_rfm_score",
             "segment_aov", "segment_discount_share", "segment_tenure", "segment_silhouette", "segment_inertia",
             "segment_bic", "segment_ari"])


# ----- small helpers (words only; every figure comes from salesdash.analysis) -------------------------------

def rfm_name(code: str) -> str:
    return label("segment", code)


def feature_name(feature: str) -> str:
    if feature.startswith("channel:"):
        return t("segments.feature.channel", name=label("channel_type", feature.split(":", 1)[1]))
    if feature.startswith("category:"):
        return t("segments.feature.category", name=label("category", feature.split(":", 1)[1]))
    return t(f"segments.feature.{feature}")


def code_label(criterion: str, value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return t("segments.unknown")
    value = str(value)
    if criterion in ("age_band", "recency_band", "frequency_band", "discount_sensitivity", "membership", "kind"):
        return t(f"segments.band.{criterion}.{value}")
    if criterion == "monetary_band":
        return t("segments.band.monetary_band", q=value)
    if criterion == "city_tier":
        return t("segments.band.city_tier", tier=value)
    if criterion == "channel_preference":
        return label("channel_type", value)
    if criterion == "category_preference":
        return label("category", value)
    return label(criterion, value)


def money(v) -> str:
    return format_value("revenue", v)


def save_and_export(members: pd.DataFrame, *, default_name: str, key: str, export_name: str) -> None:
    """Export the members (CSV / Excel) and save them as a segmentation for the sidebar filter.

    `members` has customer_id and segment (the name people read), then any columns worth exporting.
    """
    st.subheader(t("segments.save.header"))
    st.caption(t("segments.export", n=f"{len(members):,}"))
    downloads(members, name=export_name, key=f"{key}.download")
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    with c1:
        name = st.text_input(t("segments.save.name"), value=default_name, key=f"{key}.name", max_chars=60)
    with c2:
        clicked = st.button(t("segments.save.button"), key=f"{key}.save", type="primary")
    if clicked:
        try:
            n = segments.save_segmentation(ctx.store, name, members[["customer_id", "segment"]])
        except ValueError as e:
            st.warning(t("segments.save.bad", error=str(e)))
        else:
            st.session_state["segments.saved_message"] = t("segments.save.done", name=name.strip(), n=f"{n:,}")
            st.rerun()


if "segments.saved_message" in st.session_state:
    st.success(st.session_state.pop("segments.saved_message"))

tab_rfm, tab_clusters, tab_criteria, tab_saved = st.tabs(
    [t("segments.tab.rfm"), t("segments.tab.clusters"), t("segments.tab.criteria"), t("segments.tab.saved")])

# ----- RFM ---------------------------------------------------------------------------------------------------
with tab_rfm, guarded():
    c1, c2 = st.columns(2)
    with c1:
        n_bins = st.segmented_control(t("segments.rfm.bins"), (3, 4, 5), default=5, key="segments.rfm.bins",
                                      required=True) or 5
    with c2:
        method = pick(st.radio, t("segments.rfm.method"), rfm.METHODS, "segments.rfm.method", "quantile",
                      horizontal=True, format_func=lambda m: t(f"segments.rfm.method.{m}"))
    st.caption(t("segments.rfm.intro", n=n_bins))
    fixed: dict[str, tuple[float, ...] | None] = {"recency": None, "frequency": None, "monetary": None}
    if method == "fixed":
        quant = cached(rfm.thresholds, f, n_bins=n_bins)
        defaults = {
            "recency": rfm.DEFAULT_FIXED["recency"] if n_bins == 5 else (quant.recency if quant else ()),
            "frequency": rfm.DEFAULT_FIXED["frequency"] if n_bins == 5 else (quant.frequency if quant else ()),
            "monetary": tuple(float(f"{v:.2g}") for v in quant.monetary) if quant else (),
        }
        cols = st.columns(3)
        for col, dim in zip(cols, ("recency", "frequency", "monetary")):
            with col:
                raw = st.text_input(t(f"segments.rfm.{dim}_thresholds", n=n_bins - 1),
                                    value=", ".join(f"{v:g}" for v in defaults[dim]),
                                    key=f"segments.rfm.{dim}.{n_bins}")
            try:
                values = tuple(float(x) for x in raw.replace("，", ",").split(",") if x.strip())
                ok = len(values) == n_bins - 1 and all(b >= a for a, b in zip(values, values[1:]))
            except ValueError:
                ok = False
            if ok:
                fixed[dim] = values
            else:
                st.warning(t("segments.rfm.bad_thresholds", value=raw, n=n_bins - 1))
    opts = dict(n_bins=n_bins, method=method, **fixed)
    result: rfm.RfmResult = cached(rfm.rfm_analysis, f, **opts)
    if not result.enough:
        not_enough(t("segments.need_customers", n=rfm.MIN_CUSTOMERS, have=result.customers))
    else:
        th = result.thresholds

        def fmt(values, money_like=False):
            return ", ".join(money(v) if money_like else f"{v:,.4g}" for v in values)

        st.caption(t("segments.rfm.thresholds", r=fmt(th.recency), f=fmt(th.frequency), m=fmt(th.monetary, True)))
        seg = result.segments.copy()
        seg["name"] = [rfm_name(c) for c in seg["segment"]]
        names = {c: rfm_name(c) for c in (*rfm.SEGMENTS, rfm.NOT_ACTIVE)}
        left, right = st.columns(2)
        with left:
            chart(seg_charts.rfm_grid(result.grid, n_bins=n_bins, names=names, title=t("segments.rfm.grid"),
                                      x_title=t("segments.rfm.x"), y_title=t("segments.rfm.y"),
                                      value_name=t("segments.customers")), key="segments.rfm.grid_chart")
        with right:
            by = pick(st.radio, t("segments.rfm.treemap_by"), ("customers", "revenue"), "segments.rfm.treemap_by",
                      "customers", horizontal=True, format_func=lambda b: t(f"segments.rfm.by.{b}"))
            chart(seg_charts.segment_treemap(
                seg, label="name", value=by, code="segment",
                title=t("segments.rfm.treemap", by=t(f"segments.rfm.by.{by}")),
                hover=[("revenue_per_customer", t("segments.revenue_per_customer"), ",.0f"),
                       ("recency_days", t("segments.recency"), ",.0f")],
            ), key="segments.rfm.treemap_chart")
        shown = seg[seg["customers"] > 0]
        table(pd.DataFrame({
            t("segments.segment"): shown["name"],
            metric("segment_customers").label: shown["customers"],
            metric("segment_customer_share").label: [format_value("ratio", v) for v in shown["customer_share"]],
            metric("segment_revenue").label: [money(v) for v in shown["revenue"]],
            metric("segment_revenue_share").label: [format_value("ratio", v) for v in shown["revenue_share"]],
            metric("segment_recency").label: [format_value("days", v) for v in shown["recency_days"]],
            metric("segment_orders_per_customer").label: [f"{v:.1f}" for v in shown["orders_per_customer"]],
            metric("segment_revenue_per_customer").label: [money(v) for v in shown["revenue_per_customer"]],
        }), key="segments.rfm.table")

        st.subheader(t("segments.rfm.movement"))
        moves = cached(rfm.rfm_movement, f, **opts)
        if moves.empty:
            st.info(t("segments.rfm.no_previous"))
        else:
            st.caption(t("segments.rfm.movement_caption"))
            chart(seg_charts.movement_sankey(moves, names=names, order=(*rfm.SEGMENTS, rfm.NOT_ACTIVE),
                                             title=t("segments.rfm.movement"), before=t("segments.rfm.before"),
                                             after=t("segments.rfm.after")), key="segments.rfm.movement_chart")
            with st.expander(t("segments.rfm.movement_table")):
                order = [c for c in (*rfm.SEGMENTS, rfm.NOT_ACTIVE)]
                cross = (moves.pivot_table(index="from_segment", columns="to_segment", values="customers",
                                           aggfunc="sum", fill_value=0)
                         .reindex(index=[c for c in order if c in set(moves["from_segment"])],
                                  columns=[c for c in order if c in set(moves["to_segment"])], fill_value=0))
                cross.index = [rfm_name(c) for c in cross.index]
                cross.columns = [rfm_name(c) for c in cross.columns]
                table(cross.reset_index(names=t("segments.rfm.before")), key="segments.rfm.movement_table")

        members = cached(rfm.rfm_members, f, **opts)
        # RFM segments are saved as codes (the sidebar translates them); the export carries the name too
        members = members.assign(segment_name=[rfm_name(c) for c in members["segment"]])
        save_and_export(members, default_name=f"RFM {s.as_of}", key="segments.rfm",
                        export_name=f"rfm_segments_{s.as_of}")

# ----- clustering ----------------------------------------------------------------------------------------------
with tab_clusters, guarded():
    st.caption(t("segments.cluster.intro", sample=f"{clustering.SAMPLE_SIZE:,}"))
    spec = segments.feature_spec(ctx.store, f)
    options = list(spec.features) if spec else list(segments.BASE_FEATURES)
    c1, c2, c3 = st.columns([3, 1, 1])
    with c1:
        chosen = pick(st.multiselect, t("segments.cluster.features"), options, "segments.cluster.features",
                      [x for x in clustering.DEFAULT_FEATURES if x in options], format_func=feature_name)
    with c2:
        scaling = pick(st.selectbox, t("segments.cluster.scaling"), clustering.SCALINGS, "segments.cluster.scaling",
                       "log_standard", format_func=lambda x: t(f"segments.cluster.scaling.{x}"))
    with c3:
        cmethod = pick(st.radio, t("segments.cluster.method"), clustering.METHODS, "segments.cluster.method",
                       "kmeans", format_func=lambda x: t(f"segments.cluster.method.{x}"))
    k = st.slider(t("segments.cluster.k"), 2, 10, 4, key="segments.cluster.k")
    features = tuple(x for x in options if x in chosen)
    if not features:
        st.info(t("segments.cluster.pick_feature"))
    else:
        copts = dict(method=cmethod, features=features, scaling=scaling)
        res: clustering.ClusterResult = cached(clustering.cluster_customers, f, k=k, **copts)
        if not res.enough:
            not_enough(t("segments.need_customers", n=k * clustering.MIN_PER_CLUSTER, have=res.customers))
        else:
            scan: clustering.KScan = cached(clustering.k_scan, f, **copts)
            left, right = st.columns(2)
            with left:
                if scan.enough:
                    elbow = "bic" if cmethod == "gmm" else "inertia"
                    chart(seg_charts.k_choice(
                        scan.table, elbow=elbow, title=t("segments.cluster.k_chart"),
                        k_title=t("segments.cluster.k_axis"), silhouette_name=metric("segment_silhouette").label,
                        elbow_name=metric(f"segment_{elbow}").label, chosen=k), key="segments.cluster.k_chart")
                    if scan.best_k:
                        st.caption(t("segments.cluster.best_k", k=scan.best_k))
            with right:
                kpi_row([KpiCard("segment_silhouette", res.silhouette),
                         KpiCard("segment_bic" if cmethod == "gmm" else "segment_inertia",
                                 res.bic if cmethod == "gmm" else res.inertia)], per_row=2)
                st.caption(t("segments.cluster.fitted", customers=f"{res.customers:,}", fitted=f"{res.fitted_on:,}"))

            prof = res.profile
            centers = res.centers.set_index("cluster")
            defaults = {}
            for c in prof["cluster"]:
                row = centers.loc[c]
                top = row.abs().sort_values(ascending=False).index[:2]
                desc = ", ".join(t("segments.cluster.high" if row[x] > 0 else "segments.cluster.low",
                                   feature=feature_name(x)) for x in top)
                defaults[int(c)] = t("segments.cluster.default_name", n=int(c), desc=desc)
            # names a marketer edits; kept per (k, features, method, scaling) so a new clustering starts fresh
            names_key = f"segments.cluster.names.{k}.{cmethod}.{scaling}.{hash(features) & 0xFFFFFF:x}"
            name_frame = pd.DataFrame({
                "cluster": prof["cluster"], "name": [defaults[int(c)] for c in prof["cluster"]],
                "customers": prof["customers"], "revenue": [money(v) for v in prof["revenue"]],
            })
            st.markdown(f"**{t('segments.cluster.names')}**")
            edited = st.data_editor(
                name_frame, key=names_key, hide_index=True, disabled=["cluster", "customers", "revenue"],
                column_config={"cluster": t("segments.cluster.cluster"), "name": t("segments.cluster.name"),
                               "customers": t("segments.customers"), "revenue": t("segments.revenue")},
            )
            cluster_names = {int(c): (str(n).strip() or defaults[int(c)]) for c, n in zip(edited["cluster"],
                                                                                       edited["name"])}

            left, right = st.columns(2)
            with left:
                chart(seg_charts.cluster_radar(res.centers, features=features,
                                               feature_names={x: feature_name(x) for x in features},
                                               cluster_names=cluster_names, title=t("segments.cluster.radar")),
                      key="segments.cluster.radar")
            with right:
                share = format_value("ratio", sum(res.explained_variance[:2]))
                chart(seg_charts.projection_scatter(
                    res.projection, cluster_names=cluster_names, title=t("segments.cluster.projection", share=share),
                    x_title=t("segments.cluster.pc1"), y_title=t("segments.cluster.pc2")),
                    key="segments.cluster.projection")

            st.markdown(f"**{t('segments.cluster.profile')}**")
            shown = pd.DataFrame({
                t("segments.cluster.name"): [cluster_names[int(c)] for c in prof["cluster"]],
                metric("segment_customers").label: prof["customers"],
                metric("segment_customer_share").label: [format_value("ratio", v) for v in prof["customer_share"]],
                metric("segment_revenue").label: [money(v) for v in prof["revenue"]],
                metric("segment_revenue_share").label: [format_value("ratio", v) for v in prof["revenue_share"]],
                metric("segment_recency").label: [format_value("days", v) for v in prof["recency"]],
                metric("segment_orders_per_customer").label: [f"{v:.1f}" for v in prof["frequency"]],
                metric("segment_revenue_per_customer").label: [money(v) for v in prof["monetary"]],
            })
            for x in features:
                if x in ("recency_days", "orders", "revenue"):
                    continue
                if x == "avg_order_value":
                    shown[feature_name(x)] = [money(v) for v in prof[x]]
                elif x == "tenure_days":
                    shown[feature_name(x)] = [format_value("days", v) for v in prof[x]]
                else:
                    shown[feature_name(x)] = [format_value("ratio", v) for v in prof[x]]
            table(shown, key="segments.cluster.profile")

            if st.toggle(t("segments.cluster.stability"), key="segments.cluster.stability"):
                stab: clustering.Stability = cached(clustering.stability, f, k=k, **copts)
                labels_ = [t("segments.cluster.bootstrap", i=i + 1) for i in range(len(stab.bootstrap_ari))]
                values = list(stab.bootstrap_ari)
                if stab.previous_ari is not None:
                    labels_.append(t("segments.cluster.previous"))
                    values.append(stab.previous_ari)
                chart(seg_charts.stability_bars(labels_, values, title=t("segments.cluster.stability_chart"),
                                                value_name=metric("segment_ari").label),
                      key="segments.cluster.stability_chart")
                mean = stab.bootstrap_mean or 0.0
                verdict = "stable" if mean >= 0.8 else ("shaky" if mean >= 0.5 else "noise")
                (st.success if verdict == "stable" else st.warning)(
                    t(f"segments.cluster.verdict.{verdict}", ari=f"{mean:.2f}"))
                if stab.previous_ari is None:
                    reason = (t("segments.rfm.no_previous") if f.previous() is None else
                              t("segments.need_customers", n=k * clustering.MIN_PER_CLUSTER,
                                have=stab.previous_customers))
                    st.caption(t("segments.cluster.previous_none", reason=reason))

            members = cached(clustering.cluster_members, f, k=k, **copts)
            members = members.assign(segment=[cluster_names[int(c)] for c in members["cluster"]])
            save_and_export(members, default_name=f"Clusters k{k} {s.as_of}", key="segments.cluster",
                            export_name=f"clusters_k{k}_{s.as_of}")

# ----- criteria ----------------------------------------------------------------------------------------------
with tab_criteria, guarded():
    st.caption(t("segments.criteria.intro"))
    defaults = {"demographic": [], "geographic": ["region"], "behavioural": ["recency_band"]}
    cols = st.columns(4)
    picked: list[str] = []
    for col, group in zip(cols, segments.CRITERIA_GROUPS):
        with col:
            if group == "psychographic":
                st.markdown(f"**{t('segments.group.psychographic')}**")
                st.caption(t("segments.psychographic_unavailable"))
                continue
            picked += pick(st.multiselect, t(f"segments.group.{group}"), segments.CRITERIA_GROUPS[group],
                           f"segments.criteria.{group}", defaults[group],
                           format_func=lambda c: t(f"segments.criterion.{c}"))
    if not picked:
        st.info(t("segments.criteria.pick_one"))
    else:
        criteria = tuple(c for c in segments.CRITERIA if c in picked)
        cs = cached(segments.criteria_segments, f, criteria=criteria)
        if cs.empty:
            empty_state()
        else:
            cs["name"] = [" · ".join(code_label(c, v) for c, v in zip(criteria, row))
                          for row in cs[list(criteria)].itertuples(index=False)]
            top = 30
            if len(cs) > top:
                st.caption(t("segments.criteria.too_many", n=len(cs), top=top))
            head = cs.head(top)
            left, right = st.columns(2)
            with left:
                chart(seg_charts.size_value_bubbles(
                    head, label="name", x="customers", y="revenue_per_customer", size="revenue",
                    title=t("segments.criteria.bubbles"), x_title=t("segments.customers"),
                    y_title=t("segments.revenue_per_customer"),
                    hover=[("revenue", t("segments.revenue"), ",.0f"), ("growth", t("segments.growth"), "+.1%")],
                ), key="segments.criteria.bubbles")
            with right:
                chart(charts.bar(head, x="name", y="revenue", title=t("segments.criteria.revenue_growth"),
                                 y_title=t("segments.revenue"), secondary=("growth", t("segments.growth")),
                                 secondary_format="+.0%"), key="segments.criteria.bars")
            table(pd.DataFrame({
                t("segments.segment"): cs["name"],
                metric("segment_customers").label: cs["customers"],
                metric("segment_customer_share").label: [format_value("ratio", v) for v in cs["customer_share"]],
                metric("segment_revenue").label: [money(v) for v in cs["revenue"]],
                metric("segment_revenue_share").label: [format_value("ratio", v) for v in cs["revenue_share"]],
                metric("segment_revenue_per_customer").label: [money(v) for v in cs["revenue_per_customer"]],
                metric("segment_growth").label: [format_value("ratio", v) for v in cs["growth"]],
                metric("segment_recency").label: [format_value("days", v) for v in cs["recency_days"]],
            }), key="segments.criteria.table")
            cm = cached(segments.criteria_members, f, criteria=criteria)
            cm = cm.assign(segment_code=cm["segment"], segment=[
                " · ".join(code_label(c, v) for c, v in zip(criteria, row))
                for row in cm[list(criteria)].itertuples(index=False)])
            save_and_export(cm, default_name=" x ".join(criteria)[:60], key="segments.criteria",
                            export_name="segments_" + "_".join(criteria))

# ----- saved ---------------------------------------------------------------------------------------------------
with tab_saved, guarded():
    saved = segments.saved_segmentations(ctx.store)
    if saved.empty:
        st.info(t("segments.saved.none"))
    else:
        st.markdown(f"**{t('segments.saved.table')}**")
        table(saved.rename(columns={"segmentation_id": t("segments.saved.segmentation"),
                                    "segment": t("segments.segment"), "customers": t("segments.customers")}),
              key="segments.saved.table")
