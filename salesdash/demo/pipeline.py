"""The sales pipeline: opportunities, their stage history, monthly pipeline snapshots and activities.

How deals are made
------------------
* **Won deals are orders.** For each channel a number of orders is picked (companies' orders more
  often) and becomes a won opportunity of the same customer, channel, rep, product and amount, closed on
  the order's day. Its stage dates are drawn backwards from the close: days in prospect, intent and
  engaged are lognormal with medians 7, 14 and 21 (truth 11).
* **Lost deals** copy a random order of the channel (customer, product, amount give or take 35%) with a
  creation day around it, or belong to a lead who never bought. They stop at prospect, intent or engaged
  (44/31/25%) and linger there before being marked lost. Their number per channel is set from the won
  deals and the channel's win rate, so the partner channel wins twice as often as the online store and
  as the other channels together (truth 2).
* **Open deals** are the deals still in flight at the end: lost-to-be deals not closed yet, deals that
  will be won after the history ends, and stalled deals (about 5% of the open ones) whose expected close
  date was pushed two or three times (truth 4). Every other deal is pushed at most once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from salesdash import schema
from salesdash.demo import reference as ref
from salesdash.demo._common import History, choice_by_weight, office_hours, scaled, take
from salesdash.demo.campaigns import CampaignBook
from salesdash.demo.customers import LEAD, CustomerPlan
from salesdash.demo.orders import OrderBook, reps_serving
from salesdash.demo.team import SalesTeam

__all__ = ["Pipeline", "build_pipeline", "opportunities_frame", "stage_history_frame", "snapshots_frame",
           "activities_frame", "snapshot_days", "FAST_CHANNEL", "SLOW_CHANNEL", "STAGE_MEDIAN_DAYS"]

OPPORTUNITIES_AT_SCALE_1 = 12_000
#: per channel (reference.CHANNELS order): share of the deals, and win rate = won / (won + lost).
#: Solution partners win twice as often as the online store, and as all other channels together.
DEAL_SHARE = np.array([0.12, 0.22, 0.22, 0.05, 0.05, 0.08, 0.06, 0.20])
WIN_RATE = np.array([0.16, 0.15, 0.16, 0.15, 0.15, 0.16, 0.16, 0.30])
FAST_CHANNEL, SLOW_CHANNEL = 7, 1  # Solution partners (CH08) win twice as often as the online store (CH02)
#: median days from entering prospect, intent, engaged to entering the next stage (truth 11)
STAGE_MEDIAN_DAYS = (7.0, 14.0, 21.0)
_STAGE_SIGMA = 0.6
#: where lost deals stop: prospect, intent, engaged
_LOST_AT = np.array([0.44, 0.31, 0.25])
#: median days a lost deal lingers in its last stage before it is marked lost
_LOST_DWELL_DAYS = np.array([20.0, 25.0, 30.0])
#: share of the open deals that are stalled and pushed again and again (truth 4)
SLIPPING_SHARE = 0.05
_STAGE_PROBABILITY = np.array([0.1, 0.3, 0.6, 1.0])

OPEN, WON, LOST = (schema.OPPORTUNITY_STATUSES.index(s) for s in ("open", "won", "lost"))

# Lead sources by channel: website, referral, trade_show, cold_call, social_media, presale_campaign.
_SOURCE_MIX = np.array([
    [0.10, 0.25, 0.05, 0.05, 0.25, 0.30],  # own stores
    [0.45, 0.05, 0.00, 0.00, 0.35, 0.15],  # online store
    [0.10, 0.25, 0.30, 0.30, 0.05, 0.00],  # sales team
    [0.30, 0.00, 0.00, 0.00, 0.40, 0.30],  # Tmall
    [0.30, 0.00, 0.00, 0.00, 0.40, 0.30],  # JD
    [0.00, 0.40, 0.40, 0.20, 0.00, 0.00],  # distributors
    [0.00, 0.40, 0.40, 0.20, 0.00, 0.00],
    [0.10, 0.70, 0.20, 0.00, 0.00, 0.00],  # partners
])
# Lost reasons by the stage the deal stopped at (Pareto-like overall: price and competitor lead).
_LOST_REASON_MIX = np.array([
    [0.25, 0.15, 0.15, 0.10, 0.30, 0.05],
    [0.35, 0.25, 0.17, 0.12, 0.06, 0.05],
    [0.40, 0.30, 0.12, 0.10, 0.03, 0.05],
])


@dataclass
class Pipeline:
    """Opportunities (one element per deal), sorted by creation.

    Moments are fractional days (see ``_common``). ``entered`` holds when each of the four stages was
    entered (NaN: not reached by the end of the history); ``expected`` the expected close day initially
    and after each push, ``pushed_at`` when the pushes happened.
    """

    customer: np.ndarray
    rep: np.ndarray
    channel: np.ndarray
    product: np.ndarray
    campaign: np.ndarray
    source: np.ndarray
    created: np.ndarray
    entered: np.ndarray
    closed: np.ndarray
    status: np.ndarray
    lost_reason: np.ndarray
    amount: np.ndarray
    amount_before: np.ndarray
    amount_changed_at: np.ndarray
    expected: np.ndarray
    pushed_at: np.ndarray
    probability: np.ndarray
    slipping: np.ndarray
    neglected: np.ndarray

    @property
    def n(self) -> int:
        return len(self.created)

    @property
    def stage(self) -> np.ndarray:
        """Furthest stage reached (index into schema.STAGES)."""
        return (np.isfinite(self.entered).sum(axis=1) - 1).astype(np.int8)


@dataclass
class _Deals:
    """Deals being drawn: their plan before the end of the history cuts them."""

    customer: np.ndarray
    channel: np.ndarray
    product: np.ndarray
    amount: np.ndarray
    rep: np.ndarray
    campaign: np.ndarray
    created: np.ndarray
    durations: np.ndarray  # (n, 3) days in prospect, intent, engaged
    passes: np.ndarray     # stage transitions made: 0-2 for lost and stalled deals, 3 for won
    dwell: np.ndarray      # days in the last stage before the deal is lost (inf: never closes)
    stalled: np.ndarray

    @staticmethod
    def concat(parts: list[_Deals]) -> _Deals:
        return _Deals(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(_Deals)})


def _stage_durations(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.lognormal(np.log(STAGE_MEDIAN_DAYS), _STAGE_SIGMA, (n, 3))


def weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """`k` distinct indices drawn with probability proportional to `weights` (Efraimidis-Spirakis)."""
    k = min(k, int((weights > 0).sum()))
    if k <= 0:
        return np.zeros(0, np.int64)
    keys = np.log(rng.random(len(weights))) / np.maximum(weights, 1e-300)
    return np.sort(np.argpartition(-keys, k - 1)[:k])


def build_pipeline(plan: CustomerPlan, history: History, team: SalesTeam, book: OrderBook,
                   campaigns: CampaignBook, scale: float, rng: np.random.Generator) -> Pipeline:
    """Draw every opportunity of the history (see the module docstring)."""
    n_planned = scaled(OPPORTUNITIES_AT_SCALE_1, scale, minimum=200)
    now = history.last_day + 0.75
    value = book.order_value()
    first_line = np.searchsorted(book.line_order, np.arange(book.n_orders))
    order_product = book.line_product[first_line]

    won = _won_deals(plan, book, value, order_product, n_planned, rng)
    lost = _lost_deals(plan, history, book, value, order_product, n_planned, now, rng)
    future = _future_won(plan, history, book, value, order_product, len(won.created), now, rng)
    open_so_far = int((lost.created + _planned_close(lost) > now).sum())
    open_so_far += len(future.created)
    n_stalled = max(1, int(round(SLIPPING_SHARE / (1 - SLIPPING_SHARE) * open_so_far)))
    stalled = _stalled_deals(plan, history, book, value, order_product, n_stalled, now, rng)
    deals = _Deals.concat([won, lost, future, stalled])

    order = np.argsort(deals.created, kind="stable")
    deals = _Deals(**{f.name: getattr(deals, f.name)[order] for f in fields(_Deals)})
    missing_rep = deals.rep < 0
    deals.rep[missing_rep] = reps_serving(plan, history, team, deals.customer[missing_rep],
                                          np.floor(deals.created[missing_rep]).astype(np.int64), rng)
    return _finish(deals, history, campaigns, now, rng)


def _planned_close(d: _Deals) -> np.ndarray:
    """Moment the deal closes if nothing stops it (inf for stalled deals)."""
    steps = np.cumsum(d.durations, axis=1)
    reached = np.where(d.passes > 0, steps[np.arange(len(d.passes)), np.maximum(d.passes - 1, 0)], 0.0)
    return np.where(d.passes >= 3, reached, reached + d.dwell)


def _won_deals(plan: CustomerPlan, book: OrderBook, value: np.ndarray, order_product: np.ndarray,
               n_planned: int, rng: np.random.Generator) -> _Deals:
    """Orders picked per channel become won deals closed on the order's day."""
    durations = _stage_durations(rng, book.n_orders)
    closed = book.order_day + rng.uniform(0.35, 0.7, book.n_orders)
    created = closed - durations.sum(axis=1)
    company = plan.is_company[book.order_customer]
    weight = np.where(company, 4.0, 1.0) * np.where(created >= 0.05, 1.0, 0.0)
    picked = []
    for c in range(len(ref.CHANNELS)):  # eight channels
        count = int(round(n_planned * DEAL_SHARE[c] * WIN_RATE[c]))
        picked.append(weighted_sample(rng, weight * (book.order_channel == c), count))
    idx = np.sort(np.concatenate(picked))
    return _Deals(
        customer=book.order_customer[idx], channel=book.order_channel[idx], product=order_product[idx],
        amount=np.round(value[idx], 2), rep=book.order_rep[idx].astype(np.int16),
        campaign=book.order_campaign[idx].astype(np.int16), created=created[idx], durations=durations[idx],
        passes=np.full(len(idx), 3, np.int8), dwell=np.zeros(len(idx)), stalled=np.zeros(len(idx), bool),
    )


def _bootstrap(plan: CustomerPlan, book: OrderBook, value: np.ndarray, order_product: np.ndarray,
               channel_counts: np.ndarray, rng: np.random.Generator, recent_from: int = 0):
    """Random orders per channel, to copy customer, product and (roughly) amount from."""
    company = plan.is_company[book.order_customer]
    weight = np.where(company, 3.0, 1.0) * (book.order_day >= recent_from)
    picks = []
    for c, count in enumerate(channel_counts):  # eight channels
        w = weight * (book.order_channel == c)
        cum = np.cumsum(w)
        if cum[-1] <= 0:
            w, cum = weight, np.cumsum(weight)
        picks.append(np.searchsorted(cum, rng.random(int(count)) * cum[-1], side="right"))
    idx = np.concatenate(picks)
    channel = np.repeat(np.arange(len(channel_counts)), channel_counts).astype(np.int8)
    amount = np.round(value[idx] * rng.lognormal(0, 0.35, len(idx)), -1)
    return idx, channel, np.maximum(amount, 10.0), order_product[idx]


def _lost_deals(plan: CustomerPlan, history: History, book: OrderBook, value: np.ndarray,
                order_product: np.ndarray, n_planned: int, now: float, rng: np.random.Generator) -> _Deals:
    counts = np.round(n_planned * DEAL_SHARE * (1 - WIN_RATE)).astype(np.int64)
    idx, channel, amount, product = _bootstrap(plan, book, value, order_product, counts, rng)
    n = len(idx)
    customer = book.order_customer[idx].copy()
    created = book.order_day[idx] + rng.uniform(-120, 60, n)

    leads = np.flatnonzero(plan.group == LEAD)
    from_lead = (rng.random(n) < 0.3) & (len(leads) > 0)
    if len(leads):
        lead = leads[rng.integers(0, len(leads), n)]
        customer = np.where(from_lead, lead, customer)
        created = np.where(from_lead, plan.lead_day[lead] + rng.uniform(0, 60, n), created)
    created = np.clip(created, 0.05, now - 0.05)
    passes = choice_by_weight(rng, _LOST_AT, n).astype(np.int8)
    dwell = rng.lognormal(np.log(_LOST_DWELL_DAYS[passes]), 0.7)
    return _Deals(
        customer=customer.astype(np.int32), channel=channel, product=product, amount=amount,
        rep=np.full(n, -1, np.int16), campaign=np.full(n, -1, np.int16), created=created,
        durations=_stage_durations(rng, n), passes=passes, dwell=dwell, stalled=np.zeros(n, bool),
    )


def _future_won(plan: CustomerPlan, history: History, book: OrderBook, value: np.ndarray,
                order_product: np.ndarray, n_won: int, now: float, rng: np.random.Generator) -> _Deals:
    """Deals in flight at the end that will be won after it (about 1.2 months of won deals)."""
    n = max(1, int(round(n_won / history.n_months * 1.2)))
    counts = np.bincount(choice_by_weight(rng, DEAL_SHARE * WIN_RATE, n), minlength=len(ref.CHANNELS))
    idx, channel, amount, product = _bootstrap(plan, book, value, order_product, counts, rng,
                                               recent_from=history.last_day - 120)
    durations = _stage_durations(rng, n)
    created = now - rng.uniform(0.02, 0.98, n) * durations.sum(axis=1)
    return _Deals(
        customer=book.order_customer[idx].astype(np.int32), channel=channel, product=product, amount=amount,
        rep=np.full(n, -1, np.int16), campaign=np.full(n, -1, np.int16), created=created, durations=durations,
        passes=np.full(n, 3, np.int8), dwell=np.zeros(n), stalled=np.zeros(n, bool),
    )


def _stalled_deals(plan: CustomerPlan, history: History, book: OrderBook, value: np.ndarray,
                   order_product: np.ndarray, n: int, now: float, rng: np.random.Generator) -> _Deals:
    """Truth 4: deals stuck in intent or engaged for months; their close date keeps slipping."""
    counts = np.bincount(choice_by_weight(rng, DEAL_SHARE, n), minlength=len(ref.CHANNELS))
    idx, channel, amount, product = _bootstrap(plan, book, value, order_product, counts, rng,
                                               recent_from=history.last_day - 365)
    created = now - rng.uniform(80, 150, n)
    durations = _stage_durations(rng, n)
    durations[:, :2] = np.minimum(durations[:, :2], 30.0)  # they moved on quickly, then stalled
    return _Deals(
        customer=book.order_customer[idx].astype(np.int32), channel=channel, product=product,
        amount=amount * 1.5, rep=np.full(n, -1, np.int16), campaign=np.full(n, -1, np.int16), created=created,
        durations=durations, passes=(1 + (rng.random(n) < 0.5)).astype(np.int8), dwell=np.full(n, np.inf),
        stalled=np.ones(n, bool),
    )


def snapshot_days(history: History) -> np.ndarray:
    """Snapshot days: the first day of each of the last 12 months, and today."""
    firsts = history.month_first_day[history.n_months - 12: history.n_months]
    return np.unique(np.append(firsts, history.last_day)).astype(np.int64)


def _finish(d: _Deals, history: History, campaigns: CampaignBook, now: float,
            rng: np.random.Generator) -> Pipeline:
    n = len(d.created)
    steps = d.created[:, None] + np.concatenate([np.zeros((n, 1)), np.cumsum(d.durations, axis=1)], axis=1)
    reached = np.arange(4)[None, :] <= d.passes[:, None]
    entered = np.where(reached & (steps <= now), steps, np.nan)
    close = _planned_close(d) + d.created
    is_closed = close <= now
    closed = np.where(is_closed, close, np.nan)
    status = np.where(~is_closed, OPEN, np.where(d.passes >= 3, WON, LOST)).astype(np.int8)
    stage = (np.isfinite(entered).sum(axis=1) - 1).astype(np.int64)

    lost = status == LOST
    reason = np.full(n, -1, np.int8)
    for s in range(3):  # three stages
        rows = lost & (stage == s)
        reason[rows] = choice_by_weight(rng, _LOST_REASON_MIX[s], int(rows.sum()))

    source = np.zeros(n, np.int8)
    for c in range(len(ref.CHANNELS)):
        rows = d.channel == c
        source[rows] = choice_by_weight(rng, _SOURCE_MIX[c], int(rows.sum()))
    campaign = d.campaign.copy()
    presale = ref.LEAD_SOURCES.index("presale_campaign")
    source[campaign >= 0] = presale
    for j in range(campaigns.n):  # ~24 campaigns: a presale lead belongs to a campaign running then
        rows = (source == presale) & (campaign < 0) & (d.created >= campaigns.start_day[j] - 7) & (
            d.created <= campaigns.end_day[j] + 1)
        campaign[rows] = j
    source[(source == presale) & (campaign < 0)] = ref.LEAD_SOURCES.index("website")

    end = np.where(np.isfinite(closed), closed, now)
    expected, pushed_at = _expected_close(d, history, end, rng)
    changed = rng.random(n) < 0.2
    amount_changed_at = np.where(changed, d.created + rng.uniform(0.3, 0.9, n) * (end - d.created), np.nan)
    amount_before = np.where(changed, np.round(d.amount * rng.uniform(0.7, 1.3, n), -1), d.amount)

    noise = np.round(rng.normal(0, 0.03, n) / 0.05) * 0.05
    probability = np.where(status == WON, 1.0, np.where(status == LOST, 0.0,
                           np.clip(_STAGE_PROBABILITY[stage] + noise, 0.05, 0.95)))
    open_deal = status == OPEN
    neglected = d.stalled | (open_deal & (d.created < now - 45) & (rng.random(n) < 0.2))
    return Pipeline(
        customer=d.customer, rep=d.rep, channel=d.channel, product=d.product, campaign=campaign, source=source,
        created=d.created, entered=entered, closed=closed, status=status, lost_reason=reason, amount=d.amount,
        amount_before=amount_before, amount_changed_at=amount_changed_at, expected=expected,
        pushed_at=pushed_at, probability=np.round(probability, 2), slipping=d.stalled, neglected=neglected,
    )


def _expected_close(d: _Deals, history: History, end: np.ndarray,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Expected close day at creation and after each push; stalled deals are pushed once in each of the
    last two (or three) snapshot intervals, other deals at most once."""
    n = len(d.created)
    expected = np.full((n, 4), np.nan)
    pushed_at = np.full((n, 3), np.nan)
    expected[:, 0] = np.floor(d.created + rng.lognormal(np.log(45), 0.35, n))

    once = ~d.stalled & (rng.random(n) < 0.25)
    pushed_at[once, 0] = d.created[once] + rng.uniform(0.2, 0.9, once.sum()) * (end[once] - d.created[once])

    snaps = snapshot_days(history).astype(float)
    stalled = np.flatnonzero(d.stalled)
    three = d.created[stalled] < snaps[-4]
    k = np.where(three, 3, 2)
    for i in range(3):  # push i happens in the i-th of the last k snapshot intervals
        rows = stalled[i < k]
        back = k[i < k] - i  # 3,2,1 or 2,1: counted from the end
        lo, hi = snaps[-back - 1], snaps[-back]
        pushed_at[rows, i] = lo + rng.uniform(0.2, 0.8, len(rows)) * (hi - lo)

    for i in range(3):
        moved = np.isfinite(pushed_at[:, i])
        step = rng.uniform(14, 45, n)
        expected[:, i + 1] = np.where(moved, np.floor(np.maximum(expected[:, i], pushed_at[:, i]) + step),
                                      expected[:, i])
    return expected, pushed_at


def _state_at(p: Pipeline, moment: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stage, status, amount and expected close day of every deal as they stood at `moment`."""
    stage = (np.nan_to_num(p.entered, nan=np.inf) <= moment).sum(axis=1) - 1
    closed_by = np.isfinite(p.closed) & (p.closed <= moment)
    status = np.where(closed_by, p.status, OPEN)
    amount = np.where(np.isfinite(p.amount_changed_at) & (p.amount_changed_at > moment), p.amount_before,
                      p.amount)
    pushes = (np.nan_to_num(p.pushed_at, nan=np.inf) <= moment).sum(axis=1)
    expected = p.expected[np.arange(p.n), pushes]
    return stage, status, amount, expected


# ----- the canonical tables ---------------------------------------------------------------------------

def opportunities_frame(p: Pipeline, history: History, ids) -> pd.DataFrame:
    now = history.last_day + 0.75
    stage, _, _, expected = _state_at(p, now)
    return pd.DataFrame({
        "opportunity_id": ids.opportunity,
        "customer_id": take(ids.customer, p.customer),
        "rep_id": take(ids.rep, p.rep),
        "channel_id": take(ids.channel, p.channel),
        "product_id": take(ids.product, p.product),
        "campaign_id": take(ids.campaign, p.campaign),
        "source": take(ref.LEAD_SOURCES, p.source),
        "created_at": history.moments(office_hours(p.created)),
        "stage": take(schema.STAGES, stage),
        "status": take(schema.OPPORTUNITY_STATUSES, p.status),
        "amount": p.amount,
        "expected_close_date": history.dates(expected),
        "closed_at": history.moments(office_hours(p.closed)),
        "lost_reason": take(ref.LOST_REASONS, p.lost_reason),
        "probability": p.probability,
    })


def stage_history_frame(p: Pipeline, history: History, ids) -> pd.DataFrame:
    deal, stage = np.nonzero(np.isfinite(p.entered))
    return pd.DataFrame({
        "opportunity_id": take(ids.opportunity, deal),
        "stage": take(schema.STAGES, stage),
        "entered_at": history.moments(office_hours(p.entered[deal, stage])),
    })


def snapshots_frame(p: Pipeline, history: History, ids) -> pd.DataFrame:
    """The pipeline on each snapshot day: deals open then, and deals closed since the previous snapshot."""
    days = snapshot_days(history)
    now = history.last_day + 0.75
    frames = []
    previous = days[0] - 31.0
    for day in days:  # 13 snapshots
        moment = now if day == history.last_day else float(day)
        included = (p.created <= moment) & (~np.isfinite(p.closed) | (p.closed > previous))
        rows = np.flatnonzero(included)
        stage, status, amount, expected = (a[rows] for a in _state_at(p, moment))
        frames.append(pd.DataFrame({
            "snapshot_date": history.dates(np.full(len(rows), float(day))),
            "opportunity_id": take(ids.opportunity, rows),
            "stage": take(schema.STAGES, stage),
            "status": take(schema.OPPORTUNITY_STATUSES, status),
            "amount": amount,
            "expected_close_date": history.dates(expected),
        }))
        previous = moment
    return pd.concat(frames, ignore_index=True)


# ----- activities -------------------------------------------------------------------------------------

_ACTIVITY_MIX_COMPANY = np.array([0.30, 0.25, 0.20, 0.20, 0.05])
_ACTIVITY_MIX_PERSON = np.array([0.35, 0.15, 0.05, 0.05, 0.40])


@dataclass
class Activities:
    customer: np.ndarray
    opportunity: np.ndarray
    rep: np.ndarray
    type: np.ndarray
    moment: np.ndarray
    outcome: np.ndarray


def build_activities(p: Pipeline, plan: CustomerPlan, history: History, team: SalesTeam, book: OrderBook,
                     rng: np.random.Generator) -> Activities:
    """Calls, emails, meetings, visits and messages on deals (more on won and late-stage deals), plus
    account-care activities with companies. Neglected open deals have had nothing for 30+ days."""
    now = history.last_day + 0.75
    stage = p.stage
    base = np.where(p.status == WON, 3 + rng.poisson(5, p.n), np.select(
        [stage == 0, stage == 1, stage == 2], [rng.poisson(1.2, p.n), 1 + rng.poisson(2, p.n),
                                               2 + rng.poisson(3, p.n)], 0))
    end = np.where(np.isfinite(p.closed), p.closed, now)
    end = np.where(p.neglected, now - 30 - rng.uniform(0, 25, p.n), end)
    count = np.where(end > p.created, base, 0)
    deal = np.repeat(np.arange(p.n), count)
    moment = p.created[deal] + rng.random(len(deal)) * (end[deal] - p.created[deal])

    # account care: companies that buy hear from their rep every few months
    buyers = np.flatnonzero(plan.is_company & (plan.group >= 0))
    visits = rng.poisson(0.4 * (plan.last_day[buyers] - plan.first_day[buyers]) / 30.44 / 3 + 1)
    who = np.repeat(buyers, visits)
    care_moment = plan.first_day[who] + rng.random(len(who)) * (plan.last_day[who] + 20 - plan.first_day[who])
    care_moment = np.minimum(care_moment, now - 0.1)
    care_rep = reps_serving(plan, history, team, who, np.floor(care_moment).astype(np.int64), rng)

    customer = np.concatenate([p.customer[deal], who])
    company = plan.is_company[customer]
    kind = np.where(company, choice_by_weight(rng, _ACTIVITY_MIX_COMPANY, len(customer)),
                    choice_by_weight(rng, _ACTIVITY_MIX_PERSON, len(customer)))
    won = np.concatenate([p.status[deal] == WON, np.zeros(len(who), bool)])
    outcome = np.where(won, choice_by_weight(rng, np.array([0.40, 0.05, 0.25, 0.28, 0.02]), len(customer)),
                       choice_by_weight(rng, np.array([0.45, 0.15, 0.25, 0.10, 0.05]), len(customer)))
    act = Activities(
        customer=customer, opportunity=np.concatenate([deal, np.full(len(who), -1)]),
        rep=np.concatenate([p.rep[deal], care_rep]), type=kind, moment=np.concatenate([moment, care_moment]),
        outcome=outcome,
    )
    order = np.argsort(act.moment, kind="stable")
    return Activities(**{f.name: getattr(act, f.name)[order] for f in fields(Activities)})


def activities_frame(a: Activities, history: History, ids) -> pd.DataFrame:
    return pd.DataFrame({
        "activity_id": ids.activity,
        "customer_id": take(ids.customer, a.customer),
        "opportunity_id": take(ids.opportunity, a.opportunity),
        "rep_id": take(ids.rep, a.rep),
        "type": take(schema.ACTIVITY_TYPES, a.type),
        "occurred_at": history.moments(office_hours(a.moment)),
        "outcome": take(ref.ACTIVITY_OUTCOMES, a.outcome),
    })
