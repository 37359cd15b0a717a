"""Welcome: an empty database opens here — register the units, then the template and the import; or the demo."""

import streamlit as st

from analytics.ingest.template import (
    UNITS_TEMPLATE_NAME,
    last_month,
    template_bytes,
    template_file_name,
    units_from_upload,
    units_template_csv,
)
from analytics.model.master_data import MasterDataError
from analytics.periods import from_index
from analytics.services.demo import create_demo
from analytics.settings import max_file_mb
from analytics.store import audit
from analytics.store.connection import DatabaseBusy, connect
from analytics.store.units import save_units
from ui import data
from ui.auth import can, record_event, role_label
from ui.context import db_for, demo_available, lang, tr, view

OPENING_DEMO = "welcome_opening_demo"
UNITS_SAVED = "welcome_units_saved"  # how many units the last upload registered, said once after the rerun


def _open_demo() -> None:
    st.session_state["data"] = "demo"
    st.session_state[OPENING_DEMO] = True


def register_units(db: str) -> None:
    """Upload a unit list and register it in one transaction; the refusal is shown, nothing half-saved."""
    mb = max_file_mb()  # the widget's own words are English: the help says them in the UI language
    upload = st.file_uploader(tr("welcome.units_upload"), key="welcome_units", help=tr("ui.upload_help", mb=mb))
    if upload is not None and not upload.name.lower().endswith(".csv"):
        st.error(tr("welcome.units_not_csv", name=upload.name))
        return
    if upload is None or not st.button(tr("welcome.units_save"), key="welcome_units_save", type="primary"):
        return
    try:
        rows = units_from_upload(upload.getvalue())
        with connect(db) as con:
            save_units(con, rows)
    except UnicodeDecodeError:
        st.error(tr("welcome.units_bad_encoding"))
        return
    except MasterDataError as exc:
        st.error(tr("audit.bad_file", error=exc.message(lang())))
        return
    except DatabaseBusy:
        st.error(tr("ui.busy"))
        return
    record_event(db, audit.UNITS, {"file": upload.name, "rows": len(rows), "page": "welcome"})
    data.after_write(db)
    st.session_state[UNITS_SAVED] = len(rows)
    st.rerun()  # the steps below now see the units


st.title(tr("app.title"))
st.write(tr("welcome.intro"))
current = view(live=True)
version = data.version(current.db)
registry = data.registry(current.db, version)

st.subheader(tr("welcome.step_units"))
if UNITS_SAVED in st.session_state:
    st.success(tr("welcome.units_saved", n=st.session_state.pop(UNITS_SAVED)))
if registry.units:
    st.caption(tr("welcome.units_registered", n=len(registry.units), leaves=len(registry.leaves())))
elif can("manage"):  # registering units is a units change: admins only, as on the Data & audit page
    st.caption(tr("welcome.units_why"))
    st.download_button(tr("welcome.units_template"), units_template_csv(), file_name=UNITS_TEMPLATE_NAME)
    register_units(current.db)
else:
    st.caption(tr("welcome.units_admins", role=role_label("admin")))

col_template, col_import = st.columns(2)
with col_template:
    st.subheader(tr("welcome.step_template"))
    period = last_month()  # the month whose returns are collected now
    if not registry.units:
        st.caption(tr("welcome.template_needs_units"))
    elif can("import"):  # the template lists every unit: a download, only for those who collect the returns
        st.download_button(
            tr("import.template_button", period=from_index(period)),
            template_bytes(period, data.catalog(current.db, version), registry),
            file_name=template_file_name(period),
        )
    else:
        st.caption(tr("welcome.template_importers"))
with col_import:
    st.subheader(tr("welcome.step_import"))
    if can("import"):  # the Import page is in the navigation only for those who may import
        st.page_link("views/import_data.py", label=tr("welcome.go_import"), icon="📥")
    else:
        st.caption(tr("welcome.import_importers"))

st.divider()
st.subheader(tr("welcome.step_demo"))
if st.session_state.pop(OPENING_DEMO, False) and data.has_data(current.db):
    st.switch_page("views/overview.py")  # this page keeps its own address: the demo opens on the overview
if demo_available():
    st.button(tr("welcome.open_demo"), type="primary", on_click=_open_demo)  # before the sidebar's source radio
elif st.button(tr("welcome.make_demo"), type="primary"):
    with st.spinner("…"):
        create_demo(db_for("demo"))
    data.after_write(db_for("demo"))
    st.session_state["data"] = "demo"
    st.switch_page("views/overview.py")
