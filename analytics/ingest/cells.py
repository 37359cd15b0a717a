"""Cell helpers shared by the sheet layouts: text, missing markers, periods, headers, records."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.workbooks import Sheet, a1
from analytics.model.catalog import Catalog, Metric, normalise_label, split_header, units_agree
from analytics.model.issues import Issue, make_issue, message_number
from analytics.periods import parse_period

MISSING_MARKERS = frozenset({"", "-", "—", "–", "－", "/", "／", "--", "——", "n/a", "na", "无"})


TOTALS_LABELS = frozenset({"合计", "总计", "小计", "total", "totals", "subtotal", "grandtotal", "全集团合计"})


_UNIT_NOTE = re.compile(r"^\s*(?:计量)?单位\s*[:：]\s*(\S+)\s*$")


_REPORTER = re.compile(r"(?:填报|报送)单位\s*[:：]\s*([^\s:：]+)")


_NUMBER = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?(?:e[+-]?\d+)?$", re.IGNORECASE)


Grid = list[list[object]]  # a sheet's rows, cell values as read
Role = tuple[str, Metric | None, str | None]  # a header cell's (role, metric, unit or label)


UnitResolver = Callable[[object, object, str, str | None, str | None], tuple[int | None, Issue | None]]


@dataclass
class Context:
    """What a sheet reader needs from the import: the catalog, unit resolution and the upload's period."""

    catalog: Catalog
    resolve_unit: UnitResolver  # (code, name, file, sheet, cell) -> (uid, issue)
    unit_for_sheet: Callable[[str], int | None]  # a registered unit named by a vertical form's title/sheet
    upload_period: int | None
    file_name: str


@dataclass
class SheetValues:
    kind: str | None
    frame: pd.DataFrame  # uid, period, metric, value, row0, col0
    issues: list[Issue] = field(default_factory=list)


EMPTY_FRAME = pd.DataFrame(
    {
        c: pd.Series(dtype=t)
        for c, t in (
            ("uid", "int64"),
            ("period", "int64"),
            ("metric", "object"),
            ("value", "float64"),
            ("row0", "int64"),
            ("col0", "int64"),
        )
    }
)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and normalise_label(value) in MISSING_MARKERS)


def parse_number(value: object, percent_metric: bool, percent_cell: bool) -> float | None:
    """A cell's number, or None when it is not one. Missing markers are the caller's concern.

    Numeric text may have thousands separators, full-width digits and, for a % metric, a trailing %.
    A cell formatted as a percentage (stored 0.95) is read as 95 for a % metric.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        return number * 100 if percent_metric and percent_cell else number
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    if percent_metric and text.endswith("%"):
        text = text[:-1]
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", ""))


def metric_candidates(catalog: Catalog, text: str) -> tuple[Metric, ...]:
    """The metrics a header or metric cell names: as written, else without a trailing bracketed unit."""
    return catalog.candidates(text) or catalog.candidates(split_header(text)[0])


def ambiguous_metric(found: tuple[Metric, ...], label: str, file: str, sheet: str | None, cell: str | None) -> Issue:
    """The error for a label that names several metrics (a catalog stored with a clash): never a silent pick."""
    candidates = "、".join(f"{m.code} {m.name_zh}" for m in found)
    return make_issue("ambiguous_metric", file, sheet, cell, label=label, candidates=candidates)


def cell_metric(ctx: Context, value: object, sheet: str | None, cell: str | None) -> tuple[Metric | None, Issue | None]:
    """The metric a vertical or long table's metric cell names; (None, error) when it names several, (None,
    None) when none."""
    text = cell_text(value)
    found = metric_candidates(ctx.catalog, text) if text else ()
    if len(found) > 1:
        return None, ambiguous_metric(found, text, ctx.file_name, sheet, cell)
    return (found[0] if found else None), None


def sheet_label(sheet: Sheet) -> str | None:
    return sheet.name or None


def title_period(grid: list[list[object]], header_row: int) -> int | None:
    for row in grid[:header_row]:
        for value in row:
            if isinstance(value, str) and (found := parse_period(value)) is not None:
                return found
    return None


def default_unit_note(grid: list[list[object]], header_row: int) -> str | None:
    for row in grid[:header_row]:
        for value in row:
            m = _UNIT_NOTE.match(cell_text(value))
            if m:
                return m.group(1)
    return None


def fallback_period(sheet: Sheet, grid: list[list[object]], header_row: int, ctx: Context) -> int | None:
    """SPEC §3 order after the 月份 column: the upload's period, a title row, the sheet name, the file name."""
    if ctx.upload_period is not None:
        return ctx.upload_period
    for found in (
        title_period(grid, header_row),
        parse_period(sheet.name),
        parse_period(ctx.file_name),
    ):
        if found is not None:
            return found
    return None


def check_header_units(
    roles: list[Role], header_row: int, note_unit: str | None, sheet: Sheet, ctx: Context
) -> list[Issue]:
    issues = []
    for c, (role, metric, unit) in enumerate(roles):
        given = unit or (note_unit if role == "metric" else None)
        if metric and given and not units_agree(given, metric.unit):
            issues.append(
                make_issue(
                    "unit_mismatch",
                    ctx.file_name,
                    sheet_label(sheet),
                    a1(header_row, c),
                    given=given,
                    metric=metric.name_zh,
                    expected=metric.unit,
                )
            )
    return issues


def row_period(value: object, upload_period: int | None) -> tuple[int | None, str | None]:
    """The month of a 月份 cell, with an error code when it is malformed or disagrees with the upload's."""
    found = parse_period(value)
    if found is None:
        return None, "bad_period"
    if upload_period is not None and found != upload_period:
        return found, "period_conflict"
    return found, None


NUMERIC_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "empty"})


def parse_column(
    column: list[object] | np.ndarray,
    row0: np.ndarray,
    c: int,
    metric: Metric,
    sheet: Sheet,
    ctx: Context,
    out: SheetValues,
) -> tuple[np.ndarray, np.ndarray]:
    """Values of one metric column (NaN where missing) and the mask of cells that hold a valid value.

    A column of plain numbers and blanks (the usual case) is converted in one step; any other column is read
    cell by cell (numeric text, markers, percent signs). Range checks are vectorised.
    """
    label, file = sheet_label(sheet), ctx.file_name
    percent_rows = sheet.percent_rows(c) if metric.is_percent else frozenset()
    if pd.api.types.infer_dtype(column, skipna=True) in NUMERIC_KINDS:
        values = np.array(column, dtype=np.float64)  # None → NaN
        if percent_rows:
            values[np.isin(row0, np.fromiter(percent_rows, dtype=np.int64, count=len(percent_rows)))] *= 100
    else:
        values = _parse_cells(column, row0, c, metric, percent_rows, out, label, file)
    data_rows = set(row0.tolist()) if sheet.formulas_without_value else set()
    for r in sorted(r for r, col in sheet.formulas_without_value if col == c and r in data_rows):
        out.issues.append(make_issue("formula_no_value", file, label, a1(r, c)))
    keep = ~np.isnan(values)
    low = -np.inf if metric.min is None else metric.min
    high = np.inf if metric.max is None else metric.max
    outside = keep & ((values < low) | (values > high))
    for i in np.flatnonzero(outside):
        out.issues.append(
            make_issue(
                "out_of_range",
                file,
                label,
                a1(int(row0[i]), c),
                metric=metric.name_zh,
                value=message_number(float(values[i])),
                min=_bound(metric.min),
                max=_bound(metric.max),
                unit=f" {metric.unit}",
            )
        )
    return values, keep & ~outside


def _parse_cells(
    column: list[object] | np.ndarray,
    row0: np.ndarray,
    c: int,
    metric: Metric,
    percent_rows: frozenset[int],
    out: SheetValues,
    label: str | None,
    file: str,
) -> np.ndarray:
    """The slow path: one cell at a time, with a bad_value error at each cell that is not a number."""
    values = np.full(len(column), np.nan)
    for i, v in enumerate(column):
        if is_missing(v):
            continue
        number = parse_number(v, metric.is_percent, int(row0[i]) in percent_rows)
        if number is None:
            out.issues.append(make_issue("bad_value", file, label, a1(int(row0[i]), c), value=cell_text(v)))
            continue
        values[i] = number
    return values


def _bound(value: float | None) -> str:
    return "∞" if value is None else message_number(value)


def _parse_records(records: list[tuple], sheet: Sheet, ctx: Context, out: SheetValues) -> pd.DataFrame:
    """Values of (uid, period, metric, raw, row0, col0) records, with errors at their cells."""
    rows = []
    for uid, period, metric, raw, r, c in records:
        values, keep = parse_column([raw], np.array([r]), c, metric, sheet, ctx, out)
        if keep[0]:
            rows.append((uid, period, metric.code, float(values[0]), r, c))
    if not rows:
        return EMPTY_FRAME
    return pd.DataFrame(rows, columns=list(EMPTY_FRAME.columns)).astype(EMPTY_FRAME.dtypes.to_dict())


def reporter_unit(grid: list[list[object]], header_row: int) -> str | None:
    """The unit a vertical form names in a ``填报单位：…`` line above its header."""
    for row in grid[:header_row]:
        for value in row:
            m = _REPORTER.search(cell_text(value))
            if m:
                return m.group(1)
    return None
