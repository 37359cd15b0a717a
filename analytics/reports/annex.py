"""What an export lists beside its slides about the monthly reporting cycle (SPEC §8): the uploaders' notes (情况说明)
on values of the deck's view, and its restated months (更正). The notes are loaded with the deck's source
(analytics.services.exports) and narrowed to the deck's view and language when the deck is built; the restated
months come with the data stamp's marks. Written as sheets of the Excel workbook (analytics.reports.xlsx)."""

from __future__ import annotations

import pandas as pd

from analytics.model.catalog import Catalog
from analytics.model.cycles import Marks

NOTE_COLUMNS = ["unit", "name", "period", "metric", "metric_name", "value", "note", "author", "batch_id"]
RESTATED_COLUMNS = ["period", "reason"]


def shown_notes(
    notes: pd.DataFrame | None,
    start: str | None,
    end: str | None,
    units: tuple[str, ...] | None,
    catalog: Catalog,
    lang: str,
) -> pd.DataFrame:
    """The notes (unit, name, period YYYY-MM, metric code, value, note, author, batch_id, as loaded) of months
    ``start..end`` (inclusive; None: open) and unit codes ``units`` (None: every unit), each metric also named in
    ``lang`` (``metric_name``); columns :data:`NOTE_COLUMNS`, empty when there are none."""
    if notes is None or notes.empty:
        return pd.DataFrame(columns=NOTE_COLUMNS)
    lo, hi = start or "0000-00", end or "9999-99"
    shown = notes[notes["period"].astype(str).between(lo, hi)]
    if units is not None:
        shown = shown[shown["unit"].isin(list(units))]
    names = {m.code: m.name(lang) for m in catalog.metrics}
    shown = shown.assign(metric_name=[names.get(str(code), str(code)) for code in shown["metric"]])
    return shown[NOTE_COLUMNS].reset_index(drop=True)


def restated_rows(marks: Marks, start: str | None, end: str | None, lang_sep: str) -> pd.DataFrame:
    """The restated months (更正) of ``start..end``, one row each: period, reason (a month's reasons joined by
    ``lang_sep``); columns :data:`RESTATED_COLUMNS`."""
    found = marks.restated_in(start, end)
    return pd.DataFrame(
        {"period": list(found), "reason": [lang_sep.join(reasons) for reasons in found.values()]},
        columns=RESTATED_COLUMNS,
    )
