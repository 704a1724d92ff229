"""The demo company: a seeded, scalable synthetic Chinese company with planted truths.

``generate(scale=1, seed=7)`` draws about 5,000 customers, 60,000 order lines and 12,000 opportunities over
the 36 calendar months ending today, in every canonical table but ``segment_members``. It does no I/O; the
same seed, scale and today give the same tables. ``build(store, ...)`` generates and writes the tables into
a store in one transaction. What is planted on purpose, and how to find it, is documented in
:mod:`salesdash.demo.truths`.

Counts grow linearly with `scale` (scale 150: about 10 million order lines and 1.8 million
opportunities). Inside, every entity is an integer code and every time a day number; string keys, dates
and timestamps are made once, when the tables are assembled (``_assemble``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from salesdash import schema
from salesdash.demo import reference as ref
from salesdash.demo._common import History, make_ids, random_stream, take
from salesdash.demo.campaigns import (
    campaigns_frame,
    draw_reservations,
    marketing_spend_frame,
    plan_campaigns,
    reservations_frame,
)
from salesdash.demo.customers import (
    customers_frame,
    day_density,
    plan_customers,
    signup_days,
)
from salesdash.demo.market import HIGHEST_INTEREST_GROUP, OPTIMAL_PRICE, build_survey, market_frame, survey_frame
from salesdash.demo.orders import KEY_ACCOUNT_SHARE, build_order_book, launch_days, orders_frame, unit_costs
from salesdash.demo.pipeline import (
    FAST_CHANNEL,
    SLOW_CHANNEL,
    STAGE_MEDIAN_DAYS,
    WIN_RATE,
    activities_frame,
    build_activities,
    build_pipeline,
    opportunities_frame,
    snapshots_frame,
    stage_history_frame,
)
from salesdash.demo.team import UNDERPERFORMING_TEAM, build_team, plan_targets, reps_frame, targets_frame
from salesdash.demo.truths import Truths
from salesdash.demo.voice import (
    CHURN_RATIO,
    CHURN_WINDOW_DAYS,
    build_complaints,
    build_feedback,
    complaints_frame,
    feedback_frame,
)

__all__ = ["DemoCompany", "Truths", "generate", "build"]


@dataclass(frozen=True, eq=False)
class DemoCompany:
    """A generated company.

    Attributes
    ----------
    tables : canonical table name -> DataFrame with canonical column names (every table but
        ``segment_members``).
    truths : what was planted, to check the analyses against (see :mod:`salesdash.demo.truths`).
    """

    tables: dict[str, pd.DataFrame]
    truths: Truths


@dataclass(frozen=True)
class _Ids:
    """String keys of every entity, indexed by its internal code."""

    customer: pd.api.extensions.ExtensionArray
    product: pd.api.extensions.ExtensionArray
    channel: pd.api.extensions.ExtensionArray
    rep: pd.api.extensions.ExtensionArray
    campaign: pd.api.extensions.ExtensionArray
    order: pd.api.extensions.ExtensionArray
    reservation: pd.api.extensions.ExtensionArray
    opportunity: pd.api.extensions.ExtensionArray
    activity: pd.api.extensions.ExtensionArray
    ticket: pd.api.extensions.ExtensionArray
    feedback: pd.api.extensions.ExtensionArray
    response: pd.api.extensions.ExtensionArray


def _width(n: int, minimum: int) -> int:
    return max(minimum, len(str(n)))


def generate(*, scale: float = 1.0, seed: int = 7, today: dt.date | None = None) -> DemoCompany:
    """Draw the demo company.

    Parameters
    ----------
    scale : size multiplier; 1 gives about 5,000 customers, 60,000 order lines, 12,000 opportunities.
    seed : random seed; the same seed, scale and today give identical tables.
    today : last day of the history (default: the real today).

    Returns
    -------
    DemoCompany
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    today = today or dt.date.today()
    history = History.ending(today)
    density = day_density(history, random_stream(seed, "demand"))
    plan = plan_customers(history, scale, random_stream(seed, "customers"), density)
    team = build_team(history, random_stream(seed, "team"))
    campaigns = plan_campaigns(history, scale)
    campaign_orders = draw_reservations(campaigns, plan, history, random_stream(seed, "reservations"))
    book = build_order_book(plan, history, team, density, campaign_orders, random_stream(seed, "orders"))
    pipeline = build_pipeline(plan, history, team, book, campaigns, scale, random_stream(seed, "pipeline"))
    activities = build_activities(pipeline, plan, history, team, book, random_stream(seed, "activities"))
    complaints = build_complaints(plan, history, book, scale, random_stream(seed, "complaints"))
    feedback = build_feedback(plan, history, book, complaints, scale, random_stream(seed, "feedback"))
    survey = build_survey(history, scale, random_stream(seed, "survey"))
    revenue_by_rep = _revenue_by_rep(book, team.n)
    targets = plan_targets(team, history, revenue_by_rep, random_stream(seed, "targets"))

    # Customers are numbered in the order they signed up.
    first_contact = _first_contact(plan, book, pipeline, campaigns)
    signup = signup_days(plan, first_contact, random_stream(seed, "signup"))
    by_signup = np.lexsort((np.arange(plan.n), signup))
    rank = np.empty(plan.n, np.int64)
    rank[by_signup] = np.arange(plan.n)
    customer_ids = make_ids("C", plan.n, _width(plan.n, 6))
    ids = _Ids(
        customer=customer_ids.take(rank),
        product=pd.array([p.product_id for p in ref.PRODUCTS], dtype="str"),
        channel=pd.array([c.channel_id for c in ref.CHANNELS], dtype="str"),
        rep=make_ids("R", team.n, 3),
        campaign=make_ids("CP", campaigns.n, 3),
        order=make_ids("SO", book.n_orders, _width(book.n_orders, 8)),
        reservation=make_ids("RS", len(campaigns.res_campaign), _width(len(campaigns.res_campaign), 7)),
        opportunity=make_ids("OP", pipeline.n, _width(pipeline.n, 7)),
        activity=make_ids("A", len(activities.moment), _width(len(activities.moment), 8)),
        ticket=make_ids("T", len(complaints.order), _width(len(complaints.order), 6)),
        feedback=make_ids("F", len(feedback.order), _width(len(feedback.order), 7)),
        response=make_ids("S", len(survey.day), _width(len(survey.day), 6)),
    )

    tables = {
        "customers": customers_frame(plan, history, signup, by_signup, customer_ids, ids.channel),
        "products": _products_frame(history, ids),
        "channels": _channels_frame(ids),
        "reps": reps_frame(team, history, ids.rep),
        "targets": targets_frame(targets, history, ids.rep),
        "campaigns": campaigns_frame(campaigns, history, ids),
        "reservations": reservations_frame(campaigns, book, history, ids),
        "opportunities": opportunities_frame(pipeline, history, ids),
        "stage_history": stage_history_frame(pipeline, history, ids),
        "opportunity_snapshots": snapshots_frame(pipeline, history, ids),
        "orders": orders_frame(book, history, ids),
        "activities": activities_frame(activities, history, ids),
        "feedback": feedback_frame(feedback, book, history, ids),
        "complaints": complaints_frame(complaints, book, history, ids),
        "survey_responses": survey_frame(survey, history, ids),
        "market": market_frame(plan, history, book, density, random_stream(seed, "market")),
        "marketing_spend": marketing_spend_frame(campaigns, book, history, ids, random_stream(seed, "spend")),
    }
    truths = _truths(history, plan, book, pipeline, targets, ids)
    return DemoCompany(tables=tables, truths=truths)


def build(store, *, scale: float = 1.0, seed: int = 7, today: dt.date | None = None) -> DemoCompany:
    """Generate the demo company and replace the store's data with it, in one transaction.

    Saved segmentations (``segment_members``) and the history of imports (with what undo kept) are
    cleared: they belonged to the data being replaced.
    """
    company = generate(scale=scale, seed=seed, today=today)
    frames = dict(company.tables)
    frames["segment_members"] = pd.DataFrame({c: pd.Series(dtype="str")
                                              for c in schema.table("segment_members").column_names})
    store.replace_all(frames, meta={"source": "demo", "demo_seed": str(seed), "demo_scale": str(scale)},
                      forget_imports=True)
    return company


# ----- helpers --------------------------------------------------------------------------------------------

def _revenue_by_rep(book, n_reps: int) -> np.ndarray:
    rep = book.order_rep[book.line_order]
    has = rep >= 0
    return np.bincount(rep[has], weights=book.line_revenue[has], minlength=n_reps)


def _first_contact(plan, book, pipeline, campaigns) -> np.ndarray:
    """The earliest day each customer shows up: an order, a deal, a reservation or a lead record."""
    first = np.full(plan.n, np.inf)
    np.minimum.at(first, book.order_customer, book.order_day.astype(float))
    np.minimum.at(first, pipeline.customer, pipeline.created)
    np.minimum.at(first, campaigns.res_customer, campaigns.res_reserved)
    lead = plan.lead_day >= 0
    first[lead] = np.minimum(first[lead], plan.lead_day[lead])
    return np.where(np.isfinite(first), first, 0.0)


def _products_frame(history: History, ids: _Ids) -> pd.DataFrame:
    return pd.DataFrame({
        "product_id": ids.product,
        "name": pd.array([p.name for p in ref.PRODUCTS], dtype="str"),
        "category": pd.array([p.category for p in ref.PRODUCTS], dtype="str"),
        "list_price": np.array([p.list_price for p in ref.PRODUCTS], dtype=float),
        "unit_cost": unit_costs(),
        "launch_date": history.dates(launch_days(history).astype(float)),
    })


def _channels_frame(ids: _Ids) -> pd.DataFrame:
    return pd.DataFrame({
        "channel_id": ids.channel,
        "name": pd.array([c.name for c in ref.CHANNELS], dtype="str"),
        "kind": pd.array([c.kind for c in ref.CHANNELS], dtype="str"),
        "type": pd.array([c.type for c in ref.CHANNELS], dtype="str"),
        "partner_name": pd.array([c.partner_name for c in ref.CHANNELS], dtype="str"),
    })


def _truths(history: History, plan, book, pipeline, targets, ids: _Ids) -> Truths:
    bought = np.flatnonzero(np.bincount(book.order_customer, minlength=plan.n) > 0)
    behaviour = pd.Series(
        take(ref.GROUPS, plan.group[bought]), index=pd.Index(ids.customer.take(bought), name="customer_id"),
        name="group",
    ).sort_index()
    return Truths(
        today=history.today,
        history_start=history.start,
        behaviour_group=behaviour,
        fast_channel_id=ref.CHANNELS[FAST_CHANNEL].channel_id,
        slow_channel_id=ref.CHANNELS[SLOW_CHANNEL].channel_id,
        planned_win_rate=MappingProxyType({c.channel_id: float(w) for c, w in zip(ref.CHANNELS, WIN_RATE)}),
        peak_month=12,
        december_ratio_range=(1.6, 1.8),
        slipping_opportunity_ids=tuple(ids.opportunity.take(np.flatnonzero(pipeline.slipping))),
        underperforming_team=UNDERPERFORMING_TEAM,
        quota_attainment=MappingProxyType(dict(targets.attainment_by_team)),
        concentrated_region=ref.REGIONS[plan.region[plan.concentrated]],
        concentrated_customer_id=str(ids.customer[plan.concentrated]),
        concentrated_share=KEY_ACCOUNT_SHARE,
        best_campaign_type="member_only",
        conversion_by_type=MappingProxyType(dict(ref.CONVERSION_BY_TYPE)),
        highest_interest_group=HIGHEST_INTEREST_GROUP,
        optimal_price=MappingProxyType(dict(OPTIMAL_PRICE)),
        churn_complaint_category="product_quality",
        churn_ratio=CHURN_RATIO,
        churn_window_days=CHURN_WINDOW_DAYS,
        best_retention_cohort=history.month_date(plan.best_cohort_month),
        stage_median_days=MappingProxyType(dict(zip(schema.OPEN_STAGES, STAGE_MEDIAN_DAYS))),
        lapsed_customer_ids=tuple(sorted(ids.customer.take(np.flatnonzero(plan.lapsed)))),
    )
