"""``python -m analytics integration`` (SPEC §4) on a small database, against SPEC §5's formulas written out by hand.

The expected numbers come from plain Python (``tests.integration_reference.spec_rows``), never from the module's
helpers. The group has six reporting branches (five with a headcount), so the defaults (basis ``all``, sums
compared by size, equal weights, a missing metric at the floor) score; four branches are too few.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics.cli.main import main
from analytics.periods import parse_strict
from analytics.store.batches import commit
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.units import save_units
from tests.fixtures import UNITS
from tests.integration_reference import ROW_KEYS, spec_rows

ROOT = Path(__file__).resolve().parents[2]
DIRECTION = {"three_meetings_rate": 1, "violations": -1, "revenue": 1, "debt_asset_ratio": -1}
PARTY, BUSINESS = ("three_meetings_rate", "violations"), ("revenue", "debt_asset_ratio")
SIZED = ("violations", "revenue")  # rollup sum in data/metrics.csv (件, 万元); the rate and the ratio are not
JAN, FEB = "2025-01", "2025-02"
MORE_UNITS = [
    {"code": "B13", "name": "三电厂", "parent_code": "S1", "headcount": 150.0},
    {"code": "B23", "name": "物资公司", "parent_code": "S2", "headcount": None},  # no headcount
]
HEADS = {u["code"]: u["headcount"] for u in UNITS + MORE_UNITS if u["headcount"]}
VALUES = {
    ("B11", JAN): {"three_meetings_rate": 90, "violations": 2, "revenue": 1000, "debt_asset_ratio": 60},
    ("B11", FEB): {"three_meetings_rate": 95, "violations": 0, "revenue": 1200, "debt_asset_ratio": 58},
    ("B12", JAN): {"three_meetings_rate": 80, "violations": 1, "revenue": 3000, "debt_asset_ratio": 70},
    ("B12", FEB): {"three_meetings_rate": 100, "violations": 3, "revenue": 2500, "debt_asset_ratio": 65},
    ("B13", JAN): {"three_meetings_rate": 75, "violations": 1, "revenue": 400, "debt_asset_ratio": 45},
    ("B13", FEB): {"three_meetings_rate": 82, "violations": 0, "revenue": 600, "debt_asset_ratio": 48},
    ("B21", JAN): {"three_meetings_rate": 70, "violations": 4, "revenue": 500, "debt_asset_ratio": 50},
    ("B21", FEB): {"three_meetings_rate": 85, "violations": 1, "revenue": 800},  # no debt ratio: incomplete
    ("B22", JAN): {"three_meetings_rate": 88, "violations": 0, "revenue": 1500, "debt_asset_ratio": 55},
    ("B22", FEB): {"three_meetings_rate": 92, "violations": 2, "revenue": 1700, "debt_asset_ratio": 62},
    ("B23", JAN): {"three_meetings_rate": 94, "violations": 1, "revenue": 900, "debt_asset_ratio": 52},
    ("B23", FEB): {"three_meetings_rate": 60, "violations": 5, "revenue": 700, "debt_asset_ratio": 75},
    ("S1", JAN): {"three_meetings_rate": 85, "violations": 3, "revenue": 4000, "debt_asset_ratio": 65},  # roll-up
}
LEAVES = {k: v for k, v in VALUES.items() if k[0] != "S1"}  # S1's children report: S1 is never scored
FOUR = ("B11", "B12", "B21", "B22")  # the conftest registry's branches: one short of SPEC's five
CHOICES = ["basis", "size", "weights_method", "missing"]
LEGACY = {
    "size": "raw",
    "weighting": "entropy",
    "missing": "rescale",
}  # the choices before issue 11 (with --basis view)


def only(rows: dict, *, period: str | None = None, units=None) -> dict:
    return {k: v for k, v in rows.items() if (period is None or k[1] == period) and (units is None or k[0] in units)}


def expected(scored: dict, basis: dict, **choices) -> tuple[list[dict], dict[str, float]]:
    return spec_rows(
        scored, basis, direction=DIRECTION, party=PARTY, business=BUSINESS, sized=SIZED, heads=HEADS, **choices
    )


# ---------------------------------------------------------------- the database and the command


def fill(db: Path, values: dict, units: list[dict]) -> Path:
    with connect(db) as con:
        save_units(con, units)
        uid = dict(con.execute("SELECT code, uid FROM units").fetchall())
        mid = metric_ids(con)
        staged = pd.DataFrame(
            [(uid[u], parse_strict(p), mid[m], float(x)) for (u, p), v in values.items() for m, x in v.items()],
            columns=["uid", "period", "mid", "value"],
        )
        commit(con, staged, [], "test")
    return db


@pytest.fixture
def filled(db: Path) -> Path:
    return fill(db, VALUES, MORE_UNITS)


@pytest.fixture
def four_units(db: Path) -> Path:
    """The conftest registry as it is: four branches report (S1's roll-up is covered by them)."""
    return fill(db, only(VALUES, units={*FOUR, "S1"}), [])


def call(capsys, db: Path, *options: str) -> tuple[dict, str]:
    """The JSON document on stdout and what was said on stderr."""
    assert main(["integration", "--db", str(db), "--json", *options]) == 0
    out, err = capsys.readouterr()
    return json.loads(out), err


def run(capsys, db: Path, *options: str) -> dict:
    return call(capsys, db, *options)[0]


def assert_document(document: dict, basis: str, scored: dict, basis_rows: dict, **choices) -> None:
    rows, weights = expected(scored, basis_rows, **choices)
    assert list(document) == [*CHOICES, "rows", "weights"]
    said = [basis, choices.get("size", "adjusted"), choices.get("weighting", "equal"), choices.get("missing", "worst")]
    assert [document[k] for k in CHOICES] == said
    assert [list(r) for r in document["rows"]] == [ROW_KEYS] * len(rows)
    for got, want in zip(document["rows"], rows, strict=True):
        exact = {k: v for k, v in want.items() if not isinstance(v, float)}
        assert {k: got[k] for k in exact} == exact
        floats = [k for k in ROW_KEYS[2:7] if isinstance(want[k], float)]
        assert [got[k] for k in floats] == pytest.approx([want[k] for k in floats], rel=1e-12)
    assert document["weights"] == pytest.approx(weights, rel=1e-12)
    assert set(document["weights"]) == set(DIRECTION)


def row_of(document: dict, unit: str, period: str) -> dict:
    return next(r for r in document["rows"] if r["unit"] == unit and r["period"] == period)


def test_default_scores_every_leaf_month_against_every_row_and_never_the_parent(capsys, filled):
    document, err = call(capsys, filled)
    assert_document(document, "all", LEAVES, LEAVES)
    assert {r["unit"] for r in document["rows"]} == {"B11", "B12", "B13", "B21", "B22", "B23"}
    assert document["weights"] == dict.fromkeys(DIRECTION, 0.5)  # equal: 1/2 per subsystem
    assert row_of(document, "B21", FEB)["complete"] is False  # no debt ratio: it scores the floor
    assert [row_of(document, "B23", p)["complete"] for p in (JAN, FEB)] == [False, False]  # no headcount
    complete = [r for r in document["rows"] if r["complete"]]
    assert len(complete) == 9 and all(r["D"] is not None for r in document["rows"])
    assert err == ""


def test_a_missing_metric_scores_the_floor_and_never_helps(capsys, filled):
    worst = row_of(run(capsys, filled, "--period", FEB), "B21", FEB)
    rescaled = row_of(run(capsys, filled, "--period", FEB, "--missing", "rescale"), "B21", FEB)
    assert worst["u_business"] < rescaled["u_business"]  # leaving the ratio out would have raised the score
    assert worst["u_party"] == pytest.approx(rescaled["u_party"], rel=1e-12)  # the party side is complete


def test_period_scores_one_month_against_every_row_or_its_own(capsys, filled):
    feb = only(LEAVES, period=FEB)
    assert_document(run(capsys, filled, "--period", FEB), "all", feb, LEAVES)
    assert_document(run(capsys, filled, "--period", FEB, "--basis", "all"), "all", feb, LEAVES)
    assert_document(run(capsys, filled, "--period", FEB, "--basis", "view"), "view", feb, feb)


def test_frozen_window_fixes_bounds_and_clips_values_outside(capsys, filled):
    feb, jan = only(LEAVES, period=FEB), only(LEAVES, period=JAN)
    window = f"{JAN}..{JAN}"
    document = run(capsys, filled, "--from", FEB, "--to", FEB, "--basis", window)
    assert_document(document, window, feb, jan)
    # B12's 100 % is above January's best 94 %, B23's 60 % below its worst 70 %: clipped to the ends
    b12, b23 = row_of(document, "B12", FEB), row_of(document, "B23", FEB)
    want = {r["unit"]: r for r in expected(feb, jan)[0]}
    assert (b12["u_party"], b23["u_party"]) == pytest.approx((want["B12"]["u_party"], want["B23"]["u_party"]))
    top = dict(feb[("B12", FEB)], three_meetings_rate=94)
    assert b12["u_party"] == pytest.approx(expected({("B12", FEB): top}, jan)[0][0]["u_party"], rel=1e-12)


@pytest.mark.parametrize(
    ("options", "choices"),
    [
        (["--size", "raw", "--weights", "entropy", "--missing", "rescale"], LEGACY),
        (["--size", "per100"], {"size": "per100"}),
        (["--weights", "entropy"], {"weighting": "entropy"}),
    ],
)
def test_size_weights_and_missing_choices(capsys, filled, options, choices):
    document = run(capsys, filled, "--basis", "view", *options)
    assert_document(document, "view", LEAVES, LEAVES, **choices)
    if choices.get("size") == "raw":  # nothing to compare with: B23 reports every metric
        assert [row_of(document, "B23", p)["complete"] for p in (JAN, FEB)] == [True, True]


def test_units_are_expanded_to_descendants_and_bound_the_view_basis(capsys, filled):
    s2 = only(LEAVES, units={"B21", "B22", "B23"})
    assert_document(run(capsys, filled, "--units", "S2"), "all", s2, LEAVES)
    document, err = call(capsys, filled, "--units", "二公司", "--basis", "view")  # three branches: too few
    assert_document(document, "view", s2, s2)
    assert "基准中只有 3 个单位" in err and "The basis holds 3 units" in err
    assert {r["unit"] for r in document["rows"]} == {"B21", "B22", "B23"}
    assert all(r[k] is None for r in document["rows"] for k in ROW_KEYS[2:11])


def test_a_month_without_data_gives_no_rows(capsys, filled):
    document = run(capsys, filled, "--period", "2030-01")
    assert document == {
        "basis": "all", "size": "adjusted", "weights_method": "equal", "missing": "worst", "rows": [],
        "weights": dict.fromkeys(DIRECTION, 0.5),  # the basis (every row) still fixes the weights
    }  # fmt: skip
    document = run(capsys, filled, "--period", "2030-01", "--basis", "view")
    assert (document["rows"], document["weights"]) == ([], {})


def test_four_units_are_too_few_to_score(capsys, four_units):
    document, err = call(capsys, four_units)
    scored = only(LEAVES, units=set(FOUR))
    assert_document(document, "all", scored, scored)
    assert len(document["rows"]) == 8 and all(r[k] is None for r in document["rows"] for k in ROW_KEYS[2:11])
    assert err.splitlines() == [
        "基准中只有 4 个单位，少于 5 个：单位太少，最小–最大归一化没有意义，不计算融合度。",
        "The basis holds 4 units, fewer than 5: too few for min–max scores to mean anything; no index computed.",
    ]
    assert main(["integration", "--db", str(four_units)]) == 0  # the table form says the same
    out, err = capsys.readouterr()
    assert "B11" in out and "基准中只有 4 个单位" in err and "The basis holds 4 units" in err


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
    assert_document(json.loads(done.stdout), "all", only(LEAVES, period=JAN), LEAVES)
    clash = subprocess.run(
        [sys.executable, "-m", "analytics", "integration", "--period", JAN, "--from", JAN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert clash.returncode == 2
