"""Integration index (融合度): coupling coordination of party building and business (SPEC §5).

Pipeline: long observations → dense (unit-month × metric) panel → parents dropped where
their children report → amounts and counts (sum rollup) compared with units of the same size →
min–max normalisation over a basis → equal (or entropy, fixed, AHP × entropy) weights per
subsystem → a missing metric at the floor (or weights rescaled) → U1 (party), U2 (business) →
C, T, D → level, lagging. Fewer than 5 units in the basis give no scores.
Everything is numpy on the dense panel, so 2,000 units × 60 months × 120 metrics runs in
well under a second from categorical input. The numeric building blocks (normalisation, entropy,
coupling, levels, lagging) live in ``analytics.stats.coupling`` and are re-exported here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.model.catalog import Catalog, default_rollup
from analytics.model.panel import Panel, build_panel
from analytics.model.units import ancestor_levels, walk_up
from analytics.stats.ahp import AhpResult, PairwiseJudgement, ahp_weights
from analytics.stats.coupling import (
    DEFAULT_BOUNDS,
    LAGGING_THRESHOLD,
    LAGGING_VALUES,
    LEVELS_EN,
    LEVELS_ZH,
    MODELS,
    SIZES,
    IntegrationError,
    column_extreme,
    coordination_level,
    coupling_coordination,
    coupling_corrected,
    coupling_standard,
    entropy_information,
    entropy_weights,
    fit_size,
    lagging,
    level_name,
    minmax_normalise,
    shares,
    size_values,
)

__all__ = [  # the building blocks live in analytics.stats.coupling; re-exported so existing imports keep working
    "DEFAULT_ALPHA",
    "DEFAULT_BOUNDS",
    "LAGGING_THRESHOLD",
    "LAGGING_VALUES",
    "LEVELS_EN",
    "LEVELS_ZH",
    "MIN_UNITS",
    "MISSING",
    "MODELS",
    "SIZES",
    "SUBSYSTEMS",
    "WEIGHTINGS",
    "IntegrationError",
    "IntegrationResult",
    "IntegrationSettings",
    "catalog_frame",
    "compute_integration",
    "coordination_level",
    "coupling_coordination",
    "coupling_corrected",
    "coupling_standard",
    "entropy_weights",
    "lagging",
    "level_name",
    "minmax_normalise",
    "missing_metrics",
    "obstacle_degree",
    "parse_basis",
]

#: Weight α of U1 (party) in T = α·U1 + β·U2, with β = 1 − α.
DEFAULT_ALPHA = 0.5
#: Subsystem → catalog categories.
SUBSYSTEMS: dict[str, tuple[str, ...]] = {"party": ("party",), "business": ("production", "efficiency")}
#: Weightings chosen by name; fixed weights and AHP judgements are given as mappings instead.
WEIGHTINGS = ("equal", "entropy")
#: What a row missing a metric of a subsystem scores: the floor (worst) or the metrics it has, reweighted.
MISSING = ("worst", "rescale")
#: Fewer units than this in the basis → no scores (min–max over a handful of units is meaningless).
MIN_UNITS = 5
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
        raise IntegrationError("integration.bad_basis", text=text)
    return match.group(1), match.group(3)


@dataclass(frozen=True)
class IntegrationSettings:
    """How the integration index is computed (defaults are SPEC §5's)."""

    basis: str = "all"  # all | view | YYYY-MM..YYYY-MM (frozen bounds, values clipped)
    size: str = "adjusted"  # sum-rollup metrics: adjusted (residual on ln headcount) | per100 | raw
    weighting: str = "equal"  # equal | entropy, when neither fixed weights nor AHP judgements are given
    missing: str = "worst"  # worst (a missing metric scores the floor) | rescale (weights over the metrics present)
    min_units: int = MIN_UNITS  # fewer units in the basis → no scores
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
            raise IntegrationError("integration.bad_choice", name="model", allowed=MODELS, value=self.model)
        if not 0.0 <= self.alpha <= 1.0:
            raise IntegrationError("integration.bad_alpha", alpha=self.alpha)
        if not 0.0 <= lo < hi:
            raise IntegrationError("integration.bad_bounds", bounds=self.bounds)
        if self.weights is not None and self.ahp is not None:
            raise IntegrationError("integration.weights_and_ahp")
        if self.ahp is not None and set(self.ahp) - set(SUBSYSTEMS):
            raise IntegrationError("integration.ahp_subsystems", subsystems=tuple(SUBSYSTEMS))
        for name, value, allowed in (("size", self.size, SIZES), ("weighting", self.weighting, WEIGHTINGS)):
            if value not in allowed:
                raise IntegrationError("integration.bad_choice", name=name, allowed=allowed, value=value)
        if self.missing not in MISSING:
            raise IntegrationError("integration.bad_choice", name="missing", allowed=MISSING, value=self.missing)

    @property
    def weights_method(self) -> str:
        """``fixed`` (weights given), ``ahp`` (judgements given), else the weighting: ``equal`` or ``entropy``."""
        return "fixed" if self.weights is not None else "ahp" if self.ahp is not None else self.weighting


# ---------------------------------------------------------------- long frame → dense panel


@dataclass(frozen=True, eq=False)
class _Rows:
    """The unit-months of a panel that are scored (or form the basis), as rows × the panel's metrics (the catalog's):
    ``rows`` marks them [unit, month]; ``unit``/``month`` are their positions, in unit then month order."""

    panel: Panel
    rows: np.ndarray
    unit: np.ndarray
    month: np.ndarray
    values: np.ndarray  # [row, metric], NaN = missing

    @classmethod
    def of(cls, panel: Panel, rows: np.ndarray) -> _Rows:
        cube = panel.cube
        if rows.all():  # every unit-month: the cube's rows as they are, no copy
            unit, month = np.divmod(np.arange(rows.size), rows.shape[1])
            return cls(panel, rows, unit, month, cube.reshape(rows.size, cube.shape[2]))
        unit, month = np.nonzero(rows)
        return cls(panel, rows, unit, month, cube[rows])

    def where(self, keep: np.ndarray) -> _Rows:
        """The rows where ``keep`` [unit, month] holds too."""
        return self if keep[self.rows].all() else _Rows.of(self.panel, self.rows & keep)


@dataclass(frozen=True)
class _Catalog:
    codes: pd.Index
    subsystem: np.ndarray  # "party" | "business" per metric
    dimension: np.ndarray
    direction: np.ndarray  # +1 / −1
    sized: np.ndarray  # True for sum-rollup metrics (amounts, counts): compared with units of the same size


def _panel(obs: pd.DataFrame, metrics: pd.Index) -> Panel:
    """Dense panel of a long frame (unit, period, metric, value) over the catalog's metrics; each key at most once."""
    missing = {"unit", "period", "metric", "value"} - set(obs.columns)
    if missing:
        raise IntegrationError("integration.observation_columns", columns=sorted(missing))
    try:
        return build_panel(obs, metrics)
    except ValueError as error:  # a missing key, a malformed month or a key given twice
        raise IntegrationError("integration.bad_observations", error=error) from error


def _scored_rows(panel: Panel, parent: Mapping[str, str | None]) -> _Rows:
    """The unit-months with a value, less each (ancestor, month) where any descendant reports that month."""
    rows = ~np.isnan(panel.cube).all(axis=2)
    for unit in panel.units:
        looped = walk_up(parent, str(unit))[1]
        if looped is not None:
            raise IntegrationError("integration.cycle", unit=looped)
    covered = np.zeros_like(rows)
    unit, month = np.nonzero(rows)
    for ancestor in ancestor_levels(panel.units, parent):
        up = ancestor[unit]
        has = up >= 0
        covered[up[has], month[has]] = True
    return _Rows.of(panel, rows & ~covered)


def _read_catalog(catalog: pd.DataFrame) -> _Catalog:
    missing = {"code", "category", "dimension", "direction"} - set(catalog.columns)
    if missing:
        raise IntegrationError("integration.catalog_columns", columns=sorted(missing))
    subsystem_of = {c: name for name, cats in SUBSYSTEMS.items() for c in cats}
    rows = catalog[catalog["category"].isin(list(subsystem_of))]
    codes = pd.Index(rows["code"].astype(str))
    if codes.has_duplicates:
        raise IntegrationError("integration.duplicate_codes", codes=sorted(set(codes[codes.duplicated()])))
    direction = pd.to_numeric(rows["direction"], errors="coerce").to_numpy(dtype=float)
    if not np.isin(direction, (1.0, -1.0)).all():
        raise IntegrationError("integration.bad_direction")
    return _Catalog(
        codes,
        rows["category"].map(subsystem_of).to_numpy(dtype=object),
        rows["dimension"].fillna("").astype(str).to_numpy(dtype=object),
        direction,
        _rollups(rows) == "sum",
    )


def _rollups(rows: pd.DataFrame) -> np.ndarray:
    """Each metric's rollup: the ``rollup`` column, else the default of its ``unit`` (SPEC §4), else ``mean``."""
    if "rollup" in rows.columns:
        return rows["rollup"].fillna("").astype(str).to_numpy(dtype=object)
    if "unit" in rows.columns:
        return rows["unit"].fillna("").astype(str).map(default_rollup).to_numpy(dtype=object)
    return np.full(len(rows), "mean", dtype=object)


def catalog_frame(catalog: Catalog) -> pd.DataFrame:
    """The catalog as :func:`compute_integration` reads it: code, category, dimension, direction, rollup."""
    return pd.DataFrame(
        [(m.code, m.category, m.dimension, m.direction, m.rollup) for m in catalog.metrics],
        columns=["code", "category", "dimension", "direction", "rollup"],
    )


# ---------------------------------------------------------------- weights


def _fixed_weights(name: str, codes: pd.Index, fixed: Mapping[str, float]) -> np.ndarray:
    w = np.array([float(fixed.get(code, 0.0)) for code in codes])
    if not np.all(np.isfinite(w) & (w >= 0)):
        raise IntegrationError("integration.bad_weights")
    if w.sum() <= 0:
        raise IntegrationError("integration.zero_weights", subsystem=name)
    return w / w.sum()


def _ahp_entropy_weights(name: str, dims: np.ndarray, d: np.ndarray, ahp: AhpResult) -> np.ndarray:
    """Dimension AHP weight × entropy weight within the dimension, rescaled to sum 1."""
    by_dim = ahp.as_dict()
    unknown = sorted(set(dims) - set(by_dim))
    if unknown:
        raise IntegrationError("integration.ahp_dimensions", subsystem=name, dimensions=unknown)
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
        elif settings.weighting == "equal":
            weights[cols, k] = 1.0 / len(cols)
        else:
            weights[cols, k] = shares(d[cols])
    return weights, members, consistency


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True, eq=False)
class _Detail:
    """What obstacle_degree and missing_metrics need: the normalised scored rows, the weights, what is missing."""

    metrics: pd.Index
    subsystem: np.ndarray
    dimension: np.ndarray
    normalised: np.ndarray  # scored rows × metrics, in result.rows order (missing at the floor under worst)
    weights: np.ndarray  # metrics × 2 (party, business)
    members: np.ndarray  # metrics × 2, 1 where the metric has basis data
    unreported: np.ndarray  # scored rows × metrics: a metric with basis data the row does not report
    no_headcount: np.ndarray  # per scored row: its sized metrics cannot be compared (no headcount)


@dataclass(frozen=True, eq=False)
class IntegrationResult:
    """Integration index per unit and month (``rows``) with the weights used.

    ``rows`` columns: unit, period, u_party, u_business, C, T, D, level, level_en,
    level_index, lagging, complete. ``weights`` maps metric code → weight within its
    subsystem (each subsystem sums to 1). ``consistency`` holds the AHP check per subsystem
    when judgements were used; ``basis_rows`` and ``basis_units`` count the unit-months and
    the units of the basis; ``insufficient`` when the basis has fewer than ``min_units`` units
    (then no row has a score).
    """

    basis: str
    rows: pd.DataFrame
    weights: dict[str, float]
    settings: IntegrationSettings
    consistency: dict[str, AhpResult]
    basis_rows: int
    basis_units: int
    detail: _Detail = field(repr=False)

    @property
    def insufficient(self) -> bool:
        """True when the basis has too few units to score (every u, C, T, D is missing)."""
        return self.basis_units < self.settings.min_units

    def to_dict(self) -> dict:
        """SPEC §4's document: {"basis", "size", "weights_method", "missing", "rows": [...], "weights"}; NaN → None."""
        rows = self.rows.astype(object).where(self.rows.notna(), None)
        s = self.settings
        choices = {"basis": self.basis, "size": s.size, "weights_method": s.weights_method, "missing": s.missing}
        return choices | {"rows": rows.to_dict("records"), "weights": self.weights}

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text (UTF-8 friendly, never NaN)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)


def _filled(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    present = ~np.isnan(x)
    return np.where(present, x, 0.0), present


def _subsystem_scores(filled: np.ndarray, present: np.ndarray, weights: np.ndarray, members: np.ndarray) -> np.ndarray:
    """(rows × 2) U; weights rescaled over the metrics a row has (all of them once missing ones sit at the floor).

    A row whose present metrics all weigh 0 is scored by their plain mean; a row with no metric of a
    subsystem gets NaN.
    """
    both = np.hstack([weights, members])
    total, mass = filled @ both, present @ both
    with np.errstate(divide="ignore", invalid="ignore"):
        weighted, mean = total[:, :2] / mass[:, :2], total[:, 2:] / mass[:, 2:]
    return np.where(mass[:, :2] > 0, weighted, np.where(mass[:, 2:] > 0, mean, np.nan))


def _floor_missing(x: np.ndarray, members: np.ndarray, floor: float) -> np.ndarray:
    """``missing = worst``: a row's missing metric scores ``floor`` wherever the row has some metric of that
    subsystem (a row with none stays unscored there)."""
    out, present = x.copy(), ~np.isnan(x)
    for k in range(members.shape[1]):
        inside = members[:, k] > 0
        fill = (present & inside).any(axis=1)[:, None] & inside & ~present
        out[fill] = floor
    return out


def _heads(rows: _Rows, headcount: Mapping[str, float]) -> np.ndarray:
    """Each row's unit headcount (NaN when unknown or not positive)."""
    per_unit = np.array([float(headcount.get(str(u)) or np.nan) for u in rows.panel.units] + [np.nan])
    heads = per_unit[rows.unit]
    return np.where(heads > 0, heads, np.nan)


def _sized(
    scored: _Rows, basis: _Rows, cat: _Catalog, headcount: Mapping[str, float], size: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scored and basis values with sum-rollup metrics compared across sizes (the adjusted fit is learned
    over the basis), and per scored row whether it lacks the headcount that needs."""
    heads = _heads(scored, headcount)
    basis_heads = heads if basis is scored else _heads(basis, headcount)
    fit = fit_size(basis.values[:, cat.sized], basis_heads) if size == "adjusted" else None

    def sized(rows: _Rows, h: np.ndarray) -> np.ndarray:
        return size_values(rows.values, h, cat.sized, size, fit)

    values = sized(scored, heads)
    no_headcount = np.isnan(heads) & (size != "raw") & bool(cat.sized.any())
    return values, (values if basis is scored else sized(basis, basis_heads)), no_headcount


def _rows(scored: _Rows, u: np.ndarray, complete: np.ndarray, s: IntegrationSettings) -> pd.DataFrame:
    ccd = coupling_coordination(u, np.array([s.alpha, 1.0 - s.alpha]), s.model)
    level = coordination_level(ccd["D"].to_numpy())
    return pd.DataFrame(
        {
            "unit": np.asarray(scored.panel.units, dtype=object)[scored.unit],
            "period": np.asarray(scored.panel.months, dtype=object)[scored.month],
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
    scored: _Rows,
    basis_obs: pd.DataFrame | None,
    settings: IntegrationSettings,
    cat: _Catalog,
    parent: Mapping[str, str | None],
) -> _Rows:
    window = parse_basis(settings.basis)
    if settings.basis == "view":
        return scored
    source = scored if basis_obs is None else _scored_rows(_panel(basis_obs, cat.codes), parent)
    if window is None:
        return source
    inside = np.array([window[0] <= str(p) <= window[1] for p in source.panel.months], dtype=bool)
    return source.where(np.broadcast_to(inside, source.rows.shape))


def compute_integration(
    obs: pd.DataFrame,
    catalog: pd.DataFrame,
    parent: Mapping[str, str | None] | None = None,
    *,
    settings: IntegrationSettings | None = None,
    basis_obs: pd.DataFrame | None = None,
    headcount: Mapping[str, float] | None = None,
) -> IntegrationResult:
    """Integration index (融合度) of every unit-month in ``obs`` (SPEC §5).

    ``obs``: long frame unit, period ('YYYY-MM'), metric, value; missing keys are absent
    (NaN values count as absent); metrics outside the catalog's party/production/efficiency
    categories are ignored. Categorical unit/period/metric columns are fastest.
    ``catalog``: code, category, dimension, direction (+1/−1) and rollup (else derived from a
    ``unit`` column, else ``mean``). ``parent``: unit → parent unit; an ancestor's row is
    dropped for a month in which any descendant reports. ``headcount``: unit → staff; sum-rollup
    metrics of a unit without one are missing unless ``settings.size`` is ``raw``.
    A row is ``complete`` when it has every metric that has basis data; under ``missing='worst'``
    a missing metric scores the floor, under ``rescale`` the weights are rescaled over the metrics
    present; a subsystem with no metric in a row leaves u, C, T, D, level and lagging missing
    (None in JSON), as does a basis of fewer than ``settings.min_units`` units (``insufficient``).
    ``basis_obs``: the basis rows for ``settings.basis == 'all'`` (every observation), or
    for a window (filtered to it); when omitted the scored rows are the basis. The size fit,
    normalisation bounds and weights come from the basis; scored values outside its range are clipped.
    With the ``view`` basis ``basis_obs`` is ignored.
    Raises :class:`IntegrationError` (and ``analytics.stats.ahp.AhpError`` for a bad judgement).
    """
    settings = settings or IntegrationSettings()
    cat = _read_catalog(catalog)
    unknown = sorted(set(settings.weights or {}) - set(cat.codes))
    if unknown:
        raise IntegrationError("integration.unknown_weights", metrics=unknown)
    parent = parent or {}
    scored = _scored_rows(_panel(obs, cat.codes), parent)
    basis = _basis_panel(scored, basis_obs, settings, cat, parent)
    values, basis_values, no_headcount = _sized(scored, basis, cat, headcount or {}, settings.size)
    lows, highs = column_extreme(basis_values, np.fmin), column_extreme(basis_values, np.fmax)

    def normalise(v: np.ndarray) -> np.ndarray:
        return minmax_normalise(v, cat.direction, bounds=settings.bounds, lows=lows, highs=highs)

    x = normalise(values)
    x_basis = x if basis_values is values else normalise(basis_values)
    weights, members, consistency = _weights(cat, entropy_information(*_filled(x_basis)), ~np.isnan(lows), settings)
    member = members.any(axis=1)
    complete = ~(np.isnan(x) & member).any(axis=1)
    if settings.missing == "worst":
        x = _floor_missing(x, members, settings.bounds[0])
    u = _subsystem_scores(*_filled(x), weights, members)
    basis_units = len(np.unique(basis.unit))
    if basis_units < settings.min_units:
        u[:] = np.nan
    used = members.any(axis=1)
    return IntegrationResult(
        basis=settings.basis,
        rows=_rows(scored, u, complete, settings),
        weights={c: float(w) for c, w in zip(cat.codes[used], weights[used].sum(axis=1), strict=True)},
        settings=settings,
        consistency=consistency,
        basis_rows=len(basis.unit),
        basis_units=basis_units,
        detail=_Detail(
            cat.codes, cat.subsystem, cat.dimension, x, weights, members,
            np.isnan(scored.values) & member, no_headcount,
        ),
    )  # fmt: skip


def missing_metrics(result: IntegrationResult) -> pd.DataFrame:
    """What each incomplete row lacks: unit, period, metrics (codes with basis data it does not report, catalog
    order) and no_headcount (its amounts and counts cannot be compared with units of its size). Only rows with
    ``complete`` False, in result.rows order."""
    d, rows = result.detail, result.rows
    index = np.flatnonzero(~rows["complete"].to_numpy(dtype=bool))
    codes = d.metrics.to_numpy()
    return pd.DataFrame(
        {
            "unit": rows["unit"].to_numpy()[index],
            "period": rows["period"].to_numpy()[index],
            "metrics": [tuple(codes[d.unreported[i]]) for i in index],
            "no_headcount": d.no_headcount[index].astype(bool),
        }
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
