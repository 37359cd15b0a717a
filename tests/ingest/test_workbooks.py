"""analytics.ingest.workbooks: true coordinates and facts in every format, and every refusal.

The workbooks under tests/data/workbooks/ were written by LibreOffice from one openpyxl
source (see make_files.py). Sheet 党建 of every one holds, in sheet coordinates:
a leading empty row 1 and column A, a title B2 merged to H2, headers from C3 (C3:C4,
D3:D4, E3:F3, G3:H3 merged), units in rows 5-7 (row 7 hidden), totals in row 8 and a
date in row 9. Column F is percent-formatted; G9 shows a literal '%' (not a percentage).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import xlsxwriter

from analytics.ingest.workbooks import Limits, WorkbookError, a1, read_workbook

DATA = Path(__file__).resolve().parents[1] / "data" / "workbooks"
CALCULATED = ["sample.xlsx", "sample.xls", "sample.ods"]  # written by LibreOffice
SPREADSHEETS = [*CALCULATED, "openpyxl_source.xlsx"]
CSVS = ["utf8.csv", "utf8_bom.csv", "gb18030.csv"]
MERGED = ((1, 1, 1, 7), (2, 2, 3, 2), (2, 3, 3, 3), (2, 4, 2, 5), (2, 6, 2, 7))
PERCENT_F5_TO_F8 = frozenset({(4, 5), (5, 5), (6, 5), (7, 5)})
MIB = 2**20


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def read(name: str):
    return read_workbook(name, load(name))


def refusal(name: str, content: bytes, limits: Limits = Limits()) -> WorkbookError:
    with pytest.raises(WorkbookError) as info:
        read_workbook(name, content, limits)
    return info.value


def rezip(content: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip package with some members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = (replace or {}).get(info.filename, source.read(info))
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def edit_member(content: bytes, name: str, old: bytes, new: bytes) -> bytes:
    data = zipfile.ZipFile(io.BytesIO(content)).read(name)
    assert old in data
    return rezip(content, replace={name: data.replace(old, new, 1)})


# --- coordinates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row0", "col0", "address"),
    [
        (0, 0, "A1"),
        (11, 4, "E12"),
        (0, 25, "Z1"),
        (0, 26, "AA1"),
        (9, 701, "ZZ10"),
        (0, 702, "AAA1"),
        (0, 16383, "XFD1"),
    ],
)
def test_a1(row0: int, col0: int, address: str) -> None:
    assert a1(row0, col0) == address


@pytest.mark.parametrize(
    ("name", "kind"),
    [("sample.xlsx", "xlsx"), ("sample.xls", "xls"), ("sample.ods", "ods"), ("openpyxl_source.xlsx", "xlsx")],
)
def test_kind_name_and_hash(name: str, kind: str) -> None:
    book = read(name)
    assert (book.kind, book.file_name, book.has_macros) == (kind, name, False)
    assert book.sha256 == hashlib.sha256(load(name)).hexdigest()


@pytest.mark.parametrize("name", SPREADSHEETS)
def test_cells_keep_their_sheet_coordinates(name: str) -> None:
    rows = read(name).sheets[0].rows
    assert (len(rows), len(rows[0])) == (9, 8)  # A1:H9
    assert rows[0] == [None] * 8  # leading empty row 1 kept
    assert [row[0] for row in rows] == [None] * 9  # leading empty column A kept
    assert rows[1][1] == "2026年10月党建工作月报"  # B2
    assert rows[2][2] == "单位编码"  # C3
    assert rows[3][7] == "利润总额（万元）"  # H4
    assert rows[4][2:7] == ["U001", "一分公司", 120, 0.95, 1234.5]  # C5:G5
    assert rows[5][4] == "１２３"  # full-width digits stay text
    assert rows[8][3] == datetime.date(2026, 10, 31)  # D9


@pytest.mark.parametrize("name", SPREADSHEETS)
def test_hidden_sheet_hidden_rows_and_merged_ranges(name: str) -> None:
    book = read(name)
    assert [(s.name, s.hidden) for s in book.sheets] == [("党建", False), ("说明", True)]
    assert book.sheets[1].rows == [["填表说明"]]
    assert book.sheets[0].hidden_rows == frozenset({6})  # row 7
    assert book.sheets[0].merged == MERGED


@pytest.mark.parametrize("name", CALCULATED)
def test_percent_cells(name: str) -> None:
    # F5:F8 (F8 a formula); G9's format 0.00"%" shows a literal % and is not a percentage.
    assert read(name).sheets[0].percent_cells == PERCENT_F5_TO_F8


def test_percent_cells_skip_formulas_without_value() -> None:
    assert read("openpyxl_source.xlsx").sheets[0].percent_cells == PERCENT_F5_TO_F8 - {(7, 5)}


@pytest.mark.parametrize("name", CALCULATED)
def test_formulas_give_cached_values_and_errors_their_text(name: str) -> None:
    sheet = read(name).sheets[0]
    assert sheet.rows[4][7] == 123.45  # H5 = G5*0.1
    assert sheet.rows[5][7] == "#DIV/0!"  # H6 = G6/0
    assert sheet.rows[7][4:7] == [200, 0.775, 6234.75]  # E8:G8 sums and average
    assert sheet.formulas_without_value == frozenset()


def test_formulas_without_value_xlsx() -> None:
    sheet = read("openpyxl_source.xlsx").sheets[0]  # openpyxl never calculates
    assert sheet.formulas_without_value == {(4, 7), (5, 7), (6, 7), (7, 4), (7, 5), (7, 6)}
    assert sheet.rows[4][7] is None
    assert sheet.rows[7][4:7] == [None, None, None]


def test_formula_without_value_ods() -> None:
    sheet = read("formula_without_value.ods").sheets[0]
    assert sheet.formulas_without_value == {(4, 7)}
    assert sheet.rows[4][7] is None
    assert sheet.rows[6][7] == 2000.25  # H7 kept its cached value


@pytest.mark.parametrize(("name", "expected"), [("sample.xlsx", True), ("sample.xls", True), ("sample.ods", 1.0)])
def test_booleans(name: str, expected: object) -> None:
    value = read(name).sheets[0].rows[8][4]  # E9 = TRUE; LibreOffice stores it in ods as the number 1
    assert value == expected and type(value) is type(expected)


def test_macros_are_noted_not_run() -> None:
    content = load("sample.xlsx")
    types = zipfile.ZipFile(io.BytesIO(content)).read("[Content_Types].xml")
    xlsm_types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    xlsm = rezip(content, replace={"[Content_Types].xml": xlsm_types}, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    book = read_workbook("report.xlsm", xlsm)
    assert (book.kind, book.has_macros, book.sheets[0].rows[2][2]) == ("xlsm", True, "单位编码")


# --- CSV ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", CSVS)
def test_csv_encodings(name: str) -> None:
    book = read(name)
    assert (book.kind, len(book.sheets)) == ("csv", 1)
    sheet = book.sheets[0]
    assert (sheet.name, sheet.hidden, sheet.percent_cells) == ("", False, frozenset())
    assert sheet.rows[0] == [None] * 8
    assert sheet.rows[2][2] == "单位编码"  # C3, as in the workbooks
    assert sheet.rows[4][2:8] == ["U001", "一分公司", "120", "95.00%", "1234.5", "123.45"]  # strings
    assert sheet.rows[5][4] == "１２３"


def test_gb18030_file_is_not_utf8() -> None:
    with pytest.raises(UnicodeDecodeError):
        load("gb18030.csv").decode("utf-8")


@pytest.mark.parametrize(
    "text",
    ["单位;值;备注\nU1;1,5;x\n", "单位\t值\t备注\nU1\t1,5\tx\n", '单位,值,备注\nU1,"1,5",x\n'],
    ids=["semicolon", "tab", "comma"],
)
def test_csv_delimiter_is_sniffed(text: str) -> None:
    rows = read_workbook("data.csv", text.encode()).sheets[0].rows
    assert rows == [["单位", "值", "备注"], ["U1", "1,5", "x"]]


def test_csv_rows_are_padded_and_blanks_are_none() -> None:
    rows = read_workbook("data.csv", "2026年10月\n单位,值\nU1,\n".encode()).sheets[0].rows
    assert rows == [["2026年10月", None], ["单位", "值"], ["U1", None]]


def test_csv_in_no_known_encoding() -> None:
    assert refusal("data.csv", b"\x81\x20,\xff\n").code == "csv_encoding"


# --- files that are not what they say -------------------------------------------------


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
HTML = '<html><head><meta charset="utf-8"></head><body><table><tr><td>单位</td></tr></table></body></html>'


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("report.xlsx", PNG, "PNG 图片"),
        ("report.xls", HTML.encode(), "网页（HTML）"),
        ("report.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF 文档"),
        ("report.xlsx", "单位,值\nU1,1\n".encode(), "文本文件"),
        ("report.xls", b'<?xml version="1.0"?>\n<root/>', "XML 文件"),
    ],
)
def test_not_a_spreadsheet_names_what_it_is(name: str, content: bytes, what: str) -> None:
    error = refusal(name, content)
    assert error.code == "not_a_spreadsheet"
    assert what in error.message


def test_word_document_in_a_zip() -> None:
    types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/word/document.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    docx = rezip(rezip_empty(), add={"[Content_Types].xml": types, "word/document.xml": b"<w/>"})
    error = refusal("report.xlsx", docx)
    assert (error.code, error.message_en.startswith("This file is actually a Word document")) == (
        "not_a_spreadsheet",
        True,
    )


def rezip_empty() -> bytes:
    out = io.BytesIO()
    zipfile.ZipFile(out, "w").close()
    return out.getvalue()


def test_plain_zip() -> None:
    assert "ZIP" in refusal("report.xlsx", rezip(rezip_empty(), add={"a.txt": b"x"})).message


def test_excel_2003_xml_is_unsupported() -> None:
    content = b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>'
    assert refusal("report.xls", content).code == "unsupported_type"


def test_empty_and_too_large() -> None:
    assert refusal("report.xlsx", b"").code == "empty_file"
    assert refusal("sample.xlsx", load("sample.xlsx"), Limits(max_file_bytes=1024)).code == "file_too_large"


# --- damaged and protected files -------------------------------------------------------


def test_truncated_xlsx() -> None:
    content = load("sample.xlsx")
    assert refusal("sample.xlsx", content[: len(content) // 2]).code == "corrupt_file"


def test_damaged_member_xlsx() -> None:
    content = bytearray(load("sample.xlsx"))
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("xl/worksheets/sheet1.xml")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    content[middle : middle + 8] = b"\xff" * 8
    assert refusal("sample.xlsx", bytes(content)).code == "corrupt_file"


@pytest.mark.parametrize("name", ["encrypted.xlsx", "encrypted.xls", "encrypted.ods"])
def test_password_protected(name: str) -> None:
    error = refusal(name, load(name))
    assert error.code == "encrypted"
    assert "密码" in error.message and "password" in error.message_en


# --- zip bombs and absurd dimensions, refused before parsing ----------------------------


@pytest.fixture(scope="module")
def gigabyte_of_zeros() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            zeros = bytes(MIB)
            for _ in range(1024):
                member.write(zeros)
    return out.getvalue()


def test_zip_bomb_by_declared_size(gigabyte_of_zeros: bytes) -> None:
    assert len(gigabyte_of_zeros) < 2 * MIB
    assert refusal("bomb.xlsx", gigabyte_of_zeros).code == "zip_bomb"


def test_zip_bomb_by_ratio() -> None:
    content = rezip(load("sample.xlsx"), add={"xl/media/image1.bin": bytes(20 * MIB)})
    error = refusal("sample.xlsx", content)
    assert error.code == "zip_bomb" and "ratio" in error.message_en


def test_zip_member_that_lies_about_its_size() -> None:
    # Declares 1,000 bytes (with the CRC of those bytes) but inflates to 5 MiB.
    content = bytearray(rezip(load("sample.xlsx"), add={"xl/media/image1.bin": bytes(5 * MIB)}))
    name = b"xl/media/image1.bin"
    crc = zlib.crc32(bytes(1000))
    local, central = content.index(name) - 30, content.rindex(name) - 46  # the name follows each header
    assert content[local : local + 4] == b"PK\x03\x04" and content[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", content, local + 14, crc)
    struct.pack_into("<I", content, local + 22, 1000)
    struct.pack_into("<I", content, central + 16, crc)
    struct.pack_into("<I", content, central + 24, 1000)
    assert zipfile.ZipFile(io.BytesIO(bytes(content))).read(name.decode()) == bytes(1000)  # zipfile is fooled
    error = refusal("sample.xlsx", bytes(content))
    assert error.code == "zip_bomb" and "declared size" in error.message_en


SHEET1 = "xl/worksheets/sheet1.xml"


def test_absurd_dimension_is_refused_before_parsing() -> None:
    content = edit_member(load("sample.xlsx"), SHEET1, b'<dimension ref="B2:H9"/>', b'<dimension ref="A1:XFD1048576"/>')
    error = refusal("sample.xlsx", content)
    assert (error.code, error.sheet) == ("too_many_rows", "党建")


FAR_CELLS = [
    ('<c r="XFD1048576" t="n"><v>1</v></c>', "too_many_rows"),
    ('<c r="XFD9" t="n"><v>1</v></c>', "too_many_cols"),
    ('<c r="ALL90000" t="n"><v>1</v></c>', "too_many_cells"),  # 90,000 x 1,000 cells
    ("<c t='n' r='XFD1048576'><v>1</v></c>", "too_many_rows"),  # unusual attribute form
]


@pytest.mark.parametrize(("cell", "code"), FAR_CELLS)
def test_far_cell_under_a_truthful_dimension(cell: str, code: str) -> None:
    # calamine would allocate rows x cols cells for it (and abort the process).
    content = edit_member(load("sample.xlsx"), SHEET1, b"</row></sheetData>", f"{cell}</row></sheetData>".encode())
    assert refusal("sample.xlsx", content).code == code


def test_ods_repeated_rows_bomb() -> None:
    bomb = (
        b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        b'office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>'
    )
    content = load("sample.ods")
    data = zipfile.ZipFile(io.BytesIO(content)).read("content.xml")
    first_table_end = data.index(b"</table:table>")
    patched = data[:first_table_end] + bomb + data[first_table_end:]
    assert refusal("sample.ods", rezip(content, replace={"content.xml": patched})).code == "too_many_rows"


def test_xls_far_cell() -> None:
    content = bytearray(load("sample.xls"))
    label_c5 = struct.pack("<HHHH", 0x00FD, 10, 4, 2)  # LABELSST record of C5 ('U001')
    at = content.index(label_c5)
    struct.pack_into("<HH", content, at + 4, 65535, 255)  # moved to IV65536
    assert refusal("sample.xls", bytes(content)).code == "too_many_cells"


@pytest.mark.parametrize("name", [*SPREADSHEETS, "utf8.csv"])
def test_row_limit_in_every_format(name: str) -> None:
    error = refusal(name, load(name), Limits(max_rows=5))
    assert error.code == "too_many_rows"
    assert error.sheet == ("" if name.endswith(".csv") else "党建")


def test_too_many_sheets() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    for i in range(51):
        book.add_worksheet(f"S{i}").write(0, 0, i)
    book.close()
    error = refusal("many.xlsx", out.getvalue())
    assert (error.code, error.details) == ("too_many_sheets", {"count": 51, "limit": 50})


@pytest.mark.parametrize("name", ["sample.xls", "sample.ods"])
def test_too_many_sheets_other_formats(name: str) -> None:
    assert refusal(name, load(name), Limits(max_sheets=1)).code == "too_many_sheets"


def test_messages_are_chinese_and_english() -> None:
    error = refusal("report.xlsx", PNG)
    assert re.search(r"[\u4e00-\u9fff]", error.message)
    assert error.message_en.isascii()


def test_html_table_export_without_html_tag() -> None:
    error = refusal("导出.xls", "<table><tr><td>单位</td></tr></table>".encode("gb18030"))
    assert error.code == "not_a_spreadsheet" and "HTML" in error.message


def test_csv_mentioning_markup_is_still_csv() -> None:
    rows = read_workbook("notes.csv", "说明,<table> 标签\n<100,1\n".encode()).sheets[0].rows
    assert rows == [["说明", "<table> 标签"], ["<100", "1"]]


def test_time_and_duration_cells_become_text() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["B2"] = datetime.time(8, 30)
    out = io.BytesIO()
    book.save(out)
    assert read_workbook("t.xlsx", out.getvalue()).sheets[0].rows == [[None, None], [None, "08:30:00"]]


def prefixed_sheet(xml: bytes) -> bytes:
    """The sheet XML as the OpenXML SDK writes it: every element with an ``x:`` prefix."""
    declaration, body = xml.split(b"?>", 1)
    body = re.sub(rb"<(/?)([A-Za-z]\w*)([\s/>])", rb"<\1x:\2\3", body)
    return declaration + b"?>" + body.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)


def test_prefixed_sheet_xml_gives_the_same_sheet() -> None:
    content = load("sample.xlsx")
    xml = zipfile.ZipFile(io.BytesIO(content)).read(SHEET1)
    plain = read_workbook("a.xlsx", content).sheets[0]
    prefixed = read_workbook("b.xlsx", rezip(content, replace={SHEET1: prefixed_sheet(xml)})).sheets[0]
    assert prefixed == plain


def test_prefixed_far_cell() -> None:
    content = load("sample.xlsx")
    xml = zipfile.ZipFile(io.BytesIO(content)).read(SHEET1)
    far = xml.replace(b"</row></sheetData>", b'<c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')
    assert refusal("b.xlsx", rezip(content, replace={SHEET1: prefixed_sheet(far)})).code == "too_many_rows"


def test_far_cell_in_a_sheet_part_the_workbook_does_not_name() -> None:
    xml = zipfile.ZipFile(io.BytesIO(load("sample.xlsx"))).read(SHEET1)
    far = xml.replace(b"</row></sheetData>", b'<c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')
    content = rezip(load("sample.xlsx"), add={"xl/worksheets/sheet9.xml": far})
    assert refusal("sample.xlsx", content).code == "too_many_rows"


def test_percent_cells_fast_scan_falls_back_when_it_does_not_cover_every_styled_tag() -> None:
    from analytics.ingest.xlsx_inspect import _percent_cells

    usual = b'<sheetData><row r="2"><c r="B2" s="5"><v>0.5</v></c><c r="AA2" t="n" s="5"><v>1</v></c></row></sheetData>'
    assert _percent_cells(usual, frozenset({5}), b"") == {(1, 1), (1, 26)}
    s_first = b'<sheetData><row r="2"><c s="5" r="C2"><v>0.5</v></c><c r="D2" s="5"><v>1</v></c></row></sheetData>'
    assert _percent_cells(s_first, frozenset({5}), b"") == {(1, 2), (1, 3)}
    row_style = b'<sheetData><row r="2" s="5" customFormat="1"><c r="E2" s="5"><v>1</v></c></row></sheetData>'
    assert _percent_cells(row_style, frozenset({5}), b"") == {(1, 4)}
    prefixed = b'<x:sheetData><x:row r="2"><x:c r="F2" s="7"><x:v>1</x:v></x:c></x:row></x:sheetData>'
    assert _percent_cells(prefixed, frozenset({5, 7}), b"x:") == {(1, 5)}


# --- values calamine would misread (issue 12, item 10) ----------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (b'<c r="E5" s="0" t="n"><v>&#49;</v></c>', "&#49;"),  # calamine: blank
        (b'<c r="E5" s="0"><v>&amp;</v></c>', "&amp;"),  # calamine: blank
        (b'<c r="E5" s="0" t="n"><v>1&#50;0</v></c>', "1&#50;0"),  # calamine: 1
        (b'<c r="E5" s="0" t="s"><v>&#57;</v></c>', "&#57;"),  # a shared-string index by reference: blank
        (b'<c r="E5" s="0" t="b"><v>&#49;</v></c>', "&#49;"),
        (b'<c r="E5" s="0" t="n"><v><![CDATA[120]]></v></c>', "<![CDATA[120]]>"),
        (b'<c r="E5" s="0" t="n"><f>1+1</f><v>&#50;</v></c>', "&#50;"),
        (b'<c r="E5" s="0" t="n"><v>NaN</v></c>', "NaN"),  # calamine: a NaN float, i.e. blank
        (b'<c r="E5" s="0" t="n"><v>-inf</v></c>', "-inf"),
    ],
)
def test_a_stored_value_calamine_would_misread_is_its_raw_text(cell: bytes, expected: str) -> None:
    content = edit_member(load("sample.xlsx"), SHEET1, b'<c r="E5" s="0" t="n"><v>120</v></c>', cell)
    assert read_workbook("a.xlsx", content).sheets[0].rows[4][4] == expected


def test_a_misread_value_in_prefixed_sheet_xml_is_its_raw_text() -> None:
    content = load("sample.xlsx")
    xml = zipfile.ZipFile(io.BytesIO(content)).read(SHEET1).replace(b"<v>120</v>", b"<v>&#49;20</v>")
    assert read_workbook("b.xlsx", rezip(content, replace={SHEET1: prefixed_sheet(xml)})).sheets[0].rows[4][4] == (
        "&#49;20"
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (b'<c r="E5" s="0" t="inlineStr"><is><t>&#49;2&#48;</t></is></c>', "120"),  # how openpyxl writes CJK text
        (b'<c r="E5" s="0" t="inlineStr"><is><t>&amp;</t></is></c>', "&"),
        (b'<c r="E5" s="0" t="str"><f>"&amp;"</f><v>&amp;</v></c>', "&"),
        (b'<c r="E5" s="0" t="e"><v>#N/A</v></c>', "#N/A"),
    ],
)
def test_references_in_text_cells_decode_to_the_text_they_encode(cell: bytes, expected: str) -> None:
    content = edit_member(load("sample.xlsx"), SHEET1, b'<c r="E5" s="0" t="n"><v>120</v></c>', cell)
    assert read_workbook("a.xlsx", content).sheets[0].rows[4][4] == expected


# --- many sheets are not a zip bomb (issue 12, item 11) -----------------------------


def package_with_sheets(count: int, extra_members: int = 0) -> bytes:
    """A minimal xlsx package with ``count`` one-cell worksheets (one part each) and ``extra_members`` media."""
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
    )
    members = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>' for i in range(count)
        )
        + "</Types>",
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{relation}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{relation}"><sheets>'
        + "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rId{i}"/>' for i in range(count))
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{relation}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(count)
        )
        + "</Relationships>",
        **{f"xl/worksheets/sheet{i}.xml": sheet_xml for i in range(count)},
        **{f"xl/media/image{i}.bin": "x" for i in range(extra_members)},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_ten_thousand_sheets_are_too_many_sheets_not_a_zip_bomb() -> None:
    assert len(read_workbook("two.xlsx", package_with_sheets(2)).sheets) == 2
    error = refusal("many.xlsx", package_with_sheets(10_000))
    assert (error.code, error.details) == ("too_many_sheets", {"count": 10_000, "limit": 50})
    assert "10000" in error.message and "10000 sheets" in error.message_en


def test_ten_thousand_members_that_are_not_sheets_stay_a_zip_bomb() -> None:
    error = refusal("odd.xlsx", package_with_sheets(2, extra_members=10_000))
    assert error.code == "zip_bomb" and "10006 members" in error.message_en  # 2 sheets, 4 package parts


def test_merged_ranges_are_cut_to_the_grid() -> None:
    content = edit_member(
        load("sample.xlsx"),
        SHEET1,
        b'<mergeCells count="5">',
        b'<mergeCells count="7"><mergeCell ref="A1:XFD1048576"/><mergeCell ref="Z200:AA300"/>',
    )
    sheet = read_workbook("a.xlsx", content).sheets[0]
    height, width = len(sheet.rows), len(sheet.rows[0])
    assert (0, 0, height - 1, width - 1) in sheet.merged
    assert all(r1 < height and c1 < width for _, _, r1, c1 in sheet.merged)
