"""审核 / Review (SPEC §8): the submissions of an open month in the reviewer's scope, each unit's values beside last
month's and its own history median with the warnings; approve or return (with a reason) per unit or in bulk."""

from pathlib import Path

import streamlit as st

from analytics.model.cycles import SUBMITTED
from analytics.periods import from_index
from analytics.services import cycles as service
from ui import cycle as ui
from ui import data
from ui.auth import current_session, require_permission
from ui.context import tr, view

require_permission("review")
current = view(live=True)
db = current.db
session = current_session()
st.title(tr("review.title"))
ui.flash()
month = ui.pick_month(db, "review_month", open_only=True) if Path(db).exists() else None
if month is None:
    st.info(tr("review.no_open"))
    st.stop()

version = data.version(db)
registry = data.registry(db, version)
scope = ui.scope_of(session, registry)
if scope is None:
    st.caption(tr("review.scope_all"))
else:
    st.caption(tr("review.scope", units=tr("sep.list").join(session.units if session else ())))
status = service.status(db, month.period)
period = from_index(month.period)
queue = [u for u in status.units if u.status == SUBMITTED and (scope is None or u.unit in scope)]
if not queue:
    st.success(tr("review.empty", period=period))
    st.stop()

names = {u.unit: u.name for u in queue}
codes = list(names)
with st.container(border=True):
    st.markdown(f"**{tr('review.bulk')}**")
    labels = {code: tr("sep.noted", name=code, note=name) for code, name in names.items()}
    picked = st.multiselect(tr("review.bulk_pick"), codes, key=f"review_bulk_{month.period}",
                            placeholder=tr("ui.choose"), format_func=labels.__getitem__)  # fmt: skip
    ui.approve_or_return(db, picked, month.period, "bulk", bulk=True)

st.subheader(tr("review.queue", n=len(queue)))
panel = data.panel(db, version) if data.has_data(db) else None
catalog = data.catalog(db, version)
notes = ui.month_notes(db, month.period)
for unit in queue:
    values = (
        ui.unit_values(panel, catalog, unit.unit, month.period, notes.get(unit.unit)) if panel is not None else None
    )
    warned = int((values["warning"] != "").sum()) if values is not None and not values.empty else 0
    title = (
        tr(
            "sep.noted",
            name=f"{unit.unit} {unit.name}",
            note=tr("review.warnings" if warned > 1 else "review.warning_one", n=warned),
        )
        if warned
        else (f"{unit.unit} {unit.name}")
    )
    with st.expander(title, expanded=len(queue) <= 3 or warned > 0, icon=":material/warning:" if warned else None):
        submitted = ui.when(unit.submitted_at) or "—"
        st.caption(tr("review.submitted", by=unit.by or "—", at=submitted, batch=unit.batch_id or "—"))
        if values is None or values.empty:
            st.caption(tr("review.no_values"))
        else:
            shape = {tr(f"review.col.{c}"): st.column_config.TextColumn(width="small") for c in ui.NUMBER_COLUMNS}
            shape |= {tr(f"review.col.{c}"): st.column_config.TextColumn(width="medium") for c in ui.TEXT_COLUMNS}
            st.dataframe(
                ui.shown_values(values), hide_index=True, width="stretch", placeholder="—", column_config=shape
            )
        ui.approve_or_return(db, [unit.unit], month.period, f"unit_{unit.unit}")
