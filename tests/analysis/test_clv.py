"""BG/NBD and Gamma-Gamma: hand-checked formulas, and the published CDNOW estimates reproduced within 1%.

The CDNOW sample (2,357 customers of the online music store CDNOW, first purchases in Q1 1997) ships in the
``lifetimes`` wheel on PyPI. The tests fetch that wheel with ``pip download`` (no install, no import: the
package is unmaintained) and read the data files out of it; they skip, saying why, when PyPI cannot be
reached.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesdash.analysis import crm
from salesdash.analysis.clv import (BetaGeoModel, GammaGammaModel, NotFittedError, _bgnbd_loglik,
                                    customer_lifetime_value)
from salesdash.filters import Filters
from salesdash.store import Store

# Fader, Hardie & Lee (2005), table 1; Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value".
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}
# The calibration period of the papers: 39 weeks from 1 January 1997.
CALIBRATION = Filters(start=dt.date(1997, 1, 1), end=dt.date(1997, 9, 30))


@pytest.fixture(scope="session")
def cdnow_wheel(tmp_path_factory) -> zipfile.ZipFile:
    target = tmp_path_factory.mktemp("lifetimes_wheel")
    cmd = [sys.executable, "-m", "pip", "download", "lifetimes==0.11.3", "--no-deps", "--disable-pip-version-check",
           "-q", "-d", str(target)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (subprocess.TimeoutExpired, OSError) as e:
        pytest.skip(f"cannot fetch the CDNOW data (lifetimes 0.11.3 wheel from PyPI): {e}")
    wheels = list(Path(target).glob("*.whl"))
    if done.returncode != 0 or not wheels:
        pytest.skip("cannot fetch the CDNOW data: `pip download lifetimes==0.11.3` failed: "
                    + (done.stderr.strip().splitlines() or ["no wheel"])[-1])
    return zipfile.ZipFile(wheels[0])


@pytest.fixture(scope="session")
def cdnow_summary(cdnow_wheel) -> pd.DataFrame:
    """The published summary: ID, x (repeat purchases), t_x, T (weeks), zbar (mean repeat spend)."""
    raw = cdnow_wheel.read("lifetimes/datasets/cdnow_customers_summary_with_transactions.csv")
    return pd.read_csv(io.BytesIO(raw))


@pytest.fixture(scope="session")
def cdnow_store(cdnow_wheel, tmp_path_factory) -> Store:
    """The raw CDNOW transactions as salesdash orders (one order per line of the file)."""
    raw = pd.read_csv(io.BytesIO(cdnow_wheel.read("lifetimes/datasets/CDNOW_sample.txt")), sep=r"\s+", header=None,
                      names=["master_id", "customer", "date", "quantity", "spend"], dtype={"date": str})
    store = Store(tmp_path_factory.mktemp("cdnow") / "cdnow.duckdb")
    ids = raw["customer"].astype(str)
    store.replace_all({
        "customers": pd.DataFrame({"customer_id": ids.unique()}),
        "orders": pd.DataFrame({"order_id": [f"o{i}" for i in range(len(raw))], "line": 1, "customer_id": ids,
                                "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
                                "quantity": raw["quantity"], "revenue": raw["spend"]}),
    })
    return store


def _within_1pct(fitted: dict, published: dict) -> None:
    for k, v in published.items():
        assert fitted[k] == pytest.approx(v, rel=0.01), (k, fitted[k], v)


def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow_summary):
    d = cdnow_summary
    p = BetaGeoModel().fit(d["x"], d["t_x"], d["T"]).params_
    _within_1pct({"r": p.r, "alpha": p.alpha, "a": p.a, "b": p.b}, PUBLISHED_BGNBD)
    assert p.log_likelihood == pytest.approx(-9582.4, abs=0.5)  # the paper's LL
    assert p.customers == 2357


def test_gamma_gamma_reproduces_fader_hardie_2013(cdnow_summary):
    rep = cdnow_summary[cdnow_summary["x"] > 0]
    assert len(rep) == 946  # the note's repeat customers
    p = GammaGammaModel().fit(rep["x"], rep["zbar"]).params_
    _within_1pct({"p": p.p, "q": p.q, "gamma": p.gamma}, PUBLISHED_GG)


def test_the_engine_rebuilds_the_published_summary_from_the_transactions(cdnow_store, cdnow_summary):
    rfm = crm.rfm_summary(cdnow_store, CALIBRATION, time_unit="weeks")
    m = cdnow_summary.merge(rfm.assign(ID=rfm["customer_id"].astype(int)), on="ID")
    assert len(m) == 2357
    assert (m["x"] == m["frequency"]).all()
    assert np.abs(m["t_x"] - m["recency"]).max() < 0.006  # the file rounds to 2 decimals
    assert np.abs(m["T_x"] - m["T_y"]).max() < 0.006
    rep = m[m["x"] > 0]
    assert np.abs(rep["zbar"] - rep["monetary_value"]).max() < 0.006


def test_the_crm_clv_pipeline_reproduces_the_published_estimates(cdnow_store):
    result = crm.customer_lifetime_value(cdnow_store, CALIBRATION)
    assert result.enough and result.calibration_end == dt.date(1997, 9, 30)
    params = result.params_json()
    _within_1pct(params, {**PUBLISHED_BGNBD, **PUBLISHED_GG})
    # Conditional on their histories the 2,357 customers are expected to make about 1,650 repeat purchases
    # in the next 39 weeks (less than the calibration's 2,457: many have dropped out).
    model = BetaGeoModel().fit(*(result.customers[c] for c in ("frequency", "recency", "T")))
    expected = model.predict(39, *(result.customers[c] for c in ("frequency", "recency", "T"))).sum()
    assert 1500 < expected < 1800
    assert result.customers["clv"].is_monotonic_decreasing


# ----- hand-checked formulas ------------------------------------------------------------------------------

def test_loglik_of_a_customer_without_repeat_purchases_by_hand():
    # x = 0: L = (alpha / (alpha + T))^r  ->  r = 1, alpha = 2, T = 2: L = 0.5
    ll = _bgnbd_loglik(np.array([1.0, 2.0, 0.5, 1.5]), np.array([0.0]), np.array([0.0]), np.array([2.0]))
    assert ll[0] == pytest.approx(math.log(0.5))


def test_loglik_with_repeat_purchases_by_hand():
    # FHL eq. 6 with r=1, alpha=1, a=1, b=1, x=1, t_x=1, T=2:
    # Γ(2)/Γ(1) · 1 = 1;  B(1, 2)/B(1, 1) = 1/2;  (α+T)^-(r+x) = 3^-2 = 1/9;
    # a/(b+x-1) · (α+t_x)^-(r+x) = 1 · 2^-2 = 1/4;  L = 1 · 1/2 · (1/9 + 1/4) = 13/72
    ll = _bgnbd_loglik(np.array([1.0, 1.0, 1.0, 1.0]), np.array([1.0]), np.array([1.0]), np.array([2.0]))
    assert ll[0] == pytest.approx(math.log(13 / 72))


def _fixed(model, **params):
    from salesdash.analysis.clv import BetaGeoParams, GammaGammaParams

    cls = BetaGeoParams if isinstance(model, BetaGeoModel) else GammaGammaParams
    model.params_ = cls(**params, log_likelihood=0.0, customers=0, converged=True)
    return model


def test_probability_alive_by_hand():
    bg = _fixed(BetaGeoModel(), r=1.0, alpha=1.0, a=1.0, b=1.0)
    # x = 0: never seen to drop out -> 1.  x = 1, t_x = 1, T = 2:
    # 1 / (1 + a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)) = 1 / (1 + 1 · (3/2)^2) = 4/13
    p = bg.conditional_probability_alive([0, 1], [0, 1], [2, 2])
    assert p[0] == 1.0 and p[1] == pytest.approx(4 / 13)


def test_expected_spend_by_hand():
    gg = _fixed(GammaGammaModel(), p=6.0, q=4.0, gamma=15.0)
    # p (γ + x m̄) / (p x + q − 1) = 6 · (15 + 2·20) / (12 + 3) = 22; x = 0: p γ / (q − 1) = 30
    assert gg.conditional_expected_average_profit([2, 0], [20.0, np.nan]).tolist() == pytest.approx([22.0, 30.0])
    assert gg.params_.population_mean_spend == pytest.approx(30.0)


def test_predict_and_clv_shapes():
    bg = _fixed(BetaGeoModel(), r=0.243, alpha=4.414, a=0.793, b=2.426)
    gg = _fixed(GammaGammaModel(), p=6.25, q=3.74, gamma=15.44)
    f, r, T = np.array([0, 2, 10]), np.array([0.0, 30.0, 35.0]), np.array([38.0, 38.0, 38.0])
    assert bg.predict(0, f, r, T).tolist() == [0.0, 0.0, 0.0]
    e12, e52 = bg.predict(12, f, r, T), bg.predict(52, f, r, T)
    assert (e52 > e12).all() and e12[2] > e12[1] > e12[0]  # more, and more recent, buying -> more expected
    undiscounted = customer_lifetime_value(bg, gg, f, r, T, [np.nan, 20.0, 30.0], horizon=12, step=52 / 12)
    discounted = customer_lifetime_value(bg, gg, f, r, T, [np.nan, 20.0, 30.0], horizon=12, step=52 / 12,
                                         discount_rate=0.02)
    # no discount: CLV = E[purchases in 52 weeks] × expected spend
    spend = gg.conditional_expected_average_profit(f, [0.0, 20.0, 30.0])
    assert undiscounted == pytest.approx(e52 * spend)
    assert (discounted < undiscounted).all()


def test_bad_inputs_and_unfitted_models_say_so():
    with pytest.raises(ValueError, match="recency"):
        BetaGeoModel().fit([1, 2], [5.0, 1.0], [4.0, 4.0])  # recency > T
    with pytest.raises(ValueError, match="whole number"):
        BetaGeoModel().fit([1.5, 2], [1.0, 1.0], [4.0, 4.0])
    with pytest.raises(ValueError, match="repeat customers only"):
        GammaGammaModel().fit([0, 2], [10.0, 12.0])
    with pytest.raises(NotFittedError):
        BetaGeoModel().conditional_probability_alive([1], [1.0], [2.0])


def test_simulated_bgnbd_parameters_are_recovered():
    # Draw 4,000 customers from known parameters over 52 weeks and fit them back.
    rng = np.random.default_rng(11)
    r, alpha, a, b, T = 0.5, 6.0, 0.8, 3.0, 52.0
    n = 4000
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            x[i] += 1
            t_x[i] = t
            if rng.random() < p[i]:
                break
    fitted = BetaGeoModel().fit(x, t_x, np.full(n, T)).params_
    assert fitted.r == pytest.approx(r, rel=0.15)
    assert fitted.alpha == pytest.approx(alpha, rel=0.2)
    assert fitted.a == pytest.approx(a, rel=0.35) and fitted.b == pytest.approx(b, rel=0.5)


def test_predict_is_equation_10_and_stays_right_without_dropout():
    from scipy.special import hyp2f1

    x, t_x, T = np.array([0.0, 1, 2, 5, 10, 40]), np.array([0.0, 5, 30, 35, 20, 38]), np.full(6, 38.86)
    r, alpha, a, b, t = 0.243, 4.414, 0.793, 2.426, 39.0
    bg = _fixed(BetaGeoModel(), r=r, alpha=alpha, a=a, b=b)
    # FHL (2005) eq. 10, written out
    eq10 = ((a + b + x - 1) / (a - 1)
            * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)))
            / (1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)))
    assert bg.predict(t, x, t_x, T) == pytest.approx(eq10, rel=1e-9)
    # a -> 0, b -> infinity: nobody drops out, and the model is the NBD: E = (r + x) t / (alpha + T).
    nbd = _fixed(BetaGeoModel(), r=0.6, alpha=6.5, a=2.6e-6, b=3.5e9)
    assert nbd.predict(52, x, t_x, T) == pytest.approx((0.6 + x) * 52 / (6.5 + T), rel=1e-6)
