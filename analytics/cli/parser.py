"""The command line's one parser table: every command with its handler, help and arguments; argparse is built from it.

A :class:`Command` names its handler (a function of the parsed arguments that returns the exit code), its help,
the shared option groups it takes (:data:`COMMON` always, then e.g. :data:`VIEW`, :data:`STATS`) and its own
arguments, each an :func:`arg` — the flags and keywords of ``argparse.ArgumentParser.add_argument``. A command with
``actions`` (``users``) takes one of them as its next word, each with :data:`ACTION_COMMON` and its own arguments.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from analytics.cli import admin, analysis, commands, cycles, export, rules
from analytics.cli.args import basis_arg, date_arg, lag_arg, lags_arg, list_arg, period_arg
from analytics.i18n import LANGS
from analytics.reports.options import DEFAULT_DECK, FORMATS
from analytics.services.admin import ROLES
from analytics.services.analysis import FINDING_LEVELS, MISSING, SIZES, WEIGHTINGS
from analytics.services.cycles import REVIEW_ACTIONS
from analytics.stats.options import LEVELS, METHODS, PAGE_LEVELS, SCALES

PROG = "python -m analytics"
DESCRIPTION = "党建与生产经营融合分析 command line"

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Arg:
    """One argument: the flags (or the name) and the keywords of ``add_argument``."""

    flags: tuple[str, ...]
    options: Mapping[str, Any]


def arg(*flags: str, **options: Any) -> Arg:
    return Arg(flags, options)


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, handler and help, its shared option groups and own arguments, or its actions."""

    name: str
    handler: Handler | None
    help: str
    arguments: tuple[Arg, ...] = ()
    groups: tuple[tuple[Arg, ...], ...] = ()
    actions: tuple[Command, ...] = field(default=())


COMMON = (
    arg("--db", help="database file (default: $ANALYTICS_DB, else data/app.duckdb)"),
    arg("--json", action="store_true", help="print one JSON document on stdout"),
)
VIEW = (
    arg("--from", dest="start", type=period_arg, metavar="YYYY-MM"),
    arg("--to", dest="end", type=period_arg, metavar="YYYY-MM"),
    arg("--units", type=list_arg, metavar="U,…"),
)
STATS = (
    arg("--method", choices=METHODS, default="pearson"),
    arg("--level", choices=LEVELS, default="twoway", help="effects removed (default twoway: unit+month)"),
    arg("--scale", choices=SCALES, default="unit", help="within/twoway: each unit counts equally (unit)"),
    arg("--period", type=period_arg, metavar="YYYY-MM"),
    arg("--lag", type=lag_arg, default=0),
)
# --db and --json after a ``users`` action too; SUPPRESS keeps a value given before the action
ACTION_COMMON = (
    arg("--db", default=argparse.SUPPRESS, help="database file"),
    arg("--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document"),
)
CSV_FILES = (arg("--import", dest="import_csv"), arg("--export", dest="export_csv"))
NAME = arg("name")


def action(name: str, help_text: str, *arguments: Arg) -> Command:
    """One ``users`` action (its handler is ``users``'s)."""
    return Command(name, None, help_text, arguments)


USERS = (
    action(
        "add",
        "create an account (password from a prompt or stdin)",
        NAME,
        arg("--role", choices=ROLES, required=True),
        arg("--units", type=list_arg, default=[], metavar="U,…", help="a planner's units (with sub-units)"),
        arg("--email", help="the SSO identity mapped to this account"),
        arg("--no-password", action="store_true", help="SSO-only account (needs --email)"),
    ),
    action("passwd", "set a new password (prompt or stdin); lifts a lockout", NAME),
    action(
        "role",
        "change the role (and a planner's units)",
        NAME,
        arg("role", choices=ROLES),
        arg("--units", type=list_arg, default=[], metavar="U,…"),
    ),
    action("disable", "disable an account (nothing is deleted)", NAME),
    action("enable", "enable a disabled account", NAME),
    action("unlock", "lift a lockout after failed logins", NAME),
    action("email", "map an SSO identity (email; empty removes it)", NAME, arg("email")),
    action("list", "list accounts (never their password hashes)"),
)

PERIOD = arg("period", type=period_arg, metavar="YYYY-MM")
ACTING = arg("--user", default=None, help="the account acting (default: the operator, as an admin)")
REASON = arg("--reason", help="why (needed to reopen, return, excuse)")
CYCLE = (
    action(
        "open",
        "open the month's reporting cycle (admin)",
        PERIOD,
        arg("--deadline", type=date_arg, metavar="YYYY-MM-DD"),
        ACTING,
    ),
    action("close", "close the month (admin); refused while a unit is not confirmed or excused", PERIOD, ACTING),
    action("reopen", "reopen a closed month (admin, with --reason)", PERIOD, REASON, ACTING),
    action("status", "the month's state and every reporting unit's status", PERIOD),
)
REVIEW_HELP = {
    "approve": "approve submissions (a reviewer of the units, or an admin)",
    "return": "return submissions with --reason (a reviewer of the units, or an admin)",
    "confirm": "confirm approved units (admin)",
    "excuse": "excuse units that cannot report this month, with --reason (admin)",
}
REVIEW = tuple(
    action(
        name,
        REVIEW_HELP[name],
        arg("units", nargs="+", metavar="UNIT", help="unit codes or names (each with its sub-units)"),
        arg("--period", type=period_arg, required=True, metavar="YYYY-MM"),
        REASON,
        ACTING,
    )
    for name in REVIEW_ACTIONS
)

COMMANDS = (
    Command("demo", commands.demo, "create the demo group in a new or empty database"),
    Command(
        "template",
        commands.template,
        "write the monthly template",
        (arg("--period", type=period_arg, required=True), arg("--out", required=True)),
    ),
    Command(
        "import",
        commands.import_,
        "validate and commit workbooks",
        (
            arg("files", nargs="+"),
            arg("--period", type=period_arg),
            arg("--dry-run", action="store_true"),
            arg("--create-units", action="store_true"),
            arg("--user", default="cli", help="recorded as who imported"),
            arg("--restate", action="store_true", help="a restatement of a closed month (admin, with --reason)"),
            arg("--reason", help="why the closed month is restated"),
            arg("--note-file", metavar="CSV", help="notes (情况说明) on values: columns unit,period,metric,note"),
        ),
    ),
    Command("batches", commands.batches, "list batches"),
    Command("revert", commands.revert, "revert one batch", (arg("batch_id", type=int), arg("--user", default="cli"))),
    Command(
        "data",
        commands.data,
        "current observations, long form",
        (arg("--metrics", type=list_arg, metavar="M,…"), arg("--out")),
        (VIEW,),
    ),
    Command("units", commands.units, "list, add or update units", CSV_FILES),
    Command(
        "metrics",
        commands.metrics,
        "list, add or update the metric catalog",
        (*CSV_FILES, arg("--replace", action="store_true", help="with --import: the CSV becomes the whole catalog")),
    ),
    Command(
        "correlate",
        analysis.correlate,
        "one pair's correlation",
        (arg("--x", required=True), arg("--y", required=True)),
        (VIEW, STATS),
    ),
    Command(
        "matrix",
        analysis.matrix,
        "party × business correlation grid with BH q",
        (
            arg("--rows", type=list_arg, default=["party"]),
            arg("--cols", type=list_arg, default=["production", "efficiency"]),
        ),
        (VIEW, STATS),
    ),
    Command(
        "findings",
        analysis.findings,
        "party × business findings at lags 0..6 (BH over every pair and lag)",
        (
            arg("--level", choices=FINDING_LEVELS, default="twoway"),
            arg("--scale", choices=SCALES, default="unit"),
            arg("--method", choices=METHODS, default="pearson"),
            arg("--lags", type=lags_arg, default=range(7), metavar="0..6"),
        ),
        (VIEW,),
    ),
    Command(
        "integration",
        analysis.integration,
        "integration index (融合度) per unit and month",
        (
            arg("--period", type=period_arg, metavar="YYYY-MM", help="score one month (not with --from/--to)"),
            arg(
                "--basis",
                type=basis_arg,
                default="all",
                metavar="all|view|YYYY-MM..YYYY-MM",
                help="rows that fix normalisation and weights: every row (default), the scored rows, "
                "or a frozen window",
            ),
            arg(
                "--size",
                choices=SIZES,
                default=SIZES[0],
                help="amounts and counts: against units of the same size "
                "(adjusted, default), per 100 staff, or as reported",
            ),
            arg("--weights", choices=WEIGHTINGS, default=WEIGHTINGS[0], help="metric weights within a subsystem"),
            arg(
                "--missing",
                choices=MISSING,
                default=MISSING[0],
                help="a missing metric scores the floor (worst, default) or the weights are rescaled",
            ),
        ),
        (VIEW,),
    ),
    Command(
        "export",
        export.export,
        "the meeting report (html, pptx, xlsx, pdf) for a view",
        (
            arg("--format", required=True, choices=FORMATS),
            arg("--out", required=True, help="file to write"),
            arg("--lang", choices=LANGS, default="zh"),
            arg(
                "--deck",
                default=DEFAULT_DECK,
                help=f"slides in order (default {DEFAULT_DECK}); e.g. "
                "kpis,ranking,scatter:vanguard_posts~quality_pass_rate@2,lag:x~y,unit:B12",
            ),
            arg("--user", default=None, help="recorded as who exported (default: the login name)"),
            arg(
                "--level",
                choices=PAGE_LEVELS,
                default=PAGE_LEVELS[0],
                help="correlation slides: effects removed (default twoway: unit and month)",
            ),
            arg(
                "--scale",
                choices=SCALES,
                default=SCALES[0],
                help="correlation slides, within/twoway: each unit counts equally (unit) or raw values",
            ),
        ),
        (VIEW,),
    ),
    Command(
        "users", admin.users, "manage accounts: add, passwd, role, disable, enable, unlock, email, list", actions=USERS
    ),
    Command(
        "rules",
        rules.rules,
        "list, add or update the cross-checks (勾稽关系); --dry-run CODE: what a rule would flag in stored data",
        (*CSV_FILES, arg("--dry-run", metavar="CODE", help="check a stored rule over the stored values (--from/--to)")),
        (VIEW,),
    ),
    Command("cycle", cycles.cycle, "the month's reporting cycle: open, close, reopen, status", actions=CYCLE),
    Command("review", cycles.review, "status transitions: approve, return, confirm, excuse", actions=REVIEW),
    Command(
        "backup",
        admin.backup,
        "write every table as Parquet plus a manifest (SHA-256, row counts)",
        (arg("--out", required=True, metavar="DIR"),),
    ),
    Command(
        "restore",
        admin.restore,
        "restore a backup into a new or empty database",
        (arg("folder", metavar="DIR"), arg("--force", action="store_true", help="replace a database that holds data")),
    ),
)


def _add_arguments(parser: argparse.ArgumentParser, arguments: tuple[Arg, ...]) -> None:
    for argument in arguments:
        parser.add_argument(*argument.flags, **argument.options)


def _add_command(sub: argparse._SubParsersAction, command: Command) -> None:
    parser = sub.add_parser(command.name, help=command.help)
    for group in (COMMON, *command.groups, command.arguments):
        _add_arguments(parser, group)
    parser.set_defaults(handler=command.handler)
    if command.actions:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for act in command.actions:
            _add_arguments(actions.add_parser(act.name, help=act.help), (*ACTION_COMMON, *act.arguments))


def build_parser(table: tuple[Command, ...] = COMMANDS) -> argparse.ArgumentParser:
    """The ``python -m analytics`` parser of ``table``: one subcommand per command (``--help`` lists them)."""
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    for command in table:
        _add_command(sub, command)
    return parser
