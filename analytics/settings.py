"""Every setting in one place, each with its default and a line of help (datasette's SETTINGS).

Settings are read from the environment (``ANALYTICS_<NAME>``) when present, else the default applies.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


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


def setting(name: str) -> Any:
    """The value of one setting: the environment variable ANALYTICS_<NAME> or the default, typed like it."""
    spec = next(s for s in SETTINGS if s.name == name)
    raw = os.environ.get(f"ANALYTICS_{name.upper()}")
    if raw is None:
        return spec.default
    convert: Any = type(spec.default)  # int, float or str, like the default
    return convert(raw)


def default_db_path() -> Path:
    """SPEC §4: $ANALYTICS_DB, else data/app.duckdb."""
    return Path(str(setting("db")))
