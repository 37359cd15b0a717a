"""The monthly reporting cycle's pages (views/progress.py, views/review.py): the month picker, the status tables
and grid, the planners assigned to a unit, the 催报 list and its export, a unit's values beside last month and its
history for the reviewer, and the actions with their refusals shown in the session's language.

Reads go through analytics.services.cycles (each opens the database once); the statuses change without a new data
version, so they are read on every run (one small query), not cached. Accounts (who is a planner of which units)
live in the real database, as everywhere in the app (ui.auth).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.errors import AnalyticsError
from analytics.figures import cycle as cycle_tables
from analytics.model.catalog import Catalog
from analytics.model.cycles import APPROVE, OPEN, RETURN, RETURNED, action_phrase, status_phrase
from analytics.model.panel import Panel
from analytics.model.units import Registry
from analytics.periods import from_index, parse_strict
from analytics.reports.chase import chase_xlsx
from analytics.reports.marking import mark_now
from analytics.services import cycles as service
from analytics.services.admin import account_list
from analytics.services.cycles import Cycle, CycleStatus
from analytics.services.rules import notes as kept_notes
from analytics.store.accounts import Session, scope_codes
from analytics.store.audit import record_export
from ui.auth import auth_db, current_session
from ui.context import lang, tr

FLASH_KEY = "cycle_flash"  # a success message to show after the rerun an action asks for
TIME_FORMAT = "%Y\u2011%m\u2011%d\u00a0%H:%M"  # no-break hyphens and space: a table cell keeps it on one line
CHASE_FILE = "chase-{period}.xlsx"


# --- the month ---------------------------------------------------------------------------------------------------


def cycles(db: str) -> tuple[Cycle, ...]:
    """Every month ever opened in ``db``, oldest first (nothing when the file does not exist yet)."""
    return service.months(db) if Path(db).exists() else ()


def pick_month(db: str, key: str, open_only: bool = False) -> Cycle | None:
    """A select of the months under a cycle (newest first; the latest open one by default), or None when none."""
    found = [c for c in cycles(db) if c.state == OPEN or not open_only]
    if not found:
        return None
    by_period = {c.period: c for c in found}
    options = sorted(by_period, reverse=True)
    pending = st.session_state.pop(f"{key}_next", None)  # a month an action just opened
    if pending in by_period:
        st.session_state[key] = pending
    elif st.session_state.get(key) not in by_period:
        opened = [p for p in options if by_period[p].state == OPEN]
        st.session_state[key] = opened[0] if opened else options[0]
    label = tr("review.month" if open_only else "progress.month")
    labels = {p: _month_label(c) for p, c in by_period.items()}  # fixed now, not in the language of a later call
    chosen = st.selectbox(label, options, key=key, format_func=labels.__getitem__)
    return by_period[chosen]


def _month_label(cycle: Cycle) -> str:
    return t_noted(from_index(cycle.period), tr(f"cycle.state.{cycle.state}"))


def t_noted(name: str, note: str) -> str:
    return tr("sep.noted", name=name, note=note)


def show_next(key: str, period: int) -> None:
    """After an action that opened ``period``: the picker ``key`` shows it on the next run."""
    st.session_state[f"{key}_next"] = period


def status_words(status: str) -> str:
    return status_phrase(status).text(lang())


def when(value: dt.datetime | None) -> str | None:
    return value.strftime(TIME_FORMAT) if value else None


# --- who -----------------------------------------------------------------------------------------------------------


def planners_by_unit(registry: Registry) -> dict[str, list[str]]:
    """Unit code → the names of the enabled planners whose scope holds it (accounts of the real database)."""
    db = auth_db()
    if not Path(db).exists():
        return {}
    users = account_list(db)
    found: dict[str, list[str]] = {}
    for row in users.itertuples(index=False):
        if row.role != "planner" or bool(row.disabled):
            continue
        assigned = [code for code in str(row.units or "").split(",") if code]  # stored as "S1,S2"
        for code in sorted(scope_codes(assigned, registry)):
            found.setdefault(code, []).append(str(row.name))
    return found


def scope_of(session: Session | None, registry: Registry) -> set[str] | None:
    """The unit codes a scoped session acts on (None: every unit, an admin's or the local demo's)."""
    if session is None:
        return set()
    if session.role == "admin":
        return None
    return scope_codes(session.units, registry)


# --- a month's units ---------------------------------------------------------------------------------------------

UNIT_COLUMNS = ["subsidiary", "unit", "name", "status", "overdue", "submitted_at", "by", "reviewed_by",
                "reviewed_at", "reason", "planners"]  # fmt: skip


def unit_frame(status: CycleStatus, registry: Registry, planners: dict[str, list[str]]) -> pd.DataFrame:
    """One row per reporting unit: its subsidiary's name, code, name, status (code), overdue, times, people."""
    rows = []
    sep, nobody = tr("sep.list"), tr("progress.no_planner")  # once, not per unit (2,000 units)
    for u in status.units:
        top = registry.by_code(registry.subsidiary_of(u.unit)) if registry.by_code(u.unit) else None
        rows.append(
            {
                "subsidiary": top.name if top else u.unit,
                "unit": u.unit,
                "name": u.name,
                "status": u.status,
                "overdue": u.overdue,
                "submitted_at": when(u.submitted_at),
                "by": u.by,
                "reviewed_by": u.reviewed_by,
                "reviewed_at": when(u.reviewed_at),
                "reason": u.reason,
                "planners": sep.join(planners.get(u.unit, ())) or nobody,
            }
        )
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)


def status_grid(units: pd.DataFrame) -> pd.DataFrame:
    """Subsidiary × status counts in the session's language (analytics.figures.cycle)."""
    return cycle_tables.status_grid(units, lang())


def shown_units(units: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``columns`` of the unit frame with the words of the session's language."""
    frame = units.loc[:, list(columns)].copy()
    if "status" in frame:
        frame["status"] = frame["status"].map({s: status_words(s) for s in frame["status"].unique()})
    if "overdue" in frame:
        frame["overdue"] = frame["overdue"].map({True: tr("progress.yes"), False: ""})
    return frame.rename(columns={c: tr(f"progress.col.{c}") for c in frame.columns})


CHASE_COLUMNS = ["subsidiary", "unit", "name", "status", "reason", "planners"]


def chase_list(units: pd.DataFrame) -> pd.DataFrame:
    """The 催报 list: the overdue units (missing or returned past the deadline) with their assigned planners."""
    return units[units["overdue"]]


def chase_download(db: str, cycle: Cycle, chase: pd.DataFrame, user: str) -> None:
    """The 催报 list as an XLSX download (built in memory); the export is logged in ``db``'s audit log."""
    period = from_index(cycle.period)
    deadline = cycle.deadline.isoformat() if cycle.deadline else "—"
    table = shown_units(chase, CHASE_COLUMNS)
    title, sheet, language = (
        tr("progress.chase_title", period=period, deadline=deadline),
        tr("progress.chase_sheet"),
        lang(),
    )

    def data() -> bytes:  # built when the browser asks for the file, not on every run of the page
        return chase_xlsx(table, title, sheet, mark_now(user), language)

    name = CHASE_FILE.format(period=period)
    context = {"page": "progress", "period": period, "units": len(chase)}
    st.download_button(tr("progress.chase_export"), data, file_name=name, key="chase_export",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click=log_export, args=(db, user, name, context))  # fmt: skip


def log_export(db: str, user: str, name: str, context: dict[str, object]) -> None:
    """The download button's click: the export in ``db``'s audit log."""
    record_export(db, user, name, context)


# --- actions -------------------------------------------------------------------------------------------------------


def act(run: Callable[[], object], done: str) -> bool:
    """Run a cycle action; on success keep ``done`` for the next run and rerun, on a refusal show it here (in the
    session's language) and return False."""
    try:
        run()
    except AnalyticsError as exc:
        st.error(exc.message(lang()))
        blocking = getattr(exc, "blocking", ())
        if blocking:
            st.session_state["cycle_blocking"] = list(blocking)
        return False
    st.session_state[FLASH_KEY] = done
    st.rerun()
    return True


def flash() -> None:
    """The message the last successful action left."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


def review_units(db: str, action: str, units: Sequence[str], period: int, reason: str | None = None) -> None:
    """Approve / return / confirm / excuse ``units`` as the signed-in user; the outcome as :func:`act` shows it."""
    session = current_session()
    done = tr("review.done", action=action_phrase(action).text(lang()), units=tr("sep.list").join(units))
    act(lambda: service.review(db, action, list(units), period, who=session, reason=reason), done)


def approve_or_return(db: str, units: Sequence[str], period: int, key: str, bulk: bool = False) -> None:
    """A reason box and the approve / return buttons for ``units``."""
    reason = st.text_input(tr("review.reason"), key=f"{key}_reason")
    left, right, _ = st.columns([1, 1, 3])
    approve = left.button(tr("review.approve_all" if bulk else "review.approve"), key=f"{key}_approve",
                          type="primary", disabled=not units)  # fmt: skip
    back = right.button(tr("review.return_all" if bulk else "review.return"), key=f"{key}_return", disabled=not units)
    if approve:
        review_units(db, APPROVE, units, period)
    if back:
        review_units(db, RETURN, units, period, reason)


# --- a unit's values for the reviewer ----------------------------------------------------------------------------


NUMBER_COLUMNS = ("value", "last", "change", "median")  # narrow, so the warning and the note fit without scrolling
TEXT_COLUMNS = ("metric", "warning", "note")


def month_notes(db: str, period: int) -> dict[str, dict[str, str]]:
    """The notes (情况说明) of ``period``: unit code → metric code → the latest note on that value."""
    found: dict[str, dict[str, str]] = {}
    for row in kept_notes(db, period=period).itertuples(index=False):  # oldest first: a later note replaces one
        found.setdefault(str(row.unit), {})[str(row.metric)] = str(row.note)
    return found


def unit_values(
    panel: Panel, catalog: Catalog, unit: str, period: int, notes: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The unit's values and warnings for the reviewer in the session's language (analytics.figures.cycle)."""
    return cycle_tables.unit_values(panel, catalog, unit, period, notes, lang())


def shown_values(values: pd.DataFrame) -> pd.DataFrame:
    return values.rename(columns={c: tr(f"review.col.{c}") for c in values.columns})


def in_scope(units: Iterable[str], scope: set[str] | None) -> list[str]:
    return [u for u in units if scope is None or u in scope]


def returned_to(
    db: str, registry: Registry, scope: set[str] | None, known: Mapping[int, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """The planner's to-do: the returned units of every open month in ``scope`` (None: all), with the month
    (``period``, text), the reason and who returned them when; columns as :func:`unit_frame` plus ``period``.
    ``known``: unit frames (:func:`unit_frame`) the page has built already, by month: not built again."""
    found = []
    known = known or {}
    for cycle in cycles(db):
        if cycle.state != OPEN:
            continue
        units = (
            known[cycle.period] if cycle.period in known else unit_frame(service.status(db, cycle.period), registry, {})
        )
        units = units[(units["status"] == RETURNED) & units["unit"].isin(in_scope(units["unit"], scope))]
        found.append(units.assign(period=from_index(cycle.period)))
    found = [frame for frame in found if not frame.empty]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=[*UNIT_COLUMNS, "period"])


def suggested_month(db: str, months: Sequence[str]) -> str:
    """The month the open form proposes: the one after the latest month with data (this month without data), or
    after the latest month opened when that one is taken."""
    taken = {c.period for c in cycles(db)}
    today = dt.date.today()
    period = parse_strict(months[-1]) + 1 if months else today.year * 12 + today.month - 1
    while period in taken:
        period += 1
    return from_index(period)
