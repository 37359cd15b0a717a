"""Hardening: no SQL built by string formatting; hostile names stored verbatim and shown as text; upload limits.

The SQL check parses every module under analytics/, ui/, views/ and app.py and fails on an f-string, a ``%`` or a
``.format`` whose text looks like SQL, and on a query call (execute, sql, query, …) whose statement is
concatenated from anything but literals. Values go in as bound parameters; table names through DuckDB's
relational API (``con.table(name)``).
"""

from __future__ import annotations

import ast
import dataclasses
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from analytics.services.imports import Upload, run_import, validate
from analytics.settings import max_file_mb
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog, save_metrics
from analytics.store.units import save_units
from tests.fixtures import UNITS, WIDE, tables, xlsx

ROOT = Path(__file__).resolve().parents[2]
SCANNED = [*[p for f in ("analytics", "ui", "views") for p in sorted((ROOT / f).rglob("*.py"))], ROOT / "app.py"]
SQL = re.compile(
    r"\b(SELECT\b.*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+|TEMPORARY\s+)?(TABLE|VIEW|INDEX|SEQUENCE)|DROP\s+(TABLE|VIEW|INDEX)|"
    r"ALTER\s+TABLE|COPY\s+\S+\s+(TO|FROM)|ATTACH\s|PRAGMA\s|WHERE\b|ORDER\s+BY\b)",
    re.S,
)
QUERY_CALLS = {"execute", "executemany", "sql", "query", "first_row"}
SCRIPT = "<script>alert(1)</script>"
BOLD = "**bold** <b>x</b>"
FORMULA = '=HYPERLINK("http://example.invalid","**bold**")'


def _literal_text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return ""


def _all_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _all_literal(node.left) and _all_literal(node.right)
    return isinstance(node, ast.Constant)


def _statement(call: ast.Call) -> ast.AST | None:
    """The SQL argument of a query call: the first, or the second for ``first_row(con, sql, …)``."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name not in QUERY_CALLS:
        return None
    index = 1 if name == "first_row" else 0
    return call.args[index] if len(call.args) > index else None


def formatted_sql(source: str) -> list[tuple[int, str]]:
    """(line, how) for every piece of SQL built by formatting in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        how = None
        if isinstance(node, ast.JoinedStr) and SQL.search(_literal_text(node)):
            how = "f-string"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and SQL.search(_literal_text(node.left)):
            how = "% formatting"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            how = ".format" if SQL.search(_literal_text(node.func.value)) else None
        if isinstance(node, ast.Call) and how is None:
            statement = _statement(node)
            if isinstance(statement, ast.BinOp) and not _all_literal(statement):
                how = "concatenated statement"
            elif isinstance(statement, (ast.JoinedStr, ast.Call)):
                how = "statement built by a call"
        if how:
            found.append((node.lineno, how))
    return found


def test_the_sql_check_catches_each_kind_of_formatting():
    bad = """
con.execute(f"SELECT * FROM units WHERE code = '{code}'")
con.execute("SELECT * FROM units WHERE code = '%s'" % code)
con.execute("DELETE FROM units WHERE code = '{}'".format(code))
con.execute("SELECT * FROM units WHERE code = " + code)
first_row(con, " ".join(["SELECT", column, "FROM units"]))
sql = f"UPDATE units SET name = '{name}'"
"""
    found = formatted_sql(bad)
    assert sorted({line for line, _ in found}) == [2, 3, 4, 5, 6, 7]  # every line, each for its own reason:
    assert {how for _, how in found} == {
        "f-string", "% formatting", ".format", "concatenated statement", "statement built by a call",
    }  # fmt: skip
    good = """
con.execute("SELECT * FROM units WHERE code = ?", [code])
con.execute("SELECT count(*) FROM units " "WHERE code = ?", [code])
con.execute(SQL_CONSTANT, [code])
message = f"未知单位 {code} / unknown unit {code}"
"""
    assert formatted_sql(good) == []


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sql_is_built_by_string_formatting(path: Path):
    assert formatted_sql(path.read_text(encoding="utf-8")) == []


@pytest.fixture
def hostile(db: Path) -> Path:
    """Data whose unit and metric names are markup, markdown and a spreadsheet formula: six branches with a party and
    a business metric, so the integration ranking (which needs five units) lists the hostile names."""
    more = [{"code": f"B{s}3", "name": f"新分公司{s}", "parent_code": f"S{s}", "headcount": 150.0 * s} for s in (1, 2)]
    with connect(db) as con:
        save_units(con, more)
    header = ["序号", "单位编码", "单位名称", "三会一课完成率（%）", "营业收入（万元）"]
    codes = ["B11", "B12", "B13", "B21", "B22", "B23"]
    rows = [[i + 1, code, None, 90 + i, 1000.0 + 300 * ((i * 7) % 6)] for i, code in enumerate(codes)]
    assert run_import(db, [Upload("2026年10月月报.xlsx", xlsx([header, *rows]))]).status == "committed"
    renamed = {"B11": FORMULA, "B12": SCRIPT}
    with connect(db) as con:
        save_units(con, [{**u, "name": renamed.get(str(u["code"]), u["name"])} for u in UNITS + more])
        revenue = load_catalog(con).get("revenue")
        save_metrics(con, [dataclasses.replace(revenue, name_zh=f"{BOLD} {SCRIPT}", name_en=BOLD)])
    return db


def cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "analytics", *args, "--db", str(db)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_hostile_names_come_back_verbatim_from_the_cli_json(hostile):
    units = {u["code"]: u["name"] for u in json.loads(cli("units", "--json", db=hostile).stdout)["units"]}
    assert (units["B11"], units["B12"]) == (FORMULA, SCRIPT)
    metrics = {m["code"]: m for m in json.loads(cli("metrics", "--json", db=hostile).stdout)["metrics"]}
    assert (metrics["revenue"]["name_zh"], metrics["revenue"]["name_en"]) == (f"{BOLD} {SCRIPT}", BOLD)


def test_hostile_names_are_escaped_in_the_html_report_and_text_in_excel(hostile, tmp_path):
    html_file, xlsx_file = tmp_path / "r.html", tmp_path / "r.xlsx"
    assert cli("export", "--format", "html", "--out", str(html_file), db=hostile).returncode == 0
    assert cli("export", "--format", "xlsx", "--out", str(xlsx_file), db=hostile).returncode == 0
    page = html_file.read_text(encoding="utf-8")
    assert SCRIPT not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    cells = [c for sheet in openpyxl.load_workbook(xlsx_file) for row in sheet.iter_rows() for c in row]
    shown = [c for c in cells if isinstance(c.value, str) and (SCRIPT in c.value or "HYPERLINK" in c.value)]
    assert {c.value for c in shown} >= {SCRIPT, FORMULA}
    assert {c.data_type for c in shown} == {"s"}  # text, never a live formula


def test_the_data_page_shows_hostile_names_as_table_text(hostile, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(hostile))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/audit.py").run()
    assert not at.exception
    names = {v for frame in tables(at) for column in frame.value.columns for v in frame.value[column].astype(str)}
    assert {SCRIPT, FORMULA} <= names
    rendered = [e.value for e in (*at.markdown, *at.caption, *at.title, *at.subheader, *at.info, *at.warning)]
    assert not [text for text in rendered if "alert(1)" in text]


def test_upload_limits_come_from_settings(db, monkeypatch):
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r"^maxUploadSize\s*=\s*(\d+)", config, re.M).group(1) == str(max_file_mb())
    book = xlsx(WIDE)
    monkeypatch.setenv("ANALYTICS_MAX_FILE_MB", "0")
    (issue,) = validate(db, [Upload("月报.xlsx", book)]).errors
    assert (issue.file, issue.code) == ("月报.xlsx", "file_too_large")
    monkeypatch.setenv("ANALYTICS_MAX_FILE_MB", "1")
    assert validate(db, [Upload("月报.xlsx", book)]).errors == []


def with_sheet_xml(book: bytes, old: bytes, new: bytes) -> bytes:
    """A copy of an openpyxl workbook with one piece of its first sheet's XML replaced."""
    source, out = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in data
                data = data.replace(old, new)
            target.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize("stored", [b"&#57;5", b"&amp;", b"9&#53;"])
def test_an_entity_reference_in_a_value_cell_is_an_error_at_that_cell(db, stored):
    """Read as blank (or as '9') before issue 12: the value silently went missing or changed."""
    book = with_sheet_xml(xlsx(WIDE), b'<c r="D4" t="n"><v>95</v></c>', b'<c r="D4" t="n"><v>' + stored + b"</v></c>")
    before = db.read_bytes()
    result = run_import(db, [Upload("月报.xlsx", book)])
    assert result.status == "rejected"
    (issue,) = result.errors
    text = stored.decode()
    assert (issue.file, issue.sheet, issue.cell, issue.code) == ("月报.xlsx", "党建", "D4", "bad_value")
    assert (issue.message, issue.message_en) == (
        f"“{text}”不是有效数值。请填写数字；缺报请留空或填“-”。",
        f"“{text}” is not a number. Enter a number; leave blank or “-” when not reported.",
    )
    assert db.read_bytes() == before


def test_a_merged_range_reaching_past_the_data_is_read_not_a_traceback(db):
    """Found by tests/ingest/test_fuzz_import.py: a merge below or beside the used area raised IndexError."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx(WIDE)))
    book.active.merge_cells("G2:H30")
    out = io.BytesIO()
    book.save(out)
    result = run_import(db, [Upload("月报.xlsx", out.getvalue())])
    assert (result.status, result.errors, result.observations) == ("committed", (), 4)


def test_a_unit_code_of_a_missing_marker_is_a_missing_unit_at_that_cell(db):
    """Found by tests/ingest/test_fuzz_import.py: '-' as the code, with no name column, raised TypeError."""
    rows = [["2026年10月"], ["单位编码", "营业收入"], ["B11", 5], ["-", 7]]
    before = db.read_bytes()
    result = run_import(db, [Upload("月报.xlsx", xlsx(rows))])
    assert [(e.code, e.cell) for e in result.errors] == [("missing_unit", "A4")]
    assert db.read_bytes() == before
