"""The reviewer's queue is sorted by how many values of each unit warn (analytics.figures.cycle.warning_counts),
counted for every unit at once; each count must be what the unit's own table (unit_values) shows."""

from __future__ import annotations

import pandas as pd

from analytics.figures.cycle import unit_values, warning_counts
from analytics.model.catalog import Catalog, default_metrics
from analytics.model.panel import build_panel
from analytics.periods import to_index

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01"]


def values(unit: str, metric: str, series: list[float]) -> list[dict]:
    return [{"unit": unit, "period": p, "metric": metric, "value": v} for p, v in zip(MONTHS, series, strict=True)]


def test_counts_far_out_of_range_and_new_values_per_unit():
    steady = [100.0] * 12
    rows = (
        values("A", "revenue", [*steady, 101.0])  # near its history: no warning
        + values("A", "three_meetings_rate", [90.0] * 12 + [95.0])
        + values("B", "revenue", [*steady, 100.0 * 10_000])  # 元 instead of 万元: far from its history
        + values("B", "three_meetings_rate", [90.0] * 12 + [130.0])  # a rate above 100 %: out of range
        + values("C", "revenue", [*steady, 99.0])
        + [{"unit": "C", "period": "2026-01", "metric": "total_output", "value": 50.0}]  # new this month
    )
    panel = build_panel(pd.DataFrame(rows))
    catalog = Catalog(default_metrics())
    jan = to_index(2026, 1)
    counts = warning_counts(panel, catalog, ["A", "B", "C", "D"], jan)
    assert counts == {"A": 0, "B": 2, "C": 1, "D": 0}  # D has no values: nothing to warn about
    for unit in "ABC":
        shown = unit_values(panel, catalog, unit, jan, None, "zh")
        assert int((shown["warning"] != "").sum()) == counts[unit]
