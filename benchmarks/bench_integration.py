"""Speed and memory of the integration index (融合度) at the SPEC §7 scale.

2,000 units × 60 months × 120 metrics (60 party, 60 business; 14.4 M observation slots,
MISSING_SHARE absent), seeded, units under 20 subsidiaries under one group. Times the whole
``compute_integration`` from the long frame for each basis and weighting, plus the JSON document
and the obstacle degrees of one month, and prints a table.

    python benchmarks/bench_integration.py [--units 2000] [--metrics 120] [--months 60]

Target: the full integration (view basis, categorical keys, as the data layer hands them over)
≤ 1 s in process.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.ahp import PairwiseJudgement  # noqa: E402
from analytics.integration import (  # noqa: E402
    IntegrationSettings,
    compute_integration,
    obstacle_degree,
)

SEED = 20261128
MISSING_SHARE = 0.02
SUBSIDIARIES = 20
DIMENSIONS = 4  # per subsystem
FIRST_YEAR = 2021
TARGET_SECONDS = 1.0


def catalog(metrics: int) -> pd.DataFrame:
    """Half party, half business (production/efficiency alternating); every 7th lower-is-better."""
    half = metrics // 2
    category = ["party"] * half + ["production" if i % 2 else "efficiency" for i in range(metrics - half)]
    return pd.DataFrame(
        {
            "code": [f"m{i:03d}" for i in range(metrics)],
            "category": category,
            "dimension": [f"{'P' if i < half else 'B'}{i % DIMENSIONS}" for i in range(metrics)],
            "direction": [-1 if i % 7 == 0 else 1 for i in range(metrics)],
        }
    )


def hierarchy(units: int) -> dict[str, str | None]:
    """Leaf units under subsidiaries under the group (parents do not report: nothing is dropped)."""
    parent: dict[str, str | None] = {"G": None}
    parent.update({f"S{s:02d}": "G" for s in range(SUBSIDIARIES)})
    parent.update({f"U{i:05d}": f"S{i % SUBSIDIARIES:02d}" for i in range(units)})
    return parent


def observations(units: int, metrics: int, months: int, seed: int = SEED) -> pd.DataFrame:
    """Long observations with categorical keys; unit levels, month shocks and noise."""
    rng = np.random.default_rng(seed)
    level = rng.lognormal(0.0, 1.0, size=(units, 1, metrics))
    shocks = rng.normal(0.0, 0.2, size=(1, months, metrics))
    values = level * (1 + 0.1 * rng.standard_normal((units, months, metrics)) + shocks)
    keep = np.flatnonzero(rng.random(values.size) >= MISSING_SHARE)
    u, t, m = np.unravel_index(keep, values.shape)
    labels = {
        "unit": [f"U{i:05d}" for i in range(units)],
        "period": [f"{FIRST_YEAR + i // 12}-{i % 12 + 1:02d}" for i in range(months)],
        "metric": [f"m{i:03d}" for i in range(metrics)],
    }
    codes = {"unit": u, "period": t, "metric": m}
    keys = {k: pd.Categorical.from_codes(codes[k], labels[k]) for k in labels}
    return pd.DataFrame({**keys, "value": values.reshape(-1)[keep]})


def ahp_judgements() -> dict[str, PairwiseJudgement]:
    """An AHP judgement per subsystem over its DIMENSIONS dimensions (a consistent one)."""
    importance = np.array([4.0, 3.0, 2.0, 1.0])
    matrix = importance[:, None] / importance[None, :]
    return {
        name: PairwiseJudgement(tuple(f"{prefix}{d}" for d in range(DIMENSIONS)), matrix)
        for name, prefix in (("party", "P"), ("business", "B"))
    }


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def traced_peak_mb(fn: Callable[[], object]) -> float:
    """Peak memory allocated by ``fn`` (tracemalloc, numpy included), in MiB."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--metrics", type=int, default=120)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    obs, cat, parent = (
        observations(args.units, args.metrics, args.months),
        catalog(args.metrics),
        hierarchy(args.units),
    )
    periods = list(obs["period"].cat.categories)
    last_year = obs[obs["period"].isin(periods[-12:])]
    as_text = obs.astype({"unit": str, "period": str, "metric": str})
    result = compute_integration(obs, cat, parent)

    def run(frame: pd.DataFrame = obs, basis_obs: pd.DataFrame | None = None, **settings):
        return lambda: compute_integration(
            frame, cat, parent, settings=IntegrationSettings(**settings), basis_obs=basis_obs
        )

    window = f"{periods[0]}..{periods[11]}"
    cases = [
        ("view, entropy (categorical keys)", run(), f"≤ {TARGET_SECONDS:g} s"),
        ("view, corrected C", run(model="corrected"), ""),
        ("view, AHP × entropy", run(ahp=ahp_judgements()), ""),
        ("last 12 months, basis all", run(last_year, obs, basis="all"), ""),
        ("all months, frozen 12-month window", run(basis=window), ""),
        ("view, entropy (str keys)", run(as_text), "(hashes strings)"),
        ("to_json (all rows)", result.to_json, ""),
        ("obstacle_degree, one month", lambda: obstacle_degree(result, periods=periods[-1:]), ""),
    ]
    print(f"observations: {len(obs):,} ({args.units} units × {args.months} months × {args.metrics} metrics)")
    print(f"scored unit-months: {len(result.rows):,}")
    print(f"{'step':<40}{'measured':>10}  target")
    for name, fn, target in cases:
        print(f"{name:<40}{timed(fn):>8.3f} s  {target}")
    peak = traced_peak_mb(lambda: compute_integration(obs, cat, parent))
    print(f"{'peak traced, view entropy':<40}{peak:>7.0f} MB")


if __name__ == "__main__":
    main()
