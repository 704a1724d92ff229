"""Canonical loads, the validation report, modes, atomicity, history and undo."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from salesdash.i18n import set_language
from salesdash.ingest import Profile, export_table, import_file, import_history, undo_last_import
from tests.ingest.conftest import write

CUSTOMERS = ("customer_id,name,kind,city,signup_date,is_member\n"
             "C1,Alice,person,Shanghai,2024-01-02,yes\nC2,Bolt Ltd,company,Beijing,2024-02-03,no\n"
             "GTX Pro,Pro Shop,company,Shenzhen,2024-02-04,no\n")
ORDERS = ("order_id,line,customer_id,order_date,quantity,unit_price,revenue\n"
          "O1,1,C1,2024-03-01,2,50.25,100.5\nO1,2,C2,2024-03-01,1,50,50\nO2,1,C2,2024-03-02,3,10,30\n")


def table(store, name):
    return store.execute(store.table(name).order_by(list(store.table(name).columns[:2])))


def kinds(report):
    return {(p.kind, p.column) for p in report.problems}


def test_canonical_files_load_without_a_profile(store, tmp_path):
    r1 = import_file(store, write(tmp_path / "customers.csv", CUSTOMERS), table="customers")
    r2 = import_file(store, write(tmp_path / "orders.csv", ORDERS), table="orders")
    assert r1.loaded and r2.loaded and r2.ok
    assert (r2.rows_read, r2.rows_loadable) == (3, 3)
    orders = table(store, "orders")
    assert orders["revenue"].sum() == pytest.approx(180.5)
    assert orders["order_date"].astype(str).tolist() == ["2024-03-01", "2024-03-01", "2024-03-02"]
    customers = table(store, "customers")
    assert customers.set_index("customer_id")["is_member"].to_dict() == {"C1": True, "C2": False, "GTX Pro": False}


def test_report_names_file_row_column_value_and_expectation(store, tmp_path):
    import_file(store, write(tmp_path / "customers.csv", CUSTOMERS), table="customers")
    bad = ("order_id,line,customer_id,order_date,quantity,revenue\n"
           "O1,1,C1,2024-03-01,2,100\n"       # row 2 fine
           "O1,1,C1,2024-03-01,1,50\n"        # row 3 duplicate key
           "O2,1,C1,31.02.2024,1,10\n"        # row 4 bad date
           "O3,1,C1,2024-03-05,-4,10\n"       # row 5 negative quantity
           "O4,1,C9,2024-03-05,1,zehn\n"      # row 6 unknown customer, bad number
           "O5,1,GTXPro,2024-03-05,1,10\n"    # row 7 near miss
           "O6,1,,2024-03-05,1,10\n")         # row 8 missing required
    before = store.data_version
    r = import_file(store, write(tmp_path / "orders.csv", bad), table="orders")
    assert not r.loaded and store.count("orders") == 0 and store.data_version == before
    assert (r.rows_read, r.rows_loadable) == (7, 1)
    by_kind = {p.kind: p for p in r.problems}
    assert (by_kind["duplicate_key"].row, by_kind["duplicate_key"].value) == (3, "O1, 1")
    assert (by_kind["bad_date"].row, by_kind["bad_date"].column, by_kind["bad_date"].value) == (4, "order_date", "31.02.2024")
    assert (by_kind["negative"].row, by_kind["negative"].column) == (5, "quantity")
    assert (by_kind["unknown_reference"].row, by_kind["unknown_reference"].value) == (6, "C9")
    assert (by_kind["bad_number"].row, by_kind["bad_number"].value) == (6, "zehn")
    assert by_kind["near_miss"].row == 7 and "GTX Pro" in by_kind["near_miss"].expected
    assert (by_kind["missing_value"].row, by_kind["missing_value"].column) == (8, "customer_id")
    msg = by_kind["bad_date"].message()
    assert msg.startswith("orders.csv, row 4, column order_date: bad date: found '31.02.2024'")
    set_language("zh")
    assert "第 4 行" in by_kind["bad_date"].message()


def test_missing_required_column_and_unknown_stage(store, tmp_path):
    r = import_file(store, write(tmp_path / "o.csv", "order_id,customer_id\nO1,C1\n"), table="orders")
    assert not r.loaded and {"order_date", "revenue"} <= {p.column for p in r.problems if p.kind == "missing_column"}
    deals = ("opportunity_id,created_at,stage,status,amount\n"
             "D1,2024-01-01,prospect,open,10\nD2,2024-01-02,Verhandlung,open,5\nD3,2024-01-02,won,won,-1\n")
    r = import_file(store, write(tmp_path / "d.csv", deals), table="opportunities")
    assert {("unknown_value", "stage"), ("negative", "amount")} <= kinds(r)
    assert store.count("opportunities") == 0


def test_ambiguous_dates_are_asked_not_guessed(store, tmp_path):
    text = "customer_id,signup_date\nC1,01/02/2024\nC2,03/04/2024\n"
    r = import_file(store, write(tmp_path / "c.csv", text), table="customers")
    assert not r.loaded and r.problems[0].kind == "ambiguous_dates"
    r = import_file(store, tmp_path / "c.csv", table="customers", date_order="dmy")
    assert r.loaded
    assert table(store, "customers")["signup_date"].astype(str).tolist() == ["2024-02-01", "2024-04-03"]


def test_modes_append_upsert_replace_and_undo(store, tmp_path):
    import_file(store, write(tmp_path / "c.csv", CUSTOMERS), table="customers")
    again = import_file(store, tmp_path / "c.csv", table="customers")
    assert not again.loaded and {p.kind for p in again.problems} == {"existing_key"}
    upd = write(tmp_path / "u.csv", "customer_id,name\nC1,Alice Li\nC3,Carol\n")
    r = import_file(store, upd, table="customers", mode="upsert")
    assert r.loaded
    names = table(store, "customers").set_index("customer_id")["name"].to_dict()
    assert names == {"C1": "Alice Li", "C2": "Bolt Ltd", "C3": "Carol", "GTX Pro": "Pro Shop"}
    r = import_file(store, write(tmp_path / "r.csv", "customer_id,name\nZ9,Zed\n"), table="customers", mode="replace")
    assert r.loaded and table(store, "customers")["customer_id"].tolist() == ["Z9"]

    hist = import_history(store)
    assert hist["mode"].tolist() == ["replace", "upsert", "append"]
    assert hist["rows"].tolist() == [1, 2, 3]

    assert undo_last_import(store).file == "r.csv"
    assert sorted(table(store, "customers")["customer_id"]) == ["C1", "C2", "C3", "GTX Pro"]
    assert undo_last_import(store).file == "u.csv"
    names = table(store, "customers").set_index("customer_id")["name"].to_dict()
    assert names == {"C1": "Alice", "C2": "Bolt Ltd", "GTX Pro": "Pro Shop"}
    assert undo_last_import(store).file == "c.csv"
    assert store.count("customers") == 0
    assert undo_last_import(store) is None


def test_dry_run_and_skip_bad_rows(store, tmp_path):
    p = write(tmp_path / "c.csv", "customer_id,kind,birth_year\nC1,person,1980\nC2,robot,1990\nC3,person,1850\n")
    before = store.data_version
    dry = import_file(store, p, table="customers", dry_run=True)
    assert not dry.loaded and dry.rows_loadable == 1 and store.data_version == before
    r = import_file(store, p, table="customers", on_error="skip")
    assert r.loaded and r.rows_loadable == 1
    assert table(store, "customers")["customer_id"].tolist() == ["C1"]
    assert {(p.kind, p.row) for p in r.problems} == {("unknown_value", 3), ("out_of_range", 4)}


def test_unknown_columns_are_kept_as_extra_or_reported(store, tmp_path):
    p = write(tmp_path / "c.csv", "customer_id,name,Lieblingsfarbe\nC1,Alice,blau\n")
    r = import_file(store, p, table="customers")
    assert r.loaded and any("Lieblingsfarbe" in n for n in r.notes)
    assert json.loads(table(store, "customers")["extra"][0]) == {"Lieblingsfarbe": "blau"}
    o = import_file(store, write(tmp_path / "o.csv", "order_id,line,customer_id,order_date,revenue,memo\n"
                                 "O1,1,C1,2024-03-01,10,gift wrap\n"), table="orders")
    assert o.loaded and json.loads(table(store, "orders")["extra"][0]) == {"memo": "gift wrap"}
    # a table with no room for extra attributes says which columns it did not load
    pr = import_file(store, write(tmp_path / "p.csv", "product_id,name,colour\nP1,Phone,red\n"), table="products")
    assert pr.loaded and [(p.kind, p.column, p.severity) for p in pr.problems] == [
        ("not_loaded_column", "colour", "warning")]


def test_flat_order_file_fills_five_tables(store, tmp_path):
    text = ("Order,Date,Client,Client Name,SKU,Item,Channel,Rep,Rep Team,Qty,Price\n"
            "A1,2024-05-01,K1,Kai,P1,Phone,web,R1,East,2,300\n"
            "A1,2024-05-01,K1,Kai,P2,Case,web,R1,East,1,20\n"
            "A2,2024-05-03,K2,Lin,P1,Phone,store,R2,West,1,310\n")
    prof = Profile.from_dict({"table": "orders", "columns": {
        "order_id": "Order", "order_date": "Date", "quantity": "Qty", "unit_price": "Price",
        "revenue": "= {Qty} * {Price}", "customers.customer_id": "Client", "customers.name": "Client Name",
        "products.product_id": "SKU", "products.name": "Item", "channels.channel_id": "Channel",
        "reps.rep_id": "Rep", "reps.team": "Rep Team"}})
    r = import_file(store, write(tmp_path / "flat.csv", text), table="orders", profile=prof)
    assert r.loaded, r.lines()
    assert {x.table: x.rows for x in r.tables} == {"orders": 3, "customers": 2, "products": 2, "channels": 2, "reps": 2}
    orders = table(store, "orders")
    assert orders["line"].tolist() == [1, 2, 1]
    assert orders["revenue"].tolist() == [600.0, 20.0, 310.0]
    assert orders["customer_id"].tolist() == ["K1", "K1", "K2"]
    assert table(store, "reps").set_index("rep_id")["team"].to_dict() == {"R1": "East", "R2": "West"}


def test_export_round_trip(store, tmp_path):
    import_file(store, write(tmp_path / "c.csv", CUSTOMERS), table="customers")
    assert export_table(store, "customers", tmp_path / "out.csv") == 3
    assert export_table(store, "customers", tmp_path / "out.xlsx") == 3
    assert pd.read_excel(tmp_path / "out.xlsx")["name"].tolist() == ["Alice", "Bolt Ltd", "Pro Shop"]
    from salesdash.store import Store

    other = Store(tmp_path / "other.duckdb")
    assert import_file(other, tmp_path / "out.csv", table="customers").loaded
    pd.testing.assert_frame_equal(table(other, "customers"), table(store, "customers"))


def _tags(store, name):
    """The import id of each row, by key (the store's own column, read past Store.table)."""
    raw = store.con.table(name)
    return store.execute(raw.select(raw.order_id, raw.line, raw._import_id).order_by(["order_id", "line"]))


def test_canonical_csv_goes_straight_into_its_table_and_is_checked_there(store, tmp_path):
    import_file(store, write(tmp_path / "customers.csv", CUSTOMERS), table="customers")
    first = import_file(store, write(tmp_path / "a.csv", ORDERS), table="orders")
    assert first.loaded and first.fast_path
    assert _tags(store, "orders")["_import_id"].tolist() == [first.import_id] * 3
    assert "_import_id" not in store.table("orders").columns

    # A key already in the table: the rows were written, checked there, and rolled back; the general path
    # then names the row. The rows already stored are untouched (they are not clashes with themselves).
    before = (store.data_version, store.count("orders"))
    clash = write(tmp_path / "b.csv", "order_id,line,customer_id,order_date,revenue\n"
                                      "O3,1,C1,2024-04-01,5\nO2,1,C1,2024-04-01,7\n")
    r = import_file(store, clash, table="orders")
    assert not r.loaded and not r.fast_path
    assert [(p.kind, p.row, p.value) for p in r.problems] == [("existing_key", 3, "O2, 1")]
    assert (store.data_version, store.count("orders")) == before

    # Upsert replaces stored rows; undoing it brings them back with the import that first wrote them,
    # so undoing that one too leaves the table empty.
    up = import_file(store, clash, table="orders", mode="upsert")
    assert up.loaded and up.fast_path and up.tables[0].rows == 2
    assert table(store, "orders")["revenue"].tolist() == [100.5, 50.0, 7.0, 5.0]
    tags = _tags(store, "orders").set_index("order_id")["_import_id"]
    assert tags["O2"] == up.import_id and tags["O3"] == up.import_id
    assert undo_last_import(store).file == "b.csv"
    assert table(store, "orders")["revenue"].tolist() == [100.5, 50.0, 30.0]
    assert _tags(store, "orders")["_import_id"].tolist() == [first.import_id] * 3
    assert undo_last_import(store).file == "a.csv"
    assert store.count("orders") == 0 and store.count("customers") == 3


def test_a_bad_cell_in_a_canonical_csv_is_named_by_the_general_path(store, tmp_path):
    import_file(store, write(tmp_path / "customers.csv", CUSTOMERS), table="customers")
    bad = ORDERS + "O3,1,C1,2024-03-05,1,10,ten\n"
    before = store.data_version
    r = import_file(store, write(tmp_path / "o.csv", bad), table="orders")
    assert not r.loaded and not r.fast_path
    assert [(p.kind, p.row, p.column, p.value) for p in r.problems] == [("bad_number", 5, "revenue", "ten")]
    assert store.count("orders") == 0 and store.data_version == before


def test_undo_of_an_import_made_before_rows_carried_their_import_id(store, tmp_path):
    """Older salesdash kept the keys an import added in _undo_<id>_<table>_new; such an import still undoes."""
    import_file(store, write(tmp_path / "customers.csv", CUSTOMERS), table="customers")
    r = import_file(store, write(tmp_path / "a.csv", ORDERS), table="orders")
    undo = f"_undo_{r.import_id}_orders"
    with store.transaction() as w:   # put the database in the older layout
        w.sql(f'CREATE TABLE "{undo}_new" AS SELECT order_id, line FROM orders WHERE _import_id = ?', [r.import_id])
        w.sql("UPDATE orders SET _import_id = NULL")
    assert undo_last_import(store).file == "a.csv"
    assert store.count("orders") == 0 and store.count("customers") == 3


def test_rebuilding_the_demo_forgets_the_imports_it_replaced(store, tmp_path):
    import datetime as dt

    from salesdash import demo

    import_file(store, write(tmp_path / "customers.csv", CUSTOMERS), table="customers")
    assert len(import_history(store)) == 1
    demo.build(store, scale=0.05, seed=1, today=dt.date(2026, 11, 29))
    assert import_history(store).empty
    assert undo_last_import(store) is None          # nothing to put back into the demo's data
    assert not [t for t in store.con.list_tables() if t.startswith("_undo_")]
