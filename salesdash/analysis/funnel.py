"""Funnel and pipeline: stage conversion, velocity, cohorts, win/loss, pipeline, waterfall, what-if, coverage.

Definitions used throughout (see ``salesdash/metrics/funnel.py`` for the formulas people read):

* The deals of a window are the opportunities **created** in the filter window (a cohort view), with the
  region / channel / category / team / rep / segment filters applied (:func:`salesdash.filters.apply`).
* A deal has **reached** a stage when its furthest stage (``opportunities.stage``) is at or beyond it in
  :data:`salesdash.schema.STAGES` order; a deal lost at "intent" reached prospect and intent.
* Entry dates come from ``stage_history`` where present; a deal's prospect entry defaults to its creation.
* Rates carry a 95% interval: Wilson for counts; for rates by value (a ratio of sums) a normal interval from
  the linearised ratio estimator, clipped to [0, 1].
* "As of" is the end of the filter window, or the last date in the data when the window is open-ended.

Everything is aggregated in the engine; only per-stage, per-group or per-month results (and bounded deal
lists) come back to pandas. :func:`summary` feeds the page's KPI row and ``python -m salesdash report funnel``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize, proportions_chisquare, proportions_ztest

from salesdash.filters import Filters, apply
from salesdash.schema import OPEN_STAGES, STAGES
from salesdash.store import Store

__all__ = [
    "DIMENSIONS", "MEASURES", "MIN_EXPECTED", "StageFigures", "GroupFigures", "FunnelSummary",
    "SignificanceTest", "GroupComparison", "Velocity", "WaterfallResult", "WhatIfBase", "WhatIfResult",
    "as_of", "wilson", "stage_funnel", "summary", "stage_deals", "test_two_proportions", "compare_groups",
    "velocity", "cycle_trend", "stale_deals", "slipping_deals", "cohort_conversion", "lost_reasons", "win_loss_by",
    "pipeline_by_stage", "pipeline_by_close_month", "snapshot_dates", "pipeline_waterfall",
    "what_if_base", "what_if", "coverage_plan", "quarter_of", "WATERFALL_STEPS", "MAX_DEALS", "report_json", "add_report_arguments",
]

#: The fields a funnel can be split by (``--by`` and the page's "compare by" choice).
DIMENSIONS = ("channel", "source", "rep", "team", "region", "product", "category", "segment")
MEASURES = ("count", "value")
#: A chi-square / z-test is only trusted when every expected cell count is at least this.
MIN_EXPECTED = 5
#: Deal lists are cut at this many rows (largest first); the page says so.
MAX_DEALS = 5000
_DAY = 86400.0


# ----------------------------------------------------------------------------------------------------------
# helpers


def _num(v) -> float:
    return 0.0 if v is None or pd.isna(v) else float(v)


def _opt(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _days(start, end) -> ibis.Value:
    """Days (fractional) between two timestamp expressions."""
    return (end.epoch_seconds() - start.epoch_seconds()) / _DAY


def _cut(d: dt.date) -> ibis.Value:
    """The first instant after day `d` (the end of that day)."""
    return ibis.timestamp((d + dt.timedelta(days=1)).isoformat())


def _stage_index(col) -> ibis.Value:
    return col.cases(*[(s, i) for i, s in enumerate(STAGES)], else_=0)


def wilson(successes, trials) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson interval for proportions (vectorised); NaN where there are no trials."""
    s = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    ok = n > 0
    lo = np.full(s.shape, np.nan)
    hi = np.full(s.shape, np.nan)
    if ok.any():
        a, b = proportion_confint(s[ok], n[ok], alpha=0.05, method="wilson")
        lo[ok], hi[ok] = a, b
    return lo, hi


def _ratio_interval(r, n, sum_sq_reached, sum_sq_base, base_value) -> tuple[float, float]:
    """95% interval of a conversion by value R = Σ amount(reached) / Σ amount(base) over n base deals.

    Linearised ratio estimator: Var(R) ≈ n Σ d² / ((n − 1) (Σ x)²) with d = x (I − R); since I² = I,
    Σ d² = (1 − 2R) Σ x² I + R² Σ x².
    """
    if r is None or n < 2 or not base_value:
        return (math.nan, math.nan)
    sd2 = max((1 - 2 * r) * sum_sq_reached + r * r * sum_sq_base, 0.0)
    se = math.sqrt(n * sd2 / ((n - 1) * base_value ** 2))
    return (max(0.0, r - 1.96 * se), min(1.0, r + 1.96 * se))


def as_of(store: Store, filters: Filters) -> dt.date:
    """The date the pipeline is looked at: the window's end, else the last date in the deals' data."""
    if filters.end is not None:
        return filters.end
    o = store.table("opportunities")
    r = store.execute(o.aggregate(a=o.created_at.max(), b=o.closed_at.max())).iloc[0]
    h = store.table("stage_history")
    c = store.execute(h.entered_at.max())
    dates = [pd.Timestamp(v).date() for v in (r["a"], r["b"], c) if v is not None and not pd.isna(v)]
    return max(dates) if dates else dt.date.today()


def _segmentation(store: Store, filters: Filters) -> str | None:
    if filters.segmentation:
        return filters.segmentation
    m = store.table("segment_members")
    df = store.execute(m.select("segmentation_id").distinct().order_by("segmentation_id").limit(1))
    return None if df.empty else str(df["segmentation_id"].iloc[0])


def _with_group(store: Store, o: ibis.Table, by: str, filters: Filters) -> ibis.Table:
    """Add ``group`` (a code or key) and ``group_name`` (what people read before translation)."""
    if by == "channel":
        ch = store.table("channels").select(_k=lambda t: t.channel_id, _n=lambda t: t.name)
        j = o.left_join(ch, o.channel_id == ch._k)
        return j.mutate(group=j.channel_id, group_name=j._n.fill_null(j.channel_id)).drop("_k", "_n")
    if by == "source":
        return o.mutate(group=o.source, group_name=o.source)
    if by in ("rep", "team"):
        r = store.table("reps").select(_k=lambda t: t.rep_id, _n=lambda t: t.name, _team=lambda t: t.team)
        j = o.left_join(r, o.rep_id == r._k)
        if by == "rep":
            j = j.mutate(group=j.rep_id, group_name=j._n.fill_null(j.rep_id))
        else:
            j = j.mutate(group=j._team, group_name=j._team)
        return j.drop("_k", "_n", "_team")
    if by == "region":
        c = store.table("customers").select(_k=lambda t: t.customer_id, _r=lambda t: t.region)
        j = o.left_join(c, o.customer_id == c._k)
        return j.mutate(group=j._r, group_name=j._r).drop("_k", "_r")
    if by in ("product", "category"):
        p = store.table("products").select(_k=lambda t: t.product_id, _n=lambda t: t.name,
                                           _c=lambda t: t.category)
        j = o.left_join(p, o.product_id == p._k)
        if by == "product":
            j = j.mutate(group=j.product_id, group_name=j._n.fill_null(j.product_id))
        else:
            j = j.mutate(group=j._c, group_name=j._c)
        return j.drop("_k", "_n", "_c")
    if by == "segment":
        seg = _segmentation(store, filters)
        m = store.table("segment_members")
        m = m.filter(m.segmentation_id == (seg or "")).select(_k=m.customer_id, _s=m.segment)
        j = o.left_join(m, o.customer_id == m._k)
        return j.mutate(group=j._s, group_name=j._s).drop("_k", "_s")
    raise ValueError(f"by must be one of {', '.join(DIMENSIONS)}, not {by!r}")


def _deals(store: Store, filters: Filters, *, by: str | None = None, window: bool = True) -> ibis.Table:
    """Opportunities (created in the window unless `window` is False) with stage_idx, value, group."""
    o = apply(store, "opportunities", filters, date_column="default" if window else None)
    o = o.mutate(stage_idx=_stage_index(o.stage), value=o.amount.fill_null(0.0))
    if by is not None:
        o = _with_group(store, o, by, filters)
    return o


def _has_history(store: Store) -> bool:
    return store.count("stage_history") > 0


def _entries(store: Store, d: ibis.Table) -> ibis.Table:
    """One row per deal of `d`: its stage entry times e0..e3 (prospect defaults to creation)."""
    h = store.table("stage_history")
    h = h.filter(h.opportunity_id.isin(d.opportunity_id))
    piv = h.group_by(_k=h.opportunity_id).aggregate(
        **{f"_h{i}": h.entered_at.min(where=h.stage == s) for i, s in enumerate(STAGES)}
    )
    j = d.left_join(piv, d.opportunity_id == piv._k)
    j = j.mutate(e0=ibis.coalesce(j._h0, j.created_at), e1=j._h1, e2=j._h2, e3=j._h3)
    return j.drop("_k", "_h0", "_h1", "_h2", "_h3")


# ----------------------------------------------------------------------------------------------------------
# the funnel


def _funnel_frame(store: Store, filters: Filters, by: str | None) -> pd.DataFrame:
    """Per group (or one row): n_i, v_i, q_i (Σ amount² of deals reaching stage i), status counts, cycle."""
    d = _deals(store, filters, by=by)
    aggs = {}
    for i in range(len(STAGES)):
        reached = d.stage_idx >= i
        aggs[f"n{i}"] = d.count(where=reached)
        aggs[f"v{i}"] = d.value.sum(where=reached)
        aggs[f"q{i}"] = (d.value * d.value).sum(where=reached)
    won = d.status == "won"
    aggs.update(
        won=d.count(where=won), lost=d.count(where=d.status == "lost"), open=d.count(where=d.status == "open"),
        won_value=d.value.sum(where=won), lost_value=d.value.sum(where=d.status == "lost"),
        median_cycle_days=_days(d.created_at, d.closed_at).median(where=won & d.closed_at.notnull()),
    )
    if by is None:
        df = store.execute(d.aggregate(**aggs))
        df.insert(0, "group_name", None)
        df.insert(0, "group", None)
    else:
        df = store.execute(d.group_by("group", "group_name").aggregate(**aggs))
        df = df.sort_values("n0", ascending=False, ignore_index=True)
    return df.fillna({c: 0 for c in df.columns if c[0] in "nvq" and c[1:].isdigit()})


def _stages_of(row: pd.Series, measure: str) -> pd.DataFrame:
    rows = []
    for i, s in enumerate(STAGES):
        n, v = int(row[f"n{i}"]), _num(row[f"v{i}"])
        rec = {"stage": s, "stage_index": i, "reached": n, "value": v,
               "amount": v if measure == "value" else n}
        for kind, base in (("previous", max(i - 1, 0)), ("first", 0)):
            nb, vb, qb = int(row[f"n{base}"]), _num(row[f"v{base}"]), _num(row[f"q{base}"])
            if measure == "count":
                r = n / nb if nb else None
                lo, hi = wilson([n], [nb])
                lo, hi = lo[0], hi[0]
            else:
                r = v / vb if vb else None
                lo, hi = _ratio_interval(r, nb, _num(row[f"q{i}"]), qb, vb)
            if i == 0:  # the first stage is the base itself: 1 by definition, not an estimate
                lo = hi = math.nan
            rec[f"conversion_from_{kind}"] = r
            rec[f"conversion_from_{kind}_low"] = lo
            rec[f"conversion_from_{kind}_high"] = hi
        prev = rec["amount"] if i == 0 else rows[-1]["amount"]
        rec["drop_off"] = prev - rec["amount"]
        rec["drop_off_share"] = None if rec["conversion_from_previous"] is None else 1 - rec["conversion_from_previous"]
        rows.append(rec)
    return pd.DataFrame(rows)


def stage_funnel(store: Store, filters: Filters, *, measure: str = "count", by: str | None = None) -> pd.DataFrame:
    """The funnel prospect -> intent -> engaged -> won for deals created in the window.

    Parameters
    ----------
    measure : "count" (deals) or "value" (sum of amounts).
    by : split into one funnel per value of a field in :data:`DIMENSIONS` (None: one funnel).

    Returns
    -------
    One row per (group, stage), stages in order. Columns: group (code/key; None without `by`), group_name,
    stage, stage_index, reached (deals at or beyond the stage), value (their amounts), amount (reached or
    value, by `measure`), conversion_from_previous, conversion_from_first (0-1; NaN/None when the base is
    empty) each with ``_low`` / ``_high`` 95% bounds, drop_off (amount lost since the previous stage) and
    drop_off_share (1 − conversion_from_previous).
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    frame = _funnel_frame(store, filters, by)
    parts = []
    for _, row in frame.iterrows():
        st = _stages_of(row, measure)
        st.insert(0, "group_name", row["group_name"])
        st.insert(0, "group", row["group"])
        parts.append(st)
    if not parts:
        return pd.DataFrame(columns=["group", "group_name", "stage", "stage_index", "reached", "value", "amount"])
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class StageFigures:
    """One stage of a funnel: deals reached, their value, conversion rates with 95% bounds, drop-off."""

    stage: str
    reached: int
    value: float
    conversion_from_previous: float | None
    conversion_from_previous_low: float | None
    conversion_from_previous_high: float | None
    conversion_from_first: float | None
    conversion_from_first_low: float | None
    conversion_from_first_high: float | None
    drop_off: float

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class GroupFigures:
    """The headline funnel figures of one window (and, with ``--by``, of one group)."""

    group: str | None
    name: str | None
    stages: tuple[StageFigures, ...]
    created: int
    won: int
    lost: int
    open: int
    won_value: float
    win_rate: float | None
    win_rate_low: float | None
    win_rate_high: float | None
    median_cycle_days: float | None
    avg_deal_size: float | None

    def to_json(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "stages"}
        out["stages"] = [s.to_json() for s in self.stages]
        return out


@dataclass(frozen=True)
class FunnelSummary:
    """The Funnel page's headline figures (the page's KPI row and ``report funnel`` alike)."""

    start: dt.date | None
    end: dt.date | None
    as_of: dt.date
    total: GroupFigures
    pipeline_value: float
    weighted_pipeline: float
    groups: tuple[GroupFigures, ...] = field(default=())
    by: str | None = None

    def to_json(self) -> dict:
        out: dict = {"start": self.start, "end": self.end, "as_of": self.as_of}
        out.update({k: v for k, v in self.total.to_json().items() if k not in ("group", "name")})
        out["pipeline_value"] = self.pipeline_value
        out["weighted_pipeline"] = self.weighted_pipeline
        if self.by is not None:
            out["by"] = self.by
            out["groups"] = [g.to_json() for g in self.groups]
        return out


def _group_figures(row: pd.Series, measure: str = "count") -> GroupFigures:
    st = _stages_of(row, measure)
    stages = tuple(
        StageFigures(
            stage=r.stage, reached=int(r.reached), value=float(r.value),
            **{f"conversion_from_{k}{s}": _opt(getattr(r, f"conversion_from_{k}{s}"))
               for k in ("previous", "first") for s in ("", "_low", "_high")},
            drop_off=float(r.drop_off),
        )
        for r in st.itertuples()
    )
    won, lost = int(row["won"]), int(row["lost"])
    lo, hi = wilson([won], [won + lost])
    return GroupFigures(
        group=None if row["group"] is None or pd.isna(row["group"]) else str(row["group"]),
        name=None if row["group_name"] is None or pd.isna(row["group_name"]) else str(row["group_name"]),
        stages=stages, created=int(row["n0"]), won=won, lost=lost, open=int(row["open"]),
        won_value=_num(row["won_value"]),
        win_rate=won / (won + lost) if won + lost else None, win_rate_low=_opt(lo[0]), win_rate_high=_opt(hi[0]),
        median_cycle_days=_opt(row["median_cycle_days"]),
        avg_deal_size=_num(row["won_value"]) / won if won else None,
    )


def summary(store: Store, filters: Filters, *, by: str | None = None) -> FunnelSummary:
    """Headline figures of the deals created in the window: funnel, won/lost/open, win rate, cycle, pipeline."""
    total = _group_figures(_funnel_frame(store, filters, None).iloc[0])
    groups: tuple[GroupFigures, ...] = ()
    if by is not None:
        groups = tuple(_group_figures(r) for _, r in _funnel_frame(store, filters, by).iterrows())
    pipe = pipeline_by_stage(store, filters)
    return FunnelSummary(
        start=filters.start, end=filters.end, as_of=as_of(store, filters), total=total,
        pipeline_value=float(pipe["value"].sum()) if not pipe.empty else 0.0,
        weighted_pipeline=float(pipe["weighted_value"].sum()) if not pipe.empty else 0.0,
        groups=groups, by=by,
    )


def _names(store: Store, d: ibis.Table) -> ibis.Table:
    """Add customer, rep, team, channel and product names to a deals table."""
    c = store.table("customers").select(_ck=lambda t: t.customer_id, customer=lambda t: t.name)
    r = store.table("reps").select(_rk=lambda t: t.rep_id, rep=lambda t: t.name, team=lambda t: t.team)
    ch = store.table("channels").select(_hk=lambda t: t.channel_id, channel=lambda t: t.name)
    p = store.table("products").select(_pk=lambda t: t.product_id, product=lambda t: t.name)
    j = d.left_join(c, d.customer_id == c._ck)
    j = j.left_join(r, j.rep_id == r._rk)
    j = j.left_join(ch, j.channel_id == ch._hk)
    j = j.left_join(p, j.product_id == p._pk)
    return j.drop("_ck", "_rk", "_hk", "_pk")


def stage_deals(store: Store, filters: Filters, *, stage: str, by: str | None = None,
                group: str | None = None, only_stopped: bool = False) -> pd.DataFrame:
    """The deals behind one bar of the funnel (largest first, at most :data:`MAX_DEALS`).

    Parameters
    ----------
    stage : a stage of :data:`STAGES`; deals that reached it are listed.
    by, group : restrict to one group of a split funnel.
    only_stopped : only the deals whose furthest stage is exactly `stage` (the drop-off at that stage).

    Returns columns: opportunity_id, customer, rep, team, channel, product, source, stage (furthest),
    status, amount, created_at, expected_close_date, closed_at, lost_reason, probability.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    i = STAGES.index(stage)
    d = _deals(store, filters, by=by)
    d = d.filter(d.stage_idx == i) if only_stopped else d.filter(d.stage_idx >= i)
    if by is not None:
        d = d.filter(d.group.isnull() if group is None else d.group == group)
    j = _names(store, d)
    cols = ["opportunity_id", "customer", "rep", "team", "channel", "product", "source", "stage", "status",
            "amount", "created_at", "expected_close_date", "closed_at", "lost_reason", "probability"]
    j = j.select(*cols).order_by([ibis.desc("amount"), "opportunity_id"]).limit(MAX_DEALS)
    return store.execute(j)


# ----------------------------------------------------------------------------------------------------------
# significance


@dataclass(frozen=True)
class SignificanceTest:
    """A test of a difference between proportions, with its answer in plain terms.

    ``verdict`` is "significant" (p < 0.05), "not_significant" or "too_few" (an expected count below
    :data:`MIN_EXPECTED`: no test is trusted). ``more_needed`` is about how many more deals in total would
    make a difference of the size seen significant at 95% with 80% power (None when significant, or when
    there is no difference to detect).
    """

    verdict: str
    p_value: float | None
    confidence: float | None
    more_needed: int | None
    reason: str | None = None

    @property
    def enough(self) -> bool:
        return self.verdict != "too_few"


def _more_needed(p1: float, n1: float, p2: float, n2: float) -> int | None:
    if p1 == p2 or n1 <= 0 or n2 <= 0:
        return None
    h = abs(proportion_effectsize(p1, p2))
    if h < 1e-9:
        return None
    ratio = n2 / n1
    need1 = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=ratio)
    need = need1 * (1 + ratio)
    return max(int(math.ceil(need - n1 - n2)), 1)


def test_two_proportions(s1: int, n1: int, s2: int, n2: int) -> SignificanceTest:
    """Two-proportion z-test of s1/n1 against s2/n2 (statsmodels), "too few" when an expected count < 5."""
    n, s = n1 + n2, s1 + s2
    if n1 == 0 or n2 == 0:
        return SignificanceTest("too_few", None, None, None, "empty_group")
    expected = [n1 * s / n, n1 * (n - s) / n, n2 * s / n, n2 * (n - s) / n]
    if min(expected) < MIN_EXPECTED:
        return SignificanceTest("too_few", None, None, None, "expected_below_5")
    _, p = proportions_ztest([s1, s2], [n1, n2])
    p = float(p)
    if p < 0.05:
        return SignificanceTest("significant", p, 1 - p, None)
    return SignificanceTest("not_significant", p, 1 - p, _more_needed(s1 / n1, n1, s2 / n2, n2))


@dataclass(frozen=True)
class GroupComparison:
    """Conversion compared across the groups of a field.

    ``table`` columns: group, group_name, trials, successes, rate, rate_low, rate_high, verdict, p_value,
    more_needed (each group against all the others), lift (rate ÷ the rate of all the others).
    ``overall`` tests whether conversion differs at all across the groups that have enough cases
    (chi-square); groups whose expected counts are below 5 are left out of it and marked "too_few".
    """

    by: str
    rate: str
    table: pd.DataFrame
    overall: SignificanceTest
    groups_tested: int


def _rate_counts(row: pd.Series, rate: str) -> tuple[int, int]:
    if rate == "win_rate":
        return int(row["won"]), int(row["won"] + row["lost"])
    if rate == "overall":
        return int(row["n3"]), int(row["n0"])
    if rate.startswith("to_") and rate[3:] in STAGES[1:]:
        i = STAGES.index(rate[3:])
        return int(row[f"n{i}"]), int(row[f"n{i - 1}"])
    raise ValueError(f"rate must be win_rate, overall or to_<stage>, not {rate!r}")


def compare_groups(store: Store, filters: Filters, *, by: str, rate: str = "win_rate") -> GroupComparison:
    """Compare a conversion rate across the groups of `by` and say whether the differences are significant.

    Parameters
    ----------
    by : a field of :data:`DIMENSIONS`.
    rate : "win_rate" (won ÷ (won + lost)), "overall" (won ÷ created) or "to_<stage>" (reached the stage ÷
        reached the one before it, e.g. "to_engaged").
    """
    frame = _funnel_frame(store, filters, by)
    counts = [_rate_counts(r, rate) for _, r in frame.iterrows()]
    s = np.array([c[0] for c in counts], dtype=float)
    n = np.array([c[1] for c in counts], dtype=float)
    lo, hi = wilson(s, n)
    rows = []
    S, N = s.sum(), n.sum()
    for k, (_, r) in enumerate(frame.iterrows()):
        test = test_two_proportions(int(s[k]), int(n[k]), int(S - s[k]), int(N - n[k]))
        rest = (S - s[k]) / (N - n[k]) if N - n[k] else None
        rate_k = s[k] / n[k] if n[k] else None
        rows.append({
            "group": r["group"], "group_name": r["group_name"], "trials": int(n[k]), "successes": int(s[k]),
            "rate": rate_k, "rate_low": lo[k], "rate_high": hi[k], "verdict": test.verdict,
            "p_value": test.p_value, "more_needed": test.more_needed,
            "lift": rate_k / rest if rate_k is not None and rest else None,
        })
    table = pd.DataFrame(rows, columns=["group", "group_name", "trials", "successes", "rate", "rate_low",
                                        "rate_high", "verdict", "p_value", "more_needed", "lift"])
    # overall chi-square on the groups whose expected counts are all >= 5
    p_all = S / N if N else 0.0
    ok = (n * p_all >= MIN_EXPECTED) & (n * (1 - p_all) >= MIN_EXPECTED)
    if ok.sum() < 2:
        overall = SignificanceTest("too_few", None, None, None, "fewer_than_two_groups_with_enough_cases")
    else:
        _, p, _ = proportions_chisquare(s[ok], n[ok])
        p = float(p)
        if p < 0.05:
            overall = SignificanceTest("significant", p, 1 - p, None)
        else:
            best, worst = int(np.argmax(np.where(ok, s / np.maximum(n, 1), -1))), \
                int(np.argmin(np.where(ok, s / np.maximum(n, 1), 2)))
            overall = SignificanceTest("not_significant", p, 1 - p, _more_needed(
                s[best] / n[best], n[best], s[worst] / n[worst], n[worst]))
    return GroupComparison(by=by, rate=rate, table=table, overall=overall, groups_tested=int(ok.sum()))


# ----------------------------------------------------------------------------------------------------------
# velocity


@dataclass(frozen=True)
class Velocity:
    """Time in each stage and the sales cycle.

    ``stages`` columns: stage, completed (deals that moved on to a later stage), median_days, p90_days, mean_days,
    in_stage_now (open deals sitting in it). ``enough`` is False (with ``reason``) when there is no
    stage history; the cycle figures still come from creation and close dates.
    """

    enough: bool
    reason: str | None
    stages: pd.DataFrame
    cycle_median_days: float | None
    cycle_p90_days: float | None
    won_deals: int


def _stage_durations(store: Store, filters: Filters, *, window: bool = True) -> ibis.Table:
    """Long table (opportunity_id, stage, stage_index, entered, days, completed) for the open stages.

    A stage is completed when the deal entered a later stage (days = to that entry); a deal still open
    in the stage counts its days so far (not completed). A deal lost in the stage is left out: the time
    until a loss is not the time a stage takes to pass.
    """
    d = _deals(store, filters, window=window)
    e = _entries(store, d)
    cut = _cut(as_of(store, filters))
    parts = []
    for i, s in enumerate(OPEN_STAGES):
        later = [e[f"e{k}"] for k in range(i + 1, len(STAGES))]
        exit_ = ibis.coalesce(*later) if len(later) > 1 else later[0]
        sitting = (e.stage_idx == i) & (e.status == "open")
        part = e.filter(e[f"e{i}"].notnull(), exit_.notnull() | sitting).select(
            opportunity_id=e.opportunity_id, stage=ibis.literal(s), stage_index=ibis.literal(i),
            entered=e[f"e{i}"],
            days=_days(e[f"e{i}"], ibis.coalesce(exit_, cut)),
            completed=exit_.notnull(),
        )
        parts.append(part)
    return ibis.union(*parts)


def velocity(store: Store, filters: Filters) -> Velocity:
    """Median and p90 days in each open stage (deals created in the window that moved on to a later stage)
    and the sales cycle (creation to won) of the won deals created in the window."""
    dur = _stage_durations(store, filters)
    agg = store.execute(dur.group_by("stage", "stage_index").aggregate(
        completed=dur.count(where=dur.completed),
        median_days=dur.days.median(where=dur.completed),
        p90_days=dur.days.quantile(0.9, where=dur.completed),
        mean_days=dur.days.mean(where=dur.completed),
        in_stage_now=dur.count(where=~dur.completed),
    ).order_by("stage_index"))
    stages = pd.DataFrame({"stage": OPEN_STAGES}).merge(agg.drop(columns="stage_index"), on="stage", how="left")
    stages[["completed", "in_stage_now"]] = stages[["completed", "in_stage_now"]].fillna(0).astype(int)
    d = _deals(store, filters)
    w = d.filter(d.status == "won", d.closed_at.notnull())
    cyc = store.execute(w.aggregate(m=_days(w.created_at, w.closed_at).median(),
                                    p=_days(w.created_at, w.closed_at).quantile(0.9), n=w.count())).iloc[0]
    history = _has_history(store)
    return Velocity(
        enough=history, reason=None if history else "no_stage_history", stages=stages,
        cycle_median_days=_opt(cyc["m"]), cycle_p90_days=_opt(cyc["p"]), won_deals=int(_num(cyc["n"])),
    )


def cycle_trend(store: Store, filters: Filters) -> pd.DataFrame:
    """Sales-cycle length by the month deals were won (deals won in the window).

    Returns columns: month (Timestamp), won (deals), median_days, p90_days.
    """
    o = apply(store, "opportunities", filters, date_column="closed_at")
    o = o.filter(o.status == "won")
    days = _days(o.created_at, o.closed_at)
    df = store.execute(o.group_by(month=o.closed_at.truncate("M")).aggregate(
        won=o.count(), median_days=days.median(), p90_days=days.quantile(0.9)).order_by("month"))
    df["month"] = pd.to_datetime(df["month"])
    return df


def stale_deals(store: Store, filters: Filters) -> pd.DataFrame:
    """Open deals that have sat in their stage longer than that stage's p90 (from :func:`velocity`).

    Open deals as of the data are listed whatever their creation date (a deal stuck for a year is exactly
    the one to see); the p90 thresholds come from the deals created in the window.

    Returns columns: opportunity_id, customer, rep, team, channel, product, stage, amount, entered_stage,
    days_in_stage, stage_p90_days, days_over, expected_close_date, overdue (expected close before as-of),
    probability; most overdue first (at most :data:`MAX_DEALS`).
    """
    v = velocity(store, filters)
    p90 = {r.stage: r.p90_days for r in v.stages.itertuples() if r.p90_days == r.p90_days and r.p90_days is not None}
    cols = ["opportunity_id", "customer", "rep", "team", "channel", "product", "stage", "amount", "entered_stage",
            "days_in_stage", "stage_p90_days", "days_over", "expected_close_date", "overdue", "probability"]
    if not p90:
        return pd.DataFrame(columns=cols)
    day = as_of(store, filters)
    cut = _cut(day)
    d = _deals(store, filters, window=False)
    d = d.filter(d.status == "open", d.created_at < cut)
    e = _entries(store, d)
    entered = e.stage_idx.cases(*[(i, e[f"e{i}"]) for i in range(len(OPEN_STAGES))], else_=e.e0)
    threshold = e.stage.cases(*[(s, float(v_)) for s, v_ in p90.items()], else_=ibis.null("float64"))
    e = e.mutate(entered_stage=entered, stage_p90_days=threshold)
    e = e.mutate(days_in_stage=_days(e.entered_stage, cut))
    e = e.filter(e.stage_p90_days.notnull(), e.days_in_stage > e.stage_p90_days)
    e = e.mutate(days_over=e.days_in_stage - e.stage_p90_days,
                 overdue=e.expected_close_date.notnull() & (e.expected_close_date < ibis.date(day.isoformat())))
    j = _names(store, e)
    return store.execute(j.select(*cols).order_by([ibis.desc("days_over"), "opportunity_id"]).limit(MAX_DEALS))


def slipping_deals(store: Store, filters: Filters, *, min_pushes: int = 2) -> pd.DataFrame:
    """Open deals whose expected close date was moved later again and again (pipeline snapshots).

    For every deal open in the last snapshot on or before the as-of date, the snapshot-to-snapshot moves
    of expected_close_date to a later date are counted; deals with at least `min_pushes` are listed
    (dimension filters apply, whatever the creation date). Empty without snapshots.

    Returns columns: opportunity_id, customer, rep, team, channel, product, stage, amount, pushes,
    first_expected_close (in the first snapshot holding the deal), expected_close_date (in the last),
    days_pushed (between the two), most pushed first.
    """
    cols = ["opportunity_id", "customer", "rep", "team", "channel", "product", "stage", "amount", "pushes",
            "first_expected_close", "expected_close_date", "days_pushed"]
    day = as_of(store, filters)
    snaps = [d for d in snapshot_dates(store) if d <= day]
    if len(snaps) < 2:
        return pd.DataFrame(columns=cols)
    s = store.table("opportunity_snapshots")
    s = s.filter(s.snapshot_date <= ibis.date(day.isoformat()))
    w = ibis.window(group_by=s.opportunity_id, order_by=s.snapshot_date)
    s = s.mutate(_prev=s.expected_close_date.lag().over(w))
    moves = s.group_by(_k=s.opportunity_id).aggregate(
        pushes=(s.expected_close_date > s._prev).sum(),
        first_expected_close=s.expected_close_date.argmin(s.snapshot_date),
    )
    last = store.table("opportunity_snapshots")
    last = last.filter(last.snapshot_date == ibis.date(snaps[-1].isoformat()), last.status == "open")
    d = _deals(store, filters, window=False)
    d = d.filter(d.opportunity_id.isin(last.opportunity_id))
    j = d.join(moves, d.opportunity_id == moves._k).drop("_k")
    j = j.filter(j.pushes >= min_pushes)
    j = j.mutate(days_pushed=j.expected_close_date.delta(j.first_expected_close, unit="day"))
    named = _names(store, j)
    return store.execute(named.select(*cols).order_by([ibis.desc("pushes"), ibis.desc("days_pushed"),
                                                       "opportunity_id"]).limit(MAX_DEALS))


# ----------------------------------------------------------------------------------------------------------
# cohorts


def cohort_conversion(store: Store, filters: Filters, *, stage: str = "won", max_months: int = 12) -> pd.DataFrame:
    """Conversion of each monthly cohort (month created) within m months of creation, m = 0..max_months.

    A cell is only filled when the cohort is old enough to have had those m months (``observable``), so
    a young cohort is never compared with an old one over time it has not had.

    Returns columns: cohort (Timestamp, month created), months_since (0..max_months), deals (cohort size),
    converted (reached `stage` within months_since months, cumulative), rate (converted ÷ deals, NaN when not
    observable), observable (bool), rate_to_date (the cohort's conversion so far).
    """
    if stage not in STAGES[1:]:
        raise ValueError(f"stage must be one of {STAGES[1:]}")
    i = STAGES.index(stage)
    d = _deals(store, filters)
    e = _entries(store, d)
    if stage == "won":
        reached_at = ibis.coalesce(e.e3, ibis.ifelse(e.status == "won", e.closed_at, ibis.null("timestamp")))
    else:
        reached_at = ibis.coalesce(*[e[f"e{k}"] for k in range(i, len(STAGES))])
    e = e.mutate(cohort=e.created_at.truncate("M").cast("date"), reached_at=reached_at,
                 reached=e.stage_idx >= i)
    e = e.mutate(months=ibis.ifelse(e.reached & e.reached_at.notnull(),
                                    e.reached_at.truncate("M").cast("date").delta(e.cohort, unit="month"),
                                    ibis.null("int64")))
    sizes = store.execute(e.group_by("cohort").aggregate(deals=e.count(), reached_now=e.count(where=e.reached)))
    hit = e.filter(e.months.notnull())
    hits = store.execute(hit.group_by("cohort", "months").aggregate(n=hit.count()))
    cols = ["cohort", "months_since", "deals", "converted", "rate", "observable", "rate_to_date"]
    if sizes.empty:
        return pd.DataFrame(columns=cols)
    day = as_of(store, filters)
    last = pd.Timestamp(day.year, day.month, 1)
    rows = []
    for c in sizes.sort_values("cohort").itertuples():
        ct = pd.Timestamp(c.cohort)
        h = hits[pd.to_datetime(hits["cohort"]) == ct]
        by_m = dict(zip(h["months"].astype(int), h["n"].astype(int)))
        cum = 0
        for m in range(max_months + 1):
            cum += by_m.get(m, 0)
            obs = ct + pd.DateOffset(months=m) <= last
            rows.append((ct, m, int(c.deals), cum, cum / c.deals if obs and c.deals else np.nan, obs,
                         c.reached_now / c.deals if c.deals else np.nan))
    return pd.DataFrame(rows, columns=cols)


# ----------------------------------------------------------------------------------------------------------
# win/loss and pipeline


def lost_reasons(store: Store, filters: Filters) -> pd.DataFrame:
    """Why deals created in the window were lost, largest first, with the cumulative share (Pareto).

    Returns columns: lost_reason (None when not recorded), deals, value, share (of lost deals),
    cumulative_share.
    """
    d = _deals(store, filters)
    d = d.filter(d.status == "lost")
    df = store.execute(d.group_by("lost_reason").aggregate(deals=d.count(), value=d.value.sum()))
    df = df.sort_values(["deals", "value"], ascending=False, ignore_index=True)
    total = df["deals"].sum()
    df["share"] = df["deals"] / total if total else np.nan
    df["cumulative_share"] = df["share"].cumsum()
    df["lost_reason"] = df["lost_reason"].astype(object).where(df["lost_reason"].notna(), None)
    return df


def win_loss_by(store: Store, filters: Filters, *, by: str) -> pd.DataFrame:
    """Win rate and average deal size per group.

    Returns columns: group, group_name, won, lost, open, win_rate, win_rate_low, win_rate_high,
    won_value, avg_deal_size, median_cycle_days.
    """
    frame = _funnel_frame(store, filters, by)
    lo, hi = wilson(frame["won"], frame["won"] + frame["lost"])
    closed = frame["won"] + frame["lost"]
    return pd.DataFrame({
        "group": frame["group"], "group_name": frame["group_name"], "won": frame["won"].astype(int),
        "lost": frame["lost"].astype(int), "open": frame["open"].astype(int),
        "win_rate": frame["won"] / closed.where(closed > 0), "win_rate_low": lo, "win_rate_high": hi,
        "won_value": frame["won_value"].fillna(0.0),
        "avg_deal_size": frame["won_value"] / frame["won"].where(frame["won"] > 0),
        "median_cycle_days": frame["median_cycle_days"],
    })


def stage_win_probability(store: Store, filters: Filters) -> pd.DataFrame:
    """P(win | a deal reached the stage), from deals closed by the as-of date (dimension filters apply,
    all creation dates: this is the company's history, not the window's cohort).

    Returns columns: stage, stage_index, closed (closed deals that reached it), won, rate, rate_low, rate_high.
    """
    d = _deals(store, filters, window=False)
    d = d.filter(d.status != "open", d.closed_at < _cut(as_of(store, filters)))
    agg = store.execute(d.aggregate(**{
        **{f"c{i}": d.count(where=d.stage_idx >= i) for i in range(len(STAGES))},
        "won": d.count(where=d.status == "won"),
    })).iloc[0]
    won = int(_num(agg["won"]))
    closed = [int(_num(agg[f"c{i}"])) for i in range(len(STAGES))]
    lo, hi = wilson([won] * len(STAGES), closed)
    return pd.DataFrame({
        "stage": STAGES, "stage_index": range(len(STAGES)), "closed": closed, "won": won,
        "rate": [won / c if c else np.nan for c in closed], "rate_low": lo, "rate_high": hi,
    })


def _open_at(store: Store, filters: Filters, day: dt.date) -> ibis.Table:
    """Deals open at the end of `day` (created by then, not closed by then), with their stage at that time
    (from stage history; capped at the last open stage)."""
    cut = _cut(day)
    d = _deals(store, filters, window=False)
    d = d.filter(d.created_at < cut, d.closed_at.isnull() | (d.closed_at >= cut))
    h = store.table("stage_history")
    h = h.filter(h.entered_at < cut, h.opportunity_id.isin(d.opportunity_id))
    h = h.group_by(_k=h.opportunity_id).aggregate(_hi=_stage_index(h.stage).max())
    j = d.left_join(h, d.opportunity_id == h._k)
    idx = ibis.least(ibis.coalesce(j._hi, j.stage_idx), len(OPEN_STAGES) - 1)
    return j.mutate(open_stage_idx=idx).drop("_k", "_hi")


def pipeline_by_stage(store: Store, filters: Filters) -> pd.DataFrame:
    """The open pipeline at the as-of date by stage, with weighted values.

    Open pipeline: deals created by the as-of date and not closed by then (the Overview's definition), in
    the stage they were in then. Weighted by the historical win probability of the stage
    (:func:`stage_win_probability`), and by the probability recorded in the CRM.

    Returns columns: stage, deals, value, win_probability, weighted_value, crm_weighted_value.
    """
    day = as_of(store, filters)
    o = _open_at(store, filters, day)
    agg = store.execute(o.group_by("open_stage_idx").aggregate(
        deals=o.count(), value=o.value.sum(), crm_weighted_value=(o.value * o.probability.fill_null(0.0)).sum()))
    probs = stage_win_probability(store, filters)
    out = pd.DataFrame({"stage": OPEN_STAGES, "open_stage_idx": range(len(OPEN_STAGES))})
    out = out.merge(agg, on="open_stage_idx", how="left").fillna({"deals": 0, "value": 0.0, "crm_weighted_value": 0.0})
    out["deals"] = out["deals"].astype(int)
    out["win_probability"] = probs["rate"].iloc[: len(OPEN_STAGES)].to_numpy()
    out["weighted_value"] = out["value"] * out["win_probability"].fillna(0.0)
    return out[["stage", "deals", "value", "win_probability", "weighted_value", "crm_weighted_value"]]


def pipeline_by_close_month(store: Store, filters: Filters) -> pd.DataFrame:
    """The open pipeline at the as-of date by expected close month and stage.

    Returns columns: month (Timestamp; NaT when no expected close date), stage, deals, value, weighted_value
    (value × historical win probability of the stage).
    """
    day = as_of(store, filters)
    o = _open_at(store, filters, day)
    df = store.execute(o.group_by(month=o.expected_close_date.truncate("M"), stage_idx=o.open_stage_idx)
                       .aggregate(deals=o.count(), value=o.value.sum()))
    probs = stage_win_probability(store, filters)["rate"].fillna(0.0).to_numpy()
    df["stage"] = [OPEN_STAGES[int(i)] for i in df["stage_idx"]]
    df["weighted_value"] = df["value"] * [probs[int(i)] for i in df["stage_idx"]]
    df["month"] = pd.to_datetime(df["month"])
    return df.sort_values(["month", "stage_idx"], ignore_index=True)[["month", "stage", "deals", "value",
                                                                      "weighted_value"]]


# ----------------------------------------------------------------------------------------------------------
# waterfall

WATERFALL_STEPS = ("start", "new", "pulled_in", "increased", "decreased", "won", "lost", "pushed_out", "end")


@dataclass(frozen=True)
class WaterfallResult:
    """How the pipeline moved between two dates.

    ``steps`` columns: step (one of :data:`WATERFALL_STEPS`), value (signed: outflows negative), deals.
    The pipeline counted is the open deals whose expected close date is on or before ``close_by`` (all
    open deals when None), so "pushed out" / "pulled in" are deals whose expected close date moved out of
    / into that horizon. start + new + pulled_in + increased + decreased + won + lost + pushed_out = end.
    ``source`` is "snapshots" (the latest pipeline snapshots on or before each date; ``start_date`` and
    ``end_date`` are then those snapshots' dates) or "reconstructed" (from
    creation and close dates; amounts and close dates as they are now, so increases, decreases and
    pushes cannot be seen).
    """

    start_date: dt.date
    end_date: dt.date
    close_by: dt.date | None
    source: str
    steps: pd.DataFrame


def snapshot_dates(store: Store, filters: Filters | None = None) -> list[dt.date]:
    """The dates of the stored pipeline snapshots, oldest first (`filters` is accepted for caching and ignored)."""
    s = store.table("opportunity_snapshots")
    df = store.execute(s.select("snapshot_date").distinct().order_by("snapshot_date"))
    return [pd.Timestamp(v).date() for v in df["snapshot_date"]]


def _state(store: Store, filters: Filters, day: dt.date, snaps: list[dt.date]) -> tuple[ibis.Table, str]:
    """Open deals at `day` (a snapshot date when `snaps` holds it): (opportunity_id, amount, close)."""
    usable = [s for s in snaps if s == day]
    if usable:
        s = apply(store, "opportunity_snapshots", filters, date_column=None)
        s = s.filter(s.snapshot_date == ibis.date(usable[-1].isoformat()), s.status == "open")
        o = _deals(store, filters, window=False).select("opportunity_id")
        s = s.filter(s.opportunity_id.isin(o.opportunity_id))
        return s.select("opportunity_id", amount=s.amount.fill_null(0.0), close=s.expected_close_date), "snapshots"
    o = _open_at(store, filters, day)
    return o.select("opportunity_id", amount=o.value, close=o.expected_close_date), "reconstructed"


def pipeline_waterfall(store: Store, filters: Filters, *, start_date: dt.date, end_date: dt.date,
                       close_by: dt.date | None = None) -> WaterfallResult:
    """The pipeline waterfall between `start_date` and `end_date` (see :class:`WaterfallResult`)."""
    if end_date < start_date:
        start_date, end_date = end_date, start_date
    snaps = snapshot_dates(store)
    # with snapshots on or before both dates, use the latest snapshot on or before each date; the flows
    # (new, won, lost) are then counted between those snapshot dates, so the waterfall adds up
    before0 = [x for x in snaps if x <= start_date]
    before1 = [x for x in snaps if x <= end_date]
    if before0 and before1 and before0[-1] < before1[-1]:
        start_date, end_date = before0[-1], before1[-1]
        source = "snapshots"
    else:
        snaps, source = [], "reconstructed"
    s0, _ = _state(store, filters, start_date, snaps)
    s1, _ = _state(store, filters, end_date, snaps)
    lim = ibis.date(close_by.isoformat()) if close_by else None

    def scope(s):
        return s.close.notnull() & (s.close <= lim) if lim is not None else ibis.literal(True)

    a = s0.select(_id=s0.opportunity_id, a0=s0.amount, in0=scope(s0))
    b = s1.select(_id=s1.opportunity_id, a1=s1.amount, in1=scope(s1))
    d = _deals(store, filters, window=False)
    # flows are counted from the start day (a snapshot may be taken before that day's changes) to the end
    # of the end day; a deal closed in that span that was not in the start pipeline only counts if it
    # was also created in it (it is new), so nothing is counted twice
    c0 = ibis.timestamp(start_date.isoformat()) if source == "snapshots" else _cut(start_date)
    c1 = _cut(end_date)
    closed = d.filter(d.closed_at >= c0, d.closed_at < c1, d.status != "open").select(
        _id=d.opportunity_id, ac=d.value, won=d.status == "won")
    created = d.filter(d.created_at >= c0, d.created_at < c1).select(_id=d.opportunity_id)
    ids = ibis.union(a.select("_id"), b.select("_id"), closed.select("_id"), distinct=True)
    j = ids.left_join(a, ids._id == a._id).drop("_id_right")
    j = j.left_join(b, j._id == b._id).drop("_id_right")
    j = j.left_join(closed, j._id == closed._id).drop("_id_right")
    j = j.mutate(is_new=j._id.isin(created._id))
    in0 = j.in0.fill_null(False)
    in1 = j.in1.fill_null(False)
    open0 = j.a0.notnull()
    was_closed = j.ac.notnull()
    # where the deal ends: in scope at end, closed (won/lost) in between, or out of scope at end
    ends_in = in1 & ~was_closed
    pushed = in0 & ~was_closed & ~in1
    vanished = in0 & ~was_closed & j.a1.isnull()  # left the pipeline without a close: counted as lost
    end_amount = ibis.coalesce(j.ac, j.a1, j.a0)
    starts_new = ~open0 & (ends_in | (was_closed & j.is_new))
    starts_pulled = ~in0 & open0 & (ends_in | was_closed)
    counted = in0 | starts_new | starts_pulled
    change = ibis.ifelse(in0 & (ends_in | was_closed), end_amount - j.a0, 0.0)
    f = j.aggregate(
        start=j.a0.sum(where=in0), start_n=j.count(where=in0),
        new=end_amount.sum(where=starts_new), new_n=j.count(where=starts_new),
        pulled_in=end_amount.sum(where=starts_pulled), pulled_in_n=j.count(where=starts_pulled),
        increased=change.sum(where=counted & (change > 0)), increased_n=j.count(where=counted & (change > 0)),
        decreased=change.sum(where=counted & (change < 0)), decreased_n=j.count(where=counted & (change < 0)),
        won=(-end_amount).sum(where=counted & was_closed & j.won.fill_null(False)),
        won_n=j.count(where=counted & was_closed & j.won.fill_null(False)),
        lost=(-end_amount).sum(where=counted & ((was_closed & ~j.won.fill_null(False)) | vanished)),
        lost_n=j.count(where=counted & ((was_closed & ~j.won.fill_null(False)) | vanished)),
        pushed_out=(-j.a0).sum(where=pushed & ~vanished), pushed_out_n=j.count(where=pushed & ~vanished),
        end=j.a1.sum(where=counted & ends_in), end_n=j.count(where=counted & ends_in),
    )
    r = store.execute(f).iloc[0]
    steps = pd.DataFrame({
        "step": WATERFALL_STEPS,
        "value": [_num(r[s]) for s in WATERFALL_STEPS],
        "deals": [int(_num(r[f"{s}_n"])) for s in WATERFALL_STEPS],
    })
    return WaterfallResult(start_date=start_date, end_date=end_date, close_by=close_by, source=source, steps=steps)


# ----------------------------------------------------------------------------------------------------------
# what-if and coverage


def quarter_of(d: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar quarter holding `d`."""
    q0 = dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    y, m = (q0.year + (q0.month + 2) // 12, (q0.month + 2) % 12 + 1)
    return q0, dt.date(y, m, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class WhatIfBase:
    """What the what-if needs, computed once: the open deals, stage conversions and historic durations.

    ``open_deals`` columns: opportunity_id, stage_index, amount, days_in_stage (as of ``as_of``).
    ``conversion``: stage-to-next conversion from closed history, one per open stage (prospect->intent,
    intent->engaged, engaged->won). ``durations``: per open stage, the days from entering it to winning,
    for won deals (sorted). ``won_so_far``: amount won this quarter up to the as-of date.
    """

    as_of: dt.date
    quarter_start: dt.date
    quarter_end: dt.date
    won_so_far: float
    open_deals: pd.DataFrame
    conversion: tuple[float, ...]
    durations: tuple[np.ndarray, ...]

    @property
    def enough(self) -> bool:
        return all(len(x) >= 5 for x in self.durations) and all(c == c for c in self.conversion)


@dataclass(frozen=True)
class WhatIfResult:
    """Won revenue expected this quarter under a scenario, and the same under the history as it is."""

    won_so_far: float
    baseline: float
    scenario: float
    baseline_from_pipeline: float
    scenario_from_pipeline: float

    @property
    def change(self) -> float:
        return self.scenario - self.baseline


def what_if_base(store: Store, filters: Filters) -> WhatIfBase:
    """Collect the inputs of :func:`what_if` (aggregated in the engine; durations of won deals only)."""
    day = as_of(store, filters)
    q0, q1 = quarter_of(day)
    cut = _cut(day)
    d = _deals(store, filters, window=False)
    won_q = d.filter(d.status == "won", d.closed_at >= ibis.timestamp(q0.isoformat()), d.closed_at < cut)
    won_so_far = _num(store.execute(won_q.value.sum()))
    # history: closed by the as-of date
    hist = d.filter(d.status != "open", d.closed_at < cut)
    agg = store.execute(hist.aggregate(**{f"c{i}": hist.count(where=hist.stage_idx >= i)
                                          for i in range(len(STAGES))})).iloc[0]
    counts = [int(_num(agg[f"c{i}"])) for i in range(len(STAGES))]
    conversion = tuple(counts[i + 1] / counts[i] if counts[i] else math.nan for i in range(len(OPEN_STAGES)))
    e = _entries(store, hist.filter(hist.status == "won"))
    durations = []
    for i in range(len(OPEN_STAGES)):
        x = store.execute(e.filter(e[f"e{i}"].notnull()).select(days=_days(e[f"e{i}"], e.closed_at)))
        durations.append(np.sort(x["days"].to_numpy(dtype=float)))
    o = _open_at(store, filters, day)
    o = _entries(store, o)
    entered = o.open_stage_idx.cases(*[(i, o[f"e{i}"]) for i in range(len(OPEN_STAGES))], else_=o.e0)
    open_deals = store.execute(o.select("opportunity_id", stage_index=o.open_stage_idx, amount=o.value,
                                        days_in_stage=_days(ibis.coalesce(entered, o.created_at), cut)))
    open_deals["days_in_stage"] = open_deals["days_in_stage"].clip(lower=0)
    return WhatIfBase(as_of=day, quarter_start=q0, quarter_end=q1, won_so_far=won_so_far, open_deals=open_deals,
                      conversion=conversion, durations=tuple(durations))


def _expected(base: WhatIfBase, conversion: list[float], cycle_factor: float) -> float:
    if base.open_deals.empty:
        return 0.0
    remaining = (base.quarter_end - base.as_of).days
    total = 0.0
    for i in range(len(OPEN_STAGES)):
        deals = base.open_deals[base.open_deals["stage_index"] == i]
        durs = base.durations[i] * cycle_factor
        if deals.empty or len(durs) == 0:
            continue
        p_win = float(np.prod([min(max(c, 0.0), 1.0) for c in conversion[i:]]))
        elapsed = deals["days_in_stage"].to_numpy(dtype=float)
        f_then = np.searchsorted(durs, elapsed, side="right") / len(durs)
        f_end = np.searchsorted(durs, elapsed + remaining, side="right") / len(durs)
        alive = 1 - f_then
        p_time = np.where(alive > 0, (f_end - f_then) / np.where(alive > 0, alive, 1), 0.0)
        total += float((deals["amount"].to_numpy(dtype=float) * p_win * p_time).sum())
    return total


def what_if(base: WhatIfBase, *, conversion_change: tuple[float, ...] = (), cycle_factor: float = 1.0) -> WhatIfResult:
    """Expected won revenue this quarter, as it is and under a scenario.

    Each open deal is worth amount × P(win from its stage) × P(it closes by quarter end | it has not yet),
    where P(win) is the product of the remaining stage conversions and the timing comes from how long won
    deals took from entering that stage (durations scaled by `cycle_factor`). New deals that might be
    created and won this quarter are not counted.

    Parameters
    ----------
    conversion_change : relative change of each stage-to-next conversion (0.1 = +10%), one per open stage.
    cycle_factor : 1.2 = deals take 20% longer.
    """
    conv = list(base.conversion)
    scen = [c * (1 + (conversion_change[i] if i < len(conversion_change) else 0.0)) for i, c in enumerate(conv)]
    b = _expected(base, conv, 1.0)
    s = _expected(base, scen, max(cycle_factor, 0.05))
    return WhatIfResult(won_so_far=base.won_so_far, baseline=base.won_so_far + b, scenario=base.won_so_far + s,
                        baseline_from_pipeline=b, scenario_from_pipeline=s)


def coverage_plan(store: Store, filters: Filters, *, by: str = "rep") -> pd.DataFrame:
    """Pipeline needed to make this quarter's target: (target − closed) ÷ win rate, per rep or team.

    The quarter is the one holding the as-of date; closed = order revenue credited to the rep in it so far
    (what the revenue targets are set on, as for quota attainment); win rate = won ÷
    (won + lost) over deals closed in the 12 months before the as-of date; open pipeline as in
    :func:`pipeline_by_stage`.

    Returns columns: group, group_name, target, closed, gap (target − closed, not below 0), win_rate,
    pipeline_needed (None when the win rate cannot be computed), open_pipeline, coverage (open ÷ needed),
    shortfall (needed − open, not below 0).
    """
    if by not in ("rep", "team"):
        raise ValueError("by must be 'rep' or 'team'")
    day = as_of(store, filters)
    q0, q1 = quarter_of(day)
    cut = _cut(day)
    reps = store.table("reps").select("rep_id", "name", "team")
    key = "rep_id" if by == "rep" else "team"
    t = apply(store, "targets", filters, date_column=None)
    t = t.filter(t.month >= ibis.date(q0.isoformat()), t.month <= ibis.date(q1.isoformat()))
    t = t.join(reps, "rep_id")
    targets = store.execute(t.group_by(group=t[key]).aggregate(target=t.target_amount.sum()))
    d = _deals(store, filters, window=False)
    rt = reps.select(_rk=reps.rep_id, _team=reps.team)
    d = d.left_join(rt, d.rep_id == rt._rk)
    d = d.mutate(group=d.rep_id if by == "rep" else d._team)
    start12 = ibis.timestamp((day - dt.timedelta(days=365)).isoformat())
    hist = (d.closed_at >= start12) & (d.closed_at < cut)
    open_now = (d.created_at < cut) & (d.closed_at.isnull() | (d.closed_at >= cut))
    agg = store.execute(d.group_by("group").aggregate(
        won=d.count(where=hist & (d.status == "won")),
        lost=d.count(where=hist & (d.status == "lost")), open_pipeline=d.value.sum(where=open_now)))
    o = apply(store, "orders", filters, date_column=None)
    o = o.filter(o.order_date >= ibis.date(q0.isoformat()), o.order_date <= ibis.date(day.isoformat()),
                 o.rep_id.notnull())
    o = o.join(reps.select(_rk=reps.rep_id, _team=reps.team), o.rep_id == reps.rep_id)
    closed = store.execute(o.group_by(group=o.rep_id if by == "rep" else o._team).aggregate(closed=o.revenue.sum()))
    df = targets.merge(agg, on="group", how="outer").merge(closed, on="group", how="outer")
    df = df[df["group"].notna()]
    names = store.execute(reps.select("rep_id", "name"))
    if by == "rep":
        nm = dict(zip(names["rep_id"], names["name"]))
        df["group_name"] = [nm.get(g) or g for g in df["group"]]
    else:
        df["group_name"] = df["group"]
    for c in ("target", "closed", "won", "lost", "open_pipeline"):
        df[c] = df[c].fillna(0.0)
    closed_n = df["won"] + df["lost"]
    df["win_rate"] = (df["won"] / closed_n.where(closed_n > 0)).astype(float)
    df["gap"] = (df["target"] - df["closed"]).clip(lower=0)
    wr = df["win_rate"].where(df["win_rate"] > 0)
    df["pipeline_needed"] = df["gap"] / wr
    df.loc[df["gap"] == 0, "pipeline_needed"] = 0.0
    df["coverage"] = df["open_pipeline"] / df["pipeline_needed"].where(df["pipeline_needed"] > 0)
    df["shortfall"] = (df["pipeline_needed"] - df["open_pipeline"]).clip(lower=0)
    cols = ["group", "group_name", "target", "closed", "gap", "win_rate", "pipeline_needed", "open_pipeline",
            "coverage", "shortfall"]
    return df.sort_values("shortfall", ascending=False, ignore_index=True)[cols]


# ----------------------------------------------------------------------------------------------------------
# report


def add_report_arguments(parser) -> None:
    parser.add_argument("--by", choices=DIMENSIONS, help="also give the funnel of each group of this field")


def report_json(store: Store, filters: Filters, args=None) -> dict:
    """``python -m salesdash report funnel [--by FIELD]``: :func:`summary` as plain JSON."""
    by = getattr(args, "by", None) if args is not None else None
    return summary(store, filters, by=by).to_json()
