"""Workbooks written by LibreOffice (xls, ods, xlsx): every value round-trips exactly through the import.

The files are made by tests/data/planner/make_files.py: a wide sheet with a title, a merged group header over a
two-row header, a 单位：万元 note, percent-formatted cells, full-width digits, thousands separators, a '-' marker
and a totals row with a formula; and vertical forms (one unit per sheet, 本月数, cumulative columns, a hidden sheet).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.services.imports import Upload, run_import
from analytics.store.connection import connect
from analytics.store.observations import current_frame
from tests.data.planner import make_files as source
from tests.fixtures import xlsx

FILES = Path(source.__file__).resolve().parent
WIDE_EXPECTED = {
    ("B11", "three_meetings_rate", 95.0),
    ("B11", "heart_talks", 12.0),
    ("B11", "revenue", 1234.5),
    ("B11", "total_profit", 88.25),
    ("B12", "three_meetings_rate", 87.5),
    ("B12", "heart_talks", 15.0),
    ("B12", "revenue", 2000.0),
    ("B12", "total_profit", 120.0),
    ("B21", "three_meetings_rate", 100.0),
    ("B21", "heart_talks", 7.0),
    ("B21", "revenue", 310.75),
    ("B21", "total_profit", -12.5),
    ("B22", "revenue", 999.125),
    ("B22", "total_profit", 40.0),
}
VERTICAL_EXPECTED = {
    ("B12", "three_meetings_rate", 96.0),
    ("B12", "heart_talks", 12.0),
    ("B12", "revenue", 2500.0),
    ("B22", "three_meetings_rate", 91.0),
    ("B22", "heart_talks", 8.0),
    ("B22", "revenue", 1800.0),
}


def stored(db: Path) -> set[tuple]:
    with connect(db, read_only=True) as con:
        frame = current_frame(con)
    assert set(frame["period"]) <= {"2026-10"}
    return {(u, m, v) for u, _, m, v in frame.itertuples(index=False)}


@pytest.mark.parametrize(
    "name", ["2026-10_wide_libreoffice.xls", "2026-10_wide_libreoffice.ods", "2026-10_wide_libreoffice.xlsx"]
)
def test_wide_workbook_from_libreoffice(db, name):
    result = run_import(db, [Upload.from_path(FILES / name)])
    assert result.status == "committed", [(e.cell, e.code, e.message) for e in result.errors]
    assert stored(db) == WIDE_EXPECTED
    assert {w.code for w in result.warnings} == {"totals_row_skipped"}


@pytest.mark.parametrize("name", ["2026-10_vertical_libreoffice.xls", "2026-10_vertical_libreoffice.ods"])
def test_vertical_forms_from_libreoffice(db, name):
    result = run_import(db, [Upload.from_path(FILES / name)])
    assert result.status == "committed", [(e.cell, e.code, e.message) for e in result.errors]
    assert stored(db) == VERTICAL_EXPECTED
    codes = {(w.sheet, w.code) for w in result.warnings}
    assert ("二电厂", "hidden_sheet") in codes and ("填表说明", "sheet_skipped") in codes
    assert {w.cell for w in result.warnings if w.code == "ignored_column" and w.sheet == "一电厂"} == {"D3", "E3", "F3"}


def test_a_multi_file_upload_with_one_bad_file_writes_nothing(db):
    before = db.read_bytes()
    uploads = [
        Upload.from_path(FILES / "2026-10_wide_libreoffice.xls"),
        Upload.from_path(FILES.parent / "workbooks" / "encrypted.xlsx"),
    ]
    result = run_import(db, uploads)
    assert result.status == "rejected"
    assert [(e.file, e.sheet, e.cell, e.code) for e in result.errors] == [("encrypted.xlsx", None, None, "encrypted")]
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not_a_spreadsheet"),
        ("cut.xlsx", xlsx([["单位编码", "谈心谈话次数"], ["B11", 1]])[:900], "corrupt_file"),
        ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "not_a_spreadsheet"),
        ("empty.csv", b"", "empty_file"),
    ],
)
def test_bad_files_get_a_clear_error_and_change_nothing(db, name, content, code):
    run_import(db, [Upload.from_path(FILES / "2026-10_wide_libreoffice.xlsx")])
    before = db.read_bytes()
    result = run_import(db, [Upload(name, content)])
    assert [(e.file, e.code) for e in result.errors] == [(name, code)]
    assert result.errors[0].message and result.errors[0].message_en
    assert db.read_bytes() == before


def test_a_zip_bomb_is_refused_before_parsing(db):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (600 * 2**20))
    result = run_import(db, [Upload("bomb.xlsx", buffer.getvalue())])
    assert [e.code for e in result.errors] == ["zip_bomb"]
