"""The data as it stood at a version (issue 14, item 13): rebuilt from the batches, checked against the ``current``
table recorded at every step of a random history of commits, explicit deletes and reverts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.store.batches import commit, revert
from analytics.store.connection import connect, get_meta
from analytics.store.versions import Version, current_version, materialize, resolved, state_at

KEYS = [(uid, period, mid) for uid in (4, 5, 6) for period in (100, 101) for mid in (1, 2, 3)]


def staged(rows: list[tuple[int, int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["uid", "period", "mid", "value"]).astype(
        {"uid": "int64", "period": "int64", "mid": "int64", "value": "float64"}
    )


def as_dict(frame: pd.DataFrame) -> dict[tuple[int, int, int], float]:
    return {(int(u), int(p), int(m)): float(v) for u, p, m, v in frame[["uid", "period", "mid", "value"]].to_numpy()}


def current(con) -> dict[tuple[int, int, int], float]:
    return as_dict(con.execute("SELECT uid, period, mid, value FROM current").df())


@pytest.fixture
def history(db):
    """A seeded history: 14 steps, each a commit of a random subset of keys (some values NaN: explicit deletes of
    keys that exist) or a revert of a random live batch; the version and ``current`` recorded after each."""
    rng = np.random.default_rng(20261205)
    seen: list[tuple[Version, dict]] = []
    with connect(db) as con:
        live: list[int] = []
        for step in range(14):
            if live and step % 3 == 2:
                batch = int(rng.choice(live))
                revert(con, batch, "t")
                live.remove(batch)
            else:
                chosen = rng.choice(len(KEYS), size=int(rng.integers(2, 8)), replace=False)
                existing = current(con)
                rows = [
                    (*KEYS[i], np.nan if KEYS[i] in existing and rng.random() < 0.2 else float(rng.integers(0, 100)))
                    for i in chosen
                ]
                live.append(commit(con, staged(rows), [], "t"))
            seen.append((current_version(con), current(con)))
    return db, seen


def test_every_recorded_state_is_rebuilt_exactly(history):
    db, seen = history
    assert len({version for version, _ in seen}) == len(seen)  # every step made a new version
    with connect(db, read_only=True) as con:
        for version, state in seen:
            assert as_dict(state_at(con, version)) == state, version


def test_a_link_without_a_revert_count_means_the_last_state_of_its_batch(history):
    db, seen = history
    with connect(db, read_only=True) as con:
        for batch in {version.batch for version, _ in seen}:
            last = [state for version, state in seen if version.batch == batch][-1]
            assert as_dict(state_at(con, Version(batch))) == last
            assert resolved(con, Version(batch)).reverts == max(v.reverts for v, _ in seen if v.batch == batch)


def test_materialized_copy_reads_like_the_database_did(history):
    db, seen = history
    version, state = seen[len(seen) // 2]
    path, exact = materialize(db, version)
    assert exact == version
    assert materialize(db, version)[0] == path  # built once, then reused
    with connect(path, read_only=True) as con:
        assert current(con) == state
        assert current_version(con) == version  # its batches: those up to the version, with the reverts of then
        assert get_meta(con, "pinned_version") == version.text
        assert con.execute("SELECT count(*) FROM metrics").fetchone()[0] > 0


def test_versions_parse_from_links():
    assert Version.parse("12.3") == Version(12, 3)
    assert Version.parse("v12") == Version(12, None)
    assert Version.parse("12.3").text == "12.3"
    assert Version.parse("x") is None and Version.parse(None) is None and Version.parse("1.2.3") is None


def test_a_version_the_data_never_had_is_refused(history):
    db, seen = history
    latest = seen[-1][0]
    with pytest.raises(LookupError):
        materialize(db, Version(latest.batch + 1, latest.reverts))
