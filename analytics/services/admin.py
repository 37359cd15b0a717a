"""Administration use cases: accounts and roles, backup and restore.

Each change is written and audited as ``actor`` in one transaction of the store (analytics.store.accounts,
analytics.store.backup). Refusals: AccountError (an unknown or existing account, a bad role, name, password or
email), BackupError (a damaged or newer backup, a target that holds data or a backup), DatabaseBusy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analytics.store import accounts
from analytics.store import backup as backups
from analytics.store.accounts import ROLES as ROLES  # re-exported: the roles an account may have
from analytics.store.backup import Manifest
from analytics.store.connection import Connection, connect

ACTIONS = ("add", "passwd", "role", "disable", "enable", "unlock", "email", "list")  # what ``users`` can do


@dataclass(frozen=True)
class AccountChange:
    """One change to account ``name``: ``action`` (add, passwd, role, disable, enable, unlock, email) with what it
    needs — the ``role`` and a planner's ``units`` (add, role), the ``email`` (add, email), the ``password`` (add
    with a password, passwd; None: an SSO-only account)."""

    action: str
    name: str
    role: str | None = None
    units: tuple[str, ...] = ()
    email: str | None = None
    password: str | None = None


def account_list(db: str | Path | None) -> pd.DataFrame:
    """Every account (never its password hash): name, role, units, email, disabled, failed logins, lockout, times."""
    with connect(db, read_only=True) as con:
        return accounts.list_users(con)


def change_account(db: str | Path | None, change: AccountChange, actor: str) -> pd.DataFrame:
    """Apply ``change`` as ``actor`` (audited with it) and return the account's row as :func:`account_list` shows it.
    Raises AccountError for a change the rules refuse (nothing written)."""
    with connect(db) as con:
        _apply(con, change, actor)
        frame = accounts.list_users(con)
    return frame[frame["name"] == change.name]


def _apply(con: Connection, change: AccountChange, actor: str) -> None:
    name, action = change.name, change.action
    if action == "add":
        accounts.add_user(con, name, change.role or "", change.password, actor, change.units, change.email)
    elif action == "passwd":
        accounts.set_password(con, name, change.password or "", actor)
    elif action == "role":
        accounts.set_role(con, name, change.role or "", actor, change.units)
    elif action in ("disable", "enable"):
        accounts.set_disabled(con, name, action == "disable", actor)
    elif action == "unlock":
        accounts.unlock(con, name, actor)
    elif action == "email":
        accounts.set_email(con, name, change.email, actor)
    else:
        raise ValueError(f"action must be one of {ACTIONS[:-1]}, not {action!r}")


def backup(db: str | Path | None, out: str | Path, actor: str) -> Manifest:
    """Write every table of ``db`` as Parquet plus a manifest (SHA-256, row counts) into ``out``, audited as
    ``actor``. Raises BackupError when ``out`` already holds a backup."""
    return backups.backup(db, out, actor)


def restore(db: str | Path | None, folder: str | Path, force: bool, actor: str) -> Manifest:
    """Restore the backup in ``folder`` into ``db`` (new or empty, or any with ``force``), audited as ``actor``.
    Raises BackupError for a damaged or newer backup, or a target that holds data without ``force``."""
    return backups.restore(db, folder, force, actor)
