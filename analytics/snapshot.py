"""The current values as a dense panel, read fast and kept beside the database per data version.

Every analysis starts from all current values (14.4 M at the SPEC scale). Reading them out of DuckDB in a new
process costs 0.4–1 s (the column blocks are read and decompressed), and the app, the command line and every
export start from a new process. So the panel is read once per data version and saved next to the database as
``.snapshots/<db file name>/panel-<token>.npy`` (the cube) and ``.json`` (its axes); later readers load it in
tens of milliseconds.

The token is a random id the store writes with every data change (:func:`analytics.db.bump_data_version`), so
a snapshot can never describe other data than its token's: a restored backup carries its own token, and a
token seen once always means the same values. A snapshot that cannot be written (read-only folder, full disk)
is skipped; one that cannot be read is rebuilt from the database. Only the newest snapshot of a file is kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics.db import get_meta
from analytics.panel import Panel, frozen_panel
from analytics.periods import from_index
from analytics.settings import default_db_path

FORMAT = 1  # bump when the files' layout changes


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The panel of current values plus the full key lists the long frame's categoricals use.

    ``unit_codes``/``metric_codes`` are every unit and metric of the database in id order (units or metrics
    without values included), as :func:`analytics.observations.analysis_frame` lists them.
    """

    panel: Panel
    unit_codes: pd.Index
    metric_codes: pd.Index

    def frame(self, start: int | None = None, end: int | None = None) -> pd.DataFrame:
        """The long frame of current values between the month bounds: unit, period, metric (categoricals), value.

        Rows are ordered by unit code, month and metric code. Same content and categories as ``analysis_frame``.
        """
        panel = self.panel
        first = panel.first_month
        lo = 0 if start is None else max(0, start - first)
        hi = len(panel.months) if end is None else max(lo, min(len(panel.months), end - first + 1))
        cube = panel.cube[:, lo:hi, :]
        present = ~np.isnan(cube)
        u, t, m = np.nonzero(present)  # C order: by unit, month, metric
        values = cube[present]
        months_present = np.flatnonzero(present.any(axis=(0, 2)))
        month_code = np.full(cube.shape[1], -1, dtype=np.int16)
        month_code[months_present] = np.arange(len(months_present))
        return pd.DataFrame(
            {
                "unit": _recode(u, panel.units, self.unit_codes),
                "period": pd.Categorical.from_codes(
                    month_code[t], categories=[panel.months[lo + i] for i in months_present]
                ),
                "metric": _recode(m, panel.metrics, self.metric_codes),
                "value": values,
            },
            copy=False,
        )


def _recode(codes: np.ndarray, labels: pd.Index, categories: pd.Index) -> pd.Categorical:
    """Positions into ``labels`` as a categorical over ``categories`` (which hold every label)."""
    position = categories.get_indexer(labels).astype(np.min_scalar_type(-max(len(categories), 1)))
    return pd.Categorical.from_codes(position[codes], categories=categories)


def snapshot_dir(db: str | Path) -> Path:
    path = Path(db).resolve()
    return path.parent / ".snapshots" / path.name


def load_snapshot(con: duckdb.DuckDBPyConnection, db: str | Path | None) -> Snapshot:
    """The snapshot of the open database ``con`` (file ``db``): from disk when its token matches, else read
    from the database and saved for the next reader."""
    token = get_meta(con, "data_token")
    folder = snapshot_dir(db or default_db_path()) if token else None
    if folder is not None:
        found = _read(folder, token)  # type: ignore[arg-type]
        if found is not None:
            return found
    snapshot = read_snapshot(con)
    if folder is not None:
        _write(folder, token, snapshot)  # type: ignore[arg-type]
    return snapshot


def read_snapshot(con: duckdb.DuckDBPyConnection) -> Snapshot:
    """Build the panel straight from the ``current`` table: keys arrive as small integers and land in the
    cube by position, with no long frame in between."""
    units = con.execute("SELECT uid, code FROM units ORDER BY uid").fetchall()
    metrics = con.execute("SELECT mid, code FROM metrics ORDER BY mid").fetchall()
    table = con.sql("SELECT uid, period, mid, value FROM current").to_arrow_table()
    uid, period, mid, value = (np.asarray(table.column(i).to_numpy()) for i in range(4))
    unit_pos, unit_labels = _axis(units)
    metric_pos, metric_labels = _axis(metrics)
    first, last = (int(period.min()), int(period.max())) if len(period) else (0, -1)
    months = pd.Index([from_index(p) for p in range(first, last + 1)], dtype=object)
    cube = np.full((len(unit_labels), len(months), len(metric_labels)), np.nan)
    flat = unit_pos[uid].astype(np.int64) * len(months) + (period.astype(np.int64) - first)
    flat *= len(metric_labels)
    flat += metric_pos[mid]
    cube.reshape(-1)[flat] = value.astype(np.float64)
    panel = frozen_panel(pd.Index(unit_labels, dtype=object), months, pd.Index(metric_labels, dtype=object), cube)
    return Snapshot(
        panel,
        pd.Index([code for _, code in units], dtype=object),
        pd.Index([code for _, code in metrics], dtype=object),
    )


def _axis(rows: list[tuple[int, str]]) -> tuple[np.ndarray, list[str]]:
    """An axis of every id's code, sorted by code (as ``build_panel`` orders them); each id's position on it."""
    labels = sorted(code for _, code in rows)
    by_code = {c: i for i, c in enumerate(labels)}
    position = np.full(max((key for key, _ in rows), default=0) + 1, -1, dtype=np.int64)
    for key, code in rows:
        position[key] = by_code[code]
    return position, labels


def _read(folder: Path, token: str) -> Snapshot | None:
    try:
        axes = json.loads((folder / f"panel-{token}.json").read_text(encoding="utf-8"))
        if axes.get("format") != FORMAT or axes.get("token") != token:
            return None
        cube = np.load(folder / f"panel-{token}.npy", allow_pickle=False)
    except (OSError, ValueError):
        return None
    index = {key: pd.Index(axes[key], dtype=object) for key in ("units", "months", "metrics")}
    if cube.shape != (len(index["units"]), len(index["months"]), len(index["metrics"])):
        return None
    panel = frozen_panel(index["units"], index["months"], index["metrics"], cube)
    return Snapshot(panel, pd.Index(axes["unit_codes"], dtype=object), pd.Index(axes["metric_codes"], dtype=object))


def _write(folder: Path, token: str, snapshot: Snapshot) -> None:
    """Save atomically (cube first, axes last: axes present means the cube is complete); drop older ones."""
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
    temp = f".tmp-{os.getpid()}-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"panel-{token}.npy{temp}", "wb") as out:
            np.save(out, panel.cube, allow_pickle=False)
        os.replace(folder / f"panel-{token}.npy{temp}", folder / f"panel-{token}.npy")
        (folder / f"panel-{token}.json{temp}").write_text(json.dumps(axes, ensure_ascii=False), encoding="utf-8")
        os.replace(folder / f"panel-{token}.json{temp}", folder / f"panel-{token}.json")
    except OSError:
        for leftover in folder.glob(f"*{temp}") if folder.exists() else ():
            with contextlib.suppress(OSError):
                leftover.unlink()
        return
    for old in folder.glob("panel-*"):
        if not old.name.startswith(f"panel-{token}."):
            with contextlib.suppress(OSError):
                old.unlink()
