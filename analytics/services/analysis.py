"""Analysis use cases: one pair's correlation, the party × business matrix, the findings scan, the integration index.

Each opens the store once — the catalog, the unit registry and the panel snapshot of the current data version
(:func:`open_workspace`) — resolves the view's unit and metric labels, and returns the statistics' own frozen
records or DataFrames. Refusals: UnknownUnit (a unit label that names no unit or several), AnalyticsError
``unknown_metric`` and ``integration_refused``, DatabaseBusy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import pandas as pd

from analytics.errors import AnalyticsError
from analytics.model.catalog import CATEGORIES, Catalog
from analytics.model.panel import Panel
from analytics.model.units import Registry
from analytics.periods import from_index
from analytics.stats.correlations import Correlation
from analytics.stats.findings import FINDING_LEVELS as FINDING_LEVELS  # re-exported: the levels findings are scanned at
from analytics.stats.findings import FindingScan, describe_finding
from analytics.stats.integration import MISSING, SIZES, WEIGHTINGS, IntegrationError, IntegrationResult, parse_basis
from analytics.stats.options import DEFAULT_LEVEL, DEFAULT_SCALE
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog
from analytics.store.snapshot import Snapshot, load_snapshot
from analytics.store.units import load_registry

PARTY, BUSINESS = ["party"], ["production", "efficiency"]  # the two sides of every finding (catalog categories)


@dataclass(frozen=True)
class View:
    """What an analysis looks at: months ``start..end`` (month indexes, None = open), ``units`` (labels: codes or
    unique names, each standing for its unit and every unit below it; None = all), and the correlation options
    (analytics.stats.correlations: method, level, scale, lag, and the month of level ``period``)."""

    start: int | None = None
    end: int | None = None
    units: tuple[str, ...] | None = None
    method: str = "pearson"
    level: str = DEFAULT_LEVEL
    scale: str = DEFAULT_SCALE
    lag: int = 0
    period: int | None = None


@dataclass(frozen=True, eq=False)
class Workspace:
    """What an analysis reads from the store, read once: the catalog, the unit registry, the panel snapshot, and
    the codes of the view's units (None = all)."""

    catalog: Catalog
    registry: Registry
    snapshot: Snapshot
    units: list[str] | None

    @property
    def panel(self) -> Panel:
        return self.snapshot.panel

    def metric(self, label: str) -> str:
        """A metric label (code, name or alias) → its code; AnalyticsError ``unknown_metric`` for none."""
        try:
            return self.catalog.resolve(label).code
        except KeyError as exc:
            raise AnalyticsError("unknown_metric", label=label) from exc

    def metric_set(self, labels: Iterable[str]) -> list[str]:
        """Categories (party, production, efficiency) or metric labels → metric codes, catalog order."""
        codes: list[str] = []
        for label in labels:
            codes += self.catalog.codes(label) if label in CATEGORIES else [self.metric(label)]
        return list(dict.fromkeys(codes))

    def options(self, view: View) -> CorrelationOptions:
        """The keyword arguments of analytics.stats.correlations.correlate (and matrix) for ``view``."""
        return {
            "method": view.method,
            "level": view.level,
            "lag": view.lag,
            "period": _month(view.period),
            "from_": _month(view.start),
            "to": _month(view.end),
            "units": self.units,
            "scale": view.scale,
        }


class CorrelationOptions(TypedDict):
    """The options of analytics.stats.correlations.correlate and analytics.stats.matrix.matrix."""

    method: str
    level: str
    lag: int
    period: str | None
    from_: str | None
    to: str | None
    units: list[str] | None
    scale: str


def _month(index: int | None) -> str | None:
    return from_index(index) if index is not None else None


def open_workspace(db: str | Path | None, units: Sequence[str] | None = None) -> Workspace:
    """Open the database read-only once: catalog, registry, panel snapshot; ``units`` (labels) expanded to codes.
    Raises UnknownUnit for a label that names no unit (or several)."""
    with connect(db, read_only=True) as con:
        catalog, registry = load_catalog(con), load_registry(con)
        snapshot = load_snapshot(con, db)
    return Workspace(catalog, registry, snapshot, registry.expand(list(units)) if units else None)


def correlate(db: str | Path | None, x: str, y: str, view: View = View()) -> Correlation:
    """The correlation of metrics ``x`` and ``y`` (labels) over ``view`` (analytics.stats.correlations.correlate)."""
    from analytics.stats import correlations

    space = open_workspace(db, view.units)
    return correlations.correlate(space.panel, space.metric(x), space.metric(y), **space.options(view))


@dataclass(frozen=True, eq=False)
class Matrix:
    """The correlation grid, one row per cell (analytics.stats.matrix.matrix: x, y, r, p, q, n, …)."""

    cells: pd.DataFrame

    def to_dict(self) -> dict[str, list[dict[str, object]]]:
        """The SPEC §4 ``matrix`` JSON document."""
        from analytics.stats.matrix import matrix_to_dict

        return matrix_to_dict(self.cells)


def matrix(db: str | Path | None, rows: Sequence[str], cols: Sequence[str], view: View = View()) -> Matrix:
    """The grid ``rows`` × ``cols`` (categories or metric labels) over ``view``, with BH q."""
    from analytics.stats import matrix as grid

    space = open_workspace(db, view.units)
    frame = grid.matrix(space.panel, space.metric_set(rows), space.metric_set(cols), **space.options(view))
    return Matrix(frame)


@dataclass(frozen=True, eq=False)
class Findings:
    """A findings scan with the metric names its sentences use, per language."""

    scan: FindingScan
    names: dict[str, dict[str, str]]  # lang → metric code → name

    def to_dict(self) -> dict[str, object]:
        """The SPEC §4 ``findings`` JSON document (each finding's sentence in Chinese and English)."""
        return self.scan.to_dict(self.names["zh"], self.names["en"])

    def sentences(self, lang: str = "zh") -> list[str]:
        """One plain sentence per finding, best first."""
        return [describe_finding(f, self.names[lang], lang) for f in self.scan.findings]


def findings(db: str | Path | None, lags: Iterable[int], view: View = View()) -> Findings:
    """Party × business findings at ``lags`` over ``view`` (BH over every pair and lag, direction checked), kept per
    data version beside the snapshot (analytics.services.findings)."""
    from analytics.services.findings import findings_of

    space = open_workspace(db, view.units)
    rows, cols = space.metric_set(PARTY), space.metric_set(BUSINESS)
    o = space.options(view)
    scan = findings_of(
        space.snapshot, rows, cols, lags,
        level=o["level"], scale=o["scale"], method=o["method"], from_=o["from_"], to=o["to"], units=o["units"],
    )  # fmt: skip
    names = {lang: {m.code: m.name(lang) for m in space.catalog.metrics} for lang in ("zh", "en")}
    return Findings(scan, names)


def basis_error(text: str) -> str | None:
    """Why ``text`` is not an integration basis (all, view, YYYY-MM..YYYY-MM), or None when it is one."""
    try:
        parse_basis(text)
    except IntegrationError as exc:
        return str(exc)
    return None


def integration(
    db: str | Path | None,
    view: View = View(),
    basis: str = "all",
    size: str = SIZES[0],
    weights: str = WEIGHTINGS[0],
    missing: str = MISSING[0],
) -> IntegrationResult:
    """The integration index (融合度) of every unit-month in ``view`` (its months and units), normalised and weighted
    over ``basis``: every row (all), the scored rows (view) or a frozen window (YYYY-MM..YYYY-MM). Raises
    AnalyticsError ``integration_refused`` for settings that cannot be used."""
    from analytics.stats.integration import IntegrationSettings
    from analytics.stats.unit_profile import score_view

    space = open_workspace(db, view.units)
    # the view basis needs only the scored months; all and a window need every month
    obs = space.snapshot.frame(view.start, view.end) if basis == "view" else space.snapshot.frame()
    registry, settings = space.registry, IntegrationSettings(basis=basis, size=size, weighting=weights, missing=missing)
    try:
        return score_view(
            obs, space.catalog, registry.parents(), start=_month(view.start), end=_month(view.end), units=space.units,
            settings=settings, headcount=registry.headcounts(),
        )  # fmt: skip
    except IntegrationError as exc:
        raise AnalyticsError("integration_refused", error=str(exc)) from exc
