"""Data: import files (preview, mapping, validation report, import), the import history with undo, exports.

Thin: every decision is in salesdash.ingest; this script only collects choices and renders results.
"""

import json
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from salesdash import schema
from salesdash.config import settings
from salesdash.i18n import get_language, t
from salesdash.ingest import (IngestError, Profile, import_file, import_history, matching_preset, pipeline_hygiene,
                              preset, preset_names, read_table, suggest_profile, suggest_table, table_frame,
                              undo_last_import)
from salesdash.ui import context, downloads, table

ctx = context()
store = ctx.store
st.title(t("data.page.title"))
st.caption(t("data.page.caption"))
tab_import, tab_history, tab_export = st.tabs([t("data.tab.import"), t("data.tab.history"), t("data.tab.export")])


def _show_report(report) -> None:
    (st.success if report.loaded else st.info if report.ok else st.warning)(report.summary())
    c1, c2, c3 = st.columns(3)
    c1.metric(t("data.rows_read"), f"{report.rows_read:,}")
    c2.metric(t("data.rows_loadable"), f"{report.rows_loadable:,}")
    c3.metric(t("data.problem_count"), f"{sum(c.rows for c in report.counts):,}")
    for note in report.notes:
        st.caption(t("data.note_line", note=note))
    if report.problems:
        table(pd.DataFrame([{
            t("data.col.severity"): t(f"data.severity.{p.severity}"), t("data.col.row"): p.row,
            t("data.col.column"): p.column, t("data.col.problem"): t(f"data.kind.{p.kind}"),
            t("data.col.value"): p.value, t("data.col.expected"): p.expected} for p in report.problems]),
            key="data.problems")


with tab_import:
    upload = st.file_uploader(t("data.upload"), type=["csv", "tsv", "txt", "xlsx", "parquet"], key="data.upload")
    if upload is None:
        st.info(t("data.upload_hint", mb=settings().max_import_mb))
    elif upload.size > settings().max_import_mb * 1e6:
        st.warning(t("data.too_big", mb=settings().max_import_mb))
    else:
        folder = Path(tempfile.gettempdir()) / "salesdash_uploads" / upload.file_id   # one folder per upload
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            raw = read_table(path)
        except IngestError as e:
            st.warning(e.problem.message())
            st.stop()
        if st.session_state.get("data.table_for") != upload.file_id:   # a new file: suggest its table
            st.session_state["data.table_for"] = upload.file_id
            st.session_state["data.table"] = suggest_table(raw)
            st.session_state["data.profile_source"] = matching_preset(raw) or "suggest"
        target = st.selectbox(t("data.table"), list(schema.TABLES), key="data.table",
                              format_func=lambda n: f"{n} - {getattr(schema.table(n), get_language())}",
                              help=t("data.table_suggested"))
        st.subheader(t("data.preview"))
        table(raw.frame.head(20), key="data.preview")
        choices = ["suggest", *[n for n in preset_names() if preset(n).table == target]]
        if st.session_state.get("data.profile_source") not in choices:   # a preset of another table
            st.session_state["data.profile_source"] = "suggest"
        source = st.selectbox(t("data.profile"), choices, key="data.profile_source",
                              format_func=lambda n: t("data.profile_suggested") if n == "suggest" else preset(n).name)
        profile = suggest_profile(raw, target) if source == "suggest" else preset(source)
        st.caption(t("data.mapping_hint"))
        mapping = pd.DataFrame({"target": list(profile.columns),
                                "source": [" | ".join(v) if isinstance(v, list) else v for v in profile.columns.values()]})
        edited = st.data_editor(mapping, num_rows="dynamic", key=f"data.mapping.{source}.{target}", hide_index=True,
                                column_config={"target": t("data.col.target"), "source": t("data.col.source")})
        columns = {str(r.target): ([s.strip() for s in str(r.source).split("|")] if "|" in str(r.source)
                                   and not str(r.source).startswith("=") else str(r.source))
                   for r in edited.dropna().itertuples() if str(r.target).strip()}
        with st.expander(t("data.profile_json")):
            text = st.text_area(t("data.profile_json"), json.dumps({**profile.to_dict(), "columns": columns},
                                                                    ensure_ascii=False, indent=2),
                                height=300, key=f"data.profile_text.{source}.{target}")
        try:
            profile = Profile.from_dict(json.loads(text))
        except (ValueError, IngestError) as e:
            st.warning(e.problem.message() if isinstance(e, IngestError) else t("data.bad_json", error=str(e)))
            st.stop()
        st.download_button(t("data.save_profile"), profile.to_json().encode("utf-8"), file_name="profile.json",
                           key="data.save_profile", on_click="ignore")
        c1, c2, c3 = st.columns(3)
        mode = c1.radio(t("data.mode"), ["append", "upsert", "replace"], key="data.mode",
                        format_func=lambda m: t(f"data.mode.{m}"))
        order = c2.radio(t("data.date_order"), ["auto", "dmy", "mdy"], key="data.date_order",
                         format_func=lambda o: t(f"data.date_order.{o}"))
        skip = c3.checkbox(t("data.skip_bad_rows"), key="data.skip")
        options = dict(table=target, profile=profile, mode=mode, date_order=None if order == "auto" else order,
                       on_error="skip" if skip else "refuse", file_name=upload.name)
        b1, b2 = st.columns(2)
        if b1.button(t("data.check"), key="data.check"):
            _show_report(import_file(store, path, dry_run=True, **options))
        if b2.button(t("data.import"), key="data.import", type="primary"):
            report = import_file(store, path, **options)
            _show_report(report)
            if report.loaded and target == "opportunities":
                h = pipeline_hygiene(store)
                st.subheader(t("data.hygiene"))
                st.write(t("data.hygiene.cli", zero=len(h.zero_amount_late), overdue=len(h.overdue),
                           stale=len(h.stale), slipping=len(h.slipping)))

with tab_history:
    history = import_history(store)
    if history.empty:
        st.info(t("data.no_history"))
    else:
        table(history.rename(columns=lambda c: t(f"data.hist.{c}")), key="data.history")
        if st.button(t("data.undo"), key="data.undo"):
            undone = undo_last_import(store)
            st.success(t("data.undone", file=undone.file, id=undone.import_id) if undone else t("data.no_history"))

with tab_export:
    name = st.selectbox(t("data.table"), list(schema.TABLES), key="data.export_table")
    frame = table_frame(store, name)
    st.caption(t("data.export_rows", rows=len(frame), table=name))
    downloads(frame, name=name, key="data.export")
