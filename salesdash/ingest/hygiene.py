"""Pipeline hygiene after a load: the deals a sales manager should look at first.

- zero-amount late-stage deals: open or won deals at ``engaged`` or ``won`` with no amount;
- overdue: open deals whose expected close date has passed;
- stale: open deals with no activity for 30+ days (the latest activity, or creation when there is none);
- slipping: deals whose expected close date changed 3+ times across the pipeline snapshots.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import pandas as pd

from salesdash.store import Store

__all__ = ["HygieneReport", "pipeline_hygiene", "STALE_DAYS", "SLIP_MOVES"]

STALE_DAYS = 30
SLIP_MOVES = 3
_COLS = ["opportunity_id", "rep_id", "stage", "status", "amount", "expected_close_date"]


@dataclass(frozen=True)
class HygieneReport:
    """Deals to look at. Each frame has opportunity_id, rep_id, stage, status, amount, expected_close_date;
    ``stale`` adds ``last_touch`` and ``days_idle``; ``slipping`` adds ``moves``."""

    as_of: dt.date
    zero_amount_late: pd.DataFrame
    overdue: pd.DataFrame
    stale: pd.DataFrame
    slipping: pd.DataFrame

    @property
    def total(self) -> int:
        return len(self.zero_amount_late) + len(self.overdue) + len(self.stale) + len(self.slipping)


def pipeline_hygiene(store: Store, *, as_of: dt.date | None = None) -> HygieneReport:
    """The hygiene report of the opportunities in `store` as of `as_of` (default today)."""
    day = as_of or dt.date.today()
    opp = store.table("opportunities")
    zero = opp.filter(opp.stage.isin(["engaged", "won"]) & (opp.status != "lost")
                      & (opp.amount.isnull() | (opp.amount == 0)))
    overdue = opp.filter((opp.status == "open") & (opp.expected_close_date < ibis.date(day)))
    act = store.table("activities")
    last = act.filter(act.opportunity_id.notnull()).group_by("opportunity_id").aggregate(
        last_activity=act.occurred_at.max())
    open_ = opp.filter(opp.status == "open").left_join(last, "opportunity_id")
    touched = open_.mutate(last_touch=ibis.coalesce(open_.last_activity, open_.created_at))
    cutoff = ibis.timestamp(dt.datetime.combine(day, dt.time()) - dt.timedelta(days=STALE_DAYS))
    stale = touched.filter(touched.last_touch < cutoff).select(*_COLS, "last_touch")
    snap = store.table("opportunity_snapshots")
    moves = snap.filter(snap.expected_close_date.notnull()).group_by("opportunity_id").aggregate(
        moves=snap.expected_close_date.nunique() - 1)
    slipping = opp.join(moves.filter(moves.moves >= SLIP_MOVES), "opportunity_id").select(*_COLS, "moves")
    stale_df = store.execute(stale.order_by("last_touch"))
    stale_df["days_idle"] = (pd.Timestamp(day) - pd.to_datetime(stale_df["last_touch"])).dt.days
    return HygieneReport(
        as_of=day,
        zero_amount_late=store.execute(zero.select(*_COLS).order_by("opportunity_id")),
        overdue=store.execute(overdue.select(*_COLS).order_by("expected_close_date")),
        stale=stale_df,
        slipping=store.execute(slipping.order_by(ibis.desc("moves"))),
    )
