"""The canonical data model: one source of truth for the DDL, import validation and the docs.

Every table is a :class:`Table` of :class:`Column` objects. A column knows its type, whether it is
required, the codes it allows, the key it references and a short description in English and Chinese.
`store.create_schema()` builds the tables from here, `ingest` validates against it, and
`python -m salesdash schema` prints it as documentation.

Types are a small vocabulary mapped to ibis types, so the same model runs on DuckDB or any other engine:
``string``, ``int``, ``float``, ``bool``, ``date``, ``timestamp`` and ``json`` (JSON text: extra
attributes such as CRM custom fields, kept rather than dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.schema as sch

__all__ = [
    "Column",
    "Table",
    "TABLES",
    "STAGES",
    "OPEN_STAGES",
    "IMPORT_ID",
    "table",
    "ibis_schema",
]

#: Funnel stages in order: 潜在客户 -> 意向客户 -> 沟通客户 -> 成交客户.
STAGES: tuple[str, ...] = ("prospect", "intent", "engaged", "won")
OPEN_STAGES: tuple[str, ...] = STAGES[:-1]

#: A column every canonical table has in the store but not in the canonical format: the import that wrote
#: the row (``_import_log.import_id``), NULL for rows written otherwise (the demo). Undo deletes by it, and
#: an import checks the rows it just wrote by it. ``Store.table`` leaves it out.
IMPORT_ID = "_import_id"

_IBIS_TYPES = {
    "string": "string",
    "int": "int64",
    "float": "float64",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "json": "string",
}


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    Parameters
    ----------
    name : the canonical column name (the import contract).
    type : one of string, int, float, bool, date, timestamp, json.
    required : a row without a value here is rejected.
    allowed : the codes the column may hold (``None``: any value).
    ref : ``"table.column"`` this column references (``None``: no reference).
    minimum, maximum : bounds for numbers (inclusive).
    en, zh : what the column means, for people.
    """

    name: str
    type: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    ref: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    en: str = ""
    zh: str = ""

    def __post_init__(self) -> None:
        if self.type not in _IBIS_TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns, its key and the column that places a row in time."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    date_column: str | None = None
    en: str = ""
    zh: str = ""
    internal: bool = False
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))
        missing = [k for k in self.key if k not in self.column_names]
        if missing:
            raise ValueError(f"table {self.name}: key columns {missing} are not columns")

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name!r}")

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def C(name: str, type: str = "string", en: str = "", zh: str = "", **kw) -> Column:  # noqa: N802
    return Column(name=name, type=type, en=en, zh=zh, **kw)


REGIONS = ("north", "northeast", "east", "south", "central", "southwest", "northwest")
CHANNEL_TYPES = ("online_store", "own_store", "sales_team", "distributor", "partner", "marketplace")
CAMPAIGN_TYPES = ("online_presale", "offline_presale", "limited_discount", "member_only")
RESERVATION_STATUSES = ("pending", "converted", "cancelled", "refunded")
OPPORTUNITY_STATUSES = ("open", "won", "lost")
ACTIVITY_TYPES = ("call", "email", "meeting", "visit", "social")
INCOME_BANDS = ("low", "lower_middle", "middle", "upper_middle", "high")
SEVERITIES = ("low", "medium", "high", "critical")
COMPLAINT_STATUSES = ("open", "in_progress", "resolved")

_TABLES: tuple[Table, ...] = (
    Table(
        "customers",
        (
            C("customer_id", required=True, en="Customer key", zh="客户编号"),
            C("name", en="Customer name", zh="客户名称"),
            C("kind", allowed=("person", "company"), en="Person or company", zh="个人或企业"),
            C("gender", allowed=("female", "male", "other"), en="Gender", zh="性别"),
            C("birth_year", "int", minimum=1900, maximum=2030, en="Year of birth", zh="出生年份"),
            C("income_band", allowed=INCOME_BANDS, en="Income band", zh="收入档次"),
            C("occupation", en="Occupation", zh="职业"),
            C("industry", en="Industry (companies)", zh="行业"),
            C("company_size", en="Company size band", zh="企业规模"),
            C("city", en="City", zh="城市"),
            C("city_tier", "int", minimum=1, maximum=5, en="City tier (1 = largest)", zh="城市等级"),
            C("province", en="Province or state", zh="省份"),
            C("region", en="Sales region", zh="销售大区"),
            C("country", en="Country", zh="国家"),
            C("signup_date", "date", en="First became a customer or lead", zh="注册日期"),
            C("acquisition_channel_id", ref="channels.channel_id", en="Channel that won the customer",
              zh="获客渠道"),
            C("is_member", "bool", en="Member of the loyalty programme", zh="是否会员"),
            C("extra", "json", en="Other attributes from the source (JSON)", zh="其他属性（JSON）"),
        ),
        key=("customer_id",),
        date_column="signup_date",
        en="Customers and accounts",
        zh="客户",
    ),
    Table(
        "products",
        (
            C("product_id", required=True, en="Product key", zh="产品编号"),
            C("name", en="Product name", zh="产品名称"),
            C("category", en="Product category", zh="品类"),
            C("list_price", "float", minimum=0, en="List price", zh="标价"),
            C("unit_cost", "float", minimum=0, en="Unit cost", zh="单位成本"),
            C("launch_date", "date", en="Launch date", zh="上市日期"),
        ),
        key=("product_id",),
        en="Products",
        zh="产品",
    ),
    Table(
        "channels",
        (
            C("channel_id", required=True, en="Channel key", zh="渠道编号"),
            C("name", en="Channel name", zh="渠道名称"),
            C("kind", allowed=("direct", "indirect"), en="Direct or indirect", zh="直销或分销"),
            C("type", allowed=CHANNEL_TYPES, en="Channel type", zh="渠道类型"),
            C("partner_name", en="Partner or distributor", zh="合作伙伴/经销商"),
        ),
        key=("channel_id",),
        en="Sales channels",
        zh="销售渠道",
    ),
    Table(
        "reps",
        (
            C("rep_id", required=True, en="Sales rep key", zh="销售代表编号"),
            C("name", en="Name", zh="姓名"),
            C("team", en="Team", zh="团队"),
            C("manager", en="Manager", zh="经理"),
            C("region", en="Region", zh="大区"),
            C("hire_date", "date", en="Hire date", zh="入职日期"),
        ),
        key=("rep_id",),
        en="Sales reps",
        zh="销售代表",
    ),
    Table(
        "targets",
        (
            C("rep_id", required=True, ref="reps.rep_id", en="Sales rep", zh="销售代表"),
            C("month", "date", required=True, en="Month (first day)", zh="月份"),
            C("target_amount", "float", required=True, minimum=0, en="Revenue target", zh="销售目标"),
        ),
        key=("rep_id", "month"),
        date_column="month",
        en="Monthly targets (quota) per rep",
        zh="月度销售目标",
    ),
    Table(
        "campaigns",
        (
            C("campaign_id", required=True, en="Campaign key", zh="活动编号"),
            C("name", en="Campaign name", zh="活动名称"),
            C("type", allowed=CAMPAIGN_TYPES, en="Campaign type", zh="活动类型"),
            C("product_id", ref="products.product_id", en="Product", zh="产品"),
            C("channel_id", ref="channels.channel_id", en="Channel", zh="渠道"),
            C("start_date", "date", en="Start", zh="开始日期"),
            C("end_date", "date", en="End", zh="结束日期"),
            C("discount", "float", minimum=0, maximum=1, en="Discount (fraction of price)", zh="折扣率"),
            C("deposit", "float", minimum=0, en="Deposit per reservation", zh="定金"),
            C("budget", "float", minimum=0, en="Budget", zh="预算"),
            C("target_segment", en="Target customer group", zh="目标客群"),
        ),
        key=("campaign_id",),
        date_column="start_date",
        en="Presale campaigns and promotions",
        zh="预售与促销活动",
    ),
    Table(
        "reservations",
        (
            C("reservation_id", required=True, en="Reservation key", zh="预订编号"),
            C("campaign_id", required=True, ref="campaigns.campaign_id", en="Campaign", zh="活动"),
            C("customer_id", ref="customers.customer_id", en="Customer", zh="客户"),
            C("reserved_at", "timestamp", required=True, en="Reserved at", zh="预订时间"),
            C("deposit", "float", minimum=0, en="Deposit paid", zh="已付定金"),
            C("status", allowed=RESERVATION_STATUSES, required=True, en="Status", zh="状态"),
            C("final_paid_at", "timestamp", en="Final payment at", zh="尾款支付时间"),
            C("order_id", en="Resulting order", zh="对应订单"),
        ),
        key=("reservation_id",),
        date_column="reserved_at",
        en="Presale reservations (deposits)",
        zh="预售预订",
    ),
    Table(
        "opportunities",
        (
            C("opportunity_id", required=True, en="Opportunity key", zh="商机编号"),
            C("customer_id", ref="customers.customer_id", en="Customer", zh="客户"),
            C("rep_id", ref="reps.rep_id", en="Owner", zh="负责人"),
            C("channel_id", ref="channels.channel_id", en="Channel", zh="渠道"),
            C("product_id", ref="products.product_id", en="Product", zh="产品"),
            C("campaign_id", ref="campaigns.campaign_id", en="Campaign", zh="活动"),
            C("source", en="Lead source", zh="线索来源"),
            C("created_at", "timestamp", required=True, en="Created", zh="创建时间"),
            C("stage", allowed=STAGES, required=True, en="Furthest stage reached", zh="阶段"),
            C("status", allowed=OPPORTUNITY_STATUSES, required=True, en="Open, won or lost", zh="状态"),
            C("amount", "float", minimum=0, en="Deal value", zh="金额"),
            C("expected_close_date", "date", en="Expected close date", zh="预计成交日期"),
            C("closed_at", "timestamp", en="Closed (won or lost)", zh="关闭时间"),
            C("lost_reason", en="Why it was lost", zh="丢单原因"),
            C("probability", "float", minimum=0, maximum=1, en="Win probability recorded in the CRM",
              zh="CRM 记录的赢率"),
            C("extra", "json", en="Other attributes from the source (JSON)", zh="其他属性（JSON）"),
        ),
        key=("opportunity_id",),
        date_column="created_at",
        en="Opportunities (deals)",
        zh="商机",
    ),
    Table(
        "stage_history",
        (
            C("opportunity_id", required=True, ref="opportunities.opportunity_id", en="Opportunity",
              zh="商机"),
            C("stage", allowed=STAGES, required=True, en="Stage entered", zh="进入的阶段"),
            C("entered_at", "timestamp", required=True, en="Entered at", zh="进入时间"),
        ),
        key=("opportunity_id", "stage"),
        date_column="entered_at",
        en="When each opportunity entered each stage",
        zh="商机阶段历史",
    ),
    Table(
        "opportunity_snapshots",
        (
            C("snapshot_date", "date", required=True, en="Snapshot date", zh="快照日期"),
            C("opportunity_id", required=True, ref="opportunities.opportunity_id", en="Opportunity",
              zh="商机"),
            C("stage", allowed=STAGES, en="Stage", zh="阶段"),
            C("status", allowed=OPPORTUNITY_STATUSES, en="Status", zh="状态"),
            C("amount", "float", minimum=0, en="Amount", zh="金额"),
            C("expected_close_date", "date", en="Expected close date", zh="预计成交日期"),
        ),
        key=("snapshot_date", "opportunity_id"),
        date_column="snapshot_date",
        en="Pipeline snapshots (the pipeline as it stood on a date)",
        zh="商机快照",
    ),
    Table(
        "orders",
        (
            C("order_id", required=True, en="Order", zh="订单编号"),
            C("line", "int", required=True, minimum=1, en="Line number", zh="行号"),
            C("customer_id", ref="customers.customer_id", required=True, en="Customer", zh="客户"),
            C("product_id", ref="products.product_id", en="Product", zh="产品"),
            C("channel_id", ref="channels.channel_id", en="Channel", zh="渠道"),
            C("rep_id", ref="reps.rep_id", en="Sales rep", zh="销售代表"),
            C("campaign_id", ref="campaigns.campaign_id", en="Campaign", zh="活动"),
            C("order_date", "date", required=True, en="Order date", zh="下单日期"),
            C("quantity", "float", minimum=0, en="Quantity", zh="数量"),
            C("unit_price", "float", minimum=0, en="Unit price", zh="单价"),
            C("discount", "float", minimum=0, maximum=1, en="Discount (fraction)", zh="折扣率"),
            C("revenue", "float", required=True, en="Net revenue of the line", zh="销售额"),
            C("cost", "float", en="Cost of goods of the line", zh="成本"),
            C("due_date", "date", en="Payment due", zh="应收日期"),
            C("paid_date", "date", en="Paid on", zh="回款日期"),
            C("extra", "json", en="Other attributes from the source (JSON)", zh="其他属性（JSON）"),
        ),
        key=("order_id", "line"),
        date_column="order_date",
        en="Order lines",
        zh="订单明细",
    ),
    Table(
        "activities",
        (
            C("activity_id", required=True, en="Activity key", zh="活动记录编号"),
            C("customer_id", ref="customers.customer_id", en="Customer", zh="客户"),
            C("opportunity_id", ref="opportunities.opportunity_id", en="Opportunity", zh="商机"),
            C("rep_id", ref="reps.rep_id", en="Sales rep", zh="销售代表"),
            C("type", allowed=ACTIVITY_TYPES, required=True, en="Call, email, meeting, visit, social",
              zh="类型"),
            C("occurred_at", "timestamp", required=True, en="When", zh="时间"),
            C("outcome", en="Outcome", zh="结果"),
        ),
        key=("activity_id",),
        date_column="occurred_at",
        en="Sales activities (calls, emails, meetings, visits)",
        zh="销售活动记录",
    ),
    Table(
        "feedback",
        (
            C("feedback_id", required=True, en="Feedback key", zh="反馈编号"),
            C("customer_id", ref="customers.customer_id", en="Customer", zh="客户"),
            C("submitted_at", "timestamp", required=True, en="Submitted", zh="提交时间"),
            C("channel", en="Where it was collected", zh="反馈渠道"),
            C("product_id", ref="products.product_id", en="Product", zh="产品"),
            C("rep_id", ref="reps.rep_id", en="Sales rep", zh="销售代表"),
            C("nps", "int", minimum=0, maximum=10, en="Likelihood to recommend (0-10)", zh="推荐意愿 (0-10)"),
            C("csat", "int", minimum=1, maximum=5, en="Satisfaction (1-5)", zh="满意度 (1-5)"),
            C("comment", en="Comment", zh="评论"),
            C("language", en="Language of the comment (en, zh)", zh="评论语言"),
        ),
        key=("feedback_id",),
        date_column="submitted_at",
        en="Customer feedback (NPS, CSAT, comments)",
        zh="客户反馈",
    ),
    Table(
        "complaints",
        (
            C("ticket_id", required=True, en="Ticket", zh="工单编号"),
            C("customer_id", ref="customers.customer_id", en="Customer", zh="客户"),
            C("opened_at", "timestamp", required=True, en="Opened", zh="创建时间"),
            C("category", en="Category", zh="类别"),
            C("severity", allowed=SEVERITIES, en="Severity", zh="严重程度"),
            C("resolved_at", "timestamp", en="Resolved", zh="解决时间"),
            C("status", allowed=COMPLAINT_STATUSES, en="Status", zh="状态"),
            C("product_id", ref="products.product_id", en="Product", zh="产品"),
            C("order_id", en="Order concerned", zh="相关订单"),
        ),
        key=("ticket_id",),
        date_column="opened_at",
        en="Complaints",
        zh="投诉",
    ),
    Table(
        "survey_responses",
        (
            C("response_id", required=True, en="Response key", zh="问卷编号"),
            C("surveyed_at", "date", required=True, en="Survey date", zh="调查日期"),
            C("age", "int", minimum=10, maximum=110, en="Age", zh="年龄"),
            C("gender", allowed=("female", "male", "other"), en="Gender", zh="性别"),
            C("income_band", allowed=INCOME_BANDS, en="Income band", zh="收入档次"),
            C("occupation", en="Occupation", zh="职业"),
            C("city", en="City", zh="城市"),
            C("region", en="Region", zh="大区"),
            C("category", en="Product category asked about", zh="调查品类"),
            C("interest", "int", minimum=1, maximum=5, en="Interest (1-5)", zh="兴趣 (1-5)"),
            C("purchase_intent", "int", minimum=1, maximum=5, en="Purchase intent (1-5)", zh="购买意向 (1-5)"),
            C("too_cheap", "float", minimum=0, en="Price so low quality is doubted", zh="太便宜（怀疑质量）"),
            C("cheap", "float", minimum=0, en="A bargain", zh="便宜（划算）"),
            C("expensive", "float", minimum=0, en="Getting expensive", zh="贵（仍会考虑）"),
            C("too_expensive", "float", minimum=0, en="Too expensive to consider", zh="太贵（不会考虑）"),
            C("preferred_channel", en="Preferred channel type", zh="偏好渠道"),
            C("brand_used", en="Brand used now", zh="当前使用品牌"),
        ),
        key=("response_id",),
        date_column="surveyed_at",
        en="Market survey responses",
        zh="市场调研问卷",
    ),
    Table(
        "market",
        (
            C("month", "date", required=True, en="Month (first day)", zh="月份"),
            C("region", required=True, en="Region", zh="大区"),
            C("category", required=True, en="Category", zh="品类"),
            C("market_size", "float", minimum=0, en="Total market sales", zh="市场规模"),
            C("competitor", required=True, en="Competitor", zh="竞争对手"),
            C("competitor_sales", "float", minimum=0, en="Competitor's sales", zh="竞争对手销售额"),
            C("competitor_price", "float", minimum=0, en="Competitor's average price", zh="竞争对手均价"),
        ),
        key=("month", "region", "category", "competitor"),
        date_column="month",
        en="Market size and competitors",
        zh="市场规模与竞争对手",
    ),
    Table(
        "marketing_spend",
        (
            C("month", "date", required=True, en="Month (first day)", zh="月份"),
            C("channel_id", ref="channels.channel_id", en="Channel", zh="渠道"),
            C("campaign_id", ref="campaigns.campaign_id", en="Campaign", zh="活动"),
            C("spend", "float", required=True, minimum=0, en="Spend", zh="投入"),
        ),
        key=("month", "channel_id", "campaign_id"),
        date_column="month",
        en="Marketing spend",
        zh="营销投入",
    ),
    Table(
        "segment_members",
        (
            C("segmentation_id", required=True, en="Saved segmentation", zh="细分方案"),
            C("customer_id", required=True, ref="customers.customer_id", en="Customer", zh="客户"),
            C("segment", required=True, en="Segment name", zh="细分群体"),
        ),
        key=("segmentation_id", "customer_id"),
        en="Saved segmentations: which customer is in which segment",
        zh="已保存的客户细分",
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in _TABLES}


def table(name: str) -> Table:
    """The canonical table called `name`; ``KeyError`` naming the known tables otherwise."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}") from None


def ibis_schema(name: str) -> sch.Schema:
    """The ibis schema of a canonical table (portable DDL for any ibis backend)."""
    return ibis.schema({c.name: _IBIS_TYPES[c.type] for c in table(name).columns})
