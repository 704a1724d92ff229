"""Stage history and snapshots from plain exports; the hygiene report."""

from __future__ import annotations

import datetime as dt

from salesdash.ingest import import_file, pipeline_hygiene
from tests.ingest.conftest import write

HEAD = "opportunity_id,created_at,stage,status,amount,expected_close_date,closed_at\n"


def export(tmp_path, name, rows):
    return write(tmp_path / name, HEAD + "".join(r + "\n" for r in rows))


def test_history_and_snapshots_from_two_exports(store, tmp_path):
    first = export(tmp_path, "jan.csv", ["D1,2026-01-02,intent,open,100,2026-02-10,",
                                         "D2,2026-01-03,won,won,50,2026-01-20,2026-01-20 15:00"])
    assert import_file(store, first, table="opportunities", snapshot_date=dt.date(2026, 1, 31)).loaded
    hist = store.execute(store.table("stage_history").order_by(["opportunity_id", "entered_at", "stage"]))
    got = [(r.opportunity_id, r.stage, str(r.entered_at)) for r in hist.itertuples()]
    assert ("D1", "prospect", "2026-01-02 00:00:00") in got and ("D1", "intent", "2026-01-02 00:00:00") in got
    assert ("D2", "won", "2026-01-20 15:00:00") in got and len(got) == 2 + 4
    second = export(tmp_path, "feb.csv", ["D1,2026-01-02,engaged,open,120,2026-03-10,"])
    assert import_file(store, second, table="opportunities", mode="upsert", snapshot_date=dt.date(2026, 2, 28)).loaded
    hist = store.execute(store.table("stage_history"))
    engaged = hist[(hist.opportunity_id == "D1") & (hist.stage == "engaged")]
    assert str(engaged["entered_at"].iloc[0]) == "2026-02-28 00:00:00"   # first seen there in the later export
    assert len(hist[hist.opportunity_id == "D1"]) == 3                     # earlier stages kept, not duplicated
    snaps = store.execute(store.table("opportunity_snapshots").filter(lambda s: s.opportunity_id == "D1")
                          .order_by("snapshot_date"))
    assert snaps["amount"].tolist() == [100.0, 120.0]
    assert [str(d)[:10] for d in snaps["expected_close_date"]] == ["2026-02-10", "2026-03-10"]


def test_hygiene_report(store, tmp_path):
    rows = ["Z1,2026-01-01,engaged,open,0,2026-06-30,",     # zero-amount late stage
            "Z2,2026-01-01,intent,open,10,2026-01-15,",     # overdue
            "Z3,2026-03-20,prospect,open,10,2026-06-30,",   # recent: idle < 30 days
            "Z4,2026-01-01,won,won,99,2026-01-31,2026-01-31"]
    import_file(store, export(tmp_path, "a.csv", rows), table="opportunities", snapshot_date=dt.date(2026, 1, 1))
    for i, month in enumerate(["02", "03", "04"]):   # Z2's close date moves three more times
        moved = export(tmp_path, f"m{i}.csv", [f"Z2,2026-01-01,intent,open,10,2026-{month}-15,"])
        import_file(store, moved, table="opportunities", mode="upsert", snapshot_date=dt.date(2026, 2 + i, 1))
    h = pipeline_hygiene(store, as_of=dt.date(2026, 4, 1))
    assert h.zero_amount_late["opportunity_id"].tolist() == ["Z1"]
    assert h.overdue.empty   # Z2 now closes 2026-04-15
    assert sorted(h.stale["opportunity_id"]) == ["Z1", "Z2"]
    assert h.stale.set_index("opportunity_id")["days_idle"].to_dict() == {"Z1": 90, "Z2": 90}
    assert h.slipping.set_index("opportunity_id")["moves"].to_dict() == {"Z2": 3}
    later = pipeline_hygiene(store, as_of=dt.date(2026, 5, 1))
    assert later.overdue["opportunity_id"].tolist() == ["Z2"]
