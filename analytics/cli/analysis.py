"""The handlers of the analyses: correlate, matrix, findings, integration (SPEC §4).

Each checks what argparse cannot (exit 2), makes one call to analytics.services.analysis and prints the result.
"""

from __future__ import annotations

import argparse
import sys

from analytics.cli.args import EXIT_USAGE, db_of, emit_json
from analytics.i18n import t
from analytics.services import analysis
from analytics.services.analysis import View


def _usage_error(message: str) -> None:
    print(message, file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def _view(args: argparse.Namespace) -> View:
    """The view and correlation options of a statistics command; level ``period`` needs ``--period`` (exit 2)."""
    period = getattr(args, "period", None)
    if args.level == "period" and period is None:
        _usage_error("--level period needs --period YYYY-MM")
    units = tuple(args.units) if args.units else None
    lag = getattr(args, "lag", 0)
    return View(args.start, args.end, units, args.method, args.level, args.scale, lag, period)


def correlate(args: argparse.Namespace) -> int:
    result = analysis.correlate(db_of(args), args.x, args.y, _view(args))
    if args.json:
        emit_json(result.to_dict())
    else:
        print(" ".join(f"{k}={v}" for k, v in result.to_dict().items()))
    return 0


def matrix(args: argparse.Namespace) -> int:
    result = analysis.matrix(db_of(args), args.rows, args.cols, _view(args))
    if args.json:
        emit_json(result.to_dict())
    else:
        print(result.cells.to_string(index=False))
    return 0


def findings(args: argparse.Namespace) -> int:
    """SPEC §4 ``findings``: party × business at the given lags, BH over every (pair, lag), direction checked."""
    result = analysis.findings(db_of(args), args.lags, _view(args))
    document = result.to_dict()
    if args.json:
        emit_json(document)
    else:
        print(f"scanned={document['scanned']} findings={len(result.scan.findings)}")
        for sentence in result.sentences("zh"):
            print(sentence)
    return 0


def integration(args: argparse.Namespace) -> int:
    """SPEC §4 ``integration``: the index of every unit-month in the view, over the chosen basis."""
    if args.period is not None and (args.start is not None or args.end is not None):
        _usage_error("--period cannot be combined with --from/--to")
    first, last = (args.period, args.period) if args.period is not None else (args.start, args.end)
    view = View(first, last, tuple(args.units) if args.units else None)
    result = analysis.integration(db_of(args), view, args.basis, args.size, args.weights, args.missing)
    if result.insufficient:
        for lang in ("zh", "en"):
            print(t("integ.insufficient", lang, n=result.basis_units, k=result.settings.min_units), file=sys.stderr)
    if args.json:
        emit_json(result.to_dict())
    else:
        print(result.rows.to_string(index=False))
        print(" ".join(f"{metric}={weight:.4f}" for metric, weight in result.weights.items()))
    return 0
