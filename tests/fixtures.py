"""Builders shared by the tests (registry, workbooks, pages, marks): imported from here, never from a test."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
from streamlit.testing.v1 import AppTest

from analytics.periods import to_index
from analytics.reports.marking import ExportMark

OCT = to_index(2026, 10)

UNITS = [
    {"code": "G", "name": "集团", "parent_code": None, "headcount": None},
    {"code": "S1", "name": "一公司", "parent_code": "G", "headcount": 900.0},
    {"code": "S2", "name": "二公司", "parent_code": "G", "headcount": 500.0},
    {"code": "B11", "name": "检修分公司", "parent_code": "S1", "headcount": 300.0},
    {"code": "B12", "name": "一电厂", "parent_code": "S1", "headcount": 600.0},
    {"code": "B21", "name": "检修分公司", "parent_code": "S2", "headcount": 200.0},
    {"code": "B22", "name": "二电厂", "parent_code": "S2", "headcount": 300.0},
]


def xlsx(rows: list[list[object]], title: str = "党建", extra: dict | None = None, percent: tuple = ()) -> bytes:
    """A workbook whose first sheet holds ``rows`` from A1; ``percent`` lists cells formatted as 0%."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for ref in percent:
        sheet[ref].number_format = "0%"
    for name, more in (extra or {}).items():
        other = book.create_sheet(name)
        for row in more:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WIDE = [
    ["2026年10月党建工作月报"],
    [None, None, "党建指标", None, "经营指标"],
    ["序号", "单位编码", "单位名称", "三会一课完成率（%）", "营业收入（万元）", "神秘列"],
    [1, "B11", "检修分公司", 95, "1,234.5"],
    [2, None, "一电厂", "98%", "２０００"],
    [None, None, "合计", None, 3234.5],
]


ROOT = Path(__file__).resolve().parent.parent


APP = str(ROOT / "app.py")


TIMEOUT = 60


def run_page(page: str, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    if page != "views/welcome.py":
        at.switch_page(page).run()
    return at


MARK = ExportMark("测试员", pd.Timestamp("2026-11-28 09:30").to_pydatetime())


UNITS = [
    {"code": "G", "name": "集团", "parent_code": None, "headcount": None},
    {"code": "S1", "name": "一公司", "parent_code": "G", "headcount": 900.0},
    {"code": "S2", "name": "二公司", "parent_code": "G", "headcount": 500.0},
    {"code": "B11", "name": "检修分公司", "parent_code": "S1", "headcount": 300.0},
    {"code": "B12", "name": "一电厂", "parent_code": "S1", "headcount": 600.0},
    {"code": "B21", "name": "检修分公司", "parent_code": "S2", "headcount": 200.0},
    {"code": "B22", "name": "二电厂", "parent_code": "S2", "headcount": 300.0},
]
