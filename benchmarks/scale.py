"""The scale data generator: a group of 2,000 units × 120 metrics × 60 months (14.4 M observations).

``build_scale_db(path)`` writes a real DuckDB file through the store's schema (units, a 120-metric catalog,
one committed batch per month and ``current``), fast, with SQL bulk inserts.
``wide_workbook(...)`` writes one monthly wide workbook of N units × 120 metrics with xlsxwriter.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import xlsxwriter

from analytics.model.catalog import Metric
from analytics.periods import to_index
from analytics.store.connection import bump_data_version, connect
from analytics.store.metrics import save_metrics
from analytics.store.units import save_units

UNITS, METRICS, MONTHS = 2_000, 120, 60
FIRST_MONTH = to_index(2021, 11)
SEED = 7


def scale_metrics(n: int = METRICS) -> list[Metric]:
    """n synthetic metrics: half party, half business, counts and percentages, unbounded above."""
    metrics = []
    for i in range(n):
        category = "party" if i < n // 2 else ("production" if i % 2 else "efficiency")
        unit = "%" if i % 5 == 0 else "次"
        metrics.append(
            Metric(
                f"m{i:03d}",
                f"指标{i:03d}",
                f"Metric {i:03d}",
                category,
                f"维度{i % 6}",
                unit,
                -1 if i % 9 == 0 else 1,
                0.0,
                None,
                (),
                "mean" if unit == "%" else "sum",
            )
        )
    return metrics


def unit_rows(n: int = UNITS) -> list[dict[str, object]]:
    subsidiaries = max(1, n // 100)
    rows: list[dict[str, object]] = [{"code": "G", "name": "集团", "parent_code": None, "headcount": None}]
    rows += [
        {"code": f"S{s:02d}", "name": f"子公司{s:02d}", "parent_code": "G", "headcount": None}
        for s in range(subsidiaries)
    ]
    rows += [
        {
            "code": f"U{i:05d}",
            "name": f"单位{i:05d}",
            "parent_code": f"S{i % subsidiaries:02d}",
            "headcount": float(100 + (i * 37) % 2900),
        }
        for i in range(n)
    ]
    return rows


def build_scale_db(path: Path, units: int = UNITS, metrics: int = METRICS, months: int = MONTHS) -> float:
    """Create the scale database (once); returns the seconds it took."""
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    with connect(path) as con:
        save_units(con, unit_rows(units))
        save_metrics(con, scale_metrics(metrics))
        first_uid = con.execute("SELECT min(uid) FROM units WHERE code LIKE 'U%'").fetchall()[0][0]
        first_mid = con.execute("SELECT min(mid) FROM metrics WHERE code LIKE 'm%'").fetchall()[0][0]
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "INSERT INTO batches SELECT m + 1, now(), 'bench', 'import', '[]', ?, ?, 0, 0, 'committed', "
            "NULL, NULL, NULL FROM range(?) t(m)",
            [units * metrics, units * metrics, months],
        )
        con.execute(
            """
            INSERT INTO observations
            SELECT m + 1, ? + u, ? + m, ? + k,
                   round((50 + (u % 97) + 10 * sin(m + k) + k) * (1 + 0.1 * random()), 2)
            FROM range(?) a(m), range(?) b(u), range(?) c(k)""",
            [first_uid, FIRST_MONTH, first_mid, months, units, metrics],
        )
        con.execute("INSERT INTO current SELECT uid, period, mid, value, batch_id FROM observations")
        bump_data_version(con)
        con.execute("COMMIT")
    return time.perf_counter() - started


def wide_workbook(
    units: int, metrics: int = METRICS, period: int = FIRST_MONTH + MONTHS, seed: int = SEED, path: Path | None = None
) -> bytes:
    """One month's wide workbook (title row, header row, one row per unit) written by xlsxwriter."""
    rng = np.random.default_rng(seed)
    values = np.round(50 + rng.random((units, metrics)) * 100, 2)
    out = io.BytesIO() if path is None else None
    book = xlsxwriter.Workbook(path or out, {"constant_memory": True, "in_memory": path is None})
    sheet = book.add_worksheet("数据填报")
    year, month = divmod(period, 12)
    sheet.write_string(0, 0, f"{year}年{month + 1}月 月报")
    sheet.write_string(1, 0, "单位编码")
    sheet.write_string(1, 1, "单位名称")
    for k, m in enumerate(scale_metrics(metrics)):
        sheet.write_string(1, 2 + k, f"{m.name_zh}（{m.unit}）")
    for i in range(units):
        sheet.write_string(2 + i, 0, f"U{i:05d}")
        sheet.write_string(2 + i, 1, f"单位{i:05d}")
        for k in range(metrics):
            sheet.write_number(2 + i, 2 + k, float(values[i, k]))
    book.close()
    return out.getvalue() if out is not None else Path(path).read_bytes()  # type: ignore[arg-type]
