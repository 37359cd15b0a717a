"""``python -m analytics integration`` (SPEC §4) on a tiny database, against SPEC §5's formulas written out by hand.

The expected numbers come from plain Python below (``spec_rows``), never from the module's helpers.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics.batches import commit
from analytics.cli import main
from analytics.db import connect
from analytics.periods import parse_strict
from analytics.registry import metric_ids

ROOT = Path(__file__).resolve().parent.parent
DIRECTION = {"three_meetings_rate": 1, "violations": -1, "revenue": 1, "debt_asset_ratio": -1}
PARTY, BUSINESS = ("three_meetings_rate", "violations"), ("revenue", "debt_asset_ratio")
JAN, FEB = "2025-01", "2025-02"
VALUES = {
    ("B11", JAN): {"three_meetings_rate": 90, "violations": 2, "revenue": 1000, "debt_asset_ratio": 60},
    ("B11", FEB): {"three_meetings_rate": 95, "violations": 0, "revenue": 1200, "debt_asset_ratio": 58},
    ("B12", JAN): {"three_meetings_rate": 80, "violations": 1, "revenue": 3000, "debt_asset_ratio": 70},
    ("B12", FEB): {"three_meetings_rate": 100, "violations": 3, "revenue": 2500, "debt_asset_ratio": 65},
    ("B21", JAN): {"three_meetings_rate": 70, "violations": 4, "revenue": 500, "debt_asset_ratio": 50},
    ("B21", FEB): {"three_meetings_rate": 85, "violations": 1, "revenue": 800},  # no debt ratio: incomplete
    ("S1", JAN): {"three_meetings_rate": 85, "violations": 3, "revenue": 4000, "debt_asset_ratio": 65},  # roll-up
}
LEAVES = {k: v for k, v in VALUES.items() if k[0] != "S1"}  # S1's children report: S1 is never scored
LEVELS_ZH = "极度失调 严重失调 中度失调 轻度失调 濒临失调 勉强协调 初级协调 中级协调 良好协调 优质协调".split()
LEVELS_EN = [
    "extreme imbalance", "severe imbalance", "moderate imbalance", "mild imbalance", "verge of imbalance",
    "barely coordinated", "primary coordination", "intermediate coordination", "good coordination",
    "high-quality coordination",
]  # fmt: skip
ROW_KEYS = ["unit", "period", "u_party", "u_business", "C", "T", "D"]
ROW_KEYS += ["level", "level_en", "level_index", "lagging", "complete"]


# ---------------------------------------------------------------- SPEC §5, by hand


def normalised(x: float, lo: float, hi: float, direction: int) -> float:
    if hi == lo:
        return 1.0
    x = min(max(x, lo), hi)  # frozen bounds clip
    return 0.0001 + 0.9999 * ((x - lo) if direction > 0 else (hi - x)) / (hi - lo)


def spec_rows(scored: dict, basis: dict) -> tuple[list[dict], dict[str, float]]:
    bounds = {}
    for m in DIRECTION:
        seen = [v[m] for v in basis.values() if m in v]
        bounds[m] = (min(seen), max(seen))
    weights: dict[str, float] = {}
    for subsystem in (PARTY, BUSINESS):
        info = {}
        for m in subsystem:
            xs = [normalised(v[m], *bounds[m], DIRECTION[m]) for v in basis.values() if m in v]
            ps = [x / sum(xs) for x in xs]
            info[m] = 1 + sum(p * math.log(p) for p in ps) / math.log(len(xs)) if len(xs) >= 2 else 0.0
        total = sum(info.values())
        weights.update({m: info[m] / total if total > 0 else 1 / len(subsystem) for m in subsystem})
    rows = []
    for (unit, period), v in sorted(scored.items()):
        u = []
        for subsystem in (PARTY, BUSINESS):
            have = [m for m in subsystem if m in v]
            mass = sum(weights[m] for m in have)
            u.append(sum(weights[m] * normalised(v[m], *bounds[m], DIRECTION[m]) for m in have) / mass)
        u1, u2 = u
        c = 2 * math.sqrt(u1 * u2) / (u1 + u2)
        t = 0.5 * u1 + 0.5 * u2
        d = math.sqrt(c * t)
        level = min(math.floor(10 * d), 9)
        lag = "party" if u2 - u1 > 0.1 else "business" if u1 - u2 > 0.1 else "balanced"
        row = [unit, period, u1, u2, c, t, d, LEVELS_ZH[level], LEVELS_EN[level], level, lag, len(v) == 4]
        rows.append(dict(zip(ROW_KEYS, row, strict=True)))
    return rows, weights


# ---------------------------------------------------------------- the database and the command


@pytest.fixture
def filled(db: Path) -> Path:
    with connect(db) as con:
        uid = dict(con.execute("SELECT code, uid FROM units").fetchall())
        mid = metric_ids(con)
        staged = pd.DataFrame(
            [(uid[u], parse_strict(p), mid[m], float(x)) for (u, p), v in VALUES.items() for m, x in v.items()],
            columns=["uid", "period", "mid", "value"],
        )
        commit(con, staged, [], "test")
    return db


def run(capsys, db: Path, *options: str) -> dict:
    assert main(["integration", "--db", str(db), "--json", *options]) == 0
    return json.loads(capsys.readouterr().out)


def assert_document(document: dict, basis: str, scored: dict, basis_rows: dict) -> None:
    rows, weights = spec_rows(scored, basis_rows)
    assert list(document) == ["basis", "rows", "weights"]
    assert document["basis"] == basis
    assert [list(r) for r in document["rows"]] == [ROW_KEYS] * len(rows)
    for got, want in zip(document["rows"], rows, strict=True):
        exact = {k: v for k, v in want.items() if not isinstance(v, float)}
        assert {k: got[k] for k in exact} == exact
        assert [got[k] for k in ROW_KEYS[2:7]] == pytest.approx([want[k] for k in ROW_KEYS[2:7]], rel=1e-12)
    assert document["weights"] == pytest.approx(weights, rel=1e-12)
    assert set(document["weights"]) == set(DIRECTION)


def test_default_view_scores_every_leaf_month_and_never_the_parent(capsys, filled):
    document = run(capsys, filled)
    assert_document(document, "view", LEAVES, LEAVES)
    assert {r["unit"] for r in document["rows"]} == {"B11", "B12", "B21"}
    b21_feb = next(r for r in document["rows"] if r["unit"] == "B21" and r["period"] == FEB)
    assert b21_feb["complete"] is False


def test_period_scores_one_month_over_its_own_rows(capsys, filled):
    feb = {k: v for k, v in LEAVES.items() if k[1] == FEB}
    assert_document(run(capsys, filled, "--period", FEB), "view", feb, feb)


def test_basis_all_scores_the_month_against_every_row(capsys, filled):
    feb = {k: v for k, v in LEAVES.items() if k[1] == FEB}
    assert_document(run(capsys, filled, "--period", FEB, "--basis", "all"), "all", feb, LEAVES)


def test_frozen_window_fixes_bounds_and_clips_values_outside(capsys, filled):
    feb = {k: v for k, v in LEAVES.items() if k[1] == FEB}
    jan = {k: v for k, v in LEAVES.items() if k[1] == JAN}
    window = f"{JAN}..{JAN}"
    document = run(capsys, filled, "--from", FEB, "--to", FEB, "--basis", window)
    assert_document(document, window, feb, jan)
    b12 = next(r for r in document["rows"] if r["unit"] == "B12")  # 100 % > January's 90 %: clipped to the top
    assert b12["u_party"] == pytest.approx(spec_rows(feb, jan)[0][1]["u_party"], rel=1e-12)


def test_units_are_expanded_to_descendants_and_bound_the_view_basis(capsys, filled):
    b21 = {k: v for k, v in LEAVES.items() if k[0] == "B21"}
    assert_document(run(capsys, filled, "--units", "S2"), "view", b21, b21)
    document = run(capsys, filled, "--units", "二公司", "--basis", "all")
    assert_document(document, "all", b21, LEAVES)


def test_a_month_without_data_gives_an_empty_document(capsys, filled):
    assert run(capsys, filled, "--period", "2030-01") == {"basis": "view", "rows": [], "weights": {}}


@pytest.mark.parametrize(
    "options",
    [
        ["--period", FEB, "--from", JAN],
        ["--period", FEB, "--to", FEB],
        ["--basis", "2025-02..2025-01"],
        ["--basis", "2025-1..2025-02"],
        ["--basis", "everything"],
        ["--period", "2025-13"],
        ["--from", "2025/01"],
    ],
)
def test_usage_errors_exit_2(capsys, tmp_path, options):
    with pytest.raises(SystemExit) as exit_info:  # refused before the database is opened
        main(["integration", "--db", str(tmp_path / "absent.duckdb"), *options])
    assert exit_info.value.code == 2
    assert capsys.readouterr().out == ""


def test_unknown_or_ambiguous_unit_exits_1(capsys, filled):
    assert main(["integration", "--db", str(filled), "--units", "检修分公司"]) == 1
    assert "B11, B21" in capsys.readouterr().err
    assert main(["integration", "--db", str(filled), "--units", "NOPE"]) == 1


def test_the_real_command_reads_analytics_db_and_prints_one_document(filled):
    env = {**os.environ, "ANALYTICS_DB": str(filled)}
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "integration", "--period", JAN, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    jan = {k: v for k, v in LEAVES.items() if k[1] == JAN}
    assert_document(json.loads(done.stdout), "view", jan, jan)
    clash = subprocess.run(
        [sys.executable, "-m", "analytics", "integration", "--period", JAN, "--from", JAN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert clash.returncode == 2
