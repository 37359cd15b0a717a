"""The findings scan, computed once per data version and kept beside the panel snapshot.

A full scan (party × business, lags 0..6, twoway) costs seconds on the demo and about a minute at the SPEC §7
scale, while every page view, export and ``findings`` command needs it. So a scan is saved as JSON next to the
snapshot, ``.snapshots/<db>/findings-<token>-<options hash>.json``, keyed by the data token (a new token means
new data, so a file can never describe other data than its token's) and by every option that changes the result.
Files of older tokens are dropped when a new one is written. Derived data: deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np

from analytics.model.panel import Panel
from analytics.periods import DEFAULT_RANGE_MONTHS
from analytics.stats.findings import Finding, FindingScan, scan, scanned_metrics
from analytics.stats.options import LAGS
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog
from analytics.store.snapshot import Snapshot, load_snapshot

FORMAT = 1  # bump when the saved layout or the scan's definition changes


def _key(rows: Sequence[str], cols: Sequence[str], options: Mapping[str, object]) -> str:
    text = json.dumps({"format": FORMAT, "rows": list(rows), "cols": list(cols), **options}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def findings_of(
    snapshot: Snapshot,
    rows: Sequence[str],
    cols: Sequence[str],
    lags: Iterable[int] = LAGS,
    level: str = "twoway",
    scale: str = "unit",
    method: str = "pearson",
    from_: str | None = None,
    to: str | None = None,
    units: Iterable[str] | None = None,
    variant: str = "",
) -> FindingScan:
    """``analytics.stats.findings.scan`` on the snapshot's panel, read from its saved file when there is one.

    ``variant`` names any change of the panel made by the caller (e.g. per-capita values) so that a transformed
    panel gets its own file; the caller passes the matching panel through ``snapshot``. A scan that cannot be
    saved (no folder, read-only disk) is simply returned.
    """
    lags = sorted(set(lags))
    unit_list = None if units is None else sorted(units)
    options: dict[str, object] = {"lags": lags, "level": level, "scale": scale, "method": method}
    options |= {"from": from_, "to": to, "units": unit_list, "variant": variant}
    path = _path(snapshot, _key(rows, cols, options))
    found = _read(path) if path is not None else None
    if found is not None:
        return found
    result = scan(snapshot.panel, rows, cols, lags, level, scale, method, from_, to, unit_list)
    if path is not None:
        _write(path, result, snapshot.token or "")
    return result


def _path(snapshot: Snapshot, key: str) -> Path | None:
    if snapshot.folder is None or snapshot.token is None:
        return None
    return snapshot.folder / f"findings-{snapshot.token}-{key}.json"


def _read(path: Path) -> FindingScan | None:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        names = {f.name for f in fields(Finding)}
        found = tuple(Finding(**{k: v for k, v in item.items() if k in names}) for item in saved["findings"])
        return FindingScan(int(saved["scanned"]), found, saved["level"], saved["scale"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: Path, result: FindingScan, token: str) -> None:
    """Save atomically (temporary name, then rename) and drop the files of other tokens."""
    document = {"scanned": result.scanned, "level": result.level, "scale": result.scale}
    document["findings"] = [asdict(f) for f in result.findings]
    temp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(json.dumps(document, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        os.replace(temp, path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            temp.unlink()
        return
    for old in path.parent.glob("findings-*.json"):
        if not old.name.startswith(f"findings-{token}-"):
            with contextlib.suppress(OSError):
                old.unlink()


def warm_findings(db: str | Path | None) -> None:
    """A writer's step after a data change (the app runs it in the background): compute and save the scans the
    correlation page, the presentation and the exports ask for first — the default options over the default range
    (the last twelve months with data) and over all months — so the first view after an import does not wait for
    them (about 25 s at 2,000 units). A warm-up only: any failure is left for the next reader to meet."""
    try:
        with connect(db, read_only=True) as con:
            snapshot, catalog = load_snapshot(con, db), load_catalog(con)
        rows, cols = scanned_metrics(snapshot.panel, catalog)
        for start, end in default_windows(snapshot.panel):
            findings_of(snapshot, rows, cols, from_=start, to=end)
    except Exception:
        return


def default_windows(panel: Panel) -> list[tuple[str | None, str | None]]:
    """The month bounds a view starts with (the last DEFAULT_RANGE_MONTHS months with data), and all months."""
    present = [str(m) for m, seen in zip(panel.months, ~np.isnan(panel.cube).all(axis=(0, 2)), strict=True) if seen]
    if not present:
        return []
    return [(present[max(0, len(present) - DEFAULT_RANGE_MONTHS)], present[-1]), (None, None)]
