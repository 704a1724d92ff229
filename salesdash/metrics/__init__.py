"""The registry of named metrics: every number a person reads is one of these.

A :class:`Metric` carries its unit, its name and its formula in English and Chinese, and (where it is a
ratio) what goes above and below the line. The formula is written once, here, and shown next to the number
on every page and in every report.

Definitions live in one module per topic (``salesdash/metrics/overview.py``, ``funnel.py``...), each with a
``METRICS`` tuple, merged here; a duplicate key is an error.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from dataclasses import dataclass
from functools import lru_cache

from salesdash.config import settings
from salesdash.i18n import get_language

__all__ = ["Metric", "metric", "registry", "format_value", "UNITS"]

UNITS = ("currency", "count", "ratio", "percent_points", "days", "score", "number", "multiple")


@dataclass(frozen=True)
class Metric:
    """A named metric.

    Parameters
    ----------
    key : the stable name used in code, reports and JSON (``win_rate``).
    unit : currency, count, ratio (0-1, shown as %), percent_points, days, score, number, multiple.
    name : (English, Chinese) name.
    formula : (English, Chinese) definition a person can check by hand.
    numerator, denominator : for ratios, what is counted above and below the line (English).
    higher_is_better : colours the change against the previous period.
    """

    key: str
    unit: str
    name: tuple[str, str]
    formula: tuple[str, str]
    numerator: str | None = None
    denominator: str | None = None
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"metric {self.key}: unknown unit {self.unit!r}")

    @property
    def label(self) -> str:
        return self.name[1] if get_language() == "zh" else self.name[0]

    @property
    def definition(self) -> str:
        return self.formula[1] if get_language() == "zh" else self.formula[0]


@lru_cache(maxsize=1)
def registry() -> dict[str, Metric]:
    merged: dict[str, Metric] = {}
    package = importlib.import_module(__name__)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for m in module.METRICS:
            if m.key in merged:
                raise ValueError(f"metric {m.key!r} is defined twice (again in metrics/{info.name}.py)")
            merged[m.key] = m
    return merged


def metric(key: str) -> Metric:
    try:
        return registry()[key]
    except KeyError:
        raise KeyError(f"unknown metric {key!r}") from None


def format_value(key_or_unit: str, value: float | int | None, *, digits: int | None = None) -> str:
    """A value formatted for people in the metric's unit ("¥1.2M", "34.5%", "12 d"); None -> "–"."""
    unit = registry()[key_or_unit].unit if key_or_unit in registry() else key_or_unit
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    zh = get_language() == "zh"
    if unit == "currency":
        return settings().currency + _compact(value, zh)
    if unit == "ratio":
        return f"{value * 100:.{1 if digits is None else digits}f}%"
    if unit == "percent_points":
        return f"{value * 100:+.{1 if digits is None else digits}f} pp"
    if unit == "count":
        return _compact(value, zh) if abs(value) >= 100_000 else f"{value:,.0f}"
    if unit == "days":
        return f"{value:.{0 if digits is None else digits}f} {'天' if zh else 'd'}"
    if unit == "multiple":
        return f"{value:.{2 if digits is None else digits}f}×"
    if unit == "score":
        return f"{value:.{1 if digits is None else digits}f}"
    return f"{value:,.{2 if digits is None else digits}f}"


def _compact(value: float, zh: bool) -> str:
    a = abs(value)
    if zh:
        if a >= 1e8:
            return f"{value / 1e8:.2f}亿"
        if a >= 1e4:
            return f"{value / 1e4:.1f}万"
        return f"{value:,.0f}"
    if a >= 1e9:
        return f"{value / 1e9:.2f}B"
    if a >= 1e6:
        return f"{value / 1e6:.2f}M"
    if a >= 1e4:
        return f"{value / 1e3:.1f}K"
    return f"{value:,.0f}"
