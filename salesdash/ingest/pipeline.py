"""Stage history and pipeline snapshots from plain CRM exports.

A CRM export carries each deal's current stage, not its history. Importing one builds what it can:

- ``stage_history``: the deal entered ``prospect`` when it was created; it entered its current stage when
  the deal was closed (won deals with a close time), when this export first shows it there (a later export
  of a deal already in the store), or else at creation. Stages it passed on the way are dated like the
  stage after them (reached by then). Rows already in the store are kept (only missing stages are added).
- ``opportunity_snapshots``: every import of opportunities adds the pipeline as it stood on the snapshot
  date (the export date; today unless given). Two exports give two snapshots, so waterfalls and slippage
  work from plain exports.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from salesdash.schema import STAGES

__all__ = ["stage_history_from", "snapshots_from"]


def stage_history_from(opps: pd.DataFrame, *, existing: set[str], as_of: dt.date) -> pd.DataFrame:
    """Stage history rows for the opportunities in `opps` (canonical columns plus ``_row``).

    Returns
    -------
    DataFrame with opportunity_id, stage, entered_at, _row (the opportunity's source row).
    """
    cols = ["opportunity_id", "stage", "entered_at", "_row"]
    if opps.empty or not {"opportunity_id", "stage", "created_at"} <= set(opps.columns):
        return pd.DataFrame(columns=cols)
    df = opps[opps["stage"].isin(STAGES) & opps["opportunity_id"].notna() & opps["created_at"].notna()]
    closed = df["closed_at"] if "closed_at" in df.columns else pd.Series(pd.NaT, index=df.index)
    seen_now = pd.Timestamp(as_of)
    current_at = df["created_at"].where(~df["opportunity_id"].astype(str).isin(existing), seen_now)
    current_at = closed.where((df["stage"] == "won") & closed.notna(), current_at)
    current_at = current_at.where(current_at >= df["created_at"], df["created_at"])
    rows = []
    for k, stage in enumerate(STAGES):
        reached = df["stage"].map(STAGES.index) >= k
        part = df[reached]
        entered = part["created_at"] if k == 0 else current_at[reached]
        rows.append(pd.DataFrame({"opportunity_id": part["opportunity_id"], "stage": stage,
                                  "entered_at": entered, "_row": part["_row"]}))
    return pd.concat(rows, ignore_index=True)[cols]


def snapshots_from(opps: pd.DataFrame, *, snapshot_date: dt.date) -> pd.DataFrame:
    """One snapshot row per opportunity: snapshot_date, opportunity_id, stage, status, amount,
    expected_close_date, _row."""
    cols = ["opportunity_id", "stage", "status", "amount", "expected_close_date", "_row"]
    df = opps[[c for c in cols if c in opps.columns]].copy()
    df = df[df["opportunity_id"].notna()] if "opportunity_id" in df.columns else df.iloc[0:0]
    df.insert(0, "snapshot_date", pd.Timestamp(snapshot_date))
    return df.reset_index(drop=True)
