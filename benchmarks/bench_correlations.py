"""Speed and memory of the correlation engine at the SPEC §7 scale (issue 11 targets).

2,000 units × 120 metrics × 60 months (14.4 M observation slots, ~5% missing cells at random, so every metric
pair has its own rows), seeded. In process: ``build_panel``; 60 × 60 matrices at the default level (twoway, each
unit scaled, clustered by unit), pooled and within; one pair's lag profile −6..+6; the full findings scan (60 × 60
× lags 0..6, twoway, with the reverse-direction checks). From a new process on the 14.4 M-observation DuckDB file
of benchmarks/scale.py: ``python -m analytics matrix`` (default and ``--level pooled``) and ``findings`` (first run
after a data change computes and saves the scan beside the snapshot; later runs read it).

    python benchmarks/bench_correlations.py [--units 2000] [--metrics 120] [--months 60] [--quick]

Targets (issue 11): matrix 60×60 default ≤ 5 s, ``--level pooled`` ≤ 2 s, findings scan ≤ 30 s (computed once per
data version), peak memory ≤ 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.model.panel import build_panel
from analytics.stats.correlations import lag_profile
from analytics.stats.findings import scan as findings
from analytics.stats.matrix import matrix
from analytics.store.snapshot import snapshot_dir
from benchmarks.scale import build_scale_db, scale_metrics

SCALE_DB = ROOT / "benchmarks" / "out" / "scale.duckdb"  # shared with the import and overview benchmarks

SEED = 20261128
MISSING_SHARE = 0.05
GRID = 60  # the matrix is GRID × GRID metrics
LAGS = range(7)
FIRST_YEAR = 2021


def synthetic_observations(units: int, metrics: int, months: int, seed: int = SEED) -> pd.DataFrame:
    """Long observations (unit, period, metric, value) with unit levels, common month shocks and noise.

    Key columns are categorical (as the data layer hands them over); about MISSING_SHARE of the
    keys are absent.
    """
    rng = np.random.default_rng(seed)
    unit_level = rng.lognormal(0.0, 1.0, size=(units, 1, metrics))
    shocks = rng.normal(0.0, 0.3, size=(1, months, metrics))
    values = unit_level * (1 + 0.1 * rng.standard_normal((units, months, metrics))) + shocks
    keep = np.flatnonzero(rng.random(values.size) >= MISSING_SHARE)
    u, t, m = np.unravel_index(keep, values.shape)
    labels = {
        "unit": [f"U{i:05d}" for i in range(units)],
        "period": [f"{FIRST_YEAR + i // 12}-{i % 12 + 1:02d}" for i in range(months)],
        "metric": [f"m{i:03d}" for i in range(metrics)],
    }
    codes = {"unit": u, "period": t, "metric": m}
    frame = {k: pd.Categorical.from_codes(codes[k], labels[k]) for k in labels}
    return pd.DataFrame({**frame, "value": values.reshape(-1)[keep]})


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def traced_peak_mb(fn: Callable[[], object]) -> float:
    """Peak of memory allocated by ``fn`` (tracemalloc, numpy included), in MiB."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def cli_run(args: list[str], fresh: bool, check: Callable[[dict], bool]) -> tuple[float, float]:
    """One ``python -m analytics ARGS --json`` on the scale database in a new process: (wall seconds, peak RSS MB).

    ``fresh``: the snapshot folder is removed first (the first run after a data change)."""
    db = SCALE_DB
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        build_scale_db(db)
    if fresh:
        shutil.rmtree(snapshot_dir(db), ignore_errors=True)
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "analytics", *args, "--db", str(db), "--json"]
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    assert check(json.loads(out.stdout))
    return wall, int(out.stderr.strip().splitlines()[-1]) / 1024


def cli_rows(repeat: int) -> list[tuple[str, float, float]]:
    """Median wall time and peak RSS of each command line case over ``repeat`` new processes."""
    metrics = [m.code for m in scale_metrics()]
    grid = ["--rows", ",".join(metrics[:GRID]), "--cols", ",".join(metrics[GRID : 2 * GRID])]
    full = lambda doc: len(doc["cells"]) == GRID * GRID  # noqa: E731
    cases = [
        ("matrix default (twoway), snapshot saved", ["matrix", *grid], False, full),
        ("matrix --level pooled", ["matrix", *grid, "--level", "pooled"], False, full),
        ("findings, first run after a change", ["findings"], True, lambda doc: doc["scanned"] > 0),
        ("findings, later runs (saved scan)", ["findings"], False, lambda doc: doc["scanned"] > 0),
    ]
    rows = []
    for name, args, fresh, check in cases:
        runs = sorted(cli_run(args, fresh, check) for _ in range(1 if fresh else repeat))
        rows.append((name, *runs[len(runs) // 2]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--metrics", type=int, default=120)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--quick", action="store_true", help="one run each, no command line runs")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3
    obs = synthetic_observations(args.units, args.metrics, args.months)
    panel = build_panel(obs)
    codes = list(panel.metrics)
    rows, cols = codes[: args.metrics // 2][:GRID], codes[args.metrics // 2 :][:GRID]
    x, y = rows[0], cols[0]
    results = [
        ("build_panel", timed(lambda: build_panel(obs), repeat), "< 2 s"),
        ("matrix 60×60 default (twoway, unit)", timed(lambda: matrix(panel, rows, cols), repeat), "≤ 5 s"),
        ("matrix 60×60 pooled", timed(lambda: matrix(panel, rows, cols, level="pooled"), repeat), "≤ 2 s"),
        ("matrix 60×60 within", timed(lambda: matrix(panel, rows, cols, level="within"), repeat), ""),
        ("lag profile −6..+6 (1 pair, twoway)", timed(lambda: lag_profile(panel, x, y), repeat), ""),
        ("findings scan 60×60 × lags 0..6", timed(lambda: findings(panel, rows, cols), 1), "≤ 30 s"),
    ]
    peak_matrix = traced_peak_mb(lambda: matrix(panel, rows, cols))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # includes generating the data
    print(f"observations: {len(obs):,} ({args.units} units × {args.metrics} metrics × {args.months} months)")
    print(f"{'step':<40}{'measured':>12}  target")
    for name, seconds, target in results:
        print(f"{name:<40}{seconds:>10.3f} s  {target}")
    print(f"{'peak traced, default matrix':<40}{peak_matrix:>9.0f} MB")
    print(f"{'peak RSS, benchmark (incl. data gen)':<40}{rss:>9.0f} MB  ≤ 1.5 GB")
    if args.quick:
        return
    print(f"python -m analytics on {SCALE_DB.relative_to(ROOT)} (14.4 M values), a new process each run:")
    for case, wall, peak in cli_rows(repeat):
        print(f"{'  ' + case:<40}{wall:>10.3f} s  peak RSS {peak:.0f} MB (≤ 1.5 GB)")


if __name__ == "__main__":
    main()
