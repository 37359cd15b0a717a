"""Notes (情况说明, SPEC §8): the uploader's explanation of one value, as given (unit and metric labels, a month),
and the notes CSV (columns ``unit,period,metric,note``) read into them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from analytics import periods
from analytics.errors import AnalyticsError

NOTE_COLUMNS = ("unit", "period", "metric", "note")
MAX_NOTE = 2000  # characters a note keeps


@dataclass(frozen=True)
class Note:
    """A note on the value of ``unit`` (code or name) in ``period`` (month index) for ``metric`` (code, name or
    alias); ``line``: its row in a notes file (None from a page)."""

    unit: str
    period: int
    metric: str
    text: str
    line: int | None = None
    file: str = ""  # the notes file it came from


def read_notes_csv(text: str, file: str = "") -> list[Note]:
    """The notes of a CSV (named ``file`` in the issues about them); rows with an empty note are skipped. Raises
    AnalyticsError ``notes.bad_row`` naming the row (the header is line 1) and the column at fault, or
    ``notes.missing_columns``."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in NOTE_COLUMNS if c not in header]
    if missing:
        raise AnalyticsError("notes.missing_columns", columns=", ".join(missing))
    reader.fieldnames = header
    notes: list[Note] = []
    for line, row in enumerate(reader, start=2):
        note = (row.get("note") or "").strip()
        if not note:
            continue
        unit, metric = (row.get("unit") or "").strip(), (row.get("metric") or "").strip()
        for column, value in (("unit", unit), ("metric", metric)):
            if not value:
                raise AnalyticsError("notes.bad_row", line=line, column=column, error="empty")
        try:
            period = periods.parse_strict((row.get("period") or "").strip())
        except ValueError as exc:
            raise AnalyticsError("notes.bad_row", line=line, column="period", error=str(exc)) from None
        notes.append(Note(unit, period, metric, note[:MAX_NOTE], line, file))
    return notes
