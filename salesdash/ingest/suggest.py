"""Suggest a profile from a file's headers and values; the user confirms or edits it.

A built-in preset wins when most of its columns are present. Otherwise headers are matched to canonical
columns by name and by common synonyms (English and Chinese); a flat export's customer, product, channel
and rep columns also fill those tables; revenue and cost are derived when only quantity x unit price or
sales - profit are there; stage and status values are mapped by keywords.
"""

from __future__ import annotations

import re

import pandas as pd

from salesdash import schema
from salesdash.ingest.profile import Profile, norm, preset, preset_names
from salesdash.ingest.readers import RawTable

__all__ = ["matching_preset", "suggest_profile", "suggest_table", "SYNONYMS"]

#: canonical column -> other names it goes by in exports (compared with :func:`norm`).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "order_id": ("order id", "invoice", "invoiceno", "invoice no", "订单号", "订单编号", "单号"),
    "line": ("line no", "row id", "行号"),
    "customer_id": ("customer", "customerid", "client id", "account", "account id", "客户编号", "客户id", "客户"),
    "product_id": ("product", "productid", "sku", "stockcode", "stock code", "item", "产品编号", "商品编号", "产品"),
    "channel_id": ("channel", "渠道", "sales channel"),
    "rep_id": ("rep", "sales rep", "salesperson", "sales agent", "owner", "deal owner", "负责人", "销售", "销售代表"),
    "order_date": ("date", "orderdate", "invoicedate", "invoice date", "下单日期", "订单日期", "日期"),
    "quantity": ("qty", "units", "数量"),
    "unit_price": ("price", "unitprice", "单价"),
    "revenue": ("sales", "amount", "total", "销售额", "金额", "收入"),
    "discount": ("折扣",),
    "opportunity_id": ("opportunity", "deal id", "record id", "商机编号"),
    "stage": ("deal stage", "dealstage", "stagename", "sales stage", "销售阶段", "阶段"),
    "status": ("deal status", "状态", "商机状态"),
    "amount": ("deal value", "close value", "value", "商机金额", "金额"),
    "created_at": ("created", "create date", "created date", "created time", "engage date", "创建时间"),
    "expected_close_date": ("close date", "closing date", "closedate", "预计成交日期", "结单日期"),
    "closed_at": ("closed date", "won date", "关闭时间"),
    "name": ("name", "customer name", "full name", "名称", "姓名"),
    "city": ("城市", "市"),
    "province": ("state", "省份", "省"),
    "country": ("country/region", "国家"),
    "region": ("regional office", "区域", "大区"),
    "industry": ("sector", "行业"),
    "signup_date": ("first contact date", "created time", "注册日期"),
    "manager": ("sales manager", "经理"),
    "category": ("品类", "类别"),
    "list_price": ("sales price", "price", "标价"),
}

_STAGE_WORDS = (
    ("won", r"won|成交|赢"), ("prospect", r"lost|输|丢|prospect|qualif|lead|线索|验证|初步"),
    ("intent", r"need|interest|intent|意向|需求|appointment"),
    ("engaged", r"engag|proposal|negotia|quote|decision|contract|方案|谈判|报价|沟通"),
)
_STATUS_WORDS = (("won", r"won|成交|赢"), ("lost", r"lost|输|丢|无效"))


def matching_preset(raw: RawTable, table: str | None = None) -> str | None:
    """The name of the preset (for `table`, or any) at least half of whose source columns, and at least
    three, are among the file's headers; the best such; None when there is none."""
    present = {norm(h) for h in raw.frame.columns}
    best, best_score = None, 0.0
    for name in preset_names():
        prof = preset(name)
        if table is not None and prof.table != table:
            continue
        specs = [s for s in prof.columns.values() if isinstance(s, list)]
        hits = sum(1 for s in specs if any(norm(h) in present for h in s))
        score = hits / max(len(specs), 1)
        if hits >= 3 and score > best_score:
            best, best_score = name, score
    return best if best is not None and best_score >= 0.5 else None


def suggest_profile(raw: RawTable, table: str) -> Profile:
    """A profile for loading `raw` into `table`: the best matching preset, or one built from the headers."""
    name = matching_preset(raw, table)
    return preset(name) if name is not None else _from_headers(raw, table)


def suggest_table(raw: RawTable) -> str:
    """The canonical table a file most likely holds: the table of a matching preset (a Zoho deals export:
    opportunities), else the table most of whose columns the headers name (by name or synonym; its key
    counts double), else orders."""
    name = matching_preset(raw)
    if name is not None:
        return preset(name).table
    present = {norm(h) for h in raw.frame.columns}

    def named(column: str) -> bool:
        return norm(column) in present or any(norm(s) in present for s in SYNONYMS.get(column, ()))

    scores = {}
    for tbl in schema.TABLES.values():
        if tbl.internal:
            continue
        scores[tbl.name] = sum((2 if c.name in tbl.key else 1) * named(c.name) for c in tbl.columns)
    table, score = max(scores.items(), key=lambda kv: kv[1])   # ties: the schema's order (orders first)
    return table if score > 0 else "orders"


def _from_headers(raw: RawTable, table: str) -> Profile:
    tbl = schema.table(table)
    by_norm = {norm(h): h for h in raw.frame.columns}
    used: set[str] = set()
    columns: dict[str, str] = {}

    def take(column: str, names: tuple[str, ...]) -> str | None:
        for n in names:
            h = by_norm.get(norm(n))
            if h is not None and h not in used:
                return h
        return None

    for c in tbl.columns:  # exact canonical names first
        h = by_norm.get(norm(c.name))
        if h is not None:
            columns[c.name] = h
            used.add(h)
    for c in tbl.columns:
        if c.name not in columns:
            h = take(c.name, SYNONYMS.get(c.name, ()))
            if h is not None:
                columns[c.name] = h
                used.add(h)
    if table == "orders":
        q, p = by_norm.get("quantity") or columns.get("quantity"), columns.get("unit_price")
        if "revenue" not in columns and q and p:
            columns["revenue"] = f"= {{{q}}} * {{{p}}}"
        profit = by_norm.get("profit")
        if "cost" not in columns and profit and "revenue" in columns and not columns["revenue"].startswith("="):
            columns["cost"] = f"= {{{columns['revenue']}}} - {{{profit}}}"
            used.add(profit)
    # a flat export: the referenced tables come from the same file
    for c in tbl.columns:
        if c.ref and c.name in columns and not columns[c.name].startswith("="):
            ref_table, ref_col = c.ref.split(".")
            if ref_table == table:
                continue
            columns[f"{ref_table}.{ref_col}"] = columns[c.name]
            for other in schema.table(ref_table).columns:
                if other.name == ref_col:
                    continue
                words = [f"{ref_table[:-1]} {other.name}", f"{ref_col[:-3]} {other.name}"]
                if other.name != "name":
                    words += [other.name, *SYNONYMS.get(other.name, ())]
                h = take(other.name, tuple(words))
                if h is not None:
                    columns[f"{ref_table}.{other.name}"] = h
                    used.add(h)
    values: dict[str, dict[str, str]] = {}
    for column, words in (("stage", _STAGE_WORDS), ("status", _STATUS_WORDS)):
        h = columns.get(column)
        if h is None or column not in tbl.column_names:
            continue
        values[column] = _keyword_map(raw.frame[h], words, default="open" if column == "status" else None)
    if table == "opportunities" and "stage" in columns and "status" not in columns:
        columns["status"] = columns["stage"]
        values["status"] = _keyword_map(raw.frame[columns["stage"]], _STATUS_WORDS, default="open")
    return Profile(table=table, columns=columns, values=values, name="suggested")


def _keyword_map(series: pd.Series, words: tuple[tuple[str, str], ...], *, default: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in series.dropna().astype(str).unique()[:200]:
        for code, pattern in words:
            if re.search(pattern, v, flags=re.IGNORECASE):
                out[v] = code
                break
        else:
            if default is not None:
                out[v] = default
    return out
