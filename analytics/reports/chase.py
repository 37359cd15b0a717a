"""The 催报 list (SPEC §8) as an Excel workbook, built in memory (xlsxwriter): a title, the export mark, then the
table with its header. Every string is written as a string (never a formula, URL or number), and one a spreadsheet
would read as a formula when retyped also gets the quote-prefix flag, as in analytics.reports.xlsx."""

from __future__ import annotations

import io
import math

import pandas as pd
import xlsxwriter

from analytics.reports.marking import ExportMark
from analytics.reports.xlsx import is_formula_like

HEADER_ROW = 3  # title, mark, blank, then the header
COLUMN_WIDTH_MAX = 48
SHEET_NAME_MAX = 31


def _width(text: str) -> int:
    """Displayed width: a CJK character counts twice."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def chase_xlsx(table: pd.DataFrame, title: str, sheet: str, mark: ExportMark, lang: str) -> bytes:
    """``table`` (already with the column names to show) as one sheet called ``sheet`` under ``title``."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    font = {"font_name": "Microsoft YaHei", "font_size": 10}
    text = book.add_format(font)
    guarded = book.add_format({**font, "quote_prefix": True})
    number = book.add_format({**font, "num_format": "#,##0.####"})
    header = book.add_format({**font, "bold": True, "bg_color": "#F2DCDB", "border": 1})
    bold = book.add_format({**font, "bold": True, "font_size": 14})
    red = book.add_format({**font, "font_color": "#B22222"})
    page = book.add_worksheet(sheet[:SHEET_NAME_MAX])
    page.write_string(0, 0, title, guarded if is_formula_like(title) else bold)
    page.write_string(1, 0, mark.text(lang), red)
    widths = [_width(str(name)) for name in table.columns]
    for col, name in enumerate(table.columns):
        page.write_string(HEADER_ROW, col, str(name), header)
    for row, values in enumerate(table.itertuples(index=False), start=HEADER_ROW + 1):
        for col, value in enumerate(values):
            if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
                continue
            if isinstance(value, bool):
                page.write_boolean(row, col, value, text)
            elif isinstance(value, int | float):
                page.write_number(row, col, float(value), number)
                widths[col] = max(widths[col], 12)
            else:
                cell = str(value)
                page.write_string(row, col, cell, guarded if is_formula_like(cell) else text)
                widths[col] = max(widths[col], _width(cell))
    for col, width in enumerate(widths):
        page.set_column(col, col, min(COLUMN_WIDTH_MAX, width + 2))
    page.freeze_panes(HEADER_ROW + 1, 0)
    book.set_properties({"title": title, "author": mark.user, "comments": mark.text(lang)})
    book.close()
    return out.getvalue()
