"""Shared fixtures: a real DuckDB file in a temporary folder, with a small registry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analytics.db import connect
from analytics.registry import save_units

os.environ.setdefault("ANALYTICS_BUSY_TIMEOUT", "5")

UNITS = [
    {"code": "G", "name": "集团", "parent_code": None, "headcount": None},
    {"code": "S1", "name": "一公司", "parent_code": "G", "headcount": 900.0},
    {"code": "S2", "name": "二公司", "parent_code": "G", "headcount": 500.0},
    {"code": "B11", "name": "检修分公司", "parent_code": "S1", "headcount": 300.0},
    {"code": "B12", "name": "一电厂", "parent_code": "S1", "headcount": 600.0},
    {"code": "B21", "name": "检修分公司", "parent_code": "S2", "headcount": 200.0},
    {"code": "B22", "name": "二电厂", "parent_code": "S2", "headcount": 300.0},
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A new database file with the default catalog and a small group registry."""
    path = tmp_path / "test.duckdb"
    with connect(path) as con:
        save_units(con, UNITS)
    return path
