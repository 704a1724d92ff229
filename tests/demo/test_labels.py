"""Every code the demo writes has an English and a Chinese label (salesdash/i18n/texts/demo_data.py)."""

from __future__ import annotations

import re

import pytest

from salesdash.i18n import label, set_language
from salesdash.i18n.texts.demo_data import TEXTS

# (table, column) -> label kind
CODED_COLUMNS = {
    ("customers", "kind"): "customer_kind",
    ("customers", "gender"): "gender",
    ("customers", "income_band"): "income_band",
    ("customers", "occupation"): "occupation",
    ("customers", "industry"): "industry",
    ("customers", "company_size"): "company_size",
    ("customers", "city"): "city",
    ("customers", "province"): "province",
    ("customers", "region"): "region",
    ("products", "category"): "category",
    ("channels", "name"): "channel_name",
    ("channels", "kind"): "channel_kind",
    ("channels", "type"): "channel_type",
    ("reps", "team"): "team",
    ("reps", "region"): "region",
    ("campaigns", "type"): "campaign_type",
    ("campaigns", "target_segment"): "target_segment",
    ("reservations", "status"): "reservation_status",
    ("opportunities", "stage"): "stage",
    ("opportunities", "status"): "status",
    ("opportunities", "source"): "source",
    ("opportunities", "lost_reason"): "lost_reason",
    ("stage_history", "stage"): "stage",
    ("opportunity_snapshots", "stage"): "stage",
    ("opportunity_snapshots", "status"): "status",
    ("activities", "type"): "activity_type",
    ("activities", "outcome"): "activity_outcome",
    ("feedback", "channel"): "feedback_channel",
    ("feedback", "language"): "comment_language",
    ("complaints", "category"): "complaint_category",
    ("complaints", "severity"): "severity",
    ("complaints", "status"): "complaint_status",
    ("survey_responses", "gender"): "gender",
    ("survey_responses", "income_band"): "income_band",
    ("survey_responses", "occupation"): "occupation",
    ("survey_responses", "city"): "city",
    ("survey_responses", "region"): "region",
    ("survey_responses", "category"): "category",
    ("survey_responses", "preferred_channel"): "channel_type",
    ("survey_responses", "brand_used"): "competitor",
    ("market", "region"): "region",
    ("market", "category"): "category",
    ("market", "competitor"): "competitor",
}
STRING_COLUMNS_NOT_CODES = {"customer_id", "name", "product_id", "channel_id", "rep_id", "manager", "campaign_id",
                            "reservation_id", "order_id", "opportunity_id", "activity_id", "feedback_id",
                            "ticket_id", "response_id", "partner_name", "comment", "country",
                            "acquisition_channel_id", "extra"}


def test_every_code_has_a_label(demo_company):
    missing = {}
    for (table, column), kind in CODED_COLUMNS.items():
        for code in demo_company.tables[table][column].dropna().unique():
            if f"{kind}.{code}" not in TEXTS:
                missing.setdefault(f"{table}.{column}", []).append(code)
    assert not missing, missing


def test_no_string_column_is_left_unlabelled(demo_company):
    for table, frame in demo_company.tables.items():
        for column in frame.columns:
            if frame[column].dtype == "str" and column not in STRING_COLUMNS_NOT_CODES:
                assert (table, column) in CODED_COLUMNS, f"{table}.{column} holds codes without labels"


def test_texts_use_only_data_prefixes():
    reserved = ("common.", "overview.", "filters.", "metric.", "nav.")
    assert not [k for k in TEXTS if k.startswith(reserved)]
    for key, (en, zh) in TEXTS.items():
        assert en.strip() and zh.strip(), key
        assert re.search(r"[\u4e00-\u9fff]", zh) or zh == en, key


@pytest.mark.parametrize("kind, code, en, zh", [
    ("stage", "intent", "Intent", "意向客户"),
    ("region", "northwest", "Northwest China", "西北"),
    ("city", "Xi'an", "Xi'an", "西安"),
    ("team", "Key Accounts", "Key Accounts", "大客户部"),
    ("channel_name", "Solution partners", "Solution partners", "解决方案合作伙伴"),
])
def test_label_translates(kind, code, en, zh):
    set_language("zh")
    assert label(kind, code) == zh
    set_language("en")
    assert label(kind, code) == en
