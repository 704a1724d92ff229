"""The Forecast page (数据分析与预测)."""

TEXTS = {
    "nav.forecast": ("Forecast", "数据分析与预测"),
    "forecast.title": ("Forecast", "数据分析与预测"),
    "forecast.caption": (
        "Monthly {measure} forecast from all history up to {as_of} (the global filters' regions, channels, "
        "categories, teams and reps apply; the start of the window does not, because seasonal models need years "
        "of history), and the current quarter from the pipeline.",
        "基于截至 {as_of} 的全部历史数据预测月度{measure}（全局筛选中的大区、渠道、品类、团队和代表生效；时间窗口的起点"
        "不生效，因为季节性模型需要多年历史），并基于商机预测本季度。"),
    "forecast.horizon": ("Months to forecast", "预测月数"),
    "forecast.measure": ("What to forecast", "预测对象"),
    "forecast.measure.revenue": ("revenue", "销售额"),
    "forecast.measure.orders": ("orders", "订单数"),
    "forecast.by": ("Split by", "拆分维度"),
    "forecast.by.total": ("Total only", "仅总计"),
    "forecast.by.region": ("Region", "大区"),
    "forecast.by.channel": ("Channel", "渠道"),
    "forecast.by.category": ("Category", "品类"),
    "forecast.fitted_on": (
        "Fitted on {months} complete months ({first} to {last}). Model chosen by backtest: {model}.",
        "使用 {months} 个完整月份（{first} 至 {last}）拟合。回测选出的模型：{model}。"),
    "forecast.partial_month": (
        "{month} is not complete (data up to {as_of}; {value} so far): it is left out of fitting and forecast "
        "instead.",
        "{month} 尚未结束（数据截至 {as_of}，目前为 {value}）：该月不参与拟合，作为预测月份。"),
    "forecast.reason.too_short": (
        "a forecast needs at least {min} complete months of history and there are {have}.",
        "预测至少需要 {min} 个完整月份的历史数据，目前只有 {have} 个。"),
    "forecast.reason.not_seasonal": (
        "a seasonal model needs two full years ({need} complete months) and there are {have}: the forecast uses "
        "non-seasonal models only and will miss the yearly pattern.",
        "季节性模型需要两个完整年度（{need} 个完整月份），目前只有 {have} 个：预测仅使用非季节性模型，无法体现年度规律。"),
    "forecast.reason.fit_failed": (
        "no model could be fitted to these {have} months (the series may be constant or too irregular).",
        "无法对这 {have} 个月的数据拟合任何模型（序列可能为常数或过于不规则）。"),
    "forecast.chart": ("Monthly {measure}: actuals and forecast", "月度{measure}：实际与预测"),
    "forecast.chart_group": ("{group}", "{group}"),
    "forecast.actual": ("Actual", "实际"),
    "forecast.forecast": ("Forecast", "预测"),
    "forecast.interval": ("{level}% prediction interval", "{level}% 预测区间"),
    "forecast.month_so_far": ("Month in progress (so far)", "进行中月份（截至目前）"),
    "forecast.table": ("Forecast by month", "分月预测"),
    "forecast.col.month": ("Month", "月份"),
    "forecast.col.value": ("Forecast", "预测值"),
    "forecast.col.lower": ("Lower bound", "下限"),
    "forecast.col.upper": ("Upper bound", "上限"),
    "forecast.backtest": ("Backtest: how wrong would it have been?", "回测：过去的预测误差有多大？"),
    "forecast.backtest_caption": (
        "From each of {origins} past origins every model was fitted on the months before and forecast the next "
        "{horizon}; the bars show the mean absolute percentage error against what happened. The naive (last "
        "month repeated) and seasonal-naive (same month last year) forecasts are the bar to beat.",
        "在过去 {origins} 个起点，分别用之前的月份拟合各模型并预测之后 {horizon} 个月；条形为与实际相比的平均绝对百分比误差。"
        "朴素预测（重复上月）和季节性朴素预测（取去年同月）是需要超越的基准。"),
    "forecast.backtest_chart": ("Backtest error (MAPE) by method", "各方法回测误差（MAPE）"),
    "forecast.naive": ("Naive (last month)", "朴素（上月值）"),
    "forecast.seasonal_naive": ("Seasonal naive (a year before)", "季节性朴素（去年同月）"),
    "forecast.beats": ("The chosen model beats the seasonal-naive forecast in the backtest ({model} vs {naive}).",
                       "回测中所选模型优于季节性朴素预测（{model} 对比 {naive}）。"),
    "forecast.does_not_beat": (
        "The chosen model does not beat the seasonal-naive forecast in the backtest ({model} vs {naive}): "
        "treat the forecast with caution; last year's same month is as good a guide.",
        "回测中所选模型未能优于季节性朴素预测（{model} 对比 {naive}）：请谨慎使用该预测，去年同月的数值同样可以参考。"),
    "forecast.by_groups": ("Forecast by {by}", "按{by}预测"),
    "forecast.by_groups_caption": (
        "The {n} largest groups by the last 12 months; each is backtested with the model the total chose.",
        "近 12 个月最大的 {n} 个分组；每个分组使用总计所选模型进行回测。"),
    "forecast.group_not_enough": ("{group}: not enough history ({have} months).", "{group}：历史数据不足（{have} 个月）。"),
    "forecast.group_mape": ("MAPE {model} vs seasonal naive {naive}", "MAPE {model}，季节性朴素 {naive}"),
    # pipeline
    "forecast.pipeline": ("This quarter from the pipeline", "基于商机的本季度预测"),
    "forecast.pipeline_caption": (
        "Quarter {start} to {end}, as of {as_of}. Open deals expected to close by the quarter's end (including "
        "{overdue} whose expected date has passed) are weighted by the win rate of the stage they reached, "
        "fitted from {closed} closed deals.",
        "季度 {start} 至 {end}，截至 {as_of}。预计在季度末前成交的未关闭商机（含 {overdue} 个已过预计日期的商机）按其"
        "已到达阶段的赢单率加权，赢单率由 {closed} 个已关闭商机拟合。"),
    "forecast.no_closed": ("win rates by stage need closed (won or lost) deals", "按阶段的赢单率需要已关闭（赢单或丢单）的商机"),
    "forecast.quarter_chart": ("Quarter forecast against target", "本季度预测与目标"),
    "forecast.stage_chart": ("Win rate by stage reached (fitted from closed deals)", "各阶段赢单率（由已关闭商机拟合）"),
    "forecast.deals": ("Deals expected this quarter", "预计本季度成交的商机"),
    "forecast.category.commit": ("Commit", "承诺"),
    "forecast.category.best_case": ("Best case", "最佳情况"),
    "forecast.category.pipeline": ("Pipeline", "全部商机"),
    "forecast.step.booked": ("Booked", "已成交"),
    "forecast.step.forecast": ("Weighted forecast", "加权预测"),
    "forecast.step.run_rate": ("+ run-rate business", "+ 常规业务"),
    "forecast.run_rate_caption.forecast": (
        "Revenue that does not come through deals ({share} of the last year's revenue came through won deals) is "
        "expected at the monthly forecast's pace for the rest of the quarter.",
        "不经过商机的收入（过去一年 {share} 的销售额来自赢单商机）按月度预测的节奏计入本季度剩余天数。"),
    "forecast.run_rate_caption.trailing_90_days": (
        "Revenue that does not come through deals ({share} of the last year's revenue came through won deals) is "
        "expected at the last 90 days' daily pace for the rest of the quarter (too little history for the "
        "monthly forecast).",
        "不经过商机的收入（过去一年 {share} 的销售额来自赢单商机）按最近 90 天的日均水平计入本季度剩余天数"
        "（历史过短，无法使用月度预测）。"),
    "forecast.run_rate_caption.none": ("The quarter ends on the as-of day: nothing is left to expect.",
                                       "季度在截止日结束：无剩余天数需要预测。"),
    "forecast.col.deal": ("Deal", "商机"),
    "forecast.col.customer": ("Customer", "客户"),
    "forecast.col.rep": ("Rep", "销售代表"),
    "forecast.col.stage": ("Stage", "阶段"),
    "forecast.col.amount": ("Amount", "金额"),
    "forecast.col.expected_close": ("Expected close", "预计成交日期"),
    "forecast.col.overdue": ("Date passed", "已过预计日期"),
    "forecast.col.probability": ("Win probability", "赢单概率"),
    "forecast.col.expected_value": ("Expected value", "期望金额"),
    "forecast.col.category": ("Category", "类别"),
    "forecast.yes": ("yes", "是"),
    "forecast.no": ("no", "否"),
    "forecast.switch_win_model": (
        "Win probabilities here are the empirical win rate of the stage reached.",
        "此处的赢单概率为已到达阶段的历史赢单率。"),
}
