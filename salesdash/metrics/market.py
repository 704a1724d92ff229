"""The metrics of the Market research page and ``report market``."""

from __future__ import annotations

from salesdash.metrics import Metric

METRICS = (
    Metric(
        "survey_respondents", "count", ("Survey respondents", "调研样本数"),
        ("Number of survey responses dated in the window (region and category filters apply to the answers).",
         "窗口内的问卷回复数（大区、品类筛选作用于问卷本身的回答）。"),
    ),
    Metric(
        "interest_rate", "ratio", ("Interested", "感兴趣比例"),
        ("Respondents scoring their interest 4 or 5 (on 1-5) ÷ respondents who answered (top-two box). "
         "Groups with fewer than 30 respondents are shown as too few, not ranked.",
         "兴趣打分为 4 或 5 分（1-5 分制）的受访者 ÷ 作答受访者（前两档占比）。受访者少于 30 人的群体显示为“样本过少”，不参与排名。"),
        numerator="respondents with interest 4-5", denominator="respondents",
    ),
    Metric(
        "intent_rate", "ratio", ("Intend to buy", "购买意向比例"),
        ("Respondents scoring purchase intent 4 or 5 (on 1-5) ÷ respondents who answered.",
         "购买意向打分为 4 或 5 分（1-5 分制）的受访者 ÷ 作答受访者。"),
        numerator="respondents with intent 4-5", denominator="respondents",
    ),
    Metric(
        "mean_interest", "score", ("Average interest", "平均兴趣分"),
        ("Mean of the interest scores (1-5) of the group's respondents.", "该群体受访者兴趣分（1-5）的平均值。"),
    ),
    Metric(
        "group_difference_p", "number", ("Chi-square p-value", "卡方检验 p 值"),
        ("Chi-square test of independence between the groups and their answers grouped as low (1-2), neutral (3) "
         "and high (4-5), over groups with at least 30 respondents. Below 0.05: the groups differ. Not run when "
         "more than 20% of the expected counts are under 5.",
         "对各群体与其回答（低 1-2、中 3、高 4-5）做卡方独立性检验，只纳入至少 30 名受访者的群体。小于 0.05 表示群体间存在差异。"
         "期望频数小于 5 的格子超过 20% 时不做检验。"),
        higher_is_better=False,
    ),
    Metric(
        "cramers_v", "number", ("Cramér's V", "克莱姆 V 系数"),
        ("Strength of the difference between groups: √(χ² ÷ (n × (min(groups, answers) − 1))); 0 = none, "
         "0.1 small, 0.3 medium, 0.5 large.",
         "群体差异的强度：√(χ² ÷ (n × (min(群体数, 答案数) − 1)))；0 表示无差异，0.1 小，0.3 中，0.5 大。"),
    ),
    Metric(
        "target_score", "number", ("Target score", "目标客群得分"),
        ("Interested share × size share × spending index. Size share = the group's respondents ÷ the category's "
         "respondents; spending index = the group's mean income score ÷ the category's (income bands scored "
         "low = 1 … high = 5; 1 = average).",
         "感兴趣比例 × 规模占比 × 消费力指数。规模占比 = 该群体受访者 ÷ 该品类受访者；消费力指数 = 该群体平均收入得分 ÷ "
         "该品类平均收入得分（收入档次低 = 1 … 高 = 5；1 为平均水平）。"),
    ),
    Metric(
        "size_share", "ratio", ("Size share", "规模占比"),
        ("The group's respondents ÷ all respondents asked about the category.", "该群体受访者 ÷ 该品类全部受访者。"),
    ),
    Metric(
        "spending_index", "multiple", ("Spending index", "消费力指数"),
        ("The group's mean income score ÷ the category's mean income score (low = 1 … high = 5).",
         "该群体平均收入得分 ÷ 该品类平均收入得分（低 = 1 … 高 = 5）。"),
    ),
    Metric(
        "optimal_price", "currency", ("Optimal price point (OPP)", "最优价格点 (OPP)"),
        ("Van Westendorp: the price where the share finding it too cheap (answer ≥ price) equals the share finding "
         "it too expensive (answer ≤ price). Curves on the grid of answered prices; the crossing is interpolated "
         "linearly. Respondents whose four answers are not in increasing order are left out; at least 30 needed.",
         "Van Westendorp 法：认为“太便宜”的比例（回答 ≥ 该价格）与认为“太贵”的比例（回答 ≤ 该价格）相等处的价格。"
         "曲线在所有作答价格构成的网格上计算，交点线性插值。四个回答不是递增顺序的受访者被剔除；至少需要 30 人。"),
    ),
    Metric(
        "indifference_price", "currency", ("Indifference price point (IPP)", "无差异价格点 (IPP)"),
        ("Van Westendorp: where the share finding the price cheap (≥ price) equals the share finding it "
         "expensive (≤ price).",
         "Van Westendorp 法：认为“便宜”的比例（≥ 该价格）与认为“贵”的比例（≤ 该价格）相等处的价格。"),
    ),
    Metric(
        "acceptable_low", "currency", ("Lowest acceptable price (PMC)", "可接受最低价 (PMC)"),
        ("Point of marginal cheapness: where 'too cheap' crosses 'not cheap' (1 − cheap). Lower end of the range "
         "of acceptable prices.",
         "边际便宜点：“太便宜”曲线与“不便宜”（1 − 便宜）曲线的交点，即可接受价格区间的下限。"),
    ),
    Metric(
        "acceptable_high", "currency", ("Highest acceptable price (PME)", "可接受最高价 (PME)"),
        ("Point of marginal expensiveness: where 'too expensive' crosses 'not expensive' (1 − expensive). Upper "
         "end of the range of acceptable prices.",
         "边际昂贵点：“太贵”曲线与“不贵”（1 − 贵）曲线的交点，即可接受价格区间的上限。"),
    ),
    Metric(
        "market_size", "currency", ("Market size", "市场规模"),
        ("Total market sales from the market table, over the whole months inside the window, for the selected "
         "regions and categories.",
         "市场数据中的市场总销售额，按窗口内的完整月份及所选大区和品类统计。"),
    ),
    Metric(
        "our_market_revenue", "currency", ("Our sales", "我方销售额"),
        ("Our net order revenue over the same whole months the market table covers.",
         "与市场数据相同的完整月份内我方订单净销售额。"),
    ),
    Metric(
        "our_share", "ratio", ("Our share", "我方份额"),
        ("Our sales ÷ market size, over the whole months inside the window covered by the market table.",
         "我方销售额 ÷ 市场规模（窗口内市场数据覆盖的完整月份）。"),
        numerator="our revenue", denominator="market size",
    ),
    Metric(
        "top_competitor_share", "ratio", ("Largest competitor's share", "最大竞争对手份额"),
        ("The competitor with the most sales: its sales ÷ market size over the same months.",
         "销售额最高的竞争对手：其销售额 ÷ 同期市场规模。"),
        numerator="competitor sales", denominator="market size",
    ),
    Metric(
        "competitor_price", "currency", ("Competitor price", "竞争对手均价"),
        ("The competitor's monthly average prices weighted by its sales.", "竞争对手各月均价按其销售额加权平均。"),
    ),
    Metric(
        "our_price", "currency", ("Our price", "我方均价"),
        ("Our net revenue ÷ units sold in the category.", "我方该品类净销售额 ÷ 销售数量。"),
    ),
    Metric(
        "price_gap", "ratio", ("Price gap", "价差"),
        ("Our price ÷ the competitor's price − 1 (+10% = we are 10% dearer).",
         "我方均价 ÷ 竞争对手均价 − 1（+10% 表示我方贵 10%）。"),
        higher_is_better=False,
    ),
    Metric(
        "preference_share", "ratio", ("Share of respondents", "受访者占比"),
        ("Respondents giving this answer ÷ respondents of the group who answered the question.",
         "给出该回答的受访者 ÷ 该群体中回答此题的受访者。"),
    ),
)
