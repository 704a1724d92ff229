"""The Risk page in both languages over the demo company."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from salesdash.i18n import set_language
from tests.app.conftest import assert_clean, chart_specs

pytestmark = pytest.mark.timeout(600)


@pytest.fixture()
def open_page(run_app):
    """The page through app.py over the demo, in either language (tests/app/conftest.py: open_app)."""

    def run(lang: str = "en", query: dict | None = None) -> AppTest:
        set_language(lang)  # AppTest formats widget values in this thread
        at = run_app("pages/risk.py", lang=lang, query=query)
        return at

    yield run
    set_language("en")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_risk_page_renders(open_page, demo_company, lang):
    at = open_page(lang, {"period": "all"})
    assert_clean(at, lang)
    flagged = next(m for m in at.metric if m.label in ("Deals at risk", "风险商机数"))
    assert int(flagged.value) >= len(demo_company.truths.slipping_opportunity_ids)
    hhi = next(m for m in at.metric if m.label in ("Customer concentration (HHI)", "客户集中度（HHI）"))
    assert 0 < float(hhi.value.replace(",", "")) < 10_000
    # the deals table lists the planted slipping deals
    deals = next(d.value for d in at.dataframe if d.value.columns[0] in ("Deal", "商机"))
    ids = set(deals.iloc[:, 0])
    assert set(demo_company.truths.slipping_opportunity_ids) <= ids
    # the matrix links each risk to its evidence on the page
    md = " ".join(m.value for m in at.markdown)
    assert "(#risk-deals)" in md and "(#risk-receivables)" in md
    assert len(chart_specs(at)) >= 6
    if lang == "en":  # the section pickers work (one run saved by doing it here)
        at.selectbox(key="risk.survival_by").set_value("region")
        at.selectbox(key="risk.concentration_by").set_value("channel")
        at.selectbox(key="risk.overdue_by").set_value("rep").run()
        assert_clean(at, "en")
        survival = next(c for c in chart_specs(at) if len(c["data"]) >= 5 and c["data"][0].get("line", {}).get(
            "shape") == "hv")
        assert {tr["name"] for tr in survival["data"]} >= {"East China", "Northwest China"}
