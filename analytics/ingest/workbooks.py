"""Read an uploaded spreadsheet into faithful grids with the sheets' true A1 coordinates.

The file's type is decided by its content, never by its name: a zip holding
``[Content_Types].xml`` is xlsx/xlsm, a zip with an ODF ``mimetype`` is ods, an OLE2
compound file with a ``Workbook`` stream is xls, and other text is CSV. Every limit is
enforced before cell values are loaded, because the value reader (calamine) allocates
a sheet's whole ``rows x cols`` area at once.

What each format gives beside values, and where it comes from:

=======================  ===========================  ===========================  =====================
fact                     xlsx / xlsm                  xls (BIFF8)                  ods
=======================  ===========================  ===========================  =====================
percent_cells            styles.xml cellXfs numFmt    XF + FORMAT records          value-type percentage
hidden sheets            calamine                     calamine                     calamine
hidden_rows              ``<row hidden="1">``         ROW record fDyZero           visibility collapse
merged                   calamine                     calamine                     number-*-spanned
formulas_without_value   ``<f>`` with no/empty <v>    n/a: BIFF stores a result    formula, no value-type
error cells as text      ``t="e"`` cells              FORMULA/BOOLERR error codes  calcext error text
=======================  ===========================  ===========================  =====================

CSV gives none of these (values are strings; its one sheet is named ''). A percentage is
a number format that multiplies by 100 (``0.0%``), not one showing a literal ``"%"``.
LibreOffice stores TRUE/FALSE in ods as the numbers 1/0, and they are read as such.
Time-of-day and duration cells are returned as text ('08:30:00').
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import posixpath
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import python_calamine as calamine
from xlrd.compdoc import CompDoc

from analytics.i18n import Phrase
from analytics.ingest import ods_inspect, xls_inspect, xlsx_inspect
from analytics.ingest.workbook_model import (
    MIB,
    Cell,
    Limits,
    MergedRange,
    Sheet,
    SheetFacts,
    Workbook,
    WorkbookError,
    a1,
    check_extent,
)
from analytics.ingest.zip_guard import GuardedZip

__all__ = ["Limits", "Sheet", "Workbook", "WorkbookError", "a1", "read_workbook"]

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
OOXML_KINDS = {
    "spreadsheetml.sheet.main": "xlsx",
    "spreadsheetml.template.main": "xlsx",
    "ms-excel.sheet.macroEnabled.main": "xlsm",
    "ms-excel.template.macroEnabled.main": "xlsm",
}
SPREADSHEET_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".xltx", ".xltm", ".et"})
TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt", ""})
CSV_DELIMITERS = (",", "\t", ";")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SNIFF_BYTES = 8192
SNIFF_LINES = 50
HTML_TAG = re.compile(rb"<(?:html|table|body|head|meta|!doctype html)\b")
MARKUP_START = re.compile(rb"<[a-z?!]")  # a tag, a processing instruction or a declaration
ODD_TYPES = frozenset({datetime.time, datetime.timedelta})
RawRow = list[Any]  # a row as calamine returns it

# Magic bytes of files often uploaded by mistake: (prefix, what it is: a ``file.*`` key of the translation table).
OTHER_FILES = (
    (b"%PDF", "file.pdf"),
    (b"\x89PNG", "file.png"),
    (b"\xff\xd8\xff", "file.jpeg"),
    (b"GIF8", "file.gif"),
    (b"Rar!", "file.rar"),
    (b"7z\xbc\xaf\x27\x1c", "file.7z"),
    (b"\x1f\x8b", "file.gzip"),
    (b"{\\rtf", "file.rtf"),
)
HINT, HTML_HINT, TEXT_HINT = "file.hint.upload", "file.hint.html", "file.hint.text"  # what to do instead


def read_workbook(file_name: str, content: bytes, limits: Limits = Limits()) -> Workbook:
    """Read every sheet of an uploaded file into a :class:`Workbook`.

    ``content`` is the whole file; ``file_name`` is only used to tell a mislabelled text
    file from a CSV. Cells keep their sheet coordinates (``rows[r][c]`` is ``a1(r, c)``),
    empty cells are ``None``, numbers stay as stored (an integer written as a float stays
    a float), CSV values stay strings. Raises :class:`WorkbookError` for a file that
    cannot be read as a whole; macros are never run.
    """
    if len(content) > limits.max_file_bytes:
        raise WorkbookError("file_too_large", size=_megabytes(len(content)), limit=_megabytes(limits.max_file_bytes))
    if not content:
        raise WorkbookError("empty_file")
    extension = posixpath.splitext(file_name.replace("\\", "/").lower())[1]
    if content.startswith(ZIP_MAGIC):
        kind, sheets, macros = _read_zip(content, limits)
    elif content.startswith(CFB_MAGIC):
        kind, sheets, macros = _read_cfb(content, limits)
    else:
        _refuse_non_csv(content, extension)
        kind, sheets, macros = "csv", (_read_csv(content, limits),), False
    return Workbook(file_name, hashlib.sha256(content).hexdigest(), kind, sheets, macros)


def _read_zip(content: bytes, limits: Limits) -> tuple[str, tuple[Sheet, ...], bool]:
    archive = GuardedZip(content, limits)
    mimetype = archive.find("mimetype")
    if mimetype is not None or archive.find("content.xml") is not None:
        mime = archive.read(mimetype).strip() if mimetype else ODS_MIME
        if not mime.startswith(ODS_MIME):
            raise _not_a_spreadsheet("file.opendocument")
        return "ods", _read_ods(archive, content, limits), _has_ods_macros(archive)
    content_types = archive.find("[Content_Types].xml")
    if content_types is None:
        raise _not_a_spreadsheet("file.zip")
    main = xlsx_inspect.main_part(archive.read(content_types))
    kind = _ooxml_kind(main[0] if main else "")
    macros = any(name.lower().endswith("vbaproject.bin") for name in archive.names())
    return kind, _read_xlsx(archive, content, main[1] if main else "", limits), macros


def _ooxml_kind(content_type: str) -> str:
    for marker, kind in OOXML_KINDS.items():
        if marker in content_type:
            return kind
    if "ms-excel.sheet.binary" in content_type:
        raise WorkbookError("unsupported_type", what=Phrase("file.xlsb"))
    if "wordprocessingml" in content_type:
        raise _not_a_spreadsheet("file.word")
    if "presentationml" in content_type:
        raise _not_a_spreadsheet("file.powerpoint")
    raise _not_a_spreadsheet("file.zip")


def _read_xlsx(archive: GuardedZip, content: bytes, main_part: str, limits: Limits) -> tuple[Sheet, ...]:
    workbook_member = archive.find(main_part)
    if workbook_member is None:
        raise WorkbookError("corrupt_file")
    folder, base = posixpath.split(main_part)
    rels = archive.find(posixpath.join(folder, "_rels", base + ".rels"))
    rels_xml = archive.read(rels) if rels else None
    paths = xlsx_inspect.sheet_paths(archive.read(workbook_member), rels_xml, main_part)
    if len(paths) > limits.max_sheets:
        raise WorkbookError("too_many_sheets", count=len(paths), limit=limits.max_sheets)
    styles = archive.find(posixpath.join(folder, "styles.xml"))
    percent = xlsx_inspect.percent_styles(archive.read(styles) if styles else None)
    facts: dict[str, SheetFacts] = {}
    parts: dict[str, bytes] = {}
    for name, path in paths.items():
        member = archive.find(path)
        if member:
            parts[name] = archive.read(member)
            facts[name] = xlsx_inspect.sheet_extent(parts[name], name, limits)
        else:
            facts[name] = SheetFacts()
    for member in archive.unread():  # should calamine resolve a sheet's part differently, it is checked too
        data = archive.read(member) if member.lower().endswith(".xml") else b""
        if b"sheetData" in data:
            xlsx_inspect.sheet_extent(data, member, limits)
    archive.drain()

    def cell_facts() -> None:  # the rest of each sheet's facts, found while calamine reads the values
        for name, data in parts.items():
            xlsx_inspect.add_cell_facts(facts[name], data, percent)

    return _load_sheets(
        content, limits, lambda _index, name: facts.get(name), calamine_merged=True, meanwhile=cell_facts
    )


def _read_ods(archive: GuardedZip, content: bytes, limits: Limits) -> tuple[Sheet, ...]:
    manifest = archive.find("META-INF/manifest.xml")
    if manifest is not None and b"encryption-data" in archive.read(manifest):
        raise WorkbookError("encrypted")
    content_xml = archive.find("content.xml")
    if content_xml is None:
        raise WorkbookError("corrupt_file")
    facts = ods_inspect.inspect_content(archive.read(content_xml), limits)
    archive.drain()
    return _load_sheets(content, limits, lambda _index, name: facts.get(name), calamine_merged=False)


def _has_ods_macros(archive: GuardedZip) -> bool:
    return any(name.startswith(("Basic/", "Scripts/")) for name in archive.names())


def _read_cfb(content: bytes, limits: Limits) -> tuple[str, tuple[Sheet, ...], bool]:
    try:
        doc = CompDoc(content, logfile=io.StringIO())
        names = {entry.name for entry in doc.dirlist}
        stream_name = next((n for n in ("Workbook", "Book") if n in names), None)
        stream = doc.get_named_stream(stream_name) if stream_name else None
    except Exception as exc:  # xlrd's compound-file reader fails in many ways on damaged input
        raise WorkbookError("corrupt_file") from exc
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        raise WorkbookError("encrypted")  # an xlsx with a password is an encrypted package in a CFB
    if "WordDocument" in names:
        raise _not_a_spreadsheet("file.word97")
    if "PowerPoint Document" in names:
        raise _not_a_spreadsheet("file.powerpoint97")
    if stream is None:
        raise _not_a_spreadsheet("file.ole")
    listing = xls_inspect.inspect_stream(stream, limits)
    by_name = dict(listing)

    def facts(index: int, name: str) -> SheetFacts | None:
        if name in by_name:
            return by_name[name]
        return listing[index][1] if index < len(listing) else None  # names in an odd codepage

    return "xls", _load_sheets(content, limits, facts, calamine_merged=True), "_VBA_PROJECT_CUR" in names


def _load_sheets(
    content: bytes,
    limits: Limits,
    facts_of: Callable[[int, str], SheetFacts | None],
    calamine_merged: bool,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[Sheet, ...]:
    """Values from calamine, for worksheets whose extent the inspector has verified.

    ``meanwhile`` runs while calamine reads (calamine releases the GIL); it may complete the facts, which are used
    only after both are done.
    """
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except calamine.PasswordError as exc:
        raise WorkbookError("encrypted") from exc
    except Exception as exc:  # calamine.CalamineError and errors from its zip/XML layers
        raise WorkbookError("corrupt_file") from exc
    metas = book.sheets_metadata
    if len(metas) > limits.max_sheets:
        raise WorkbookError("too_many_sheets", count=len(metas), limit=limits.max_sheets)
    known = [facts_of(i, meta.name) for i, meta in enumerate(metas)]
    total = sum(f.extent[0] * f.extent[1] for f in known if f is not None)
    if total > limits.max_cells:
        raise WorkbookError("too_many_cells", count=total, limit=limits.max_cells)
    worksheets = [meta.typ == calamine.SheetTypeEnum.WorkSheet for meta in metas]
    if any(facts is None for facts, worksheet in zip(known, worksheets, strict=True) if worksheet):
        raise WorkbookError("corrupt_file")  # never hand calamine a sheet that was not checked
    with book, ThreadPoolExecutor(1) as pool:
        reading = pool.submit(
            lambda: [
                _sheet_values(book, index, meta.name, limits) if worksheet else None
                for index, (meta, worksheet) in enumerate(zip(metas, worksheets, strict=True))
            ]
        )
        if meanwhile is not None:
            meanwhile()
        values = reading.result()
    sheets = []
    for meta, facts, loaded in zip(metas, known, values, strict=True):
        hidden = meta.visible != calamine.SheetVisibleEnum.Visible
        if loaded is None or facts is None:
            sheets.append(Sheet(meta.name, hidden, []))
            continue
        raw, merged = loaded
        sheets.append(_sheet(meta.name, hidden, raw, facts, merged if calamine_merged else facts.merged))
    return tuple(sheets)


def _sheet_values(
    book: calamine.CalamineWorkbook, index: int, name: str, limits: Limits
) -> tuple[list[RawRow], list[MergedRange]]:
    try:
        sheet = book.get_sheet_by_index(index)
        check_extent(name, sheet.end[0] + 1 if sheet.end else 0, sheet.end[1] + 1 if sheet.end else 0, limits)
        raw = sheet.to_python(skip_empty_area=False)
        ranges = sheet.merged_cell_ranges or []
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError("corrupt_file", sheet=name) from exc
    return raw, [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in ranges]


def _sheet(name: str, hidden: bool, raw: list[RawRow], facts: SheetFacts, merged: list[MergedRange]) -> Sheet:
    """Assemble a Sheet: clean values, put back error texts, keep facts that fall on the grid."""
    rows: list[list[Cell]] = [_clean_row(row) for row in raw]
    if not any(any(v is not None for v in row) for row in rows):
        rows = []
    spots = list(facts.errors) + list(facts.formulas_without_value)
    height = max([len(rows)] + [r + 1 for r, _ in spots])
    width = max([len(rows[0]) if rows else 0] + [c + 1 for _, c in spots])
    if rows and len(rows[0]) < width:
        rows = [row + [None] * (width - len(row)) for row in rows]
    rows.extend([None] * width for _ in range(height - len(rows)))
    for (r, c), text in facts.errors.items():
        rows[r][c] = text
    percent = {(r, c) for r, c in facts.percent_cells if r < height and c < width and type(rows[r][c]) in (int, float)}
    return Sheet(
        name=name,
        hidden=hidden,
        rows=rows,
        percent_cells=frozenset(percent),
        hidden_rows=frozenset(r for r in facts.hidden_rows if r < height),
        formulas_without_value=frozenset(facts.formulas_without_value),
        merged=_on_grid(merged, height, width),
    )


def _on_grid(merged: list[MergedRange], height: int, width: int) -> tuple[MergedRange, ...]:
    """Merged ranges cut to the grid: one starting beyond it merges only empty cells and is dropped (a range may
    reach far past the used area, even ``A1:XFD1048576``; the grid never grows to meet it)."""
    kept = {
        (r0, c0, min(r1, height - 1), min(c1, width - 1)) for r0, c0, r1, c1 in merged if r0 < height and c0 < width
    }
    return tuple(sorted(kept))


def _clean_row(row: RawRow) -> list[Cell]:
    """'' (calamine's empty) -> None; time and duration -> text. Rows needing neither are kept."""
    if "" not in row and ODD_TYPES.isdisjoint(map(type, row)):
        return row
    return [None if v == "" else str(v) if type(v) in ODD_TYPES else v for v in row]


def _refuse_non_csv(content: bytes, extension: str) -> None:
    """Raise unless the content is plausibly a CSV text: name what it really is."""
    head = content[:SNIFF_BYTES]
    for magic, what in OTHER_FILES:
        if head.startswith(magic):
            raise _not_a_spreadsheet(what)
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    markup = MARKUP_START.match(lowered) is not None  # a CSV cell may mention '<table'; markup starts with one
    if markup and b"urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        raise WorkbookError("unsupported_type", what=Phrase("file.excel_xml"))
    if lowered.startswith(b"mime-version:") or (markup and HTML_TAG.search(lowered)):
        raise _not_a_spreadsheet("file.html", HTML_HINT)
    if markup:
        raise _not_a_spreadsheet("file.xml")
    if b"\x00" in head and not head.startswith(UTF16_BOMS):
        raise _not_a_spreadsheet("file.binary")
    if extension in SPREADSHEET_EXTENSIONS:
        raise _not_a_spreadsheet("file.text", TEXT_HINT)
    if extension not in TEXT_EXTENSIONS:
        raise WorkbookError("unsupported_type", what=Phrase("file.extension", extension=extension))


def _read_csv(content: bytes, limits: Limits) -> Sheet:
    """One sheet named '' of strings (None for empty fields), padded to a rectangle."""
    text = _decode_csv(content)
    delimiter = _sniff_delimiter(text[:SNIFF_BYTES])
    rows: list[list[Cell]] = []
    try:
        for fields in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= limits.max_rows:
                raise WorkbookError("too_many_rows", sheet="", count=len(rows) + 1, limit=limits.max_rows)
            rows.append([field or None for field in fields])
    except csv.Error as exc:
        raise WorkbookError("corrupt_file") from exc
    width = max((len(row) for row in rows), default=0)
    check_extent("", len(rows), width, limits)
    return Sheet("", False, [row + [None] * (width - len(row)) for row in rows])


def _decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), then GB18030; UTF-16 when it carries a BOM."""
    encodings = ("utf-16",) if content.startswith(UTF16_BOMS) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WorkbookError("csv_encoding")


def _sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the most sample lines into the same number (>1) of fields."""
    lines = sample.splitlines()[:SNIFF_LINES]
    best, best_score = CSV_DELIMITERS[0], 0
    for delimiter in CSV_DELIMITERS:
        widths = Counter(len(fields) for fields in csv.reader(lines, delimiter=delimiter) if fields)
        width, count = widths.most_common(1)[0] if widths else (0, 0)
        if width > 1 and count > best_score:
            best, best_score = delimiter, count
    return best


def _not_a_spreadsheet(what: str, hint: str = HINT) -> WorkbookError:
    """The refusal of a file that is ``what`` (a ``file.*`` key), with ``hint`` (a ``file.hint.*`` key)."""
    return WorkbookError("not_a_spreadsheet", what=Phrase(what), hint=Phrase(hint))


def _megabytes(size: int) -> str:
    return f"{size / MIB:.1f} MB"
