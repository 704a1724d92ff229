"""The market around the company: a consumer survey and monthly market size with competitors.

Survey (truth 8). Respondents' interest in a category is about 3 on the 1-5 scale with small
differences, except 25-34-year-old white-collar workers asked about electronics, who average about 4.4.
Van Westendorp price answers: "too cheap" lies lognormally below the category's optimal price and "too
expensive" the same distance above it, so the "too cheap" and "too expensive" curves cross at that price.

Market. For every month, region and category the market size is our expected sales there divided by
our share (10-25%, drifting slowly); the rest is split between four competitors, with their prices
relative to our average price in the category.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

from salesdash import schema
from salesdash.demo import reference as ref
from salesdash.demo._common import History, choice_by_weight, scaled, take
from salesdash.demo.customers import CustomerPlan
from salesdash.demo.orders import OrderBook

__all__ = ["Survey", "build_survey", "survey_frame", "market_frame", "OPTIMAL_PRICE", "AGE_BANDS",
           "HIGHEST_INTEREST_GROUP"]

SURVEY_AT_SCALE_1 = 3_000
#: the price at which as many respondents find the product too cheap as too expensive (truth 8)
OPTIMAL_PRICE: dict[str, float] = {
    "electronics": 2999.0,
    "home_appliances": 1999.0,
    "personal_care": 399.0,
    "apparel": 599.0,
    "food_beverage": 199.0,
}
#: age bands (inclusive bounds) and their share of respondents
AGE_BANDS: tuple[tuple[str, int, int, float], ...] = (
    ("18-24", 18, 24, 0.18), ("25-34", 25, 34, 0.34), ("35-44", 35, 44, 0.24), ("45-54", 45, 54, 0.14),
    ("55-70", 55, 70, 0.10),
)
#: (age band, occupation, category) with clearly the highest interest (truth 8)
HIGHEST_INTEREST_GROUP = ("25-34", "white_collar", "electronics")
_PLANTED_INTEREST_LIFT = 1.3
# Occupations by age band (white_collar, blue_collar, student, self_employed, retired, civil_servant).
_OCCUPATION_BY_AGE = np.array([
    [0.30, 0.15, 0.45, 0.05, 0.00, 0.05],
    [0.48, 0.17, 0.05, 0.15, 0.00, 0.15],
    [0.40, 0.20, 0.00, 0.20, 0.02, 0.18],
    [0.30, 0.25, 0.00, 0.20, 0.05, 0.20],
    [0.12, 0.13, 0.00, 0.10, 0.55, 0.10],
])
_CATEGORY_MIX = np.array([0.40, 0.15, 0.15, 0.15, 0.15])
_CATEGORY_INTEREST = np.array([0.20, 0.0, 0.10, 0.0, 0.10])
_AGE_INTEREST = np.array([0.15, 0.10, 0.0, -0.10, -0.20])
# Preferred channel types (reference order of schema.CHANNEL_TYPES) for younger and older respondents.
_CHANNEL_TYPES = schema.CHANNEL_TYPES  # online_store, own_store, sales_team, distributor, partner, marketplace
_YOUNG_CHANNELS = np.array([0.30, 0.15, 0.03, 0.04, 0.03, 0.45])
_OLDER_CHANNELS = np.array([0.22, 0.40, 0.06, 0.08, 0.04, 0.20])
_BRANDS = (ref.OUR_BRAND, *ref.COMPETITORS)
_BRAND_MIX = np.array([0.20, 0.30, 0.22, 0.13, 0.15])
_OCCUPATION_INCOME = np.array([0.5, -0.6, -1.2, 0.4, -0.5, 0.3])
#: "too cheap" / "too expensive" sit this far below / above the optimal price (log), spread by this much
_PRICE_GAP, _PRICE_SPREAD = 0.5, 0.35


@dataclass
class Survey:
    day: np.ndarray
    age: np.ndarray
    age_band: np.ndarray
    gender: np.ndarray
    income: np.ndarray
    occupation: np.ndarray
    city: np.ndarray
    category: np.ndarray
    interest: np.ndarray
    intent: np.ndarray
    prices: np.ndarray  # (n, 4): too cheap, cheap, expensive, too expensive
    channel: np.ndarray
    brand: np.ndarray


def _nice(price: np.ndarray) -> np.ndarray:
    """Round answers the way people give them: to 50 above 1,000, to 10 above 100, else to 1."""
    step = np.where(price >= 1000, 50.0, np.where(price >= 100, 10.0, 1.0))
    return np.maximum(np.round(price / step) * step, 1.0)


def _stratified_normal(rng: np.random.Generator, m: int) -> np.ndarray:
    """`m` standard normal draws, one from each of `m` equally likely slices, in random order."""
    return ndtri((rng.permutation(m) + rng.random(m)) / m)


def _price_answers(category: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Van Westendorp answers (too cheap, cheap, expensive, too expensive) per respondent.

    In log terms "too cheap" is the optimal price minus 0.5 plus a personal deviation, "too expensive" the
    optimal price plus 0.5 plus another deviation that goes with the first (correlation about 0.8). Both
    deviations are normal (sd 0.35) drawn one per slice of the distribution, so the two curves cross at
    the optimal price even in a small sample. "Cheap" and "expensive" lie a third of the way in.
    """
    n = len(category)
    too_cheap, too_expensive = np.empty(n), np.empty(n)
    for c, name in enumerate(ref.CATEGORIES):  # five categories
        rows = np.flatnonzero(category == c)
        m = len(rows)
        if m == 0:
            continue
        low = _stratified_normal(rng, m) * _PRICE_SPREAD
        companion = low / _PRICE_SPREAD + rng.normal(0, 0.8, m)
        high = np.empty(m)
        high[np.argsort(companion, kind="stable")] = np.sort(_stratified_normal(rng, m)) * _PRICE_SPREAD
        too_cheap[rows] = np.log(OPTIMAL_PRICE[name]) - _PRICE_GAP + low
        too_expensive[rows] = np.log(OPTIMAL_PRICE[name]) + _PRICE_GAP + high
    too_expensive = np.maximum(too_expensive, too_cheap + 0.3)
    span = too_expensive - too_cheap
    logs = np.column_stack([too_cheap, too_cheap + 0.35 * span, too_cheap + 0.65 * span, too_expensive])
    return np.maximum.accumulate(_nice(np.exp(logs)), axis=1)


def build_survey(history: History, scale: float, rng: np.random.Generator) -> Survey:
    n = scaled(SURVEY_AT_SCALE_1, scale, minimum=100)
    day = np.sort(rng.integers(max(0, history.last_day - 729), history.last_day + 1, n))
    band = choice_by_weight(rng, np.array([b[3] for b in AGE_BANDS]), n)
    low = np.array([b[1] for b in AGE_BANDS])[band]
    high = np.array([b[2] for b in AGE_BANDS])[band]
    age = rng.integers(low, high + 1)
    occupation = np.zeros(n, np.int64)
    for b in range(len(AGE_BANDS)):  # five age bands
        rows = band == b
        occupation[rows] = choice_by_weight(rng, _OCCUPATION_BY_AGE[b], int(rows.sum()))
    gender = choice_by_weight(rng, np.array([0.51, 0.48, 0.01]), n)
    income = np.clip(np.round(2 + _OCCUPATION_INCOME[occupation] + rng.normal(0, 0.9, n)), 0, 4).astype(np.int64)
    city = choice_by_weight(rng, np.array([c.weight for c in ref.CITIES]), n)
    category = choice_by_weight(rng, _CATEGORY_MIX, n)

    planted = ((band == 1) & (occupation == ref.OCCUPATIONS.index("white_collar"))
               & (category == ref.CATEGORIES.index("electronics")))
    mean = 3.0 + _CATEGORY_INTEREST[category] + _AGE_INTEREST[band] + _PLANTED_INTEREST_LIFT * planted
    interest = np.clip(np.round(rng.normal(mean, 0.75)), 1, 5).astype(np.int64)
    intent = np.clip(np.round(interest - 0.4 + rng.normal(0, 0.8, n)), 1, 5).astype(np.int64)

    prices = _price_answers(category, rng)

    young = band <= 1
    channel = np.where(young, choice_by_weight(rng, _YOUNG_CHANNELS, n), choice_by_weight(rng, _OLDER_CHANNELS, n))
    return Survey(day=day, age=age, age_band=band, gender=gender, income=income, occupation=occupation,
                  city=city, category=category, interest=interest, intent=intent, prices=prices,
                  channel=channel, brand=choice_by_weight(rng, _BRAND_MIX, n))


def survey_frame(s: Survey, history: History, ids) -> pd.DataFrame:
    return pd.DataFrame({
        "response_id": ids.response,
        "surveyed_at": history.dates(s.day.astype(float)),
        "age": s.age.astype(np.int64),
        "gender": take(("female", "male", "other"), s.gender),
        "income_band": take(ref.INCOME_BANDS, s.income),
        "occupation": take(ref.OCCUPATIONS, s.occupation),
        "city": take([c.name for c in ref.CITIES], s.city),
        "region": take([c.region for c in ref.CITIES], s.city),
        "category": take(ref.CATEGORIES, s.category),
        "interest": s.interest,
        "purchase_intent": s.intent,
        "too_cheap": s.prices[:, 0],
        "cheap": s.prices[:, 1],
        "expensive": s.prices[:, 2],
        "too_expensive": s.prices[:, 3],
        "preferred_channel": take(_CHANNEL_TYPES, s.channel),
        "brand_used": take(_BRANDS, s.brand),
    })


_COMPETITOR_SHARE = np.array([0.40, 0.28, 0.17, 0.15])
_COMPETITOR_PRICE = np.array([1.08, 0.95, 0.88, 0.72])


def market_frame(plan: CustomerPlan, history: History, book: OrderBook, density: np.ndarray,
                 rng: np.random.Generator) -> pd.DataFrame:
    """Monthly market size per region x category, and each competitor's sales and average price."""
    n_r, n_c, n_m, n_k = len(ref.REGIONS), len(ref.CATEGORIES), history.n_months, len(ref.COMPETITORS)
    category_of = np.array([ref.CATEGORIES.index(p.category) for p in ref.PRODUCTS])
    line_region = plan.region[book.order_customer[book.line_order]]
    cell = line_region.astype(np.int64) * n_c + category_of[book.line_product]
    ours = np.bincount(cell, weights=book.line_revenue, minlength=n_r * n_c).reshape(n_r, n_c)
    demand = np.bincount(history.month_of_day, weights=density, minlength=n_m)
    expected = ours[None, :, :] * (demand / demand.sum())[:, None, None]  # (month, region, category)

    share_level = 0.10 + 0.15 * rng.beta(2, 2, (n_r, n_c))
    drift = rng.normal(0, 0.10, (n_r, n_c))
    t = np.linspace(-0.5, 0.5, n_m)[:, None, None]
    our_share = np.clip(share_level[None] * (1 + drift[None] * t), 0.08, 0.3)
    size = expected / our_share * rng.lognormal(0, 0.03, expected.shape)
    others = size - expected
    split = rng.dirichlet(_COMPETITOR_SHARE * 60, (n_r, n_c))  # (region, category, competitor)
    competitor_sales = others[..., None] * split[None]
    mean_price = np.array([np.mean([p.list_price for p in ref.PRODUCTS if p.category == c])
                           for c in ref.CATEGORIES])
    trend = 1 + np.linspace(0, 0.06, n_m)[:, None, None, None]
    price = (mean_price[None, None, :, None] * _COMPETITOR_PRICE[None, None, None, :] * trend
             * rng.lognormal(0, 0.02, (n_m, n_r, n_c, n_k)))

    m, r, c, k = (a.ravel() for a in np.meshgrid(np.arange(n_m), np.arange(n_r), np.arange(n_c), np.arange(n_k),
                                                 indexing="ij"))
    firsts = np.array([np.datetime64(history.month_date(i), "s") for i in range(n_m)])
    return pd.DataFrame({
        "month": firsts[m],
        "region": take(ref.REGIONS, r),
        "category": take(ref.CATEGORIES, c),
        "market_size": np.round(size[m, r, c], 2),
        "competitor": take(ref.COMPETITORS, k),
        "competitor_sales": np.round(competitor_sales[m, r, c, k], 2),
        "competitor_price": np.round(price[m, r, c, k], 2),
    })
