"""The metrics of the Presale page and ``report presale``."""

from __future__ import annotations

from salesdash.metrics import Metric

METRICS = (
    Metric(
        "presale_campaigns", "count", ("Campaigns", "活动数"),
        ("Campaigns starting in the window (channel and category filters apply to the campaign).",
         "开始日期在窗口内的活动数（渠道、品类筛选作用于活动本身）。"),
    ),
    Metric(
        "presale_reservations", "count", ("Reservations", "预订数"),
        ("Reservations (deposits) made for those campaigns, whenever they were made.",
         "这些活动收到的预订（定金）数，不论预订日期。"),
    ),
    Metric(
        "presale_converted", "count", ("Converted", "已转化"),
        ("Reservations whose final payment was made (status converted).", "已支付尾款的预订数（状态为已转化）。"),
    ),
    Metric(
        "presale_conversion_rate", "ratio", ("Deposit → final payment", "定金→尾款转化率"),
        ("Converted reservations ÷ decided reservations (converted + cancelled + refunded); pending ones, whose final "
         "payment may still come, are left out. Comparisons between types use finished campaigns only, pooled, with "
         "a 95% Wilson interval.",
         "已转化预订 ÷ 已有结果的预订（已转化 + 已取消 + 已退款）；尚待支付尾款的预订不计入。活动类型之间的比较只用已结束活动，"
         "合并计算，附 95% Wilson 区间。"),
        numerator="converted reservations", denominator="converted + cancelled + refunded reservations",
    ),
    Metric(
        "presale_cancel_rate", "ratio", ("Cancelled or refunded", "取消/退款率"),
        ("(Cancelled + refunded reservations) ÷ decided reservations (converted + cancelled + refunded).",
         "（已取消 + 已退款预订）÷ 已有结果的预订（已转化 + 已取消 + 已退款）。"),
        numerator="cancelled + refunded", denominator="decided reservations", higher_is_better=False,
    ),
    Metric(
        "presale_refunds", "count", ("Refunds", "退款数"),
        ("Reservations whose deposit was refunded (status refunded).", "定金已退还的预订数（状态为已退款）。"),
        higher_is_better=False,
    ),
    Metric(
        "presale_revenue", "currency", ("Campaign revenue", "活动销售额"),
        ("Net revenue of the order lines attributed to the campaigns: lines carrying the campaign, plus the orders "
         "its converted reservations point to.",
         "归属于活动的订单明细净销售额：标记了该活动的订单明细，加上其已转化预订对应的订单。"),
    ),
    Metric(
        "presale_cost", "currency", ("Campaign cost", "活动成本"),
        ("Campaign budget + marketing spend booked against the campaign beyond its budget (= the larger of the two: "
         "the budget is usually booked as the campaign's spend, so adding both would count it twice).",
         "活动预算 + 记在该活动名下且超出预算的营销投入（即两者中较大者：预算通常已记为该活动的营销投入，两者相加会重复计算）。"),
        higher_is_better=False,
    ),
    Metric(
        "presale_roi", "multiple", ("ROI", "投资回报率"),
        ("ROI = (revenue − cost) ÷ cost, with cost = campaign budget + marketing spend for the campaign beyond its "
         "budget. For several campaigns: (Σ revenue − Σ cost) ÷ Σ cost.",
         "ROI =（销售额 − 成本）÷ 成本，成本 = 活动预算 + 该活动超出预算的营销投入。多个活动合计时：（Σ销售额 − Σ成本）÷ Σ成本。"),
        numerator="revenue − cost", denominator="cost",
    ),
    Metric(
        "presale_lift", "ratio", ("Lift vs before", "较活动前提升"),
        ("Mean daily sales of the campaign's product to its target group from the start to 7 days after the end "
         "÷ mean daily sales in the same number of days just before the start − 1. Interval: 95%, delta method "
         "on the log of the ratio. By type: geometric mean of the campaigns' lifts with a t interval.",
         "活动产品对目标客群的日均销售额（开始日至结束后 7 天）÷ 开始前同样天数的日均销售额 − 1。区间：95%，对比值取对数后用 delta 法。"
         "按类型：各活动提升的几何平均，附 t 区间。"),
    ),
    Metric(
        "presale_lift_vs_control", "ratio", ("Lift vs control group", "较对照组提升"),
        ("(Target group's sales ratio during ÷ before) ÷ (the same ratio for customers outside the target group) − 1: "
         "what the campaign added beyond the general trend. Not available when the campaign targets all customers.",
         "（目标客群活动期 ÷ 活动前的销售比）÷（目标客群以外客户的同一比值）− 1：活动在整体趋势之外带来的增量。"
         "面向全部客户的活动没有对照组。"),
    ),
    Metric(
        "presale_forecast", "count", ("Forecast final reservations", "预计最终预订数"),
        ("Reservations so far ÷ the share of their final count that past finished campaigns (of the same type when "
         "there are at least 4) had reached at the same fraction of their duration (geometric mean); 90% "
         "prediction interval from their spread (t distribution).",
         "目前预订数 ÷ 以往已结束活动（同类型至少 4 个时只用同类型）在相同进度时已达到的最终预订比例（几何平均）；"
         "按其离散程度给出 90% 预测区间（t 分布）。"),
    ),
    Metric(
        "presale_forecast_error", "ratio", ("Back-test error", "回测误差"),
        ("Median of |forecast ÷ actual − 1| when each finished campaign is forecast from its first 3 days by a "
         "model that did not see it.",
         "每个已结束活动仅用前 3 天数据、由未见过该活动的模型预测时，|预测 ÷ 实际 − 1| 的中位数。"),
        higher_is_better=False,
    ),
    Metric(
        "presale_plan_reservations", "count", ("Expected reservations", "预计预订数"),
        ("Comparable past campaigns' reservations per day × the planned days, weighted by similarity "
         "(1 ÷ (1 + distance)); range = smallest and largest of the comparables.",
         "可比历史活动的日均预订数 × 计划天数，按相似度（1 ÷ (1 + 距离)）加权；区间为可比活动中的最小值与最大值。"),
    ),
)
