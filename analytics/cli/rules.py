"""The handler of ``rules [--import CSV] [--export CSV] [--json]``: the cross-checks (勾稽关系, SPEC §8). One
service call each (analytics.services.rules); a refused rules file (RuleError, naming the row and the column) goes
up to :func:`analytics.cli.main.main`: exit 1, nothing changed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.cli.args import actor, db_of, emit_json
from analytics.services import rules as service


def rules(args: argparse.Namespace) -> int:
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
