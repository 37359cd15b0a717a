"""Command handlers for the analyses: correlate, matrix, findings, integration (SPEC §4)."""

from __future__ import annotations

import argparse
import sys

from analytics.cli.args import EXIT_USAGE, Rejected, db_of, emit_json, list_arg
from analytics.model.catalog import CATEGORIES, Catalog
from analytics.model.panel import Panel
from analytics.model.units import UnknownUnit
from analytics.periods import from_index
from analytics.stats.findings import FINDING_LEVELS
from analytics.stats.options import LEVELS, METHODS, SCALES
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog
from analytics.store.snapshot import load_snapshot
from analytics.store.units import load_registry


def register(add, view: argparse.ArgumentParser) -> None:
    """Add the analysis subcommands to the parser (see analytics.cli.main.build_parser)."""
    from analytics.cli.args import period_arg

    stats = argparse.ArgumentParser(add_help=False)
    stats.add_argument("--method", choices=METHODS, default="pearson")
    stats.add_argument("--level", choices=LEVELS, default="twoway", help="effects removed (default twoway: unit+month)")
    stats.add_argument("--scale", choices=SCALES, default="unit", help="within/twoway: each unit counts equally (unit)")
    stats.add_argument("--period", type=period_arg, metavar="YYYY-MM")
    stats.add_argument("--lag", type=_lag, default=0)
    p = add("correlate", correlate, "one pair's correlation", view, stats)
    p.add_argument("--x", required=True)
    p.add_argument("--y", required=True)
    p = add("matrix", matrix, "party × business correlation grid with BH q", view, stats)
    p.add_argument("--rows", type=list_arg, default=["party"])
    p.add_argument("--cols", type=list_arg, default=["production", "efficiency"])
    p = add("findings", findings, "party × business findings at lags 0..6 (BH over every pair and lag)", view)
    p.add_argument("--level", choices=FINDING_LEVELS, default="twoway")
    p.add_argument("--scale", choices=SCALES, default="unit")
    p.add_argument("--method", choices=METHODS, default="pearson")
    p.add_argument("--lags", type=_lags, default=range(7), metavar="0..6")
    p = add("integration", integration, "integration index (融合度) per unit and month", view)
    p.add_argument("--period", type=period_arg, metavar="YYYY-MM", help="score one month (not with --from/--to)")
    p.add_argument(
        "--basis",
        type=_basis,
        default="all",
        metavar="all|view|YYYY-MM..YYYY-MM",
        help="rows that fix normalisation and weights: every row (default), the scored rows, or a frozen window",
    )
    _integration_choices(p)


def _integration_choices(p: argparse.ArgumentParser) -> None:
    """``integration``'s --size, --weights and --missing (SPEC §4, defaults §5)."""
    from analytics.stats.integration import MISSING, SIZES, WEIGHTINGS

    p.add_argument("--size", choices=SIZES, default=SIZES[0], help="amounts and counts: against units of the same "
                   "size (adjusted, default), per 100 staff, or as reported")  # fmt: skip
    p.add_argument("--weights", choices=WEIGHTINGS, default=WEIGHTINGS[0], help="metric weights within a subsystem")
    p.add_argument("--missing", choices=MISSING, default=MISSING[0],
                   help="a missing metric scores the floor (worst, default) or the weights are rescaled")  # fmt: skip


def _basis(text: str) -> str:
    from analytics.stats.integration import IntegrationError, parse_basis

    try:
        parse_basis(text)
    except IntegrationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def _lags(text: str) -> range:
    """``A..B`` (0 ≤ A ≤ B) or a single ``K`` → the lags A..B inclusive."""
    first, _, last = text.partition("..")
    try:
        lo, hi = int(first), int(last or first)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("lags look like 0..6") from exc
    if lo < 0 or hi < lo:
        raise argparse.ArgumentTypeError("lags look like 0..6 (0 ≤ first ≤ last)")
    return range(lo, hi + 1)


def _lag(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("lag must be ≥ 0")
    return value


class Analysis:
    """What a statistics command needs: the catalog, the panel and the resolved view options."""

    def __init__(self, args: argparse.Namespace):
        if args.level == "period" and getattr(args, "period", None) is None:
            print("--level period needs --period YYYY-MM", file=sys.stderr)
            raise SystemExit(EXIT_USAGE)
        with connect(db_of(args), read_only=True) as con:
            self.catalog: Catalog = load_catalog(con)
            registry = load_registry(con)
            self.snapshot = load_snapshot(con, db_of(args))
            self.panel: Panel = self.snapshot.panel
        try:
            self.units = registry.expand(args.units) if args.units else None
        except UnknownUnit as exc:
            hint = f" ({', '.join(exc.candidates)})" if exc.candidates else ""
            raise Rejected(f"未知或有歧义的单位 / unknown or ambiguous unit: {exc.label}{hint}") from exc
        period = getattr(args, "period", None)
        self.options = {
            "method": args.method,
            "level": args.level,
            "lag": getattr(args, "lag", 0),
            "period": from_index(period) if period is not None else None,
            "from_": from_index(args.start) if args.start is not None else None,
            "to": from_index(args.end) if args.end is not None else None,
            "units": self.units,
            "scale": args.scale,
        }

    def metric(self, label: str) -> str:
        try:
            return self.catalog.resolve(label).code
        except KeyError as exc:
            raise Rejected(f"未知指标 / unknown metric: {label}") from exc

    def metric_set(self, labels: list[str]) -> list[str]:
        """Categories (party, production, efficiency) or metric labels → metric codes, catalog order."""
        codes: list[str] = []
        for label in labels:
            codes += self.catalog.codes(label) if label in CATEGORIES else [self.metric(label)]
        return list(dict.fromkeys(codes))


def correlate(args: argparse.Namespace) -> int:
    from analytics.stats import correlations

    analysis = Analysis(args)
    result = correlations.correlate(
        analysis.panel, analysis.metric(args.x), analysis.metric(args.y), **analysis.options
    )
    if args.json:
        emit_json(result.to_dict())
    else:
        print(" ".join(f"{k}={v}" for k, v in result.to_dict().items()))
    return 0


def matrix(args: argparse.Namespace) -> int:
    from analytics.stats import matrix as grid

    analysis = Analysis(args)
    frame = grid.matrix(
        analysis.panel, analysis.metric_set(args.rows), analysis.metric_set(args.cols), **analysis.options
    )
    if args.json:
        emit_json(grid.matrix_to_dict(frame))
    else:
        print(frame.to_string(index=False))
    return 0


def findings(args: argparse.Namespace) -> int:
    """SPEC §4 ``findings``: party × business at the given lags, BH over every (pair, lag), direction checked."""
    from analytics.services.findings import findings_of
    from analytics.stats.findings import describe_finding

    analysis = Analysis(args)
    options = {k: analysis.options[k] for k in ("level", "scale", "method", "from_", "to", "units")}
    rows, cols = analysis.metric_set(["party"]), analysis.metric_set(["production", "efficiency"])
    result = findings_of(analysis.snapshot, rows, cols, args.lags, **options)
    names = {lang: {m.code: m.name(lang) for m in analysis.catalog.metrics} for lang in ("zh", "en")}
    document = result.to_dict(names["zh"], names["en"])
    if args.json:
        emit_json(document)
    else:
        print(f"scanned={document['scanned']} findings={len(result.findings)}")
        for finding in result.findings:
            print(describe_finding(finding, names["zh"], "zh"))
    return 0


def integration(args: argparse.Namespace) -> int:
    """SPEC §4 ``integration``: the index of every unit-month in the view, over the chosen basis."""
    from analytics.i18n import t
    from analytics.stats.integration import IntegrationError, IntegrationSettings
    from analytics.stats.unit_profile import score_view

    if args.period is not None and (args.start is not None or args.end is not None):
        print("--period cannot be combined with --from/--to", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    first, last = (args.period, args.period) if args.period is not None else (args.start, args.end)
    with connect(db_of(args), read_only=True) as con:
        catalog, registry = load_catalog(con), load_registry(con)
        # the view basis needs only the scored months; all and a window need every month
        snapshot = load_snapshot(con, db_of(args))
    obs = snapshot.frame(first, last) if args.basis == "view" else snapshot.frame()
    try:
        units = registry.expand(args.units) if args.units else None
    except UnknownUnit as exc:
        hint = f" ({', '.join(exc.candidates)})" if exc.candidates else ""
        raise Rejected(f"未知或有歧义的单位 / unknown or ambiguous unit: {exc.label}{hint}") from exc
    start, end = (from_index(m) if m is not None else None for m in (first, last))
    settings = IntegrationSettings(basis=args.basis, size=args.size, weighting=args.weights, missing=args.missing)
    try:
        result = score_view(
            obs, catalog, registry.parents(), start=start, end=end, units=units,
            settings=settings, headcount=registry.headcounts(),
        )  # fmt: skip
    except IntegrationError as exc:
        raise Rejected(f"无法计算融合度 / cannot compute the integration index: {exc}") from exc
    if result.insufficient:
        print(t("integ.insufficient", "zh", n=result.basis_units, k=settings.min_units), file=sys.stderr)
        print(t("integ.insufficient", "en", n=result.basis_units, k=settings.min_units), file=sys.stderr)
    if args.json:
        emit_json(result.to_dict())
    else:
        print(result.rows.to_string(index=False))
        print(" ".join(f"{metric}={weight:.4f}" for metric, weight in result.weights.items()))
    return 0
