"""Every word a person reads, in English or Chinese, through ``t(key)``.

Texts live in ``salesdash/i18n/texts/<topic>.py`` as ``TEXTS = {key: ("English", "中文")}``, one file per
page or topic so pages can grow independently; they are merged here and a duplicate key is an error.
Placeholders use ``str.format``: ``t("common.window", start=..., end=...)``.

The language is per thread (a Streamlit script run, a CLI call): :func:`set_language` at the start of a run.
:func:`label` translates data codes (stages, regions, channel types...) and passes unknown values through,
so a user's own region names show as they are.
"""

from __future__ import annotations

import importlib
import pkgutil
from contextvars import ContextVar
from functools import lru_cache

__all__ = ["t", "label", "set_language", "get_language", "LANGUAGES", "catalog", "has"]

LANGUAGES = ("en", "zh")
_language: ContextVar[str] = ContextVar("salesdash_language", default="en")


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    _language.set(lang)


def get_language() -> str:
    return _language.get()


@lru_cache(maxsize=1)
def catalog() -> dict[str, tuple[str, str]]:
    """All texts, merged from the topic files. Raises on a key defined twice."""
    from salesdash.i18n import texts

    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(texts.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{texts.__name__}.{info.name}")
        for key, pair in module.TEXTS.items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} is defined twice (again in texts/{info.name}.py)")
            merged[key] = pair
    return merged


def has(key: str) -> bool:
    return key in catalog()


def t(key: str, /, **kwargs: object) -> str:
    """The text for `key` in the current language, with placeholders filled.

    A missing key returns the key itself in brackets, so it shows up in review and tests catch it.
    """
    pair = catalog().get(key)
    if pair is None:
        return f"[{key}]"
    text = pair[1] if get_language() == "zh" else pair[0]
    return text.format(**kwargs) if kwargs else text


def label(kind: str, value: object) -> str:
    """A data code shown to a person: ``label("stage", "won")`` -> "Won" / "成交客户".

    Unknown codes (a user's own values) pass through unchanged; None shows as "(none)".
    """
    if value is None or (isinstance(value, float) and value != value):
        return t("common.none")
    key = f"{kind}.{value}"
    return t(key) if key in catalog() else str(value)
