"""The reporting-status chart: units × months up to UNIT_ROWS units; beyond, subsidiaries × months with the share
of their units fully reported (a 2,000-row chart was 36,000 px tall)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.figures.completeness import UNIT_ROWS, completeness_figure


def grid(units: int) -> pd.DataFrame:
    rows = []
    for i in range(units):
        for period in ("2026-09", "2026-10"):
            status = "missing" if (i % 4 == 0 and period == "2026-10") else "partial" if i % 10 == 1 else "reported"
            rows.append({"unit": f"U{i:04d}", "name": f"单位{i}", "period": period, "status": status,
                         "values": 5, "expected": 6})  # fmt: skip
    return pd.DataFrame(rows)


def test_few_units_are_drawn_one_row_each():
    figure = completeness_figure(grid(12), "zh", {f"U{i:04d}": "A" for i in range(12)})
    assert len(figure.data[0].y) == 12


def test_many_units_are_drawn_by_subsidiary_with_the_share_reported():
    n = UNIT_ROWS + 20  # 100 units: the first 50 in 甲公司, the rest in 乙公司
    groups = {f"U{i:04d}": "甲公司" if i < 50 else "乙公司" for i in range(n)}
    figure = completeness_figure(grid(n), "zh", groups)
    heat = figure.data[0]
    assert list(heat.y) == ["甲公司", "乙公司"] and list(heat.x) == ["2026-09", "2026-10"]
    # by hand, 甲公司 = units 0..49: partial are i % 10 == 1 (5 units); missing in October i % 4 == 0 (13 units)
    september, october = heat.z[0]
    assert september == 45 / 50
    assert october == (50 - 5 - 13) / 50
    assert heat.text[0][1] == "已报齐 32 · 部分报送 5 · 未报送 13（共 50 个单位）"
    assert figure.layout.height < 1000 and np.isfinite(np.asarray(heat.z, dtype=float)).all()
