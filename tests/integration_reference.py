"""SPEC §5 "Integration" written out by hand in plain Python, as an independent reference for the tests.

Nothing here imports the product: the size comparison (asinh against ln headcount, closed-form least squares),
min–max normalisation with frozen-bound clipping, equal or entropy weights, the floor or rescaled weights for a
missing metric, the five-unit minimum, C, T, D, levels and lagging are all spelled out with ``math``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

FLOOR, SPAN = 0.0001, 0.9999
MIN_UNITS = 5
LEVELS_ZH = "极度失调 严重失调 中度失调 轻度失调 濒临失调 勉强协调 初级协调 中级协调 良好协调 优质协调".split()
LEVELS_EN = [
    "extreme imbalance", "severe imbalance", "moderate imbalance", "mild imbalance", "verge of imbalance",
    "barely coordinated", "primary coordination", "intermediate coordination", "good coordination",
    "high-quality coordination",
]  # fmt: skip
ROW_KEYS = ["unit", "period", "u_party", "u_business", "C", "T", "D"]
ROW_KEYS += ["level", "level_en", "level_index", "lagging", "complete"]

Rows = Mapping[tuple[str, str], Mapping[str, float]]


def size_fit(basis: Rows, metric: str, heads: Mapping[str, float]) -> tuple[float, float]:
    """(intercept, slope) of asinh(x) = a + b·ln(headcount) over the basis rows with the metric and a headcount."""
    points = [
        (math.log(heads[u]), math.asinh(v[metric])) for (u, _), v in basis.items() if metric in v and heads.get(u)
    ]
    mean_l = sum(p[0] for p in points) / len(points)
    mean_v = sum(p[1] for p in points) / len(points)
    sxx = sum((p[0] - mean_l) ** 2 for p in points)
    sxy = sum((p[0] - mean_l) * (p[1] - mean_v) for p in points)
    slope = sxy / sxx if sxx > 0 else 0.0
    return mean_v - slope * mean_l, slope


def sized_rows(
    rows: Rows, basis: Rows, sized: Collection[str], heads: Mapping[str, float], size: str
) -> dict[tuple[str, str], dict[str, float]]:
    """The rows with the sum-rollup metrics compared by size; a unit without a headcount loses them."""
    if size == "raw":
        return {k: dict(v) for k, v in rows.items()}
    fits = {m: size_fit(basis, m, heads) for m in sized if any(m in v and heads.get(u) for (u, _), v in basis.items())}
    out: dict[tuple[str, str], dict[str, float]] = {}
    for (unit, period), values in rows.items():
        h = heads.get(unit)
        row = {}
        for m, x in values.items():
            if m not in sized:
                row[m] = float(x)
            elif h and size == "per100":
                row[m] = x / (h / 100)
            elif h and m in fits:
                a, b = fits[m]
                row[m] = math.asinh(x) - a - b * math.log(h)
        out[(unit, period)] = row
    return out


def normalised(x: float, lo: float, hi: float, direction: int) -> float:
    if hi == lo:
        return 1.0
    x = min(max(x, lo), hi)  # frozen bounds clip
    return FLOOR + SPAN * ((x - lo) if direction > 0 else (hi - x)) / (hi - lo)


def spec_rows(
    scored: Rows,
    basis: Rows,
    *,
    direction: Mapping[str, int],
    party: Collection[str],
    business: Collection[str],
    sized: Collection[str] = (),
    heads: Mapping[str, float] | None = None,
    size: str = "adjusted",
    weighting: str = "equal",
    missing: str = "worst",
    min_units: int = MIN_UNITS,
) -> tuple[list[dict], dict[str, float]]:
    """SPEC §5's rows (sorted by unit, period; keys :data:`ROW_KEYS`, None where unscored) and weights.

    ``scored`` and ``basis``: (unit, period) → {metric: value} as reported (parents covered by their children
    already left out); ``sized``: the sum-rollup metrics; ``heads``: unit → headcount.
    """
    heads = heads or {}
    basis_sized = sized_rows(basis, basis, sized, heads, size)
    scored_sized = sized_rows(scored, basis, sized, heads, size)
    bounds = {}
    for m in direction:
        seen = [v[m] for v in basis_sized.values() if m in v]
        if seen:
            bounds[m] = (min(seen), max(seen))
    weights: dict[str, float] = {}
    groups = [[m for m in direction if m in subsystem and m in bounds] for subsystem in (party, business)]
    for members in groups:
        info = {}
        for m in members:
            xs = [normalised(v[m], *bounds[m], direction[m]) for v in basis_sized.values() if m in v]
            ps = [x / sum(xs) for x in xs]
            info[m] = 1 + sum(p * math.log(p) for p in ps) / math.log(len(xs)) if len(xs) >= 2 else 0.0
        total = sum(info.values())
        for m in members:
            weights[m] = info[m] / total if weighting == "entropy" and total > 0 else 1 / len(members)
    enough = len({u for u, _ in basis}) >= min_units
    rows = []
    for (unit, period), v in sorted(scored_sized.items()):
        u: list[float | None] = []
        for members in groups:
            have = [m for m in members if m in v]
            if not have or not enough:
                u.append(None)
                continue
            score = sum(weights[m] * normalised(v[m], *bounds[m], direction[m]) for m in have)
            if missing == "worst":
                u.append(score + sum(weights[m] * FLOOR for m in members if m not in v))
            else:
                u.append(score / sum(weights[m] for m in have))
        complete = all(m in v for members in groups for m in members)
        u1, u2 = u
        if u1 is None or u2 is None:
            rows.append(dict(zip(ROW_KEYS, [unit, period, u1, u2, *[None] * 7, complete], strict=True)))
            continue
        c = 2 * math.sqrt(u1 * u2) / (u1 + u2)
        t = 0.5 * u1 + 0.5 * u2
        d = math.sqrt(c * t)
        level = min(math.floor(10 * d), 9)
        lag = "party" if u2 - u1 > 0.1 else "business" if u1 - u2 > 0.1 else "balanced"
        row = [unit, period, u1, u2, c, t, d, LEVELS_ZH[level], LEVELS_EN[level], level, lag, complete]
        rows.append(dict(zip(ROW_KEYS, row, strict=True)))
    return rows, weights
