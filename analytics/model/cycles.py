"""The monthly reporting cycle as rules (SPEC §8): a month's states, a reporting unit's statuses, which transition
is allowed from which status, who reports, who is overdue. Pure: the store keeps them, the services apply them.

A month never opened has no cycle (state ``none``) and behaves as if cycles did not exist. An open month gives every
reporting unit a status: ``missing`` until a committed batch writes values of that unit and month (``submitted``);
a reviewer ``approve``s or ``return``s a submission (a return needs a reason), an admin ``confirm``s an approved one
or ``excuse``s a unit that cannot report (with a reason). A new batch sets any status back to ``submitted``. A month
closes only when every reporting unit is ``confirmed`` or ``excused``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from analytics.errors import AnalyticsError
from analytics.i18n import Phrase, t
from analytics.model.units import Registry, Unit
from analytics.periods import from_index, parse_strict

# the month's cycle
NONE, OPEN, CLOSED = "none", "open", "closed"
STATES = (NONE, OPEN, CLOSED)
# a reporting unit's status in an open (or closed) month
MISSING, SUBMITTED, RETURNED, APPROVED, CONFIRMED, EXCUSED = (
    "missing",
    "submitted",
    "returned",
    "approved",
    "confirmed",
    "excused",
)
STATUSES = (MISSING, SUBMITTED, RETURNED, APPROVED, CONFIRMED, EXCUSED)
CLOSABLE = frozenset({CONFIRMED, EXCUSED})  # the statuses a month may close with
LATE = frozenset({MISSING, RETURNED})  # past the deadline in one of these: overdue

# review actions: the statuses each is allowed from, the status it leads to, whether it needs a reason, and the
# permission it needs (``review``: a reviewer in scope or an admin; ``manage``: an admin)
APPROVE, RETURN, CONFIRM, EXCUSE = "approve", "return", "confirm", "excuse"
SUBMIT = "submit"  # what a committed batch does (never asked for by name)


@dataclass(frozen=True)
class Transition:
    action: str
    before: frozenset[str]
    after: str
    needs_reason: bool
    permission: str


TRANSITIONS: dict[str, Transition] = {
    APPROVE: Transition(APPROVE, frozenset({SUBMITTED}), APPROVED, False, "review"),
    RETURN: Transition(RETURN, frozenset({SUBMITTED, APPROVED}), RETURNED, True, "review"),
    CONFIRM: Transition(CONFIRM, frozenset({APPROVED}), CONFIRMED, False, "manage"),
    EXCUSE: Transition(EXCUSE, frozenset({MISSING, RETURNED}), EXCUSED, True, "manage"),
}
REVIEW_ACTIONS = tuple(TRANSITIONS)  # approve, return, confirm, excuse: the command line's choices
# cycle actions, for messages: open, close, reopen (admin; reopen needs a reason), restate (an import after close)
OPEN_CYCLE, CLOSE_CYCLE, REOPEN_CYCLE, RESTATE = "open", "close", "reopen", "restate"


class CycleError(AnalyticsError, ValueError):
    """A refused cycle or status change (code ``cycle.*``); nothing changed. ``blocking`` lists (unit code, status)
    of the units that stopped it (a close, a transition), for pages."""

    code = "cycle"

    def __init__(self, code: str | None = None, /, blocking: tuple[tuple[str, str], ...] = (), **fields: object):
        self.blocking = blocking
        super().__init__(code, **fields)


def state_phrase(state: str) -> Phrase:
    return Phrase(f"cycle.state.{state}")


def status_phrase(status: str) -> Phrase:
    return Phrase(f"cycle.status.{status}")


def action_phrase(action: str) -> Phrase:
    return Phrase(f"cycle.action.{action}")


class Listing(Phrase):
    """Phrases joined as a list in the language of the text around them (``B11（已审核）、B12（未报）``)."""

    parts: tuple[Phrase, ...]

    def __init__(self, parts: Collection[Phrase]) -> None:
        super().__init__("sep.list")
        object.__setattr__(self, "parts", tuple(parts))

    def text(self, lang: str = "zh") -> str:
        return t("sep.list", lang).join(part.text(lang) for part in self.parts)


def units_with_status(pairs: Collection[tuple[str, str]]) -> Listing:
    """(unit code, status) pairs as ``B11（已审核）、B12（未报）`` / ``B11 (approved), B12 (missing)``."""
    return Listing([Phrase("cycle.unit_status", unit=code, status=status_phrase(status)) for code, status in pairs])


def reporting_units(registry: Registry, reporting_themselves: Collection[int] = ()) -> list[Unit]:
    """The units that report in a month, in id order: every unit without children (SPEC §8), and the parents that
    report themselves — ``reporting_themselves`` (unit ids), the units that have a status that month because a
    batch wrote their own values."""
    leaves = {u.uid for u in registry.leaves()}
    extra = set(reporting_themselves)
    return [u for u in registry.units if u.uid in leaves or u.uid in extra]


def is_overdue(status: str, deadline: dt.date | None, today: dt.date, state: str = OPEN) -> bool:
    """Past the deadline and still missing or returned, in an open month."""
    return state == OPEN and deadline is not None and today > deadline and status in LATE


def refused_transition(action: str, status: str) -> bool:
    """Whether ``action`` is not allowed from ``status``."""
    return status not in TRANSITIONS[action].before


@dataclass(frozen=True)
class Marks:
    """What leaders' views and exports say about the months under the cycle (SPEC §8). ``closed_through``: the
    latest closed month while cycles are in use (None otherwise: every month is final, as before cycles); the
    months after it are preliminary (初步). ``restated``: (month, reason) of each restatement (更正) of a closed
    month by a batch not reverted."""

    closed_through: str | None = None
    restated: tuple[tuple[str, str], ...] = ()

    def default_end(self, months: list[str]) -> str | None:
        """Where a view without chosen months ends: the latest closed month (or the last month before it with
        data), else the last month with data."""
        if not months:
            return None
        if self.closed_through is None:
            return months[-1]
        final = [m for m in months if m <= self.closed_through]
        return final[-1] if final else months[-1]

    def preliminary(self, start: str | None, end: str | None) -> str | None:
        """The first preliminary month shown in ``start``..``end``, or None when every month shown is final."""
        if self.closed_through is None or end is None or end <= self.closed_through:
            return None
        first = from_index(parse_strict(self.closed_through) + 1)
        return max(first, start) if start else first

    def restated_in(self, start: str | None, end: str | None) -> dict[str, tuple[str, ...]]:
        """The restated months shown in ``start``..``end`` with their reasons (each once, in order)."""
        found: dict[str, tuple[str, ...]] = {}
        for month, reason in self.restated:
            if (
                (start is None or month >= start)
                and (end is None or month <= end)
                and reason not in found.get(month, ())
            ):
                found[month] = (*found.get(month, ()), reason)
        return found

    def texts(self, start: str | None, end: str | None, lang: str) -> list[tuple[str, str]]:
        """The marks a page or an export of ``start``..``end`` carries, as (kind, text): ``preliminary`` 初步 …,
        ``restated`` 更正 … (empty: every month shown is final and unchanged)."""
        out = []
        first = self.preliminary(start, end)
        if first is not None:
            out.append(("preliminary", t("marks.preliminary", lang, first=first)))
        restated = self.restated_in(start, end)
        if restated:
            sep = t("sep.list", lang)
            reasons = sep.join(dict.fromkeys(r for rs in restated.values() for r in rs))
            out.append(("restated", t("marks.restated", lang, months=sep.join(restated), reasons=reasons)))
        return out
