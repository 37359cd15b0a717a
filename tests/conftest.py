"""Shared fixtures: a real DuckDB file in a temporary folder, with a small registry; the deck's filled database.
Plain builders and constants live in tests/fixtures.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analytics.store.connection import connect
from analytics.store.units import save_units
from tests.fixtures import UNITS, fill_deck

os.environ.setdefault("ANALYTICS_BUSY_TIMEOUT", "5")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A new database file with the default catalog and a small group registry."""
    path = tmp_path / "test.duckdb"
    with connect(path) as con:
        save_units(con, UNITS)
    return path


@pytest.fixture
def filled(db: Path) -> Path:
    """``db`` plus four branches with formula-like names and four plain ones; 12 months of six metrics for twelve
    units (tests.fixtures.fill_deck). A test module may define its own ``filled``, which then takes precedence."""
    return fill_deck(db)
