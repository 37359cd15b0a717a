"""The records a workbook read produces, its limits, and its whole-file errors.

Kept apart from :mod:`analytics.ingest.workbooks` so that the per-format inspectors
(``xlsx_inspect``, ``ods_inspect``, ``xls_inspect``) can share them without an
import cycle. Import these names from :mod:`analytics.ingest.workbooks`.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from analytics.errors import AnalyticsError, Message
from analytics.i18n import TEXT

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


# The codes of a whole-file refusal; their messages are ``error.<code>`` in the translation table.
CODES = (
    "file_too_large",
    "empty_file",
    "not_a_spreadsheet",
    "unsupported_type",
    "corrupt_file",
    "encrypted",
    "zip_bomb",
    "too_many_sheets",
    "too_many_rows",
    "too_many_cols",
    "too_many_cells",
    "csv_encoding",
)
#: code -> (Chinese, English) as the translation table holds them.
MESSAGES: dict[str, tuple[str, str]] = {code: TEXT[f"error.{code}"] for code in CODES}


class WorkbookError(AnalyticsError):
    """A whole-file problem: the file cannot be read at all.

    ``code`` is stable and machine-readable (one of :data:`CODES`, also the import issue's code); ``message`` is
    Chinese, ``message_en`` English, as an import issue's are (``message("en")`` works too, as for any
    refusal); ``sheet`` names the sheet at fault, if one is; ``details`` are the message's other fields.
    """

    code = "unreadable_file"

    def __init__(self, code: str, sheet: str | None = None, **details: object) -> None:
        self.sheet = sheet
        self.details = details
        super().__init__(code, sheet=sheet, **details)

    @property
    def message(self) -> Message:  # read as text, and called like any refusal's
        return Message(super().message("zh").strip(), self.message_en)

    @property
    def message_en(self) -> str:
        return super().message("en").strip()

    def summary(self) -> str:
        return f"{self.code}: {self.message_en}"


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
