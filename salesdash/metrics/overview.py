"""The executive metrics shown on the Overview page and in ``report overview``."""

from __future__ import annotations

from salesdash.metrics import Metric

METRICS = (
    Metric(
        "revenue", "currency", ("Revenue", "销售额"),
        ("Sum of net order-line revenue (quantity × unit price × (1 − discount)) with an order date in the window.",
         "窗口内订单明细净销售额之和（数量 × 单价 × (1 − 折扣)）。"),
    ),
    Metric(
        "revenue_target", "currency", ("Revenue target", "销售目标"),
        ("Sum of the reps' monthly targets in the window; a month cut by the window counts pro rata by days.",
         "窗口内各销售代表月度目标之和；被窗口截断的月份按天数折算。"),
    ),
    Metric(
        "gross_profit", "currency", ("Gross profit", "毛利"),
        ("Revenue − cost of goods of the same order lines.", "销售额 − 同一批订单明细的成本。"),
    ),
    Metric(
        "gross_margin", "ratio", ("Gross margin", "毛利率"),
        ("Gross profit ÷ revenue.", "毛利 ÷ 销售额。"), numerator="gross profit", denominator="revenue",
    ),
    Metric(
        "orders", "count", ("Orders", "订单数"),
        ("Number of distinct orders with an order date in the window.", "窗口内下单的不同订单数。"),
    ),
    Metric(
        "customers", "count", ("Buying customers", "购买客户数"),
        ("Number of distinct customers with at least one order in the window.", "窗口内至少下过一单的不同客户数。"),
    ),
    Metric(
        "win_rate", "ratio", ("Win rate", "赢单率"),
        ("Won ÷ (won + lost), over opportunities closed in the window. Open deals are not counted.",
         "赢单数 ÷（赢单数 + 丢单数），统计窗口内关闭的商机；未关闭商机不计入。"),
        numerator="opportunities won", denominator="opportunities won or lost",
    ),
    Metric(
        "pipeline_value", "currency", ("Open pipeline", "在途商机金额"),
        ("Sum of the amounts of opportunities open at the end of the window (created by then and not yet closed).",
         "窗口结束时仍未关闭的商机金额之和（此前创建且尚未关闭）。"),
    ),
    Metric(
        "pipeline_coverage", "multiple", ("Pipeline coverage", "商机覆盖率"),
        ("Open pipeline at the end of the window ÷ the part of the next three months' targets that deals must "
         "bring: those targets × the share of the last year's revenue that came through won deals (won deal "
         "amount ÷ order revenue). For a company whose revenue all comes through deals, pipeline ÷ targets.",
         "窗口结束时的在途商机金额 ÷ 其后三个月销售目标中需由商机完成的部分：目标 × 过去一年经商机成交的销售额占比"
         "（赢单商机金额 ÷ 订单销售额）。若全部收入都经商机成交，即商机金额 ÷ 目标。"),
        numerator="open pipeline", denominator="next three months' targets × revenue share through deals",
    ),
    Metric(
        "quota_attainment", "ratio", ("Quota attainment", "目标达成率"),
        ("Revenue of orders credited to a rep ÷ those reps' targets in the window (pro rata by days). "
         "Region, team and rep filters apply to both; channel and category filters only to the revenue.",
         "归属销售代表的订单销售额 ÷ 这些代表在窗口内的目标（按天折算）。大区、团队、代表筛选同时作用于两者；"
         "渠道与品类筛选只作用于销售额。"),
        numerator="revenue credited to reps", denominator="their targets",
    ),
    Metric(
        "nps", "score", ("NPS", "净推荐值"),
        ("Net Promoter Score: % promoters (9-10) − % detractors (0-6) among feedback in the window; "
         "shown with at least 10 responses.",
         "净推荐值：窗口内反馈中推荐者（9-10 分）占比 − 贬损者（0-6 分）占比；至少 10 条回复才显示。"),
        numerator="promoters − detractors", denominator="responses",
    ),
    Metric(
        "market_share", "ratio", ("Market share", "市场份额"),
        ("Our revenue ÷ total market size, over the whole months inside the window, for the regions and "
         "categories selected.",
         "在窗口内的完整月份中，我方销售额 ÷ 市场总规模（按所选大区和品类）。"),
        numerator="our revenue", denominator="market size",
    ),
    Metric(
        "revenue_growth", "ratio", ("Growth vs previous period", "环比增长"),
        ("(Revenue − revenue of the previous period of equal length) ÷ revenue of the previous period.",
         "（本期销售额 − 等长上一期销售额）÷ 上一期销售额。"),
    ),
    Metric(
        "revenue_yoy", "ratio", ("Growth vs a year before", "同比增长"),
        ("(Revenue − revenue of the same window a year earlier) ÷ that revenue.",
         "（本期销售额 − 去年同期销售额）÷ 去年同期销售额。"),
    ),
)
