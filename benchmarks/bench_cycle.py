"""The reporting cycle at group scale (issue 15, Speed): a 2,000-unit month's status and the 填报进度 / 审核 pages.

A copy of the scale database (benchmarks/scale.py: 2,000 reporting units, 120 metrics, 60 months) gets an open
cycle for the month after its data, with a deadline already past: 1,400 units upload that month in one workbook
(submitted), 800 of them are approved, 50 returned with a reason, the other 600 are missing and overdue. Then:

- ``services.cycles.status`` of the month (what the CLI's ``cycle status`` and both pages compute), median of 5;
- ``python -m analytics cycle status YYYY-MM --json`` end to end (process start included);
- the /progress and /review pages in headless Chromium against a one-chart page (benchmarks/bench_pages.py,
  same server, same run). Target: ≤ 1.5× the one-chart page.

    python benchmarks/bench_cycle.py [--repeat 5] [--no-browser]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.periods import from_index
from analytics.services import cycles
from analytics.services.imports import Upload, run_import
from analytics.store.connection import connect
from analytics.store.observations import current_months
from benchmarks.scale import build_scale_db, wide_workbook

OUT = ROOT / "benchmarks" / "out"
SCALE_DB = OUT / "scale.duckdb"
CYCLE_DB = OUT / "bench_cycle.duckdb"
SUBMITTED, APPROVED, RETURNED = 1400, 800, 50


def prepare() -> tuple[Path, int, float]:
    """The scale database with the open month described above; its month index and the seconds it took."""
    started = time.perf_counter()
    if not SCALE_DB.exists():
        build_scale_db(SCALE_DB)
    CYCLE_DB.unlink(missing_ok=True)
    shutil.copyfile(SCALE_DB, CYCLE_DB)
    with connect(CYCLE_DB, read_only=True) as con:
        last = current_months(con)[-1]
    year, month = int(last[:4]), int(last[5:7])
    period = year * 12 + month  # the month after the data
    cycles.open_month(CYCLE_DB, period, dt.date.today() - dt.timedelta(days=3), "cli", operator="bench")
    book = wide_workbook(SUBMITTED, period=period)
    result = run_import(CYCLE_DB, [Upload("月报.xlsx", book)], user="planner")
    if result.status != "committed":
        raise SystemExit(f"the month's upload was {result.status}: {[e.message for e in result.errors[:3]]}")
    units = [u.unit for u in cycles.status(CYCLE_DB, period).units if u.status == "submitted"]
    cycles.review(CYCLE_DB, "approve", units[:APPROVED], period, "cli", operator="bench")
    cycles.review(
        CYCLE_DB, "return", units[APPROVED : APPROVED + RETURNED], period, "cli", operator="bench", reason="数据待核实"
    )
    return CYCLE_DB, period, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true", help="skip the page loads")
    args = parser.parse_args(argv)
    db, period, seconds = prepare()
    print(f"prepared {db.name} ({seconds:.1f} s): {from_index(period)} open, {SUBMITTED} submitted, "
          f"{APPROVED} approved, {RETURNED} returned", flush=True)  # fmt: skip
    status = cycles.status(db, period)
    counts = status.counts()
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        cycles.status(db, period)
        times.append(time.perf_counter() - started)
    cli = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analytics", "cycle", "status", from_index(period), "--json",
                        "--db", str(db)], cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        cli.append(time.perf_counter() - started)
    rows = [
        ("units in the month", str(len(status.units)), ""),
        ("statuses", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), ""),
        ("services.cycles.status, median s", f"{statistics.median(times):.3f}", ""),
        ("cycle status --json (process), median s", f"{statistics.median(cli):.2f}", ""),
    ]
    print("\n2,000-unit month: status")
    for row in rows:
        print(f"  {row[0]:<42} {row[1]}")
    if not args.no_browser:
        pages = [sys.executable, str(ROOT / "benchmarks" / "bench_pages.py"), "--db", str(db)]
        subprocess.run([*pages, "--pages", "progress,review", "--no-switches"], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
