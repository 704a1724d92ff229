"""Settings, read from the environment once.

SALESDASH_DB        database URL or DuckDB file path (default: data/salesdash.duckdb beside the package)
SALESDASH_LANG      default language, en or zh (default: en)
SALESDASH_MAX_IMPORT_MB   largest file the importer accepts (default: 2048)
SALESDASH_CURRENCY  currency symbol shown before amounts (default: ¥)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Settings", "settings", "PROJECT_ROOT"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    default_language: str
    max_import_mb: int
    currency: str


@lru_cache(maxsize=1)
def settings() -> Settings:
    data_dir = Path(os.environ.get("SALESDASH_DATA", PROJECT_ROOT / "data"))
    lang = os.environ.get("SALESDASH_LANG", "en")
    return Settings(
        database_url=os.environ.get("SALESDASH_DB", str(data_dir / "salesdash.duckdb")),
        data_dir=data_dir,
        default_language=lang if lang in ("en", "zh") else "en",
        max_import_mb=int(os.environ.get("SALESDASH_MAX_IMPORT_MB", "2048")),
        currency=os.environ.get("SALESDASH_CURRENCY", "¥"),
    )
