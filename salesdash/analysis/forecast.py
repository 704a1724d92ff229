"""Forecast: monthly revenue (or orders) with statsmodels, judged by a rolling-origin backtest, and the
pipeline-based forecast of the current quarter.

Time series. The monthly series is aggregated in the engine over all history up to the end of the window
(the global filters' region, channel, category, team and rep choices apply; the start of the window does
not, because a seasonal model needs at least two full years). The month holding the last day of data is
left out of fitting when it is not complete, and the page and the report say so.

Models. A small candidate set, each fitted by maximum likelihood in statsmodels:

- seasonal (at least :data:`MIN_SEASONAL_MONTHS` = 24 months, two full seasons): ETS(A,N,A) and
  ETS(M,Ad,M) (``ETSModel``; the multiplicative one, with a damped trend, only for positive series) and
  the "airline" SARIMA(0,1,1)(0,1,1)12 (``SARIMAX``);
- non-seasonal (at least :data:`MIN_MONTHS` = 12 months): ETS(A,Ad,N) and ARIMA(1,1,0).

Each candidate is backtested from several rolling origins (train on the months before the origin, forecast
the next few, compare); the one with the lowest MAPE is refitted on the whole series and forecasts the
horizon with prediction intervals. The same backtest scores the naive (last month repeated) and
seasonal-naive (same month last year) baselines, so a reader can judge whether the model earns its keep.

Pipeline. Open deals at the end of the window x the win probability of the stage they have reached
(fitted from closed history: P(won | reached stage s)), with the expected close date deciding the quarter,
plus revenue already booked this quarter, against the quarter's targets.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import ibis
import numpy as np
import pandas as pd

from salesdash.analysis.overview import deal_share
from salesdash.filters import Filters, apply
from salesdash.schema import OPEN_STAGES, STAGES
from salesdash.store import Store

__all__ = [
    "SEASON",
    "MIN_MONTHS",
    "MIN_SEASONAL_MONTHS",
    "SEASONAL_CANDIDATES",
    "NONSEASONAL_CANDIDATES",
    "MEASURES",
    "BY_OPTIONS",
    "Backtest",
    "ForecastResult",
    "MonthlyForecaster",
    "StageWinRates",
    "PipelineForecast",
    "as_of_date",
    "monthly_history",
    "forecast",
    "forecast_by",
    "stage_win_rates",
    "pipeline_forecast",
    "open_deals_at",
    "summary",
    "ForecastSummary",
    "report_json",
    "add_report_arguments",
]

#: Months in a season (yearly seasonality of monthly data).
SEASON = 12
#: A seasonal model needs two full seasons.
MIN_SEASONAL_MONTHS = 2 * SEASON
#: Below this, no model is fitted at all (too few months to fit and backtest anything honestly).
MIN_MONTHS = 12

SEASONAL_CANDIDATES: tuple[str, ...] = ("ETS(A,N,A)", "ETS(M,Ad,M)", "SARIMA(0,1,1)(0,1,1)12")
NONSEASONAL_CANDIDATES: tuple[str, ...] = ("ETS(A,Ad,N)", "ARIMA(1,1,0)")
MEASURES: tuple[str, ...] = ("revenue", "orders")
BY_OPTIONS: tuple[str, ...] = ("region", "channel", "category")


# ----------------------------------------------------------------------------------------------------------
# results
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Backtest:
    """Rolling-origin backtest errors of the chosen model and of the two baselines.

    Errors are pooled over every (origin, step) pair: ``origins`` forecast origins, each forecasting
    ``horizon`` months ahead. MAPE is a 0-1 fraction (months with an actual of 0 are skipped); MASE scales
    the absolute error by the in-sample mean absolute error of the seasonal-naive forecast (naive when the
    series is too short for seasons) of each origin's training months. ``None``: cannot be computed.

    ``candidates`` has columns model, mape, mase, chosen (bool), one row per candidate tried.
    """

    origins: int
    horizon: int
    model_mape: float | None
    model_mase: float | None
    naive_mape: float | None
    naive_mase: float | None
    seasonal_naive_mape: float | None
    seasonal_naive_mase: float | None
    candidates: pd.DataFrame

    @property
    def beats_seasonal_naive(self) -> bool | None:
        if self.model_mape is None or self.seasonal_naive_mape is None:
            return None
        return self.model_mape < self.seasonal_naive_mape

    def to_json(self) -> dict:
        return {
            "origins": self.origins,
            "horizon": self.horizon,
            "model_mape": self.model_mape,
            "model_mase": self.model_mase,
            "naive_mape": self.naive_mape,
            "naive_mase": self.naive_mase,
            "seasonal_naive_mape": self.seasonal_naive_mape,
            "seasonal_naive_mase": self.seasonal_naive_mase,
            "candidates": [
                {"model": r.model, "mape": _none(r.mape), "mase": _none(r.mase), "chosen": bool(r.chosen)}
                for r in self.candidates.itertuples()
            ],
        }


@dataclass(frozen=True, eq=False)
class ForecastResult:
    """A monthly forecast and how it was judged.

    Attributes
    ----------
    measure : "revenue" or "orders".
    group : the region / channel / category code for a forecast by group (None: the total).
    enough : False when the history is too short for any model; ``reason`` then says what is needed.
    seasonal : whether a seasonal model was allowed (at least 24 complete months).
    reason : a code for what limited the forecast: None, "too_short" (no model, fewer than 12 months) or
        "not_seasonal" (fewer than 24 months: non-seasonal models only).
    months : complete months of history used for fitting.
    months_needed : months a seasonal model needs (24).
    model : the chosen candidate's name (None when not enough data).
    history : columns month (Timestamp, first day), value: the complete months that were fitted.
    forecast : columns month, value, lower, upper (the prediction interval at ``level``; the lower bound is
        clipped at 0 because revenue and orders cannot be negative). Empty when not enough data.
    backtest : the rolling-origin errors (None when not enough data).
    level : the prediction interval's coverage (0.9).
    partial_month : the first day of the month left out of fitting because it was not complete (None: the
        data end on a month end).
    partial_value : the value of that month so far.
    as_of : the last day of data used.
    group_name : the group's display name (a channel's name; the code for regions and categories).
    """

    measure: str
    group: str | None
    enough: bool
    seasonal: bool
    reason: str | None
    months: int
    months_needed: int
    model: str | None
    history: pd.DataFrame
    forecast: pd.DataFrame
    backtest: Backtest | None
    level: float
    partial_month: dt.date | None
    partial_value: float | None
    as_of: dt.date | None
    group_name: str | None = None

    def to_json(self) -> dict:
        from salesdash.i18n import t

        return {
            "measure": self.measure,
            "group": self.group,
            "enough": self.enough,
            "seasonal": self.seasonal,
            "reason": t(f"forecast.reason.{self.reason}", have=self.months, need=self.months_needed,
                        min=MIN_MONTHS) if self.reason else None,
            "months_fitted": self.months,
            "first_month": _iso(self.history["month"].min()) if not self.history.empty else None,
            "last_month": _iso(self.history["month"].max()) if not self.history.empty else None,
            "excluded_partial_month": self.partial_month.isoformat() if self.partial_month else None,
            "model": self.model,
            "level": self.level,
            "forecast": [
                {"month": _iso(r.month), "value": float(r.value), "lower": float(r.lower), "upper": float(r.upper)}
                for r in self.forecast.itertuples()
            ],
            "backtest": self.backtest.to_json() if self.backtest is not None else None,
        }


def _iso(ts) -> str:
    return pd.Timestamp(ts).date().isoformat()


def _none(v) -> float | None:
    return None if v is None or not np.isfinite(v) else float(v)


# ----------------------------------------------------------------------------------------------------------
# the monthly series, aggregated in the engine
# ----------------------------------------------------------------------------------------------------------
def as_of_date(store: Store, filters: Filters) -> dt.date | None:
    """The day the analysis stands on: the end of the window, or the last order date when unbounded."""
    if filters.end is not None:
        return filters.end
    o = store.table("orders")
    v = store.execute(o.order_date.max())
    if v is None or pd.isna(v):
        return None
    return pd.Timestamp(v).date()


def _group_column(store: Store, o: ibis.Table, by: str | None) -> tuple[ibis.Table, ibis.Value | None]:
    if by is None:
        return o, None
    if by == "region":
        c = store.table("customers").select("customer_id", "region")
        j = o.left_join(c, o.customer_id == c.customer_id)
        return j, j.region
    if by == "channel":
        return o, o.channel_id
    if by == "category":
        p = store.table("products").select("product_id", "category")
        j = o.left_join(p, o.product_id == p.product_id)
        return j, j.category
    raise ValueError(f"by must be one of {BY_OPTIONS} or None, not {by!r}")


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def monthly_history(
    store: Store, filters: Filters, *, measure: str = "revenue", by: str | None = None
) -> pd.DataFrame:
    """Monthly revenue or order count over all history up to the end of the window, in the engine.

    The window's start is ignored (models need long history); dimension filters apply. Missing months
    between a group's first month and the last month of data are 0.

    Returns columns: month (Timestamp, first day), group (the region / channel / category code; None for
    the total), value.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    as_of = as_of_date(store, filters)
    cols = ["month", "group", "value"]
    if as_of is None:
        return pd.DataFrame(columns=cols)
    o = apply(store, "orders", filters, date_column=None)
    o = o.filter(o.order_date <= ibis.date(as_of.isoformat()))
    o, g = _group_column(store, o, by)
    month = o.order_date.truncate("M").name("month")
    value = o.revenue.sum() if measure == "revenue" else o.order_id.nunique()
    keys = [month] if g is None else [month, g.name("group")]
    df = store.execute(o.group_by(keys).aggregate(value=value))
    if df.empty:
        return pd.DataFrame(columns=cols)
    if g is None:
        df["group"] = None
    df["month"] = pd.to_datetime(df["month"])
    df["value"] = df["value"].astype(float)
    last = pd.Timestamp(_month_start(as_of))
    out = []
    for key, part in df.groupby("group", dropna=False, sort=False):
        months = pd.date_range(part["month"].min(), last, freq="MS")
        s = part.set_index("month")["value"].reindex(months, fill_value=0.0)
        out.append(pd.DataFrame({"month": months, "group": part["group"].iloc[0], "value": s.to_numpy()}))
    return pd.concat(out, ignore_index=True)[cols].sort_values(["group", "month"], ignore_index=True,
                                                               na_position="first")


def _is_month_end(d: dt.date) -> bool:
    return (d + dt.timedelta(days=1)).day == 1


# ----------------------------------------------------------------------------------------------------------
# models
# ----------------------------------------------------------------------------------------------------------
def _fit_predict(name: str, y: np.ndarray, h: int, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit candidate `name` on `y` and forecast `h` steps: (mean, lower, upper)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    n = len(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name.startswith("ETS"):
            error, trend, season = name[4:-1].split(",")
            model = ETSModel(
                pd.Series(y),
                error="mul" if error == "M" else "add",
                trend=None if trend == "N" else "add",
                damped_trend=trend.endswith("d"),
                seasonal={"N": None, "A": "add", "M": "mul"}[season],
                seasonal_periods=SEASON if season != "N" else None,
            )
            res = model.fit(disp=False, maxiter=200)
            frame = res.get_prediction(start=n, end=n + h - 1).summary_frame(alpha=alpha)
            mean, lo, hi = frame["mean"], frame["pi_lower"], frame["pi_upper"]
        else:
            if name.startswith("SARIMA"):
                order, seasonal_order = (0, 1, 1), (0, 1, 1, SEASON)
            elif name == "ARIMA(1,1,0)":
                order, seasonal_order = (1, 1, 0), (0, 0, 0, 0)
            else:
                raise ValueError(f"unknown model {name!r}")
            res = SARIMAX(y, order=order, seasonal_order=seasonal_order).fit(disp=False)
            fc = res.get_forecast(h)
            mean = fc.predicted_mean
            ci = np.asarray(fc.conf_int(alpha=alpha))
            lo, hi = ci[:, 0], ci[:, 1]
    mean, lo, hi = (np.asarray(a, dtype=float) for a in (mean, lo, hi))
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise FloatingPointError(f"{name} produced a non-finite forecast")
    return mean, lo, hi


def _naive(y: np.ndarray, h: int) -> np.ndarray:
    return np.repeat(y[-1], h)


def _seasonal_naive(y: np.ndarray, h: int) -> np.ndarray:
    return np.array([y[len(y) - SEASON + (j % SEASON)] for j in range(h)], dtype=float)


def _scale(y: np.ndarray, seasonal: bool) -> float:
    """In-sample MAE of the seasonal-naive (or naive) one-step forecast: the MASE denominator."""
    lag = SEASON if seasonal and len(y) > SEASON else 1
    d = np.abs(y[lag:] - y[:-lag])
    return float(d.mean()) if len(d) and d.mean() > 0 else float("nan")


def _errors(actual: np.ndarray, pred: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    ae = np.abs(actual - pred)
    with np.errstate(divide="ignore", invalid="ignore"):
        ape = np.where(actual != 0, ae / np.abs(actual), np.nan)
    return ape, ae / scale


def _mean(a: list[float]) -> float:
    arr = np.asarray(a, dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if len(arr) else float("nan")


class MonthlyForecaster:
    """Choose a model for a monthly series by rolling-origin backtest, then forecast.

    Parameters
    ----------
    horizon : months to forecast after the last complete month.
    level : coverage of the prediction interval (0.9 = 90%).
    origins : forecast origins in the backtest.
    backtest_horizon : months ahead each backtest origin forecasts.
    candidates : model names to try (default: the seasonal set when there are two seasons, else the
        non-seasonal set); names outside the allowed set for the series length are skipped.

    Fitted attributes
    -----------------
    enough_, seasonal_, reason_, model_, backtest_ (:class:`Backtest`), forecast_ (month, value, lower,
    upper), history_ (month, value).
    """

    def __init__(self, *, horizon: int = 6, level: float = 0.9, origins: int = 4, backtest_horizon: int = 3,
                 candidates: Sequence[str] | None = None) -> None:
        self.horizon = horizon
        self.level = level
        self.origins = origins
        self.backtest_horizon = backtest_horizon
        self.candidates = candidates

    def fit(self, history: pd.DataFrame, *, month: str = "month", value: str = "value") -> MonthlyForecaster:
        """Fit on `history` (one row per complete month, consecutive, oldest first)."""
        from threadpoolctl import threadpool_limits

        # The matrices are tiny: one BLAS thread is fastest, and many threads thrash on a busy machine.
        with threadpool_limits(limits=1):
            return self._fit(history, month=month, value=value)

    def _fit(self, history: pd.DataFrame, *, month: str, value: str) -> MonthlyForecaster:
        for col in (month, value):
            if col not in history.columns:
                raise ValueError(f"history has no column {col!r}")
        if self.horizon < 1:
            raise ValueError("horizon must be at least 1 month")
        hist = history[[month, value]].rename(columns={month: "month", value: "value"})
        hist = hist.sort_values("month", ignore_index=True)
        hist["month"] = pd.to_datetime(hist["month"])
        self.history_ = hist
        y = hist["value"].to_numpy(dtype=float)
        n = len(y)
        self.seasonal_ = n >= MIN_SEASONAL_MONTHS
        self.enough_ = n >= MIN_MONTHS
        self.reason_ = None if self.seasonal_ else ("not_seasonal" if self.enough_ else "too_short")
        self.model_ = None
        self.backtest_ = None
        self.forecast_ = pd.DataFrame(columns=["month", "value", "lower", "upper"])
        if not self.enough_:
            return self
        allowed = SEASONAL_CANDIDATES + NONSEASONAL_CANDIDATES if self.seasonal_ else NONSEASONAL_CANDIDATES
        names = [c for c in (self.candidates or (SEASONAL_CANDIDATES if self.seasonal_ else
                                                 NONSEASONAL_CANDIDATES)) if c in allowed]
        if np.any(y <= 0):
            names = [c for c in names if not c.startswith("ETS(M")]
        if not names:
            names = list(NONSEASONAL_CANDIDATES)
        self.backtest_ = self._backtest(y, names)
        order = self.backtest_.candidates.sort_values(["chosen"], ascending=False)
        alpha = 1.0 - self.level
        for name in order["model"]:  # the chosen one first; a refit failure falls to the next best
            try:
                mean, lo, hi = _fit_predict(name, y, self.horizon, alpha)
            except Exception:  # noqa: BLE001 - a candidate that cannot be refitted is skipped
                continue
            self.model_ = name
            months = pd.date_range(hist["month"].iloc[-1] + pd.offsets.MonthBegin(1), periods=self.horizon,
                                   freq="MS")
            self.forecast_ = pd.DataFrame({"month": months, "value": np.maximum(mean, 0.0),
                                           "lower": np.maximum(lo, 0.0), "upper": np.maximum(hi, 0.0)})
            break
        return self

    def _backtest(self, y: np.ndarray, names: list[str]) -> Backtest:
        n, h = len(y), self.backtest_horizon
        origins = [n - h - k for k in range(self.origins)][::-1]
        origins = [o for o in origins if o >= (MIN_SEASONAL_MONTHS - 6 if self.seasonal_ else 8)]
        errs: dict[str, tuple[list, list]] = {k: ([], []) for k in [*names, "naive", "seasonal_naive"]}
        for o in origins:
            train, actual = y[:o], y[o:o + h]
            scale = _scale(train, self.seasonal_)
            preds = {"naive": _naive(train, h)}
            if len(train) >= SEASON:
                preds["seasonal_naive"] = _seasonal_naive(train, h)
            for name in names:
                try:
                    preds[name] = _fit_predict(name, train, h, 0.1)[0]
                except Exception:  # noqa: BLE001 - a failed fit counts as no forecast
                    preds[name] = np.full(h, np.nan)
            for k, p in preds.items():
                ape, ase = _errors(actual, p, scale)
                errs[k][0].extend(ape)
                errs[k][1].extend(ase)
        rows = [{"model": k, "mape": _mean(errs[k][0]), "mase": _mean(errs[k][1])} for k in names]
        cand = pd.DataFrame(rows)
        best = cand["mape"].fillna(np.inf).idxmin() if cand["mape"].notna().any() else 0
        cand["chosen"] = cand.index == best
        chosen = cand.loc[best]
        return Backtest(
            origins=len(origins),
            horizon=h,
            model_mape=_none(chosen["mape"]),
            model_mase=_none(chosen["mase"]),
            naive_mape=_none(_mean(errs["naive"][0])),
            naive_mase=_none(_mean(errs["naive"][1])),
            seasonal_naive_mape=_none(_mean(errs["seasonal_naive"][0])),
            seasonal_naive_mase=_none(_mean(errs["seasonal_naive"][1])),
            candidates=cand,
        )


# ----------------------------------------------------------------------------------------------------------
# forecasts from the store
# ----------------------------------------------------------------------------------------------------------
def _split_partial(series: pd.DataFrame, as_of: dt.date) -> tuple[pd.DataFrame, dt.date | None, float | None]:
    """Drop the month holding `as_of` when it is not complete; return (complete months, that month, its value)."""
    if series.empty or _is_month_end(as_of):
        return series, None, None
    partial = pd.Timestamp(_month_start(as_of))
    mask = series["month"] == partial
    value = float(series.loc[mask, "value"].sum()) if mask.any() else 0.0
    return series.loc[~mask].reset_index(drop=True), partial.date(), value


def _result(series: pd.DataFrame, *, measure: str, group: str | None, as_of: dt.date | None, horizon: int,
            level: float, candidates: Sequence[str] | None = None) -> ForecastResult:
    partial_month, partial_value = None, None
    if as_of is not None:
        series, partial_month, partial_value = _split_partial(series, as_of)
    model = MonthlyForecaster(horizon=horizon, level=level, candidates=candidates).fit(series[["month", "value"]])
    reason = model.reason_
    if model.enough_ and model.model_ is None:
        reason = "fit_failed"
    return ForecastResult(
        measure=measure,
        group=group,
        enough=model.enough_ and model.model_ is not None,
        seasonal=model.seasonal_,
        reason=reason,
        months=len(series),
        months_needed=MIN_SEASONAL_MONTHS,
        model=model.model_,
        history=model.history_,
        forecast=model.forecast_,
        backtest=model.backtest_,
        level=level,
        partial_month=partial_month,
        partial_value=partial_value,
        as_of=as_of,
    )


def forecast(store: Store, filters: Filters, *, measure: str = "revenue", horizon: int = 6,
             level: float = 0.9) -> ForecastResult:
    """The forecast of the monthly total (see the module docstring for the models and the backtest)."""
    as_of = as_of_date(store, filters)
    series = monthly_history(store, filters, measure=measure)
    return _result(series, measure=measure, group=None, as_of=as_of, horizon=horizon, level=level)


def forecast_by(store: Store, filters: Filters, *, by: str, measure: str = "revenue", horizon: int = 6,
                level: float = 0.9, top: int = 6) -> tuple[ForecastResult, ...]:
    """Forecasts of the `top` largest groups (by value over the last 12 complete months), largest first.

    Each group is backtested and forecast on its own; to keep this fast, each tries only the model the
    total chose (the baselines are always scored).
    """
    as_of = as_of_date(store, filters)
    total = forecast(store, filters, measure=measure, horizon=horizon, level=level)
    series = monthly_history(store, filters, measure=measure, by=by)
    if series.empty:
        return ()
    recent = series[series["month"] > series["month"].max() - pd.DateOffset(months=12)]
    ranking = recent.groupby("group", dropna=False)["value"].sum().sort_values(ascending=False)
    names: dict[str, str] = {}
    if by == "channel":
        ch = store.execute(store.table("channels").select("channel_id", "name"))
        names = {str(k): str(v) for k, v in zip(ch["channel_id"], ch["name"]) if v is not None}
    out = []
    for key in ranking.index[:top]:
        part = series[series["group"].isna()] if pd.isna(key) else series[series["group"] == key]
        group = None if pd.isna(key) else str(key)
        res = _result(part, measure=measure, group=group, as_of=as_of, horizon=horizon, level=level,
                      candidates=(total.model,) if total.model else None)
        out.append(replace(res, group_name=names.get(group, group) if group is not None else None))
    return tuple(out)


# ----------------------------------------------------------------------------------------------------------
# the pipeline forecast of the current quarter
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class StageWinRates:
    """P(won | reached stage s), fitted from deals closed (won or lost) up to the as-of day.

    ``table`` has columns stage, reached (closed deals that reached the stage), won (of those, won),
    win_rate (won / reached; None with no closed deal at the stage).
    """

    table: pd.DataFrame
    closed: int

    def rate(self, stage: str) -> float | None:
        row = self.table[self.table["stage"] == stage]
        if row.empty or pd.isna(row["win_rate"].iloc[0]):
            return None
        return float(row["win_rate"].iloc[0])


def stage_win_rates(store: Store, filters: Filters) -> StageWinRates:
    """The empirical win rate by stage reached, from all closed deals up to the end of the window.

    A deal has reached every stage up to its furthest stage (``opportunities.stage``); a lost deal's
    furthest stage is where it was lost. Returns :class:`StageWinRates`.
    """
    as_of = as_of_date(store, filters)
    o = apply(store, "opportunities", filters, date_column=None)
    o = o.filter(o.status.isin(("won", "lost")), o.closed_at.notnull())
    if as_of is not None:
        o = o.filter(o.closed_at < ibis.timestamp((as_of + dt.timedelta(days=1)).isoformat()))
    df = store.execute(o.group_by("stage").aggregate(n=o.count(), won=(o.status == "won").sum()))
    counts = {s: (0, 0) for s in STAGES}
    for r in df.itertuples():
        if r.stage in counts:
            counts[r.stage] = (int(r.n), int(r.won))
    rows = []
    for i, s in enumerate(STAGES):
        reached = sum(counts[x][0] for x in STAGES[i:])  # reached s = furthest stage at or beyond s
        won = sum(counts[x][1] for x in STAGES[i:])
        rows.append({"stage": s, "reached": reached, "won": won, "win_rate": won / reached if reached else None})
    return StageWinRates(table=pd.DataFrame(rows), closed=int(sum(c[0] for c in counts.values())))


@dataclass(frozen=True, eq=False)
class PipelineForecast:
    """The current quarter from the pipeline.

    Attributes
    ----------
    quarter_start, quarter_end, as_of : the quarter holding the as-of day.
    booked : revenue of orders from the quarter start to the as-of day.
    target : the quarter's targets (None when there are none).
    weighted_pipeline : sum over open deals expected to close this quarter of amount x P(won | stage).
    deal_share : the share of order revenue that came through won deals over the year before the as-of
        day (won amount closed then ÷ order revenue, at most 1; None without revenue).
    run_rate : the revenue expected over the rest of the quarter from orders that do not come through deals
        (store, online and other run-rate business): (1 − deal_share) × the revenue expected over the
        remaining days. That expectation is the monthly revenue forecast, pro rata to the remaining days of
        each month (``run_rate_basis`` "forecast"), or, when the history is too short for it, the mean daily
        revenue of the last 90 days × the remaining days ("trailing_90_days"); "none" when no day remains.
    forecast : booked + weighted_pipeline + run_rate.
    gap : target - forecast (positive: short of target; None without a target).
    commit, best_case, pipeline : booked + run_rate + unweighted amounts of the deals in the category and
        above (commit: P(won) >= commit_threshold; best case adds P >= best_case_threshold; pipeline: all).
    deals : columns opportunity_id, customer_id, rep_id, stage, amount, expected_close_date, overdue
        (expected close already passed, still open), win_probability, expected_value, category.
    win_rates : the fitted :class:`StageWinRates`.
    enough : False when no closed deals exist to fit win rates from (reason "no_closed_deals").
    """

    quarter_start: dt.date
    quarter_end: dt.date
    as_of: dt.date
    booked: float
    target: float | None
    weighted_pipeline: float
    deal_share: float | None
    run_rate: float
    run_rate_basis: str
    forecast: float
    gap: float | None
    commit: float
    best_case: float
    pipeline: float
    deals: pd.DataFrame
    win_rates: StageWinRates
    enough: bool
    reason: str | None
    commit_threshold: float
    best_case_threshold: float

    def to_json(self) -> dict:
        by_cat = self.deals.groupby("category")["amount"].agg(["count", "sum"]) if not self.deals.empty else None

        def cat(c):
            if by_cat is None or c not in by_cat.index:
                return {"deals": 0, "amount": 0.0}
            return {"deals": int(by_cat.loc[c, "count"]), "amount": float(by_cat.loc[c, "sum"])}

        return {
            "quarter_start": self.quarter_start.isoformat(),
            "quarter_end": self.quarter_end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "booked": self.booked,
            "weighted_pipeline": self.weighted_pipeline,
            "deal_share": self.deal_share,
            "run_rate": self.run_rate,
            "run_rate_basis": self.run_rate_basis,
            "forecast": self.forecast,
            "target": self.target,
            "gap": self.gap,
            "commit": self.commit,
            "best_case": self.best_case,
            "pipeline": self.pipeline,
            "categories": {c: cat(c) for c in ("commit", "best_case", "pipeline")},
            "win_rate_by_stage": {r.stage: _none(r.win_rate) for r in self.win_rates.table.itertuples()},
            "enough": self.enough,
            "reason": self.reason,
        }


def _quarter(d: dt.date) -> tuple[dt.date, dt.date]:
    start = dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return start, _add_months(start, 3) - dt.timedelta(days=1)


def open_deals_at(store: Store, filters: Filters, as_of: dt.date) -> ibis.Table:
    """Deals open at the end of `as_of` (created by then, not closed by then), with the stage reached then.

    Columns: opportunity_id, customer_id, rep_id, channel_id, product_id, amount, expected_close_date,
    created_at, stage (the furthest stage entered by `as_of` per stage history, else the deal's stage; never
    "won" for a deal that was still open).
    """
    cut = ibis.timestamp((as_of + dt.timedelta(days=1)).isoformat())
    o = apply(store, "opportunities", filters, date_column=None)
    o = o.filter(o.created_at < cut, (o.closed_at.isnull() & (o.status == "open")) | (o.closed_at >= cut))
    h = store.table("stage_history")
    h = h.filter(h.entered_at < cut)
    rank = ibis.cases(*[(h.stage == s, i) for i, s in enumerate(STAGES)], else_=-1)
    reached = h.group_by("opportunity_id").aggregate(idx=rank.max())
    j = o.left_join(reached, o.opportunity_id == reached.opportunity_id)
    idx_now = ibis.cases(*[(j.stage == s, i) for i, s in enumerate(STAGES)], else_=0)
    idx = ibis.coalesce(j.idx, idx_now)
    idx = ibis.least(idx, len(OPEN_STAGES) - 1)
    stage = ibis.cases(*[(idx == i, s) for i, s in enumerate(OPEN_STAGES)], else_=OPEN_STAGES[0])
    return j.select("opportunity_id", "customer_id", "rep_id", "channel_id", "product_id", "amount",
                    "expected_close_date", "created_at", stage=stage)


def _expected_revenue(store: Store, filters: Filters, as_of: dt.date, end: dt.date,
                      monthly: ForecastResult | None) -> tuple[float, str]:
    """Revenue expected from the day after `as_of` to `end`, and how it was estimated (see PipelineForecast)."""
    if end <= as_of:
        return 0.0, "none"
    if monthly is None:
        monthly = forecast(store, filters, horizon=4)
    if monthly.enough and not monthly.forecast.empty:
        total, covered = 0.0, dt.date.min
        for row in monthly.forecast.itertuples():
            m0 = pd.Timestamp(row.month).date()
            m1 = _add_months(m0, 1) - dt.timedelta(days=1)
            lo, hi = max(m0, as_of + dt.timedelta(days=1)), min(m1, end)
            if hi >= lo:
                total += float(row.value) * ((hi - lo).days + 1) / ((m1 - m0).days + 1)
                covered = max(covered, hi)
        if covered >= end:
            return total, "forecast"
    o = apply(store, "orders", filters, date_column=None)
    o = o.filter(o.order_date > ibis.date((as_of - dt.timedelta(days=90)).isoformat()),
                 o.order_date <= ibis.date(as_of.isoformat()))
    return _num(store.execute(o.revenue.sum())) / 90 * (end - as_of).days, "trailing_90_days"


def pipeline_forecast(store: Store, filters: Filters, *, commit_threshold: float = 0.5,
                      best_case_threshold: float = 0.25,
                      monthly: ForecastResult | None = None) -> PipelineForecast | None:
    """The current quarter's forecast from booked revenue, the open pipeline and the run-rate business
    (None without data).

    Open deals at the as-of day whose expected close date falls before the quarter ends (deals whose date
    has already passed count, flagged ``overdue``) are weighted by the fitted P(won | stage reached). Revenue
    that does not come through deals is expected at its usual pace for the rest of the quarter (see
    :class:`PipelineForecast`). `monthly` is a revenue forecast already made for the same filters.
    """
    as_of = as_of_date(store, filters)
    if as_of is None:
        return None
    q_start, q_end = _quarter(as_of)
    rates = stage_win_rates(store, filters)
    deals_t = open_deals_at(store, filters, as_of)
    deals_t = deals_t.filter(deals_t.expected_close_date <= ibis.date(q_end.isoformat()))
    deals = store.execute(deals_t.order_by(ibis.desc("amount")))
    deals["amount"] = deals["amount"].fillna(0.0).astype(float)
    ecd = pd.to_datetime(deals["expected_close_date"])
    deals["expected_close_date"] = ecd.dt.date
    deals["overdue"] = ecd < pd.Timestamp(as_of)
    p = {s: rates.rate(s) for s in OPEN_STAGES}
    deals["win_probability"] = [p.get(s) if p.get(s) is not None else np.nan for s in deals["stage"]]
    deals["expected_value"] = deals["amount"] * deals["win_probability"].fillna(0.0)
    deals["category"] = np.select(
        [deals["win_probability"] >= commit_threshold, deals["win_probability"] >= best_case_threshold],
        ["commit", "best_case"], default="pipeline")
    deals = deals[["opportunity_id", "customer_id", "rep_id", "stage", "amount", "expected_close_date",
                   "overdue", "win_probability", "expected_value", "category"]]

    o = apply(store, "orders", filters, date_column=None)
    o = o.filter(o.order_date >= ibis.date(q_start.isoformat()), o.order_date <= ibis.date(as_of.isoformat()))
    booked = _num(store.execute(o.revenue.sum()))
    tg = apply(store, "targets", filters, date_column=None)
    tg = tg.filter(tg.month >= ibis.date(q_start.isoformat()), tg.month <= ibis.date(q_end.isoformat()))
    target = _num(store.execute(tg.target_amount.sum())) or None

    share = deal_share(store, filters, as_of)
    expected, basis = _expected_revenue(store, filters, as_of, q_end, monthly)
    run_rate = (1.0 - (share or 0.0)) * expected
    weighted = float(deals["expected_value"].sum())
    fc = booked + weighted + run_rate
    amt = deals.groupby("category")["amount"].sum()
    commit = booked + run_rate + float(amt.get("commit", 0.0))
    best = commit + float(amt.get("best_case", 0.0))
    return PipelineForecast(
        quarter_start=q_start, quarter_end=q_end, as_of=as_of, booked=booked, target=target,
        weighted_pipeline=weighted, deal_share=share, run_rate=run_rate, run_rate_basis=basis,
        forecast=fc, gap=(target - fc) if target else None,
        commit=commit, best_case=best, pipeline=best + float(amt.get("pipeline", 0.0)),
        deals=deals.reset_index(drop=True), win_rates=rates, enough=rates.closed > 0,
        reason=None if rates.closed > 0 else "no_closed_deals",
        commit_threshold=commit_threshold, best_case_threshold=best_case_threshold,
    )


def _num(v) -> float:
    return 0.0 if v is None or pd.isna(v) else float(v)


# ----------------------------------------------------------------------------------------------------------
# the page's headline figures and the report
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ForecastSummary:
    """The Forecast page's headline figures: the revenue forecast and the quarter's pipeline forecast."""

    revenue: ForecastResult
    pipeline: PipelineForecast | None

    @property
    def next_month(self) -> float | None:
        f = self.revenue.forecast
        return float(f["value"].iloc[0]) if not f.empty else None

    @property
    def horizon_total(self) -> float | None:
        f = self.revenue.forecast
        return float(f["value"].sum()) if not f.empty else None

    def to_json(self) -> dict:
        out = self.revenue.to_json()
        out["pipeline_forecast"] = self.pipeline.to_json() if self.pipeline is not None else None
        return out


def summary(store: Store, filters: Filters, *, horizon: int = 6, measure: str = "revenue") -> ForecastSummary:
    """The Forecast page's figures, shared with ``python -m salesdash report forecast``."""
    revenue = forecast(store, filters, measure=measure, horizon=horizon)
    monthly = revenue if measure == "revenue" and horizon >= 4 else None
    return ForecastSummary(revenue=revenue, pipeline=pipeline_forecast(store, filters, monthly=monthly))


def add_report_arguments(parser) -> None:
    parser.add_argument("--horizon", type=int, default=6, help="months to forecast (1-24, default 6)")
    parser.add_argument("--measure", choices=MEASURES, default="revenue", help="what to forecast")


def report_json(store: Store, filters: Filters, args=None) -> dict:
    """``python -m salesdash report forecast [--horizon N]``: :func:`summary` as plain JSON."""
    horizon = getattr(args, "horizon", None)
    horizon = 6 if horizon is None else int(horizon)
    if not 1 <= horizon <= 24:
        from salesdash.cli import CliError

        raise CliError(f"--horizon must be between 1 and 24 months, not {horizon}")
    return summary(store, filters, horizon=horizon, measure=getattr(args, "measure", "revenue")).to_json()
