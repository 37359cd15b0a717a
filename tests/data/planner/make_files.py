"""Builds the planner workbooks the import tests read, then has LibreOffice write them (a real spreadsheet program).

Run from the repository root: ``.venv/bin/python tests/data/planner/make_files.py`` (needs ``soffice``).
The committed outputs are what the tests use; this script documents how they were made.
Units are those of tests/conftest.py (B11, B12, B21, B22); metrics are from data/metrics.csv.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent


def wide_source(path: Path) -> None:
    """A subsidiary's monthly sheet: title, merged group header, 单位：万元 note, percent cells, a totals row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "党建经营"
    sheet["A1"] = "2026年10月党建与经营月报"
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "单位：万元"
    sheet.append(["序号", "单位编码", "单位名称", "党建指标", None, "经营指标", None])
    sheet.merge_cells("D3:E3")
    sheet.merge_cells("F3:G3")
    sheet.append([None, None, None, "三会一课完成率（%）", "谈心谈话次数（次）", "营业收入", "利润总额"])
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("C3:C4")
    rows = [
        [1, "B11", "检修分公司", 0.95, 12, 1234.5, "88.25"],
        [2, "B12", "一电厂", 0.875, "１５", "2,000", 120],
        [3, "B21", "检修分公司", 1, 7, 310.75, -12.5],
        [4, "B22", "二电厂", None, "-", 999.125, 40],
        [None, None, "合计", None, None, "=SUM(F5:F8)", None],
    ]
    for row in rows:
        sheet.append(row)
    for r in range(5, 9):
        sheet.cell(r, 4).number_format = "0.0%"
    sheet["A3"].alignment = Alignment(vertical="center")
    book.save(path)


def vertical_source(path: Path) -> None:
    """One unit per sheet, 本月数 column, cumulative and year-on-year columns beside it, one sheet hidden."""
    book = openpyxl.Workbook()
    first = True
    for unit, values in (("一电厂", (96, 12, 2500)), ("二电厂", (91, 8, 1800))):
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = unit
        sheet.append(["党建与生产经营月报表"])
        sheet.append([f"填报单位：{unit}", None, "2026年10月"])
        sheet.append(["指标名称", "计量单位", "本月数", "本年累计", "上年同期", "同比"])
        sheet.append(["三会一课完成率", "%", values[0], 95, 90, "6.7%"])
        sheet.append(["谈心谈话次数", "次", values[1], 100, 9, "33%"])
        sheet.append(["营业收入", "万元", values[2], 25000, 2300, "8.7%"])
    book.create_sheet("填表说明").append(["本表由各电厂每月5日前报送。"])
    book["二电厂"].sheet_state = "hidden"
    book.save(path)


def convert(source: Path, fmt: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", out, str(source)], check=True,
                       capture_output=True, timeout=120)
        produced = next(Path(out).iterdir())
        shutil.move(produced, target)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wide, vertical = Path(tmp) / "wide.xlsx", Path(tmp) / "vertical.xlsx"
        wide_source(wide)
        vertical_source(vertical)
        convert(wide, "xls", HERE / "2026-10_wide_libreoffice.xls")
        convert(wide, "ods", HERE / "2026-10_wide_libreoffice.ods")
        convert(wide, "xlsx", HERE / "2026-10_wide_libreoffice.xlsx")
        convert(vertical, "xls", HERE / "2026-10_vertical_libreoffice.xls")
        convert(vertical, "ods", HERE / "2026-10_vertical_libreoffice.ods")


if __name__ == "__main__":
    main()
