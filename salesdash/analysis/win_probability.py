"""Win probability fitted to the company's own history, and open deals scored with it (lead scoring).

Public API (the Forecast page uses it too; keep it stable):

* :func:`deal_stage_rows` / :func:`open_deal_rows`: the feature tables, aggregated in the engine.
* :class:`WinProbabilityModel`: scikit-learn style (``__init__`` stores parameters, ``fit(rows)`` returns
  ``self``, learned attributes end in ``_``; ``predict_proba(rows)`` gives P(win) per row).
* :func:`evaluate`: fit with a temporal holdout -> :class:`WinProbabilityResult` (holdout AUC, calibration
  bins, per-stage history beside the CRM's probability, and a model refitted on all closed deals).
* :func:`score_open_deals`: every open deal with the CRM's probability, the stage's historical rate and
  the model's probability, ranked.

How the rows are built. A closed deal gives one training row for every open stage it entered (prospect,
intent, engaged), described as it stood when it entered that stage: the stage, its age then (days since
creation), its amount, its channel and the activities logged on it before then; the label is whether it
was finally won. An open deal is scored the same way at the stage it is in now. So the model answers
"a deal entering this stage, like this one, wins how often?", and never sees the outcome through the stage
(a won deal's furthest stage is "won" by definition).

History used: deals closed by the as-of date (the window's end), with the dimension filters, whatever their
creation date. The holdout is temporal: the deals closed last (``holdout_fraction`` of them) are scored by a
model fitted only on the deals closed before them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from salesdash.analysis.funnel import _cut, _days, _deals, _entries, _names, as_of, stage_win_probability
from salesdash.filters import Filters
from salesdash.schema import OPEN_STAGES
from salesdash.store import Store

__all__ = [
    "FEATURES", "METHODS", "MIN_CLOSED", "WinProbabilityModel", "WinProbabilityResult", "deal_stage_rows",
    "open_deal_rows", "evaluate", "score_open_deals",
]

#: The feature columns a row must have (what :class:`WinProbabilityModel` reads).
FEATURES = ("stage", "age_days", "amount", "channel_id", "activities")
METHODS = ("logistic", "boosting")
#: Fewer closed deals than this (or fewer than 10 won or 10 lost) and no model is fitted.
MIN_CLOSED = 40
#: Training rows are capped (a random sample of deals) to keep fitting fast on big histories.
MAX_ROWS = 200_000


def _stage_rows(store: Store, d: ibis.Table, cut: ibis.Value, *, current_only: bool) -> ibis.Table:
    """Rows (deal, open stage entered) with the features as they stood at stage entry."""
    e = _entries(store, d)
    parts = []
    for i, s in enumerate(OPEN_STAGES):
        cond = (e.stage_idx == i) if current_only else (e.stage_idx >= i)
        entered = ibis.coalesce(e[f"e{i}"], e.created_at) if current_only else e[f"e{i}"]
        part = e.filter(cond, entered.notnull(), entered < cut) if not current_only else e.filter(cond)
        parts.append(part.select(
            "opportunity_id", "status", "closed_at", "created_at", "channel_id", "probability",
            stage=ibis.literal(s), stage_index=ibis.literal(i), amount=part.value,
            entered=entered if current_only else part[f"e{i}"],
        ))
    rows = ibis.union(*parts)
    a = store.table("activities")
    a = a.filter(a.opportunity_id.isin(d.opportunity_id), a.occurred_at < cut)
    j = rows.join(a.select(_o=a.opportunity_id, _t=a.occurred_at), rows.opportunity_id == a.opportunity_id)
    j = j.filter(j._t < j.entered)
    acts = j.group_by(_k=j.opportunity_id, _s=j.stage).aggregate(activities=j.count())
    out = rows.left_join(acts, (rows.opportunity_id == acts._k) & (rows.stage == acts._s)).drop("_k", "_s")
    return out.mutate(activities=out.activities.fill_null(0), age_days=_days(out.created_at, out.entered))


def deal_stage_rows(store: Store, filters: Filters) -> pd.DataFrame:
    """Training rows: one per (closed deal, open stage it entered), closed by the as-of date.

    Returns columns: opportunity_id, stage, stage_index, entered, age_days (days from creation to stage
    entry), amount, channel_id, activities (logged before stage entry), probability (the CRM's, as recorded
    now), closed_at, won (1/0).
    """
    cut = _cut(as_of(store, filters))
    d = _deals(store, filters, window=False)
    d = d.filter(d.status != "open", d.closed_at.notnull(), d.closed_at < cut)
    rows = _stage_rows(store, d, cut, current_only=False)
    rows = rows.mutate(won=(rows.status == "won").cast("int64"))
    cols = ["opportunity_id", "stage", "stage_index", "entered", "age_days", "amount", "channel_id", "activities",
            "probability", "closed_at", "won"]
    df = store.execute(rows.select(*cols).order_by(["closed_at", "opportunity_id", "stage_index"]))
    if len(df) > MAX_ROWS:
        keep = df["opportunity_id"].drop_duplicates().sample(frac=MAX_ROWS / len(df), random_state=0)
        df = df[df["opportunity_id"].isin(keep)].reset_index(drop=True)
    return df


def open_deal_rows(store: Store, filters: Filters) -> pd.DataFrame:
    """Scoring rows: one per deal open at the as-of date, at the stage it is in now (its furthest stage).

    Returns columns: opportunity_id, stage, stage_index, entered, age_days, amount, channel_id, activities,
    probability (the CRM's), days_in_stage, customer, rep, team, channel, product, expected_close_date.
    """
    day = as_of(store, filters)
    cut = _cut(day)
    d = _deals(store, filters, window=False)
    d = d.filter(d.created_at < cut, d.status == "open")
    rows = _stage_rows(store, d, cut, current_only=True)
    rows = rows.mutate(days_in_stage=_days(rows.entered, cut))
    rows = rows.select("opportunity_id", "stage", "stage_index", "entered", "age_days", "amount", "channel_id",
                       "activities", "probability", "days_in_stage")
    o = store.table("opportunities").select("opportunity_id", "customer_id", "rep_id", "product_id",
                                            "expected_close_date")
    named = _names(store, rows.join(o, "opportunity_id"))
    cols = ["opportunity_id", "stage", "stage_index", "entered", "age_days", "amount", "channel_id", "activities",
            "probability", "days_in_stage", "customer", "rep", "team", "channel", "product", "expected_close_date"]
    return store.execute(named.select(*cols))


def _log1p(x):
    """log(1 + x) of non-negative numbers (a module-level function, so fitted models pickle)."""
    return np.log1p(np.clip(np.asarray(x, dtype=float), 0, None))


def _check(rows: pd.DataFrame, need: tuple[str, ...]) -> None:
    missing = [c for c in need if c not in rows.columns]
    if missing:
        raise ValueError(f"rows lack the column(s) {', '.join(missing)} (expected {', '.join(need)})")


class WinProbabilityModel:
    """P(win) of a deal entering a stage, from stage, age, amount, channel and activity.

    Parameters
    ----------
    method : "logistic" (LogisticRegression on one-hot stage/channel and scaled log-amount, log-age,
        log-activities: calibrated, readable) or "boosting" (HistGradientBoostingClassifier).
    C : inverse regularisation strength of the logistic model.
    random_state : seed of the boosting model.

    Attributes (after fit)
    ----------------------
    estimator_ : the fitted scikit-learn pipeline.
    n_rows_, n_deals_ : training rows and deals.
    base_rate_ : share of training rows won.
    stage_rates_ : pd.Series, share won by stage among the training rows.
    """

    def __init__(self, *, method: str = "logistic", C: float = 1.0, random_state: int = 0) -> None:  # noqa: N803
        self.method = method
        self.C = C
        self.random_state = random_state

    def _pipeline(self) -> Pipeline:
        log1p = FunctionTransformer(_log1p, feature_names_out="one-to-one")
        num = Pipeline([("log", log1p), ("scale", StandardScaler())])
        prep = ColumnTransformer([
            ("cat", OneHotEncoder(handle_unknown="ignore", min_frequency=5), ["stage", "channel_id"]),
            ("num", num, ["age_days", "amount", "activities"]),
        ], sparse_threshold=0.0)
        if self.method == "logistic":
            clf = LogisticRegression(C=self.C, max_iter=1000)
        elif self.method == "boosting":
            clf = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, max_leaf_nodes=15,
                                                 random_state=self.random_state)
        else:
            raise ValueError(f"method must be one of {METHODS}, not {self.method!r}")
        return Pipeline([("prep", prep), ("clf", clf)])

    @staticmethod
    def _x(rows: pd.DataFrame) -> pd.DataFrame:
        x = rows[list(FEATURES)].copy()
        x["stage"] = x["stage"].astype(str)
        x["channel_id"] = x["channel_id"].astype(object).where(x["channel_id"].notna(), "(none)").astype(str)
        for c in ("age_days", "amount", "activities"):
            x[c] = pd.to_numeric(x[c], errors="coerce").fillna(0.0).astype(float)
        return x

    def fit(self, rows: pd.DataFrame) -> WinProbabilityModel:
        """Fit on training rows (:func:`deal_stage_rows`: the :data:`FEATURES` and ``won``)."""
        _check(rows, FEATURES + ("won",))
        y = rows["won"].astype(int).to_numpy()
        if len(np.unique(y)) < 2:
            raise ValueError("the training rows must hold both won and lost deals")
        # one thread: these fits are small, and OpenMP threads fighting over a busy machine cost minutes
        with threadpool_limits(limits=1):
            self.estimator_ = self._pipeline().fit(self._x(rows), y)
        self.n_rows_ = len(rows)
        self.n_deals_ = int(rows["opportunity_id"].nunique()) if "opportunity_id" in rows else len(rows)
        self.base_rate_ = float(y.mean())
        self.stage_rates_ = rows.groupby("stage")["won"].mean()
        return self

    def predict_proba(self, rows: pd.DataFrame) -> np.ndarray:
        """P(win) for each row (1-D array)."""
        if not hasattr(self, "estimator_"):
            raise RuntimeError("call fit() first")
        _check(rows, FEATURES)
        if rows.empty:
            return np.array([], dtype=float)
        with threadpool_limits(limits=1):
            return self.estimator_.predict_proba(self._x(rows))[:, 1]


@dataclass(frozen=True)
class WinProbabilityResult:
    """A win-probability model checked on a temporal holdout.

    enough / reason : False and why ("too_few_closed_deals", "one_class_in_holdout"...) when no model can be
        trusted; the stage table is still filled.
    auc : holdout ROC AUC of the model (0.5 = no better than chance); auc_crm: the same for the probability
        the CRM recorded, when it is not just the outcome (None otherwise).
    calibration : columns source ("model" / "crm"), predicted (mean in bin), observed (share won), rows.
    stages : columns stage, closed, won, rate, rate_low, rate_high (history: P(win | reached stage)),
        crm_probability (mean CRM probability of the open deals at the stage now), open_deals.
    model : refitted on all closed deals (None when not enough), for :func:`score_open_deals`.
    """

    enough: bool
    reason: str | None
    method: str
    auc: float | None
    auc_crm: float | None
    n_train: int
    n_holdout: int
    cutoff: dt.date | None
    calibration: pd.DataFrame
    stages: pd.DataFrame
    model: WinProbabilityModel | None


def _crm_informative(p: pd.Series) -> bool:
    p = p.dropna()
    return len(p) > 0 and float(((p == 0) | (p == 1)).mean()) < 0.5


def _stage_table(store: Store, filters: Filters) -> pd.DataFrame:
    hist = stage_win_probability(store, filters)
    day = as_of(store, filters)
    d = _deals(store, filters, window=False)
    d = d.filter(d.status == "open", d.created_at < _cut(day))
    crm = store.execute(d.group_by("stage").aggregate(crm_probability=d.probability.mean(), open_deals=d.count()))
    out = hist.merge(crm, on="stage", how="left")
    out["open_deals"] = out["open_deals"].fillna(0).astype(int)
    return out[out["stage"].isin(OPEN_STAGES)].reset_index(drop=True)


def evaluate(store: Store, filters: Filters, *, method: str = "logistic", holdout_fraction: float = 0.25,
             bins: int = 10) -> WinProbabilityResult:
    """Fit on the deals closed first, score the deals closed last, and refit on all (see the module doc)."""
    stages = _stage_table(store, filters)
    rows = deal_stage_rows(store, filters)
    empty_cal = pd.DataFrame(columns=["source", "predicted", "observed", "rows"])

    def no(reason: str, **kw) -> WinProbabilityResult:
        return WinProbabilityResult(False, reason, method, None, None, kw.get("n_train", 0), kw.get("n_holdout", 0),
                                    kw.get("cutoff"), empty_cal, stages, None)

    deals = rows.drop_duplicates("opportunity_id")[["opportunity_id", "closed_at", "won"]]
    if len(deals) < MIN_CLOSED or deals["won"].sum() < 10 or (1 - deals["won"]).sum() < 10:
        return no("too_few_closed_deals")
    order = deals.sort_values(["closed_at", "opportunity_id"])
    n_hold = max(int(math.ceil(len(order) * holdout_fraction)), 1)
    cutoff_ts = pd.Timestamp(order["closed_at"].iloc[len(order) - n_hold])
    train = rows[rows["closed_at"] < cutoff_ts]
    test = rows[rows["closed_at"] >= cutoff_ts]
    cutoff = cutoff_ts.date()
    n_tr, n_te = int(train["opportunity_id"].nunique()), int(test["opportunity_id"].nunique())
    if train["won"].nunique() < 2:
        return no("one_class_in_training", n_train=n_tr, n_holdout=n_te, cutoff=cutoff)
    if test["won"].nunique() < 2:
        return no("one_class_in_holdout", n_train=n_tr, n_holdout=n_te, cutoff=cutoff)
    m = WinProbabilityModel(method=method).fit(train)
    pred = m.predict_proba(test)
    y = test["won"].to_numpy()
    auc = float(roc_auc_score(y, pred))
    cal = []
    obs, mean_pred = calibration_curve(y, pred, n_bins=bins, strategy="quantile")
    counts = np.histogram(pred, bins=np.quantile(pred, np.linspace(0, 1, bins + 1)))[0]
    for k, (o, p_) in enumerate(zip(obs, mean_pred)):
        cal.append(("model", float(p_), float(o), int(counts[k]) if k < len(counts) else None))
    auc_crm = None
    crm = test["probability"]
    if _crm_informative(crm) and crm.notna().all():
        auc_crm = float(roc_auc_score(y, crm.to_numpy(dtype=float)))
        o2, p2 = calibration_curve(y, crm.to_numpy(dtype=float), n_bins=bins, strategy="uniform")
        cal += [("crm", float(b), float(a), None) for a, b in zip(o2, p2)]
    full = WinProbabilityModel(method=method).fit(rows)
    return WinProbabilityResult(
        enough=True, reason=None, method=method, auc=auc, auc_crm=auc_crm, n_train=n_tr, n_holdout=n_te,
        cutoff=cutoff, calibration=pd.DataFrame(cal, columns=["source", "predicted", "observed", "rows"]),
        stages=stages, model=full,
    )


def score_open_deals(store: Store, filters: Filters, *, model: WinProbabilityModel | None = None,
                     method: str = "logistic") -> pd.DataFrame:
    """Score and rank the deals open at the as-of date (lead scoring).

    Parameters
    ----------
    model : a fitted :class:`WinProbabilityModel`; None fits one on all closed deals (via :func:`evaluate`).
        Without enough history, model_probability is NaN and the ranking falls back to the stage's rate.

    Returns
    -------
    Columns of :func:`open_deal_rows` plus crm_probability, stage_probability (history: P(win | reached the
    stage)), model_probability, expected_value (amount × model probability, else × stage probability) and
    rank (1 = most likely to win), sorted by rank.
    """
    rows = open_deal_rows(store, filters)
    rates = stage_win_probability(store, filters).set_index("stage")["rate"]
    rows["crm_probability"] = rows.pop("probability")
    rows["stage_probability"] = rows["stage"].map(rates).astype(float)
    if model is None:
        model = evaluate(store, filters, method=method).model
    rows["model_probability"] = model.predict_proba(rows) if model is not None and len(rows) else np.nan
    p = rows["model_probability"].where(rows["model_probability"].notna(), rows["stage_probability"])
    rows["expected_value"] = rows["amount"].fillna(0.0) * p.fillna(0.0)
    rows = rows.assign(_p=p.fillna(-1)).sort_values(["_p", "amount"], ascending=False).drop(columns="_p")
    rows["rank"] = np.arange(1, len(rows) + 1)
    return rows.reset_index(drop=True)
