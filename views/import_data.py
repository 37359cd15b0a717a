"""Import (planners): template, multi-file upload, errors by cell, preview, commit, history with revert."""

import streamlit as st

from analytics.ingest.template import last_month, template_bytes, template_file_name
from analytics.model.issues import Issue
from analytics.model.unknown_units import group_unknown_units, unknown_units_message
from analytics.periods import from_index, parse_strict
from analytics.services.imports import Upload, commit, issues_frame, preview_frame, preview_summary, validate
from analytics.settings import max_file_mb
from analytics.store.connection import DatabaseBusy
from ui import data
from ui.auth import can, current_session
from ui.context import lang, tr, view
from ui.widgets import batch_history, status_label

current = view(live=True)
version = data.version(current.db)
st.title(tr("page.import"))
CONFIRM_KEY = "confirm_far"  # the tick that confirms values far from their unit's history


def issue_table(issues: list[Issue]) -> None:
    """Errors or warnings, the message column wide enough to read a long message (the rest narrow)."""
    table = issues_frame(issues, lang())
    table = table.rename(columns={c: tr(f"col.{c}") for c in table.columns})
    widths = {tr(f"col.{c}"): "small" for c in ("location", "file", "kind", "code")} | {tr("col.message"): "large"}
    columns = {name: st.column_config.TextColumn(width=width) for name, width in widths.items()}
    st.dataframe(table, hide_index=True, width="stretch", column_config=columns)


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
    st.session_state["validation"] = validate(current.db, uploads, given, create_units, scope=current_session())
    st.session_state.pop(CONFIRM_KEY, None)  # a new upload is confirmed afresh

validation = st.session_state.get("validation")
if validation is not None:
    far = validation.far_from_history  # values far from their unit's history: a commit needs them confirmed
    if validation.errors:
        st.error(tr("import.errors", n=len(validation.errors)))
        unknown, others = group_unknown_units(validation.errors)  # 30 unknown units read as one message, not 30
        if unknown is not None:
            st.warning(unknown_units_message(unknown, lang(), can("manage")))
        if others:
            issue_table(others)
    if validation.warnings:
        with st.expander(tr("import.warnings", n=len(validation.warnings)), expanded=not validation.errors or far > 0):
            issue_table(validation.warnings)
    if not validation.errors:
        st.info(tr("import.summary", **preview_summary(validation)))
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
            if st.button(tr("import.commit"), type="primary", disabled=not confirmed, help=needed):
                user = st.session_state.get("user", "app")
                try:  # audited, with the count of confirmed values
                    batch = commit(current.db, validation, user, confirmed=confirmed)
                except DatabaseBusy:
                    st.error(tr("ui.busy"))
                    st.stop()
                st.session_state.pop("validation", None)
                data.after_write(current.db)
                st.success(tr("import.committed", batch=batch) if batch else tr("import.nothing"))

st.subheader(tr("import.history"))
batch_history()
