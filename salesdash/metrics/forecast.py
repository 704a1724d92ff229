"""The metrics of the Forecast page and ``report forecast``."""

from __future__ import annotations

from salesdash.metrics import Metric

METRICS = (
    Metric(
        "forecast_next_month", "currency", ("Forecast, next month", "下月预测"),
        ("The chosen model's forecast of the first month after the last complete month (the month in progress "
         "is forecast, not counted as history).",
         "所选模型对最后一个完整月份之后第一个月的预测（进行中的月份被预测，不计入历史）。"),
    ),
    Metric(
        "forecast_horizon_total", "currency", ("Forecast over the horizon", "预测期合计"),
        ("Sum of the monthly forecasts over the chosen horizon.", "所选预测期内各月预测值之和。"),
    ),
    Metric(
        "forecast_next_month_orders", "count", ("Orders forecast, next month", "下月订单数预测"),
        ("The chosen model's forecast of the number of orders in the first month after the last complete month.",
         "所选模型对最后一个完整月份之后第一个月订单数的预测。"),
    ),
    Metric(
        "forecast_horizon_total_orders", "count", ("Orders forecast over the horizon", "预测期订单数合计"),
        ("Sum of the monthly order forecasts over the chosen horizon.", "所选预测期内各月订单数预测之和。"),
    ),
    Metric(
        "forecast_mape", "ratio", ("Backtest error (MAPE)", "回测误差（MAPE）"),
        ("Mean absolute percentage error of the chosen model in a rolling-origin backtest: from each of 4 origins "
         "the model is fitted on the months before and forecasts the next 3; mean of |actual − forecast| ÷ "
         "actual over all those months (months with 0 left out).",
         "滚动起点回测中所选模型的平均绝对百分比误差：在 4 个起点分别用之前的月份拟合并预测之后 3 个月；"
         "对这些月份求 |实际 − 预测| ÷ 实际 的平均值（实际为 0 的月份除外）。"),
        higher_is_better=False,
    ),
    Metric(
        "forecast_mase", "number", ("Backtest error (MASE)", "回测误差（MASE）"),
        ("Mean absolute scaled error in the same backtest: |actual − forecast| ÷ the in-sample mean absolute "
         "error of the seasonal-naive forecast on the training months. Below 1 beats that naive benchmark.",
         "同一回测中的平均绝对标度误差：|实际 − 预测| ÷ 训练月份内季节性朴素预测的平均绝对误差。小于 1 表示优于该朴素基准。"),
        higher_is_better=False,
    ),
    Metric(
        "forecast_naive_mape", "ratio", ("Naive forecast MAPE", "朴素预测 MAPE"),
        ("MAPE of the naive forecast (the last month repeated) in the same backtest.",
         "同一回测中朴素预测（重复最后一个月的值）的 MAPE。"),
        higher_is_better=False,
    ),
    Metric(
        "forecast_seasonal_naive_mape", "ratio", ("Seasonal-naive MAPE", "季节性朴素预测 MAPE"),
        ("MAPE of the seasonal-naive forecast (the same month a year earlier) in the same backtest.",
         "同一回测中季节性朴素预测（取一年前同月的值）的 MAPE。"),
        higher_is_better=False,
    ),
    Metric(
        "forecast_booked", "currency", ("Booked this quarter", "本季度已成交"),
        ("Revenue of orders from the first day of the quarter to the end of the window.",
         "从本季度第一天到窗口结束日的订单销售额。"),
    ),
    Metric(
        "forecast_weighted_pipeline", "currency", ("Weighted pipeline", "加权商机金额"),
        ("Sum over deals open at the end of the window whose expected close date is before the quarter ends of "
         "amount × P(won | stage reached). P is fitted from all closed deals: won ÷ closed among deals that "
         "reached the stage.",
         "对窗口结束时未关闭且预计成交日期在本季度结束前的商机求和：金额 × P(赢单 | 已到达阶段)。P 由全部已关闭商机拟合："
         "到达该阶段的商机中赢单数 ÷ 关闭数。"),
    ),
    Metric(
        "forecast_deal_share", "ratio", ("Revenue through deals", "经商机成交的销售额占比"),
        ("Amount of deals won in the year up to the end of the window ÷ order revenue of that year (at most 100%).",
         "截至窗口结束的一年内赢单商机金额 ÷ 同期订单销售额（最多 100%）。"),
    ),
    Metric(
        "forecast_run_rate", "currency", ("Run-rate business, rest of quarter", "常规业务（本季度剩余）"),
        ("(1 − revenue through deals) × revenue expected from the day after the window's end to the quarter's "
         "end: the monthly revenue forecast pro rata to the remaining days of each month (or, with too little "
         "history, the last 90 days' mean daily revenue × the remaining days).",
         "（1 − 经商机成交的销售额占比）× 从窗口结束次日到季度末的预期销售额：按各月剩余天数折算的月度销售额预测"
         "（历史过短时用最近 90 天日均销售额 × 剩余天数）。"),
    ),
    Metric(
        "forecast_quarter_forecast", "currency", ("Quarter forecast", "本季度预测"),
        ("Booked this quarter + weighted pipeline + run-rate business for the rest of the quarter.",
         "本季度已成交 + 加权商机金额 + 本季度剩余的常规业务。"),
    ),
    Metric(
        "forecast_quarter_target", "currency", ("Quarter target", "本季度目标"),
        ("Sum of the reps' monthly targets for the months of the quarter.", "本季度各月销售代表目标之和。"),
    ),
    Metric(
        "forecast_gap", "currency", ("Gap to target", "距目标差额"),
        ("Quarter target − quarter forecast (positive: short of target).", "本季度目标 − 本季度预测（正数表示未达目标）。"),
        higher_is_better=False,
    ),
    Metric(
        "forecast_commit", "currency", ("Commit", "承诺（Commit）"),
        ("Booked this quarter + run-rate business + the full amounts of this quarter's deals with P(won) ≥ 50%.",
         "本季度已成交 + 常规业务 + 本季度赢率 ≥ 50% 商机的全部金额。"),
    ),
    Metric(
        "forecast_best_case", "currency", ("Best case", "最佳情况"),
        ("Commit + the full amounts of this quarter's deals with 25% ≤ P(won) < 50%.",
         "承诺 + 本季度赢率在 25% 至 50% 之间商机的全部金额。"),
    ),
    Metric(
        "forecast_pipeline_total", "currency", ("Pipeline", "全部商机"),
        ("Best case + the full amounts of the remaining deals expected to close this quarter.",
         "最佳情况 + 其余预计本季度成交商机的全部金额。"),
    ),
    Metric(
        "forecast_stage_win_rate", "ratio", ("Win rate by stage reached", "各阶段赢单率"),
        ("Won ÷ closed (won + lost) among deals closed by the end of the window that reached the stage.",
         "截至窗口结束时已关闭且到达该阶段的商机中：赢单数 ÷（赢单数 + 丢单数）。"),
    ),
)
