"""The win-probability model: its scikit-learn contract, its honesty about too little data, and what it
recovers from a seeded pipeline with known truths (tests/analysis/funnel_fixture.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from salesdash.analysis import funnel as F
from salesdash.analysis import win_probability as W
from salesdash.filters import Filters
from tests.analysis.funnel_fixture import build_funnel_company, build_synthetic_pipeline

ALL = Filters()


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return build_synthetic_pipeline(tmp_path_factory.mktemp("wp") / "s.duckdb")


@pytest.fixture(scope="module")
def result(synth):
    return W.evaluate(synth, ALL)


def test_training_rows_never_show_the_outcome_as_a_stage(synth):
    rows = W.deal_stage_rows(synth, ALL)
    assert set(rows["stage"]) <= {"prospect", "intent", "engaged"}
    # one row per open stage entered: a deal lost at prospect gives 1 row, a won deal 3
    per_deal = rows.groupby("opportunity_id").size()
    o = synth.execute(synth.table("opportunities"))
    won = set(o.loc[o["status"] == "won", "opportunity_id"])
    assert (per_deal[per_deal.index.isin(won)] == 3).all()
    assert rows["age_days"].min() >= 0
    assert rows.loc[rows["stage"] == "prospect", "age_days"].max() == pytest.approx(0)


def test_model_follows_the_sklearn_contract(synth):
    rows = W.deal_stage_rows(synth, ALL)
    m = W.WinProbabilityModel(method="logistic", C=0.5)
    assert (m.method, m.C) == ("logistic", 0.5) and not hasattr(m, "estimator_")  # __init__ only stores
    with pytest.raises(RuntimeError):
        m.predict_proba(rows)
    assert m.fit(rows) is m
    assert m.n_deals_ == rows["opportunity_id"].nunique() and 0 < m.base_rate_ < 1
    p = m.predict_proba(rows)
    assert p.shape == (len(rows),) and ((p >= 0) & (p <= 1)).all()
    with pytest.raises(ValueError, match="activities"):
        m.fit(rows.drop(columns="activities"))


def test_holdout_auc_and_calibration_recover_the_planted_signal(result):
    assert result.enough and result.cutoff is not None
    assert result.n_train > result.n_holdout > 0
    # channel (2x) and activity drive the outcome: the holdout AUC is far above chance
    assert result.auc > 0.7
    cal = result.calibration[result.calibration["source"] == "model"]
    # calibrated: on average the predicted and the observed share differ by little
    assert np.average(np.abs(cal["predicted"] - cal["observed"])) < 0.12
    # the CRM's probability of closed deals is the outcome (1/0): not scored as a forecast
    assert result.auc_crm is None


def test_model_learns_the_channel_and_activity_effects(result):
    base = pd.DataFrame({"stage": ["intent"] * 4, "age_days": [20.0] * 4, "amount": [8000.0] * 4,
                         "channel_id": ["a", "b", "a", "a"], "activities": [3, 3, 0, 8]})
    p = result.model.predict_proba(base)
    assert p[0] > 1.4 * p[1]  # channel a converts about twice as often
    assert p[3] > p[0] > p[2]  # more activity, more wins


def test_boosting_also_works(synth):
    r = W.evaluate(synth, ALL, method="boosting")
    assert r.enough and r.auc > 0.65


def test_open_deals_scored_and_ranked(synth, result):
    scored = W.score_open_deals(synth, ALL, model=result.model)
    o = synth.execute(synth.table("opportunities"))
    assert len(scored) == int((o["status"] == "open").sum())
    assert list(scored["rank"]) == list(range(1, len(scored) + 1))
    assert scored["model_probability"].is_monotonic_decreasing
    assert scored["expected_value"].iloc[0] == pytest.approx(scored["amount"].iloc[0] * scored["model_probability"].iloc[0])
    stage_rate = F.stage_win_probability(synth, ALL).set_index("stage")["rate"]
    assert scored["stage_probability"].iloc[0] == pytest.approx(stage_rate[scored["stage"].iloc[0]])


def test_stage_table_sits_beside_the_crm(result):
    st = result.stages.set_index("stage")
    assert list(st.index) == ["prospect", "intent", "engaged"]
    assert st["rate"].is_monotonic_increasing  # the further a deal got, the likelier it was won
    assert st.loc["engaged", "crm_probability"] == pytest.approx(0.6)


def test_too_little_history_is_an_answer(tmp_path):
    tiny = build_funnel_company(tmp_path / "f.duckdb")
    r = W.evaluate(tiny, Filters(end=dt.date(2025, 3, 31)))
    assert not r.enough and r.reason == "too_few_closed_deals" and r.model is None and r.auc is None
    scored = W.score_open_deals(tiny, Filters(end=dt.date(2025, 3, 31)))
    # no model: ranked by the stage's historical rate (engaged 2/3 > intent 2/4 > prospect 2/5)
    assert list(scored["opportunity_id"]) == ["d7", "d6", "d8"]
    assert scored["model_probability"].isna().all()


def test_synthetic_truths_through_the_funnel(synth):
    c = F.compare_groups(synth, ALL, by="channel", rate="to_intent")
    t = c.table.set_index("group")
    assert c.overall.verdict == "significant"
    assert t.loc["a", "verdict"] == "significant" and 1.5 < t.loc["a", "lift"] < 2.6
    v = F.velocity(synth, ALL).stages.set_index("stage")
    # gamma(2, θ): mean 2θ = 20, 30, 40 days; the median is about 1.68θ
    assert v["mean_days"].tolist() == pytest.approx([20, 30, 40], rel=0.2)


def test_demo_model_beats_chance_and_ranks_open_deals(demo_store):
    r = W.evaluate(demo_store, ALL)
    assert r.enough and 0.6 < r.auc < 0.95
    scored = W.score_open_deals(demo_store, ALL, model=r.model)
    assert len(scored) > 0 and scored["model_probability"].between(0, 1).all()
    # the stage's history orders the stages: engaged deals outrank prospects on average
    by_stage = scored.groupby("stage")["model_probability"].mean()
    assert by_stage["engaged"] > by_stage["prospect"]
