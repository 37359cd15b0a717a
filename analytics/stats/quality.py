"""Data-quality flags against box-ticking (形式主义): figures that look copied, filled in or mistyped.

A flag asks a planner to check a report; it is never a finding about the unit. Three kinds, per unit and month:

- ``copied`` (照抄上月): at least ``copied_share`` of the unit's comparable metrics are identical to the previous
  calendar month, with at least ``copied_min_metrics`` comparable. Not comparable, because repeating is legitimate:
  stocks (catalog rollup ``last``, e.g. 党员先锋岗数 stays put for months) and a value sitting on its metric's
  valid bound in both months (0 accidents, 100% dues collected) — the uniform-100 flag covers the latter.
- ``uniform_100`` (百分比全为100): every party-building percentage metric the unit reported that month is exactly
  100, and it reported at least ``uniform_min_metrics`` of them.
- ``jump`` (异常跳变), one flag per metric, by either rule:
  - ratio: an amount or count (not a % metric) is ≥ ``ratio``× or ≤ 1/``ratio``× the unit's own median of that
    metric — a likely 元/万元 slip (positive values and medians only; the import's warning uses the same ratio);
  - step: its month-on-month change exceeds ``jump_factor``× the unit's usual change (the median absolute change;
    at least ``min_step_share`` of the unit's median, and at least 1 when the unit's values of the metric are all
    whole numbers, as counts are) — both as reported and net of the month's common movement — *and* the value
    lies that far from the unit's expected level (its median moved by the common level), so the month that
    returns to normal after a slip is not flagged again.
  A month's common movement of a metric is the median over units of (change ÷ the unit's median), its common
  level the median of (value ÷ the unit's median − 1); both are 0 unless ``min_peers`` units report that month.
  Requiring the net change too keeps the Spring Festival dip that every unit shares from reading as a jump;
  requiring the reported change keeps a unit that simply did not dip from being flagged. Both rules need
  ``min_history`` values (changes) of the unit.

Medians are taken over every month of the observations handed in, the checked month included; a month-on-month
change needs both calendar months present (a missing month is missing, never "the previous row").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.i18n import t
from analytics.model.catalog import Catalog, Metric
from analytics.model.panel import Panel, build_panel, frozen_panel
from analytics.settings import history_ratio

COPIED, UNIFORM_100, JUMP = "copied", "uniform_100", "jump"
KINDS = (COPIED, UNIFORM_100, JUMP)
FLAG_COLUMNS = ["unit", "period", "kind", "metrics", "detail_zh", "detail_en"]
FULL_MARKS = 100.0
NUMBER_DIGITS = 2
SHARE_TOLERANCE = 1e-9
WHOLE_STEP = 1.0  # the smallest change of a unit's metric that only ever takes whole numbers


def _history_ratio() -> float:
    return history_ratio()


@dataclass(frozen=True)
class QualitySettings:
    """Thresholds of the data-quality flags (defaults documented in the module docstring)."""

    copied_share: float = 0.8  # share of comparable metrics identical to last month that marks a copied month
    copied_min_metrics: int = 5  # fewer comparable metrics than this are never called copied (chance repeats)
    uniform_min_metrics: int = 3  # party % metrics needed, all exactly 100, for the uniform-100 flag
    jump_factor: float = 5.0  # |change| above this × the unit's median |monthly change| is a jump
    ratio: float = field(default_factory=_history_ratio)  # ≥ ratio× / ≤ 1/ratio× median (import's too)
    min_history: int = 6  # values (and monthly changes) of the unit's own history before jumps are judged
    min_peers: int = 5  # units needed in a month before its common movement (e.g. 春节) is netted out
    min_step_share: float = 0.02  # the usual monthly change is taken as at least this share of the unit's median


def format_number(value: float, digits: int = NUMBER_DIGITS) -> str:
    """A number for a leader: thousands separators, at most ``digits`` decimals, no trailing zeros."""
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _median(x: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """NaN-skipping median along ``axis`` and the count of values (vectorised: one sort, NaN sorts last)."""
    n = (~np.isnan(x)).sum(axis=axis)
    if x.shape[axis] == 0:  # e.g. the changes of a single month
        return np.full(n.shape, np.nan), n
    ordered = np.sort(x, axis=axis)
    lo = np.expand_dims(np.maximum((n - 1) // 2, 0), axis)
    hi = np.expand_dims(np.maximum(n // 2, 0), axis)
    middle = (np.take_along_axis(ordered, lo, axis) + np.take_along_axis(ordered, hi, axis)) / 2
    return np.where(n > 0, middle.squeeze(axis), np.nan), n


def _month_positions(panel: Panel, periods: list[str] | None) -> np.ndarray:
    if periods is None:
        return np.arange(len(panel.months))
    return np.flatnonzero(panel.months.isin(list(periods)))


def _texts(key: str, **fields: object) -> tuple[str, str]:
    return t(key, "zh", **fields), t(key, "en", **fields)


def _flag(unit: str, period: str, kind: str, metrics: tuple[str, ...], key: str, **fields: object) -> dict:
    zh, en = _texts(key, **fields)
    return {"unit": unit, "period": period, "kind": kind, "metrics": metrics, "detail_zh": zh, "detail_en": en}


def _copied(panel: Panel, months: np.ndarray, metrics: list[Metric], s: QualitySettings) -> list[dict]:
    months = months[months >= 1]
    stock = np.array([m.rollup == "last" for m in metrics])
    lows = np.array([np.nan if m.min is None else m.min for m in metrics])
    highs = np.array([np.nan if m.max is None else m.max for m in metrics])
    now, before = panel.cube[:, months, :], panel.cube[:, months - 1, :]
    same = now == before  # False where either is NaN
    on_bound = same & ((now == lows) | (now == highs))
    comparable = ~np.isnan(now) & ~np.isnan(before) & ~stock & ~on_bound
    n_same, n_comparable = (same & comparable).sum(axis=2), comparable.sum(axis=2)
    needed = np.ceil(s.copied_share * n_comparable - SHARE_TOLERANCE)  # 4 of 5 is 80%, whatever 0.8 × 5 rounds to
    hit = (n_comparable >= s.copied_min_metrics) & (n_same >= needed)
    flags = []
    for u, k in zip(*np.nonzero(hit), strict=True):
        codes = tuple(panel.metrics[same[u, k] & comparable[u, k]])
        share = f"{n_same[u, k] / n_comparable[u, k]:.0%}"
        fields = {"same": n_same[u, k], "n": n_comparable[u, k], "share": share}
        flags.append(_flag(panel.units[u], panel.months[months[k]], COPIED, codes, "quality.copied", **fields))
    return flags


def _uniform(panel: Panel, months: np.ndarray, metrics: list[Metric], s: QualitySettings) -> list[dict]:
    rates = np.flatnonzero([m.category == "party" and m.is_percent for m in metrics])
    values = panel.cube[:, months][:, :, rates]
    present = ~np.isnan(values)
    full = ((values == FULL_MARKS) | ~present).all(axis=2) & (present.sum(axis=2) >= s.uniform_min_metrics)
    flags = []
    for u, k in zip(*np.nonzero(full), strict=True):
        codes = tuple(panel.metrics[rates[present[u, k]]])
        fields = {"n": len(codes)}
        flags.append(
            _flag(panel.units[u], panel.months[months[k]], UNIFORM_100, codes, "quality.uniform_100", **fields)
        )
    return flags


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + format_number(value)


def _jump_detail(metric: Metric, x: float, median: float, step: float, usual: float, by_ratio: bool) -> dict:
    """The detail texts of one jump; the ratio rule's wording wins when both rules fired."""
    fields: dict[str, object] = {"value": format_number(x), "median": format_number(median)}
    if by_ratio:
        key = "quality.jump_ratio"
        fields["times"] = format_number(max(x / median, median / x), 1)
    else:
        key = "quality.jump_change"
        fields.update(times=format_number(abs(step) / usual, 1), change=_signed(step), usual=format_number(usual))
    zh, en = (t(key, lang, metric=metric.name(lang), **fields) for lang in ("zh", "en"))
    return {"detail_zh": zh, "detail_en": en}


def _common(relative: np.ndarray, min_peers: int) -> np.ndarray:
    """The month's common movement per metric: the median over units of a relative quantity, 0 with few units."""
    middle, n = _median(relative, axis=0)
    return np.where(n >= min_peers, middle, 0.0)


def _step_rule(steps: np.ndarray, months: np.ndarray, floor: np.ndarray, s: QualitySettings) -> tuple:
    """Per checked month: the step into it, the unit's usual |step| (its median, at least ``floor``), and
    whether the step exceeds ``jump_factor`` × usual (with ``min_history`` steps of history)."""
    usual, n = _median(np.abs(steps), axis=1)
    usual = np.maximum(usual, floor)[:, None, :]
    step = np.full((steps.shape[0], len(months), steps.shape[2]), np.nan)
    step[:, months >= 1, :] = steps[:, months[months >= 1] - 1, :]
    return step, usual, (n[:, None, :] >= s.min_history) & (np.abs(step) > s.jump_factor * usual)


def _jumps(panel: Panel, months: np.ndarray, metrics: list[Metric], s: QualitySettings) -> list[dict]:
    cube = panel.cube
    median, n_values = _median(cube, axis=1)  # units × metrics
    scale = np.abs(median)[:, None, :]
    whole = np.all(np.isnan(cube) | (cube == np.round(cube)), axis=1)  # counts move by at least 1
    floor = np.maximum(s.min_step_share * np.abs(median), whole * WHOLE_STEP)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.diff(cube, axis=1)  # raw[:, k] = month k+1 minus month k
        net = raw - scale * _common(np.where(scale > 0, raw / scale, np.nan), s.min_peers)
        step, usual, raw_hit = _step_rule(raw, months, floor, s)
        _, usual_net, net_hit = _step_rule(net, months, floor, s)
        x = cube[:, months, :]
        level = median[:, None, :] + scale * _common(
            np.where(scale > 0, cube[:, months, :] / scale - 1, np.nan), s.min_peers
        )
        by_step = raw_hit & net_hit & (np.abs(x - level) > s.jump_factor * usual_net)
        med = median[:, None, :]
        amounts = np.array([not m.is_percent for m in metrics])
        by_ratio = (n_values[:, None, :] >= s.min_history) & amounts & (med > 0) & (x > 0)
        by_ratio &= (x >= s.ratio * med) | (x <= med / s.ratio)
    flags = []
    for u, k, m in zip(*np.nonzero(by_ratio | by_step), strict=True):
        detail = _jump_detail(metrics[m], x[u, k, m], median[u, m], step[u, k, m], usual[u, 0, m], by_ratio[u, k, m])
        where = {"unit": panel.units[u], "period": panel.months[months[k]], "kind": JUMP}
        flags.append(where | {"metrics": (metrics[m].code,)} | detail)
    return flags


def _label_mask(series: pd.Series, labels: list[str]) -> np.ndarray:
    """Rows whose label is in ``labels``; a categorical column is tested once per category."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        by_category = np.append(series.cat.categories.isin(labels), False)  # code −1 (missing) → False
        return by_category[series.cat.codes.to_numpy()]
    return series.isin(labels).to_numpy()


def _used_only(series: pd.Series) -> pd.Categorical:
    """A categorical key without the categories no row uses (bincount, not the slower remove_unused_categories)."""
    codes = series.cat.codes.to_numpy()
    used = np.bincount(codes, minlength=len(series.cat.categories)) > 0
    position = np.cumsum(used) - 1
    return pd.Categorical.from_codes(position[codes], categories=series.cat.categories[used])


def _compact(obs: pd.DataFrame) -> pd.DataFrame:
    """Categorical keys trimmed to the labels in use, so the panel spans only the units and months present."""
    keys = [c for c in ("unit", "period", "metric") if isinstance(obs[c].dtype, pd.CategoricalDtype)]
    return obs.assign(**{c: _used_only(obs[c]) for c in keys}) if keys else obs


def quality_flags(
    obs: pd.DataFrame,
    catalog: Catalog,
    periods: list[str] | None = None,
    settings: QualitySettings | None = None,
) -> pd.DataFrame:
    """Data-quality flags of the months ``periods`` (every month of ``obs`` when None).

    ``obs``: long frame unit, period ('YYYY-MM'), metric, value, each key at most once; months before the checked
    ones serve as history (medians, the previous month). NaN values and metrics outside the catalog are ignored.
    Returns one row per flag: unit, period, kind (``copied`` | ``uniform_100`` | ``jump``), metrics (tuple of
    codes: the identical ones, the 100% ones, or the jumping one), detail_zh, detail_en; sorted by period, unit,
    kind, metrics.
    """
    known = _label_mask(obs["metric"], catalog.codes()) & obs["value"].notna().to_numpy()
    if not known.any():
        return pd.DataFrame(columns=FLAG_COLUMNS)
    return panel_quality_flags(build_panel(_compact(obs if known.all() else obs[known])), catalog, periods, settings)


def panel_quality_flags(
    panel: Panel,
    catalog: Catalog,
    periods: list[str] | None = None,
    settings: QualitySettings | None = None,
) -> pd.DataFrame:
    """:func:`quality_flags` of a panel (units or months without values may be in it; they change nothing)."""
    s = settings or QualitySettings()
    known = panel.metrics.isin(catalog.codes())
    if not known.all():
        panel = frozen_panel(panel.units, panel.months, panel.metrics[known], panel.cube[:, :, known])
    if not panel.cube.size:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    months = _month_positions(panel, periods)
    metrics = [catalog.get(code) for code in panel.metrics]
    flags = _copied(panel, months, metrics, s) + _uniform(panel, months, metrics, s) + _jumps(panel, months, metrics, s)
    frame = pd.DataFrame(flags, columns=FLAG_COLUMNS)
    frame["kind"] = pd.Categorical(frame["kind"], categories=KINDS)
    frame = frame.sort_values(["period", "unit", "kind", "metrics"], kind="stable").reset_index(drop=True)
    frame["kind"] = frame["kind"].astype(str)
    return frame
