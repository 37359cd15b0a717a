"""How much of a month is in: a month a few units have started to fill in must render, but its group figures
would be computed from almost nothing. A figure stands for the group only when at least MIN_COVERAGE of the units
behind the same figure in the fullest of the twelve months before it are behind it too; otherwise it is *thin*
and is withheld (shown as missing, with why). With no earlier month to compare with, nothing is thin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import periods

MIN_COVERAGE = 0.5  # share of the usual count below which a month's figure is withheld
HISTORY_MONTHS = 12  # "usual" = the most in this many months before


def _earlier(period: str) -> list[str]:
    """The HISTORY_MONTHS months before ``period``, oldest first."""
    index = periods.parse_strict(period)
    return [periods.from_index(i) for i in range(index - HISTORY_MONTHS, index)]


def usual_count(counts: Mapping[str, int], period: str) -> int:
    """The most units (or metrics) behind a figure in the twelve months before ``period``; 0 when none."""
    return max((counts.get(month, 0) for month in _earlier(period)), default=0)


def is_thin(count: int, usual: int) -> bool:
    """Whether ``count`` (> 0) is below MIN_COVERAGE of ``usual``: too few to stand for the group."""
    return 0 < count < MIN_COVERAGE * usual


def thin_months(counts: Mapping[str, int]) -> set[str]:
    """The months of ``counts`` (month → units behind its figure) whose count is thin against the months before."""
    return {month for month, n in counts.items() if is_thin(n, usual_count(counts, month))}


@dataclass(frozen=True)
class MonthCoverage:
    """What one month holds against the fullest of the twelve months before it.

    ``units``/``metrics``: units and metrics with at least one value in ``period``; ``usual_*`` the most of them in
    one of the twelve months before (0: no history). ``scored``: complete units with an integration index (what
    is ranked), ``usual_scored`` likewise. ``last_full``: the latest earlier month with data that is not partial
    (None when there is none).
    """

    period: str
    units: int
    metrics: int
    usual_units: int
    usual_metrics: int
    scored: int = 0
    usual_scored: int = 0
    last_full: str | None = None

    @property
    def partial(self) -> bool:
        """Too few units or metrics reported for the month's group figures to stand for the group."""
        return is_thin(self.units, self.usual_units) or is_thin(self.metrics, self.usual_metrics)

    @property
    def ranking_withheld(self) -> bool:
        """Some units were scored, but too few of them for a ranking of the group."""
        return is_thin(self.scored, self.usual_scored)


def reported_counts(obs: pd.DataFrame) -> pd.DataFrame:
    """Per month with a value: how many units and how many metrics have one. ``obs``: long frame unit, period,
    metric, value (NaN is not a value). Returns a frame indexed by period ('YYYY-MM') with columns units, metrics."""
    known = obs[obs["value"].notna()]
    period = known["period"].astype(str).to_numpy()
    frame = pd.DataFrame(
        {"period": period, "unit": known["unit"].astype(str).to_numpy(), "metric": known["metric"].astype(str)}
    )
    counts = frame.groupby("period", sort=True).agg(units=("unit", "nunique"), metrics=("metric", "nunique"))
    return counts.astype(np.int64)


def month_coverage(obs: pd.DataFrame, period: str, scored: Mapping[str, int] | None = None) -> MonthCoverage:
    """The coverage of ``period``: ``obs`` holds the values of the view's units (the twelve months before
    ``period`` at least, for the usual counts); ``scored``: complete units with an index per month (none: 0)."""
    counts = reported_counts(obs)
    units, metrics = counts["units"].to_dict(), counts["metrics"].to_dict()
    scored = scored or {}

    def partial(month: str) -> bool:
        return is_thin(units.get(month, 0), usual_count(units, month)) or is_thin(
            metrics.get(month, 0), usual_count(metrics, month)
        )

    earlier = [month for month in counts.index if month < period]
    last_full = next((month for month in reversed(earlier) if not partial(month)), None)
    return MonthCoverage(
        period=period,
        units=units.get(period, 0),
        metrics=metrics.get(period, 0),
        usual_units=usual_count(units, period),
        usual_metrics=usual_count(metrics, period),
        scored=scored.get(period, 0),
        usual_scored=usual_count(scored, period),
        last_full=last_full,
    )
