"""Import speed at scale (issue: foundation). Prints a table.

1. One 2,000 units × 120 metrics workbook imported in process (read + validate incl. the history check + commit)
   into a database that already holds 60 months (14.4 M observations). Target ≤ 0.5 s.
2. Whole-process import of a 20,000 × 120 workbook (``python -m analytics import``) against
   ``pandas.read_excel(..., engine="openpyxl")`` merely reading it. Target ≥ 4x faster.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.ingest.workbooks import read_workbook
from analytics.services.imports import Upload, read_files, run_import
from analytics.store.connection import connect
from analytics.store.history import load_history
from analytics.store.snapshot import snapshot_dir
from benchmarks.scale import FIRST_MONTH, MONTHS, build_scale_db, unit_rows, wide_workbook

OUT = ROOT / "benchmarks" / "out"


REPEAT = 5  # each in-process measure is taken this many times on a fresh copy of the database (best, median)
REPEAT_PROCESS = 3  # each whole-process measure (openpyxl alone takes ~25 s)


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def repeated(fn, times_: int = REPEAT) -> tuple[float, float, object]:
    """(best, median, last result) of ``times_`` calls of ``fn``."""
    times, result = [], None
    for _ in range(times_):
        seconds, result = fn()
        times.append(seconds)
    return min(times), statistics.median(times), result


def fresh_copy(db: Path, summary: bool = True) -> Path:
    """A copy of ``db``; with the history summary its last import left (``summary``), as in monthly use."""
    copy = db.with_name("bench_import_copy.duckdb")
    shutil.copyfile(db, copy)
    shutil.rmtree(snapshot_dir(copy), ignore_errors=True)
    if summary:
        shutil.copytree(snapshot_dir(db), snapshot_dir(copy), ignore=shutil.ignore_patterns("panel-*"))
    os.sync()  # the copy's 140 MB are written out now, not by the kernel during the measured import
    return copy


def warm_history(db: Path) -> None:
    """Save the history summary of ``db``, as the import that wrote its latest month would have."""
    with connect(db, read_only=True) as con:
        load_history(con, db)


def in_process(db: Path) -> list[tuple[str, float, float, str]]:
    from analytics.ingest.workbooks import Limits
    from analytics.store.metrics import load_catalog
    from analytics.store.units import load_registry

    content = wide_workbook(2_000, period=FIRST_MONTH + MONTHS)
    upload = Upload("bench_2000x120.xlsx", content)
    read = repeated(lambda: timed(read_workbook, upload.name, content))
    with connect(db, read_only=True) as con:
        catalog, registry = load_catalog(con), load_registry(con)
    parse = repeated(lambda: timed(read_files, [upload], catalog, registry, None, False, Limits()))
    content2 = wide_workbook(2_000, period=FIRST_MONTH + MONTHS, seed=8)

    def import_into_copy(uploads: list[Upload]):
        copy = fresh_copy(db)
        timed(run_import, copy, [upload], None, False, False, "bench")  # the new month, so the next one changes
        return timed(run_import, copy, uploads, None, False, False, "bench")

    def new_month(summary: bool = True):
        copy = fresh_copy(db, summary)
        return timed(run_import, copy, [upload], None, False, False, "bench")

    total = repeated(new_month)
    cold = repeated(lambda: new_month(summary=False))
    again = repeated(lambda: import_into_copy([Upload("bench_again.xlsx", content2)]))
    result, result2 = total[2], again[2]
    assert result.status == "committed", result.errors[:3]  # type: ignore[attr-defined]
    return [
        ("read 2,000×120 xlsx (calamine + styles)", *read[:2], ""),
        ("read + parse + validate (no db)", *parse[:2], f"{len(parse[2].staged):,} values"),  # type: ignore[attr-defined]
        ("import into 14.4 M db: new month", *total[:2], f"target ≤ 0.5 s; {result.new:,} new"),  # type: ignore[attr-defined]
        ("same, history summary read from the db first", *cold[:2], "after a revert or units change"),
        ("import into 14.4 M db: same month, all changed", *again[:2], f"{result2.changed:,} changed"),  # type: ignore[attr-defined]
    ]


def whole_process(db: Path) -> list[tuple[str, float, float, str]]:
    path = OUT / "bench_import_20000x120.xlsx"
    if not path.exists():
        wide_workbook(20_000, period=FIRST_MONTH + MONTHS + 1, path=path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def cli():
        command = [sys.executable, "-m", "analytics", "import", str(path), "--create-units", "--json"]
        seconds, proc = timed(
            subprocess.run, [*command, "--db", str(fresh_copy(db))], capture_output=True, text=True, env=env
        )
        assert proc.returncode == 0, (proc.stdout[-2000:], proc.stderr[-2000:])
        return seconds, proc

    ours = repeated(cli, REPEAT_PROCESS)
    code = "import pandas, sys; pandas.read_excel(sys.argv[1], engine='openpyxl')"
    pandas = repeated(
        lambda: timed(subprocess.run, [sys.executable, "-c", code, str(path)], check=True), REPEAT_PROCESS
    )
    return [
        ("python -m analytics import 20,000×120 (whole process)", *ours[:2], ""),
        (
            "pandas.read_excel(openpyxl) merely reading it",
            *pandas[:2],
            f"ratio of medians {pandas[1] / ours[1]:.1f}x (target ≥ 4x)",
        ),
    ]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / "scale.duckdb"
    t_build = build_scale_db(db)
    warm_history(db)
    rows = [("build 14.4 M-observation database", t_build, t_build, f"{len(unit_rows()) - 1:,} units")]
    rows += in_process(db)
    rows += whole_process(db)
    db.with_name("bench_import_copy.duckdb").unlink(missing_ok=True)
    width = max(len(r[0]) for r in rows)
    print(
        f"{'measure':<{width}}  {'best':>7}  {'median':>7}  "
        f"note (seconds; {REPEAT} runs in process, {REPEAT_PROCESS} whole process)"
    )
    for name, best, median, note in rows:
        print(f"{name:<{width}}  {best:7.3f}  {median:7.3f}  {note}")


if __name__ == "__main__":
    main()
