"""The records a workbook read produces, its limits, and its whole-file errors.

Kept apart from :mod:`analytics.ingest.workbooks` so that the per-format inspectors
(``xlsx_inspect``, ``ods_inspect``, ``xls_inspect``) can share them without an
import cycle. Import these names from :mod:`analytics.ingest.workbooks`.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

Cell = str | float | int | bool | datetime.date | datetime.datetime | None
Position = tuple[int, int]  # (row0, col0)
MergedRange = tuple[int, int, int, int]  # (first_row0, first_col0, last_row0, last_col0)

MIB = 2**20
LETTERS = 26


@dataclass(frozen=True)
class Limits:
    """Upper bounds that refuse a file before it can exhaust memory or time.

    The defaults fit real monthly files with a wide margin. ``max_decompressed_bytes``
    bounds the sum of a zip's member sizes, both as declared and as actually inflated.
    ``max_compression_ratio`` is per member (members under 1 MiB are exempt).
    ``max_rows``/``max_cols`` are per sheet; ``max_cells`` is the whole workbook's
    used area (rows x columns of every sheet, added up).
    """

    max_file_bytes: int = 50 * MIB
    max_decompressed_bytes: int = 500 * MIB
    max_compression_ratio: float = 200.0
    max_sheets: int = 50
    max_rows: int = 100_000
    max_cols: int = 1_000
    max_cells: int = 5_000_000


@dataclass(frozen=True)
class Sheet:
    """One sheet as a rectangular grid in the sheet's own coordinates.

    ``rows[0]`` is sheet row 1 and ``rows[r][0]`` is column A: leading empty rows and
    columns are kept, so ``rows[r][c]`` is the cell ``a1(r, c)``. Values are ``None``
    (empty), ``str``, ``float``/``int``, ``bool``, ``datetime.date`` or
    ``datetime.datetime``; error cells are their text (``'#DIV/0!'``).
    """

    name: str
    hidden: bool
    rows: list[list[Cell]]
    percent_cells: frozenset[Position] = frozenset()
    hidden_rows: frozenset[int] = frozenset()
    formulas_without_value: frozenset[Position] = frozenset()
    merged: tuple[MergedRange, ...] = ()

    def percent_rows(self, col: int) -> frozenset[int]:
        """The rows of column ``col`` whose cells are formatted as a percentage."""
        return self._percent_by_column.get(col, frozenset())

    @functools.cached_property
    def _percent_by_column(self) -> dict[int, frozenset[int]]:
        by_column: dict[int, set[int]] = {}
        for r, c in self.percent_cells:
            by_column.setdefault(c, set()).add(r)
        return {c: frozenset(rows) for c, rows in by_column.items()}


@dataclass(frozen=True)
class Workbook:
    """A whole uploaded file. ``kind`` is what the content is, whatever the extension says."""

    file_name: str
    sha256: str
    kind: str  # 'xlsx' | 'xlsm' | 'xls' | 'ods' | 'csv'
    sheets: tuple[Sheet, ...]
    has_macros: bool


@dataclass
class SheetFacts:
    """What a format inspector learns from a sheet's raw file data, beside its values."""

    percent_cells: set[Position] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)
    formulas_without_value: set[Position] = field(default_factory=set)
    errors: dict[Position, str] = field(default_factory=dict)  # calamine reads them as ''
    merged: list[MergedRange] = field(default_factory=list)
    extent: Position = (0, 0)  # (rows, cols) of the used area, from row 1 / column A


# code -> (Chinese, English). Placeholders are filled by WorkbookError.
MESSAGES: dict[str, tuple[str, str]] = {
    "file_too_large": (
        "文件过大（{size}），上限为 {limit}。",
        "The file is too large ({size}); the limit is {limit}.",
    ),
    "empty_file": ("文件是空的（0 字节）。", "The file is empty (0 bytes)."),
    "not_a_spreadsheet": (
        "该文件实际上是{what_zh}，不是电子表格。{hint_zh}",
        "This file is actually {what_en}, not a spreadsheet. {hint_en}",
    ),
    "unsupported_type": (
        "不支持的文件类型：{what_zh}。请另存为 .xlsx 后再上传。",
        "Unsupported file type: {what_en}. Please save it as .xlsx and upload again.",
    ),
    "corrupt_file": (
        "文件已损坏或不完整，无法读取。请重新导出或另存后再上传。",
        "The file is damaged or incomplete and cannot be read. Please export or save it again.",
    ),
    "encrypted": (
        "文件设置了打开密码，无法读取。请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → "
        "用密码进行加密，清空密码）并保存后再上传。",
        "The file is password-protected and cannot be read. Remove the password in Excel "
        "(File → Info → Protect Workbook → Encrypt with Password, clear it), save, and upload again.",
    ),
    "zip_bomb": (
        "文件解压后的大小或压缩比异常（{detail}），疑似恶意文件，已拒绝读取。",
        "The file's uncompressed size or compression ratio is abnormal ({detail}); "
        "it was refused as a possible zip bomb.",
    ),
    "too_many_sheets": (
        "工作簿有 {count} 个工作表，超过上限 {limit} 个。",
        "The workbook has {count} sheets; the limit is {limit}.",
    ),
    "too_many_rows": (
        "工作表“{sheet}”的数据区域达到第 {count} 行，超过上限 {limit} 行。"
        "请删除多余的行或清除远处单元格的内容后再上传。",
        'Sheet "{sheet}" uses rows up to {count}; the limit is {limit}. '
        "Delete extra rows or clear far-away cells and upload again.",
    ),
    "too_many_cols": (
        "工作表“{sheet}”的数据区域达到第 {count} 列，超过上限 {limit} 列。"
        "请删除多余的列或清除远处单元格的内容后再上传。",
        'Sheet "{sheet}" uses columns up to {count}; the limit is {limit}. '
        "Delete extra columns or clear far-away cells and upload again.",
    ),
    "too_many_cells": (
        "工作簿的数据区域共 {count} 个单元格，超过上限 {limit} 个。",
        "The workbook's used area holds {count} cells; the limit is {limit}.",
    ),
    "csv_encoding": (
        "无法识别 CSV 文件的编码。请以 UTF-8 或 GB18030（GBK）编码保存后再上传。",
        "The CSV file's encoding is not recognised. Save it as UTF-8 or GB18030 (GBK) and upload again.",
    ),
}


class WorkbookError(Exception):
    """A whole-file problem: the file cannot be read at all.

    ``code`` is stable and machine-readable (a key of ``MESSAGES``); ``message`` is
    Chinese, ``message_en`` English; ``sheet`` names the sheet at fault, if one is.
    """

    def __init__(self, code: str, sheet: str | None = None, **details: object) -> None:
        zh, en = MESSAGES[code]
        self.code = code
        self.sheet = sheet
        self.details = details
        self.message = zh.format(sheet=sheet, **details).strip()
        self.message_en = en.format(sheet=sheet, **details).strip()
        super().__init__(f"{code}: {self.message_en}")


def a1(row0: int, col0: int) -> str:
    """The A1 address of a 0-based (row, column): ``a1(0, 0) == 'A1'``, ``a1(11, 4) == 'E12'``."""
    return f"{column_letters(col0)}{row0 + 1}"


@functools.lru_cache(maxsize=16384)
def column_letters(col0: int) -> str:
    """Spreadsheet column letters of a 0-based column: 0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    n = col0 + 1
    while n:
        n, rem = divmod(n - 1, LETTERS)
        letters = chr(ord("A") + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """0-based column of spreadsheet column letters: 'A' -> 0, 'AA' -> 26."""
    n = 0
    for ch in letters:
        n = n * LETTERS + ord(ch) - ord("A") + 1
    return n - 1


def check_extent(sheet: str, rows: int, cols: int, limits: Limits) -> None:
    """Raise ``too_many_rows``/``too_many_cols`` when a sheet's used area is over the limits."""
    if rows > limits.max_rows:
        raise WorkbookError("too_many_rows", sheet=sheet, count=rows, limit=limits.max_rows)
    if cols > limits.max_cols:
        raise WorkbookError("too_many_cols", sheet=sheet, count=cols, limit=limits.max_cols)
    if rows * cols > limits.max_cells:
        raise WorkbookError("too_many_cells", sheet=sheet, count=rows * cols, limit=limits.max_cells)
