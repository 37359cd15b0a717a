"""``python -m analytics COMMAND``: a thin layer over the library (SPEC §4).

Exit codes: 0 success; 1 rejected input, unknown unit/metric/batch, missing file, busy database; 2 usage error.
``--json`` prints one JSON document on stdout, with NaN and infinity written as null."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from analytics.cli.args import EXIT_OK, EXIT_REJECTED, Rejected, list_arg, period_arg
from analytics.store.connection import DatabaseBusy


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database file (default: $ANALYTICS_DB, else data/app.duckdb)")
    common.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    return common


def _view_options() -> argparse.ArgumentParser:
    view = argparse.ArgumentParser(add_help=False)
    view.add_argument("--from", dest="start", type=period_arg, metavar="YYYY-MM")
    view.add_argument("--to", dest="end", type=period_arg, metavar="YYYY-MM")
    view.add_argument("--units", type=list_arg, metavar="U,…")
    return view


def build_parser() -> argparse.ArgumentParser:
    from analytics.cli import commands

    parser = argparse.ArgumentParser(prog="python -m analytics", description="党建与生产经营融合分析 command line")
    sub = parser.add_subparsers(dest="command", required=True)
    common, view = _common(), _view_options()

    def add(name: str, handler: Callable, help_text: str, *parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common, *parents], help=help_text)
        p.set_defaults(handler=handler)
        return p

    add("demo", commands.demo, "create the demo group in a new or empty database")
    p = add("template", commands.template, "write the monthly template")
    p.add_argument("--period", type=period_arg, required=True)
    p.add_argument("--out", required=True)
    p = add("import", commands.import_, "validate and commit workbooks")
    p.add_argument("files", nargs="+")
    p.add_argument("--period", type=period_arg)
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--create-units", action="store_true")
    p.add_argument("--user", default="cli", help="recorded as who imported")
    add("batches", commands.batches, "list batches")
    p = add("revert", commands.revert, "revert one batch")
    p.add_argument("batch_id", type=int)
    p.add_argument("--user", default="cli")
    p = add("data", commands.data, "current observations, long form", view)
    p.add_argument("--metrics", type=list_arg, metavar="M,…")
    p.add_argument("--out")
    p = add("units", commands.units, "list, add or update units")
    p.add_argument("--import", dest="import_csv")
    p.add_argument("--export", dest="export_csv")
    p = add("metrics", commands.metrics, "list, add or update the metric catalog")
    p.add_argument("--import", dest="import_csv")
    p.add_argument("--export", dest="export_csv")
    p.add_argument("--replace", action="store_true", help="with --import: the CSV becomes the whole catalog")
    commands.add_analysis_commands(add, view)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or EXIT_OK)
    except DatabaseBusy:
        print("数据库正忙，请稍后重试。 / The database is busy; try again.", file=sys.stderr)
        return EXIT_REJECTED
    except Rejected as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED
