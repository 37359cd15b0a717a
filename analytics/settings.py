"""Every setting in one place, each with its default and a line of help (datasette's SETTINGS).

Settings are read from the environment (``ANALYTICS_<NAME>``) when present, else the default applies.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
T = TypeVar("T")


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db",
        str(DATA_DIR / "app.duckdb"),
        "Database file; $ANALYTICS_DB overrides, --db overrides both.",
    ),
    Setting("demo_db", str(DATA_DIR / "demo.duckdb"), "The demo group's own database file."),
    Setting(
        "busy_timeout",
        15.0,
        "Seconds a writer retries a busy database before reporting 'busy'.",
    ),
    Setting("max_file_mb", 50, "Largest accepted upload file, in MiB."),
    Setting("max_cells", 5_000_000, "Most cells read from one workbook."),
    Setting(
        "history_ratio",
        10.0,
        "A value ≥ this × (or ≤ 1/this ×) the unit's median is flagged (元/万元 slips).",
    ),
    Setting(
        "history_window",
        12,
        "How many of the store's latest months form a unit's history for the outlier warning.",
    ),
)


def _read(name: str, kind: Callable[[str], T]) -> T:
    """One setting: the environment variable ANALYTICS_<NAME> or the default, converted by ``kind``."""
    spec = next(s for s in SETTINGS if s.name == name)
    raw = os.environ.get(f"ANALYTICS_{name.upper()}")
    return kind(str(spec.default) if raw is None else raw)


def default_db_path() -> Path:
    """SPEC §4: $ANALYTICS_DB, else data/app.duckdb."""
    return _read("db", Path)


def demo_db_path() -> Path:
    return _read("demo_db", Path)


def busy_timeout() -> float:
    return _read("busy_timeout", float)


def max_file_mb() -> int:
    return _read("max_file_mb", int)


def max_cells() -> int:
    return _read("max_cells", int)


def history_ratio() -> float:
    return _read("history_ratio", float)


def history_window() -> int:
    return _read("history_window", int)
