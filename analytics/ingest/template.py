"""The monthly template handed to subsidiaries: prefilled units, bilingual headers with units, data validation.

The data sheet is a wide table the import reads back as is: a title naming the month, a category row (merged),
the header row (``序号, 单位编码, 单位名称``, then one column per metric:
``营业收入（万元）`` with the English name on a second line), one row per reporting unit.
An instructions sheet explains how to fill it in, in both languages. Every text cell is written with
``write_string``: a unit or metric name such as ``=1+2`` or ``http://x`` stays text (never a formula or a link).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from analytics.i18n import t
from analytics.model.catalog import CATEGORIES, Catalog, Metric
from analytics.model.units import UNIT_COLUMNS, Registry, Unit, read_units_csv
from analytics.periods import from_index, to_index

DATA_SHEET, HELP_SHEET = "数据填报", "填报说明"
HEADER_ROW = 2  # 0-based: title, category row, header
FIRST_METRIC_COL = 3


def _both(key: str, sep: str = " ") -> str:
    """The Chinese and the English of ``key`` side by side, as the bilingual template writes its texts."""
    return f"{t(key, 'zh')}{sep}{t(key, 'en')}"


CATEGORY_NAMES = {category: _both(f"template.category.{category}") for category in CATEGORIES}
HELP_STEPS = 6  # the numbered lines of the instructions sheet: template.help.1 …
INSTRUCTIONS = (
    (_both("template.help.title", " / "), ""),
    *((t(f"template.help.{i}", "zh"), t(f"template.help.{i}", "en")) for i in range(1, HELP_STEPS + 1)),
)


UNITS_TEMPLATE_NAME = "单位名录模板.csv"
UNITS_EXAMPLE = (  # a root and one unit under it: shows how parent_code builds the tree
    ("G", "示例集团（请替换）", "", "5000"),
    ("S1", "示例一公司（请替换）", "G", "1200"),
)


def last_month(today: date | None = None) -> int:
    """The month index of the calendar month before ``today`` (default: the system date): the month whose
    returns are collected now, so the template's default (2026-11 on 2026-12-05, 2026-12 on 2027-01-10)."""
    today = today or date.today()
    return to_index(today.year, today.month) - 1


def template_file_name(period: int) -> str:
    """The template's file name, the same on every page: ``月报模板_2026-11.xlsx``."""
    return f"月报模板_{from_index(period)}.xlsx"


def units_template_csv() -> bytes:
    """The unit-list template: UTF-8 CSV with a BOM (so Excel shows the Chinese), the columns
    ``code,name,parent_code,headcount`` that ``analytics.model.units.read_units_csv`` reads, and example rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(UNIT_COLUMNS)
    writer.writerows(UNITS_EXAMPLE)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def header_text(metric: Metric) -> str:
    return f"{metric.name_zh}（{metric.unit}）\n{metric.name_en}"


def template_bytes(period: int, catalog: Catalog, registry: Registry) -> bytes:
    """The .xlsx template for one month, prefilled with the reporting units."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"title": f"{from_index(period)} 月报模板", "author": "", "company": ""})
    _data_sheet(book, period, catalog, registry.leaves())
    _help_sheet(book, catalog)
    book.close()
    return out.getvalue()


def _data_sheet(book: xlsxwriter.Workbook, period: int, catalog: Catalog, units: list[Unit]) -> None:
    sheet = book.add_worksheet(DATA_SHEET)
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F2DCDB", "border": 1})
    group = book.add_format({"bold": True, "align": "center", "bg_color": "#C0504D", "font_color": "#FFFFFF"})
    locked = book.add_format({"bg_color": "#F2F2F2", "border": 1})
    year, month = divmod(period, 12)
    sheet.write_string(0, 0, f"{year}年{month + 1}月 党建与生产经营月报 / Monthly report {from_index(period)}", bold)
    for c, label in enumerate(("序号\nNo.", "单位编码\nUnit code", "单位名称\nUnit name")):
        sheet.write_string(HEADER_ROW, c, label, head)
    metrics = list(catalog.metrics)
    col = FIRST_METRIC_COL
    for category in ("party", "production", "efficiency"):
        members = [m for m in metrics if m.category == category]
        if not members:
            continue
        if len(members) > 1:
            sheet.merge_range(1, col, 1, col + len(members) - 1, CATEGORY_NAMES[category], group)
        else:
            sheet.write_string(1, col, CATEGORY_NAMES[category], group)
        for m in members:
            sheet.write_string(HEADER_ROW, col, header_text(m), head)
            _validate(sheet, col, len(units), m)
            col += 1
    for i, unit in enumerate(units):
        r = HEADER_ROW + 1 + i
        sheet.write_number(r, 0, i + 1, locked)
        sheet.write_string(r, 1, unit.code, locked)
        sheet.write_string(r, 2, unit.name, locked)
    sheet.set_row(HEADER_ROW, 48)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 2, 16)
    sheet.set_column(FIRST_METRIC_COL, col - 1, 14)
    sheet.freeze_panes(HEADER_ROW + 1, FIRST_METRIC_COL)


def _validate(sheet: Worksheet, col: int, n_units: int, metric: Metric) -> None:
    if n_units == 0:
        return
    low = -1e15 if metric.min is None else metric.min
    high = 1e15 if metric.max is None else metric.max
    sheet.data_validation(
        HEADER_ROW + 1,
        col,
        HEADER_ROW + n_units,
        col,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": low,
            "maximum": high,
            "input_title": metric.name_zh[:32],
            "input_message": f"{metric.unit}；{_range(metric)}"[:255],
            "error_title": "数值超出范围 Out of range",
            "error_message": f"{metric.name_zh}：{_range(metric)} {metric.unit}"[:255],
        },
    )


def _range(metric: Metric) -> str:
    low = "-∞" if metric.min is None else f"{metric.min:g}"
    high = "∞" if metric.max is None else f"{metric.max:g}"
    return f"有效范围 valid range [{low}, {high}]"


def _help_sheet(book: xlsxwriter.Workbook, catalog: Catalog) -> None:
    sheet = book.add_worksheet(HELP_SHEET)
    bold = book.add_format({"bold": True})
    for r, (zh, en) in enumerate(INSTRUCTIONS):
        sheet.write_string(r, 0, zh, bold if r == 0 else None)
        sheet.write_string(r, 1, en)
    start = len(INSTRUCTIONS) + 1
    columns = (
        "指标 Metric",
        "English",
        "类别 Category",
        "维度 Dimension",
        "计量单位 Unit",
        "方向 Direction",
        "有效范围 Range",
    )
    for c, label in enumerate(columns):
        sheet.write_string(start, c, label, bold)
    for i, m in enumerate(catalog.metrics, start=start + 1):
        direction = "越高越好 higher is better" if m.direction > 0 else "越低越好 lower is better"
        for c, value in enumerate((m.name_zh, m.name_en, m.category, m.dimension, m.unit, direction, _range(m))):
            sheet.write_string(i, c, value)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, 6, 16)


def units_from_upload(raw: bytes) -> list[dict[str, object]]:
    """The unit rows of an uploaded unit list (``read_units_csv``), decoded as UTF-8 (with or without a BOM) or,
    as Excel saves a CSV on a Chinese Windows, GB18030. Raises UnicodeDecodeError when neither reads it and
    MasterDataError for a wrong column, row or code."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return read_units_csv(text)
