"""Turn text cells into numbers, dates and booleans, and say which cells could not be read.

Numbers: decimal point or decimal comma, thousands separators (``1,234.5``, ``1.234,5``, ``1 234,5``),
currency signs, a trailing ``%`` (divided by 100). Dates: ISO (with time and offset), ``yyyy/mm/dd``,
``yyyy年m月d日``, ``dd/mm/yyyy`` or ``mm/dd/yyyy`` (also with ``-`` or ``.``, with a time, AM/PM),
epoch milliseconds (13 digits, as Fxiaoke writes them). An offset is dropped and the wall-clock time is
kept, so a day never moves; epoch milliseconds are converted to the profile's time zone (UTC by default).

Day-first or month-first is decided from the data (a first number above 12 means day-first, a second
number above 12 means month-first); when the data does not decide, :func:`detect_date_order` says so and
the caller asks the user. Nothing is guessed silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Parsed", "DateOrder", "parse_numbers", "detect_decimal", "parse_dates", "detect_date_order",
           "parse_bools", "DATE_ORDERS"]

DATE_ORDERS = ("dmy", "mdy")

_CURRENCY = re.compile(r"[\s\u00a0\u202f'’¥$€£₹￥]|RMB|CNY|USD|EUR|元")
_COMMA_DECIMAL = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+,\d+$|^[-+]?\d+,(\d{1,2}|\d{4,})$")
_POINT_DECIMAL = re.compile(r"^[-+]?\d{1,3}(,\d{3})+\.\d+$|^[-+]?\d+\.(\d{1,2}|\d{4,})$")

_ISO = re.compile(
    r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$"
)
_SLASH = re.compile(
    r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<p>[AaPp][Mm])?)?$"
)
_EPOCH_MS = re.compile(r"^\d{12,13}(\.0+)?$")


@dataclass(frozen=True)
class Parsed:
    """Parsed values and the cells that could not be read (True where a non-blank cell failed)."""

    values: pd.Series
    bad: pd.Series


@dataclass(frozen=True)
class DateOrder:
    """What the data says about day-first versus month-first.

    ``order`` is ``dmy`` or ``mdy`` when the data decides, ``None`` when no value is ambiguous-format
    (no ``a/b/yyyy`` dates at all: nothing to decide). ``ambiguous`` is True when such dates exist but none
    has a part above 12; ``conflict`` when both orders are proven by different values.
    """

    order: str | None
    ambiguous: bool = False
    conflict: bool = False
    evidence: str | None = None


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), None)


def detect_decimal(samples: list[pd.Series]) -> str | None:
    """``","`` when some number is written with a decimal comma, ``"."`` when with a point, else None."""
    comma = point = 0
    for s in samples:
        s = s.dropna().astype(str).str.replace(_CURRENCY, "", regex=True).head(20000)
        comma += int(s.str.match(_COMMA_DECIMAL).sum())
        point += int(s.str.match(_POINT_DECIMAL).sum())
    if comma > point:
        return ","
    if point:
        return "."
    return None


def parse_numbers(series: pd.Series, *, decimal: str = ".") -> Parsed:
    """Numbers from text; `decimal` is the decimal mark (the other of ``.`` / ``,`` is a thousands mark)."""
    s = _text(series)
    present = s.notna()
    txt = s.dropna().astype(str).str.replace(_CURRENCY, "", regex=True)
    pct = txt.str.endswith("%")
    txt = txt.str.rstrip("%")
    neg = txt.str.match(r"^\(.*\)$")
    txt = txt.str.strip("()")
    if decimal == ",":
        txt = txt.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        txt = txt.str.replace(",", "", regex=False)
    num = pd.to_numeric(txt, errors="coerce").astype(float)
    num = num.where(~pct, num / 100).where(~neg, -num)
    values = pd.Series(np.nan, index=series.index, dtype=float)
    values.loc[num.index] = num
    bad = present & values.isna()
    return Parsed(values, bad)


def detect_date_order(samples: list[pd.Series]) -> DateOrder:
    """Decide day-first or month-first from every ``a/b/yyyy`` value in the samples (see module doc)."""
    day_first = month_first = None
    seen = False
    for s in samples:
        m = s.dropna().astype(str).str.strip().str.extract(_SLASH)[["a", "b"]].dropna()
        if m.empty:
            continue
        seen = True
        a, b = m["a"].astype(int), m["b"].astype(int)
        if day_first is None and (a > 12).any():
            day_first = str(s.loc[m.index[(a > 12).to_numpy()][0]])
        if month_first is None and (b > 12).any():
            month_first = str(s.loc[m.index[(b > 12).to_numpy()][0]])
    if not seen:
        return DateOrder(None)
    if day_first and month_first:
        return DateOrder(None, ambiguous=True, conflict=True, evidence=f"{day_first} / {month_first}")
    if day_first:
        return DateOrder("dmy", evidence=day_first)
    if month_first:
        return DateOrder("mdy", evidence=month_first)
    return DateOrder(None, ambiguous=True)


def parse_dates(series: pd.Series, *, order: str | None = None, timezone: str | None = None) -> Parsed:
    """Timestamps (``datetime64[ns]``, no time zone) from text.

    Parameters
    ----------
    order : ``dmy`` or ``mdy`` for ``a/b/yyyy`` values; with None such values are bad.
    timezone : the zone epoch milliseconds are shown in (default UTC).
    """
    s = _text(series)
    present = s.notna()
    txt = s.dropna().astype(str).str.strip()
    out = pd.Series(pd.NaT, index=txt.index, dtype="datetime64[ns]")

    iso = txt.str.extract(_ISO)
    ok = iso["y"].notna()
    if ok.any():
        out[ok] = _assemble(iso[ok], iso.loc[ok, "m"], iso.loc[ok, "d"])

    rest = ~ok
    if rest.any() and order in DATE_ORDERS:
        sl = txt[rest].str.extract(_SLASH)
        hit = sl["y"].notna()
        if hit.any():
            sl = sl[hit]
            month, day = (sl["b"], sl["a"]) if order == "dmy" else (sl["a"], sl["b"])
            hours = sl["H"].fillna("0").astype(int)
            pm = sl["p"].fillna("").str.lower()
            hours = hours.where(pm != "pm", hours % 12 + 12).where(pm != "am", hours % 12)
            sl = sl.assign(H=hours.astype(str))
            out[sl.index] = _assemble(sl, month, day)

    epoch = txt.str.match(_EPOCH_MS) & out.isna()
    if epoch.any():
        ms = pd.to_numeric(txt[epoch], errors="coerce")
        ts = pd.to_datetime(ms, unit="ms", utc=True, errors="coerce")
        if timezone:
            ts = ts.dt.tz_convert(timezone)
        out[epoch] = ts.dt.tz_localize(None).astype("datetime64[ns]")

    values = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    values.loc[out.index] = out
    bad = present & values.isna()
    return Parsed(values, bad)


def _assemble(parts: pd.DataFrame, month: pd.Series, day: pd.Series) -> pd.Series:
    frac = parts["f"].fillna("0").str.ljust(9, "0").str[:9].astype(int) if "f" in parts else 0
    frame = pd.DataFrame({
        "year": parts["y"].astype(int), "month": month.astype(int), "day": day.astype(int),
        "hour": parts["H"].fillna("0").astype(int), "minute": parts["M"].fillna("0").astype(int),
        "second": parts["S"].fillna("0").astype(int),
    })
    hours_ok = (frame["hour"] < 24) & (frame["minute"] < 60) & (frame["second"] < 61)
    ts = pd.to_datetime(frame, errors="coerce") + pd.to_timedelta(frac, unit="ns")
    return ts.where(hours_ok).astype("datetime64[ns]")


_TRUE = {"true", "yes", "y", "1", "t", "是", "对", "会员", "x", "✓"}
_FALSE = {"false", "no", "n", "0", "f", "否", "不是", "非会员"}


def parse_bools(series: pd.Series) -> Parsed:
    """Booleans from yes/no, true/false, 1/0, 是/否."""
    s = _text(series)
    low = s.dropna().astype(str).str.strip().str.lower()
    values = pd.Series(None, index=series.index, dtype=object)
    values.loc[low.index[low.isin(_TRUE)]] = True
    values.loc[low.index[low.isin(_FALSE)]] = False
    bad = s.notna() & values.isna()
    return Parsed(values, bad)
