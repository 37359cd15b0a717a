"""The tables behind each slide as an Excel workbook (xlsxwriter): a cover sheet, then one sheet per deck item, then
the reporting cycle's records of the view when there are any: the uploaders' notes (情况说明) and the restated
months (更正), SPEC §8.

Formula injection is neutralised: every string is written with ``write_string`` (xlsxwriter never turns it into a
formula, URL or number), and a string that a spreadsheet would read as a formula when retyped (starting with
= + - @, a tab or a carriage return) also gets the cell style's quote-prefix flag, so it stays text even when the
cell is edited — no apostrophe is added to the data itself.
"""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from analytics.i18n import t
from analytics.reports.annex import restated_rows
from analytics.reports.deck import Deck, Slide
from analytics.reports.marking import ExportMark

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_MAX = 31
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")
HEADER_ROWS = 5  # title, subtitle, mark, filters and data version, blank
COLUMN_WIDTH_MAX = 48


def is_formula_like(text: str) -> bool:
    """True for a string a spreadsheet would take as a formula (or DDE) when typed into a cell."""
    return text.startswith(FORMULA_STARTS)


class _Writer:
    """Cell writing with the formats of one workbook; strings always as text."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.text = book.add_format({"font_name": "Microsoft YaHei", "font_size": 10})
        self.guarded = book.add_format({"font_name": "Microsoft YaHei", "font_size": 10, "quote_prefix": True})
        self.number = book.add_format({"font_name": "Microsoft YaHei", "font_size": 10, "num_format": "#,##0.####"})
        self.header = book.add_format(
            {"font_name": "Microsoft YaHei", "bold": True, "bg_color": "#F2DCDB", "border": 1}
        )
        self.title = book.add_format({"font_name": "Microsoft YaHei", "bold": True, "font_size": 16})
        self.caption = book.add_format({"font_name": "Microsoft YaHei", "bold": True, "font_size": 12})
        self.mark = book.add_format({"font_name": "Microsoft YaHei", "font_color": "#B22222", "font_size": 10})

    def value(self, sheet: Worksheet, row: int, col: int, value: object) -> int:
        """Write one value; returns its displayed width (for column sizing)."""
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return 0
        if isinstance(value, (bool, np.bool_)):
            sheet.write_boolean(row, col, bool(value), self.text)
            return 5
        if isinstance(value, (int, float, np.integer, np.floating)):
            sheet.write_number(row, col, float(value), self.number)
            return 12
        return self.string(sheet, row, col, str(value))

    def string(self, sheet: Worksheet, row: int, col: int, text: str, fmt: Format | None = None) -> int:
        guard = is_formula_like(text)
        sheet.write_string(row, col, text, self.guarded if guard else (fmt or self.text))
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def sheet_name(index: int, title: str, taken: set[str]) -> str:
    """'3 融合度排名' — unique, at most 31 characters, without the characters Excel forbids."""
    name = f"{index} {BAD_SHEET_CHARS.sub(' ', title)}"[:SHEET_NAME_MAX].strip()
    while name in taken:
        name = f"{name[: SHEET_NAME_MAX - 1]}_"
    taken.add(name)
    return name


def _table(
    writer: _Writer, sheet: Worksheet, row: int, caption: str, frame: pd.DataFrame, lang: str, widths: dict[int, int]
) -> int:
    """Write a caption, a header row and the frame's rows from ``row``; returns the next free row."""
    writer.string(sheet, row, 0, caption, writer.caption)
    row += 1
    for col, name in enumerate(frame.columns):
        width = writer.string(sheet, row, col, t(f"present.col.{name}", lang), writer.header)
        widths[col] = max(widths.get(col, 0), width)
    for values in frame.itertuples(index=False):
        row += 1
        for col, value in enumerate(values):
            widths[col] = max(widths.get(col, 0), writer.value(sheet, row, col, value))
    return row + 2


def _slide_sheet(
    book: xlsxwriter.Workbook, writer: _Writer, slide: Slide, index: int, deck: Deck, mark: str, taken: set[str]
) -> None:
    sheet = book.add_worksheet(sheet_name(index, t(f"present.sheet.{slide.kind}", deck.lang), taken))
    writer.string(sheet, 0, 0, slide.title, writer.title)
    writer.string(sheet, 1, 0, slide.subtitle)
    writer.string(sheet, 2, 0, mark, writer.mark)
    writer.string(sheet, 3, 0, f"{deck.scope_text} · {deck.stamp_text}")
    row, widths = HEADER_ROWS, dict[int, int]()
    for key, frame in slide.tables:
        row = _table(writer, sheet, row, t(key, deck.lang), frame, deck.lang, widths)
    for col, width in widths.items():
        sheet.set_column(col, col, min(max(width + 2, 8), COLUMN_WIDTH_MAX))


def _cycle_sheets(book: xlsxwriter.Workbook, writer: _Writer, deck: Deck, mark: str, taken: set[str]) -> None:
    """After the slides, the reporting cycle's records of the view (SPEC §8), each sheet only when it has rows: the
    uploaders' notes (情况说明) and the restated months (更正)."""
    lang = deck.lang
    restated = restated_rows(deck.stamp.marks, deck.scope.start, deck.scope.end, t("sep.list", lang))
    for kind, frame in (("notes", deck.notes), ("restated", restated)):
        if frame is None or frame.empty:
            continue
        name = t(f"xlsx.sheet.{kind}", lang)
        sheet = book.add_worksheet(name)
        taken.add(name)
        writer.string(sheet, 0, 0, t(f"xlsx.{kind}.title", lang), writer.title)
        writer.string(sheet, 1, 0, t(f"xlsx.{kind}.subtitle", lang))
        writer.string(sheet, 2, 0, mark, writer.mark)
        writer.string(sheet, 3, 0, f"{deck.scope_text} · {deck.stamp_text}")
        widths: dict[int, int] = {}
        _table(writer, sheet, HEADER_ROWS, t(f"xlsx.{kind}.caption", lang, n=len(frame)), frame, lang, widths)
        for col, width in widths.items():
            sheet.set_column(col, col, min(max(width + 2, 8), COLUMN_WIDTH_MAX))


def _cover(book: xlsxwriter.Workbook, writer: _Writer, deck: Deck, mark: str) -> None:
    sheet = book.add_worksheet(t("present.internal", deck.lang))
    writer.string(sheet, 0, 0, t("present.report_title", deck.lang), writer.title)
    writer.string(sheet, 1, 0, mark, writer.mark)
    writer.string(sheet, 2, 0, deck.scope_text)
    writer.string(sheet, 3, 0, deck.stamp_text)
    for i, slide in enumerate(deck.slides, start=1):
        writer.string(sheet, HEADER_ROWS + i - 1, 0, f"{i}. {slide.title}")
    sheet.set_column(0, 0, 80)


def report_xlsx(deck: Deck, mark: ExportMark) -> bytes:
    """The deck's tables as .xlsx bytes: a cover sheet (mark, filters, data version), then a sheet per slide."""
    out = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    book = xlsxwriter.Workbook(out, options)
    text = mark.text(deck.lang)
    book.set_properties(
        {
            "title": t("present.report_title", deck.lang),
            "subject": f"{deck.scope_text} · {deck.stamp_text}",
            "author": mark.user,
            "manager": "",
            "company": "",
            "category": t("present.internal", deck.lang),
            "keywords": "",
            "comments": text,
            "created": mark.when,
        }
    )
    writer, taken = _Writer(book), set()
    _cover(book, writer, deck, text)
    taken.add(t("present.internal", deck.lang))
    for index, slide in enumerate(deck.slides, start=1):
        _slide_sheet(book, writer, slide, index, deck, text, taken)
    _cycle_sheets(book, writer, deck, text, taken)
    book.close()
    return out.getvalue()
