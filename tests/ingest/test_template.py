"""The monthly template: prefilled units, bilingual headers with units, data validation, reads back as is."""

from __future__ import annotations

import io

import openpyxl

from analytics.ingest.template import DATA_SHEET, HELP_SHEET, template_bytes
from analytics.periods import to_index
from analytics.services.imports import Upload, run_import
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog
from analytics.store.observations import current_frame
from analytics.store.units import load_registry


def make(db) -> bytes:
    with connect(db, read_only=True) as con:
        return template_bytes(to_index(2026, 10), load_catalog(con), load_registry(con))


def test_template_has_units_headers_validation_and_instructions(db):
    book = openpyxl.load_workbook(io.BytesIO(make(db)))
    assert book.sheetnames == [DATA_SHEET, HELP_SHEET]
    sheet = book[DATA_SHEET]
    assert "2026年10月" in sheet["A1"].value
    assert [sheet.cell(r, 2).value for r in range(4, 8)] == ["B11", "B12", "B21", "B22"]  # leaves only
    headers = [c.value for c in sheet[3]]
    assert "营业收入（万元）\nOperating revenue" in headers
    assert len(sheet.data_validations.dataValidation) == 36
    rule = next(v for v in sheet.data_validations.dataValidation if "D4" in str(v.sqref))
    assert rule.operator in (None, "between")  # between is the default, written as no operator
    assert (rule.type, float(rule.formula1), float(rule.formula2)) == ("decimal", 0.0, 100.0)
    assert "不要填 0" in " ".join(str(c.value) for c in book[HELP_SHEET]["A"])


def test_a_filled_template_imports_every_value_exactly(db):
    book = openpyxl.load_workbook(io.BytesIO(make(db)))
    sheet = book[DATA_SHEET]
    expected = set()
    headers = [c.value for c in sheet[3]]
    with connect(db, read_only=True) as con:
        catalog = load_catalog(con)
    for r in range(4, 8):
        for c in range(4, len(headers) + 1):
            metric = catalog.match(headers[c - 1].splitlines()[0].split("（")[0])
            value = round(((r * 37 + c * 11) % 97) * 0.731, 3)
            sheet.cell(r, c).value = value
            expected.add((sheet.cell(r, 2).value, "2026-10", metric.code, value))
    out = io.BytesIO()
    book.save(out)
    result = run_import(db, [Upload("filled.xlsx", out.getvalue())])
    assert result.status == "committed", result.errors[:3]
    with connect(db, read_only=True) as con:
        assert set(map(tuple, current_frame(con).itertuples(index=False))) == expected
