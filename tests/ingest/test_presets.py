"""Every built-in preset loads a realistic sample export; profiles are files; suggestions."""

from __future__ import annotations

import datetime as dt

import pytest

from salesdash.ingest import (Profile, import_file, load_profile, preset, preset_names, read_table, save_profile,
                              suggest_profile)
from tests.ingest.conftest import SAMPLES

SNAP = dt.date(2026, 2, 15)


def frame(store, name, key):
    return store.execute(store.table(name)).set_index(key)


def test_every_preset_has_a_sample_and_loads_it(store):
    samples = {"zoho_deals": "zoho_deals.csv", "zoho_leads": "zoho_leads.csv", "zoho_accounts": "zoho_accounts.csv",
               "zoho_contacts": "zoho_contacts.csv", "fxiaoke_opportunities": "fxiaoke_opportunities.csv",
               "fxiaoke_leads": "fxiaoke_leads.csv", "fxiaoke_accounts": "fxiaoke_accounts.xlsx",
               "salesforce_opportunities": "salesforce_opportunities.csv", "hubspot_deals": "hubspot_deals.csv"}
    assert set(samples) == set(preset_names())
    for name, file in samples.items():
        prof = preset(name)
        r = import_file(store, SAMPLES / file, table=prof.table, profile=prof, mode="upsert", snapshot_date=SNAP)
        assert r.loaded and r.ok, "\n".join(r.lines())


def test_zoho_deals_values(store):
    r = import_file(store, SAMPLES / "zoho_deals.csv", table="opportunities", profile=preset("zoho_deals"),
                    snapshot_date=SNAP)
    assert r.loaded and r.rows_loadable == 6
    o = frame(store, "opportunities", "opportunity_id")
    first = o.loc["zcrm_5725767000000411001"]
    assert first["amount"] == 12500.0 and first["probability"] == pytest.approx(0.10)
    assert str(first["expected_close_date"])[:10] == "2026-03-31"
    assert str(first["created_at"]) == "2026-01-05 09:12:00"
    assert (first["stage"], first["status"], first["rep_id"], first["customer_id"]) == (
        "prospect", "open", "Li Wei", "Acme Corp")
    won = o.loc["zcrm_5725767000000411004"]
    assert (won["stage"], won["status"]) == ("won", "won")
    assert o.loc["zcrm_5725767000000411005", "status"] == "lost"
    assert o["amount"].sum() == pytest.approx(12500 + 48000 + 7250.5 + 120000 + 15000)
    assert sorted(frame(store, "customers", "customer_id").index) == ["Acme Corp", "Globex", "Hooli", "Initech", "Umbrella"]
    assert sorted(frame(store, "reps", "rep_id").index) == ["Emma Stone", "Li Wei"]
    extra = o.loc["zcrm_5725767000000411001", "extra"]
    assert "Deal Name" in extra and "Acme renewal 2026" in extra


def test_fxiaoke_gbk_chinese_labels_epoch_ms(store):
    r = import_file(store, SAMPLES / "fxiaoke_opportunities.csv", table="opportunities",
                    profile=preset("fxiaoke_opportunities"), snapshot_date=SNAP)
    assert r.loaded, r.lines()
    assert r.encoding == "gb18030"
    o = frame(store, "opportunities", "opportunity_id")
    deal = o.loc["华东区年度框架协议"]
    assert deal["amount"] == 1_280_000.0
    assert str(deal["expected_close_date"])[:10] == "2026-03-31"   # epoch ms shown in Asia/Shanghai
    assert str(deal["created_at"]) == "2026-01-01 09:00:00"
    assert (deal["stage"], deal["status"], deal["rep_id"]) == ("engaged", "open", "王磊")
    assert (o.loc["深圳门店升级", "stage"], o.loc["深圳门店升级", "status"]) == ("won", "won")
    assert o.loc["北京续约", "status"] == "lost"
    assert "field_7Hd2k__c" in deal["extra"] and "重点项目" in deal["extra"]


def test_salesforce_and_hubspot(store):
    import_file(store, SAMPLES / "salesforce_opportunities.csv", table="opportunities",
                profile=preset("salesforce_opportunities"), snapshot_date=SNAP)
    o = frame(store, "opportunities", "opportunity_id")
    assert o.loc["0065g00000AbCdE01", "stage"] == "engaged"
    assert str(o.loc["0065g00000AbCdE01", "expected_close_date"])[:10] == "2026-03-15"
    assert o.loc["0065g00000AbCdE04", "status"] == "lost"
    r = import_file(store, SAMPLES / "hubspot_deals.csv", table="opportunities", profile=preset("hubspot_deals"),
                    snapshot_date=SNAP)
    assert r.loaded
    o = frame(store, "opportunities", "opportunity_id")
    assert o.loc["9876543202", "amount"] == 18250.75 and o.loc["9876543202", "stage"] == "engaged"


def test_profiles_round_trip_as_json_and_toml(tmp_path):
    prof = preset("zoho_deals")
    for name in ("p.json", "p.toml"):
        assert load_profile(save_profile(prof, tmp_path / name)) == prof


def test_bad_profile_is_one_clear_error(tmp_path):
    from salesdash.ingest import IngestError

    (tmp_path / "p.json").write_text('{"table": "orders", "columns": {"nonsense": "X"}}')
    with pytest.raises(IngestError) as e:
        load_profile(tmp_path / "p.json")
    assert e.value.problem.column == "column" and e.value.problem.value == "nonsense"
    with pytest.raises(IngestError):
        Profile.from_dict({"table": "nope"})


def test_suggest_finds_the_preset_and_maps_a_plain_file():
    assert suggest_profile(read_table(SAMPLES / "zoho_deals.csv"), "opportunities").name == "Zoho CRM Deals"
    assert suggest_profile(read_table(SAMPLES / "hubspot_deals.csv"), "opportunities").name == "HubSpot deals"
    raw = read_table(SAMPLES / "zoho_leads.csv")
    prof = suggest_profile(raw, "customers")
    assert prof.columns["customer_id"] == ["Record Id", "id"]
