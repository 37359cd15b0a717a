"""Import (planners): template, multi-file upload, errors by cell, notes (情况说明) typed for the values that need one,
preview, commit, history with revert."""

import streamlit as st

from analytics.ingest.template import last_month, template_bytes, template_file_name
from analytics.model.issues import Issue
from analytics.model.notes import MAX_NOTE
from analytics.model.unknown_units import group_unknown_units, unknown_units_message
from analytics.periods import from_index, parse_strict
from analytics.services.imports import Upload, commit, issues_frame, preview_frame, preview_summary, validate
from analytics.services.rules import notes_needed, typed_notes
from analytics.settings import max_file_mb
from analytics.store.connection import DatabaseBusy
from ui import data, widgets
from ui.auth import can, current_session
from ui.context import lang, tr, view
from ui.widgets import batch_history, status_label

current = view(live=True)
version = data.version(current.db)
st.title(tr("page.import"))
RECENT_BATCHES = 10  # the history here: the latest batches (the data page has them all)
CONFIRM_KEY = "confirm_far"  # the tick that confirms values far from their unit's history
INPUTS_KEY = "import_inputs"  # the upload as checked (files, month, new units): checked again with the notes
NEEDED_KEY = "import_needed"  # the values that need a note, per language (from the upload's first check)
APPLIED_KEY = "import_notes"  # the notes the current validation was checked with
ROUND_KEY = "import_round"  # a new upload gets a fresh notes editor
NOTE_CONFIG = {"unit": tr("col.unit"), "period": tr("col.period"), "name": tr("col.metric"),
               "value": tr("notes.col.value"), "why": tr("notes.col.why"), "note": tr("notes.col.note")}  # fmt: skip


def issue_table(issues: list[Issue]) -> None:
    """Errors or warnings, the message column wide enough to read a long message (the rest narrow)."""
    table = issues_frame(issues, lang())
    table = table.rename(columns={c: tr(f"col.{c}") for c in table.columns})
    widths = {tr(f"col.{c}"): "small" for c in ("location", "file", "kind", "code")} | {tr("col.message"): "large"}
    columns = {name: st.column_config.TextColumn(width=width) for name, width in widths.items()}
    widgets.table(table, config=columns)


with st.expander(tr("import.template"), expanded=False):
    period_text = st.text_input(tr("import.template_period"), value=from_index(last_month()), key="template_period")
    try:
        period = parse_strict(period_text)
        st.download_button(
            tr("import.template_button", period=from_index(period)),
            template_bytes(period, data.catalog(current.db, version), data.registry(current.db, version)),
            file_name=template_file_name(period),
        )
    except ValueError:
        st.error(tr("import.period_bad"))

# no ``type=``: the widget would refuse other files in English ("application/pdf files are not allowed."); the
# import refuses them itself, in the UI language and naming the accepted formats
mb = max_file_mb()
files = st.file_uploader(
    tr("import.upload", mb=mb), accept_multiple_files=True, key="uploads", help=tr("ui.upload_help", mb=mb)
)
col_period, col_units = st.columns(2)
upload_period = col_period.text_input(tr("import.period"), value="", key="upload_period", placeholder="2026-10")
# registering units is a units change: admins only (a planner's new units would be outside their scope anyway)
create_units = can("manage") and col_units.checkbox(tr("import.create_units"), key="create_units")

if st.button(tr("import.validate"), type="primary", disabled=not files):
    try:
        given = parse_strict(upload_period) if upload_period.strip() else None
    except ValueError:
        st.error(tr("import.period_bad"))
        st.stop()
    uploads = [Upload(f.name, f.getvalue()) for f in files or []]  # each file read once
    # checked, the units out of the user's scope included, and previewed; the commit below writes this same record
    checked = validate(current.db, uploads, given, create_units, scope=current_session())
    st.session_state["validation"] = checked
    st.session_state[INPUTS_KEY] = (uploads, given, create_units)
    catalog, registry = data.catalog(current.db, version), data.registry(current.db, version)
    st.session_state[NEEDED_KEY] = {code: notes_needed(checked, registry, catalog, code) for code in ("zh", "en")}
    st.session_state[APPLIED_KEY] = []
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.session_state.pop(CONFIRM_KEY, None)  # a new upload is confirmed afresh


def note_entry() -> bool:
    """The values that need a note (情况说明), each with a note to type, and a button that checks the upload again
    with the notes; whether the notes typed are those the current validation was checked with."""
    needed = st.session_state.get(NEEDED_KEY, {}).get(lang())
    if needed is None or needed.empty:
        return True
    st.subheader(tr("import.notes_title"))
    st.caption(tr("import.notes_help", n=len(needed)))
    applied = st.session_state.get(APPLIED_KEY, [])
    typed_before = {(n.unit, n.period, n.metric): n.text for n in applied}
    shown = needed[["unit", "period", "name", "value", "why"]].assign(
        note=[typed_before.get((r.unit, parse_strict(r.period), r.metric), "") for r in needed.itertuples()]
    )
    # the reason readable, the note widest: the rest is narrow and read-only
    config = {c: st.column_config.Column(label, disabled=True, width="small") for c, label in NOTE_CONFIG.items()}
    config["why"] = st.column_config.TextColumn(NOTE_CONFIG["why"], disabled=True, width="medium")
    config["note"] = st.column_config.TextColumn(NOTE_CONFIG["note"], max_chars=MAX_NOTE, width="large")
    edited = st.data_editor(shown, column_config=config, hide_index=True, width="stretch",
                            key=f"note_editor_{st.session_state.get(ROUND_KEY, 0)}")  # fmt: skip
    notes = typed_notes(needed, [str(v) if isinstance(v, str) else "" for v in edited["note"]])
    if st.button(tr("import.notes_apply"), disabled=not notes, key="notes_apply"):
        uploads, given, create = st.session_state[INPUTS_KEY]
        st.session_state["validation"] = validate(current.db, uploads, given, create, scope=current_session(),
                                                  notes=notes)  # fmt: skip
        st.session_state[APPLIED_KEY] = notes
        applied = notes
    return notes == applied


issues_box, notes_box = st.container(), st.container()  # the notes under the issues, checked again before they show
notes_current = True
if st.session_state.get("validation") is not None:
    with notes_box:
        notes_current = note_entry()
validation = st.session_state.get("validation")
if validation is not None:
    far = validation.far_from_history  # values far from their unit's history: a commit needs them confirmed
    with issues_box:
        if validation.errors:
            st.error(tr("import.errors", n=len(validation.errors)))
            unknown, others = group_unknown_units(validation.errors)  # 30 unknown units read as one message, not 30
            if unknown is not None:
                st.warning(unknown_units_message(unknown, lang(), can("manage")))
            if others:
                issue_table(others)
        if validation.warnings:
            expanded = not validation.errors or far > 0
            with st.expander(tr("import.warnings", n=len(validation.warnings)), expanded=expanded):
                issue_table(validation.warnings)
    if not validation.errors:
        st.info(tr("import.summary", **preview_summary(validation)))
        if validation.notes is not None:
            st.caption(tr("import.notes_attached", n=len(validation.notes)))
        preview = preview_frame(
            validation, data.catalog(current.db, version), data.registry(current.db, version), lang()
        )
        preview["status"] = preview["status"].map(status_label)
        st.subheader(tr("import.preview"))
        st.dataframe(
            preview.rename(columns={c: tr(f"col.{c}") for c in preview.columns}),
            hide_index=True,
            width="stretch",
            height=320,
            placeholder="—",  # a new value has no old one: a dash, not "None"
        )
        if validation.diff is not None and not validation.diff.changes_anything:
            st.success(tr("import.nothing"))
        else:
            confirmed = not far or st.checkbox(tr("import.confirm_far", n=far), key=CONFIRM_KEY)
            needed = None if confirmed else tr("import.confirm_far_needed", n=far)
            needed = needed if notes_current else tr("import.notes_changed")
            ready = confirmed and notes_current  # the notes shown are the ones checked and written
            if st.button(tr("import.commit"), type="primary", disabled=not ready, help=needed):
                user = st.session_state.get("user", "app")
                try:  # audited, with the count of confirmed values; the notes go with the batch
                    batch = commit(current.db, validation, user, confirmed=confirmed)
                except DatabaseBusy:
                    st.error(tr("ui.busy"))
                    st.stop()
                for key in ("validation", INPUTS_KEY, NEEDED_KEY, APPLIED_KEY):
                    st.session_state.pop(key, None)
                data.after_write(current.db)
                st.success(tr("import.committed", batch=batch) if batch else tr("import.nothing"))

st.subheader(tr("import.history"))
batch_history(latest=RECENT_BATCHES)
st.page_link("views/audit.py", label=tr("batch.all_link"), icon=":material/history:")
