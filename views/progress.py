"""填报进度 / Reporting progress (SPEC §8): a month under a cycle, its state and deadline, the units by subsidiary
and status, the 催报 list (exportable), the planner's returned units, and the admin's cycle controls."""

import datetime as dt
from pathlib import Path

import streamlit as st

from analytics.model.cycles import APPROVED, CLOSED, CONFIRM, EXCUSE, LATE, OPEN, STATUSES
from analytics.periods import from_index, parse_strict
from analytics.services import cycles as service
from ui import cycle as ui
from ui import data, widgets
from ui.auth import can, current_session
from ui.context import tr, view

current = view(live=True)
db = current.db
session = current_session()
user = st.session_state.get("user") or "app"
may_manage = can("manage")
st.title(tr("progress.title"))
ui.flash()
known = Path(db).exists()
registry = data.registry(db, data.version(db)) if known else None
month = ui.pick_month(db, "progress_month") if known else None


def open_controls() -> None:
    """Open a month (admin): YYYY-MM and an optional deadline."""
    st.markdown(f"**{tr('progress.open_title')}**")
    default = ui.suggested_month(db, data.months(db) if data.has_data(db) else [])
    left, middle, right = st.columns([2, 2, 3])
    text = left.text_input(tr("progress.open_month"), value=default, key="open_month")
    has_deadline = middle.checkbox(tr("progress.open_has_deadline"), value=True, key="open_has_deadline")
    deadline = right.date_input(tr("progress.open_deadline"), key="open_deadline", disabled=not has_deadline,
                                value=dt.date.today() + dt.timedelta(days=10))  # fmt: skip
    if st.button(tr("progress.open"), key="open_cycle", type="primary"):
        try:
            period = parse_strict(text.strip())
        except ValueError:
            st.error(tr("progress.bad_month"))
            return
        ui.show_next("progress_month", period)
        chosen = deadline if has_deadline and isinstance(deadline, dt.date) else None
        ui.act(
            lambda: service.open_month(db, period, chosen, who=session),
            tr("progress.opened", period=from_index(period)),
        )


if month is None or registry is None:
    st.info(tr("progress.no_cycles" if may_manage else "progress.no_cycles_viewer"))
    if may_manage and known:
        st.divider()
        st.subheader(tr("progress.admin"))
        open_controls()
    st.stop()

status = service.status(db, month.period)
units = ui.unit_frame(status, registry, ui.planners_by_unit(registry))
index, period = month.period, from_index(month.period)
counts = status.counts()
cards = st.columns(5)
cards[0].metric(tr("progress.state"), tr(f"cycle.state.{month.state}"))
cards[1].metric(tr("progress.deadline"), month.deadline.isoformat() if month.deadline else tr("progress.no_deadline"))
cards[2].metric(tr("progress.units"), len(units))
cards[3].metric(tr("progress.done"), counts.get("confirmed", 0) + counts.get("excused", 0))
cards[4].metric(tr("progress.overdue_n"), int(units["overdue"].sum()))
restated = service.restated(db)
batches = restated[restated["period"] == month.period]["batch_id"].nunique() if not restated.empty else 0
if batches:
    st.warning(tr("progress.restated", n=batches))

st.subheader(tr("progress.grid"))
widgets.table(ui.status_grid(units))

left, right = st.columns(2)
words = {s: ui.status_words(s) for s in STATUSES}
wanted = left.multiselect(tr("progress.filter_status"), list(STATUSES), format_func=words.__getitem__,
                          key="progress_status", placeholder=tr("ui.choose"))  # fmt: skip
subsidiaries = list(dict.fromkeys(units["subsidiary"]))
tops = right.multiselect(
    tr("progress.filter_subsidiary"), subsidiaries, key="progress_subsidiary", placeholder=tr("ui.choose")
)
shown = units
if wanted:
    shown = shown[shown["status"].isin(wanted)]
if tops:
    shown = shown[shown["subsidiary"].isin(tops)]
st.markdown(f"**{tr('progress.table', n=len(shown))}**")
table = ui.shown_units(shown, [c for c in ui.UNIT_COLUMNS if c != "planners"])
widgets.table(table, placeholder="")

st.subheader(tr("progress.chase"))
chase = ui.chase_list(units)
if month.deadline is None:
    st.caption(tr("progress.chase_no_deadline"))
elif month.state == OPEN and dt.date.today() <= month.deadline:
    st.caption(tr("progress.chase_before", deadline=month.deadline.isoformat()))
elif chase.empty:
    st.success(tr("progress.chase_none"))
else:
    widgets.table(ui.shown_units(chase, ui.CHASE_COLUMNS), placeholder="")
    if can("export") or can("import"):
        ui.chase_download(db, month, chase, user)

if can("import"):
    st.subheader(tr("progress.returned"))
    todo = ui.returned_to(db, registry, ui.scope_of(session, registry), {month.period: units})
    if todo.empty:
        st.caption(tr("progress.returned_none"))
    else:
        st.markdown(tr("progress.returned_help"))
        columns = ["period", "unit", "name", "reason", "reviewed_by", "reviewed_at"]
        todo_table = ui.shown_units(todo, [c for c in columns if c != "period"])
        todo_table.insert(0, tr("col.period"), todo["period"].to_numpy())
        widgets.table(todo_table, placeholder="")
        st.page_link("views/import_data.py", label=tr("progress.to_import"), icon=":material/upload_file:")

if may_manage:
    st.divider()
    st.subheader(tr("progress.admin"))
    if month.state == OPEN:
        approved = units.loc[units["status"] == APPROVED, "unit"].tolist()
        late = units.loc[units["status"].isin(LATE), "unit"].tolist()
        names = dict(zip(units["unit"], units["name"], strict=True))
        pattern = tr("sep.noted", name="{name}", note="{note}")  # "{name}（{note}）": filled per unit below
        labels = {code: pattern.format(name=code, note=name) for code, name in names.items()}
        label = labels.__getitem__
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{tr('progress.confirm_help', n=len(approved))}**")
            # every approved unit by default, as one tick: 800 preselected chips took the browser a second to draw
            every = st.checkbox(tr("progress.confirm_every", n=len(approved)), value=True,
                                key=f"confirm_every_{month.period}", disabled=not approved)  # fmt: skip
            picked = approved if every else st.multiselect(
                tr("progress.units_pick"), approved, format_func=label, key=f"confirm_units_{month.period}",
                placeholder=tr("ui.choose"),
            )  # fmt: skip
            if st.button(tr("progress.confirm"), key="confirm_units", disabled=not approved):
                if picked:
                    ui.review_units(db, CONFIRM, picked, month.period)
                else:
                    st.warning(tr("progress.pick_first"))
        with right:
            st.markdown(f"**{tr('progress.excuse_help', n=len(late))}**")
            picked_late = st.multiselect(tr("progress.units_pick"), late, format_func=label,
                                         key=f"excuse_units_{month.period}", placeholder=tr("ui.choose"))  # fmt: skip
            reason = st.text_input(tr("progress.excuse_reason"), key="excuse_reason")
            if st.button(tr("progress.excuse"), key="excuse_units", disabled=not late):
                if picked_late:
                    ui.review_units(db, EXCUSE, picked_late, month.period, reason)
                else:
                    st.warning(tr("progress.pick_first"))
        sure = st.checkbox(tr("progress.close_confirm", period=period), key="close_sure")
        if st.button(tr("progress.close"), key="close_month", type="primary", disabled=not sure):
            st.session_state.pop("cycle_blocking", None)
            ui.act(lambda: service.close_month(db, index, who=session), tr("progress.closed", period=period))
            blocking = st.session_state.pop("cycle_blocking", [])
            if blocking:
                st.markdown(f"**{tr('progress.blocking')}**")
                block = units[units["unit"].isin([code for code, _ in blocking])]
                widgets.table(ui.shown_units(block, ["unit", "name", "status"]))
    elif month.state == CLOSED:
        reason = st.text_input(tr("progress.reopen_reason"), key="reopen_reason")
        if st.button(tr("progress.reopen"), key="reopen_month"):
            ui.act(lambda: service.reopen_month(db, index, reason, who=session),
                   tr("progress.reopened", period=period))  # fmt: skip
    st.divider()
    open_controls()
