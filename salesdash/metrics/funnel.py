"""The funnel and pipeline metrics (Funnel page and ``report funnel``)."""

from __future__ import annotations

from salesdash.metrics import Metric

_COHORT = ("Deals created in the window (region, channel, category, team, rep and segment filters apply).",
           "统计窗口内创建的商机（大区、渠道、品类、团队、代表、细分筛选均适用）。")

METRICS = (
    Metric(
        "funnel_created", "count", ("Deals created", "新建商机"),
        ("Number of opportunities created in the window.", "窗口内创建的商机数。"),
    ),
    Metric(
        "funnel_reached", "count", ("Deals reaching the stage", "到达该阶段的商机"),
        ("Deals created in the window whose furthest stage is this stage or a later one "
         "(prospect → intent → engaged → won). By value: the sum of their amounts.",
         "窗口内创建、且最远阶段达到或超过该阶段的商机数（潜在客户 → 意向客户 → 沟通客户 → 成交客户）。"
         "按金额：这些商机金额之和。"),
    ),
    Metric(
        "funnel_conversion_previous", "ratio", ("% of previous stage", "占上一阶段比例"),
        ("Deals reaching the stage ÷ deals reaching the stage before it (by value: amounts). 95% interval: "
         "Wilson for counts, linearised ratio estimator for values.",
         "到达该阶段的商机 ÷ 到达上一阶段的商机（按金额时为金额之比）。95% 区间：按数量用 Wilson 区间，按金额用比率估计的线性化近似。"),
        numerator="deals reaching the stage", denominator="deals reaching the previous stage",
    ),
    Metric(
        "funnel_conversion_first", "ratio", ("% of first stage", "占首阶段比例"),
        ("Deals reaching the stage ÷ all deals created in the window (prospects). 95% Wilson interval.",
         "到达该阶段的商机 ÷ 窗口内创建的全部商机（潜在客户）。附 95% Wilson 区间。"),
        numerator="deals reaching the stage", denominator="deals created",
    ),
    Metric(
        "funnel_drop_off", "count", ("Drop-off", "流失"),
        ("Deals (or value) that reached the previous stage but not this one: previous − this.",
         "到达上一阶段但未到达本阶段的商机数（或金额）：上一阶段 − 本阶段。"),
        higher_is_better=False,
    ),
    Metric(
        "funnel_win_rate", "ratio", ("Win rate (deals created)", "赢单率（按创建）"),
        ("Won ÷ (won + lost) among deals created in the window; open deals are not counted. "
         "95% Wilson interval.",
         "窗口内创建的商机中：赢单数 ÷（赢单数 + 丢单数）；未关闭商机不计入。附 95% Wilson 区间。"),
        numerator="deals won", denominator="deals won or lost",
    ),
    Metric("funnel_won", "count", ("Won", "赢单"), ("Deals created in the window and won.", "窗口内创建且已赢单的商机数。")),
    Metric("funnel_lost", "count", ("Lost", "丢单"), ("Deals created in the window and lost.",
                                                    "窗口内创建且已丢单的商机数。"), higher_is_better=False),
    Metric("funnel_open", "count", ("Still open", "进行中"), ("Deals created in the window not yet won or lost.",
                                                            "窗口内创建、尚未赢单或丢单的商机数。")),
    Metric(
        "funnel_avg_deal_size", "currency", ("Average deal size", "平均成交金额"),
        ("Amount won ÷ deals won, over deals created in the window.", "窗口内创建的商机：赢单金额 ÷ 赢单数。"),
        numerator="amount won", denominator="deals won",
    ),
    Metric(
        "funnel_won_value", "currency", ("Amount won", "赢单金额"),
        ("Sum of the amounts of deals created in the window and won.", "窗口内创建且赢单的商机金额之和。"),
    ),
    Metric(
        "funnel_cycle_days", "days", ("Median sales cycle", "销售周期中位数"),
        ("Median days from creation to close of the won deals (created in the window; in the trend: won in "
         "that month).",
         "赢单商机从创建到关闭天数的中位数（统计窗口内创建的商机；趋势图中按赢单月份）。"),
        higher_is_better=False,
    ),
    Metric(
        "funnel_stage_median_days", "days", ("Median days in stage", "阶段停留天数中位数"),
        ("Median days from entering the stage to entering the next one (or closing), over deals created in "
         "the window that have left the stage (stage history).",
         "从进入该阶段到进入下一阶段（或关闭）的天数中位数，统计窗口内创建且已离开该阶段的商机（依据阶段历史）。"),
        higher_is_better=False,
    ),
    Metric(
        "funnel_stage_p90_days", "days", ("p90 days in stage", "阶段停留天数 P90"),
        ("90th percentile of the days in the stage (as for the median). A deal sitting longer is stale.",
         "阶段停留天数的第 90 百分位（口径同中位数）。停留超过此值的商机视为停滞。"),
        higher_is_better=False,
    ),
    Metric(
        "funnel_stale_deals", "count", ("Stale deals", "停滞商机"),
        ("Deals open now whose days in their current stage exceed that stage's p90 (whatever their "
         "creation date).",
         "当前未关闭、在当前阶段停留天数超过该阶段 P90 的商机（不限创建日期）。"),
        higher_is_better=False,
    ),
    Metric(
        "funnel_cohort_conversion", "ratio", ("Cohort conversion", "同期群转化率"),
        ("Deals of the month's cohort that reached the stage within m months of creation ÷ deals created "
         "that month; blank when the cohort is younger than m months.",
         "该月创建的商机中在创建后 m 个月内到达该阶段的数量 ÷ 该月创建的商机数；同期群不满 m 个月时留空。"),
    ),
    Metric(
        "funnel_lost_share", "ratio", ("Share of lost deals", "丢单占比"),
        ("Lost deals with this reason ÷ all lost deals (created in the window); the line is the running total.",
         "该原因的丢单数 ÷ 全部丢单数（窗口内创建）；折线为累计占比。"),
    ),
    Metric(
        "funnel_weighted_pipeline", "currency", ("Weighted pipeline", "加权商机金额"),
        ("Σ open amount × the historical win rate of the deal's stage (P(win | reached the stage), from "
         "deals closed by the window's end).",
         "Σ 在途金额 × 所处阶段的历史赢率（截至窗口结束已关闭商机中，到达该阶段后最终赢单的比例）。"),
    ),
    Metric(
        "funnel_crm_weighted_pipeline", "currency", ("CRM-weighted pipeline", "按 CRM 赢率加权金额"),
        ("Σ open amount × the win probability recorded in the CRM (blank counts as 0).",
         "Σ 在途金额 × CRM 中记录的赢率（未填按 0 计）。"),
    ),
    Metric(
        "funnel_stage_win_probability", "ratio", ("Historical win rate from stage", "阶段历史赢率"),
        ("Won ÷ closed, among deals closed by the window's end that reached the stage. 95% Wilson interval.",
         "截至窗口结束已关闭、且到达该阶段的商机中：赢单数 ÷ 关闭数。附 95% Wilson 区间。"),
        numerator="won deals that reached the stage", denominator="closed deals that reached the stage",
    ),
    Metric(
        "funnel_crm_probability", "ratio", ("CRM probability", "CRM 赢率"),
        ("The win probability recorded in the CRM (mean over the open deals at the stage).",
         "CRM 中记录的赢率（该阶段在途商机的平均值）。"),
    ),
    Metric(
        "funnel_model_probability", "ratio", ("Model win probability", "模型赢率"),
        ("P(win) from a model fitted on the company's closed deals: stage, age at stage entry, amount, channel "
         "and activities logged before stage entry (logistic regression or gradient boosting).",
         "基于本公司已关闭商机拟合的赢单概率：阶段、进入阶段时的商机年龄、金额、渠道、进入阶段前的跟进活动数"
         "（逻辑回归或梯度提升）。"),
    ),
    Metric(
        "funnel_model_auc", "number", ("Holdout AUC", "留出集 AUC"),
        ("Area under the ROC curve on the deals closed last (temporal holdout, model fitted on earlier deals): "
         "0.5 is chance, 1 is perfect.",
         "在最后关闭的商机（时间留出集，模型仅用更早的商机拟合）上的 ROC 曲线下面积：0.5 为随机，1 为完美。"),
    ),
    Metric(
        "funnel_expected_value", "currency", ("Expected value", "期望金额"),
        ("Amount × model win probability (the stage's historical rate when no model can be fitted).",
         "金额 × 模型赢率（无法拟合模型时用阶段历史赢率）。"),
    ),
    Metric(
        "funnel_whatif_won", "currency", ("Won revenue this quarter", "本季度赢单金额"),
        ("Won so far this quarter + Σ open amount × P(win from its stage) × P(it closes by quarter end, "
         "given how long won deals took from that stage). New deals not yet created are not counted.",
         "本季度已赢单金额 + Σ 在途金额 × 从当前阶段赢单的概率 × 季度末前关闭的概率（依据历史赢单商机自该阶段起的用时）。"
         "尚未创建的新商机不计入。"),
    ),
    Metric(
        "funnel_pipeline_needed", "currency", ("Pipeline needed", "所需商机金额"),
        ("(Quarter target − order revenue credited to the rep this quarter so far) ÷ win rate (won ÷ (won + "
         "lost)) over the last 12 months.",
         "（本季度目标 − 本季度至今归属该代表的订单销售额）÷ 最近 12 个月的赢单率（赢单 ÷（赢单 + 丢单））。"),
    ),
    Metric(
        "funnel_coverage", "multiple", ("Coverage of need", "需求覆盖倍数"),
        ("Open pipeline ÷ pipeline needed.", "在途商机金额 ÷ 所需商机金额。"),
        numerator="open pipeline", denominator="pipeline needed",
    ),
    Metric(
        "funnel_waterfall", "currency", ("Pipeline change", "商机变动"),
        ("Start + new + pulled in + increased − decreased − won − lost − pushed out = end; the pipeline counted "
         "is the open deals expected to close by the chosen date.",
         "期初 + 新增 + 提前 + 增额 − 减额 − 赢单 − 丢单 − 推迟 = 期末；统计预计在所选日期前成交的在途商机。"),
    ),
    Metric(
        "funnel_p_value", "number", ("p-value", "p 值"),
        ("Probability of a difference at least this large if conversion were really the same (two-proportion "
         "z-test, chi-square across groups). Below 0.05: significant at 95%. Not tested when an expected count "
         "is below 5.",
         "若转化率实际相同，出现至少如此大差异的概率（两比例 z 检验；多组用卡方检验）。小于 0.05 即在 95% 水平显著。"
         "期望频数小于 5 时不做检验。"),
    ),
)
