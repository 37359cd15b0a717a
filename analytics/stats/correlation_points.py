"""The values behind one correlation, as the scatter plot draws them (SPEC §5), and the page's analysis options.

By default the points are exactly what r describes: for ``twoway`` and ``within`` each unit's values standardised
on its pairs (``scale='unit'``) or centred on the unit's mean (``'none'``), then — for ``twoway`` — the month
effects removed too; for ``pooled`` the pairs as they are; for ``between`` one point per unit (its means). So the
Pearson r of the points equals the correlation's r. ``raw=True`` gives the values as reported instead (what a reader
recognises, but not what r measures).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.model.panel import Panel, pair_up, twoway_residuals
from analytics.stats.clustered import MIN_CLUSTERS, MIN_INDEPENDENT, MIN_RESIDUAL_DF
from analytics.stats.correlations import MIN_SCALED_PAIRS, scaled_pairs, unit_means
from analytics.stats.options import DEFAULT_LEVEL, DEFAULT_SCALE

SCALED_LEVELS = ("twoway", "within")  # the levels that scale and centre each unit's values
POINT_COLUMNS = ("unit", "month", "x", "y")


@dataclass(frozen=True)
class Options:
    """The analysis options of the correlation page: every cached result is keyed on these (with the data version)."""

    per_capita: bool = False
    method: str = "pearson"
    level: str = DEFAULT_LEVEL
    lag: int = 0
    from_: str | None = None
    to: str | None = None
    units: tuple[str, ...] | None = None
    scale: str = DEFAULT_SCALE

    def scope(self) -> dict[str, object]:
        """Keyword arguments of analytics.stats.correlations functions (all but the lag)."""
        return {
            "method": self.method,
            "level": self.level,
            "from_": self.from_,
            "to": self.to,
            "units": self.units,
            "scale": self.scale,
        }

    @property
    def scaled(self) -> bool:
        """Each unit's values are standardised (within/twoway with scale 'unit')."""
        return self.level in SCALED_LEVELS and self.scale == "unit"


@dataclass(frozen=True)
class DataNeed:
    """How many months and units a view has (with any value) and how many its correlations need at the least."""

    months: int
    units: int
    need_months: int
    need_units: int

    @property
    def enough(self) -> bool:
        """False when no cell of the grid can have a number: too few months or too few units."""
        return self.months >= self.need_months and self.units >= self.need_units


ABSORBED = {"within": 1, "pooled": 2}  # K of SPEC §5 beyond the unit effects; twoway absorbs one per month


def pairs_needed(level: str, scale: str, units: int) -> int:
    """The fewest months of pairs per unit for which a correlation at ``level`` can have a number, with every unit
    complete (the best case): 1 for ``between``; for the clustered levels N − G − K ≥ 8 with N = G·T, and under
    ``scale='unit'`` at least ``MIN_SCALED_PAIRS`` (a unit with fewer has no sd and is dropped)."""
    if level == "between":
        return 1
    g = max(units, MIN_CLUSTERS)
    months = MIN_SCALED_PAIRS if level in SCALED_LEVELS and scale == "unit" else 2
    while g * months - g - ABSORBED.get(level, months) < MIN_RESIDUAL_DF:
        months += 1
    return months


def data_need(panel: Panel, options: Options) -> DataNeed:
    """The months (within ``from_..to``) and units (of ``units``) of the view that hold any value, against what the
    options' level, scale and lag need: ``pairs_needed`` months plus the lag, and 10 units (SPEC §5)."""
    rows = panel.unit_positions(options.units)
    lo = 0 if options.from_ is None else max(0, panel.month_position(options.from_))
    hi = len(panel.months) if options.to is None else min(len(panel.months), panel.month_position(options.to) + 1)
    seen = ~np.isnan(panel.cube[rows, lo:hi, :]) if len(rows) and hi > lo else np.zeros((0, 0, 0), dtype=bool)
    months, units = int(seen.any(axis=(0, 2)).sum()), int(seen.any(axis=(1, 2)).sum())
    need_units = MIN_INDEPENDENT if options.level == "between" else MIN_CLUSTERS
    need_months = pairs_needed(options.level, options.scale, units) + abs(options.lag)
    return DataNeed(months, units, need_months, need_units)


def _ranks(values: np.ndarray) -> np.ndarray:
    return pd.Series(values).rank(method="average").to_numpy()


def _frame(panel: Panel, unit: np.ndarray, month: np.ndarray | None, x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    months = np.full(len(unit), "", dtype=object) if month is None else panel.months[month].to_numpy()
    return pd.DataFrame({"unit": panel.units[unit].to_numpy(), "month": months, "x": x, "y": y})


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in POINT_COLUMNS}).astype({"unit": object, "month": object})


def analysis_points(panel: Panel, x: str, y: str, options: Options = Options(), raw: bool = False) -> pd.DataFrame:
    """The (x, y) values of one correlation, per unit-month (per unit for ``between``).

    Columns: unit (code), month (x's month ``YYYY-MM``; empty for ``between``), x, y. Pairs as in ``correlate``:
    x of month t with y of month t + lag, both present; for within/twoway only the units the scaling keeps. With
    ``raw=False`` the values are those r is computed on (the Pearson r of x and y equals the correlation's r);
    with ``raw=True`` the same pairs' values as reported (unit means for ``between``).
    """
    pairs = pair_up(panel, x, y, options.lag, options.from_, options.to, options.units)
    spearman = options.method == "spearman"
    if options.level == "between":
        if not len(pairs):
            return _empty()
        xs, ys = unit_means(pairs)
        if spearman and not raw:
            xs, ys = _ranks(xs), _ranks(ys)
        return _frame(panel, np.unique(pairs.unit), None, xs, ys)
    if options.level in SCALED_LEVELS:
        pairs, xs, ys = scaled_pairs(pairs, options.scale, spearman)
        if options.level == "twoway" and len(pairs):
            xs, ys = (twoway_residuals(v, pairs.unit, pairs.month) for v in (xs, ys))
    else:
        xs, ys = (_ranks(v) for v in (pairs.x, pairs.y)) if spearman else (pairs.x, pairs.y)
    if not len(pairs):
        return _empty()
    if raw:
        xs, ys = pairs.x, pairs.y
    return _frame(panel, pairs.unit, pairs.month, xs, ys)


def fit_line(x: pd.Series, y: pd.Series) -> pd.DataFrame | None:
    """The least-squares line of y on x at the ends of x's range (columns x, fit); None when x does not vary.

    No confidence band: a naive band would treat the unit-months as independent, and they are not (the honest
    uncertainty is r's cluster-robust interval).
    """
    xs, ys = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    centred = xs - xs.mean() if len(xs) else xs
    sxx = float(centred @ centred)
    if len(xs) < 2 or sxx <= 0:
        return None
    slope = float(centred @ (ys - ys.mean())) / sxx
    ends = np.array([xs.min(), xs.max()])
    return pd.DataFrame({"x": ends, "fit": ys.mean() + slope * (ends - xs.mean())})
