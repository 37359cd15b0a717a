"""SPEC §2 batch semantics: supersede key by key, blanks clear nothing, revert rules, no-op uploads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.store.batches import BatchError, commit, diff_against_current, list_batches, revert
from analytics.store.connection import connect

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
