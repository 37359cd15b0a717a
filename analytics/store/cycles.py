"""The monthly reporting cycle in the database (SPEC §8): each month's cycle, each reporting unit's status in it,
and the restatements of closed months. The rules (which transition from which status, who reports) are
analytics.model.cycles; the permissions (who may) are checked by analytics.services.cycles before calling here.

Every change is ONE transaction with its audit entry (``audit.transaction``): the state read, the check and the write
see the same snapshot, and appends take turns, so two reviewers acting on one unit at once leave one consistent
status (the second sees the first's and is applied or refused) and an audit row each — a refused change is logged
as ``review_refused`` after its rollback. A process killed during a close leaves the month open or closed, never half.

A unit with no ``unit_status`` row in an open month is ``missing``. The commit of a batch calls
:func:`check_closed` (a closed month is refused unless the batch is a restatement, which is recorded) and
:func:`mark_submitted` (the units and open months it wrote become ``submitted``) inside its own transaction.
A month without a cycle costs one count query per commit and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.model.cycles import (
    CLOSABLE,
    CLOSE_CYCLE,
    CLOSED,
    MISSING,
    OPEN,
    OPEN_CYCLE,
    REOPEN_CYCLE,
    SUBMIT,
    SUBMITTED,
    TRANSITIONS,
    CycleError,
    Marks,
    action_phrase,
    reporting_units,
    state_phrase,
    units_with_status,
)
from analytics.periods import from_index
from analytics.store import audit
from analytics.store.connection import bump_view_version, first_row, one_row
from analytics.store.units import load_registry


@dataclass(frozen=True)
class Cycle:
    """A month's cycle as stored."""

    period: int
    state: str  # open | closed
    deadline: dt.date | None
    opened_at: dt.datetime
    opened_by: str
    closed_at: dt.datetime | None
    closed_by: str | None


@dataclass(frozen=True)
class StatusRow:
    """A reporting unit's stored status in a month (a unit without one is missing)."""

    uid: int
    status: str
    batch_id: int | None
    submitted_at: dt.datetime | None
    submitted_by: str | None
    reviewed_at: dt.datetime | None
    reviewed_by: str | None
    reason: str | None


_CYCLE_OF = "SELECT period, state, deadline, opened_at, opened_by, closed_at, closed_by FROM cycles WHERE period = ?"
_CYCLES = "SELECT period, state, deadline, opened_at, opened_by, closed_at, closed_by FROM cycles ORDER BY period"


def load_cycle(con: duckdb.DuckDBPyConnection, period: int) -> Cycle | None:
    row = first_row(con, _CYCLE_OF, [period])
    return Cycle(*row) if row else None


def list_cycles(con: duckdb.DuckDBPyConnection) -> list[Cycle]:
    """Every month that was ever opened, oldest first."""
    return [Cycle(*row) for row in con.execute(_CYCLES).fetchall()]


def cycles_in_use(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(one_row(con, "SELECT count(*) > 0 FROM cycles")[0])


def closed_periods(con: duckdb.DuckDBPyConnection) -> frozenset[int]:
    """The months that are closed (an import touching one is a restatement or is refused)."""
    return frozenset(p for (p,) in con.execute("SELECT period FROM cycles WHERE state = ?", [CLOSED]).fetchall())


def open_periods(con: duckdb.DuckDBPyConnection) -> frozenset[int]:
    """The months under an open cycle (a warning there needs the uploader's note: SPEC §8)."""
    return frozenset(p for (p,) in con.execute("SELECT period FROM cycles WHERE state = ?", [OPEN]).fetchall())


def status_rows(con: duckdb.DuckDBPyConnection, period: int) -> dict[int, StatusRow]:
    """The stored statuses of ``period``, by unit id."""
    rows = con.execute(
        "SELECT uid, status, batch_id, submitted_at, submitted_by, reviewed_at, reviewed_by, reason "
        "FROM unit_status WHERE period = ? ORDER BY uid",
        [period],
    ).fetchall()
    return {int(row[0]): StatusRow(*row) for row in rows}


def restatements(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Restatements of closed months by batches that are not reverted: batch_id, reason, period (one row per
    month a batch restated), user_name, created_at; oldest first (pages and exports mark these months 更正)."""
    return con.execute(
        "SELECT r.batch_id, r.reason, unnest(r.periods) AS period, b.user_name, b.created_at FROM restatements r "
        "JOIN batches b ON b.id = r.batch_id WHERE b.status = 'committed' ORDER BY r.batch_id, period"
    ).df()


def marks(con: duckdb.DuckDBPyConnection) -> Marks:
    """The last final month while cycles are in use — the latest closed one, or, before any month closed, the
    month before the first cycle (months never opened are final) — and the restatements of closed months."""
    closed, first = one_row(con, "SELECT max(period) FILTER (WHERE state = ?), min(period) FROM cycles", [CLOSED])
    final = closed if closed is not None else first - 1 if first is not None else None
    restated = restatements(con)
    return Marks(
        from_index(int(final)) if final is not None else None,
        tuple((from_index(int(p)), str(r)) for p, r in zip(restated["period"], restated["reason"], strict=True)),
    )


# --- the month's cycle ------------------------------------------------------------------------------------------


def _refuse_state(period: int, state: str, action: str) -> CycleError:
    return CycleError("cycle.state", period=from_index(period), state=state_phrase(state), action=action_phrase(action))


def open_cycle(con: duckdb.DuckDBPyConnection, period: int, deadline: dt.date | None, actor: str) -> Cycle:
    """Open ``period`` (never opened before; a closed month is reopened, not opened) with an optional deadline."""
    with audit.transaction(con):
        found = load_cycle(con, period)
        if found is not None:
            raise _refuse_state(period, found.state, OPEN_CYCLE)
        con.execute(
            "INSERT INTO cycles VALUES (?, ?, ?, ?, ?, NULL, NULL)", [period, OPEN, deadline, dt.datetime.now(), actor]
        )
        details = {"period": from_index(period), "deadline": deadline.isoformat() if deadline else None}
        audit.record(con, actor, audit.CYCLE_OPEN, details)
    return _cycle(con, period)


def close_cycle(con: duckdb.DuckDBPyConnection, period: int, actor: str) -> Cycle:
    """Close an open month. Refused (CycleError ``cycle.close_blocked``, its ``blocking`` the units and their
    statuses) while any reporting unit is neither confirmed nor excused; checked in the closing transaction."""
    with audit.transaction(con):
        found = load_cycle(con, period)
        if found is None or found.state != OPEN:
            raise _refuse_state(period, found.state if found else "none", CLOSE_CYCLE)
        stored = status_rows(con, period)
        units = reporting_units(load_registry(con), stored)
        blocking = tuple(
            (u.code, stored[u.uid].status if u.uid in stored else MISSING)
            for u in units
            if (stored[u.uid].status if u.uid in stored else MISSING) not in CLOSABLE
        )
        if blocking:
            raise CycleError(
                "cycle.close_blocked",
                blocking=blocking,
                period=from_index(period),
                n=len(blocking),
                units=units_with_status(blocking),
            )
        con.execute(
            "UPDATE cycles SET state = ?, closed_at = ?, closed_by = ? WHERE period = ?",
            [CLOSED, dt.datetime.now(), actor, period],
        )
        audit.record(con, actor, audit.CYCLE_CLOSE, {"period": from_index(period), "units": len(units)})
        bump_view_version(con)  # leaders' pages now end at this month by default
    return _cycle(con, period)


def reopen_cycle(con: duckdb.DuckDBPyConnection, period: int, reason: str, actor: str) -> Cycle:
    """Reopen a closed month (the statuses stay; a new batch makes its units submitted again)."""
    with audit.transaction(con):
        found = load_cycle(con, period)
        if found is None or found.state != CLOSED:
            raise _refuse_state(period, found.state if found else "none", REOPEN_CYCLE)
        con.execute("UPDATE cycles SET state = ?, closed_at = NULL, closed_by = NULL WHERE period = ?", [OPEN, period])
        audit.record(con, actor, audit.CYCLE_REOPEN, {"period": from_index(period), "reason": reason})
        bump_view_version(con)  # this month is preliminary again
    return _cycle(con, period)


def _cycle(con: duckdb.DuckDBPyConnection, period: int) -> Cycle:
    found = load_cycle(con, period)
    if found is None:
        raise LookupError(f"no cycle for {from_index(period)}")
    return found


# --- a reporting unit's status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One unit's status change: its code, the status before and after."""

    unit: str
    before: str
    after: str


def change_status(
    con: duckdb.DuckDBPyConnection,
    period: int,
    units: Mapping[int, str],
    action: str,
    actor: str,
    reason: str | None = None,
) -> list[Change]:
    """Apply review ``action`` (approve, return, confirm, excuse) to ``units`` (id → code) in ``period``, all or
    none, in one transaction with its ``unit_status`` audit entry.

    Refused (CycleError; nothing changes, and the attempt is logged as ``review_refused``): a month that is not
    open (``cycle.state``), or any unit whose current status does not allow the action (``cycle.transition``,
    naming each such unit with its status)."""
    rule = TRANSITIONS[action]
    text = from_index(period)
    try:
        with audit.transaction(con):
            found = load_cycle(con, period)
            if found is None or found.state != OPEN:
                raise _refuse_state(period, found.state if found else "none", action)
            stored = status_rows(con, period)
            before = {uid: stored[uid].status if uid in stored else MISSING for uid in units}
            refused = tuple((units[uid], status) for uid, status in before.items() if status not in rule.before)
            if refused:
                raise CycleError(
                    "cycle.transition",
                    blocking=refused,
                    period=text,
                    action=action_phrase(action),
                    units=units_with_status(refused),
                )
            frame = pd.DataFrame({"uid": np.fromiter(units, dtype=np.int64, count=len(units))})
            con.register("review_units", frame)
            try:
                con.execute(
                    "INSERT INTO unit_status SELECT ?, uid, ?, NULL, NULL, NULL, ?, ?, ? FROM review_units "
                    "ON CONFLICT (period, uid) DO UPDATE SET status = excluded.status, "
                    "reviewed_at = excluded.reviewed_at, reviewed_by = excluded.reviewed_by, reason = excluded.reason",
                    [period, rule.after, dt.datetime.now(), actor, reason],
                )
            finally:
                con.unregister("review_units")
            changes = [Change(units[uid], before[uid], rule.after) for uid in units]
            details = {
                "period": text,
                "action": action,
                "status": rule.after,
                "units": [c.unit for c in changes],
                "from": {c.unit: c.before for c in changes},
                "reason": reason,
            }
            audit.record(con, actor, audit.UNIT_STATUS, details)
    except CycleError as exc:
        refusal = {"period": text, "action": action, "units": list(units.values()), "reason": reason}
        audit.record(con, actor, audit.REVIEW_REFUSED, refusal | {"refused": exc.message("en")})
        raise
    return changes


# --- inside a batch's commit ------------------------------------------------------------------------------------


def _periods(rows: pd.DataFrame) -> list[int]:
    return [int(p) for p in pd.unique(rows["period"].to_numpy())]


def check_closed(con: duckdb.DuckDBPyConnection, batch_id: int, rows: pd.DataFrame, restated: str | None) -> list[int]:
    """In a batch's transaction: the closed months its ``rows`` (uid, period, …) touch. Refused (CycleError
    ``cycle.month_closed``) unless ``restated`` (the restatement's reason), which is then recorded for the batch."""
    if not cycles_in_use(con):
        return []
    closed = sorted(set(_periods(rows)) & closed_periods(con))
    if not closed:
        return []
    if not restated:
        raise CycleError("cycle.month_closed", periods="、".join(from_index(p) for p in closed))
    con.execute("INSERT INTO restatements VALUES (?, ?, ?)", [batch_id, restated, closed])
    return closed


def check_revert(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Before a revert: a batch that wrote values of a closed month may not be reverted (that would change a closed
    month's numbers without a restatement); refused with CycleError ``cycle.month_closed``. A restatement itself may
    be reverted (that undoes the correction and brings back the numbers the month was closed with)."""
    if not cycles_in_use(con) or first_row(con, "SELECT 1 FROM restatements WHERE batch_id = ?", [batch_id]):
        return
    sql = "SELECT DISTINCT period FROM observations WHERE batch_id = ? ORDER BY period"
    touched = {int(p) for (p,) in con.execute(sql, [batch_id]).fetchall()}
    closed = sorted(touched & closed_periods(con))
    if closed:
        raise CycleError("cycle.month_closed", periods="、".join(from_index(p) for p in closed))


def mark_submitted(con: duckdb.DuckDBPyConnection, batch_id: int, rows: pd.DataFrame, user: str, actor: str) -> None:
    """In a batch's transaction: every unit it wrote in an open month becomes ``submitted`` (whatever its status
    was), one ``unit_status`` audit entry per month."""
    if not cycles_in_use(con):
        return
    periods = _periods(rows)
    sql = "SELECT period FROM cycles WHERE state = ? AND list_contains(?::INTEGER[], period) ORDER BY period"
    open_ = [int(p) for (p,) in con.execute(sql, [OPEN, periods]).fetchall()]
    if not open_:
        return
    written = rows.loc[rows["period"].isin(open_), ["period", "uid"]].drop_duplicates()
    con.register("submitted_units", written)
    try:
        before = con.execute(
            "SELECT w.period, u.code, coalesce(s.status, ?) FROM submitted_units w JOIN units u ON u.uid = w.uid "
            "LEFT JOIN unit_status s ON s.period = w.period AND s.uid = w.uid ORDER BY w.period, w.uid",
            [MISSING],
        ).fetchall()
        con.execute(
            "INSERT INTO unit_status SELECT period, uid, ?, ?, ?, ?, NULL, NULL, NULL FROM submitted_units "
            "ON CONFLICT (period, uid) DO UPDATE SET status = excluded.status, batch_id = excluded.batch_id, "
            "submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, reviewed_at = NULL, "
            "reviewed_by = NULL, reason = NULL",
            [SUBMITTED, batch_id, dt.datetime.now(), user],
        )
    finally:
        con.unregister("submitted_units")
    for period in open_:
        changed = [(code, status) for p, code, status in before if p == period]
        details = {
            "period": from_index(period),
            "action": SUBMIT,
            "status": SUBMITTED,
            "batch": batch_id,
            "units": [code for code, _ in changed],
            "from": {code: status for code, status in changed if status != MISSING},
        }
        audit.record(con, actor, audit.UNIT_STATUS, details)


def mark_reverted(con: duckdb.DuckDBPyConnection, batch_id: int, actor: str) -> None:
    """In a revert's transaction, after the current values are restored: every unit whose status in an open month
    came from the reverted batch goes back to what its values now are — ``submitted`` by the latest batch still
    holding values of that unit and month (to be reviewed again: its numbers changed), else ``missing``. One
    ``unit_status`` audit entry per month. Closed months keep their statuses (SPEC §8)."""
    if not cycles_in_use(con):
        return
    rows = con.execute(
        "SELECT s.period, s.uid, u.code, s.status, (SELECT max(c.batch_id) FROM current c "
        "WHERE c.uid = s.uid AND c.period = s.period) AS now FROM unit_status s "
        "JOIN cycles y ON y.period = s.period AND y.state = ? JOIN units u ON u.uid = s.uid "
        "WHERE s.batch_id = ? ORDER BY s.period, s.uid",
        [OPEN, batch_id],
    ).fetchall()
    for period, uid, _code, _status, now in rows:
        if now is None:
            con.execute("DELETE FROM unit_status WHERE period = ? AND uid = ?", [period, uid])
            continue
        con.execute(
            "UPDATE unit_status SET status = ?, batch_id = b.id, submitted_at = b.created_at, "
            "submitted_by = b.user_name, reviewed_at = NULL, reviewed_by = NULL, reason = NULL "
            "FROM batches b WHERE b.id = ? AND unit_status.period = ? AND unit_status.uid = ?",
            [SUBMITTED, int(now), period, uid],
        )
    for period in sorted({int(row[0]) for row in rows}):
        month = [row for row in rows if row[0] == period]
        details = {
            "period": from_index(period),
            "action": "revert",
            "batch": batch_id,
            "units": [code for _, _, code, _, _ in month],
            "from": {code: status for _, _, code, status, _ in month},
            "to": {code: MISSING if now is None else SUBMITTED for _, _, code, _, now in month},
        }
        audit.record(con, actor, audit.UNIT_STATUS, details)


def uids_of(con: duckdb.DuckDBPyConnection, codes: Iterable[str]) -> dict[int, str]:
    """Unit id → code for ``codes`` (registered ones), in id order."""
    wanted = list(codes)
    rows = con.execute(
        "SELECT uid, code FROM units WHERE list_contains(?::VARCHAR[], code) ORDER BY uid", [wanted]
    ).fetchall()
    return {int(uid): str(code) for uid, code in rows}
