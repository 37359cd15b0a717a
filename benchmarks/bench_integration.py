"""Speed and memory of the integration index (融合度) at the SPEC §7 scale.

2,000 units × 60 months × 120 metrics (60 party, 60 business; 14.4 M observation slots,
MISSING_SHARE absent), seeded, units under 20 subsidiaries under one group; four metrics in five
roll up by ``sum`` (counts and amounts, growing with headcount) and are compared by size, as in
``benchmarks/scale.py``. Units carry headcounts (one in NO_HEADCOUNT_EVERY without one) and the
index gets them as the product does (``Registry.headcounts()``, passed on by
``analytics.stats.unit_profile.score_view``, which also hands every row over as ``basis_obs``). Times
the whole ``compute_integration`` from the long frame for SPEC §5's defaults and each choice, plus
the JSON document and the obstacle degrees of one month, and prints a table.

    python benchmarks/bench_integration.py [--units 2000] [--metrics 120] [--months 60]

Target: the full integration with the defaults (basis all, size adjusted, equal weights, missing
at the floor; categorical keys, as the data layer hands them over) ≤ 1 s in process.
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

from analytics.model.units import Registry, Unit
from analytics.stats.ahp import PairwiseJudgement
from analytics.stats.integration import IntegrationSettings, compute_integration, obstacle_degree

SEED = 20261128
MISSING_SHARE = 0.02
SUBSIDIARIES = 20
DIMENSIONS = 4  # per subsystem
FIRST_YEAR = 2021
TARGET_SECONDS = 1.0
NO_HEADCOUNT_EVERY = 100  # one unit in a hundred has no headcount: not scored on the sum metrics


def sums(metrics: int) -> np.ndarray:
    """Which metrics roll up by sum (counts, amounts): all but every fifth, as in benchmarks/scale.py."""
    return np.arange(metrics) % 5 != 0


def catalog(metrics: int) -> pd.DataFrame:
    """Half party, half business (production/efficiency alternating); every 7th lower-is-better; the rollup as
    the product's catalog frame carries it (``analytics.stats.integration.catalog_frame``)."""
    half = metrics // 2
    category = ["party"] * half + ["production" if i % 2 else "efficiency" for i in range(metrics - half)]
    return pd.DataFrame(
        {
            "code": [f"m{i:03d}" for i in range(metrics)],
            "category": category,
            "dimension": [f"{'P' if i < half else 'B'}{i % DIMENSIONS}" for i in range(metrics)],
            "direction": [-1 if i % 7 == 0 else 1 for i in range(metrics)],
            "rollup": np.where(sums(metrics), "sum", "mean"),
        }
    )


def staff(i: int) -> float | None:
    """Unit i's headcount, 100–2,999 as in benchmarks/scale.py; None for one unit in NO_HEADCOUNT_EVERY."""
    return None if i % NO_HEADCOUNT_EVERY == NO_HEADCOUNT_EVERY - 1 else float(100 + (i * 37) % 2900)


def registry(units: int) -> Registry:
    """Leaf units under subsidiaries under the group (parents do not report: nothing is dropped)."""
    rows = [Unit(0, "G", "集团", None, None)]
    rows += [Unit(1 + s, f"S{s:02d}", f"子公司{s:02d}", "G", None) for s in range(SUBSIDIARIES)]
    rows += [
        Unit(1 + SUBSIDIARIES + i, f"U{i:05d}", f"单位{i:05d}", f"S{i % SUBSIDIARIES:02d}", staff(i))
        for i in range(units)
    ]
    return Registry(tuple(rows))


def observations(units: int, metrics: int, months: int, seed: int = SEED) -> pd.DataFrame:
    """Long observations with categorical keys; unit levels (sums in proportion to staff), month shocks, noise."""
    rng = np.random.default_rng(seed)
    heads = np.array([staff(i) or 100 + (i * 37) % 2900 for i in range(units)], dtype=float)
    level = rng.lognormal(0.0, 1.0, size=(units, 1, metrics))
    level[:, :, sums(metrics)] *= heads[:, None, None] / 100
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
    group = registry(args.units)
    obs, cat, parent, heads = (
        observations(args.units, args.metrics, args.months),
        catalog(args.metrics),
        group.parents(),
        group.headcounts(),  # as ui.data.scored and the integration command hand them to score_view
    )
    periods = list(obs["period"].cat.categories)
    last_year = obs[obs["period"].isin(periods[-12:])]
    as_text = obs.astype({"unit": str, "period": str, "metric": str})

    def run(frame: pd.DataFrame = obs, basis_obs: pd.DataFrame | None = obs, **settings):
        """compute_integration as score_view calls it: every row as basis_obs (unless the basis is the view)."""
        chosen = IntegrationSettings(**settings)
        basis = None if chosen.basis == "view" else basis_obs
        return lambda: compute_integration(frame, cat, parent, settings=chosen, basis_obs=basis, headcount=heads)

    result = run()()
    window = f"{periods[0]}..{periods[11]}"
    legacy = {"basis": "view", "size": "raw", "weighting": "entropy", "missing": "rescale"}
    cases = [
        ("defaults (all, adjusted, equal, worst)", run(), f"≤ {TARGET_SECONDS:g} s"),
        ("size per100", run(size="per100"), ""),
        ("size raw", run(size="raw"), ""),
        ("weights entropy", run(weighting="entropy"), ""),
        ("missing rescale", run(missing="rescale"), ""),
        ("corrected C", run(model="corrected"), ""),
        ("AHP × entropy", run(ahp=ahp_judgements()), ""),
        ("basis view", run(basis="view"), ""),
        ("old defaults (view, raw, entropy, rescale)", run(**legacy), ""),
        ("last 12 months, basis all", run(last_year), ""),
        ("all months, frozen 12-month window", run(basis=window), ""),
        ("defaults (str keys)", run(as_text, as_text), "(hashes strings)"),
        ("to_json (all rows)", result.to_json, ""),
        ("obstacle_degree, one month", lambda: obstacle_degree(result, periods=periods[-1:]), ""),
    ]
    print(f"observations: {len(obs):,} ({args.units} units × {args.months} months × {args.metrics} metrics)")
    print(f"headcounts: {len(heads):,} of {args.units:,} units; sum-rollup metrics: {int(sums(args.metrics).sum())}")
    complete = int(result.rows["complete"].sum())
    print(f"scored unit-months: {len(result.rows):,} ({complete:,} complete); basis units: {result.basis_units:,}")
    print(f"{'step':<44}{'measured':>10}  target")
    for name, fn, target in cases:
        print(f"{name:<44}{timed(fn):>8.3f} s  {target}")
    peak = traced_peak_mb(run())
    print(f"{'peak traced, defaults':<44}{peak:>7.0f} MB")


if __name__ == "__main__":
    main()
