"""The current values as a dense panel, read fast and kept beside the database per data version.

Every analysis starts from all current values (14.4 M at the SPEC scale). Reading them out of DuckDB in a new
process costs 0.4–1 s (the column blocks are read and decompressed), and the app, the command line and every
export start from a new process. So the panel is read once per data version and saved next to the database as
``.snapshots/<db file name>/``: the cube and the long form (unit, month, metric, value ordered by month), as
``.npy`` files, and their axes as ``.json``. Later readers map the files into memory (no copy, shared by every
process) and take a month window of the long form as a slice, in milliseconds.

The token is a random id the store writes with every data change
(:func:`analytics.store.connection.bump_data_version`), so a snapshot can never describe other data than its
token's: a restored backup carries its own token, and a token seen once always means the same values. A snapshot
that cannot be written (read-only folder, full disk) is skipped; one that cannot be read is rebuilt from the
database. Only the newest snapshot of a file is kept.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics.model.completeness import leaf_completeness
from analytics.model.panel import Panel, frozen_panel
from analytics.periods import from_index
from analytics.settings import default_db_path
from analytics.store.connection import connect, first_row, get_meta

FORMAT = 5  # bump when the files' layout changes
BATCH_ROWS = 1 << 20  # rows per Arrow batch when the snapshot is read from the database
REFRESH_MAX_CELLS = 50_000_000  # a writer refreshes the snapshot only up to this panel size (400 MB of cube)
LONG_ARRAYS = ("unit", "metric", "value", "reported")  # the long part's .npy files (the panel part: cube)


@dataclass(frozen=True)
class LongForm:
    """The panel's values in long form, ordered by month, unit code and metric code: ``rows["unit"]`` and
    ``rows["metric"]`` are positions in the snapshot's ``unit_codes``/``metric_codes``, ``rows["value"]`` the
    values; the rows of panel month ``t`` are ``offsets[t]:offsets[t + 1]``. ``reported[u, t]`` counts the values
    of panel unit ``u`` in month ``t`` and ``expected[t]`` the metrics anyone reported in month ``t``."""

    rows: dict[str, np.ndarray]
    offsets: np.ndarray
    reported: np.ndarray
    expected: np.ndarray


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The panel of current values, and (built on first use) the same values in long form.

    ``unit_codes``/``metric_codes`` are every unit and metric of the database in id order (units or metrics
    without values included), as :func:`analytics.store.observations.analysis_frame` lists them. ``folder``/``token``:
    where the snapshot's files are (None: not saved), so the long form is saved beside the panel once built.
    """

    panel: Panel
    unit_codes: pd.Index
    metric_codes: pd.Index
    folder: Path | None = None
    token: str | None = None

    @functools.cached_property
    def long(self) -> LongForm:
        """The long form: from its files when saved, else built from the panel (and saved)."""
        if self.folder is not None and self.token is not None:
            found = _read_long(self.folder, self.token, self.panel)
            if found is not None:
                return found
        built = _long_form(self.panel, self.unit_codes, self.metric_codes)
        if self.folder is not None and self.token is not None:
            _write_long(self.folder, self.token, built)
        return built

    def completeness(self, leaves: list[tuple[str, str]]) -> pd.DataFrame:
        """:func:`analytics.store.completeness.completeness` over all months, from the snapshot (no scan)."""
        return leaf_completeness(self.panel.units, self.panel.months, self.long.reported, self.long.expected, leaves)

    def frame(self, start: int | None = None, end: int | None = None) -> pd.DataFrame:
        """The long frame of current values between the month bounds: unit, period, metric (categoricals), value.

        Same content and categories as ``analysis_frame``; rows ordered by month, unit code and metric code.
        The columns are read-only views of the snapshot where possible.
        """
        long, months = self.long, self.panel.months
        first = self.panel.first_month
        lo = 0 if start is None else min(len(months), max(0, start - first))
        hi = len(months) if end is None else max(lo, min(len(months), end - first + 1))
        rows = slice(int(long.offsets[lo]), int(long.offsets[hi]))
        present = np.flatnonzero(np.diff(long.offsets[lo : hi + 1]) > 0) + lo
        month_code = np.full(len(months), -1, dtype=np.int16)
        month_code[present] = np.arange(len(present))
        return pd.DataFrame(
            {
                "unit": pd.Categorical.from_codes(long.rows["unit"][rows], categories=self.unit_codes),
                "period": pd.Categorical.from_codes(
                    np.repeat(month_code[lo:hi], np.diff(long.offsets[lo : hi + 1])),
                    categories=[months[i] for i in present],
                ),
                "metric": pd.Categorical.from_codes(long.rows["metric"][rows], categories=self.metric_codes),
                "value": long.rows["value"][rows],
            },
            copy=False,
        )


def _long_form(panel: Panel, unit_codes: pd.Index, metric_codes: pd.Index) -> LongForm:
    """The panel's values in long form, built month by month (small temporaries)."""
    cube = panel.cube
    present = ~np.isnan(cube)
    reported = present.sum(axis=2, dtype=np.int32)
    expected = present.any(axis=0).sum(axis=1)
    per_month = reported.sum(axis=0, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(per_month)]).astype(np.int64)
    unit_code, metric_code = _positions(panel.units, unit_codes), _positions(panel.metrics, metric_codes)
    rows = {
        "unit": np.empty(offsets[-1], dtype=unit_code.dtype),
        "metric": np.empty(offsets[-1], dtype=metric_code.dtype),
        "value": np.empty(offsets[-1], dtype=np.float64),
    }
    for t in range(cube.shape[1]):
        here = present[:, t, :]
        u, m = np.nonzero(here)  # by unit (code order), then metric
        span = slice(offsets[t], offsets[t + 1])
        rows["unit"][span], rows["metric"][span] = unit_code[u], metric_code[m]
        rows["value"][span] = cube[:, t, :][here]
    return LongForm(rows, offsets, reported, expected)


def _positions(labels: pd.Index, categories: pd.Index) -> np.ndarray:
    """Each label's position in ``categories`` (which hold every label), in the smallest integer type."""
    return categories.get_indexer(labels).astype(np.min_scalar_type(-max(len(categories), 1)))


def snapshot_dir(db: str | Path) -> Path:
    path = Path(db).resolve()
    return path.parent / ".snapshots" / path.name


def load_snapshot(con: duckdb.DuckDBPyConnection, db: str | Path | None) -> Snapshot:
    """The snapshot of the open database ``con`` (file ``db``): from disk when its token matches, else read
    from the database and saved for the next reader. Its long form is built or read only when first used."""
    token = get_meta(con, "data_token")
    if not token:
        return read_snapshot(con)
    folder = snapshot_dir(db or default_db_path())
    found = _read(folder, token)
    if found is not None:
        return found
    snapshot = read_snapshot(con)
    if _write(folder, token, snapshot):
        return Snapshot(snapshot.panel, snapshot.unit_codes, snapshot.metric_codes, folder, token)
    return snapshot


def refresh_snapshot(con: duckdb.DuckDBPyConnection, db: str | Path | None) -> Snapshot | None:
    """Save the snapshot of the current data now (a writer's step after a change, so readers find it), unless
    its panel would exceed REFRESH_MAX_CELLS: then the first reader builds it instead (None)."""
    row = first_row(
        con,
        "SELECT (SELECT count(*) FROM units) * (SELECT count(*) FROM metrics) * "
        "(SELECT coalesce(max(period) - min(period) + 1, 0) FROM current)",
    )
    if not row or (row[0] or 0) > REFRESH_MAX_CELLS:
        return None
    return load_snapshot(con, db)


def warm_snapshot(db: str | Path | None, long: bool = False) -> None:
    """A writer's step after a data change: open the file and :func:`refresh_snapshot` (with the long form if
    ``long``). A warm-up only: any failure (busy file, full disk…) is left for the next reader to meet."""
    try:
        with connect(db, read_only=True) as con:
            snapshot = refresh_snapshot(con, db)
        if snapshot is not None and long:
            snapshot.long  # noqa: B018  (built and saved now)
    except Exception:
        return


def read_snapshot(con: duckdb.DuckDBPyConnection) -> Snapshot:
    """Build the panel straight from the ``current`` table: keys arrive as small integers and land in the
    cube by position, with no long frame in between."""
    units = con.execute("SELECT uid, code FROM units ORDER BY uid").fetchall()
    metrics = con.execute("SELECT mid, code FROM metrics ORDER BY mid").fetchall()
    first, last = first_row(con, "SELECT min(period), max(period) FROM current") or (None, None)
    first, last = (int(first), int(last)) if first is not None else (0, -1)
    unit_pos, unit_labels = _axis(units)
    metric_pos, metric_labels = _axis(metrics)
    months = pd.Index([from_index(p) for p in range(first, last + 1)], dtype=object)
    cube = np.full((len(unit_labels), len(months), len(metric_labels)), np.nan)
    flat_cube = cube.reshape(-1)
    reader = con.sql("SELECT uid, period, mid, value FROM current").to_arrow_reader(BATCH_ROWS)
    for batch in reader:  # batch by batch: no copy of the whole table in between
        uid, period, mid, value = (batch.column(i).to_numpy(zero_copy_only=False) for i in range(4))
        flat = unit_pos[uid] * len(months) + (period.astype(np.int64) - first)
        flat *= len(metric_labels)
        flat += metric_pos[mid]
        flat_cube[flat] = value
    panel = frozen_panel(pd.Index(unit_labels, dtype=object), months, pd.Index(metric_labels, dtype=object), cube)
    unit_codes = pd.Index([code for _, code in units], dtype=object)
    metric_codes = pd.Index([code for _, code in metrics], dtype=object)
    return Snapshot(panel, unit_codes, metric_codes)


def _axis(rows: list[tuple[int, str]]) -> tuple[np.ndarray, list[str]]:
    """An axis of every id's code, sorted by code (as ``build_panel`` orders them); each id's position on it."""
    labels = sorted(code for _, code in rows)
    by_code = {c: i for i, c in enumerate(labels)}
    position = np.full(max((key for key, _ in rows), default=0) + 1, -1, dtype=np.int64)
    for key, code in rows:
        position[key] = by_code[code]
    return position, labels


def _read(folder: Path, token: str) -> Snapshot | None:
    """The saved panel of ``token``, mapped read-only from its file; None if absent or unusable."""
    try:
        axes = json.loads((folder / f"panel-{token}.json").read_text(encoding="utf-8"))
        if axes.get("format") != FORMAT or axes.get("token") != token:
            return None
        cube = map_array(folder / f"panel-{token}.cube.npy")
    except (OSError, ValueError, KeyError):
        return None
    index = {key: pd.Index(axes[key], dtype=object) for key in ("units", "months", "metrics")}
    if cube.shape != (len(index["units"]), len(index["months"]), len(index["metrics"])):
        return None
    panel = frozen_panel(index["units"], index["months"], index["metrics"], cube)
    unit_codes, metric_codes = (pd.Index(axes[key], dtype=object) for key in ("unit_codes", "metric_codes"))
    return Snapshot(panel, unit_codes, metric_codes, folder, token)


def _read_long(folder: Path, token: str, panel: Panel) -> LongForm | None:
    try:
        meta = json.loads((folder / f"panel-{token}.long.json").read_text(encoding="utf-8"))
        arrays = {name: map_array(folder / f"panel-{token}.{name}.npy") for name in LONG_ARRAYS}
    except (OSError, ValueError, KeyError):
        return None
    offsets = np.asarray(meta["offsets"], dtype=np.int64)
    expected = np.asarray(meta["expected"], dtype=np.int64)
    reported = arrays.pop("reported")
    size = len(offsets) and offsets[-1]
    if (
        len(offsets) != len(panel.months) + 1
        or reported.shape != panel.cube.shape[:2]
        or expected.shape != (len(panel.months),)
        or any(a.shape != (size,) for a in arrays.values())
    ):
        return None
    return LongForm(arrays, offsets, reported, expected)


def map_array(path: Path) -> np.ndarray:
    """A saved array mapped read-only (no copy: the pages come from the file as they are used)."""
    return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))


def _write(folder: Path, token: str, snapshot: Snapshot) -> bool:
    """Save the panel atomically (the cube first, the axes last: the axes file present means the cube is
    complete) and drop older snapshots; False when it cannot be saved."""
    panel = snapshot.panel
    axes = {
        "format": FORMAT,
        "token": token,
        "units": list(panel.units),
        "months": list(panel.months),
        "metrics": list(panel.metrics),
        "unit_codes": list(snapshot.unit_codes),
        "metric_codes": list(snapshot.metric_codes),
    }
    if not save_arrays(folder, f"panel-{token}", {"cube": panel.cube}, "json", axes):
        return False
    keep = f"panel-{token}."
    for old in folder.glob("panel-*"):
        if not old.name.startswith(keep):
            with contextlib.suppress(OSError):
                old.unlink()
    return True


def _write_long(folder: Path, token: str, long: LongForm) -> None:
    meta = {"offsets": [int(o) for o in long.offsets], "expected": [int(e) for e in long.expected]}
    save_arrays(folder, f"panel-{token}", {**long.rows, "reported": long.reported}, "long.json", meta)


def save_arrays(folder: Path, stem: str, arrays: dict[str, np.ndarray], marker: str, meta: dict) -> bool:
    """Write ``arrays`` as ``<stem>.<name>.npy``, then the JSON ``<stem>.<marker>`` (its presence means the arrays
    are complete); each through a temporary name and an atomic rename. False (and nothing left behind) when it
    fails."""
    temp = f".tmp-{os.getpid()}-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in arrays.items():
            with open(folder / f"{stem}.{name}.npy{temp}", "wb") as out:
                np.save(out, array, allow_pickle=False)
            os.replace(folder / f"{stem}.{name}.npy{temp}", folder / f"{stem}.{name}.npy")
        (folder / f"{stem}.{marker}{temp}").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(folder / f"{stem}.{marker}{temp}", folder / f"{stem}.{marker}")
    except OSError:
        for leftover in folder.glob(f"*{temp}") if folder.exists() else ():
            with contextlib.suppress(OSError):
                leftover.unlink()
        return False
    return True
