"""Reporting status: units × months — reported, partial, missing — and who is still missing this month."""

import streamlit as st

from analytics.figures.completeness import completeness_figure
from analytics.model.completeness import missing_reports
from ui import data
from ui.context import lang, tr, view
from ui.widgets import chart, kept, status_label, table

current = view()
st.title(tr("complete.title"))
if not data.has_data(current.db):
    st.info(tr("empty.no_data"))
    st.stop()
dv = data.version(current.db)
grid = data.completeness_grid(current.db, dv)
if current.start:
    grid = grid[grid["period"] >= current.start]
if current.end:
    grid = grid[grid["period"] <= current.end]
months = sorted(grid["period"].unique())
st.caption(tr("complete.legend"))
registry = data.registry(current.db, dv)
figure = kept(
    ("complete.figure", current.db, dv, current.start, current.end, lang()),
    lambda: completeness_figure(grid, lang(), registry.subsidiary_names()),
)
chart(figure, width="stretch")
month = st.selectbox(tr("complete.month"), months[::-1], key="complete_month")
missing = missing_reports(grid, month)
if missing.empty:
    st.success(tr("complete.all_in", period=month))
else:
    st.subheader(tr("complete.missing", period=month, n=len(missing)))
    shown = missing.assign(status=missing["status"].map(status_label))[["unit", "name", "values", "expected", "status"]]
    table(
        shown,
        config={
            "unit": tr("col.unit"),
            "name": tr("col.name"),
            "status": tr("col.status"),
            "values": tr("complete.values"),
            "expected": tr("complete.expected"),
        },
    )
