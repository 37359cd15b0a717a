"""One unit seen from every side: its metrics against its peers, its integration index and rank, and how its own
party-building and business series move together over the months.

Also the scoring of a *view* (months and units chosen in the sidebar) that the integration page, the unit profile
and the ``integration`` command share: :func:`score_view`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict

import numpy as np
import pandas as pd

from analytics.i18n import t
from analytics.model.catalog import CATEGORIES, Catalog
from analytics.model.panel import Panel
from analytics.model.units import Unit
from analytics.stats.integration import SUBSYSTEMS, IntegrationResult, IntegrationSettings, compute_integration
from analytics.stats.integration import catalog_frame as catalog_frame
from analytics.stats.unit_series import own_series_correlation

#: Lags scanned by the unit's own lag profile: x leads y by 0..MAX_LAG calendar months.
MAX_LAG = 6
#: The peer series of a metric history, in drawing order.
SERIES = ("unit", "subsidiary", "group")
#: The columns of :func:`own_lag_profile`.
PROFILE_COLUMNS = ("lag", "n", "n_eff", "a_x", "a_y", "r", "ci_low", "ci_high", "p", "insufficient", "exploratory")

Parents = Mapping[str, str | None]


# ---------------------------------------------------------------- the view's integration index


def _keep(column: pd.Series, wanted: Callable[[str], bool]) -> np.ndarray:
    """Mask of the rows whose label satisfies ``wanted(label)``; decided once per category when categorical."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        ok = np.array([bool(wanted(str(c))) for c in column.cat.categories] + [False])
        return ok[column.cat.codes.to_numpy()]  # code −1 (missing) lands on the trailing False
    return column.map(lambda label: bool(wanted(str(label)))).to_numpy(dtype=bool)


def in_view(
    obs: pd.DataFrame, start: str | None = None, end: str | None = None, units: Iterable[str] | None = None
) -> pd.DataFrame:
    """The observations of months ``start..end`` (inclusive ``YYYY-MM``, open when None) and of ``units`` (codes).

    ``obs`` is long (unit, period, metric, value), categorical keys welcome; returns it unfiltered when nothing
    restricts it.
    """
    mask = np.ones(len(obs), dtype=bool)
    if start is not None or end is not None:
        lo, hi = start or "0000-00", end or "9999-99"
        mask &= _keep(obs["period"], lambda p: lo <= p <= hi)
    if units is not None:
        chosen = set(units)
        mask &= _keep(obs["unit"], chosen.__contains__)
    return obs if mask.all() else obs[mask]


def score_view(
    obs: pd.DataFrame,
    catalog: Catalog,
    parents: Parents,
    *,
    start: str | None = None,
    end: str | None = None,
    units: Iterable[str] | None = None,
    settings: IntegrationSettings | None = None,
    headcount: Mapping[str, float] | None = None,
) -> IntegrationResult:
    """The integration index (SPEC §5) of every unit-month in the view.

    ``obs``: every current observation in the database (long, categorical keys welcome). The scored rows are those
    of months ``start..end`` and ``units`` (codes, descendants already expanded). The basis follows
    ``settings.basis``: ``view`` = the scored rows, ``all`` = every row of ``obs``, ``YYYY-MM..YYYY-MM`` = the rows
    of that window (frozen bounds: scored values outside are clipped). Parents are not scored in months their
    children report. ``headcount`` (unit → staff, ``Registry.headcounts()``) lets amounts and counts be compared
    with units of the same size (``settings.size``); without it a unit is not scored on them (incomplete).
    Raises IntegrationError (or AhpError) for settings that cannot be used.
    """
    settings = settings or IntegrationSettings()
    scored = in_view(obs, start, end, units)
    basis = None if settings.basis == "view" else obs
    return compute_integration(
        scored, catalog_frame(catalog), parents, settings=settings, basis_obs=basis, headcount=headcount
    )


def subsystem_of(category: str) -> str:
    """``party`` or ``business`` (production, efficiency) for a catalog category."""
    return next(name for name, categories in SUBSYSTEMS.items() if category in categories)


def weight_table(weights: Mapping[str, float], catalog: Catalog) -> pd.DataFrame:
    """The weights of a result as a table: metric, subsystem, dimension, weight (catalog order)."""
    rows = [
        (m.code, subsystem_of(m.category), m.dimension, float(weights[m.code]))
        for m in catalog.metrics
        if m.code in weights
    ]
    return pd.DataFrame(rows, columns=["metric", "subsystem", "dimension", "weight"])


def dimensions(weights: Mapping[str, float], catalog: Catalog, subsystem: str) -> list[str]:
    """The dimensions of a subsystem's weighted metrics (those with basis data), in catalog order: what an AHP
    judgement for the subsystem has to compare."""
    table = weight_table(weights, catalog)
    return list(dict.fromkeys(table.loc[table["subsystem"] == subsystem, "dimension"]))


def ranked(rows: pd.DataFrame) -> pd.DataFrame:
    """The complete scored rows (D present, every metric reported: SPEC §5 ranks complete rows only) with ``rank``
    (1 = highest D, ties share the best rank) and ``n_ranked`` (units ranked that month), sorted by period then
    rank."""
    complete = rows["complete"].astype(bool) if "complete" in rows else True  # rows of older callers: all complete
    scored = rows[rows["D"].notna() & complete].copy()
    by_month = scored.groupby("period", sort=False)["D"]
    scored["rank"] = by_month.rank(ascending=False, method="min").astype(int)
    scored["n_ranked"] = by_month.transform("size").astype(int)
    return scored.sort_values(["period", "rank", "unit"], kind="stable").reset_index(drop=True)


def ranking(rows: pd.DataFrame, period: str) -> pd.DataFrame:
    """The ranking of one month (see :func:`ranked`); empty when nothing was scored that month."""
    ranks = ranked(rows)
    return ranks[ranks["period"] == period].reset_index(drop=True)


def integration_history(rows: pd.DataFrame, unit: str) -> pd.DataFrame:
    """A unit's integration index over the months: period, u_party, u_business, D, level_index, lagging, rank,
    n_ranked. Months where it was not scored (a subsystem missing) are absent."""
    ranks = ranked(rows)
    columns = ["period", "u_party", "u_business", "D", "level_index", "lagging", "rank", "n_ranked"]
    return ranks.loc[ranks["unit"] == unit, columns].reset_index(drop=True)


# ---------------------------------------------------------------- metrics against peers


def unit_labels(units: Iterable[Unit], with_code: bool = False) -> dict[str, str]:
    """Unit code → the name to show: the code is added (``检修分公司（BF05）``) where several units share the name,
    or always with ``with_code``. The one rule for unit names on pages, slides and exports."""
    units = list(units)
    return display_names([u.code for u in units], [u.name for u in units], with_code)


def display_names(
    codes: Sequence[str], names: Sequence[str], with_code: bool = False, lang: str = "zh"
) -> dict[str, str]:
    """Code → name as :func:`unit_labels` shows it (``检修分公司（BF05）``; ``检修分公司 (BF05)`` in English), from
    parallel lists of codes and names (a missing name: the code)."""
    named = [(str(c), str(n) if isinstance(n, str) and n else str(c)) for c, n in zip(codes, names, strict=True)]
    shared = Counter(n for _, n in named)
    return {c: t("sep.noted", lang, name=n, note=c) if (with_code or shared[n] > 1) and n != c else n for c, n in named}


def ancestors(parents: Parents, unit: str) -> list[str]:
    """The unit's parent, grandparent, … up to the root (a cycle stops at the first repeat)."""
    chain: list[str] = []
    up = parents.get(unit)
    while up and up not in chain and up != unit:
        chain.append(up)
        up = parents.get(up)
    return chain


def subsidiary(parents: Parents, unit: str) -> str:
    """The unit's subsidiary: its top-most ancestor below the root (the unit itself if it is one, or the root)."""
    chain = [unit, *ancestors(parents, unit)]
    return chain[-2] if len(chain) >= 2 else chain[-1]


def members(parents: Parents, top: str) -> set[str]:
    """``top`` and every unit below it."""
    return {u for u in parents if u == top or top in ancestors(parents, u)}


def reporting(obs: pd.DataFrame, parents: Parents) -> pd.DataFrame:
    """Observations without double counting: a unit's value is dropped for a (month, metric) that one of its
    descendants reports (its figure is a roll-up of theirs). String keys; NaN values dropped."""
    frame = obs[["unit", "period", "metric", "value"]].astype({"unit": str, "period": str, "metric": str})
    frame = frame[frame["value"].notna()]
    lineage = {u: ancestors(parents, u) for u in frame["unit"].unique()}
    covered = {(a, p, m) for u, p, m in frame[["unit", "period", "metric"]].itertuples(index=False) for a in lineage[u]}
    if not covered:
        return frame.reset_index(drop=True)
    keys = zip(frame["unit"], frame["period"], frame["metric"], strict=True)
    return frame[[k not in covered for k in keys]].reset_index(drop=True)


def metric_history(
    obs: pd.DataFrame,
    parents: Parents,
    unit: str,
    metrics: Sequence[str],
    start: str | None = None,
    end: str | None = None,
) -> pd.DataFrame:
    """The unit's monthly values of ``metrics`` beside the median of its subsidiary and of the whole group.

    Peers are the units of the subsidiary (the unit included) or of the group (every unit under the unit's root)
    that report the metric that month, each counted once (see :func:`reporting`); medians are over the values
    present, missing is missing. Values are in the metric's own unit of measure. Returns long rows: metric,
    period, series (``unit`` | ``subsidiary`` | ``group``), value, n (values behind it; 1 for the unit),
    sorted by metric (in the order given), series and period.
    """
    wanted = set(metrics)
    frame = in_view(obs, start, end)
    frame = reporting(frame[_keep(frame["metric"], wanted.__contains__)], parents)
    root = ([unit, *ancestors(parents, unit)])[-1]
    scopes = {
        "unit": {unit},
        "subsidiary": members(parents, subsidiary(parents, unit)),
        "group": members(parents, root),
    }
    parts = []
    for series, scope in scopes.items():
        inside = frame[frame["unit"].isin(scope)]
        stats = inside.groupby(["metric", "period"])["value"].agg(["median", "size"]).reset_index()
        parts.append(stats.rename(columns={"median": "value", "size": "n"}).assign(series=series))
    out = pd.concat(parts, ignore_index=True)[["metric", "period", "series", "value", "n"]]
    position = {"metric": {m: i for i, m in enumerate(metrics)}, "series": {s: i for i, s in enumerate(SERIES)}}
    out = out.sort_values(
        ["metric", "series", "period"], key=lambda c: c.map(position[c.name]) if c.name in position else c
    )
    return out.reset_index(drop=True)


def reporting_units(obs: pd.DataFrame, order: Sequence[str]) -> list[str]:
    """The units of ``order`` (codes) that have at least one value in ``obs``, in that order."""
    column = obs.loc[obs["value"].notna(), "unit"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        counts = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories))
        present = {str(c) for c in column.cat.categories[counts > 0]}
    else:
        present = set(column.astype(str))
    return [u for u in order if u in present]


def reported_metrics(catalog: Catalog, obs: pd.DataFrame, unit: str) -> dict[str, list[str]]:
    """The metrics the unit has values for, per subsystem (``party``, ``business``), in catalog order."""
    rows = obs.loc[_keep(obs["unit"], {unit}.__contains__)]
    reported = set(rows.loc[rows["value"].notna(), "metric"].astype(str))
    out: dict[str, list[str]] = {name: [] for name in SUBSYSTEMS}
    for m in catalog.metrics:
        if m.code in reported and m.category in CATEGORIES:
            out[subsystem_of(m.category)].append(m.code)
    return out


def default_metrics(catalog: Catalog, obs: pd.DataFrame, unit: str, per_subsystem: int = 3) -> list[str]:
    """The first ``per_subsystem`` party and business metrics (catalog order) that the unit reports."""
    reported = reported_metrics(catalog, obs, unit)
    return reported["party"][:per_subsystem] + reported["business"][:per_subsystem]


# ---------------------------------------------------------------- the unit's own lag profile


def own_series(panel: Panel, unit: str, metric: str, start: str | None = None, end: str | None = None) -> np.ndarray:
    """The unit's values of ``metric`` over the panel's consecutive calendar months, NaN where missing or outside
    ``start..end`` (inclusive ``YYYY-MM``, open when None); all NaN for a unit or metric the panel lacks."""
    values = np.full(len(panel.months), np.nan)
    row = panel.units.get_indexer([unit])[0]
    if row >= 0:
        values[:] = panel.column(metric)[row]
    lo = 0 if start is None else max(panel.month_position(start), 0)
    hi = len(values) if end is None else max(panel.month_position(end) + 1, 0)
    values[:lo] = np.nan
    values[hi:] = np.nan
    return values


def own_lag_profile(
    panel: Panel,
    unit: str,
    x: str,
    y: str,
    lags: Iterable[int] = range(MAX_LAG + 1),
    start: str | None = None,
    end: str | None = None,
) -> pd.DataFrame:
    """Pearson r between the unit's x in month t and its y in month t + lag, per lag: exploratory, never starred.

    SPEC §5 "One unit's own series" (analytics.stats.unit_series.own_series_correlation): pairs are the calendar
    months with both values present (a missing month is missing, never bridged), ``start``/``end`` bound x's
    month (y may run ``lag`` months past ``end``). p is the two-sided t test on the effective sample size n_eff,
    which discounts the n pairs for the lag-1 autocorrelations a_x, a_y of the paired series; the 95 % CI is
    Fisher's z with 1/sqrt(n_eff − 3). n_eff < 10 → r, p, CI missing and ``insufficient``. There is no q and no
    significance: a unit's own months describe it, they are not evidence of an effect.
    Returns columns lag, n, n_eff, a_x, a_y, r, ci_low, ci_high, p, insufficient, exploratory (NaN where missing).
    """
    xs, ys = own_series(panel, unit, x, start, end), own_series(panel, unit, y)
    found = [own_series_correlation(xs, ys, lag) for lag in lags]
    frame = pd.DataFrame([asdict(c) for c in found], columns=list(PROFILE_COLUMNS))
    floats = ("n_eff", "a_x", "a_y", "r", "ci_low", "ci_high", "p")
    return frame.astype(dict.fromkeys(floats, float))
