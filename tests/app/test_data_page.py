"""The Data page in both languages: empty store, import history, undo, export (AppTest cannot upload files)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from salesdash.config import settings
from salesdash.ingest import import_file
from salesdash.store import Store
from tests.app.conftest import assert_clean, open_app

pytestmark = pytest.mark.timeout(600)


@pytest.fixture()
def data_app(tmp_path, monkeypatch):
    db = tmp_path / "data_page.duckdb"
    store = Store(db)
    (tmp_path / "customers.csv").write_text("customer_id,name\nC1,Alice\nC2,Bob\n", encoding="utf-8")
    (tmp_path / "c0.csv").write_text("customer_id\nC0\n", encoding="utf-8")
    (tmp_path / "orders.csv").write_text("order_id,line,customer_id,order_date,revenue\nO1,1,C0,2025-03-01,10\n",
                                         encoding="utf-8")
    assert import_file(store, tmp_path / "c0.csv", table="customers").loaded
    assert import_file(store, tmp_path / "orders.csv", table="orders").loaded
    store.close()
    monkeypatch.setenv("SALESDASH_DB", str(db))
    settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()

    def run(lang: str, *, with_import: bool = True) -> AppTest:
        if with_import:
            s = Store(db)
            assert import_file(s, tmp_path / "customers.csv", table="customers", mode="upsert").loaded
            s.close()
        return open_app(tmp_path, "pages/data.py", lang=lang)

    yield run
    settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_data_page_history_undo_export(data_app, lang):
    at = data_app(lang)
    assert_clean(at, lang)
    assert at.title[0].value == ("Data" if lang == "en" else "数据管理")
    assert [tab.label for tab in at.tabs] == (["Import", "History", "Export"] if lang == "en" else ["导入", "导入历史", "导出"])
    history = at.dataframe[0].value  # the only table: nothing is uploaded
    assert history.iloc[0, 2] == "customers.csv" and history.iloc[0, 5] == 2
    assert at.caption and any(("3 rows in customers" if lang == "en" else "customers 共 3 行") in c.value for c in at.caption)
    at.button(key="data.undo").click().run()
    assert_clean(at, lang)
    assert any(("was undone" if lang == "en" else "已撤销") in s.value for s in at.success)
    s = Store(settings().database_url)
    assert s.count("customers") == 1
    s.close()


def test_data_page_without_an_upload_shows_the_hint_and_the_history(data_app):
    at = data_app("en", with_import=False)
    assert_clean(at, "en")
    assert any("Choose a file" in i.value for i in at.info)
    assert at.dataframe[0].value.iloc[:, 2].tolist() == ["orders.csv", "c0.csv"]
