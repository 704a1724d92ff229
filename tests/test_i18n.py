"""Both languages everywhere: every text has English and Chinese, every key used in code exists."""

from __future__ import annotations

import re
from pathlib import Path

from salesdash.i18n import catalog, label, set_language, t
from salesdash.metrics import registry

ROOT = Path(__file__).resolve().parents[1]
_KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


def _sources():
    for folder in ("salesdash", "pages"):
        yield from (ROOT / folder).rglob("*.py")
    yield ROOT / "app.py"


def test_every_text_has_both_languages():
    for key, pair in catalog().items():
        assert isinstance(pair, tuple) and len(pair) == 2, key
        en, zh = pair
        assert en.strip() and zh.strip(), f"{key} lacks a language"
        assert re.search(r"[\u4e00-\u9fff]", zh) or zh == en or not re.search(r"[A-Za-z]{4,}", en), \
            f"{key}: the Chinese text has no Chinese"
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", zh)), f"{key}: placeholders differ"


def test_every_key_used_in_code_exists():
    missing = {}
    for path in _sources():
        for key in _KEY_CALL.findall(path.read_text(encoding="utf-8")):
            if key not in catalog():
                missing.setdefault(key, str(path.relative_to(ROOT)))
    assert not missing, missing


def test_every_metric_has_name_and_formula_in_both_languages():
    for key, m in registry().items():
        assert all(s.strip() for s in m.name + m.formula), key
        assert re.search(r"[\u4e00-\u9fff]", m.name[1] + m.formula[1]), key


def test_switching_language_and_labels():
    set_language("zh")
    assert t("nav.overview") == "经营总览"
    assert label("region", "no-such-region") == "no-such-region"
    set_language("en")
    assert t("nav.overview") == "Overview"
    assert t("no.such.key") == "[no.such.key]"
