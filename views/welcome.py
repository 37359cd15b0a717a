"""Welcome: an empty database opens here — the template, the import, and the demo one click away."""

from datetime import date

import streamlit as st

from analytics.demo import create_demo
from analytics.periods import to_index
from analytics.template import template_bytes
from ui import data
from ui.auth import can
from ui.context import db_for, demo_available, tr, view

OPENING_DEMO = "welcome_opening_demo"


def _open_demo() -> None:
    st.session_state["data"] = "demo"
    st.session_state[OPENING_DEMO] = True


st.title(tr("app.title"))
st.write(tr("welcome.intro"))
current = view()
col_template, col_import = st.columns(2)
with col_template:
    st.subheader(tr("welcome.step_template"))
    month = date.today()
    period = to_index(month.year, month.month)
    version = data.version(current.db)
    if can("import"):  # the template lists every unit: a download, only for those who collect the returns
        st.download_button(
            tr("import.template"),
            template_bytes(period, data.catalog(current.db, version), data.registry(current.db, version)),
            file_name=f"template_{month:%Y-%m}.xlsx",
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
