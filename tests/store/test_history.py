"""The history summary behind the far-from-history warning (analytics/store/history.py): medians checked against numpy
and hand-computed values; the summary carried over by each commit equals the one read afresh from ``current``."""

from __future__ import annotations

import json
import statistics

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics.periods import to_index
from analytics.services.imports import Upload, run_import, validate
from analytics.services.imports import commit as commit_validation  # beside store.batches.commit
from analytics.store.backup import MANIFEST, backup, file_sha256, restore, table_names
from analytics.store.batches import commit, revert
from analytics.store.connection import MIGRATIONS, connect, first_row, get_meta
from analytics.store.history import History, advance, load_history, read_history, window_medians
from analytics.store.snapshot import snapshot_dir
from tests.fixtures import xlsx

REVENUE = "营业收入（万元）"


def staged(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["uid", "period", "mid", "value"]).astype(
        {"uid": "int64", "period": "int64", "mid": "int64", "value": "float64"}
    )


def token(db) -> str:
    with connect(db, read_only=True) as con:
        return get_meta(con, "data_token")  # type: ignore[return-value]


def fresh(db) -> History:
    with connect(db, read_only=True) as con:
        return read_history(con)


def saved(db) -> History:
    """The summary as the next import finds it; fails unless it was saved under the current token."""
    now = token(db)
    assert (snapshot_dir(db) / f"history-{now}.json").exists()
    with connect(db, read_only=True) as con:
        found = load_history(con, db)
    assert found.token == now
    return found


def assert_same(a: History, b: History) -> None:
    assert a.last == b.last
    rows, cols = min(a.values.shape[0], b.values.shape[0]), min(a.values.shape[1], b.values.shape[1])
    np.testing.assert_array_equal(a.values[:rows, :cols], b.values[:rows, :cols])
    for extra in (a.values[rows:], a.values[:, cols:], b.values[rows:], b.values[:, cols:]):
        assert np.isnan(extra).all()  # a larger array only adds empty keys
    np.testing.assert_array_equal(a.grid.medians[:rows, :cols], b.grid.medians[:rows, :cols])


def test_window_medians_equal_numpy_nanmedian():
    rng = np.random.default_rng(3)
    values = rng.normal(100, 30, (500, 7, 12))
    values[rng.random(values.shape) < 0.4] = np.nan
    values[0, 0] = np.nan  # no value at all
    values[1, 1, :] = [np.nan] * 11 + [5.0]  # one value
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        expected = np.nanmedian(values, axis=-1)
    np.testing.assert_allclose(window_medians(values), expected, rtol=0, atol=1e-12, equal_nan=True)
    assert window_medians(np.array([[1.0, 9.0, np.nan, 3.0, 4.0]])).tolist() == [3.5]  # (3 + 4) / 2
    assert window_medians(np.array([[7.0, np.nan, 1.0]])).tolist() == [4.0]


def test_the_history_is_the_latest_months_of_current(db, monkeypatch):
    monkeypatch.setenv("ANALYTICS_HISTORY_WINDOW", "3")
    with connect(db) as con:
        for month, value in enumerate([1.0, 2.0, 30.0, 4.0, 5.0]):  # months 100..104
            commit(con, staged((1, 100 + month, 1, value), (2, 100, 1, 9.0)), [], "t")
        history = read_history(con)
    assert history.last == 104 and history.window == 3
    assert history.values[1, 1].tolist() == [30.0, 4.0, 5.0]
    assert history.grid.medians[1, 1] == statistics.median([30.0, 4.0, 5.0]) == 5.0
    assert np.isnan(history.grid.medians[2, 1])  # unit 2 has nothing in the latest 3 months: no history
    assert history.grid.of(staged((1, 105, 1, 0.0), (2, 105, 1, 0.0), (99, 105, 1, 0.0), (1, 105, 999, 0.0))).tolist()[
        0
    ] == pytest.approx(5.0)


def test_a_store_too_large_to_keep_gives_the_same_medians_unsaved(db, monkeypatch):
    with connect(db) as con:
        for month, value in enumerate([1.0, 2.0, 30.0, 4.0]):
            commit(con, staged((1, 100 + month, 1, value), (3, 100 + month, 2, value * 2)), [], "t")
        full = read_history(con)
        monkeypatch.setattr("analytics.store.history.MAX_CELLS", 10)
        small = read_history(con)
        assert small.values.size == 0 and small.last == full.last
        np.testing.assert_array_equal(small.grid.medians, full.grid.medians)
        assert advance(small, staged((1, 104, 1, 5.0))) is None
        assert load_history(con, db).token is None  # not saved
    assert not list(snapshot_dir(db).glob("history-*"))


def test_each_import_carries_the_summary_over_exactly(db, monkeypatch):
    """After every kind of commit the saved summary (carried over in numpy) equals the one read from current."""
    monkeypatch.setenv("ANALYTICS_HISTORY_WINDOW", "4")

    def upload(month: int, rows: list[list[object]], **options) -> None:
        result = run_import(
            db,
            [Upload("h.xlsx", xlsx([["单位编码", REVENUE, "利润总额（万元）"], *rows]))],
            to_index(2026, month),
            **options,
        )
        assert result.status == "committed", result.errors

    upload(1, [["B11", 100, 10], ["B12", 200, 20]])
    saved(db)  # the first import reads the (empty) history and carries it over
    upload(2, [["B11", 110, 11], ["B12", 210, 21]])  # the next month
    assert_same(saved(db), fresh(db))
    upload(2, [["B11", 115, 11]])  # a correction of the latest month
    assert_same(saved(db), fresh(db))
    upload(1, [["B12", 190, None]])  # an older month inside the window
    assert_same(saved(db), fresh(db))
    upload(7, [["B11", 120, 12]])  # five months later: the window moves past months 1–3
    history = saved(db)
    assert_same(history, fresh(db))
    assert history.last == to_index(2026, 7)
    upload(8, [["B11", 125, 13], ["X99", 5, 1]], create_units=True)  # a new unit (its id given in the commit)
    assert_same(saved(db), fresh(db))
    upload(1, [["B11", 1, 1]])  # a month older than the window changes nothing in it
    assert_same(saved(db), fresh(db))


def test_the_page_s_validate_then_commit_carries_over_and_a_stale_summary_is_dropped(db):
    def book(value: float) -> list[Upload]:
        return [Upload("h.xlsx", xlsx([["单位编码", REVENUE], ["B11", value]]))]

    commit_validation(db, validate(db, book(100), to_index(2026, 7)), "t")  # the app's path: preview, then commit
    assert_same(saved(db), fresh(db))
    unchanged = run_import(db, book(100), to_index(2026, 7))  # changes nothing: the summary stays as it is
    assert unchanged.status == "unchanged"
    assert_same(saved(db), fresh(db))
    assert len(list(snapshot_dir(db).glob("history-*.json"))) == 1  # nothing left behind for the unused token
    preview = validate(db, book(120), to_index(2026, 8))
    run_import(db, book(90), to_index(2026, 9))  # another write between the preview and its commit
    commit_validation(db, preview, "t")  # its summary is out of date: dropped, and read afresh next time
    assert not list(snapshot_dir(db).glob("history-*"))
    with connect(db, read_only=True) as con:
        assert_same(load_history(con, db), fresh(db))


def test_a_revert_or_a_damaged_file_makes_the_next_import_read_it_afresh(db):
    for month, value in ((7, 100), (8, 110), (9, 105)):
        run_import(db, [Upload("h.xlsx", xlsx([["单位编码", REVENUE], ["B11", value]]))], period=to_index(2026, month))
    with connect(db) as con:
        revert(con, 3, "t")
    assert not (snapshot_dir(db) / f"history-{token(db)}.json").exists()
    with connect(db, read_only=True) as con:
        history = load_history(con, db)
    assert_same(history, fresh(db))
    assert saved(db).last == to_index(2026, 8)
    (snapshot_dir(db) / f"history-{token(db)}.values.npy").write_bytes(b"not an array")
    with connect(db, read_only=True) as con:
        assert_same(load_history(con, db), fresh(db))
    slip = run_import(
        db, [Upload("h.xlsx", xlsx([["单位编码", REVENUE], ["B11", 1_050_000]]))], to_index(2026, 10), dry_run=True
    )
    assert [(w.cell, w.code) for w in slip.warnings] == [("B2", "far_from_history")]
    assert "105" in slip.warnings[0].message  # the median of 100 and 110


def test_a_commit_that_empties_the_latest_month_leaves_the_summary_to_be_read_again():
    history = History(5, np.array([[[1.0, 2.0, 3.0]]]), token="t")
    assert history.grid.medians[0, 0] == 2.0
    assert advance(history, staged((0, 5, 0, np.nan))) is None
    moved = advance(history, staged((0, 7, 0, 9.0)))
    assert moved is not None and moved.last == 7  # months 5..7: 3.0, none, 9.0
    assert moved.values[0, 0, 0] == 3.0 and np.isnan(moved.values[0, 0, 1]) and moved.values[0, 0, 2] == 9.0
    assert moved.grid.medians[0, 0] == 6.0


def test_migration_4_drops_the_old_history_table_and_keeps_the_data(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for number, script in enumerate(MIGRATIONS[:3], start=1):
        con.execute(script)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)])
    con.execute("INSERT INTO current VALUES (1, 100, 1, 5.0, 1)")
    con.execute("INSERT INTO history VALUES (1, 1, 100, [5.0])")
    con.close()
    with connect(path) as con:
        assert "history" not in table_names(con)
        assert first_row(con, "SELECT value FROM current") == (5.0,)


def test_a_backup_from_before_migration_4_restores_without_its_history_table(tmp_path, db):
    run_import(db, [Upload("h.xlsx", xlsx([["单位编码", REVENUE], ["B11", 100]]))], period=to_index(2026, 7))
    folder = tmp_path / "bk"
    backup(db, folder)
    with duckdb.connect() as con:  # the table as schema 3 backed it up
        con.execute(
            "COPY (SELECT 1::INTEGER AS uid, 1::INTEGER AS mid, 100::INTEGER AS last_period, [5.0] AS recent) "
            f"TO '{folder / 'history.parquet'}' (FORMAT parquet)"
        )
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["schema_version"] = 3
    manifest["tables"].append(
        {"table": "history", "file": "history.parquet", "rows": 1, "sha256": file_sha256(folder / "history.parquet")}
    )
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    target = tmp_path / "restored.duckdb"
    restore(target, folder)
    with connect(target, read_only=True) as con:
        assert "history" not in table_names(con)
        assert first_row(con, "SELECT count(*) FROM current") == (1,)


def test_a_write_by_another_session_during_a_commit_never_leaves_a_stale_summary(db, monkeypatch):
    """The app's sessions share one process: another session writes just as this commit reads the token."""
    import analytics.services.imports as imports

    def book(value: float) -> list[Upload]:
        return [Upload("h.xlsx", xlsx([["单位编码", REVENUE], ["B11", value]]))]

    for month, value in ((7, 100), (8, 110)):
        run_import(db, book(value), to_index(2026, month))
    real, done = imports.get_meta, []

    def token_then_another_write(con, key, default=None):
        found = real(con, key, default)
        if key == "data_token" and not done:
            done.append(True)
            with connect(db) as other:  # e.g. another session's revert
                revert(other, 2, "other")
        return found

    monkeypatch.setattr(imports, "get_meta", token_then_another_write)
    try:
        run_import(db, book(120), to_index(2026, 9))
    except Exception:  # the two transactions conflict: this one is rolled back
        pass
    monkeypatch.setattr(imports, "get_meta", real)
    with connect(db, read_only=True) as con:
        assert_same(load_history(con, db), fresh(db))


def test_an_import_that_finds_the_file_busy_leaves_no_summary_behind(db, monkeypatch):
    import analytics.services.imports as imports
    from analytics.store.connection import DatabaseBusy

    def book(value: float) -> list[Upload]:
        return [Upload("h.xlsx", xlsx([["单位编码", REVENUE], ["B11", value]]))]

    run_import(db, book(100), to_index(2026, 7))
    kept = sorted(p.name for p in snapshot_dir(db).glob("history-*"))

    def busy(db_, read_only, wait):
        if wait:
            raise DatabaseBusy(str(db_))
        return None

    monkeypatch.setattr(imports, "_opened", busy)
    with pytest.raises(DatabaseBusy):
        run_import(db, book(110), to_index(2026, 8))
    assert sorted(p.name for p in snapshot_dir(db).glob("history-*")) == kept  # the live summary, nothing more
    assert saved(db).last == to_index(2026, 7)
