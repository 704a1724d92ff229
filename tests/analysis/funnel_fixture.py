"""A tiny funnel whose every figure is worked out by hand in tests/analysis/test_funnel.py."""

from __future__ import annotations

import pandas as pd

from salesdash.store import Store

# Eight deals created January - March 2025 (as of 2025-03-31):
#
# deal channel rep created     stage     status amount closed      lost reason
# d1   a       r1  2025-01-05  won       won     100   2025-02-04  (cycle 30 d)
# d2   a       r1  2025-01-10  won       won     200   2025-03-11  (cycle 60 d)
# d3   a       r2  2025-01-15  engaged   lost    300   2025-02-14  price
# d4   b       r2  2025-02-01  intent    lost    400   2025-03-03  price
# d5   b       r1  2025-02-10  prospect  lost    500   2025-02-20  timing
# d6   b       r2  2025-03-01  intent    open    600
# d7   a       r1  2025-03-05  engaged   open    700
# d8   b       r1  2025-03-20  prospect  open    800
HISTORY = {
    "d1": ["2025-01-05", "2025-01-10", "2025-01-20", "2025-02-04"],
    "d2": ["2025-01-10", "2025-01-20", "2025-02-09", "2025-03-11"],
    "d3": ["2025-01-15", "2025-01-25", "2025-02-04"],
    "d4": ["2025-02-01", "2025-02-11"],
    "d5": ["2025-02-10"],
    "d6": ["2025-03-01", "2025-03-06"],
    "d7": ["2025-03-05", "2025-03-10", "2025-03-15"],
    "d8": ["2025-03-20"],
}
STAGES = ["prospect", "intent", "engaged", "won"]


def build_funnel_company(path) -> Store:
    store = Store(path)
    hist = [(k, STAGES[i], d) for k, dates in HISTORY.items() for i, d in enumerate(dates)]
    frames = {
        "customers": pd.DataFrame({"customer_id": ["c1", "c2"], "name": ["Acme", "Bolt"],
                                   "region": ["east", "north"]}),
        "channels": pd.DataFrame({"channel_id": ["a", "b"], "name": ["Channel A", "Channel B"]}),
        "reps": pd.DataFrame({"rep_id": ["r1", "r2"], "name": ["Li", "Wang"], "team": ["A", "B"]}),
        "products": pd.DataFrame({"product_id": ["p1"], "name": ["Widget"], "category": ["electronics"]}),
        "opportunities": pd.DataFrame({
            "opportunity_id": [f"d{i}" for i in range(1, 9)],
            "customer_id": ["c1", "c2", "c1", "c2", "c1", "c2", "c1", "c2"],
            "rep_id": ["r1", "r1", "r2", "r2", "r1", "r2", "r1", "r1"],
            "channel_id": ["a", "a", "a", "b", "b", "b", "a", "b"],
            "product_id": ["p1"] * 8,
            "created_at": pd.to_datetime(["2025-01-05", "2025-01-10", "2025-01-15", "2025-02-01", "2025-02-10",
                                          "2025-03-01", "2025-03-05", "2025-03-20"]),
            "stage": ["won", "won", "engaged", "intent", "prospect", "intent", "engaged", "prospect"],
            "status": ["won", "won", "lost", "lost", "lost", "open", "open", "open"],
            "amount": [100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0],
            "closed_at": pd.to_datetime(["2025-02-04", "2025-03-11", "2025-02-14", "2025-03-03", "2025-02-20",
                                         None, None, None]),
            "lost_reason": [None, None, "price", "price", "timing", None, None, None],
            "probability": [1.0, 1.0, 0.0, 0.0, 0.0, 0.3, 0.6, 0.1],
            "expected_close_date": pd.to_datetime([None] * 5 + ["2025-04-15", "2025-05-20", "2025-03-25"]),
        }),
        "stage_history": pd.DataFrame(hist, columns=["opportunity_id", "stage", "entered_at"]).assign(
            entered_at=lambda f: pd.to_datetime(f["entered_at"])),
        # r1 booked 250 of revenue in March (and 999 in 2024, outside the quarter)
        "orders": pd.DataFrame({"order_id": ["o1", "o2"], "line": [1, 1], "customer_id": ["c1", "c1"],
                                "rep_id": ["r1", "r1"], "order_date": pd.to_datetime(["2025-03-10", "2024-12-30"]),
                                "revenue": [250.0, 999.0]}),
        "targets": pd.DataFrame({"rep_id": ["r1", "r1", "r1", "r2", "r2", "r2"],
                                 "month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"] * 2),
                                 "target_amount": [200.0, 200.0, 200.0, 100.0, 100.0, 100.0]}),
    }
    store.replace_all(frames)
    return store


# The waterfall company: pipeline snapshots on 2025-02-28 and 2025-03-31, horizon "close by 2025-03-31".
# deal  at 02-28 (amount, close)  at 03-31 (amount, close)   what happened
# w1    100, 03-20                150, 03-25                 increased +50
# w2    200, 03-15                won 03-10 at 180           decreased -20, won -180
# w3    300, 03-20                300, 05-10                 pushed out -300
# w4    400, 06-01 (out of scope) 400, 03-30                 pulled in +400
# w5    created 03-05             500, 03-28                 new +500
# w6    created 03-02, lost 03-20 at 600                     new +600, lost -600
# w7    700, 03-01                lost 03-05                 lost -700
def build_waterfall_company(path) -> Store:
    store = Store(path)
    snap = [
        ("2025-02-28", "w1", 100.0, "2025-03-20"), ("2025-02-28", "w2", 200.0, "2025-03-15"),
        ("2025-02-28", "w3", 300.0, "2025-03-20"), ("2025-02-28", "w4", 400.0, "2025-06-01"),
        ("2025-02-28", "w7", 700.0, "2025-03-01"),
        ("2025-03-31", "w1", 150.0, "2025-03-25"), ("2025-03-31", "w3", 300.0, "2025-05-10"),
        ("2025-03-31", "w4", 400.0, "2025-03-30"), ("2025-03-31", "w5", 500.0, "2025-03-28"),
    ]
    frames = {
        "opportunities": pd.DataFrame({
            "opportunity_id": [f"w{i}" for i in range(1, 8)],
            "created_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-03-05",
                                          "2025-03-02", "2025-01-07"]),
            "stage": ["intent", "won", "intent", "engaged", "prospect", "intent", "prospect"],
            "status": ["open", "won", "open", "open", "open", "lost", "lost"],
            "amount": [150.0, 180.0, 300.0, 400.0, 500.0, 600.0, 700.0],
            "closed_at": pd.to_datetime([None, "2025-03-10", None, None, None, "2025-03-20", "2025-03-05"]),
        }),
        "opportunity_snapshots": pd.DataFrame(snap, columns=["snapshot_date", "opportunity_id", "amount",
                                                             "expected_close_date"]).assign(
            snapshot_date=lambda f: pd.to_datetime(f["snapshot_date"]),
            expected_close_date=lambda f: pd.to_datetime(f["expected_close_date"]), status="open"),
    }
    store.replace_all(frames)
    return store


def build_synthetic_pipeline(path, *, n: int = 800, seed: int = 1) -> Store:
    """A seeded pipeline with known truths: channel "a" passes every stage about twice as often as "b" and
    "c" (capped), and each logged activity raises the odds; stage durations are gamma(2, 10/15/20) days
    (means 20, 30 and 40). As of 2025-11-30."""
    import numpy as np

    rng = np.random.default_rng(seed)
    today = pd.Timestamp("2025-11-30")
    created = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 680, n), unit="D")
    channel = rng.choice(["a", "b", "c"], n)
    acts = rng.poisson(3, n)
    amount = np.round(rng.lognormal(9, 1, n), 2)
    opps, hist, activities = [], [], []
    for i in range(n):
        t, stage, status, closed = created[i], 0, "open", None
        hist.append((f"o{i}", "prospect", t))
        p = 0.35 * (2.0 if channel[i] == "a" else 1.0) * (0.7 + 0.1 * acts[i])
        for k in (1, 2, 3):
            t_next = t + pd.Timedelta(days=float(rng.gamma(2.0, (10, 15, 20)[k - 1])))
            if t_next > today:
                break
            t = t_next
            if rng.random() < min(p, 0.95):
                stage = k
                hist.append((f"o{i}", STAGES[k], t))
                if k == 3:
                    status, closed = "won", t
            else:
                status, closed = "lost", t
                break
        for a in range(acts[i]):
            activities.append((f"a{i}_{a}", f"o{i}", "call", created[i] + pd.Timedelta(days=float(rng.uniform(0, 8)))))
        crm = {0: 0.1, 1: 0.3, 2: 0.6, 3: 1.0}[stage]
        opps.append((f"o{i}", channel[i], created[i], STAGES[stage], status, amount[i], closed,
                     crm if status == "open" else (1.0 if status == "won" else 0.0), "r1"))
    o = pd.DataFrame(opps, columns=["opportunity_id", "channel_id", "created_at", "stage", "status", "amount",
                                    "closed_at", "probability", "rep_id"])
    o["lost_reason"] = np.where(o["status"] == "lost", rng.choice(["price", "timing", "competitor"], n), None)
    o["expected_close_date"] = (o["created_at"] + pd.Timedelta(days=90)).dt.date
    store = Store(path)
    store.replace_all({
        "opportunities": o,
        "stage_history": pd.DataFrame(hist, columns=["opportunity_id", "stage", "entered_at"]),
        "activities": pd.DataFrame(activities, columns=["activity_id", "opportunity_id", "type", "occurred_at"]),
        "channels": pd.DataFrame({"channel_id": ["a", "b", "c"], "name": ["A", "B", "C"]}),
        "reps": pd.DataFrame({"rep_id": ["r1"], "name": ["Li"], "team": ["T"]}),
    })
    return store
