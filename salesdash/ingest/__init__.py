"""Data import: readers, mapping profiles and presets, validation report, atomic load, hygiene report.

Typical use::

    from salesdash.ingest import import_file, preset
    report = import_file(store, "deals.csv", table="opportunities", profile=preset("zoho_deals"))
    print("\\n".join(report.lines()))
"""

from __future__ import annotations

from salesdash.ingest.export import export_table, table_frame
from salesdash.ingest.hygiene import HygieneReport, pipeline_hygiene
from salesdash.ingest.load import MODES, UndoResult, import_file, import_history, undo_last_import
from salesdash.ingest.profile import Profile, load_profile, preset, preset_names, save_profile
from salesdash.ingest.readers import RawTable, read_table
from salesdash.ingest.report import ImportReport, IngestError, Problem
from salesdash.ingest.suggest import matching_preset, suggest_profile, suggest_table

__all__ = [
    "HygieneReport", "ImportReport", "IngestError", "MODES", "Problem", "Profile", "RawTable", "UndoResult",
    "export_table", "import_file", "import_history", "load_profile", "pipeline_hygiene", "preset",
    "preset_names", "read_table", "matching_preset", "save_profile", "suggest_profile", "suggest_table", "table_frame", "undo_last_import",
]
