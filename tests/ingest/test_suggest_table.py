"""Which table an uploaded file holds, from its headers alone (the Data page preselects it)."""

from __future__ import annotations

import pytest

from salesdash.ingest import matching_preset, read_table, suggest_table
from tests.ingest.conftest import SAMPLES, write


@pytest.mark.parametrize("sample, table, preset", [
    ("zoho_deals.csv", "opportunities", "zoho_deals"),
    ("zoho_accounts.csv", "customers", "zoho_accounts"),
    ("hubspot_deals.csv", "opportunities", "hubspot_deals"),
    ("salesforce_opportunities.csv", "opportunities", "salesforce_opportunities"),
    ("fxiaoke_opportunities.csv", "opportunities", "fxiaoke_opportunities"),
    ("fxiaoke_accounts.xlsx", "customers", "fxiaoke_accounts"),
])
def test_crm_exports_are_recognised(sample, table, preset):
    raw = read_table(SAMPLES / sample)
    assert suggest_table(raw) == table and matching_preset(raw) == preset


def test_files_without_a_preset_go_by_their_column_names(tmp_path):
    orders = write(tmp_path / "o.csv", "order_id,line,customer_id,order_date,revenue\nO1,1,C1,2024-01-01,5\n")
    products = write(tmp_path / "p.csv", "SKU,Product Name,Category,List Price\nP1,Phone,electronics,99\n")
    chinese = write(tmp_path / "c.csv", "客户编号,名称,城市,行业\nC1,甲公司,上海,制造\n")
    odd = write(tmp_path / "x.csv", "alpha,beta\n1,2\n")
    got = [suggest_table(read_table(p)) for p in (orders, products, chinese, odd)]
    assert got == ["orders", "products", "customers", "orders"]
    assert matching_preset(read_table(orders)) is None
