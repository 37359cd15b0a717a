"""The command handlers behind ``python -m analytics``: each parses nothing, makes one library call, prints."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.cli.args import EXIT_REJECTED, Rejected, db_of, emit_json
from analytics.ingest.template import template_bytes
from analytics.model.catalog import read_catalog_csv, write_catalog_csv
from analytics.model.units import UnknownUnit, read_units_csv
from analytics.periods import from_index
from analytics.services.imports import Upload, run_import
from analytics.store.batches import BatchError, list_batches
from analytics.store.batches import revert as revert_batch
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog, save_metrics
from analytics.store.observations import TooManyRows, current_frame, to_csv, to_xlsx
from analytics.store.units import load_registry, save_units, units_csv, units_frame


def _audit(args: argparse.Namespace, action: str, details: dict[str, object]) -> None:
    """Record what a command changed, as ``cli:<OS user>`` (or --user), in the database it changed; then save the
    panel snapshot of the changed data. (Imports and reverts write their entry in their own transaction.)"""
    from analytics.store import audit

    with connect(db_of(args)) as con:
        audit.record(con, _actor(args), action, details)
    _warm(args)


def _actor(args: argparse.Namespace) -> str:
    """Who the audit log names: --user, else ``cli:<OS user>``."""
    from analytics.cli.admin import actor

    user = getattr(args, "user", None)
    return user if user and user != "cli" else actor()


def _warm(args: argparse.Namespace) -> None:
    """Save the panel snapshot of the changed data."""
    from analytics.store.snapshot import warm_snapshot

    warm_snapshot(db_of(args))


def demo(args: argparse.Namespace) -> int:
    from analytics.services.demo import DemoRefused, create_demo

    try:
        summary = create_demo(db_of(args))
    except DemoRefused as exc:
        raise Rejected(str(exc)) from exc
    if args.json:
        emit_json(summary)
    else:
        print("演示数据已创建 / demo created: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


def template(args: argparse.Namespace) -> int:
    with connect(db_of(args), read_only=True) as con:
        catalog, registry = load_catalog(con), load_registry(con)
    Path(args.out).write_bytes(template_bytes(args.period, catalog, registry))
    if args.json:
        emit_json({"out": args.out, "period": from_index(args.period), "units": len(registry.units)})
    return 0


def import_(args: argparse.Namespace) -> int:
    missing = [f for f in args.files if not Path(f).is_file()]
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
                    "errors": [_missing_file(f) for f in missing],
                    "warnings": [],
                }
            )
        raise Rejected(f"文件不存在 / file not found: {', '.join(missing)}")
    uploads = [Upload.from_path(f) for f in args.files]
    result = run_import(db_of(args), uploads, args.period, args.dry_run, args.create_units, args.user, _actor(args))
    if result.status == "committed":
        _warm(args)  # the audit entry was committed with the batch
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


def _missing_file(path: str) -> dict[str, object]:
    from analytics.model.issues import make_issue

    return make_issue("missing_file", path, None, None, path=path).to_json()


def batches(args: argparse.Namespace) -> int:
    with connect(db_of(args), read_only=True) as con:
        frame = list_batches(con)
    if args.json:
        records = frame.assign(
            created_at=frame["created_at"].astype(str),
            reverted_at=frame["reverted_at"].map(lambda v: None if v is None or v != v else str(v)),
        )
        emit_json({"batches": records.to_dict(orient="records")})
    else:
        print(frame.drop(columns=["files"]).to_string(index=False) if len(frame) else "no batches")
    return 0


def revert(args: argparse.Namespace) -> int:
    try:
        with connect(db_of(args)) as con:
            keys = revert_batch(con, args.batch_id, args.user, _actor(args))
    except BatchError as exc:
        raise Rejected(str(exc)) from exc
    _warm(args)  # the audit entry was committed with the revert
    if args.json:
        emit_json({"status": "reverted", "batch_id": args.batch_id, "keys": keys})
    else:
        print(f"batch {args.batch_id} reverted ({keys} values)")
    return 0


def _units_and_metrics(args: argparse.Namespace, con) -> tuple[list[str] | None, list[str] | None]:
    registry, catalog = load_registry(con), load_catalog(con)
    try:
        units = registry.expand(args.units) if args.units else None
    except UnknownUnit as exc:
        hint = f" ({', '.join(exc.candidates)})" if exc.candidates else ""
        raise Rejected(f"未知或有歧义的单位 / unknown or ambiguous unit: {exc.label}{hint}") from exc
    try:
        metrics = [catalog.resolve(m).code for m in getattr(args, "metrics", None) or []] or None
    except KeyError as exc:
        raise Rejected(f"未知指标 / unknown metric: {exc.args[0]}") from exc
    return units, metrics


def data(args: argparse.Namespace) -> int:
    with connect(db_of(args), read_only=True) as con:
        units, metrics = _units_and_metrics(args, con)
        frame = current_frame(con, args.start, args.end, units, metrics)
    if args.out and args.out.lower().endswith(".xlsx"):
        try:
            to_xlsx(frame, args.out)
        except TooManyRows as exc:
            raise Rejected(
                f"{exc.args[0]} 行超出 Excel 单个工作表的上限，请缩小范围或改用 .csv / "
                f"{exc.args[0]} rows do not fit in one Excel sheet: narrow the selection or write .csv"
            ) from exc
    elif args.out:
        Path(args.out).write_bytes(to_csv(frame).encode("utf-8"))
    elif args.json:
        emit_json(
            {
                "rows": [
                    {"unit": u, "period": p, "metric": m, "value": v} for u, p, m, v in frame.itertuples(index=False)
                ]
            }
        )
    else:
        sys.stdout.write(to_csv(frame))
    return 0


def units(args: argparse.Namespace) -> int:
    if args.import_csv:
        try:
            rows = read_units_csv(_read_text(args.import_csv))
            with connect(db_of(args)) as con:
                save_units(con, rows)
            _audit(args, "units_change", {"file": args.import_csv, "units": len(rows)})
        except ValueError as exc:
            raise Rejected(f"单位文件有误 / invalid units file: {exc}") from exc
    with connect(db_of(args), read_only=True) as con:
        frame, text = units_frame(con), units_csv(con)
    if args.export_csv:
        Path(args.export_csv).write_text(text, encoding="utf-8")
    if args.json:
        emit_json({"units": frame.astype(object).where(frame.notna(), None).to_dict(orient="records")})
    elif not args.export_csv:
        sys.stdout.write(text)
    return 0


def metrics(args: argparse.Namespace) -> int:
    if args.import_csv:
        try:
            incoming = read_catalog_csv(_read_text(args.import_csv))
            with connect(db_of(args)) as con:
                save_metrics(con, incoming, replace=args.replace)
        except (ValueError, KeyError) as exc:
            raise Rejected(f"指标文件有误 / invalid catalog file: {exc}") from exc
        details = {"file": args.import_csv, "metrics": [m.code for m in incoming], "replace": args.replace}
        _audit(args, "catalog_change", details)
    with connect(db_of(args), read_only=True) as con:
        catalog = load_catalog(con)
    text = write_catalog_csv(list(catalog.metrics))
    if args.export_csv:
        Path(args.export_csv).write_text(text, encoding="utf-8")
    if args.json:
        emit_json({"metrics": [_metric_json(m) for m in catalog.metrics]})
    elif not args.export_csv:
        sys.stdout.write(text)
    return 0


def _metric_json(m) -> dict[str, object]:
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


def _read_text(path: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise Rejected(f"文件不存在 / file not found: {path}")
    raw = p.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Rejected(f"无法识别文件编码 / cannot decode {path}")


def add_analysis_commands(add, view: argparse.ArgumentParser) -> None:
    """correlate, matrix, integration (analysis_commands) and export (export_commands)."""
    from analytics.cli import admin as admin_commands
    from analytics.cli import analysis as analysis_commands
    from analytics.cli import export as export_commands

    analysis_commands.register(add, view)
    export_commands.register(add, view)
    admin_commands.register(add, view)
