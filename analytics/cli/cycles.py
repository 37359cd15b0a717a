"""The handlers of the reporting cycle (SPEC §8): ``cycle open|close|reopen|status`` and
``review approve|return|confirm|excuse``. Each makes one service call (analytics.services.cycles) and prints what
it returns; a refusal (the state or status that blocks, named) goes up to :func:`analytics.cli.main.main`: exit 1.
"""

from __future__ import annotations

import argparse

from analytics.cli.args import actor, db_of, emit_json
from analytics.periods import from_index
from analytics.services import cycles
from analytics.services.cycles import Cycle, CycleStatus

STATUS_COLUMNS = ("unit", "status", "batch_id", "submitted_at", "by", "reviewed_by", "reason", "overdue")


def cycle(args: argparse.Namespace) -> int:
    """``cycle ACTION YYYY-MM``."""
    db = db_of(args)
    if args.action == "status":
        _print_status(cycles.status(db, args.period), args.json)
        return 0
    if args.action == "open":
        done = cycles.open_month(db, args.period, args.deadline, args.user, actor())
    elif args.action == "close":
        done = cycles.close_month(db, args.period, args.user, actor())
    else:
        done = cycles.reopen_month(db, args.period, args.reason, args.user, actor())
    _print_cycle(done, args.json)
    return 0


def _print_cycle(done: Cycle, as_json: bool) -> None:
    deadline = done.deadline.isoformat() if done.deadline else None
    if as_json:
        emit_json({"period": from_index(done.period), "state": done.state, "deadline": deadline})
    else:
        print(f"{from_index(done.period)}: {done.state}" + (f" (deadline {deadline})" if deadline else ""))


def _print_status(report: CycleStatus, as_json: bool) -> None:
    if as_json:
        emit_json(report.to_json())
        return
    deadline = f", deadline {report.deadline.isoformat()}" if report.deadline else ""
    print(f"{from_index(report.period)}: {report.state}{deadline}")
    rows = [[_cell(row[c]) for c in STATUS_COLUMNS] for row in (u.to_json() for u in report.units)]
    if not rows:
        return
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(STATUS_COLUMNS)]
    for line in (list(STATUS_COLUMNS), *rows):
        print("  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip())


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def review(args: argparse.Namespace) -> int:
    """``review ACTION UNIT… --period YYYY-MM [--reason R] [--user NAME]``."""
    changes = cycles.review(db_of(args), args.action, args.units, args.period, args.user, args.reason, actor())
    if args.json:
        emit_json(
            {
                "period": from_index(args.period),
                "action": args.action,
                "units": [{"unit": c.unit, "from": c.before, "to": c.after} for c in changes],
            }
        )
    else:
        for change in changes:
            print(f"{change.unit}: {change.before} → {change.after}")
    return 0
