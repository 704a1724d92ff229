"""Metrics of the Team page and ``report team`` (quota attainment, targets, win rate and NPS are the Overview's)."""

from __future__ import annotations

from salesdash.metrics import Metric

METRICS = (
    Metric(
        "rep_revenue", "currency", ("Revenue credited to reps", "销售代表业绩"),
        ("Net revenue of the order lines credited to a sales rep, with an order date in the window.",
         "窗口内归属销售代表的订单明细净销售额。"),
    ),
    Metric(
        "won_revenue", "currency", ("Won revenue", "赢单金额"),
        ("Sum of the amounts of the opportunities won (closed as won) in the window.",
         "窗口内赢单（关闭为成交）商机的金额之和。"),
    ),
    Metric(
        "deals_won", "count", ("Deals won", "赢单数"),
        ("Opportunities closed as won in the window.", "窗口内关闭为成交的商机数。"),
    ),
    Metric(
        "deals_lost", "count", ("Deals lost", "丢单数"),
        ("Opportunities closed as lost in the window.", "窗口内关闭为丢单的商机数。"), higher_is_better=False,
    ),
    Metric(
        "avg_deal_size", "currency", ("Average deal size", "平均成交金额"),
        ("Won revenue ÷ deals won in the window.", "赢单金额 ÷ 窗口内赢单数。"),
        numerator="won revenue", denominator="deals won",
    ),
    Metric(
        "activities", "count", ("Activities", "销售活动数"),
        ("Calls, emails, meetings, visits and social touches logged by the rep in the window.",
         "销售代表在窗口内记录的电话、邮件、会议、拜访和社交互动次数。"),
    ),
    Metric(
        "rep_nps", "score", ("NPS of the rep's customers", "客户净推荐值"),
        ("NPS (% promoters 9-10 − % detractors 0-6) of the feedback in the window that names the rep; shown "
         "with at least 10 responses.",
         "窗口内指明该销售代表的反馈的净推荐值（推荐者 9-10 分占比 − 贬损者 0-6 分占比）；至少 10 条回复才显示。"),
        numerator="promoters − detractors", denominator="responses",
    ),
    Metric(
        "on_target_share", "ratio", ("Reps on target", "达标代表占比"),
        ("Reps whose quota attainment in the window is 100% or more ÷ reps with a target in the window.",
         "窗口内目标达成率 ≥ 100% 的代表数 ÷ 窗口内有目标的代表数。"),
        numerator="reps at or above target", denominator="reps with a target",
    ),
    Metric(
        "median_attainment", "ratio", ("Median rep attainment", "代表达成率中位数"),
        ("The middle value of the reps' quota attainment in the window (reps with a target); the spread "
         "shown beside it is the 25th to 75th percentile.",
         "窗口内有目标的代表其目标达成率的中位数；旁边的区间为第 25 至第 75 百分位。"),
    ),
    Metric(
        "composite_score", "score", ("Composite score", "综合评分"),
        ("Each component (revenue, attainment, win rate, average deal size, sales cycle — shorter is "
         "better —, activities, new customers, NPS) becomes a percentile rank among the reps with a value: "
         "the rep's average rank ÷ the number of such reps (best = 1). Score = 100 × Σ weight × percentile ÷ "
         "Σ weight over the components the rep has; the weights are the sliders.",
         "每一项（销售额、达成率、赢单率、平均成交金额、销售周期（越短越好）、活动数、新客户数、净推荐值）先换算为"
         "在有该值的代表中的百分位排名：平均名次 ÷ 此类代表人数（最好 = 1）。综合评分 = 100 × Σ 权重 × 百分位 ÷ "
         "该代表所具备各项的权重之和；权重由滑块设定。"),
    ),
    Metric(
        "pace_projection", "currency", ("Projected at period end", "期末预测业绩"),
        ("Run-rate projection: revenue credited to reps so far in the period + mean daily revenue of the "
         "elapsed days × days remaining. Interval: ± z × s × √(R + R²/n), s the standard deviation of daily "
         "revenue over the n elapsed days (days without orders count as 0), R the days remaining, z the "
         "normal quantile of the level; the low end never below the revenue already booked.",
         "按当前日均推算：期内至今的代表业绩 + 已过天数的日均销售额 × 剩余天数。区间：± z × s × √(R + R²/n)，"
         "s 为已过 n 天日销售额的标准差（无订单的日子计为 0），R 为剩余天数，z 为置信水平对应的正态分位数；"
         "下限不低于已入账的销售额。"),
    ),
    Metric(
        "pace_attainment", "ratio", ("Projected attainment", "预测达成率"),
        ("Projected revenue at the end of the period ÷ the targets of the whole period.",
         "期末预测业绩 ÷ 整个期间的目标。"),
        numerator="projected revenue", denominator="period targets",
    ),
    Metric(
        "activity_correlation", "number", ("Activity vs wins (rank correlation)", "活动与赢单的相关性"),
        ("Spearman rank correlation across reps between activities logged and deals won in the window "
         "(−1 to 1; 0 = no relation).",
         "各代表窗口内活动数与赢单数的 Spearman 等级相关系数（−1 至 1；0 表示无关）。"),
    ),
    Metric(
        "activity_slope", "number", ("Extra wins per 100 activities", "每百次活动多赢单数"),
        ("Least-squares slope across reps of deals won on activities logged in the window, × 100.",
         "各代表窗口内赢单数对活动数的最小二乘斜率 × 100。"),
    ),
    Metric(
        "busy_deal_lift", "percent_points", ("Win rate: busy vs quiet deals", "高活动商机赢单率差"),
        ("Win rate of the deals closed in the window with more activities logged on them than the median "
         "closed deal − win rate of the others.",
         "窗口内关闭的商机中，活动次数高于中位数的商机赢单率 − 其余商机的赢单率。"),
    ),
    Metric(
        "ramp_productivity", "ratio", ("New hire productivity", "新人产能"),
        ("For each rep hired while the data runs and each month since hire (the month of hire = 0): the rep's "
         "revenue ÷ the mean revenue of the established reps (more than 12 months since hire) of the same team "
         "in the same calendar month (the whole company's when the team has none), so season, growth and "
         "territory cancel out; averaged over the new hires. Months without orders count as 0.",
         "对数据期间入职的每位代表及其入职后每个月（入职当月 = 0）：该代表的业绩 ÷ 同团队资深代表（入职超过 12 个月）"
         "同一日历月的平均业绩（该团队没有资深代表时用全公司），以消除季节、增长和区域差异；再对新人取平均。"
         "无订单的月份计为 0。"),
        numerator="a new hire's revenue", denominator="established peers' mean revenue",
    ),
    Metric(
        "months_to_full", "count", ("Months to full productivity", "达到满产所需月数"),
        ("The first month since hire in which new hire productivity reaches 80% of established peers'.",
         "新人产能首次达到资深同事 80% 的入职后月数。"),
        higher_is_better=False,
    ),
)
