"""Readers, encodings, delimiters, numbers and dates."""

from __future__ import annotations

import pandas as pd
import pytest

from salesdash.ingest.parse import detect_date_order, detect_decimal, parse_dates, parse_numbers
from salesdash.ingest.readers import read_table
from salesdash.ingest.report import IngestError
from tests.ingest.conftest import SAMPLES, write

CHINESE = "客户名称;金额\n上海明远科技;1.280,50\n深圳新海;356\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_encodings_are_detected(tmp_path, encoding):
    raw = read_table(write(tmp_path / "x.csv", CHINESE, encoding))
    assert list(raw.frame.columns) == ["客户名称", "金额"]
    assert raw.frame["客户名称"].tolist() == ["上海明远科技", "深圳新海"]
    assert raw.delimiter == ";"


def test_encoding_can_be_overridden(tmp_path):
    p = write(tmp_path / "x.csv", "name,city\nJosé,Málaga\n", "cp1252")
    assert read_table(p, encoding="cp1252").frame["name"][0] == "José"


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiters_and_quotes(tmp_path, delim):
    text = delim.join(["id", "note", "amount"]) + "\n" + delim.join(["1", '"a, b; c|d"', "3"]) + "\n"
    raw = read_table(write(tmp_path / "x.txt", text))
    assert raw.frame.loc[0, "note"] == "a, b; c|d"
    assert raw.frame.loc[0, "amount"] == "3"


def test_ragged_file_names_the_line(tmp_path):
    with pytest.raises(IngestError) as e:
        read_table(write(tmp_path / "bad.csv", "a,b\n1,2\n3,4,5\n"))
    assert e.value.problem.row == 3 and e.value.problem.file == "bad.csv"


def test_too_big_file_is_refused(tmp_path):
    p = write(tmp_path / "big.csv", "a\n" + "1\n" * 600_000)
    with pytest.raises(IngestError) as e:
        read_table(p, max_mb=1)
    assert e.value.problem.kind == "too_big"
    assert "1 MB" in e.value.problem.expected


def test_excel_and_parquet(tmp_path):
    raw = read_table(SAMPLES / "fxiaoke_accounts.xlsx")
    assert raw.frame.loc[0, "客户名称"] == "上海明远科技有限公司"
    assert raw.frame.loc[0, "创建时间"] == "2025-03-01 09:30:00"
    pd.DataFrame({"order_id": ["A"], "revenue": [12.5]}).to_parquet(tmp_path / "o.parquet")
    raw = read_table(tmp_path / "o.parquet")
    assert raw.frame.loc[0, "revenue"] == "12.5"


def test_numbers_with_decimal_commas_and_thousands():
    s = pd.Series(["1.234,56", "261,96", "-3", "(12,5)", "¥ 1 000,00", "12%", None, "n/a"])
    assert detect_decimal([s]) == ","
    p = parse_numbers(s, decimal=",")
    assert p.values.tolist()[:6] == [1234.56, 261.96, -3.0, -12.5, 1000.0, 0.12]
    assert p.bad.tolist() == [False] * 7 + [True]
    assert parse_numbers(pd.Series(["1,234.5"]), decimal=".").values[0] == 1234.5
    assert detect_decimal([pd.Series(["1,234.50", "7.25"])]) == "."


def test_dates_of_every_kind():
    s = pd.Series(["2026-03-31", "2026/3/31 14:05", "2026-03-31T14:05:09+08:00", "2026年3月31日",
                   "31/03/2026", "1774886400000", "yesterday"])
    p = parse_dates(s, order="dmy", timezone="Asia/Shanghai")
    got = [None if pd.isna(v) else v.isoformat() for v in p.values]
    assert got == ["2026-03-31T00:00:00", "2026-03-31T14:05:00", "2026-03-31T14:05:09", "2026-03-31T00:00:00",
                   "2026-03-31T00:00:00", "2026-03-31T00:00:00", None]
    assert p.bad.tolist() == [False] * 6 + [True]


def test_day_first_month_first_decided_by_data_or_asked():
    assert detect_date_order([pd.Series(["08/11/2020", "15/04/2021"])]).order == "dmy"
    assert detect_date_order([pd.Series(["12/1/2010 8:45", "12/13/2010 9:00"])]).order == "mdy"
    undecided = detect_date_order([pd.Series(["01/02/2020", "03/04/2020"])])
    assert undecided.order is None and undecided.ambiguous
    both = detect_date_order([pd.Series(["13/01/2020", "01/13/2020"])])
    assert both.conflict
    assert detect_date_order([pd.Series(["2020-01-02"])]).ambiguous is False
    mdy = parse_dates(pd.Series(["3/4/2026 1:30 PM"]), order="mdy").values[0]
    assert (mdy.month, mdy.day, mdy.hour) == (3, 4, 13)
