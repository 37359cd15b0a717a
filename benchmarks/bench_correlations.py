"""Speed and memory of the correlation engine at the SPEC §7 scale.

2,000 units × 120 metrics × 60 months (14.4 M observation slots, ~5% missing), seeded. Times
``build_panel``, 60 × 60 Pearson matrices (pooled and within), one lag profile 0..6, and the command line
``python -m analytics matrix`` from a new process on the 14.4 M-observation DuckDB file of benchmarks/scale.py.

    python benchmarks/bench_correlations.py [--units 2000] [--metrics 120] [--months 60]

Targets: build_panel < 2 s, each matrix ≤ 0.5 s, lag profile ≤ 0.25 s, peak memory ≤ 1.5 GB,
the command line ≤ 2 s from a new process.
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

from analytics.correlations import correlate, lag_profile, matrix  # noqa: E402
from analytics.panel import build_panel  # noqa: E402
from analytics.snapshot import snapshot_dir  # noqa: E402
from benchmarks.scale import build_scale_db, scale_metrics  # noqa: E402

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


def cli_matrix(level: str, repeat: int = 3) -> list[tuple[str, float, float]]:
    """``python -m analytics matrix`` on the SPEC-scale database (a real DuckDB file), each run a new process:
    right after a data change (the panel snapshot is built from the database and saved) and then as every later
    run finds it (the median of ``repeat`` runs each). Rows: (case, wall seconds, peak RSS MB)."""
    db = SCALE_DB if SCALE_DB.exists() else None
    if db is None:
        SCALE_DB.parent.mkdir(parents=True, exist_ok=True)
        build_scale_db(SCALE_DB)
        db = SCALE_DB
    metrics = [m.code for m in scale_metrics()]
    command = [sys.executable, "-m", "analytics", "matrix", "--db", str(db), "--level", level, "--json"]
    command += ["--rows", ",".join(metrics[:GRID]), "--cols", ",".join(metrics[GRID : 2 * GRID])]
    time_command = ["/usr/bin/time", "-f", "%M", *command]

    def run() -> tuple[float, float]:
        start = time.perf_counter()
        out = subprocess.run(time_command, check=True, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - start
        assert len(json.loads(out.stdout)["cells"]) == GRID * GRID
        return wall, int(out.stderr.strip().splitlines()[-1]) / 1024

    after_change = []
    for _ in range(repeat):
        shutil.rmtree(snapshot_dir(db), ignore_errors=True)
        after_change.append(run())
    later = sorted(run() for _ in range(repeat))
    after_change.sort()
    return [
        (f"{level}: no snapshot yet, median of {repeat}", *after_change[repeat // 2]),
        (f"{level}: every later run, median of {repeat}", *later[repeat // 2]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--metrics", type=int, default=120)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    obs = synthetic_observations(args.units, args.metrics, args.months)
    panel = build_panel(obs)
    codes = list(panel.metrics)
    rows, cols = codes[:GRID], codes[GRID : 2 * GRID]
    x, y = rows[0], cols[0]
    results = [
        ("build_panel", timed(lambda: build_panel(obs)), "< 2 s"),
        ("matrix 60×60 pooled", timed(lambda: matrix(panel, rows, cols, level="pooled")), "≤ 0.5 s"),
        ("matrix 60×60 within", timed(lambda: matrix(panel, rows, cols, level="within")), "≤ 0.5 s"),
        ("lag profile 0..6 within", timed(lambda: lag_profile(panel, x, y, LAGS)), "≤ 0.25 s"),
        ("correlate twoway (1 pair)", timed(lambda: correlate(panel, x, y, level="twoway")), "matrix: per cell"),
        ("correlate spearman within (1 pair)", timed(lambda: correlate(panel, x, y, "spearman")), "matrix: per cell"),
    ]
    peak_build = traced_peak_mb(lambda: build_panel(obs))
    peak_matrix = traced_peak_mb(lambda: matrix(panel, rows, cols, level="within"))
    fresh = cli_matrix("within") + cli_matrix("pooled")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # includes generating the data
    print(f"observations: {len(obs):,} ({args.units} units × {args.metrics} metrics × {args.months} months)")
    print(f"{'step':<36}{'measured':>12}  target")
    for name, seconds, target in results:
        print(f"{name:<36}{seconds:>10.3f} s  {target}")
    print(f"{'peak traced, build_panel':<36}{peak_build:>9.0f} MB")
    print(f"{'peak traced, within matrix':<36}{peak_matrix:>9.0f} MB")
    print(f"{'peak RSS, benchmark (incl. data gen)':<36}{rss:>9.0f} MB  ≤ 1.5 GB")
    print(f"python -m analytics matrix {GRID}×{GRID} on {SCALE_DB.relative_to(ROOT)}, a new process each run:")
    for case, wall, rss in fresh:
        print(f"{'  ' + case:<36}{wall:>10.3f} s  ≤ 2 s; peak RSS {rss:.0f} MB (≤ 1.5 GB)")


if __name__ == "__main__":
    main()
