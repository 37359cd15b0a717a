"""The leadership overview (总览): group KPIs with month-on-month and year-on-year change, the group's
integration trend, the ranking of units by 融合度 with red and black lists, and the month's alerts.

Group figures roll each metric up over the reporting units as the catalog says: ``sum`` (flows, e.g. 营业收入)
adds the units, ``mean`` (rates, scores) averages them without weights, ``last`` (stocks) adds them — a stock
of posts or zones adds up over units — except a percentage stock (资产负债率), which is averaged. A parent
unit's own value of a metric is ignored in a month where any unit below it reports that metric (no double
counting). Missing is missing: a month nobody reported has no figure, and a change needs both months.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import periods
from analytics.i18n import Phrase, t
from analytics.model.catalog import CATEGORIES, Catalog
from analytics.model.completeness import MISSING, PARTIAL, REPORTED, missing_reports
from analytics.model.panel import Panel, key_codes, sub_panel
from analytics.model.units import Registry, ancestor_levels
from analytics.stats.coverage import MonthCoverage, is_thin, month_coverage, thin_months, usual_count
from analytics.stats.integration import (
    LEVELS_ZH,
    IntegrationResult,
    IntegrationSettings,
    compute_integration,
    missing_metrics,
)
from analytics.stats.integration import catalog_frame as catalog_frame
from analytics.stats.quality import QualitySettings, panel_quality_flags, quality_flags

#: The KPI cards, in order, when the catalog has them (else the first metrics of each category with data).
DEFAULT_KPIS = (
    "revenue",
    "total_profit",
    "three_meetings_rate",
    "vanguard_posts",
    "quality_pass_rate",
    "safety_accidents",
)
FALLBACK_PER_CATEGORY = 2
D_KEY = "D"  # the KPI card of the group's mean integration index
SPARK_MONTHS = 12
YEAR = 12  # months back for the year-on-year comparison; also the history behind the quality flags
DEFAULT_LIST_SIZE = 5  # units on the red and on the black list
#: How a change is expressed: percentage points (百分点) for % metrics, a relative % change for other metrics,
#: an absolute difference for the 0–1 integration index.
POINTS, RELATIVE, INDEX = "points", "relative", "index"
#: Colours of the ten coordination levels, 极度失调 (dark red) to 优质协调 (dark green).
LEVEL_COLOURS = (
    "#7F1D1D", "#B91C1C", "#DC2626", "#EA580C", "#F59E0B",
    "#EAB308", "#A3C93A", "#65A30D", "#16A34A", "#166534",
)  # fmt: skip
RANKING_COLUMNS = [
    "rank", "unit", "name", "D", "level", "level_en", "level_index", "colour",
    "lagging", "u_party", "u_business", "complete",
]  # fmt: skip
ALERT_COLUMNS = ["kind", "unit", "name", "period", "metrics", "detail_zh", "detail_en"]
#: Alert kinds, most urgent first (quality kinds come from analytics.stats.quality).
ALERT_ORDER = ("missing", "level_drop", "jump", "copied", "uniform_100", "partial")


# ---------------------------------------------------------------- months and frames


def shift_month(period: str, months: int) -> str:
    """``YYYY-MM`` moved by ``months`` calendar months (negative = earlier)."""
    return periods.from_index(periods.parse_strict(period) + months)


def month_range(first: str, last: str) -> list[str]:
    """Every calendar month from ``first`` to ``last`` inclusive (empty when first > last)."""
    lo, hi = periods.parse_strict(first), periods.parse_strict(last)
    return [periods.from_index(i) for i in range(lo, hi + 1)]


def _label_mask(series: pd.Series, keep: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Per row, whether ``keep`` (a test over an array of text labels) holds for its label; a categorical
    column is tested once per category and its small codes are used as they are."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, labels = series.cat.codes.to_numpy(), np.asarray(series.cat.categories, dtype=object)
    else:
        codes, labels = pd.factorize(series)
    per_label = np.append(np.asarray(keep(np.asarray(labels, dtype=object).astype(str)), dtype=bool), False)
    return per_label[codes]  # code −1 (missing) takes the appended False


def view_frame(
    obs: pd.DataFrame, start: str | None = None, end: str | None = None, units: list[str] | None = None
) -> pd.DataFrame:
    """The observations of a view: months ``start``..``end`` inclusive (None = open), units in ``units`` (codes,
    already expanded to descendants; None = all). Categorical keys stay categorical; nothing is copied when the
    view is everything."""
    keep = _label_mask(obs["period"], lambda months: (months >= (start or "")) & (months <= (end or "9999")))
    if units is not None:
        keep &= _label_mask(obs["unit"], lambda codes: np.isin(codes, list(units)))
    if keep.all():
        return obs
    first, count = int(keep.argmax()), int(np.count_nonzero(keep))
    if count and keep[first : first + count].all():  # one run of rows (obs ordered by month): a slice, no copy
        return obs.iloc[first : first + count]
    return obs[keep]


def present_months(obs: pd.DataFrame) -> list[str]:
    """The months with at least one value, oldest first."""
    codes, labels = key_codes(obs["period"])
    counts = np.bincount(codes[codes >= 0], minlength=len(labels))
    return sorted(str(label) for label in labels[counts > 0])


# ---------------------------------------------------------------- group figures


def counted_rows(obs: pd.DataFrame, parent: Mapping[str, str | None]) -> np.ndarray:
    """Per observation, whether it counts in group figures: False for a unit's value of a metric in a month
    where any of its descendants reports that metric (the children's values stand for it). ``obs`` holds no NaN."""
    keep = np.ones(len(obs), dtype=bool)
    u, units = key_codes(obs["unit"])
    levels = ancestor_levels(units, parent)
    is_ancestor = np.zeros(len(units) + 1, dtype=bool)
    for level in levels:
        is_ancestor[level[level >= 0]] = True
    candidate = is_ancestor[u]
    if not candidate.any():  # no reporting unit has a descendant among the units (the usual case): all count
        return keep
    u = u.astype(np.int64)
    p, months = key_codes(obs["period"])
    m, metrics = key_codes(obs["metric"])

    def key(unit: np.ndarray) -> np.ndarray:
        return (unit * len(months) + p) * len(metrics) + m

    covered = np.concatenate([key(level[u])[level[u] >= 0] for level in levels])
    keep[candidate] = ~np.isin(key(u)[candidate], covered)
    return keep


def unit_rollup(rollup: str, unit: str) -> str:
    """How a metric adds up over units: ``sum`` or ``mean`` (stocks add up, percentage stocks average)."""
    if rollup == "last":
        return "mean" if unit == "%" else "sum"
    return rollup


def group_figures(obs: pd.DataFrame, catalog: Catalog, parent: Mapping[str, str | None] | None = None) -> pd.DataFrame:
    """The group's figure of every catalog metric in every month with data.

    ``obs``: long frame unit, period ('YYYY-MM'), metric, value; NaN values and metrics outside the catalog are
    ignored, parents' values are dropped where their children report (:func:`counted_rows`). Returns columns
    metric, period, value (the rollup over units, in the metric's unit of measure), n_units (units counted),
    rollup (``sum`` | ``mean``), sorted by metric and period; a (metric, month) nobody reported has no row.
    """
    obs = obs[obs["value"].notna()] if obs["value"].isna().any() else obs
    obs = obs[counted_rows(obs, parent or {})]
    p, months = key_codes(obs["period"])
    m, metrics = key_codes(obs["metric"])
    key = p.astype(np.int64) * len(metrics) + m
    size = len(months) * len(metrics)
    n = np.bincount(key, minlength=size)
    total = np.bincount(key, weights=obs["value"].to_numpy(dtype=float), minlength=size)
    known = {c: catalog.get(c) for c in catalog.codes()}
    how = np.array([unit_rollup(known[c].rollup, known[c].unit) if c in known else "" for c in metrics.astype(str)])
    cell = np.flatnonzero(n > 0)
    cell = cell[how[cell % len(metrics)] != ""]
    rollup = how[cell % len(metrics)]
    frame = pd.DataFrame(
        {
            "metric": metrics[cell % len(metrics)].astype(str),
            "period": months[cell // len(metrics)].astype(str),
            "value": np.where(rollup == "mean", total[cell] / np.maximum(n[cell], 1), total[cell]),
            "n_units": n[cell],
            "rollup": rollup,
        }
    )
    return frame.sort_values(["metric", "period"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- KPI cards


@dataclass(frozen=True)
class Comparison:
    """A like-for-like (同口径) comparison with an earlier month: the figures of both months over the units that
    reported the metric (or were scored) in both, so a unit that did not report does not read as a fall.
    ``now`` and ``before`` are None when no unit reported in both months (no change is shown)."""

    period: str  # the earlier month
    now: float | None
    before: float | None
    n_units: int

    @property
    def diff(self) -> float | None:
        return None if self.now is None or self.before is None else self.now - self.before

    @property
    def pct(self) -> float | None:
        """Relative change in percent, against |before| so that a rise is positive; None when before is 0."""
        if self.now is None or self.before is None or self.before == 0:
            return None
        return 100.0 * (self.now - self.before) / abs(self.before)


@dataclass(frozen=True)
class Kpi:
    """One KPI card: the group's figure of one month over every unit that reported it, its month-on-month
    (``mom``) and year-on-year (``yoy``) like-for-like comparisons, and a sparkline.

    ``change`` says how changes are expressed: POINTS (百分点, absolute difference of a % metric), RELATIVE
    (percent change; the absolute difference when the base is 0) or INDEX (absolute difference of D).
    ``spark`` holds the group figures of ``spark_periods`` (None = no figure that month, or a thin one).
    ``usual_n_units``: the most units behind the figure in the twelve months before ``period``; when ``n_units`` is
    thin against it (:mod:`analytics.stats.coverage`), ``value`` and the changes are withheld (None).
    """

    key: str
    name_zh: str
    name_en: str
    unit: str
    direction: int
    rollup: str
    change: str
    period: str
    value: float | None
    n_units: int
    previous_n_units: int  # units behind the previous calendar month's figure (0 = no figure)
    mom: Comparison
    yoy: Comparison
    spark_periods: tuple[str, ...]
    spark: tuple[float | None, ...]
    usual_n_units: int = 0

    @property
    def thin(self) -> bool:
        """Too few units reported this month for a group figure: value and changes are withheld."""
        return is_thin(self.n_units, self.usual_n_units)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True)
class _About:
    """What a card says besides its figures: the metric's unit, direction, roll-up and kind of change, the view's
    start (the sparkline goes no further back) and the two like-for-like comparisons."""

    unit: str
    direction: int
    rollup: str
    change: str
    start: str | None
    mom: Comparison
    yoy: Comparison


def kpi_metrics(catalog: Catalog, available: set[str], wanted: tuple[str, ...] = DEFAULT_KPIS) -> tuple[str, ...]:
    """The KPI metric codes: ``wanted`` that have data, else the first metrics with data of each category."""
    chosen = tuple(code for code in wanted if code in available)
    if chosen:
        return chosen
    return tuple(
        code for c in CATEGORIES for code in [k for k in catalog.codes(c) if k in available][:FALLBACK_PER_CATEGORY]
    )


def comparison_figures(
    obs: pd.DataFrame,
    catalog: Catalog,
    parent: Mapping[str, str | None] | None,
    period: str,
    base: str,
    codes: tuple[str, ...] | None = None,
) -> dict[str, Comparison]:
    """Per metric (of ``codes``; None = all), ``period`` against ``base`` over the units that reported the metric
    in both months (parents dropped where their children report, as in :func:`group_figures`)."""
    keep = _label_mask(obs["period"], lambda labels: np.isin(labels, [period, base]))
    if codes is not None:
        keep &= _label_mask(obs["metric"], lambda labels: np.isin(labels, list(codes)))
    two = obs[keep & obs["value"].notna().to_numpy()]
    two = two[counted_rows(two, parent or {})]
    u, units = key_codes(two["unit"])
    m, metrics = key_codes(two["metric"])
    key = u.astype(np.int64) * len(metrics) + m
    both = np.bincount(key, minlength=len(units) * len(metrics))[key] == 2
    figures = group_figures(two[both], catalog).set_index(["metric", "period"])
    found = {}
    for code in figures.index.get_level_values("metric").unique():
        now, before = figures.loc[(code, period)], figures.loc[(code, base)]
        found[code] = Comparison(base, float(now["value"]), float(before["value"]), int(now["n_units"]))
    return found


def _card(key: str, names: tuple[str, str], series: Mapping[str, tuple[float, int]], period: str, about: _About) -> Kpi:
    """A card from the metric's monthly (figure, units); a thin month's figure is withheld, in the sparkline too."""
    spark_from = max(about.start or "", shift_month(period, 1 - SPARK_MONTHS))
    spark_periods = tuple(month_range(spark_from, period))
    counts = {month: n for month, (_, n) in series.items()}
    thin = thin_months(counts)
    value, n_units = series.get(period, (None, 0))
    mom, yoy = about.mom, about.yoy
    if period in thin:  # a figure of almost nothing, and its like-for-like changes, are not shown
        value = None
        mom, yoy = Comparison(mom.period, None, None, 0), Comparison(yoy.period, None, None, 0)
    return Kpi(
        key=key,
        name_zh=names[0],
        name_en=names[1],
        period=period,
        value=value,
        n_units=n_units,
        previous_n_units=series.get(shift_month(period, -1), (None, 0))[1],
        spark_periods=spark_periods,
        spark=tuple(None if month in thin else series.get(month, (None, 0))[0] for month in spark_periods),
        usual_n_units=usual_count(counts, period),
        unit=about.unit,
        direction=about.direction,
        rollup=about.rollup,
        change=about.change,
        mom=mom,
        yoy=yoy,
    )


def kpi_cards(
    obs: pd.DataFrame,
    catalog: Catalog,
    period: str,
    codes: tuple[str, ...],
    parent: Mapping[str, str | None] | None = None,
    start: str | None = None,
    figures: pd.DataFrame | None = None,
) -> tuple[Kpi, ...]:
    """A card per metric code for ``period``. ``obs`` should hold the months ``period`` − 12 … ``period``. The
    sparkline covers the last SPARK_MONTHS months up to ``period``, not before the view's ``start``; the
    comparisons (previous month, a year earlier) may reach before it. ``figures``: :func:`group_figures` of
    ``obs`` when already at hand."""
    figures = group_figures(obs, catalog, parent) if figures is None else figures
    bases = {"mom": shift_month(period, -1), "yoy": shift_month(period, -YEAR)}
    compared = {w: comparison_figures(obs, catalog, parent, period, base, codes) for w, base in bases.items()}
    cards = []
    for code in codes:
        metric = catalog.get(code)
        rows = figures[figures["metric"] == code]
        series = {p: (float(v), int(n)) for p, v, n in zip(rows["period"], rows["value"], rows["n_units"], strict=True)}
        mom, yoy = (compared[w].get(code, Comparison(base, None, None, 0)) for w, base in bases.items())
        change = POINTS if metric.is_percent else RELATIVE
        about = _About(metric.unit, metric.direction, metric.rollup, change, start, mom, yoy)
        cards.append(_card(code, (metric.name_zh, metric.name_en), series, period, about))
    return tuple(cards)


def _d_comparison(rows: pd.DataFrame, period: str, base: str) -> Comparison:
    scored = rows[_complete(rows) & rows["period"].isin([period, base])]
    # a month nobody complete was scored in is still a column (of NaN): no unit compares, no change
    wide = scored.pivot(index="unit", columns="period", values="D").reindex(columns=[period, base]).dropna()
    if wide.empty or period == base:
        return Comparison(base, None, None, 0)
    return Comparison(base, float(wide[period].mean()), float(wide[base].mean()), len(wide))


def d_card(rows: pd.DataFrame, period: str, start: str | None = None) -> Kpi:
    """The card of the group's integration index: the mean D over the units scored in ``period`` (integration
    rows), compared like for like; changes are differences of D."""
    trend = d_trend(rows)
    series = {p: (float(d), int(n)) for p, d, n in zip(trend["period"], trend["D"], trend["n_units"], strict=True)}
    names = (t("overview.d_name", "zh"), t("overview.d_name", "en"))
    mom = _d_comparison(rows, period, shift_month(period, -1))
    yoy = _d_comparison(rows, period, shift_month(period, -YEAR))
    return _card(D_KEY, names, series, period, _About("", 1, "mean", INDEX, start, mom, yoy))


# ---------------------------------------------------------------- integration: trend, ranking, drops


def _complete(rows: pd.DataFrame) -> pd.Series:
    """Rows with a D and every metric: the only ones ranked, levelled or averaged (SPEC §5)."""
    return rows["D"].notna() & rows["complete"].astype(bool)


def d_trend(rows: pd.DataFrame) -> pd.DataFrame:
    """The group's integration index per month: the unweighted mean D over the complete units scored that month.

    ``rows``: integration rows (unit, period, D, complete, …). Returns period, D, n_units (complete units with a
    D), oldest first; months with no such unit have no row.
    """
    scored = rows[_complete(rows)]
    trend = scored.groupby("period", sort=True)["D"].agg(["mean", "count"]).reset_index()
    return trend.rename(columns={"mean": "D", "count": "n_units"}).astype({"period": str, "n_units": int})


def steady_trend(trend: pd.DataFrame) -> pd.DataFrame:
    """:func:`d_trend` without its thin months (too few units scored against the twelve months before to stand
    for the group, :mod:`analytics.stats.coverage`): what a chart of the group's D draws."""
    thin = thin_months(dict(zip(trend["period"], trend["n_units"], strict=True)))
    return trend[~trend["period"].isin(thin)].reset_index(drop=True)


def ranked_month(trend: pd.DataFrame) -> str | None:
    """The latest month of a :func:`d_trend` whose complete units are enough to rank (None when none is)."""
    steady = steady_trend(trend)
    return str(steady["period"].iloc[-1]) if len(steady) else None


def ranking(rows: pd.DataFrame, period: str, names: Mapping[str, str]) -> pd.DataFrame:
    """Complete units scored in ``period`` ranked by D, highest first (ties share the better rank, then by code).

    Columns: rank, unit, name, D, level, level_en, level_index, colour (of the level), lagging, u_party,
    u_business, complete. Units without a D that month, or missing a metric (数据不全), are not ranked.
    """
    month = rows[(rows["period"] == period) & _complete(rows)]
    month = month.sort_values(["D", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)
    level = month["level_index"].astype(int)
    return month.assign(
        rank=month["D"].rank(method="min", ascending=False).astype(int),
        name=month["unit"].map(lambda u: names.get(u, u)),
        level_index=level,
        colour=[LEVEL_COLOURS[i] for i in level],
    )[RANKING_COLUMNS]


def red_black(ranked: pd.DataFrame, n: int = DEFAULT_LIST_SIZE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The red list (top ``n`` by D, best first) and the black list (bottom ``n``, worst first).

    The lists never share a unit: with fewer than 2n units the red list takes the better half (rounded up)
    and the black list the rest.
    """
    red_size = min(n, (len(ranked) + 1) // 2)
    black_size = min(n, len(ranked) - red_size)
    black = ranked.iloc[len(ranked) - black_size :].iloc[::-1] if black_size else ranked.iloc[:0]
    return ranked.iloc[:red_size], black


def level_drops(rows: pd.DataFrame, period: str) -> pd.DataFrame:
    """Units whose coordination level in ``period`` is below their level in the previous calendar month.

    Columns: unit, period, previous_period, D_before, D, level_before, level_en_before, level, level_en,
    levels_down; most levels down first, then by unit. Units not scored in either month are not compared.
    """
    before_period = shift_month(period, -1)
    cols = ["unit", "D", "level", "level_en", "level_index"]
    now = rows.loc[(rows["period"] == period) & _complete(rows), cols]
    before = rows.loc[(rows["period"] == before_period) & _complete(rows), cols]
    both = now.merge(before, on="unit", suffixes=("", "_before"))
    both["levels_down"] = (both["level_index_before"] - both["level_index"]).astype(int)
    dropped = both[both["levels_down"] > 0].assign(period=period, previous_period=before_period)
    dropped = dropped.sort_values(["levels_down", "unit"], ascending=[False, True], kind="stable")
    columns = ["unit", "period", "previous_period", "D_before", "D", "level_before", "level_en_before", "level"]
    return dropped[[*columns, "level_en", "levels_down"]].reset_index(drop=True)


# ---------------------------------------------------------------- reporting and alerts


@dataclass(frozen=True)
class ReportingSummary:
    """How many reporting units (units without children) reported one month in full, in part, or not at all."""

    period: str
    reported: int
    partial: int
    missing: int

    @property
    def total(self) -> int:
        return self.reported + self.partial + self.missing


def reporting_summary(grid: pd.DataFrame, period: str) -> ReportingSummary:
    """Counts of :func:`analytics.store.completeness.completeness` statuses in ``period`` (0s for a month not in it)."""
    status = grid.loc[grid["period"] == period, "status"].value_counts()
    return ReportingSummary(period, *(int(status.get(s, 0)) for s in (REPORTED, PARTIAL, MISSING)))


def _level(name: str) -> Phrase:
    """A coordination level, named by its Chinese name in a result row, as a phrase of the translation table."""
    return Phrase(f"integ.level.{LEVELS_ZH.index(name)}")


def _alert(kind: str, unit: str, name: str, period: str, key: str, **fields: object) -> dict:
    details = {"detail_zh": t(key, "zh", **fields), "detail_en": t(key, "en", **fields)}
    return {"kind": kind, "unit": unit, "name": name, "period": period, "metrics": ()} | details


def alerts(
    grid: pd.DataFrame, rows: pd.DataFrame, flags: pd.DataFrame, period: str, names: Mapping[str, str]
) -> pd.DataFrame:
    """The alerts of one month, most urgent kind first, then by unit: units that did not report (``missing``)
    or reported part (``partial``, from the completeness grid), units whose coordination level dropped
    (``level_drop``), and the month's data-quality flags (kinds of :mod:`analytics.stats.quality`).

    Columns: kind, unit, name, period, metrics (tuple of codes), detail_zh, detail_en.
    """
    found = []
    for r in missing_reports(grid, period).itertuples():
        key = "overview.alert_missing" if r.status == MISSING else "overview.alert_partial"
        found.append(_alert(r.status, r.unit, r.name, period, key, values=r.values, expected=r.expected))
    for r in level_drops(rows, period).itertuples():
        levels = {"level0": _level(r.level_before), "level1": _level(r.level)}
        fields = {"d0": f"{r.D_before:.3f}", "d1": f"{r.D:.3f}", **levels}
        found.append(_alert("level_drop", r.unit, names.get(r.unit, r.unit), period, "overview.alert_drop", **fields))
    for r in flags[flags["period"] == period].itertuples():
        record = {"kind": r.kind, "unit": r.unit, "name": names.get(r.unit, r.unit), "period": period}
        found.append(record | {"metrics": r.metrics, "detail_zh": r.detail_zh, "detail_en": r.detail_en})
    frame = pd.DataFrame(found, columns=ALERT_COLUMNS)
    order = frame["kind"].map({k: i for i, k in enumerate(ALERT_ORDER)})
    return frame.assign(_order=order).sort_values(["_order", "unit"], kind="stable").drop(columns="_order")


# ---------------------------------------------------------------- the whole overview


@dataclass(frozen=True, eq=False)
class Overview:
    """Everything the overview page shows, for the latest month of the view with data (``period``).

    ``figures``: group figures of months period−12..period (:func:`group_figures`); ``trend``: mean D per month
    of the view; ``ranking``: units by D in ``period``; ``alerts``: the alerts of ``period``, its data-quality
    flags included; ``incomplete``: the units of ``period`` not ranked for want of a metric (unit, name, metrics,
    no_headcount); ``settings``: the integration choices behind the ranking; ``basis_units``: the units of the
    index's basis (``insufficient`` below ``settings.min_units``: no D at all). ``period`` is None when the view
    has no data.
    """

    period: str | None
    start: str | None
    kpis: tuple[Kpi, ...]
    figures: pd.DataFrame
    trend: pd.DataFrame
    ranking: pd.DataFrame
    reporting: ReportingSummary | None
    alerts: pd.DataFrame
    incomplete: pd.DataFrame = field(default_factory=pd.DataFrame)
    settings: IntegrationSettings = field(default_factory=IntegrationSettings)
    basis_units: int = 0
    coverage: MonthCoverage | None = None  # what ``period`` holds; a partial month's thin figures are withheld

    @property
    def insufficient(self) -> bool:
        """True when the view has data but the basis has too few units for an integration index (SPEC §5)."""
        return self.period is not None and self.basis_units < self.settings.min_units


def _empty(settings: IntegrationSettings) -> Overview:
    empty = pd.DataFrame()
    return Overview(None, None, (), empty, empty, empty, None, pd.DataFrame(columns=ALERT_COLUMNS), empty, settings)


def incomplete_units(result: IntegrationResult, period: str, names: Mapping[str, str]) -> pd.DataFrame:
    """The units of ``period`` left out of the ranking for want of a metric: unit, name, metrics (codes),
    no_headcount (see analytics.stats.integration.missing_metrics)."""
    missing = missing_metrics(result)
    missing = missing[missing["period"] == period].drop(columns="period").reset_index(drop=True)
    return missing.assign(name=missing["unit"].map(lambda u: names.get(u, u)))[
        ["unit", "name", "metrics", "no_headcount"]
    ]


def build_overview(
    obs: pd.DataFrame,
    catalog: Catalog,
    registry: Registry,
    grid: pd.DataFrame,
    *,
    start: str | None = None,
    end: str | None = None,
    units: list[str] | None = None,
    kpis: tuple[str, ...] = DEFAULT_KPIS,
    quality: QualitySettings | None = None,
    panel: Panel | None = None,
    settings: IntegrationSettings | None = None,
    basis_obs: pd.DataFrame | None = None,
) -> Overview:
    """The overview of the view ``start``..``end`` (inclusive, None = open) over ``units`` (codes with their
    descendants; None = all), as of the view's latest month with data.

    ``obs``: every current observation (unit, period, metric, value; categorical keys are fastest); ``grid``:
    the completeness grid (:func:`analytics.store.completeness.completeness`). The integration index uses ``settings``
    (SPEC §5's defaults when None) with the registry's headcounts; its ``all`` basis is ``basis_obs`` (every
    current observation; ``obs`` when None). Ranking, levels and the D trend use complete rows only.
    Comparisons (previous month, a year earlier) and the quality flags' history (the 12 months before
    ``period``) may reach before ``start``.
    ``panel``: the panel of all current values (the same data as ``obs``), when at hand.
    A month only some units have reported in renders too: its ``coverage`` says what is in, figures of too few
    units are withheld (the cards' values and changes, the month's ranking, thin months of the D trend).
    """
    settings = settings or IntegrationSettings()
    view = view_frame(obs, start, end, units)
    months = present_months(view)
    if not months:
        return _empty(settings)
    first, period = months[0], months[-1]
    parent, names = registry.parents(), {u.code: u.name for u in registry.units}
    recent = view_frame(obs, shift_month(period, -YEAR), period, units)
    figures = group_figures(recent, catalog, parent)
    basis = None if settings.basis == "view" else (obs if basis_obs is None else basis_obs)
    result = compute_integration(
        view, catalog_frame(catalog), parent, settings=settings, basis_obs=basis, headcount=registry.headcounts()
    )
    rows = result.rows
    trend = d_trend(rows)
    scored = dict(zip(trend["period"], trend["n_units"], strict=True))
    coverage = month_coverage(view_frame(obs, None, period, units), period, scored)
    ranked = ranking(rows, period, names)
    codes = kpi_metrics(catalog, set(figures["metric"]), kpis)
    cards = (*kpi_cards(recent, catalog, period, codes, parent, first, figures), d_card(rows, period, first))
    # the 12 months before are the units' history; the panel of the same values, when given, saves building one
    flags = (
        panel_quality_flags(sub_panel(panel, shift_month(period, -YEAR), period, units), catalog, [period], quality)
        if panel is not None
        else quality_flags(recent, catalog, [period], quality)
    )
    if units is not None:
        grid = grid[grid["unit"].isin(units)]
    return Overview(
        period=period,
        start=first,
        kpis=cards,
        figures=figures,
        trend=steady_trend(trend),
        ranking=ranked.iloc[:0] if coverage.ranking_withheld else ranked,  # one unit of thirty is no ranking
        reporting=reporting_summary(grid, period),
        alerts=alerts(grid, rows, flags, period, names),
        incomplete=incomplete_units(result, period, names),
        settings=settings,
        basis_units=result.basis_units,
        coverage=coverage,
    )
