"""The metrics of the Risk page and ``report risk``."""

from __future__ import annotations

from salesdash.metrics import Metric

METRICS = (
    Metric(
        "risk_flagged_deals", "count", ("Deals at risk", "风险商机数"),
        ("Open deals at the end of the window with at least one risk flag: slipping (expected close date moved "
         "later in 2+ consecutive pipeline snapshots), stalled (in its stage longer than 90% of the deals that "
         "moved on from it, and at least 14 days), quiet (no logged activity for 30 days) or deep discount "
         "(late stage on a campaign discount of 20% or more).",
         "窗口结束时至少有一个风险标记的未关闭商机：延期（预计成交日期在连续 2 次以上快照中推后）、停滞（在当前阶段"
         "停留时间超过 90% 已推进商机，且不少于 14 天）、沉寂（30 天无跟进记录）或深度折扣（后期阶段且活动折扣不低于 20%）。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_flagged_amount", "currency", ("Amount at risk", "风险商机金额"),
        ("Sum of the amounts of the deals at risk.", "风险商机的金额之和。"), higher_is_better=False,
    ),
    Metric(
        "risk_flagged_share", "ratio", ("Share of open deals at risk", "风险商机占比"),
        ("Deals at risk ÷ deals open at the end of the window.", "风险商机数 ÷ 窗口结束时未关闭商机数。"),
        numerator="deals at risk", denominator="open deals", higher_is_better=False,
    ),
    Metric(
        "risk_hhi", "score", ("Customer concentration (HHI)", "客户集中度（HHI）"),
        ("Herfindahl-Hirschman index: the sum over customers of (customer's share of the window's revenue, in "
         "percent)², from near 0 (many small customers) to 10,000 (one customer). Above 2,500 is highly "
         "concentrated; 1,500-2,500 moderately.",
         "赫芬达尔-赫希曼指数：各客户占窗口销售额百分比的平方之和，从接近 0（客户分散）到 10,000（只有一个客户）。"
         "高于 2,500 为高度集中，1,500-2,500 为中度集中。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_top10_share", "ratio", ("Top-10 customers' share", "前 10 大客户占比"),
        ("Revenue of the 10 largest customers ÷ revenue of all customers in the window (customers with net "
         "revenue above 0).",
         "窗口内销售额前 10 名客户的销售额 ÷ 全部客户销售额（仅计净销售额大于 0 的客户）。"),
        numerator="top-10 customers' revenue", denominator="revenue", higher_is_better=False,
    ),
    Metric(
        "risk_largest_share", "ratio", ("Largest customer's share", "最大客户占比"),
        ("Revenue of the largest customer ÷ revenue of all customers in the window (or in the group).",
         "最大客户销售额 ÷ 窗口内（或该分组内）全部客户销售额。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_partner_share", "ratio", ("Largest partner's share", "最大合作伙伴占比"),
        ("Revenue through the largest partner or distributor ÷ revenue through all partners, in the window.",
         "窗口内通过最大合作伙伴/经销商的销售额 ÷ 通过全部合作伙伴的销售额。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_outstanding", "currency", ("Receivables outstanding", "应收账款余额"),
        ("Revenue of order lines with a due date, ordered by the end of the window and not paid by then.",
         "截至窗口结束时已下单、有应收日期且尚未回款的订单明细销售额。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_overdue", "currency", ("Overdue receivables", "逾期应收账款"),
        ("The part of the receivables outstanding whose due date is before the end of the window.",
         "应收账款余额中应收日期早于窗口结束日的部分。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_overdue_share", "ratio", ("Overdue share", "逾期占比"),
        ("Overdue receivables ÷ receivables outstanding.", "逾期应收账款 ÷ 应收账款余额。"),
        numerator="overdue receivables", denominator="receivables outstanding", higher_is_better=False,
    ),
    Metric(
        "risk_dso", "days", ("Days sales outstanding", "应收账款周转天数（DSO）"),
        ("Receivables outstanding ÷ revenue of order lines with a due date in the 90 days up to the end of the "
         "window × 90.",
         "应收账款余额 ÷ 窗口结束前 90 天内有应收日期的订单明细销售额 × 90。"),
        numerator="receivables outstanding", denominator="credit sales of 90 days", higher_is_better=False,
    ),
    Metric(
        "risk_aging_amount", "currency", ("Receivables by days past due", "应收账款账龄"),
        ("Receivables outstanding split by days past the due date at the end of the window: current (not yet "
         "due), 1-30, 31-60, 61-90 and over 90 days.",
         "按窗口结束时超过应收日期的天数划分的应收账款余额：未到期、1-30 天、31-60 天、61-90 天、90 天以上。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_churn_probability", "ratio", ("Churn probability", "流失概率"),
        ("The model's probability that an active customer (ordered in the last 365 days) places no order in the "
         "next 180 days. Logistic regression on recency, orders in the last 180 days and their trend, revenue of "
         "the last year, complaints, mean satisfaction, sales activities and tenure.",
         "模型预测的活跃客户（最近 365 天有订单）在未来 180 天内不再下单的概率。逻辑回归，特征为最近一次购买距今天数、"
         "近 180 天订单数及其变化、近一年销售额、投诉数、平均满意度、销售跟进次数和客户年限。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_churn_auc", "score", ("Churn model AUC (holdout)", "流失模型 AUC（留出检验）"),
        ("Area under the ROC curve on a later cutoff than the model was trained on (temporal holdout): the chance "
         "that a customer who churned is ranked above one who did not. 0.5 = guessing, 1 = perfect.",
         "在晚于训练截点的时间截点上检验的 ROC 曲线下面积（时间留出）：随机取一名流失客户和一名未流失客户，"
         "前者风险排名更高的概率。0.5 等于随机猜测，1 为完美。"),
    ),
    Metric(
        "risk_revenue_at_risk", "currency", ("Revenue at risk of churn", "流失风险销售额"),
        ("Sum over active customers of churn probability × their revenue of the last 365 days.",
         "对活跃客户求和：流失概率 × 该客户近 365 天销售额。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_weighted_churn", "ratio", ("Revenue-weighted churn probability", "按销售额加权的流失概率"),
        ("Revenue at risk of churn ÷ revenue of the last 365 days of the active customers.",
         "流失风险销售额 ÷ 活跃客户近 365 天销售额。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_median_lifetime", "days", ("Median customer lifetime", "客户生命周期中位数"),
        ("Kaplan-Meier median of the days from a customer's first order to the last; a customer with no order in "
         "the last 180 days has ended it, the others are still counted as buying (censored).",
         "客户从首单到末单天数的 Kaplan-Meier 中位数；最近 180 天无订单视为已结束，其余视为仍在购买（删失）。"),
    ),
    Metric(
        "risk_anomaly_z", "score", ("Anomaly score (robust z)", "异常得分（稳健 z 值）"),
        ("(Value − seasonal expectation) ÷ (1.4826 × median absolute deviation of the residuals). The "
         "expectation is trend + seasonal from a robust STL decomposition (period 12) of the complete months; "
         "|z| ≥ 3 is flagged.",
         "（实际值 − 季节性预期）÷（1.4826 × 残差的中位数绝对偏差）。预期值为完整月份稳健 STL 分解（周期 12）的趋势 + "
         "季节项；|z| ≥ 3 视为异常。"),
    ),
    Metric(
        "risk_likelihood", "score", ("Likelihood (1-5)", "可能性（1-5）"),
        ("A 0-1 signal per risk (see the risk's description) scored 1 up to 5 at the cut points 5%, 15%, 30% "
         "and 50%.",
         "每项风险的 0-1 信号（见该风险说明），以 5%、15%、30%、50% 为分界评为 1 至 5 分。"),
        higher_is_better=False,
    ),
    Metric(
        "risk_impact", "score", ("Impact (1-5)", "影响（1-5）"),
        ("A 0-1 share of revenue or pipeline exposed (see the risk's description), scored 1 up to 5 at the cut "
         "points 2%, 5%, 10% and 20%.",
         "受影响的销售额或商机金额占比（0-1，见该风险说明），以 2%、5%、10%、20% 为分界评为 1 至 5 分。"),
        higher_is_better=False,
    ),
)
