"""The long layout: columns unit (code or name), period, metric (code, name or alias), value."""

from __future__ import annotations

from analytics.ingest.cells import (
    EMPTY_FRAME,
    TOTALS_LABELS,
    Context,
    Role,
    SheetValues,
    _parse_records,
    cell_metric,
    cell_text,
    is_missing,
    row_period,
    sheet_label,
)
from analytics.ingest.workbooks import Sheet, a1
from analytics.model.catalog import normalise_label
from analytics.model.issues import WARNING, make_issue
from analytics.periods import from_index


def read_long(sheet: Sheet, header_row: int, roles: list[Role], ctx: Context) -> SheetValues:
    """Columns unit (code or name), period, metric (code, name or alias), value."""
    out = SheetValues("long", EMPTY_FRAME)
    label, file = sheet_label(sheet), ctx.file_name
    col = {role: c for c, (role, _, _) in reversed(list(enumerate(roles))) if role}
    records = []
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r] + [None] * (max(col.values()) + 1 - len(sheet.rows[r]))
        if all(is_missing(v) for v in row):
            continue
        code = row[col["code"]] if "code" in col else None
        name = row[col["name"]] if "name" in col else None
        unit_c = col["code"] if "code" in col and not is_missing(code) else col.get("name", col.get("code"))
        identity = cell_text(code) or cell_text(name)
        if normalise_label(identity) in TOTALS_LABELS:
            out.issues.append(
                make_issue(
                    "totals_row_skipped",
                    file,
                    label,
                    a1(r, unit_c or 0),
                    WARNING,
                    label=identity,
                )
            )
            continue
        metric, ambiguous = cell_metric(ctx, row[col["metric"]], label, a1(r, col["metric"]))
        if ambiguous is not None:
            out.issues.append(ambiguous)
            continue
        if metric is None:
            out.issues.append(
                make_issue(
                    "unknown_metric",
                    file,
                    label,
                    a1(r, col["metric"]),
                    metric=cell_text(row[col["metric"]]),
                )
            )
            continue
        uid, problem = ctx.resolve_unit(code if not is_missing(code) else None, name, file, label, a1(r, unit_c or 0))
        period, err = row_period(row[col["period"]], ctx.upload_period)
        if err:
            fields = (
                {"value": cell_text(row[col["period"]])}
                if err == "bad_period"
                else {
                    "found": from_index(period or 0),
                    "given": from_index(ctx.upload_period or 0),
                }
            )
            out.issues.append(make_issue(err, file, label, a1(r, col["period"]), **fields))
        if problem:
            out.issues.append(problem)
        if err or problem or uid is None:
            continue
        records.append((uid, period, metric, row[col["value"]], r, col["value"]))
    out.frame = _parse_records(records, sheet, ctx, out)
    return out
