"""Command handlers for the analyses: correlate, matrix, integration (SPEC §4)."""

from __future__ import annotations

import argparse
import sys

from analytics.catalog import CATEGORIES, Catalog
from analytics.cli import EXIT_USAGE, Rejected, db_of, emit_json, list_arg
from analytics.db import connect
from analytics.panel import Panel
from analytics.periods import from_index
from analytics.registry import UnknownUnit, load_catalog, load_registry
from analytics.snapshot import load_snapshot

METHODS = ("pearson", "spearman")
LEVELS = ("within", "twoway", "pooled", "between", "period")


def register(add, view: argparse.ArgumentParser) -> None:
    """Add the analysis subcommands to the parser (see analytics.cli.build_parser)."""
    from analytics.cli import period_arg

    stats = argparse.ArgumentParser(add_help=False)
    stats.add_argument("--method", choices=METHODS, default="pearson")
    stats.add_argument("--level", choices=LEVELS, default="within")
    stats.add_argument("--period", type=period_arg, metavar="YYYY-MM")
    stats.add_argument("--lag", type=_lag, default=0)
    p = add("correlate", correlate, "one pair's correlation", view, stats)
    p.add_argument("--x", required=True)
    p.add_argument("--y", required=True)
    p = add("matrix", matrix, "party × business correlation grid with BH q", view, stats)
    p.add_argument("--rows", type=list_arg, default=["party"])
    p.add_argument("--cols", type=list_arg, default=["production", "efficiency"])
    p = add("integration", integration, "integration index (融合度) per unit and month", view)
    p.add_argument("--period", type=period_arg, metavar="YYYY-MM", help="score one month (not with --from/--to)")
    p.add_argument(
        "--basis",
        type=_basis,
        default="view",
        metavar="view|all|YYYY-MM..YYYY-MM",
        help="rows that fix normalisation and weights: the scored rows, every row, or a frozen window",
    )


def _basis(text: str) -> str:
    from analytics.integration import IntegrationError, parse_basis

    try:
        parse_basis(text)
    except IntegrationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def _lag(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("lag must be ≥ 0")
    return value


class Analysis:
    """What a statistics command needs: the catalog, the panel and the resolved view options."""

    def __init__(self, args: argparse.Namespace):
        if args.level == "period" and args.period is None:
            print("--level period needs --period YYYY-MM", file=sys.stderr)
            raise SystemExit(EXIT_USAGE)
        with connect(db_of(args), read_only=True) as con:
            self.catalog: Catalog = load_catalog(con)
            registry = load_registry(con)
            self.panel: Panel = load_snapshot(con, db_of(args)).panel
        try:
            self.units = registry.expand(args.units) if args.units else None
        except UnknownUnit as exc:
            hint = f" ({', '.join(exc.candidates)})" if exc.candidates else ""
            raise Rejected(f"未知或有歧义的单位 / unknown or ambiguous unit: {exc.label}{hint}") from exc
        self.options = {
            "method": args.method,
            "level": args.level,
            "lag": args.lag,
            "period": from_index(args.period) if args.period is not None else None,
            "from_": from_index(args.start) if args.start is not None else None,
            "to": from_index(args.end) if args.end is not None else None,
            "units": self.units,
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
    from analytics import correlations

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
    from analytics import correlations

    analysis = Analysis(args)
    frame = correlations.matrix(
        analysis.panel, analysis.metric_set(args.rows), analysis.metric_set(args.cols), **analysis.options
    )
    if args.json:
        emit_json(correlations.matrix_to_dict(frame))
    else:
        print(frame.to_string(index=False))
    return 0


def integration(args: argparse.Namespace) -> int:
    """SPEC §4 ``integration``: the index of every unit-month in the view, over the chosen basis."""
    from analytics.integration import IntegrationError, IntegrationSettings
    from analytics.unit_profile import score_view

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
    try:
        result = score_view(
            obs, catalog, registry.parents(), start=start, end=end, units=units,
            settings=IntegrationSettings(basis=args.basis),
        )  # fmt: skip
    except IntegrationError as exc:
        raise Rejected(f"无法计算融合度 / cannot compute the integration index: {exc}") from exc
    if args.json:
        emit_json(result.to_dict())
    else:
        print(result.rows.to_string(index=False))
        print(" ".join(f"{metric}={weight:.4f}" for metric, weight in result.weights.items()))
    return 0
