"""Presale campaigns, their reservations (deposits) and marketing spend.

Eight campaigns a year follow the Chinese retail calendar (reference.CAMPAIGN_CALENDAR). Reservations
come in front-loaded: most in the first days of a campaign. A share of them converts to a final payment
(an order line of the campaign's product at the campaign's discount) - about 80% for member-only
campaigns and 52-62% for the other types (truth 7); the rest are cancelled (deposit kept) or refunded.
Reservations whose final payment is still to come at the end of the history are pending.

The customers who convert are active regular buyers (VIPs and bargain hunters, members for member-only
campaigns) whose first and last orders bracket the campaign, so campaign orders never change when a
customer was first or last seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesdash import schema
from salesdash.demo import reference as ref
from salesdash.demo._common import History, scaled, take
from salesdash.demo.customers import BARGAIN_HUNTER, LEAD, VIP, CustomerPlan
from salesdash.demo.orders import CampaignOrders, OrderBook

__all__ = ["CampaignBook", "plan_campaigns", "draw_reservations", "campaigns_frame", "reservations_frame",
           "marketing_spend_frame"]

_PRODUCT_INDEX = {p.product_id: i for i, p in enumerate(ref.PRODUCTS)}
_CHANNEL_INDEX = {c.channel_id: i for i, c in enumerate(ref.CHANNELS)}
PENDING, CONVERTED, CANCELLED, REFUNDED = (schema.RESERVATION_STATUSES.index(s) for s in
                                           ("pending", "converted", "cancelled", "refunded"))


@dataclass
class CampaignBook:
    """Campaigns (one element per campaign) and reservations (``res_*``, one per reservation)."""

    name: tuple[str, ...]
    type: tuple[str, ...]
    target_segment: tuple[str, ...]
    product: np.ndarray
    channel: np.ndarray
    start_day: np.ndarray
    end_day: np.ndarray
    discount: np.ndarray
    deposit: np.ndarray
    budget: np.ndarray
    planned_reservations: np.ndarray
    res_campaign: np.ndarray = None
    res_customer: np.ndarray = None
    res_reserved: np.ndarray = None
    res_status: np.ndarray = None
    res_final_paid: np.ndarray = None

    @property
    def n(self) -> int:
        return len(self.name)


def plan_campaigns(history: History, scale: float) -> CampaignBook:
    """Every campaign of the yearly calendar that started inside the history (about 24)."""
    rows = []
    for year in range(history.start.year, history.today.year + 1):
        for c in ref.CAMPAIGN_CALENDAR:
            start = dt.date(year, c.month, c.day)
            if history.start <= start <= history.today:
                rows.append((start, c, year))
    rows.sort(key=lambda r: (r[0], r[1].slug))
    start_day = np.array([history.day_of(s) for s, _, _ in rows], dtype=np.int32)
    days = np.array([c.days for _, c, _ in rows], dtype=np.int32)
    product = np.array([_PRODUCT_INDEX[c.product_id] for _, c, _ in rows], dtype=np.int16)
    planned = np.array([scaled(c.reservations, scale, minimum=10) for _, c, _ in rows])
    price = np.array([ref.PRODUCTS[p].list_price for p in product])
    return CampaignBook(
        name=tuple(f"{c.name} {y}" for _, c, y in rows),
        type=tuple(c.type for _, c, _ in rows),
        target_segment=tuple(c.target_segment for _, c, _ in rows),
        product=product,
        channel=np.array([_CHANNEL_INDEX[c.channel_id] for _, c, _ in rows], dtype=np.int8),
        start_day=start_day,
        end_day=start_day + days - 1,
        discount=np.array([c.discount for _, c, _ in rows]),
        deposit=np.array([c.deposit for _, c, _ in rows], dtype=float),
        budget=np.round(planned * price * 0.18, -3),
        planned_reservations=planned,
    )


def _front_loaded(rng: np.random.Generator, n: int, length: float) -> np.ndarray:
    """Offsets in [0, length): truncated exponential with a mean of a sixth of the length."""
    scale = length / 6
    u = rng.random(n)
    return -scale * np.log1p(-u * (1 - np.exp(-length / scale)))


def draw_reservations(book: CampaignBook, plan: CustomerPlan, history: History,
                      rng: np.random.Generator) -> CampaignOrders:
    """Fill the reservations of every campaign; return the orders of the converted ones."""
    now = history.last_day + 0.75
    parts: list[tuple[np.ndarray, ...]] = []
    orders: list[tuple[np.ndarray, ...]] = []
    regular = ((plan.group == VIP) | (plan.group == BARGAIN_HUNTER)) & (np.arange(plan.n) != plan.concentrated)
    known = np.where(plan.group == LEAD, plan.lead_day, plan.first_day)
    n_done = 0
    for j in range(book.n):  # ~24 campaigns
        start, end = int(book.start_day[j]), int(book.end_day[j])
        members_only = book.type[j] == "member_only"
        rate = ref.CONVERSION_BY_TYPE[book.type[j]]
        eligible = np.ones(plan.n, bool) if not members_only else plan.is_member
        # Converting customers bought before and buy after (recency unchanged); in a campaign still
        # running at the end their final payment is yet to come, so there is no order to fit.
        still_running = end + 3 > history.last_day
        buyers = np.flatnonzero(regular & eligible & (plan.first_day <= start)
                                & ((plan.last_day >= end + 3) | still_running))
        others = np.flatnonzero(eligible & (known >= 0) & (known <= start) & ~np.isin(np.arange(plan.n), buyers))
        n_convert = min(int(round(book.planned_reservations[j] * rate)), len(buyers))
        n_other = min(int(round(n_convert * (1 - rate) / rate)), len(others))
        customer = np.concatenate([rng.choice(buyers, n_convert, replace=False),
                                   rng.choice(others, n_other, replace=False)])
        converts = np.arange(len(customer)) < n_convert
        length = end - start + 1
        reserved = start + _front_loaded(rng, len(customer), length * 0.999)
        presale = book.type[j] in ("online_presale", "offline_presale")
        final = np.where(presale, end + 0.4 + rng.uniform(-2.9, 0.0, len(customer)),
                         reserved + rng.uniform(0.1, 3.0, len(customer)))
        final = np.maximum(final, reserved + 0.05)
        decided = np.where(converts, final, end + 1.0)
        status = np.where(decided > now, PENDING,
                          np.where(converts, CONVERTED, np.where(rng.random(len(customer)) < 0.7, CANCELLED,
                                                                 REFUNDED)))
        keep = reserved <= now
        customer, reserved, status, final = customer[keep], reserved[keep], status[keep], final[keep]
        final = np.where(status == CONVERTED, final, np.nan)
        parts.append((np.full(len(customer), j), customer, reserved, status, final))

        paid = np.flatnonzero(status == CONVERTED)
        company = plan.is_company[customer[paid]]
        quantity = np.where(company, 1 + rng.poisson(2, len(paid)), 1 + (rng.random(len(paid)) < 0.1))
        orders.append((customer[paid], np.floor(final[paid]).astype(np.int32), np.full(len(paid), j),
                       quantity.astype(float), n_done + paid))
        n_done += len(customer)

    book.res_campaign, book.res_customer, book.res_reserved, book.res_status, book.res_final_paid = (
        np.concatenate([p[i] for p in parts]) for i in range(5)
    )
    customer, day, campaign, quantity, reservation = (np.concatenate([o[i] for o in orders]) for i in range(5))
    return CampaignOrders(
        customer=customer, day=day, product=book.product[campaign], channel=book.channel[campaign],
        discount=book.discount[campaign], quantity=quantity, campaign=campaign, reservation=reservation,
    )


def campaigns_frame(book: CampaignBook, history: History, ids) -> pd.DataFrame:
    return pd.DataFrame({
        "campaign_id": ids.campaign,
        "name": pd.array(list(book.name), dtype="str"),
        "type": pd.array(list(book.type), dtype="str"),
        "product_id": take(ids.product, book.product),
        "channel_id": take(ids.channel, book.channel),
        "start_date": history.dates(book.start_day.astype(float)),
        "end_date": history.dates(book.end_day.astype(float)),
        "discount": book.discount,
        "deposit": book.deposit,
        "budget": book.budget,
        "target_segment": pd.array(list(book.target_segment), dtype="str"),
    })


def reservations_frame(book: CampaignBook, orders: OrderBook, history: History, ids) -> pd.DataFrame:
    """The canonical ``reservations`` table; converted ones point at the order they became."""
    order_of_reservation = np.full(len(book.res_campaign), -1, np.int64)
    from_reservation = np.flatnonzero(orders.order_reservation >= 0)
    order_of_reservation[orders.order_reservation[from_reservation]] = from_reservation
    order = np.lexsort((book.res_customer, book.res_reserved))
    return pd.DataFrame({
        "reservation_id": ids.reservation,
        "campaign_id": take(ids.campaign, book.res_campaign[order]),
        "customer_id": take(ids.customer, book.res_customer[order]),
        "reserved_at": history.moments(book.res_reserved[order]),
        "deposit": book.deposit[book.res_campaign[order]],
        "status": take(schema.RESERVATION_STATUSES, book.res_status[order]),
        "final_paid_at": history.moments(book.res_final_paid[order]),
        "order_id": take(ids.order, order_of_reservation[order]),
    })


def marketing_spend_frame(book: CampaignBook, orders: OrderBook, history: History, ids,
                          rng: np.random.Generator) -> pd.DataFrame:
    """Monthly spend per channel (a base plus a share of its revenue) and per campaign (its budget over its
    months)."""
    month = history.month_of_day[orders.order_day]
    value = orders.order_value()
    n_ch, n_m = len(ref.CHANNELS), history.n_months
    revenue = np.bincount(orders.order_channel.astype(np.int64) * n_m + month, weights=value,
                          minlength=n_ch * n_m).reshape(n_ch, n_m)
    rate = np.array([c.marketing_rate for c in ref.CHANNELS])[:, None]
    # a monthly base (agency fees, store displays) plus a share of the month's sales
    base = 0.3 * revenue.mean(axis=1, keepdims=True)
    channel_spend = np.round((base + 0.7 * revenue) * rate * rng.uniform(0.85, 1.15, revenue.shape), -1)
    ch, m = np.nonzero(channel_spend > 0)
    frames = [pd.DataFrame({"month_idx": m, "channel": ch, "campaign": -1, "spend": channel_spend[ch, m]})]

    days = np.arange(history.n_days + 62)
    day_month = np.searchsorted(history.month_first_day, days, side="right") - 1
    for j in range(book.n):  # ~24 campaigns: budget by the days each month holds
        span = day_month[book.start_day[j]: book.end_day[j] + 1]
        months, count = np.unique(span, return_counts=True)
        inside = months < n_m
        spend = np.round(book.budget[j] * count[inside] / count.sum(), -2)
        frames.append(pd.DataFrame({"month_idx": months[inside], "channel": book.channel[j], "campaign": j,
                                    "spend": spend}))
    spend = pd.concat(frames, ignore_index=True)
    firsts = np.array([np.datetime64(history.month_date(k), "s") for k in range(n_m)])
    return pd.DataFrame({
        "month": firsts[spend["month_idx"].to_numpy()],
        "channel_id": take(ids.channel, spend["channel"].to_numpy()),
        "campaign_id": take(ids.campaign, spend["campaign"].to_numpy()),
        "spend": spend["spend"].to_numpy(dtype=float),
    })
