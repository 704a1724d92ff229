"""Fixtures of the import tests: a fresh store, the sample exports, the shared real data sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesdash.i18n import set_language
from salesdash.store import Store

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
PROFILES = HERE / "profiles"
REPO = HERE.parents[1]
REAL = REPO.parent / "shared" / "data" / "real"


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def real(*parts: str) -> Path:
    """A file of ../shared/data/real, or a skip saying why it is absent."""
    p = REAL.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared real data not available: {p} is absent (a clone without ../shared)")
    return p
