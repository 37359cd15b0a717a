"""Integration index (融合度): coupling coordination of party building and business (SPEC §5).

Pipeline: long observations → dense (unit-month × metric) panel → parents dropped where
their children report → min–max normalisation over a basis → entropy (or fixed, or
AHP × entropy) weights per subsystem → U1 (party), U2 (business) → C, T, D → level, lagging.
Everything is numpy on the dense panel, so 2,000 units × 60 months × 120 metrics runs in
well under a second from categorical input. The numeric building blocks (normalisation, entropy,
coupling, levels, lagging) live in ``analytics.coupling`` and are re-exported here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ahp import AhpResult, PairwiseJudgement, ahp_weights
from analytics.coupling import (
    DEFAULT_BOUNDS,
    LAGGING_THRESHOLD,
    LAGGING_VALUES,
    LEVELS_EN,
    LEVELS_ZH,
    MODELS,
    IntegrationError,
    column_extreme,
    coordination_level,
    coupling_coordination,
    coupling_corrected,
    coupling_standard,
    entropy_information,
    entropy_weights,
    lagging,
    level_name,
    minmax_normalise,
    shares,
)

__all__ = [  # the building blocks live in analytics.coupling; re-exported so existing imports keep working
    "DEFAULT_ALPHA",
    "DEFAULT_BOUNDS",
    "LAGGING_THRESHOLD",
    "LAGGING_VALUES",
    "LEVELS_EN",
    "LEVELS_ZH",
    "MODELS",
    "SUBSYSTEMS",
    "IntegrationError",
    "IntegrationResult",
    "IntegrationSettings",
    "compute_integration",
    "coordination_level",
    "coupling_coordination",
    "coupling_corrected",
    "coupling_standard",
    "entropy_weights",
    "lagging",
    "level_name",
    "minmax_normalise",
    "obstacle_degree",
    "parse_basis",
]

#: Weight α of U1 (party) in T = α·U1 + β·U2, with β = 1 − α.
DEFAULT_ALPHA = 0.5
#: Subsystem → catalog categories.
SUBSYSTEMS: dict[str, tuple[str, ...]] = {"party": ("party",), "business": ("production", "efficiency")}
_WINDOW = re.compile(r"^(\d{4}-(0[1-9]|1[0-2]))\.\.(\d{4}-(0[1-9]|1[0-2]))$")


# ---------------------------------------------------------------- settings


def parse_basis(text: str) -> tuple[str, str] | None:
    """Validate a basis: ``'view'``, ``'all'`` or a window ``'YYYY-MM..YYYY-MM'``.

    Returns the window's (first, last) month, or None for view/all.
    Raises :class:`IntegrationError` for anything else or a window that runs backwards.
    """
    if text in ("view", "all"):
        return None
    match = _WINDOW.match(text)
    if not match or match.group(1) > match.group(3):
        raise IntegrationError(f"basis must be view, all or YYYY-MM..YYYY-MM, got {text!r}")
    return match.group(1), match.group(3)


@dataclass(frozen=True)
class IntegrationSettings:
    """How the integration index is computed (defaults are SPEC §5's)."""

    basis: str = "view"  # view | all | YYYY-MM..YYYY-MM (frozen bounds, values clipped)
    model: str = "standard"  # standard C, or the corrected C of Wang Shujia et al. 2021
    alpha: float = DEFAULT_ALPHA  # weight of U1 in T; beta = 1 - alpha
    bounds: tuple[float, float] = DEFAULT_BOUNDS  # range of normalised values
    weights: Mapping[str, float] | None = None  # fixed metric weights instead of entropy
    ahp: Mapping[str, PairwiseJudgement] | None = None  # subsystem → judgement over dimensions
    lagging_threshold: float = LAGGING_THRESHOLD

    def __post_init__(self) -> None:
        parse_basis(self.basis)
        lo, hi = self.bounds
        if self.model not in MODELS:
            raise IntegrationError(f"model must be one of {MODELS}, got {self.model!r}")
        if not 0.0 <= self.alpha <= 1.0:
            raise IntegrationError(f"alpha must lie in [0, 1], got {self.alpha}")
        if not 0.0 <= lo < hi:
            raise IntegrationError(f"bounds must satisfy 0 <= lo < hi, got {self.bounds}")
        if self.weights is not None and self.ahp is not None:
            raise IntegrationError("give fixed weights or AHP judgements, not both")
        if self.ahp is not None and set(self.ahp) - set(SUBSYSTEMS):
            raise IntegrationError(f"AHP judgements are keyed by subsystem {tuple(SUBSYSTEMS)}")


# ---------------------------------------------------------------- long frame → dense panel


@dataclass(frozen=True)
class _Panel:
    """Unit-month rows × catalog metrics (NaN = missing); row codes index the vocabularies."""

    unit_vocab: np.ndarray
    period_vocab: np.ndarray
    row_unit: np.ndarray
    row_period: np.ndarray
    values: np.ndarray

    def take(self, keep: np.ndarray) -> _Panel:
        return _Panel(self.unit_vocab, self.period_vocab, self.row_unit[keep], self.row_period[keep], self.values[keep])


@dataclass(frozen=True)
class _Catalog:
    codes: pd.Index
    subsystem: np.ndarray  # "party" | "business" per metric
    dimension: np.ndarray
    direction: np.ndarray  # +1 / −1


def _codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (−1 = missing) and sorted labels; categorical input costs no hashing."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        codes, labels = pd.factorize(series, sort=True)
        return codes, np.asarray(labels, dtype=object)
    codes = series.cat.codes.to_numpy()
    labels = np.asarray(series.cat.categories, dtype=object)
    order = np.argsort(labels, kind="stable")
    if np.array_equal(order, np.arange(len(order))):
        return codes, labels
    rank = np.full(len(order) + 1, -1, dtype=np.int64)  # last slot maps code −1 to −1
    rank[order] = np.arange(len(order))
    return rank[codes], labels[order]


def _metric_codes(series: pd.Series, metrics: pd.Index) -> np.ndarray:
    """Position of each observation's metric in the catalog, −1 when not in it."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, uniques = pd.factorize(series)
    lookup = np.append(metrics.get_indexer(pd.Index(uniques).astype(str)), -1)
    return lookup[codes]


def _values(series: pd.Series) -> np.ndarray:
    if series.dtype == np.float64:
        return series.to_numpy()
    return series.to_numpy(dtype=float, na_value=np.nan)


def _panel(obs: pd.DataFrame, metrics: pd.Index) -> _Panel:
    """Dense panel of a long frame (unit, period, metric, value); each key at most once."""
    missing = {"unit", "period", "metric", "value"} - set(obs.columns)
    if missing:
        raise IntegrationError(f"observations lack columns {sorted(missing)}")
    unit, unit_vocab = _codes(obs["unit"])
    period, period_vocab = _codes(obs["period"])
    metric = _metric_codes(obs["metric"], metrics)
    value = _values(obs["value"])
    keep = (metric >= 0) & (unit >= 0) & (period >= 0) & ~np.isnan(value)
    if not keep.all():
        unit, period, metric, value = (unit[keep], period[keep], metric[keep], value[keep])
    n_periods = len(period_vocab)
    key = unit.astype(np.int64) * n_periods + period
    present = np.zeros(len(unit_vocab) * n_periods, dtype=bool)
    present[key] = True
    row_of_key = np.cumsum(present) - 1
    grid = np.flatnonzero(present)
    values = np.full((len(grid), len(metrics)), np.nan)
    values.reshape(-1)[row_of_key[key] * len(metrics) + metric] = value
    return _Panel(unit_vocab, period_vocab, grid // n_periods, grid % n_periods, values)


def _parent_of(parent: Mapping[str, str | None], unit: str) -> str | None:
    up = parent.get(unit)
    return up if isinstance(up, str) and up else None


def _ancestor_levels(vocab: np.ndarray, parent: Mapping[str, str | None]) -> list[np.ndarray]:
    """levels[k][i] = position in vocab of unit i's (k+1)-th ancestor, −1 if absent."""
    position = {unit: i for i, unit in enumerate(vocab)}
    levels: list[np.ndarray] = []
    for i, unit in enumerate(vocab):
        seen, up, depth = {unit}, _parent_of(parent, unit), 0
        while up is not None:
            if up in seen:
                raise IntegrationError(f"unit hierarchy has a cycle through {up!r}")
            if depth == len(levels):
                levels.append(np.full(len(vocab), -1, dtype=np.int64))
            levels[depth][i] = position.get(up, -1)
            seen.add(up)
            up, depth = _parent_of(parent, up), depth + 1
    return levels


def _drop_covered_parents(panel: _Panel, parent: Mapping[str, str | None]) -> _Panel:
    """Drop each (ancestor, month) row where any descendant reports that month."""
    covered = np.zeros((len(panel.unit_vocab), len(panel.period_vocab)), dtype=bool)
    for ancestor in _ancestor_levels(panel.unit_vocab, parent):
        up = ancestor[panel.row_unit]
        has = up >= 0
        covered[up[has], panel.row_period[has]] = True
    keep = ~covered[panel.row_unit, panel.row_period]
    return panel if keep.all() else panel.take(keep)


def _read_catalog(catalog: pd.DataFrame) -> _Catalog:
    missing = {"code", "category", "dimension", "direction"} - set(catalog.columns)
    if missing:
        raise IntegrationError(f"catalog lacks columns {sorted(missing)}")
    subsystem_of = {c: name for name, cats in SUBSYSTEMS.items() for c in cats}
    rows = catalog[catalog["category"].isin(list(subsystem_of))]
    codes = pd.Index(rows["code"].astype(str))
    if codes.has_duplicates:
        raise IntegrationError(f"duplicate metric codes {sorted(set(codes[codes.duplicated()]))}")
    direction = pd.to_numeric(rows["direction"], errors="coerce").to_numpy(dtype=float)
    if not np.isin(direction, (1.0, -1.0)).all():
        raise IntegrationError("metric direction must be +1 or -1")
    return _Catalog(
        codes,
        rows["category"].map(subsystem_of).to_numpy(dtype=object),
        rows["dimension"].fillna("").astype(str).to_numpy(dtype=object),
        direction,
    )


# ---------------------------------------------------------------- weights


def _fixed_weights(name: str, codes: pd.Index, fixed: Mapping[str, float]) -> np.ndarray:
    w = np.array([float(fixed.get(code, 0.0)) for code in codes])
    if not np.all(np.isfinite(w) & (w >= 0)):
        raise IntegrationError("fixed weights must be finite and non-negative")
    if w.sum() <= 0:
        raise IntegrationError(f"fixed weights of the {name} metrics that have data sum to 0")
    return w / w.sum()


def _ahp_entropy_weights(name: str, dims: np.ndarray, d: np.ndarray, ahp: AhpResult) -> np.ndarray:
    """Dimension AHP weight × entropy weight within the dimension, rescaled to sum 1."""
    by_dim = ahp.as_dict()
    unknown = sorted(set(dims) - set(by_dim))
    if unknown:
        raise IntegrationError(f"AHP judgement for {name} lacks dimensions {unknown}")
    w = np.zeros(len(dims))
    for dim in set(dims):
        inside = dims == dim
        w[inside] = by_dim[dim] * shares(d[inside])
    return shares(w)


def _weights(
    cat: _Catalog, d: np.ndarray, has_basis: np.ndarray, settings: IntegrationSettings
) -> tuple[np.ndarray, np.ndarray, dict[str, AhpResult]]:
    """(metrics × 2) weights and memberships of the metrics with basis data, per subsystem."""
    weights, members = np.zeros((len(cat.codes), 2)), np.zeros((len(cat.codes), 2))
    consistency: dict[str, AhpResult] = {}
    for k, name in enumerate(SUBSYSTEMS):
        cols = np.flatnonzero((cat.subsystem == name) & has_basis)
        members[cols, k] = 1.0
        judgement = (settings.ahp or {}).get(name)
        if len(cols) == 0:
            continue
        if settings.weights is not None:
            weights[cols, k] = _fixed_weights(name, cat.codes[cols], settings.weights)
        elif judgement is not None:
            consistency[name] = ahp_weights(judgement)
            weights[cols, k] = _ahp_entropy_weights(name, cat.dimension[cols], d[cols], consistency[name])
        else:
            weights[cols, k] = shares(d[cols])
    return weights, members, consistency


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True, eq=False)
class _Detail:
    """What obstacle_degree needs: the normalised scored rows and the weights."""

    metrics: pd.Index
    subsystem: np.ndarray
    dimension: np.ndarray
    normalised: np.ndarray  # scored rows × metrics, in result.rows order
    weights: np.ndarray  # metrics × 2 (party, business)
    members: np.ndarray  # metrics × 2, 1 where the metric has basis data


@dataclass(frozen=True, eq=False)
class IntegrationResult:
    """Integration index per unit and month (``rows``) with the weights used.

    ``rows`` columns: unit, period, u_party, u_business, C, T, D, level, level_en,
    level_index, lagging, complete. ``weights`` maps metric code → weight within its
    subsystem (each subsystem sums to 1). ``consistency`` holds the AHP check per subsystem
    when judgements were used; ``basis_rows`` is the number of unit-months in the basis.
    """

    basis: str
    rows: pd.DataFrame
    weights: dict[str, float]
    settings: IntegrationSettings
    consistency: dict[str, AhpResult]
    basis_rows: int
    detail: _Detail = field(repr=False)

    def to_dict(self) -> dict:
        """SPEC §4's document: {"basis", "rows": [...], "weights"}; NaN/NA → None."""
        rows = self.rows.astype(object).where(self.rows.notna(), None)
        return {"basis": self.basis, "rows": rows.to_dict("records"), "weights": self.weights}

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text (UTF-8 friendly, never NaN)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)


def _filled(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    present = ~np.isnan(x)
    return np.where(present, x, 0.0), present


def _subsystem_scores(
    filled: np.ndarray, present: np.ndarray, weights: np.ndarray, members: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(rows × 2) U and completeness; weights rescaled over the metrics a row has.

    A row whose present metrics all weigh 0 is scored by their plain mean.
    """
    both = np.hstack([weights, members])
    total, mass = filled @ both, present @ both
    with np.errstate(divide="ignore", invalid="ignore"):
        weighted, mean = total[:, :2] / mass[:, :2], total[:, 2:] / mass[:, 2:]
    u = np.where(mass[:, :2] > 0, weighted, np.where(mass[:, 2:] > 0, mean, np.nan))
    complete = mass[:, 2:].sum(axis=1) == members.sum()
    return u, complete


def _rows(panel: _Panel, u: np.ndarray, complete: np.ndarray, s: IntegrationSettings):
    ccd = coupling_coordination(u, np.array([s.alpha, 1.0 - s.alpha]), s.model)
    level = coordination_level(ccd["D"].to_numpy())
    return pd.DataFrame(
        {
            "unit": panel.unit_vocab[panel.row_unit],
            "period": panel.period_vocab[panel.row_period],
            "u_party": u[:, 0],
            "u_business": u[:, 1],
            "C": ccd["C"].to_numpy(),
            "T": ccd["T"].to_numpy(),
            "D": ccd["D"].to_numpy(),
            "level": np.array((*LEVELS_ZH, None), dtype=object)[level],
            "level_en": np.array((*LEVELS_EN, None), dtype=object)[level],
            "level_index": pd.arrays.IntegerArray(level, level < 0),
            "lagging": lagging(u[:, 0], u[:, 1], s.lagging_threshold),
            "complete": complete,
        }
    )


def _basis_panel(
    scored: _Panel,
    basis_obs: pd.DataFrame | None,
    settings: IntegrationSettings,
    cat: _Catalog,
    parent: Mapping[str, str | None],
) -> _Panel:
    window = parse_basis(settings.basis)
    if settings.basis == "view":
        return scored
    if basis_obs is None and window is None:
        raise IntegrationError("basis 'all' needs basis_obs: every observation in the database")
    source = scored if basis_obs is None else _drop_covered_parents(_panel(basis_obs, cat.codes), parent)
    if window is None:
        return source
    inside = np.array([window[0] <= str(p) <= window[1] for p in source.period_vocab], dtype=bool)
    return source.take(inside[source.row_period])


def compute_integration(
    obs: pd.DataFrame,
    catalog: pd.DataFrame,
    parent: Mapping[str, str | None] | None = None,
    *,
    settings: IntegrationSettings | None = None,
    basis_obs: pd.DataFrame | None = None,
) -> IntegrationResult:
    """Integration index (融合度) of every unit-month in ``obs`` (SPEC §5).

    ``obs``: long frame unit, period ('YYYY-MM'), metric, value; missing keys are absent
    (NaN values count as absent); metrics outside the catalog's party/production/efficiency
    categories are ignored. Categorical unit/period/metric columns are fastest.
    ``catalog``: code, category, dimension, direction (+1/−1). ``parent``: unit → parent
    unit; an ancestor's row is dropped for a month in which any descendant reports.
    A row is ``complete`` when it has every metric that has basis data; a subsystem with no
    metric in a row leaves u, C, T, D, level and lagging missing (None in JSON).
    ``basis_obs``: the basis rows for ``settings.basis == 'all'`` (every observation), or
    for a window (filtered to it; the scored rows are used when omitted). Normalisation
    bounds and weights come from the basis; scored values outside its range are clipped.
    With the ``view`` basis ``basis_obs`` is ignored.
    Raises :class:`IntegrationError` (and ``analytics.ahp.AhpError`` for a bad judgement).
    """
    settings = settings or IntegrationSettings()
    cat = _read_catalog(catalog)
    unknown = sorted(set(settings.weights or {}) - set(cat.codes))
    if unknown:
        raise IntegrationError(f"fixed weights name unknown metrics {unknown}")
    parent = parent or {}
    scored = _drop_covered_parents(_panel(obs, cat.codes), parent)
    basis = _basis_panel(scored, basis_obs, settings, cat, parent)
    lows, highs = column_extreme(basis.values, np.fmin), column_extreme(basis.values, np.fmax)

    def normalise(values: np.ndarray) -> np.ndarray:
        return minmax_normalise(values, cat.direction, bounds=settings.bounds, lows=lows, highs=highs)

    x = normalise(scored.values)
    filled, present = _filled(x)
    filled_b, present_b = (filled, present) if basis is scored else _filled(normalise(basis.values))
    weights, members, consistency = _weights(cat, entropy_information(filled_b, present_b), ~np.isnan(lows), settings)
    u, complete = _subsystem_scores(filled, present, weights, members)
    used = members.any(axis=1)
    return IntegrationResult(
        basis=settings.basis,
        rows=_rows(scored, u, complete, settings),
        weights={c: float(w) for c, w in zip(cat.codes[used], weights[used].sum(axis=1), strict=True)},
        settings=settings,
        consistency=consistency,
        basis_rows=len(basis.row_unit),
        detail=_Detail(cat.codes, cat.subsystem, cat.dimension, x, weights, members),
    )


# ---------------------------------------------------------------- obstacle degree


def _effective_weights(present: np.ndarray, detail: _Detail, alpha: float) -> np.ndarray:
    """Per-row weight of each present metric in T: α·w̃ (party), (1 − α)·w̃ (business)."""
    out = np.zeros(present.shape)
    for k, share in enumerate((alpha, 1.0 - alpha)):
        w, member = detail.weights[:, k], detail.members[:, k]
        mass, count = present @ w, present @ member
        with np.errstate(divide="ignore", invalid="ignore"):
            row = np.where((mass > 0)[:, None], w / mass[:, None], member / np.where(count > 0, count, 1)[:, None])
        out += share * row * present
    return out


def obstacle_degree(
    result: IntegrationResult, *, units: list[str] | None = None, periods: list[str] | None = None
) -> pd.DataFrame:
    """Obstacle degree (障碍度) of each metric a unit-month has, optionally filtered.

    ``weight`` is the metric's share of T (α·w for party, β·w for business, rescaled over
    the metrics the row has), ``deviation`` = 1 − x', ``contribution`` = weight × deviation
    (per row these sum to 1 − T when both subsystems are scored) and ``obstacle`` =
    contribution / Σ contribution (NaN for a row with no shortfall). Sorted by unit, period
    and obstacle, largest first.
    """
    rows, detail = result.rows, result.detail
    keep = np.ones(len(rows), dtype=bool)
    if units is not None:
        keep &= rows["unit"].isin(units).to_numpy()
    if periods is not None:
        keep &= rows["period"].isin(periods).to_numpy()
    index = np.flatnonzero(keep)
    x = detail.normalised[index]
    present = ~np.isnan(x) & detail.members.any(axis=1)
    weight = _effective_weights(present, detail, result.settings.alpha)
    contribution = weight * (1.0 - np.where(present, x, 1.0))
    total = contribution.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        obstacle = np.where(total > 0, contribution / total, np.nan)
    r, m = np.nonzero(present)
    tidy = pd.DataFrame(
        {
            "unit": rows["unit"].to_numpy()[index[r]],
            "period": rows["period"].to_numpy()[index[r]],
            "metric": detail.metrics.to_numpy()[m],
            "subsystem": detail.subsystem[m],
            "dimension": detail.dimension[m],
            "weight": weight[r, m],
            "deviation": 1.0 - x[r, m],
            "contribution": contribution[r, m],
            "obstacle": obstacle[r, m],
        }
    )
    return tidy.sort_values(["unit", "period", "obstacle"], ascending=[True, True, False], kind="stable").reset_index(
        drop=True
    )
