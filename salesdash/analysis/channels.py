"""Sales channels (销售渠道管理): revenue, margin, conversion, acquisition cost and ROI by channel and kind.

Every figure is aggregated in the engine; what comes back is one row per channel (or per channel and month,
per channel and stage). :func:`summary` is the single source of the page's KPI row and of
``python -m salesdash report channels``.

Definitions shared with the Overview: revenue, gross margin, orders and buying customers are counted on order
lines with an order date in the window; conversion is ``won / (won + lost)`` over opportunities *closed* in
the window (the Overview's win rate, per channel). Opportunities are those *created* in the window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import ibis
import pandas as pd

from salesdash.filters import Filters, apply
from salesdash.schema import STAGES
from salesdash.store import Store

__all__ = [
    "ChannelFigures", "ChannelsSummary", "channel_table", "kind_table", "summary", "mix_over_time",
    "partner_leaderboard", "funnel_by_channel", "acquisition", "first_orders", "report_json", "add_report_arguments",
    "VALUE_DAYS",
]

#: New customers are valued on their revenue in this many days from their first order.
VALUE_DAYS = 365

def _num(v) -> float:
    return 0.0 if v is None or pd.isna(v) else float(v)


def _ratio(num, den) -> float | None:
    num, den = _num(num), _num(den)
    return num / den if den else None


def _channels(store: Store) -> ibis.Table:
    ch = store.table("channels")
    return ch.select(ch_id=ch.channel_id, name=ch.name, kind=ch.kind, type=ch.type, partner_name=ch.partner_name)


def _with_channel(store: Store, t: ibis.Table) -> ibis.Table:
    """`t` (which has channel_id) with the channel's name, kind, type and partner (NULL when unknown)."""
    ch = _channels(store)
    return t.left_join(ch, t.channel_id == ch.ch_id).drop("ch_id")


def _group_key(by: str) -> str:
    if by not in ("channel", "kind"):
        raise ValueError(f"by must be 'channel' or 'kind', not {by!r}")
    return "channel_id" if by == "channel" else "kind"


def _order_figures(store: Store, filters: Filters, key: str) -> pd.DataFrame:
    o = _with_channel(store, apply(store, "orders", filters))
    return store.execute(o.group_by(key).aggregate(
        revenue=o.revenue.sum(), gross_profit=(o.revenue - o.cost.fill_null(0)).sum(),
        orders=o.order_id.nunique(), customers=o.customer_id.nunique(),
    ))


def _deal_figures(store: Store, filters: Filters, key: str) -> pd.DataFrame:
    created = _with_channel(store, apply(store, "opportunities", filters))
    made = store.execute(created.group_by(key).aggregate(opportunities=created.count()))
    c = _with_channel(store, apply(store, "opportunities", filters, date_column="closed_at"))
    c = c.filter(c.status.isin(("won", "lost")))
    days = (c.closed_at.epoch_seconds() - c.created_at.epoch_seconds()) / 86400.0
    closed = store.execute(c.group_by(key).aggregate(
        won=(c.status == "won").sum(), lost=(c.status == "lost").sum(),
        won_amount=c.amount.sum(where=c.status == "won"),
        cycle_days=days.median(where=c.status == "won"),
    ))
    return made.merge(closed, on=key, how="outer")


def _figures(store: Store, filters: Filters, *, by: str) -> pd.DataFrame:
    key = _group_key(by)
    df = _order_figures(store, filters, key).merge(_deal_figures(store, filters, key), on=key, how="outer")
    for col in ("revenue", "gross_profit", "orders", "customers", "opportunities", "won", "lost", "won_amount"):
        df[col] = df[col].fillna(0)
    for col in ("orders", "customers", "opportunities", "won", "lost"):
        df[col] = df[col].astype("int64")
    df["gross_margin"] = df["gross_profit"] / df["revenue"].where(df["revenue"] != 0)
    closed = df["won"] + df["lost"]
    df["conversion"] = df["won"] / closed.where(closed > 0)
    total = df["revenue"].sum()
    df["revenue_share"] = df["revenue"] / total if total else float("nan")
    prev = filters.previous()
    if prev is not None:
        before = _order_figures(store, prev, key)[[key, "revenue"]].rename(columns={"revenue": "previous_revenue"})
        df = df.merge(before, on=key, how="left")
        df["previous_revenue"] = df["previous_revenue"].fillna(0.0)
        df["growth"] = (df["revenue"] - df["previous_revenue"]) / df["previous_revenue"].where(
            df["previous_revenue"] != 0)
    else:
        df["previous_revenue"] = float("nan")
        df["growth"] = float("nan")
    return df


def channel_table(store: Store, filters: Filters) -> pd.DataFrame:
    """Revenue, margin, orders, customers, conversion and growth per channel in the window.

    Returns
    -------
    DataFrame, one row per channel with orders or opportunities in the window (``channel_id`` NULL for
    orders and deals recorded without a channel), largest revenue first. Columns:

    - channel_id, name, kind (direct / indirect), type, partner_name: the channel.
    - revenue, gross_profit, gross_margin, orders, customers: orders with an order date in the window.
    - revenue_share: the channel's share of the window's revenue (0-1).
    - previous_revenue, growth: revenue of the equal window before, and (revenue − it) ÷ it (NaN when the
      window is unbounded or the channel sold nothing before).
    - opportunities: opportunities created in the window.
    - won, lost, conversion: opportunities closed in the window; conversion = won ÷ (won + lost).
    - won_amount: amount of the opportunities won in the window.
    - cycle_days: median days from creation to close of the opportunities won in the window.
    """
    df = _figures(store, filters, by="channel")
    ch = store.execute(_channels(store)).rename(columns={"ch_id": "channel_id"})
    df = df.merge(ch, on="channel_id", how="left")
    cols = ["channel_id", "name", "kind", "type", "partner_name", "revenue", "gross_profit", "gross_margin",
            "orders", "customers", "revenue_share", "previous_revenue", "growth", "opportunities", "won", "lost",
            "conversion", "won_amount", "cycle_days"]
    return df[cols].sort_values(["revenue", "opportunities"], ascending=False, ignore_index=True)


def kind_table(store: Store, filters: Filters) -> pd.DataFrame:
    """The same figures as :func:`channel_table` by channel kind (direct / indirect).

    Returns columns: kind, revenue, gross_profit, gross_margin, orders, customers (distinct within the kind),
    revenue_share, previous_revenue, growth, opportunities, won, lost, conversion, won_amount, cycle_days.
    """
    df = _figures(store, filters, by="kind")
    cols = ["kind", "revenue", "gross_profit", "gross_margin", "orders", "customers", "revenue_share",
            "previous_revenue", "growth", "opportunities", "won", "lost", "conversion", "won_amount", "cycle_days"]
    return df[cols].sort_values("revenue", ascending=False, ignore_index=True)


# ----- summary (the KPI row and the report) --------------------------------------------------------------

@dataclass(frozen=True)
class ChannelFigures:
    """One channel's (or one kind's) figures in the window; ``None`` where they cannot be computed."""

    channel: str | None
    name: str | None
    kind: str | None
    revenue: float
    gross_profit: float
    gross_margin: float | None
    orders: int
    customers: int
    revenue_share: float | None
    growth: float | None
    opportunities: int
    won: int
    lost: int
    conversion: float | None
    cycle_days: float | None

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class ChannelsSummary:
    """The Channels page's headline figures for a window.

    ``conversion_lift`` is the best-converting channel's conversion ÷ the conversion of all other channels
    together (only channels with at least :attr:`min_closed` closed deals compete for "best").
    """

    start: dt.date | None
    end: dt.date | None
    channels: tuple[ChannelFigures, ...]
    kinds: tuple[ChannelFigures, ...]
    revenue: float
    direct_share: float | None
    conversion: float | None
    best_channel: str | None
    best_conversion: float | None
    conversion_lift: float | None
    spend: float
    new_customers: int
    cac: float | None
    marketing_roi: float | None
    min_closed: int = 20

    @property
    def best_channel_name(self) -> str | None:
        for c in self.channels:
            if c.channel == self.best_channel:
                return c.name or c.channel
        return None

    def to_json(self) -> dict:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "revenue": self.revenue,
            "direct_share": self.direct_share,
            "conversion": self.conversion,
            "best_channel": self.best_channel,
            "best_conversion": self.best_conversion,
            "conversion_lift": self.conversion_lift,
            "spend": self.spend,
            "new_customers": self.new_customers,
            "cac": self.cac,
            "marketing_roi": self.marketing_roi,
            "channels": [c.to_json() for c in self.channels],
            "kinds": [c.to_json() for c in self.kinds],
        }


def _none(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _row_figures(r: pd.Series, *, channel: str | None, name: str | None, kind: str | None) -> ChannelFigures:
    return ChannelFigures(
        channel=channel, name=name, kind=kind, revenue=float(r["revenue"]), gross_profit=float(r["gross_profit"]),
        gross_margin=_none(r["gross_margin"]), orders=int(r["orders"]), customers=int(r["customers"]),
        revenue_share=_none(r["revenue_share"]), growth=_none(r["growth"]), opportunities=int(r["opportunities"]),
        won=int(r["won"]), lost=int(r["lost"]), conversion=_none(r["conversion"]), cycle_days=_none(r["cycle_days"]),
    )


def _text(v) -> str | None:
    return None if v is None or pd.isna(v) else str(v)


def best_converting(table: pd.DataFrame, *, min_closed: int = 20) -> tuple[str | None, float | None, float | None]:
    """The channel with the highest conversion among those with at least `min_closed` closed deals.

    Returns (channel_id, its conversion, lift) where lift = its conversion ÷ the conversion of all the
    other channels pooled (won ÷ (won + lost) over their deals together); Nones when no channel qualifies.
    """
    closed = table["won"] + table["lost"]
    eligible = table[(closed >= min_closed) & table["channel_id"].notna()]
    if eligible.empty:
        return None, None, None
    best = eligible.sort_values("conversion", ascending=False).iloc[0]
    rest = table[table["channel_id"] != best["channel_id"]]
    rest_rate = _ratio(rest["won"].sum(), (rest["won"] + rest["lost"]).sum())
    lift = float(best["conversion"]) / rest_rate if rest_rate else None
    return str(best["channel_id"]), float(best["conversion"]), lift


def summary(store: Store, filters: Filters, *, min_closed: int = 20) -> ChannelsSummary:
    """The Channels page's headline figures: per channel, per kind, the best converter and acquisition totals."""
    table = channel_table(store, filters)
    kinds = kind_table(store, filters)
    acq = acquisition(store, filters)
    best, best_conv, lift = best_converting(table, min_closed=min_closed)
    revenue = float(table["revenue"].sum())
    direct = float(kinds.loc[kinds["kind"] == "direct", "revenue"].sum())
    spend = float(acq["spend"].sum())
    new = int(acq["new_customers"].sum())
    profit_paid = float(acq.loc[acq["spend"] > 0, "gross_profit"].sum())
    return ChannelsSummary(
        start=filters.start,
        end=filters.end,
        channels=tuple(_row_figures(r, channel=_text(r["channel_id"]), name=_text(r["name"]), kind=_text(r["kind"]))
                       for _, r in table.iterrows()),
        kinds=tuple(_row_figures(r, channel=None, name=None, kind=_text(r["kind"])) for _, r in kinds.iterrows()),
        revenue=revenue,
        direct_share=direct / revenue if revenue else None,
        conversion=_ratio(table["won"].sum(), (table["won"] + table["lost"]).sum()),
        best_channel=best,
        best_conversion=best_conv,
        conversion_lift=lift,
        spend=spend,
        new_customers=new,
        cac=spend / new if spend and new else None,
        marketing_roi=(profit_paid - spend) / spend if spend else None,
        min_closed=min_closed,
    )


# ----- over time, partners, funnel ------------------------------------------------------------------------

def mix_over_time(store: Store, filters: Filters, *, by: str = "kind") -> pd.DataFrame:
    """Monthly revenue by channel kind or by channel, and each one's share of the month.

    Parameters
    ----------
    by : "kind" (direct / indirect) or "channel".

    Returns columns: month (Timestamp, first day), key (kind or channel_id), name (channel name; the kind
    for kinds), revenue, share (of the month's revenue, 0-1); by month then largest first.
    """
    key = _group_key(by)
    o = _with_channel(store, apply(store, "orders", filters))
    month = o.order_date.truncate("M").name("month")
    cols = [key] if by == "kind" else [key, "name"]
    df = store.execute(o.group_by([month, *cols]).aggregate(revenue=o.revenue.sum()))
    df = df.rename(columns={key: "key"})
    if by == "kind":
        df["name"] = df["key"]
    df["month"] = pd.to_datetime(df["month"])
    df["share"] = df["revenue"] / df.groupby("month")["revenue"].transform("sum").replace(0, float("nan"))
    return df[["month", "key", "name", "revenue", "share"]].sort_values(
        ["month", "revenue"], ascending=[True, False], ignore_index=True)


def partner_leaderboard(store: Store, filters: Filters) -> pd.DataFrame:
    """Partners and distributors (indirect channels) ranked by revenue in the window.

    A partner is the channel's ``partner_name`` (the channel name when it has none); several channels of
    one partner add up.

    Returns columns: rank (1 = most revenue), partner, type (channel type; the first when several),
    channels (how many channels), revenue, gross_profit, gross_margin, orders, customers, previous_revenue,
    growth (NaN when the window is unbounded or the partner sold nothing before).
    """
    def figures(f: Filters) -> pd.DataFrame:
        o = _with_channel(store, apply(store, "orders", f))
        o = o.filter(o.kind == "indirect")
        partner = o.partner_name.fill_null(o.name).fill_null(o.channel_id).name("partner")
        return store.execute(o.group_by(partner).aggregate(
            type=o.type.min(), channels=o.channel_id.nunique(), revenue=o.revenue.sum(),
            gross_profit=(o.revenue - o.cost.fill_null(0)).sum(), orders=o.order_id.nunique(),
            customers=o.customer_id.nunique(),
        ))

    df = figures(filters)
    prev = filters.previous()
    if prev is not None:
        before = figures(prev)[["partner", "revenue"]].rename(columns={"revenue": "previous_revenue"})
        df = df.merge(before, on="partner", how="left")
        df["previous_revenue"] = df["previous_revenue"].fillna(0.0)
        df["growth"] = (df["revenue"] - df["previous_revenue"]) / df["previous_revenue"].where(
            df["previous_revenue"] != 0)
    else:
        df["previous_revenue"] = float("nan")
        df["growth"] = float("nan")
    df["gross_margin"] = df["gross_profit"] / df["revenue"].where(df["revenue"] != 0)
    df = df.sort_values("revenue", ascending=False, ignore_index=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    return df[["rank", "partner", "type", "channels", "revenue", "gross_profit", "gross_margin", "orders",
               "customers", "previous_revenue", "growth"]]


def funnel_by_channel(store: Store, filters: Filters) -> pd.DataFrame:
    """How far the opportunities created in the window got, per channel and stage.

    An opportunity has reached a stage when its furthest stage is that one or a later one (schema.STAGES).

    Returns columns: channel_id, name, stage, stage_index (0 = prospect), reached (opportunities that
    reached the stage), of_created (reached ÷ opportunities created), step_conversion (reached ÷ reached
    the stage before; NaN for the first stage); channels in order of opportunities created.
    """
    o = _with_channel(store, apply(store, "opportunities", filters))
    df = store.execute(o.group_by(["channel_id", "name", "stage"]).aggregate(n=o.count()))
    rows = []
    for (cid, name), g in df.groupby(["channel_id", "name"], dropna=False, sort=False):
        counts = dict(zip(g["stage"], g["n"]))
        created = sum(counts.values())
        prev = None
        for i, stage in enumerate(STAGES):
            reached = sum(int(counts.get(s, 0)) for s in STAGES[i:])
            rows.append({"channel_id": cid, "name": name, "stage": stage, "stage_index": i, "reached": reached,
                         "of_created": reached / created if created else float("nan"),
                         "step_conversion": reached / prev if prev else float("nan"),
                         "_created": created})
            prev = reached
    out = pd.DataFrame(rows, columns=["channel_id", "name", "stage", "stage_index", "reached", "of_created",
                                      "step_conversion", "_created"])
    out = out.sort_values(["_created", "channel_id", "stage_index"], ascending=[False, True, True],
                          ignore_index=True)
    return out.drop(columns="_created")


# ----- acquisition: new customers, their cost and their later value ---------------------------------------

def first_orders(store: Store, filters: Filters) -> ibis.Table:
    """Every customer's first order ever, as an ibis table (nothing is read).

    A customer is new once, whatever channel, product or rep came first: the first order is found over all
    orders of all dates, with only the region and segment filters applied; the channel, team and rep
    filters then keep the customers whose *credited* channel and rep they select.

    Returns columns: customer_id, first_date, channel_id (the customer's ``acquisition_channel_id`` when
    recorded, otherwise the channel of the first order), rep_id (the rep of the first order).
    """
    o = apply(store, "orders", Filters(regions=filters.regions, segmentation=filters.segmentation,
                                       segments=filters.segments), date_column=None)
    first = o.group_by("customer_id").aggregate(
        first_date=o.order_date.min(), first_channel=o.channel_id.argmin(o.order_date),
        rep_id=o.rep_id.argmin(o.order_date),
    )
    c = store.table("customers").select(cust_id="customer_id", acq="acquisition_channel_id")
    first = first.left_join(c, first.customer_id == c.cust_id)
    first = first.select("customer_id", "first_date", "rep_id",
                         channel_id=first.acq.fill_null(first.first_channel))
    if filters.start is not None:
        first = first.filter(first.first_date >= ibis.date(filters.start.isoformat()))
    if filters.end is not None:
        first = first.filter(first.first_date <= ibis.date(filters.end.isoformat()))
    if filters.channels:
        first = first.filter(first.channel_id.isin(filters.channels))
    if filters.teams or filters.reps:
        reps = apply(store, "reps", Filters(teams=filters.teams, reps=filters.reps), date_column=None)
        first = first.filter(first.rep_id.isin(reps.rep_id))
    return first


def _last_order_date(store: Store) -> dt.date | None:
    o = store.table("orders")
    v = store.execute(o.order_date.max())
    if v is None or pd.isna(v):
        return None
    return pd.Timestamp(v).date()


def acquisition(store: Store, filters: Filters, *, value_days: int = VALUE_DAYS) -> pd.DataFrame:
    """New customers won per channel, what they cost and what they are worth later.

    A new customer is one whose first order ever falls in the window, credited to their acquisition
    channel (see :func:`first_orders`). Marketing spend is the spend of the months starting in the window,
    per channel (a campaign's spend without a channel goes to the campaign's channel).

    Parameters
    ----------
    value_days : new customers are valued on their revenue (all channels) in this many days from their first
        order; only customers whose first order is at least that long before the last order in the data
        ("mature") are valued, so a recent cohort is not undervalued.

    Returns
    -------
    DataFrame, one row per channel with new customers, spend or revenue in the window. Columns: channel_id,
    name, kind, spend, new_customers, cac (spend ÷ new customers), first_order_value (mean revenue of a new
    customer's first order day), mature_customers, value_later (mean revenue of a mature new customer in
    `value_days` from the first order), revenue, gross_profit (the channel's orders in the window),
    roi ((gross profit − spend) ÷ spend; NaN without spend).
    """
    first = first_orders(store, filters)
    last = _last_order_date(store)
    o = apply(store, "orders", Filters(regions=filters.regions, segmentation=filters.segmentation,
                                       segments=filters.segments), date_column=None)
    lines = o.select(oc="customer_id", d="order_date", rev="revenue")
    later = first.join(lines, first.customer_id == lines.oc)
    later = later.filter(later.d < later.first_date + ibis.interval(days=value_days))
    per_customer = later.group_by(["customer_id", "channel_id", "first_date"]).aggregate(
        value=later.rev.sum(), first_value=later.rev.sum(where=later.d == later.first_date),
    )
    cutoff = last - dt.timedelta(days=value_days) if last is not None else None
    mature = per_customer.first_date <= ibis.date(cutoff.isoformat()) if cutoff else ibis.literal(False)
    per_customer = per_customer.mutate(mature=mature)
    new = store.execute(per_customer.group_by("channel_id").aggregate(
        new_customers=per_customer.count(), first_order_value=per_customer.first_value.mean(),
        mature_customers=per_customer.mature.sum(), value_later=per_customer.value.mean(where=per_customer.mature),
    ))
    spend = _spend(store, filters)
    money = _order_figures(store, filters, "channel_id")[["channel_id", "revenue", "gross_profit"]]
    df = new.merge(spend, on="channel_id", how="outer").merge(money, on="channel_id", how="outer")
    ch = store.execute(_channels(store)).rename(columns={"ch_id": "channel_id"})[["channel_id", "name", "kind"]]
    df = df.merge(ch, on="channel_id", how="left")
    for col in ("spend", "new_customers", "mature_customers", "revenue", "gross_profit"):
        df[col] = df[col].fillna(0)
    for col in ("new_customers", "mature_customers"):
        df[col] = df[col].astype("int64")
    df["cac"] = df["spend"].where(df["spend"] > 0) / df["new_customers"].where(df["new_customers"] > 0)
    df["roi"] = (df["gross_profit"] - df["spend"]) / df["spend"].where(df["spend"] > 0)
    cols = ["channel_id", "name", "kind", "spend", "new_customers", "cac", "first_order_value", "mature_customers",
            "value_later", "revenue", "gross_profit", "roi"]
    return df[cols].sort_values(["new_customers", "revenue"], ascending=False, ignore_index=True)


def _spend(store: Store, filters: Filters) -> pd.DataFrame:
    """Marketing spend of the months starting in the window, per channel: columns channel_id, spend."""
    s = apply(store, "marketing_spend", replace(filters, channels=()))
    camp = store.table("campaigns").select(camp_id="campaign_id", camp_channel="channel_id")
    s = s.left_join(camp, s.campaign_id == camp.camp_id)
    s = s.mutate(channel_id=s.channel_id.fill_null(s.camp_channel))
    if filters.channels:
        s = s.filter(s.channel_id.isin(filters.channels))
    return store.execute(s.group_by("channel_id").aggregate(spend=s.spend.sum()))


# ----- the report -----------------------------------------------------------------------------------------

def add_report_arguments(parser) -> None:
    parser.add_argument("--min-closed", type=int, default=20,
                        help="closed deals a channel needs to count as the best converter (default 20)")


def report_json(store: Store, filters: Filters, args=None) -> dict:
    """``python -m salesdash report channels``: :func:`summary` as plain JSON (key ``channels``)."""
    min_closed = getattr(args, "min_closed", 20) if args is not None else 20
    return summary(store, filters, min_closed=min_closed).to_json()
