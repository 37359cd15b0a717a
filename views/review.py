"""审核 / Review (SPEC §8): the submissions of an open month in the reviewer's scope, each unit's values beside last
month's and its own history median with the warnings; approve or return (with a reason) per unit or in bulk."""

from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.figures.cycle import warning_counts
from analytics.model.cycles import SUBMITTED
from analytics.periods import from_index
from analytics.services import cycles as service
from ui import cycle as ui
from ui import data
from ui.auth import current_session, require_permission
from ui.context import tr, view
from ui.widgets import table

PAGE = 10  # units whose values are shown at once (a 2,000-unit month has hundreds waiting)

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
    named = [
        tr("sep.noted", name=u.name, note=u.code)
        for c in (session.units if session else ())
        if (u := registry.by_code(c))
    ]
    st.caption(tr("review.scope", units=tr("sep.list").join(named)))  # 新能源公司（XN00）: its units and theirs
status = service.status(db, month.period)
period = from_index(month.period)
queue = [u for u in status.units if u.status == SUBMITTED and (scope is None or u.unit in scope)]
if not queue:
    st.success(tr("review.empty", period=period))
    st.stop()

names = {u.unit: u.name for u in queue}
panel = data.panel(db, version) if data.has_data(db) else None
catalog = data.catalog(db, version)
notes = ui.month_notes(db, month.period)
warned = warning_counts(panel, catalog, list(names), month.period) if panel is not None else dict.fromkeys(names, 0)
queue.sort(key=lambda u: -warned[u.unit])  # the units with warnings first (stable: registry order within)
codes = [u.unit for u in queue]
quiet = [code for code in codes if not warned[code]]
bulk_key = f"review_bulk_{month.period}"
with st.container(border=True):
    st.markdown(f"**{tr('review.bulk')}**")
    labels = {code: tr("sep.noted", name=code, note=name) for code, name in names.items()}
    if quiet and st.button(tr("review.bulk_quiet", n=len(quiet)), key=f"{bulk_key}_quiet"):
        st.session_state[bulk_key] = quiet
    picked = st.multiselect(tr("review.bulk_pick"), codes, key=bulk_key, placeholder=tr("ui.choose"),
                            format_func=labels.__getitem__)  # fmt: skip
    ui.approve_or_return(db, picked, month.period, "bulk", bulk=True)

st.subheader(tr("review.queue", n=len(queue)))
summary = pd.DataFrame(
    {
        tr("review.col.unit"): [labels[u.unit] for u in queue],
        tr("review.col.warned"): [warned[u.unit] for u in queue],
        tr("review.col.noted"): [len(notes.get(u.unit, {})) for u in queue],
        tr("review.col.by"): [u.by or "—" for u in queue],
        tr("review.col.at"): [ui.when(u.submitted_at) or "—" for u in queue],
    }
)
table(summary)
pages = max(1, -(-len(queue) // PAGE))
if pages > 1:
    st.caption(tr("review.page", size=PAGE))
    bounds = {p: (p * PAGE + 1, min(len(queue), (p + 1) * PAGE)) for p in range(pages)}
    shown = st.selectbox(
        tr("review.page_pick"),
        list(bounds), key=f"review_page_{month.period}",
        format_func=lambda p: tr("review.page_label", page=p + 1, first=bounds[p][0], last=bounds[p][1]),
    )  # fmt: skip
else:
    shown = 0
for unit in queue[shown * PAGE : (shown + 1) * PAGE]:
    values = (
        ui.unit_values(panel, catalog, unit.unit, month.period, notes.get(unit.unit)) if panel is not None else None
    )
    count = warned[unit.unit]
    title = (
        tr(
            "sep.noted",
            name=f"{unit.unit} {unit.name}",
            note=tr("review.warnings" if count > 1 else "review.warning_one", n=count),
        )
        if count
        else (f"{unit.unit} {unit.name}")
    )
    with st.expander(title, expanded=len(queue) <= 3 or count > 0, icon=":material/warning:" if count else None):
        submitted = ui.when(unit.submitted_at) or "—"
        st.caption(tr("review.submitted", by=unit.by or "—", at=submitted, batch=unit.batch_id or "—"))
        if values is None or values.empty:
            st.caption(tr("review.no_values"))
        else:
            shape = {tr(f"review.col.{c}"): st.column_config.TextColumn(width="small") for c in ui.NUMBER_COLUMNS}
            shape |= {tr(f"review.col.{c}"): st.column_config.TextColumn(width="medium") for c in ui.TEXT_COLUMNS}
            flagged = (values["warning"] != "") | (values["note"] != "")
            if flagged.any():  # what needs a look, readable in full; every value below on request
                table(ui.shown_values(values[flagged]), config=shape)
                with st.expander(tr("review.all_values", n=len(values))):
                    table(ui.shown_values(values), config=shape)
            else:
                table(ui.shown_values(values), config=shape)
        ui.approve_or_return(db, [unit.unit], month.period, f"unit_{unit.unit}")
