"""The monthly reporting cycle's use cases (SPEC §8): open, close and reopen a month; a month's statuses; review
actions (approve, return, confirm, excuse); who may restate a closed month.

Who acts: an account (its role and, for a reviewer, its units), or the command line's operator, who acts as an
admin (the operator of the machine already manages the accounts). Each use case checks the permission here, then
the store (analytics.store.cycles) applies the change and its audit entry in one transaction, checking the state
there. Refusals: CycleError (``cycle.*``: the current state or status named), UnknownUnit, DatabaseBusy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analytics.i18n import TEXT, Phrase
from analytics.model.cycles import (
    CLOSE_CYCLE,
    MISSING,
    NONE,
    OPEN_CYCLE,
    REOPEN_CYCLE,
    RESTATE,
    REVIEW_ACTIONS,
    TRANSITIONS,
    CycleError,
    action_phrase,
    is_overdue,
    reporting_units,
)
from analytics.model.units import Registry
from analytics.periods import from_index
from analytics.store import cycles as store
from analytics.store.accounts import PERMISSIONS, Session, User, load_user, scope_codes
from analytics.store.connection import Connection, connect
from analytics.store.cycles import Change, Cycle
from analytics.store.units import load_registry

__all__ = [
    "REVIEW_ACTIONS",
    "Actor",
    "Change",
    "Cycle",
    "CycleError",
    "CycleStatus",
    "UnitState",
    "close_month",
    "months",
    "open_month",
    "reopen_month",
    "restated",
    "restatement",
    "review",
    "status",
]
OPERATOR_ROLE = "admin"  # the command line without --user: the machine's operator


@dataclass(frozen=True)
class Actor:
    """Who acts: the name the audit log and the statuses record, the role, a scoped role's units."""

    name: str
    role: str
    units: tuple[str, ...] = ()

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


Who = User | Session | Actor | str | None  # an account, a session, or a name (None/"cli": the operator)


def _actor(con: Connection, who: Who, operator: str) -> Actor:
    """The actor ``who`` names: a page's account or session as it is; a name looked up (refused when unknown or
    disabled); None, "" or "cli" the command line's operator, recorded as ``operator``, acting as an admin."""
    if isinstance(who, Actor):
        return who
    if isinstance(who, User | Session):
        if isinstance(who, User) and who.disabled:
            return Actor(who.name, "disabled")
        return Actor(who.user if isinstance(who, Session) else who.name, who.role, tuple(who.units))
    if not who or who == "cli":
        return Actor(operator, OPERATOR_ROLE)
    account = load_user(con, who)
    if account is None:
        raise CycleError("cycle.unknown_user", name=who)
    return Actor(account.name, "disabled" if account.disabled else account.role, account.units)


def _role(role: str) -> Phrase | str:
    return Phrase(f"auth.role.{role}") if f"auth.role.{role}" in TEXT else role


def _require(actor: Actor, permission: str, action: str) -> None:
    if not actor.can(permission):
        raise CycleError("cycle.not_permitted", user=actor.name, role=_role(actor.role), action=action_phrase(action))


def _reason(reason: str | None, action: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise CycleError("cycle.needs_reason", action=action_phrase(action))
    return text


# --- the month's cycle ------------------------------------------------------------------------------------------


def open_month(
    db: str | Path | None, period: int, deadline: dt.date | None = None, who: Who = None, operator: str = "cli"
) -> Cycle:
    """Open ``period``'s cycle (admin), with an optional deadline (a date not before the month's first day)."""
    first = dt.date(period // 12, period % 12 + 1, 1)
    if deadline is not None and deadline < first:
        raise CycleError("cycle.bad_deadline", deadline=deadline.isoformat(), period=from_index(period))
    with connect(db) as con:
        actor = _actor(con, who, operator)
        _require(actor, "manage", OPEN_CYCLE)
        return store.open_cycle(con, period, deadline, actor.name)


def close_month(db: str | Path | None, period: int, who: Who = None, operator: str = "cli") -> Cycle:
    """Close an open month (admin); refused while a reporting unit is neither confirmed nor excused."""
    with connect(db) as con:
        actor = _actor(con, who, operator)
        _require(actor, "manage", CLOSE_CYCLE)
        return store.close_cycle(con, period, actor.name)


def reopen_month(
    db: str | Path | None, period: int, reason: str | None, who: Who = None, operator: str = "cli"
) -> Cycle:
    """Reopen a closed month (admin, with a reason)."""
    text = _reason(reason, REOPEN_CYCLE)
    with connect(db) as con:
        actor = _actor(con, who, operator)
        _require(actor, "manage", REOPEN_CYCLE)
        return store.reopen_cycle(con, period, text, actor.name)


def restatement(db: str | Path | None, reason: str | None, who: Who = None, operator: str = "cli") -> str:
    """The reason of a restatement of a closed month, once checked: an admin's, not blank (CycleError otherwise)."""
    text = _reason(reason, RESTATE)
    with connect(db, read_only=True) as con:
        _require(_actor(con, who, operator), "manage", RESTATE)
    return text


def months(db: str | Path | None) -> tuple[Cycle, ...]:
    """Every month ever opened, oldest first (empty: cycles are not in use, every month behaves as before them).
    The latest closed one is where leader and presenter views end by default (SPEC §8)."""
    with connect(db, read_only=True) as con:
        return tuple(store.list_cycles(con))


def restated(db: str | Path | None) -> pd.DataFrame:
    """The restatements of closed months by batches not reverted (batch_id, reason, period, user_name,
    created_at), for pages and exports to mark those months 更正."""
    with connect(db, read_only=True) as con:
        return store.restatements(con)


# --- a month's statuses -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitState:
    """One reporting unit's status in a month, as SPEC §4's ``cycle status`` lists it (plus name and times)."""

    unit: str
    name: str
    status: str
    batch_id: int | None
    submitted_at: dt.datetime | None
    by: str | None
    reviewed_at: dt.datetime | None
    reviewed_by: str | None
    reason: str | None
    overdue: bool

    def to_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "status": self.status,
            "batch_id": self.batch_id,
            "submitted_at": self.submitted_at.isoformat(timespec="seconds") if self.submitted_at else None,
            "by": self.by,
            "reviewed_by": self.reviewed_by,
            "reason": self.reason,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class CycleStatus:
    """A month's cycle: its state (none, open, closed), deadline and every reporting unit's status (none: no units)."""

    period: int
    state: str
    deadline: dt.date | None
    units: tuple[UnitState, ...]

    def to_json(self) -> dict[str, object]:
        """SPEC §4's JSON of ``cycle status``."""
        return {
            "period": from_index(self.period),
            "state": self.state,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "units": [u.to_json() for u in self.units],
        }

    def counts(self) -> dict[str, int]:
        """How many units have each status."""
        found: dict[str, int] = {}
        for u in self.units:
            found[u.status] = found.get(u.status, 0) + 1
        return found


def status(db: str | Path | None, period: int, today: dt.date | None = None) -> CycleStatus:
    """``period``'s cycle and the status of every reporting unit (registry order); overdue as of ``today``."""
    with connect(db, read_only=True) as con:
        return _status(con, period, today or dt.date.today())


def _status(con: Connection, period: int, today: dt.date) -> CycleStatus:
    cycle = store.load_cycle(con, period)
    if cycle is None:
        return CycleStatus(period, NONE, None, ())
    stored = store.status_rows(con, period)
    rows = []
    for unit in reporting_units(load_registry(con), stored):
        row = stored.get(unit.uid)
        state = row.status if row else MISSING
        late = is_overdue(state, cycle.deadline, today, cycle.state)
        if row is None:
            rows.append(UnitState(unit.code, unit.name, state, None, None, None, None, None, None, late))
            continue
        rows.append(
            UnitState(
                unit.code,
                unit.name,
                state,
                row.batch_id,
                row.submitted_at,
                row.submitted_by,
                row.reviewed_at,
                row.reviewed_by,
                row.reason,
                late,
            )
        )
    return CycleStatus(period, cycle.state, cycle.deadline, tuple(rows))


# --- review actions ---------------------------------------------------------------------------------------------


def review(
    db: str | Path | None,
    action: str,
    units: Sequence[str],
    period: int,
    who: Who = None,
    reason: str | None = None,
    operator: str = "cli",
) -> tuple[Change, ...]:
    """Apply ``action`` (approve, return, confirm, excuse) to the reporting units ``units`` name in ``period`` (a
    unit includes its descendants), all or none. ``approve`` and ``return``: a reviewer whose scope holds every
    unit, or an admin; ``confirm`` and ``excuse``: an admin; ``return`` and ``excuse`` need a reason."""
    if action not in TRANSITIONS:
        raise ValueError(f"action must be one of {REVIEW_ACTIONS}, not {action!r}")
    rule = TRANSITIONS[action]
    text = _reason(reason, action) if rule.needs_reason else ((reason or "").strip() or None)
    with connect(db) as con:
        actor = _actor(con, who, operator)
        _require(actor, rule.permission, action)
        registry = load_registry(con)
        targets = _targets(con, registry, units, period)
        if actor.role != "admin":
            allowed = scope_codes(actor.units, registry)
            outside = [code for code in targets.values() if code not in allowed]
            if outside:
                raise CycleError(
                    "cycle.out_of_scope", user=actor.name, action=action_phrase(action), units=", ".join(outside)
                )
        return tuple(store.change_status(con, period, targets, action, actor.name, text))


def _targets(con: Connection, registry: Registry, labels: Sequence[str], period: int) -> dict[int, str]:
    """The reporting units (id → code, id order) the labels name in ``period``, each with its descendants."""
    wanted = {code for label in labels for code in registry.descendants(registry.resolve(label).code)}
    reporting = reporting_units(registry, store.status_rows(con, period))
    return {u.uid: u.code for u in reporting if u.code in wanted}
