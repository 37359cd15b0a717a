"""Speed and memory of the correlation engine at the SPEC §7 scale.

2,000 units × 120 metrics × 60 months (14.4 M observation slots, ~5% missing), seeded. Times
``build_panel``, 60 × 60 Pearson matrices (pooled and within), one lag profile 0..6, and a fresh
process that reads the observations from parquet, builds the panel and computes a matrix.

    python benchmarks/bench_correlations.py [--units 2000] [--metrics 120] [--months 60]

Targets: build_panel < 2 s, each matrix ≤ 0.5 s, lag profile ≤ 0.25 s, peak memory ≤ 1.5 GB,
fresh process (parquet → panel → matrix) < 2 s of panel work.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
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

SEED = 20261128
MISSING_SHARE = 0.05
GRID = 60  # the matrix is GRID × GRID metrics
LAGS = range(7)
FIRST_YEAR = 2021

FRESH_SCRIPT = """
import json, re, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
import pandas as pd
from analytics.correlations import matrix
from analytics.panel import build_panel
t1 = time.perf_counter()
obs = pd.read_parquet({path!r})
t2 = time.perf_counter()
panel = build_panel(obs)
t3 = time.perf_counter()
codes = list(panel.metrics)
matrix(panel, codes[:{grid}], codes[{grid}:2 * {grid}], level="within")
t4 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "read": t2 - t1, "build": t3 - t2, "matrix": t4 - t3,
                  "rss_mb": int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]) / 1024}}))
"""


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


def fresh_process(obs: pd.DataFrame) -> dict[str, float]:
    """Timings of a new interpreter: import, read parquet, build the panel, one within matrix."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "observations.parquet")
        obs.to_parquet(path)
        script = FRESH_SCRIPT.format(root=str(ROOT), path=path, grid=GRID)
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
        wall = time.perf_counter() - start
    return {**json.loads(out.stdout), "wall": wall}


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
    fresh = fresh_process(obs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # includes generating the data
    print(f"observations: {len(obs):,} ({args.units} units × {args.metrics} metrics × {args.months} months)")
    print(f"{'step':<36}{'measured':>12}  target")
    for name, seconds, target in results:
        print(f"{name:<36}{seconds:>10.3f} s  {target}")
    print(f"{'peak traced, build_panel':<36}{peak_build:>9.0f} MB")
    print(f"{'peak traced, within matrix':<36}{peak_matrix:>9.0f} MB")
    print(f"{'peak RSS, benchmark (incl. data gen)':<36}{rss:>9.0f} MB  ≤ 1.5 GB")
    for key in ("import", "read", "build", "matrix", "wall"):
        print(f"{'fresh process: ' + key:<36}{fresh[key]:>10.3f} s")
    print(f"{'fresh process: peak RSS':<36}{fresh['rss_mb']:>9.0f} MB  ≤ 1.5 GB")
    panel_work = fresh["read"] + fresh["build"]
    print(f"{'fresh process: read + build':<36}{panel_work:>10.3f} s  < 2 s")


if __name__ == "__main__":
    main()
