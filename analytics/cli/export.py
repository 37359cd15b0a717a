"""The ``export`` command (SPEC §4): the presenter's report as html, pptx, xlsx (or pdf) for the view.

Exit codes: 0 written; 1 unknown unit or metric, an unusable deck, no Chromium for a PDF, busy database;
2 usage error (a format other than html, pptx, xlsx, pdf; a malformed month).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from analytics.cli.args import Rejected, db_of
from analytics.i18n import LANGS
from analytics.model.units import UnknownUnit
from analytics.periods import from_index
from analytics.reports.options import DEFAULT_DECK, FORMATS

EXPORT_LEVELS = ("twoway", "within", "pooled", "between")  # the correlation page's levels (period needs a month)


def register(add, view: argparse.ArgumentParser) -> None:
    """Add the export subcommand to the parser (see analytics.cli.main.build_parser)."""
    p = add("export", export, "the meeting report (html, pptx, xlsx, pdf) for a view", view)
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--lang", choices=LANGS, default="zh")
    p.add_argument("--deck", default=DEFAULT_DECK, help=f"slides in order (default {DEFAULT_DECK}); e.g. "
                   "kpis,ranking,scatter:vanguard_posts~quality_pass_rate@2,lag:x~y,unit:B12")  # fmt: skip
    p.add_argument("--user", default=None, help="recorded as who exported (default: the login name)")
    p.add_argument("--level", choices=EXPORT_LEVELS, default=EXPORT_LEVELS[0],
                   help="correlation slides: effects removed (default twoway: unit and month)")  # fmt: skip
    p.add_argument("--scale", choices=("unit", "none"), default="unit",
                   help="correlation slides, within/twoway: each unit counts equally (unit) or raw values")  # fmt: skip


def _user(args: argparse.Namespace) -> str:
    if args.user is not None:
        return args.user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def export(args: argparse.Namespace) -> int:
    from analytics.reports.deck import DeckError, Scope, load_source, parse_deck  # the deck's code only when exporting
    from analytics.reports.export import export_report
    from analytics.reports.pdf import PdfUnavailable

    try:
        specs = parse_deck(args.deck)
    except DeckError as exc:
        raise Rejected(f"幻灯片设置有误 / bad deck: {exc}") from exc
    source = load_source(db_of(args))
    try:
        units = tuple(source.registry.expand(args.units)) if args.units else None
    except UnknownUnit as exc:
        hint = f" ({', '.join(exc.candidates)})" if exc.candidates else ""
        raise Rejected(f"未知或有歧义的单位 / unknown or ambiguous unit: {exc.label}{hint}") from exc
    scope = Scope(
        from_index(args.start) if args.start is not None else None,
        from_index(args.end) if args.end is not None else None,
        units,
        args.level,
        args.scale,
    )
    try:
        path = export_report(source, specs, args.format, args.out, scope, args.lang, _user(args))
    except DeckError as exc:
        raise Rejected(f"幻灯片无法生成 / cannot build the deck: {exc}") from exc
    except PdfUnavailable as exc:
        raise Rejected(f"无法生成 PDF / no PDF: {exc}") from exc
    except OSError as exc:
        raise Rejected(f"无法写入 / cannot write {args.out}: {exc}") from exc
    from analytics.cli.admin import actor
    from analytics.store import audit
    from analytics.store.connection import connect

    with connect(db_of(args)) as con:
        audit.record(con, args.user or actor(), audit.EXPORT, {"format": args.format, "out": str(path)})
    print(f"已导出 / exported: {path}", file=sys.stderr)
    return 0
