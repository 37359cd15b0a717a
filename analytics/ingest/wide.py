"""The wide layout (the template and most real sheets): one row per unit, one column per metric."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.ingest.cells import (
    EMPTY_FRAME,
    MISSING_MARKERS,
    TOTALS_LABELS,
    Context,
    Grid,
    Role,
    SheetValues,
    cell_text,
    check_header_units,
    default_unit_note,
    fallback_period,
    is_missing,
    parse_column,
    row_period,
    sheet_label,
)
from analytics.ingest.workbooks import Sheet, a1
from analytics.model.catalog import Metric
from analytics.model.issues import WARNING, make_issue
from analytics.periods import from_index


def read_wide(sheet: Sheet, grid: Grid, header_row: int, roles: list[Role], ctx: Context) -> SheetValues:
    """The template's layout: one row per unit, one column per metric."""
    out = SheetValues("wide", EMPTY_FRAME)
    label, file = sheet_label(sheet), ctx.file_name
    note_unit = default_unit_note(grid, header_row)
    out.issues += check_header_units(roles, header_row, note_unit, sheet, ctx)
    col = {role: c for c, (role, _, _) in reversed(list(enumerate(roles))) if role in ("code", "name", "period")}
    metric_cols = [(c, m) for c, (_, m, _) in enumerate(roles) if m is not None]
    for c, (role, _, _) in enumerate(roles):
        text = cell_text(grid[header_row][c]) if c < len(grid[header_row]) else ""
        if not role and text:
            out.issues.append(
                make_issue(
                    "unknown_column",
                    file,
                    label,
                    a1(header_row, c),
                    WARNING,
                    header=text,
                )
            )
    fallback = fallback_period(sheet, grid, header_row, ctx)
    row_ids, periods = _wide_rows(sheet, header_row, col, fallback, ctx, out)
    out.frame = _collect_values(sheet, row_ids, periods, metric_cols, ctx, out)
    return out


def _wide_rows(
    sheet: Sheet,
    header_row: int,
    col: dict[str, int],
    fallback: int | None,
    ctx: Context,
    out: SheetValues,
) -> tuple[list[tuple[int, int]], list[int]]:
    """(row0, uid) of each data row and its month; reports totals rows, unknown units and period problems."""
    label, file = sheet_label(sheet), ctx.file_name
    code_c, name_c, period_c = col.get("code"), col.get("name"), col.get("period")
    rows, periods, no_period_reported = [], [], False
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        code = row[code_c] if code_c is not None and code_c < len(row) else None
        name = row[name_c] if name_c is not None and name_c < len(row) else None
        code_text, name_text = cell_text(code), cell_text(name)  # NFKC once: the keys below fold the same text
        code_key, name_key = "".join(code_text.lower().split()), "".join(name_text.lower().split())
        no_code = code_key in MISSING_MARKERS  # is_missing(code)
        if no_code and name_key in MISSING_MARKERS and all(is_missing(v) for v in row):
            continue
        identity = ("" if no_code else code_text) or name_text  # a code cell of '-' or '/' names no unit
        if code_key in TOTALS_LABELS or name_key in TOTALS_LABELS:
            out.issues.append(
                make_issue(
                    "totals_row_skipped",
                    file,
                    label,
                    a1(r, _either(code_c if code_c is not None and not no_code else name_c, code_c)),
                    WARNING,
                    label=identity,
                )
            )
            continue
        if not identity:
            out.issues.append(
                make_issue(
                    "missing_unit",
                    file,
                    label,
                    a1(r, _either(name_c, code_c)),
                )
            )
            continue
        cell = a1(r, _either(code_c if code_c is not None and not no_code else name_c, code_c))
        uid, problem = ctx.resolve_unit(None if no_code else code_text, name_text, file, label, cell)
        if problem:
            out.issues.append(problem)
        period = fallback
        if period_c is not None and not is_missing(row[period_c] if period_c < len(row) else None):
            period, err = row_period(row[period_c], ctx.upload_period)
            if err:
                fields = (
                    {"value": cell_text(row[period_c])}
                    if err == "bad_period"
                    else {
                        "found": from_index(period or 0),
                        "given": from_index(ctx.upload_period or 0),
                    }
                )
                out.issues.append(make_issue(err, file, label, a1(r, period_c), **fields))
                continue
        if period is None:
            if not no_period_reported:
                out.issues.append(make_issue("no_period", file, label, None))
                no_period_reported = True
            continue
        if uid is not None:
            rows.append((r, uid))
            periods.append(period)
    return rows, periods


def _block(sheet: Sheet, row0: np.ndarray, width: int) -> np.ndarray:
    """The data rows as one 2-D object array (columns then slice in C, not Python), padded to ``width``."""
    block = np.full((len(row0), width), None, dtype=object)
    for i, r in enumerate(row0.tolist()):
        row = sheet.rows[r][:width]
        block[i, : len(row)] = row
    return block


def _either(first: int | None, second: int | None) -> int:
    """The identity column to point an error at: the first that exists (a wide table has at least one)."""
    return first if first is not None else second if second is not None else 0


def _collect_values(
    sheet: Sheet,
    row_ids: list[tuple[int, int]],
    periods: list[int],
    metric_cols: list[tuple[int, Metric]],
    ctx: Context,
    out: SheetValues,
) -> pd.DataFrame:
    """Parse every metric cell of the data rows column by column; blanks are not in the file."""
    row0 = np.array([r for r, _ in row_ids], dtype=np.int64)
    uids = np.array([u for _, u in row_ids], dtype=np.int64)
    period_arr = np.array(periods, dtype=np.int64)
    block = _block(sheet, row0, max((c for c, _ in metric_cols), default=-1) + 1)
    parts: dict[str, list[np.ndarray]] = {"uid": [], "period": [], "metric": [], "value": [], "row0": [], "col0": []}
    codes = [m.code for _, m in metric_cols]
    for k, (c, metric) in enumerate(metric_cols):
        column = block[:, c]
        values, keep = parse_column(column, row0, c, metric, sheet, ctx, out)
        count = int(keep.sum())
        for name, part in (
            ("uid", uids[keep]),
            ("period", period_arr[keep]),
            ("value", values[keep]),
            ("row0", row0[keep]),
            ("metric", np.full(count, k, dtype=np.int32)),
            ("col0", np.full(count, c, dtype=np.int64)),
        ):
            parts[name].append(part)
    if not codes or not sum(len(p) for p in parts["uid"]):
        return EMPTY_FRAME
    frame = {name: np.concatenate(parts[name]) for name in EMPTY_FRAME.columns}
    frame["metric"] = (
        pd.Categorical.from_codes(frame["metric"], categories=pd.Index(codes).unique())
        if len(set(codes)) == len(codes)
        else np.array(codes, dtype=object)[frame["metric"]]
    )
    return pd.DataFrame(frame, copy=False)
