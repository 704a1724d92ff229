"""Demo companies at other scales and seeds, generated once per test session."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

TODAY = dt.date(2026, 11, 29)


@lru_cache(maxsize=8)
def company(scale: float, seed: int, today: dt.date = TODAY):
    from salesdash import demo

    return demo.generate(scale=scale, seed=seed, today=today)
