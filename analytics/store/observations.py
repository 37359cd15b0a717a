"""Reading current observations back out: the long table of SPEC §4's ``data`` command."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import xlsxwriter

from analytics.errors import AnalyticsError
from analytics.periods import from_index

DATA_COLUMNS = ["unit", "period", "metric", "value"]
XLSX_MAX_ROWS = 1_048_576  # Excel's sheet height, header row included


class TooManyRows(AnalyticsError, ValueError):
    """The selection does not fit in one Excel sheet; ``args`` is the row count, as it always was."""

    code = "export.too_many_rows"

    def __init__(self, rows: int) -> None:
        self.rows = rows
        super().__init__(None, rows=rows)
        self.args = (rows,)


def current_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many values are current (every key's latest value of a batch not reverted)."""
    return int(con.execute("SELECT count(*) FROM current").fetchall()[0][0])


def current_months(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The months (``YYYY-MM``) with a current value, oldest first."""
    rows = con.execute("SELECT DISTINCT period FROM current ORDER BY period").fetchall()
    return tuple(from_index(period) for (period,) in rows)


def current_frame(
    con: duckdb.DuckDBPyConnection,
    start: int | None = None,
    end: int | None = None,
    units: list[str] | None = None,
    metrics: list[str] | None = None,
) -> pd.DataFrame:
    """Current values (latest batch not reverted) as unit, period ('YYYY-MM'), metric, value — codes, sorted.

    Bounds are inclusive month indexes; ``units``/``metrics`` are code lists (already expanded to descendants).
    Missing values are absent rows, never zeros.
    """
    frame = con.execute(
        "SELECT u.code AS unit, c.period, m.code AS metric, c.value FROM current c "
        "JOIN units u ON u.uid = c.uid JOIN metrics m ON m.mid = c.mid "
        "WHERE (? IS NULL OR c.period >= ?) AND (? IS NULL OR c.period <= ?) "
        "AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], u.code)) "
        "AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], m.code)) "
        "ORDER BY u.code, c.period, m.code",
        [start, start, end, end, units, units, metrics, metrics],
    ).df()
    frame["period"] = frame["period"].map(from_index)
    return frame


def shortest(value: float) -> str:
    """The shortest decimal that round-trips (``95`` rather than ``95.0``)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def to_csv(frame: pd.DataFrame) -> str:
    """SPEC §4 CSV: header unit,period,metric,value; UTF-8 without BOM; shortest round-trip values."""
    out = io.StringIO()
    out.write(",".join(DATA_COLUMNS) + "\n")
    for unit, period, metric, value in frame[DATA_COLUMNS].itertuples(index=False):
        out.write(f"{_csv_field(unit)},{period},{_csv_field(metric)},{shortest(value)}\n")
    return out.getvalue()


def to_xlsx(frame: pd.DataFrame, target: str | Path | io.BytesIO) -> None:
    """The same long table as :func:`to_csv`, as an .xlsx with one sheet ``data``.

    Codes and periods are written as text cells and values as numbers, so a code such as ``=1+2`` or
    ``http://x`` stays the text it is (never a formula or a link). Raises :class:`TooManyRows` when the rows do
    not fit in one sheet.
    """
    if len(frame) + 1 > XLSX_MAX_ROWS:
        raise TooManyRows(len(frame))
    options = {"constant_memory": True, "in_memory": isinstance(target, io.BytesIO)}
    with xlsxwriter.Workbook(target, options) as book:
        sheet = book.add_worksheet("data")
        for c, name in enumerate(DATA_COLUMNS):
            sheet.write_string(0, c, name)
        rows = frame[DATA_COLUMNS].itertuples(index=False)
        for r, (unit, period, metric, value) in enumerate(rows, start=1):
            sheet.write_string(r, 0, unit)
            sheet.write_string(r, 1, period)
            sheet.write_string(r, 2, metric)
            sheet.write_number(r, 3, value)


def _csv_field(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def analysis_frame(con: duckdb.DuckDBPyConnection, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Current values for the statistics: unit, period, metric as categoricals (cheap at 14 M rows), value.

    The keys come from the database as small integers and become categoricals without hashing strings.
    """
    raw = con.execute(
        "SELECT uid, period, mid, value FROM current WHERE (? IS NULL OR period >= ?) AND (? IS NULL OR period <= ?)",
        [start, start, end, end],
    ).fetchnumpy()
    units = dict(con.execute("SELECT uid, code FROM units").fetchall())
    metrics = dict(con.execute("SELECT mid, code FROM metrics").fetchall())
    return pd.DataFrame(
        {
            "unit": _categorical(np.asarray(raw["uid"]), units),
            "period": _categorical(np.asarray(raw["period"]), {p: from_index(p) for p in np.unique(raw["period"])}),
            "metric": _categorical(np.asarray(raw["mid"]), metrics),
            "value": np.asarray(raw["value"], dtype=np.float64),
        }
    )


def _categorical(ids: np.ndarray, labels: dict[int, str]) -> pd.Categorical:
    keys = np.array(sorted(labels), dtype=np.int64)
    lookup = np.full(int(keys.max()) + 1 if len(keys) else 1, -1, dtype=np.int32)
    lookup[keys] = np.arange(len(keys), dtype=np.int32)
    return pd.Categorical.from_codes(
        lookup[ids.astype(np.int64)] if len(ids) else np.array([], dtype=np.int32), categories=[labels[k] for k in keys]
    )
