"""Cheap facts from an xlsx/xlsm's XML that calamine does not give: percent formats,
hidden rows, formulas without a cached value, error cells, and the sheet's true extent.

Sheet XML can be hundreds of MB, so it is never parsed into a tree: each fact is found
by a literal byte search (C speed) that usually finds nothing, and only hits are
looked at in Python. Writers that put ``r`` first in ``<c r="A1" ...>`` (Excel, WPS,
LibreOffice, openpyxl, xlsxwriter) take the fast path; any other form of cell tag
takes a slower but exact walk, because calamine allocates ``rows x cols`` cells at
once and a far-away cell must never reach it unchecked.

Not supported: percent/hidden/error facts of cells or rows written without an ``r``
attribute or with unusual attribute quoting (their values are still read).
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import re2

from analytics.ingest.workbook_model import (
    Limits,
    Position,
    SheetFacts,
    WorkbookError,
    check_extent,
    column_index,
    column_letters,
)

BUILTIN_PERCENT_FORMATS = frozenset({9, 10})  # '0%' and '0.00%'
# Parts of a number format that never make it a percentage: quoted text, escaped
# characters, padding/fill characters, and [colour]/[condition]/[locale] sections.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|[_*].|\[[^\]]*\]')
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["\']([^"\']*)["\']')
_CELL_REF = re.compile(rb'\br\s*=\s*["\']([A-Z]*)(\d*)["\']')
_REF_TEXT = re.compile(r"\$?([A-Z]+)\$?(\d+)")
_ROW_OR_CELL = re.compile(rb"<(?:[\w.-]+:)?(row|c)[\s/>]")
# The whole-sheet scans run on RE2 (google-re2): a linear-time automaton, ~5x faster than ``re`` on the tens of MB
# of a big sheet, where ``re`` restarts a backtracking match at each of millions of cell tags.
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.max_mem = 64 << 20
_ODD_CELL_TAG = rb'<c(?:[^ ]| [^r]| r[^=]| r=[^"])|:c'  # any cell tag that is not an unprefixed <c r="…
# A number, boolean or shared-string index whose <v> holds an entity or character reference, CDATA or a comment:
# calamine keeps only the text before it ('&#49;' is read as blank, '1&#48;' as 1), so it must not reach the
# values; nor may a non-finite word (calamine reads 'NaN' as a NaN float, i.e. blank, and 'inf' as infinity).
_ODD_VALUE = rb"<v>(?:[^<&]*(?:&|<[^/])|\s*[-+]?(?i:inf|nan))"
_TEXT_TYPES = (b"str", b"inlineStr", b"e", b"d")  # calamine decodes these <v> texts in full
_CELL_TYPE = re.compile(rb'\bt\s*=\s*["\']([^"\']*)["\']')


def main_part(content_types: bytes) -> tuple[str, str] | None:
    """(content type, part name) of the package's main document, from ``[Content_Types].xml``."""
    for el in parse_xml(content_types).iter():
        kind = el.get("ContentType", "")
        if _local(el.tag) == "Override" and (kind.endswith(".main+xml") or kind.endswith(".main")):
            return kind, el.get("PartName", "").lstrip("/")
    return None


def sheet_paths(workbook_xml: bytes, rels_xml: bytes | None, workbook_part: str) -> dict[str, str]:
    """Sheet name -> zip path of its XML part, in workbook order."""
    base = posixpath.dirname(workbook_part)
    targets: dict[str, str] = {}
    if rels_xml is not None:
        for el in parse_xml(rels_xml).iter():
            if _local(el.tag) == "Relationship":
                target = el.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
                targets[el.get("Id", "")] = posixpath.normpath(path)
    paths: dict[str, str] = {}
    for el in parse_xml(workbook_xml).iter():
        if _local(el.tag) == "sheet":
            rel_id = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            if rel_id in targets:
                paths[el.get("name", "")] = targets[rel_id]
    return paths


def percent_styles(styles_xml: bytes | None) -> frozenset[int]:
    """Indexes into ``cellXfs`` (a cell's ``s``) whose number format is a percentage."""
    if styles_xml is None:
        return frozenset()
    root = parse_xml(styles_xml)
    percent_formats = set(BUILTIN_PERCENT_FORMATS)
    for el in root.iter():
        fmt_id = el.get("numFmtId", "")
        if _local(el.tag) == "numFmt" and fmt_id.isdigit():
            if is_percent_format(el.get("formatCode", "")):
                percent_formats.add(int(fmt_id))
            else:
                percent_formats.discard(int(fmt_id))
    cell_xfs = next((el for el in root.iter() if _local(el.tag) == "cellXfs"), None)
    if cell_xfs is None:
        return frozenset()
    xfs = [el.get("numFmtId", "0") for el in cell_xfs if _local(el.tag) == "xf"]
    return frozenset(i for i, fmt in enumerate(xfs) if fmt.isdigit() and int(fmt) in percent_formats)


def is_percent_format(code: str) -> bool:
    """Whether a number format shows a value x100 with '%' (``0.0%`` yes, ``0.00"%"`` no)."""
    return "%" in _FORMAT_LITERALS.sub("", code)


def inspect_sheet(data: bytes, sheet: str, percent: frozenset[int], limits: Limits) -> SheetFacts:
    """Facts of one worksheet's XML. Raises ``too_many_*`` before calamine sees a huge sheet."""
    facts = sheet_extent(data, sheet, limits)
    add_cell_facts(facts, data, percent)
    return facts


def sheet_extent(data: bytes, sheet: str, limits: Limits) -> SheetFacts:
    """The worksheet's verified extent (the other facts empty). Raises ``too_many_*`` for a huge sheet: this is
    the check that must come before calamine, which allocates the whole extent at once."""
    start = data.find(b"sheetData")
    if start < 0:
        return SheetFacts()
    prefix = data[data.rfind(b"<", 0, start) + 1 : start]
    declared = _declared_extent(data[:start])
    if declared is not None:
        check_extent(sheet, *declared, limits)
    extent = _verified_extent(data, prefix, declared)
    check_extent(sheet, *extent, limits)
    return SheetFacts(extent=extent)


def add_cell_facts(facts: SheetFacts, data: bytes, percent: frozenset[int]) -> None:
    """Fill in the percent cells, hidden rows, formulas without a value and error cells of a worksheet's XML
    (safe to run while calamine reads the values)."""
    start = data.find(b"sheetData")
    if start < 0:
        return
    prefix = data[data.rfind(b"<", 0, start) + 1 : start]
    if percent:
        facts.percent_cells = _percent_cells(data, percent, prefix)
    for literal in (rb' hidden="1"', rb' hidden="true"'):
        facts.hidden_rows.update(row for row, _ in _cells_with(data, literal, prefix + b"row"))
    facts.formulas_without_value = _formulas_without_value(data, prefix)
    facts.errors = _errors(data, prefix) | _unreadable_values(data, prefix)


def parse_xml(data: bytes) -> ET.Element:
    """Parse a small package part; a DTD (never valid in OOXML/ODF) or bad XML is corruption."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise WorkbookError("corrupt_file")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise WorkbookError("corrupt_file") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _declared_extent(head: bytes) -> tuple[int, int] | None:
    """(rows, cols) up to the end of ``<dimension ref>``, or None when absent."""
    match = _DIMENSION.search(head)
    refs = _REF_TEXT.findall(match.group(1).decode("ascii", "replace")) if match else []
    if not refs:
        return None
    letters, digits = refs[-1]
    return int(digits), column_index(letters) + 1


def _verified_extent(data: bytes, prefix: bytes, declared: tuple[int, int] | None) -> tuple[int, int]:
    """The used area's (rows, cols), checked against every cell reference in the sheet.

    The declared extent stands when every cell tag is an unprefixed ``<c r="...`` (so one search sees them
    all) and none lies beyond it: one RE2 pass looks for either. Inside ``<sheetData>`` only cell tags start with
    ``<c`` and no tag has a prefix; a rich inline string (``<color>`` in its run properties) just sends the sheet
    to the slow, exact walk.
    """
    start, end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    if declared is not None and not prefix and 0 <= start < end:
        rows, cols = declared
        col_bound = _higher_than(column_letters(cols - 1), "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "[A-Z]")
        row_bound = _higher_than(str(rows), "0123456789", r"\d")
        beyond = rb'<c r="(?:' + col_bound + rb"\d|[A-Z]+" + row_bound + rb'")'
        if re2.compile(_ODD_CELL_TAG + rb"|" + beyond, _RE2_OPTIONS).search(data, start, end) is None:
            return declared
    return _walk_extent(data)


def _walk_extent(data: bytes) -> tuple[int, int]:
    """Exact extent by visiting every row and cell tag, with implied positions (slow path)."""
    row = col = -1
    max_row = max_col = 0
    for match in _ROW_OR_CELL.finditer(data):
        tag = data[match.end() - 1 : data.find(b">", match.end() - 1)]
        ref = _CELL_REF.search(tag)
        letters, digits = ref.groups() if ref else (b"", b"")
        if match.group(1) == b"row":
            row, col = (int(digits) - 1 if digits else row + 1), -1
            continue
        col = column_index(letters.decode()) if letters else col + 1
        cell_row = int(digits) - 1 if digits else row
        max_row, max_col = max(max_row, cell_row + 1), max(max_col, col + 1)
    return max_row, max_col


def _higher_than(bound: str, alphabet: str, any_char: str) -> bytes:
    """A regex group matching same-alphabet strings that sort after ``bound`` as numbers/columns."""
    n = len(bound)
    options = [f"{any_char}{{{n + 1},}}"]
    for i, ch in enumerate(bound):
        higher = alphabet[alphabet.index(ch) + 1 :]
        if higher:
            rest = f"{any_char}{{{n - i - 1}}}" if n - i - 1 else ""
            options.append(f"{bound[:i]}[{higher[0]}-{higher[-1]}]{rest}")
    return ("(?:" + "|".join(options) + ")").encode()


def _percent_cells(data: bytes, percent: frozenset[int], prefix: bytes) -> set[Position]:
    """Positions of the cells styled with a percent format (style index in ``percent``).

    Fast path, one regex pass: cells written ``<c r="B3" ... s="5"`` (Excel, LibreOffice, xlsxwriter and
    openpyxl all put ``r`` first). It is used only when its matches account for every ``s="5"`` in the sheet
    (a row style, an attribute order or a tag it does not cover sends the sheet to the general scan)."""
    styles = b"|".join(str(i).encode() for i in sorted(percent))
    attribute = rb' s="(?:' + styles + rb')"'
    if not prefix:
        refs = re.findall(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]{0,200}?' + attribute, data)  # re caches it
        if len(refs) == sum(data.count(b' s="%d"' % i) for i in percent):
            columns = {letters: column_index(letters.decode()) for letters in {letters for letters, _ in refs}}
            return {(int(row) - 1, columns[letters]) for letters, row in refs}
    return set(_cells_with(data, attribute, prefix + b"c"))


def _cells_with(data: bytes, attribute: bytes, tag: bytes) -> list[Position]:
    """Positions of ``<tag ...>`` elements having ``attribute`` (a regex with a literal start)."""
    return [pos for pos, _ in _tags_with(data, attribute, tag)]


def _tags_with(data: bytes, attribute: bytes, tag: bytes) -> Iterator[tuple[Position, int]]:
    """(position, offset of the tag's '>') of each ``<tag ...>`` having ``attribute``."""
    for match in re.finditer(attribute, data):
        lt = data.rfind(b"<", 0, match.start())
        if not data.startswith(b"<" + tag + b" ", lt):
            continue
        gt = data.find(b">", lt)
        ref = _CELL_REF.search(data, lt, gt)
        if ref is None or not ref.group(2):
            continue  # position only implied: not supported here
        col = column_index(ref.group(1).decode()) if ref.group(1) else 0
        yield (int(ref.group(2)) - 1, col), gt


def _formulas_without_value(data: bytes, prefix: bytes) -> set[Position]:
    """Formula cells with no cached result: no ``<v>``, or an empty one (as openpyxl writes)
    on a cell that is not a text result (``t="str"``, whose result may be '')."""
    found: set[Position] = set()
    close = b"</" + prefix + b"f>"
    value = b"<" + prefix + b"v"
    empty_values = (value + b"/>", value + b"></" + prefix + b"v>")
    for match in re.finditer(b"<" + re.escape(prefix) + rb"f[\s>/]", data):
        gt = data.find(b">", match.start())
        end = gt if data[gt - 1 : gt] == b"/" else data.find(close, gt)
        if gt < 0 or end < 0:
            continue
        after = data.find(b">", end) + 1
        while data[after : after + 1].isspace():
            after += 1
        has_value = data.startswith(value, after)
        if has_value and not data.startswith(empty_values, after):
            continue
        cell = data.rfind(b"<" + prefix + b"c ", 0, match.start())
        cell_end = data.find(b">", cell)
        if cell < 0 or (has_value and b't="str"' in data[cell:cell_end]):
            continue
        ref = _CELL_REF.search(data, cell, cell_end)
        if ref and ref.group(1) and ref.group(2):
            found.add((int(ref.group(2)) - 1, column_index(ref.group(1).decode())))
    return found


def _errors(data: bytes, prefix: bytes) -> dict[Position, str]:
    """Error cells (``t="e"``) and their text, e.g. '#DIV/0!' (calamine reads them as empty)."""
    errors: dict[Position, str] = {}
    value_open, value_close = b"<" + prefix + b"v>", b"</" + prefix + b"v>"
    for pos, gt in _tags_with(data, rb' t="e"', prefix + b"c"):
        if data[gt - 1 : gt] == b"/":
            continue
        cell_end = data.find(b"</" + prefix + b"c>", gt)
        start = data.find(value_open, gt, cell_end)
        end = data.find(value_close, start, cell_end)
        if 0 <= start < end:
            errors[pos] = data[start + len(value_open) : end].decode("utf-8", "replace")
    return errors


def _unreadable_values(data: bytes, prefix: bytes) -> dict[Position, str]:
    """Cells whose stored value calamine would misread (see ``_ODD_VALUE``), with their raw XML text.

    The text takes the value's place, so the cell is an error where a number is expected (e.g. ``“&#49;” is not
    a number``) and never a silent blank. Text-typed cells are left alone: their references decode in full.
    """
    found: dict[Position, str] = {}
    value_open, value_close = b"<" + prefix + b"v>", b"</" + prefix + b"v>"
    pattern = re2.compile(_ODD_VALUE.replace(b"<v>", re.escape(value_open), 1), _RE2_OPTIONS)
    for match in pattern.finditer(data):
        cell = data.rfind(b"<" + prefix + b"c", 0, match.start())
        cell_end = data.find(b">", cell)
        if cell < 0 or cell_end < 0:
            continue
        kind = _CELL_TYPE.search(data, cell, cell_end)
        ref = _CELL_REF.search(data, cell, cell_end)
        if (kind and kind.group(1) in _TEXT_TYPES) or not (ref and ref.group(1) and ref.group(2)):
            continue
        end = data.find(value_close, match.start())
        raw = data[match.start() + len(value_open) : end if end >= 0 else match.end()]
        found[(int(ref.group(2)) - 1, column_index(ref.group(1).decode()))] = raw.decode("utf-8", "replace").strip()
    return found
