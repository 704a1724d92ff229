"""The order book: orders and their lines, with reps, channels, campaigns and payments.

How it is drawn
---------------
1. Every customer gets the number of orders of their plan (:mod:`salesdash.demo.customers`). The first and
   the last order sit on the planned days; the others ("middle" orders) fall in between.
2. Each order gets lines: a product picked by the customer's group and kind (VIPs and occasional big
   buyers pick dearer models, bargain hunters cheaper ones and almost always with a discount), a quantity
   (companies buy several units), the channel's price (indirect partners buy at a wholesale price).
3. No customer may hold more than 7% of their region's revenue: companies' quantities are trimmed until
   none does (truth 6 keeps one planted exception). Then the planted key account's monthly orders are
   sized to a third of the rest of its region (so it holds about 25%).
4. The days of the middle orders are drawn with a day density that is corrected, month by month, until
   the monthly revenue (with the fixed first/last orders, campaign orders and key account included)
   follows the demand index: 15% growth a year, the February dip, 618, Double 11 and the December peak.
   Occasional big buyers come back no sooner than six months after their first order.
5. Products launched during the history replace their predecessor; reps are assigned within the team
   and region serving the customer, weighted by skill and ramp-up (six months; slower for companies'
   orders); companies pay within 30 days, some late, a few never.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from salesdash.demo import reference as ref
from salesdash.demo._common import History, choice_by_weight, sample_in_range, take
from salesdash.demo.customers import (
    BARGAIN_HUNTER,
    LAPSE_SLOWDOWN,
    OCCASIONAL_BIG,
    CustomerPlan,
    cumulative,
    resolve_distributor,
)
from salesdash.demo.team import SalesTeam, ramp, tenure_months

__all__ = ["OrderBook", "CampaignOrders", "build_order_book", "orders_frame", "reps_serving", "MAX_REGION_SHARE",
           "KEY_ACCOUNT_SHARE"]

#: the largest share of its region's revenue any customer but the planted key account may hold
MAX_REGION_SHARE = 0.07
#: the planted key account's share of its region's revenue (truth 6)
KEY_ACCOUNT_SHARE = 0.25

_N_CHANNELS = len(ref.CHANNELS)
_CATEGORY_OF = np.array([ref.CATEGORIES.index(p.category) for p in ref.PRODUCTS])
_LIST_PRICE = np.array([p.list_price for p in ref.PRODUCTS], dtype=float)
_PRICE_FACTOR = np.array([c.price_factor for c in ref.CHANNELS])
_REP_SHARE = np.array([c.rep_share for c in ref.CHANNELS])
#: the cheapest product of every category
#: rounds of correcting the day density of the middle orders (the monthly error settles at 1-2%)
_DATING_ROUNDS = 16
#: products whose lines may change model with the order's day (new models and the models they replace)
_MODEL_CHANGES = np.array(sorted({i for i, p in enumerate(ref.PRODUCTS) if p.launch_month is not None}
                                 | {j for p in ref.PRODUCTS if p.predecessor for j, q in enumerate(ref.PRODUCTS)
                                    if q.product_id == p.predecessor}))
_ENTRY_MODEL = np.array([np.flatnonzero(_CATEGORY_OF == c)[np.argmin(_LIST_PRICE[_CATEGORY_OF == c])]
                         for c in range(len(ref.CATEGORIES))])

# Category preferences of people by gender (female, male, other) and of companies.
_PERSON_CATEGORY = np.array([
    [0.17, 0.18, 0.25, 0.22, 0.18],
    [0.30, 0.18, 0.14, 0.16, 0.22],
    [0.23, 0.18, 0.20, 0.19, 0.20],
])
_COMPANY_CATEGORY = np.array([0.40, 0.28, 0.07, 0.07, 0.18])
# How each group shifts the category mix, and its taste for dearer models within a category.
_GROUP_CATEGORY = np.array([
    [1.2, 1.1, 1.0, 1.0, 1.0],   # vip
    [0.6, 0.7, 1.2, 1.3, 1.4],   # bargain_hunter
    [2.5, 2.5, 0.4, 0.4, 0.3],   # occasional_big
    [0.5, 0.5, 1.2, 1.2, 1.4],   # dormant
])
_GROUP_PRICE_TASTE = np.array([0.5, -0.9, 1.5, -0.9])
_GROUP_DISCOUNT_RATE = np.array([0.04, 0.85, 0.07, 0.05])


def unit_costs() -> np.ndarray:
    """Unit cost of every product: list price times (1 - the category's gross margin), fixed per product."""
    margin = np.array([ref.CATEGORY_MARGIN[p.category] for p in ref.PRODUCTS])
    wobble = 1 + 0.04 * np.sin(np.arange(len(ref.PRODUCTS)) * 1.7)  # deterministic, product to product
    return np.round(_LIST_PRICE * (1 - margin) * wobble, 2)


_UNIT_COST = unit_costs()


@dataclass
class CampaignOrders:
    """Orders paid through a campaign (converted presale reservations); one line each."""

    customer: np.ndarray
    day: np.ndarray
    product: np.ndarray
    channel: np.ndarray
    discount: np.ndarray
    quantity: np.ndarray
    campaign: np.ndarray
    reservation: np.ndarray  # index of the reservation that became this order


@dataclass
class OrderBook:
    """Orders (``order_*`` arrays, one element per order) and lines (``line_*``), sorted by day.

    ``line_order`` is the index of a line's order. ``order_reservation`` is the reservation an order
    came from (-1: none).
    """

    order_customer: np.ndarray
    order_day: np.ndarray
    order_channel: np.ndarray
    order_rep: np.ndarray
    order_campaign: np.ndarray
    order_reservation: np.ndarray
    order_due_day: np.ndarray
    order_paid_day: np.ndarray
    line_order: np.ndarray
    line_no: np.ndarray
    line_product: np.ndarray
    line_quantity: np.ndarray
    line_unit_price: np.ndarray
    line_discount: np.ndarray
    line_revenue: np.ndarray
    line_cost: np.ndarray

    @property
    def n_orders(self) -> int:
        return len(self.order_day)

    def order_value(self) -> np.ndarray:
        return np.bincount(self.line_order, weights=self.line_revenue, minlength=self.n_orders)


@dataclass
class _Draft:
    """Orders being drawn (before the days of the middle orders are known)."""

    customer: np.ndarray
    day: np.ndarray        # -1 while unknown
    channel: np.ndarray
    campaign: np.ndarray
    reservation: np.ndarray
    line_order: np.ndarray
    line_product: np.ndarray
    line_quantity: np.ndarray
    line_discount: np.ndarray

    def concat(self, other: _Draft) -> _Draft:
        offset = len(self.customer)
        parts = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            parts[f.name] = np.concatenate([a, b + offset if f.name == "line_order" else b])
        return _Draft(**parts)


def build_order_book(plan: CustomerPlan, history: History, team: SalesTeam, density: np.ndarray,
                     campaign_orders: CampaignOrders, rng: np.random.Generator) -> OrderBook:
    """Draw every order and line of the history (see the module docstring for the steps)."""
    base, is_middle = _customer_orders(plan, history, rng)
    _cap_region_share(plan, base, rng)
    campaign = _campaign_draft(campaign_orders)
    key_account = _key_account_orders(plan, history, density, base.concat(campaign), rng)
    draft = base.concat(key_account).concat(campaign)
    is_middle = np.concatenate([is_middle, np.zeros(len(draft.customer) - len(is_middle), bool)])
    _date_middle_orders(plan, history, density, draft, is_middle, rng)
    book = _price(draft)
    book.order_rep = _assign_reps(plan, history, team, draft, rng)
    book.order_due_day, book.order_paid_day = _payments(plan, history, draft, rng)
    return _sorted_by_day(book)


def _customer_orders(plan: CustomerPlan, history: History, rng: np.random.Generator) -> tuple[_Draft, np.ndarray]:
    """Orders and lines of every customer's plan; days of first and last orders, middles unknown (-1).

    Recruits of the member drive (truth 10) buy once in each of the six months after their first order.
    """
    counts = plan.n_orders
    customer = np.repeat(np.arange(plan.n, dtype=np.int32), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(len(customer)) - np.repeat(starts, counts)
    n_of = counts[customer]
    is_first = position == 0
    is_last = (position == n_of - 1) & (n_of >= 2)
    day = np.where(is_first, plan.first_day[customer], np.where(is_last, plan.last_day[customer], -1))
    n = len(customer)
    monthly = plan.recruit[customer] & (position >= 1) & (position <= 6)
    month = plan.best_cohort_month + position[monthly]
    lo, hi = history.month_first_day[month], history.month_first_day[month + 1]
    day[monthly] = np.minimum(lo + np.floor(rng.random(int(monthly.sum())) * (hi - lo)).astype(np.int64),
                              plan.last_day[customer[monthly]])

    is_company = plan.is_company[customer]
    lines = np.where(is_company, choice_by_weight(rng, np.array([0.30, 0.35, 0.22, 0.13]), n),
                     choice_by_weight(rng, np.array([0.60, 0.26, 0.10, 0.04]), n)) + 1
    preferred = plan.preferred_channel[customer]
    other = np.where(is_company, choice_by_weight(rng, np.array([0.04, 0.04, 0.45, 0.02, 0.02, 0.23, 0.0, 0.20]), n),
                     choice_by_weight(rng, np.array([0.20, 0.30, 0.02, 0.17, 0.13, 0.11, 0.0, 0.07]), n))
    other = resolve_distributor(other, plan.region[customer])
    channel = np.where(rng.random(n) < 0.7, preferred, other).astype(np.int8)

    line_order = np.repeat(np.arange(n, dtype=np.int32), lines)
    line_customer = customer[line_order]
    product = _pick_products(plan, line_customer, rng)
    quantity = _quantities(plan.is_company[line_customer], product, rng)
    discount = _discounts(plan.group[line_customer], rng)
    draft = _Draft(
        customer=customer, day=day.astype(np.int32), channel=channel,
        campaign=np.full(n, -1, np.int16), reservation=np.full(n, -1, np.int32),
        line_order=line_order, line_product=product, line_quantity=quantity, line_discount=discount,
    )
    return draft, day < 0


def _pick_products(plan: CustomerPlan, line_customer: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A product per line: category by gender/kind and group, model by the group's taste for price."""
    group = plan.group[line_customer]
    gender = np.maximum(plan.gender[line_customer], 0)
    is_company = plan.is_company[line_customer]
    profile = np.where(is_company, 3, gender) * 4 + group  # 16 profiles
    popularity = np.array([p.popularity for p in ref.PRODUCTS])
    category_median = np.array([np.median(_LIST_PRICE[_CATEGORY_OF == c]) for c in range(len(ref.CATEGORIES))])
    relative_price = _LIST_PRICE / category_median[_CATEGORY_OF]
    product = np.zeros(len(line_customer), np.int16)
    u = rng.random(len(line_customer))
    for p in np.unique(profile):  # 16 profiles
        who, g = divmod(int(p), 4)
        category_mix = (_COMPANY_CATEGORY if who == 3 else _PERSON_CATEGORY[who]) * _GROUP_CATEGORY[g]
        within = popularity * relative_price ** _GROUP_PRICE_TASTE[g]
        within_share = within / np.bincount(_CATEGORY_OF, weights=within)[_CATEGORY_OF]
        prob = category_mix[_CATEGORY_OF] / category_mix.sum() * within_share
        cum = np.cumsum(prob / prob.sum())
        cum[-1] = 1.0
        rows = profile == p
        product[rows] = np.searchsorted(cum, u[rows], side="right")
    return product


def _quantities(is_company: np.ndarray, product: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(product)
    big_ticket = _CATEGORY_OF[product] <= 1  # electronics, home appliances
    person = np.where(big_ticket, choice_by_weight(rng, np.array([0.93, 0.07]), n),
                      choice_by_weight(rng, np.array([0.65, 0.25, 0.10]), n)) + 1
    company = np.maximum(1, np.round(rng.lognormal(np.where(big_ticket, np.log(2.5), np.log(6.0)), 0.5)))
    return np.where(is_company, company, person).astype(float)


def _discounts(group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(group)
    has = rng.random(n) < _GROUP_DISCOUNT_RATE[np.maximum(group, 0)]
    deep = np.array([0.10, 0.15, 0.20, 0.25, 0.30])[choice_by_weight(rng, np.array([.25, .25, .25, .15, .10]), n)]
    mild = np.array([0.05, 0.10, 0.15])[choice_by_weight(rng, np.array([0.4, 0.4, 0.2]), n)]
    return np.where(has, np.where(group == BARGAIN_HUNTER, deep, mild), 0.0)


def _line_revenue(draft: _Draft, rows: np.ndarray | None = None) -> np.ndarray:
    """Revenue of the lines (of `rows` only, when given) at list price x the channel's price factor."""
    if rows is None:
        rows = slice(None)
    channel = draft.channel[draft.line_order[rows]]
    unit_price = np.round(_LIST_PRICE[draft.line_product[rows]] * _PRICE_FACTOR[channel], 2)
    return np.round(draft.line_quantity[rows] * unit_price * (1 - draft.line_discount[rows]), 2)


def _cap_region_share(plan: CustomerPlan, draft: _Draft, rng: np.random.Generator) -> None:
    """Trim the biggest buyers so no customer holds more than MAX_REGION_SHARE of their region.

    A customer over the cap buys fewer units and, on some lines, the entry model of the category
    instead (a company's order is often the cheaper variant); a few passes settle it.
    """
    line_customer = draft.customer[draft.line_order]
    for _ in range(6):  # trimming one customer lowers the region total a little
        revenue = np.bincount(line_customer, weights=_line_revenue(draft), minlength=plan.n)
        region_total = np.bincount(plan.region, weights=revenue, minlength=len(ref.REGIONS))
        share = revenue / np.maximum(region_total[plan.region], 1.0)
        factor = np.minimum(1.0, 0.85 * MAX_REGION_SHARE / np.maximum(share, 1e-12))
        if factor.min() >= 1.0:
            return
        line_factor = factor[line_customer]
        draft.line_quantity = np.maximum(1.0, np.floor(draft.line_quantity * line_factor))
        downgrade = rng.random(len(line_factor)) < 1.0 - line_factor
        draft.line_product = np.where(downgrade, _ENTRY_MODEL[_CATEGORY_OF[draft.line_product]],
                                      draft.line_product).astype(np.int16)


def _campaign_draft(orders: CampaignOrders) -> _Draft:
    n = len(orders.customer)
    return _Draft(
        customer=orders.customer.astype(np.int32), day=orders.day.astype(np.int32),
        channel=orders.channel.astype(np.int8), campaign=orders.campaign.astype(np.int16),
        reservation=orders.reservation.astype(np.int32), line_order=np.arange(n, dtype=np.int32),
        line_product=orders.product.astype(np.int16), line_quantity=orders.quantity.astype(float),
        line_discount=orders.discount.astype(float),
    )


def _key_account_orders(plan: CustomerPlan, history: History, density: np.ndarray, others: _Draft,
                        rng: np.random.Generator) -> _Draft:
    """Truth 6: the key account orders every month, a third of the rest of its region's revenue in all."""
    k = plan.concentrated
    region = plan.region[k]
    revenue = _line_revenue(others)
    in_region = plan.region[others.customer[others.line_order]] == region
    total = KEY_ACCOUNT_SHARE / (1 - KEY_ACCOUNT_SHARE) * revenue[in_region].sum()

    firsts = history.month_first_day
    lo = np.maximum(firsts[:-1], plan.first_day[k])
    hi = np.minimum(firsts[1:] - 1, plan.last_day[k])
    months = np.flatnonzero(hi >= lo)
    day = rng.integers(lo[months], hi[months] + 1)
    day[-1] = plan.last_day[k]
    monthly_demand = np.bincount(history.month_of_day, weights=density, minlength=history.n_months)[months]
    order_value = total * monthly_demand / monthly_demand.sum()

    n_orders, per_order = len(day), 3
    line_order = np.repeat(np.arange(n_orders, dtype=np.int32), per_order)
    line_value = order_value[line_order] * rng.dirichlet([3.0, 3.0, 3.0], n_orders).ravel()
    # A model the line can afford at least once: one of the six dearest big-ticket models under its value.
    big_ticket = np.flatnonzero(_CATEGORY_OF <= 1)
    big_ticket = big_ticket[np.argsort(_LIST_PRICE[big_ticket], kind="stable")]
    affordable = np.searchsorted(_LIST_PRICE[big_ticket], 0.8 * line_value, side="right")
    pick = affordable - 1 - np.floor(rng.random(len(line_value)) * np.minimum(affordable, 6)).astype(np.int64)
    product = big_ticket[np.maximum(pick, 0)]
    quantity = np.maximum(1.0, np.round(line_value / _LIST_PRICE[product]))
    return _Draft(
        customer=np.full(n_orders, k, np.int32), day=day.astype(np.int32), channel=np.full(n_orders, 2, np.int8),
        campaign=np.full(n_orders, -1, np.int16), reservation=np.full(n_orders, -1, np.int32),
        line_order=line_order, line_product=product.astype(np.int16), line_quantity=quantity,
        line_discount=np.zeros(len(line_order)),
    )


def _date_middle_orders(plan: CustomerPlan, history: History, density: np.ndarray, draft: _Draft,
                        is_middle: np.ndarray, rng: np.random.Generator) -> None:
    """Days of the middle orders: between the customer's first and last order, following demand.

    The day density is corrected month by month (sixteen rounds, same random numbers each round) until
    the revenue of all orders per month, new models included, is proportional to the demand of that month.
    Only lines of a model with a successor or predecessor can change value from round to round.
    """
    months = history.month_of_day
    n_months = history.n_months
    n_orders = len(draft.customer)
    demand = np.bincount(months, weights=density, minlength=n_months)
    who = draft.customer[is_middle]
    low, high = plan.first_day[who].astype(np.int64), plan.last_day[who].astype(np.int64)
    # big-ticket buyers come back only after half a year or more
    low = np.where(plan.group[who] == OCCASIONAL_BIG, np.minimum(low + 181, high), low)
    u = rng.random(len(who))
    # a lapsing customer buys less and less often before the last order (truth 12)
    u = np.where(plan.lapsed[who], u ** LAPSE_SLOWDOWN, u)
    swap_u = rng.random(len(draft.line_order))

    changing = np.isin(draft.line_product, _MODEL_CHANGES)
    steady_value = np.bincount(draft.line_order[~changing], weights=_line_revenue(draft)[~changing],
                               minlength=n_orders)
    rows = np.flatnonzero(changing)
    line_order = draft.line_order[rows]
    regular = draft.campaign[line_order] < 0  # campaign orders keep the campaign's product
    chosen = draft.line_product[rows]
    def place(f: np.ndarray) -> np.ndarray:
        """Place the middle orders with day density `f`; return the revenue of each month."""
        draft.day[is_middle] = sample_in_range(cumulative(f), low, high, u)
        draft.line_product[rows] = _launch_products(history, draft.day[line_order], regular, chosen, swap_u[rows])
        value = steady_value + np.bincount(line_order, weights=_line_revenue(draft, rows), minlength=n_orders)
        got = np.bincount(months[draft.day], weights=value, minlength=n_months)
        return got, demand / demand.sum() * value.sum()

    # Correct the density month by month; orders near a month's edge flip back and forth, so the last
    # rounds are averaged (in logs) before the final placement.
    log_f = np.log(density)
    kept = []
    for round_ in range(_DATING_ROUNDS):
        got, goal = place(np.exp(log_f))
        log_f = log_f + np.log(goal / np.maximum(got, 1e-9))[months]
        if round_ >= _DATING_ROUNDS // 2:
            kept.append(log_f)
    place(np.exp(np.mean(kept, axis=0)))


def _launch_products(history: History, day: np.ndarray, regular: np.ndarray, chosen: np.ndarray,
                     u: np.ndarray) -> np.ndarray:
    """The product each line gets on its day: a new model is not on sale before its launch (the
    predecessor is sold instead); six months after it most buyers of the old model take the new one."""
    index = {p.product_id: i for i, p in enumerate(ref.PRODUCTS)}
    product = chosen.copy()
    for i, p in enumerate(ref.PRODUCTS):  # four new models
        if p.launch_month is None:
            continue
        launch = history.month_first_day[p.launch_month] + 9
        old = index[p.predecessor]
        early = regular & (chosen == i) & (day < launch)
        later = regular & (chosen == old) & (day >= launch + 182) & (u < 0.6)
        product[early] = old
        product[later] = i
    return product


def launch_days(history: History) -> np.ndarray:
    """Launch day of every product (products on sale before the history: a day before it, by seed-free rule)."""
    days = np.zeros(len(ref.PRODUCTS), np.int32)
    for i, p in enumerate(ref.PRODUCTS):
        if p.launch_month is None:
            days[i] = -365 * (2 + i % 6) - 30 * (i % 11)
        else:
            days[i] = history.month_first_day[p.launch_month] + 9
    return days


def _price(draft: _Draft) -> OrderBook:
    channel = draft.channel[draft.line_order]
    unit_price = np.round(_LIST_PRICE[draft.line_product] * _PRICE_FACTOR[channel], 2)
    revenue = np.round(draft.line_quantity * unit_price * (1 - draft.line_discount), 2)
    cost = np.round(draft.line_quantity * _UNIT_COST[draft.line_product], 2)
    starts = np.flatnonzero(np.r_[True, draft.line_order[1:] != draft.line_order[:-1]])
    line_no = np.arange(len(draft.line_order)) - np.repeat(starts, np.diff(np.r_[starts, len(draft.line_order)]))
    n = len(draft.customer)
    return OrderBook(
        order_customer=draft.customer, order_day=draft.day, order_channel=draft.channel,
        order_rep=np.full(n, -1, np.int16), order_campaign=draft.campaign, order_reservation=draft.reservation,
        order_due_day=np.zeros(n, np.int32), order_paid_day=np.zeros(n),
        line_order=draft.line_order, line_no=(line_no + 1).astype(np.int16), line_product=draft.line_product,
        line_quantity=draft.line_quantity, line_unit_price=unit_price, line_discount=draft.line_discount,
        line_revenue=revenue, line_cost=cost,
    )


def team_pools(plan: CustomerPlan, team: SalesTeam) -> list[tuple[np.ndarray, np.ndarray]]:
    """(customer mask, rep indices) for every pool: Key Accounts, then each regional team and region."""
    key = plan.is_key_account
    pools = [(key, team.pool("Key Accounts", None))]
    for t, regions in ref.TEAM_REGIONS.items():
        for r in regions:
            pools.append((~key & (plan.region == ref.REGIONS.index(r)), team.pool(t, r)))
    return pools


def pick_reps(team: SalesTeam, history: History, reps: np.ndarray, day: np.ndarray, rng: np.random.Generator,
              *, ramp_power: float = 1.0) -> np.ndarray:
    """For each day, a rep among `reps` (those hired by then), weighted by skill and ramp-up.

    ``ramp_power`` > 1 slows the ramp-up: new hires get companies' business later than people's.
    """
    month = history.month_of_day[np.clip(day, 0, history.last_day)]
    tenure = tenure_months(team, history, np.arange(history.n_months))[:, reps]
    weight = team.skill[reps][None, :] * ramp(tenure) ** ramp_power + 1e-9
    cum = np.cumsum(weight / weight.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(day))
    chosen = np.zeros(len(day), np.int64)
    for j in range(len(reps) - 1):  # at most ten reps per pool
        chosen += u > cum[month, j]
    return reps[chosen]


def reps_serving(plan: CustomerPlan, history: History, team: SalesTeam, customer: np.ndarray, day: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """A rep for each (customer, day): from the team and region that serve the customer.

    A new hire ramps up over six months; companies' accounts reach them more slowly than people.
    """
    rep = np.full(len(customer), -1, np.int16)
    company = plan.is_company[customer]
    for customers, reps in team_pools(plan, team):
        for is_company, power in ((False, 1.0), (True, 2.0)):
            rows = np.flatnonzero(customers[customer] & (company == is_company))
            rep[rows] = pick_reps(team, history, reps, day[rows], rng, ramp_power=power)
    return rep


def _assign_reps(plan: CustomerPlan, history: History, team: SalesTeam, draft: _Draft,
                 rng: np.random.Generator) -> np.ndarray:
    has_rep = rng.random(len(draft.customer)) < _REP_SHARE[draft.channel]
    has_rep |= draft.customer == plan.concentrated
    rows = np.flatnonzero(has_rep)
    rep = np.full(len(draft.customer), -1, np.int16)
    rep[rows] = reps_serving(plan, history, team, draft.customer[rows], draft.day[rows], rng)
    return rep


def _payments(plan: CustomerPlan, history: History, draft: _Draft,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Due 30 days after the order for companies (people pay when they order); most pay on time."""
    company = plan.is_company[draft.customer]
    day = draft.day
    due = np.where(company, day + 30, day)
    u = rng.random(len(day))
    on_time = day + rng.integers(5, 31, len(day))
    late = due + 1 + rng.exponential(18, len(day)).astype(np.int32)
    never = (u > 0.985) & (day < history.last_day - 120)
    paid = np.where(company, np.where(u < 0.72, on_time, late), day).astype(float)
    paid[company & never] = np.nan
    paid[paid > history.last_day] = np.nan
    return due.astype(np.int32), paid


def _sorted_by_day(book: OrderBook) -> OrderBook:
    order = np.lexsort((book.order_customer, book.order_day))
    new_index = np.empty_like(order)
    new_index[order] = np.arange(len(order))
    for f in fields(book):
        if f.name.startswith("order_"):
            setattr(book, f.name, getattr(book, f.name)[order])
    line_order = new_index[book.line_order]
    line_sort = np.lexsort((book.line_no, line_order))
    for f in fields(book):
        if f.name.startswith("line_"):
            setattr(book, f.name, getattr(book, f.name)[line_sort])
    book.line_order = line_order[line_sort].astype(np.int32)
    return book


def orders_frame(book: OrderBook, history: History, ids) -> pd.DataFrame:
    """The canonical ``orders`` table. `ids` maps entity codes to keys (see ``salesdash.demo._Ids``)."""
    o = book.line_order
    return pd.DataFrame({
        "order_id": take(ids.order, o),
        "line": book.line_no.astype(np.int64),
        "customer_id": take(ids.customer, book.order_customer[o]),
        "product_id": take(ids.product, book.line_product),
        "channel_id": take(ids.channel, book.order_channel[o]),
        "rep_id": take(ids.rep, book.order_rep[o]),
        "campaign_id": take(ids.campaign, book.order_campaign[o]),
        "order_date": history.dates(book.order_day[o].astype(float)),
        "quantity": book.line_quantity,
        "unit_price": book.line_unit_price,
        "discount": book.line_discount,
        "revenue": book.line_revenue,
        "cost": book.line_cost,
        "due_date": history.dates(book.order_due_day[o].astype(float)),
        "paid_date": history.dates(book.order_paid_day[o]),
    })
