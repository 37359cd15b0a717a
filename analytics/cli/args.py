"""The command line's shared parts: exit codes, argument types, who acts, JSON output."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import math
import sys
from pathlib import Path

from analytics import periods

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def period_arg(text: str) -> int:
    try:
        return periods.parse_strict(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def date_arg(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` date."""
    try:
        if len(text.strip()) != len("YYYY-MM-DD"):
            raise ValueError(text)
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"malformed date {text!r}, expected YYYY-MM-DD") from exc


def list_arg(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def lag_arg(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("lag must be ≥ 0")
    return value


def lags_arg(text: str) -> range:
    """``A..B`` (0 ≤ A ≤ B) or a single ``K`` → the lags A..B inclusive."""
    first, _, last = text.partition("..")
    try:
        lo, hi = int(first), int(last or first)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("lags look like 0..6") from exc
    if lo < 0 or hi < lo:
        raise argparse.ArgumentTypeError("lags look like 0..6 (0 ≤ first ≤ last)")
    return range(lo, hi + 1)


def basis_arg(text: str) -> str:
    """An integration basis: all, view or YYYY-MM..YYYY-MM."""
    from analytics.services.analysis import basis_error

    error = basis_error(text)
    if error is not None:
        raise argparse.ArgumentTypeError(error)
    return text


def actor() -> str:
    """Who the command line acts as in the audit log: ``cli:<OS user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def login_name() -> str:
    """The OS login name ('' when there is none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def clean_json(value: object) -> object:
    """NaN and infinity → None, recursively (SPEC §4)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    return value


def emit_json(document: object) -> None:
    sys.stdout.write(json.dumps(clean_json(document), ensure_ascii=False, allow_nan=False) + "\n")


def db_of(args: argparse.Namespace) -> Path | None:
    return Path(args.db) if args.db else None
