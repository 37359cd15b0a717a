"""The reporting cycle's display tables: a month's subsidiary × status grid, and a unit's values beside last month
and its history with the reviewer's warnings. Texts come from analytics.i18n.pages_cycle."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analytics.i18n import t
from analytics.i18n.numbers import amount
from analytics.model.catalog import Catalog
from analytics.model.cycles import STATUSES, status_phrase
from analytics.model.panel import Panel
from analytics.periods import from_index
from analytics.settings import history_ratio, history_window

VALUE_COLUMNS = ["metric", "value", "last", "change", "median", "warning", "note"]


def status_grid(units: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Subsidiary × status counts (statuses in words, in the cycle's order), with a total row and column."""
    words = [status_phrase(s).text(lang) for s in STATUSES]
    subsidiary, total = t("progress.col.subsidiary", lang), t("progress.total", lang)
    if units.empty:
        return pd.DataFrame(columns=[subsidiary, *words, total])
    counts = pd.crosstab(units["subsidiary"], units["status"]).reindex(columns=list(STATUSES), fill_value=0)
    counts = counts.reindex(list(dict.fromkeys(units["subsidiary"])))  # registry order
    counts.loc[total] = counts.sum()
    counts.columns = words
    counts[total] = counts.sum(axis=1)
    return counts.rename_axis(subsidiary).reset_index()


def unit_values(
    panel: Panel, catalog: Catalog, unit: str, period: int, notes: Mapping[str, str] | None, lang: str
) -> pd.DataFrame:
    """The unit's values in ``period`` beside last month's and the median of its ``history_window`` months before,
    with the warnings (far from that median, as the import warns; outside the metric's valid range; new this
    month) and the uploader's note on the value (``notes``: metric code → note), the warned or noted metrics
    first. Columns: metric (name), value, last, change, median, warning, note (texts); empty without values."""
    notes = notes or {}
    u = panel.units.get_indexer([unit])[0]
    month = panel.month_position(from_index(period))
    if u < 0 or not 0 <= month < len(panel.months):
        return pd.DataFrame(columns=VALUE_COLUMNS)
    cube = panel.cube[u]  # [month, metric]
    now = cube[month]
    last = cube[month - 1] if month >= 1 else np.full_like(now, np.nan)
    window = cube[max(0, month - history_window()) : month]
    medians = pd.DataFrame(window).median(axis=0).to_numpy() if len(window) else np.full_like(now, np.nan)
    ratio = history_ratio()
    rows = []
    for m in np.flatnonzero(~np.isnan(now)):
        code = str(panel.metrics[m])
        metric = catalog.get(code) if code in catalog.codes() else None
        unit_of = metric.unit if metric else ""
        value, before, median = float(now[m]), float(last[m]), float(medians[m])
        warnings = _warnings(value, before, median, ratio, metric.in_range(value) if metric else True, lang)
        rows.append(
            {
                "metric": metric.name(lang) if metric else code,
                "value": amount(value, unit_of, lang),
                "last": amount(None if np.isnan(before) else before, unit_of, lang),
                "change": _change(value, before),
                "median": amount(None if np.isnan(median) else median, unit_of, lang),
                "warning": t("sep.field", lang).join(warnings),
                "note": notes.get(code, ""),
            }
        )
    frame = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    quiet = frame["warning"].eq("") & frame["note"].eq("")
    return frame.iloc[np.argsort(quiet.to_numpy(), kind="stable")]  # the warned or noted ones first


def warning_counts(panel: Panel, catalog: Catalog, units: list[str], period: int) -> dict[str, int]:
    """How many of each unit's values in ``period`` :func:`unit_values` would warn about (far from the history
    median, outside the valid range, new this month), for every unit at once (a 2,000-unit queue is sorted by it
    without building each unit's table). Units without values in the month count 0."""
    found = dict.fromkeys(units, 0)
    rows = panel.units.get_indexer(units)
    month = panel.month_position(from_index(period))
    if not 0 <= month < len(panel.months) or not (rows >= 0).any():
        return found
    kept = rows[rows >= 0]
    cube = panel.cube[kept]  # [unit, month, metric]
    now = cube[:, month]
    last = cube[:, month - 1] if month >= 1 else np.full_like(now, np.nan)
    window = cube[:, max(0, month - history_window()) : month]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a metric without history has no median: NaN, no warning
        medians = np.nanmedian(window, axis=1) if window.shape[1] else np.full_like(now, np.nan)
        ratio = history_ratio()
        factor = now / medians
        far = (medians > 0) & (now > 0) & ((factor >= ratio) | (factor <= 1 / ratio))
    codes = [str(m) for m in panel.metrics]
    low = np.array([_bound(catalog, c, "min", -np.inf) for c in codes])
    high = np.array([_bound(catalog, c, "max", np.inf) for c in codes])
    outside = (now < low) | (now > high)
    new = np.isnan(last)
    warned = ~np.isnan(now) & (far | outside | new)
    for unit, count in zip(np.asarray(units)[rows >= 0], warned.sum(axis=1), strict=True):
        found[str(unit)] = int(count)
    return found


def _bound(catalog: Catalog, code: str, side: str, default: float) -> float:
    metric = catalog.get(code) if code in catalog.codes() else None
    value = getattr(metric, side, None) if metric is not None else None
    return default if value is None else float(value)


def _warnings(value: float, before: float, median: float, ratio: float, in_range: bool, lang: str) -> list[str]:
    found = []
    if median > 0 and value > 0:
        factor = value / median
        if factor >= ratio or factor <= 1 / ratio:
            times = factor if factor >= 1 else 1 / factor
            found.append(t("review.far", lang, ratio=f"{times:,.0f}"))
    if not in_range:
        found.append(t("review.out_of_range", lang))
    if np.isnan(before):
        found.append(t("review.new_metric", lang))
    return found


def _change(value: float, before: float) -> str:
    if np.isnan(before) or before == 0:
        return "—"
    return f"{(value - before) / abs(before) * 100:+.1f}%"
