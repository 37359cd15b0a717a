"""The vertical layout: one unit per sheet, metrics down a column, this month's values in a 本月 column."""

from __future__ import annotations

from analytics.ingest.cells import (
    EMPTY_FRAME,
    Context,
    Grid,
    Role,
    SheetValues,
    _parse_records,
    cell_metric,
    cell_text,
    fallback_period,
    is_missing,
    reporter_unit,
    sheet_label,
)
from analytics.ingest.workbooks import Sheet, a1
from analytics.model.catalog import split_header, units_agree
from analytics.model.issues import WARNING, make_issue


def read_vertical(sheet: Sheet, grid: Grid, header_row: int, roles: list[Role], ctx: Context) -> SheetValues:
    """Metrics run down the 指标 column; the unit is named by ``填报单位：…``, a title or the sheet name."""
    out = SheetValues("vertical", EMPTY_FRAME)
    label, file = sheet_label(sheet), ctx.file_name
    metric_c = next(c for c, (role, _, _) in enumerate(roles) if role == "metric")
    value_c = next(c for c, (role, _, _) in enumerate(roles) if role == "current")
    measure_c = next((c for c, (role, _, _) in enumerate(roles) if role == "measure"), None)
    for c, (role, _, _) in enumerate(roles):
        if role == "ignored":
            out.issues.append(
                make_issue(
                    "ignored_column",
                    file,
                    label,
                    a1(header_row, c),
                    WARNING,
                    header=cell_text(grid[header_row][c]),
                )
            )
    uid = _form_unit(sheet, grid, header_row, ctx, out)
    period = fallback_period(sheet, grid, header_row, ctx)
    if period is None:
        out.issues.append(make_issue("no_period", file, label, None))
    if uid is None or period is None:
        return out
    records = []
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        name = row[metric_c] if metric_c < len(row) else None
        raw = row[value_c] if value_c < len(row) else None
        if is_missing(name):
            continue
        unit = split_header(cell_text(name))[1]
        metric, ambiguous = cell_metric(ctx, name, label, a1(r, metric_c))
        if ambiguous is not None:
            out.issues.append(ambiguous)
            continue
        if metric is None:
            if not is_missing(raw):
                out.issues.append(
                    make_issue(
                        "unknown_metric",
                        file,
                        label,
                        a1(r, metric_c),
                        WARNING,
                        metric=cell_text(name),
                    )
                )
            continue
        given = unit or (cell_text(row[measure_c]) if measure_c is not None and measure_c < len(row) else "")
        if given and not units_agree(given, metric.unit):
            cell = a1(r, measure_c if not unit and measure_c is not None else metric_c)
            out.issues.append(
                make_issue(
                    "unit_mismatch",
                    file,
                    label,
                    cell,
                    given=given,
                    metric=metric.name_zh,
                    expected=metric.unit,
                )
            )
            continue
        records.append((uid, period, metric, raw, r, value_c))
    out.frame = _parse_records(records, sheet, ctx, out)
    return out


def _form_unit(sheet: Sheet, grid: Grid, header_row: int, ctx: Context, out: SheetValues) -> int | None:
    named = reporter_unit(grid, header_row)
    if named:
        cell = next(
            (a1(r, c) for r, row in enumerate(grid[:header_row]) for c, v in enumerate(row) if named in cell_text(v)),
            None,
        )
        uid, problem = ctx.resolve_unit(None, named, ctx.file_name, sheet_label(sheet), cell)
        if problem:
            out.issues.append(problem)
        return uid
    for text in [cell_text(v) for row in grid[:header_row] for v in row] + [sheet.name]:
        uid = ctx.unit_for_sheet(text)
        if uid is not None:
            return uid
    out.issues.append(make_issue("no_unit_for_sheet", ctx.file_name, sheet_label(sheet), None))
    return None
