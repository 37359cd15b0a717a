"""The ``export`` command (SPEC §4): the presenter's report as html, pptx, xlsx (or pdf) for the view.

Exit codes: 0 written; 1 unknown unit or metric, an unusable deck, no Chromium for a PDF, busy database;
2 usage error (a format other than html, pptx, xlsx, pdf; a malformed month).
"""

from __future__ import annotations

import argparse
import sys

from analytics.cli.args import actor, db_of, login_name
from analytics.periods import from_index


def export(args: argparse.Namespace) -> int:
    from analytics.services import exports  # the deck's code only when exporting
    from analytics.services.exports import Scope

    start, end = (from_index(m) if m is not None else None for m in (args.start, args.end))
    view = Scope(start, end, tuple(args.units) if args.units else None, args.level, args.scale)
    marked_by = args.user if args.user is not None else login_name()
    path = exports.export(
        db_of(args), args.deck, args.format, args.out, view, args.lang, marked_by, args.user or actor()
    )
    print(f"已导出 / exported: {path}", file=sys.stderr)
    return 0
