"""The import under generated files (issue 12): it commits exactly what a file says or rejects it with issues
that carry a cell (null for whole-file problems); never a traceback, never a partial write.

Files are written by openpyxl, xlsxwriter and the csv module (UTF-8, UTF-8 with BOM, GB18030, UTF-16), and
imported with ``run_import`` (what the command line calls) into a real DuckDB file that already holds values.

* ``test_generated_tables_import_exactly_or_fail_at_the_bad_cell``: wide tables built from a model that knows
  every cell's meaning (title and note rows, merged group headers, leading empty rows and columns, 序号 and
  unknown columns, hidden rows, blank and totals rows, numbers, numeric text, markers, junk, out-of-range values,
  percentages as text and as formatted cells, unknown and ambiguous units). The result must match the model
  exactly: the values committed, or the cells of the errors.
* ``test_chaotic_files_never_crash_nor_write_partially``: grids of anything (control characters, formulas,
  NaN, dates, times, merges anywhere, hidden sheets, several sheets) sprinkled with real labels. Only the
  invariants are checked: well-formed issues, a rejection changes nothing, a commit adds only numbers the file
  holds.

Bounded and derandomised: the same 100 examples of each run every time (about 30 s).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import math
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from analytics.ingest.workbooks import a1
from analytics.periods import to_index
from analytics.services.imports import Upload, run_import
from analytics.store.connection import connect
from analytics.store.observations import current_frame
from analytics.store.units import save_units
from tests.fixtures import UNITS, xlsx

OCT = to_index(2026, 10)
A1 = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")
FORMATS = ("openpyxl", "xlsxwriter", "csv:utf-8", "csv:utf-8-sig", "csv:gb18030", "csv:utf-16")
SETTINGS = settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass(frozen=True)
class MetricSpec:
    code: str
    labels: tuple[str, ...]
    percent: bool
    low: float
    high: float


METRICS = (
    MetricSpec("revenue", ("revenue", "营业收入", "Operating revenue", "营业收入（万元）", "营收"), False, 0, 1e9),
    MetricSpec("three_meetings_rate", ("three_meetings_rate", "三会一课完成率（%）", "三会一课"), True, 0, 100),
    MetricSpec("heart_talks", ("heart_talks", "谈心谈话次数", "Heart-to-heart talks", "谈心谈话"), False, 0, 1e5),
    MetricSpec("total_profit", ("total_profit", "利润总额", "利润总额（万元）", "Total profit"), False, -1e8, 1e9),
)
CODES = ("B11", "B12", "B21", "B22", "S1", "S2", "G")
NAMES = {"一电厂": "B12", "二电厂": "B22", "一公司": "S1", "二公司": "S2", "集团": "G", "检修分公司": None}
TOTALS = ("合计", "总计", "小计", "Total")
MARKERS = ("-", "—", "/")
# Junk never looks like a label, a period, a number or a totals word; it may hold XML's special characters.
JUNK = st.text(alphabet="甲乙丙丁戊己庚辛壬癸abcdxyzQRS&#;<>\"'", min_size=1, max_size=8).map(lambda s: "杂项" + s)
EXISTING = [  # in the database before every example: a rejection must leave these, a commit may change them
    ["单位编码", "营业收入", "三会一课完成率", "谈心谈话次数"],
    ["B11", 100, 90, 12],
    ["B12", 200, 95, 30],
    ["S2", 5, None, 7],
]


# --- the database -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the test registry, values for 2026-09 and 2026-10 (copied for every example)."""
    path = tmp_path_factory.mktemp("fuzz") / "base.duckdb"
    with connect(path) as con:
        save_units(con, UNITS)
    for period in (to_index(2026, 9), OCT):
        assert run_import(path, [Upload("old.xlsx", xlsx(EXISTING))], period).status == "committed"
    return path


@contextlib.contextmanager
def fresh(base: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fuzz_") as folder:
        db = Path(folder) / "app.duckdb"
        shutil.copy(base, db)
        yield db


def tables(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: the whole state a rejected import must not touch."""
    with connect(db, read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {name: sorted(map(repr, con.table(name).fetchall())) for name in sorted(names)}  # type: ignore[misc]


def values(db: Path) -> dict[tuple[str, str, str], float]:
    with connect(db, read_only=True) as con:
        return {(u, p, m): v for u, p, m, v in current_frame(con).itertuples(index=False)}


# --- writing a grid in each format ------------------------------------------------------------------------


@dataclass(frozen=True)
class Percent:
    """A number stored as is and formatted as a percentage (0.95 shown as 95%)."""

    value: float


@dataclass
class Grid:
    """A sheet to write: ``cells[(row0, col0)]``, merged ranges, hidden rows."""

    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    name: str = "党建"
    hidden: bool = False


def write(grids: list[Grid], fmt: str, delimiter: str = ",") -> bytes:
    if fmt == "openpyxl":
        return _openpyxl(grids)
    if fmt == "xlsxwriter":
        return _xlsxwriter(grids)
    return _csv(grids[0], fmt.split(":", 1)[1], delimiter)


def _openpyxl(grids: list[Grid]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for index, grid in enumerate(grids):
        sheet = book.create_sheet(grid.name)
        sheet.sheet_state = "hidden" if grid.hidden and index else "visible"  # the first sheet stays visible
        for (r, c), value in grid.cells.items():
            cell = sheet.cell(r + 1, c + 1)
            if isinstance(value, Percent):
                cell.value, cell.number_format = value.value, "0%"
            else:
                with contextlib.suppress(IllegalCharacterError):  # openpyxl refuses control characters
                    cell.value = value
        for r0, c0, r1, c1 in grid.merged:
            sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        for r in grid.hidden_rows:
            sheet.row_dimensions[r + 1].hidden = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsxwriter(grids: list[Grid]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "nan_inf_to_errors": True})
    percent, date = book.add_format({"num_format": "0%"}), book.add_format({"num_format": "yyyy-mm-dd"})
    for index, grid in enumerate(grids):
        sheet = book.add_worksheet(grid.name)
        if grid.hidden and index:
            sheet.hide()
        merged_cells = {(r, c) for r0, c0, r1, c1 in grid.merged for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for (r, c), value in grid.cells.items():
            if (r, c) in merged_cells:
                continue
            _write_cell(sheet, r, c, value, percent, date)
        for r0, c0, r1, c1 in grid.merged:
            top = grid.cells.get((r0, c0))
            sheet.merge_range(r0, c0, r1, c1, None)
            _write_cell(sheet, r0, c0, top, percent, date)
        for r in grid.hidden_rows:
            sheet.set_row(r, None, None, {"hidden": True})
    book.close()
    return out.getvalue()


def _write_cell(sheet, r: int, c: int, value: object, percent, date) -> None:
    if value is None:
        return
    if isinstance(value, Percent):
        sheet.write_number(r, c, value.value, percent)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(r, c, value)
    elif isinstance(value, (datetime.date, datetime.datetime)):
        sheet.write_datetime(r, c, value, date)
    elif isinstance(value, str) and value.startswith("="):
        sheet.write_formula(r, c, value)
    else:
        sheet.write_string(r, c, str(value))


def _csv(grid: Grid, encoding: str, delimiter: str) -> bytes:
    height = max((r for r, _ in grid.cells), default=-1) + 1
    width = max((c for _, c in grid.cells), default=-1) + 1
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for r in range(height):
        writer.writerow([csv_text(grid.cells.get((r, c))) for c in range(width)])
    return out.getvalue().encode(encoding)


def csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        return repr(value.value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    return str(value)


# --- generated tables whose meaning is known --------------------------------------------------------------


BAD, MISSING = "bad", "missing"


@st.composite
def value_cells(draw: st.DrawFn, metric: MetricSpec, fmt: str) -> tuple[object, object]:
    """(cell content, meaning): a float, MISSING or BAD, as the import must read it."""
    kind = draw(
        st.sampled_from(["blank", "marker", "int", "float", "text", "wide", "pct_text", "pct_cell", "junk", "other"])
    )
    if kind == "blank":
        return None, MISSING
    if kind == "marker":
        return draw(st.sampled_from(MARKERS)), MISSING
    if kind in ("int", "text", "wide", "pct_text"):
        number = draw(st.integers(min_value=-200, max_value=2_000_000))
        if kind == "int":
            return number, checked(number, metric)
        if kind == "text":
            return f"{number:,}", checked(number, metric)
        if kind == "wide":
            return unicodedata.normalize("NFKC", str(number)).translate(FULL_WIDTH), checked(number, metric)
        return f"{number}%", checked(number, metric) if metric.percent else BAD
    if kind == "float":
        number = draw(st.integers(min_value=-(10**6), max_value=10**8)) / 100
        return number, checked(number, metric)
    if kind == "pct_cell":
        stored = draw(st.integers(min_value=0, max_value=150)) / 100
        shown = stored * 100 if metric.percent and not fmt.startswith("csv") else stored
        return Percent(stored), checked(shown, metric)
    if kind == "junk":
        return draw(JUNK), BAD
    other = draw(st.sampled_from([True, False, datetime.date(2026, 10, 1)]))
    return other, BAD


FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def checked(number: float, metric: MetricSpec) -> object:
    return float(number) if metric.low <= number <= metric.high else BAD


@dataclass
class Table:
    """A generated upload and what the import must make of it."""

    content: bytes
    file_name: str
    period: int | None
    sheet: str | None
    values: dict[tuple[str, str], float]  # (unit, metric) -> value
    required: set[str]  # cells that must carry an error
    allowed: set[str]  # cells that may carry one (values in a row whose unit is an error)


@st.composite
def tables_of_known_meaning(draw: st.DrawFn) -> Table:
    fmt = draw(st.sampled_from(FORMATS))
    xlsx_file = not fmt.startswith("csv")
    metrics = draw(st.lists(st.sampled_from(METRICS), min_size=1, max_size=4, unique_by=lambda m: m.code))
    by_name = draw(st.booleans())
    columns: list[tuple[str, object]] = [("id", None)] + [("metric", m) for m in metrics]
    columns += [("junk", None)] * draw(st.integers(0, 2)) + [("seq", None)] * draw(st.integers(0, 1))
    columns = draw(st.permutations(columns))
    left = draw(st.integers(0, 2))
    period_from = draw(st.sampled_from(["arg", "title", "file", *(["sheet"] if xlsx_file else [])]))
    grid = Grid(name="2026-10" if period_from == "sheet" else "党建")
    top = 0
    if period_from == "title" or draw(st.booleans()):
        grid.cells[(0, left)] = "2026年10月党建工作月报" if period_from == "title" else "党建工作月报"
        if xlsx_file and draw(st.booleans()):
            grid.merged.append((0, left, 0, left + len(columns) - 1))
        top = 1
    if draw(st.booleans()):
        grid.cells[(top, left)] = draw(JUNK)
        top += 1
    metric_cols = [left + i for i, (role, _) in enumerate(columns) if role == "metric"]
    if xlsx_file and len(metric_cols) > 1 and draw(st.booleans()):
        first, last = min(metric_cols), max(metric_cols)
        grid.cells[(top, first)] = "党建指标"
        grid.merged.append((top, first, top, last))
        top += 1
    header = top
    for i, (role, metric) in enumerate(columns):
        label: object
        if role == "id":
            label = "单位名称" if by_name else draw(st.sampled_from(["单位编码", "unit_code"]))
        elif role == "metric":
            assert isinstance(metric, MetricSpec)
            label = draw(st.sampled_from(metric.labels))
        elif role == "seq":
            label = "序号"
        else:
            label = draw(JUNK)
        grid.cells[(header, left + i)] = label
    pool = list(NAMES) if by_name else [*CODES, "ZZ1", "ZZ2"]
    units = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6, unique=True))
    expected: dict[tuple[str, str], float] = {}
    required: set[str] = set()
    allowed: set[str] = set()
    r = header + 1
    for n, unit in enumerate(units, start=1):
        if draw(st.integers(0, 4)) == 0:
            r += 1  # a blank row
        code = NAMES[unit] if by_name else (unit if unit in CODES else None)
        if xlsx_file and draw(st.integers(0, 5)) == 0:
            grid.hidden_rows.add(r)
        for i, (role, metric) in enumerate(columns):
            c = left + i
            if role == "id":
                grid.cells[(r, c)] = unit
                if code is None:
                    required.add(a1(r, c))
            elif role == "seq":
                grid.cells[(r, c)] = n
            elif role == "junk":
                grid.cells[(r, c)] = draw(st.one_of(JUNK, st.integers(0, 99), st.none()))
            else:
                assert isinstance(metric, MetricSpec)
                content, meaning = draw(value_cells(metric, fmt))
                grid.cells[(r, c)] = content
                if meaning == BAD:
                    (allowed if code is None else required).add(a1(r, c))
                elif meaning != MISSING and code is not None:
                    assert isinstance(meaning, float)
                    expected[(code, metric.code)] = meaning
        r += 1
    if draw(st.booleans()):
        id_col = left + [role for role, _ in columns].index("id")
        grid.cells[(r, id_col)] = draw(st.sampled_from(TOTALS))
        for c in metric_cols:
            grid.cells[(r, c)] = draw(st.one_of(st.none(), st.integers(0, 10**6)))
    file_name = "2026年10月报" if period_from == "file" else "月报"
    delimiter = draw(st.sampled_from([",", "\t"]))
    return Table(
        content=write([grid], fmt, delimiter),
        file_name=file_name + (".xlsx" if xlsx_file else ".csv"),
        period=OCT if period_from == "arg" else None,
        sheet=grid.name if xlsx_file else None,
        values=expected,
        required=required,
        allowed=required | allowed,
    )


def check_issues(issues, file_name: str, sheets: set[str | None]) -> None:
    """Every issue names the file, a sheet of it (or none), an A1 cell or none, and a translated message."""
    for issue in issues:
        assert issue.file == file_name, issue
        assert issue.sheet in sheets, issue
        assert issue.cell is None or A1.match(issue.cell), issue
        assert issue.code and issue.message and issue.message_en, issue
        assert issue.message_en != f"issue.{issue.code}", issue  # the translation table knows it


@SETTINGS
@given(table=tables_of_known_meaning())
def test_generated_tables_import_exactly_or_fail_at_the_bad_cell(base: Path, table: Table) -> None:
    with fresh(base) as db:
        before, state = values(db), tables(db)
        result = run_import(db, [Upload(table.file_name, table.content)], table.period)
        event(result.status)
        event(", ".join(sorted({e.code for e in result.errors})) or "no error")
        check_issues([*result.errors, *result.warnings], table.file_name, {table.sheet, None})
        cells = {e.cell for e in result.errors}
        if table.required:
            assert result.status == "rejected", (result.status, table.required)
            assert table.required <= cells <= table.allowed, ([(e.code, e.cell) for e in result.errors], table)
            assert tables(db) == state
            return
        assert result.errors == (), [(e.code, e.cell, e.message_en) for e in result.errors]
        after = dict(before)
        after.update({(u, "2026-10", m): v for (u, m), v in table.values.items()})
        assert values(db) == after
        assert result.status == ("unchanged" if after == before else "committed")
        assert result.observations == len(table.values)


# --- chaotic files: only the invariants -------------------------------------------------------------------


LABELS = (
    *[label for m in METRICS for label in m.labels],
    *CODES,
    *NAMES,
    *TOTALS,
    "单位编码",
    "单位名称",
    "序号",
    "月份",
    "period",
    "指标",
    "本月",
    "本月数",
    "本年累计",
    "填报单位：一电厂",
    "单位：万元",
    "单位：元",
    "2026年10月",
    "2026-10",
    "2026年1-10月",
)
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=12).filter(
    lambda s: not s.startswith(("=", "+", "-", "@")) or len(s) < 2
)
ANYTHING = st.one_of(
    st.none(),
    st.sampled_from(LABELS),
    st.sampled_from(LABELS).map(lambda s: f" {s}\u3000"),
    ANY_TEXT,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
    st.sampled_from(["=1+2", "=A1*2", '=HYPERLINK("http://example.invalid")', "=SUM(B2:B9)"]),
    st.sampled_from(MARKERS),
    st.integers(0, 150).map(lambda n: Percent(n / 100)),
)


@st.composite
def chaotic_grids(draw: st.DrawFn, csv_file: bool) -> Grid:
    rows, cols = draw(st.integers(2, 9)), draw(st.integers(2, 7))
    grid = Grid(name=draw(st.sampled_from(["党建", "经营", "2026-10", "2026年10月", "说明", "Sheet1"])))
    for r in range(rows):
        for c in range(cols):
            value = draw(ANYTHING)
            if value is not None:
                grid.cells[(r, c)] = value
    if draw(st.integers(0, 4)):  # most grids get a table's skeleton, so the reading goes past the header search
        header, columns = draw(st.integers(0, rows - 2)), draw(st.permutations(range(cols)))
        identity = st.sampled_from(["单位编码", "单位名称", "unit_code", "单位编码", "单位名称", "指标", "月份"])
        grid.cells[(header, columns[0])] = draw(identity)
        for i, c in enumerate(columns[1:]):
            metric = st.sampled_from([label for m in METRICS for label in m.labels])
            grid.cells[(header, c)] = draw(metric if i == 0 else st.sampled_from(LABELS))
        clean = draw(st.booleans())  # numbers, blanks and markers only, so that some files commit
        values = st.one_of(st.integers(0, 100), st.none(), st.sampled_from(MARKERS)) if clean else ANYTHING
        for r in range(header + 1, rows):
            grid.cells[(r, columns[0])] = draw(st.sampled_from([*CODES, *NAMES, *TOTALS, "ZZ1", None]))
            for c in columns[1:]:
                grid.cells[(r, c)] = draw(values)
    if not csv_file:
        for _ in range(draw(st.integers(0, 3))):
            r0, c0 = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
            r1, c1 = draw(st.integers(r0, rows - 1)), draw(st.integers(c0, cols - 1))
            overlaps = any(not (r1 < a or b < r0 or c1 < x or y < c0) for a, x, b, y in grid.merged)
            if (r0, c0) != (r1, c1) and not overlaps:
                grid.merged.append((r0, c0, r1, c1))
        grid.hidden_rows = set(draw(st.lists(st.integers(0, rows - 1), max_size=2)))
        grid.hidden = draw(st.integers(0, 4)) == 0
    return grid


@st.composite
def chaotic_uploads(draw: st.DrawFn) -> tuple[str, bytes, int | None, set[str | None]]:
    fmt = draw(st.sampled_from(FORMATS))
    csv_file = fmt.startswith("csv")
    grids = draw(
        st.lists(chaotic_grids(csv_file), min_size=1, max_size=1 if csv_file else 3, unique_by=lambda g: g.name)
    )
    if csv_file:
        for key, value in grids[0].cells.items():  # what the encoding cannot hold is not this test's concern
            if isinstance(value, str) and not _encodable(value, fmt.split(":", 1)[1]):
                grids[0].cells[key] = None
    content = write(grids, fmt, draw(st.sampled_from([",", "\t", ";"])))
    name = draw(st.sampled_from(["月报", "2026年10月报", "data"])) + (".csv" if csv_file else ".xlsx")
    period = draw(st.sampled_from([OCT, None]))
    return name, content, period, {None, *(g.name for g in grids)}


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def numbers_in(content: bytes, file_name: str) -> set[float]:
    """Every number a cell of the file could mean (as stored, x100, or as numeric text), read independently."""
    from analytics.ingest.workbooks import read_workbook

    found: set[float] = set()
    for sheet in read_workbook(file_name, content).sheets:
        for row in sheet.rows:
            for value in row:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    found |= {float(value), float(value) * 100}
                elif isinstance(value, str):
                    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "").rstrip("%").replace(",", "")
                    with contextlib.suppress(ValueError):
                        found.add(float(text))
    return {v for v in found if math.isfinite(v)}


@SETTINGS
@given(upload=chaotic_uploads())
def test_chaotic_files_never_crash_nor_write_partially(base: Path, upload) -> None:
    file_name, content, period, sheets = upload
    with fresh(base) as db:
        before, state = values(db), tables(db)
        result = run_import(db, [Upload(file_name, content)], period)
        event(result.status)
        event(", ".join(sorted({e.code for e in result.errors})) or "no error")
        check_issues([*result.errors, *result.warnings], file_name, sheets)
        if result.status == "rejected":
            assert result.errors
            assert tables(db) == state
            return
        assert result.status in ("committed", "unchanged") and not result.errors
        after = values(db)
        assert set(before) <= set(after)
        changed = {key: v for key, v in after.items() if before.get(key) != v}
        assert (result.status == "unchanged") == (not changed)
        assert all(math.isfinite(v) for v in changed.values()), changed
        assert set(changed.values()) <= numbers_in(content, file_name), changed
