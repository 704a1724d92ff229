"""The Overview page."""

TEXTS = {
    "overview.title": ("Overview", "经营总览"),
    "overview.caption": ("The headline figures for {window}, against the previous period and target.",
                         "{window} 的核心指标，对比上期与目标。"),
    "overview.trend": ("Revenue and gross profit by month", "月度销售额与毛利"),
    "overview.by_region": ("Revenue by region", "各大区销售额"),
    "overview.by_channel": ("Revenue and margin by channel", "各渠道销售额与毛利率"),
    "overview.growth": ("Growth", "增长"),
    "overview.yoy": ("vs a year before", "同比"),
    "overview.nps_too_few": ("{n} responses (at least {min} needed)", "{n} 条回复（至少需要 {min} 条）"),
    "overview.no_target": ("no target", "无目标"),
    "overview.region": ("Region", "大区"),
    "overview.channel": ("Channel", "渠道"),
    "overview.kind": ("Kind", "类型"),
    "overview.table": ("Figures behind the charts", "图表数据"),
}
