"""The panel snapshot beside the database: the same values as reading the database, renewed by every change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.model.panel import build_panel
from analytics.periods import parse_strict
from analytics.store import snapshot as snapshot_module
from analytics.store.batches import commit, revert
from analytics.store.completeness import completeness
from analytics.store.connection import connect, get_meta
from analytics.store.observations import analysis_frame
from analytics.store.snapshot import LONG_ARRAYS, load_snapshot, read_snapshot, refresh_snapshot, snapshot_dir
from analytics.store.units import load_registry, save_units

KEYS = ["unit", "period", "metric"]


def staged(rows: list[tuple[int, str, int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["uid", "period", "mid", "value"])
    frame["period"] = frame["period"].map(parse_strict)
    return frame.astype({"uid": "int64", "period": "int64", "mid": "int64", "value": "float64"})


@pytest.fixture
def filled(db):
    """Values with gaps: a month nobody reported (2025-03), a unit (B22) and metrics without any value."""
    rows = []
    for uid in (4, 5, 6):
        for month in ("2025-01", "2025-02", "2025-04"):
            for mid in (1, 2, 7):
                if (uid, month, mid) != (5, "2025-02", 7):
                    rows.append((uid, month, mid, uid * 100 + mid + 0.25 + int(month[-1])))
    with connect(db) as con:
        commit(con, staged(rows), [], "t")
    return db


def files(db) -> list[str]:
    return sorted(p.name for p in snapshot_dir(db).iterdir())


def every_file(token: str) -> list[str]:
    names = [f"panel-{token}.json", f"panel-{token}.long.json", f"panel-{token}.cube.npy"]
    return sorted(names + [f"panel-{token}.{name}.npy" for name in LONG_ARRAYS])


def sorted_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(KEYS, kind="stable").reset_index(drop=True)


def assert_same_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    got, expected = sorted_frame(got), sorted_frame(expected)
    for key in KEYS:
        assert list(got[key].cat.categories) == list(expected[key].cat.categories), key
        assert got[key].astype(str).tolist() == expected[key].astype(str).tolist(), key
    np.testing.assert_array_equal(got["value"].to_numpy(), expected["value"].to_numpy())


def test_snapshot_equals_the_database_read(filled):
    with connect(filled, read_only=True) as con:
        snap, obs = read_snapshot(con), analysis_frame(con)
        window = analysis_frame(con, parse_strict("2025-02"), parse_strict("2025-04"))
    panel = build_panel(obs)
    assert list(snap.panel.units) == list(panel.units)
    assert list(snap.panel.months) == ["2025-01", "2025-02", "2025-03", "2025-04"] == list(panel.months)
    assert list(snap.panel.metrics) == list(panel.metrics)
    np.testing.assert_array_equal(snap.panel.cube, panel.cube)
    assert_same_frame(snap.frame(), obs)
    assert_same_frame(snap.frame(parse_strict("2025-02"), parse_strict("2025-04")), window)
    assert len(snap.frame(parse_strict("2025-03"), parse_strict("2025-03"))) == 0


def test_a_saved_snapshot_is_read_back_without_the_database_scan(filled, monkeypatch):
    with connect(filled, read_only=True) as con:
        first = load_snapshot(con, filled)
        token = get_meta(con, "data_token")
    assert files(filled) == [f"panel-{token}.cube.npy", f"panel-{token}.json"]  # the long form waits for a use
    expected = first.frame()
    assert files(filled) == every_file(token)

    def no_scan(*args):
        raise AssertionError("the database was scanned or the long form rebuilt although both are saved")

    monkeypatch.setattr(snapshot_module, "read_snapshot", no_scan)
    monkeypatch.setattr(snapshot_module, "_long_form", no_scan)
    with connect(filled, read_only=True) as con:
        again = load_snapshot(con, filled)
    np.testing.assert_array_equal(again.panel.cube, first.panel.cube)
    assert not again.panel.cube.flags.writeable
    assert_same_frame(again.frame(), expected)


def test_every_data_change_renews_the_token_and_the_snapshot(filled):
    with connect(filled, read_only=True) as con:
        before, token = load_snapshot(con, filled), get_meta(con, "data_token")
    with connect(filled) as con:
        batch = commit(con, staged([(4, "2025-01", 1, 999.5)]), [], "t")
        changed = get_meta(con, "data_token")
        unit, metric = con.execute(
            "SELECT (SELECT code FROM units WHERE uid = 4), (SELECT code FROM metrics WHERE mid = 1)"
        ).fetchall()[0]
    with connect(filled, read_only=True) as con:
        after = load_snapshot(con, filled)
    assert changed != token
    position = (after.panel.units.get_loc(unit), 0, after.panel.metrics.get_loc(metric))
    assert after.panel.cube[position] == 999.5 != before.panel.cube[position]
    after.frame()
    assert files(filled) == every_file(changed)  # the old token's files are gone
    with connect(filled) as con:
        revert(con, batch, "t")  # a revert is a change too
        save_units(con, [{"code": "B23", "name": "新单位", "parent_code": "S2", "headcount": None}])
    with connect(filled, read_only=True) as con:
        reverted = load_snapshot(con, filled)
        assert_same_frame(reverted.frame(), analysis_frame(con))


def test_an_unreadable_or_unwritable_snapshot_falls_back_to_the_database(filled, monkeypatch):
    with connect(filled, read_only=True) as con:
        load_snapshot(con, filled)
        token = get_meta(con, "data_token")
    (snapshot_dir(filled) / f"panel-{token}.cube.npy").write_bytes(b"not a numpy file")
    with connect(filled, read_only=True) as con:
        damaged = load_snapshot(con, filled)
        assert_same_frame(damaged.frame(), analysis_frame(con))
    (snapshot_dir(filled) / f"panel-{token}.value.npy").write_bytes(b"truncated")
    with connect(filled, read_only=True) as con:
        long_damaged = load_snapshot(con, filled)
        assert_same_frame(long_damaged.frame(), analysis_frame(con))

    def refuse(*args, **kwargs):
        raise PermissionError("read-only folder")

    monkeypatch.setattr(snapshot_module.np, "save", refuse)
    for path in snapshot_dir(filled).iterdir():
        path.unlink()
    with connect(filled, read_only=True) as con:
        unwritable = load_snapshot(con, filled)
        assert_same_frame(unwritable.frame(), analysis_frame(con))
    assert list(snapshot_dir(filled).iterdir()) == []  # no half-written files left behind


def test_completeness_from_the_panel_equals_the_sql_grid(filled):
    with connect(filled, read_only=True) as con:
        expected, snap, registry = completeness(con), read_snapshot(con), load_registry(con)
    leaves = [(u.code, u.name) for u in registry.leaves()]
    got = snap.completeness(leaves)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    with connect(filled, read_only=True) as con:
        saved = load_snapshot(con, filled)
        saved = load_snapshot(con, filled)  # the second comes from the files
    pd.testing.assert_frame_equal(saved.completeness(leaves), expected, check_dtype=False)
    assert set(got.loc[got["unit"] == "B22", "status"]) == {"missing"}
    assert set(got.loc[got["period"] == "2025-03", "expected"]) == {0}
    assert got.loc[(got["unit"] == "B12") & (got["period"] == "2025-02"), "status"].item() == "partial"


def test_a_writer_refreshes_only_a_panel_of_bounded_size(filled, monkeypatch):
    with connect(filled, read_only=True) as con:
        assert refresh_snapshot(con, filled) is not None
        token = get_meta(con, "data_token")
    assert (snapshot_dir(filled) / f"panel-{token}.json").exists()
    for path in snapshot_dir(filled).iterdir():
        path.unlink()
    monkeypatch.setattr(snapshot_module, "REFRESH_MAX_CELLS", 10)  # this panel is 7 units × 36 metrics × 4 months
    with connect(filled, read_only=True) as con:
        assert refresh_snapshot(con, filled) is None
    assert list(snapshot_dir(filled).iterdir()) == []  # left to the first reader
