"""Reading one sheet's grid as a data table: header detection and the wide, vertical and long layouts (SPEC §3).

The result is a :class:`SheetValues` — one row per value read, with the unit id, month, metric, value and the
cell it came from — plus the issues found. Unit and period resolution are given by the caller (:class:`Context`)."""

from __future__ import annotations

from analytics.ingest.cells import (
    EMPTY_FRAME,
    Context,
    Role,
    SheetValues,
    ambiguous_metric,
    cell_text,
    metric_candidates,
    sheet_label,
)
from analytics.ingest.workbooks import Sheet, a1
from analytics.model.catalog import Catalog, Metric, normalise_label, split_header
from analytics.model.issues import Issue

HEADER_SCAN_ROWS = 30


MIN_KNOWN_HEADER_CELLS = 2


ROLE_LABELS: dict[str, tuple[str, ...]] = {
    "code": ("单位编码", "unit_code", "单位代码", "编码", "code", "unitcode"),
    "name": ("单位名称", "unit_name", "单位", "unit", "名称", "unitname", "填报单位"),
    "index": ("序号", "no.", "no", "#", "行次"),
    "period": ("月份", "period", "统计月份", "报告期", "期间", "month"),
    "metric": ("指标", "指标名称", "指标编码", "metric", "项目", "指标项"),
    "value": ("值", "数值", "value", "指标值"),
    "current": (
        "本月",
        "本月数",
        "本期",
        "本月值",
        "本期数",
        "本月完成",
        "当月",
        "当月数",
    ),
    "ignored": (
        "本年累计",
        "累计",
        "上年同期",
        "同比",
        "同比增减",
        "环比",
        "本年计划",
        "去年同期",
        "增减",
        "增减%",
    ),
    "measure": ("计量单位", "单位(计量)"),
}


_ROLE_OF = {normalise_label(label): role for role, labels in ROLE_LABELS.items() for label in labels}


def header_grid(sheet: Sheet, rows: int) -> list[list[object]]:
    """The first ``rows`` rows with merged ranges filled from their top-left cell (for header matching)."""
    grid: list[list[object]] = [list(r) for r in sheet.rows[:rows]]
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= rows:
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else None
        for r in range(r0, min(r1, rows - 1) + 1):
            row = grid[r]
            row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] is None:
                    row[c] = value
    return grid


Roles = list[Role]


AMBIGUOUS = "ambiguous"  # the role of a header that names several metrics (its third field is the label)


def classify(label: object, catalog: Catalog) -> tuple[str, Metric | None, str | None]:
    """A header cell's role: ('metric', metric, unit), (AMBIGUOUS, None, label) for a label naming several
    metrics, (role, None, None) or ('', None, None).

    A bilingual header (``营业收入（万元）`` over ``Operating revenue`` in one cell) is tried line by line.
    """
    text = cell_text(label)
    if not text:
        return "", None, None
    for line in (text, *[part.strip() for part in text.splitlines() if part.strip()]):
        role = _ROLE_OF.get(normalise_label(line))
        if role:
            return role, None, None
        base, unit = split_header(line)
        found = metric_candidates(catalog, line)
        if len(found) == 1:
            return "metric", found[0], unit
        if found:
            return AMBIGUOUS, None, line
        if _ROLE_OF.get(normalise_label(base)):
            return _ROLE_OF[normalise_label(base)], None, None
    return "", None, None


def _names_metrics(roles: Roles) -> bool:
    return any(m is not None or role == AMBIGUOUS for role, m, _ in roles)


SUB_HEADER_ROWS = 2  # how far below a header row its metric sub-headers may sit (under merged group headers)


def find_header(grid: list[list[object]], catalog: Catalog) -> tuple[int, Roles] | None:
    """The header row (the first with ≥ 2 known cells) and each column's role.

    A header whose metric names sit on the row(s) below, under merged group headers such as ``党建指标``, is read as
    one: each column takes the lowest row's role where it names one. The returned row is the lowest header row.
    """
    for r, row in enumerate(grid):
        roles = [classify(v, catalog) for v in row]
        if sum(1 for role, _, _ in roles if role) < MIN_KNOWN_HEADER_CELLS:
            continue
        if _names_metrics(roles) or any(role in ("metric", "current") for role, _, _ in roles):
            return r, roles  # metric headers already here, or a vertical form whose metrics run down
        last = r
        for below in range(r + 1, min(r + 1 + SUB_HEADER_ROWS, len(grid))):
            lower = [classify(v, catalog) for v in grid[below]]
            if not _names_metrics(lower):
                break
            roles = [lower[c] if c < len(lower) and lower[c][0] else role for c, role in enumerate(roles)]
            roles += lower[len(roles) :]
            last = below
        return last, roles
    return None


def read_sheet(sheet: Sheet, ctx: Context) -> SheetValues:
    """Read one sheet in whichever layout it has; kind None when it is not a data table."""
    grid = header_grid(sheet, HEADER_SCAN_ROWS)
    found = find_header(grid, ctx.catalog)
    if found is None:
        return SheetValues(None, EMPTY_FRAME)
    header_row, roles = found
    names = {role for role, _, _ in roles}
    # the layout modules build on this one's primitives, hence the imports here
    if {"metric", "current"} <= names:
        from analytics.ingest.vertical import read_vertical

        return read_vertical(sheet, grid, header_row, roles, ctx)
    if {"metric", "value"} <= names and names & {"code", "name"} and "period" in names:
        from analytics.ingest.long_layout import read_long

        return read_long(sheet, header_row, roles, ctx)
    if names & {"code", "name"} and _names_metrics(roles):
        from analytics.ingest.wide import read_wide

        values = read_wide(sheet, grid, header_row, roles, ctx)
        values.issues += ambiguous_headers(grid, header_row, roles, sheet, ctx)
        return values
    return SheetValues(None, EMPTY_FRAME)


def ambiguous_headers(
    grid: list[list[object]], header_row: int, roles: Roles, sheet: Sheet, ctx: Context
) -> list[Issue]:
    """An error at each metric header that names several metrics (the lowest header row holding it)."""
    issues = []
    for c, (role, _, label) in enumerate(roles):
        if role != AMBIGUOUS:
            continue
        r = next(
            (
                r
                for r in range(header_row, -1, -1)
                if c < len(grid[r]) and classify(grid[r][c], ctx.catalog)[0] == AMBIGUOUS
            ),
            header_row,
        )
        found = metric_candidates(ctx.catalog, label or "")
        issues.append(ambiguous_metric(found, label or "", ctx.file_name, sheet_label(sheet), a1(r, c)))
    return issues
