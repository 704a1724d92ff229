"""Customers: who they are and how they buy.

:func:`plan_customers` decides, per customer, the attributes of the ``customers`` table and the shape of
their buying: the behavioural group (truth 1), how many orders, the day of the first and of the last order.
The order book (:mod:`salesdash.demo.orders`) then fills in the orders between those two days.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from salesdash.demo import reference as ref
from salesdash.demo._common import History, choice_by_weight, sample_in_range, scaled, take

__all__ = ["CustomerPlan", "plan_customers", "signup_days", "customers_frame", "day_density", "LEAD", "VIP",
           "BARGAIN_HUNTER", "OCCASIONAL_BIG", "DORMANT"]

VIP, BARGAIN_HUNTER, OCCASIONAL_BIG, DORMANT = range(4)
#: group code of a lead: a customer record that never ordered
LEAD = -1

CUSTOMERS_AT_SCALE_1 = 5_000
COMPANY_SHARE = 0.11

# Group mix (vip, bargain_hunter, occasional_big, dormant, lead).
_PERSON_GROUPS = np.array([0.085, 0.34, 0.22, 0.275, 0.08])
_COMPANY_GROUPS = np.array([0.30, 0.0, 0.48, 0.12, 0.10])
_MEMBER_RATE = np.array([0.85, 0.35, 0.25, 0.10, 0.05])  # by group, lead last

#: share of bargain hunters recruited by the Double 11 member drive of the best cohort month (truth 10)
BEST_COHORT_RECRUITS = 0.08
#: share of bargain hunters who lapse: they stop buying during the history (at least 120 days after their
#: first order and 200 days before today), buying less and less often before they stop (truth 12)
LAPSE_SHARE = 0.35
#: a dormant customer's last order is at least this many days before today
DORMANT_DAYS = 200
#: how strongly a lapsing customer's orders thin out: the middle orders are placed at u ** this (u uniform)
LAPSE_SLOWDOWN = 2.5

# Channels people and companies buy through (indices into reference.CHANNELS); CH06/CH07 are one
# "distributor" choice, resolved by region.
_PERSON_CHANNELS = np.array([0.20, 0.30, 0.02, 0.17, 0.13, 0.11, 0.0, 0.07])
_COMPANY_CHANNELS = np.array([0.04, 0.04, 0.45, 0.02, 0.02, 0.23, 0.0, 0.20])
_WEST_REGIONS = ("southwest", "northwest")

_OCCUPATION_MIX = np.array([0.36, 0.17, 0.10, 0.14, 0.11, 0.12])
_OCCUPATION_INCOME = np.array([0.5, -0.6, -1.2, 0.4, -0.5, 0.3])
_GROUP_INCOME = np.array([1.2, -0.5, 0.8, 0.0, 0.0])

#: the planted key account (truth 6): a company in this city holding a quarter of its region's revenue
CONCENTRATED_CITY = "Xi'an"
CONCENTRATED_NAME = "Xi'an Qinchuan Industrial Group Co., Ltd."


@dataclass
class CustomerPlan:
    """The planned customers, one array element per customer (internal codes, see module docstring).

    Attributes
    ----------
    group : 0..3 the behavioural group (reference.GROUPS), -1 a lead who never ordered.
    n_orders, first_day, last_day : how many orders and the days of the first and last (-1 for leads).
    lead_day : the day a lead was recorded (leads only; -1 otherwise).
    recruit : recruited by the member drive of the best cohort month (truth 10).
    lapsed : a bargain hunter who stopped buying during the history (truth 12).
    concentrated : index of the planted key account.
    best_cohort_month : month index of the best-retaining first-purchase cohort.
    """

    is_company: np.ndarray
    group: np.ndarray
    city: np.ndarray
    region: np.ndarray
    n_orders: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray
    lead_day: np.ndarray
    is_member: np.ndarray
    gender: np.ndarray
    birth_year: np.ndarray
    income: np.ndarray
    occupation: np.ndarray
    industry: np.ndarray
    company_size: np.ndarray
    preferred_channel: np.ndarray
    name: pd.api.extensions.ExtensionArray = field(repr=False)
    recruit: np.ndarray = field(repr=False, default=None)
    lapsed: np.ndarray = field(repr=False, default=None)
    concentrated: int = -1
    best_cohort_month: int = -1

    @property
    def n(self) -> int:
        return len(self.group)

    @property
    def is_key_account(self) -> np.ndarray:
        """Large and enterprise companies, served by the Key Accounts team."""
        return self.is_company & (self.company_size >= 2)


def day_density(history: History, rng: np.random.Generator) -> np.ndarray:
    """Relative demand of every day (the month's demand index spread over its days)."""
    index = history.demand_index(rng)
    lengths = np.diff(history.month_first_day)
    return (index / lengths)[history.month_of_day]


def cumulative(density: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(density)])


def plan_customers(history: History, scale: float, rng: np.random.Generator,
                   density: np.ndarray) -> CustomerPlan:
    """Draw the customers and the shape of their buying.

    Parameters
    ----------
    history : the calendar.
    scale : size multiplier (about 5,000 customers at 1).
    rng : the customers' random stream.
    density : relative demand per day (first and last orders follow it).
    """
    n = scaled(CUSTOMERS_AT_SCALE_1, scale, minimum=60)
    is_company = rng.random(n) < COMPANY_SHARE
    group = np.where(
        is_company,
        choice_by_weight(rng, _COMPANY_GROUPS, n),
        choice_by_weight(rng, _PERSON_GROUPS, n),
    )
    group = np.where(group == 4, LEAD, group).astype(np.int8)

    city = _cities(rng, is_company)
    region_of_city = np.array([ref.REGIONS.index(c.region) for c in ref.CITIES])
    region = region_of_city[city].astype(np.int8)

    n_orders, first_day, last_day, lapsed = _buying_windows(history, rng, group, density)
    lead_day = np.where(group == LEAD, rng.integers(0, history.n_days, n), -1).astype(np.int32)

    best_month = _best_cohort_month(history)
    recruit = _plant_best_cohort(history, rng, group, is_company | lapsed, first_day, last_day, n_orders,
                                 best_month)

    is_member = rng.random(n) < _MEMBER_RATE[np.where(group == LEAD, 4, group)]

    gender, birth_year, income, occupation = _people(history, rng, group)
    industry, company_size = _companies(rng, group)
    for arr in (gender, birth_year, income, occupation):
        arr[is_company] = -1
    industry[~is_company] = -1
    company_size[~is_company] = -1
    income = np.where(is_company, -1, income).astype(np.int8)

    preferred = _preferred_channels(rng, is_company, region)
    name = _names(rng, is_company, city, industry)

    plan = CustomerPlan(
        is_company=is_company, group=group, city=city, region=region, n_orders=n_orders,
        first_day=first_day, last_day=last_day, lead_day=lead_day, is_member=is_member, gender=gender,
        birth_year=birth_year, income=income, occupation=occupation, industry=industry,
        company_size=company_size, preferred_channel=preferred, name=name, recruit=recruit, lapsed=lapsed,
        best_cohort_month=best_month,
    )
    return _add_key_account(plan, history)


def _cities(rng: np.random.Generator, is_company: np.ndarray) -> np.ndarray:
    weights = np.array([c.weight for c in ref.CITIES])
    tier_pull = np.array([{1: 2.0, 2: 1.2, 3: 0.7, 4: 0.4}[c.tier] for c in ref.CITIES])
    person = choice_by_weight(rng, weights, len(is_company))
    company = choice_by_weight(rng, weights * tier_pull, len(is_company))
    return np.where(is_company, company, person).astype(np.int16)


def _buying_windows(history: History, rng: np.random.Generator, group: np.ndarray,
                    density: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Orders per customer, the days of the first and last order, and who lapsed, by behavioural group.

    First and last orders follow demand; bargain hunters are recruited at a growing pace (six times as
    many a day at the end of the history as at its start), so new customers keep coming, and a share of
    them lapse (:data:`LAPSE_SHARE`): their last order falls somewhere in the history instead of near today.
    """
    n = len(group)
    cum = cumulative(density)
    recruiting = cumulative(density * (1 + 5 * np.arange(len(density)) / len(density)))
    end = history.last_day
    u = rng.random(n)
    n_orders = np.select(
        [group == VIP, group == BARGAIN_HUNTER, group == OCCASIONAL_BIG, group == DORMANT],
        [20 + rng.poisson(12, n), 6 + rng.poisson(6, n), np.where(u < 0.25, 1, 2 + rng.binomial(3, 0.5, n)),
         1 + (u < 0.35)],
        0,
    ).astype(np.int32)

    # Recency at the end of the history (days since the last order) is what sets the groups apart.
    vip_last = end - rng.integers(2, 26, n)
    bargain_last = end - rng.integers(8, 61, n)
    occasional_last = end - rng.integers(0, 331, n)
    dormant_last = sample_in_range(cum, np.zeros(n, np.int64), np.full(n, end - DORMANT_DAYS), rng.random(n))

    existing = rng.random(n) < 0.65  # long-standing VIPs buy in the first weeks of the history
    vip_first = np.where(existing, rng.integers(0, 91, n),
                         sample_in_range(cum, np.zeros(n, np.int64), np.full(n, end - 365), rng.random(n)))
    bargain_first = sample_in_range(recruiting, np.zeros(n, np.int64), np.full(n, end - 2), rng.random(n))
    newcomer = bargain_first > bargain_last  # recruited in the last weeks: the last order is after the first
    bargain_last = np.where(newcomer, bargain_first + np.floor(rng.random(n) * (end - 1 - bargain_first)),
                            bargain_last).astype(np.int64)
    room = (end - 200) - (bargain_first + 120)
    lapsed = (group == BARGAIN_HUNTER) & (rng.random(n) < LAPSE_SHARE) & (room > 0)
    bargain_last = np.where(lapsed, bargain_first + 120 + np.floor(rng.random(n) * np.maximum(room, 1)),
                            bargain_last).astype(np.int64)
    # A bargain hunter who started recently has had time for fewer orders (about one a month at most);
    # one who started in the last week has one order so far.
    window = bargain_last - bargain_first
    capped = np.where(window < 7, 1, np.maximum(2, np.minimum(n_orders, 1 + window // 35)))
    n_orders = np.where(group == BARGAIN_HUNTER, capped, n_orders)
    bargain_first = np.where(window < 7, bargain_last, bargain_first)
    occasional_first = np.where(n_orders >= 2, np.maximum(occasional_last - rng.integers(200, 701, n), 0),
                                occasional_last)
    dormant_first = np.where(n_orders >= 2, np.maximum(dormant_last - rng.integers(30, 301, n), 0), dormant_last)

    groups = [group == VIP, group == BARGAIN_HUNTER, group == OCCASIONAL_BIG, group == DORMANT]
    first_day = np.select(groups, [vip_first, bargain_first, occasional_first, dormant_first], -1)
    last_day = np.select(groups, [vip_last, bargain_last, occasional_last, dormant_last], -1)
    return n_orders, first_day.astype(np.int32), last_day.astype(np.int32), lapsed


def _best_cohort_month(history: History) -> int:
    """The last November with at least eight months of history after it (a Double 11 member drive)."""
    candidates = [k for k in range(history.n_months - 8) if history.calendar_month[k] == 11]
    return candidates[-1]


def _plant_best_cohort(history: History, rng: np.random.Generator, group: np.ndarray, excluded: np.ndarray,
                       first_day: np.ndarray, last_day: np.ndarray, n_orders: np.ndarray,
                       month: int) -> np.ndarray:
    """Truth 10: the member drive of `month` recruits bargain hunters who then buy every month.

    A share of the bargain hunters (never the `excluded`: companies and those who lapse) make their first
    order in that month and get at least eight orders
    (one in each of the six months after it is placed by the order book). Everybody else who would have
    started in that month starts a month earlier, so the cohort is the drive's recruits. Updates the
    arrays in place and returns the recruits.
    """
    lo, hi = history.month_first_day[month], history.month_first_day[month + 1]
    starts_then = (first_day >= lo) & (first_day < hi)
    single = starts_then & (first_day == last_day)
    first_day[starts_then] -= 31
    last_day[single] -= 31
    recruit = (group == BARGAIN_HUNTER) & ~excluded & (rng.random(len(group)) < BEST_COHORT_RECRUITS)
    first_day[recruit] = rng.integers(lo, hi, recruit.sum())
    n_orders[recruit] = np.maximum(n_orders[recruit], 8)
    return recruit


def _people(history: History, rng: np.random.Generator, group: np.ndarray):
    n = len(group)
    occupation = choice_by_weight(rng, _OCCUPATION_MIX, n).astype(np.int8)
    occ = np.array(ref.OCCUPATIONS)[occupation]
    working_age = np.clip(np.round(rng.triangular(22, 31, 60, n)), 22, 60)
    age = np.select(
        [occ == "student", occ == "retired"],
        [rng.integers(18, 25, n), rng.integers(56, 76, n)],
        working_age,
    )
    birth_year = (history.today.year - age).astype(np.int16)
    gender = choice_by_weight(rng, np.array([0.52, 0.47, 0.01]), n).astype(np.int8)
    g = np.where(group < 0, 4, group)
    score = 2.0 + _GROUP_INCOME[g] + _OCCUPATION_INCOME[occupation] + rng.normal(0, 0.8, n)
    income = np.clip(np.round(score), 0, 4).astype(np.int8)
    return gender, birth_year, income, occupation


def _companies(rng: np.random.Generator, group: np.ndarray):
    n = len(group)
    industry = choice_by_weight(rng, np.array([0.24, 0.18, 0.16, 0.10, 0.08, 0.08, 0.10, 0.06]), n)
    size = np.where(
        group == VIP,
        choice_by_weight(rng, np.array([0.15, 0.35, 0.35, 0.15]), n),
        choice_by_weight(rng, np.array([0.40, 0.40, 0.15, 0.05]), n),
    )
    return industry.astype(np.int8), size.astype(np.int8)


def _preferred_channels(rng: np.random.Generator, is_company: np.ndarray, region: np.ndarray) -> np.ndarray:
    n = len(is_company)
    channel = np.where(is_company, choice_by_weight(rng, _COMPANY_CHANNELS, n),
                       choice_by_weight(rng, _PERSON_CHANNELS, n))
    return resolve_distributor(channel, region)


def resolve_distributor(channel: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Distributor orders go to the Huadong distributor, or to the West China one in the west."""
    west = np.isin(region, [ref.REGIONS.index(r) for r in _WEST_REGIONS])
    return np.where((channel == 5) & west, 6, channel).astype(np.int8)


def _names(rng: np.random.Generator, is_company: np.ndarray, city: np.ndarray, industry: np.ndarray):
    n = len(is_company)
    surnames = pa.array([s for s, _ in ref.SURNAMES])
    given = pa.array(list(ref.GIVEN_NAMES))
    s_idx = choice_by_weight(rng, np.array([w for _, w in ref.SURNAMES]), n)
    g_idx = rng.integers(0, len(ref.GIVEN_NAMES), n)
    person = pc.binary_join_element_wise(surnames.take(s_idx), given.take(g_idx), " ")

    cities = pa.array([c.name for c in ref.CITIES]).take(city.astype(np.int64))
    words = pa.array(list(ref.COMPANY_WORDS)).take(rng.integers(0, len(ref.COMPANY_WORDS), n))
    kinds = pa.array([ref.INDUSTRY_WORDS[i] for i in ref.INDUSTRIES]).take(np.maximum(industry, 0).astype(np.int64))
    suffix = pa.array(list(ref.COMPANY_SUFFIXES)).take(rng.integers(0, len(ref.COMPANY_SUFFIXES), n))
    company = pc.binary_join_element_wise(cities, words, kinds, suffix, " ")
    return pd.array(pc.if_else(pa.array(is_company), company, person), dtype="str")


def _add_key_account(plan: CustomerPlan, history: History) -> CustomerPlan:
    """Append the planted key account (truth 6): an enterprise that orders every month."""
    city = next(i for i, c in enumerate(ref.CITIES) if c.name == CONCENTRATED_CITY)
    extra = {
        "is_company": True, "group": VIP, "city": city, "region": ref.REGIONS.index(ref.CITIES[city].region),
        "n_orders": 0, "first_day": 3, "last_day": history.last_day - 3, "lead_day": -1, "is_member": True,
        "gender": -1, "birth_year": -1, "income": -1, "occupation": -1,
        "industry": ref.INDUSTRIES.index("manufacturing"), "company_size": ref.COMPANY_SIZES.index("enterprise"),
        "preferred_channel": 2, "recruit": False,
    }
    for key, value in extra.items():
        arr = getattr(plan, key)
        setattr(plan, key, np.append(arr, np.array([value], dtype=arr.dtype)))
    plan.name = pd.array(pa.concat_arrays([pa.array(plan.name).cast(pa.string()), pa.array([CONCENTRATED_NAME])]),
                         dtype="str")
    plan.concentrated = plan.n - 1
    return plan


def signup_days(plan: CustomerPlan, first_contact: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The day each customer signed up: some days before their first order, deal or reservation.

    Most customers who buy in the first three months of the history are long-standing: they signed up
    months or years before it (negative days).
    """
    n = plan.n
    signup = np.floor(first_contact - rng.uniform(0, 45, n))
    long_standing = (first_contact < 90) & (rng.random(n) < 0.7)
    signup = np.where(long_standing, first_contact - rng.integers(90, 2500, n), signup)
    return signup.astype(np.int64)


def customers_frame(plan: CustomerPlan, history: History, signup: np.ndarray, order: np.ndarray,
                    customer_ids, channel_ids) -> pd.DataFrame:
    """The canonical ``customers`` table, rows in the order of `order` (by signup)."""
    c = ref.CITIES
    city = plan.city[order]
    birth = plan.birth_year[order].astype(np.int64)
    return pd.DataFrame({
        "customer_id": customer_ids,
        "name": plan.name.take(order),
        "kind": take(("person", "company"), plan.is_company[order].astype(np.int64)),
        "gender": take(("female", "male", "other"), plan.gender[order]),
        "birth_year": pd.arrays.IntegerArray(np.maximum(birth, 0), birth <= 0),
        "income_band": take(ref.INCOME_BANDS, plan.income[order]),
        "occupation": take(ref.OCCUPATIONS, plan.occupation[order]),
        "industry": take(ref.INDUSTRIES, plan.industry[order]),
        "company_size": take(ref.COMPANY_SIZES, plan.company_size[order]),
        "city": take([x.name for x in c], city),
        "city_tier": np.array([x.tier for x in c], dtype=np.int64)[city],
        "province": take([x.province for x in c], city),
        "region": take(ref.REGIONS, plan.region[order]),
        "country": pd.array(np.full(len(order), "China", dtype=object), dtype="str"),
        "signup_date": history.dates(signup[order].astype(float)),
        "acquisition_channel_id": take(channel_ids, plan.preferred_channel[order]),
        "is_member": plan.is_member[order],
    })
