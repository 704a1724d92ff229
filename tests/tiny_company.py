"""A tiny company whose every figure can be worked out by hand (see the comments)."""

from __future__ import annotations

import pandas as pd

from salesdash.store import Store


def build_tiny(path) -> Store:
    """Two regions, two reps, three months. Every number below is worked out in the comments."""
    store = Store(path)
    frames = {
        "customers": pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "region": ["east", "east", "north"]}),
        "channels": pd.DataFrame({"channel_id": ["d", "p"], "name": ["Own store", "Partner"],
                                  "kind": ["direct", "indirect"]}),
        "reps": pd.DataFrame({"rep_id": ["r1", "r2"], "team": ["A", "B"], "region": ["east", "north"]}),
        "products": pd.DataFrame({"product_id": ["p1"], "category": ["electronics"]}),
        # Window under test: March 2025. February is the previous window (28 days ≠ 31, see below).
        "orders": pd.DataFrame({
            "order_id": ["o1", "o1", "o2", "o3", "o4"],
            "line": [1, 2, 1, 1, 1],
            "customer_id": ["c1", "c1", "c2", "c3", "c1"],
            "product_id": ["p1"] * 5,
            "channel_id": ["d", "d", "p", "d", "d"],
            "rep_id": ["r1", "r1", None, "r2", "r1"],
            "order_date": pd.to_datetime(["2025-03-02", "2025-03-02", "2025-03-15", "2025-03-31", "2025-02-10"]),
            "revenue": [100.0, 50.0, 200.0, 150.0, 80.0],
            "cost": [60.0, 30.0, 150.0, 90.0, 40.0],
        }),
        "targets": pd.DataFrame({
            "rep_id": ["r1", "r2", "r1", "r2", "r1", "r2"],
            "month": pd.to_datetime(["2025-03-01"] * 2 + ["2025-04-01"] * 2 + ["2025-05-01"] * 2),
            "target_amount": [310.0, 310.0, 100.0, 100.0, 100.0, 100.0],
        }),
        "opportunities": pd.DataFrame({
            "opportunity_id": ["w1", "w2", "l1", "open1", "open2", "late"],
            "customer_id": ["c1", "c2", "c3", "c1", "c3", "c2"],
            "rep_id": ["r1", "r1", "r2", "r1", "r2", "r1"],
            "created_at": pd.to_datetime(["2025-01-05", "2025-02-01", "2025-02-03", "2025-03-10", "2025-01-01",
                                          "2025-02-20"]),
            "stage": ["won", "won", "intent", "intent", "engaged", "won"],
            "status": ["won", "won", "lost", "open", "open", "won"],
            "amount": [100.0, 200.0, 300.0, 1000.0, 500.0, 700.0],
            # "late" closes in April: it was still open at the end of March, so it is pipeline then.
            "closed_at": pd.to_datetime(["2025-03-05", "2025-03-20", "2025-03-25", None, None, "2025-04-02"]),
        }),
        "feedback": pd.DataFrame({
            "feedback_id": [f"f{i}" for i in range(12)],
            "customer_id": ["c1"] * 12,
            "submitted_at": pd.to_datetime(["2025-03-10"] * 12),
            # 5 promoters (9, 10), 3 passives (7, 8), 4 detractors (0-6): NPS = 100 * (5 - 4) / 12
            "nps": [9, 10, 9, 10, 9, 7, 8, 7, 6, 0, 3, 5],
        }),
        "market": pd.DataFrame({
            "month": pd.to_datetime(["2025-03-01"] * 3),
            "region": ["east", "east", "north"],
            "category": ["electronics"] * 3,
            "market_size": [2000.0, 2000.0, 1000.0],  # east's size repeats on each competitor row
            "competitor": ["X", "Y", "X"],
            "competitor_sales": [500.0, 300.0, 100.0],
        }),
    }
    store.replace_all(frames)
    return store
