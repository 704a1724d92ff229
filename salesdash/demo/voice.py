"""The voice of the customer: complaints and feedback (NPS, CSAT, comments in Chinese and English).

Complaints are raised on orders: mostly about delivery and service, a fifth about product quality, most
resolved within three days. Truth 9 is planted here: among customers who ordered in the half-year before
the last 180 days, those given a product-quality complaint in that half-year are picked so that they go
on to churn (no order in the last 180 days) about twice as often as the customers without complaints.

Feedback follows orders. Scores depend on the customer's group and drop after a complaint; promoters
write praise, detractors complaints, passives something in between, from short templates.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from salesdash import schema
from salesdash.demo import reference as ref
from salesdash.demo._common import History, choice_by_weight, office_hours, scaled, take
from salesdash.demo.customers import CustomerPlan
from salesdash.demo.orders import OrderBook
from salesdash.demo.pipeline import weighted_sample

__all__ = ["Complaints", "build_complaints", "complaints_frame", "build_feedback", "feedback_frame",
           "CHURN_WINDOW_DAYS", "CHURN_RATIO"]

COMPLAINTS_AT_SCALE_1 = 1_600
FEEDBACK_AT_SCALE_1 = 4_000
#: a customer has churned when they ordered nothing in this many days before the end (truth 9)
CHURN_WINDOW_DAYS = 180
#: churn of product-quality complainants relative to customers without complaints (truth 9)
CHURN_RATIO = 2.0
_PLANTED_SHARE = 0.05  # planted quality complaints per customer active in the half-year before
_CATEGORY_MIX = np.array([0.30, 0.22, 0.10, 0.22, 0.16])  # delivery, quality, billing, service, returns
_QUALITY = ref.COMPLAINT_CATEGORIES.index("product_quality")
_SEVERITY_MIX = np.array([0.40, 0.35, 0.20, 0.05])
_SEVERITY_MIX_QUALITY = np.array([0.20, 0.40, 0.30, 0.10])
OPEN, IN_PROGRESS, RESOLVED = range(3)


@dataclass
class Complaints:
    order: np.ndarray
    customer: np.ndarray
    category: np.ndarray
    opened: np.ndarray
    severity: np.ndarray
    resolved: np.ndarray
    status: np.ndarray


def _active_window(history: History) -> tuple[int, int]:
    """The half-year before the churn window: [today - 360, today - 180)."""
    end = history.last_day - CHURN_WINDOW_DAYS + 1
    return end - 180, end


def build_complaints(plan: CustomerPlan, history: History, book: OrderBook, scale: float,
                     rng: np.random.Generator) -> Complaints:
    """Complaints on random orders, plus the planted product-quality complaints of truth 9."""
    now = history.last_day + 0.75
    n = min(scaled(COMPLAINTS_AT_SCALE_1, scale), book.n_orders)
    regular = book.order_customer != plan.concentrated
    order = weighted_sample(rng, regular.astype(float), n)
    category = choice_by_weight(rng, _CATEGORY_MIX, len(order)).astype(np.int8)
    opened = book.order_day[order] + rng.uniform(0.5, 15.0, len(order))
    planted = _plant_quality_complaints(plan, history, book, order, category, opened, rng)
    order = np.concatenate([order, planted])
    category = np.concatenate([category, np.full(len(planted), _QUALITY, np.int8)])
    opened = np.concatenate([opened, book.order_day[planted] + rng.uniform(0.5, 15.0, len(planted))])

    keep = opened <= now - 0.01
    order, category, opened = order[keep], category[keep], opened[keep]
    m = len(order)
    severity = np.where(category == _QUALITY, choice_by_weight(rng, _SEVERITY_MIX_QUALITY, m),
                        choice_by_weight(rng, _SEVERITY_MIX, m)).astype(np.int8)
    hours = rng.lognormal(np.log(30.0), 1.0, m) * (1 + 0.3 * severity)
    resolved = opened + hours / 24
    stuck = rng.random(m) < 0.02
    unresolved = (resolved > now) | stuck
    status = np.where(unresolved, np.where(opened > now - 2, OPEN, IN_PROGRESS), RESOLVED).astype(np.int8)
    resolved = np.where(unresolved, np.nan, resolved)
    result = Complaints(order=order, customer=book.order_customer[order], category=category, opened=opened,
                        severity=severity, resolved=resolved, status=status)
    sort = np.argsort(result.opened, kind="stable")
    return Complaints(**{f.name: getattr(result, f.name)[sort] for f in fields(Complaints)})


def _plant_quality_complaints(plan: CustomerPlan, history: History, book: OrderBook, order: np.ndarray,
                              category: np.ndarray, opened: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Orders to raise planted product-quality complaints on (truth 9).

    The customers who ordered in the half-year before the churn window are split into churned and
    retained. Planted complainants are drawn from those without any other complaint, so many from the
    churned that - counting the random quality complaints opened in that half-year (or 15 days after)
    too - complainants churn CHURN_RATIO times as often as the customers left without any complaint.
    A churned complainant complains about their last order: the bad product was the last they bought.
    """
    lo, hi = _active_window(history)
    customer, day = book.order_customer, book.order_day
    in_window = (day >= lo) & (day < hi) & (customer != plan.concentrated)
    active = np.zeros(plan.n, bool)
    active[customer[in_window]] = True
    churned = np.ones(plan.n, bool)
    churned[customer[day >= hi]] = False

    # In that half-year, the active customers' quality complaints are the planted ones: a random
    # complaint that would be about quality is about something else (in place, on `category`).
    random_quality = (category == _QUALITY) & (opened >= lo) & (opened < hi + 15) & active[customer[order]]
    category[random_quality] = rng.choice(np.flatnonzero(np.arange(len(_CATEGORY_MIX)) != _QUALITY),
                                          int(random_quality.sum()))
    complained = np.zeros(plan.n, bool)
    complained[customer[order]] = True
    calm = active & ~complained
    n_calm, calm_churned = int(calm.sum()), int((calm & churned).sum())

    # Pick k planted complainants, k_c of them churned, so that
    # k_c / k = CHURN_RATIO * (calm_churned - k_c) / (n_calm - k).
    k = max(2, int(round(_PLANTED_SHARE * active.sum())))
    k_c = CHURN_RATIO * calm_churned * k / (n_calm - k + CHURN_RATIO * k)
    pool_churned = np.flatnonzero(calm & churned)
    pool_retained = np.flatnonzero(calm & ~churned)
    k_churned = int(np.clip(round(k_c), 0, min(k, len(pool_churned))))
    k_retained = min(k - k_churned, len(pool_retained))
    who = np.concatenate([rng.choice(pool_churned, k_churned, replace=False),
                          rng.choice(pool_retained, k_retained, replace=False)])

    # Their order in the window: the last one for churned customers, a random one for the others.
    rows = np.flatnonzero(in_window)
    rows = rows[np.isin(customer[rows], who)]
    shuffled = rows[rng.permutation(len(rows))]
    key = np.where(churned[customer[shuffled]], -day[shuffled].astype(np.int64), 0)
    ordered = shuffled[np.lexsort((key, customer[shuffled]))]
    first = np.r_[True, customer[ordered][1:] != customer[ordered][:-1]]
    return ordered[first]


def complaints_frame(c: Complaints, book: OrderBook, history: History, ids) -> pd.DataFrame:
    first_line = np.searchsorted(book.line_order, c.order)
    return pd.DataFrame({
        "ticket_id": ids.ticket,
        "customer_id": take(ids.customer, c.customer),
        "opened_at": history.moments(office_hours(c.opened)),
        "category": take(ref.COMPLAINT_CATEGORIES, c.category),
        "severity": take(schema.SEVERITIES, c.severity),
        "resolved_at": history.moments(office_hours(c.resolved)),
        "status": take(schema.COMPLAINT_STATUSES, c.status),
        "product_id": take(ids.product, book.line_product[first_line]),
        "order_id": take(ids.order, c.order),
    })


# ----- feedback -------------------------------------------------------------------------------------------

_GROUP_NPS = np.array([8.8, 7.6, 7.9, 6.4])
_FEEDBACK_CHANNEL_MIX = np.array([0.35, 0.20, 0.10, 0.15, 0.20])
_TOPIC_MIX = np.array([0.25, 0.25, 0.25, 0.15, 0.10])
_SENTIMENTS = ("negative", "neutral", "positive")


@dataclass
class Feedback:
    order: np.ndarray
    customer: np.ndarray
    moment: np.ndarray
    channel: np.ndarray
    nps: np.ndarray
    csat: np.ndarray
    comment: np.ndarray
    language: np.ndarray


def _templates() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All comment sentences, with where each (topic, sentiment, language) block starts and its size."""
    sentences: list[str] = []
    start, count = [], []
    for topic in ref.FEEDBACK_TOPICS:
        for sentiment in _SENTIMENTS:
            for language in ("en", "zh"):
                block = ref.FEEDBACK_TEMPLATES[(topic, sentiment, language)]
                start.append(len(sentences))
                count.append(len(block))
                sentences.extend(block)
    return np.array(sentences, dtype=object), np.array(start), np.array(count)


def build_feedback(plan: CustomerPlan, history: History, book: OrderBook, complaints: Complaints, scale: float,
                   rng: np.random.Generator) -> Feedback:
    now = history.last_day + 0.75
    n = min(scaled(FEEDBACK_AT_SCALE_1, scale), book.n_orders)
    order = weighted_sample(rng, np.ones(book.n_orders), n)
    moment = book.order_day[order] + rng.uniform(1.0, 14.0, len(order))
    order, moment = order[moment <= now], moment[moment <= now]
    m = len(order)
    customer = book.order_customer[order]

    first_complaint = np.full(plan.n, np.inf)
    np.minimum.at(first_complaint, complaints.customer, complaints.opened)
    after_complaint = first_complaint[customer] < moment
    mean = _GROUP_NPS[np.maximum(plan.group[customer], 0)] - 2.5 * after_complaint
    nps = np.clip(np.round(rng.normal(mean, 1.7)), 0, 10).astype(np.int64)
    csat = np.clip(np.round(1 + nps * 0.4 + rng.normal(0, 0.5, m)), 1, 5).astype(np.int64)

    sentiment = np.where(nps >= 9, 2, np.where(nps >= 7, 1, 0))
    topic = choice_by_weight(rng, _TOPIC_MIX, m)
    language = (rng.random(m) < 0.75).astype(np.int64)  # 1 = zh
    sentences, start, count = _templates()
    block = (topic * 3 + sentiment) * 2 + language
    pick = start[block] + np.floor(rng.random(m) * count[block]).astype(np.int64)
    has_comment = rng.random(m) < 0.65
    comment = np.where(has_comment, pick, -1)
    return Feedback(order=order, customer=customer, moment=moment,
                    channel=choice_by_weight(rng, _FEEDBACK_CHANNEL_MIX, m), nps=nps, csat=csat,
                    comment=comment, language=np.where(has_comment, language, -1))


def feedback_frame(f: Feedback, book: OrderBook, history: History, ids) -> pd.DataFrame:
    sort = np.argsort(f.moment, kind="stable")
    first_line = np.searchsorted(book.line_order, f.order[sort])
    sentences, _, _ = _templates()
    return pd.DataFrame({
        "feedback_id": ids.feedback,
        "customer_id": take(ids.customer, f.customer[sort]),
        "submitted_at": history.moments(f.moment[sort]),
        "channel": take(ref.FEEDBACK_CHANNELS, f.channel[sort]),
        "product_id": take(ids.product, book.line_product[first_line]),
        "rep_id": take(ids.rep, book.order_rep[f.order[sort]]),
        "nps": f.nps[sort],
        "csat": f.csat[sort],
        "comment": take(list(sentences), f.comment[sort]),
        "language": take(["en", "zh"], f.language[sort]),
    })
