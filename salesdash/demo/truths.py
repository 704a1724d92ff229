"""What the demo company hides on purpose: every planted truth, where it lives and how to recover it.

The demo is a consumer-electronics-and-lifestyle company selling in seven Chinese regions through its own
stores, an online store, a sales team, two marketplaces, two distributors and solution partners. Twelve
patterns are planted in it so that each analysis page has something real to find, and so tests can check
that the pages find it. Each entry says what is planted, in which tables, how big it is, and how a test
(tests/demo/test_truths.py) recovers it from the data alone - never by reading these values back.

"Today" is the last day of the history (``Truths.today``); the history covers the 36 calendar months that
end with today's (partial) month.

1. Behavioural customer groups (customers, orders)
   Four groups of buyers (shares of customers with an order, scale 1):
   ``vip`` (12%): 25-45 orders, last order 2-25 days before today, dear models, discount on ~8% of lines;
   ``bargain_hunter`` (34%): 2-20 orders (about one a month at most; recruited at a growing pace, so new
   customers keep arriving), last order 0-60 days ago - except the third who lapsed (truth 12) -, cheap
   models, discount on ~88% of lines;
   ``occasional_big`` (26%): 1-5 orders of dear goods at least six months apart, last 0-330 days ago;
   ``dormant`` (28%): one or two cheap orders, the last more than 200 days ago (one-off buyers arrive
   all through the history, so every half-year has some who never come back).
   About 8% of customer records are leads who never ordered (in no group). ``behaviour_group`` maps
   customer_id -> group for every customer with an order.
   Recover: per customer with an order, [log1p(days since last order), log1p(orders), log1p(revenue),
   share of lines with discount > 0]; StandardScaler then KMeans(k=4, n_init=10, random_state=0);
   adjusted Rand index against ``behaviour_group`` >= 0.8 (0.89-0.94 over scales 0.1-2 and many seeds).

2. One channel wins twice as often as another (opportunities)
   Planned win rate = won / (won + lost): 0.30 for ``fast_channel_id`` (CH08, Solution partners), 0.15
   for ``slow_channel_id`` (CH02, Official online store) and 0.15-0.16 for every other channel, so the
   partner channel also wins about twice as often as all the others together. The partner channel holds
   about 20% of the deals and the online store 22% (about 480 and 530 deals at scale 0.2).
   Recover: win rate by channel_id over closed opportunities (measured: 0.31 vs 0.16, the others
   0.16-0.17 because the deals still open are mostly lost-to-be); ratio fast / slow 1.6-2.5; a
   chi-square test of the 2x2 table (won/lost x channel) gives p < 0.01.

3. December peak (orders)
   Monthly revenue = 15% growth a year x seasonality (February 0.66 for the Spring Festival, June 1.06
   for 618, November 1.30 for Double 11, December 1.62) x a small persistent wobble (sd 1.5%). The days
   of orders are drawn so that monthly revenue follows this curve within 1-3% (order book, step 4).
   Recover: in every complete calendar year of the history (the current month excluded), December revenue
   / mean monthly revenue of that year is 1.6-1.8 (``december_ratio_range``; 1.64-1.76 over twelve seeds at
   scale 0.2); December is the top month (``peak_month``), February the bottom one, November above 1.15x;
   year-on-year growth is 10-20%; Holt-Winters beats the seasonal-naive forecast.

4. Slipping deals (opportunity_snapshots, opportunities)
   About 5% of the deals open today (``slipping_opportunity_ids``) have stalled in intent or engaged for
   2.5-5 months; their expected close date was moved later in each of the last two (sometimes three)
   intervals between snapshots, and nobody has touched them for 30+ days. Every other deal is pushed at
   most once. Snapshots: the first day of each of the last 12 months, and today.
   Recover: for each opportunity open in the last snapshot, count the snapshot-to-snapshot increases of
   expected_close_date; the deals with two or more are exactly ``slipping_opportunity_ids`` (5% +- 1.5pp
   of the open deals).

5. One team misses quota (orders, reps, targets)
   Targets are set so that, over the history, the order revenue booked by a team's reps divided by the
   team's targets is 0.60 for ``underperforming_team`` (West) and 0.92-1.08 for the others
   (``quota_attainment``). Reps hired in the last year ramp up over six months (their targets too).
   Recover: sum(orders.revenue by the rep's team) / sum(targets.target_amount by team, months up to
   today): West 0.55-0.65, the others 0.85-1.15; in their first month new hires book under half the
   orders of their months 4-6.

6. Revenue concentration (customers, orders)
   One enterprise customer (``concentrated_customer_id``, Xi'an Qinchuan Industrial Group) orders every
   month and holds 25% of the revenue of ``concentrated_region`` (northwest). The generator trims the
   biggest other buyers so that none holds more than 7% of their region.
   Recover: revenue by customer / revenue of the customer's region: the planted customer 0.22-0.28, every
   other customer below 0.10.

7. Presale conversion (campaigns, reservations, orders)
   Reservations convert to a final payment at 0.80 for ``member_only`` campaigns (``best_campaign_type``),
   0.62 online presale, 0.56 offline presale, 0.52 limited discount (``conversion_by_type``). Converted
   reservations have final_paid_at and an order_id: an order line of the campaign's product, at its
   discount, with its campaign_id. Reservations are front-loaded (45% in the first tenth of a campaign)
   and campaign orders lift the product's sales in the campaign's weeks.
   Recover: converted / (converted + cancelled + refunded) by campaign type.

8. Survey interest and price (survey_responses)
   25-34-year-old white-collar respondents asked about electronics (``highest_interest_group``) rate
   their interest about 4.4 on 1-5; every other age band x occupation group 2.8-3.5.
   Van Westendorp "too cheap" and "too expensive" answers are drawn symmetrically (in logs) around
   ``optimal_price`` per category: electronics 2999, home_appliances 1999, personal_care 399,
   apparel 599, food_beverage 199.
   Recover: mean interest of electronics respondents by age band (18-24, 25-34, 35-44, 45-54, 55-70) x
   occupation, groups with >= 30 respondents: the planted group first by >= 0.5 (about 1.0). The price
   where the share answering too_cheap >= p meets the share answering too_expensive <= p is within 5%
   of ``optimal_price`` (within 1% at scale 0.2 and up).

9. Quality complaints and churn (complaints, orders)
   Among customers who ordered in the half-year [today - 360, today - 180), those with a product_quality
   complaint opened in that half-year (or up to 15 days after it) churn - no order in the last 180 days
   (``churn_window_days``) - about twice as often (``churn_ratio``) as those customers with no complaint
   at all (about 0.8 vs 0.4: many of these customers are occasional big buyers who come back rarely).
   Their other complaints in that half-year are never about quality, so the comparison is clean.
   Recover: churn rate of the two groups; ratio 1.6-2.6 (2.0 +- 0.1 over scales 0.1-1).

10. A cohort that retains better (orders)
    ``best_retention_cohort`` is the last November with eight months of history after it: a Double 11
    member drive whose recruits (bargain hunters) buy again in each of the six following months. Other
    customers who would have started that month start a month earlier.
    Recover: per first-order month (with 180 days of history after it and at least 10 customers), the
    share of customers who order again within 180 days of their first order: the planted month is the
    highest (1.0) and at least 1.5x the median month (about 0.45). A cohort heatmap shows it too: its
    share of customers active in each of months 1-6 after the first is 1.0, against about 0.25 typically.

11. Days in stage (stage_history)
    Days from entering prospect, intent and engaged to entering the next stage are lognormal with medians
    7, 14 and 21 (``stage_median_days``; sigma 0.6, so right-skewed: means about 8.4, 16.7, 24.3).
    Recover: median of the differences between consecutive entered_at of the same opportunity, within 2
    days of the planted medians. The funnel over closed deals: 64% reach intent, 61% of those reach
    engaged, 49% of those are won.

12. Customers who lapse (customers, orders)
    A third of the bargain hunters (``LAPSE_SHARE``; ``lapsed_customer_ids``) stop buying during the history:
    the last order falls between 120 days after their first and 200 days before today, and their orders
    thin out before it (the middle orders are placed at u ** 2.5 of their window, u uniform). Everybody
    else keeps to their group's rhythm, so who churns in a half-year looks alike in every half-year.
    Recover: the churn model (risk.churn_risk, trained on one half-year and judged on the next) separates
    churners better than chance (holdout AUC 0.63-0.77 over scales 0.2-1), longer recency raises churn,
    and the lapsed customers still active in the last year get a churn probability about twice that of
    the other bargain hunters (medians about 0.6 vs 0.25-0.3). BG/NBD (crm.customer_lifetime_value) sees
    them drop out: median probability alive about 0.45-0.65 for the lapsed, above 0.95 for the other
    bargain hunters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

__all__ = ["Truths"]


@dataclass(frozen=True, eq=False)
class Truths:
    """The planted truths of one generated demo company (see the module docstring for each).

    Compared by identity (it holds a Series); every field is read-only.
    """

    today: dt.date
    history_start: dt.date
    #: 1. customer_id -> vip / bargain_hunter / occasional_big / dormant, for customers with an order
    behaviour_group: pd.Series
    #: 2. the channel that wins twice as often as the slow one, and the planned win rates
    fast_channel_id: str
    slow_channel_id: str
    planned_win_rate: MappingProxyType
    #: 3. the month of the peak and the planned December / average-month ratio
    peak_month: int
    december_ratio_range: tuple[float, float]
    #: 4. open deals whose expected close date was pushed two or more times
    slipping_opportunity_ids: tuple[str, ...]
    #: 5. the team at ~60% of quota; planned attainment per team
    underperforming_team: str
    quota_attainment: MappingProxyType
    #: 6. the customer holding ~25% of a region's revenue
    concentrated_region: str
    concentrated_customer_id: str
    concentrated_share: float
    #: 7. the campaign type converting deposits best; planned conversion per type
    best_campaign_type: str
    conversion_by_type: MappingProxyType
    #: 8. (age band, occupation, category) with the highest interest; optimal price per category
    highest_interest_group: tuple[str, str, str]
    optimal_price: MappingProxyType
    #: 9. the complaint category whose complainants churn ~2x; the churn window
    churn_complaint_category: str
    churn_ratio: float
    churn_window_days: int
    #: 10. the first-purchase month whose customers come back most
    best_retention_cohort: dt.date
    #: 11. median days from entering a stage to entering the next
    stage_median_days: MappingProxyType
    #: 12. the bargain hunters who stopped buying during the history
    lapsed_customer_ids: tuple[str, ...]
