"""The real public data sets of ../shared/data/real load with a profile; totals match a hand computation.

The hand computations read the files with the csv module and plain Python, independently of the importer.
"""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from salesdash.ingest import import_file, load_profile
from tests.ingest.conftest import PROFILES, real

pytestmark = pytest.mark.real_data


def rows(path, **kw):
    with open(path, encoding=kw.pop("encoding", "utf-8-sig"), newline="") as f:
        return list(csv.DictReader(f, **kw))


def total(store, table, column):
    return float(store.execute(store.table(table)[column].sum()))


def test_maven_crm_pipeline_accounts_teams(store):
    base = ("maven_crm",)
    for file, table, prof in [("products.csv", "products", "maven_products.json"),
                              ("accounts.csv", "customers", "maven_accounts.json"),
                              ("sales_teams.csv", "reps", "maven_teams.json")]:
        r = import_file(store, real(*base, file), table=table, profile=load_profile(PROFILES / prof))
        assert r.loaded and r.ok, r.lines()
    pipeline = real(*base, "sales_pipeline.csv")
    prof = load_profile(PROFILES / "maven_pipeline.toml")
    refused = import_file(store, pipeline, table="opportunities", profile=prof)
    deals = rows(pipeline)
    no_date = [d for d in deals if not d["engage_date"]]
    assert not refused.loaded and store.count("opportunities") == 0
    assert [c.rows for c in refused.counts if c.kind == "missing_value"] == [len(no_date)]
    r = import_file(store, pipeline, table="opportunities", profile=prof, on_error="skip")
    assert r.loaded and r.rows_loadable == len(deals) - len(no_date)
    kept = [d for d in deals if d["engage_date"]]
    assert store.count("opportunities") == len(kept)
    assert total(store, "opportunities", "amount") == pytest.approx(sum(float(d["close_value"] or 0) for d in kept))
    won = store.execute(store.table("opportunities").filter(lambda o: o.status == "won").count())
    assert won == sum(d["deal_stage"] == "Won" for d in kept)
    # "GTXPro" in the pipeline is mapped onto the product "GTX Pro" by the profile
    gtx = store.execute(store.table("opportunities").filter(lambda o: o.product_id == "GTX Pro").count())
    assert gtx == sum(d["product"] in ("GTX Pro", "GTXPro") for d in kept)


def test_maven_near_miss_is_reported_without_the_fix(store, tmp_path):
    import_file(store, real("maven_crm", "products.csv"), table="products",
                profile=load_profile(PROFILES / "maven_products.json"))
    prof = load_profile(PROFILES / "maven_pipeline.toml")
    from dataclasses import replace

    plain = replace(prof, values={k: v for k, v in prof.values.items() if k != "product_id"})
    r = import_file(store, real("maven_crm", "sales_pipeline.csv"), table="opportunities", profile=plain,
                    dry_run=True)
    near = [p for p in r.problems if p.kind == "near_miss"]
    assert near and near[0].value == "GTXPro" and "GTX Pro" in near[0].expected


def test_superstore_raw_semicolons_decimal_commas_day_first_bom(store):
    path = real("superstore", "sample_superstore_raw.csv")
    r = import_file(store, path, table="orders", profile=load_profile(PROFILES / "superstore_orders.json"))
    assert r.loaded and r.ok, r.lines()
    assert r.encoding == "utf-8-sig" and r.delimiter == ";" and r.date_order == "dmy"
    lines = rows(path, delimiter=";")
    num = lambda s: Decimal(s.replace(".", "").replace(",", "."))  # noqa: E731
    assert store.count("orders") == len(lines) == 9994
    assert total(store, "orders", "revenue") == pytest.approx(float(sum(num(x["Sales"]) for x in lines)), abs=0.01)
    assert total(store, "orders", "cost") == pytest.approx(
        float(sum(num(x["Sales"]) - num(x["Profit"]) for x in lines)), abs=0.01)
    assert store.count("customers") == len({x["Customer ID"] for x in lines})
    first = store.execute(store.table("orders").filter(lambda o: o.order_id == lines[0]["Order ID"]))
    d, m, y = lines[0]["Order Date"].split("/")
    assert str(first["order_date"].iloc[0])[:10] == f"{y}-{m}-{d}"


@pytest.mark.parametrize("country", ["france", "germany"])
def test_online_retail_invoices(store, country):
    path = real("online_retail_subset", f"online_retail_{country}.csv")
    prof = load_profile(PROFILES / "online_retail_orders.json")
    r = import_file(store, path, table="orders", profile=prof, on_error="skip")
    assert r.loaded and r.date_order == "mdy"
    lines = rows(path)
    good = [x for x in lines if x["CustomerID"] and float(x["Quantity"]) >= 0 and float(x["UnitPrice"]) >= 0]
    assert r.rows_loadable == store.count("orders") == len(good)
    assert total(store, "orders", "revenue") == pytest.approx(
        sum(float(x["Quantity"]) * float(x["UnitPrice"]) for x in good), rel=1e-9)
    cancelled = [x for x in lines if x["InvoiceNo"].startswith("C")]
    assert sum(c.rows for c in r.counts if c.kind == "negative") >= len(cancelled) > 0


def test_olist_marketing_funnel(store):
    mql = real("olist_marketing_funnel", "olist_marketing_qualified_leads_dataset.csv")
    deals = real("olist_marketing_funnel", "olist_closed_deals_dataset.csv")
    r1 = import_file(store, mql, table="opportunities", profile=load_profile(PROFILES / "olist_mqls.json"))
    r2 = import_file(store, deals, table="customers", profile=load_profile(PROFILES / "olist_closed_deals.json"))
    assert r1.loaded and r2.loaded, r1.lines() + r2.lines()
    leads, won = rows(mql), rows(deals)
    assert store.count("opportunities") == len(leads) == 8000
    assert store.count("customers") == len(won) == 842
    by_origin = store.execute(store.table("opportunities").group_by("source").aggregate(n=lambda t: t.count()))
    want: dict[str, int] = {}
    for x in leads:
        want[x["origin"] or None] = want.get(x["origin"] or None, 0) + 1
    got = {(None if s is None or s != s else s): int(n) for s, n in zip(by_origin["source"], by_origin["n"])}
    assert got == want
