"""Filters: URL round trip, bad values answered rather than raised, predicates that reach through keys."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from salesdash.filters import Filters, apply, from_query, validate


def test_url_round_trip():
    f = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30), regions=("east", "north"), reps=("r1",))
    back, problems = from_query(f.to_query())
    assert back == f and problems == []


def test_bad_dates_and_reversed_window_are_reported_not_raised():
    f, problems = from_query({"start": "2025-02-30", "end": "2024-01-01"})
    assert f.start is None and f.end == dt.date(2024, 1, 1)
    assert [p.problem for p in problems] == ["filters.bad_date"]
    f, problems = from_query({"start": "2025-03-01", "end": "2025-01-01"})
    assert (f.start, f.end) == (dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    assert [p.problem for p in problems] == ["filters.end_before_start"]


def test_previous_window_has_equal_length():
    f = Filters(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    p = f.previous()
    assert (p.start, p.end) == (dt.date(2025, 1, 29), dt.date(2025, 2, 28))
    assert Filters().previous() is None
    leap = Filters(start=dt.date(2024, 2, 29), end=dt.date(2024, 2, 29)).year_before()
    assert leap.start == dt.date(2023, 2, 28)


def _store(tmp_path):
    from salesdash.store import Store

    s = Store(tmp_path / "f.duckdb")
    s.replace_all({
        "customers": pd.DataFrame({"customer_id": ["c1", "c2"], "region": ["east", "west"]}),
        "reps": pd.DataFrame({"rep_id": ["r1", "r2"], "team": ["A", "B"], "region": ["east", "west"]}),
        "products": pd.DataFrame({"product_id": ["p1", "p2"], "category": ["tv", "phone"]}),
        "orders": pd.DataFrame({"order_id": ["o1", "o2", "o3"], "line": 1, "customer_id": ["c1", "c2", "c1"],
                                "product_id": ["p1", "p2", "p2"], "rep_id": ["r1", "r2", "r2"],
                                "order_date": pd.to_datetime(["2025-01-01", "2025-01-31", "2025-02-01"]),
                                "revenue": [1.0, 2.0, 4.0]}),
        "segment_members": pd.DataFrame({"segmentation_id": ["rfm", "rfm"], "customer_id": ["c1", "c2"],
                                         "segment": ["champions", "lost"]}),
    })
    return s


def _sum(s, f):
    return s.execute(apply(s, "orders", f).revenue.sum())


def test_predicates_reach_through_keys(tmp_path):
    s = _store(tmp_path)
    assert _sum(s, Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31))) == 3.0  # end inclusive
    assert _sum(s, Filters(regions=("east",))) == 5.0  # through the customer
    assert _sum(s, Filters(categories=("phone",))) == 6.0  # through the product
    assert _sum(s, Filters(teams=("B",))) == 6.0  # through the rep
    assert _sum(s, Filters(segmentation="rfm", segments=("lost",))) == 2.0  # through saved segments
    assert _sum(s, Filters(regions=("east",), teams=("B",))) == 4.0


def test_unknown_values_are_dropped_and_named(tmp_path):
    s = _store(tmp_path)
    f, problems = validate(s, Filters(regions=("east", "atlantis")))
    assert f.regions == ("east",)
    assert [(p.field, p.value) for p in problems] == [("regions", "atlantis")]
