"""Administration commands: ``users …`` (accounts and roles), ``backup --out DIR``, ``restore DIR [--force]``.

Passwords are read from a prompt (twice, not echoed) or, when stdin is not a terminal, from its first line — never
from an argument, so they stay out of shell history and process lists. Every change is audited with the actor
``cli:<OS user>``.
"""

from __future__ import annotations

import argparse
import getpass
import sys

import pandas as pd

from analytics.cli.args import Rejected, db_of, emit_json, list_arg
from analytics.store import accounts as auth
from analytics.store.backup import BackupError, Manifest, backup, restore
from analytics.store.connection import connect


def register(add, view: argparse.ArgumentParser) -> None:
    """Add the administration subcommands to the parser (see analytics.cli.main.build_parser)."""
    p = add("users", users, "manage accounts: add, passwd, role, disable, enable, unlock, email, list")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    options = _options()

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, parents=[options], help=help_text)
        if name != "list":
            parser.add_argument("name")
        return parser

    a = action("add", "create an account (password from a prompt or stdin)")
    a.add_argument("--role", choices=auth.ROLES, required=True)
    a.add_argument("--units", type=list_arg, default=[], metavar="U,…", help="a planner's units (with sub-units)")
    a.add_argument("--email", help="the SSO identity mapped to this account")
    a.add_argument("--no-password", action="store_true", help="SSO-only account (needs --email)")
    action("passwd", "set a new password (prompt or stdin); lifts a lockout")
    r = action("role", "change the role (and a planner's units)")
    r.add_argument("role", choices=auth.ROLES)
    r.add_argument("--units", type=list_arg, default=[], metavar="U,…")
    action("disable", "disable an account (nothing is deleted)")
    action("enable", "enable a disabled account")
    action("unlock", "lift a lockout after failed logins")
    action("email", "map an SSO identity (email; empty removes it)").add_argument("email")
    action("list", "list accounts (never their password hashes)")
    p = add("backup", backup_command, "write every table as Parquet plus a manifest (SHA-256, row counts)")
    p.add_argument("--out", required=True, metavar="DIR")
    p = add("restore", restore_command, "restore a backup into a new or empty database")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--force", action="store_true", help="replace a database that holds data")


def _options() -> argparse.ArgumentParser:
    """--db and --json after the action too; SUPPRESS keeps a value given before the action."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--db", default=argparse.SUPPRESS, help="database file")
    options.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document")
    return options


def actor() -> str:
    """Who the command line acts as in the audit log: ``cli:<OS user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def read_password(confirm: bool = True) -> str:
    """A password from the terminal (not echoed, asked twice) or the first line of a non-terminal stdin."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码 / Password: ")
    if confirm and getpass.getpass("再次输入 / Repeat: ") != first:
        raise Rejected("两次输入的密码不一致 / the passwords differ")
    return first


def users(args: argparse.Namespace) -> int:
    """``users ACTION``: one library call per action, then the account (or the list) is printed."""
    if args.action == "list":
        with connect(db_of(args), read_only=True) as con:
            return _print_users(auth.list_users(con), args.json)
    password = None
    if args.action == "passwd" or (args.action == "add" and not args.no_password):
        password = read_password()
    try:
        with connect(db_of(args)) as con:
            _change(con, args, password)
            frame = auth.list_users(con)
    except auth.AccountError as exc:
        raise Rejected(str(exc)) from exc
    return _print_users(frame[frame["name"] == args.name], args.json)


def _change(con, args: argparse.Namespace, password: str | None) -> None:
    who, name = actor(), args.name
    if args.action == "add":
        auth.add_user(con, name, args.role, password, who, args.units, args.email)
    elif args.action == "passwd":
        auth.set_password(con, name, password or "", who)
    elif args.action == "role":
        auth.set_role(con, name, args.role, who, args.units)
    elif args.action in ("disable", "enable"):
        auth.set_disabled(con, name, args.action == "disable", who)
    elif args.action == "unlock":
        auth.unlock(con, name, who)
    elif args.action == "email":
        auth.set_email(con, name, args.email, who)


def _print_users(frame: pd.DataFrame, as_json: bool) -> int:
    if as_json:
        records = frame.astype(object).where(frame.notna(), None)
        for column in ("locked_until", "created_at", "updated_at"):
            records[column] = records[column].map(lambda v: None if v is None else pd.Timestamp(v).isoformat())
        emit_json({"users": records.to_dict(orient="records")})
    else:
        print(frame.drop(columns=["created_at"]).to_string(index=False) if len(frame) else "no users")
    return 0


def backup_command(args: argparse.Namespace) -> int:
    try:
        manifest = backup(db_of(args), args.out, actor())
    except BackupError as exc:
        raise Rejected(str(exc)) from exc
    _print_manifest(manifest, "backed_up", args.json)
    return 0


def restore_command(args: argparse.Namespace) -> int:
    try:
        manifest = restore(db_of(args), args.folder, args.force, actor())
    except BackupError as exc:
        raise Rejected(str(exc)) from exc
    _print_manifest(manifest, "restored", args.json)
    return 0


def _print_manifest(manifest: Manifest, status: str, as_json: bool) -> None:
    if as_json:
        emit_json({"status": status, **manifest.to_json()})
        return
    print(f"{status}: schema {manifest.schema_version}")
    for entry in manifest.tables:
        print(f"  {entry.table:<14} {entry.rows:>10} rows  {entry.sha256[:12]}…")
