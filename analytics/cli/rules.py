"""The handler of ``rules [--import CSV] [--export CSV] [--json]`` and ``rules --dry-run CODE [--from] [--to]
[--units]``: the cross-checks (勾稽关系, SPEC §8). One service call each (analytics.services.rules); a refused rules
file (RuleError, naming the row and the column) or an unknown rule code goes up to
:func:`analytics.cli.main.main`: exit 1, nothing changed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.cli.args import actor, db_of, emit_json
from analytics.services import rules as service


def rules(args: argparse.Namespace) -> int:
    if args.dry_run:
        return _dry_run(args)
    if args.import_csv:
        service.import_rules(db_of(args), args.import_csv, actor())
    listed = service.rule_list(db_of(args))
    text = service.rules_csv(listed)
    if args.export_csv:
        Path(args.export_csv).write_text(text, encoding="utf-8")
    if args.json:
        emit_json({"rules": [rule.row() for rule in listed]})
    elif not args.export_csv:
        sys.stdout.write(text)
    return 0


DRY_COLUMNS = ("unit", "period", "left", "right", "difference")


def _dry_run(args: argparse.Namespace) -> int:
    """What the stored rule ``--dry-run CODE`` would have flagged: JSON, or the sentence in both languages and the
    flagged values as CSV (unit,period,left,right,difference)."""
    result = service.dry_run(db_of(args), args.dry_run, args.start, args.end, args.units)
    if args.json:
        emit_json(result.to_json())
        return 0
    print(f"{result.sentence('zh')} / {result.sentence('en')}")
    if result.count:
        sys.stdout.write(result.flagged.to_csv(columns=list(DRY_COLUMNS), index=False, lineterminator="\n"))
    return 0
