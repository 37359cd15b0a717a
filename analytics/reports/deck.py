"""A meeting deck: an ordered list of slides whose data comes from the analytics modules (no Streamlit here).

A deck is written as a short string that fits in a URL, items separated by commas::

    kpis,ranking,quadrant,heatmap,findings,scatter:vanguard_posts~quality_pass_rate@2,lag:x~y,unit:BF01

``scatter``/``lag`` take a metric pair ``x~y`` (``@K``: y K months later; party metric leads), ``unit`` a unit code;
without an argument they show the best finding's pair (or, when nothing passes the findings gate, the first pair in
catalog order, said so on the slide) and the top-ranked unit. Every slide is computed over one :class:`Scope`
(months, units, correlation level and scaling of the view) by :class:`DeckAnalysis`, which computes each shared
result (integration index, correlation matrix, findings) once.

The key-figures slide shows the overview's cards (``analytics.stats.overview``: group roll-ups without double counting,
like-for-like month-on-month and year-on-year changes, rates in percentage points) and its D trend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from analytics.errors import AnalyticsError
from analytics.figures.correlation import choice_text, metric_names, thin, unit_groups
from analytics.figures.integration import choices_text
from analytics.figures.overview import coverage_notice
from analytics.i18n import numbers as number_format
from analytics.i18n import t, unit_of_measure
from analytics.model.catalog import Catalog
from analytics.model.cycles import Marks
from analytics.model.panel import Panel
from analytics.model.units import Registry
from analytics.reports.annex import shown_notes
from analytics.reports.options import DEFAULT_DECK, SLIDE_KINDS
from analytics.stats import correlations, overview
from analytics.stats.correlation_points import Options, analysis_points, fit_line
from analytics.stats.correlations import Correlation
from analytics.stats.coverage import MonthCoverage, month_coverage
from analytics.stats.findings import (
    FINDING_LEVELS,
    Finding,
    FindingScan,
    causation_note,
    describe_finding,
    format_q,
    scan,
    scanned_metrics,
)
from analytics.stats.integration import IntegrationSettings
from analytics.stats.matrix import matrix
from analytics.stats.options import ALPHA, DEFAULT_LEVEL, DEFAULT_SCALE, LAGS, PROFILE_LAGS, TOP_FINDINGS
from analytics.stats.unit_profile import (
    default_metrics,
    in_view,
    integration_history,
    metric_history,
    ranking,
    score_view,
    unit_labels,
)

PAIR_KINDS = ("scatter", "lag")
ITEM_SEP, ARG_SEP, PAIR_SEP, LAG_SEP = ",", ":", "~", "@"
PAIR_EXAMPLE, UNIT_EXAMPLE = f"scatter{ARG_SEP}x{PAIR_SEP}y{LAG_SEP}2", f"unit{ARG_SEP}CODE"  # in a refusal
MONTHS_PER_YEAR = 12


class DeckError(AnalyticsError, ValueError):
    """A deck string that names an unknown slide kind, metric or unit; ``str()`` is English."""

    code = "deck"

    def summary(self) -> str:
        return self.message("en")


# ---------------------------------------------------------------- the deck as a URL string


@dataclass(frozen=True)
class SlideSpec:
    """One deck item: a slide kind with its pair (scatter, lag) or unit (unit); None = the default choice."""

    kind: str
    x: str | None = None
    y: str | None = None
    lag: int = 0
    unit: str | None = None

    def __str__(self) -> str:
        if self.kind in PAIR_KINDS and self.x and self.y:
            pair = f"{self.x}{PAIR_SEP}{self.y}"
            return f"{self.kind}{ARG_SEP}{pair}{LAG_SEP}{self.lag}" if self.lag else f"{self.kind}{ARG_SEP}{pair}"
        if self.kind == "unit" and self.unit:
            return f"unit{ARG_SEP}{self.unit}"
        return self.kind


def parse_slide(text: str) -> SlideSpec:
    """``kind`` or ``kind:arg`` → SlideSpec; raises DeckError for an unknown kind or a malformed argument."""
    kind, _, arg = text.strip().partition(ARG_SEP)
    if kind not in SLIDE_KINDS:
        raise DeckError("deck.unknown_slide", kind=kind, kinds=", ".join(SLIDE_KINDS))
    if not arg:
        return SlideSpec(kind)
    if kind == "unit":
        return SlideSpec(kind, unit=arg)
    pair, _, lag = arg.partition(LAG_SEP)
    x, _, y = pair.partition(PAIR_SEP)
    if kind not in PAIR_KINDS or not x or not y or (lag and not lag.isdigit()):
        raise DeckError("deck.malformed_slide", text=text, pair_example=PAIR_EXAMPLE, unit_example=UNIT_EXAMPLE)
    return SlideSpec(kind, x, y, int(lag or 0))


def parse_deck(text: str | None) -> tuple[SlideSpec, ...]:
    """A deck string → its slides in order (the default deck for an empty string)."""
    items = [part for part in (text or DEFAULT_DECK).split(ITEM_SEP) if part.strip()]
    return tuple(parse_slide(part) for part in items or DEFAULT_DECK.split(ITEM_SEP))


def deck_text(slides: Iterable[SlideSpec]) -> str:
    """The deck string of ``slides`` (inverse of parse_deck)."""
    return ITEM_SEP.join(str(s) for s in slides)


# ---------------------------------------------------------------- what the deck is computed on


@dataclass(frozen=True)
class Scope:
    """The view: months ``start..end`` (inclusive ``YYYY-MM``, None = open), unit codes (None = all), and the
    correlation ``level`` and ``scale`` (analytics.stats.correlations; default twoway, each unit counting equally)."""

    start: str | None = None
    end: str | None = None
    units: tuple[str, ...] | None = None
    level: str = DEFAULT_LEVEL
    scale: str = DEFAULT_SCALE


@dataclass(frozen=True)
class DataStamp:
    """Which data a deck shows: the latest batch id and the reverts made by then (together the data version pinned
    in links, ``v12.3``), the time data last changed, demo or not."""

    batch_id: int
    as_of: dt.datetime | None
    demo: bool = False
    reverts: int = 0
    marks: Marks = field(default_factory=Marks)  # the reporting cycle's final and restated months (SPEC §8: 初步, 更正)

    @property
    def version(self) -> str:
        return f"{self.batch_id}.{self.reverts}"


FindingScanner = Callable[..., FindingScan]
"""``(rows, cols, lags, level, scale, method, from_, to, units) -> FindingScan`` on the source's panel, as
:func:`analytics.stats.findings.scan` — e.g. the scan kept per data version (analytics.services.findings)."""


@dataclass(frozen=True, eq=False)
class Source:
    """Everything a deck reads from the database, read once: catalog, units, observations, panel, stamp (loaded by
    analytics.services.exports.load_source; this module never reads the database)."""

    catalog: Catalog
    registry: Registry
    obs: pd.DataFrame  # long, categorical keys (analytics.store.observations.analysis_frame)
    panel: Panel
    stamp: DataStamp
    scanner: FindingScanner | None = None  # where the findings scan is kept per data version (None: computed here)
    notes: pd.DataFrame | None = None  # the uploaders' notes (情况说明, analytics.reports.annex); None: not loaded


# ---------------------------------------------------------------- slides


@dataclass(frozen=True, eq=False)
class Slide:
    """One computed slide. ``tables`` are the data behind it, (caption, frame) pairs written to its Excel sheet
    (column names are codes, shown through ``present.col.<name>``); ``payload`` holds what the charts draw, by kind
    (see the *Payload classes); ``notes`` are the speaker notes."""

    spec: SlideSpec
    title: str
    subtitle: str
    notes: str
    tables: tuple[tuple[str, pd.DataFrame], ...]
    payload: object = None

    @property
    def kind(self) -> str:
        return self.spec.kind


@dataclass(frozen=True, eq=False)
class KpiPayload:
    kpis: pd.DataFrame  # metric, name, unit, period, value, n, mom, yoy, change (points | relative | index)
    trend: pd.DataFrame  # period, D (mean over scored units), n


@dataclass(frozen=True, eq=False)
class RankingPayload:
    period: str
    frame: pd.DataFrame  # rank, unit, name, subsidiary, D, level, u_party, u_business, lagging


@dataclass(frozen=True, eq=False)
class HeatmapPayload:
    cells: pd.DataFrame  # analytics.stats.matrix.matrix frame
    names: dict[str, str]


@dataclass(frozen=True, eq=False)
class FindingsPayload:
    findings: tuple[Finding, ...]
    sentences: tuple[str, ...]  # empty: nothing passed the gate
    note: str
    empty: str = ""  # what to say when there are no sentences (none passed, or the level has no findings)


@dataclass(frozen=True, eq=False)
class ScatterPayload:
    corr: Correlation
    points: pd.DataFrame  # unit, month, x, y, name, group — the values r is computed on, thinned to MAX_SCATTER_POINTS
    total: int  # points before thinning
    fit: pd.DataFrame | None  # the least-squares line over every point (x, fit at the ends of x); no band
    x_label: str
    y_label: str


@dataclass(frozen=True, eq=False)
class LagPayload:
    profile: tuple[Correlation, ...]
    x_name: str
    y_name: str


@dataclass(frozen=True, eq=False)
class UnitPayload:
    unit: str
    name: str
    history: pd.DataFrame  # period, u_party, u_business, D, level_index, lagging, rank, n_ranked
    peers: pd.DataFrame  # metric, name, unit_value, subsidiary, group (latest month)


@dataclass(eq=False)
class DeckAnalysis:
    """The results shared by the slides of one view, each computed on first use."""

    source: Source
    scope: Scope = field(default_factory=Scope)
    integration_settings: IntegrationSettings = field(default_factory=IntegrationSettings)

    @cached_property
    def months(self) -> list[str]:
        """The view's months that have data (any metric), oldest first."""
        months = [str(m) for m in self.source.panel.months]
        lo, hi = self.scope.start or "0000-00", self.scope.end or "9999-99"
        return [m for m in months if lo <= m <= hi]

    @cached_property
    def integration(self) -> pd.DataFrame:
        """The integration index rows (unit, period, u_party, u_business, C, T, D, level, …, complete) of the view,
        under ``integration_settings`` with the registry's headcounts."""
        s, registry = self.scope, self.source.registry
        return score_view(
            self.source.obs, self.source.catalog, registry.parents(), start=s.start, end=s.end, units=s.units,
            settings=self.integration_settings, headcount=registry.headcounts(),
        ).rows  # fmt: skip

    @cached_property
    def trend(self) -> pd.DataFrame:
        """The mean D of the complete units per month of the view, with their number (overview.d_trend)."""
        return overview.d_trend(self.integration)

    @cached_property
    def latest(self) -> str | None:
        """The latest month of the view whose complete units with an integration index are enough to rank (not a
        month only a few units have reported in; analytics.stats.coverage)."""
        return overview.ranked_month(self.trend)

    @cached_property
    def coverage(self) -> MonthCoverage | None:
        """What the view's last month holds against the months before it (None for a view without data)."""
        if not self.months:
            return None
        s, period = self.scope, self.months[-1]
        scored = dict(zip(self.trend["period"], self.trend["n_units"], strict=True))
        return month_coverage(in_view(self.source.obs, None, period, s.units), period, scored)

    @cached_property
    def ranking(self) -> pd.DataFrame:
        """The latest month's ranking: rank, unit, name, subsidiary, D, level, u_party, u_business, lagging."""
        if self.latest is None:
            return pd.DataFrame(columns=list(RANKING_COLUMNS))
        frame = ranking(self.integration, self.latest)
        groups, names = unit_groups(self.source.registry), self.unit_names
        frame["name"] = frame["unit"].map(lambda u: names.get(u, u))
        frame["subsidiary"] = frame["unit"].map(lambda u: groups.get(u, (u, u))[1])
        return frame[list(RANKING_COLUMNS)]

    @cached_property
    def unit_names(self) -> dict[str, str]:
        """Unit code → the name slides show (analytics.stats.unit_profile.unit_labels: the code where names repeat)."""
        return unit_labels(self.source.registry.units)

    @cached_property
    def grid(self) -> tuple[list[str], list[str]]:
        return scanned_metrics(self.source.panel, self.source.catalog)

    def scope_options(self) -> dict:
        """Keyword arguments of the correlation functions for the view: its level and scale, Pearson, months, units."""
        s = self.scope
        return {
            "method": "pearson",
            "level": s.level,
            "scale": s.scale,
            "from_": s.start,
            "to": s.end,
            "units": s.units,
        }

    def _options(self, lag: int = 0) -> Options:
        s = self.scope
        return Options(level=s.level, lag=lag, from_=s.start, to=s.end, units=s.units, scale=s.scale)

    @cached_property
    def cells(self) -> pd.DataFrame:
        """The party × business correlation matrix (the view's level and scale, Pearson, lag 0) with BH q."""
        party, business = self.grid
        return matrix(self.source.panel, party, business, **self.scope_options())

    @cached_property
    def scan(self) -> FindingScan | None:
        """The findings scan (twoway/within only; None at levels that never give findings), best first."""
        if self.scope.level not in FINDING_LEVELS:
            return None
        party, business = self.grid
        s = self.scope
        options = (LAGS, s.level, s.scale, "pearson", s.start, s.end, s.units)
        if self.source.scanner is not None:
            return self.source.scanner(party, business, *options)
        return scan(self.source.panel, party, business, *options)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings that passed the gate (none at levels without findings)."""
        return self.scan.findings if self.scan is not None else ()

    def pair(self, spec: SlideSpec) -> tuple[str, str, int]:
        """The slide's (x, y, lag): as given, else the best finding, else the first pair in catalog order with an r
        (never the strongest cell: without a finding that would promote noise)."""
        if spec.x and spec.y:
            return self._metric(spec.x), self._metric(spec.y), spec.lag
        if self.findings:
            best = self.findings[0]
            return best.x, best.y, best.lag
        cells = self.cells
        if cells.empty:
            raise DeckError("deck.no_pair")
        usable = cells[cells["r"].notna()]
        first = (usable if len(usable) else cells).iloc[0]
        return str(first["x"]), str(first["y"]), 0

    def is_finding(self, x: str, y: str) -> bool:
        """The pair passed the findings gate (at some lag)."""
        return any(f.x == x and f.y == y for f in self.findings)

    def _metric(self, label: str) -> str:
        try:
            return self.source.catalog.resolve(label).code
        except KeyError as exc:
            raise DeckError("deck.unknown_metric", label=label) from exc

    def unit(self, spec: SlideSpec) -> str | None:
        """The slide's unit code: as given (code or unique name), else the top of the latest ranking (None when
        nothing in the view can be ranked: the slide then says so)."""
        if spec.unit:
            try:
                return self.source.registry.resolve(spec.unit).code
            except KeyError as exc:
                raise DeckError("deck.unknown_unit", unit=spec.unit) from exc
        return None if self.ranking.empty else str(self.ranking.iloc[0]["unit"])

    def resolved(self, spec: SlideSpec) -> SlideSpec:
        """The spec with its default pair or unit filled in (what a link should pin)."""
        if spec.kind in PAIR_KINDS:
            x, y, lag = self.pair(spec)
            return SlideSpec(spec.kind, x, y, lag if spec.kind == "scatter" else 0)
        if spec.kind == "unit":
            return SlideSpec("unit", unit=self.unit(spec))
        return spec

    def slide(self, spec: SlideSpec, lang: str = "zh") -> Slide:
        """The computed slide for ``spec`` in ``lang``; raises DeckError for an unknown metric or unit."""
        spec = self.resolved(spec)
        return BUILDERS[spec.kind](self, spec, lang)


RANKING_COLUMNS = ("rank", "unit", "name", "subsidiary", "D", "level", "level_en", "u_party", "u_business", "lagging")


# ---------------------------------------------------------------- captions on every slide and export


def scope_text(scope: Scope, analysis: DeckAnalysis, lang: str) -> str:
    """'范围：2025-11 至 2026-10 · 单位：全部 · 相关分析：扣除单位与月份效应，各单位同等权重': the view in words."""
    months = analysis.months
    start = scope.start or (months[0] if months else "—")
    end = scope.end or (months[-1] if months else "—")
    if scope.units is None:
        units = t("present.units_all", lang)
    else:
        names = {u.code: u.name for u in analysis.source.registry.units}
        shown = [names.get(c, c) for c in scope.units[:UNITS_NAMED]]
        more = len(scope.units) - len(shown)
        units = "、".join(shown) + (t("present.units_more", lang, n=more) if more > 0 else "")
    choice = choice_text(Options(level=scope.level, scale=scope.scale), lang)
    return t("present.scope", lang, start=start, end=end, units=units, choice=choice)


UNITS_NAMED = 4  # filters name at most this many units, then "and N more"


def stamp_text(stamp: DataStamp, lang: str, start: str | None = None, end: str | None = None) -> str:
    """'数据截至 2026-11-28 04:10 · 数据版本 v40.0' (+ the demo mark), then, for a deck of ``start``..``end`` under
    the reporting cycle, '· 2026-11 起为初步数据 · 2026-08 已更正' (SPEC §8)."""
    when = stamp.as_of.strftime("%Y-%m-%d %H:%M") if stamp.as_of else "—"
    text = t("present.stamp", lang, when=when, version=stamp.version)
    text += t("present.demo_mark", lang) if stamp.demo else ""
    first = stamp.marks.preliminary(start, end)
    if first is not None:
        text += " · " + t("marks.preliminary_short", lang, first=first)
    restated = stamp.marks.restated_in(start, end)
    if restated:
        text += " · " + t("marks.restated_short", lang, months=t("sep.list", lang).join(restated))
    return text


def metric_label(catalog: Catalog, code: str, lang: str) -> str:
    """'营业收入（万元）'."""
    m = catalog.get(code)
    return t("present.metric_unit", lang, name=m.name(lang), unit=unit_of_measure(m.unit, lang))


def names_of(catalog: Catalog, lang: str) -> dict[str, str]:
    return metric_names(catalog, lang)


# ---------------------------------------------------------------- one builder per slide kind


def _change(card: overview.Kpi, which: str) -> float:
    """The card's change against the month before (``mom``) or a year before (``yoy``), as :func:`change_kind`
    says: percentage points, the index difference or a count's difference, else the relative change in %; NaN
    when there is none."""
    comparison = getattr(card, which)
    value = comparison.pct if change_kind(card) == overview.RELATIVE else comparison.diff
    return float("nan") if value is None else float(value)


def change_kind(card: overview.Kpi) -> str:
    """How the card's changes are written (analytics.i18n.numbers.change_kind): a count's change is a difference
    (``+5 起``), not a percentage."""
    return number_format.change_kind(card.change, card.unit)


def kpi_frame(cards: Sequence[overview.Kpi], lang: str) -> pd.DataFrame:
    """The KPI cards as a table: metric, name, unit, period, value, n, mom, yoy, change (points|relative|index|
    difference), usual_n (the most units behind the figure in the twelve months before), better (+1 higher is
    better, −1 lower is better). A thin figure (too few units against usual_n) has NaN value and changes, as a
    month nobody reported."""
    rows = [
        {
            "metric": c.key,
            "name": c.name(lang),
            "unit": c.unit,
            "period": c.period,
            "value": float("nan") if c.value is None else c.value,
            "n": c.n_units,
            "mom": _change(c, "mom"),
            "yoy": _change(c, "yoy"),
            "change": change_kind(c),
            "usual_n": c.usual_n_units,
            "better": c.direction,
        }
        for c in cards
    ]
    return pd.DataFrame(rows, columns=list(KPI_COLUMNS))


KPI_COLUMNS = ("metric", "name", "unit", "period", "value", "n", "mom", "yoy", "change", "usual_n", "better")


def kpi_cards(analysis: DeckAnalysis) -> tuple[overview.Kpi, ...]:
    """The overview's cards for the view's last month: the group's mean D, then the headline metrics."""
    if not analysis.months:
        return ()
    source, s, period = analysis.source, analysis.scope, analysis.months[-1]
    window = in_view(source.obs, overview.shift_month(period, -overview.YEAR), period, s.units)
    available = set(window.loc[window["value"].notna(), "metric"].astype(str))
    codes = overview.kpi_metrics(source.catalog, available)
    parents = source.registry.parents()
    cards = overview.kpi_cards(window, source.catalog, period, codes, parents, s.start)
    scored = analysis.integration
    return ((overview.d_card(scored, period, s.start),) if scored["D"].notna().any() else ()) + cards


def _kpis(analysis: DeckAnalysis, spec: SlideSpec, lang: str) -> Slide:
    kpis = kpi_frame(kpi_cards(analysis), lang)
    trend = overview.steady_trend(analysis.trend).rename(columns={"n_units": "n"})  # no mean of almost nothing
    period = analysis.months[-1] if analysis.months else "—"
    notes = [t("present.notes.kpis", lang, period=period)]
    notice = coverage_notice(analysis.coverage, lang, hint=False)  # a partial month says so, in the subtitle
    if notice:
        notes.insert(0, notice)
    if len(trend):
        last = trend.iloc[-1]
        notes.append(t("present.notes.trend", lang, period=last["period"], d=f"{last['D']:.3f}", n=int(last["n"])))
    return Slide(
        spec,
        t("present.slide.kpis", lang),
        notice or t("present.sub.kpis", lang, period=period),
        "\n".join(notes),
        (("present.table.kpis", kpis), ("present.table.trend", trend)),
        KpiPayload(kpis, trend),
    )


def _lagging_counts(frame: pd.DataFrame) -> dict[str, int]:
    counts = frame["lagging"].value_counts()
    return {k: int(counts.get(k, 0)) for k in ("party", "business", "balanced")}


def _ranking_frame(analysis: DeckAnalysis, lang: str) -> pd.DataFrame:
    """The latest ranking with the level named in ``lang``."""
    frame = analysis.ranking
    if lang == "en":
        frame = frame.assign(level=frame["level_en"])
    return frame.drop(columns="level_en")


def _readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table for people: the lagging code in words."""
    return frame.assign(lagging=frame["lagging"].map(lambda v: t(f"present.lagging.{v}", lang) if v else ""))


def _ranking(analysis: DeckAnalysis, spec: SlideSpec, lang: str) -> Slide:
    frame, period = _ranking_frame(analysis, lang), analysis.latest or "—"
    notes = [t("present.notes.ranking_none", lang)]
    if len(frame):
        top, bottom = frame.iloc[0], frame.iloc[-1]
        notes = [
            t(
                "present.notes.ranking",
                lang,
                n=len(frame),
                top=top["name"],
                top_d=f"{top['D']:.3f}",
                top_level=top["level"],
                bottom=bottom["name"],
                bottom_d=f"{bottom['D']:.3f}",
                **_lagging_counts(frame),
            ),
            t("present.notes.d_meaning", lang),
        ]
    notes.append(choices_text(analysis.integration_settings, lang))
    notes.append(_incomplete_note(analysis, lang))
    sub = t("present.sub.ranking", lang, period=period, n=len(frame)) + _not_ranked(analysis, lang)
    title = t("present.slide.ranking", lang)
    tables = (("present.table.ranking", _readable(frame, lang)),)
    return Slide(spec, title, sub, "\n".join(notes), tables, RankingPayload(period, frame))


def _not_ranked(analysis: DeckAnalysis, lang: str) -> str:
    """`` · 2026-11 尚未报齐，未排名`` when the view's last month is newer than the month ranked (else empty)."""
    last = analysis.months[-1] if analysis.months else None
    if last is None or (analysis.latest is not None and last <= analysis.latest):
        return ""
    return " · " + t("present.not_ranked", lang, period=last)


def _incomplete_note(analysis: DeckAnalysis, lang: str) -> str:
    """How many units the latest ranking leaves out for want of a metric (数据不全)."""
    rows = analysis.integration
    month = rows[rows["period"] == analysis.latest] if analysis.latest else rows.iloc[:0]
    incomplete = int((~month["complete"].astype(bool)).sum())
    return t("integ.ranked_note", lang, ranked=len(analysis.ranking), incomplete=incomplete)


def _quadrant(analysis: DeckAnalysis, spec: SlideSpec, lang: str) -> Slide:
    frame, period = _ranking_frame(analysis, lang), analysis.latest or "—"
    counts = _lagging_counts(frame) if len(frame) else {"party": 0, "business": 0, "balanced": 0}
    notes = t("present.notes.quadrant", lang, period=period, **counts)
    table = _readable(frame[["unit", "name", "subsidiary", "u_party", "u_business", "D", "lagging"]], lang)
    sub = t("present.sub.quadrant", lang, period=period, n=len(frame)) + _not_ranked(analysis, lang)
    return Slide(
        spec,
        t("present.slide.quadrant", lang),
        sub,
        notes,
        (("present.table.quadrant", table),),
        RankingPayload(period, frame),
    )


def _named_cells(cells: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    named = cells.assign(x_name=cells["x"].map(names), y_name=cells["y"].map(names))
    columns = ["x", "x_name", "y", "y_name", "r", "ci_low", "ci_high", "p", "q", "n", "n_units", "df", "insufficient"]
    return named[columns]


def _choice(analysis: DeckAnalysis, lang: str) -> str:
    s = analysis.scope
    return choice_text(Options(level=s.level, scale=s.scale), lang)


def _heatmap(analysis: DeckAnalysis, spec: SlideSpec, lang: str) -> Slide:
    names = names_of(analysis.source.catalog, lang)
    cells = analysis.cells
    significant = cells[cells["q"] < ALPHA]
    notes = [t("present.notes.heatmap", lang, n=len(cells), k=len(significant))]
    if len(significant):
        best = significant.sort_values("q", kind="stable").iloc[0]
        fields = {"x": names[best["x"]], "y": names[best["y"]], "r": f"{best['r']:.2f}", "n": int(best["n"])}
        notes.append(t("present.notes.heatmap_best", lang, q=format_q(best["q"]), g=int(best["n_units"]), **fields))
    notes.append(causation_note(lang))
    sub = t("present.sub.heatmap", lang, choice=_choice(analysis, lang))
    table = _named_cells(cells, names)
    payload = HeatmapPayload(cells, names)
    return Slide(
        spec, t("present.slide.heatmap", lang), sub, "\n".join(notes), (("present.table.matrix", table),), payload
    )


FINDING_COLUMNS = ("x", "x_name", "y", "y_name", "lag", "r", "ci_low", "ci_high", "p", "q", "n", "n_units")


def _findings(analysis: DeckAnalysis, spec: SlideSpec, lang: str) -> Slide:
    catalog, scan = analysis.source.catalog, analysis.scan
    names, directions = names_of(catalog, lang), {m.code: m.direction for m in catalog.metrics}
    top = tuple(analysis.findings[:TOP_FINDINGS])
    sentences = tuple(describe_finding(f, names, lang, directions) for f in top)
    note = causation_note(lang)
    rows = [
        {**{k: getattr(f, k) for k in FINDING_COLUMNS if hasattr(f, k)}, "x_name": names[f.x], "y_name": names[f.y],
         "direction": t(f"present.direction.{f.direction}", lang), "sentence": s}
        for f, s in zip(top, sentences, strict=True)
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=[*FINDING_COLUMNS, "direction", "sentence"])
    choice = _choice(analysis, lang)
    if scan is None:
        empty = t("present.findings_level", lang, choice=choice)
        sub = t("present.sub.findings_level", lang, choice=choice)
    else:
        empty = t("present.findings_none", lang, scanned=scan.scanned)
        sub = t("present.sub.findings", lang, n=len(scan.findings), shown=len(top), lags=max(LAGS),
                scanned=scan.scanned, choice=choice)  # fmt: skip
    notes = "\n".join([t("present.notes.findings", lang, n=len(analysis.findings)) if top else empty, note])
    payload = FindingsPayload(top, sentences, note, empty)
    return Slide(spec, t("present.slide.findings", lang), sub, notes, (("present.table.findings", table),), payload)


def _not_a_finding(analysis: DeckAnalysis, x: str, y: str, lang: str) -> str:
    """A line for a pair slide whose pair did not pass the findings gate (empty when it did)."""
    if analysis.scope.level not in FINDING_LEVELS:
        return t("present.pair_descriptive", lang)
    return "" if analysis.is_finding(x, y) else t("present.pair_not_finding", lang)


def _scatter(analysis: DeckAnalysis, spec: SlideSpec, lang: str) -> Slide:
    from analytics.figures.correlation import axis_label, stat_text

    source, options = analysis.source, analysis._options(spec.lag)
    x, y = source.catalog.get(spec.x), source.catalog.get(spec.y)  # type: ignore[arg-type]
    corr = correlations.correlate(source.panel, x.code, y.code, lag=spec.lag, **analysis.scope_options())
    points = analysis_points(source.panel, x.code, y.code, options)
    groups = unit_groups(source.registry)
    points = points.assign(
        name=points["unit"].map(lambda u: analysis.unit_names.get(u, u)),
        group=points["unit"].map(lambda u: groups.get(u, (u, u))[1]),
    )
    fit = None if corr.insufficient else fit_line(points["x"], points["y"])
    shown = thin(points)
    stat = stat_text(corr, lang)
    title = t("present.slide.scatter", lang, x=x.name(lang), y=y.name(lang))
    later = t("present.sub.later", lang, k=spec.lag) if spec.lag else ""
    caveat = _not_a_finding(analysis, x.code, y.code, lang)
    sub = stat + later + (f" · {caveat}" if caveat else "")
    what = "present.notes.scatter" if options.scaled else "present.notes.scatter_plain"
    notes = [t(what, lang, stat=stat, choice=_choice(analysis, lang))]
    if caveat:
        notes.append(caveat)
    if len(shown) < len(points):
        notes.append(t("present.notes.thinned", lang, shown=len(shown), total=len(points)))
    notes.append(causation_note(lang))
    table = points[["unit", "name", "group", "month", "x", "y"]]
    payload = ScatterPayload(
        corr, shown, len(points), fit, axis_label(x, lang, options), axis_label(y, lang, options, later=spec.lag)
    )
    return Slide(spec, title, sub, "\n".join(notes), (("present.table.points", table),), payload)


def _lag(analysis: DeckAnalysis, spec: SlideSpec, lang: str) -> Slide:
    source = analysis.source
    x, y = source.catalog.get(spec.x), source.catalog.get(spec.y)  # type: ignore[arg-type]
    profile = tuple(correlations.lag_profile(source.panel, x.code, y.code, PROFILE_LAGS, **analysis.scope_options()))
    table = pd.DataFrame(
        [(c.lag, c.r, c.ci_low, c.ci_high, c.p, c.n, c.n_units, c.df, c.insufficient) for c in profile],
        columns=["lag", "r", "ci_low", "ci_high", "p", "n", "n_units", "df", "insufficient"],
    )
    notes = [t("present.notes.lag", lang, x=x.name(lang), y=y.name(lang))]
    caveat = _not_a_finding(analysis, x.code, y.code, lang)
    if caveat:
        notes.append(caveat)
    notes.append(causation_note(lang))
    title = t("present.slide.lag", lang, x=x.name(lang), y=y.name(lang))
    sub = t("present.sub.lag", lang, lags=max(PROFILE_LAGS), choice=_choice(analysis, lang))
    sub += f" · {caveat}" if caveat else ""
    payload = LagPayload(profile, x.name(lang), y.name(lang))
    return Slide(spec, title, sub, "\n".join(notes), (("present.table.lag", table),), payload)


HISTORY_COLUMNS = ["period", "u_party", "u_business", "D", "level_index", "lagging", "rank", "n_ranked"]


def _no_unit(spec: SlideSpec, lang: str) -> Slide:
    """The unit slide of a view in which no unit can be ranked, so none is the default: it says so."""
    history = pd.DataFrame(columns=HISTORY_COLUMNS)
    peers = pd.DataFrame(columns=PEER_COLUMNS)
    tables = (("present.table.unit_history", history), ("present.table.unit_peers", peers))
    notes = t("present.notes.unit_default_none", lang)
    title, sub = t("present.slide.unit_none", lang), t("present.sub.unit_none", lang)
    return Slide(spec, title, sub, notes, tables, UnitPayload("", "", history, peers))


def _unit(analysis: DeckAnalysis, spec: SlideSpec, lang: str) -> Slide:
    if spec.unit is None:
        return _no_unit(spec, lang)
    code = str(spec.unit)
    name = analysis.unit_names.get(code, code)
    history = integration_history(analysis.integration, code)
    steady = overview.steady_trend(analysis.trend)["period"]
    history = history[history["period"].isin(steady)].reset_index(drop=True)  # no "1st of 1" in a partial month
    peers = _peer_table(analysis, code, lang)
    notes = [t("present.notes.unit_none", lang, name=name)]
    sub = t("present.sub.unit_none", lang)
    if len(history):
        last = history.iloc[-1]
        fields = {"rank": int(last["rank"]), "of": int(last["n_ranked"]), "d": f"{last['D']:.3f}"}
        lag_text = t(f"present.lagging.{last['lagging']}", lang)
        sub = t("present.sub.unit", lang, period=last["period"], lagging=lag_text, **fields)
        notes = [t("present.notes.unit", lang, name=name, period=last["period"], lagging=lag_text, **fields)]
    tables = (("present.table.unit_history", _readable(history, lang)), ("present.table.unit_peers", peers))
    payload = UnitPayload(code, name, history, peers)
    return Slide(spec, t("present.slide.unit", lang, name=name), sub, "\n".join(notes), tables, payload)


PEER_COLUMNS = ["metric", "name", "unit_of_measure", "unit_value", "sub_median", "group_median"]


def _peer_table(analysis: DeckAnalysis, code: str, lang: str) -> pd.DataFrame:
    """The unit's headline metrics in the latest month beside its subsidiary's and the group's medians."""
    columns = PEER_COLUMNS
    source, period = analysis.source, analysis.latest
    if period is None:
        return pd.DataFrame(columns=columns)
    metrics = default_metrics(source.catalog, source.obs, code)
    long = metric_history(source.obs, source.registry.parents(), code, metrics, start=period, end=period)
    wide = long.pivot_table(index="metric", columns="series", values="value", aggfunc="first")
    rows = []
    for m in metrics:
        metric = source.catalog.get(m)
        got = wide.loc[m] if m in wide.index else pd.Series(dtype=float)
        values = (got.get(s, np.nan) for s in ("unit", "subsidiary", "group"))
        rows.append([m, metric.name(lang), unit_of_measure(metric.unit, lang), *values])
    return pd.DataFrame(rows, columns=columns)


BUILDERS = {
    "kpis": _kpis,
    "ranking": _ranking,
    "quadrant": _quadrant,
    "heatmap": _heatmap,
    "findings": _findings,
    "scatter": _scatter,
    "lag": _lag,
    "unit": _unit,
}


@dataclass(frozen=True, eq=False)
class Deck:
    """A computed deck: its slides in order, with the view and data version they show."""

    slides: tuple[Slide, ...]
    scope: Scope
    stamp: DataStamp
    lang: str
    scope_text: str
    stamp_text: str
    notes: pd.DataFrame | None = None  # the notes on the view's values (analytics.reports.annex.shown_notes)

    @property
    def text(self) -> str:
        """The deck string with every default pair and unit resolved (what a link pins)."""
        return deck_text(s.spec for s in self.slides)


def deck_of(analysis: DeckAnalysis, slides: Sequence[Slide], lang: str) -> Deck:
    """A deck of already computed ``slides`` of ``analysis``."""
    stamp, scope, months = analysis.source.stamp, analysis.scope, analysis.months
    start, end = scope.start or (months[0] if months else None), scope.end or (months[-1] if months else None)
    notes = shown_notes(analysis.source.notes, scope.start, scope.end, scope.units, analysis.source.catalog, lang)
    return Deck(
        tuple(slides), scope, stamp, lang, scope_text(scope, analysis, lang), stamp_text(stamp, lang, start, end), notes
    )


def build_deck(source: Source, specs: Sequence[SlideSpec], scope: Scope = Scope(), lang: str = "zh") -> Deck:
    """Compute every slide of ``specs`` over ``scope`` in ``lang``. Raises DeckError for an unknown metric or unit."""
    analysis = DeckAnalysis(source, scope)
    return deck_of(analysis, [analysis.slide(spec, lang) for spec in specs], lang)
