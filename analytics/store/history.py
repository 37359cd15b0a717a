"""The history behind the "far from its own history" warning (SPEC §3): each unit × metric's values over the
store's latest ``history_window`` months, and their medians.

It is a per unit × metric summary kept beside the database as derived data, like the panel snapshot
(``.snapshots/<db file name>/history-<token>.*``), keyed by the data token, so it can never describe other data:

- **Reading** (while calamine reads the workbook): the values of the current token are read from their file and
  their medians computed (0.07 s at 2,000 units × 120 metrics). Without a file (a first import, or after a
  revert, a units change, a restore) the window is read from ``current`` (the latest months only: zone maps
  skip the older row groups) and saved.
- **At a commit**: when the summary of the token the commit starts from is at hand, the staged values are
  applied to it in numpy (:func:`advance`) and it is saved under the token the commit writes, chosen beforehand:
  all in a thread while the database writes (:func:`carry_over`). Keeping the same summary as a table
  inside the commit's transaction cost a 2,000 × 120 monthly import 0.27 s of its 0.5 s budget (the update, and
  the checkpoint its log forced); this costs a few hundredths.

The window is the store's latest W months (W = the ``history_window`` setting): a unit with no value in them has
no history, and is not warned about.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics.settings import default_db_path, history_window
from analytics.store.connection import get_meta, one_row
from analytics.store.snapshot import save_arrays, snapshot_dir

FORMAT = 2  # bump when the files' layout changes
MAX_CELLS = 10_000_000  # units × metrics × months beyond which the summary is not saved (80 MB of values)


@dataclass(frozen=True)
class MedianGrid:
    """Every unit × metric's median of its recent values, as a dense [uid, mid] array (NaN where none)."""

    medians: np.ndarray

    def of(self, staged: pd.DataFrame) -> np.ndarray:
        """The median for each staged row's (uid, mid); NaN for keys without history (e.g. new units)."""
        uid, mid = staged["uid"].to_numpy(dtype=np.int64), staged["mid"].to_numpy(dtype=np.int64)
        rows, cols = self.medians.shape
        inside = (uid >= 0) & (uid < rows) & (mid >= 0) & (mid < cols)
        out = np.full(len(staged), np.nan)
        out[inside] = self.medians[uid[inside], mid[inside]]
        return out


@dataclass(frozen=True, eq=False)
class History:
    """The values of months ``last - W + 1 .. last`` as ``values[uid, mid, k]`` (month ``last - W + 1 + k``; NaN
    where none) and the data token they describe (None: not known to match a token). The medians are computed
    on first use (``grid``); ``given``: the medians alone, for a store too large to keep the values of."""

    last: int | None  # None: the store holds no value
    values: np.ndarray
    given: MedianGrid | None = None
    token: str | None = None

    @functools.cached_property
    def grid(self) -> MedianGrid:
        return self.given if self.given is not None else MedianGrid(window_medians(self.values))

    @property
    def complete(self) -> bool:
        """Whether the values are kept (so the summary can be saved and carried over)."""
        return self.given is None

    @property
    def window(self) -> int:
        return self.values.shape[2]


def window_medians(values: np.ndarray) -> np.ndarray:
    """The median of the non-NaN values along the last axis (NaN where there are none): the middle value, or
    the mean of the two middle values."""
    ordered = np.sort(values, axis=-1)  # NaN sort last
    count = values.shape[-1] - np.isnan(values).sum(axis=-1)
    low = np.take_along_axis(ordered, np.maximum(count - 1, 0)[..., None] // 2, axis=-1)[..., 0]
    high = np.take_along_axis(ordered, np.minimum(count // 2, values.shape[-1] - 1)[..., None], axis=-1)[..., 0]
    medians = (low + high) / 2
    medians[count == 0] = np.nan
    return medians


def read_history(con: duckdb.DuckDBPyConnection, window: int | None = None) -> History:
    """The summary read from ``current`` (the latest ``window`` months only)."""
    window = window or history_window()
    (last, units, metrics) = one_row(
        con,
        "SELECT (SELECT max(period) FROM current), (SELECT coalesce(max(uid), 0) FROM units), "
        "(SELECT coalesce(max(mid), 0) FROM metrics)",
    )
    shape = (int(units) + 1, int(metrics) + 1, window)
    if shape[0] * shape[1] * window > MAX_CELLS:  # too large to keep: the medians only
        return _medians_only(con, None if last is None else int(last), shape)
    values = np.full(shape, np.nan)
    if last is not None:
        first = int(last) - window + 1
        found = con.sql("SELECT uid, mid, period, value FROM current WHERE period >= ?", params=[first])
        table = found.to_arrow_table()  # Arrow: the columns arrive as arrays, not as masked arrays
        uid, mid, period, value = (table.column(i).to_numpy() for i in range(4))
        flat = (uid.astype(np.int64) * shape[1] + mid) * window + (period - first)
        values.reshape(-1)[flat] = value
    return History(None if last is None else int(last), values)


def _medians_only(con: duckdb.DuckDBPyConnection, last: int | None, shape: tuple[int, int, int]) -> History:
    """The medians of a store too large to keep the summary of (no values: it is never saved or carried)."""
    medians = np.full(shape[:2], np.nan)
    if last is not None:
        found = con.execute(
            "SELECT uid, mid, median(value) FROM current WHERE period >= ? GROUP BY uid, mid", [last - shape[2] + 1]
        ).fetchnumpy()
        uid, mid, median = (np.asarray(found[key]) for key in found)
        medians[uid.astype(np.int64), mid.astype(np.int64)] = median
    return History(last, np.empty((0, 0, shape[2])), MedianGrid(medians))  # not complete: never saved


def advance(history: History, changes: pd.DataFrame) -> History | None:
    """The summary once ``changes`` (uid, period, mid, value; NaN = delete) are committed, without the database:
    a staged upload will do (unchanged values change nothing). None when it cannot be known so (the latest month
    lost all its values: the window would move back) or it is too large to keep (MAX_CELLS)."""
    if not history.complete:  # medians only: nothing to carry
        return None
    if changes.empty:
        return history
    uid = changes["uid"].to_numpy(dtype=np.int64)
    mid = changes["mid"].to_numpy(dtype=np.int64)
    period = changes["period"].to_numpy(dtype=np.int64)
    value = changes["value"].to_numpy(dtype=np.float64)
    window = history.window
    written = period[~np.isnan(value)]
    last = history.last
    if len(written):
        last = int(written.max()) if last is None else max(last, int(written.max()))
    if last is None:  # nothing stored and nothing written
        return history
    shift = last - history.last if history.last is not None else window
    rows = max(history.values.shape[0], int(uid.max()) + 1)
    cols = max(history.values.shape[1], int(mid.max()) + 1)
    if rows * cols * window > MAX_CELLS:  # too large to keep: the next import reads it from the database
        return None
    values = np.empty((rows, cols, window))  # each cell written once below (30 MB at 2,000 units)
    old, kept = history.values, max(window - shift, 0)
    values[: old.shape[0], : old.shape[1], :kept] = old[:, :, shift:]
    values[: old.shape[0], : old.shape[1], kept:] = np.nan
    values[old.shape[0] :] = np.nan
    values[: old.shape[0], old.shape[1] :] = np.nan
    slot = period - (last - window + 1)
    inside = (slot >= 0) & (slot < window)
    values.reshape(-1)[(uid[inside] * cols + mid[inside]) * window + slot[inside]] = value[inside]
    if np.isnan(values[:, :, -1]).all():
        return None
    return History(last, values)  # its medians are computed by the import that reads it, beside calamine


def load_history(con: duckdb.DuckDBPyConnection, db: str | Path | None) -> History:
    """The summary of the open database ``con`` (file ``db``), medians computed: from its files when its token
    matches, else read from the database and saved for the next import."""
    token = get_meta(con, "data_token")
    folder = history_dir(db)
    window = history_window()
    found = _read(folder, token, window) if token else None
    if found is None:
        found = read_history(con, window)
        if token and save_history(folder, token, found):
            found = dataclasses.replace(found, token=token)  # saved: a commit can carry it over
    found.grid  # noqa: B018  (the medians, now: the caller reads the workbook meanwhile)
    return found


def save_history(folder: Path, token: str, history: History, prune: bool = True) -> bool:
    """Save the summary (its values, then the JSON marker) and, if ``prune``, drop the others; False when it is
    too large or cannot be saved."""
    if not history.complete or history.values.size > MAX_CELLS:
        return False
    meta = {"format": FORMAT, "token": token, "last": history.last, "window": history.window}
    arrays = {"values": history.values}
    if not save_arrays(folder, f"history-{token}", arrays, "json", meta):
        return False
    if prune:
        keep_only(folder, token)
    return True


def carry_over(history: History, changes: pd.DataFrame, folder: Path, token: str) -> bool:
    """Advance the summary by a commit's ``changes`` and save it under ``token``, the data token the commit
    writes (chosen before it starts, so this can run while it writes); the caller prunes or discards after."""
    advanced = advance(history, changes)
    return advanced is not None and save_history(folder, token, advanced, prune=False)


def history_dir(db: str | Path | None) -> Path:
    """Where the summary of database file ``db`` is saved (beside its panel snapshot)."""
    return snapshot_dir(db or default_db_path())


def discard(folder: Path, token: str) -> None:
    """Remove the saved summary of ``token`` (one carried over for a commit that wrote nothing)."""
    for path in folder.glob(f"history-{token}.*") if folder.exists() else ():
        with contextlib.suppress(OSError):
            path.unlink()


def keep_only(folder: Path, token: str | None) -> None:
    """Remove every saved summary but that of ``token`` (None: all of them)."""
    for old in folder.glob("history-*") if folder.exists() else ():
        if token is None or not old.name.startswith(f"history-{token}."):
            with contextlib.suppress(OSError):
                old.unlink()


def _read(folder: Path, token: str, window: int) -> History | None:
    """The saved summary of ``token``; None if absent, unusable or of another window."""
    try:
        meta = json.loads((folder / f"history-{token}.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("token") != token or meta.get("window") != window:
            return None
        values = np.load(folder / f"history-{token}.values.npy", allow_pickle=False)  # in memory: read whole
    except (OSError, ValueError, KeyError):
        return None
    if values.ndim != 3 or values.shape[2] != window:
        return None
    last = meta.get("last")
    return History(None if last is None else int(last), values, token=token)
