"""Import speed at scale (issue: foundation). Prints a table.

1. One 2,000 units × 120 metrics workbook imported in process (read + validate incl. the history check + commit)
   into a database that already holds 60 months (14.4 M observations). Target ≤ 0.5 s.
2. Whole-process import of a 20,000 × 120 workbook (``python -m analytics import``) against
   ``pandas.read_excel(..., engine="openpyxl")`` merely reading it. Target ≥ 4x faster.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.imports import Upload, read_files, run_import  # noqa: E402
from analytics.workbooks import read_workbook  # noqa: E402
from benchmarks.scale import FIRST_MONTH, MONTHS, build_scale_db, unit_rows, wide_workbook  # noqa: E402

OUT = ROOT / "benchmarks" / "out"


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def in_process(db: Path) -> list[tuple[str, float, str]]:
    from analytics.db import connect
    from analytics.registry import load_catalog, load_registry
    from analytics.workbooks import Limits

    content = wide_workbook(2_000, period=FIRST_MONTH + MONTHS)
    upload = Upload("bench_2000x120.xlsx", content)
    t_read, _ = timed(read_workbook, upload.name, content)
    with connect(db, read_only=True) as con:
        catalog, registry = load_catalog(con), load_registry(con)
    t_parse, validation = timed(read_files, [upload], catalog, registry, None, False, Limits())
    t_total, result = timed(run_import, db, [upload], None, False, False, "bench")
    assert result.status == "committed", result.errors[:3]
    content2 = wide_workbook(2_000, period=FIRST_MONTH + MONTHS, seed=8)
    t_again, result2 = timed(run_import, db, [Upload("bench_again.xlsx", content2)], None, False, False, "bench")
    return [
        ("read 2,000×120 xlsx (calamine + styles)", t_read, ""),
        ("read + parse + validate (no db)", t_parse, f"{len(validation.staged):,} values"),
        ("import into 14.4 M db: new month", t_total, f"target ≤ 0.5 s; {result.new:,} new"),
        ("import into 14.4 M db: same month, all changed", t_again, f"{result2.changed:,} changed"),
    ]


def whole_process(db: Path) -> list[tuple[str, float, str]]:
    path = OUT / "bench_import_20000x120.xlsx"
    if not path.exists():
        wide_workbook(20_000, period=FIRST_MONTH + MONTHS + 1, path=path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t_cli, proc = timed(
        subprocess.run,
        [sys.executable, "-m", "analytics", "import", str(path), "--db", str(db), "--create-units", "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, (proc.stdout[-2000:], proc.stderr[-2000:])
    code = "import pandas, sys; pandas.read_excel(sys.argv[1], engine='openpyxl')"
    t_pandas, _ = timed(subprocess.run, [sys.executable, "-c", code, str(path)], check=True)
    return [
        ("python -m analytics import 20,000×120 (whole process)", t_cli, ""),
        ("pandas.read_excel(openpyxl) merely reading it", t_pandas, f"ratio {t_pandas / t_cli:.1f}x (target ≥ 4x)"),
    ]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / "scale.duckdb"
    t_build = build_scale_db(db)
    rows = [("build 14.4 M-observation database", t_build, f"{len(unit_rows()) - 1:,} units")]
    rows += in_process(db)
    rows += whole_process(db)
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  seconds  note")
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:7.3f}  {note}")


if __name__ == "__main__":
    main()
