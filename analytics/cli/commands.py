"""The handlers of the data commands: demo, template, import, batches, revert, data, units, metrics.

Each makes one service call (analytics.services.records, analytics.services.demo) and prints what it returns; a
refusal goes up to :func:`analytics.cli.main.main`, which prints it once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.cli.args import EXIT_REJECTED, actor, db_of, emit_json
from analytics.errors import AnalyticsError
from analytics.model.catalog import Metric, write_catalog_csv
from analytics.model.issues import make_issue
from analytics.periods import from_index
from analytics.services import records
from analytics.services.demo import create_demo


def _actor(args: argparse.Namespace) -> str:
    """Who the audit log names: --user, else ``cli:<OS user>``."""
    user = getattr(args, "user", None)
    return user if user and user != "cli" else actor()


def demo(args: argparse.Namespace) -> int:
    summary = create_demo(db_of(args))
    if args.json:
        emit_json(summary)
    else:
        print("演示数据已创建 / demo created: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


def template(args: argparse.Namespace) -> int:
    made = records.template(db_of(args), args.period)
    Path(args.out).write_bytes(made.content)
    if args.json:
        emit_json({"out": args.out, "period": from_index(args.period), "units": made.units})
    return 0


def import_(args: argparse.Namespace) -> int:
    missing = [f for f in [*args.files, *filter(None, [args.note_file])] if not Path(f).is_file()]
    if missing:
        if args.json:
            emit_json(
                {
                    "status": "rejected",
                    "batch_id": None,
                    "observations": 0,
                    "new": 0,
                    "changed": 0,
                    "unchanged": 0,
                    "errors": [make_issue("missing_file", f, None, None, path=f).to_json() for f in missing],
                    "warnings": [],
                }
            )
        raise AnalyticsError("file_not_found", path=", ".join(missing))
    result = records.import_files(
        db_of(args),
        args.files,
        args.period,
        args.dry_run,
        args.create_units,
        args.user,
        _actor(args),
        args.restate,
        args.reason,
        args.note_file,
    )
    if args.json:
        emit_json(result.to_json())
    else:
        for issue in (*result.errors, *result.warnings):
            print(f"[{issue.code}] {issue.file} {issue.location}: {issue.message}", file=sys.stderr)
        print(
            f"{result.status}: batch {result.batch_id}, {result.observations} values "
            f"({result.new} new, {result.changed} changed, {result.unchanged} unchanged)"
        )
    return EXIT_REJECTED if result.status == "rejected" else 0


def batches(args: argparse.Namespace) -> int:
    frame = records.batches(db_of(args))
    if args.json:
        listed = frame.assign(
            created_at=frame["created_at"].astype(str),
            reverted_at=frame["reverted_at"].map(lambda v: None if v is None or v != v else str(v)),
        )
        emit_json({"batches": listed.to_dict(orient="records")})
    else:
        print(frame.drop(columns=["files"]).to_string(index=False) if len(frame) else "no batches")
    return 0


def revert(args: argparse.Namespace) -> int:
    keys = records.revert(db_of(args), args.batch_id, args.user, _actor(args))
    if args.json:
        emit_json({"status": "reverted", "batch_id": args.batch_id, "keys": keys})
    else:
        print(f"batch {args.batch_id} reverted ({keys} values)")
    return 0


def data(args: argparse.Namespace) -> int:
    frame = records.current_values(db_of(args), args.start, args.end, args.units, args.metrics)
    if args.out:
        records.write_values(frame, args.out)
    elif args.json:
        rows = [{"unit": u, "period": p, "metric": m, "value": v} for u, p, m, v in frame.itertuples(index=False)]
        emit_json({"rows": rows})
    else:
        sys.stdout.write(records.values_csv(frame))
    return 0


def units(args: argparse.Namespace) -> int:
    if args.import_csv:
        records.import_units(db_of(args), args.import_csv, _actor(args))
    table = records.unit_table(db_of(args))
    if args.export_csv:
        Path(args.export_csv).write_text(table.csv, encoding="utf-8")
    if args.json:
        emit_json({"units": table.frame.astype(object).where(table.frame.notna(), None).to_dict(orient="records")})
    elif not args.export_csv:
        sys.stdout.write(table.csv)
    return 0


def metrics(args: argparse.Namespace) -> int:
    if args.import_csv:
        records.import_metrics(db_of(args), args.import_csv, args.replace, _actor(args))
    catalog = records.catalog(db_of(args))
    text = write_catalog_csv(list(catalog.metrics))
    if args.export_csv:
        Path(args.export_csv).write_text(text, encoding="utf-8")
    if args.json:
        emit_json({"metrics": [_metric_json(m) for m in catalog.metrics]})
    elif not args.export_csv:
        sys.stdout.write(text)
    return 0


def _metric_json(m: Metric) -> dict[str, object]:
    return {
        "code": m.code,
        "name_zh": m.name_zh,
        "name_en": m.name_en,
        "category": m.category,
        "dimension": m.dimension,
        "unit": m.unit,
        "direction": m.direction,
        "min": m.min,
        "max": m.max,
        "aliases": list(m.aliases),
        "rollup": m.rollup,
    }
