"""Workbooks written from data hold no formula: ``data --out FILE.xlsx`` and the template (issue 12, item 6).

A code or name such as ``=1+2`` stays the text it is in every cell; the command line's CSV stays exact data
(RFC 4180 quoting, no neutralising). Codes that are not identifiers are refused on entry now, so the hostile codes
are put straight into the tables, as a database written before that rule would hold them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analytics.ingest.template import DATA_SHEET, HELP_SHEET, template_bytes
from analytics.periods import to_index
from analytics.services.imports import Upload, run_import
from analytics.store import observations
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog
from analytics.store.observations import TooManyRows, to_xlsx
from analytics.store.units import load_registry
from tests.fixtures import WIDE, cli, xlsx

UNIT = "=1+2"
METRIC = '=HYPERLINK("http://example.invalid","x"),"q"'
NAME = "@SUM(A1:A9)"
HOSTILE = ["=1+2", "+1", "-1", "@A1", "{=1}", "http://example.invalid", '=HYPERLINK("x")', "a,b", 'say "hi"']


def formulas(book: openpyxl.Workbook) -> list[str]:
    """Every formula cell of a workbook, as Sheet!A1."""
    return [f"{s.title}!{c.coordinate}" for s in book for row in s.iter_rows() for c in row if c.data_type == "f"]


def texts(book: openpyxl.Workbook) -> set[str]:
    return {c.value for s in book for row in s.iter_rows() for c in row if isinstance(c.value, str)}


@pytest.fixture
def hostile(db: Path) -> Path:
    """Four values filed under unit ``=1+2`` (was B11) and metric ``METRIC`` (was revenue); B12 named ``NAME``."""
    assert run_import(db, [Upload("月报.xlsx", xlsx(WIDE))]).status == "committed"
    with connect(db) as con:
        con.execute("UPDATE units SET code = ? WHERE code = 'B11'", [UNIT])
        con.execute("UPDATE units SET name = ? WHERE code = 'B12'", [NAME])
        con.execute("UPDATE metrics SET code = ?, name_zh = ?, name_en = ? WHERE code = 'revenue'", [METRIC] * 3)
    return db


def test_to_xlsx_writes_every_code_as_text_and_values_as_numbers():
    frame = pd.DataFrame(
        {"unit": HOSTILE, "period": ["2026-10"] * len(HOSTILE), "metric": HOSTILE, "value": range(len(HOSTILE))}
    )
    out = io.BytesIO()
    to_xlsx(frame, out)
    book = openpyxl.load_workbook(out)
    assert formulas(book) == []
    rows = [[c.value for c in row] for row in book["data"].iter_rows()]
    assert rows == [["unit", "period", "metric", "value"], *([u, "2026-10", u, i] for i, u in enumerate(HOSTILE))]
    assert not [c for row in book["data"].iter_rows() for c in row if c.hyperlink]


def test_to_xlsx_refuses_more_rows_than_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(observations, "XLSX_MAX_ROWS", 3)  # header and two rows
    frame = pd.DataFrame({"unit": ["U"] * 3, "period": ["2026-10"] * 3, "metric": ["m"] * 3, "value": [1.0] * 3})
    to_xlsx(frame[:2], io.BytesIO())
    with pytest.raises(TooManyRows):
        to_xlsx(frame, io.BytesIO())


def test_data_out_xlsx_holds_no_formula(hostile, tmp_path):
    out = tmp_path / "data.xlsx"
    assert cli("data", "--out", str(out), db=hostile).returncode == 0
    book = openpyxl.load_workbook(out)
    assert formulas(book) == []
    rows = [tuple(c.value for c in row) for row in book.active.iter_rows(min_row=2)]
    assert rows == [
        ("=1+2", "2026-10", METRIC, 1234.5),
        ("=1+2", "2026-10", "three_meetings_rate", 95),
        ("B12", "2026-10", METRIC, 2000),
        ("B12", "2026-10", "three_meetings_rate", 98),
    ]


def test_data_csv_stays_exact_data(hostile, tmp_path):
    expected = [
        ["unit", "period", "metric", "value"],
        ["=1+2", "2026-10", METRIC, "1234.5"],
        ["=1+2", "2026-10", "three_meetings_rate", "95"],
        ["B12", "2026-10", METRIC, "2000"],
        ["B12", "2026-10", "three_meetings_rate", "98"],
    ]
    stdout = cli("data", db=hostile).stdout
    assert list(csv.reader(io.StringIO(stdout, newline=""))) == expected
    assert stdout.splitlines()[1] == '=1+2,2026-10,"=HYPERLINK(""http://example.invalid"",""x""),""q""",1234.5'
    out = tmp_path / "data.csv"
    assert cli("data", "--out", str(out), db=hostile).returncode == 0
    assert out.read_text(encoding="utf-8") == stdout


def test_template_holds_no_formula(hostile):
    with connect(hostile, read_only=True) as con:
        content = template_bytes(to_index(2026, 11), load_catalog(con), load_registry(con))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert formulas(book) == []
    sheet = book[DATA_SHEET]
    assert [(sheet.cell(r, 2).value, sheet.cell(r, 3).value) for r in (4, 5)] == [("=1+2", "检修分公司"), ("B12", NAME)]
    assert f"{METRIC}（万元）\n{METRIC}" in texts(book)
    assert METRIC in {c.value for c in book[HELP_SHEET]["A"]}
