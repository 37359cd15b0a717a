"""The command line's shared parts: exit codes, argument types, the refusal, JSON output."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from analytics import periods

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


class Rejected(Exception):
    """Input the command refuses (exit 1); the message is shown on stderr."""


def period_arg(text: str) -> int:
    try:
        return periods.parse_strict(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def list_arg(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


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
