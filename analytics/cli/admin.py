"""Administration commands: ``users …`` (accounts and roles), ``backup --out DIR``, ``restore DIR [--force]``.

Passwords are read from a prompt (twice, not echoed) or, when stdin is not a terminal, from its first line — never
from an argument, so they stay out of shell history and process lists. Every change is audited with the actor
``cli:<OS user>`` (analytics.services.admin).
"""

from __future__ import annotations

import argparse
import getpass
import sys

import pandas as pd

from analytics.cli.args import actor, db_of, emit_json
from analytics.errors import AnalyticsError
from analytics.services import admin
from analytics.services.admin import AccountChange, Manifest

TIMES = ("locked_until", "created_at", "updated_at")  # account columns written as ISO 8601 in JSON


def read_password(confirm: bool = True) -> str:
    """A password from the terminal (not echoed, asked twice) or the first line of a non-terminal stdin."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码 / Password: ")
    if confirm and getpass.getpass("再次输入 / Repeat: ") != first:
        raise AnalyticsError("passwords_differ")
    return first


def users(args: argparse.Namespace) -> int:
    """``users ACTION``: one service call per action, then the account (or the list) is printed."""
    if args.action == "list":
        return _print_users(admin.account_list(db_of(args)), args.json)
    password = None
    if args.action == "passwd" or (args.action == "add" and not args.no_password):
        password = read_password()
    change = AccountChange(
        args.action,
        args.name,
        getattr(args, "role", None),
        tuple(getattr(args, "units", ())),
        getattr(args, "email", None),
        password,
    )
    return _print_users(admin.change_account(db_of(args), change, actor()), args.json)


def _print_users(frame: pd.DataFrame, as_json: bool) -> int:
    if as_json:
        listed = frame.astype(object).where(frame.notna(), None)
        for column in TIMES:
            listed[column] = listed[column].map(lambda v: None if v is None else pd.Timestamp(v).isoformat())
        emit_json({"users": listed.to_dict(orient="records")})
    else:
        print(frame.drop(columns=["created_at"]).to_string(index=False) if len(frame) else "no users")
    return 0


def backup(args: argparse.Namespace) -> int:
    _print_manifest(admin.backup(db_of(args), args.out, actor()), "backed_up", args.json)
    return 0


def restore(args: argparse.Namespace) -> int:
    _print_manifest(admin.restore(db_of(args), args.folder, args.force, actor()), "restored", args.json)
    return 0


def _print_manifest(manifest: Manifest, status: str, as_json: bool) -> None:
    if as_json:
        emit_json({"status": status, **manifest.to_json()})
        return
    print(f"{status}: schema {manifest.schema_version}")
    for entry in manifest.tables:
        print(f"  {entry.table:<14} {entry.rows:>10} rows  {entry.sha256[:12]}…")
