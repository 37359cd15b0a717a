"""Calendar months: parsing the many ways planners write them, and month arithmetic.

A period is written ``YYYY-MM``; internally it is an integer month index ``year * 12 + month - 1``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MIN_YEAR, MAX_YEAR = 1990, 2100
DEFAULT_RANGE_MONTHS = 12  # a view without chosen months shows the last twelve months with data

_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})(?![\d\-/.])"),  # 2026-10, 2026/10, 2026.10
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*[-~至到])"),  # 2026年10月, not 2026年1-10月
    re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(?!\d)"),  # 202610, 月报_202610.xlsx
)
_RANGE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*[-~—至到]\s*\d{1,2}\s*月|\d{4}[-/.]\d{1,2}\s*[~—至到]")


def to_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def from_index(index: int) -> str:
    """The ``YYYY-MM`` text of a month index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_strict(text: str) -> int:
    """A ``YYYY-MM`` command-line period; raises ValueError for anything else."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not m or not _valid(int(m.group(1)), int(m.group(2))):
        raise ValueError(f"malformed period {text!r}, expected YYYY-MM")
    return to_index(int(m.group(1)), int(m.group(2)))


def _valid(year: int, month: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12


def parse_period(value: object) -> int | None:
    """A month index from a cell, title, sheet or file name, or None when it names no single month.

    Accepts YYYY-MM, YYYY/MM, YYYY.MM, YYYY年M月, YYYYMM (number or text) and dates (their month).
    A range such as ``2026年1-10月`` names no single month and gives None.
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return to_index(value.year, value.month)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 100000 <= value <= 999912:
            year, month = divmod(int(value), 100)
            return to_index(year, month) if _valid(year, month) else None
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text or _RANGE.search(text):
        return None
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if m and _valid(int(m.group(1)), int(m.group(2))):
            return to_index(int(m.group(1)), int(m.group(2)))
    return None
