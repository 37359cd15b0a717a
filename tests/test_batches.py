"""SPEC §2 batch semantics: supersede key by key, blanks clear nothing, revert rules, no-op uploads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.batches import (
    BatchError,
    commit,
    diff_against_current,
    history_median_grid,
    history_medians,
    list_batches,
    revert,
)
from analytics.db import connect, first_row

K1, K2, K3 = (1, 100, 1), (1, 100, 2), (2, 100, 1)


def staged(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["uid", "period", "mid", "value"]).astype(
        {"uid": "int64", "period": "int64", "mid": "int64", "value": "float64"}
    )


def current(con) -> dict:
    return {(u, p, m): v for u, p, m, v in con.execute("SELECT uid, period, mid, value FROM current").fetchall()}


def test_later_batch_supersedes_key_by_key(db):
    with connect(db) as con:
        b1 = commit(con, staged((*K1, 1.0), (*K2, 2.0)), [], "t")
        b2 = commit(con, staged((*K1, 10.0), (*K3, 3.0)), [], "t")  # K2 absent: "not in this file", kept
        assert (b1, b2) == (1, 2)
        assert current(con) == {K1: 10.0, K2: 2.0, K3: 3.0}


def test_revert_restores_latest_earlier_unreverted_batch(db):
    with connect(db) as con:
        commit(con, staged((*K1, 1.0)), [], "t")
        commit(con, staged((*K1, 2.0)), [], "t")
        commit(con, staged((*K1, 3.0), (*K2, 7.0)), [], "t")
        revert(con, 3, "t")
        assert current(con) == {K1: 2.0}
        revert(con, 2, "t")
        assert current(con) == {K1: 1.0}


def test_revert_of_an_earlier_batch_keeps_a_later_batchs_value(db):
    with connect(db) as con:
        commit(con, staged((*K1, 1.0)), [], "t")
        commit(con, staged((*K1, 2.0), (*K2, 5.0)), [], "t")
        commit(con, staged((*K1, 3.0)), [], "t")
        revert(con, 2, "t")
        assert current(con) == {K1: 3.0}  # batch 3 (not reverted) also wrote K1; K2 had no earlier value
        revert(con, 3, "t")
        assert current(con) == {K1: 1.0}


def test_reverting_a_reverted_or_unknown_batch_is_an_error(db):
    with connect(db) as con:
        commit(con, staged((*K1, 1.0)), [], "t")
        revert(con, 1, "t")
        with pytest.raises(BatchError):
            revert(con, 1, "t")
        with pytest.raises(BatchError):
            revert(con, 99, "t")


def test_an_upload_that_changes_nothing_creates_no_batch(db):
    with connect(db) as con:
        commit(con, staged((*K1, 1.0)), [], "t")
        assert commit(con, staged((*K1, 1.0)), [], "t") is None
        assert len(list_batches(con)) == 1


def test_explicit_delete_is_a_batch_and_can_be_reverted(db):
    with connect(db) as con:
        commit(con, staged((*K1, 1.0), (*K2, 2.0)), [], "t")
        delete = commit(con, staged((*K1, np.nan)), [], "t", kind="delete")
        assert current(con) == {K2: 2.0}
        revert(con, delete, "t")
        assert current(con) == {K1: 1.0, K2: 2.0}


def test_diff_counts_new_changed_unchanged(db):
    with connect(db) as con:
        commit(con, staged((*K1, 1.0), (*K2, 2.0)), [], "t")
        diff = diff_against_current(con, staged((*K1, 1.0), (*K2, 2.5), (*K3, 3.0)))
        assert dict(
            zip(map(tuple, diff.rows[["uid", "period", "mid"]].to_numpy()), diff.rows["status"], strict=True)
        ) == {K1: "unchanged", K2: "changed", K3: "new"}


def test_history_keeps_the_latest_values_per_unit_and_metric(db):
    with connect(db) as con:
        for month, value in enumerate([1.0, 2.0, 3.0, 100.0]):
            commit(con, staged((1, 100 + month, 1, value)), [], "t")
        # an older month re-uploaded takes the slow path and recomputes from current
        commit(con, staged((1, 99, 1, 5.0)), [], "t")
        (recent,) = first_row(con, "SELECT recent FROM history WHERE uid = 1 AND mid = 1")
        assert recent == [5.0, 1.0, 2.0, 3.0, 100.0]
        medians = history_medians(con, staged((1, 104, 1, 0.0), (2, 104, 1, 0.0)))
        assert medians.iloc[0] == 3.0 and np.isnan(medians.iloc[1])
        commit(con, staged((2, 100, 3, 7.0), (2, 101, 3, 9.0)), [], "t")
        keys = staged((1, 104, 1, 0.0), (2, 104, 1, 0.0), (2, 104, 3, 0.0), (99, 104, 1, 0.0), (1, 104, 999, 0.0))
        np.testing.assert_array_equal(history_median_grid(con).of(keys), history_medians(con, keys).to_numpy())
        np.testing.assert_array_equal(history_median_grid(con).of(keys)[:3], [3.0, np.nan, 8.0])
        revert(con, 4, "t")
        (recent,) = first_row(con, "SELECT recent FROM history WHERE uid = 1 AND mid = 1")
        assert recent == [5.0, 1.0, 2.0, 3.0]


def test_history_correction_of_the_latest_month_replaces_its_value(db):
    with connect(db) as con:
        for month, value in enumerate([1.0, 2.0, 3.0]):
            commit(con, staged((1, 100 + month, 1, value)), [], "t")
        commit(con, staged((1, 102, 1, 30.0)), [], "t")
        (recent,) = first_row(con, "SELECT recent FROM history WHERE uid = 1 AND mid = 1")
        assert recent == [1.0, 2.0, 30.0]
        assert current(con)[(1, 102, 1)] == 30.0
