"""The Team page in both languages over the demo company."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from salesdash.analysis import team
from salesdash.filters import Filters
from salesdash.metrics import format_value
from tests.app.conftest import assert_clean, chart_specs

pytestmark = pytest.mark.timeout(600)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def open_page(run_app):
    """The page through app.py over the demo, in either language (tests/app/conftest.py: open_app)."""
    def open_(page: str, *, lang: str = "en", query: dict | None = None) -> AppTest:
        at = run_app(page, lang=lang, query=query)
        return at

    return open_


def _table(at, column: str):
    """The dataframe on the page that has `column` (tables are found by what a person reads)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _window(at) -> Filters:
    q = at.query_params
    one = lambda k: q[k][0] if isinstance(q[k], list) else q[k]  # noqa: E731
    return Filters(start=dt.date.fromisoformat(one("start")), end=dt.date.fromisoformat(one("end")))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_team_page_renders(open_page, demo_store, lang):
    at = open_page("pages/team.py", lang=lang)
    assert_clean(at, lang)
    labels = [m.label for m in at.metric]
    assert ("目标达成率" if lang == "zh" else "Quota attainment") in labels
    # the attainment shown is the analysis' attainment over the page's window (the last 12 months)
    f = _window(at)
    attainment = next(m for m in at.metric if m.label in ("Quota attainment", "目标达成率"))
    assert attainment.value == format_value("ratio", team.summary(demo_store, f).attainment)
    specs = chart_specs(at)
    assert len(specs) >= 7
    # the scorecard lists every rep with a figure in the window
    card = _table(at, "综合评分" if lang == "zh" else "Composite score")
    assert len(card) == len(team.rep_table(demo_store, f))
    if lang == "en":  # the manager's weights: with activities alone, the most active rep comes first
        for comp, _ in team.SCORE_COMPONENTS:
            if comp != "activities":
                at.slider(key=f"team.w.{comp}").set_value(0.0)
        at.run()
        assert_clean(at, "en")
        after = _table(at, "Composite score")
        assert list(after["Rep"]) != list(card["Rep"])
        acts = after["Activities"].astype(str).str.replace(",", "").astype(int)
        assert acts.iloc[0] == acts.max() and after["Composite score"].iloc[0] == "100.0"


def test_team_filter_and_group_switch(open_page):
    at = open_page("pages/team.py", query={"teams": "West"})
    at.segmented_control(key="team.by").set_value("rep_id").run()
    at.segmented_control(key="team.period").set_value("month").run()
    assert_clean(at, "en")
    teams = set(_table(at, "Quota attainment")["Team"])
    assert teams <= {"West", "西部"} and teams


def test_the_page_is_in_the_navigation():
    assert '"pages/team.py"' in (ROOT / "app.py").read_text(encoding="utf-8")


def test_pace_at_the_end_of_its_period_says_so_instead_of_a_zero_width_interval(open_page):
    at = open_page("pages/team.py", query={"start": "2026-01-01", "end": "2026-10-31"})
    assert_clean(at, "en")
    cards = [m for m in at.metric if m.label == "Projected attainment"]
    assert cards and all("the period ends today" in m.proto.delta_description for m in cards)
    assert not any("interval" in m.proto.delta_description for m in cards)
