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
The document is streamed (``iterparse``), one row at a time.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from analytics.workbook_model import Limits, SheetFacts, WorkbookError, check_extent

TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE_NS = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
CALCEXT_NS = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
TABLE = TABLE_NS + "table"
ROW = TABLE_NS + "table-row"
CELLS = {TABLE_NS + "table-cell", TABLE_NS + "covered-table-cell"}
HIDDEN_VISIBILITY = {"collapse", "filter"}


class _TableScan:
    """Running state while one ``table:table`` streams past."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.facts = SheetFacts()
        self.row = 0
        self.col = 0
        self.row_repeat = 1
        self.row_hidden = False
        self.hidden_spans: list[tuple[int, int]] = []

    def start_row(self, el: ET.Element) -> None:
        self.col = 0
        self.row_repeat = _count(el.get(TABLE_NS + "number-rows-repeated"))
        self.row_hidden = el.get(TABLE_NS + "visibility") in HIDDEN_VISIBILITY

    def end_row(self) -> None:
        if self.row_hidden:
            self.hidden_spans.append((self.row, self.row + self.row_repeat))
        self.row += self.row_repeat

    def cell(self, el: ET.Element) -> None:
        repeat = _count(el.get(TABLE_NS + "number-columns-repeated"))
        value_type = el.get(OFFICE_NS + "value-type")
        formula = el.get(TABLE_NS + "formula")
        if value_type is not None or formula is not None or len(el):
            self._extend(self.row + self.row_repeat, self.col + repeat)
            self._record(el, value_type, formula, repeat)
        self.col += repeat

    def _extend(self, rows: int, cols: int) -> None:
        old_rows, old_cols = self.facts.extent
        extent = (max(old_rows, rows), max(old_cols, cols))
        if extent != self.facts.extent:
            check_extent(self.name, *extent, self.limits)
            self.facts.extent = extent

    def _record(self, el: ET.Element, value_type: str | None, formula: str | None, repeat: int) -> None:
        spots = [
            (r, c) for r in range(self.row, self.row + self.row_repeat) for c in range(self.col, self.col + repeat)
        ]
        facts = self.facts
        if value_type == "percentage":
            facts.percent_cells.update(spots)
        if formula is not None and value_type is None:
            facts.formulas_without_value.update(spots)
        if el.get(CALCEXT_NS + "value-type") == "error":
            text = "".join(el.itertext()).strip()
            facts.errors.update(dict.fromkeys(spots, text))
        col_span = _count(el.get(TABLE_NS + "number-columns-spanned"))
        row_span = _count(el.get(TABLE_NS + "number-rows-spanned"))
        if col_span > 1 or row_span > 1:
            facts.merged.append((self.row, self.col, self.row + row_span - 1, self.col + col_span - 1))

    def finish(self) -> SheetFacts:
        height = self.facts.extent[0]
        for start, stop in self.hidden_spans:
            self.facts.hidden_rows.update(range(start, min(stop, height)))
        return self.facts


def inspect_content(content_xml: bytes, limits: Limits) -> dict[str, SheetFacts]:
    """Sheet name -> facts, for every table of ``content.xml``.

    Raises ``too_many_sheets``/``too_many_*`` as soon as a limit is passed, and
    ``corrupt_file`` for malformed XML or a DTD.
    """
    if b"<!DOCTYPE" in content_xml or b"<!ENTITY" in content_xml:
        raise WorkbookError("corrupt_file")
    tables = content_xml.count(b"<table:table ")
    if tables > limits.max_sheets:
        raise WorkbookError("too_many_sheets", count=tables, limit=limits.max_sheets)
    facts: dict[str, SheetFacts] = {}
    scan: _TableScan | None = None
    depth = 0  # tables nested in a cell (sub-tables) are not sheets: ignore them
    try:
        for event, el in ET.iterparse(io.BytesIO(content_xml), events=("start", "end")):
            if el.tag == TABLE:
                depth += 1 if event == "start" else -1
                if event == "start" and depth == 1:
                    scan = _TableScan(el.get(TABLE_NS + "name", ""), limits)
                elif event == "end" and depth == 0 and scan is not None:
                    facts[scan.name] = scan.finish()
                    if len(facts) > limits.max_sheets:
                        raise WorkbookError("too_many_sheets", count=len(facts), limit=limits.max_sheets)
                    el.clear()
            elif scan is None or depth != 1:
                continue
            elif el.tag == ROW and event == "start":
                scan.start_row(el)
            elif el.tag == ROW:
                scan.end_row()
                el.clear()
            elif el.tag in CELLS and event == "end":
                scan.cell(el)
                el.clear()
    except ET.ParseError as exc:
        raise WorkbookError("corrupt_file") from exc
    return facts


def _count(value: str | None) -> int:
    """A repeat/span attribute as a positive int (1 when absent or malformed)."""
    return int(value) if value is not None and value.isdigit() and int(value) > 0 else 1
