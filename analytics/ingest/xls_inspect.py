"""Facts from a legacy .xls (BIFF8; BIFF5 best effort) that calamine does not give.

The ``Workbook`` stream is walked record by record, reading only record headers and
the first bytes of cell records: the number formats and cell styles (XF) of the
globals, then each worksheet's cells (extent, percent formats, error codes) and ROW
records (hidden rows). Merged ranges come from calamine.

Supported: percent formats (built-in 9/10 and custom formats with ``%``), hidden rows,
error cells, the FILEPASS record (a password) and the used extent. Not applicable:
formulas without a cached value (BIFF always stores the last result).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from analytics.ingest.workbook_model import Limits, SheetFacts, WorkbookError, check_extent
from analytics.ingest.xlsx_inspect import BUILTIN_PERCENT_FORMATS, is_percent_format

BOF, EOF, FILEPASS, CODEPAGE = 0x0809, 0x000A, 0x002F, 0x0042
FORMAT, XF, BOUNDSHEET, ROW = 0x041E, 0x00E0, 0x0085, 0x0208
NUMBER, RK, MULRK, FORMULA, BOOLERR = 0x0203, 0x027E, 0x00BD, 0x0006, 0x0205
LABELSST, LABEL, RSTRING, BLANK, MULBLANK = 0x00FD, 0x0204, 0x00D6, 0x0201, 0x00BE
CELL_RECORDS = frozenset({NUMBER, RK, MULRK, FORMULA, BOOLERR, LABELSST, LABEL, RSTRING, BLANK, MULBLANK})
BIFF8 = 0x0600
WORKSHEET = 0  # BOUNDSHEET dt: 0 worksheet, 1 macro sheet, 2 chart, 6 VBA module
XF_IS_STYLE = 0x0004
ROW_HIDDEN = 0x0020  # fDyZero
FORMULA_SPECIAL = b"\xff\xff"  # a formula's result bytes 6..8 when it is not a number
FORMULA_ERROR = 2
ERROR_TEXT = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}


def inspect_stream(stream: bytes, limits: Limits) -> list[tuple[str, SheetFacts | None]]:
    """(sheet name, facts) in workbook order; facts are None for non-worksheets (charts, macros).

    Raises ``encrypted`` on a FILEPASS record, ``too_many_*`` on an oversized sheet.
    """
    globals_ = _Globals(stream)
    if len(globals_.sheets) > limits.max_sheets:
        raise WorkbookError("too_many_sheets", count=len(globals_.sheets), limit=limits.max_sheets)
    percent = globals_.percent_xfs()
    result: list[tuple[str, SheetFacts | None]] = []
    for name, offset, kind in globals_.sheets:
        facts = _sheet_facts(stream, offset, name, percent, limits) if kind == WORKSHEET else None
        result.append((name, facts))
    return result


class _Globals:
    """Number formats, cell styles and the sheet list of the globals substream."""

    def __init__(self, stream: bytes) -> None:
        self.formats: dict[int, str] = {}
        self.xfs: list[tuple[int, bool]] = []  # (format id, is a style XF)
        self.sheets: list[tuple[str, int, int]] = []  # (name, stream offset, type)
        self.biff8 = True
        self.codepage = "cp1252"
        for rtype, body, size in _records(stream, 0):
            if rtype == EOF:
                break
            self._read(rtype, stream[body : body + size])

    def _read(self, rtype: int, data: bytes) -> None:
        if rtype == FILEPASS:
            raise WorkbookError("encrypted")
        if rtype == BOF and len(data) >= 2:
            self.biff8 = struct.unpack_from("<H", data)[0] == BIFF8
        elif rtype == CODEPAGE and len(data) >= 2:
            self.codepage = f"cp{struct.unpack_from('<H', data)[0]}"
        elif rtype == FORMAT and len(data) >= 3:
            self.formats[struct.unpack_from("<H", data)[0]] = self._string(data[2:], wide_count=self.biff8)
        elif rtype == XF and len(data) >= 6:
            fmt, flags = struct.unpack_from("<HH", data, 2)
            self.xfs.append((fmt, bool(flags & XF_IS_STYLE)))
        elif rtype == BOUNDSHEET and len(data) >= 7:
            offset, _state, kind = struct.unpack_from("<IBB", data)
            self.sheets.append((self._string(data[6:], wide_count=False), offset, kind))

    def _string(self, data: bytes, wide_count: bool) -> str:
        """A BIFF string: a 1- or 2-byte length, then (BIFF8) an encoding flag byte."""
        count, data = (struct.unpack_from("<H", data)[0], data[2:]) if wide_count else (data[0], data[1:])
        if not self.biff8:
            try:
                return data[:count].decode(self.codepage, "replace")
            except LookupError:
                return data[:count].decode("latin-1")
        utf16 = bool(data[:1] and data[0] & 1)
        text = data[1 : 1 + count * (2 if utf16 else 1)]
        return text.decode("utf-16-le" if utf16 else "latin-1", "replace")

    def percent_xfs(self) -> frozenset[int]:
        """Cell XF indexes whose number format is a percentage."""
        return frozenset(
            i
            for i, (fmt, is_style) in enumerate(self.xfs)
            if not is_style
            and (is_percent_format(self.formats[fmt]) if fmt in self.formats else fmt in BUILTIN_PERCENT_FORMATS)
        )


def _records(stream: bytes, pos: int) -> Iterator[tuple[int, int, int]]:
    """(record type, body offset, body size) from ``pos`` to the end of the stream."""
    end = len(stream)
    while pos + 4 <= end:
        rtype, size = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + size > end:
            raise WorkbookError("corrupt_file")
        yield rtype, pos + 4, size
        pos += 4 + size


def _sheet_facts(stream: bytes, offset: int, name: str, percent: frozenset[int], limits: Limits) -> SheetFacts:
    """Walk one worksheet substream (skipping embedded chart substreams)."""
    facts = SheetFacts()
    rows = cols = depth = 0
    for rtype, body, size in _records(stream, offset):
        if rtype in (BOF, EOF):
            depth += 1 if rtype == BOF else -1
            if depth <= 0:
                break
        elif depth != 1 or size < 4:
            continue
        elif rtype == ROW and size >= 14:
            row, flags = struct.unpack_from("<H10xH", stream, body)
            if flags & ROW_HIDDEN:
                facts.hidden_rows.add(row)
        elif rtype in CELL_RECORDS:
            row, col = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, body + size - 2)[0] if rtype in (MULRK, MULBLANK) else col
            rows, cols = max(rows, row + 1), max(cols, last + 1)
            _cell_facts(facts, stream, rtype, body, size, percent)
    check_extent(name, rows, cols, limits)
    facts.extent = (rows, cols)
    return facts


def _cell_facts(facts: SheetFacts, stream: bytes, rtype: int, body: int, size: int, percent: frozenset[int]) -> None:
    """Percent format and error text of one cell record."""
    if size < 6:
        return
    row, col, xf = struct.unpack_from("<HHH", stream, body)
    if rtype in (NUMBER, RK) and xf in percent:
        facts.percent_cells.add((row, col))
    elif rtype == MULRK:
        for i in range((size - 6) // 6):
            if struct.unpack_from("<H", stream, body + 4 + 6 * i)[0] in percent:
                facts.percent_cells.add((row, col + i))
    elif rtype == FORMULA and size >= 14:
        result = stream[body + 6 : body + 14]
        if result[6:8] != FORMULA_SPECIAL:
            if xf in percent:
                facts.percent_cells.add((row, col))
        elif result[0] == FORMULA_ERROR:
            facts.errors[(row, col)] = ERROR_TEXT.get(result[2], "#ERROR")
    elif rtype == BOOLERR and size >= 8 and stream[body + 7]:
        facts.errors[(row, col)] = ERROR_TEXT.get(stream[body + 6], "#ERROR")
