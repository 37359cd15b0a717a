"""Facts from an OpenDocument spreadsheet's ``content.xml`` that calamine does not give.

ODS states what this module needs directly on each cell, so no style lookup is needed:
a percentage cell has ``office:value-type="percentage"``, a hidden row has
``table:visibility="collapse"`` (or ``"filter"``), merged cells carry
``table:number-columns-spanned``/``table:number-rows-spanned``, LibreOffice marks errors
with ``calcext:value-type="error"``, and a formula without a cached value has
``table:formula`` but no ``office:value-type``.

Rows and cells may be repeated (``number-rows-repeated``/``number-columns-repeated``);
LibreOffice writes a million empty rows that way. Only non-empty cells extend a sheet,
and the limits are checked as each one is met, before anything is expanded.

The tags are found with one regular expression over the bytes (no tree, no callbacks
per text node). Like calamine, it matches the qualified names ``table:table-row`` etc.
literally, so it sees exactly the cells calamine will read.
"""

from __future__ import annotations

import html
import re

from analytics.ingest.workbook_model import Limits, Position, SheetFacts, WorkbookError, check_extent

_QUOTED = rb"(?:\"[^\"]*\"|'[^']*')"
_TAG = re.compile(
    rb"<table:(table-cell|covered-table-cell|table-row|table)((?:\s+[\w:.-]+\s*=\s*" + _QUOTED + rb")*)\s*(/?)>"
    rb"|</table:(table-row|table)>"
)
_CELL_END = b"</table:table-cell>"
_ANY_TAG = re.compile(rb"<[^>]*>")
HIDDEN_VISIBILITY = (b"collapse", b"filter")


NAME = b"table:name"
ROWS_REPEATED = b"table:number-rows-repeated"
COLUMNS_REPEATED = b"table:number-columns-repeated"
ROWS_SPANNED = b"table:number-rows-spanned"
COLUMNS_SPANNED = b"table:number-columns-spanned"
VISIBILITY = b"table:visibility"
VALUE_TYPE = b"office:value-type"
CALCEXT_VALUE_TYPE = b"calcext:value-type"


class _TableScan:
    """Running state while one ``table:table`` streams past."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.facts = SheetFacts()
        self.row = self.col = 0
        self.row_repeat = 1
        self.hidden_spans: list[tuple[int, int]] = []

    def row_start(self, attrs: bytes) -> None:
        self.col = 0
        self.row_repeat = _count(attrs, ROWS_REPEATED)
        if _value(attrs, VISIBILITY) in HIDDEN_VISIBILITY:
            self.hidden_spans.append((self.row, self.row + self.row_repeat))

    def row_end(self) -> None:
        self.row += self.row_repeat

    def cell(self, attrs: bytes, has_content: bool) -> int | None:
        """Record a cell; return its column when it is an error cell (its text follows)."""
        col, repeat = self.col, _count(attrs, COLUMNS_REPEATED) if b"repeated" in attrs else 1
        self.col += repeat
        value_type = _value(attrs, VALUE_TYPE)
        formula = b"table:formula" in attrs
        if value_type is None and not formula and not has_content:
            return None  # empty (perhaps styled) cells never extend the sheet
        self._extend(col + repeat)
        if value_type == b"percentage":
            self.facts.percent_cells.update(self._spots(col, repeat))
        elif formula and value_type is None:
            self.facts.formulas_without_value.update(self._spots(col, repeat))
        if b"spanned" in attrs:
            col_span, row_span = _count(attrs, COLUMNS_SPANNED), _count(attrs, ROWS_SPANNED)
            if col_span > 1 or row_span > 1:
                self.facts.merged.append((self.row, col, self.row + row_span - 1, col + col_span - 1))
        is_error = b"error" in attrs and _value(attrs, CALCEXT_VALUE_TYPE) == b"error"
        return col if is_error else None

    def error(self, col: int, text: str) -> None:
        self.facts.errors.update(dict.fromkeys(self._spots(col, 1), text))

    def _extend(self, cols: int) -> None:
        rows, old_cols = self.facts.extent
        if self.row + self.row_repeat > rows or cols > old_cols:
            extent = (max(rows, self.row + self.row_repeat), max(old_cols, cols))
            check_extent(self.name, *extent, self.limits)
            self.facts.extent = extent

    def _spots(self, col: int, repeat: int) -> list[Position]:
        return [(r, c) for r in range(self.row, self.row + self.row_repeat) for c in range(col, col + repeat)]

    def finish(self) -> SheetFacts:
        height = self.facts.extent[0]
        for start, stop in self.hidden_spans:
            self.facts.hidden_rows.update(range(start, min(stop, height)))
        return self.facts


def inspect_content(content_xml: bytes, limits: Limits) -> dict[str, SheetFacts]:
    """Sheet name -> facts, for every table of ``content.xml``.

    Raises ``too_many_sheets``/``too_many_*`` as soon as a limit is passed, and
    ``corrupt_file`` for a DTD (never valid in ODF).
    """
    if b"<!DOCTYPE" in content_xml or b"<!ENTITY" in content_xml:
        raise WorkbookError("corrupt_file")
    facts: dict[str, SheetFacts] = {}
    scan: _TableScan | None = None
    depth = 0  # tables nested in a cell (sub-tables) are not sheets: ignore them
    for match in _TAG.finditer(content_xml):
        tag, attrs, closed, end_tag = match.groups()
        if tag == b"table" or end_tag == b"table":
            depth += -1 if end_tag else 1 - bool(closed)
            if tag and depth == (0 if closed else 1):
                if len(facts) >= limits.max_sheets:
                    raise WorkbookError("too_many_sheets", count=len(facts) + 1, limit=limits.max_sheets)
                scan = _TableScan(html.unescape((_value(attrs, NAME) or b"").decode("utf-8", "replace")), limits)
                if closed:  # an empty sheet written as <table:table .../>
                    facts[scan.name], scan = scan.finish(), None
            elif end_tag and depth == 0 and scan is not None:
                facts[scan.name] = scan.finish()
                scan = None
        elif scan is None or depth != 1:
            continue
        elif tag == b"table-row":
            scan.row_start(attrs)
            if closed:
                scan.row_end()
        elif end_tag:
            scan.row_end()
        elif (error_col := scan.cell(attrs, has_content=not closed)) is not None:
            scan.error(error_col, _text_until_cell_end(content_xml, match.end()))
    return facts


def _text_until_cell_end(content_xml: bytes, start: int) -> str:
    end = content_xml.find(_CELL_END, start)
    inner = content_xml[start : end if end >= 0 else start]
    return html.unescape(_ANY_TAG.sub(b"", inner).decode("utf-8", "replace")).strip()


def _value(attrs: bytes, name: bytes) -> bytes | None:
    """An attribute's raw value, or None when the tag has none (a find, not a regex: it is per cell)."""
    at = attrs.find(name + b"=")
    if at < 0:  # absent, or written with spaces around '=' (legal, though no producer does)
        match = re.search(re.escape(name) + rb"\s*=\s*[\"']([^\"']*)", attrs) if name in attrs else None
        return match.group(1) if match else None
    start = at + len(name) + 2
    return attrs[start : attrs.find(attrs[start - 1 : start], start)]


def _count(attrs: bytes, name: bytes) -> int:
    """A repeat/span attribute as a positive int (1 when absent or malformed)."""
    value = _value(attrs, name)
    return int(value) if value is not None and value.isdigit() and int(value) > 0 else 1
