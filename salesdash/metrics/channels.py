"""Metrics of the Channels page and ``report channels`` (revenue, margin, orders and win rate are the Overview's)."""

from __future__ import annotations

from salesdash.metrics import Metric

METRICS = (
    Metric(
        "channel_revenue_share", "ratio", ("Share of revenue", "销售额占比"),
        ("A channel's (or kind's) revenue ÷ the revenue of all channels in the window.",
         "某渠道（或渠道类型）的销售额 ÷ 窗口内所有渠道的销售额。"),
        numerator="the channel's revenue", denominator="all revenue",
    ),
    Metric(
        "direct_share", "ratio", ("Direct share of revenue", "直销销售额占比"),
        ("Revenue through direct channels (own stores, own online store, own sales team) ÷ all revenue in the "
         "window.",
         "直销渠道（自营门店、官方网店、直销团队）的销售额 ÷ 窗口内全部销售额。"),
        numerator="direct revenue", denominator="all revenue",
    ),
    Metric(
        "channel_opportunities", "count", ("Opportunities created", "新建商机数"),
        ("Opportunities created in the window through the channel.", "窗口内经该渠道新建的商机数。"),
    ),
    Metric(
        "channel_conversion", "ratio", ("Conversion", "成交转化率"),
        ("Won ÷ (won + lost) over the channel's opportunities closed in the window (the Overview's win rate, "
         "per channel). Open deals are not counted.",
         "该渠道窗口内关闭的商机中，赢单数 ÷（赢单数 + 丢单数）（即总览的赢单率按渠道计算）；未关闭商机不计入。"),
        numerator="opportunities won", denominator="opportunities won or lost",
    ),
    Metric(
        "conversion_lift", "multiple", ("Best channel's conversion vs the rest", "最佳渠道转化率倍数"),
        ("Conversion of the best-converting channel (among channels with at least 20 closed deals) ÷ the "
         "conversion of all other channels pooled (their won ÷ their won + lost).",
         "转化率最高的渠道（至少 20 笔已关闭商机）的转化率 ÷ 其余所有渠道合并计算的转化率（赢单 ÷ 赢单 + 丢单）。"),
        numerator="best channel's conversion", denominator="the other channels' conversion",
    ),
    Metric(
        "sales_cycle", "days", ("Sales cycle", "销售周期"),
        ("Median days from an opportunity's creation to its close, over the opportunities won in the window.",
         "窗口内赢单商机从创建到关闭的天数中位数。"),
        higher_is_better=False,
    ),
    Metric(
        "stage_reach", "ratio", ("Reached the stage", "到达该阶段比例"),
        ("Opportunities created in the window whose furthest stage is this one or a later one ÷ all "
         "opportunities created in the window (per channel).",
         "窗口内新建商机中，最远阶段达到该阶段或更后阶段的数量 ÷ 窗口内新建商机总数（按渠道）。"),
        numerator="opportunities that reached the stage", denominator="opportunities created",
    ),
    Metric(
        "marketing_spend", "currency", ("Marketing spend", "营销投入"),
        ("Marketing spend of the months starting in the window; a campaign's spend without a channel counts "
         "for the campaign's channel.",
         "窗口内起始月份的营销投入；未注明渠道的活动投入计入该活动所属渠道。"),
        higher_is_better=False,
    ),
    Metric(
        "new_customers", "count", ("New customers", "新客户数"),
        ("Customers whose first order ever falls in the window. On the Channels page they are credited to "
         "their acquisition channel (the channel of the first order when none is recorded); on the Team "
         "page to the rep of the first order.",
         "首单日期落在窗口内的客户数。渠道页按其获客渠道归属（未记录时取首单渠道）；团队页按首单的销售代表归属。"),
    ),
    Metric(
        "cac", "currency", ("Customer acquisition cost", "获客成本"),
        ("Marketing spend ÷ new customers, per channel (shown when both are above zero).",
         "营销投入 ÷ 新客户数（按渠道；两者均大于零时显示）。"),
        numerator="marketing spend", denominator="new customers", higher_is_better=False,
    ),
    Metric(
        "marketing_roi", "ratio", ("Marketing ROI", "营销投资回报率"),
        ("(Gross profit of the channels' orders in the window − their marketing spend) ÷ that spend, over the "
         "channels with spend.",
         "（有营销投入的渠道在窗口内订单的毛利 − 其营销投入）÷ 营销投入。"),
        numerator="gross profit − spend", denominator="spend",
    ),
    Metric(
        "first_order_value", "currency", ("First-order value", "首单金额"),
        ("Mean revenue of a new customer's first day of orders.", "新客户首个下单日的平均销售额。"),
    ),
    Metric(
        "value_later", "currency", ("Value in the first year", "首年价值"),
        ("Mean revenue (all channels) of a new customer in the 365 days from the first order, over the new "
         "customers whose first order is at least 365 days before the last order in the data.",
         "新客户自首单起 365 天内（所有渠道）的平均销售额；仅统计首单距数据中最后一笔订单至少 365 天的新客户。"),
    ),
    Metric(
        "partner_rank", "count", ("Rank", "排名"),
        ("Position of a partner or distributor by revenue in the window (1 = most revenue). A partner's "
         "channels add up.",
         "合作伙伴或经销商按窗口内销售额的排名（1 = 销售额最高）；同一伙伴的多个渠道合并计算。"),
        higher_is_better=False,
    ),
)
