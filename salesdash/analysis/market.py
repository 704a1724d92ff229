"""Market research: demand by group, the target-group finder, price sensitivity, market share, preferences.

Sources are the survey (``survey_responses``), the market table (``market``: market size and competitors by
month, region and category) and our own orders. Every figure is aggregated in the engine; what comes back is
one row per group, per price answered or per month.

Conventions
-----------
* Age bands come from the survey's ``age``: 18-24, 25-34, 35-44, 45-54, 55+ (:data:`AGE_BANDS`); a
  respondent under 18 or without an age is in no band.
* "Interested" means an interest score of 4 or 5 on the 1-5 scale (top-two box); likewise "intends to buy"
  for purchase intent.
* A group with fewer than :data:`MIN_RESPONDENTS` respondents is reported as too few (``enough`` False,
  no rank) rather than ranked: a rate from a handful of answers is noise.
* The survey's region and category answer the region and category filters; the date window applies to the
  survey date. Channel, team and rep filters do not reach the survey.

:func:`summary` is the single source of the Market research page's KPI row and of
``python -m salesdash report market``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd
from scipy import stats

from salesdash.filters import Filters, apply
from salesdash.store import Store

__all__ = [
    "AGE_BANDS", "GROUP_DIMENSIONS", "MIN_RESPONDENTS", "PRICE_QUESTIONS", "PREFERENCE_QUESTIONS",
    "GroupTest", "VanWestendorp", "MarketSummary",
    "demand_by_group", "group_difference", "target_groups", "van_westendorp", "price_sensitivity",
    "share_by", "share_trend", "competitor_prices", "preferences", "preference_difference",
    "summary", "report_json", "add_report_arguments",
]

#: Age bands of the survey's respondents (under 18: no band).
AGE_BANDS: tuple[str, ...] = ("18-24", "25-34", "35-44", "45-54", "55+")
#: The respondent attributes demand can be split by.
GROUP_DIMENSIONS: tuple[str, ...] = ("age_band", "gender", "income_band", "occupation", "region", "category")
#: A group with fewer respondents than this is shown as "too few", not ranked.
MIN_RESPONDENTS = 30
#: Interest / intent at or above this (1-5 scale) counts as interested (top-two box).
TOP_BOX = 4
#: The four Van Westendorp questions, in order from cheapest to dearest.
PRICE_QUESTIONS: tuple[str, ...] = ("too_cheap", "cheap", "expensive", "too_expensive")
#: The survey's multiple-choice questions about where and what people buy.
PREFERENCE_QUESTIONS: tuple[str, ...] = ("preferred_channel", "brand_used")
#: Income bands as an ordinal spending-power score (low = 1 ... high = 5).
INCOME_SCORE = {"low": 1, "lower_middle": 2, "middle": 3, "upper_middle": 4, "high": 5}
#: Levels of a 1-5 score used by the chi-square test (1-2, 3, 4-5), so cells are not too sparse.
SCORE_LEVELS = ("low", "neutral", "high")


# ----- the survey ------------------------------------------------------------------------------------------
def _age_band(age: ibis.IntegerColumn) -> ibis.StringValue:
    return ibis.cases(
        (age.isnull() | (age < 18), ibis.null("string")),
        (age < 25, AGE_BANDS[0]),
        (age < 35, AGE_BANDS[1]),
        (age < 45, AGE_BANDS[2]),
        (age < 55, AGE_BANDS[3]),
        else_=AGE_BANDS[4],
    )


def _income_score(band: ibis.StringColumn) -> ibis.IntegerValue:
    return band.cases(*INCOME_SCORE.items(), else_=ibis.null("int64"))


def survey(store: Store, filters: Filters) -> ibis.Table:
    """The filtered survey responses with ``age_band`` and ``income_score`` added (an ibis expression)."""
    s = apply(store, "survey_responses", filters)
    return s.mutate(age_band=_age_band(s.age), income_score=_income_score(s.income_band))


def _check_dimension(by: str) -> None:
    if by not in GROUP_DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(GROUP_DIMENSIONS)}, not {by!r}")


def _num(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def respondents(store: Store, filters: Filters) -> int:
    """Number of survey responses in the window."""
    return int(store.execute(survey(store, filters).count()))


def demand_by_group(store: Store, filters: Filters, *, by: str,
                    min_respondents: int = MIN_RESPONDENTS) -> pd.DataFrame:
    """Interest and purchase intent of each group of respondents.

    Parameters
    ----------
    by : one of :data:`GROUP_DIMENSIONS` (``age_band``, ``gender``, ``income_band``, ``occupation``,
        ``region``, ``category``). Respondents without a value are left out.
    min_respondents : groups with fewer respondents have ``enough`` False and no rank.

    Returns
    -------
    DataFrame, one row per group: group (code), respondents, mean_interest, mean_intent (1-5),
    interest_rate and intent_rate (share scoring 4-5), enough (bool), rank (1 = highest interest rate among
    groups with enough respondents; NA otherwise). Ranked groups first, by interest rate.
    """
    return _demand(_group_counts(store, filters, by), min_respondents)


def _group_counts(store: Store, filters: Filters, by: str) -> pd.DataFrame:
    """Respondents per (group, interest score): group, interest, n, intent_n, intent_sum, intending.

    One small query serves both the demand table and the interest test of a dimension.
    """
    _check_dimension(by)
    s = survey(store, filters)
    s = s.filter(s[by].notnull())
    return store.execute(s.group_by(group=s[by], interest=s.interest).aggregate(
        n=s.count(), intent_n=s.purchase_intent.count(), intent_sum=s.purchase_intent.sum(),
        intending=(s.purchase_intent >= TOP_BOX).sum()))


def _demand(counts: pd.DataFrame, min_respondents: int) -> pd.DataFrame:
    cols = ["group", "respondents", "mean_interest", "mean_intent", "interest_rate", "intent_rate", "enough", "rank"]
    if counts.empty:
        return pd.DataFrame(columns=cols)
    c = counts.assign(
        answered=counts["n"].where(counts["interest"].notna(), 0),
        interest_sum=(counts["interest"].astype(float) * counts["n"]).fillna(0.0),
        interested=counts["n"].where(counts["interest"].astype(float) >= TOP_BOX, 0),
    )
    g = c.groupby("group", as_index=False)[["n", "answered", "interest_sum", "interested", "intent_n",
                                             "intent_sum", "intending"]].sum()
    answered = g["answered"].where(g["answered"] > 0)
    intent_n = g["intent_n"].where(g["intent_n"] > 0)
    df = pd.DataFrame({
        "group": g["group"], "respondents": g["n"],
        "mean_interest": g["interest_sum"] / answered,
        "mean_intent": g["intent_sum"].astype(float) / intent_n,
        "interest_rate": g["interested"] / answered,
        "intent_rate": g["intending"].astype(float) / intent_n,
    })
    return _rank_groups(df, min_respondents, sort_by="interest_rate")[cols]


def _rank_groups(df: pd.DataFrame, min_respondents: int, *, sort_by: str) -> pd.DataFrame:
    df = df.copy()
    df["respondents"] = df["respondents"].astype("int64")
    if "interested" in df:
        df["interest_rate"] = df["interested"] / df["respondents"]
    if "intending" in df:
        df["intent_rate"] = df["intending"] / df["respondents"]
    df["enough"] = df["respondents"] >= min_respondents
    df = df.sort_values(["enough", sort_by], ascending=[False, False], ignore_index=True)
    df["rank"] = pd.array([i + 1 if ok else pd.NA for i, ok in enumerate(df["enough"])], dtype="Int64")
    return df


# ----- chi-square tests of independence ---------------------------------------------------------------------
@dataclass(frozen=True)
class GroupTest:
    """A chi-square test of whether the answers differ between groups.

    ``enough`` False means the test was not run; ``reason`` says what was missing. ``groups`` counts the
    groups tested (those with at least the minimum of respondents), ``left_out`` those with too few.
    """

    by: str
    question: str
    n: int
    groups: int
    left_out: int
    statistic: float | None
    dof: int | None
    p_value: float | None
    cramers_v: float | None
    enough: bool
    reason: str | None = None

    @property
    def differs(self) -> bool | None:
        """True when the groups differ at the 5% level (None when the test was not run)."""
        return None if self.p_value is None else self.p_value < 0.05

    def to_json(self) -> dict:
        return {"by": self.by, "question": self.question, "n": self.n, "groups": self.groups,
                "left_out": self.left_out, "chi_square": self.statistic, "dof": self.dof,
                "p_value": self.p_value, "cramers_v": self.cramers_v, "differs": self.differs,
                "reason": self.reason}


def chi_square(counts: pd.DataFrame, *, by: str = "group", question: str = "answer",
               min_respondents: int = MIN_RESPONDENTS) -> GroupTest:
    """Chi-square test of independence on a long table of counts.

    Parameters
    ----------
    counts : columns group, answer, n (respondents giving that answer in that group).
    min_respondents : groups with fewer respondents are left out of the test.

    The test needs at least two groups and two answers with respondents, and expected counts of at least 1
    everywhere with at most 20% below 5 (Cochran's rule); otherwise ``enough`` is False with the reason.
    Cramér's V = sqrt(chi² / (n × (min(rows, columns) − 1))) measures how strong the difference is.
    """
    table = counts.pivot_table(index="group", columns="answer", values="n", aggfunc="sum", fill_value=0)
    sizes = table.sum(axis=1)
    kept = table[sizes >= min_respondents]
    left_out = int((sizes < min_respondents).sum())
    kept = kept.loc[:, kept.sum(axis=0) > 0]
    n = int(kept.to_numpy().sum())

    def nope(reason: str) -> GroupTest:
        return GroupTest(by, question, n, len(kept), left_out, None, None, None, None, False, reason)

    if len(kept) < 2:
        return nope(f"at least 2 groups with {min_respondents} or more respondents")
    if kept.shape[1] < 2:
        return nope("at least 2 different answers")
    res = stats.chi2_contingency(kept.to_numpy(), correction=False)
    expected = res.expected_freq
    if expected.min() < 1 or (expected < 5).mean() > 0.2:
        return nope("expected counts of at least 5 in 80% of the cells (more respondents per group)")
    k = min(kept.shape) - 1
    return GroupTest(by, question, n, len(kept), left_out, float(res.statistic), int(res.dof),
                     float(res.pvalue), float(np.sqrt(res.statistic / (n * k))), True)


def group_difference(store: Store, filters: Filters, *, by: str, question: str = "interest",
                     min_respondents: int = MIN_RESPONDENTS) -> GroupTest:
    """Do interest (or purchase intent) answers differ between groups? A chi-square test of independence.

    The 1-5 answers are grouped into low (1-2), neutral (3) and high (4-5) so cells are not too sparse;
    the contingency table (groups × levels) is counted in the engine. See :func:`chi_square`.

    Parameters
    ----------
    by : one of :data:`GROUP_DIMENSIONS`.
    question : ``interest`` or ``purchase_intent``.
    """
    _check_dimension(by)
    if question not in ("interest", "purchase_intent"):
        raise ValueError(f"question must be 'interest' or 'purchase_intent', not {question!r}")
    if question == "interest":
        return _interest_test(_group_counts(store, filters, by), by, min_respondents)
    s = survey(store, filters)
    s = s.filter(s[by].notnull(), s[question].notnull())
    level = ibis.cases((s[question] <= 2, "low"), (s[question] == 3, "neutral"), else_="high")
    counts = store.execute(s.group_by(group=s[by], answer=level).aggregate(n=s.count()))
    return chi_square(counts, by=by, question=question, min_respondents=min_respondents)


def _interest_test(counts: pd.DataFrame, by: str, min_respondents: int) -> GroupTest:
    c = counts[counts["interest"].notna()]
    score = c["interest"].astype(float)
    level = np.where(score <= 2, "low", np.where(score == 3, "neutral", "high"))
    table = pd.DataFrame({"group": c["group"], "answer": level, "n": c["n"]})
    return chi_square(table, by=by, question="interest", min_respondents=min_respondents)


# ----- target groups -----------------------------------------------------------------------------------------
def target_groups(store: Store, filters: Filters, *, dims: tuple[str, ...] = ("age_band", "occupation"),
                  category: str | None = None, min_respondents: int = MIN_RESPONDENTS) -> pd.DataFrame:
    """Rank groups of respondents (per product category) as targets: interest × size × spending power.

    Parameters
    ----------
    dims : the attributes that define a group (from :data:`GROUP_DIMENSIONS`, not ``category``), e.g.
        ``("age_band", "occupation")`` gives groups such as "25-34 white-collar".
    category : only this category (None: every category; a group is then a group *for* a category).
    min_respondents : groups with fewer respondents are shown but not ranked.

    Returns
    -------
    DataFrame, one row per (category, group): category, one column per dim, respondents, mean_interest,
    interest_rate (share scoring 4-5), size_share (the group's respondents ÷ all respondents of the
    category), spending_index (the group's mean income score ÷ the category's, 1 = average; income bands
    scored low = 1 ... high = 5), score = interest_rate × size_share × spending_index, enough, rank
    (1 = best score among groups with enough respondents). Ranked groups first.
    """
    dims = tuple(dims)
    for d in dims:
        _check_dimension(d)
    if "category" in dims or not dims:
        raise ValueError("dims must name one or more respondent attributes other than category")
    s = survey(store, filters)
    if category is not None:
        s = s.filter(s.category == category)
    s = s.filter(s.category.notnull(), *[s[d].notnull() for d in dims])
    groups = store.execute(
        s.group_by(["category", *dims]).aggregate(
            respondents=s.count(),
            mean_interest=s.interest.mean(),
            interested=(s.interest >= TOP_BOX).sum(),
            income_sum=s.income_score.sum(),
            income_n=s.income_score.count(),
        )
    )
    cols = ["category", *dims, "respondents", "mean_interest", "interest_rate", "size_share",
            "spending_index", "score", "enough", "rank"]
    if groups.empty:
        return pd.DataFrame(columns=cols)
    per_cat = groups.groupby("category")[["respondents", "income_sum", "income_n"]].transform("sum")
    groups["interest_rate"] = groups["interested"] / groups["respondents"]
    groups["size_share"] = groups["respondents"] / per_cat["respondents"]
    group_income = groups["income_sum"] / groups["income_n"].where(groups["income_n"] > 0)
    cat_income = per_cat["income_sum"] / per_cat["income_n"].where(per_cat["income_n"] > 0)
    groups["spending_index"] = (group_income / cat_income).fillna(1.0)
    groups["score"] = groups["interest_rate"] * groups["size_share"] * groups["spending_index"]
    return _rank_groups(groups, min_respondents, sort_by="score")[cols]


# ----- price sensitivity (Van Westendorp) ---------------------------------------------------------------------
@dataclass(frozen=True)
class VanWestendorp:
    """The Van Westendorp price sensitivity meter of one set of answers.

    Curves (on ``curves``: columns price, too_cheap, cheap, expensive, too_expensive, not_cheap,
    not_expensive, all shares 0-1):

    * too_cheap(p), cheap(p): share of respondents whose answer is at or above p (decreasing in p);
    * expensive(p), too_expensive(p): share whose answer is at or below p (increasing in p);
    * not_cheap = 1 − cheap, not_expensive = 1 − expensive.

    Price points, each where two curves cross:

    * ``opp`` optimal price point: too cheap × too expensive;
    * ``ipp`` indifference price point: cheap × expensive;
    * ``pmc`` point of marginal cheapness: too cheap × not cheap (lower end of the acceptable range);
    * ``pme`` point of marginal expensiveness: too expensive × not expensive (upper end).

    The curves are evaluated on a price grid (by default every price anyone answered); a crossing is the
    first grid step where the falling curve is no longer above the rising one, placed by linear
    interpolation between the two grid prices around it. Where the two curves are equal at grid prices
    (over a range of them when both are flat, e.g. both 0 in the tails), the crossing is the middle of that
    range. No crossing inside the grid gives None.
    ``enough`` False (with ``reason``) when fewer than the minimum of respondents answered all four.
    """

    n: int
    dropped: int
    opp: float | None
    ipp: float | None
    pmc: float | None
    pme: float | None
    curves: pd.DataFrame
    enough: bool
    reason: str | None = None

    @property
    def acceptable_range(self) -> tuple[float | None, float | None]:
        """The range of acceptable prices [PMC, PME]."""
        return self.pmc, self.pme

    def to_json(self) -> dict:
        return {"respondents": self.n, "dropped_inconsistent": self.dropped, "optimal_price": self.opp,
                "indifference_price": self.ipp, "acceptable_low": self.pmc, "acceptable_high": self.pme,
                "reason": self.reason}


def _crossing(grid: np.ndarray, falling: np.ndarray, rising: np.ndarray) -> float | None:
    """The price where the falling curve meets the rising one (linear interpolation between grid prices)."""
    d = falling - rising
    below = np.flatnonzero(d <= 0)
    if below.size == 0:
        return None
    i = int(below[0])
    if d[i] == 0:  # equal at a grid price, perhaps over a range of them (both curves flat): its middle
        j = i
        while j + 1 < len(d) and d[j + 1] == 0:
            j += 1
        return float((grid[i] + grid[j]) / 2)
    if i == 0:
        return None
    d0, d1 = d[i - 1], d[i]
    return float(grid[i - 1] + (grid[i] - grid[i - 1]) * d0 / (d0 - d1))


def _van_westendorp_from_counts(counts: pd.DataFrame, *, n: int, dropped: int, grid=None,
                                min_respondents: int, max_grid: int = 400) -> VanWestendorp:
    """Curves and price points from counts per (question, price); see :class:`VanWestendorp`."""
    empty = pd.DataFrame(columns=["price", *PRICE_QUESTIONS, "not_cheap", "not_expensive"])
    if n < max(min_respondents, 1):
        return VanWestendorp(n, dropped, None, None, None, None, empty, False,
                             f"at least {max(min_respondents, 1)} respondents answering all four price questions")
    if grid is None:
        prices = np.unique(counts["price"].to_numpy(dtype=float))
        grid = prices if prices.size <= max_grid else np.linspace(prices[0], prices[-1], max_grid)
    grid = np.asarray(sorted(grid), dtype=float)
    curves = {"price": grid}
    for q in PRICE_QUESTIONS:
        c = counts[counts["question"] == q].sort_values("price")
        p = c["price"].to_numpy(dtype=float)
        cum = np.concatenate([[0.0], np.cumsum(c["n"].to_numpy(dtype=float))])  # cum[k]: answers among first k
        if q in ("too_cheap", "cheap"):  # share answering at or above the grid price
            curves[q] = (cum[-1] - cum[np.searchsorted(p, grid, side="left")]) / n
        else:  # share answering at or below the grid price
            curves[q] = cum[np.searchsorted(p, grid, side="right")] / n
    df = pd.DataFrame(curves)
    df["not_cheap"] = 1 - df["cheap"]
    df["not_expensive"] = 1 - df["expensive"]
    g = df["price"].to_numpy()
    return VanWestendorp(
        n=n, dropped=dropped,
        opp=_crossing(g, df["too_cheap"].to_numpy(), df["too_expensive"].to_numpy()),
        ipp=_crossing(g, df["cheap"].to_numpy(), df["expensive"].to_numpy()),
        pmc=_crossing(g, df["too_cheap"].to_numpy(), df["not_cheap"].to_numpy()),
        pme=_crossing(g, df["not_expensive"].to_numpy(), df["too_expensive"].to_numpy()),
        curves=df, enough=True,
    )


def _consistent(too_cheap, cheap, expensive, too_expensive):
    return (too_cheap <= cheap) & (cheap <= expensive) & (expensive <= too_expensive)


def van_westendorp(answers: pd.DataFrame, *, grid=None, consistent_only: bool = True,
                   min_respondents: int = 1) -> VanWestendorp:
    """The Van Westendorp meter of a small table of answers (one row per respondent).

    Parameters
    ----------
    answers : columns too_cheap, cheap, expensive, too_expensive (prices). Rows missing any are dropped.
    grid : the prices to evaluate the curves at (default: every price answered).
    consistent_only : drop respondents whose answers are not ordered
        too_cheap ≤ cheap ≤ expensive ≤ too_expensive (counted in ``dropped``).
    min_respondents : fewer respondents give ``enough`` False.

    See :class:`VanWestendorp` for the curves, the price points and the crossing convention.
    """
    missing = [q for q in PRICE_QUESTIONS if q not in answers.columns]
    if missing:
        raise ValueError(f"answers lack the columns {missing}")
    a = answers[list(PRICE_QUESTIONS)].dropna().astype(float)
    dropped = 0
    if consistent_only:
        ok = _consistent(a.too_cheap, a.cheap, a.expensive, a.too_expensive)
        dropped = int((~ok).sum())
        a = a[ok]
    counts = (a.melt(var_name="question", value_name="price").groupby(["question", "price"]).size()
              .rename("n").reset_index())
    return _van_westendorp_from_counts(counts, n=len(a), dropped=dropped, grid=grid,
                                       min_respondents=min_respondents)


def _price_counts(store: Store, s: ibis.Table, keys: list[str]) -> pd.DataFrame:
    """Respondents per (keys, consistent, question, price answered): one query for every cell at once."""
    s = s.filter(*[s[q].notnull() for q in PRICE_QUESTIONS], *[s[k].notnull() for k in keys])
    s = s.mutate(consistent=_consistent(s.too_cheap, s.cheap, s.expensive, s.too_expensive))
    parts = [s.group_by(*keys, "consistent", price=s[q].cast("float64")).aggregate(n=s.count())
             .mutate(question=ibis.literal(q)) for q in PRICE_QUESTIONS]
    return store.execute(ibis.union(*parts))


def _meter(counts: pd.DataFrame, *, consistent_only: bool, min_respondents: int, grid=None) -> VanWestendorp:
    """The meter of one cell of :func:`_price_counts`."""
    first = counts["question"] == PRICE_QUESTIONS[0]
    dropped = 0
    if consistent_only:
        dropped = int(counts.loc[first & ~counts["consistent"].astype(bool), "n"].sum())
        counts = counts[counts["consistent"].astype(bool)]
    n = int(counts.loc[counts["question"] == PRICE_QUESTIONS[0], "n"].sum())
    merged = counts.groupby(["question", "price"], as_index=False)["n"].sum()
    return _van_westendorp_from_counts(merged, n=n, dropped=dropped, grid=grid, min_respondents=min_respondents)


def price_sensitivity(store: Store, filters: Filters, *, category: str | None = None, by: str | None = None,
                      group: str | None = None, consistent_only: bool = True,
                      min_respondents: int = MIN_RESPONDENTS, grid=None) -> VanWestendorp:
    """Van Westendorp price sensitivity from the survey, for a category and optionally one group.

    Parameters
    ----------
    category : the product category asked about (None: all; mixing categories rarely makes sense).
    by, group : a segment, e.g. ``by="income_band", group="high"`` (both or neither).
    consistent_only : drop respondents whose four answers are not in increasing order.
    min_respondents : fewer consistent respondents give ``enough`` False.
    grid : prices to evaluate the curves at (default: every price answered).

    Counting happens in the engine (respondents per question and price answered); the curves are built
    from those counts. See :class:`VanWestendorp`.
    """
    if (by is None) != (group is None):
        raise ValueError("give both by and group, or neither")
    s = survey(store, filters)
    if category is not None:
        s = s.filter(s.category == category)
    if by is not None:
        _check_dimension(by)
        s = s.filter(s[by] == group)
    counts = _price_counts(store, s, [])
    return _meter(counts, consistent_only=consistent_only, min_respondents=min_respondents, grid=grid)


def price_points(store: Store, filters: Filters, *, by: str | None = None, consistent_only: bool = True,
                 min_respondents: int = MIN_RESPONDENTS) -> pd.DataFrame:
    """The Van Westendorp price points of every category (and, with `by`, every group within it).

    Returns columns: category, group (None without `by`), respondents (consistent ones), opp, ipp, pmc, pme,
    enough. One query counts every cell.
    """
    if by:
        _check_dimension(by)
    keys = ["category"] + ([by] if by else [])
    counts = _price_counts(store, survey(store, filters), keys)
    rows = []
    for cell, c in counts.groupby(keys, sort=True):
        cell = cell if isinstance(cell, tuple) else (cell,)
        vw = _meter(c, consistent_only=consistent_only, min_respondents=min_respondents)
        rows.append({"category": cell[0], "group": cell[1] if by else None, "respondents": vw.n, "opp": vw.opp,
                     "ipp": vw.ipp, "pmc": vw.pmc, "pme": vw.pme, "enough": vw.enough})
    return pd.DataFrame(rows, columns=["category", "group", "respondents", "opp", "ipp", "pmc", "pme", "enough"])


# ----- market size and share ---------------------------------------------------------------------------------
def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _months_in(filters: Filters) -> tuple[dt.date | None, dt.date | None]:
    """[first, last) of the whole months inside the window; (None, None) for all dates.

    The market table is monthly, so a month cut by the window is left out of both sides of a share.
    """
    if filters.start is None and filters.end is None:
        return None, None
    lo = None
    if filters.start is not None:
        lo = filters.start if filters.start.day == 1 else _add_months(filters.start, 1)
    hi = None
    if filters.end is not None:
        after = filters.end + dt.timedelta(days=1)
        hi = after if after.day == 1 else after.replace(day=1)
    return lo, hi


def _market_and_orders(store: Store, filters: Filters) -> tuple[ibis.Table, ibis.Table]:
    m = apply(store, "market", filters, date_column=None)
    o = apply(store, "orders", filters, date_column=None)
    lo, hi = _months_in(filters)
    if lo is not None:
        m = m.filter(m.month >= ibis.date(lo.isoformat()))
        o = o.filter(o.order_date >= ibis.date(lo.isoformat()))
    if hi is not None:
        m = m.filter(m.month < ibis.date(hi.isoformat()))
        o = o.filter(o.order_date < ibis.date(hi.isoformat()))
    # only the months the market table covers, so share compares like with like
    span = m.aggregate(lo=m.month.min(), hi=m.month.max())
    o = o.filter(o.order_date >= span.lo.as_scalar(), o.order_date < span.hi.as_scalar() + ibis.interval(months=1))
    return m, o


def _order_keys(store: Store, o: ibis.Table, by: str) -> tuple[ibis.Table, ibis.Value]:
    if by == "region":
        c = store.table("customers")
        j = o.join(c.select("customer_id", "region"), "customer_id")
        return j, j.region
    if by == "category":
        p = store.table("products")
        j = o.join(p.select("product_id", "category"), "product_id")
        return j, j.category
    return o, o.order_date.truncate("M")


def share_by(store: Store, filters: Filters, *, by: str) -> pd.DataFrame:
    """Our sales against the market and the competitors, by region, category or month.

    The market table lists, per month, region and category, the market size (repeated on each competitor's
    row) and each competitor's sales. Only whole months inside the window that the market table covers are
    counted, for both the market and our orders.

    Parameters
    ----------
    by : ``region`` (the customer's region), ``category`` (the product's) or ``month``.

    Returns
    -------
    DataFrame, one row per key: key (region / category code, or month as Timestamp), market_size,
    our_revenue, our_share (our revenue ÷ market size), competitor_sales, competitor_share, other_share
    (the rest of the market: 1 − ours − competitors', floored at 0), top_competitor, top_competitor_share.
    Largest market first (months in order).
    """
    if by not in ("region", "category", "month"):
        raise ValueError(f"by must be region, category or month, not {by!r}")
    m, o = _market_and_orders(store, filters)
    mkey = m.month if by == "month" else m[by]
    cells = m.group_by(key=mkey, month=m.month, region=m.region, category=m.category).aggregate(
        size=m.market_size.max())
    size = store.execute(cells.group_by("key").aggregate(market_size=cells.size.sum()))
    comp = store.execute(m.group_by(key=mkey, competitor=m.competitor).aggregate(sales=m.competitor_sales.sum()))
    j, okey = _order_keys(store, o, by)
    ours = store.execute(j.group_by(key=okey).aggregate(our_revenue=j.revenue.sum()))
    cols = ["key", "market_size", "our_revenue", "our_share", "competitor_sales", "competitor_share",
            "other_share", "top_competitor", "top_competitor_share"]
    if size.empty:
        return pd.DataFrame(columns=cols)
    if by == "month":
        for df in (size, comp, ours):
            df["key"] = pd.to_datetime(df["key"])
    df = size.merge(ours, on="key", how="left")
    df["our_revenue"] = df["our_revenue"].fillna(0.0)
    tot = comp.groupby("key", as_index=False)["sales"].sum().rename(columns={"sales": "competitor_sales"})
    top = comp.sort_values(["key", "sales"], ascending=[True, False]).drop_duplicates("key")
    top = top.rename(columns={"competitor": "top_competitor", "sales": "top_sales"})
    df = df.merge(tot, on="key", how="left").merge(top, on="key", how="left")
    size_ok = df["market_size"].where(df["market_size"] > 0)
    df["our_share"] = df["our_revenue"] / size_ok
    df["competitor_share"] = df["competitor_sales"] / size_ok
    df["other_share"] = (1 - df["our_share"] - df["competitor_share"]).clip(lower=0)
    df["top_competitor_share"] = df["top_sales"] / size_ok
    order = ("key", True) if by == "month" else ("market_size", False)
    return df.sort_values(order[0], ascending=order[1], ignore_index=True)[cols]


def share_trend(store: Store, filters: Filters) -> pd.DataFrame:
    """Monthly share of the market for us and each competitor.

    Returns a long DataFrame: month (Timestamp), player (``"us"`` or the competitor's name), sales, share
    (sales ÷ that month's market size). Whole months inside the window only (see :func:`share_by`).
    """
    m, o = _market_and_orders(store, filters)
    cells = m.group_by("month", "region", "category").aggregate(size=m.market_size.max())
    size = store.execute(cells.group_by("month").aggregate(market_size=cells.size.sum()))
    comp = store.execute(m.group_by("month", player=m.competitor).aggregate(sales=m.competitor_sales.sum()))
    ours = store.execute(o.group_by(month=o.order_date.truncate("M")).aggregate(sales=o.revenue.sum()))
    ours["player"] = "us"
    cols = ["month", "player", "sales", "share"]
    if size.empty:
        return pd.DataFrame(columns=cols)
    long = pd.concat([ours, comp], ignore_index=True)
    for df in (long, size):
        df["month"] = pd.to_datetime(df["month"])
    long = long.merge(size, on="month", how="inner")
    long["share"] = long["sales"] / long["market_size"].where(long["market_size"] > 0)
    return long.sort_values(["month", "player"], ignore_index=True)[cols]


def competitor_prices(store: Store, filters: Filters) -> pd.DataFrame:
    """Competitors' average prices against ours, by category.

    Competitor price: the competitor's monthly average price weighted by its sales in those months and
    regions. Our price: net revenue ÷ units sold (same whole months as :func:`share_by`).

    Returns columns: category, competitor, competitor_price, our_price, price_gap (our price ÷ competitor
    price − 1: +10% means we are 10% dearer). Categories in order, cheapest competitor first.
    """
    m, o = _market_and_orders(store, filters)
    m = m.filter(m.competitor_price.notnull(), m.competitor_sales > 0)
    comp = store.execute(m.group_by("category", "competitor").aggregate(
        weighted=(m.competitor_price * m.competitor_sales).sum(), sales=m.competitor_sales.sum()))
    j, key = _order_keys(store, o, "category")
    j = j.filter(j.quantity > 0)
    ours = store.execute(j.group_by(category=key).aggregate(revenue=j.revenue.sum(), units=j.quantity.sum()))
    cols = ["category", "competitor", "competitor_price", "our_price", "price_gap"]
    if comp.empty:
        return pd.DataFrame(columns=cols)
    comp["competitor_price"] = comp["weighted"] / comp["sales"]
    ours["our_price"] = ours["revenue"] / ours["units"].where(ours["units"] > 0)
    df = comp.merge(ours[["category", "our_price"]], on="category", how="left")
    df["price_gap"] = df["our_price"] / df["competitor_price"] - 1
    return df.sort_values(["category", "competitor_price"], ignore_index=True)[cols]


# ----- preferences (channels and brands) -------------------------------------------------------------------
def _check_question(question: str) -> None:
    if question not in PREFERENCE_QUESTIONS:
        raise ValueError(f"question must be one of {', '.join(PREFERENCE_QUESTIONS)}, not {question!r}")


def preferences(store: Store, filters: Filters, *, question: str, by: str | None = None) -> pd.DataFrame:
    """How respondents answer a multiple-choice question, overall or by group.

    Parameters
    ----------
    question : ``preferred_channel`` or ``brand_used``.
    by : a group dimension (None: all respondents form one group, ``group`` is None).

    Returns columns: group, answer, respondents, share (of the group's respondents who answered). Groups in
    order, most common answer first.
    """
    _check_question(question)
    s = survey(store, filters)
    s = s.filter(s[question].notnull())
    if by is not None:
        _check_dimension(by)
        s = s.filter(s[by].notnull())
        df = store.execute(s.group_by(group=s[by], answer=s[question]).aggregate(respondents=s.count()))
    else:
        df = store.execute(s.group_by(answer=s[question]).aggregate(respondents=s.count()))
        df["group"] = None
    cols = ["group", "answer", "respondents", "share"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["respondents"] = df["respondents"].astype("int64")
    totals = df.groupby("group", dropna=False)["respondents"].transform("sum")
    df["share"] = df["respondents"] / totals
    return df.sort_values(["group", "respondents"], ascending=[True, False], ignore_index=True)[cols]


def preference_difference(store: Store, filters: Filters, *, question: str, by: str,
                          min_respondents: int = MIN_RESPONDENTS) -> GroupTest:
    """Do groups differ in their preferred channel (or brand)? Chi-square test, see :func:`chi_square`."""
    _check_question(question)
    _check_dimension(by)
    df = preferences(store, filters, question=question, by=by)
    counts = df.rename(columns={"respondents": "n"})[["group", "answer", "n"]]
    return chi_square(counts, by=by, question=question, min_respondents=min_respondents)


# ----- the headline figures -------------------------------------------------------------------------------
@dataclass(frozen=True)
class MarketSummary:
    """The Market research page's headline figures for a window (None: cannot be computed)."""

    start: dt.date | None
    end: dt.date | None
    respondents: int
    interest_rate: float | None
    intent_rate: float | None
    top_group: dict | None
    group_tests: tuple[GroupTest, ...]
    top_targets: pd.DataFrame
    prices: pd.DataFrame
    market_size: float | None
    our_revenue: float | None
    market_share: float | None
    top_competitor: str | None
    top_competitor_share: float | None

    def to_json(self) -> dict:
        """Plain JSON: numbers, rates as 0-1 fractions, ISO dates, null where a figure cannot be computed."""
        def rec(df: pd.DataFrame) -> list[dict]:
            return [{k: (None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v)
                     for k, v in r.items()} for r in df.to_dict(orient="records")]

        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "respondents": self.respondents,
            "interest_rate": self.interest_rate,
            "intent_rate": self.intent_rate,
            "top_group": self.top_group,
            "group_tests": [g.to_json() for g in self.group_tests],
            "target_groups": rec(self.top_targets),
            "prices": rec(self.prices.drop(columns=["group"]).rename(columns={
                "opp": "optimal_price", "ipp": "indifference_price", "pmc": "acceptable_low",
                "pme": "acceptable_high"})),
            "market_size": self.market_size,
            "our_revenue": self.our_revenue,
            "market_share": self.market_share,
            "top_competitor": self.top_competitor,
            "top_competitor_share": self.top_competitor_share,
        }


def summary(store: Store, filters: Filters, *, min_respondents: int = MIN_RESPONDENTS,
            target_dims: tuple[str, ...] = ("age_band", "occupation")) -> MarketSummary:
    """The headline figures: respondents, interest, the leading group, group tests, target groups,
    price points per category and our market share."""
    s = survey(store, filters)
    row = store.execute(s.aggregate(n=s.count(), interested=(s.interest >= TOP_BOX).sum(),
                                    intending=(s.purchase_intent >= TOP_BOX).sum(),
                                    answered=s.interest.count(), answered_intent=s.purchase_intent.count())).iloc[0]
    n = int(row["n"])
    answered, answered_intent = int(row["answered"] or 0), int(row["answered_intent"] or 0)
    tests = []
    top_group = None
    best = None
    for d in GROUP_DIMENSIONS:
        counts = _group_counts(store, filters, d)
        tests.append(_interest_test(counts, d, min_respondents))
        g = _demand(counts, min_respondents)
        g = g[g["enough"]]
        if not g.empty and (best is None or g["interest_rate"].iloc[0] > best[2]):
            best = (d, g["group"].iloc[0], float(g["interest_rate"].iloc[0]), int(g["respondents"].iloc[0]))
    if best is not None:
        top_group = {"by": best[0], "group": best[1], "interest_rate": best[2], "respondents": best[3]}
    targets = target_groups(store, filters, dims=target_dims, min_respondents=min_respondents)
    targets = targets[targets["enough"]].head(5).reset_index(drop=True)
    prices = price_points(store, filters, min_respondents=min_respondents)
    by_cat = share_by(store, filters, by="category")
    size = float(by_cat["market_size"].sum()) if not by_cat.empty else None
    ours = float(by_cat["our_revenue"].sum()) if not by_cat.empty else None
    top_comp, top_share = None, None
    if size:
        m, _ = _market_and_orders(store, filters)
        comp = store.execute(m.group_by("competitor").aggregate(sales=m.competitor_sales.sum())
                             .order_by(ibis.desc("sales")).limit(1))
        if not comp.empty:
            top_comp, top_share = str(comp["competitor"].iloc[0]), float(comp["sales"].iloc[0]) / size
    return MarketSummary(
        start=filters.start, end=filters.end, respondents=n,
        interest_rate=int(row["interested"] or 0) / answered if answered else None,
        intent_rate=int(row["intending"] or 0) / answered_intent if answered_intent else None,
        top_group=top_group, group_tests=tuple(tests), top_targets=targets, prices=prices,
        market_size=size, our_revenue=ours, market_share=ours / size if size else None,
        top_competitor=top_comp, top_competitor_share=top_share,
    )


def _positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def add_report_arguments(parser) -> None:
    """``report market`` options: ``--min-respondents`` (smallest group that is ranked)."""
    parser.add_argument("--min-respondents", type=_positive_int, default=MIN_RESPONDENTS,
                        help=f"smallest group that is ranked or tested (default {MIN_RESPONDENTS})")


def report_json(store: Store, filters: Filters, args=None) -> dict:
    """``python -m salesdash report market``: :func:`summary` as plain JSON."""
    k = getattr(args, "min_respondents", MIN_RESPONDENTS) if args is not None else MIN_RESPONDENTS
    return summary(store, filters, min_respondents=k).to_json()
