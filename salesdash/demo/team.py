"""The sales team: reps in five teams, their ramp-up, and monthly targets (quota).

Targets are set from the revenue the reps actually booked: each team's targets add up to its revenue
divided by its planned quota attainment, so one team (truth 5) lands at about 60% of quota and the
others between 0.92 and 1.08. Within a team a rep's target follows the company's seasonal plan and their
ramp-up, while their revenue also depends on their skill, so attainment varies between reps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesdash.demo import reference as ref
from salesdash.demo._common import History, take

__all__ = ["SalesTeam", "build_team", "plan_targets", "reps_frame", "targets_frame", "UNDERPERFORMING_TEAM", "ramp"]

UNDERPERFORMING_TEAM = "West"
UNDERPERFORMING_ATTAINMENT = 0.60
FUTURE_TARGET_MONTHS = 3

# (team, region, tenure) per rep: V = hired before the history, M = hired in its first two years,
# N = hired in its last year (the ramp-up curve).
_ROSTER: tuple[tuple[str, str, str], ...] = (
    *[("North", "north", t) for t in "VVVMN"],
    *[("North", "northeast", t) for t in "VVM"],
    *[("East", "east", t) for t in "VVVVMN"],
    *[("East", "central", t) for t in "VVM"],
    *[("South", "south", t) for t in "VVVVVMNM"],
    *[("West", "southwest", t) for t in "VVVMN"],
    *[("West", "northwest", t) for t in "VVV"],
    *[("Key Accounts", r, t) for r, t in (("east", "V"), ("east", "V"), ("east", "M"), ("north", "V"),
                                          ("north", "V"), ("south", "V"), ("south", "M"))],
)
_MANAGERS = {"North": "Zhao Guoqiang", "East": "Chen Jing", "South": "Huang Weiming", "West": "Liu Yang",
             "Key Accounts": "Sun Lihua"}


@dataclass(frozen=True)
class SalesTeam:
    """The reps (one array element per rep) and the pools that serve customers.

    Attributes
    ----------
    team, region : indices into reference.TEAMS and reference.REGIONS.
    hire_day : day offset of the hire date (negative: before the history).
    skill : how much a rep sells relative to a colleague with the same tenure.
    name : rep names (pinyin).
    """

    team: np.ndarray
    region: np.ndarray
    hire_day: np.ndarray
    skill: np.ndarray
    name: tuple[str, ...]

    @property
    def n(self) -> int:
        return len(self.team)

    def pool(self, team: str, region: str | None) -> np.ndarray:
        """Reps of `team` (in `region` for the regional teams), as indices."""
        mask = self.team == ref.TEAMS.index(team)
        if region is not None:
            mask &= self.region == ref.REGIONS.index(region)
        return np.flatnonzero(mask)


def ramp(tenure_months: np.ndarray) -> np.ndarray:
    """Productivity by months since hire: about 8% in the first month, full after six months."""
    return np.clip((np.asarray(tenure_months, dtype=float) + 0.5) / 6.0, 0.0, 1.0)


def build_team(history: History, rng: np.random.Generator) -> SalesTeam:
    n = len(_ROSTER)
    tenure = np.array([t for _, _, t in _ROSTER])
    end = history.last_day
    hire_day = np.select(
        [tenure == "V", tenure == "M"],
        [-rng.integers(60, 3000, n), rng.integers(30, 700, n)],
        rng.integers(end - 330, end - 45, n),
    ).astype(np.int32)
    names = _unique_names(rng, n + len(_MANAGERS), exclude=set(_MANAGERS.values()))
    return SalesTeam(
        team=np.array([ref.TEAMS.index(t) for t, _, _ in _ROSTER], dtype=np.int8),
        region=np.array([ref.REGIONS.index(r) for _, r, _ in _ROSTER], dtype=np.int8),
        hire_day=hire_day,
        skill=np.exp(rng.normal(0, 0.22, n)),
        name=tuple(names[:n]),
    )


def _unique_names(rng: np.random.Generator, n: int, exclude: set[str]) -> list[str]:
    surnames = [s for s, _ in ref.SURNAMES]
    weights = np.array([w for _, w in ref.SURNAMES])
    names: list[str] = []
    while len(names) < n:  # a few dozen names: a loop over people, not rows
        s = surnames[int(rng.choice(len(surnames), p=weights / weights.sum()))]
        g = ref.GIVEN_NAMES[int(rng.integers(len(ref.GIVEN_NAMES)))]
        name = f"{s} {g}"
        if name not in exclude and name not in names:
            names.append(name)
    return names


def tenure_months(team: SalesTeam, history: History, months: np.ndarray) -> np.ndarray:
    """Months of tenure of every rep (columns) in the middle of every month (rows); negative before hire."""
    mid = np.array([(history.month_date(int(k)) - history.start).days + 15 for k in months])
    return (mid[:, None] - team.hire_day[None, :]) / 30.44


def reps_frame(team: SalesTeam, history: History, ids) -> pd.DataFrame:
    hire = history.dates(team.hire_day.astype(float))
    return pd.DataFrame({
        "rep_id": ids,
        "name": pd.array(list(team.name), dtype="str"),
        "team": pd.array([ref.TEAMS[t] for t in team.team], dtype="str"),
        "manager": pd.array([_MANAGERS[ref.TEAMS[t]] for t in team.team], dtype="str"),
        "region": pd.array([ref.REGIONS[r] for r in team.region], dtype="str"),
        "hire_date": hire,
    })


@dataclass(frozen=True)
class TargetPlan:
    rep: np.ndarray
    month: np.ndarray
    amount: np.ndarray
    attainment_by_team: tuple[tuple[str, float], ...]


def plan_targets(team: SalesTeam, history: History, revenue_by_rep: np.ndarray,
                 rng: np.random.Generator) -> TargetPlan:
    """Monthly targets for every rep from the month they were hired, through three months ahead.

    Parameters
    ----------
    revenue_by_rep : order revenue booked by each rep over the whole history.
    """
    months = np.arange(history.n_months + FUTURE_TARGET_MONTHS)
    calendar = np.array([history.month_date(int(k)).month for k in months])
    plan_index = (1 + ref.ANNUAL_GROWTH) ** (months / 12) * np.array([ref.SEASONALITY[int(m)] for m in calendar])
    tenure = tenure_months(team, history, months)
    shape = plan_index[:, None] * np.where(tenure >= -0.5, np.clip((tenure + 1.0) / 4.0, 0.25, 1.0), 0.0)

    attainment = {t: float(rng.uniform(0.92, 1.08)) for t in ref.TEAMS}
    attainment[UNDERPERFORMING_TEAM] = UNDERPERFORMING_ATTAINMENT
    factor = np.zeros(team.n)
    for t_idx, t in enumerate(ref.TEAMS):
        members = team.team == t_idx
        planned = shape[: history.n_months, members].sum()
        factor[members] = revenue_by_rep[members].sum() / (attainment[t] * planned)
    amount = np.round(shape * factor[None, :], -2)
    month_idx, rep_idx = np.nonzero(amount > 0)
    return TargetPlan(
        rep=rep_idx,
        month=month_idx,
        amount=amount[month_idx, rep_idx],
        attainment_by_team=tuple(attainment.items()),
    )


def targets_frame(plan: TargetPlan, history: History, rep_ids) -> pd.DataFrame:
    firsts = np.array([np.datetime64(history.month_date(int(k)), "s") for k in range(int(plan.month.max()) + 1)])
    frame = pd.DataFrame({
        "rep_id": take(rep_ids, plan.rep),
        "month": firsts[plan.month],
        "target_amount": plan.amount.astype(float),
    })
    return frame.sort_values(["rep_id", "month"], kind="stable").reset_index(drop=True)
