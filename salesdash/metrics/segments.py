"""The metrics of the Segments page (客户细分) and ``report segments``.

The page also shows ``customers`` and ``revenue`` from ``metrics/overview.py``.
"""

from __future__ import annotations

from salesdash.metrics import Metric

METRICS = (
    Metric(
        "segment_customers", "count", ("Customers in segment", "细分客户数"),
        ("Number of distinct customers with at least one order in the window who fall in the segment.",
         "窗口内至少下过一单、且属于该细分群体的不同客户数。"),
    ),
    Metric(
        "segment_revenue", "currency", ("Segment revenue", "细分销售额"),
        ("Net revenue in the window of the segment's customers.", "该细分群体客户在窗口内的净销售额。"),
    ),
    Metric(
        "segment_customer_share", "ratio", ("Share of customers", "客户占比"),
        ("Customers in the segment ÷ all buying customers in the window.",
         "细分客户数 ÷ 窗口内全部购买客户数。"),
        numerator="customers in the segment", denominator="buying customers",
    ),
    Metric(
        "segment_revenue_share", "ratio", ("Share of revenue", "销售额占比"),
        ("Segment revenue ÷ revenue of all buying customers in the window.",
         "细分销售额 ÷ 窗口内全部购买客户的销售额。"),
        numerator="segment revenue", denominator="revenue",
    ),
    Metric(
        "segment_growth", "ratio", ("Segment growth", "细分增长"),
        ("(Revenue of the segment's customers in the window − their revenue in the previous window of equal "
         "length) ÷ their previous revenue. Membership is decided in the current window.",
         "（细分客户本期销售额 − 同一批客户在等长上一期的销售额）÷ 上一期销售额。细分归属按本期确定。"),
        numerator="revenue change", denominator="previous revenue",
    ),
    Metric(
        "segment_revenue_per_customer", "currency", ("Revenue per customer", "客均销售额"),
        ("Revenue in the window ÷ buying customers in the window (the M of RFM, on average).",
         "窗口内销售额 ÷ 窗口内购买客户数（即 RFM 中 M 的平均值）。"),
        numerator="revenue", denominator="buying customers",
    ),
    Metric(
        "segment_recency", "days", ("Recency", "最近购买间隔"),
        ("Days from a customer's last order in the window to the last day of the window; the page shows the "
         "mean over customers. Fewer is better.",
         "客户在窗口内最后一次下单距窗口最后一天的天数；页面显示客户平均值。越少越好。"),
        higher_is_better=False,
    ),
    Metric(
        "segment_orders_per_customer", "number", ("Orders per customer", "客均订单数"),
        ("Distinct orders in the window ÷ buying customers (the F of RFM, on average).",
         "窗口内不同订单数 ÷ 购买客户数（即 RFM 中 F 的平均值）。"),
        numerator="orders", denominator="buying customers",
    ),
    Metric(
        "segment_repeat_share", "ratio", ("Repeat customers", "复购客户占比"),
        ("Customers with two or more orders in the window ÷ buying customers.",
         "窗口内下单两次及以上的客户数 ÷ 购买客户数。"),
        numerator="customers with 2+ orders", denominator="buying customers",
    ),
    Metric(
        "segment_rfm_score", "score", ("RFM score", "RFM 评分"),
        ("R, F and M each from 1 to the number of bins. With ascending thresholds t1…tn−1 (the window's "
         "quantiles, or values you type): F = 1 + number of thresholds below the customer's orders; "
         "M = 1 + number below the revenue; R = bins − number below the recency days (recent = high). "
         "Equal values get equal scores. Segments come from the R × F grid.",
         "R、F、M 各为 1 至分箱数。给定递增阈值 t1…tn−1（窗口内分位数或手动输入）：F = 1 + 低于该客户订单数的阈值个数；"
         "M = 1 + 低于其销售额的阈值个数；R = 分箱数 − 低于其最近购买间隔天数的阈值个数（越近越高）。"
         "相同数值得分相同。细分群体由 R × F 网格决定。"),
    ),
    Metric(
        "segment_aov", "currency", ("Average order value", "客单价"),
        ("A customer's revenue in the window ÷ their orders in the window; the profile shows the mean over "
         "the cluster's customers.",
         "客户窗口内销售额 ÷ 其窗口内订单数；画像中为该簇客户的平均值。"),
    ),
    Metric(
        "segment_discount_share", "ratio", ("Revenue on discount", "折扣购买占比"),
        ("Revenue of order lines with a discount ÷ the customer's revenue in the window (discount "
         "sensitivity).",
         "有折扣的订单明细销售额 ÷ 客户窗口内销售额（折扣敏感度）。"),
        numerator="discounted revenue", denominator="revenue",
    ),
    Metric(
        "segment_tenure", "days", ("Tenure", "客户年限"),
        ("Days from signup (or the first order in the window, when earlier or unknown) to the window's last day.",
         "从注册日（若更早则取窗口内首单日）到窗口最后一天的天数。"),
    ),
    Metric(
        "segment_silhouette", "number", ("Silhouette", "轮廓系数"),
        ("Mean over customers of (b − a) ÷ max(a, b), where a is the mean distance to the customer's own "
         "cluster and b to the nearest other cluster, in scaled feature space; −1 to 1, higher means better "
         "separated clusters (computed on up to 4,000 fitted customers).",
         "各客户 (b − a) ÷ max(a, b) 的平均值，a 为到本簇的平均距离，b 为到最近其他簇的平均距离（标准化特征空间）；"
         "取值 −1 至 1，越高表示簇分得越开（最多用 4,000 个拟合客户计算）。"),
    ),
    Metric(
        "segment_inertia", "number", ("Within-cluster sum of squares", "簇内平方和"),
        ("Sum over fitted customers of the squared distance to their cluster's mean, in scaled feature "
         "space; it always falls as k grows: choose k where the fall flattens (the elbow).",
         "拟合客户到所属簇均值的平方距离之和（标准化特征空间）；k 越大越小：在下降变缓处（肘部）选 k。"),
        higher_is_better=False,
    ),
    Metric(
        "segment_bic", "number", ("BIC", "BIC 信息准则"),
        ("Bayesian information criterion of the Gaussian mixture: −2 × log-likelihood + parameters × "
         "ln(customers); lower is better.",
         "高斯混合模型的贝叶斯信息准则：−2 × 对数似然 + 参数个数 × ln(客户数)；越低越好。"),
        higher_is_better=False,
    ),
    Metric(
        "segment_ari", "number", ("Agreement (adjusted Rand index)", "一致性（调整兰德指数）"),
        ("How often two clusterings put the same pairs of customers together, corrected for chance: 1 = "
         "identical, 0 = no better than random. Above 0.8 a segmentation is stable; below 0.5 it is mostly "
         "noise.",
         "两种聚类把同一对客户分在一起的一致程度（已校正随机）：1 为完全相同，0 相当于随机。"
         "高于 0.8 说明细分稳定，低于 0.5 多为噪声。"),
    ),
)
