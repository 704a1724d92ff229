"""Shared plumbing of the generator: the calendar of the history, random streams, ids and sampling helpers.

Inside the generator, time is a number: a *day* is an integer offset from the first day of the history
(day 0), a *moment* a float offset in days (so 3.5 is noon of day 3). Entities are integer codes (row
positions of their table). Both become dates, timestamps and string ids only when the canonical tables
are assembled, which keeps ten million order lines cheap.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from salesdash.demo import reference as ref

__all__ = ["History", "random_stream", "scaled", "make_ids", "take", "choice_by_weight", "sample_in_range",
           "office_hours"]

#: The history covers this many calendar months, the last one partial (it ends today).
HISTORY_MONTHS = 36


def random_stream(seed: int, topic: str) -> np.random.Generator:
    """An independent random stream for one topic, fixed by the seed alone.

    The topic is turned into a number with CRC-32 (not Python's salted ``hash``), so the same seed always
    gives the same numbers, and changing how one table is drawn leaves the other tables as they were.
    """
    return np.random.default_rng([seed, zlib.crc32(topic.encode("utf-8"))])


def scaled(count: float, scale: float, minimum: int = 1) -> int:
    """A count at scale 1 multiplied by `scale`, rounded, at least `minimum`."""
    return max(minimum, int(round(count * scale)))


def _month_start(year: int, month: int) -> dt.date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, 1)


@dataclass(frozen=True)
class History:
    """The calendar of the demo history: 36 calendar months, the last one ending today.

    Attributes
    ----------
    today : the last day of the history.
    start : the first day of the first month.
    n_days : days from `start` to `today`, both included.
    month_first_day : day offset of the first day of each month, plus one entry for the month after.
    calendar_month : 1..12 for each month of the history.
    month_of_day : the month index (0..35) of every day.
    """

    today: dt.date
    start: dt.date
    n_days: int
    month_first_day: np.ndarray = field(repr=False)
    calendar_month: np.ndarray = field(repr=False)
    month_of_day: np.ndarray = field(repr=False)

    @classmethod
    def ending(cls, today: dt.date) -> History:
        start = _month_start(today.year, today.month - (HISTORY_MONTHS - 1))
        firsts = [_month_start(start.year, start.month + k) for k in range(HISTORY_MONTHS + 1)]
        offsets = np.array([(d - start).days for d in firsts], dtype=np.int32)
        n_days = (today - start).days + 1
        month_of_day = np.searchsorted(offsets, np.arange(n_days), side="right").astype(np.int16) - 1
        return cls(
            today=today,
            start=start,
            n_days=n_days,
            month_first_day=offsets,
            calendar_month=np.array([d.month for d in firsts[:-1]], dtype=np.int8),
            month_of_day=month_of_day,
        )

    # ----- calendar -----------------------------------------------------------------------------------
    @property
    def n_months(self) -> int:
        return HISTORY_MONTHS

    @property
    def last_day(self) -> int:
        """The day offset of today."""
        return self.n_days - 1

    def month_date(self, k: int) -> dt.date:
        """The first day of month `k` (may lie beyond the history: future months for targets)."""
        return _month_start(self.start.year, self.start.month + k)

    def day_of(self, date: dt.date) -> int:
        return (date - self.start).days

    def elapsed_share(self) -> np.ndarray:
        """Share of each month's days inside the history (1.0 except for the current, partial month)."""
        lengths = np.diff(self.month_first_day).astype(float)
        inside = np.minimum(self.month_first_day[1:], self.n_days) - self.month_first_day[:-1]
        return inside / lengths

    def demand_index(self, rng: np.random.Generator) -> np.ndarray:
        """Relative revenue of each month: growth x seasonality x a little persistent noise.

        The current month is counted in full here; callers scale it by :meth:`elapsed_share`.
        """
        k = np.arange(self.n_months)
        growth = (1 + ref.ANNUAL_GROWTH) ** (k / 12)
        season = np.array([ref.SEASONALITY[int(m)] for m in self.calendar_month])
        noise = np.empty(self.n_months)
        level = 0.0
        for i in range(self.n_months):  # AR(1) wobble, 36 steps
            level = 0.5 * level + rng.normal(0, 0.015)
            noise[i] = level
        return growth * season * np.exp(noise)

    # ----- conversion to the canonical types -------------------------------------------------------------
    def dates(self, days: np.ndarray) -> np.ndarray:
        """Day offsets (NaN -> NaT) as ``datetime64[s]`` dates."""
        days = np.asarray(days)
        out = np.datetime64(self.start, "s") + (np.nan_to_num(days, nan=0).astype(np.int64) * 86_400).astype(
            "timedelta64[s]"
        )
        missing = np.isnan(days) if days.dtype.kind == "f" else np.zeros(days.shape, bool)
        return np.where(missing, np.datetime64("NaT", "s"), out)

    def moments(self, moments: np.ndarray) -> np.ndarray:
        """Moments (fractional days; NaN -> NaT) as ``datetime64[s]`` timestamps, rounded to the minute."""
        moments = np.asarray(moments, dtype=float)
        seconds = np.round(np.nan_to_num(moments, nan=0) * 1440) * 60
        out = np.datetime64(self.start, "s") + seconds.astype(np.int64).astype("timedelta64[s]")
        return np.where(np.isnan(moments), np.datetime64("NaT", "s"), out)


def office_hours(moments: np.ndarray) -> np.ndarray:
    """Squeeze each moment's time of day into 09:00-19:00 (same day, same order: the map is monotone).

    For things people do at work: CRM records, sales activities, complaint handling.
    """
    moments = np.asarray(moments, dtype=float)
    day = np.floor(moments)
    return day + (9 + 10 * (moments - day)) / 24


def make_ids(prefix: str, n: int, width: int) -> pd.api.extensions.ExtensionArray:
    """``prefix`` + a zero-padded running number (1..n), as a pandas string array (Arrow-backed)."""
    numbers = pa.array(np.arange(1, n + 1, dtype=np.int64)).cast(pa.string())
    joined = pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), "")
    return pd.array(joined, dtype="str")


def take(values, codes: np.ndarray):
    """``values[codes]`` for a string array or list, with code -1 giving a missing value."""
    arr = values if isinstance(values, pd.api.extensions.ExtensionArray) else pd.array(list(values), dtype="str")
    codes = np.asarray(codes, dtype=np.int64)
    return arr.take(codes, allow_fill=True)


def choice_by_weight(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """`size` draws of indices 0..len(weights)-1 with probability proportional to `weights`."""
    w = np.asarray(weights, dtype=float)
    cum = np.cumsum(w / w.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(size), side="right").astype(np.int64)


def sample_in_range(cum_density: np.ndarray, low: np.ndarray, high: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Days in ``[low, high]`` drawn with a day density, by inverting its cumulative sum.

    Parameters
    ----------
    cum_density : cumulative density, ``cum_density[d]`` = total density of days ``0..d-1`` (length n+1).
    low, high : inclusive day bounds per draw (``low <= high``).
    u : uniform numbers in [0, 1), one per draw.
    """
    lo = cum_density[low]
    hi = cum_density[high + 1]
    target = lo + u * (hi - lo)
    day = np.searchsorted(cum_density, target, side="right") - 1
    return np.clip(day, low, high).astype(np.int32)
