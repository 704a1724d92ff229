"""The CRM health metrics: customer health, retention, lifetime value, satisfaction, complaints, interactions.

NPS itself is defined once in ``metrics/overview.py`` and shared.
"""

from __future__ import annotations

from salesdash.metrics import Metric

METRICS = (
    # health
    Metric(
        "crm_active_customers", "count", ("Active customers", "活跃客户"),
        ("Customers whose last order (up to the window's end) is at most the 'active' threshold old "
         "(default 90 days).",
         "截至窗口结束日，最近一次下单距今不超过“活跃”阈值（默认 90 天）的客户数。"),
    ),
    Metric(
        "crm_at_risk_customers", "count", ("At-risk customers", "流失风险客户"),
        ("Customers whose last order is older than the 'active' threshold but at most the 'at risk' threshold "
         "(default 91-180 days).",
         "最近一次下单距今超过“活跃”阈值、但不超过“风险”阈值（默认 91-180 天）的客户数。"),
        higher_is_better=False,
    ),
    Metric(
        "crm_churned_customers", "count", ("Churned customers", "已流失客户"),
        ("Customers who bought before but whose last order is older than the 'at risk' threshold "
         "(default 180 days).",
         "曾经下单、但最近一次下单距今超过“风险”阈值（默认 180 天）的客户数。"),
        higher_is_better=False,
    ),
    Metric(
        "crm_active_share", "ratio", ("Active share", "活跃客户占比"),
        ("Active customers ÷ all customers who have ordered by the window's end.",
         "活跃客户数 ÷ 截至窗口结束日曾下单的全部客户数。"),
        numerator="active customers", denominator="customers who have ordered",
    ),
    # retention
    Metric(
        "crm_retention", "ratio", ("Customer retention", "客户留存率"),
        ("Customers of a first-purchase-month cohort who bought in month n ÷ customers in the cohort.",
         "某首购月份群组中在第 n 个月仍有购买的客户数 ÷ 该群组客户数。"),
        numerator="cohort customers buying in month n", denominator="cohort customers",
    ),
    Metric(
        "crm_revenue_retention", "ratio", ("Revenue retention", "收入留存率"),
        ("Revenue of a cohort in month n ÷ its revenue in its first month.",
         "群组在第 n 个月的销售额 ÷ 该群组首月的销售额。"),
        numerator="cohort revenue in month n", denominator="cohort revenue in month 0",
    ),
    # lifetime value
    Metric(
        "crm_clv", "currency", ("Customer lifetime value (CLV)", "客户终身价值（CLV）"),
        ("Expected purchases over the horizon (BG/NBD) × expected spend per purchase (Gamma-Gamma), month by "
         "month, discounted at the monthly rate; fitted on the window's orders, the window's end being 'now'.",
         "预测期内逐月的预期购买次数（BG/NBD 模型）× 预期每次消费额（Gamma-Gamma 模型），按月折现；"
         "模型基于窗口内订单拟合，窗口结束日视为“当前”。"),
    ),
    Metric(
        "crm_total_clv", "currency", ("Total CLV", "CLV 合计"),
        ("Sum of the CLV of every customer who ordered in the window.", "窗口内下单客户的 CLV 之和。"),
    ),
    Metric(
        "crm_p_alive", "ratio", ("Probability alive", "存活概率"),
        ("BG/NBD probability that the customer has not dropped out, given how often and how recently she "
         "bought: 1 ÷ (1 + a/(b+x−1) × ((α+T)/(α+t_x))^(r+x)) for x > 0 repeat purchases, 1 for x = 0.",
         "BG/NBD 模型给出的客户尚未流失的概率，取决于购买频次与最近购买时间："
         "x > 0 时为 1 ÷ (1 + a/(b+x−1) × ((α+T)/(α+t_x))^(r+x))，x = 0 时为 1。"),
    ),
    Metric(
        "crm_expected_purchases", "number", ("Expected purchases", "预期购买次数"),
        ("BG/NBD expected number of purchase days over the horizon, given the customer's history "
         "(Fader, Hardie & Lee 2005, eq. 10).",
         "BG/NBD 模型根据客户历史预测的预测期内购买天数（Fader、Hardie 与 Lee 2005，公式 10）。"),
    ),
    Metric(
        "crm_expected_spend", "currency", ("Expected spend per purchase", "预期每次消费额"),
        ("Gamma-Gamma expected spend per purchase day: a weighted mean of the population mean and the "
         "customer's own mean, p(γ + x·m̄) ÷ (p·x + q − 1).",
         "Gamma-Gamma 模型的预期每次消费额：总体均值与客户自身均值的加权平均，p(γ + x·m̄) ÷ (p·x + q − 1)。"),
    ),
    # satisfaction
    Metric(
        "crm_csat", "ratio", ("CSAT", "客户满意度（CSAT）"),
        ("Share of satisfaction ratings of 4 or 5 on the 1-5 scale; 95% Wilson interval in the charts.",
         "1-5 分满意度评分中 4 分或 5 分的占比；图中给出 95% Wilson 置信区间。"),
        numerator="ratings of 4 or 5", denominator="ratings",
    ),
    Metric(
        "crm_nps_responses", "count", ("NPS responses", "NPS 回复数"),
        ("Number of feedback responses with a 0-10 likelihood-to-recommend score in the window: promoters "
         "(9-10), passives (7-8) and detractors (0-6).",
         "窗口内带有 0-10 推荐意愿评分的反馈数：推荐者（9-10）、被动者（7-8）与贬损者（0-6）。"),
    ),
    # complaints
    Metric(
        "crm_complaints", "count", ("Complaints", "投诉数"),
        ("Complaint tickets opened in the window.", "窗口内新建的投诉工单数。"), higher_is_better=False,
    ),
    Metric(
        "crm_complaint_rate", "number", ("Complaints per 1,000 orders", "每千单投诉数"),
        ("Complaints opened in the window ÷ distinct orders in the window × 1,000.",
         "窗口内新建投诉数 ÷ 窗口内不同订单数 × 1,000。"),
        numerator="complaints", denominator="orders / 1,000", higher_is_better=False,
    ),
    Metric(
        "crm_median_resolution_days", "days", ("Median resolution time", "解决时长中位数"),
        ("Median of (resolved − opened) over the complaints opened in the window and resolved.",
         "窗口内新建且已解决的投诉（解决时间 − 创建时间）的中位数。"),
        higher_is_better=False,
    ),
    Metric(
        "crm_within_sla", "ratio", ("Resolved within SLA", "SLA 内解决率"),
        ("Complaints resolved within the SLA set on the page (default 3 days) ÷ complaints resolved.",
         "在页面设定的 SLA（默认 3 天）内解决的投诉数 ÷ 已解决投诉数。"),
        numerator="resolved within SLA", denominator="resolved complaints",
    ),
    Metric(
        "crm_open_backlog", "count", ("Open complaint backlog", "未结投诉积压"),
        ("Complaints opened by the window's end and not resolved by then, whenever they were opened.",
         "截至窗口结束日已创建但尚未解决的投诉数（不论何时创建）。"),
        higher_is_better=False,
    ),
    Metric(
        "crm_backlog_age", "days", ("Median backlog age", "积压投诉账龄中位数"),
        ("Median days from opening to the window's end over the open backlog.",
         "未结投诉从创建到窗口结束日天数的中位数。"),
        higher_is_better=False,
    ),
    Metric(
        "crm_repeat_complainers", "count", ("Repeat complainers", "重复投诉客户"),
        ("Customers with two complaints or more opened in the window.", "窗口内投诉两次及以上的客户数。"),
        higher_is_better=False,
    ),
    Metric(
        "crm_churn_after_complaint", "ratio", ("Churn after a complaint", "投诉后流失率"),
        ("Complainers (active before their first complaint of the category) with no order in the follow-up "
         "period after it ÷ those complainers.",
         "投诉前活跃的投诉客户中，投诉后跟踪期内没有下单的比例。"),
        numerator="complainers without an order in the follow-up", denominator="complainers", higher_is_better=False,
    ),
    Metric(
        "crm_baseline_churn", "ratio", ("Churn of comparable customers", "可比客户流失率"),
        ("The same churn for customers who did not complain, active on the 15th of the same month with as "
         "many purchase days before (1, 2-3, 4+), weighted to the complainers' months and bands.",
         "未投诉客户的同口径流失率：同月 15 日活跃、此前购买天数相当（1、2-3、4+），"
         "按投诉客户的月份与购买档位加权。"),
        higher_is_better=False,
    ),
    Metric(
        "crm_churn_lift", "percent_points", ("Extra churn after a complaint", "投诉带来的额外流失"),
        ("Churn after a complaint − churn of comparable customers.", "投诉后流失率 − 可比客户流失率。"),
        higher_is_better=False,
    ),
    # interactions
    Metric(
        "crm_activities", "count", ("Interactions", "客户互动次数"),
        ("Calls, emails, meetings, visits and social touches logged in the window.",
         "窗口内记录的电话、邮件、会议、拜访与社交互动次数。"),
    ),
    Metric(
        "crm_activities_per_customer", "number", ("Interactions per customer", "人均互动次数"),
        ("Interactions ÷ distinct customers touched.", "互动次数 ÷ 接触到的不同客户数。"),
        numerator="interactions", denominator="customers touched",
    ),
    Metric(
        "crm_topic_share", "ratio", ("Topic share", "话题占比"),
        ("Comments whose strongest topic is this one ÷ comments with a topic (topics found by NMF on Chinese "
         "character bigrams and English words).",
         "以该话题为最主要话题的评论数 ÷ 有话题的评论数（话题由 NMF 基于中文二字词与英文单词得出）。"),
    ),
)
